// Package sqlite is briefbot's store in one SQLite file: a briefing.Store
// on the pure-Go driver modernc.org/sqlite (driver name "sqlite").
//
// # Why modernc.org/sqlite
//
// It is SQLite transpiled to Go: briefbot stays one static binary that
// cross-compiles with GOOS/GOARCH and needs no C toolchain in CI or in its
// container. The cgo driver (mattn/go-sqlite3) was only about 1.1-1.3 times
// faster on ingest here, and /timeline latency is decided by the query shape
// (below), not by the driver.
//
// # Schema
//
// Migrations are embedded (migrations/NNNN_*.sql) and applied in order by
// Open in one IMMEDIATE transaction; PRAGMA user_version records the schema
// version and PRAGMA application_id marks the file as briefbot's, so Open
// refuses a file that is not a SQLite database, is corrupt or belongs to
// another program (ErrNotDatabase), or was written by a newer briefbot
// (ErrTooNew). Every pooled connection gets WAL mode, busy_timeout,
// foreign_keys, synchronous=NORMAL, an in-memory temp store and a 4 MiB page
// cache through the DSN's _pragma parameters. Memory-mapped I/O is off: with
// a 256 MiB mmap window a process idling on a million events held 112 MB
// resident, over the 100 MB budget; without it, 34 MiB, and the timeline's
// p99 stayed under 0.4 ms.
// Writes go through one connection with BEGIN IMMEDIATE; reads use a pool of
// query_only connections and prepared statements.
//
// An events row holds the whole event: the date fields, the summary, actors
// and topics as JSON arrays and the citations as a JSON array, so a page of
// events is one query with no per-event follow-up. Per-source counts live in
// a small sources table that Ingest keeps up to date. events_fts is an FTS5
// table with contentless_delete=1 (no copy of the text; rows can be deleted
// and re-inserted when a merge changes an event) and the tokenizer
// "unicode61 remove_diacritics 0 tokenchars '_'": the text it receives is
// briefing.SearchFields, already normalised, so FTS5 only splits it.
//
// # Briefings
//
// Store is also the briefing.SubscriptionStore (subs.go, migration 0002).
// subscriptions holds the settings and the watermark; briefing_windows
// holds one row per window of a subscription, unique by its start (the
// watermark when it was claimed): a claim with its owner, lease and random
// key while it is being briefed, the record of the briefing once finished.
// Every claim transition is one IMMEDIATE transaction, and leases are read
// against the store's clock (WithClock). SeenBetween walks the first_seen
// index over the window and keeps the events among the query's full-text
// matches, so a briefing's cost follows its window, not the store.
//
// # Feeds
//
// Store is also the briefing.FeedStore (feeds.go, migration 0003): feeds
// holds each feed with the poller's state, feed_items the items ingested
// from it, keyed by feed and item identity. RetractArticle has to find the
// events an article created or cites, whose citations are JSON inside
// events; event_articles (article_id, event_id), kept by Ingest for every
// new event and merge and built from the stored citations by the
// migration, answers that through its primary key, so a retraction costs
// what the article's events cost, not the store (0.3 s for an article of
// 5,000 events; the migration takes about a second per 200,000 events).
// Deleted event and article IDs are recorded in deleted_ids and never
// given again.
//
// # Sort keys: why /timeline is fast
//
// Every event has sortkey = (Lo + 2^20) << 32 | ID (Lo limited to years
// 1-9999, IDs to 32 bits), stored unique in events and used as the rowid of
// its events_fts row. Ascending rowid is therefore timeline order: interval
// start, then ID. FTS5 keeps each term's matches in rowid order and honours
// rowid ranges and ORDER BY rowid itself, so Search is
//
//	SELECT ... FROM (SELECT f.rowid FROM events_fts f
//	                 WHERE f.events_fts MATCH ? AND f.rowid <= ?
//	                 ORDER BY f.rowid LIMIT ? OFFSET ?) k
//	JOIN events e ON e.id = (k.rowid & 4294967295)
//
// which reads only the first Limit+1 matches, whatever their number, and
// never sorts (TestSearchPlans checks the plans). Joining the matches to
// events and sorting them by date instead took 0.5-0.9 s at p99 for a
// common term in a million events. The join is one primary-key lookup,
// because the event ID is the low half of the rowid. A merge that adopts a
// new date changes the sortkey: the event's index row is deleted and
// re-inserted under the new rowid, with its new actors and topics.
//
// Query phrases become "tok1 tok2" restricted to {text tags}, actor and topic
// filters actors : "id" and topics : "id", all ANDed; every part is a quoted
// FTS5 string, so no user input is read as query syntax. until: is an upper
// rowid bound. since:S is harder, because an event starting before S still
// matches when it ends on or after S: the events starting on or after S
// are a rowid range, and the few that straddle S are found by a second walk
// over span tokens that every multi-day event is indexed with (one per month
// it covers, m2025_05; one per year beyond three years, y2025; "wide" beyond
// two centuries). That walk matches "(query) AND span : (mS OR yS OR wide)"
// below rowid S, and SQLite merges the two ordered walks (MERGE UNION ALL)
// without sorting. Unlike a fixed look-back window this neither misses
// decade-long events nor walks back through a year of matches that end
// before S. A query with no phrase, actor or topic walks the sortkey index
// instead of the full-text index; Overlapping uses the same two walks.
//
// # Figures
//
// Measured with bench_test.go on a 2-vCPU AMD EPYC VM shared with other
// jobs (so p99 carries noise), Go 1.26, one million synthetic events
// (storetest.NewSynth(1): Zipf long-tail vocabulary, hyphenated compounds,
// 78% single-day, the rest weeks, months, ranges, quarters, years and
// decades over 2016-2025), medians of three runs of 2000 queries each, page
// size 10. "Bare" is BareSearch: the same index walks returning rowids only.
// The file is 0.96 GB (events 786 MB, events_fts 130 MB).
//
//	                              as ingested, 29 segments   after Optimize, 1 segment
//	query (matches)               p50   p99  bare p99 ratio   p50  p99  bare p99 ratio
//	talks (264k)                  128   288    202    1.36     54  220     70    3.1
//	a rare word (17)              131   401    305    1.52     54  201     49    4.1
//	"prisoner exchange" (100k)    204   513    419    1.24     61  180     83    3.1
//	ceasefire geneva (9.7k)       210   443    388    1.22     66  176     72    2.8
//	ceasefire actor:putin (11.7k) 215   426    398    1.21     67  191     88    2.5
//	actor:zelensky (41k)          131   332    210    1.35     55  182     53    3.4
//	talks since:2021-03-15        722  1354   1224    1.10     91  240    148    1.6
//	ceasefire since: until:       692  1219   1130    1.08     83  248    108    2.0
//	since: until: (two weeks)     264   619    507    1.15     63  189     79    2.4
//	talks, offset 500             166   407    278    1.25     91  227    142    1.7
//
// Times are µs; ratio is Search p99 over bare p99. The p99 target of 5 ms
// holds everywhere (at most 1.4 ms). On the index as Ingest leaves it Search
// costs 1.08-1.52 times the bare walk (the rare word, whose walk is the
// shortest, is the one at the 1.5 limit). On an optimized index the bare
// walk drops to 13-25 µs and the fixed cost of a page dominates the ratio
// (see below), while the page itself costs about 0.2 ms at p99.
//
// Other reads at a million events: Event 22 µs, Latest(10) 45 µs,
// Overlapping of a week with limit 50 0.56 ms (0.26 ms optimized), Stats
// 0.6 ms (COUNT(*)). Ingest: an article with four new events and one merge
// takes 1.3 ms (3,800 events/s); transactions of 1,000 new events run at
// 13,000 events/s on a small store, and the million loaded in 5,000-event
// transactions in 2 min 16 s (7,300 events/s). A process holding the
// opened million-event store peaks at 34 MiB RSS answering a timeline
// query (briefbot bench; 112 MB with the 256 MiB mmap window first tried).
//
// Fewer index segments make every walk cheaper: a store grown by Ingest
// holds a few dozen FTS5 segments, and Optimize (3 s at a million events)
// merges them into one. The remaining cost of a page over the bare walk,
// about 45 µs, is fetching and decoding ten events (fifteen columns and the
// citations JSON each); it does not grow with the number of matches.
package sqlite
