package poll_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// site is a fake news site: a feed whose items a test changes, with ETag
// support, and an HTML front page that announces the feed.
type site struct {
	mu      sync.Mutex
	items   []string // rendered <item> elements
	status  int      // non-zero: answer this instead
	body    string   // non-empty: serve this instead of the feed
	gets    atomic.Int32
	notMods atomic.Int32
	srv     *httptest.Server
}

func newSite(t *testing.T) *site {
	s := &site{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.gets.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Example News</title>
<link rel="alternate" type="application/rss+xml" title="World" href="/world/rss.xml"></head>
<body><p>Front page.</p></body></html>`)
		return
	case "/world/rss.xml":
	default:
		http.NotFound(w, r)
		return
	}
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	if s.body != "" {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, s.body)
		return
	}
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example World</title><link>` + s.srv.URL + `/</link>
` + strings.Join(s.items, "\n") + `
</channel></rss>`
	etag := fmt.Sprintf(`"%x"`, briefing.ContentHash(doc)[:16])
	if r.Header.Get("If-None-Match") == etag {
		s.notMods.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprint(w, doc)
}

func (s *site) set(items ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = items
}

func item(guid, date, text string) string {
	return fmt.Sprintf(`<item><guid isPermaLink="false">%s</guid><title>%s</title><link>https://news.example/%s</link>
<pubDate>%s</pubDate><description><![CDATA[<p>%s</p>]]></description></item>`, guid, strings.SplitN(text, ".", 2)[0], guid, date, text)
}

type world struct {
	t       *testing.T
	store   *sqlite.Store
	tl      *briefing.Service
	notices []string
	mu      sync.Mutex
}

func newWorld(t *testing.T) *world {
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/b.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ex, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, store: st, tl: briefing.NewService(st, ex, nil, nil)}
}

// poller returns a poller; private allows loopback test servers.
func (w *world) poller(private bool) *poll.Poller {
	p, err := poll.New(poll.Config{
		Store: w.store, Timeline: w.tl, Log: slog.New(slog.NewTextHandler(tlog{w.t}, nil)),
		Fetcher:   fetch.New(fetch.Config{AllowPrivate: private, Timeout: 5 * time.Second}),
		FailAfter: 3, StaleAfter: 30 * 24 * time.Hour,
		Notify: func(_ context.Context, text string) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.notices = append(w.notices, text)
			return nil
		},
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// tlog writes log lines to the test's log.
type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (w *world) search(q string) []*briefing.Event {
	w.t.Helper()
	query, err := w.tl.ResolveQuery(q)
	if err != nil {
		w.t.Fatal(err)
	}
	page, err := w.tl.Timeline(context.Background(), query)
	if err != nil {
		w.t.Fatal(err)
	}
	return page.Events
}

func (w *world) feed(id int64) *briefing.Feed {
	w.t.Helper()
	f, err := w.store.Feed(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

const (
	day1 = "Mon, 19 May 2025 09:00:00 GMT"
	day2 = "Tue, 20 May 2025 09:00:00 +0000"
)

func TestFollowPollAndUpdate(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := newSite(t)
	s.set(
		item("a1", day1, "Russia and Ukraine agreed on Monday to exchange 1,000 prisoners each in Istanbul. The swap is the largest of the war."),
		item("a2", day2, "Putin and Trump spoke by phone on Tuesday for more than two hours about a cease-fire."),
	)
	p := w.poller(true)
	// The front page announces the feed: autodiscovery.
	f, err := p.Add(ctx, poll.AddRequest{URL: s.srv.URL + "/", Topics: []string{"prisoners"}, Origin: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if f.URL != s.srv.URL+"/world/rss.xml" || f.Title != "Example World" {
		t.Errorf("added %q titled %q; want the announced feed", f.URL, f.Title)
	}
	res, err := p.PollOnce(ctx, f)
	if err != nil || res.New != 2 {
		t.Fatalf("first poll = %+v, %v; want 2 new items", res, err)
	}
	if evs := w.search("istanbul"); len(evs) == 0 || !slicesContains(evs[0].Topics, "prisoners") {
		t.Errorf("the feed's development is not in the timeline with the feed's topic: %+v", evs)
	}
	// Nothing changed: a conditional GET, 304.
	res, err = p.PollOnce(ctx, f)
	if err != nil || !res.NotModified || s.notMods.Load() != 1 {
		t.Errorf("second poll = %+v, %v (304s %d); want not modified", res, err, s.notMods.Load())
	}
	// A restart (a new poller, a server that ignores ETags): items seen
	// before are not ingested again.
	st := w.feed(f.ID).State
	if st.Items != 2 || st.LastError != "" || st.LastSuccess.IsZero() || st.NextPoll.Before(time.Now()) || st.ETag == "" {
		t.Errorf("state after polls: %+v", st)
	}
	stats, _ := w.store.Stats(ctx)
	f2 := w.feed(f.ID)
	f2.State.ETag = ""
	res, err = w.poller(true).PollOnce(ctx, f2)
	if err != nil || res.New != 0 || res.Seen != 2 {
		t.Errorf("poll after restart = %+v, %v; want 2 seen, none new", res, err)
	}
	if after, _ := w.store.Stats(ctx); after != stats {
		t.Errorf("stats changed from %+v to %+v by re-reading the same items", stats, after)
	}
	// The first item is corrected (same GUID, new text): its development
	// is updated, not doubled.
	s.set(
		item("a1", day1, "Russia and Ukraine agreed on Monday to exchange 1,200 detainees each in Geneva. The swap is the largest of the war."),
		item("a2", day2, "Putin and Trump spoke by phone on Tuesday for more than two hours about a cease-fire."),
	)
	res, err = p.PollOnce(ctx, w.feed(f.ID))
	if err != nil || res.Updated != 1 || res.New != 0 {
		t.Fatalf("poll after the correction = %+v, %v; want 1 updated", res, err)
	}
	if evs := w.search("istanbul"); len(evs) != 0 {
		t.Errorf("the retracted text is still in the timeline: %q", evs[0].Summary)
	}
	if evs := w.search("geneva"); len(evs) == 0 {
		t.Errorf("the corrected text is not in the timeline")
	}
	if after, _ := w.store.Stats(ctx); after.Articles != stats.Articles {
		t.Errorf("articles %d after the update, want %d (replaced, not added)", after.Articles, stats.Articles)
	}
}

func slicesContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestAddRefusesWhatItCannotFollow(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := newSite(t)
	s.set(item("a1", day1, "Talks resumed in Istanbul on Monday."))
	guarded := w.poller(false)
	for _, tc := range []struct{ url, want string }{
		{s.srv.URL + "/world/rss.xml", "loopback"},
		{"http://169.254.169.254/latest/meta-data/", "metadata"},
		{"file:///etc/passwd", ""},
		{"ftp://example.com/feed", ""},
		{"not a url", ""},
	} {
		_, err := guarded.Add(ctx, poll.AddRequest{URL: tc.url, Origin: "chat"})
		if err == nil || !errors.Is(err, poll.ErrUsage) || (tc.want != "" && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("Add(%q) = %v; want a usage error mentioning %q", tc.url, err, tc.want)
		}
	}
	if n := s.gets.Load(); n != 0 {
		t.Errorf("the guarded poller made %d requests to a loopback server", n)
	}
	open := w.poller(true)
	if _, err := open.Add(ctx, poll.AddRequest{URL: s.srv.URL + "/world/rss.xml"}); err != nil {
		t.Fatal(err)
	}
	if _, err := open.Add(ctx, poll.AddRequest{URL: s.srv.URL + "/world/rss.xml"}); err == nil || !strings.Contains(err.Error(), "followed already") {
		t.Errorf("adding a feed twice = %v", err)
	}
	if _, err := open.Add(ctx, poll.AddRequest{URL: s.srv.URL + "/missing"}); err == nil {
		t.Errorf("adding a 404 succeeded")
	}
}

// TestBrokenFeedsAreReportedOnce: a feed that keeps failing is reported to
// the admin once, backs off, and a success with news re-arms the report;
// a broken feed never stops another from being polled.
func TestBrokenFeedsAreReportedOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	good, bad := newSite(t), newSite(t)
	good.set(item("g1", day1, "Negotiators met in Istanbul on Monday to discuss prisoners."))
	bad.set(item("b1", day1, "A cease-fire was declared on Monday for three days."))
	p := w.poller(true)
	fg, err := p.Add(ctx, poll.AddRequest{URL: good.srv.URL + "/world/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	fb, err := p.Add(ctx, poll.AddRequest{URL: bad.srv.URL + "/world/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	for _, broken := range []struct {
		name, body string
		status     int
	}{
		{"server error", "", http.StatusInternalServerError},
		{"malformed XML", `<?xml version="1.0"?><rss><channel><item><title>cut off`, 0},
		{"HTML served as the feed", `<!doctype html><html><body><p>Maintenance</p></body></html>`, 0},
		{"a 50 MB feed", `<?xml version="1.0"?><rss><channel><title>` + strings.Repeat("x", 50<<20) + `</title></channel></rss>`, 0},
	} {
		bad.mu.Lock()
		bad.status, bad.body = broken.status, broken.body
		bad.mu.Unlock()
		if _, err := p.PollOnce(ctx, w.feed(fb.ID)); err == nil {
			t.Errorf("%s: the poll did not fail", broken.name)
		}
		if res, err := p.PollOnce(ctx, w.feed(fg.ID)); err != nil || res.NotModified == false && res.New+res.Seen == 0 {
			t.Errorf("%s: the good feed's poll = %+v, %v", broken.name, res, err)
		}
	}
	st := w.feed(fb.ID).State
	if st.Failures != 4 || st.LastError == "" || !st.Reported || st.NextPoll.Sub(st.LastPoll) < 10*time.Minute {
		t.Errorf("bad feed state %+v: want 4 failures, an error, reported, backed off", st)
	}
	if len(w.notices) != 1 || !strings.Contains(w.notices[0], "failed 3 times in a row") {
		t.Errorf("admin notices %q, want one after the third failure", w.notices)
	}
	// It recovers with news: the report is re-armed, failures cleared.
	bad.mu.Lock()
	bad.status, bad.body = 0, ""
	bad.mu.Unlock()
	res, err := p.PollOnce(ctx, w.feed(fb.ID))
	if err != nil || res.New != 1 {
		t.Fatalf("recovered poll = %+v, %v", res, err)
	}
	if st := w.feed(fb.ID).State; st.Failures != 0 || st.LastError != "" || st.Reported {
		t.Errorf("state after recovery: %+v", st)
	}
}

func TestStaleFeedReportedOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := newSite(t)
	s.set(item("old", "Mon, 03 Jan 2022 09:00:00 GMT", "Officials met in Geneva in January 2022."))
	p := w.poller(true)
	f, err := p.Add(ctx, poll.AddRequest{URL: s.srv.URL + "/world/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		f2 := w.feed(f.ID)
		f2.State.ETag = ""
		if _, err := p.PollOnce(ctx, f2); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.notices) != 1 || !strings.Contains(w.notices[0], "gone stale") {
		t.Errorf("notices %q, want one stale report", w.notices)
	}
}

// TestRunPollsDueFeeds runs the loop: every feed added is polled, a hanging
// one does not hold up the others, and Run returns when told to stop.
func TestRunPollsDueFeeds(t *testing.T) {
	w := newWorld(t)
	p := w.poller(true)
	for i := range 3 {
		s := newSite(t)
		s.set(item(fmt.Sprintf("r%d", i), day1, fmt.Sprintf("Delegation number %d arrived in Istanbul on Monday for talks.", i)))
		if _, err := p.Add(context.Background(), poll.AddRequest{URL: s.srv.URL + "/world/rss.xml"}); err != nil {
			t.Fatal(err)
		}
	}
	hang := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer hanging.Close()
	defer close(hang)
	if err := w.store.AddFeed(context.Background(), &briefing.Feed{URL: hanging.URL + "/feed", Source: "hang", State: briefing.FeedState{NextPoll: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		feeds, err := w.store.Feeds(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		polled := 0
		for _, f := range feeds {
			if f.State.Items == 1 {
				polled++
			}
		}
		if polled == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 3 feeds polled while one hangs", polled)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
}

// TestSharedGUIDsAndSharedStories: a feed that gives every item one GUID
// keeps its stories apart, and an update by one feed never retracts a
// story another feed (or a paste) brought first.
func TestSharedGUIDsAndSharedStories(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a, b := newSite(t), newSite(t)
	story := "Negotiators met in Istanbul on Monday and agreed to exchange 1,000 prisoners each."
	a.set(item("site", day1, story), item("site", day1, "A three-day cease-fire was declared in Moscow on Monday."), item("site", day2, "Grain exports from Odesa resumed on Tuesday after a pause."))
	b.set(item("b1", day1, story))
	p := w.poller(true)
	fa, err := p.Add(ctx, poll.AddRequest{URL: a.srv.URL + "/world/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	fb, err := p.Add(ctx, poll.AddRequest{URL: b.srv.URL + "/world/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := p.PollOnce(ctx, w.feed(fa.ID)); err != nil || res.New != 3 {
		t.Fatalf("feed with one GUID for all = %+v, %v; want 3 new stories", res, err)
	}
	if res, err := p.PollOnce(ctx, w.feed(fb.ID)); err != nil || res.New != 0 || res.Seen != 1 {
		t.Fatalf("second feed with the same story = %+v, %v; want it seen", res, err)
	}
	before := w.search("istanbul")
	b.set(item("b1", day1, "Negotiators met in Istanbul on Monday and agreed to exchange 1,200 prisoners each."))
	if _, err := p.PollOnce(ctx, w.feed(fb.ID)); err != nil {
		t.Fatal(err)
	}
	if after := w.search("\"1,000 prisoners\""); len(before) == 0 || len(after) == 0 {
		t.Errorf("feed B's correction retracted feed A's story")
	}
	if res, err := p.PollOnce(ctx, w.feed(fa.ID)); err != nil || res.New+res.Updated != 0 {
		t.Errorf("feed A after B's correction = %+v, %v; want nothing new", res, err)
	}
}

// TestCorrectionKeepsFirstSeen: a corrected item's developments keep the
// time they were first seen, so briefings do not announce them again.
func TestCorrectionKeepsFirstSeen(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := newSite(t)
	s.set(item("c1", day1, "The delegations met in Istanbul on Monday to discuss a truce."))
	p := w.poller(true)
	f, err := p.Add(ctx, poll.AddRequest{URL: s.srv.URL + "/world/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PollOnce(ctx, w.feed(f.ID)); err != nil {
		t.Fatal(err)
	}
	first := w.search("istanbul")[0].FirstSeen
	time.Sleep(10 * time.Millisecond)
	s.set(item("c1", day1, "The delegations met in Geneva on Monday to discuss a truce."))
	if res, err := p.PollOnce(ctx, w.feed(f.ID)); err != nil || res.Updated != 1 {
		t.Fatalf("correction = %+v, %v", res, err)
	}
	evs := w.search("geneva")
	if len(evs) != 1 || !evs[0].FirstSeen.Equal(first) {
		t.Errorf("corrected development %+v; want first seen %s kept", evs, first)
	}
}

// TestStoppingIsNotAFailure: a poll cut short by shutdown leaves the
// feed's health as it was.
func TestStoppingIsNotAFailure(t *testing.T) {
	w := newWorld(t)
	s := newSite(t)
	s.set(item("x1", day1, "Talks resumed in Istanbul on Monday."))
	p := w.poller(true)
	f, err := p.Add(context.Background(), poll.AddRequest{URL: s.srv.URL + "/world/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.PollOnce(ctx, w.feed(f.ID)); err == nil {
		t.Fatal("a cancelled poll succeeded")
	}
	if st := w.feed(f.ID).State; st.Failures != 0 || st.LastError != "" || !st.LastPoll.IsZero() {
		t.Errorf("state after a cancelled poll: %+v", st)
	}
}
