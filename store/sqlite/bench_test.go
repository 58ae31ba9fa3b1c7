package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/store/storetest"
)

// Benchmarks.
//
//	go test -run '^$' -bench . ./store/sqlite
//	BRIEFBOT_BENCH_EVENTS=1000000 BRIEFBOT_BENCH_DIR=/var/tmp/bb go test -run '^$' -bench Search -benchtime 2000x -timeout 1h ./store/sqlite
//
// BRIEFBOT_BENCH_EVENTS sets the store size (default 20000). The store is
// built once per process in a temporary dir, or kept in BRIEFBOT_BENCH_DIR
// and reused by later runs of the same size. It is loaded through Ingest in
// transactions of 5000 events, which leaves the full-text index in a few
// dozen segments as incremental ingestion would; BRIEFBOT_BENCH_OPTIMIZE=1
// merges it into one (Store.Optimize) after loading, as a bulk import should.

const benchSeed = 1

func benchEvents() int {
	if v, err := strconv.Atoi(os.Getenv("BRIEFBOT_BENCH_EVENTS")); err == nil && v > 0 {
		return v
	}
	return 20000
}

var bench struct {
	once  sync.Once
	store *Store
	dir   string
	temp  bool
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.store != nil {
		bench.store.Close()
	}
	if bench.temp {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchStore returns the shared benchmark store of benchEvents() events.
func benchStore(b *testing.B) *Store {
	b.Helper()
	bench.once.Do(func() {
		n := benchEvents()
		bench.dir = os.Getenv("BRIEFBOT_BENCH_DIR")
		if bench.dir == "" {
			bench.dir, bench.err = os.MkdirTemp("", "briefbot-bench-")
			bench.temp = true
			if bench.err != nil {
				return
			}
		}
		path := filepath.Join(bench.dir, fmt.Sprintf("bench-%d.db", n))
		ctx := context.Background()
		if s, err := Open(ctx, path); err == nil {
			if st, err := s.Stats(ctx); err == nil && st.Events == n {
				bench.store = s
				return
			}
			s.Close()
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		s, err := Open(ctx, path)
		if err != nil {
			bench.err = err
			return
		}
		start := time.Now()
		if err := BulkLoad(ctx, s, storetest.NewSynth(benchSeed), n, 5000); err != nil {
			bench.err = err
			return
		}
		el := time.Since(start)
		if os.Getenv("BRIEFBOT_BENCH_OPTIMIZE") == "1" {
			t0 := time.Now()
			if err := s.Optimize(ctx); err != nil {
				bench.err = err
				return
			}
			fmt.Fprintf(os.Stderr, "bench store: optimized in %v\n", time.Since(t0).Round(time.Millisecond))
		}
		fi, _ := os.Stat(path)
		var size int64
		if fi != nil {
			size = fi.Size()
		}
		fmt.Fprintf(os.Stderr, "bench store: %d events loaded in %v (%.0f events/s), file %d MB\n",
			n, el.Round(time.Millisecond), float64(n)/el.Seconds(), size>>20)
		bench.store = s
	})
	if bench.err != nil {
		b.Fatalf("bench store: %v", bench.err)
	}
	return bench.store
}

// BulkLoad ingests n events from g into s, batch events per article and
// transaction.
func BulkLoad(ctx context.Context, s *Store, g *storetest.Synth, n, batch int) error {
	for done, art := 0, 0; done < n; art++ {
		k := min(batch, n-done)
		evs := make([]*briefing.Event, k)
		for i := range evs {
			evs[i] = g.Next()
		}
		in := &briefing.Ingestion{
			Article: &briefing.Article{
				Source: "bulk", Via: "bench", Hash: fmt.Sprintf("bulk-%d", art),
				Text: "synthetic", Published: evs[0].FirstSeen, IngestedAt: evs[0].FirstSeen,
			},
			New: evs,
		}
		if err := s.Ingest(ctx, in); err != nil {
			return fmt.Errorf("bulk load batch %d: %w", art, err)
		}
		done += k
	}
	return nil
}

// rareTerm picks a long-tail word expected in about 20 events of n.
func rareTerm(n int) string {
	return storetest.SynthTerm(int(math.Pow(float64(n)/20, 1/1.1)))
}

type benchQuery struct {
	name, text string
	offset     int
}

func benchQueries(n int) []benchQuery {
	return []benchQuery{
		{"common", "talks", 0},
		{"rare", rareTerm(n), 0},
		{"phrase", `"prisoner exchange"`, 0},
		{"two-terms", "ceasefire geneva", 0},
		{"filter+term", "ceasefire actor:putin", 0},
		{"actor", "actor:zelensky", 0},
		{"since+term", "talks since:2021-03-15", 0},
		{"range+term", "ceasefire since:2021-03 until:2021-06", 0},
		{"filter-only", "since:2021-03-15 until:2021-03-31", 0},
		{"deep-page", "talks", 500},
	}
}

// BenchmarkSearch times Search against the bare index walk it wraps, run
// alternately, and reports their p50/p99 latencies in microseconds and the
// p99 ratio.
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bq := range benchQueries(benchEvents()) {
		b.Run(bq.name, func(b *testing.B) {
			text, offset := bq.text, bq.offset
			q, err := briefing.ParseQuery(text)
			if err != nil {
				b.Fatal(err)
			}
			q.Offset = offset
			hasFTS := q.HasText() || len(q.Actors) > 0 || len(q.Topics) > 0 || q.Since != 0
			if p, err := s.Search(ctx, q); err != nil || (len(p.Events) == 0 && bq.name != "rare") {
				b.Fatalf("Search(%q) = %d events, %v", text, len(p.Events), err)
			}
			searchT := make([]time.Duration, 0, b.N)
			bareT := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if _, err := s.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				searchT = append(searchT, time.Since(t0))
				if hasFTS {
					t0 = time.Now()
					if _, err := s.BareSearch(ctx, q); err != nil {
						b.Fatal(err)
					}
					bareT = append(bareT, time.Since(t0))
				}
			}
			b.StopTimer()
			sp50, sp99 := percentile(searchT, 50), percentile(searchT, 99)
			b.ReportMetric(mean(searchT), "ns/op")
			b.ReportMetric(sp50, "p50-µs")
			b.ReportMetric(sp99, "p99-µs")
			if len(bareT) > 0 {
				bp50, bp99 := percentile(bareT, 50), percentile(bareT, 99)
				b.ReportMetric(bp50, "bare-p50-µs")
				b.ReportMetric(bp99, "bare-p99-µs")
				b.ReportMetric(sp99/bp99, "p99-ratio")
			}
		})
	}
}

// BenchmarkLookups times the other read paths on the benchmark store.
func BenchmarkLookups(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	n := int64(benchEvents())
	b.Run("Event", func(b *testing.B) {
		for i := range b.N {
			if _, err := s.Event(ctx, 1+int64(i)*7919%n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Overlapping", func(b *testing.B) {
		for i := range b.N {
			d := briefing.Date(2016, 1, 1).AddDays(i * 37 % 3650)
			if _, err := s.Overlapping(ctx, d.AddDays(-3), d.AddDays(3), 50); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Latest", func(b *testing.B) {
		for range b.N {
			if _, err := s.Latest(ctx, 10); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Stats", func(b *testing.B) {
		for range b.N {
			if _, err := s.Stats(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIngest measures write throughput on a fresh store: "article" is
// what the bot does per article (one article, four new events, one merge),
// "batch" is a bulk load of 1000 events per transaction. Both report events/s.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	b.Run("article", func(b *testing.B) {
		s, err := Open(ctx, filepath.Join(b.TempDir(), "ingest.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		g := storetest.NewSynth(2)
		if err := BulkLoad(ctx, s, g, 10000, 1000); err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		b.ResetTimer()
		for i := range b.N {
			evs := []*briefing.Event{g.Next(), g.Next(), g.Next(), g.Next()}
			m := g.Next()
			target := 1 + rng.Int64N(10000)
			in := &briefing.Ingestion{
				Article: &briefing.Article{Source: "AP", Via: "bench", Hash: fmt.Sprintf("a-%d", i), Text: m.Summary, Published: m.FirstSeen},
				New:     evs,
				Merges:  []briefing.Merge{{EventID: target, Citation: m.Citations[0], Actors: m.Actors, Topics: m.Topics, Date: &m.Date}},
			}
			if err := s.Ingest(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(5*b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("batch", func(b *testing.B) {
		s, err := Open(ctx, filepath.Join(b.TempDir(), "batch.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		g := storetest.NewSynth(5)
		b.ResetTimer()
		if err := BulkLoad(ctx, s, g, 1000*b.N, 1000); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// TestIdleRSS reports the resident memory of a process holding an opened
// store after a few queries. It runs only when BRIEFBOT_RSS_DB names an
// existing database, e.g. one built by the benchmarks in BRIEFBOT_BENCH_DIR.
func TestIdleRSS(t *testing.T) {
	path := os.Getenv("BRIEFBOT_RSS_DB")
	if path == "" {
		t.Skip("set BRIEFBOT_RSS_DB to a database file to measure idle RSS")
	}
	before := rss(t)
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, bq := range benchQueries(st.Events) {
		q, err := briefing.ParseQuery(bq.text)
		if err != nil {
			continue
		}
		for range 20 {
			if _, err := s.Search(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	time.Sleep(100 * time.Millisecond)
	after := rss(t)
	t.Logf("store of %d events: VmRSS %d MB before Open, %d MB after Open and %d queries (idle)", st.Events, before>>10, after>>10, 20*len(benchQueries(st.Events)))
}

// rss returns VmRSS in KiB.
func rss(t *testing.T) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	t.Skip("VmRSS not found")
	return 0
}

func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return float64(s[max(i, 0)].Nanoseconds()) / 1e3
}

func mean(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return float64(sum.Nanoseconds()) / float64(len(ds))
}
