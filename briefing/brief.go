package briefing

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors about subscriptions and briefing windows. Callers test them with
// errors.Is.
var (
	// ErrExists: a subscription with the same name exists already.
	ErrExists = errors.New("already exists")
	// ErrDisabled: the subscription was disabled after a permanent
	// delivery failure; subscribe again to re-enable it.
	ErrDisabled = errors.New("subscription disabled")
	// ErrClaimed: another worker holds a live claim on the subscription's
	// current window. The error is a *ClaimedError, which says until when.
	ErrClaimed = errors.New("briefing window claimed by another worker")
	// ErrClaimLost: the claim was taken over by another worker after its
	// lease expired, or the window was briefed meanwhile; the holder must
	// not post or must not record its post.
	ErrClaimLost = errors.New("briefing claim lost")
	// ErrPermanent is wrapped by delivery errors that retrying cannot fix:
	// the channel is gone, the bot was removed from it or may not post.
	ErrPermanent = errors.New("permanent delivery failure")
)

// ClaimedError is returned (wrapping ErrClaimed) when a window is held by a
// live claim of another owner.
type ClaimedError struct {
	Owner      string
	LeaseUntil time.Time
}

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("%v until %s", ErrClaimed, e.LeaseUntil.UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrClaimed) true.
func (e *ClaimedError) Unwrap() error { return ErrClaimed }

// RetryAfterError is a transient delivery error with the platform's hint of
// how long to wait (an HTTP 429 Retry-After).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

// Unwrap returns the underlying error.
func (e *RetryAfterError) Unwrap() error { return e.Err }

// Destination is a chat channel a briefing is posted to.
type Destination struct {
	Platform string // "slack", "discord" or "console"
	Channel  string // the platform's channel ID
}

// String renders the destination as "slack:C0123".
func (d Destination) String() string { return d.Platform + ":" + d.Channel }

// Subscription asks for scheduled briefings in a channel.
type Subscription struct {
	ID int64
	// Name is unique when set. Subscriptions from the configuration file
	// are named "config:NAME" and kept in step with it; those made in chat
	// or on the command line have no name.
	Name string
	Dest Destination
	// Query selects the developments, as typed after /timeline
	// ("ceasefire actor:putin"); empty means every development.
	Query string
	// Schedule is the canonical spec from schedule.Parse, such as
	// "CRON_TZ=Europe/Kyiv 30 7 * * 1-5".
	Schedule string
	// Quiet: when nothing is new, post nothing (instead of one line
	// saying so).
	Quiet     bool
	Origin    string // "chat", "cli" or "config"
	CreatedBy string // who subscribed: a user ID, "cli" or "config"
	CreatedAt time.Time
	// Watermark is the end of the last briefed window: the next briefing
	// covers developments first seen after it. It starts at CreatedAt.
	Watermark time.Time
	// Disabled says why the subscription stopped (a permanent delivery
	// failure); empty while it is active.
	Disabled string
}

// Claim is a worker's hold on a subscription's next briefing window
// (Start, End], recorded in the store before anything is posted.
type Claim struct {
	ID           int64
	Subscription int64
	// Start is the subscription's watermark when the window was claimed;
	// a window is identified by its subscription and Start.
	Start time.Time
	// End is the end of the window; it may move later (ExtendClaim) until
	// the briefing is posted.
	End time.Time
	// Key identifies the briefing on the platform (Slack message metadata,
	// Discord nonce and footer), so that a worker resuming the window can
	// tell whether an earlier attempt posted it.
	Key        string
	Owner      string
	LeaseUntil time.Time
	ClaimedAt  time.Time // when the window was first claimed
	// Attempts counts the claims of this window, 1 for the first.
	Attempts int
	// Resumed: an earlier claim of this window did not finish. Its post
	// may have reached the platform, so look for Key before posting.
	Resumed bool
	// First: the subscription has no posted briefing yet.
	First     bool
	LastError string // why the previous attempt stopped, if Resumed
}

// BriefingRecord is a finished briefing window.
type BriefingRecord struct {
	ID           int64
	Subscription int64
	Start, End   time.Time
	Key          string
	PostRef      string // the platform's message ID; empty when nothing was posted (quiet)
	Events       int    // developments the briefing covered
	PostedAt     time.Time
}

// SubscriptionStore keeps subscriptions and the claims and records of their
// briefing windows. It is implemented by stores under store/ and checked by
// the contract suite in store/storetest. The store's clock decides whether
// a lease is live.
type SubscriptionStore interface {
	// AddSubscription stores a new subscription and sets its ID. CreatedAt
	// and Watermark default to the store's clock when zero. A Name in use
	// is ErrExists.
	AddSubscription(ctx context.Context, s *Subscription) error
	// PutNamedSubscription creates or updates the subscription named
	// s.Name (which must not be empty): destination, query, schedule,
	// quiet and origin are replaced; the watermark, creation time and ID
	// are kept, and a disabled subscription is enabled again. s gets the
	// stored ID, CreatedAt and Watermark.
	PutNamedSubscription(ctx context.Context, s *Subscription) error
	// Subscription returns one subscription, or ErrNotFound.
	Subscription(ctx context.Context, id int64) (*Subscription, error)
	// Subscriptions lists every subscription, disabled ones included, by ID.
	Subscriptions(ctx context.Context) ([]*Subscription, error)
	// RemoveSubscription deletes a subscription with its claims and
	// records, or returns ErrNotFound.
	RemoveSubscription(ctx context.Context, id int64) error
	// DisableSubscription records why a subscription stopped; claims of it
	// fail with ErrDisabled until it is put again.
	DisableSubscription(ctx context.Context, id int64, reason string) error

	// ClaimWindow claims the window (watermark, end] of an enabled
	// subscription for owner, with a lease until the store's now + lease.
	// If the window was claimed before and not finished, the claim is
	// taken over when its lease has expired or owner holds it (Resumed,
	// Attempts+1, End kept as recorded, Key unchanged), and otherwise the
	// result is a *ClaimedError. end must be after the watermark.
	// Errors: ErrNotFound, ErrDisabled, ErrClaimed.
	ClaimWindow(ctx context.Context, sub int64, end time.Time, owner string, lease time.Duration) (*Claim, error)
	// ExtendClaim renews c's lease to the store's now + lease and, unless
	// end is zero, sets the window's end to end (later to cover a longer
	// gap, earlier when a briefing cannot read all of a window; end must be
	// after c.Start). It fails with ErrClaimLost if c is no longer held by
	// c.Owner or the window was finished. c is updated.
	ExtendClaim(ctx context.Context, c *Claim, end time.Time, lease time.Duration) error
	// ReleaseClaim gives up c without finishing it: the lease ends now and
	// errMsg is recorded, so that the next claim resumes the window. It
	// is a no-op if c was lost meanwhile.
	ReleaseClaim(ctx context.Context, c *Claim, errMsg string) error
	// FinishWindow records in one transaction that c's window was briefed
	// (postRef empty when nothing was posted) and advances the
	// subscription's watermark to c.End. ErrClaimLost if c is no longer
	// held by c.Owner or the watermark moved.
	FinishWindow(ctx context.Context, c *Claim, postRef string, events int) error
	// Briefings returns up to limit finished windows of a subscription,
	// newest first.
	Briefings(ctx context.Context, sub int64, limit int) ([]BriefingRecord, error)

	// SeenBetween returns up to limit events matching q (phrases and the
	// actor, topic, since and until filters; Limit, Offset, Dates and Lines
	// are ignored) that were first seen in (from, to], with their
	// citations, ordered by first seen and then ID; more reports further
	// matches.
	SeenBetween(ctx context.Context, q Query, from, to time.Time, limit int) (evs []*Event, more bool, err error)
}

// Brief is one composed briefing: what developed in a window, ranked and
// summarised, ready to render.
type Brief struct {
	Subscription int64
	Query        string    // the subscription's query, "" for everything
	From, To     time.Time // the window (From, To]
	// Items are the top new developments, best first; when Grouped they
	// are ordered by group (Topic) and by rank within a group.
	Items   []BriefItem
	Grouped bool
	// Updates are new developments that change an earlier one (a status
	// that moved, new numbers), best first.
	Updates []BriefItem
	// Total counts the window's new developments; Omitted those not shown.
	Total   int
	Omitted int
	// OmittedSince is the earliest event date among the omitted
	// developments: the rest are at /timeline QUERY since:OmittedSince.
	OmittedSince Day
	// Sources counts the distinct sources of the window's developments.
	Sources int
	// Abstract is an optional abstractive summary, one sentence per
	// entry, each checked against the events it summarises. Empty by
	// default.
	Abstract []string
}

// Empty reports whether nothing new developed in the window.
func (b *Brief) Empty() bool { return b.Total == 0 }

// BriefItem is one development in a briefing.
type BriefItem struct {
	Event *Event
	// Lines are one or two sentences that summarise the development.
	Lines []string
	// Sources are the citations of distinct sources, the most useful
	// first; len(Sources) is the "reported by N sources" figure.
	Sources []Citation
	// Topic is the item's group when the briefing is grouped: a topic ID
	// such as "ceasefire", or "" for other developments.
	Topic string
	// Update is set when the development changes an earlier one.
	Update *BriefUpdate
	Score  float64
}

// BriefUpdate says what a development changed about an earlier one.
type BriefUpdate struct {
	Earlier *Event
	// Change describes it in a few words: "proposed → agreed",
	// "1,000 → 1,200".
	Change string
}
