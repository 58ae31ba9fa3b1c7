package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// This file is the briefing.FeedStore half of Store: the feeds the poller
// follows, the items it ingested from them, and the retraction of an
// article whose item changed (migration 0003).

var _ briefing.FeedStore = (*Store)(nil)

// maxValidator bounds a stored ETag or Last-Modified value, in bytes. Both
// are sent back to the server verbatim; one longer than this is not a
// validator any server means, and is dropped.
const maxValidator = 64 << 10

// feedCols are the columns scanFeed reads.
const feedCols = `id, url, title, source, topics, interval_us, full_text, origin, created_by, created_at,
	etag, last_modified, last_poll, last_success, last_error, failures, items, next_poll, reported`

func scanFeed(r scanner) (*briefing.Feed, error) {
	var (
		f                               briefing.Feed
		topics                          string
		interval, created               int64
		lastPoll, lastSuccess, nextPoll int64
	)
	st := &f.State
	if err := r.Scan(&f.ID, &f.URL, &f.Title, &f.Source, &topics, &interval, &f.FullText, &f.Origin, &f.CreatedBy, &created,
		&st.ETag, &st.LastModified, &lastPoll, &lastSuccess, &st.LastError, &st.Failures, &st.Items, &nextPoll, &st.Reported); err != nil {
		return nil, err
	}
	var err error
	if f.Topics, err = decodeList(topics); err != nil {
		return nil, fmt.Errorf("feed %d topics: %w", f.ID, err)
	}
	f.Interval = time.Duration(interval) * time.Microsecond
	f.CreatedAt = fromMicros(created)
	st.LastPoll, st.LastSuccess, st.NextPoll = fromMicros(lastPoll), fromMicros(lastSuccess), fromMicros(nextPoll)
	return &f, nil
}

// checkFeed refuses a feed without a URL and text fields no store could
// keep byte-exact. Its State is not checked: see storableState.
func checkFeed(f *briefing.Feed) error {
	if f == nil {
		return fmt.Errorf("%w: no feed", ErrInvalid)
	}
	if f.URL == "" {
		return fmt.Errorf("%w: the feed has no URL", ErrInvalid)
	}
	for _, c := range []struct{ name, v string }{
		{"feed URL", f.URL}, {"feed title", f.Title}, {"feed source", f.Source},
		{"origin", f.Origin}, {"created by", f.CreatedBy},
	} {
		if err := checkText(c.name, c.v); err != nil {
			return err
		}
	}
	return checkList("feed topic", f.Topics)
}

// storableState returns st as it is stored. Its text comes from the feed's
// server, so it is made storable rather than refused, which would lose the
// whole poll's record (failures, next poll) to one odd header: LastError
// is a diagnostic (invalid UTF-8 and NUL bytes replaced, cut at 64 KiB),
// and an ETag or Last-Modified value that is not valid UTF-8, holds a NUL
// byte or is longer than 64 KiB is dropped, since a changed validator would
// be sent back meaning nothing. Times are cut to the microsecond, in UTC.
func storableState(st briefing.FeedState) briefing.FeedState {
	validator := func(v string) string {
		if len(v) > maxValidator || checkText("", v) != nil {
			return ""
		}
		return v
	}
	st.ETag = validator(st.ETag)
	st.LastModified = validator(st.LastModified)
	st.LastError = diagnostic(st.LastError)
	st.LastPoll, st.LastSuccess, st.NextPoll = stored(st.LastPoll), stored(st.LastSuccess), stored(st.NextPoll)
	return st
}

// AddFeed stores a new feed, with its State, and sets its ID and, when it
// is zero, its CreatedAt (the store's clock); CreatedAt comes back to the
// microsecond, in UTC. Interval is kept to the microsecond; the store
// applies no default. A URL already added returns an error wrapping
// briefing.ErrExists; an empty URL or text that is not valid UTF-8 or holds
// a NUL byte, one wrapping ErrInvalid. The State's text is made storable as
// SetFeedState does.
func (s *Store) AddFeed(ctx context.Context, f *briefing.Feed) error {
	if err := checkFeed(f); err != nil {
		return fmt.Errorf("sqlite: add feed: %w", err)
	}
	created := stored(s.now())
	if !f.CreatedAt.IsZero() {
		created = stored(f.CreatedAt)
	}
	st := storableState(f.State)
	var id int64
	err := s.write.QueryRowContext(ctx, `INSERT INTO feeds (url, title, source, topics, interval_us, full_text, origin,
			created_by, created_at, etag, last_modified, last_poll, last_success, last_error, failures, items, next_poll, reported)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING RETURNING id`,
		f.URL, f.Title, f.Source, encodeList(f.Topics), f.Interval.Microseconds(), f.FullText, f.Origin,
		f.CreatedBy, micros(created), st.ETag, st.LastModified, micros(st.LastPoll), micros(st.LastSuccess),
		st.LastError, st.Failures, st.Items, micros(st.NextPoll), st.Reported).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: add feed %s: %w", f.URL, briefing.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: add feed %s: %w", f.URL, classify(err))
	}
	f.ID, f.CreatedAt = id, created
	return nil
}

// Feed returns one feed, or an error wrapping briefing.ErrNotFound.
func (s *Store) Feed(ctx context.Context, id int64) (*briefing.Feed, error) {
	f, err := scanFeed(s.read.QueryRowContext(ctx, "SELECT "+feedCols+" FROM feeds WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: feed %d: %w", id, briefing.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: feed %d: %w", id, classify(err))
	}
	return f, nil
}

// Feeds lists every feed by ID.
func (s *Store) Feeds(ctx context.Context) ([]*briefing.Feed, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+feedCols+" FROM feeds ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("sqlite: feeds: %w", classify(err))
	}
	defer rows.Close()
	var out []*briefing.Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: feeds: %w", classify(err))
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: feeds: %w", classify(err))
	}
	return out, nil
}

// RemoveFeed deletes a feed and its item records, not the articles they
// name, or returns an error wrapping briefing.ErrNotFound.
func (s *Store) RemoveFeed(ctx context.Context, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Explicitly, not only through ON DELETE CASCADE, so that the
		// items go even on a connection without foreign_keys.
		if _, err := tx.ExecContext(ctx, "DELETE FROM feed_items WHERE feed_id = ?", id); err != nil {
			return err
		}
		return mustAffect(tx.ExecContext(ctx, "DELETE FROM feeds WHERE id = ?", id))
	})
	if err != nil {
		return fmt.Errorf("sqlite: remove feed %d: %w", id, classify(err))
	}
	return nil
}

// SetFeedState replaces a feed's State, or returns an error wrapping
// briefing.ErrNotFound when the feed was removed. The state's text comes
// from the feed's server and is made storable rather than refused: an ETag
// or Last-Modified value that is not valid UTF-8, holds a NUL byte or
// exceeds 64 KiB is dropped (stored empty), and LastError is stored as a
// diagnostic, as ReleaseClaim does. Times are kept to the microsecond.
func (s *Store) SetFeedState(ctx context.Context, id int64, st briefing.FeedState) error {
	st = storableState(st)
	err := mustAffect(s.write.ExecContext(ctx, `UPDATE feeds SET etag = ?, last_modified = ?, last_poll = ?,
		last_success = ?, last_error = ?, failures = ?, items = ?, next_poll = ?, reported = ? WHERE id = ?`,
		st.ETag, st.LastModified, micros(st.LastPoll), micros(st.LastSuccess), st.LastError, st.Failures, st.Items,
		micros(st.NextPoll), st.Reported, id))
	if err != nil {
		return fmt.Errorf("sqlite: set state of feed %d: %w", id, classify(err))
	}
	return nil
}

// mustAffect turns the result of a statement that changed no row into
// briefing.ErrNotFound.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return briefing.ErrNotFound
	}
	return nil
}

// checkItemKey refuses an item key no store could keep byte-exact. Keys
// come from the feed (a GUID, a link), so the poller should make them valid
// UTF-8, or hash them, before it looks them up or records them.
func checkItemKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: the item has no key", ErrInvalid)
	}
	return checkText("item key", key)
}

// FeedItem returns the record of a feed's item, or an error wrapping
// briefing.ErrNotFound. An empty key, or one that is not valid UTF-8 or
// holds a NUL byte, returns an error wrapping ErrInvalid: no record can
// have it.
func (s *Store) FeedItem(ctx context.Context, feed int64, key string) (*briefing.FeedItem, error) {
	if err := checkItemKey(key); err != nil {
		return nil, fmt.Errorf("sqlite: item of feed %d: %w", feed, err)
	}
	it := briefing.FeedItem{Feed: feed, Key: key}
	var seen int64
	err := s.read.QueryRowContext(ctx, "SELECT hash, article_id, seen_at FROM feed_items WHERE feed_id = ? AND key = ?", feed, key).
		Scan(&it.Hash, &it.ArticleID, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: item %.80q of feed %d: %w", key, feed, briefing.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: item %.80q of feed %d: %w", key, feed, classify(err))
	}
	it.SeenAt = fromMicros(seen)
	return &it, nil
}

// PutFeedItem creates or replaces the record of an item and sets its
// SeenAt, when zero, to the store's clock (to the microsecond, in UTC). The
// article it names need not exist (0 names none). A feed that does not
// exist, or was removed meanwhile, returns an error wrapping
// briefing.ErrNotFound; an empty key or text that is not valid UTF-8 or
// holds a NUL byte, one wrapping ErrInvalid.
func (s *Store) PutFeedItem(ctx context.Context, it *briefing.FeedItem) error {
	if it == nil {
		return fmt.Errorf("sqlite: put feed item: %w: no item", ErrInvalid)
	}
	if err := checkItemKey(it.Key); err != nil {
		return fmt.Errorf("sqlite: put item of feed %d: %w", it.Feed, err)
	}
	if err := checkText("item hash", it.Hash); err != nil {
		return fmt.Errorf("sqlite: put item of feed %d: %w", it.Feed, err)
	}
	seen := stored(s.now())
	if !it.SeenAt.IsZero() {
		seen = stored(it.SeenAt)
	}
	// The WHERE also keeps SQLite from reading ON CONFLICT as a join
	// constraint of the SELECT.
	err := mustAffect(s.write.ExecContext(ctx, `INSERT INTO feed_items (feed_id, key, hash, article_id, seen_at)
		SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM feeds WHERE id = ?)
		ON CONFLICT (feed_id, key) DO UPDATE SET hash = excluded.hash, article_id = excluded.article_id,
			seen_at = excluded.seen_at`,
		it.Feed, it.Key, it.Hash, it.ArticleID, micros(seen), it.Feed))
	if err != nil {
		return fmt.Errorf("sqlite: put item %.80q of feed %d: %w", it.Key, it.Feed, classify(err))
	}
	it.SeenAt = seen
	return nil
}

// RetractArticle removes an article from the timeline in one IMMEDIATE
// transaction. The article's events are read from event_articles (its
// primary key starts with the article), not found by reading every event.
// From each, the citations of the article are removed; an event left
// without citations is deleted with its search index row, and any other
// keeps its index row, date, actors, topics and UpdatedAt as they are (a
// merge may have added to them; what it added cannot be told apart, and
// the summary the index is built from does not change). The per-source
// counts of Sources drop by the article and its removed citations, and a
// source left with neither is no longer listed. The article goes, and
// with it the feed item records that name it, so the next poll takes an
// item whose article was retracted and not ingested again for a new one;
// its hash is free to be ingested again. The IDs of the deleted article and
// events are never given again. An unknown article returns an error
// wrapping briefing.ErrNotFound.
func (s *Store) RetractArticle(ctx context.Context, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return s.retract(ctx, tx, id) })
	if err != nil {
		return fmt.Errorf("sqlite: retract article %d: %w", id, classify(err))
	}
	return nil
}

// Statements of RetractArticle that must use an index (TestRetractPlans):
// event_articles' primary key starts with the article, and
// feed_items_article finds the item records naming it.
const (
	articleEventsSQL      = "SELECT event_id FROM event_articles WHERE article_id = ? ORDER BY event_id"
	unlinkArticleSQL      = "DELETE FROM event_articles WHERE article_id = ?"
	deleteArticleItemsSQL = "DELETE FROM feed_items WHERE article_id = ?"
)

// retract is RetractArticle within tx.
func (s *Store) retract(ctx context.Context, tx *sql.Tx, id int64) error {
	var source string
	err := tx.QueryRowContext(ctx, "SELECT source FROM articles WHERE id = ?", id).Scan(&source)
	if errors.Is(err, sql.ErrNoRows) {
		return briefing.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read article: %w", err)
	}
	events, err := articleEvents(ctx, tx, id)
	if err != nil {
		return err
	}
	removed, lastDeleted, err := uncite(ctx, tx, id, events)
	if err != nil {
		return err
	}
	counts := map[string][2]int{source: {1, 0}}
	for name, n := range removed {
		c := counts[name]
		c[1] += n
		counts[name] = c
	}
	for name, c := range counts {
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET articles = max(articles - ?, 0), citations = max(citations - ?, 0)
			WHERE name = ?`, c[0], c[1], name); err != nil {
			return fmt.Errorf("count source %q: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sources WHERE name = ? AND articles = 0 AND citations = 0", name); err != nil {
			return fmt.Errorf("drop source %q: %w", name, err)
		}
	}
	for _, q := range []string{unlinkArticleSQL, deleteArticleItemsSQL, "DELETE FROM articles WHERE id = ?"} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE deleted_ids SET events = max(events, ?), articles = max(articles, ?)",
		lastDeleted, id); err != nil {
		return fmt.Errorf("record deleted IDs: %w", err)
	}
	return nil
}

// uncite removes the citations of article id from events, deleting the
// events left without any, with their index rows. It returns how many
// citations left, by their source (as Ingest counted them in), and the
// highest ID of a deleted event (0 when none was).
func uncite(ctx context.Context, tx *sql.Tx, id int64, events []int64) (map[string]int, int64, error) {
	if len(events) == 0 {
		return nil, 0, nil
	}
	// An article of a bulk import may have created thousands of events:
	// each statement is prepared once.
	var load, del, unindex, update *sql.Stmt
	for _, p := range []struct {
		st    **sql.Stmt
		query string
	}{
		{&load, "SELECT sortkey, citations FROM events WHERE id = ?"},
		{&del, "DELETE FROM events WHERE id = ?"},
		{&unindex, deleteFTSSQL},
		{&update, "UPDATE events SET citations = ? WHERE id = ?"},
	} {
		st, err := tx.PrepareContext(ctx, p.query)
		if err != nil {
			return nil, 0, fmt.Errorf("prepare %q: %w", p.query, err)
		}
		defer st.Close()
		*p.st = st
	}
	removed := map[string]int{}
	var lastDeleted int64
	for i, evID := range events {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
		}
		var key int64
		var citJSON string
		err := load.QueryRowContext(ctx, evID).Scan(&key, &citJSON)
		if errors.Is(err, sql.ErrNoRows) {
			continue // a link outlived its event; nothing to take away
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read event %d: %w", evID, err)
		}
		cits, err := decodeCitations(citJSON)
		if err != nil {
			return nil, 0, fmt.Errorf("event %d: %w", evID, err)
		}
		kept := cits[:0:0]
		for _, c := range cits {
			if c.ArticleID == id {
				removed[c.Source]++
			} else {
				kept = append(kept, c)
			}
		}
		switch {
		case len(kept) == 0:
			if _, err := del.ExecContext(ctx, evID); err != nil {
				return nil, 0, fmt.Errorf("delete event %d: %w", evID, err)
			}
			if _, err := unindex.ExecContext(ctx, key); err != nil {
				return nil, 0, fmt.Errorf("unindex event %d: %w", evID, err)
			}
			lastDeleted = max(lastDeleted, evID)
		case len(kept) < len(cits):
			if _, err := update.ExecContext(ctx, encodeCitations(kept), evID); err != nil {
				return nil, 0, fmt.Errorf("update citations of event %d: %w", evID, err)
			}
		}
	}
	return removed, lastDeleted, nil
}

// articleEvents returns the IDs of the events article id created or cites.
func articleEvents(ctx context.Context, tx *sql.Tx, id int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, articleEventsSQL, id)
	if err != nil {
		return nil, fmt.Errorf("read the article's events: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var ev int64
		if err := rows.Scan(&ev); err != nil {
			return nil, fmt.Errorf("read the article's events: %w", err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the article's events: %w", err)
	}
	return out, nil
}
