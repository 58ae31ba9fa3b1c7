-- briefbot schema, version 1.
--
-- Times are INTEGER microseconds since the Unix epoch (UTC). Days are
-- briefing.Day values (days since 1970-01-01). Lists are JSON arrays.

CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    hash        TEXT    NOT NULL UNIQUE,
    source      TEXT    NOT NULL,
    via         TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    published   INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    ingested_at INTEGER NOT NULL
);

-- sortkey = (lo + 2^20) << 32 | id: ascending sortkey is timeline order
-- (interval start, then ID). events_fts uses the same value as its rowid.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    sortkey     INTEGER NOT NULL UNIQUE,
    date_value  TEXT    NOT NULL,
    date_gran   INTEGER NOT NULL,
    date_mod    TEXT    NOT NULL,
    lo          INTEGER NOT NULL,
    hi          INTEGER NOT NULL CHECK (hi >= lo),
    is_range    INTEGER NOT NULL,
    date_origin TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    actors      TEXT    NOT NULL,
    topics      TEXT    NOT NULL,
    citations   TEXT    NOT NULL,
    first_seen  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE INDEX events_latest ON events (first_seen, id);

-- Per-source counters, maintained by Ingest so Sources never scans articles.
CREATE TABLE sources (
    name          TEXT    PRIMARY KEY,
    articles      INTEGER NOT NULL DEFAULT 0,
    citations     INTEGER NOT NULL DEFAULT 0,
    last_ingested INTEGER NOT NULL
) WITHOUT ROWID;

-- Search index. Columns text, tags, actors and topics hold
-- briefing.SearchFields; span holds the coverage tokens of multi-day events
-- (m2025_05 for each month covered, y2025 for each year of a long event,
-- "wide" beyond that) so a since: query finds the events straddling its start
-- without walking back through older matches.
CREATE VIRTUAL TABLE events_fts USING fts5(
    text, tags, actors, topics, span,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
