package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/briefbot/briefbot/briefing"
)

// eventCols are the columns scanEvent reads, from events aliased e.
const eventCols = `e.id, e.date_value, e.date_gran, e.date_mod, e.lo, e.hi, e.is_range, e.date_origin,
	e.summary, e.actors, e.topics, e.citations, e.first_seen, e.updated_at`

// eventColsNoCitations is eventCols with an empty list for the citations,
// for reads that do not need them.
const eventColsNoCitations = `e.id, e.date_value, e.date_gran, e.date_mod, e.lo, e.hi, e.is_range, e.date_origin,
	e.summary, e.actors, e.topics, '[]', e.first_seen, e.updated_at`

// ftsJoin selects a match's sortkey and event; the event ID is the low 32
// bits of the index rowid, so the join is one primary-key lookup.
const ftsJoin = "SELECT f.rowid, " + eventCols + " FROM events_fts f JOIN events e ON e.id = (f.rowid & 4294967295) "

type scanner interface{ Scan(dest ...any) error }

// scanEvent reads eventCols, after the destinations in pre.
func scanEvent(r scanner, pre ...any) (*briefing.Event, error) {
	var (
		ev                   briefing.Event
		gran                 int
		mod, origin          string
		lo, hi               int64
		actors, topics, cits string
		firstSeen, updatedAt int64
	)
	dest := append(pre, &ev.ID, &ev.Date.Value, &gran, &mod, &lo, &hi, &ev.Date.Range, &origin,
		&ev.Summary, &actors, &topics, &cits, &firstSeen, &updatedAt)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	ev.Date.Gran = briefing.Granularity(gran)
	ev.Date.Mod = briefing.Mod(mod)
	ev.Date.Origin = briefing.DateOrigin(origin)
	ev.Date.Lo, ev.Date.Hi = briefing.Day(lo), briefing.Day(hi)
	ev.FirstSeen, ev.UpdatedAt = fromMicros(firstSeen), fromMicros(updatedAt)
	var err error
	if ev.Actors, err = decodeList(actors); err != nil {
		return nil, fmt.Errorf("event %d actors: %w", ev.ID, err)
	}
	if ev.Topics, err = decodeList(topics); err != nil {
		return nil, fmt.Errorf("event %d topics: %w", ev.ID, err)
	}
	if ev.Citations, err = decodeCitations(cits); err != nil {
		return nil, fmt.Errorf("event %d: %w", ev.ID, err)
	}
	return &ev, nil
}

// queryEvents runs a query whose rows are a sortkey followed by eventCols.
func (s *Store) queryEvents(ctx context.Context, query string, args ...any) ([]*briefing.Event, error) {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*briefing.Event
	for rows.Next() {
		var key int64
		ev, err := scanEvent(rows, &key)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Search returns the events matching q in timeline order (interval start,
// then ID). A Limit outside 1..briefing.MaxPageSize is clamped (0 means
// briefing.DefaultPageSize), and a negative Offset counts as 0.
//
// The full-text index is walked in its own rowid order, which is timeline
// order, and the walk stops after Limit+1 hits: no match set is sorted. A
// since: bound adds a second walk, over the index's span tokens, for the
// events that start before it but end on or after it; the two walks are
// merged by SQLite without sorting.
func (s *Store) Search(ctx context.Context, q briefing.Query) (briefing.Page, error) {
	q.Limit = pageLimit(q.Limit)
	return s.search(ctx, q)
}

// SearchAll is Search without the page-size bound: up to limit events from
// q.Offset, in one walk of the index. A summary timeline reads thousands of
// matches; paging through them with offsets would walk the index again for
// every page. It implements briefing.BulkSearcher.
func (s *Store) SearchAll(ctx context.Context, q briefing.Query, limit int) (briefing.Page, error) {
	q.Limit = max(limit, 1)
	return s.search(ctx, q)
}

// search runs a query whose Limit is already bounded.
func (s *Store) search(ctx context.Context, q briefing.Query) (briefing.Page, error) {
	query, args, ok := buildSearchLimit(q, false, q.Limit)
	if !ok {
		return briefing.Page{}, nil
	}
	evs, err := s.queryEvents(ctx, query, args...)
	if err != nil {
		return briefing.Page{}, fmt.Errorf("sqlite: search %q: %w", q.Text, err)
	}
	// SQLite yields the joined page in walk order; this guard costs one
	// comparison per event and sorts only if that ever changes.
	if !slices.IsSortedFunc(evs, timelineOrder) {
		slices.SortFunc(evs, timelineOrder)
	}
	limit := q.Limit
	var p briefing.Page
	if len(evs) > limit {
		evs, p.More = evs[:limit], true
	}
	p.Events = evs
	return p, nil
}

// timelineOrder compares events by interval start, then ID.
func timelineOrder(a, b *briefing.Event) int {
	return cmp.Compare(sortKey(a.Date.Lo, a.ID), sortKey(b.Date.Lo, b.ID))
}

func pageLimit(n int) int {
	switch {
	case n <= 0:
		return briefing.DefaultPageSize
	case n > briefing.MaxPageSize:
		return briefing.MaxPageSize
	}
	return n
}

// searchSQL builds the statement for q. It reports false when q cannot
// match anything.
func searchSQL(q briefing.Query) (string, []any, bool) { return buildSearch(q, false) }

// buildSearch builds Search's statement for q, or with bare set the same
// index walks returning sortkeys only: no join with events, no hi filter.
func buildSearch(q briefing.Query, bare bool) (string, []any, bool) {
	return buildSearchLimit(q, bare, pageLimit(q.Limit))
}

// buildSearchLimit is buildSearch for a page of pageSize events.
func buildSearchLimit(q briefing.Query, bare bool, pageSize int) (string, []any, bool) {
	if q.Since != 0 && q.Until != 0 && q.Until < q.Since {
		return "", nil, false
	}
	limit := pageSize + 1
	offset := max(q.Offset, 0)
	upper := int64(math.MaxInt64)
	if q.Until != 0 {
		upper = dayKeyEnd(q.Until)
	}
	fts, hiFilter, events := ftsJoin, " AND e.hi >= ?", "SELECT e.sortkey, "+eventCols+" FROM events e "
	if bare {
		fts, hiFilter, events = "SELECT f.rowid FROM events_fts f ", "", "SELECT e.sortkey FROM events e "
	}
	match := matchExpr(q)
	if q.Since == 0 {
		if match == "" {
			return events + "WHERE e.sortkey <= ? ORDER BY e.sortkey LIMIT ? OFFSET ?", []any{upper, limit, offset}, true
		}
		walk := "SELECT f.rowid FROM events_fts f WHERE f.events_fts MATCH ? AND f.rowid <= ? ORDER BY f.rowid LIMIT ? OFFSET ?"
		if bare {
			return walk, []any{match, upper, limit, offset}, true
		}
		// The page is cut from the bare walk before the join, so rows
		// skipped by Offset are never fetched from events.
		return "SELECT k.rowid, " + eventCols + " FROM (" + walk + ") k JOIN events e ON e.id = (k.rowid & 4294967295)",
			[]any{match, upper, limit, offset}, true
	}
	// Events starting on or after Since all end after it, so the main walk
	// needs no filter; the ones starting before it are found through the
	// span tokens of the day Since, in a second walk that SQLite merges
	// with the first (both are in sortkey order, so nothing is sorted).
	start := dayKey(q.Since)
	straddleMatch := spanMatch(q.Since)
	if match != "" {
		straddleMatch = "(" + match + ") AND " + straddleMatch
	}
	args := []any{straddleMatch, min(start-1, upper)}
	if !bare {
		args = append(args, int64(q.Since))
	}
	straddle := fts + "WHERE f.events_fts MATCH ? AND f.rowid <= ?" + hiFilter
	var main string
	if match == "" {
		main = events + "WHERE e.sortkey >= ? AND e.sortkey <= ?"
	} else {
		main = fts + "WHERE f.events_fts MATCH ? AND f.rowid >= ? AND f.rowid <= ?"
		args = append(args, match)
	}
	args = append(args, start, upper, limit, offset)
	return straddle + " UNION ALL " + main + " ORDER BY 1 LIMIT ? OFFSET ?", args, true
}

// BareSearch runs the index walks that Search runs for q and returns the
// sortkeys they yield (Limit+1 of them after Offset), without joining the
// events table, filtering on interval ends or decoding anything. It exists
// so benchmarks can compare Search with the bare full-text query it wraps.
func (s *Store) BareSearch(ctx context.Context, q briefing.Query) ([]int64, error) {
	query, args, ok := buildSearch(q, true)
	if !ok {
		return nil, nil
	}
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("sqlite: bare search %q: %w", q.Text, err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: bare search %q: %w", q.Text, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("sqlite: bare search %q: %w", q.Text, err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: bare search %q: %w", q.Text, err)
	}
	return out, nil
}

// Event returns one event with its citations, or an error wrapping
// briefing.ErrNotFound.
func (s *Store) Event(ctx context.Context, id int64) (*briefing.Event, error) {
	evs, err := s.queryEvents(ctx, "SELECT e.sortkey, "+eventCols+" FROM events e WHERE e.id = ?", id)
	if err == nil && len(evs) == 0 {
		err = briefing.ErrNotFound
	}
	if errors.Is(err, briefing.ErrNotFound) {
		return nil, fmt.Errorf("sqlite: event %d: %w", id, briefing.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: event %d: %w", id, err)
	}
	return evs[0], nil
}

// Overlapping returns up to limit events whose interval intersects [lo, hi]
// (swapped if hi < lo), with citations, in timeline order. It reads the
// events starting inside [lo, hi] from the sortkey index and the few that
// start earlier but reach lo through the span tokens, so its cost does not
// grow with the store.
func (s *Store) Overlapping(ctx context.Context, lo, hi briefing.Day, limit int) ([]*briefing.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	query, args := overlapSQL(lo, hi, limit)
	evs, err := s.queryEvents(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events overlapping %s..%s: %w", lo, hi, err)
	}
	return evs, nil
}

// overlapSQL builds the Overlapping statement for lo <= hi.
// Citations are left out (an empty list stands in their column): merge
// candidates are compared by date, people, topics and wording, and decoding
// every candidate's citations was most of the cost of ingestion.
func overlapSQL(lo, hi briefing.Day, limit int) (string, []any) {
	start := dayKey(lo)
	cols := eventColsNoCitations
	return "SELECT f.rowid, " + cols + " FROM events_fts f JOIN events e ON e.id = (f.rowid & 4294967295) " +
			"WHERE f.events_fts MATCH ? AND f.rowid < ? AND e.hi >= ?" +
			" UNION ALL SELECT e.sortkey, " + cols + " FROM events e WHERE e.sortkey >= ? AND e.sortkey <= ? ORDER BY 1 LIMIT ?",
		[]any{spanMatch(lo), start, int64(lo), start, dayKeyEnd(hi), limit}
}

// Latest returns up to limit events, most recently first seen first (ties by
// descending ID).
func (s *Store) Latest(ctx context.Context, limit int) ([]*briefing.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	evs, err := s.queryEvents(ctx, "SELECT e.sortkey, "+eventCols+" FROM events e ORDER BY e.first_seen DESC, e.id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: latest events: %w", err)
	}
	return evs, nil
}

// Sources lists every source with its article and citation counts, most
// recently ingested first (ties by name).
func (s *Store) Sources(ctx context.Context) ([]briefing.SourceStat, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT name, articles, citations, last_ingested FROM sources ORDER BY last_ingested DESC, name")
	if err != nil {
		return nil, fmt.Errorf("sqlite: sources: %w", err)
	}
	defer rows.Close()
	var out []briefing.SourceStat
	for rows.Next() {
		var st briefing.SourceStat
		var last int64
		if err := rows.Scan(&st.Source, &st.Articles, &st.Citations, &last); err != nil {
			return nil, fmt.Errorf("sqlite: sources: %w", err)
		}
		st.LastIngested = fromMicros(last)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: sources: %w", err)
	}
	return out, nil
}

// Stats counts articles and events.
func (s *Store) Stats(ctx context.Context) (briefing.Stats, error) {
	var st briefing.Stats
	if err := s.read.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)").
		Scan(&st.Articles, &st.Events); err != nil {
		return st, fmt.Errorf("sqlite: stats: %w", err)
	}
	return st, nil
}

// ArticleByHash returns the stored article with that hash, or an error
// wrapping briefing.ErrNotFound.
func (s *Store) ArticleByHash(ctx context.Context, hash string) (*briefing.Article, error) {
	var a briefing.Article
	var published, ingested int64
	err := s.read.QueryRowContext(ctx, "SELECT id, hash, source, via, url, title, published, text, ingested_at FROM articles WHERE hash = ?", hash).
		Scan(&a.ID, &a.Hash, &a.Source, &a.Via, &a.URL, &a.Title, &published, &a.Text, &ingested)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: article %.16s: %w", hash, briefing.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: article %.16s: %w", hash, err)
	}
	a.Published, a.IngestedAt = fromMicros(published), fromMicros(ingested)
	return &a, nil
}
