package tempeval

import (
	"bytes"
	"encoding/xml"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// wellFormed fails unless data is well-formed XML, read token by token with
// encoding/xml's strict decoder.
func wellFormed(t testing.TB, data []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("output is not well-formed XML: %v\n%s", err, data)
		}
	}
}

// attrs is the comparable part of gold expressions.
func attrs(ts []Timex) []Timex {
	out := make([]Timex, len(ts))
	for i, t := range ts {
		out[i] = Timex{Start: t.Start, End: t.End, Text: t.Text, Type: t.Type, Value: t.Value, Mod: t.Mod}
	}
	return out
}

// find returns the system expression covering the first occurrence of s in
// the document's text.
func find(t *testing.T, d *Doc, s, typ, value string) Timex {
	t.Helper()
	i := strings.Index(d.Text, s)
	if i < 0 {
		t.Fatalf("%q not in the text", s)
	}
	return Timex{Start: i, End: i + len(s), Text: s, Type: typ, Value: value}
}

func TestAnnotateOwnGold(t *testing.T) {
	for _, name := range []string{"harbour.tml", "vote.tml"} {
		t.Run(name, func(t *testing.T) {
			d, raw := readFile(t, name)
			out := d.Annotate(d.Gold)
			wellFormed(t, out)
			back, err := Read(out)
			if err != nil {
				t.Fatalf("Read(Annotate(gold)): %v\n%s", err, out)
			}
			if back.Text != d.Text {
				t.Errorf("text changed:\n%q\n%q", back.Text, d.Text)
			}
			if !reflect.DeepEqual(attrs(back.Gold), attrs(d.Gold)) {
				t.Errorf("gold changed:\n%+v\n%+v", back.Gold, d.Gold)
			}
			if back.ID != d.ID || !back.DCT.Equal(d.DCT) {
				t.Errorf("ID/DCT %q %v, want %q %v", back.ID, back.DCT, d.ID, d.DCT)
			}
			// the other markup survives byte for byte
			for _, tag := range []string{`<EVENT eid="e1" class="OCCURRENCE">`, `<SIGNAL sid="s1">after</SIGNAL>`, `<MAKEINSTANCE eventID="e2"`} {
				if bytes.Contains(raw, []byte(tag)) && !bytes.Contains(out, []byte(tag)) {
					t.Errorf("output lost %s", tag)
				}
			}
			// the expressions are renumbered t1, t2, ... and the others'
			// attributes (temporalFunction, anchorTimeID) are not invented
			for i := range d.Gold {
				if !bytes.Contains(out, []byte(`<TIMEX3 tid="t`+strconv.Itoa(i+1)+`" type="`)) {
					t.Errorf("no TIMEX3 t%d in the output", i+1)
				}
			}
		})
	}
}

func TestAnnotateWidensAcrossEvents(t *testing.T) {
	d, _ := readFile(t, "vote.tml")
	// "ends Friday" is an EVENT; these spans cut through it
	tests := []struct {
		name string
		sys  []Timex
		want []string // gold texts after reading the output back
	}{
		{"start inside the event", []Timex{find(t, d, "Friday evening", "TIME", "1999-03-05TEV")}, []string{"ends Friday evening"}},
		{"end inside the event", []Timex{find(t, d, "voting ends", "DATE", "X")}, []string{"voting ends Friday"}},
		{"inside the event stays", []Timex{find(t, d, "Friday", "DATE", "1999-03-05")}, []string{"Friday"}},
		{"around the event stays", []Timex{find(t, d, "ends Friday evening", "TIME", "1999-03-05TEV")}, []string{"ends Friday evening"}},
		{
			// both widen to overlapping spans: the second is dropped
			"collision after widening",
			[]Timex{find(t, d, "voting ends", "DATE", "X"), find(t, d, "Friday evening", "TIME", "1999-03-05TEV")},
			[]string{"voting ends Friday"},
		},
		{
			"next to the event",
			[]Timex{find(t, d, "7 a.m.", "TIME", "1999-03-02T07:00"), find(t, d, "Friday evening", "TIME", "1999-03-05TEV")},
			[]string{"7 a.m.", "ends Friday evening"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := d.Annotate(tt.sys)
			wellFormed(t, out)
			back, err := Read(out)
			if err != nil {
				t.Fatalf("Read: %v\n%s", err, out)
			}
			if back.Text != d.Text {
				t.Errorf("text changed:\n%q\n%q", back.Text, d.Text)
			}
			checkSpans(t, back)
			var got []string
			for _, g := range back.Gold {
				got = append(got, g.Text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("expressions written = %q, want %q\n%s", got, tt.want, out)
			}
			if len(back.Gold) > 0 && back.Gold[0].Type != tt.sys[0].Type {
				t.Errorf("type %q, want %q", back.Gold[0].Type, tt.sys[0].Type)
			}
			if bytes.Count(out, []byte(`<EVENT eid="e2" class="OCCURRENCE">`)) != 1 || bytes.Count(out, []byte("</EVENT>")) != 3 {
				t.Errorf("the EVENTs were changed:\n%s", out)
			}
		})
	}
}

func TestAnnotateLinksAndDCT(t *testing.T) {
	d, raw := readFile(t, "harbour.tml")
	sys := []Timex{
		{Start: 0, End: 0, Text: "", Type: "DATE", Value: "PRESENT_REF"}, // an empty span is written too
		find(t, d, "Monday", "DATE", "2025-05-19"),
		find(t, d, "early next month", "DATE", "2025-06"),
	}
	sys[2].Mod = "START"
	out := d.Annotate(sys)
	wellFormed(t, out)

	// (c) links that name a gold TIMEX3 other than the DCT are gone
	for _, lid := range []string{`lid="l1"`, `lid="l4"`, `lid="l6"`} {
		if bytes.Contains(out, []byte(lid)) {
			t.Errorf("TLINK %s names a removed gold TIMEX3 but was kept", lid)
		}
	}
	// links between events, and from events to the DCT, stay; so do the
	// instances and other links
	for _, keep := range []string{
		`<TLINK lid="l2" relType="BEFORE" eventInstanceID="ei1" relatedToTime="t0" origin="USER"/>`,
		`<TLINK lid="l3" relType="BEFORE" eventInstanceID="ei2" relatedToEventInstance="ei3" origin="USER"/>`,
		`<TLINK lid="l5" relType="AFTER" eventInstanceID="ei4" relatedToTime="t0" origin="USER"/>`,
		`<SLINK lid="l7"`,
		`<MAKEINSTANCE eventID="e5" eiid="ei5"`,
		"</TimeML>",
	} {
		if !bytes.Contains(out, []byte(keep)) {
			t.Errorf("output lost %s", keep)
		}
	}

	// (d) everything up to <TEXT>, the DCT included, is untouched
	head := raw[:bytes.Index(raw, []byte("<TEXT>"))+len("<TEXT>")]
	if !bytes.HasPrefix(out, head) {
		t.Errorf("the part before the text changed")
	}
	dct := `<DCT><TIMEX3 tid="t0" type="DATE" value="2025-05-20" temporalFunction="false" functionInDocument="CREATION_TIME">2025-05-20</TIMEX3></DCT>`
	if bytes.Count(out, []byte(dct)) != 1 {
		t.Errorf("the DCT element is not in the output exactly once")
	}

	back, err := Read(out)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if !back.DCT.Equal(d.DCT) || back.ID != d.ID || back.Text != d.Text {
		t.Errorf("read back ID %q DCT %v, want %q %v (text equal: %v)", back.ID, back.DCT, d.ID, d.DCT, back.Text == d.Text)
	}
	want := []Timex{sys[0], sys[1], sys[2]}
	if !reflect.DeepEqual(attrs(back.Gold), want) {
		t.Errorf("read back %+v\nwant      %+v", back.Gold, want)
	}
	if bytes.Count(out, []byte("<TIMEX3 ")) != 1+len(sys) {
		t.Errorf("want the DCT and %d system TIMEX3 tags:\n%s", len(sys), out)
	}
}

func TestAnnotateEscapes(t *testing.T) {
	d, err := Read(tml("2025-05-20", `Port &amp; Union met <EVENT eid="e1" class="OCCURRENCE">on</EVENT> <TIMEX3 tid="t1" type="DATE" value="2025-05-19">Monday</TIMEX3> &lt;AP&gt;`))
	if err != nil {
		t.Fatal(err)
	}
	sys := []Timex{{Start: 0, End: len("Port & Union"), Text: "Port & Union", Type: "DATE", Value: `a"b<c>&d`, Mod: "X&Y"}}
	out := d.Annotate(sys)
	wellFormed(t, out)
	if !bytes.Contains(out, []byte(`Port &amp; Union</TIMEX3> met`)) || !bytes.Contains(out, []byte(`&lt;AP&gt;`)) {
		t.Errorf("text not escaped:\n%s", out)
	}
	back, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if back.Text != d.Text || len(back.Gold) != 1 || back.Gold[0].Value != `a"b<c>&d` || back.Gold[0].Mod != "X&Y" || back.Gold[0].Text != "Port & Union" {
		t.Errorf("read back %q %+v", back.Text, back.Gold)
	}
}
