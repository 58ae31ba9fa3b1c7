package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// The contract of briefing.SubscriptionStore. The suite cannot set a
// store's clock, so it never waits for a lease: a lease of zero has ended
// at once and a lease of an hour is live for the whole test. Subscription
// times are fixed (base), which keeps windows independent of the clock.

// subscriptionTests are run by Run.
var subscriptionTests = []struct {
	name string
	fn   func(t *testing.T, h *harness)
}{
	{"SubscriptionCRUD", testSubscriptionCRUD},
	{"SubscriptionNames", testSubscriptionNames},
	{"DisableSubscription", testDisableSubscription},
	{"ClaimWindow", testClaimWindow},
	{"ClaimTakeover", testClaimTakeover},
	{"FinishWindow", testFinishWindow},
	{"FirstBriefing", testFirstBriefing},
	{"Briefings", testBriefings},
	{"RemoveSubscriptionWithClaims", testRemoveWithClaims},
	{"SubscriptionsReopen", testSubscriptionsReopen},
	{"SubscriptionHostileText", testSubscriptionHostileText},
	{"ClaimConcurrent", testClaimConcurrent},
	{"SeenBetween", testSeenBetween},
	{"SeenBetweenQuery", testSeenBetweenQuery},
}

const (
	hour = time.Hour
	live = time.Hour // a lease that outlasts any test
)

// subStore opens a fresh store, or skips the test when it does not keep
// subscriptions.
func subStore(t *testing.T, h *harness) (briefing.SubscriptionStore, briefing.Store) {
	t.Helper()
	s := h.store(t)
	ss, ok := s.(briefing.SubscriptionStore)
	if !ok {
		t.Skip("the store does not implement briefing.SubscriptionStore")
	}
	return ss, s
}

// newSub returns an unsaved subscription whose watermark is base.
func newSub(name string) *briefing.Subscription {
	return &briefing.Subscription{
		Name:      name,
		Dest:      briefing.Destination{Platform: "slack", Channel: "C0123"},
		Query:     "ceasefire actor:putin",
		Schedule:  "CRON_TZ=Europe/Kyiv 30 7 * * 1-5",
		Origin:    "chat",
		CreatedBy: "U042",
		CreatedAt: base.Add(-24 * hour),
		Watermark: base,
	}
}

func addSub(t *testing.T, ss briefing.SubscriptionStore, sub *briefing.Subscription) *briefing.Subscription {
	t.Helper()
	if err := ss.AddSubscription(ctx, sub); err != nil {
		t.Fatalf("AddSubscription(%q): %v", sub.Name, err)
	}
	if sub.ID <= 0 {
		t.Fatalf("AddSubscription set ID %d, want > 0", sub.ID)
	}
	return sub
}

func getSub(t *testing.T, ss briefing.SubscriptionStore, id int64) *briefing.Subscription {
	t.Helper()
	sub, err := ss.Subscription(ctx, id)
	if err != nil {
		t.Fatalf("Subscription(%d): %v", id, err)
	}
	return sub
}

func claim(t *testing.T, ss briefing.SubscriptionStore, sub int64, end time.Time, owner string, lease time.Duration) *briefing.Claim {
	t.Helper()
	c, err := ss.ClaimWindow(ctx, sub, end, owner, lease)
	if err != nil {
		t.Fatalf("ClaimWindow(%d, %s, %q): %v", sub, end.Format(time.RFC3339), owner, err)
	}
	return c
}

func finish(t *testing.T, ss briefing.SubscriptionStore, c *briefing.Claim, postRef string, events int) {
	t.Helper()
	if err := ss.FinishWindow(ctx, c, postRef, events); err != nil {
		t.Fatalf("FinishWindow(%s, %q): %v", c.Key, postRef, err)
	}
}

func watermark(t *testing.T, ss briefing.SubscriptionStore, id int64) time.Time {
	t.Helper()
	return getSub(t, ss, id).Watermark
}

// sameSub reports how got differs from want, or "" when they are equal.
func sameSub(got, want *briefing.Subscription) string {
	var d []string
	if got.ID != want.ID || got.Name != want.Name || got.Dest != want.Dest || got.Query != want.Query ||
		got.Schedule != want.Schedule || got.Quiet != want.Quiet || got.Origin != want.Origin ||
		got.CreatedBy != want.CreatedBy || got.Disabled != want.Disabled {
		d = append(d, fmt.Sprintf("got %+v, want %+v", *got, *want))
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		d = append(d, fmt.Sprintf("CreatedAt %v, want %v", got.CreatedAt, want.CreatedAt))
	}
	if !got.Watermark.Equal(want.Watermark) {
		d = append(d, fmt.Sprintf("Watermark %v, want %v", got.Watermark, want.Watermark))
	}
	return strings.Join(d, "; ")
}

func subIDs(subs []*briefing.Subscription) []int64 {
	out := make([]int64, len(subs))
	for i, s := range subs {
		out[i] = s.ID
	}
	return out
}

func listSubs(t *testing.T, ss briefing.SubscriptionStore) []*briefing.Subscription {
	t.Helper()
	subs, err := ss.Subscriptions(ctx)
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	return subs
}

func briefings(t *testing.T, ss briefing.SubscriptionStore, sub int64, limit int) []briefing.BriefingRecord {
	t.Helper()
	recs, err := ss.Briefings(ctx, sub, limit)
	if err != nil {
		t.Fatalf("Briefings(%d, %d): %v", sub, limit, err)
	}
	return recs
}

func testSubscriptionCRUD(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	a := addSub(t, ss, newSub(""))
	b := newSub("config:morning")
	b.Quiet = true
	b.Dest = briefing.Destination{Platform: "discord", Channel: "1234567890"}
	b.CreatedAt = base.Add(-48*hour + 123*time.Microsecond)
	b.Watermark = base.Add(-hour)
	addSub(t, ss, b)
	c := addSub(t, ss, newSub("")) // unnamed subscriptions never clash
	if a.ID == b.ID || b.ID == c.ID || a.ID == c.ID {
		t.Errorf("IDs %d, %d, %d: want distinct", a.ID, b.ID, c.ID)
	}
	for _, want := range []*briefing.Subscription{a, b, c} {
		if d := sameSub(getSub(t, ss, want.ID), want); d != "" {
			t.Errorf("Subscription(%d) differs from what was added: %s", want.ID, d)
		}
	}
	got := listSubs(t, ss)
	want := []int64{a.ID, b.ID, c.ID}
	slices.Sort(want)
	if !slices.Equal(subIDs(got), want) {
		t.Errorf("Subscriptions = %v, want %v by ID", subIDs(got), want)
	}

	// Zero times default to the clock; the watermark starts at CreatedAt.
	before := time.Now().Add(-time.Second)
	d := newSub("")
	d.CreatedAt, d.Watermark = time.Time{}, time.Time{}
	addSub(t, ss, d)
	if d.CreatedAt.Before(before) || d.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedAt of a subscription without one = %v, want the current time", d.CreatedAt)
	}
	if !d.Watermark.Equal(d.CreatedAt) {
		t.Errorf("Watermark of a subscription without one = %v, want CreatedAt %v", d.Watermark, d.CreatedAt)
	}
	if g := getSub(t, ss, d.ID); !g.CreatedAt.Equal(d.CreatedAt) || !g.Watermark.Equal(d.Watermark) {
		t.Errorf("stored times %v, %v; AddSubscription reported %v, %v", g.CreatedAt, g.Watermark, d.CreatedAt, d.Watermark)
	}

	if err := ss.RemoveSubscription(ctx, b.ID); err != nil {
		t.Fatalf("RemoveSubscription: %v", err)
	}
	if _, err := ss.Subscription(ctx, b.ID); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("Subscription of a removed one: err = %v, want ErrNotFound", err)
	}
	if err := ss.RemoveSubscription(ctx, b.ID); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("second RemoveSubscription: err = %v, want ErrNotFound", err)
	}
	for _, id := range []int64{0, -1, 1 << 40} {
		if _, err := ss.Subscription(ctx, id); !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("Subscription(%d): err = %v, want ErrNotFound", id, err)
		}
	}
	if got := subIDs(listSubs(t, ss)); slices.Contains(got, b.ID) || len(got) != 3 {
		t.Errorf("Subscriptions after remove = %v", got)
	}
	// The name of a removed subscription is free again.
	addSub(t, ss, newSub("config:morning"))
}

func testSubscriptionNames(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	a := addSub(t, ss, newSub("config:kyiv"))
	dup := newSub("config:kyiv")
	dup.Query = "something else"
	if err := ss.AddSubscription(ctx, dup); !errors.Is(err, briefing.ErrExists) {
		t.Fatalf("AddSubscription of a name in use: err = %v, want ErrExists", err)
	}
	if n := len(listSubs(t, ss)); n != 1 {
		t.Errorf("%d subscriptions after a refused duplicate, want 1", n)
	}
	if g := getSub(t, ss, a.ID); g.Query != a.Query {
		t.Errorf("refused duplicate changed the query to %q", g.Query)
	}

	if err := ss.PutNamedSubscription(ctx, newSub("")); err == nil {
		t.Error("PutNamedSubscription without a name succeeded")
	}

	// Create.
	p := newSub("config:discord")
	if err := ss.PutNamedSubscription(ctx, p); err != nil {
		t.Fatalf("PutNamedSubscription (create): %v", err)
	}
	if p.ID <= 0 || p.ID == a.ID {
		t.Fatalf("PutNamedSubscription set ID %d", p.ID)
	}
	if d := sameSub(getSub(t, ss, p.ID), p); d != "" {
		t.Errorf("created subscription: %s", d)
	}
	// Advance its watermark and disable it.
	c := claim(t, ss, p.ID, base.Add(hour), "w1", live)
	finish(t, ss, c, "m1", 3)
	if err := ss.DisableSubscription(ctx, p.ID, "channel_not_found"); err != nil {
		t.Fatalf("DisableSubscription: %v", err)
	}

	// Update: destination, query, schedule, quiet and origin replaced;
	// ID, creation time and watermark kept; enabled again.
	u := &briefing.Subscription{
		Name:      "config:discord",
		Dest:      briefing.Destination{Platform: "discord", Channel: "999"},
		Query:     "topic:talks",
		Schedule:  "CRON_TZ=UTC 0 6 * * *",
		Quiet:     true,
		Origin:    "config",
		CreatedBy: "config",
		CreatedAt: base.Add(-1000 * hour),
		Watermark: base.Add(-1000 * hour),
	}
	if err := ss.PutNamedSubscription(ctx, u); err != nil {
		t.Fatalf("PutNamedSubscription (update): %v", err)
	}
	if u.ID != p.ID {
		t.Errorf("update changed the ID: %d, want %d", u.ID, p.ID)
	}
	if !u.CreatedAt.Equal(p.CreatedAt) || !u.Watermark.Equal(base.Add(hour)) {
		t.Errorf("update reported CreatedAt %v, Watermark %v; want the stored %v, %v", u.CreatedAt, u.Watermark, p.CreatedAt, base.Add(hour))
	}
	g := getSub(t, ss, p.ID)
	if g.Dest != u.Dest || g.Query != u.Query || g.Schedule != u.Schedule || !g.Quiet || g.Origin != "config" {
		t.Errorf("update did not replace the settings: %+v", *g)
	}
	if !g.CreatedAt.Equal(p.CreatedAt) || !g.Watermark.Equal(base.Add(hour)) {
		t.Errorf("update changed the times: CreatedAt %v, Watermark %v", g.CreatedAt, g.Watermark)
	}
	if g.Disabled != "" {
		t.Errorf("update left the subscription disabled: %q", g.Disabled)
	}
	c2 := claim(t, ss, p.ID, base.Add(2*hour), "w1", live)
	if !c2.Start.Equal(base.Add(hour)) {
		t.Errorf("claim after update starts at %v, want the kept watermark %v", c2.Start, base.Add(hour))
	}
	if n := len(briefings(t, ss, p.ID, 10)); n != 1 {
		t.Errorf("update lost the briefing records: %d, want 1", n)
	}

	// Named subscriptions share one namespace, whichever call made them.
	if err := ss.AddSubscription(ctx, newSub("config:discord")); !errors.Is(err, briefing.ErrExists) {
		t.Errorf("AddSubscription of a name made by PutNamedSubscription: err = %v, want ErrExists", err)
	}
	k := newSub("config:kyiv")
	k.Query = "talks"
	if err := ss.PutNamedSubscription(ctx, k); err != nil {
		t.Fatalf("PutNamedSubscription of a name made by AddSubscription: %v", err)
	}
	if k.ID != a.ID || getSub(t, ss, a.ID).Query != "talks" {
		t.Errorf("PutNamedSubscription of an added name: ID %d (want %d), query %q", k.ID, a.ID, getSub(t, ss, a.ID).Query)
	}
	if n := len(listSubs(t, ss)); n != 2 {
		t.Errorf("%d subscriptions, want 2", n)
	}
}

func testDisableSubscription(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	if err := ss.DisableSubscription(ctx, 12345, "gone"); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("DisableSubscription of a missing one: err = %v, want ErrNotFound", err)
	}
	a := addSub(t, ss, newSub(""))
	b := addSub(t, ss, newSub(""))
	if err := ss.DisableSubscription(ctx, a.ID, "not_in_channel"); err != nil {
		t.Fatalf("DisableSubscription: %v", err)
	}
	if g := getSub(t, ss, a.ID); g.Disabled != "not_in_channel" {
		t.Errorf("Disabled = %q, want the reason", g.Disabled)
	}
	if got := subIDs(listSubs(t, ss)); !slices.Equal(got, []int64{a.ID, b.ID}) {
		t.Errorf("Subscriptions = %v, want the disabled one too", got)
	}
	if _, err := ss.ClaimWindow(ctx, a.ID, base.Add(hour), "w1", live); !errors.Is(err, briefing.ErrDisabled) {
		t.Errorf("ClaimWindow of a disabled subscription: err = %v, want ErrDisabled", err)
	}
	if g := getSub(t, ss, b.ID); g.Disabled != "" {
		t.Errorf("the other subscription was disabled: %q", g.Disabled)
	}
	claim(t, ss, b.ID, base.Add(hour), "w1", live)
	if !watermark(t, ss, a.ID).Equal(base) {
		t.Errorf("disabling moved the watermark")
	}
}

func testClaimWindow(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	sub := addSub(t, ss, newSub(""))
	end := base.Add(3 * hour)
	c := claim(t, ss, sub.ID, end, "worker-a", live)
	if c.ID <= 0 || c.Subscription != sub.ID || !c.Start.Equal(base) || !c.End.Equal(end) || c.Owner != "worker-a" {
		t.Errorf("claim = %+v: want subscription %d, window (%v, %v], owner worker-a", *c, sub.ID, base, end)
	}
	if c.Key == "" || c.Attempts != 1 || c.Resumed || !c.First || c.LastError != "" {
		t.Errorf("first claim = %+v: want a key, Attempts 1, not Resumed, First", *c)
	}
	if c.ClaimedAt.IsZero() || !c.LeaseUntil.Equal(c.ClaimedAt.Add(live)) {
		t.Errorf("ClaimedAt %v, LeaseUntil %v: want the lease to run an hour from the claim", c.ClaimedAt, c.LeaseUntil)
	}

	// Another owner finds the window held, and until when.
	_, err := ss.ClaimWindow(ctx, sub.ID, end, "worker-b", live)
	if !errors.Is(err, briefing.ErrClaimed) {
		t.Fatalf("ClaimWindow by another owner: err = %v, want ErrClaimed", err)
	}
	var ce *briefing.ClaimedError
	if !errors.As(err, &ce) {
		t.Fatalf("ClaimWindow by another owner: err %v is not a *ClaimedError", err)
	}
	if ce.Owner != "worker-a" || !ce.LeaseUntil.Equal(c.LeaseUntil) {
		t.Errorf("ClaimedError = %+v, want owner worker-a until %v", *ce, c.LeaseUntil)
	}

	// The owner itself resumes: same window, key and end, one more attempt.
	r := claim(t, ss, sub.ID, base.Add(5*hour), "worker-a", live)
	if r.ID != c.ID || r.Key != c.Key || !r.Start.Equal(c.Start) || !r.End.Equal(end) || !r.ClaimedAt.Equal(c.ClaimedAt) {
		t.Errorf("re-claim = %+v, want the same window, key, end and ClaimedAt as %+v", *r, *c)
	}
	if !r.Resumed || r.Attempts != 2 || !r.First {
		t.Errorf("re-claim: Resumed %v, Attempts %d, First %v; want true, 2, true", r.Resumed, r.Attempts, r.First)
	}
	if !watermark(t, ss, sub.ID).Equal(base) {
		t.Errorf("claiming moved the watermark")
	}

	// end must be after the watermark.
	other := addSub(t, ss, newSub(""))
	for _, bad := range []time.Time{base, base.Add(-time.Microsecond), base.Add(-hour)} {
		if _, err := ss.ClaimWindow(ctx, other.ID, bad, "worker-a", live); err == nil || errors.Is(err, briefing.ErrClaimed) {
			t.Errorf("ClaimWindow with end %v <= watermark %v: err = %v, want a refusal", bad, base, err)
		}
	}
	c2 := claim(t, ss, other.ID, base.Add(time.Microsecond), "worker-a", live)
	if c2.Key == c.Key {
		t.Errorf("two windows share the key %q", c.Key)
	}
	if _, err := ss.ClaimWindow(ctx, 1<<40, end, "worker-a", live); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("ClaimWindow of a missing subscription: err = %v, want ErrNotFound", err)
	}
}

func testClaimTakeover(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	sub := addSub(t, ss, newSub(""))
	end := base.Add(2 * hour)
	a := claim(t, ss, sub.ID, end, "worker-a", 0) // ended at once

	b := claim(t, ss, sub.ID, base.Add(4*hour), "worker-b", live)
	if b.ID != a.ID || b.Key != a.Key || !b.End.Equal(end) || !b.Start.Equal(a.Start) || !b.ClaimedAt.Equal(a.ClaimedAt) {
		t.Errorf("takeover = %+v, want the window, key, end and ClaimedAt of %+v", *b, *a)
	}
	if !b.Resumed || b.Attempts != 2 || b.Owner != "worker-b" {
		t.Errorf("takeover: Resumed %v, Attempts %d, Owner %q; want true, 2, worker-b", b.Resumed, b.Attempts, b.Owner)
	}

	// The first owner has lost it.
	if err := ss.ExtendClaim(ctx, a, base.Add(5*hour), live); !errors.Is(err, briefing.ErrClaimLost) {
		t.Errorf("ExtendClaim of a lost claim: err = %v, want ErrClaimLost", err)
	}
	if err := ss.FinishWindow(ctx, a, "m-a", 1); !errors.Is(err, briefing.ErrClaimLost) {
		t.Errorf("FinishWindow of a lost claim: err = %v, want ErrClaimLost", err)
	}
	if !watermark(t, ss, sub.ID).Equal(base) {
		t.Errorf("a lost claim moved the watermark")
	}
	if err := ss.ReleaseClaim(ctx, a, "late"); err != nil {
		t.Errorf("ReleaseClaim of a lost claim: %v, want a no-op", err)
	}
	_, err := ss.ClaimWindow(ctx, sub.ID, end, "worker-c", live)
	var ce *briefing.ClaimedError
	if !errors.As(err, &ce) || ce.Owner != "worker-b" {
		t.Errorf("after the lost owner's release: err = %v, want ClaimedError by worker-b (the release was not a no-op)", err)
	}

	// A release ends the lease at once and records why.
	if err := ss.ReleaseClaim(ctx, b, "slack: 503 Service Unavailable"); err != nil {
		t.Fatalf("ReleaseClaim: %v", err)
	}
	c := claim(t, ss, sub.ID, end, "worker-c", live)
	if !c.Resumed || c.Attempts != 3 || c.Key != a.Key || c.LastError != "slack: 503 Service Unavailable" {
		t.Errorf("claim after release = %+v: want Resumed, Attempts 3, the same key and the release's error", *c)
	}
	// LastError is the previous attempt's: worker-c stopped without a word.
	if err := ss.ExtendClaim(ctx, c, end, 0); err != nil {
		t.Fatalf("ExtendClaim to end the lease: %v", err)
	}
	d := claim(t, ss, sub.ID, end, "worker-d", live)
	if d.Attempts != 4 || d.LastError != "" {
		t.Errorf("takeover of a silent attempt: Attempts %d, LastError %q; want 4, empty", d.Attempts, d.LastError)
	}

	// Finishing by the holder works; the lost claims cannot finish after it.
	finish(t, ss, d, "m-d", 2)
	if !watermark(t, ss, sub.ID).Equal(end) {
		t.Errorf("watermark = %v, want %v", watermark(t, ss, sub.ID), end)
	}
	for _, lost := range []*briefing.Claim{a, b, c} {
		if err := ss.FinishWindow(ctx, lost, "m-late", 1); !errors.Is(err, briefing.ErrClaimLost) {
			t.Errorf("FinishWindow by %s after the window was briefed: err = %v, want ErrClaimLost", lost.Owner, err)
		}
	}
	if !watermark(t, ss, sub.ID).Equal(end) {
		t.Errorf("the watermark moved twice: %v, want %v", watermark(t, ss, sub.ID), end)
	}
	if recs := briefings(t, ss, sub.ID, 10); len(recs) != 1 || recs[0].PostRef != "m-d" {
		t.Errorf("Briefings = %+v, want one record, by worker-d", recs)
	}
}

func testFinishWindow(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	sub := addSub(t, ss, newSub(""))
	c := claim(t, ss, sub.ID, base.Add(hour), "w1", live)

	// ExtendClaim moves the end (later, then earlier) and renews the
	// lease; a zero end keeps it.
	if err := ss.ExtendClaim(ctx, c, base.Add(2*hour), 2*live); err != nil {
		t.Fatalf("ExtendClaim: %v", err)
	}
	if !c.End.Equal(base.Add(2*hour)) || !c.LeaseUntil.After(c.ClaimedAt.Add(live)) {
		t.Errorf("after ExtendClaim: End %v, LeaseUntil %v; want %v and a renewed lease", c.End, c.LeaseUntil, base.Add(2*hour))
	}
	if err := ss.ExtendClaim(ctx, c, base.Add(30*time.Minute), live); err != nil {
		t.Fatalf("ExtendClaim to an earlier end: %v", err)
	}
	if !c.End.Equal(base.Add(30 * time.Minute)) {
		t.Errorf("ExtendClaim to an earlier end left End at %v", c.End)
	}
	if err := ss.ExtendClaim(ctx, c, c.Start, live); err == nil {
		t.Errorf("ExtendClaim to the window's start accepted")
	}
	if err := ss.ExtendClaim(ctx, c, base.Add(2*hour), live); err != nil {
		t.Fatalf("ExtendClaim: %v", err)
	}
	if err := ss.ExtendClaim(ctx, c, time.Time{}, live); err != nil || !c.End.Equal(base.Add(2*hour)) {
		t.Errorf("ExtendClaim with a zero end: End %v, %v; want it kept", c.End, err)
	}
	if r := claim(t, ss, sub.ID, base.Add(hour), "w1", live); !r.End.Equal(base.Add(2 * hour)) {
		t.Errorf("resumed claim has End %v, want the extended %v", r.End, base.Add(2*hour))
	}

	finish(t, ss, c, "1747733415.000100", 7)
	if w := watermark(t, ss, sub.ID); !w.Equal(base.Add(2 * hour)) {
		t.Errorf("watermark after FinishWindow = %v, want %v", w, base.Add(2*hour))
	}
	recs := briefings(t, ss, sub.ID, 10)
	if len(recs) != 1 {
		t.Fatalf("Briefings = %+v, want one", recs)
	}
	r := recs[0]
	if r.ID <= 0 || r.Subscription != sub.ID || !r.Start.Equal(base) || !r.End.Equal(base.Add(2*hour)) ||
		r.Key != c.Key || r.PostRef != "1747733415.000100" || r.Events != 7 || r.PostedAt.IsZero() {
		t.Errorf("record = %+v, want window (%v, %v], key %s, post ref, 7 events, PostedAt", r, base, base.Add(2*hour), c.Key)
	}

	// A finished window cannot be finished, extended or released again.
	if err := ss.FinishWindow(ctx, c, "again", 1); !errors.Is(err, briefing.ErrClaimLost) {
		t.Errorf("second FinishWindow: err = %v, want ErrClaimLost", err)
	}
	if err := ss.ExtendClaim(ctx, c, base.Add(3*hour), live); !errors.Is(err, briefing.ErrClaimLost) {
		t.Errorf("ExtendClaim of a finished window: err = %v, want ErrClaimLost", err)
	}
	if err := ss.ReleaseClaim(ctx, c, "x"); err != nil {
		t.Errorf("ReleaseClaim of a finished window: %v, want a no-op", err)
	}
	if w := watermark(t, ss, sub.ID); !w.Equal(base.Add(2 * hour)) {
		t.Errorf("watermark moved again: %v", w)
	}
	if n := len(briefings(t, ss, sub.ID, 10)); n != 1 {
		t.Errorf("%d records after a refused second finish, want 1", n)
	}

	// The next window starts at the new watermark, with a new key.
	if _, err := ss.ClaimWindow(ctx, sub.ID, base.Add(2*hour), "w1", live); err == nil {
		t.Error("ClaimWindow ending at the new watermark succeeded")
	}
	n := claim(t, ss, sub.ID, base.Add(5*hour), "w2", live)
	if !n.Start.Equal(base.Add(2*hour)) || !n.End.Equal(base.Add(5*hour)) {
		t.Errorf("next window (%v, %v], want (%v, %v]", n.Start, n.End, base.Add(2*hour), base.Add(5*hour))
	}
	if n.Key == c.Key || n.ID == c.ID || n.Resumed || n.Attempts != 1 || n.First || n.LastError != "" {
		t.Errorf("next claim = %+v: want a new window and key, Attempts 1, not Resumed, not First", *n)
	}
	if err := ss.ExtendClaim(ctx, n, base.Add(6*hour), live); err != nil {
		t.Errorf("ExtendClaim of the next window: %v", err)
	}
	finish(t, ss, n, "", 0)
	if w := watermark(t, ss, sub.ID); !w.Equal(base.Add(6 * hour)) {
		t.Errorf("watermark after the quiet window = %v, want %v", w, base.Add(6*hour))
	}
}

func testFirstBriefing(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	sub := addSub(t, ss, newSub(""))
	c := claim(t, ss, sub.ID, base.Add(hour), "w", live)
	if !c.First {
		t.Errorf("first claim: First = false")
	}
	finish(t, ss, c, "", 0) // quiet: nothing posted
	c = claim(t, ss, sub.ID, base.Add(2*hour), "w", live)
	if !c.First {
		t.Errorf("claim after a quiet window with no post: First = false, want true (no posted briefing yet)")
	}
	finish(t, ss, c, "m1", 3)
	c = claim(t, ss, sub.ID, base.Add(3*hour), "w", live)
	if c.First {
		t.Errorf("claim after a posted briefing: First = true")
	}
	// First is per subscription.
	other := addSub(t, ss, newSub(""))
	if c := claim(t, ss, other.ID, base.Add(hour), "w", live); !c.First {
		t.Errorf("another subscription's first claim: First = false")
	}
}

func testBriefings(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	sub := addSub(t, ss, newSub(""))
	other := addSub(t, ss, newSub(""))
	var keys []string
	for i := 1; i <= 3; i++ {
		c := claim(t, ss, sub.ID, base.Add(time.Duration(i)*hour), "w", live)
		finish(t, ss, c, fmt.Sprintf("m%d", i), i)
		keys = append(keys, c.Key)
	}
	claim(t, ss, sub.ID, base.Add(9*hour), "w", live) // unfinished: not a briefing
	finish(t, ss, claim(t, ss, other.ID, base.Add(hour), "w", live), "o1", 1)

	recs := briefings(t, ss, sub.ID, 10)
	if len(recs) != 3 {
		t.Fatalf("Briefings = %+v, want 3", recs)
	}
	for i, r := range recs {
		n := 3 - i
		if r.Key != keys[n-1] || r.PostRef != fmt.Sprintf("m%d", n) || r.Events != n ||
			!r.Start.Equal(base.Add(time.Duration(n-1)*hour)) || !r.End.Equal(base.Add(time.Duration(n)*hour)) {
			t.Errorf("Briefings[%d] = %+v, want window %d (newest first)", i, r, n)
		}
	}
	if recs := briefings(t, ss, sub.ID, 2); len(recs) != 2 || recs[0].PostRef != "m3" || recs[1].PostRef != "m2" {
		t.Errorf("Briefings(limit 2) = %+v, want the two newest", recs)
	}
	if recs := briefings(t, ss, other.ID, 10); len(recs) != 1 || recs[0].PostRef != "o1" {
		t.Errorf("Briefings of the other subscription = %+v", recs)
	}
	if recs := briefings(t, ss, 1<<40, 10); len(recs) != 0 {
		t.Errorf("Briefings of a missing subscription = %+v, want none", recs)
	}
}

func testRemoveWithClaims(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	sub := addSub(t, ss, newSub("config:gone"))
	keep := addSub(t, ss, newSub(""))
	finish(t, ss, claim(t, ss, sub.ID, base.Add(hour), "w", live), "m1", 1)
	finish(t, ss, claim(t, ss, keep.ID, base.Add(hour), "w", live), "k1", 1)
	c := claim(t, ss, sub.ID, base.Add(2*hour), "w", live)
	if err := ss.RemoveSubscription(ctx, sub.ID); err != nil {
		t.Fatalf("RemoveSubscription: %v", err)
	}
	if recs := briefings(t, ss, sub.ID, 10); len(recs) != 0 {
		t.Errorf("records of a removed subscription: %+v", recs)
	}
	if err := ss.FinishWindow(ctx, c, "m2", 1); !errors.Is(err, briefing.ErrClaimLost) {
		t.Errorf("FinishWindow of a removed subscription's claim: err = %v, want ErrClaimLost", err)
	}
	if err := ss.ExtendClaim(ctx, c, base.Add(3*hour), live); !errors.Is(err, briefing.ErrClaimLost) {
		t.Errorf("ExtendClaim of a removed subscription's claim: err = %v, want ErrClaimLost", err)
	}
	if err := ss.ReleaseClaim(ctx, c, "x"); err != nil {
		t.Errorf("ReleaseClaim of a removed subscription's claim: %v, want a no-op", err)
	}
	if _, err := ss.ClaimWindow(ctx, sub.ID, base.Add(3*hour), "w", live); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("ClaimWindow of a removed subscription: err = %v, want ErrNotFound", err)
	}
	if recs := briefings(t, ss, keep.ID, 10); len(recs) != 1 {
		t.Errorf("removing one subscription touched another's records: %+v", recs)
	}
	// A new subscription with the same name starts afresh.
	again := addSub(t, ss, newSub("config:gone"))
	c2 := claim(t, ss, again.ID, base.Add(hour), "w", live)
	if c2.Resumed || c2.Attempts != 1 || !c2.First {
		t.Errorf("claim of a re-added subscription = %+v, want a fresh first window", *c2)
	}
}

func testSubscriptionsReopen(t *testing.T, h *harness) {
	dir := t.TempDir()
	s := h.open(t, dir)
	ss, ok := s.(briefing.SubscriptionStore)
	if !ok {
		s.Close()
		t.Skip("the store does not implement briefing.SubscriptionStore")
	}
	sub := addSub(t, ss, newSub("config:reopen"))
	finish(t, ss, claim(t, ss, sub.ID, base.Add(hour), "w1", live), "m1", 4)
	held := claim(t, ss, sub.ID, base.Add(2*hour), "w1", live)
	if err := ss.ReleaseClaim(ctx, held, "crash soon"); err != nil {
		t.Fatal(err)
	}
	held = claim(t, ss, sub.ID, base.Add(2*hour), "w1", live)
	want := getSub(t, ss, sub.ID)
	wantRecs := briefings(t, ss, sub.ID, 10)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s2 := h.open(t, dir)
	defer s2.Close()
	ss2 := s2.(briefing.SubscriptionStore)
	if d := sameSub(getSub(t, ss2, sub.ID), want); d != "" {
		t.Errorf("subscription changed across reopen: %s", d)
	}
	recs := briefings(t, ss2, sub.ID, 10)
	if len(recs) != len(wantRecs) {
		t.Fatalf("Briefings after reopen = %+v, want %+v", recs, wantRecs)
	}
	for i, r := range recs {
		w := wantRecs[i]
		if r.ID != w.ID || r.Key != w.Key || r.PostRef != w.PostRef || r.Events != w.Events ||
			!r.Start.Equal(w.Start) || !r.End.Equal(w.End) || !r.PostedAt.Equal(w.PostedAt) {
			t.Errorf("record changed across reopen: %+v, want %+v", r, w)
		}
	}
	// The live claim survives: another worker waits, its owner resumes.
	_, err := ss2.ClaimWindow(ctx, sub.ID, base.Add(2*hour), "w2", live)
	var ce *briefing.ClaimedError
	if !errors.As(err, &ce) || ce.Owner != "w1" || !ce.LeaseUntil.Equal(held.LeaseUntil) {
		t.Errorf("claim by another worker after reopen: err = %v, want ClaimedError by w1 until %v", err, held.LeaseUntil)
	}
	r := claim(t, ss2, sub.ID, base.Add(3*hour), "w1", live)
	if r.Key != held.Key || r.Attempts != 3 || !r.Resumed || !r.End.Equal(base.Add(2*hour)) || r.First {
		t.Errorf("resumed claim after reopen = %+v, want key %s, Attempts 3, Resumed, End %v, not First", *r, held.Key, base.Add(2*hour))
	}
	finish(t, ss2, r, "m2", 1)
	if w := watermark(t, ss2, sub.ID); !w.Equal(base.Add(2 * hour)) {
		t.Errorf("watermark = %v, want %v", w, base.Add(2*hour))
	}
}

func testSubscriptionHostileText(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	for i, text := range hostile {
		sub := newSub(text)
		sub.Query = text
		sub.Dest.Channel = text
		sub.CreatedBy = text
		sub.Schedule = fmt.Sprintf("%d %s", i, text)
		addSub(t, ss, sub)
		if d := sameSub(getSub(t, ss, sub.ID), sub); d != "" {
			t.Errorf("hostile text %d did not round-trip: %s", i, d)
		}
		c := claim(t, ss, sub.ID, base.Add(hour), text, live)
		if _, err := ss.ClaimWindow(ctx, sub.ID, base.Add(hour), text+"x", live); !errors.Is(err, briefing.ErrClaimed) {
			t.Errorf("hostile owner %d: another owner's claim: err = %v, want ErrClaimed", i, err)
		}
		if err := ss.ReleaseClaim(ctx, c, text); err != nil {
			t.Errorf("ReleaseClaim with hostile text %d: %v", i, err)
		}
		c = claim(t, ss, sub.ID, base.Add(hour), text, live)
		if c.LastError != text {
			t.Errorf("hostile error message %d came back as %q", i, c.LastError)
		}
		finish(t, ss, c, text, 1)
		if recs := briefings(t, ss, sub.ID, 1); len(recs) != 1 || recs[0].PostRef != text {
			t.Errorf("hostile post ref %d did not round-trip: %+v", i, recs)
		}
	}
	p := newSub(hostile[2])
	p.Query = "changed"
	if err := ss.PutNamedSubscription(ctx, p); err != nil {
		t.Fatalf("PutNamedSubscription(%q): %v", hostile[2], err)
	}
	if g := getSub(t, ss, p.ID); g.Name != hostile[2] || g.Query != "changed" {
		t.Errorf("PutNamedSubscription of a hostile name: %+v", *g)
	}
	if n := len(listSubs(t, ss)); n != len(hostile) {
		t.Errorf("%d subscriptions, want %d", n, len(hostile))
	}

	spoilers := map[string]func(s *briefing.Subscription){
		"invalid UTF-8 name":    func(s *briefing.Subscription) { s.Name = "bad \xff name" },
		"NUL in name":           func(s *briefing.Subscription) { s.Name = "nul\x00name" },
		"invalid UTF-8 query":   func(s *briefing.Subscription) { s.Query = "cease\xc3\x28fire" },
		"NUL in query":          func(s *briefing.Subscription) { s.Query = "a\x00b" },
		"invalid UTF-8 channel": func(s *briefing.Subscription) { s.Dest.Channel = "C\xff" },
		"NUL in schedule":       func(s *briefing.Subscription) { s.Schedule = "0 7 * * *\x00" },
	}
	for name, spoil := range spoilers {
		sub := newSub("config:spoiled")
		spoil(sub)
		if err := ss.AddSubscription(ctx, sub); err == nil {
			t.Errorf("AddSubscription with %s succeeded", name)
		}
		sub = newSub("config:spoiled")
		spoil(sub)
		if sub.Name == "config:spoiled" {
			if err := ss.PutNamedSubscription(ctx, sub); err == nil {
				t.Errorf("PutNamedSubscription with %s succeeded", name)
			}
		}
	}
	if n := len(listSubs(t, ss)); n != len(hostile) {
		t.Errorf("%d subscriptions after refused ones, want %d", n, len(hostile))
	}
	sub := addSub(t, ss, newSub(""))
	if _, err := ss.ClaimWindow(ctx, sub.ID, base.Add(hour), "bad\xffowner", live); err == nil {
		t.Error("ClaimWindow with an owner that is not UTF-8 succeeded")
	}
}

func testClaimConcurrent(t *testing.T, h *harness) {
	ss, _ := subStore(t, h)
	const workers, subs = 8, 3
	ids := make([]int64, subs)
	for i := range ids {
		ids[i] = addSub(t, ss, newSub("")).ID
	}
	type result struct {
		sub int
		c   *briefing.Claim
		err error
	}
	results := make(chan result, workers*subs)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range subs {
				sub := (i + w) % subs
				c, err := ss.ClaimWindow(ctx, ids[sub], base.Add(hour), fmt.Sprintf("worker-%d", w), live)
				results <- result{sub, c, err}
			}
		}()
	}
	wg.Wait()
	close(results)
	won := make([][]*briefing.Claim, subs)
	for r := range results {
		switch {
		case r.err == nil:
			won[r.sub] = append(won[r.sub], r.c)
		case !errors.Is(r.err, briefing.ErrClaimed):
			t.Errorf("subscription %d: err = %v, want ErrClaimed for the losers", r.sub, r.err)
		}
	}
	for i, cs := range won {
		if len(cs) != 1 {
			t.Errorf("subscription %d: %d workers won the window, want exactly one", i, len(cs))
			continue
		}
		if cs[0].Attempts != 1 || cs[0].Resumed {
			t.Errorf("subscription %d: winning claim %+v, want a first attempt", i, *cs[0])
		}
	}

	// Racing finishers of one window after a takeover: exactly one records it.
	sub := addSub(t, ss, newSub(""))
	lost := claim(t, ss, sub.ID, base.Add(hour), "old", 0)
	held := claim(t, ss, sub.ID, base.Add(hour), "new", live)
	errs := make(chan error, 2*workers)
	for range workers {
		wg.Add(2)
		go func() { defer wg.Done(); errs <- ss.FinishWindow(ctx, lost, "m-old", 1) }()
		go func() { defer wg.Done(); errs <- ss.FinishWindow(ctx, held, "m-new", 1) }()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, briefing.ErrClaimLost):
			t.Errorf("racing FinishWindow: err = %v, want ErrClaimLost for the losers", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d FinishWindow calls succeeded, want exactly one", ok)
	}
	if recs := briefings(t, ss, sub.ID, 10); len(recs) != 1 || recs[0].PostRef != "m-new" {
		t.Errorf("Briefings = %+v, want one, by the holder", recs)
	}
}

// seenFixture ingests events first seen around base and returns them by
// name. The event dates run against the first-seen order, so that a
// result in date order would fail.
func seenFixture(t *testing.T, s briefing.Store) map[string]*briefing.Event {
	t.Helper()
	mk := func(summary string, date briefing.EventDate, actors, topics []string, first time.Time) *briefing.Event {
		ev := event(summary, date, actors, topics, "AP")
		ev.FirstSeen = first
		return ev
	}
	fx := map[string]*briefing.Event{
		"before":    mk("Ceasefire proposal circulated.", day(2025, 5, 19), []string{"putin"}, []string{"ceasefire"}, base.Add(-2*hour)),
		"atFrom":    mk("Ceasefire envoys met at dawn.", day(2025, 5, 18), []string{"putin"}, []string{"ceasefire"}, base.Add(-hour)),
		"justIn":    mk("Kalomir talks opened in Istanbul.", day(2025, 5, 20), []string{"zelensky"}, []string{"talks"}, base.Add(-hour+time.Microsecond)),
		"tieA":      mk("Ceasefire line was mapped.", day(2025, 5, 10), []string{"putin", "zelensky"}, []string{"ceasefire"}, base.Add(-30*time.Minute)),
		"tieB":      mk("A prisoner exchange was completed.", day(2025, 4, 1), nil, []string{"prisoners"}, base.Add(-30*time.Minute)),
		"atTo":      mk("Truce monitors arrived.", rangeDate(2025, 5, 1, 2025, 5, 31), nil, []string{"ceasefire"}, base),
		"justOut":   mk("Ceasefire collapsed.", day(2025, 5, 20), []string{"putin"}, []string{"ceasefire"}, base.Add(time.Microsecond)),
		"longAfter": mk("Kalomir summit ended.", day(2025, 5, 21), nil, []string{"talks"}, base.Add(5*hour)),
	}
	// Ingested out of first-seen order, in several articles; tieA before
	// tieB so that IDs break their tie.
	order := [][]string{{"atTo", "justOut"}, {"tieA", "tieB"}, {"before", "longAfter"}, {"justIn", "atFrom"}}
	for _, names := range order {
		var evs []*briefing.Event
		for _, n := range names {
			evs = append(evs, fx[n])
		}
		ingest(t, s, evs...)
	}
	return fx
}

func seen(t *testing.T, ss briefing.SubscriptionStore, query string, from, to time.Time, limit int) ([]*briefing.Event, bool) {
	t.Helper()
	var q briefing.Query // "": every development
	if query != "" {
		var err error
		if q, err = briefing.ParseQuery(query); err != nil {
			t.Fatalf("ParseQuery(%q): %v", query, err)
		}
	}
	evs, more, err := ss.SeenBetween(ctx, q, from, to, limit)
	if err != nil {
		t.Fatalf("SeenBetween(%q, %v, %v, %d): %v", query, from, to, limit, err)
	}
	return evs, more
}

func fxIDs(fx map[string]*briefing.Event, names ...string) []int64 {
	out := make([]int64, 0, len(names))
	for _, n := range names {
		out = append(out, fx[n].ID)
	}
	return out
}

func testSeenBetween(t *testing.T, h *harness) {
	ss, s := subStore(t, h)
	fx := seenFixture(t, s)
	from, to := base.Add(-hour), base
	window := []string{"justIn", "tieA", "tieB", "atTo"}

	evs, more := seen(t, ss, "", from, to, 100)
	wantIDs(t, "window (from, to]", eventIDs(evs), fxIDs(fx, window...))
	if more {
		t.Error("More = true with every match returned")
	}
	byID := map[int64]*briefing.Event{}
	for _, ev := range fx {
		byID[ev.ID] = ev
	}
	for _, ev := range evs {
		if d := sameEvent(ev, byID[ev.ID]); d != "" {
			t.Errorf("SeenBetween event %d differs from what was ingested (citations included): %s", ev.ID, d)
		}
	}

	for _, c := range []struct {
		limit int
		want  []string
		more  bool
	}{
		{1, window[:1], true},
		{2, window[:2], true},
		{3, window[:3], true},
		{4, window, false},
		{5, window, false},
		{0, window, false}, // the store's default cap
		{-1, window, false},
	} {
		evs, more := seen(t, ss, "", from, to, c.limit)
		wantIDs(t, fmt.Sprintf("limit %d", c.limit), eventIDs(evs), fxIDs(fx, c.want...))
		if more != c.more {
			t.Errorf("limit %d: More = %v, want %v", c.limit, more, c.more)
		}
	}

	// Bounds: from is exclusive, to inclusive, to the microsecond.
	for _, c := range []struct {
		from, to time.Time
		want     []string
	}{
		{from.Add(-time.Microsecond), to, append([]string{"atFrom"}, window...)},
		{from, to.Add(time.Microsecond), append(slices.Clone(window), "justOut")},
		{from.Add(time.Microsecond), to.Add(-time.Microsecond), []string{"tieA", "tieB"}},
		{base.Add(-30 * time.Minute), base.Add(-30 * time.Minute), nil},
		{to, from, nil},
		{base.Add(-3 * hour), base.Add(10 * hour), []string{"before", "atFrom", "justIn", "tieA", "tieB", "atTo", "justOut", "longAfter"}},
		{base.Add(10 * hour), base.Add(20 * hour), nil},
	} {
		evs, more := seen(t, ss, "", c.from, c.to, 100)
		what := fmt.Sprintf("window (%s, %s]", c.from.Format(time.RFC3339Nano), c.to.Format(time.RFC3339Nano))
		if len(evs) != 0 || len(c.want) != 0 {
			wantIDs(t, what, eventIDs(evs), fxIDs(fx, c.want...))
		}
		if more {
			t.Errorf("%s: More = true", what)
		}
	}

	// Times in another zone mean the same instants.
	kyiv := time.FixedZone("EEST", 3*60*60)
	evs, _ = seen(t, ss, "", from.In(kyiv), to.In(kyiv), 100)
	wantIDs(t, "window given in another zone", eventIDs(evs), fxIDs(fx, window...))

	// A later merge keeps an event's first-seen time: it is not new again.
	merge := &briefing.Ingestion{Article: article("Reuters"), Merges: []briefing.Merge{{
		EventID: fx["before"].ID, Citation: briefing.Citation{Source: "Reuters", Sentence: "A proposal circulated."},
	}}}
	if err := s.Ingest(ctx, merge); err != nil {
		t.Fatalf("Ingest merge: %v", err)
	}
	evs, _ = seen(t, ss, "", from, to, 100)
	wantIDs(t, "window after a merge into an older event", eventIDs(evs), fxIDs(fx, window...))
	evs, _ = seen(t, ss, "", base.Add(-3*hour), base.Add(-90*time.Minute), 100)
	if len(evs) != 1 || evs[0].ID != fx["before"].ID || len(evs[0].Citations) != 2 {
		t.Errorf("merged event in its own window: %d events, want it with 2 citations", len(evs))
	}
}

func testSeenBetweenQuery(t *testing.T, h *harness) {
	ss, s := subStore(t, h)
	fx := seenFixture(t, s)
	from, to := base.Add(-3*hour), base.Add(10*hour)
	cases := []struct {
		query string
		want  []string
	}{
		{"ceasefire", []string{"before", "atFrom", "tieA", "atTo", "justOut"}}, // "truce" too
		{"cease-fire", []string{"before", "atFrom", "tieA", "atTo", "justOut"}},
		{`"prisoner exchange"`, []string{"tieB"}},
		{"kalomir", []string{"justIn", "longAfter"}},
		{"kalomir istanbul", []string{"justIn"}},
		{"topic:talks", []string{"justIn", "longAfter"}},
		{"actor:putin", []string{"before", "atFrom", "tieA", "justOut"}},
		{"ceasefire actor:zelensky", []string{"tieA"}},
		{"since:2025-05-20", []string{"justIn", "atTo", "justOut", "longAfter"}},
		{"until:2025-05-10", []string{"tieA", "tieB", "atTo"}},
		{"since:2025-05-18 until:2025-05-19", []string{"before", "atFrom", "atTo"}},
		{"ceasefire since:2025-05-19 until:2025-05-20", []string{"before", "atTo", "justOut"}},
		{"zenquin", nil},
	}
	for _, c := range cases {
		evs, more := seen(t, ss, c.query, from, to, 100)
		if len(evs) != 0 || len(c.want) != 0 {
			wantIDs(t, c.query, eventIDs(evs), fxIDs(fx, c.want...))
		}
		if more {
			t.Errorf("%s: More = true", c.query)
		}
	}
	// Window and query together, with a limit.
	evs, more := seen(t, ss, "ceasefire", base.Add(-hour), base, 1)
	wantIDs(t, "ceasefire in (base-1h, base], limit 1", eventIDs(evs), fxIDs(fx, "tieA"))
	if !more {
		t.Error("ceasefire in (base-1h, base], limit 1: More = false, want true")
	}
	evs, more = seen(t, ss, "ceasefire", base.Add(-hour), base, 2)
	wantIDs(t, "ceasefire in (base-1h, base], limit 2", eventIDs(evs), fxIDs(fx, "tieA", "atTo"))
	if more {
		t.Error("ceasefire in (base-1h, base], limit 2: More = true, want false")
	}
	// Limit, Offset, Dates and Lines of the query are ignored.
	q, _ := briefing.ParseQuery("ceasefire")
	q.Limit, q.Offset, q.Dates, q.Lines = 1, 3, 2, 1
	evs, _, err := ss.SeenBetween(ctx, q, from, to, 100)
	if err != nil {
		t.Fatalf("SeenBetween: %v", err)
	}
	if len(evs) != 5 {
		t.Errorf("a query's Limit and Offset changed SeenBetween: %d events, want 5", len(evs))
	}

	// Hostile queries match nothing or something, and never break.
	for _, text := range append(slices.Clone(hostile), `"`, "kalomir*", "NOT kalomir", "actor:x\"y", "{text}: kalomir", "rowid:1") {
		q, err := briefing.ParseQuery(text)
		if err != nil {
			continue
		}
		if _, _, err := ss.SeenBetween(ctx, q, from, to, 10); err != nil {
			t.Errorf("SeenBetween(%q): %v", text, err)
		}
	}
	odd := []briefing.Query{
		{Phrases: [][]string{{`a"b`}}},
		{Phrases: [][]string{{"near", "("}, {"*"}}},
		{Phrases: [][]string{{""}}},
		{Actors: []string{`x" OR "y`}, Topics: []string{"NOT"}},
		{Since: briefing.Day(-1 << 30), Until: briefing.Day(1 << 30)},
	}
	for _, q := range odd {
		if _, _, err := ss.SeenBetween(ctx, q, from, to, 10); err != nil {
			t.Errorf("SeenBetween(%+v): %v", q, err)
		}
	}
	backwards := briefing.Query{Since: briefing.Date(2025, 6, 1), Until: briefing.Date(2025, 5, 1)}
	if evs, more, err := ss.SeenBetween(ctx, backwards, from, to, 10); err != nil || len(evs) != 0 || more {
		t.Errorf("SeenBetween with until before since: %d events, More %v, %v; want none", len(evs), more, err)
	}
	for _, q := range []briefing.Query{
		{Phrases: [][]string{{"bad\xff"}}},
		{Actors: []string{"nul\x00"}},
		{Topics: []string{"\xc3\x28"}},
	} {
		if _, _, err := ss.SeenBetween(ctx, q, from, to, 10); err == nil {
			t.Errorf("SeenBetween(%q) with text that is not storable succeeded", fmt.Sprint(q.Phrases, q.Actors, q.Topics))
		}
	}
}
