package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/store/storetest"
)

// clock is a settable store clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func openClock(t *testing.T, c *clock) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "briefbot.db"), WithClock(c.now))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestClaimLeaseClock checks leases against the store's clock to the
// microsecond: a lease is live before lease_until and ended from it on.
func TestClaimLeaseClock(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 5, 20, 7, 30, 0, 123456789, time.UTC)
	clk := &clock{t: t0}
	s := openClock(t, clk)
	sub := &briefing.Subscription{Dest: briefing.Destination{Platform: "console", Channel: "main"}}
	if err := s.AddSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	now := t0.Truncate(time.Microsecond)
	if !sub.CreatedAt.Equal(now) || !sub.Watermark.Equal(now) {
		t.Errorf("CreatedAt %v, Watermark %v; want the clock's %v", sub.CreatedAt, sub.Watermark, now)
	}
	end := now.Add(time.Hour)
	a, err := s.ClaimWindow(ctx, sub.ID, end, "a", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !a.ClaimedAt.Equal(now) || !a.LeaseUntil.Equal(now.Add(10*time.Minute)) {
		t.Errorf("ClaimedAt %v, LeaseUntil %v; want %v and ten minutes later", a.ClaimedAt, a.LeaseUntil, now)
	}

	clk.set(t0.Add(10*time.Minute - time.Microsecond))
	if _, err := s.ClaimWindow(ctx, sub.ID, end, "b", time.Minute); !errors.Is(err, briefing.ErrClaimed) {
		t.Fatalf("claim a microsecond before the lease ends: err = %v, want ErrClaimed", err)
	}
	// An ended lease not taken over can still be extended by its owner.
	clk.set(t0.Add(20 * time.Minute))
	if err := s.ExtendClaim(ctx, a, end.Add(time.Hour), 5*time.Minute); err != nil {
		t.Fatalf("ExtendClaim of an ended, not taken over lease: %v", err)
	}
	if want := now.Add(25 * time.Minute); !a.LeaseUntil.Equal(want) || !a.End.Equal(end.Add(time.Hour)) {
		t.Errorf("after ExtendClaim: LeaseUntil %v, End %v; want %v, %v", a.LeaseUntil, a.End, want, end.Add(time.Hour))
	}
	clk.set(t0.Add(25 * time.Minute))
	b, err := s.ClaimWindow(ctx, sub.ID, end, "b", time.Minute)
	if err != nil {
		t.Fatalf("claim when the lease ends: %v", err)
	}
	if !b.Resumed || b.Attempts != 2 || !b.End.Equal(end.Add(time.Hour)) {
		t.Errorf("takeover = %+v", *b)
	}

	// ReleaseClaim ends the lease at the clock's now, not later.
	if err := s.ReleaseClaim(ctx, b, "boom"); err != nil {
		t.Fatal(err)
	}
	if !b.LeaseUntil.Equal(now.Add(25 * time.Minute)) {
		t.Errorf("LeaseUntil after release = %v, want now", b.LeaseUntil)
	}
	c, err := s.ClaimWindow(ctx, sub.ID, end, "c", -time.Minute)
	if err != nil {
		t.Fatalf("claim right after a release: %v", err)
	}
	if c.LastError != "boom" || !c.LeaseUntil.Equal(now.Add(24*time.Minute)) {
		t.Errorf("claim after release: LastError %q, LeaseUntil %v", c.LastError, c.LeaseUntil)
	}
	clk.set(t0.Add(30 * time.Minute))
	if err := s.FinishWindow(ctx, c, "m1", 2); err != nil {
		t.Fatalf("FinishWindow of an ended lease not taken over: %v", err)
	}
	recs, err := s.Briefings(ctx, sub.ID, 1)
	if err != nil || len(recs) != 1 || !recs[0].PostedAt.Equal(now.Add(30*time.Minute)) {
		t.Errorf("Briefings = %+v, %v; want PostedAt from the clock", recs, err)
	}
}

func TestDiagnosticsStoredNotRefused(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, t.TempDir())
	defer s.Close()
	sub := &briefing.Subscription{Watermark: time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)}
	if err := s.AddSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimWindow(ctx, sub.ID, sub.Watermark.Add(time.Hour), "w", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", maxDiagnostic) // two bytes a rune
	for _, c := range []struct{ in, want string }{
		{"bad \xff byte\x00", "bad \uFFFD byte\uFFFD"},
		{long, long[:maxDiagnostic] + "…"},
		{"x" + long, "x" + long[:maxDiagnostic-2] + "…"}, // cut at a rune boundary
	} {
		if got := diagnostic(c.in); got != c.want {
			t.Errorf("diagnostic(%.20q...) = %.20q... (%d bytes), want %d bytes", c.in, got, len(got), len(c.want))
		}
	}
	if err := s.ReleaseClaim(ctx, c, "platform said \xff\x00"); err != nil {
		t.Fatalf("ReleaseClaim with a message that is not UTF-8: %v", err)
	}
	c, err = s.ClaimWindow(ctx, sub.ID, sub.Watermark.Add(time.Hour), "w", time.Hour)
	if err != nil || c.LastError != "platform said \uFFFD\uFFFD" {
		t.Errorf("LastError = %q, %v", c.LastError, err)
	}
	if err := s.DisableSubscription(ctx, sub.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Subscription(ctx, sub.ID); got.Disabled == "" {
		t.Error("DisableSubscription with an empty reason left the subscription enabled")
	}
	if _, err := s.ClaimWindow(ctx, sub.ID, sub.Watermark.Add(time.Hour), "w", time.Hour); !errors.Is(err, briefing.ErrDisabled) {
		t.Errorf("claim of a subscription disabled without a reason: err = %v, want ErrDisabled", err)
	}
}

// TestMigrateFromVersion1 opens a database written before subscriptions
// existed and checks that its events survive the upgrade.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	ev := &briefing.Event{Date: briefing.DayDate(briefing.Date(2025, 5, 1)), Summary: "Kalomir summit opened."}
	if err := s.Ingest(ctx, &briefing.Ingestion{Article: &briefing.Article{Source: "AP", Hash: "v1"}, New: []*briefing.Event{ev}}); err != nil {
		t.Fatal(err)
	}
	// Back to version 1: the tables of later versions gone.
	downgrade(t, s, 1)
	s.Close()

	s = openAt(t, dir)
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != latestVersion(t) {
		t.Fatalf("schema version after upgrade = %d, %v; want %d", v, err, latestVersion(t))
	}
	if got, err := s.Event(ctx, ev.ID); err != nil || got.Summary != ev.Summary {
		t.Fatalf("event after upgrade: %+v, %v", got, err)
	}
	sub := &briefing.Subscription{Name: "config:x", Watermark: ev.FirstSeen.Add(-time.Second)}
	if err := s.AddSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	evs, more, err := s.SeenBetween(ctx, briefing.Query{}, sub.Watermark, ev.FirstSeen, 0)
	if err != nil || more || len(evs) != 1 || evs[0].ID != ev.ID {
		t.Errorf("SeenBetween after upgrade: %d events, More %v, %v", len(evs), more, err)
	}
}

// TestSeenBetweenPlans checks that the window drives SeenBetween: the
// first-seen index in its order (no sort), the full-text matches collected
// once as a list to test membership in.
func TestSeenBetweenPlans(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	from := time.Date(2025, 5, 19, 7, 30, 0, 0, time.UTC)
	for _, text := range []string{"", "ceasefire", `"prisoner exchange" actor:putin`, "topic:talks since:2025-05", "until:2025-05", "talks since:2025-05 until:2025-06"} {
		q := briefing.Query{}
		if text != "" {
			var err error
			if q, err = briefing.ParseQuery(text); err != nil {
				t.Fatal(err)
			}
		}
		query, args, ok := seenSQL(q, from, from.Add(24*time.Hour), 100)
		if !ok {
			t.Fatalf("%q: seenSQL reports no match", text)
		}
		plan := explain(t, s, query, args...)
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%q: plan sorts:\n%s", text, plan)
		}
		if !strings.Contains(plan, "SEARCH e USING INDEX events_latest (first_seen>? AND first_seen<?)") {
			t.Errorf("%q: the first-seen index does not drive:\n%s", text, plan)
		}
		if matchExpr(q) != "" && (!strings.Contains(plan, "LIST SUBQUERY") || !strings.Contains(plan, "SCAN f VIRTUAL TABLE")) {
			t.Errorf("%q: the full-text matches are not collected once:\n%s", text, plan)
		}
		if strings.Contains(plan, "CORRELATED") {
			t.Errorf("%q: a subquery runs for every event:\n%s", text, plan)
		}
	}
}

// TestSeenBetweenDefaultLimit fills a window past the default cap.
func TestSeenBetweenDefaultLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 10,000 events")
	}
	ctx := context.Background()
	s := openAt(t, t.TempDir())
	defer s.Close()
	from := time.Date(2025, 5, 19, 0, 0, 0, 0, time.UTC)
	evs := storetest.SynthEvents(defaultSeenLimit+1, 3)
	for i, ev := range evs {
		// in reverse ID order, two events a microsecond
		ev.FirstSeen = from.Add(time.Duration(len(evs)-i+1) / 2 * time.Microsecond)
	}
	if err := s.Ingest(ctx, &briefing.Ingestion{Article: &briefing.Article{Source: "bulk", Hash: "limit"}, New: evs}); err != nil {
		t.Fatal(err)
	}
	to := from.Add(time.Hour)
	got, more, err := s.SeenBetween(ctx, briefing.Query{}, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != defaultSeenLimit || !more {
		t.Fatalf("limit 0: %d events, More %v; want %d, true", len(got), more, defaultSeenLimit)
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.FirstSeen.After(b.FirstSeen) || (a.FirstSeen.Equal(b.FirstSeen) && a.ID >= b.ID) {
			t.Fatalf("out of order at %d: %d (%v) then %d (%v)", i, a.ID, a.FirstSeen, b.ID, b.FirstSeen)
		}
	}
	if len(got[0].Citations) == 0 {
		t.Error("events come without their citations")
	}
	got, more, err = s.SeenBetween(ctx, briefing.Query{}, from, to, len(evs))
	if err != nil || len(got) != len(evs) || more {
		t.Errorf("limit %d: %d events, More %v, %v", len(evs), len(got), more, err)
	}
}

// BenchmarkSeenBetween reads a window of 10,000 events (of the benchmark
// store's 20,000 by default) as a briefing does, with and without a query.
func BenchmarkSeenBetween(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	const window = 10_000
	var first, last int64
	if err := s.read.QueryRowContext(ctx, "SELECT min(first_seen) FROM events").Scan(&first); err != nil {
		b.Fatal(err)
	}
	err := s.read.QueryRowContext(ctx, "SELECT first_seen FROM events ORDER BY first_seen LIMIT 1 OFFSET ?",
		min(window, benchEvents())-1).Scan(&last)
	if err != nil {
		b.Fatal(err)
	}
	from, to := fromMicros(first-1), fromMicros(last)
	for _, text := range []string{"", "talks", "ceasefire actor:putin", "topic:talks since:2020-01"} {
		q := briefing.Query{}
		if text != "" {
			if q, err = briefing.ParseQuery(text); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("%q", text), func(b *testing.B) {
			n := 0
			for b.Loop() {
				evs, _, err := s.SeenBetween(ctx, q, from, to, window)
				if err != nil {
					b.Fatal(err)
				}
				n = len(evs)
			}
			b.ReportMetric(float64(n), "events")
		})
	}
}
