package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/briefing/synth"
	"github.com/briefbot/briefbot/store/sqlite"
	"github.com/briefbot/briefbot/store/storetest"
)

// cmdBench measures what the README promises: ingest throughput through the
// whole extraction and store, timeline latency (p50/p99) next to the bare
// full-text query it wraps, and the memory of a process answering from the
// loaded store. Everything runs in a temporary directory.
func cmdBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	articles := fs.Int("articles", 300, "articles per ingest round")
	words := fs.Int("words", 600, "words per article")
	rounds := fs.Int("rounds", 5, "ingest rounds (the median is reported)")
	workers := fs.Int("workers", 1, "articles in flight at once during ingest")
	events := fs.Int("events", 100_000, "events in the store for the query benchmark (0 skips it)")
	queries := fs.Int("queries", 500, "runs of each query")
	keep := fs.String("dir", "", "directory for the stores (default: a temporary one, removed afterwards)")
	pos, err := parseInterleaved(fs, args)
	if err != nil || len(pos) > 0 {
		return usagef("bench takes only flags: --articles N --words N --rounds N --events N --queries N")
	}
	if *articles < 1 || *rounds < 1 || *events < 0 || *queries < 10 || *words < 10 || *workers < 1 || *workers > 64 {
		return usagef("bench: --articles, --rounds and --workers (up to 64) must be at least 1, --words and --queries at least 10")
	}
	dir := *keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "briefbot-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	if err := benchIngest(ctx, dir, *articles, *words, *rounds, *workers, stdout); err != nil {
		return err
	}
	if *events > 0 {
		return benchQuery(ctx, dir, *events, *queries, stdout)
	}
	return nil
}

func benchIngest(ctx context.Context, dir string, n, words, rounds, workers int, w io.Writer) error {
	g := synth.New(7, 50_000)
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	arts := make([]synth.Article, n)
	total := 0
	for i := range arts {
		arts[i] = g.Article(start.Add(time.Duration(i)*7*time.Hour), words)
		total += len(arts[i].Text)
	}
	ex, err := extract.New()
	if err != nil {
		return err
	}
	var rates []float64
	for r := 0; r < rounds; r++ {
		path := filepath.Join(dir, fmt.Sprintf("ingest-%d.db", r))
		if err := removeStore(path); err != nil {
			return err
		}
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			return err
		}
		svc := briefing.NewService(st, ex, nil, nil)
		t0 := time.Now()
		events, err := ingestAll(ctx, svc, arts, workers)
		el := time.Since(t0)
		st.Close()
		if err != nil {
			return err
		}
		rates = append(rates, float64(n)/el.Seconds())
		fmt.Fprintf(w, "ingest round %d: %d articles (%d words each, %.1f MiB, %d in flight) in %v: %.0f articles/s, %d events\n",
			r+1, n, words, float64(total)/(1<<20), workers, el.Round(time.Millisecond), rates[r], events)
	}
	fmt.Fprintf(w, "ingest median: %.0f articles/s\n", median(rates))
	return nil
}

// ingestAll ingests arts with workers articles in flight and counts the
// new events.
func ingestAll(ctx context.Context, svc *briefing.Service, arts []synth.Article, workers int) (int, error) {
	next := make(chan synth.Article)
	type result struct {
		events int
		err    error
	}
	results := make(chan result, workers)
	for i := 0; i < workers; i++ {
		go func() {
			var r result
			for a := range next {
				if r.err != nil {
					continue // drain
				}
				rep, err := svc.Ingest(ctx, briefing.ArticleInput{Text: a.Text, Title: a.Title, Published: a.Published, Source: "synth", Via: "bench"})
				if err != nil {
					r.err = fmt.Errorf("bench: ingest: %w", err)
					continue
				}
				r.events += len(rep.New)
			}
			results <- r
		}()
	}
	for _, a := range arts {
		next <- a
	}
	close(next)
	total := 0
	var firstErr error
	for i := 0; i < workers; i++ {
		r := <-results
		total += r.events
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
	}
	return total, firstErr
}

func benchQuery(ctx context.Context, dir string, n, runs int, w io.Writer) error {
	path := filepath.Join(dir, "query.db")
	if err := removeStore(path); err != nil {
		return err
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := loadSynthetic(ctx, st, n, w); err != nil {
		return err
	}
	ex, err := extract.New()
	if err != nil {
		return err
	}
	svc := briefing.NewService(st, ex, nil, nil)
	cases := []struct{ name, q string }{
		{"common term", "ceasefire"},
		{"common pair", "prisoner exchange"},
		{"rare term", storetest.SynthTerm(20_000)},
		{"phrase", `"power grid"`},
		{"term + date filter", "talks since:2020-01 until:2021-12"},
	}
	for _, state := range []string{"as ingestion leaves the index", "after Optimize merged the index"} {
		if state != "as ingestion leaves the index" {
			if err := st.Optimize(ctx); err != nil {
				return err
			}
		}
		fmt.Fprintf(w, "timeline queries at %d events, %s (%d runs each, first page of %d):\n", n, state, runs, briefing.DefaultPageSize)
		for _, c := range cases {
			q, err := briefing.ParseQuery(c.q)
			if err != nil {
				return fmt.Errorf("bench: %q: %w", c.q, err)
			}
			var full, bare []time.Duration
			for i := 0; i < runs; i++ {
				t0 := time.Now()
				if _, err := svc.Timeline(ctx, q); err != nil {
					return fmt.Errorf("bench: %q: %w", c.q, err)
				}
				full = append(full, time.Since(t0))
				t0 = time.Now()
				if _, err := st.BareSearch(ctx, q); err != nil {
					return fmt.Errorf("bench: bare %q: %w", c.q, err)
				}
				bare = append(bare, time.Since(t0))
			}
			fp50, fp99 := percentiles(full)
			bp50, bp99 := percentiles(bare)
			fmt.Fprintf(w, "  %-20s %-36q timeline p50 %7.3f ms p99 %7.3f ms | bare FTS p50 %7.3f ms p99 %7.3f ms | ratio p99 %.2f\n",
				c.name, c.q, ms(fp50), ms(fp99), ms(bp50), ms(bp99), float64(fp99)/float64(max(bp99, 1)))
		}
	}
	return reportRSS(path, w)
}

// loadSynthetic fills st with n synthetic events through the store's own
// Ingest, in batches of one synthetic article each.
func loadSynthetic(ctx context.Context, st *sqlite.Store, n int, w io.Writer) error {
	g := storetest.NewSynth(1)
	t0 := time.Now()
	const batch = 5000
	for done := 0; done < n; done += batch {
		k := min(batch, n-done)
		evs := make([]*briefing.Event, k)
		for i := range evs {
			evs[i] = g.Next()
		}
		text := fmt.Sprintf("synthetic batch %d of events %d to %d", done/batch, done, done+k)
		in := &briefing.Ingestion{
			Article: &briefing.Article{Source: "synth", Via: "bench", Published: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Text: text, Hash: briefing.ContentHash(text), IngestedAt: time.Now()},
			New:     evs,
		}
		if err := st.Ingest(ctx, in); err != nil {
			return fmt.Errorf("bench: load events: %w", err)
		}
	}
	fmt.Fprintf(w, "loaded %d synthetic events in %v\n", n, time.Since(t0).Round(time.Millisecond))
	return nil
}

// reportRSS runs this program again as a user would ("briefbot timeline"
// against the loaded store) and reports the child's peak resident memory.
func reportRSS(path string, w io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	cmd := exec.Command(exe, "--store", path, "timeline", "ceasefire")
	cmd.Env = append(os.Environ(), "BRIEFBOT_DEMO=false")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bench: timeline in a child process: %w", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		fmt.Fprintf(w, "peak RSS of `briefbot timeline ceasefire` on this store: %.1f MiB\n", float64(ru.Maxrss)/1024)
	}
	return nil
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)]
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// removeStore deletes a store left by an earlier run in the same --dir, so
// that a benchmark never measures duplicates.
func removeStore(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("bench: %w", err)
		}
	}
	return nil
}
