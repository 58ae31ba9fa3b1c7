package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// laterTables are the tables each migration after the first adds, which
// downgrade drops to take a database back to an older version.
var laterTables = map[int][]string{
	2: {"briefing_windows", "subscriptions"},
	3: {"feed_items", "feeds", "event_articles", "deleted_ids"},
}

// latestVersion is the schema version Open brings a database to.
func latestVersion(t *testing.T) int {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// downgrade takes s's database back to schema version v: the tables of
// later versions are dropped and user_version is set to v. The store must
// be closed and opened again before it is used.
func downgrade(t *testing.T, s *Store, v int) {
	t.Helper()
	latest := latestVersion(t)
	if len(laterTables) != latest-1 {
		t.Fatalf("laterTables lists %d migrations after the first, want %d: add the new one", len(laterTables), latest-1)
	}
	for version := latest; version > v; version-- {
		for _, table := range laterTables[version] {
			if _, err := s.write.Exec("DROP TABLE " + table); err != nil {
				t.Fatalf("drop %s: %v", table, err)
			}
		}
	}
	if _, err := s.write.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		t.Fatal(err)
	}
}

// links returns the rows of event_articles as (article, event) pairs.
func links(t *testing.T, s *Store) [][2]int64 {
	t.Helper()
	rows, err := s.read.Query("SELECT article_id, event_id FROM event_articles ORDER BY 1, 2")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var l [2]int64
		if err := rows.Scan(&l[0], &l[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func cited(summary, source string) *briefing.Event {
	return &briefing.Event{
		Date:      briefing.DayDate(briefing.Date(2025, 5, 1)),
		Summary:   summary,
		Citations: []briefing.Citation{{Source: source, Sentence: summary}},
	}
}

// TestMigrateFromVersion2 upgrades a database written before feeds: the
// links from articles to events are built from the stored citations, and
// an article ingested then can be retracted.
func TestMigrateFromVersion2(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	e1, e2 := cited("Kalomir summit opened.", "AP"), cited("Zenquin treaty signed.", "AP")
	a := &briefing.Ingestion{Article: &briefing.Article{Source: "AP", Hash: "a"}, New: []*briefing.Event{e1, e2}}
	if err := s.Ingest(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Two citations of one article in one event: one link.
	b := &briefing.Ingestion{Article: &briefing.Article{Source: "Reuters", Hash: "b"}, Merges: []briefing.Merge{
		{EventID: e1.ID, Citation: briefing.Citation{Source: "Reuters", Sentence: "The summit opened."}},
		{EventID: e1.ID, Citation: briefing.Citation{Source: "BBC", Sentence: "Kalomir opened."}},
	}}
	if err := s.Ingest(ctx, b); err != nil {
		t.Fatal(err)
	}
	want := [][2]int64{{a.Article.ID, e1.ID}, {a.Article.ID, e2.ID}, {b.Article.ID, e1.ID}}
	if got := links(t, s); !slices.Equal(got, want) {
		t.Fatalf("links kept by Ingest = %v, want %v", got, want)
	}
	downgrade(t, s, 2)
	s.Close()

	s = openAt(t, dir)
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != latestVersion(t) {
		t.Fatalf("schema version after upgrade = %d, %v; want %d", v, err, latestVersion(t))
	}
	if got := links(t, s); !slices.Equal(got, want) {
		t.Errorf("links after upgrade = %v, want %v", got, want)
	}
	if err := s.RetractArticle(ctx, a.Article.ID); err != nil {
		t.Fatalf("RetractArticle after upgrade: %v", err)
	}
	if _, err := s.Event(ctx, e2.ID); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("event only the retracted article cited: err = %v, want ErrNotFound", err)
	}
	ev, err := s.Event(ctx, e1.ID)
	if err != nil || len(ev.Citations) != 2 || ev.Citations[0].ArticleID != b.Article.ID {
		t.Errorf("event cited by both articles after retraction: %+v, %v", ev, err)
	}
	if got := links(t, s); !slices.Equal(got, want[2:]) {
		t.Errorf("links after retraction = %v, want %v", got, want[2:])
	}
}

// TestRetractedIDsNotReused retracts the newest article and event and
// checks that their IDs are not given again, also after a reopen.
func TestRetractedIDsNotReused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	ingest := func(s *Store, hash string) *briefing.Ingestion {
		t.Helper()
		in := &briefing.Ingestion{Article: &briefing.Article{Source: "AP", Hash: hash}, New: []*briefing.Event{cited("Kalomir summit.", "AP")}}
		if err := s.Ingest(ctx, in); err != nil {
			t.Fatal(err)
		}
		return in
	}
	ingest(s, "first")
	last := ingest(s, "second")
	if err := s.RetractArticle(ctx, last.Article.ID); err != nil {
		t.Fatal(err)
	}
	again := ingest(s, "second")
	if again.Article.ID <= last.Article.ID || again.New[0].ID <= last.New[0].ID {
		t.Errorf("after retraction: article %d, event %d; want above the retracted %d, %d",
			again.Article.ID, again.New[0].ID, last.Article.ID, last.New[0].ID)
	}
	if err := s.RetractArticle(ctx, again.Article.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openAt(t, dir)
	defer s.Close()
	third := ingest(s, "third")
	if third.Article.ID <= again.Article.ID || third.New[0].ID <= again.New[0].ID {
		t.Errorf("after reopen: article %d, event %d; want above the retracted %d, %d",
			third.Article.ID, third.New[0].ID, again.Article.ID, again.New[0].ID)
	}
}

// TestRetractPlans checks that RetractArticle finds the article's events
// and item records through an index, whatever the size of the store.
func TestRetractPlans(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	for query, want := range map[string]string{
		articleEventsSQL:      "SEARCH event_articles USING PRIMARY KEY (article_id=?)",
		unlinkArticleSQL:      "SEARCH event_articles USING PRIMARY KEY (article_id=?)",
		deleteArticleItemsSQL: "SEARCH feed_items USING INDEX feed_items_article (article_id=?)",
	} {
		plan := explain(t, s, query, 1)
		if !strings.Contains(plan, want) || strings.Contains(plan, "SCAN") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan\n%swant %s", query, plan, want)
		}
	}
}

// TestFeedStateStoredNotRefused checks that the text of a feed's state,
// which its server controls, is made storable rather than refused.
func TestFeedStateStoredNotRefused(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, t.TempDir())
	defer s.Close()
	f := &briefing.Feed{URL: "https://example.com/feed.xml"}
	if err := s.AddFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   briefing.FeedState
		want briefing.FeedState
	}{
		{"invalid UTF-8", briefing.FeedState{ETag: "\"a\xffb\"", LastModified: "Tue, 20 May\xc3\x28", LastError: "HTTP 500: \xff\x00"},
			briefing.FeedState{LastError: "HTTP 500: \uFFFD\uFFFD"}},
		{"NUL in validators", briefing.FeedState{ETag: "W/\"x\x00\"", LastModified: "\x00"}, briefing.FeedState{}},
		{"huge validator", briefing.FeedState{ETag: strings.Repeat("e", maxValidator+1), LastModified: strings.Repeat("m", maxValidator)},
			briefing.FeedState{LastModified: strings.Repeat("m", maxValidator)}},
	}
	for _, c := range cases {
		if err := s.SetFeedState(ctx, f.ID, c.in); err != nil {
			t.Errorf("%s: SetFeedState: %v", c.name, err)
			continue
		}
		got, err := s.Feed(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if g := got.State; g.ETag != c.want.ETag || g.LastModified != c.want.LastModified || g.LastError != c.want.LastError {
			t.Errorf("%s: stored ETag %.20q, Last-Modified %.20q, error %q; want %.20q, %.20q, %q", c.name,
				g.ETag, g.LastModified, g.LastError, c.want.ETag, c.want.LastModified, c.want.LastError)
		}
	}
	// The feed's own fields come from a person or the config: refused.
	if err := s.AddFeed(ctx, &briefing.Feed{URL: "https://example.com/\xff"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("AddFeed with an invalid URL: err = %v, want ErrInvalid", err)
	}
}

// TestFeedClock checks that CreatedAt and SeenAt default to the store's
// clock, to the microsecond.
func TestFeedClock(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 5, 20, 7, 30, 0, 123456789, time.UTC)
	s := openClock(t, &clock{t: t0})
	f := &briefing.Feed{URL: "https://example.com/feed.xml"}
	if err := s.AddFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	want := t0.Truncate(time.Microsecond)
	if !f.CreatedAt.Equal(want) {
		t.Errorf("CreatedAt = %v, want the clock's %v", f.CreatedAt, want)
	}
	it := &briefing.FeedItem{Feed: f.ID, Key: "guid:1", Hash: "h"}
	if err := s.PutFeedItem(ctx, it); err != nil {
		t.Fatal(err)
	}
	got, err := s.FeedItem(ctx, f.ID, "guid:1")
	if err != nil || !it.SeenAt.Equal(want) || !got.SeenAt.Equal(want) {
		t.Errorf("SeenAt = %v, stored %+v (%v); want the clock's %v", it.SeenAt, got, err, want)
	}
}

// TestRetractLeavesIndexConsistent checks that after retractions the
// search index holds one row for each event, under its sortkey.
func TestRetractLeavesIndexConsistent(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, t.TempDir())
	defer s.Close()
	var arts []*briefing.Ingestion
	for i := range 6 {
		in := &briefing.Ingestion{Article: &briefing.Article{Source: "AP", Hash: fmt.Sprint("art", i)}}
		for j := range 3 {
			ev := cited(fmt.Sprintf("Kalomir report %d of article %d.", j, i), "AP")
			ev.Date = briefing.RangeDate(briefing.Date(2025, 5, 1+i), briefing.Date(2025, 6, 1+j))
			in.New = append(in.New, ev)
		}
		if i > 0 {
			// merge into the previous article's events, one moving its date
			moved := briefing.DayDate(briefing.Date(2024, 1, 1+i))
			prev := arts[i-1].New
			in.Merges = []briefing.Merge{
				{EventID: prev[0].ID, Citation: briefing.Citation{Source: "Reuters", Sentence: "again"}, Date: &moved},
				{EventID: prev[1].ID, Citation: briefing.Citation{Source: "Reuters", Sentence: "again"}, Actors: []string{"putin"}},
			}
		}
		if err := s.Ingest(ctx, in); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, in)
	}
	for _, i := range []int{2, 0, 5, 3} {
		if err := s.RetractArticle(ctx, arts[i].Article.ID); err != nil {
			t.Fatal(err)
		}
		keys := func(query string) []int64 {
			rows, err := s.read.QueryContext(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []int64
			for rows.Next() {
				var k int64
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				out = append(out, k)
			}
			return out
		}
		events, index := keys("SELECT sortkey FROM events ORDER BY sortkey"), keys("SELECT rowid FROM events_fts ORDER BY rowid")
		if !slices.Equal(events, index) {
			t.Fatalf("after retracting article %d: events have sortkeys %v, the index rows %v", i, events, index)
		}
	}
	// Left: articles 1 and 4 with their three events each, and the two
	// events each of 0 and 3 that they merged into.
	st, err := s.Stats(ctx)
	if err != nil || st != (briefing.Stats{Articles: 2, Events: 10}) {
		t.Errorf("Stats = %+v, %v; want 2 articles, 10 events", st, err)
	}
}
