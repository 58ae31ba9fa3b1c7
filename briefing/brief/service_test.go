package brief_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/store/sqlite"
)

// post is one briefing the fake publisher accepted.
type post struct {
	dest     briefing.Destination
	key      string
	ref      string
	at       time.Time
	from, to time.Time
	total    int
	summary  []string
}

// publisher is a fake chat platform: it records posts, can fail on
// demand, and remembers keys as Slack metadata or Discord footers would.
type publisher struct {
	mu      sync.Mutex
	posts   []post
	notices []string
	tries   map[briefing.Destination]int
	// fail, when set, decides the error of a post attempt (n counts the
	// attempts to dest, from 1).
	fail func(dest briefing.Destination, n int) error
	// before and after run around a successful post; a test kills the
	// worker in them with runtime.Goexit, as a crash would.
	before, after func(dest briefing.Destination)
	// afterErr, when set, is the error returned after a post was stored:
	// the answer was lost on the way back.
	afterErr func() error
	// block makes posts to a destination wait until ctx is done or the
	// channel is closed.
	block map[briefing.Destination]chan struct{}
}

func newPublisher() *publisher {
	return &publisher{tries: map[briefing.Destination]int{}, block: map[briefing.Destination]chan struct{}{}}
}

func (p *publisher) Publish(ctx context.Context, dest briefing.Destination, _ *briefing.Subscription, b *briefing.Brief, key string) (string, error) {
	p.mu.Lock()
	p.tries[dest]++
	n := p.tries[dest]
	fail, before, after, block := p.fail, p.before, p.after, p.block[dest]
	p.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if fail != nil {
		if err := fail(dest, n); err != nil {
			return "", err
		}
	}
	if before != nil {
		before(dest)
	}
	p.mu.Lock()
	ref := fmt.Sprintf("m%d", len(p.posts)+1)
	var lines []string
	for _, it := range b.Items {
		lines = append(lines, it.Event.Summary)
	}
	p.posts = append(p.posts, post{dest: dest, key: key, ref: ref, at: time.Now(), from: b.From, to: b.To, total: b.Total, summary: lines})
	p.mu.Unlock()
	if after != nil {
		after(dest)
	}
	p.mu.Lock()
	afterErr := p.afterErr
	p.mu.Unlock()
	if afterErr != nil {
		if err := afterErr(); err != nil {
			return "", err
		}
	}
	return ref, nil
}

func (p *publisher) Find(_ context.Context, dest briefing.Destination, key string, since time.Time) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, po := range p.posts {
		if po.dest == dest && po.key == key && !po.at.Before(since) {
			return po.ref, true, nil
		}
	}
	return "", false, nil
}

func (p *publisher) Notify(_ context.Context, dest briefing.Destination, text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notices = append(p.notices, dest.String()+" "+text)
	return nil
}

func (p *publisher) postsTo(dest briefing.Destination) []post {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []post
	for _, po := range p.posts {
		if po.dest == dest {
			out = append(out, po)
		}
	}
	return out
}

// compose is a plain composer: every fresh event is an item.
func compose(fresh, _ []*briefing.Event) *briefing.Brief {
	b := &briefing.Brief{Total: len(fresh)}
	for _, ev := range fresh {
		b.Items = append(b.Items, briefing.BriefItem{Event: ev, Lines: []string{ev.Summary}, Sources: ev.Citations})
	}
	return b
}

// world is a store, a timeline and a publisher shared by the services a
// test starts and stops, as processes share a database file.
type world struct {
	t     *testing.T
	store *sqlite.Store
	tl    *briefing.Service
	pub   *publisher
	seq   int
	admin briefing.Destination
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
	return &world{t: t, store: st, tl: briefing.NewService(st, ex, nil, nil), pub: newPublisher()}
}

// service starts a briefing service (a process) and returns its stop
// function, which waits for it to return.
func (w *world) service(owner string) (*brief.Service, func()) {
	s, err := brief.New(brief.Config{
		Store: w.store, Timeline: w.tl, Publisher: w.pub, Compose: compose,
		Owner: owner, Admin: w.admin, Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return s, func() { cancel(); <-done }
}

// subscribe makes a subscription through a service that is not running.
func (w *world) subscribe(dest briefing.Destination, text string) *briefing.Subscription {
	s, err := brief.New(brief.Config{Store: w.store, Timeline: w.tl, Publisher: w.pub, Compose: compose})
	if err != nil {
		w.t.Fatal(err)
	}
	sub, err := s.Subscribe(context.Background(), brief.Request{Dest: dest, Text: text, By: "U1", Origin: "chat"})
	if err != nil {
		w.t.Fatal(err)
	}
	return sub
}

// news stores a development first seen now.
func (w *world) news(summary string, topics ...string) {
	w.seq++
	now := time.Now()
	ev := &briefing.Event{
		Date:      briefing.DayDate(briefing.DayOf(now)),
		Summary:   summary,
		Topics:    topics,
		FirstSeen: now,
		UpdatedAt: now,
		Citations: []briefing.Citation{{Source: "Wire", URL: fmt.Sprintf("https://wire.example/%d", w.seq), Published: now, Sentence: summary}},
	}
	in := &briefing.Ingestion{
		Article: &briefing.Article{Source: "Wire", Via: "test", Published: now, Text: summary, Hash: fmt.Sprintf("%064x", w.seq), IngestedAt: now},
		New:     []*briefing.Event{ev},
	}
	if err := w.store.Ingest(context.Background(), in); err != nil {
		w.t.Fatal(err)
	}
}

// crashOnce returns a publisher hook that kills the posting goroutine the
// first time it runs, as a crash would: no deferred release, no record.
func crashOnce() func(briefing.Destination) {
	crashed := false
	return func(briefing.Destination) {
		if !crashed {
			crashed = true
			runtime.Goexit()
		}
	}
}

// sleepUntil advances the bubble's clock to t.
func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

var (
	chanA = briefing.Destination{Platform: "slack", Channel: "C0A"}
	chanB = briefing.Destination{Platform: "discord", Channel: "1002"}
)

// checkContiguous asserts that consecutive posts cover adjoining windows.
func checkContiguous(t *testing.T, posts []post) {
	t.Helper()
	for i := 1; i < len(posts); i++ {
		if !posts[i].from.Equal(posts[i-1].to) {
			t.Errorf("post %d covers from %s, but post %d ended at %s: a gap or an overlap", i, posts[i].from, i-1, posts[i-1].to)
		}
	}
}

func TestWeekdaysInTwoZones(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 18, 12, 0, 0, 0, time.UTC)) // a Sunday
		w.subscribe(chanA, "ceasefire at 07:30 tz Europe/Kyiv weekdays")
		w.subscribe(chanB, "at 18:00 tz America/New_York")
		_, stop := w.service("p1")
		for d := range 8 {
			day := time.Date(2025, 5, 19+d, 0, 0, 0, 0, time.UTC)
			sleepUntil(day.Add(3 * time.Hour))
			w.news(fmt.Sprintf("Cease-fire talks continued on day %d.", d), "ceasefire")
		}
		sleepUntil(time.Date(2025, 5, 27, 12, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()

		kyiv, ny := mustZone(t, "Europe/Kyiv"), mustZone(t, "America/New_York")
		a := w.pub.postsTo(chanA)
		var got []string
		for _, p := range a {
			got = append(got, p.at.In(kyiv).Format("Mon 02 15:04"))
		}
		want := []string{"Mon 19 07:30", "Tue 20 07:30", "Wed 21 07:30", "Thu 22 07:30", "Fri 23 07:30", "Mon 26 07:30", "Tue 27 07:30"}
		if !slices.Equal(got, want) {
			t.Errorf("Kyiv weekday posts at %q, want %q", got, want)
		}
		checkContiguous(t, a)
		// Monday's briefing covers the weekend's news.
		if len(a) >= 6 && a[5].total != 3 {
			t.Errorf("Monday 26 briefing has %d developments, want 3 (Saturday, Sunday and Monday morning)", a[5].total)
		}
		got = nil
		for _, p := range w.pub.postsTo(chanB) {
			got = append(got, p.at.In(ny).Format("Mon 02 15:04"))
		}
		want = []string{"Sun 18 18:00", "Mon 19 18:00", "Tue 20 18:00", "Wed 21 18:00", "Thu 22 18:00", "Fri 23 18:00", "Sat 24 18:00", "Sun 25 18:00", "Mon 26 18:00"}
		if !slices.Equal(got, want) {
			t.Errorf("New York daily posts at %q, want %q", got, want)
		}
		checkContiguous(t, w.pub.postsTo(chanB))
	})
}

func TestDaylightSavingDays(t *testing.T) {
	for _, tt := range []struct {
		name       string
		start, end time.Time
		spec       string
		want       []string
	}{
		{
			name:  "spring forward",
			start: time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC), end: time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC),
			spec: "at 03:30 tz Europe/Kyiv",
			// 03:30 does not exist on 30 March: it comes at 04:00, once.
			want: []string{"2025-03-29 03:30 EET", "2025-03-30 04:00 EEST", "2025-03-31 03:30 EEST", "2025-04-01 03:30 EEST"},
		},
		{
			name:  "fall back",
			start: time.Date(2025, 10, 24, 12, 0, 0, 0, time.UTC), end: time.Date(2025, 10, 28, 12, 0, 0, 0, time.UTC),
			spec: "at 03:30 tz Europe/Kyiv",
			// 03:30 happens twice on 26 October: the briefing comes once.
			want: []string{"2025-10-25 03:30 EEST", "2025-10-26 03:30 EEST", "2025-10-27 03:30 EET", "2025-10-28 03:30 EET"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := newWorld(t)
				sleepUntil(tt.start)
				w.subscribe(chanA, tt.spec)
				_, stop := w.service("p1")
				for d := time.Duration(0); tt.start.Add(d).Before(tt.end); d += 6 * time.Hour {
					sleepUntil(tt.start.Add(d))
					w.news(fmt.Sprintf("Update number %d on the talks.", d/time.Hour))
				}
				sleepUntil(tt.end)
				synctest.Wait()
				stop()
				kyiv := mustZone(t, "Europe/Kyiv")
				var got []string
				for _, p := range w.pub.postsTo(chanA) {
					got = append(got, p.at.In(kyiv).Format("2006-01-02 15:04 MST"))
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("posts at %q, want %q", got, tt.want)
				}
				checkContiguous(t, w.pub.postsTo(chanA))
			})
		})
	}
}

func TestDowntimeGivesOneCatchUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		w.subscribe(chanA, "at 07:30 tz UTC")
		_, stop := w.service("p1")
		sleepUntil(time.Date(2025, 5, 19, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop() // down from 08:00 on the 19th ...
		for d := range 3 {
			sleepUntil(time.Date(2025, 5, 20+d, 10, 0, 0, 0, time.UTC))
			w.news(fmt.Sprintf("Prisoner exchange step %d was completed.", d), "prisoners")
		}
		sleepUntil(time.Date(2025, 5, 22, 12, 0, 0, 0, time.UTC))
		_, stop = w.service("p2") // ... to noon on the 22nd
		sleepUntil(time.Date(2025, 5, 23, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		posts := w.pub.postsTo(chanA)
		var at []string
		for _, p := range posts {
			at = append(at, p.at.Format("02 15:04"))
		}
		want := []string{"19 07:30", "22 12:00", "23 07:30"}
		if !slices.Equal(at, want) {
			t.Fatalf("posts at %q, want %q: one catch-up at restart, then the schedule", at, want)
		}
		if posts[1].total != 3 {
			t.Errorf("the catch-up covers %d developments, want all 3 of the downtime", posts[1].total)
		}
		checkContiguous(t, posts)
	})
}

// TestCrashBetweenClaimAndPost kills the worker after it claimed the
// window and before the post went out: the restarted process waits for
// the dead claim's lease, finds no post, and posts the window once.
func TestCrashBetweenClaimAndPost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		w.subscribe(chanA, "at 07:30 tz UTC")
		w.news("Leaders agreed to meet in Istanbul.", "talks")
		w.pub.before = crashOnce() // the process dies before the post
		_, stop := w.service("p1")
		sleepUntil(time.Date(2025, 5, 19, 7, 31, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		if n := len(w.pub.postsTo(chanA)); n != 0 {
			t.Fatalf("%d posts before the restart, want 0", n)
		}
		_, stop = w.service("p2")
		sleepUntil(time.Date(2025, 5, 19, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		posts := w.pub.postsTo(chanA)
		if len(posts) != 1 {
			t.Fatalf("%d posts after the restart, want exactly 1", len(posts))
		}
		if posts[0].total != 1 {
			t.Errorf("the resumed briefing has %d developments, want 1", posts[0].total)
		}
		// The restart waited for the dead worker's lease (2 minutes).
		if posts[0].at.Before(time.Date(2025, 5, 19, 7, 32, 0, 0, time.UTC)) {
			t.Errorf("posted at %s, before the dead claim's lease ran out", posts[0].at)
		}
		sub := subscription(t, w, 1)
		if !sub.Watermark.Equal(posts[0].to) {
			t.Errorf("watermark %s, want the posted window's end %s", sub.Watermark, posts[0].to)
		}
	})
}

// TestCrashBetweenPostAndRecord kills the worker after the platform
// accepted the post and before the store recorded it: the restarted
// process finds the post by its key and records it without posting again.
func TestCrashBetweenPostAndRecord(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		w.subscribe(chanA, "at 07:30 tz UTC")
		w.news("Leaders agreed to meet in Istanbul.", "talks")
		w.pub.after = crashOnce() // the process dies after the post
		_, stop := w.service("p1")
		sleepUntil(time.Date(2025, 5, 19, 7, 31, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		before := subscription(t, w, 1).Watermark
		_, stop = w.service("p2")
		sleepUntil(time.Date(2025, 5, 20, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		posts := w.pub.postsTo(chanA)
		var at []string
		for _, p := range posts {
			at = append(at, p.at.Format("02 15:04"))
		}
		if want := []string{"19 07:30", "20 07:30"}; !slices.Equal(at, want) {
			t.Fatalf("posts at %q, want %q: the crashed window must not be posted again", at, want)
		}
		if !posts[0].to.After(before) {
			t.Fatalf("window end %s not after the old watermark %s", posts[0].to, before)
		}
		recs, err := w.store.Briefings(context.Background(), 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[1].PostRef != posts[0].ref {
			t.Errorf("records %+v: want the recovered post %s recorded", recs, posts[0].ref)
		}
		checkContiguous(t, posts)
	})
}

func TestTransientErrorsAreRetriedWithBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		w.subscribe(chanA, "at 07:30 tz UTC")
		w.news("The truce held overnight.", "ceasefire")
		var attempts []time.Time
		w.pub.fail = func(_ briefing.Destination, n int) error {
			attempts = append(attempts, time.Now())
			switch n {
			case 1:
				return &briefing.RetryAfterError{After: 30 * time.Second, Err: errors.New("slack: rate limited")}
			case 2:
				return errors.New("discord: 503 Service Unavailable")
			}
			return nil
		}
		_, stop := w.service("p1")
		sleepUntil(time.Date(2025, 5, 19, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		posts := w.pub.postsTo(chanA)
		if len(posts) != 1 || len(attempts) != 3 {
			t.Fatalf("%d posts after %d attempts, want 1 after 3", len(posts), len(attempts))
		}
		if d := attempts[1].Sub(attempts[0]); d != 30*time.Second {
			t.Errorf("second attempt %s after the first, want the 30s Retry-After", d)
		}
		if d := attempts[2].Sub(attempts[1]); d != 4*time.Second {
			t.Errorf("third attempt %s after the second, want 4s of backoff", d)
		}
	})
}

func TestPermanentErrorDisablesOnlyThatSubscription(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		w.admin = briefing.Destination{Platform: "slack", Channel: "CADMIN"}
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		gone := w.subscribe(chanA, "at 07:30 tz UTC")
		w.subscribe(chanB, "at 07:30 tz UTC")
		slow := briefing.Destination{Platform: "slack", Channel: "CSLOW"}
		w.subscribe(slow, "at 07:30 tz UTC")
		w.pub.block[slow] = make(chan struct{}) // never answers
		w.news("The exchange was agreed.", "prisoners")
		w.pub.fail = func(dest briefing.Destination, _ int) error {
			if dest == chanA {
				return fmt.Errorf("slack: channel_not_found: %w", briefing.ErrPermanent)
			}
			return nil
		}
		_, stop := w.service("p1")
		sleepUntil(time.Date(2025, 5, 20, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		if n := len(w.pub.postsTo(chanA)); n != 0 {
			t.Errorf("%d posts to the gone channel", n)
		}
		if w.pub.tries[chanA] != 1 {
			t.Errorf("the gone channel was tried %d times, want once (a permanent error is not retried)", w.pub.tries[chanA])
		}
		b := w.pub.postsTo(chanB)
		if len(b) != 2 || !b[0].at.Equal(time.Date(2025, 5, 19, 7, 30, 0, 0, time.UTC)) {
			t.Errorf("the healthy channel got %d posts (first at %v), want 2, the first on time despite the failing and the hanging channels", len(b), b)
		}
		sub := subscription(t, w, gone.ID)
		if !strings.Contains(sub.Disabled, "channel_not_found") {
			t.Errorf("subscription Disabled = %q, want the reason", sub.Disabled)
		}
		if len(w.pub.notices) != 1 || !strings.HasPrefix(w.pub.notices[0], "slack:CADMIN") || !strings.Contains(w.pub.notices[0], "disabled") {
			t.Errorf("admin notices %q, want one in slack:CADMIN", w.pub.notices)
		}
	})
}

func TestNowPreviewAndQuiet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		loud := w.subscribe(chanA, "ceasefire at 07:30 tz UTC")
		quiet := w.subscribe(chanB, "ceasefire at 07:30 tz UTC quiet")
		s, err := brief.New(brief.Config{Store: w.store, Timeline: w.tl, Publisher: w.pub, Compose: compose})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		w.news("A cease-fire was declared for three days.", "ceasefire")
		w.news("Grain exports rose.", "trade")
		time.Sleep(time.Minute)

		b, err := s.Preview(ctx, loud)
		if err != nil || b.Total != 1 {
			t.Fatalf("Preview = %+v, %v; want the one cease-fire development", b, err)
		}
		if wm := subscription(t, w, loud.ID).Watermark; !wm.Equal(loud.Watermark) {
			t.Errorf("Preview moved the watermark to %s", wm)
		}
		out, err := s.Now(ctx, subscription(t, w, loud.ID))
		if err != nil || !out.Posted || out.Brief.Total != 1 {
			t.Fatalf("Now = %+v, %v", out, err)
		}
		if wm := subscription(t, w, loud.ID).Watermark; !wm.Equal(out.End) {
			t.Errorf("Now left the watermark at %s, want %s", wm, out.End)
		}
		time.Sleep(time.Minute)
		// Nothing new since: the loud subscription says so, the quiet one
		// posts nothing, and both advance.
		out, err = s.Now(ctx, subscription(t, w, loud.ID))
		if err != nil || !out.Posted || !out.Brief.Empty() {
			t.Errorf("second Now = %+v, %v; want an empty briefing posted", out, err)
		}
		if _, err := s.Now(ctx, subscription(t, w, quiet.ID)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		out, err = s.Now(ctx, subscription(t, w, quiet.ID))
		if err != nil || out.Posted || !out.Silent {
			t.Errorf("quiet Now with nothing new = %+v, %v; want silent", out, err)
		}
		if n := len(w.pub.postsTo(chanB)); n != 1 {
			t.Errorf("quiet channel got %d posts, want 1 (only the one with news)", n)
		}
	})
}

func subscription(t *testing.T, w *world, id int64) *briefing.Subscription {
	t.Helper()
	s, err := w.store.Subscription(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNotConnectedWaits: a subscription for a platform this process cannot
// post to is neither retried nor disabled; its window stays due.
func TestNotConnectedWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		sub := w.subscribe(chanA, "at 07:30 tz UTC")
		w.news("The truce held overnight.", "ceasefire")
		w.pub.fail = func(briefing.Destination, int) error {
			return fmt.Errorf("no slack connection: %w", brief.ErrNotConnected)
		}
		_, stop := w.service("p1")
		sleepUntil(time.Date(2025, 5, 19, 9, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		if w.pub.tries[chanA] != 1 {
			t.Errorf("tried %d times, want 1", w.pub.tries[chanA])
		}
		got := subscription(t, w, sub.ID)
		if got.Disabled != "" || !got.Watermark.Equal(sub.Watermark) {
			t.Errorf("subscription %+v: want enabled, watermark unmoved", got)
		}
		// A process that can post picks the window up, whole.
		w.pub.fail = nil
		_, stop = w.service("p2")
		sleepUntil(time.Date(2025, 5, 20, 7, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		posts := w.pub.postsTo(chanA)
		if len(posts) != 1 || posts[0].total != 1 {
			t.Errorf("posts %+v: want the due window posted once with its development", posts)
		}
	})
}

// TestTwoReplicasPostEachSlotOnce runs two schedulers on one store, as two
// replicas would: each slot is posted once, by whichever claims it first.
func TestTwoReplicasPostEachSlotOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		w.subscribe(chanA, "at 07:30 tz UTC")
		_, stop1 := w.service("replica-1")
		_, stop2 := w.service("replica-2")
		for d := range 3 {
			sleepUntil(time.Date(2025, 5, 19+d, 10, 0, 0, 0, time.UTC))
			w.news(fmt.Sprintf("Talks resumed for round %d.", d), "talks")
		}
		sleepUntil(time.Date(2025, 5, 22, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop1()
		stop2()
		posts := w.pub.postsTo(chanA)
		var at []string
		for _, p := range posts {
			at = append(at, p.at.Format("02 15:04"))
		}
		if want := []string{"19 07:30", "20 07:30", "21 07:30", "22 07:30"}; !slices.Equal(at, want) {
			t.Errorf("posts at %q, want %q: one per slot", at, want)
		}
		checkContiguous(t, posts)
	})
}

// TestNowWhilePosting: a /brief now while the scheduled briefing is being
// posted is told so instead of posting the same window again.
func TestNowWhilePosting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		sub := w.subscribe(chanA, "at 07:30 tz UTC")
		w.news("The truce held overnight.", "ceasefire")
		gate := make(chan struct{})
		w.pub.block[chanA] = gate
		s, stop := w.service("p1")
		sleepUntil(time.Date(2025, 5, 19, 7, 30, 30, 0, time.UTC)) // the 07:30 post hangs
		if _, err := s.Now(context.Background(), subscription(t, w, sub.ID)); !errors.Is(err, brief.ErrBusy) {
			t.Errorf("Now while the scheduled post is under way = %v, want ErrBusy", err)
		}
		close(gate)
		synctest.Wait()
		stop()
		if n := len(w.pub.postsTo(chanA)); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
	})
}

// TestUnsureFindDoesNotRepost: a post fails ambiguously (it went out, but
// the answer was lost) and the look for it fails too: the bot does not
// post again until it can tell, and then records the first post.
func TestUnsureFindDoesNotRepost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		w.subscribe(chanA, "at 07:30 tz UTC")
		w.news("The truce held overnight.", "ceasefire")
		lost := true
		w.pub.after = func(briefing.Destination) {}
		fp := &findFailing{publisher: w.pub, failures: 2}
		w.pub.fail = func(briefing.Destination, int) error { return nil }
		w.pub.afterErr = func() error {
			if lost {
				lost = false
				return errors.New("slack: 503 after the message was stored")
			}
			return nil
		}
		s, err := brief.New(brief.Config{Store: w.store, Timeline: w.tl, Publisher: fp, Compose: compose, Owner: "p1"})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); s.Run(ctx) }()
		sleepUntil(time.Date(2025, 5, 19, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		cancel()
		<-done
		if n := len(w.pub.postsTo(chanA)); n != 1 {
			t.Fatalf("%d posts, want 1", n)
		}
		recs, err := w.store.Briefings(context.Background(), 1, 5)
		if err != nil || len(recs) != 1 || recs[0].PostRef != w.pub.postsTo(chanA)[0].ref {
			t.Errorf("records %+v, %v: want the one post recorded", recs, err)
		}
	})
}

// findFailing is a publisher whose Find fails its first calls.
type findFailing struct {
	*publisher
	failures int
}

func (f *findFailing) Find(ctx context.Context, dest briefing.Destination, key string, since time.Time) (string, bool, error) {
	if f.failures > 0 {
		f.failures--
		return "", false, errors.New("slack: conversations.history: 502")
	}
	return f.publisher.Find(ctx, dest, key, since)
}

// TestWindowLargerThanOneBriefing: past MaxEvents the briefing ends before
// the first development it could not read, and the next carries on;
// nothing is skipped.
func TestWindowLargerThanOneBriefing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 6, 0, 0, 0, time.UTC))
		sub := w.subscribe(chanA, "at 07:30 tz UTC")
		for i := range 5 {
			time.Sleep(time.Minute)
			w.news(fmt.Sprintf("Development number %d was reported.", i))
		}
		s, err := brief.New(brief.Config{Store: w.store, Timeline: w.tl, Publisher: w.pub, Compose: compose, MaxEvents: 3})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for range 3 {
			time.Sleep(time.Second)
			out, err := s.Now(context.Background(), subscription(t, w, sub.ID))
			if err != nil {
				t.Fatal(err)
			}
			total += out.Brief.Total
		}
		if total != 5 {
			t.Errorf("three briefings covered %d developments, want all 5", total)
		}
		checkContiguous(t, w.pub.postsTo(chanA))
	})
}

// TestSubscribeWithShortLivedContext: a chat command's context ends with
// its answer; the subscription it made must not fire before its first slot.
func TestSubscribeWithShortLivedContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		sleepUntil(time.Date(2025, 5, 19, 12, 0, 0, 0, time.UTC))
		w.news("Talks were scheduled.", "talks")
		s, stop := w.service("p1")
		ctx, cancel := context.WithCancel(context.Background())
		if _, err := s.Subscribe(ctx, brief.Request{Dest: chanA, Text: "at 07:30 tz UTC", Origin: "chat"}); err != nil {
			t.Fatal(err)
		}
		cancel()
		sleepUntil(time.Date(2025, 5, 20, 7, 0, 0, 0, time.UTC))
		synctest.Wait()
		if n := len(w.pub.postsTo(chanA)); n != 0 {
			t.Errorf("%d posts before the first slot", n)
		}
		sleepUntil(time.Date(2025, 5, 20, 8, 0, 0, 0, time.UTC))
		synctest.Wait()
		stop()
		if n := len(w.pub.postsTo(chanA)); n != 1 {
			t.Errorf("%d posts after the first slot, want 1", n)
		}
	})
}
