package tilse

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzRead checks that Read never panics and that whatever it accepts, Write
// writes and Read reads back unchanged (dates ascending, as Write orders
// them). Scoring what was read must not panic either.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		sample,
		repeated,
		"",
		"\n\n",
		"2010-01-01\n",
		"2010-01-01\n---\n",
		"\ufeff2010-01-02\r\n a .\r\n--------------------------------\r\n",
		"2010-02-30\n",
		"hello\n",
		"2010-01-01\n2010-01-02\n",
		"2010-01-01\na\x00b\n-----\n2009-12-31\n\xff\xfe\n",
		"0000-01-01\nyear zero .\n---\n9999-12-31\nlast day .\n",
		"2010-01-01\n  \u2003 spaced \u00a0\n---\n",
		"2010-01-01\n- dash first .\n--\n----\n",
	} {
		f.Add([]byte(seed))
	}
	scorer := NewScorer(Stopwords{"the": true})
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, first); err != nil {
			t.Fatalf("Write of what Read accepted failed: %v\ninput %q", err, data)
		}
		second, err := Read(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("Read of Write output failed: %v\nwritten %q", err, buf.Bytes())
		}
		if want := first.Merged(); !reflect.DeepEqual(second, want) {
			t.Fatalf("round trip changed the timeline\nfirst  %q\nsecond %q", want, second)
		}
		if _, err := ReadLastBlock(bytes.NewReader(data)); err != nil {
			t.Fatalf("ReadLastBlock rejected what Read accepted: %v", err)
		}
		scorer.Score(first, second)
	})
}
