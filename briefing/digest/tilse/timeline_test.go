package tilse

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/briefing"
)

func mustDay(t testing.TB, s string) briefing.Day {
	t.Helper()
	d, err := briefing.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const sample = `2010-09-19
The ruptured well is finally sealed and ` + "``" + ` effectively dead '' , says Adm Thad Allen . 
--------------------------------
2010-09-17
BP pumps cement to seal the damaged well .
It was intercepted by a relief well .
--------------------------------
`

func TestRead(t *testing.T) {
	got, err := Read(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := Timeline{
		{mustDay(t, "2010-09-19"), []string{"The ruptured well is finally sealed and `` effectively dead '' , says Adm Thad Allen ."}},
		{mustDay(t, "2010-09-17"), []string{"BP pumps cement to seal the damaged well .", "It was intercepted by a relief well ."}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %q\nwant %q", got, want)
	}
}

func TestReadLeniency(t *testing.T) {
	// A byte-order mark, CRLF line ends, blank lines, surrounding spaces, a
	// shorter dash line, an empty entry and a missing final dash line.
	in := "\ufeff2010-01-02\r\n\r\n  first .  \r\n---\r\n2010-01-01\n--------------------------------\n2010-01-03\nlast .\n"
	got, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Timeline{
		{mustDay(t, "2010-01-02"), []string{"first ."}},
		{mustDay(t, "2010-01-01"), nil},
		{mustDay(t, "2010-01-03"), []string{"last ."}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %q\nwant %q", got, want)
	}
}

const repeated = `2009-05-01
first block .
--------------------------------
2009-04-30
other day .
--------------------------------
2009-05-01
second block .
--------------------------------
`

func TestReadRepeatedDate(t *testing.T) {
	got, err := Read(strings.NewReader(repeated))
	if err != nil {
		t.Fatal(err)
	}
	want := Timeline{
		{mustDay(t, "2009-05-01"), []string{"first block .", "second block ."}},
		{mustDay(t, "2009-04-30"), []string{"other day ."}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %q\nwant %q", got, want)
	}

	got, err = ReadLastBlock(strings.NewReader(repeated))
	if err != nil {
		t.Fatal(err)
	}
	want[0].Sentences = []string{"second block ."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadLastBlock = %q\nwant %q", got, want)
	}
}

func TestReadFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "timeline.txt")
	if err := os.WriteFile(path, []byte(repeated), 0o644); err != nil {
		t.Fatal(err)
	}
	merged, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	last, err := ReadLastBlockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := merged[0].Sentences; !reflect.DeepEqual(got, []string{"first block .", "second block ."}) {
		t.Errorf("ReadFile: first date has %q, want both blocks", got)
	}
	if got := last[0].Sentences; !reflect.DeepEqual(got, []string{"second block ."}) {
		t.Errorf("ReadLastBlockFile: first date has %q, want the last block only", got)
	}
	missing := filepath.Join(t.TempDir(), "missing.txt")
	for name, read := range map[string]func(string) (Timeline, error){"ReadFile": ReadFile, "ReadLastBlockFile": ReadLastBlockFile} {
		if _, err := read(missing); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s of a missing file: error %v, want fs.ErrNotExist", name, err)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("stray .\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLastBlockFile(bad); err == nil || !strings.Contains(err.Error(), bad+": tilse: line 1:") {
		t.Errorf("ReadLastBlockFile of a bad file: error %v, want it to name the file and line", err)
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"sentence before any date", "hello .\n2010-01-01\n", "line 1: sentence outside a dated entry"},
		{"sentence after a dash line", "2010-01-01\na .\n-----\nstray .\n", "line 4: sentence outside a dated entry"},
		{"dash line first", "--------------------------------\n", "line 1: dash line without a date line"},
		{"two dash lines", "2010-01-01\na .\n-----\n-----\n", "line 4: dash line without a date line"},
		{"date inside an entry", "2010-01-01\na .\n2010-01-02\nb .\n-----\n", "line 3: date 2010-01-02 begins before the entry for 2010-01-01 (line 1) is closed"},
		{"impossible date", "2010-02-30\na .\n-----\n", `line 1: impossible date "2010-02-30"`},
		{"month 13", "\n\n2010-13-01\n", `line 3: impossible date "2010-13-01"`},
	}
	for _, c := range cases {
		_, err := Read(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Read error = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestWrite(t *testing.T) {
	tl := Timeline{
		{mustDay(t, "2010-09-19"), []string{"  later .  "}},
		{mustDay(t, "2010-09-17"), []string{"earlier ."}},
		{mustDay(t, "2010-09-18"), nil},
		{mustDay(t, "2010-09-17"), []string{"same day again ."}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, tl); err != nil {
		t.Fatal(err)
	}
	want := `2010-09-17
earlier .
same day again .
--------------------------------
2010-09-18
--------------------------------
2010-09-19
later .
--------------------------------
`
	if buf.String() != want {
		t.Errorf("Write =\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWriteRejects(t *testing.T) {
	d := mustDay(t, "2010-01-01")
	for _, s := range []string{"", "   ", "two\nlines", "-----", "2010-01-02"} {
		var buf bytes.Buffer
		err := Write(&buf, Timeline{{d, []string{"fine .", s}}})
		if err == nil {
			t.Errorf("Write of sentence %q: want an error", s)
		}
		if buf.Len() != 0 {
			t.Errorf("Write of sentence %q wrote %q before failing", s, buf.String())
		}
	}
	if err := Write(&bytes.Buffer{}, Timeline{{briefing.Date(12000, 1, 1), nil}}); err == nil {
		t.Error("Write of year 12000: want an error")
	}
}

func TestRoundTrip(t *testing.T) {
	tl, err := Read(strings.NewReader(sample + repeated))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, tl); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, tl.Merged()) {
		t.Errorf("round trip = %q\nwant %q", back, tl.Merged())
	}
}

func TestDatesAndMerged(t *testing.T) {
	tl := Timeline{
		{mustDay(t, "2010-01-03"), []string{"c"}},
		{mustDay(t, "2010-01-01"), []string{"a"}},
		{mustDay(t, "2010-01-03"), []string{"d"}},
	}
	if got, want := tl.Dates(), []briefing.Day{mustDay(t, "2010-01-01"), mustDay(t, "2010-01-03")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Dates = %v, want %v", got, want)
	}
	want := Timeline{{mustDay(t, "2010-01-01"), []string{"a"}}, {mustDay(t, "2010-01-03"), []string{"c", "d"}}}
	if got := tl.Merged(); !reflect.DeepEqual(got, want) {
		t.Errorf("Merged = %q, want %q", got, want)
	}
	if tl[0].Sentences[0] != "c" || len(tl[0].Sentences) != 1 {
		t.Errorf("Merged changed its receiver: %q", tl)
	}
}
