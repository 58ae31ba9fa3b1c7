package bottest_test

import (
	"context"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/synth"
)

// BenchmarkIngest measures whole-path ingestion (sentences, dates, actors,
// topics, merging, SQLite) of synthetic 600-word articles into a store that
// grows as the benchmark runs. The articles/s metric is the figure the
// foundation issue sets at 300 or more.
func BenchmarkIngest(b *testing.B) {
	h := bottest.New(b)
	g := synth.New(11, 50_000)
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	arts := make([]synth.Article, b.N)
	for i := range arts {
		arts[i] = g.Article(start.Add(time.Duration(i)*7*time.Hour), 600)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := arts[i]
		if _, err := h.Svc.Ingest(ctx, briefing.ArticleInput{Text: a.Text, Title: a.Title, Published: a.Published, Source: "synth", Via: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkIngestParallel is BenchmarkIngest with two articles in flight,
// as when feeds, chat and the HTTP endpoint deliver at once: extraction runs
// concurrently, timeline writes one at a time.
func BenchmarkIngestParallel(b *testing.B) {
	h := bottest.New(b)
	g := synth.New(11, 50_000)
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	arts := make(chan synth.Article, b.N)
	for i := 0; i < b.N; i++ {
		arts <- g.Article(start.Add(time.Duration(i)*7*time.Hour), 600)
	}
	close(arts)
	ctx := context.Background()
	b.ResetTimer()
	errs := make(chan error, 2)
	for w := 0; w < 2; w++ {
		go func() {
			for a := range arts {
				if _, err := h.Svc.Ingest(ctx, briefing.ArticleInput{Text: a.Text, Title: a.Title, Published: a.Published, Source: "synth", Via: "bench"}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for w := 0; w < 2; w++ {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
