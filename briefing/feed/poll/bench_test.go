package poll_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/briefing/feed/fetch"
	"github.com/briefbot/briefbot/briefing/feed/poll"
	"github.com/briefbot/briefbot/store/sqlite"
)

// benchFeeds serves feeds on fake hosts deskN.test (N from 1 to hosts),
// each with items items of news-like text that differs by host and item.
func benchFeeds(b *testing.B, items int) (*httptest.Server, func(ctx context.Context, network, addr string) (net.Conn, error)) {
	actors := []string{"Putin", "Zelenskyy", "Trump", "Erdogan", "Macron", "Starmer", "Merz", "Tusk"}
	places := []string{"Istanbul", "Geneva", "Riyadh", "Kyiv", "Moscow", "Vatican City", "Warsaw", "Ankara"}
	verbs := []string{"met officials in", "spoke by phone about talks in", "proposed a cease-fire from", "agreed on a prisoner exchange in", "rejected a plan drafted in", "announced sanctions after talks in"}
	var cache sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := strings.Cut(r.Host, ".")
		n, _ := strconv.Atoi(strings.TrimPrefix(host, "desk"))
		body, ok := cache.Load(n)
		if !ok {
			rng := rand.New(rand.NewPCG(uint64(n), 7))
			var sb strings.Builder
			fmt.Fprintf(&sb, `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk %d</title><link>http://desk%d.test/</link>`, n, n)
			for i := range items {
				day := 1 + rng.IntN(28)
				a, p, v := actors[rng.IntN(len(actors))], places[rng.IntN(len(places))], verbs[rng.IntN(len(verbs))]
				fmt.Fprintf(&sb, `<item><guid>desk%d-%d</guid><title>Item %d</title><pubDate>%s</pubDate><description>On %d May 2025 %s %s %s, desk %d reported in dispatch %d. Officials said %d detainees and %d observers were involved, and further talks were planned for June.</description></item>`,
					n, i, i, time.Date(2025, 5, day, 9, 0, 0, 0, time.UTC).Format(time.RFC1123Z), day, a, v, p, n, i, 10+rng.IntN(990), 1+rng.IntN(50))
			}
			sb.WriteString(`</channel></rss>`)
			body, _ = cache.LoadOrStore(n, sb.String())
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body)
	}))
	b.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	var d net.Dialer
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	return srv, dial
}

func benchPoll(b *testing.B, hosts, items int) {
	_, dial := benchFeeds(b, items)
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		st, err := sqlite.Open(context.Background(), dir+"/b.db")
		if err != nil {
			b.Fatal(err)
		}
		ex, err := extract.New()
		if err != nil {
			b.Fatal(err)
		}
		tl := briefing.NewService(st, ex, nil, nil)
		p, err := poll.New(poll.Config{Store: st, Timeline: tl, Fetcher: fetch.New(fetch.Config{AllowPrivate: true, DialContext: dial}), Workers: 8})
		if err != nil {
			b.Fatal(err)
		}
		for n := 1; n <= hosts; n++ {
			if err := st.AddFeed(context.Background(), &briefing.Feed{URL: fmt.Sprintf("http://desk%d.test/rss.xml", n), Source: fmt.Sprintf("desk%d.test", n), State: briefing.FeedState{NextPoll: time.Now()}}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		var polled atomic.Int64
		for polled.Load() < int64(hosts) {
			time.Sleep(50 * time.Millisecond)
			feeds, err := st.Feeds(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			var c int64
			for _, f := range feeds {
				if !f.State.LastPoll.IsZero() {
					c++
				}
			}
			polled.Store(c)
		}
		cancel()
		<-done
		elapsed := time.Since(start)
		b.StopTimer()
		feeds, _ := st.Feeds(context.Background())
		ingested := 0
		for _, f := range feeds {
			ingested += f.State.Items
			if f.State.LastError != "" {
				b.Fatalf("feed %s failed: %s", f.URL, f.State.LastError)
			}
		}
		stats, _ := st.Stats(context.Background())
		b.ReportMetric(float64(ingested)/elapsed.Seconds(), "items/s")
		b.ReportMetric(float64(stats.Events), "events")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-MiB")
		st.Close()
		b.StartTimer()
	}
}

// peakRSS is the process's peak resident set (VmHWM), or the Go heap's
// peak where /proc is not available.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				f := strings.Fields(line)
				if len(f) >= 2 {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					return kb << 10
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.Sys)
}

// BenchmarkPoll100x50 polls 100 fake hosts with 50 new items each, from an
// empty store, through the whole path (fetch, parse, ingest).
func BenchmarkPoll100x50(b *testing.B) { benchPoll(b, 100, 50) }

// BenchmarkPoll1000x50 is the figure: 1,000 sources with 50 new
// items each. Run it with -benchtime 1x: one run ingests 50,000 items.
func BenchmarkPoll1000x50(b *testing.B) { benchPoll(b, 1000, 50) }
