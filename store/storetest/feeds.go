package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// The contract of briefing.FeedStore. Beyond its documentation the suite
// expects that a store
//   - refuses an empty feed URL, and text that is not valid UTF-8 or holds a
//     NUL byte in a feed's own fields and an item's key and hash;
//   - stores a feed's State as AddFeed is given it, and keeps Interval and
//     every time to the microsecond;
//   - returns ErrNotFound from PutFeedItem for a feed that does not exist;
//   - has RetractArticle delete the item records naming the article (the
//     poller sees such an item as new), lower the Sources counts by the
//     article and by each removed citation's source, as Ingest raised
//     them, and stop listing a source left with neither.

// feedTests are run by Run.
var feedTests = []struct {
	name string
	fn   func(t *testing.T, h *harness)
}{
	{"FeedCRUD", testFeedCRUD},
	{"FeedState", testFeedState},
	{"FeedItems", testFeedItems},
	{"RetractArticle", testRetractArticle},
	{"RetractMovedEvent", testRetractMovedEvent},
	{"RetractThenIngest", testRetractThenIngest},
	{"FeedsReopen", testFeedsReopen},
	{"FeedHostileText", testFeedHostileText},
}

// feedStore opens a fresh store, or skips the test when it does not keep
// feeds.
func feedStore(t *testing.T, h *harness) (briefing.FeedStore, briefing.Store) {
	t.Helper()
	s := h.store(t)
	fs, ok := s.(briefing.FeedStore)
	if !ok {
		t.Skip("the store does not implement briefing.FeedStore")
	}
	return fs, s
}

// newFeed returns an unsaved feed at url, created at a fixed time.
func newFeed(url string) *briefing.Feed {
	return &briefing.Feed{
		URL:       url,
		Title:     "Kalomir Herald",
		Source:    "Herald",
		Topics:    []string{"ceasefire", "talks"},
		Interval:  10*time.Minute + 1500*time.Microsecond,
		FullText:  true,
		Origin:    "chat",
		CreatedBy: "U042",
		CreatedAt: base.Add(-24 * hour),
	}
}

// fullState is a FeedState with every field set; times are given in
// another zone than UTC and must come back equal.
func fullState() briefing.FeedState {
	kyiv := time.FixedZone("EEST", 3*60*60)
	return briefing.FeedState{
		ETag:         `W/"5f3a-1c"`,
		LastModified: "Tue, 20 May 2025 09:30:15 GMT",
		LastPoll:     base.Add(7 * time.Microsecond).In(kyiv),
		LastSuccess:  base.Add(-hour).In(kyiv),
		LastError:    "HTTP 503: Service Unavailable",
		Failures:     3,
		Items:        1234,
		NextPoll:     base.Add(10*time.Minute + 999*time.Microsecond).In(kyiv),
		Reported:     true,
	}
}

func addFeed(t *testing.T, fs briefing.FeedStore, f *briefing.Feed) *briefing.Feed {
	t.Helper()
	if err := fs.AddFeed(ctx, f); err != nil {
		t.Fatalf("AddFeed(%q): %v", f.URL, err)
	}
	if f.ID <= 0 {
		t.Fatalf("AddFeed set ID %d, want > 0", f.ID)
	}
	return f
}

func getFeed(t *testing.T, fs briefing.FeedStore, id int64) *briefing.Feed {
	t.Helper()
	f, err := fs.Feed(ctx, id)
	if err != nil {
		t.Fatalf("Feed(%d): %v", id, err)
	}
	return f
}

func listFeeds(t *testing.T, fs briefing.FeedStore) []*briefing.Feed {
	t.Helper()
	fds, err := fs.Feeds(ctx)
	if err != nil {
		t.Fatalf("Feeds: %v", err)
	}
	return fds
}

func feedIDs(fds []*briefing.Feed) []int64 {
	out := make([]int64, len(fds))
	for i, f := range fds {
		out[i] = f.ID
	}
	return out
}

// sameFeed reports how got differs from want, or "" when they are equal.
func sameFeed(got, want *briefing.Feed) string {
	var d []string
	if got.ID != want.ID || got.URL != want.URL || got.Title != want.Title || got.Source != want.Source ||
		!slices.Equal(got.Topics, want.Topics) || got.Interval != want.Interval || got.FullText != want.FullText ||
		got.Origin != want.Origin || got.CreatedBy != want.CreatedBy {
		d = append(d, fmt.Sprintf("got %+v, want %+v", *got, *want))
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		d = append(d, fmt.Sprintf("CreatedAt %v, want %v", got.CreatedAt, want.CreatedAt))
	}
	if s := sameState(got.State, want.State); s != "" {
		d = append(d, s)
	}
	return strings.Join(d, "; ")
}

// sameState reports how got differs from want, or "" when they are equal.
func sameState(got, want briefing.FeedState) string {
	var d []string
	if got.ETag != want.ETag || got.LastModified != want.LastModified || got.LastError != want.LastError ||
		got.Failures != want.Failures || got.Items != want.Items || got.Reported != want.Reported {
		d = append(d, fmt.Sprintf("state %+v, want %+v", got, want))
	}
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{{"LastPoll", got.LastPoll, want.LastPoll}, {"LastSuccess", got.LastSuccess, want.LastSuccess}, {"NextPoll", got.NextPoll, want.NextPoll}} {
		if !c.got.Equal(c.want) {
			d = append(d, fmt.Sprintf("%s %v, want %v", c.name, c.got, c.want))
		}
	}
	return strings.Join(d, "; ")
}

func getItem(t *testing.T, fs briefing.FeedStore, feed int64, key string) *briefing.FeedItem {
	t.Helper()
	it, err := fs.FeedItem(ctx, feed, key)
	if err != nil {
		t.Fatalf("FeedItem(%d, %q): %v", feed, key, err)
	}
	return it
}

func putItem(t *testing.T, fs briefing.FeedStore, it *briefing.FeedItem) {
	t.Helper()
	if err := fs.PutFeedItem(ctx, it); err != nil {
		t.Fatalf("PutFeedItem(%d, %q): %v", it.Feed, it.Key, err)
	}
}

// sameItem reports how got differs from want, or "" when they are equal.
func sameItem(got, want *briefing.FeedItem) string {
	if got.Feed != want.Feed || got.Key != want.Key || got.Hash != want.Hash || got.ArticleID != want.ArticleID ||
		!got.SeenAt.Equal(want.SeenAt) {
		return fmt.Sprintf("got %+v, want %+v", *got, *want)
	}
	return ""
}

func wantNoItem(t *testing.T, fs briefing.FeedStore, feed int64, key, why string) {
	t.Helper()
	if it, err := fs.FeedItem(ctx, feed, key); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("%s: FeedItem(%d, %q) = %+v, %v; want ErrNotFound", why, feed, key, it, err)
	}
}

func testFeedCRUD(t *testing.T, h *harness) {
	fs, _ := feedStore(t, h)
	a := addFeed(t, fs, newFeed("https://herald.example/feed.xml"))
	b := newFeed("https://wire.example/atom")
	b.Topics, b.FullText, b.Origin, b.Title, b.Source = nil, false, "config", "", ""
	b.CreatedAt = base.Add(-48*hour + 123*time.Microsecond)
	addFeed(t, fs, b)
	if a.ID == b.ID {
		t.Errorf("two feeds got ID %d", a.ID)
	}
	for _, want := range []*briefing.Feed{a, b} {
		if d := sameFeed(getFeed(t, fs, want.ID), want); d != "" {
			t.Errorf("Feed(%d) differs from what was added: %s", want.ID, d)
		}
	}

	// A zero CreatedAt is the store's clock.
	before := time.Now().Add(-time.Second)
	c := newFeed("https://third.example/feed.json")
	c.CreatedAt = time.Time{}
	addFeed(t, fs, c)
	if c.CreatedAt.Before(before) || c.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedAt of a feed without one = %v, want the current time", c.CreatedAt)
	}
	if g := getFeed(t, fs, c.ID); !g.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("stored CreatedAt %v; AddFeed reported %v", g.CreatedAt, c.CreatedAt)
	}
	want := []int64{a.ID, b.ID, c.ID}
	slices.Sort(want)
	if got := feedIDs(listFeeds(t, fs)); !slices.Equal(got, want) {
		t.Errorf("Feeds = %v, want %v by ID", got, want)
	}

	// A URL added already is refused, whatever else differs.
	dup := newFeed(a.URL)
	dup.Title, dup.Origin = "Another name", "cli"
	if err := fs.AddFeed(ctx, dup); !errors.Is(err, briefing.ErrExists) {
		t.Errorf("AddFeed of a URL added already: err = %v, want ErrExists", err)
	}
	if n := len(listFeeds(t, fs)); n != 3 {
		t.Errorf("%d feeds after a refused duplicate, want 3", n)
	}
	if err := fs.AddFeed(ctx, newFeed("")); err == nil {
		t.Error("AddFeed without a URL succeeded")
	}

	if err := fs.RemoveFeed(ctx, a.ID); err != nil {
		t.Fatalf("RemoveFeed: %v", err)
	}
	if _, err := fs.Feed(ctx, a.ID); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("Feed of a removed one: err = %v, want ErrNotFound", err)
	}
	if err := fs.RemoveFeed(ctx, a.ID); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("RemoveFeed twice: err = %v, want ErrNotFound", err)
	}
	for _, id := range []int64{0, -1, 1 << 40} {
		if _, err := fs.Feed(ctx, id); !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("Feed(%d): err = %v, want ErrNotFound", id, err)
		}
		if err := fs.RemoveFeed(ctx, id); !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("RemoveFeed(%d): err = %v, want ErrNotFound", id, err)
		}
	}
	if got := feedIDs(listFeeds(t, fs)); slices.Contains(got, a.ID) || len(got) != 2 {
		t.Errorf("Feeds after removal = %v, want %v without %d", got, want, a.ID)
	}
	// The URL is free again, under a new ID.
	again := addFeed(t, fs, newFeed(a.URL))
	if again.ID == a.ID {
		t.Errorf("a feed added again got the removed feed's ID %d", a.ID)
	}
}

func testFeedState(t *testing.T, h *harness) {
	fs, _ := feedStore(t, h)
	f := addFeed(t, fs, newFeed("https://herald.example/feed.xml"))
	if d := sameState(getFeed(t, fs, f.ID).State, briefing.FeedState{}); d != "" {
		t.Errorf("state of a new feed: %s", d)
	}
	st := fullState()
	if err := fs.SetFeedState(ctx, f.ID, st); err != nil {
		t.Fatalf("SetFeedState: %v", err)
	}
	got := getFeed(t, fs, f.ID)
	want := *f
	want.State = st
	if d := sameFeed(got, &want); d != "" {
		t.Errorf("after SetFeedState: %s", d)
	}
	// A success clears the error, the failures and the report.
	st = briefing.FeedState{ETag: `"v2"`, LastPoll: base.Add(hour), LastSuccess: base.Add(hour), Items: 1240, NextPoll: base.Add(hour + 10*time.Minute)}
	if err := fs.SetFeedState(ctx, f.ID, st); err != nil {
		t.Fatalf("SetFeedState: %v", err)
	}
	if d := sameState(getFeed(t, fs, f.ID).State, st); d != "" {
		t.Errorf("state replaced: %s", d)
	}
	// Feeds reads the state as Feed does.
	if fds := listFeeds(t, fs); len(fds) != 1 || sameState(fds[0].State, st) != "" {
		t.Errorf("Feeds = %+v, want the feed with state %+v", fds, st)
	}
	// AddFeed keeps a state it is given.
	g := newFeed("https://wire.example/atom")
	g.State = fullState()
	addFeed(t, fs, g)
	if d := sameFeed(getFeed(t, fs, g.ID), g); d != "" {
		t.Errorf("feed added with a state: %s", d)
	}

	if err := fs.RemoveFeed(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := fs.SetFeedState(ctx, f.ID, fullState()); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("SetFeedState of a removed feed: err = %v, want ErrNotFound", err)
	}
	if err := fs.SetFeedState(ctx, 1<<40, fullState()); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("SetFeedState of a feed never added: err = %v, want ErrNotFound", err)
	}
	if d := sameFeed(getFeed(t, fs, g.ID), g); d != "" {
		t.Errorf("another feed changed: %s", d)
	}
}

func testFeedItems(t *testing.T, h *harness) {
	fs, s := feedStore(t, h)
	f := addFeed(t, fs, newFeed("https://herald.example/feed.xml"))
	g := addFeed(t, fs, newFeed("https://wire.example/atom"))
	wantNoItem(t, fs, f.ID, "guid:1", "no item put yet")

	in := &briefing.Ingestion{Article: article("Herald"), New: []*briefing.Event{event("Kalomir summit opened.", day(2025, 5, 1), nil, nil, "Herald")}}
	if err := s.Ingest(ctx, in); err != nil {
		t.Fatal(err)
	}
	it := &briefing.FeedItem{Feed: f.ID, Key: "guid:1", Hash: in.Article.Hash, ArticleID: in.Article.ID, SeenAt: base.Add(3 * time.Microsecond)}
	putItem(t, fs, it)
	if d := sameItem(getItem(t, fs, f.ID, "guid:1"), it); d != "" {
		t.Errorf("FeedItem differs from what was put: %s", d)
	}
	// The same key in another feed is another item.
	wantNoItem(t, fs, g.ID, "guid:1", "other feed")
	other := &briefing.FeedItem{Feed: g.ID, Key: "guid:1", Hash: "elsewhere", SeenAt: base}
	putItem(t, fs, other)

	// Replaced: an updated item names its new article.
	upd := &briefing.FeedItem{Feed: f.ID, Key: "guid:1", Hash: "new hash", ArticleID: in.Article.ID + 1000, SeenAt: base.Add(hour)}
	putItem(t, fs, upd)
	if d := sameItem(getItem(t, fs, f.ID, "guid:1"), upd); d != "" {
		t.Errorf("FeedItem after replacement: %s", d)
	}
	if d := sameItem(getItem(t, fs, g.ID, "guid:1"), other); d != "" {
		t.Errorf("the other feed's item changed: %s", d)
	}
	// A zero SeenAt is the store's clock.
	before := time.Now().Add(-time.Second)
	link := &briefing.FeedItem{Feed: f.ID, Key: "link:https://herald.example/2", Hash: "h2"}
	putItem(t, fs, link)
	if link.SeenAt.Before(before) || link.SeenAt.After(time.Now().Add(time.Second)) {
		t.Errorf("SeenAt of an item without one = %v, want the current time", link.SeenAt)
	}
	if got := getItem(t, fs, f.ID, link.Key); !got.SeenAt.Equal(link.SeenAt) {
		t.Errorf("stored SeenAt %v; PutFeedItem reported %v", got.SeenAt, link.SeenAt)
	}
	if err := fs.PutFeedItem(ctx, &briefing.FeedItem{Feed: 1 << 40, Key: "guid:1", Hash: "h"}); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("PutFeedItem for a feed never added: err = %v, want ErrNotFound", err)
	}

	// Removing a feed removes its items, not the articles they name.
	if err := fs.RemoveFeed(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	wantNoItem(t, fs, f.ID, "guid:1", "removed feed")
	wantNoItem(t, fs, f.ID, link.Key, "removed feed")
	if err := fs.PutFeedItem(ctx, &briefing.FeedItem{Feed: f.ID, Key: "guid:2", Hash: "h"}); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("PutFeedItem for a removed feed: err = %v, want ErrNotFound", err)
	}
	if _, err := s.ArticleByHash(ctx, in.Article.Hash); err != nil {
		t.Errorf("the article of a removed feed's item: %v", err)
	}
	if d := sameItem(getItem(t, fs, g.ID, "guid:1"), other); d != "" {
		t.Errorf("the other feed's item after removal: %s", d)
	}
	// Added again, the URL starts without items.
	f2 := addFeed(t, fs, newFeed(f.URL))
	wantNoItem(t, fs, f2.ID, "guid:1", "feed added again")
}

// sourceStat returns the Sources entry of name.
func sourceStat(t *testing.T, s briefing.Store, name string) (briefing.SourceStat, bool) {
	t.Helper()
	all, err := s.Sources(ctx)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	for _, st := range all {
		if st.Source == name {
			return st, true
		}
	}
	return briefing.SourceStat{}, false
}

func wantSource(t *testing.T, s briefing.Store, name string, articles, citations int) {
	t.Helper()
	st, ok := sourceStat(t, s, name)
	if !ok {
		t.Errorf("Sources does not list %s; want %d articles, %d citations", name, articles, citations)
		return
	}
	if st.Articles != articles || st.Citations != citations {
		t.Errorf("Sources: %s has %d articles, %d citations; want %d, %d", name, st.Articles, st.Citations, articles, citations)
	}
}

func wantGone(t *testing.T, s briefing.Store, id int64, why string) {
	t.Helper()
	if ev, err := s.Event(ctx, id); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("%s: Event(%d) = %+v, %v; want ErrNotFound", why, id, ev, err)
	}
}

func testRetractArticle(t *testing.T, h *harness) {
	fs, s := feedStore(t, h)
	// A creates three events; B (Reuters, with a BBC quote) merges into
	// the summit; C is cited by another article.
	only := event("Zenquin treaty signed in Kalomir.", day(2025, 4, 30), []string{"zenquin"}, []string{"treaty"}, "AP")
	span := event("Veltrana talks ran for weeks.", rangeDate(2025, 4, 20, 2025, 5, 20), nil, nil, "AP")
	shared := event("Kalomir summit opened.", day(2025, 5, 1), []string{"kalomir"}, nil, "AP")
	a := &briefing.Ingestion{Article: article("AP"), New: []*briefing.Event{only, span, shared}}
	if err := s.Ingest(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := &briefing.Ingestion{Article: article("Reuters"), Merges: []briefing.Merge{
		{EventID: shared.ID, Citation: briefing.Citation{Source: "Reuters", Sentence: "The Kalomir summit opened."}},
		{EventID: shared.ID, Citation: briefing.Citation{Source: "BBC", Sentence: "Kalomir opened its summit."}},
	}}
	if err := s.Ingest(ctx, b); err != nil {
		t.Fatal(err)
	}
	c := ingest(t, s, event("Harvest began early near Kalomir.", day(2025, 5, 3), nil, nil, "AP"))
	f := addFeed(t, fs, newFeed("https://ap.example/feed.xml"))
	putItem(t, fs, &briefing.FeedItem{Feed: f.ID, Key: "guid:a", Hash: a.Article.Hash, ArticleID: a.Article.ID, SeenAt: base})
	keep := &briefing.FeedItem{Feed: f.ID, Key: "guid:b", Hash: b.Article.Hash, ArticleID: b.Article.ID, SeenAt: base}
	putItem(t, fs, keep)
	wantSource(t, s, "AP", 2, 4)
	wantSource(t, s, "Reuters", 1, 1)
	wantSource(t, s, "BBC", 0, 1)
	wantIDs(t, "since: before retraction", searchIDs(t, s, "veltrana since:2025-05-10"), []int64{span.ID})

	if err := fs.RetractArticle(ctx, a.Article.ID); err != nil {
		t.Fatalf("RetractArticle: %v", err)
	}
	wantGone(t, s, only.ID, "event only the article cited")
	wantGone(t, s, span.ID, "multi-day event only the article cited")
	for _, q := range []string{"zenquin", "actor:zenquin", "topic:treaty", "veltrana", "veltrana since:2025-05-10", "since:2025-04-30 until:2025-04-30"} {
		wantIDs(t, q+" after retraction", searchIDs(t, s, q), nil)
	}
	wantIDs(t, "kalomir after retraction", searchIDs(t, s, "kalomir"), []int64{shared.ID, c[0]})
	// Pages count no trace of the deleted events.
	for off, want := range [][]int64{{shared.ID}, {c[0]}} {
		p := search(t, s, "kalomir", 1, off)
		if !slices.Equal(eventIDs(p.Events), want) || p.More != (off == 0) {
			t.Errorf("kalomir, page %d of 1: %v (More %v), want %v (More %v)", off, eventIDs(p.Events), p.More, want, off == 0)
		}
	}
	wantIDs(t, "actor:kalomir after retraction", searchIDs(t, s, "actor:kalomir"), []int64{shared.ID})
	ev := getEvent(t, s, shared.ID)
	if len(ev.Citations) != 2 || ev.Citations[0].Source != "Reuters" || ev.Citations[1].Source != "BBC" {
		t.Errorf("citations left on the shared event: %+v, want Reuters' then BBC's", ev.Citations)
	}
	for _, cit := range ev.Citations {
		if cit.ArticleID != b.Article.ID {
			t.Errorf("citation of article %d left, want only article %d's", cit.ArticleID, b.Article.ID)
		}
	}
	if ev.Summary != shared.Summary || ev.Date != shared.Date {
		t.Errorf("shared event changed: %q %+v", ev.Summary, ev.Date)
	}
	if st := stats(t, s); st != (briefing.Stats{Articles: 2, Events: 2}) {
		t.Errorf("Stats after retraction = %+v, want 2 articles (B, C), 2 events", st)
	}
	latest, err := s.Latest(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := eventIDs(latest); slices.Contains(got, only.ID) || slices.Contains(got, span.ID) || len(got) != 2 {
		t.Errorf("Latest after retraction = %v, want %d and %d", got, shared.ID, c[0])
	}
	over, err := s.Overlapping(ctx, briefing.Date(2025, 5, 1), briefing.Date(2025, 5, 3), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := eventIDs(over); slices.Contains(got, only.ID) || slices.Contains(got, span.ID) {
		t.Errorf("Overlapping after retraction = %v, still holds a deleted event", got)
	}
	if _, err := s.ArticleByHash(ctx, a.Article.Hash); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("ArticleByHash of the retracted article: err = %v, want ErrNotFound", err)
	}
	wantSource(t, s, "AP", 1, 1) // C and its citation
	wantSource(t, s, "Reuters", 1, 1)
	wantSource(t, s, "BBC", 0, 1)
	wantNoItem(t, fs, f.ID, "guid:a", "item naming the retracted article")
	if d := sameItem(getItem(t, fs, f.ID, "guid:b"), keep); d != "" {
		t.Errorf("item naming another article: %s", d)
	}

	if err := fs.RetractArticle(ctx, a.Article.ID); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("RetractArticle twice: err = %v, want ErrNotFound", err)
	}
	for _, id := range []int64{0, -1, 1 << 40} {
		if err := fs.RetractArticle(ctx, id); !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("RetractArticle(%d): err = %v, want ErrNotFound", id, err)
		}
	}

	// Retracting the last article citing the shared event deletes it;
	// sources left with nothing are no longer listed.
	if err := fs.RetractArticle(ctx, b.Article.ID); err != nil {
		t.Fatalf("RetractArticle(B): %v", err)
	}
	wantGone(t, s, shared.ID, "event whose every citing article was retracted")
	wantIDs(t, "kalomir after both retractions", searchIDs(t, s, "kalomir"), c)
	for _, name := range []string{"Reuters", "BBC"} {
		if st, ok := sourceStat(t, s, name); ok {
			t.Errorf("Sources still lists %s with nothing left: %+v", name, st)
		}
	}
	wantSource(t, s, "AP", 1, 1)
	if st := stats(t, s); st != (briefing.Stats{Articles: 1, Events: 1}) {
		t.Errorf("Stats after both retractions = %+v, want C alone", st)
	}
	wantIDs(t, "the event of another article", searchIDs(t, s, "harvest"), c)
}

// testRetractMovedEvent retracts the articles of an event whose date a
// merge moved, which moves its place in the search index.
func testRetractMovedEvent(t *testing.T, h *harness) {
	fs, s := feedStore(t, h)
	ev := event("Kalomir ceasefire announced.", briefing.MonthDate(2025, 5, briefing.ModNone), []string{"kalomir"}, []string{"ceasefire"}, "AP")
	a := &briefing.Ingestion{Article: article("AP"), New: []*briefing.Event{ev}}
	if err := s.Ingest(ctx, a); err != nil {
		t.Fatal(err)
	}
	moved := day(2025, 5, 16)
	b := &briefing.Ingestion{Article: article("Reuters"), Merges: []briefing.Merge{{
		EventID: ev.ID, Citation: briefing.Citation{Source: "Reuters", Sentence: "On May 16 a ceasefire was announced."},
		Actors: []string{"putin"}, Topics: []string{"ceasefire"}, Date: &moved,
	}}}
	if err := s.Ingest(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := fs.RetractArticle(ctx, a.Article.ID); err != nil {
		t.Fatal(err)
	}
	// What the merge added stays; only A's citation left.
	got := getEvent(t, s, ev.ID)
	if got.Date != moved || !slices.Contains(got.Actors, "putin") || len(got.Citations) != 1 {
		t.Errorf("after retracting the creating article: date %+v, actors %q, %d citations", got.Date, got.Actors, len(got.Citations))
	}
	for _, q := range []string{"ceasefire", "actor:putin", "ceasefire since:2025-05-16 until:2025-05-16"} {
		wantIDs(t, q, searchIDs(t, s, q), []int64{ev.ID})
	}
	if err := fs.RetractArticle(ctx, b.Article.ID); err != nil {
		t.Fatal(err)
	}
	wantGone(t, s, ev.ID, "moved event without articles")
	for _, q := range []string{"ceasefire", "actor:putin", "actor:kalomir", "since:2025-05-01 until:2025-05-31"} {
		wantIDs(t, q+" after both retractions", searchIDs(t, s, q), nil)
	}
	if st := stats(t, s); st != (briefing.Stats{}) {
		t.Errorf("Stats = %+v, want an empty store", st)
	}
}

// testRetractThenIngest is the poller's update of an item: retract its
// article, ingest the new text, record the item again.
func testRetractThenIngest(t *testing.T, h *harness) {
	fs, s := feedStore(t, h)
	f := addFeed(t, fs, newFeed("https://ap.example/feed.xml"))
	old := article("AP")
	in := &briefing.Ingestion{Article: old, New: []*briefing.Event{event("Kalomir summit opened.", day(2025, 5, 1), nil, nil, "AP")}}
	if err := s.Ingest(ctx, in); err != nil {
		t.Fatal(err)
	}
	putItem(t, fs, &briefing.FeedItem{Feed: f.ID, Key: "guid:1", Hash: old.Hash, ArticleID: old.ID})
	oldEvent := in.New[0].ID
	if err := fs.RetractArticle(ctx, old.ID); err != nil {
		t.Fatal(err)
	}

	// The same text again: its hash is free.
	again := *old
	again.ID, again.IngestedAt = 0, time.Time{}
	in2 := &briefing.Ingestion{Article: &again, New: []*briefing.Event{event("Kalomir summit opened in Geneva.", day(2025, 5, 1), nil, nil, "AP")}}
	if err := s.Ingest(ctx, in2); err != nil {
		t.Fatalf("Ingest of a retracted article's text: %v", err)
	}
	if again.ID == old.ID || in2.New[0].ID == oldEvent {
		t.Errorf("re-ingested article %d, event %d: want new IDs (were %d, %d)", again.ID, in2.New[0].ID, old.ID, oldEvent)
	}
	if got, err := s.ArticleByHash(ctx, old.Hash); err != nil || got.ID != again.ID {
		t.Errorf("ArticleByHash after re-ingestion = %+v, %v; want article %d", got, err, again.ID)
	}
	upd := &briefing.FeedItem{Feed: f.ID, Key: "guid:1", Hash: again.Hash, ArticleID: again.ID, SeenAt: base}
	putItem(t, fs, upd)
	if d := sameItem(getItem(t, fs, f.ID, "guid:1"), upd); d != "" {
		t.Errorf("item after the update: %s", d)
	}
	wantIDs(t, "geneva", searchIDs(t, s, "geneva"), []int64{in2.New[0].ID})
	wantIDs(t, "kalomir", searchIDs(t, s, "kalomir"), []int64{in2.New[0].ID})
	wantSource(t, s, "AP", 1, 1)
	if st := stats(t, s); st != (briefing.Stats{Articles: 1, Events: 1}) {
		t.Errorf("Stats = %+v, want 1 article, 1 event", st)
	}
}

func testFeedsReopen(t *testing.T, h *harness) {
	dir := t.TempDir()
	s := h.open(t, dir)
	fs, ok := s.(briefing.FeedStore)
	if !ok {
		s.Close()
		t.Skip("the store does not implement briefing.FeedStore")
	}
	f := addFeed(t, fs, newFeed("https://herald.example/feed.xml"))
	gone := addFeed(t, fs, newFeed("https://gone.example/feed.xml"))
	if err := fs.SetFeedState(ctx, f.ID, fullState()); err != nil {
		t.Fatal(err)
	}
	f.State = fullState()
	it := &briefing.FeedItem{Feed: f.ID, Key: "hash:abc", Hash: "abc", ArticleID: 7, SeenAt: base}
	putItem(t, fs, it)
	if err := fs.RemoveFeed(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	ids := ingest(t, s, event("Zenquin treaty signed.", day(2025, 5, 2), nil, nil, "AP"))
	a := article("AP")
	in := &briefing.Ingestion{Article: a, New: []*briefing.Event{event("Kalomir summit opened.", day(2025, 5, 1), nil, nil, "AP")}}
	if err := s.Ingest(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := fs.RetractArticle(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s2 := h.open(t, dir)
	defer s2.Close()
	fs2 := s2.(briefing.FeedStore)
	if d := sameFeed(getFeed(t, fs2, f.ID), f); d != "" {
		t.Errorf("feed changed across reopen: %s", d)
	}
	if got := feedIDs(listFeeds(t, fs2)); !slices.Equal(got, []int64{f.ID}) {
		t.Errorf("Feeds after reopen = %v, want [%d]", got, f.ID)
	}
	if d := sameItem(getItem(t, fs2, f.ID, it.Key), it); d != "" {
		t.Errorf("item changed across reopen: %s", d)
	}
	wantGone(t, s2, in.New[0].ID, "retracted event after reopen")
	wantIDs(t, "kalomir after reopen", searchIDs(t, s2, "kalomir"), nil)
	wantIDs(t, "zenquin after reopen", searchIDs(t, s2, "zenquin"), ids)
	if err := fs2.RetractArticle(ctx, a.ID); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("RetractArticle after reopen: err = %v, want ErrNotFound", err)
	}
	if err := fs2.AddFeed(ctx, newFeed(f.URL)); !errors.Is(err, briefing.ErrExists) {
		t.Errorf("AddFeed of a stored URL after reopen: err = %v, want ErrExists", err)
	}
}

func testFeedHostileText(t *testing.T, h *harness) {
	fs, _ := feedStore(t, h)
	for i, text := range hostile {
		f := newFeed("https://example.com/feed?q=" + text)
		f.Title, f.Source, f.Origin, f.CreatedBy = text, text, text, text
		f.Topics = []string{text, "t" + fmt.Sprint(i)}
		addFeed(t, fs, f)
		st := fullState()
		st.ETag, st.LastModified, st.LastError = text, text, text
		if err := fs.SetFeedState(ctx, f.ID, st); err != nil {
			t.Errorf("SetFeedState with hostile text %d: %v", i, err)
		}
		f.State = st
		if d := sameFeed(getFeed(t, fs, f.ID), f); d != "" {
			t.Errorf("hostile text %d did not round-trip: %s", i, d)
		}
		it := &briefing.FeedItem{Feed: f.ID, Key: "guid:" + text, Hash: text, ArticleID: int64(i), SeenAt: base}
		putItem(t, fs, it)
		if d := sameItem(getItem(t, fs, f.ID, it.Key), it); d != "" {
			t.Errorf("hostile item %d did not round-trip: %s", i, d)
		}
	}
	if n := len(listFeeds(t, fs)); n != len(hostile) {
		t.Errorf("%d feeds, want %d", n, len(hostile))
	}

	spoilers := map[string]func(f *briefing.Feed){
		"invalid UTF-8 URL":    func(f *briefing.Feed) { f.URL += "\xff" },
		"NUL in URL":           func(f *briefing.Feed) { f.URL += "\x00" },
		"invalid UTF-8 title":  func(f *briefing.Feed) { f.Title = "bad \xc3\x28" },
		"NUL in source":        func(f *briefing.Feed) { f.Source = "a\x00b" },
		"invalid UTF-8 topic":  func(f *briefing.Feed) { f.Topics = []string{"ok", "cease\xfffire"} },
		"NUL in created by":    func(f *briefing.Feed) { f.CreatedBy = "U\x00" },
		"invalid UTF-8 origin": func(f *briefing.Feed) { f.Origin = "\xc0" },
	}
	for name, spoil := range spoilers {
		f := newFeed("https://spoiled.example/feed.xml")
		spoil(f)
		if err := fs.AddFeed(ctx, f); err == nil {
			t.Errorf("AddFeed with %s succeeded", name)
		}
	}
	if n := len(listFeeds(t, fs)); n != len(hostile) {
		t.Errorf("%d feeds after refused ones, want %d", n, len(hostile))
	}
	f := listFeeds(t, fs)[0]
	for name, it := range map[string]*briefing.FeedItem{
		"invalid UTF-8 key":  {Feed: f.ID, Key: "guid:\xff", Hash: "h"},
		"NUL in key":         {Feed: f.ID, Key: "guid:\x00", Hash: "h"},
		"invalid UTF-8 hash": {Feed: f.ID, Key: "guid:ok", Hash: "\xff"},
		"empty key":          {Feed: f.ID, Key: "", Hash: "h"},
	} {
		if err := fs.PutFeedItem(ctx, it); err == nil {
			t.Errorf("PutFeedItem with %s succeeded", name)
		}
	}
	wantNoItem(t, fs, f.ID, "guid:ok", "refused item")
}
