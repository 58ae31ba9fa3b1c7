-- briefbot schema, version 3: feeds (briefing.FeedStore) and what retracting
-- an article needs.
--
-- Times are INTEGER microseconds since the Unix epoch (UTC), as in version 1.

-- AUTOINCREMENT: the ID of a removed feed is never reused, so a poll still
-- running for it cannot record its state or items under another feed.
-- topics is a JSON array of topic IDs; interval_us the time between polls.
-- The columns from etag on are briefing.FeedState, rewritten after each poll.
CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    url           TEXT    NOT NULL UNIQUE CHECK (url <> ''),
    title         TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    topics        TEXT    NOT NULL,
    interval_us   INTEGER NOT NULL,
    full_text     INTEGER NOT NULL,
    origin        TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    etag          TEXT    NOT NULL,
    last_modified TEXT    NOT NULL,
    last_poll     INTEGER NOT NULL,
    last_success  INTEGER NOT NULL,
    last_error    TEXT    NOT NULL,
    failures      INTEGER NOT NULL,
    items         INTEGER NOT NULL,
    next_poll     INTEGER NOT NULL,
    reported      INTEGER NOT NULL
);

-- The items of a feed that were ingested, by their identity in the feed
-- ("guid:...", "link:..." or "hash:..."). article_id is not a foreign key:
-- an item whose text was ingested already (from another feed) may name that
-- article, or none (0). RetractArticle deletes the records naming the
-- article it deletes, through feed_items_article.
CREATE TABLE feed_items (
    feed_id    INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    article_id INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;

CREATE INDEX feed_items_article ON feed_items (article_id);

-- The events each article created or cites: the citations are JSON in
-- events.citations, and finding an article's events there would read every
-- event. Ingest adds a row for every new event and every merge.
CREATE TABLE event_articles (
    article_id INTEGER NOT NULL,
    event_id   INTEGER NOT NULL,
    PRIMARY KEY (article_id, event_id)
) WITHOUT ROWID;

-- Backfill from the citations stored so far ({"a": article ID, ...}).
INSERT OR IGNORE INTO event_articles (article_id, event_id)
    SELECT json_extract(c.value, '$.a'), e.id FROM events e, json_each(e.citations) c;

-- The highest event and article IDs ever deleted (by RetractArticle). SQLite
-- numbers a new row after the highest ID present, so deleting the newest
-- event or article would hand its ID out again; new rows are numbered above
-- these instead, and a stale reference to a deleted event (a cached merge
-- candidate, an ID in a posted briefing) finds nothing rather than another
-- event.
CREATE TABLE deleted_ids (
    one      INTEGER PRIMARY KEY CHECK (one = 1),
    events   INTEGER NOT NULL,
    articles INTEGER NOT NULL
);

INSERT INTO deleted_ids (one, events, articles) VALUES (1, 0, 0);
