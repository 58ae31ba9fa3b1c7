// Package storetest is the contract suite every briefing.Store must pass, and
// a deterministic generator of synthetic events (SynthEvents) for benchmarks
// and demos.
//
// A store package runs the suite from its tests:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, dir string) briefing.Store {
//			s, err := mystore.Open(context.Background(), filepath.Join(dir, "db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// Opener opens the store whose data lives under dir. Opening the same dir
// again, after the first store was closed, must see the same data; stores
// opened on different dirs must be independent. The suite closes every
// store it opens.
type Opener func(t *testing.T, dir string) briefing.Store

// Run runs the contract suite against the stores open returns. Every subtest
// gets its own dir (from t.TempDir) and so an empty store.
//
// Beyond the briefing.Store documentation, the suite expects what a
// PostgreSQL store does as well: times come back equal (time.Equal) to the
// microsecond, a non-zero Article.IngestedAt and Event.FirstSeen/UpdatedAt
// are kept as given, empty lists may read back as nil, and text that is not
// valid UTF-8 or holds a NUL byte is refused. The tests of
// briefing.SubscriptionStore (subscriptions.go) and of briefing.FeedStore
// (feeds.go) skip a store that does not implement them.
func Run(t *testing.T, open Opener) {
	h := &harness{open: open}
	tests := []struct {
		name string
		fn   func(t *testing.T, h *harness)
	}{
		{"IngestAssignsIDs", testIngestAssignsIDs},
		{"DuplicateArticle", testDuplicateArticle},
		{"IngestIsAtomic", testIngestIsAtomic},
		{"InvalidTextRefused", testInvalidText},
		{"CancelledContext", testCancelledContext},
		{"SearchOrder", testSearchOrder},
		{"Pagination", testPagination},
		{"SearchAll", testSearchAll},
		{"PhrasesAndTerms", testPhrasesAndTerms},
		{"ActorTopicFilters", testActorTopicFilters},
		{"SinceUntil", testSinceUntil},
		{"FilterOnly", testFilterOnly},
		{"MergeUpdatesEvent", testMerge},
		{"Latest", testLatest},
		{"Sources", testSources},
		{"NotFound", testNotFound},
		{"Overlapping", testOverlapping},
		{"HostileText", testHostileText},
		{"HostileQueries", testHostileQueries},
		{"Reopen", testReopen},
		{"Concurrent", testConcurrent},
	}
	tests = append(tests, subscriptionTests...)
	tests = append(tests, feedTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

type harness struct{ open Opener }

// store opens a fresh store in a new temporary dir and closes it at cleanup.
func (h *harness) store(t *testing.T) briefing.Store {
	t.Helper()
	s, _ := h.storeDir(t)
	return s
}

func (h *harness) storeDir(t *testing.T) (briefing.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s := h.open(t, dir)
	t.Cleanup(func() { s.Close() })
	return s, dir
}

var ctx = context.Background()

// base is the wall-clock time fixtures use, whole microseconds.
var base = time.Date(2025, time.May, 20, 9, 30, 15, 123456000, time.UTC)

var hashSeq struct {
	sync.Mutex
	n int
}

// article returns a new article with a unique hash.
func article(source string) *briefing.Article {
	hashSeq.Lock()
	hashSeq.n++
	n := hashSeq.n
	hashSeq.Unlock()
	return &briefing.Article{
		Source:    source,
		Via:       "test",
		URL:       fmt.Sprintf("https://%s.example/%d", strings.ToLower(source), n),
		Title:     fmt.Sprintf("Story %d", n),
		Published: base.Add(-time.Duration(n) * time.Minute),
		Text:      fmt.Sprintf("Body of story %d.", n),
		Hash:      fmt.Sprintf("%064x", n),
	}
}

// event returns a new event citing source.
func event(summary string, date briefing.EventDate, actors, topics []string, source string) *briefing.Event {
	return &briefing.Event{
		Date:    date,
		Summary: summary,
		Actors:  actors,
		Topics:  topics,
		Citations: []briefing.Citation{{
			Source:    source,
			URL:       "https://" + strings.ToLower(source) + ".example/story",
			Title:     "Story",
			Published: base,
			Sentence:  summary,
			Offset:    7,
		}},
	}
}

func day(y int, m time.Month, d int) briefing.EventDate {
	return briefing.DayDate(briefing.Date(y, m, d))
}

func rangeDate(y1 int, m1 time.Month, d1 int, y2 int, m2 time.Month, d2 int) briefing.EventDate {
	return briefing.RangeDate(briefing.Date(y1, m1, d1), briefing.Date(y2, m2, d2))
}

// ingest stores the events in one article and returns their IDs.
func ingest(t *testing.T, s briefing.Store, evs ...*briefing.Event) []int64 {
	t.Helper()
	in := &briefing.Ingestion{Article: article("AP"), New: evs}
	if err := s.Ingest(ctx, in); err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ID
	}
	return ids
}

// search parses query as a user would type it and returns the page.
func search(t *testing.T, s briefing.Store, query string, limit, offset int) briefing.Page {
	t.Helper()
	q, err := briefing.ParseQuery(query)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", query, err)
	}
	if limit > 0 {
		q.Limit = limit
	}
	q.Offset = offset
	p, err := s.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%q): %v", query, err)
	}
	return p
}

// searchIDs returns the IDs of the first page of up to 100 results.
func searchIDs(t *testing.T, s briefing.Store, query string) []int64 {
	t.Helper()
	return eventIDs(search(t, s, query, briefing.MaxPageSize, 0).Events)
}

// eventIDs returns the IDs of evs in order.
func eventIDs(evs []*briefing.Event) []int64 {
	out := make([]int64, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

func wantIDs(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got events %v, want %v", what, got, want)
	}
}

func stats(t *testing.T, s briefing.Store) briefing.Stats {
	t.Helper()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

func getEvent(t *testing.T, s briefing.Store, id int64) *briefing.Event {
	t.Helper()
	ev, err := s.Event(ctx, id)
	if err != nil {
		t.Fatalf("Event(%d): %v", id, err)
	}
	return ev
}

// sameEvent reports how got differs from want, or "" when they are equal.
func sameEvent(got, want *briefing.Event) string {
	var d []string
	if got.ID != want.ID {
		d = append(d, fmt.Sprintf("ID %d, want %d", got.ID, want.ID))
	}
	if got.Date != want.Date {
		d = append(d, fmt.Sprintf("Date %+v, want %+v", got.Date, want.Date))
	}
	if got.Summary != want.Summary {
		d = append(d, fmt.Sprintf("Summary %q, want %q", got.Summary, want.Summary))
	}
	if !slices.Equal(got.Actors, want.Actors) {
		d = append(d, fmt.Sprintf("Actors %q, want %q", got.Actors, want.Actors))
	}
	if !slices.Equal(got.Topics, want.Topics) {
		d = append(d, fmt.Sprintf("Topics %q, want %q", got.Topics, want.Topics))
	}
	if !got.FirstSeen.Equal(want.FirstSeen) {
		d = append(d, fmt.Sprintf("FirstSeen %v, want %v", got.FirstSeen, want.FirstSeen))
	}
	if !got.UpdatedAt.Equal(want.UpdatedAt) {
		d = append(d, fmt.Sprintf("UpdatedAt %v, want %v", got.UpdatedAt, want.UpdatedAt))
	}
	if len(got.Citations) != len(want.Citations) {
		d = append(d, fmt.Sprintf("%d citations, want %d", len(got.Citations), len(want.Citations)))
	} else {
		for i, c := range got.Citations {
			w := want.Citations[i]
			if c.ArticleID != w.ArticleID || c.Source != w.Source || c.URL != w.URL || c.Title != w.Title ||
				!c.Published.Equal(w.Published) || c.Sentence != w.Sentence || c.Offset != w.Offset {
				d = append(d, fmt.Sprintf("citation %d %+v, want %+v", i, c, w))
			}
		}
	}
	return strings.Join(d, "; ")
}

func sameArticle(got, want *briefing.Article) string {
	var d []string
	if got.ID != want.ID || got.Source != want.Source || got.Via != want.Via || got.URL != want.URL ||
		got.Title != want.Title || got.Text != want.Text || got.Hash != want.Hash {
		d = append(d, fmt.Sprintf("got %+v, want %+v", *got, *want))
	}
	if !got.Published.Equal(want.Published) {
		d = append(d, fmt.Sprintf("Published %v, want %v", got.Published, want.Published))
	}
	if !got.IngestedAt.Equal(want.IngestedAt) {
		d = append(d, fmt.Sprintf("IngestedAt %v, want %v", got.IngestedAt, want.IngestedAt))
	}
	return strings.Join(d, "; ")
}

func testIngestAssignsIDs(t *testing.T, h *harness) {
	s := h.store(t)
	a := article("AP")
	e1 := event("Russia and Ukraine agreed to a cease-fire.", day(2025, time.May, 16), []string{"russia", "ukraine"}, []string{"ceasefire"}, "AP")
	e2 := event("Talks resumed in Istanbul.", day(2025, time.May, 17), []string{"russia"}, []string{"talks"}, "AP")
	e2.FirstSeen = base.Add(-time.Hour)
	e2.UpdatedAt = base.Add(-time.Hour)
	in := &briefing.Ingestion{Article: a, New: []*briefing.Event{e1, e2}}
	before := time.Now().Add(-time.Second)
	if err := s.Ingest(ctx, in); err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	if a.ID <= 0 {
		t.Errorf("article ID = %d, want > 0", a.ID)
	}
	if e1.ID <= 0 || e2.ID <= 0 || e1.ID == e2.ID {
		t.Errorf("event IDs = %d, %d: want distinct and > 0", e1.ID, e2.ID)
	}
	for _, ev := range in.New {
		for _, c := range ev.Citations {
			if c.ArticleID != a.ID {
				t.Errorf("event %d citation ArticleID = %d, want %d", ev.ID, c.ArticleID, a.ID)
			}
		}
	}
	if e1.FirstSeen.Before(before) || e1.FirstSeen.After(time.Now().Add(time.Second)) {
		t.Errorf("FirstSeen of an event without one = %v, want the current time", e1.FirstSeen)
	}
	if !e2.FirstSeen.Equal(base.Add(-time.Hour)) {
		t.Errorf("FirstSeen given by the caller became %v, want %v", e2.FirstSeen, base.Add(-time.Hour))
	}
	for _, want := range in.New {
		if d := sameEvent(getEvent(t, s, want.ID), want); d != "" {
			t.Errorf("Event(%d) differs from what was ingested: %s", want.ID, d)
		}
	}
	got, err := s.ArticleByHash(ctx, a.Hash)
	if err != nil {
		t.Fatalf("ArticleByHash: %v", err)
	}
	if a.IngestedAt.IsZero() {
		t.Errorf("IngestedAt not set on the ingested article")
	}
	if d := sameArticle(got, a); d != "" {
		t.Errorf("ArticleByHash differs from what was ingested: %s", d)
	}
	if st := stats(t, s); st != (briefing.Stats{Articles: 1, Events: 2}) {
		t.Errorf("Stats = %+v, want 1 article, 2 events", st)
	}

	// A second article gets new IDs.
	e3 := event("Prisoners were exchanged.", day(2025, time.May, 18), nil, nil, "Reuters")
	ingest(t, s, e3)
	if e3.ID == e1.ID || e3.ID == e2.ID || e3.ID <= 0 {
		t.Errorf("third event ID = %d, want a new positive ID", e3.ID)
	}
	if ev := getEvent(t, s, e3.ID); len(ev.Actors) != 0 {
		t.Errorf("event ingested without actors came back with %q", ev.Actors)
	}
}

func testDuplicateArticle(t *testing.T, h *harness) {
	s := h.store(t)
	a := article("AP")
	ingestArticle := func(a *briefing.Article, evs ...*briefing.Event) error {
		return s.Ingest(ctx, &briefing.Ingestion{Article: a, New: evs})
	}
	if err := ingestArticle(a, event("Kalomir summit opened.", day(2025, time.May, 1), nil, nil, "AP")); err != nil {
		t.Fatalf("first Ingest: %v", err)
	}
	sources, _ := s.Sources(ctx)
	dup := *a
	dup.ID = 0
	dup.Source = "Reuters"
	err := ingestArticle(&dup, event("Zenquin treaty signed.", day(2025, time.May, 2), nil, nil, "Reuters"))
	if !errors.Is(err, briefing.ErrDuplicateArticle) {
		t.Fatalf("Ingest of the same hash: err = %v, want ErrDuplicateArticle", err)
	}
	if st := stats(t, s); st != (briefing.Stats{Articles: 1, Events: 1}) {
		t.Errorf("Stats after duplicate = %+v, want 1 article, 1 event", st)
	}
	if got := searchIDs(t, s, "zenquin"); len(got) != 0 {
		t.Errorf("event of the refused duplicate is searchable: %v", got)
	}
	after, _ := s.Sources(ctx)
	if !slices.Equal(after, sources) {
		t.Errorf("Sources changed by a refused duplicate: %+v, was %+v", after, sources)
	}
	got, err := s.ArticleByHash(ctx, a.Hash)
	if err != nil || got.Source != "AP" {
		t.Errorf("ArticleByHash after duplicate = %+v, %v: want the first article", got, err)
	}
}

func testIngestIsAtomic(t *testing.T, h *harness) {
	s := h.store(t)
	ids := ingest(t, s, event("Kalomir summit opened.", day(2025, time.May, 1), []string{"russia"}, nil, "AP"))
	before := stats(t, s)
	sources, _ := s.Sources(ctx)
	a := article("Reuters")
	bad := &briefing.Ingestion{
		Article: a,
		New:     []*briefing.Event{event("Zenquin treaty signed.", day(2025, time.May, 2), nil, nil, "Reuters")},
		Merges: []briefing.Merge{
			{EventID: ids[0], Citation: briefing.Citation{Source: "Reuters", Sentence: "The summit opened."}, Actors: []string{"russia", "ukraine"}},
			{EventID: ids[0] + 1000, Citation: briefing.Citation{Source: "Reuters", Sentence: "Something else."}},
		},
	}
	if err := s.Ingest(ctx, bad); err == nil {
		t.Fatal("Ingest with a merge into a missing event succeeded")
	}
	if st := stats(t, s); st != before {
		t.Errorf("Stats after failed ingest = %+v, want %+v", st, before)
	}
	if _, err := s.ArticleByHash(ctx, a.Hash); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("article of a failed ingest: err = %v, want ErrNotFound", err)
	}
	if got := searchIDs(t, s, "zenquin"); len(got) != 0 {
		t.Errorf("new event of a failed ingest is searchable: %v", got)
	}
	ev := getEvent(t, s, ids[0])
	if len(ev.Citations) != 1 || !slices.Equal(ev.Actors, []string{"russia"}) {
		t.Errorf("the valid merge of a failed ingest was applied: %d citations, actors %q", len(ev.Citations), ev.Actors)
	}
	if got := searchIDs(t, s, "actor:ukraine"); len(got) != 0 {
		t.Errorf("actor of a failed merge is searchable: %v", got)
	}
	after, _ := s.Sources(ctx)
	if !slices.Equal(after, sources) {
		t.Errorf("Sources changed by a failed ingest: %+v, was %+v", after, sources)
	}
	// The article is not stuck: fixed, it goes in.
	bad.Merges = bad.Merges[:1]
	if err := s.Ingest(ctx, bad); err != nil {
		t.Fatalf("Ingest of the corrected ingestion: %v", err)
	}
	if st := stats(t, s); st != (briefing.Stats{Articles: 2, Events: 2}) {
		t.Errorf("Stats after corrected ingest = %+v, want 2 articles, 2 events", st)
	}
}

func testInvalidText(t *testing.T, h *harness) {
	s := h.store(t)
	cases := map[string]func(in *briefing.Ingestion){
		"invalid UTF-8 summary": func(in *briefing.Ingestion) { in.New[0].Summary = "bad \xff byte" },
		"NUL in summary":        func(in *briefing.Ingestion) { in.New[0].Summary = "nul \x00 byte" },
		"invalid UTF-8 text":    func(in *briefing.Ingestion) { in.Article.Text = "bad \xc3\x28" },
		"NUL in sentence":       func(in *briefing.Ingestion) { in.New[0].Citations[0].Sentence = "a\x00b" },
	}
	for name, spoil := range cases {
		in := &briefing.Ingestion{Article: article("AP"), New: []*briefing.Event{event("Kalomir summit.", day(2025, time.May, 1), nil, nil, "AP")}}
		spoil(in)
		if err := s.Ingest(ctx, in); err == nil {
			t.Errorf("%s: Ingest succeeded, want an error", name)
		}
	}
	if st := stats(t, s); st != (briefing.Stats{}) {
		t.Errorf("Stats after refused ingests = %+v, want empty", st)
	}
}

func testCancelledContext(t *testing.T, h *harness) {
	s := h.store(t)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	in := &briefing.Ingestion{Article: article("AP"), New: []*briefing.Event{event("Kalomir summit.", day(2025, time.May, 1), nil, nil, "AP")}}
	if err := s.Ingest(cctx, in); err == nil {
		t.Error("Ingest with a cancelled context succeeded")
	}
	if st := stats(t, s); st != (briefing.Stats{}) {
		t.Errorf("Stats after cancelled ingest = %+v, want empty", st)
	}
	q, _ := briefing.ParseQuery("kalomir")
	if _, err := s.Search(cctx, q); err == nil {
		t.Error("Search with a cancelled context succeeded")
	}
	// The store still works afterwards.
	ingest(t, s, event("Kalomir summit.", day(2025, time.May, 1), nil, nil, "AP"))
	if got := searchIDs(t, s, "kalomir"); len(got) != 1 {
		t.Errorf("search after cancelled calls found %v, want one event", got)
	}
}

func testSearchOrder(t *testing.T, h *harness) {
	s := h.store(t)
	// Ingested out of date order, in several articles.
	late := ingest(t, s, event("Ceasefire talks in June.", day(2025, time.June, 3), nil, nil, "AP"))
	may := ingest(t, s,
		event("Ceasefire broke down on May 16.", day(2025, time.May, 16), nil, nil, "AP"),
		event("Ceasefire monitors arrived in May.", briefing.MonthDate(2025, time.May, briefing.ModNone), nil, nil, "AP"),
	)
	early := ingest(t, s, event("Ceasefire proposed in 2024.", day(2024, time.December, 30), nil, nil, "AP"))
	tie := ingest(t, s, event("Another ceasefire statement on May 16.", day(2025, time.May, 16), nil, nil, "AP"))
	ingest(t, s, event("Unrelated harvest news.", day(2025, time.May, 10), nil, nil, "AP"))
	// May 1 (month) < May 16 (two, by ID) < June 3; December 2024 first.
	want := []int64{early[0], may[1], may[0], tie[0], late[0]}
	wantIDs(t, "ceasefire", searchIDs(t, s, "ceasefire"), want)
	if p := search(t, s, "ceasefire", 10, 0); p.More {
		t.Error("More = true on a page holding every match")
	}
}

func testPagination(t *testing.T, h *harness) {
	s := h.store(t)
	var evs []*briefing.Event
	for i := range 25 {
		evs = append(evs, event(fmt.Sprintf("Kalomir update number %d.", i), day(2025, time.March, 1+(i*7)%28), nil, nil, "AP"))
	}
	ingest(t, s, evs...)
	all := searchIDs(t, s, "kalomir")
	if len(all) != 25 {
		t.Fatalf("found %d events, want 25", len(all))
	}
	for _, c := range []struct {
		offset int
		more   bool
	}{{0, true}, {10, true}, {20, false}} {
		p := search(t, s, "kalomir", 10, c.offset)
		if p.More != c.more {
			t.Errorf("offset %d: More = %v, want %v", c.offset, p.More, c.more)
		}
		if want := min(10, 25-c.offset); len(p.Events) != want {
			t.Errorf("offset %d: %d events, want %d", c.offset, len(p.Events), want)
		}
	}
	var pages []int64
	for off := 0; off < 25; off += 10 {
		pages = append(pages, eventIDs(search(t, s, "kalomir", 10, off).Events)...)
	}
	wantIDs(t, "pages 1-3 joined", pages, all)
	if p := search(t, s, "kalomir", 10, 30); len(p.Events) != 0 || p.More {
		t.Errorf("offset past the end: %d events, More %v; want none", len(p.Events), p.More)
	}
	if p := search(t, s, "kalomir", 25, 0); len(p.Events) != 25 || p.More {
		t.Errorf("limit = number of matches: %d events, More %v; want 25, false", len(p.Events), p.More)
	}
	if p := search(t, s, "kalomir", 24, 0); len(p.Events) != 24 || !p.More {
		t.Errorf("limit one short: %d events, More %v; want 24, true", len(p.Events), p.More)
	}
	if p := search(t, s, "kalomir", 5, 22); !slices.Equal(eventIDs(p.Events), all[22:]) || p.More {
		t.Errorf("last partial page = %v (More %v), want %v", eventIDs(p.Events), p.More, all[22:])
	}
}

// testSearchAll checks the optional bulk read (briefing.BulkSearcher):
// the same matches as Search page by page, past MaxPageSize, with More
// when the limit cuts them short.
func testSearchAll(t *testing.T, h *harness) {
	s := h.store(t)
	bs, ok := s.(briefing.BulkSearcher)
	if !ok {
		t.Skip("the store reads matches page by page only")
	}
	var evs []*briefing.Event
	for i := range briefing.MaxPageSize + 30 {
		evs = append(evs, event(fmt.Sprintf("Veltrana report number %d.", i), day(2024, time.Month(1+i%12), 1+i%28), nil, nil, "AP"))
	}
	ingest(t, s, evs...)
	var paged []int64
	for off := 0; ; off += briefing.MaxPageSize {
		p := search(t, s, "veltrana", briefing.MaxPageSize, off)
		paged = append(paged, eventIDs(p.Events)...)
		if !p.More {
			break
		}
	}
	q, err := briefing.ParseQuery("veltrana")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		limit int
		more  bool
	}{{len(evs) + 10, false}, {len(evs), false}, {len(evs) - 1, true}, {7, true}} {
		p, err := bs.SearchAll(context.Background(), q, c.limit)
		if err != nil {
			t.Fatalf("SearchAll(limit %d): %v", c.limit, err)
		}
		want := paged[:min(c.limit, len(paged))]
		wantIDs(t, fmt.Sprintf("SearchAll(limit %d)", c.limit), eventIDs(p.Events), want)
		if p.More != c.more {
			t.Errorf("SearchAll(limit %d): More = %v, want %v", c.limit, p.More, c.more)
		}
	}
	// filters and dates behave as in Search
	q, err = briefing.ParseQuery("veltrana since:2024-06 until:2024-06")
	if err != nil {
		t.Fatal(err)
	}
	p, err := bs.SearchAll(context.Background(), q, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range p.Events {
		if ev.Date.Lo.Month() != time.June {
			t.Errorf("since/until June: got %s", ev.Date)
		}
	}
	if len(p.Events) == 0 {
		t.Errorf("since/until June found nothing")
	}
}

func testPhrasesAndTerms(t *testing.T, h *harness) {
	s := h.store(t)
	ids := ingest(t, s,
		event("The two sides agreed a cease-fire in the east.", day(2025, time.May, 1), nil, nil, "AP"),                // 0
		event("Cease operations, the officer said, as fire spread.", day(2025, time.May, 2), nil, nil, "AP"),           // 1
		event("Talks on a truce resumed in Geneva.", day(2025, time.May, 3), nil, nil, "AP"),                           // 2
		event("Kyiv and Moscow completed a prisoner exchange.", day(2025, time.May, 4), nil, nil, "AP"),                // 3
		event("The prisoner was moved before the currency exchange opened.", day(2025, time.May, 5), nil, nil, "AP"),   // 4
		event("A 30-day pause in strikes on energy sites took effect.", day(2025, time.May, 6), nil, nil, "AP"),        // 5
		event("Officials discussed thirty day limits and a pause on exports.", day(2025, time.May, 7), nil, nil, "AP"), // 6
	)
	cases := []struct {
		query string
		want  []int
	}{
		{"ceasefire", []int{0, 2}},
		{"cease fire", []int{0, 2}},
		{`"cease-fire"`, []int{0, 2}},
		{"cease-fire", []int{0, 2}},
		{"truce", []int{0, 2}},
		{"Cease-Fire", []int{0, 2}},
		{"fire cease", []int{0, 1}},
		{`"fire cease"`, nil},
		{`"prisoner exchange"`, []int{3}},
		{"prisoner exchange", []int{3, 4}},
		{"prisoner swap", []int{3, 4}},
		{`"prisoner swap"`, []int{3}},
		{`"30-day pause"`, []int{5}},
		{"30-day", []int{5}},
		{`"thirty day"`, []int{6}},
		{"pause", []int{5, 6}},
		{"exchange ceasefire", nil},
	}
	for _, c := range cases {
		var want []int64
		for _, i := range c.want {
			want = append(want, ids[i])
		}
		got := searchIDs(t, s, c.query)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		wantIDs(t, c.query, got, want)
	}
}

func testActorTopicFilters(t *testing.T, h *harness) {
	s := h.store(t)
	ids := ingest(t, s,
		event("The Russian leader spoke about the talks.", day(2025, time.May, 1), []string{"putin", "russia"}, []string{"talks"}, "AP"),
		event("Kyiv hosted the talks.", day(2025, time.May, 2), []string{"ukraine", "zelensky"}, []string{"talks"}, "AP"),
		event("Brussels approved sanctions.", day(2025, time.May, 3), []string{"european_union"}, []string{"sanctions"}, "AP"),
		event("The Kremlin answered Brussels on sanctions.", day(2025, time.May, 4), []string{"european_union", "putin"}, []string{"sanctions", "talks"}, "AP"),
	)
	cases := []struct {
		query string
		want  []int
	}{
		{"actor:putin", []int{0, 3}},
		{"actor:Putin", []int{0, 3}},
		{"actor:putin topic:talks", []int{0, 3}},
		{"actor:putin topic:sanctions", []int{3}},
		{"topic:talks", []int{0, 1, 3}},
		{"talks actor:zelensky", []int{1}},
		{"actor:european_union", []int{2, 3}},
		{"sanctions actor:european_union", []int{2, 3}},
		{"actor:european", nil},
		{"actor:union", nil},
		{"actor:nobody", nil},
		// Free text also finds events through their actors and topics.
		{"putin", []int{0, 3}},
		{"european union", []int{2, 3}},
		{"kremlin sanctions", []int{3}},
	}
	for _, c := range cases {
		var want []int64
		for _, i := range c.want {
			want = append(want, ids[i])
		}
		got := searchIDs(t, s, c.query)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		wantIDs(t, c.query, got, want)
	}
}

// dateFixture ingests events with every shape of date, all mentioning summit.
func dateFixture(t *testing.T, s briefing.Store) map[string]int64 {
	t.Helper()
	evs := map[string]*briefing.Event{
		"decade":   event("Summit decade.", briefing.EventDate{Value: "202", Gran: briefing.GranDecade, Lo: briefing.Date(2020, 1, 1), Hi: briefing.Date(2029, 12, 31), Origin: briefing.OriginExplicit}, nil, nil, "AP"),
		"century":  event("Summit centuries.", briefing.EventDate{Value: "18", Gran: briefing.GranDecade, Lo: briefing.Date(1800, 1, 1), Hi: briefing.Date(2099, 12, 31), Origin: briefing.OriginExplicit}, nil, nil, "AP"),
		"y2024":    event("Summit year 2024.", briefing.EventDate{Value: "2024", Gran: briefing.GranYear, Lo: briefing.Date(2024, 1, 1), Hi: briefing.Date(2024, 12, 31), Origin: briefing.OriginExplicit}, nil, nil, "AP"),
		"q2":       event("Summit second quarter.", briefing.EventDate{Value: "2025-Q2", Gran: briefing.GranQuarter, Lo: briefing.Date(2025, 4, 1), Hi: briefing.Date(2025, 6, 30), Origin: briefing.OriginExplicit}, nil, nil, "AP"),
		"apr30":    event("Summit April 30.", day(2025, time.April, 30), nil, nil, "AP"),
		"aprRange": event("Summit range late April.", rangeDate(2025, time.April, 21, 2025, time.April, 30), nil, nil, "AP"),
		"lateApr":  event("Summit late April.", briefing.MonthDate(2025, time.April, briefing.ModEnd), nil, nil, "AP"),
		"crossing": event("Summit crossing months.", rangeDate(2025, time.April, 28, 2025, time.May, 3), nil, nil, "AP"),
		"may":      event("Summit in May.", briefing.MonthDate(2025, time.May, briefing.ModNone), nil, nil, "AP"),
		"may8_10":  event("Summit May 8-10.", rangeDate(2025, time.May, 8, 2025, time.May, 10), nil, nil, "AP"),
		"may15":    event("Summit May 15.", day(2025, time.May, 15), nil, nil, "AP"),
		"jun2":     event("Summit June 2.", day(2025, time.June, 2), nil, nil, "AP"),
		"jan2026":  event("Summit January 2026.", day(2026, time.January, 5), nil, nil, "AP"),
	}
	names := make([]string, 0, len(evs))
	for n := range evs {
		names = append(names, n)
	}
	slices.Sort(names)
	list := make([]*briefing.Event, len(names))
	for i, n := range names {
		list[i] = evs[n]
	}
	ingest(t, s, list...)
	out := map[string]int64{}
	for n, ev := range evs {
		out[n] = ev.ID
	}
	return out
}

// timeline orders fixture names the way Search must: by Lo, then ID.
func timeline(t *testing.T, s briefing.Store, ids map[string]int64, names ...string) []int64 {
	t.Helper()
	type item struct {
		lo briefing.Day
		id int64
	}
	var items []item
	for _, n := range names {
		id, ok := ids[n]
		if !ok {
			t.Fatalf("no fixture event %q", n)
		}
		items = append(items, item{getEvent(t, s, id).Date.Lo, id})
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.lo != b.lo {
			return int(a.lo) - int(b.lo)
		}
		return int(a.id - b.id)
	})
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.id
	}
	return out
}

func testSinceUntil(t *testing.T, h *harness) {
	s := h.store(t)
	fx := dateFixture(t, s)
	cases := []struct {
		query string
		want  []string
	}{
		{"summit since:2025-05", []string{"century", "decade", "q2", "crossing", "may", "may8_10", "may15", "jun2", "jan2026"}},
		{"summit since:2025-05-09", []string{"century", "decade", "q2", "may", "may8_10", "may15", "jun2", "jan2026"}},
		{"summit since:2025-05-11", []string{"century", "decade", "q2", "may", "may15", "jun2", "jan2026"}},
		{"summit until:2025-04-29", []string{"century", "decade", "y2024", "q2", "aprRange", "lateApr", "crossing"}},
		{"summit until:2025-05-08", []string{"century", "decade", "y2024", "q2", "apr30", "aprRange", "lateApr", "crossing", "may", "may8_10"}},
		{"summit since:2025-05-09 until:2025-05-09", []string{"century", "decade", "q2", "may", "may8_10"}},
		{"summit since:2025-04-30 until:2025-04-30", []string{"century", "decade", "q2", "apr30", "aprRange", "lateApr", "crossing"}},
		{"summit since:2024 until:2024", []string{"century", "decade", "y2024"}},
		{"summit since:2026", []string{"century", "decade", "jan2026"}},
		{"summit since:2030", []string{"century"}},
		{"summit until:2019", []string{"century"}},
		{"summit since:1700 until:1799", nil},
	}
	for _, c := range cases {
		checkQuery(t, s, fx, c.query, c.want)
	}
	// Pagination across the events that start before since: and those after.
	all := searchIDs(t, s, "summit since:2025-05-09")
	var paged []int64
	for off := 0; off < len(all); off += 3 {
		p := search(t, s, "summit since:2025-05-09", 3, off)
		if want := off+3 < len(all); p.More != want {
			t.Errorf("since: page at offset %d: More = %v, want %v", off, p.More, want)
		}
		paged = append(paged, eventIDs(p.Events)...)
	}
	wantIDs(t, "since: pages joined", paged, all)
}

func testFilterOnly(t *testing.T, h *harness) {
	s := h.store(t)
	fx := dateFixture(t, s)
	extra := ingest(t, s, event("Harvest festival in May.", day(2025, time.May, 20), []string{"ukraine"}, []string{"grain"}, "AP"))
	fx["harvest"] = extra[0]
	cases := []struct {
		query string
		want  []string
	}{
		{"since:2025-05-09 until:2025-05-31", []string{"century", "decade", "q2", "may", "may8_10", "may15", "harvest"}},
		{"since:2025-06", []string{"century", "decade", "q2", "jun2", "jan2026"}},
		{"until:2024-12-31", []string{"century", "decade", "y2024"}},
		{"actor:ukraine", []string{"harvest"}},
		{"topic:grain since:2025-05", []string{"harvest"}},
		{"topic:grain until:2025-05-19", nil},
	}
	for _, c := range cases {
		checkQuery(t, s, fx, c.query, c.want)
	}
	p := search(t, s, "since:2025-05-09 until:2025-05-31", 2, 2)
	want := timeline(t, s, fx, "century", "decade", "q2", "may", "may8_10", "may15", "harvest")[2:4]
	if !slices.Equal(pageIDs(p), want) || !p.More {
		t.Errorf("filter-only page 2 = %v (More %v), want %v, More true", pageIDs(p), p.More, want)
	}
}

// pageIDs returns the IDs of the events on p.
func pageIDs(p briefing.Page) []int64 { return eventIDs(p.Events) }

func testMerge(t *testing.T, h *harness) {
	s := h.store(t)
	evs := ingest(t, s,
		event("Kalomir talks opened.", day(2025, time.May, 1), []string{"russia"}, []string{"talks"}, "AP"),
		event("Kalomir delegates met.", day(2025, time.May, 10), []string{"russia"}, []string{"talks"}, "AP"),
		event("Kalomir accord signed.", day(2025, time.May, 20), []string{"russia"}, []string{"talks"}, "AP"),
	)
	a, b, c := evs[0], evs[1], evs[2]
	wantIDs(t, "before merge", searchIDs(t, s, "kalomir"), []int64{a, b, c})
	before := getEvent(t, s, c)

	newDate := day(2025, time.May, 5)
	art := article("Reuters")
	cit := briefing.Citation{Source: "Reuters", URL: "https://reuters.example/x", Title: "Accord", Published: base, Sentence: "The accord was signed on May 5.", Offset: 3}
	in := &briefing.Ingestion{Article: art, Merges: []briefing.Merge{{
		EventID: c, Citation: cit,
		Actors: []string{"russia", "ukraine"}, Topics: []string{"ceasefire", "talks"}, Date: &newDate,
	}}}
	if err := s.Ingest(ctx, in); err != nil {
		t.Fatalf("Ingest with merge: %v", err)
	}
	wantIDs(t, "after the merge moved c to May 5", searchIDs(t, s, "kalomir"), []int64{a, c, b})
	wantIDs(t, "since:2025-05-15 after the merge", searchIDs(t, s, "kalomir since:2025-05-15"), nil)
	wantIDs(t, "until:2025-05-06 after the merge", searchIDs(t, s, "kalomir until:2025-05-06"), []int64{a, c})
	wantIDs(t, "actor added by the merge", searchIDs(t, s, "actor:ukraine"), []int64{c})
	wantIDs(t, "topic added by the merge", searchIDs(t, s, "topic:ceasefire"), []int64{c})
	wantIDs(t, "actor kept by the merge", searchIDs(t, s, "actor:russia"), []int64{a, c, b})
	wantIDs(t, "free text through the new tags", searchIDs(t, s, "ukraine accord"), []int64{c})
	wantIDs(t, "filter-only query after the merge", searchIDs(t, s, "since:2025-05-04 until:2025-05-06"), []int64{c})

	got := getEvent(t, s, c)
	if got.Date != newDate {
		t.Errorf("merged date = %+v, want %+v", got.Date, newDate)
	}
	if got.Summary != before.Summary || !got.FirstSeen.Equal(before.FirstSeen) {
		t.Errorf("merge changed summary or FirstSeen: %q %v, was %q %v", got.Summary, got.FirstSeen, before.Summary, before.FirstSeen)
	}
	if got.UpdatedAt.Before(before.UpdatedAt) {
		t.Errorf("UpdatedAt went back: %v, was %v", got.UpdatedAt, before.UpdatedAt)
	}
	cit.ArticleID = art.ID
	if len(got.Citations) != 2 || got.Citations[0].Source != "AP" {
		t.Fatalf("citations after merge = %+v, want the old one then the new one", got.Citations)
	}
	want := &briefing.Event{Citations: []briefing.Citation{got.Citations[0], cit}}
	if d := sameEvent(&briefing.Event{Citations: got.Citations}, want); d != "" {
		t.Errorf("merged citation: %s", d)
	}
	if !slices.Equal(got.Actors, []string{"russia", "ukraine"}) || !slices.Equal(got.Topics, []string{"ceasefire", "talks"}) {
		t.Errorf("merged actors %q topics %q", got.Actors, got.Topics)
	}
	if got.Sources()[1] != "Reuters" {
		t.Errorf("Sources() after merge = %q", got.Sources())
	}

	// A merge without a date keeps the date; two merges in one ingestion both apply.
	in2 := &briefing.Ingestion{Article: article("AFP"), Merges: []briefing.Merge{
		{EventID: a, Citation: briefing.Citation{Source: "AFP", Sentence: "Talks opened."}, Actors: []string{"russia"}, Topics: []string{"talks"}},
		{EventID: a, Citation: briefing.Citation{Source: "BBC", Sentence: "Talks began."}, Actors: []string{"putin", "russia"}, Topics: []string{"talks"}},
	}}
	if err := s.Ingest(ctx, in2); err != nil {
		t.Fatalf("Ingest with two merges: %v", err)
	}
	ga := getEvent(t, s, a)
	if ga.Date != day(2025, time.May, 1) || len(ga.Citations) != 3 || !slices.Equal(ga.Actors, []string{"putin", "russia"}) {
		t.Errorf("after two merges: date %+v, %d citations, actors %q", ga.Date, len(ga.Citations), ga.Actors)
	}
	wantIDs(t, "actor from the second merge", searchIDs(t, s, "actor:putin"), []int64{a})
	if st := stats(t, s); st != (briefing.Stats{Articles: 3, Events: 3}) {
		t.Errorf("Stats = %+v, want 3 articles, 3 events (merges add no events)", st)
	}
}

func testLatest(t *testing.T, h *harness) {
	s := h.store(t)
	mk := func(summary string, first time.Time) *briefing.Event {
		ev := event(summary, day(2025, time.May, 1), nil, nil, "AP")
		ev.FirstSeen, ev.UpdatedAt = first, first
		return ev
	}
	ids := ingest(t, s,
		mk("Oldest.", base.Add(-3*time.Hour)),
		mk("Newest.", base),
		mk("Middle.", base.Add(-time.Hour)),
		mk("Also newest.", base),
	)
	got, err := s.Latest(ctx, 3)
	if err != nil {
		t.Fatalf("Latest: %v", err)
	}
	// Ties on FirstSeen: the later ID first.
	wantIDs(t, "Latest(3)", eventIDs(got), []int64{ids[3], ids[1], ids[2]})
	if len(got) > 0 && len(got[0].Citations) != 1 {
		t.Errorf("Latest events lack citations: %+v", got[0])
	}
	all, _ := s.Latest(ctx, 100)
	if len(all) != 4 {
		t.Errorf("Latest(100) returned %d events, want 4", len(all))
	}
}

func testSources(t *testing.T, h *harness) {
	s := h.store(t)
	put := func(source string, at time.Time, evs ...*briefing.Event) *briefing.Ingestion {
		a := article(source)
		a.IngestedAt = at
		in := &briefing.Ingestion{Article: a, New: evs}
		if err := s.Ingest(ctx, in); err != nil {
			t.Fatalf("Ingest: %v", err)
		}
		return in
	}
	in := put("AP", base.Add(-2*time.Hour), event("One.", day(2025, 5, 1), nil, nil, "AP"), event("Two.", day(2025, 5, 2), nil, nil, "AP"))
	put("Reuters", base.Add(-time.Hour), event("Three.", day(2025, 5, 3), nil, nil, "Reuters"))
	put("AP", base.Add(-3*time.Hour))
	merge := &briefing.Ingestion{Article: article("Reuters"), Merges: []briefing.Merge{{
		EventID: in.New[0].ID, Citation: briefing.Citation{Source: "Reuters", Sentence: "One."},
	}}}
	merge.Article.IngestedAt = base
	if err := s.Ingest(ctx, merge); err != nil {
		t.Fatalf("Ingest merge: %v", err)
	}
	got, err := s.Sources(ctx)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	want := []briefing.SourceStat{
		{Source: "Reuters", Articles: 2, Citations: 2, LastIngested: base},
		{Source: "AP", Articles: 2, Citations: 2, LastIngested: base.Add(-2 * time.Hour)},
	}
	if len(got) != len(want) {
		t.Fatalf("Sources = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Source != w.Source || g.Articles != w.Articles || g.Citations != w.Citations || !g.LastIngested.Equal(w.LastIngested) {
			t.Errorf("Sources[%d] = %+v, want %+v", i, g, w)
		}
	}
}

func testNotFound(t *testing.T, h *harness) {
	s := h.store(t)
	ids := ingest(t, s, event("Kalomir.", day(2025, 5, 1), nil, nil, "AP"))
	for _, id := range []int64{ids[0] + 1, 0, -1, 1 << 40} {
		if _, err := s.Event(ctx, id); !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("Event(%d): err = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := s.ArticleByHash(ctx, "no such hash"); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("ArticleByHash(missing): err = %v, want ErrNotFound", err)
	}
	if _, err := s.ArticleByHash(ctx, ""); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("ArticleByHash(\"\"): err = %v, want ErrNotFound", err)
	}
}

func testOverlapping(t *testing.T, h *harness) {
	s := h.store(t)
	fx := dateFixture(t, s)
	set := func(evs []*briefing.Event) []int64 {
		out := eventIDs(evs)
		slices.Sort(out)
		return out
	}
	want := func(names ...string) []int64 {
		var out []int64
		for _, n := range names {
			out = append(out, fx[n])
		}
		slices.Sort(out)
		return out
	}
	cases := []struct {
		lo, hi briefing.Day
		names  []string
	}{
		{briefing.Date(2025, 5, 9), briefing.Date(2025, 5, 9), []string{"century", "decade", "q2", "may", "may8_10"}},
		{briefing.Date(2025, 5, 9), briefing.Date(2025, 5, 15), []string{"century", "decade", "q2", "may", "may8_10", "may15"}},
		{briefing.Date(2025, 5, 15), briefing.Date(2025, 5, 9), []string{"century", "decade", "q2", "may", "may8_10", "may15"}},
		{briefing.Date(2025, 4, 29), briefing.Date(2025, 5, 1), []string{"century", "decade", "q2", "apr30", "aprRange", "lateApr", "crossing", "may"}},
		{briefing.Date(2024, 6, 1), briefing.Date(2024, 6, 1), []string{"century", "decade", "y2024"}},
		{briefing.Date(2031, 1, 1), briefing.Date(2032, 1, 1), []string{"century"}},
		{briefing.Date(1700, 1, 1), briefing.Date(1700, 1, 1), nil},
	}
	for _, c := range cases {
		got, err := s.Overlapping(ctx, c.lo, c.hi, 100)
		if err != nil {
			t.Fatalf("Overlapping(%s, %s): %v", c.lo, c.hi, err)
		}
		if g, w := set(got), want(c.names...); !slices.Equal(g, w) {
			t.Errorf("Overlapping(%s, %s) = %v, want %v", c.lo, c.hi, g, w)
		}
		for _, ev := range got {
			if ev.Summary == "" || ev.Date.IsZero() || ev.FirstSeen.IsZero() {
				t.Errorf("Overlapping returned event %d without its summary or dates: %+v", ev.ID, ev)
			}
			if len(ev.Citations) != 0 {
				t.Errorf("Overlapping returned event %d with citations; the contract leaves them out", ev.ID)
			}
		}
	}
	got, err := s.Overlapping(ctx, briefing.Date(2025, 5, 9), briefing.Date(2025, 5, 15), 2)
	if err != nil || len(got) != 2 {
		t.Errorf("Overlapping with limit 2: %d events, %v", len(got), err)
	}
}

// hostile is text that has broken chat bots, SQL and search syntax before.
var hostile = []string{
	`He said "ceasefire" and 'truce'; then \"escaped\" quotes`,
	"<!channel> <@U123> *bold* _it_ `code` ```block``` > quote & <script>alert(1)</script>",
	"Robert'); DROP TABLE events;-- OR 1=1 /* */",
	`NEAR(kalomir zenquin) OR "unbalanced AND NOT * ^ : {text} -x +y`,
	"emoji 🕊️🇺🇦🇷🇺 👩‍👩‍👧 zero\u200bwidth",
	"RTL \u202eevil\u202c עברית שלום العربية سلام",
	"tabs\tand\nnewlines\r\n and U+2028\u2028 U+FEFF\ufeff",
	"Ωmega Zelenskỹy Ærø ß façade naïve 東京 서울",
	strings.Repeat("long ", 2000) + "end",
}

func testHostileText(t *testing.T, h *harness) {
	s := h.store(t)
	var evs []*briefing.Event
	for i, text := range hostile {
		ev := event(text, day(2025, 5, 1+i), []string{"actor_" + fmt.Sprint(i)}, []string{"t" + fmt.Sprint(i)}, text)
		ev.Citations[0].Title = text
		ev.Citations[0].URL = "https://example.com/?q=" + text
		evs = append(evs, ev)
	}
	a := article("AP")
	a.Title = hostile[0]
	a.Text = strings.Join(hostile, "\n")
	a.URL = "https://example.com/a?b=\"c\"&d='e'"
	if err := s.Ingest(ctx, &briefing.Ingestion{Article: a, New: evs}); err != nil {
		t.Fatalf("Ingest of hostile text: %v", err)
	}
	for i, want := range evs {
		got := getEvent(t, s, want.ID)
		if d := sameEvent(got, want); d != "" {
			t.Errorf("hostile text %d did not round-trip: %s", i, d)
		}
	}
	got, err := s.ArticleByHash(ctx, a.Hash)
	if err != nil {
		t.Fatalf("ArticleByHash: %v", err)
	}
	if d := sameArticle(got, a); d != "" {
		t.Errorf("hostile article did not round-trip: %s", d)
	}
	wantIDs(t, "search for a word in hostile text", searchIDs(t, s, "unbalanced"), []int64{evs[3].ID})
	wantIDs(t, "search for a folded word", searchIDs(t, s, "zelenskyy"), []int64{evs[7].ID})
	sources, err := s.Sources(ctx)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	found := 0
	for _, st := range sources {
		if slices.Contains(hostile, st.Source) {
			found++
		}
	}
	if found != len(hostile) {
		t.Errorf("Sources lists %d of the %d hostile source names", found, len(hostile))
	}
}

func testHostileQueries(t *testing.T, h *harness) {
	s := h.store(t)
	ingest(t, s, event("Kalomir near the border.", day(2025, 5, 1), []string{"putin"}, []string{"talks"}, "AP"))
	typed := append(slices.Clone(hostile), `"`, `""`, `"near"`, "kalomir*", "NOT kalomir", "kalomir OR x", "a AND b",
		"actor:x\"y", "topic:*", `"kalomir`, "kalomir)", "{text}: kalomir", "rowid:1")
	for _, text := range typed {
		q, err := briefing.ParseQuery(text)
		if err != nil {
			continue // refused by the parser: nothing reaches the store
		}
		if _, err := s.Search(ctx, q); err != nil {
			t.Errorf("Search(%q): %v", text, err)
		}
	}
	// Queries built by code rather than the parser must not break either.
	odd := []briefing.Query{
		{Phrases: [][]string{{`a"b`}}, Limit: 10},
		{Phrases: [][]string{{"near", "("}, {"*"}}, Limit: 10},
		{Phrases: [][]string{{""}}, Limit: 10},
		{Actors: []string{`x" OR "y`}, Topics: []string{"NOT"}, Limit: 10},
		{Phrases: [][]string{{"kalomir"}}, Limit: -5, Offset: -3},
		{Phrases: [][]string{{"kalomir"}}, Limit: 1 << 30},
		{Since: briefing.Date(2025, 6, 1), Until: briefing.Date(2025, 5, 1), Limit: 10},
		{Since: briefing.Day(-1 << 30), Until: briefing.Day(1 << 30), Limit: 10},
	}
	for _, q := range odd {
		if _, err := s.Search(ctx, q); err != nil {
			t.Errorf("Search(%+v): %v", q, err)
		}
	}
	wantIDs(t, "kalomir still found", searchIDs(t, s, "kalomir"), searchIDs(t, s, "kalomir since:2025-05"))
	q := briefing.Query{Since: briefing.Date(2025, 6, 1), Until: briefing.Date(2025, 5, 1), Limit: 10}
	if p, _ := s.Search(ctx, q); len(p.Events) != 0 {
		t.Errorf("until before since found %d events, want none", len(p.Events))
	}
}

func testReopen(t *testing.T, h *harness) {
	dir := t.TempDir()
	s := h.open(t, dir)
	first := ingest(t, s,
		event("Kalomir summit opened.", day(2025, 5, 1), []string{"putin"}, []string{"talks"}, "AP"),
		event("Kalomir summit closed.", day(2025, 5, 3), nil, nil, "AP"),
	)
	want := getEvent(t, s, first[0])
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	s2 := h.open(t, dir)
	defer s2.Close()
	if st := stats(t, s2); st != (briefing.Stats{Articles: 1, Events: 2}) {
		t.Errorf("Stats after reopen = %+v, want 1 article, 2 events", st)
	}
	if d := sameEvent(getEvent(t, s2, first[0]), want); d != "" {
		t.Errorf("event changed across reopen: %s", d)
	}
	wantIDs(t, "search after reopen", searchIDs(t, s2, "kalomir"), first)
	wantIDs(t, "actor after reopen", searchIDs(t, s2, "actor:putin"), first[:1])
	more := ingest(t, s2, event("Kalomir summit resumed.", day(2025, 5, 2), nil, nil, "AP"))
	if slices.Contains(first, more[0]) {
		t.Errorf("event ingested after reopen reused ID %d", more[0])
	}
	wantIDs(t, "search after reopen and ingest", searchIDs(t, s2, "kalomir"), []int64{first[0], more[0], first[1]})
}

func testConcurrent(t *testing.T, h *harness) {
	s := h.store(t)
	const writers, readers, perWriter = 4, 4, 15
	errs := make(chan error, 64)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	firsts := make([]int64, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				actors := []string{fmt.Sprintf("writer_%d", w)}
				ev := event(fmt.Sprintf("Kalomir report %d from writer %d.", i, w), day(2025, time.Month(1+i%12), 1+w), actors, nil, "AP")
				in := &briefing.Ingestion{Article: article("AP"), New: []*briefing.Event{ev}}
				if i > 0 && i%3 == 0 {
					// Merge into this writer's first event as well.
					in.Merges = []briefing.Merge{{EventID: firsts[w], Actors: actors, Citation: briefing.Citation{Source: "AFP", Sentence: "Again."}}}
				}
				if err := s.Ingest(ctx, in); err != nil {
					report(fmt.Errorf("writer %d ingest %d: %w", w, i, err))
					return
				}
				if i == 0 {
					firsts[w] = ev.ID
				}
			}
		}()
	}
	stop := make(chan struct{})
	var rg sync.WaitGroup
	for r := range readers {
		rg.Add(1)
		go func() {
			defer rg.Done()
			queries := []string{"kalomir", "kalomir since:2025-03", "actor:writer_1", "until:2025-06", "since:2025-04"}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q, _ := briefing.ParseQuery(queries[(i+r)%len(queries)])
				p, err := s.Search(ctx, q)
				if err != nil {
					report(fmt.Errorf("reader %d: %w", r, err))
					return
				}
				for j := 1; j < len(p.Events); j++ {
					a, b := p.Events[j-1], p.Events[j]
					if a.Date.Lo > b.Date.Lo || (a.Date.Lo == b.Date.Lo && a.ID >= b.ID) {
						report(fmt.Errorf("reader %d: results out of order: %d then %d", r, a.ID, b.ID))
					}
				}
				if _, err := s.Latest(ctx, 5); err != nil {
					report(fmt.Errorf("reader %d latest: %w", r, err))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := stats(t, s); st != (briefing.Stats{Articles: writers * perWriter, Events: writers * perWriter}) {
		t.Errorf("Stats = %+v, want %d articles and events", st, writers*perWriter)
	}
	if p := search(t, s, "kalomir", 100, 0); len(p.Events) != writers*perWriter {
		t.Errorf("search found %d events, want %d", len(p.Events), writers*perWriter)
	}
	for w := range writers {
		if got := searchIDs(t, s, fmt.Sprintf("actor:writer_%d", w)); len(got) != perWriter {
			t.Errorf("writer %d: %d events found, want %d", w, len(got), perWriter)
		}
		if ev := getEvent(t, s, firsts[w]); len(ev.Citations) != 1+(perWriter-1)/3 {
			t.Errorf("writer %d: first event has %d citations, want %d", w, len(ev.Citations), 1+(perWriter-1)/3)
		}
	}
}

// checkQuery asserts that query finds exactly the fixture events named in
// want, in timeline order.
func checkQuery(t *testing.T, s briefing.Store, fx map[string]int64, query string, want []string) {
	t.Helper()
	got := searchIDs(t, s, query)
	var wantIDList []int64
	if len(want) > 0 {
		wantIDList = timeline(t, s, fx, want...)
	}
	if len(got) == 0 && len(wantIDList) == 0 {
		return
	}
	wantIDs(t, query, got, wantIDList)
}
