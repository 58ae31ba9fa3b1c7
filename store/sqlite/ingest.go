package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// Ingest writes an article with its new events and merges in one IMMEDIATE
// transaction: on error nothing is written and in is left unchanged. On
// success it sets the article's ID and IngestedAt, each new event's ID,
// FirstSeen and UpdatedAt (taken from the event when set, else from the
// clock), and the ArticleID of every citation the ingestion adds. Stored times
// keep microseconds and read back in UTC. A duplicate Hash returns an error
// wrapping briefing.ErrDuplicateArticle; a merge into a missing event returns
// one wrapping briefing.ErrNotFound. Ingest also records which events the
// article created or cites (event_articles), so that RetractArticle finds
// them without reading every event.
func (s *Store) Ingest(ctx context.Context, in *briefing.Ingestion) error {
	if err := validateIngestion(in); err != nil {
		return fmt.Errorf("sqlite: ingest: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: ingest: %w", err)
	}
	now := stored(s.now())
	res, err := s.ingest(ctx, in, now)
	if err != nil {
		return fmt.Errorf("sqlite: ingest article %.16s: %w", in.Article.Hash, err)
	}
	// Committed: report what was stored back into the caller's structs.
	in.Article.ID = res.articleID
	in.Article.IngestedAt = res.ingestedAt
	for i, ev := range in.New {
		ev.ID = res.eventIDs[i]
		ev.FirstSeen, ev.UpdatedAt = res.firstSeen[i], res.updatedAt[i]
		for j := range ev.Citations {
			ev.Citations[j].ArticleID = res.articleID
		}
	}
	for i := range in.Merges {
		in.Merges[i].Citation.ArticleID = res.articleID
	}
	return nil
}

type ingestResult struct {
	articleID  int64
	ingestedAt time.Time
	eventIDs   []int64
	firstSeen  []time.Time
	updatedAt  []time.Time
}

func validateIngestion(in *briefing.Ingestion) error {
	if in == nil || in.Article == nil {
		return fmt.Errorf("%w: no article", ErrInvalid)
	}
	a := in.Article
	if a.Hash == "" {
		return fmt.Errorf("%w: article has no hash", ErrInvalid)
	}
	for _, f := range []struct{ name, v string }{
		{"article hash", a.Hash}, {"article source", a.Source}, {"article via", a.Via},
		{"article URL", a.URL}, {"article title", a.Title}, {"article text", a.Text},
	} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	for i, ev := range in.New {
		if ev == nil {
			return fmt.Errorf("%w: new event %d is nil", ErrInvalid, i)
		}
		if err := checkEvent(ev); err != nil {
			return fmt.Errorf("new event %d: %w", i, err)
		}
	}
	for i, m := range in.Merges {
		if m.EventID <= 0 {
			return fmt.Errorf("%w: merge %d names event ID %d", ErrInvalid, i, m.EventID)
		}
		if err := checkCitation(m.Citation); err != nil {
			return fmt.Errorf("merge %d: %w", i, err)
		}
		if err := checkList("actor", m.Actors); err != nil {
			return fmt.Errorf("merge %d: %w", i, err)
		}
		if err := checkList("topic", m.Topics); err != nil {
			return fmt.Errorf("merge %d: %w", i, err)
		}
		if m.Date != nil {
			if err := checkDate(*m.Date); err != nil {
				return fmt.Errorf("merge %d: %w", i, err)
			}
		}
	}
	return nil
}

func checkEvent(ev *briefing.Event) error {
	if err := checkDate(ev.Date); err != nil {
		return err
	}
	if err := checkText("summary", ev.Summary); err != nil {
		return err
	}
	if err := checkList("actor", ev.Actors); err != nil {
		return err
	}
	if err := checkList("topic", ev.Topics); err != nil {
		return err
	}
	for _, c := range ev.Citations {
		if err := checkCitation(c); err != nil {
			return err
		}
	}
	return nil
}

const insertEventSQL = `INSERT INTO events (id, sortkey, date_value, date_gran, date_mod, lo, hi, is_range, date_origin,
	summary, actors, topics, citations, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertFTSSQL = `INSERT INTO events_fts (rowid, text, tags, actors, topics, span) VALUES (?, ?, ?, ?, ?, ?)`

func (s *Store) ingest(ctx context.Context, in *briefing.Ingestion, now time.Time) (*ingestResult, error) {
	a := in.Article
	res := &ingestResult{ingestedAt: now}
	if !a.IngestedAt.IsZero() {
		res.ingestedAt = stored(a.IngestedAt)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()

	insArt, err := s.txStmt(ctx, tx, insertArticleSQL)
	if err != nil {
		return nil, fmt.Errorf("prepare article insert: %w", err)
	}
	err = insArt.QueryRowContext(ctx,
		a.Hash, a.Source, a.Via, a.URL, a.Title, micros(a.Published), a.Text, micros(res.ingestedAt)).Scan(&res.articleID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, briefing.ErrDuplicateArticle
	}
	if err != nil {
		return nil, fmt.Errorf("insert article: %w", err)
	}
	counts := map[string]*[2]int{}
	count := func(source string, articles, citations int) {
		c := counts[source]
		if c == nil {
			c = new([2]int)
			counts[source] = c
		}
		c[0] += articles
		c[1] += citations
	}
	count(a.Source, 1, 0)

	if len(in.New) > 0 {
		if err := s.insertEvents(ctx, tx, in.New, res, now, count); err != nil {
			return nil, err
		}
	}
	for i, m := range in.Merges {
		if err := s.merge(ctx, tx, m, res.articleID, now); err != nil {
			return nil, fmt.Errorf("merge %d into event %d: %w", i, m.EventID, err)
		}
		count(m.Citation.Source, 0, 1)
	}

	for name, c := range counts {
		upsert, err := s.txStmt(ctx, tx, upsertSourceSQL)
		if err != nil {
			return nil, fmt.Errorf("prepare source count: %w", err)
		}
		if _, err := upsert.ExecContext(ctx,
			name, c[0], c[1], micros(res.ingestedAt)); err != nil {
			return nil, fmt.Errorf("count source %q: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return res, nil
}

func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, evs []*briefing.Event, res *ingestResult, now time.Time, count func(string, int, int)) error {
	var next int64
	nextID, err := s.txStmt(ctx, tx, nextEventIDSQL)
	if err != nil {
		return fmt.Errorf("prepare next event ID: %w", err)
	}
	if err := nextID.QueryRowContext(ctx).Scan(&next); err != nil {
		return fmt.Errorf("next event ID: %w", err)
	}
	if next+int64(len(evs))-1 > idMask {
		return fmt.Errorf("event IDs exhausted: this store holds at most %d events", int64(idMask))
	}
	insEv, err := s.txStmt(ctx, tx, insertEventSQL)
	if err != nil {
		return fmt.Errorf("prepare event insert: %w", err)
	}
	insFTS, err := s.txStmt(ctx, tx, insertFTSSQL)
	if err != nil {
		return fmt.Errorf("prepare index insert: %w", err)
	}
	link, err := s.txStmt(ctx, tx, linkEventSQL)
	if err != nil {
		return fmt.Errorf("prepare event link: %w", err)
	}

	res.eventIDs = make([]int64, len(evs))
	res.firstSeen = make([]time.Time, len(evs))
	res.updatedAt = make([]time.Time, len(evs))
	cits := make([]briefing.Citation, 0, 4)
	for i, ev := range evs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		id := next + int64(i)
		first, updated := now, now
		if !ev.FirstSeen.IsZero() {
			first = stored(ev.FirstSeen)
		}
		if !ev.UpdatedAt.IsZero() {
			updated = stored(ev.UpdatedAt)
		}
		cits = append(cits[:0], ev.Citations...)
		for j := range cits {
			cits[j].ArticleID = res.articleID
			count(cits[j].Source, 0, 1)
		}
		citJSON, actors, topics := encodeCitations(cits), encodeList(ev.Actors), encodeList(ev.Topics)
		d := ev.Date
		key := sortKey(d.Lo, id)
		if _, err := insEv.ExecContext(ctx, id, key, d.Value, int(d.Gran), string(d.Mod), int64(d.Lo), int64(d.Hi), d.Range, string(d.Origin),
			ev.Summary, actors, topics, citJSON, micros(first), micros(updated)); err != nil {
			return fmt.Errorf("insert new event %d: %w", i, err)
		}
		doc := briefing.SearchFieldsCached(s.norm, ev)
		if _, err := insFTS.ExecContext(ctx, key, doc.Text, doc.Tags, doc.Actors, doc.Topics, spanTokens(d)); err != nil {
			return fmt.Errorf("index new event %d: %w", i, err)
		}
		// Linked even without citations: the event came from this article,
		// and retracting the article must take it away.
		if _, err := link.ExecContext(ctx, res.articleID, id); err != nil {
			return fmt.Errorf("link new event %d to its article: %w", i, err)
		}
		res.eventIDs[i], res.firstSeen[i], res.updatedAt[i] = id, first, updated
	}
	return nil
}

// merge applies one Merge inside tx.
func (s *Store) merge(ctx context.Context, tx *sql.Tx, m briefing.Merge, articleID int64, now time.Time) error {
	// The event is read without its citations: the new one is appended to
	// the stored JSON text in SQL, so a merge costs the same whether the
	// event has two sources or two hundred.
	load, err := s.txStmt(ctx, tx, loadForMergeSQL)
	if err != nil {
		return fmt.Errorf("prepare event load: %w", err)
	}
	row := load.QueryRowContext(ctx, m.EventID)
	var oldKey int64
	ev, err := scanEvent(row, &oldKey)
	if errors.Is(err, sql.ErrNoRows) {
		return briefing.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("load event: %w", err)
	}
	c := m.Citation
	c.ArticleID = articleID
	cit := encodeCitations([]briefing.Citation{c})
	cit = cit[1 : len(cit)-1] // the object without the enclosing brackets
	oldDate := ev.Date
	oldActors, oldTopics := encodeList(ev.Actors), encodeList(ev.Topics)
	ev.Actors = superset(m.Actors, ev.Actors)
	ev.Topics = superset(m.Topics, ev.Topics)
	if m.Date != nil {
		ev.Date = *m.Date
	}
	actors, topics := encodeList(ev.Actors), encodeList(ev.Topics)
	d := ev.Date
	key := sortKey(d.Lo, ev.ID)
	update, err := s.txStmt(ctx, tx, mergeEventSQL)
	if err != nil {
		return fmt.Errorf("prepare event update: %w", err)
	}
	if _, err := update.ExecContext(ctx,
		key, d.Value, int(d.Gran), string(d.Mod), int64(d.Lo), int64(d.Hi), d.Range, string(d.Origin),
		actors, topics, cit, micros(now), ev.ID); err != nil {
		return fmt.Errorf("update event: %w", err)
	}
	link, err := s.txStmt(ctx, tx, linkEventSQL)
	if err != nil {
		return fmt.Errorf("prepare event link: %w", err)
	}
	if _, err := link.ExecContext(ctx, articleID, ev.ID); err != nil {
		return fmt.Errorf("link event to the article: %w", err)
	}
	if key == oldKey && d == oldDate && actors == oldActors && topics == oldTopics {
		// only a citation was added: the index row is unchanged
		return nil
	}
	unindex, err := s.txStmt(ctx, tx, deleteFTSSQL)
	if err != nil {
		return fmt.Errorf("prepare unindex: %w", err)
	}
	if _, err := unindex.ExecContext(ctx, oldKey); err != nil {
		return fmt.Errorf("unindex event: %w", err)
	}
	doc := briefing.SearchFieldsCached(s.norm, ev)
	reindex, err := s.txStmt(ctx, tx, insertFTSSQL)
	if err != nil {
		return fmt.Errorf("prepare reindex: %w", err)
	}
	if _, err := reindex.ExecContext(ctx, key, doc.Text, doc.Tags, doc.Actors, doc.Topics, spanTokens(d)); err != nil {
		return fmt.Errorf("reindex event: %w", err)
	}
	return nil
}

// superset returns next, the list a merge asks for, keeping any element of
// old it lacks so that a merge can only add actors or topics. When next
// lacks some, the result is sorted.
func superset(next, old []string) []string {
	out := slices.Clone(next)
	added := false
	for _, o := range old {
		if !slices.Contains(out, o) {
			out = append(out, o)
			added = true
		}
	}
	if added {
		slices.Sort(out)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// The statements ingestion runs for every article, prepared once at Open.
// New articles and events are numbered after the highest ID present and
// the highest ever deleted (deleted_ids), so that no ID names two rows.
const (
	insertArticleSQL = `INSERT INTO articles (id, hash, source, via, url, title, published, text, ingested_at)
		VALUES (max(coalesce((SELECT max(id) FROM articles), 0), (SELECT articles FROM deleted_ids)) + 1,
			?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING RETURNING id`
	upsertSourceSQL = `INSERT INTO sources (name, articles, citations, last_ingested) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET articles = articles + excluded.articles,
			citations = citations + excluded.citations,
			last_ingested = max(last_ingested, excluded.last_ingested)`
	nextEventIDSQL = "SELECT max(coalesce((SELECT max(id) FROM events), 0), (SELECT events FROM deleted_ids)) + 1"
	// linkEventSQL records that an article created or cites an event
	// (event_articles), for RetractArticle.
	linkEventSQL = "INSERT OR IGNORE INTO event_articles (article_id, event_id) VALUES (?, ?)"
	// loadForMergeSQL reads an event without its citations: merge appends
	// the new one to the stored JSON text (mergeEventSQL), so a merge costs
	// the same whether the event has two sources or two hundred.
	loadForMergeSQL = "SELECT e.sortkey, " + eventColsNoCitations + " FROM events e WHERE e.id = ?"
	mergeEventSQL   = `UPDATE events SET sortkey = ?, date_value = ?, date_gran = ?, date_mod = ?, lo = ?, hi = ?,
		is_range = ?, date_origin = ?, actors = ?, topics = ?,
		citations = substr(citations, 1, length(citations) - 1) || CASE WHEN citations = '[]' THEN '' ELSE ',' END || ? || ']',
		updated_at = ? WHERE id = ?`
	deleteFTSSQL = "DELETE FROM events_fts WHERE rowid = ?"
)

// writeStatements are prepared by Open (see txStmt).
var writeStatements = []string{insertArticleSQL, upsertSourceSQL, nextEventIDSQL, insertEventSQL, insertFTSSQL,
	loadForMergeSQL, mergeEventSQL, deleteFTSSQL, linkEventSQL}
