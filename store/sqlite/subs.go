package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
)

// This file is the briefing.SubscriptionStore half of Store: subscriptions
// and the claims and records of their briefing windows (migration 0002).
// Every claim transition is one IMMEDIATE transaction on the write
// connection, so two workers, in one process or in several, never both
// hold a window: the second one's transaction starts after the first one
// committed and sees its claim.

var _ briefing.SubscriptionStore = (*Store)(nil)

// defaultSeenLimit caps SeenBetween when it is called with limit <= 0.
const defaultSeenLimit = 10_000

// maxDiagnostic bounds the stored length of an error message or a disable
// reason, in bytes: far above any useful message, it only stops a whole
// HTTP error page from being kept.
const maxDiagnostic = 64 << 10

// Window states in briefing_windows.state.
const (
	stateClaimed  = "claimed"
	stateFinished = "finished"
)

// subCols are the columns scanSub reads.
const subCols = `id, coalesce(name, ''), platform, channel, query, schedule, quiet, origin, created_by,
	created_at, watermark, disabled`

func scanSub(r scanner) (*briefing.Subscription, error) {
	var sub briefing.Subscription
	var created, watermark int64
	if err := r.Scan(&sub.ID, &sub.Name, &sub.Dest.Platform, &sub.Dest.Channel, &sub.Query, &sub.Schedule,
		&sub.Quiet, &sub.Origin, &sub.CreatedBy, &created, &watermark, &sub.Disabled); err != nil {
		return nil, err
	}
	sub.CreatedAt, sub.Watermark = fromMicros(created), fromMicros(watermark)
	return &sub, nil
}

// checkSubscription refuses text fields no store could keep byte-exact.
func checkSubscription(sub *briefing.Subscription) error {
	if sub == nil {
		return fmt.Errorf("%w: no subscription", ErrInvalid)
	}
	for _, f := range []struct{ name, v string }{
		{"subscription name", sub.Name}, {"platform", sub.Dest.Platform}, {"channel", sub.Dest.Channel},
		{"query", sub.Query}, {"schedule", sub.Schedule}, {"origin", sub.Origin},
		{"created by", sub.CreatedBy}, {"disabled reason", sub.Disabled},
	} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// nullName stores an empty name as NULL, which the unique constraint on
// subscriptions.name lets any number of rows share.
func nullName(name string) any {
	if name == "" {
		return nil
	}
	return name
}

// diagnostic makes an error message or reason storable rather than refusing
// it: it comes from a platform or a network failure, and losing it would be
// worse than changing it. Invalid UTF-8 and NUL bytes become U+FFFD, and the
// text is cut at a rune boundary to maxDiagnostic bytes.
func diagnostic(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if len(s) > maxDiagnostic {
		i := maxDiagnostic
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return s
}

// newKey returns a random, unguessable briefing key: "bb-" and 16 hex
// digits, 19 characters, short enough for a Discord nonce (25 at most).
func newKey() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24 and later)
	return "bb-" + hex.EncodeToString(b[:])
}

// inTx runs fn in one IMMEDIATE write transaction and commits it when fn
// returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

const insertSubSQL = `INSERT INTO subscriptions (name, platform, channel, query, schedule, quiet, origin, created_by,
	created_at, watermark, disabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// AddSubscription stores a new subscription and sets its ID, CreatedAt and
// Watermark. A zero CreatedAt is the store's clock; a zero Watermark is
// CreatedAt, where a subscription's watermark starts. A Name in use returns
// an error wrapping briefing.ErrExists; text that is not valid UTF-8 or
// holds a NUL byte, one wrapping ErrInvalid.
func (s *Store) AddSubscription(ctx context.Context, sub *briefing.Subscription) error {
	if err := checkSubscription(sub); err != nil {
		return fmt.Errorf("sqlite: add subscription: %w", err)
	}
	created := stored(s.now())
	if !sub.CreatedAt.IsZero() {
		created = stored(sub.CreatedAt)
	}
	watermark := created
	if !sub.Watermark.IsZero() {
		watermark = stored(sub.Watermark)
	}
	var id int64
	err := s.write.QueryRowContext(ctx, insertSubSQL+" ON CONFLICT (name) DO NOTHING RETURNING id",
		nullName(sub.Name), sub.Dest.Platform, sub.Dest.Channel, sub.Query, sub.Schedule, sub.Quiet, sub.Origin,
		sub.CreatedBy, micros(created), micros(watermark), sub.Disabled).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: add subscription %q: %w", sub.Name, briefing.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: add subscription: %w", classify(err))
	}
	sub.ID, sub.CreatedAt, sub.Watermark = id, created, watermark
	return nil
}

// PutNamedSubscription creates the subscription named sub.Name, as
// AddSubscription does but always enabled, or updates it: destination,
// query, schedule, quiet and origin are replaced, the watermark, creation
// time, creator and ID kept, and a disabled subscription is enabled again.
// sub gets the stored ID, CreatedAt and Watermark, and an empty Disabled.
// An empty name returns an error wrapping ErrInvalid.
func (s *Store) PutNamedSubscription(ctx context.Context, sub *briefing.Subscription) error {
	if err := checkSubscription(sub); err != nil {
		return fmt.Errorf("sqlite: put subscription: %w", err)
	}
	if sub.Name == "" {
		return fmt.Errorf("sqlite: put subscription: %w: the name is empty", ErrInvalid)
	}
	created := stored(s.now())
	if !sub.CreatedAt.IsZero() {
		created = stored(sub.CreatedAt)
	}
	watermark := created
	if !sub.Watermark.IsZero() {
		watermark = stored(sub.Watermark)
	}
	var id, createdAt, wm int64
	err := s.write.QueryRowContext(ctx, insertSubSQL+` ON CONFLICT (name) DO UPDATE SET
			platform = excluded.platform, channel = excluded.channel, query = excluded.query,
			schedule = excluded.schedule, quiet = excluded.quiet, origin = excluded.origin, disabled = ''
		RETURNING id, created_at, watermark`,
		sub.Name, sub.Dest.Platform, sub.Dest.Channel, sub.Query, sub.Schedule, sub.Quiet, sub.Origin,
		sub.CreatedBy, micros(created), micros(watermark), "").Scan(&id, &createdAt, &wm)
	if err != nil {
		return fmt.Errorf("sqlite: put subscription %q: %w", sub.Name, classify(err))
	}
	sub.ID, sub.CreatedAt, sub.Watermark, sub.Disabled = id, fromMicros(createdAt), fromMicros(wm), ""
	return nil
}

// Subscription returns one subscription, or an error wrapping
// briefing.ErrNotFound.
func (s *Store) Subscription(ctx context.Context, id int64) (*briefing.Subscription, error) {
	sub, err := scanSub(s.read.QueryRowContext(ctx, "SELECT "+subCols+" FROM subscriptions WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: subscription %d: %w", id, briefing.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: subscription %d: %w", id, classify(err))
	}
	return sub, nil
}

// Subscriptions lists every subscription, disabled ones included, by ID.
func (s *Store) Subscriptions(ctx context.Context) ([]*briefing.Subscription, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+subCols+" FROM subscriptions ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("sqlite: subscriptions: %w", classify(err))
	}
	defer rows.Close()
	var out []*briefing.Subscription
	for rows.Next() {
		sub, err := scanSub(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: subscriptions: %w", classify(err))
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: subscriptions: %w", classify(err))
	}
	return out, nil
}

// RemoveSubscription deletes a subscription with its claims and records, or
// returns an error wrapping briefing.ErrNotFound. A worker still holding a
// claim of it gets briefing.ErrClaimLost when it extends or finishes it.
func (s *Store) RemoveSubscription(ctx context.Context, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Explicitly, not only through ON DELETE CASCADE, so that the
		// windows go even on a connection without foreign_keys.
		if _, err := tx.ExecContext(ctx, "DELETE FROM briefing_windows WHERE subscription_id = ?", id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM subscriptions WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return briefing.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: remove subscription %d: %w", id, classify(err))
	}
	return nil
}

// DisableSubscription records why a subscription stopped; ClaimWindow fails
// with briefing.ErrDisabled until it is put again (PutNamedSubscription).
// The reason is stored as a diagnostic (see ReleaseClaim); an empty one
// becomes "disabled", since an empty reason means an active subscription.
// A missing subscription returns an error wrapping briefing.ErrNotFound.
func (s *Store) DisableSubscription(ctx context.Context, id int64, reason string) error {
	reason = diagnostic(reason)
	if reason == "" {
		reason = "disabled"
	}
	res, err := s.write.ExecContext(ctx, "UPDATE subscriptions SET disabled = ? WHERE id = ?", reason, id)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = briefing.ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("sqlite: disable subscription %d: %w", id, classify(err))
	}
	return nil
}

// ClaimWindow claims the window (watermark, end] of an enabled subscription
// for owner, with a lease until the store's clock plus lease; a lease of
// zero or less has expired at once. A window that was claimed before and
// not finished is taken over when its lease has ended (lease_until <= now)
// or owner holds it: the claim comes back Resumed, with Attempts counted
// on, the recorded End, ClaimedAt and Key, and the LastError that
// ReleaseClaim recorded for the previous attempt (which the takeover
// clears). Otherwise the error wraps a *briefing.ClaimedError.
//
// First reports that the subscription has no posted briefing: no finished
// window with a non-empty PostRef (a quiet window finished without a post
// does not count).
//
// Errors wrap briefing.ErrNotFound, briefing.ErrDisabled (with the reason),
// briefing.ErrClaimed, or ErrInvalid when owner is empty or end is not after
// the watermark.
func (s *Store) ClaimWindow(ctx context.Context, sub int64, end time.Time, owner string, lease time.Duration) (*briefing.Claim, error) {
	if owner == "" {
		return nil, fmt.Errorf("sqlite: claim window of subscription %d: %w: no owner", sub, ErrInvalid)
	}
	if err := checkText("owner", owner); err != nil {
		return nil, fmt.Errorf("sqlite: claim window of subscription %d: %w", sub, err)
	}
	now := stored(s.now())
	end = stored(end)
	until := stored(now.Add(lease))
	var c *briefing.Claim
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var watermark int64
		var disabled string
		err := tx.QueryRowContext(ctx, "SELECT watermark, disabled FROM subscriptions WHERE id = ?", sub).Scan(&watermark, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return briefing.ErrNotFound
		}
		if err != nil {
			return err
		}
		if disabled != "" {
			return fmt.Errorf("%w: %s", briefing.ErrDisabled, disabled)
		}
		start := fromMicros(watermark)
		if !end.After(start) {
			return fmt.Errorf("%w: window end %s is not after the watermark %s", ErrInvalid,
				end.Format(time.RFC3339Nano), start.Format(time.RFC3339Nano))
		}
		var first bool
		if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM briefing_windows
			WHERE subscription_id = ? AND state = 'finished' AND post_ref <> '')`, sub).Scan(&first); err != nil {
			return err
		}
		var (
			id, rowEnd, leaseUntil, claimedAt int64
			key, rowOwner, lastError, state   string
			attempts                          int
		)
		err = tx.QueryRowContext(ctx, `SELECT id, window_end, brief_key, owner, lease_until, claimed_at, attempts, last_error, state
			FROM briefing_windows WHERE subscription_id = ? AND window_start = ?`, sub, watermark).
			Scan(&id, &rowEnd, &key, &rowOwner, &leaseUntil, &claimedAt, &attempts, &lastError, &state)
		if errors.Is(err, sql.ErrNoRows) {
			key = newKey()
			err = tx.QueryRowContext(ctx, `INSERT INTO briefing_windows (subscription_id, window_start, window_end, brief_key,
				owner, lease_until, claimed_at, attempts, state) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'claimed') RETURNING id`,
				sub, watermark, micros(end), key, owner, micros(until), micros(now)).Scan(&id)
			if err != nil {
				return err
			}
			c = &briefing.Claim{ID: id, Subscription: sub, Start: start, End: end, Key: key, Owner: owner,
				LeaseUntil: until, ClaimedAt: now, Attempts: 1, First: first}
			return nil
		}
		if err != nil {
			return err
		}
		if state != stateClaimed {
			// FinishWindow moves the watermark past every finished window.
			return fmt.Errorf("window at the watermark %s is %s", start.Format(time.RFC3339Nano), state)
		}
		if leaseUntil > micros(now) && rowOwner != owner {
			return &briefing.ClaimedError{Owner: rowOwner, LeaseUntil: fromMicros(leaseUntil)}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE briefing_windows SET owner = ?, lease_until = ?, attempts = attempts + 1,
			last_error = '' WHERE id = ?`, owner, micros(until), id); err != nil {
			return err
		}
		c = &briefing.Claim{ID: id, Subscription: sub, Start: start, End: fromMicros(rowEnd), Key: key, Owner: owner,
			LeaseUntil: until, ClaimedAt: fromMicros(claimedAt), Attempts: attempts + 1, Resumed: true, First: first,
			LastError: lastError}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim window of subscription %d: %w", sub, classify(err))
	}
	return c, nil
}

// heldWindow checks within tx that c is still held by c.Owner: its window
// is unfinished, recorded with c's owner and key, and starts at the
// subscription's watermark. It returns the window's recorded end, or an
// error wrapping briefing.ErrClaimLost that says why.
func heldWindow(ctx context.Context, tx *sql.Tx, c *briefing.Claim) (time.Time, error) {
	var (
		end, watermark    int64
		state, owner, key string
	)
	err := tx.QueryRowContext(ctx, `SELECT w.window_end, w.state, w.owner, w.brief_key, s.watermark
		FROM briefing_windows w JOIN subscriptions s ON s.id = w.subscription_id
		WHERE w.id = ? AND w.subscription_id = ? AND w.window_start = ?`, c.ID, c.Subscription, micros(c.Start)).
		Scan(&end, &state, &owner, &key, &watermark)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, fmt.Errorf("%w: the window or its subscription was removed", briefing.ErrClaimLost)
	case err != nil:
		return time.Time{}, err
	case state != stateClaimed:
		return time.Time{}, fmt.Errorf("%w: the window was briefed", briefing.ErrClaimLost)
	case owner != c.Owner || key != c.Key:
		return time.Time{}, fmt.Errorf("%w: taken over by %s", briefing.ErrClaimLost, owner)
	case watermark != micros(c.Start):
		return time.Time{}, fmt.Errorf("%w: the watermark moved", briefing.ErrClaimLost)
	}
	return fromMicros(end), nil
}

// ExtendClaim renews c's lease to the store's clock plus lease and, unless
// end is zero, sets the window's end to end, which must be after c.Start;
// c's LeaseUntil and End are updated. A lease that has ended but was not taken
// over is still held and can be extended. It fails with an error wrapping
// briefing.ErrClaimLost when another owner took the window over, the
// window was finished, or the subscription was removed.
func (s *Store) ExtendClaim(ctx context.Context, c *briefing.Claim, end time.Time, lease time.Duration) error {
	if c == nil {
		return fmt.Errorf("sqlite: extend claim: %w: no claim", ErrInvalid)
	}
	now := stored(s.now())
	until := stored(now.Add(lease))
	if !end.IsZero() && !end.After(c.Start) {
		return fmt.Errorf("sqlite: extend claim: %w: the end %s is not after the window's start %s", ErrInvalid, end.UTC().Format(time.RFC3339Nano), c.Start.UTC().Format(time.RFC3339Nano))
	}
	end = stored(end)
	var newEnd time.Time
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		recorded, err := heldWindow(ctx, tx, c)
		if err != nil {
			return err
		}
		newEnd = recorded
		if !end.IsZero() {
			newEnd = end
		}
		_, err = tx.ExecContext(ctx, "UPDATE briefing_windows SET lease_until = ?, window_end = ? WHERE id = ?",
			micros(until), micros(newEnd), c.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: extend claim %d (%s): %w", c.ID, c.Key, classify(err))
	}
	c.LeaseUntil, c.End = until, newEnd
	return nil
}

// ReleaseClaim gives up c without finishing it: its lease ends at the
// store's now, so that the next ClaimWindow resumes the window at once,
// and errMsg is recorded for it (Claim.LastError). errMsg is a
// diagnostic: invalid UTF-8 and NUL bytes are replaced and a message over
// 64 KiB is cut, rather than refused. It is a no-op when c was lost
// meanwhile (taken over, finished or removed).
func (s *Store) ReleaseClaim(ctx context.Context, c *briefing.Claim, errMsg string) error {
	if c == nil {
		return fmt.Errorf("sqlite: release claim: %w: no claim", ErrInvalid)
	}
	now := stored(s.now())
	res, err := s.write.ExecContext(ctx, `UPDATE briefing_windows SET lease_until = min(lease_until, ?), last_error = ?
		WHERE id = ? AND subscription_id = ? AND window_start = ? AND owner = ? AND brief_key = ? AND state = 'claimed'`,
		micros(now), diagnostic(errMsg), c.ID, c.Subscription, micros(c.Start), c.Owner, c.Key)
	if err != nil {
		return fmt.Errorf("sqlite: release claim %d (%s): %w", c.ID, c.Key, classify(err))
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 && c.LeaseUntil.After(now) {
		c.LeaseUntil = now
	}
	return nil
}

// FinishWindow records in one transaction that c's window (c.Start, c.End]
// was briefed, with the platform's postRef (empty when nothing was posted)
// and the number of developments covered, and advances the subscription's
// watermark to c.End. A claim whose lease ended but was not taken over is
// still held, so a worker that posted late can still record its post. It
// fails with an error wrapping briefing.ErrClaimLost when c is no longer
// held by c.Owner, the window was finished already or the watermark moved,
// and with ErrInvalid when postRef is not storable text, events is negative
// or c.End is not after c.Start.
func (s *Store) FinishWindow(ctx context.Context, c *briefing.Claim, postRef string, events int) error {
	if c == nil {
		return fmt.Errorf("sqlite: finish window: %w: no claim", ErrInvalid)
	}
	if err := checkText("post reference", postRef); err != nil {
		return fmt.Errorf("sqlite: finish window %d (%s): %w", c.ID, c.Key, err)
	}
	if events < 0 {
		return fmt.Errorf("sqlite: finish window %d (%s): %w: %d events", c.ID, c.Key, ErrInvalid, events)
	}
	start, end := stored(c.Start), stored(c.End)
	if !end.After(start) {
		return fmt.Errorf("sqlite: finish window %d (%s): %w: end %s is not after start %s", c.ID, c.Key, ErrInvalid,
			end.Format(time.RFC3339Nano), start.Format(time.RFC3339Nano))
	}
	now := stored(s.now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := heldWindow(ctx, tx, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE briefing_windows SET state = 'finished', window_end = ?, post_ref = ?,
			events = ?, posted_at = ? WHERE id = ?`, micros(end), postRef, events, micros(now), c.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE subscriptions SET watermark = ? WHERE id = ? AND watermark = ?",
			micros(end), c.Subscription, micros(start))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fmt.Errorf("%w: the watermark moved", briefing.ErrClaimLost)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: finish window %d (%s): %w", c.ID, c.Key, classify(err))
	}
	return nil
}

// Briefings returns up to limit finished windows of a subscription, newest
// first; none when limit <= 0 or the subscription does not exist.
func (s *Store) Briefings(ctx context.Context, sub int64, limit int) ([]briefing.BriefingRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, subscription_id, window_start, window_end, brief_key, post_ref, events, posted_at
		FROM briefing_windows WHERE subscription_id = ? AND state = 'finished' ORDER BY window_start DESC LIMIT ?`, sub, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: briefings of subscription %d: %w", sub, classify(err))
	}
	defer rows.Close()
	var out []briefing.BriefingRecord
	for rows.Next() {
		var r briefing.BriefingRecord
		var start, end, posted int64
		if err := rows.Scan(&r.ID, &r.Subscription, &start, &end, &r.Key, &r.PostRef, &r.Events, &posted); err != nil {
			return nil, fmt.Errorf("sqlite: briefings of subscription %d: %w", sub, classify(err))
		}
		r.Start, r.End, r.PostedAt = fromMicros(start), fromMicros(end), fromMicros(posted)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: briefings of subscription %d: %w", sub, classify(err))
	}
	return out, nil
}

// SeenBetween returns up to limit events matching q that were first seen
// in (from, to], with their citations, ordered by first seen and then ID;
// more reports further matches. A limit <= 0 means 10,000. q's phrases,
// actors and topics match as in Search (the same FTS5 expression), its
// since and until filters keep events whose date interval reaches since
// and starts by until; Limit, Offset, Dates and Lines are ignored, and a
// query with none of these matches every event. Text that is not valid
// UTF-8 or holds a NUL byte returns an error wrapping ErrInvalid.
//
// The window drives: its events are read in order from the first-seen
// index, so nothing is sorted, and each is tested for membership in the
// query's matches, which SQLite collects once per call from one walk of the
// full-text index. Probing the index by rowid for each event instead cost
// 160 µs an event: 1.6 s for a window of 10,000 against 50 ms this way (see
// BenchmarkSeenBetween: a 10,000-event window in 20,000 or 200,000 events
// takes 90 ms without a query, 30-70 ms with one).
func (s *Store) SeenBetween(ctx context.Context, q briefing.Query, from, to time.Time, limit int) ([]*briefing.Event, bool, error) {
	for _, p := range q.Phrases {
		if err := checkList("query phrase", p); err != nil {
			return nil, false, fmt.Errorf("sqlite: events seen between: %w", err)
		}
	}
	if err := checkList("query actor", q.Actors); err != nil {
		return nil, false, fmt.Errorf("sqlite: events seen between: %w", err)
	}
	if err := checkList("query topic", q.Topics); err != nil {
		return nil, false, fmt.Errorf("sqlite: events seen between: %w", err)
	}
	if limit <= 0 {
		limit = defaultSeenLimit
	}
	from, to = stored(from), stored(to)
	if !to.After(from) {
		return nil, false, nil
	}
	query, args, ok := seenSQL(q, from, to, limit)
	if !ok {
		return nil, false, nil
	}
	evs, err := s.queryEvents(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: events seen in (%s, %s]: %w",
			from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), classify(err))
	}
	more := false
	if len(evs) > limit {
		evs, more = evs[:limit], true
	}
	return evs, more, nil
}

// seenSQL builds SeenBetween's statement: up to limit+1 events first seen
// in (from, to], read from the events_latest index (first_seen, id) in its
// order, whose sortkey is among the full-text matches of q's match
// expression (matchExpr, as Search) when it has one. The since and until
// filters select what Search's do: an interval ending on or after since
// (Search finds those starting before since through span tokens), a sortkey
// up to the end of until. It reports false when q cannot match anything.
func seenSQL(q briefing.Query, from, to time.Time, limit int) (string, []any, bool) {
	if q.Since != 0 && q.Until != 0 && q.Until < q.Since {
		return "", nil, false
	}
	var b strings.Builder
	b.WriteString("SELECT e.sortkey, " + eventCols + " FROM events e INDEXED BY events_latest")
	match := matchExpr(q)
	b.WriteString(" WHERE e.first_seen > ? AND e.first_seen <= ?")
	args := []any{micros(from), micros(to)}
	if match != "" {
		b.WriteString(" AND e.sortkey IN (SELECT f.rowid FROM events_fts f WHERE f.events_fts MATCH ?)")
		args = append(args, match)
	}
	if q.Since != 0 {
		b.WriteString(" AND e.hi >= ?")
		args = append(args, int64(q.Since))
	}
	if q.Until != 0 {
		b.WriteString(" AND +e.sortkey <= ?")
		args = append(args, dayKeyEnd(q.Until))
	}
	b.WriteString(" ORDER BY e.first_seen, e.id LIMIT ?")
	fetch := int64(limit)
	if fetch < math.MaxInt64 {
		fetch++
	}
	args = append(args, fetch)
	return b.String(), args, true
}
