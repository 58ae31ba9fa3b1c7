package tempeval

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// tml wraps text in a minimal TimeML document whose DCT has the given value.
func tml(dct, text string) []byte {
	return []byte(`<?xml version="1.0" ?>
<TimeML>
<DOCID>TEST.0001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="` + dct + `" temporalFunction="false" functionInDocument="CREATION_TIME">` + dct + `</TIMEX3></DCT>
<TEXT>` + text + `</TEXT>
<TLINK lid="l1" relType="BEFORE" timeID="t1" relatedToTime="t0"/>
</TimeML>
`)
}

func readFile(t testing.TB, name string) (*Doc, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(raw)
	if err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	return d, raw
}

// checkSpans fails the test unless every gold span lies in the text and
// covers exactly its Text.
func checkSpans(t testing.TB, d *Doc) {
	t.Helper()
	for i, g := range d.Gold {
		if g.Start < 0 || g.Start > g.End || g.End > len(d.Text) {
			t.Fatalf("gold %d span [%d,%d) outside the text (%d bytes)", i, g.Start, g.End, len(d.Text))
		}
		if d.Text[g.Start:g.End] != g.Text {
			t.Fatalf("gold %d: Text[%d:%d] = %q, Text field %q", i, g.Start, g.End, d.Text[g.Start:g.End], g.Text)
		}
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestRead(t *testing.T) {
	tests := []struct {
		name    string
		raw     []byte
		wantDCT time.Time
		text    string
		gold    []Timex
	}{
		{
			name:    "date DCT",
			raw:     tml("2025-05-20", `The fair opened <TIMEX3 tid="t1" type="DATE" value="2025-05-18">Sunday</TIMEX3>.`),
			wantDCT: day(2025, 5, 20),
			text:    "The fair opened Sunday.",
			gold:    []Timex{{Start: 16, End: 22, Text: "Sunday", Type: "DATE", Value: "2025-05-18"}},
		},
		{
			name:    "date-time DCT",
			raw:     tml("1999-03-02T08:15:00", `Polls open at <TIMEX3 tid="t1" type="TIME" value="1999-03-02T07:00">7 a.m.</TIMEX3>`),
			wantDCT: day(1999, 3, 2),
			text:    "Polls open at 7 a.m.",
			gold:    []Timex{{Start: 14, End: 20, Text: "7 a.m.", Type: "TIME", Value: "1999-03-02T07:00"}},
		},
		{
			name:    "entities decoded before the span",
			raw:     tml("2025-05-20", `AT&amp;T &lt;said&gt; on <TIMEX3 tid="t1" type="DATE" value="2025-05-19">May 19</TIMEX3> that costs &quot;rose&quot;.`),
			wantDCT: day(2025, 5, 20),
			text:    `AT&T <said> on May 19 that costs "rose".`,
			gold:    []Timex{{Start: 15, End: 21, Text: "May 19", Type: "DATE", Value: "2025-05-19"}},
		},
		{
			name:    "a lone ampersand is text",
			raw:     tml("2025-05-20", `Smith & Sons, founded in <TIMEX3 tid="t1" type="DATE" value="1901">1901</TIMEX3> & still going`),
			wantDCT: day(2025, 5, 20),
			text:    "Smith & Sons, founded in 1901 & still going",
			gold:    []Timex{{Start: 25, End: 29, Text: "1901", Type: "DATE", Value: "1901"}},
		},
		{
			name: "EVENT and SIGNAL markup removed",
			raw: tml("2025-05-20", `Talks <EVENT eid="e1" class="OCCURRENCE">resumed</EVENT> <SIGNAL sid="s1">after</SIGNAL> `+
				`<TIMEX3 tid="t1" type="DURATION" value="P2W">two weeks</TIMEX3><EVENT eid="e9" class="STATE"/>.`),
			wantDCT: day(2025, 5, 20),
			text:    "Talks resumed after two weeks.",
			gold:    []Timex{{Start: 20, End: 29, Text: "two weeks", Type: "DURATION", Value: "P2W"}},
		},
		{
			name: "multibyte text, mod and a timex inside an event",
			raw: tml("2025-05-20", "In Zürich — <TIMEX3 tid=\"t1\" type=\"DATE\" value=\"2025\" mod=\"END\">late this year</TIMEX3>, "+
				`<EVENT eid="e1" class="STATE">the <TIMEX3 tid="t2" type="DATE" value="2024">2024</TIMEX3> budget</EVENT> ran out.`),
			wantDCT: day(2025, 5, 20),
			text:    "In Zürich — late this year, the 2024 budget ran out.",
			gold: []Timex{
				{Start: 15, End: 29, Text: "late this year", Type: "DATE", Value: "2025", Mod: "END"},
				{Start: 35, End: 39, Text: "2024", Type: "DATE", Value: "2024"},
			},
		},
		{
			name:    "no gold expressions",
			raw:     tml("2001-09-30", "\nNothing dated here.\n"),
			wantDCT: day(2001, 9, 30),
			text:    "\nNothing dated here.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read(tt.raw)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !d.DCT.Equal(tt.wantDCT) || d.DCT.Location() != time.UTC {
				t.Errorf("DCT = %v, want %v", d.DCT, tt.wantDCT)
			}
			if d.ID != "TEST.0001" {
				t.Errorf("ID = %q", d.ID)
			}
			if d.Text != tt.text {
				t.Errorf("Text = %q, want %q", d.Text, tt.text)
			}
			if !reflect.DeepEqual(d.Gold, tt.gold) {
				t.Errorf("Gold = %+v\nwant   %+v", d.Gold, tt.gold)
			}
			checkSpans(t, d)
		})
	}
}

func TestReadTestdata(t *testing.T) {
	d, _ := readFile(t, "harbour.tml")
	if d.ID != "BB20250520.0007" || !d.DCT.Equal(day(2025, 5, 20)) {
		t.Errorf("ID %q DCT %v", d.ID, d.DCT)
	}
	checkSpans(t, d)
	var got []string
	for _, g := range d.Gold {
		got = append(got, g.Text+"|"+g.Type+"|"+g.Value+"|"+g.Mod)
	}
	want := []string{
		"Monday|DATE|2025-05-19|",
		"nine days|DURATION|P9D|",
		"late Monday evening|TIME|2025-05-19TEV|",
		"today|DATE|PRESENT_REF|",
		"early next month|DATE|2025-06|START",
		"every week|SET|P1W|",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gold = %q\nwant   %q", got, want)
	}
	if !strings.Contains(d.Text, "ended their strike Monday after nine days of talks between Port & Union officials.") {
		t.Errorf("text lacks the first sentence without markup:\n%s", d.Text)
	}
	if strings.ContainsAny(d.Text, "<>") || strings.Contains(d.Text, "&amp;") {
		t.Errorf("markup or entities left in the text:\n%s", d.Text)
	}
	if strings.Contains(d.Text, "Harbour strike") || strings.Contains(d.Text, "MAKEINSTANCE") {
		t.Errorf("text outside <TEXT> was kept:\n%s", d.Text)
	}

	v, _ := readFile(t, "vote.tml")
	if v.ID != "BB19990302.0011" {
		t.Errorf("DOCID not trimmed: %q", v.ID)
	}
	if !v.DCT.Equal(day(1999, 3, 2)) {
		t.Errorf("date-time DCT = %v, want 1999-03-02 at midnight UTC", v.DCT)
	}
	checkSpans(t, v)
}

func TestReadErrors(t *testing.T) {
	const ok = `<TIMEX3 tid="t1" type="DATE" value="2025-05-18">Sunday</TIMEX3>`
	tests := []struct {
		name string
		raw  []byte
		want string // part of the message
	}{
		{"no DCT", []byte("<TimeML><TEXT>The fair opened " + ok + ".</TEXT></TimeML>"), "no <DCT>"},
		{"DCT not a date", tml("XXXX-XX-XX", "The fair opened."), "DCT value"},
		{"DCT too short", tml("2025", "The fair opened."), "not a date"},
		{"no TEXT", []byte(`<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="2025-05-20">today</TIMEX3></DCT><BODY>Hi</BODY></TimeML>`), "no <TEXT>"},
		{"TEXT closed before it opens", []byte(`<DCT><TIMEX3 tid="t0" value="2025-05-20"></TIMEX3></DCT></TEXT>x<TEXT>`), "no <TEXT>"},
		{"nested TIMEX3", tml("2025-05-20", `<TIMEX3 tid="t1" type="DATE" value="2025-05">May <TIMEX3 tid="t2" type="DATE" value="2025-05-16">16</TIMEX3></TIMEX3>`), "nested TIMEX3"},
		{"unterminated tag", tml("2025-05-20", `Talks <EVENT eid="e1" class="OCCURRENCE"`), "unterminated tag"},
		{"mismatched closing tag", tml("2025-05-20", `Talks <EVENT eid="e1" class="OCCURRENCE">resumed</SIGNAL> `+ok), "closes"},
		{"closing tag with a longer name", tml("2025-05-20", `<EVENT eid="e1">resumed</EVENTS>`), "closes"},
		{"stray closing tag", tml("2025-05-20", `resumed</EVENT> `+ok), "stray"},
		{"stray closing TIMEX3", tml("2025-05-20", `Sunday</TIMEX3>`), "stray"},
		{"unclosed EVENT", tml("2025-05-20", `Talks <EVENT eid="e1">resumed `+ok), "unterminated element"},
		{"unclosed TIMEX3", tml("2025-05-20", `The fair opened <TIMEX3 tid="t1" type="DATE" value="2025-05-18">Sunday`), "unterminated element"},
		{"empty input", nil, "no <DCT>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read(tt.raw)
			if err == nil {
				t.Fatalf("Read succeeded: %+v", d)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v does not wrap ErrFormat", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if d != nil {
				t.Errorf("Read returned a document with its error")
			}
		})
	}
}

// TimeML that is valid but written differently from the TempEval-3 files:
// an empty TIMEX3 anchor, single-quoted and spaced attributes, a closing tag
// with a blank, and a DCT whose tid is t1.
func TestReadTolerates(t *testing.T) {
	raw := []byte("<TimeML><DCT><TIMEX3 tid='t1' type=\"DATE\" value = '2025-05-20'>May 20</TIMEX3></DCT>\n" +
		"<TEXT>Talks <EVENT eid=\"e1\">resumed</EVENT > on <TIMEX3 tid=\"t2\"\n type='DATE' value = \"2025-05-16\">Friday</TIMEX3>" +
		"<TIMEX3 tid=\"t3\" type=\"DURATION\" value=\"P1D\" />.</TEXT></TimeML>")
	d, err := Read(raw)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got := d.DCT.Format("2006-01-02"); got != "2025-05-20" {
		t.Errorf("DCT = %s, want 2025-05-20", got)
	}
	if d.Text != "Talks resumed on Friday." {
		t.Errorf("Text = %q", d.Text)
	}
	if len(d.Gold) != 1 || d.Gold[0].Text != "Friday" || d.Gold[0].Value != "2025-05-16" || d.Gold[0].Type != "DATE" {
		t.Fatalf("Gold = %+v, want the one TIMEX3 that marks text", d.Gold)
	}
	out := d.Annotate(d.Gold)
	if n := strings.Count(string(out), `tid="t1"`) + strings.Count(string(out), `tid='t1'`); n != 1 {
		t.Errorf("Annotate reused the DCT's tid t1:\n%s", out)
	}
	back, err := Read(out)
	if err != nil || len(back.Gold) != 1 || back.Text != d.Text {
		t.Fatalf("Annotate output reads back as %+v, %v", back, err)
	}
}
