package tlseval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/digest/tilse"
	"github.com/briefbot/briefbot/briefing/digest/tlseval"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/store/sqlite"
)

func TestUntokenize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BP 's shares , which fell 7 % , recovered .", "BP's shares, which fell 7%, recovered."},
		{"the cost -LRB- ¬ # 5.2 bn -RRB- rose", "the cost (¬ # 5.2 bn) rose"},
		{"he said `` we are ready '' on Monday", `he said "we are ready" on Monday`},
		{"Officials didn t say ; others don t know", "Officials didn't say; others don't know"},
		{"a $ 20 billion fund", "a $20 billion fund"},
		{"They ca n't and wo n't", "They can't and won't"},
		{"Jones ' car", "Jones' car"},
		{"Miguel Tovar\\/AP \\* Note", "Miguel Tovar/AP * Note"},
		{"  spaced   out  ", "spaced out"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := tlseval.Untokenize(tt.in); got != tt.want {
			t.Errorf("Untokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// writeTopic writes a small topic of our own: two articles and a gold
// timeline.
func writeTopic(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	arts := `[
 {"uid": "1", "dct": "2024-03-04", "dates": [], "text": "The Riverton dam failed on Monday , flooding the lower town . Mayor Ana Ruiz ordered an evacuation of 3,000 homes on Monday ."},
 {"uid": "2", "dct": "2024-03-06T08:00:00", "dates": [], "text": "Engineers sealed the breach at the Riverton dam on Wednesday . The dam failed on March 4 , officials said ."},
 {"uid": "3", "dct": "2025-01-01", "dates": [], "text": "Outside the span : the Riverton council voted on a new budget on Wednesday ."}
]`
	gold := "2024-03-04\nThe Riverton dam fails and the lower town floods .\n--------------------------------\n2024-03-06\nEngineers seal the breach .\n--------------------------------\n"
	if err := os.WriteFile(filepath.Join(p, tlseval.ArticlesFile), []byte(arts), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, tlseval.GoldFile), []byte(gold), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func testEnv(t testing.TB) tlseval.Env {
	ex, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	return tlseval.Env{Extractor: ex, OpenStore: func(ctx context.Context) (briefing.Store, func(), error) {
		dir, err := os.MkdirTemp("", "tlseval-*")
		if err != nil {
			return nil, nil, err
		}
		st, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return st, func() { st.Close(); os.RemoveAll(dir) }, nil
	}}
}

func TestRunSmallTopic(t *testing.T) {
	dir := t.TempDir()
	topic := writeTopic(t, dir, "dam")
	if err := os.Mkdir(filepath.Join(dir, "not-a-topic"), 0o755); err != nil {
		t.Fatal(err)
	}
	topics, err := tlseval.Topics(dir)
	if err != nil || len(topics) != 1 || topics[0] != topic {
		t.Fatalf("Topics = %v, %v; want only %s", topics, err, topic)
	}
	r, err := tlseval.Run(context.Background(), testEnv(t), topic)
	if err != nil {
		t.Fatal(err)
	}
	if r.Articles != 2 {
		t.Errorf("ingested %d articles, want the 2 inside the gold span (a time of day in dct is fine)", r.Articles)
	}
	if r.L != 2 || r.K != 1 {
		t.Errorf("L=%d K=%d, want 2 dates of 1 line", r.L, r.K)
	}
	var days []string
	for _, e := range r.Summary {
		days = append(days, e.Date.String())
		if len(e.Sentences) != 1 {
			t.Errorf("%s: %d lines, want 1", e.Date, len(e.Sentences))
		}
	}
	if strings.Join(days, " ") != "2024-03-04 2024-03-06" {
		t.Errorf("summary dates %v, want the dam failure and the repair", days)
	}

	out := filepath.Join(dir, "out")
	if err := tlseval.WriteSummary(out, r); err != nil {
		t.Fatal(err)
	}
	back, err := tilse.ReadFile(filepath.Join(out, "dam.txt"))
	if err != nil || len(back) != len(r.Summary) {
		t.Errorf("written summary reads back as %v, %v", back, err)
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestRunBadTopic(t *testing.T) {
	dir := t.TempDir()
	topic := writeTopic(t, dir, "dam")
	if err := os.WriteFile(filepath.Join(topic, tlseval.ArticlesFile), []byte(`[{"uid": "1", "dct": "March 4"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := tlseval.Run(context.Background(), testEnv(t), topic); err != nil || r.Skipped != 1 || r.Articles != 0 {
		t.Errorf("an article without a usable dct: %+v, %v; want it skipped and counted", r, err)
	}
	if err := os.WriteFile(filepath.Join(topic, tlseval.ArticlesFile), []byte(`{not json`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tlseval.Run(context.Background(), testEnv(t), topic); err == nil || !strings.Contains(err.Error(), tlseval.ArticlesFile) {
		t.Errorf("bad JSON: err %v", err)
	}
	if _, err := tlseval.LoadScorer(dir); err == nil || !strings.Contains(err.Error(), tlseval.StopwordsFile) {
		t.Errorf("missing stop words: err %v", err)
	}
}

// BenchmarkTopic measures one Timeline17 topic end to end, as briefbot
// eval tls runs it: the largest of the ten (bpoil_reuters, 298 articles)
// ingested into a fresh store, read back and summarised.
func BenchmarkTopic(b *testing.B) {
	topic := filepath.Join("..", "..", "..", "..", "shared", "corpus", "t17", "bpoil_reuters")
	if _, err := os.Stat(topic); err != nil {
		b.Skipf("Timeline17 corpus not found: %v", err)
	}
	env := testEnv(b)
	for b.Loop() {
		r, err := tlseval.Run(context.Background(), env, topic)
		if err != nil || len(r.Summary) == 0 {
			b.Fatal(r, err)
		}
	}
}
