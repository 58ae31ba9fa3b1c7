package tempeval

import (
	"os"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/briefing/timex"
)

// corpusDir is the TempEval-3 training corpus (TimeBank and AQUAINT, 256
// documents), kept outside the repository.
const corpusDir = "../../../../shared/corpus/tempeval3"

// needCorpus skips when the corpus is not there, except in CI, where a
// missing corpus is a broken checkout.
func needCorpus(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("TempEval-3 corpus missing in CI: %v", err)
		}
		tb.Skipf("TempEval-3 corpus not found at %s (%v); skipping", corpusDir, err)
	}
	return corpusDir
}

// The targets for the normaliser on TempEval-3's TimeBank and AQUAINT
// documents, in the task's own terms.
const (
	targetRelaxedF1 = 90.0
	targetStrictF1  = 82.0
	targetValueF1   = 80.0
	// share of the system expressions Annotate must write: it may only drop
	// one that runs into the previous expression after widening
	minAnnotatedShare = 0.95
)

func TestTempEval3Targets(t *testing.T) {
	dir := needCorpus(t)
	c, res, err := Evaluate(timex.New(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	if err := WriteReport(&report, c, len(res)); err != nil {
		t.Fatal(err)
	}
	t.Logf("TempEval-3 task A on %s:\n%s", dir, report.String())

	t.Run("annotate", func(t *testing.T) {
		found, written := 0, 0
		for _, r := range res {
			out := r.Doc.Annotate(r.Sys)
			wellFormed(t, out)
			back, err := Read(out)
			if err != nil {
				t.Errorf("%s: the annotated document does not read back: %v", r.Path, err)
				continue
			}
			if back.Text != r.Doc.Text {
				t.Errorf("%s: annotating changed the text", r.Path)
			}
			if !back.DCT.Equal(r.Doc.DCT) || back.ID != r.Doc.ID {
				t.Errorf("%s: annotating changed the DCT or id: %v %q", r.Path, back.DCT, back.ID)
			}
			if len(back.Gold) > len(r.Sys) {
				t.Errorf("%s: %d expressions read back from %d written", r.Path, len(back.Gold), len(r.Sys))
			}
			found += len(r.Sys)
			written += len(back.Gold)
		}
		t.Logf("annotated %d documents: %d of %d system expressions written", len(res), written, found)
		if float64(written) < minAnnotatedShare*float64(found) {
			t.Errorf("only %d of %d system expressions survived annotation, want at least %.0f%%", written, found, 100*minAnnotatedShare)
		}
	})

	t.Run("targets", func(t *testing.T) {
		if f := c.Relaxed().F; f < targetRelaxedF1 {
			t.Errorf("relaxed span F1 %.2f, want at least %.0f", f, targetRelaxedF1)
		}
		if f := c.Strict().F; f < targetStrictF1 {
			t.Errorf("strict span F1 %.2f, want at least %.0f", f, targetStrictF1)
		}
		if f := c.Value().F; f < targetValueF1 {
			t.Errorf("value F1 %.2f, want at least %.0f", f, targetValueF1)
		}
	})
}

// sentences estimates the number of sentences in a text: every non-blank
// line is at least one, and each ". " inside a line starts another. It
// overcounts abbreviations followed by a space ("U.S. officials", "Mr. Smith")
// and undercounts sentences ending in "?", "!" or a closing quote; for news
// text the two roughly cancel, which is enough for a throughput figure.
func sentences(text string) int {
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		n += 1 + strings.Count(line, ". ")
	}
	return n
}

func TestSentences(t *testing.T) {
	for text, want := range map[string]int{
		"":                             0,
		"One.":                         1,
		"One. Two. Three.\n\nFour.\n":  4,
		"  \nHeadline\nBody text. End": 3,
	} {
		if got := sentences(text); got != want {
			t.Errorf("sentences(%q) = %d, want %d", text, got, want)
		}
	}
}

// BenchmarkCorpus runs the normaliser over the text of every corpus
// document and reports sentences per second (see sentences for how they
// are counted) and bytes per second. Without the corpus it skips, in CI too:
// a benchmark measures, it does not check the checkout.
func BenchmarkCorpus(b *testing.B) {
	dir := corpusDir
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("TempEval-3 corpus not found at %s (%v); skipping", dir, err)
	}
	files, err := Files(dir)
	if err != nil {
		b.Fatal(err)
	}
	var docs []*Doc
	total, size := 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		d, err := Read(raw)
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		docs = append(docs, d)
		total += sentences(d.Text)
		size += len(d.Text)
	}
	n := timex.New()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	found := 0
	for b.Loop() {
		found = 0
		for _, d := range docs {
			found += len(n.Find(d.Text, d.DCT))
		}
	}
	if found == 0 {
		b.Fatal("no expressions found in the corpus")
	}
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
	b.ReportMetric(float64(total), "sentences/op")
}
