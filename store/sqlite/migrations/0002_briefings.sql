-- briefbot schema, version 2: scheduled briefings (briefing.SubscriptionStore).
--
-- Times are INTEGER microseconds since the Unix epoch (UTC), as in version 1.

-- A subscription's name is NULL when it has none, so that the unique
-- constraint applies to named subscriptions only. AUTOINCREMENT: the ID of
-- a removed subscription is never reused, so a worker that still holds it
-- cannot act on another subscription.
CREATE TABLE subscriptions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    UNIQUE CHECK (name <> ''),
    platform   TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    query      TEXT    NOT NULL,
    schedule   TEXT    NOT NULL,
    quiet      INTEGER NOT NULL,
    origin     TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    -- the end of the last briefed window
    watermark  INTEGER NOT NULL,
    -- why the subscription stopped; '' while it is active
    disabled   TEXT    NOT NULL DEFAULT ''
);

-- One row per briefing window (window_start, window_end] of a subscription:
-- a claim while state is 'claimed', the record of the briefing once
-- 'finished'. window_start is the subscription's watermark when the window
-- was first claimed, so a window is claimed at most once: a worker that
-- resumes it finds this row, with its key, instead of making a new one.
-- UNIQUE (subscription_id, window_start) also serves Briefings, newest first.
CREATE TABLE briefing_windows (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    window_start    INTEGER NOT NULL,
    window_end      INTEGER NOT NULL CHECK (window_end > window_start),
    brief_key       TEXT    NOT NULL UNIQUE,
    owner           TEXT    NOT NULL,
    lease_until     INTEGER NOT NULL,
    claimed_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL CHECK (state IN ('claimed', 'finished')),
    post_ref        TEXT    NOT NULL DEFAULT '',
    events          INTEGER NOT NULL DEFAULT 0,
    posted_at       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (subscription_id, window_start)
);
