package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/briefing/digest/tilse"
)

// t17Dir is the Timeline17 evaluation data beside the checkout.
var t17Dir = filepath.Join("..", "..", "..", "shared", "corpus", "t17")

// The timeline-summary issue's targets on these 10 timelines, above the
// published SDF-TLS outputs on the same timelines (date F1 0.644, alignment
// ROUGE-1 F 0.141). We measure 0.6695 and 0.1468 (see the README).
const (
	t17DateF1Target  = 0.66
	t17AlignR1Target = 0.145
)

var meanRow = regexp.MustCompile(`(?m)^\s*mean of (\d+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s*$`)

func TestEvalTLS(t *testing.T) {
	if _, err := os.Stat(filepath.Join(t17Dir, "sdf-tls-scores.txt")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Timeline17 corpus missing in CI: %v", err)
		}
		t.Skipf("Timeline17 corpus not found at %s; skipping", t17Dir)
	}
	dir := t.TempDir()
	outDir := filepath.Join(dir, "out")
	out := mustRun(t, dir, "eval", "tls", t17Dir, "--out", outDir)
	t.Logf("\n%s", out)
	m := meanRow.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no mean row in the report:\n%s", out)
	}
	if m[1] != "10" {
		t.Errorf("evaluated %s topics, want the 10 of the corpus", m[1])
	}
	dateF1, _ := strconv.ParseFloat(m[2], 64)
	alignR1, _ := strconv.ParseFloat(m[3], 64)
	if dateF1 < t17DateF1Target {
		t.Errorf("date F1 %.4f is below the target %.2f", dateF1, t17DateF1Target)
	}
	if alignR1 < t17AlignR1Target {
		t.Errorf("alignment ROUGE-1 F %.4f is below the target %.3f", alignR1, t17AlignR1Target)
	}

	// one summary per topic, in the tilse format, with the gold's number
	// of dates, inside the gold's span
	topics, err := filepath.Glob(filepath.Join(t17Dir, "*", "timeline.txt"))
	if err != nil || len(topics) != 10 {
		t.Fatalf("topics: %v %v", topics, err)
	}
	for _, goldPath := range topics {
		name := filepath.Base(filepath.Dir(goldPath))
		gold, err := tilse.ReadFile(goldPath)
		if err != nil {
			t.Fatal(err)
		}
		sys, err := tilse.ReadFile(filepath.Join(outDir, name+".txt"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(sys) == 0 || len(sys) > len(gold) {
			t.Errorf("%s: %d dates, want 1..%d", name, len(sys), len(gold))
		}
		lo, hi := gold[0].Date, gold[0].Date
		for _, e := range gold {
			lo, hi = min(lo, e.Date), max(hi, e.Date)
		}
		for i, e := range sys {
			if e.Date < lo || e.Date > hi {
				t.Errorf("%s: date %s outside the gold span %s..%s", name, e.Date, lo, hi)
			}
			if i > 0 && e.Date <= sys[i-1].Date {
				t.Errorf("%s: dates not ascending at %s", name, e.Date)
			}
			if len(e.Sentences) == 0 {
				t.Errorf("%s: %s has no line", name, e.Date)
			}
			for _, s := range e.Sentences {
				if strings.Contains(s, "-LRB-") || strings.Contains(s, "``") {
					t.Errorf("%s: PTB tokens left in %q", name, s)
				}
			}
		}
	}

	// the same run twice gives the same summaries
	again := filepath.Join(dir, "again")
	mustRun(t, dir, "eval", "tls", t17Dir, "--out", again)
	for _, goldPath := range topics {
		name := filepath.Base(filepath.Dir(goldPath)) + ".txt"
		a, _ := os.ReadFile(filepath.Join(outDir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if string(a) != string(b) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestEvalTLSUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eval", "tls"}, 2, "one DIR"},
		{[]string{"eval", "tls", dir}, 1, "no topics"},
		{[]string{"eval", "tls", filepath.Join(dir, "missing")}, 1, "no such file"},
		{[]string{"eval", "tls", dir, "--bogus"}, 2, "bogus"},
	} {
		r := briefbot(t, dir, "", c.args...)
		if r.code != c.code || !strings.Contains(r.errOut+r.err.Error(), c.want) {
			t.Errorf("%v: exit %d (%v), stderr %q; want exit %d mentioning %q", c.args, r.code, r.err, r.errOut, c.code, c.want)
		}
	}
}

// TestEvalTLSUnscored runs the evaluation on a topic of our own without
// the stop-word list, as on timelines held out elsewhere: scoring is
// impossible, but with --out the summaries are still written.
func TestEvalTLSUnscored(t *testing.T) {
	dir := t.TempDir()
	topic := filepath.Join(dir, "corpus", "dam")
	if err := os.MkdirAll(topic, 0o755); err != nil {
		t.Fatal(err)
	}
	arts := `[{"uid": "1", "dct": "2024-03-04", "text": "The Riverton dam failed on Monday , flooding the lower town . Mayor Ana Ruiz ordered the evacuation of 3,000 homes on Monday ."},
 {"uid": "2", "dct": "2024-03-06", "text": "Engineers sealed the breach at the Riverton dam on Wednesday , the water board said ."}]`
	gold := "2024-03-04\nThe dam fails .\n--------------------------------\n2024-03-06\nThe breach is sealed .\n--------------------------------\n"
	if err := os.WriteFile(filepath.Join(topic, "articles.json"), []byte(arts), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(topic, "timeline.txt"), []byte(gold), 0o644); err != nil {
		t.Fatal(err)
	}
	r := briefbot(t, dir, "", "eval", "tls", filepath.Join(dir, "corpus"))
	if r.code != 1 || !strings.Contains(r.errOut, "smart-stopwords.txt is missing") || !strings.Contains(r.errOut, "--out") {
		t.Errorf("without stop words and --out: exit %d, stderr %q; want exit 1 naming the file and --out", r.code, r.errOut)
	}
	// the topic folder itself is accepted as DIR, also as "."
	if err := os.WriteFile(filepath.Join(dir, "corpus", "smart-stopwords.txt"), []byte("the\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(topic)
	got := mustRun(t, dir, "eval", "tls", ".", "--out", filepath.Join(dir, "dot"))
	if !strings.Contains(got, "  dam ") || strings.Contains(got, "Not scored") && !strings.Contains(got, "WordNet") {
		t.Errorf(`"eval tls ." inside the topic:\n%s`, got)
	}
	if _, err := os.Stat(filepath.Join(dir, "dot", "dam.txt")); err != nil {
		t.Errorf(`"eval tls ." wrote no dam.txt: %v`, err)
	}
	if err := os.Remove(filepath.Join(dir, "corpus", "smart-stopwords.txt")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	got = mustRun(t, dir, "eval", "tls", topic, "--out", out)
	if !strings.Contains(got, "Not scored:") || !strings.Contains(got, "dam ") {
		t.Errorf("report:\n%s", got)
	}
	sys, err := tilse.ReadFile(filepath.Join(out, "dam.txt"))
	if err != nil || len(sys) != 2 {
		t.Fatalf("summary written: %v, %v; want 2 dates", sys, err)
	}
	if sys[0].Date.String() != "2024-03-04" || sys[1].Date.String() != "2024-03-06" {
		t.Errorf("summary dates %s, %s", sys[0].Date, sys[1].Date)
	}
}
