package tempeval

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead checks that Read never panics and that what it accepts is
// consistent: gold spans inside the text, and Annotate with the gold
// expressions writes a document Read accepts with the same text.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.tml"))
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, text := range []string{
		`The fair opened <TIMEX3 tid="t1" type="DATE" value="2025-05-18">Sunday</TIMEX3>.`,
		`AT&amp;T &lt;said&gt; &#38; &#x41; &bogus; & <EVENT eid="e1">on <TIMEX3 tid="t1" value="a&quot;b">May 19</TIMEX3></EVENT>`,
		`<EVENT eid="e1">ends <TIMEX3 tid="t1" type="DATE" value="X">Friday</EVENT> evening</TIMEX3>`,
		`<A></A><B/><TIMEX3 tid="t1"></TIMEX3><C><D/></C>x`,
		`<TIMEX3 tid="t1">a</TIMEX3><TIMEX3 tid="t2">b</TIMEX3>`,
		"Zürich — \xff\xfe <SIGNAL sid=\"s1\">by</SIGNAL>",
		`<EVENT eid="e1" class="OCCURRENCE"`,
		`<TIMEX3 tid="t1"><TIMEX3 tid="t2">`,
		`x</SIGNAL>`,
	} {
		f.Add(tml("2025-05-20", text))
	}
	f.Add([]byte(`<DCT value="2025-05-20T10:00"></DCT><TEXT></TEXT>`))
	f.Add([]byte(`<DCT><TIMEX3 value="2025-05-20"/></DCT><TEXT>a</TEXT>` + "\n" + `<TLINK timeID="t1" relatedToTime="t0"/>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := Read(raw)
		if err != nil {
			if d != nil {
				t.Fatalf("Read returned a document with the error %v", err)
			}
			return
		}
		checkSpans(t, d)
		out := d.Annotate(d.Gold)
		back, err := Read(out)
		if err != nil {
			t.Fatalf("Read(Annotate(gold)): %v\ninput:  %q\noutput: %q", err, raw, out)
		}
		if back.Text != d.Text {
			t.Fatalf("text changed by Annotate(gold):\nbefore %q\nafter  %q", d.Text, back.Text)
		}
		checkSpans(t, back)
		if len(back.Gold) > len(d.Gold) {
			t.Fatalf("Annotate(gold) wrote %d expressions for %d", len(back.Gold), len(d.Gold))
		}
	})
}
