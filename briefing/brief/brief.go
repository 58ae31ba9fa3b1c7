// Package brief runs scheduled briefings: it keeps subscriptions, decides
// when each is due (briefing/schedule), composes what developed since the
// last briefing (a Composer, normally briefing/digest) and posts it through
// a Publisher exactly once.
//
// # Exactly once
//
// A briefing covers the window (watermark, end] of its subscription. The
// store is the source of truth; the steps are:
//
//  1. Claim the window in the store (briefing.SubscriptionStore.ClaimWindow).
//     A window is identified by its subscription and start, so two workers,
//     or a scheduled briefing and "/brief now", cannot both hold it.
//  2. If an earlier claim of the window did not finish (a crash or restart
//     between claim and post, or between post and record), ask the platform
//     whether the post with the window's key went through
//     (Publisher.Find). If it did, record it and stop: nothing is posted
//     twice. If not, the window is extended to now and posted: nothing is
//     skipped.
//  3. Compose and post, marked with the window's key; retry transient
//     failures with backoff, renewing the claim's lease.
//  4. Only after the platform accepted the post, record it and advance the
//     watermark in one transaction (FinishWindow).
//
// A permanent failure (the channel is gone, the bot was removed) disables
// the subscription, logs it and tells the admin channel when one is set.
// Each subscription fires in its own goroutine, so a failing channel never
// delays the others.
package brief

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/schedule"
)

// Publisher posts briefings to chat destinations. bot.Publisher implements
// it over the platform adapters. Errors follow briefing's convention:
// permanent failures wrap briefing.ErrPermanent, rate limits are
// *briefing.RetryAfterError, anything else is transient.
type Publisher interface {
	// Publish posts b in dest, marked with key, and returns the
	// platform's message ID.
	Publish(ctx context.Context, dest briefing.Destination, sub *briefing.Subscription, b *briefing.Brief, key string) (ref string, err error)
	// Find looks for a post marked with key in dest at or after since.
	Find(ctx context.Context, dest briefing.Destination, key string, since time.Time) (ref string, found bool, err error)
	// Notify posts a short plain message, for the admin channel.
	Notify(ctx context.Context, dest briefing.Destination, text string) error
}

// Composer builds a briefing from the developments first seen in the window
// (fresh) and those seen before it (earlier); briefing/digest.Compose with
// options is the usual one.
type Composer func(fresh, earlier []*briefing.Event) *briefing.Brief

// Abstracter writes an optional abstractive summary of a briefing whose
// every sentence is supported by its events (briefing/llm). On error the
// briefing goes out without one.
type Abstracter interface {
	Summarize(ctx context.Context, b *briefing.Brief) ([]string, error)
}

// Config wires a Service. Store, Timeline, Publisher and Compose are
// required.
type Config struct {
	Store     briefing.SubscriptionStore
	Timeline  *briefing.Service // resolves queries as /timeline does
	Publisher Publisher
	Compose   Composer
	Abstract  Abstracter // optional
	// Admin receives a message when a subscription is disabled; optional.
	Admin briefing.Destination
	// Location is the zone for schedules typed without one (default UTC).
	Location *time.Location
	// Owner names this process in claims (default host, process ID and a
	// random suffix); replicas must differ.
	Owner string
	// Lease is how long a claim is held without renewal (default 2
	// minutes); a crashed worker's window is taken over after it.
	Lease time.Duration
	// Lookback is how far before a window the earlier developments reach,
	// for novelty and updates (default 14 days).
	Lookback time.Duration
	// FirstLookback is how far back the first briefing of a subscription
	// reaches before the subscription was made (default 24 hours).
	FirstLookback time.Duration
	// MaxEvents bounds the developments one briefing reads (default
	// 20,000); beyond it the oldest are briefed and the rest wait for the
	// next window.
	MaxEvents int
	// Retries is how many times a transient failure is retried (default
	// 5), waiting RetryBase, doubling up to RetryMax, or what a rate limit
	// asks (at most MaxRetryAfter).
	Retries   int
	RetryBase time.Duration // default 2 s
	RetryMax  time.Duration // default 2 minutes
	Log       *slog.Logger
}

// MaxRetryAfter bounds how long a rate limit may make a briefing wait.
const MaxRetryAfter = 10 * time.Minute

// Service keeps subscriptions and delivers their briefings. It is safe for
// concurrent use.
type Service struct {
	c      Config
	runner *schedule.Runner
	log    *slog.Logger
	seq    atomic.Uint64 // numbers deliveries, which claim under their own names
}

// New checks c and returns a Service.
func New(c Config) (*Service, error) {
	switch {
	case c.Store == nil:
		return nil, errors.New("brief: no store")
	case c.Timeline == nil:
		return nil, errors.New("brief: no timeline service")
	case c.Publisher == nil:
		return nil, errors.New("brief: no publisher")
	case c.Compose == nil:
		return nil, errors.New("brief: no composer")
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Owner == "" {
		c.Owner = defaultOwner()
	}
	if c.Lease <= 0 {
		c.Lease = 2 * time.Minute
	}
	if c.Lookback <= 0 {
		c.Lookback = 14 * 24 * time.Hour
	}
	if c.FirstLookback <= 0 {
		c.FirstLookback = 24 * time.Hour
	}
	if c.MaxEvents <= 0 {
		c.MaxEvents = 20_000
	}
	if c.Retries < 0 {
		c.Retries = 0
	} else if c.Retries == 0 {
		c.Retries = 5
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 2 * time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 2 * time.Minute
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{c: c, log: c.Log}
	s.runner = schedule.NewRunner(s.fire, c.Log)
	return s, nil
}

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Owner returns the name this service claims windows under.
func (s *Service) Owner() string { return s.c.Owner }

// Subscribe parses a request and stores the subscription. With a Name it
// creates or updates the named subscription.
func (s *Service) Subscribe(ctx context.Context, r Request) (*briefing.Subscription, error) {
	if r.Dest.Platform == "" || r.Dest.Channel == "" {
		return nil, fmt.Errorf("%w: say which channel the briefings go to", ErrUsage)
	}
	var sp Spec
	if r.Spec != nil {
		sp = *r.Spec
		if sp.Schedule.IsZero() {
			return nil, fmt.Errorf("%w: say when the briefing should come", ErrUsage)
		}
	} else {
		var err error
		if sp, err = ParseSpec(r.Text, s.c.Location); err != nil {
			return nil, err
		}
	}
	if _, err := s.resolve(sp.Query); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUsage, strings.TrimPrefix(err.Error(), briefing.ErrBadQuery.Error()+": "))
	}
	sub := &briefing.Subscription{
		Name:      r.Name,
		Dest:      r.Dest,
		Query:     sp.Query,
		Schedule:  sp.Schedule.String(),
		Quiet:     sp.Quiet,
		Origin:    r.Origin,
		CreatedBy: r.By,
	}
	var err error
	if r.Name != "" {
		err = s.c.Store.PutNamedSubscription(ctx, sub)
	} else {
		err = s.c.Store.AddSubscription(ctx, sub)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("brief: subscribed", "subscription", sub.ID, "dest", sub.Dest.String(), "schedule", sub.Schedule, "query", sub.Query)
	s.Refresh()
	return sub, nil
}

// Info is a subscription with what a listing shows about it.
type Info struct {
	Sub      *briefing.Subscription
	Schedule schedule.Schedule // zero if the stored spec no longer parses
	Next     time.Time         // the next scheduled briefing; zero if disabled
	Last     *briefing.BriefingRecord
}

// List returns the subscriptions of dest, or all when dest is zero.
func (s *Service) List(ctx context.Context, dest briefing.Destination) ([]Info, error) {
	subs, err := s.c.Store.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	var out []Info
	now := time.Now()
	for _, sub := range subs {
		if dest != (briefing.Destination{}) && sub.Dest != dest {
			continue
		}
		in := Info{Sub: sub}
		if sch, err := schedule.Parse(sub.Schedule, time.UTC); err == nil {
			in.Schedule = sch
			if sub.Disabled == "" {
				in.Next = sch.Next(now).At
			}
		}
		recs, err := s.c.Store.Briefings(ctx, sub.ID, 1)
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			in.Last = &recs[0]
		}
		out = append(out, in)
	}
	return out, nil
}

// Find resolves which subscription a command means: the one numbered
// arg ("3" or "#3"), or with no arg the only one of dest. A non-zero dest
// restricts the choice to that channel.
func (s *Service) Find(ctx context.Context, dest briefing.Destination, arg string) (*briefing.Subscription, error) {
	arg = strings.TrimPrefix(strings.TrimSpace(arg), "#")
	if arg != "" {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%w: %q is not a subscription number; /brief list shows them", ErrUsage, arg)
		}
		sub, err := s.c.Store.Subscription(ctx, id)
		if errors.Is(err, briefing.ErrNotFound) || err == nil && dest != (briefing.Destination{}) && sub.Dest != dest {
			return nil, fmt.Errorf("%w: there is no subscription #%d here; /brief list shows them", ErrUsage, id)
		}
		return sub, err
	}
	infos, err := s.List(ctx, dest)
	if err != nil {
		return nil, err
	}
	switch len(infos) {
	case 0:
		return nil, fmt.Errorf("%w: this channel has no briefing subscription; /brief subscribe QUERY at 07:30 makes one", ErrUsage)
	case 1:
		return infos[0].Sub, nil
	}
	ids := make([]string, len(infos))
	for i, in := range infos {
		ids[i] = "#" + strconv.FormatInt(in.Sub.ID, 10)
	}
	return nil, fmt.Errorf("%w: this channel has %d subscriptions (%s); say which one, for example %s", ErrUsage, len(infos), strings.Join(ids, ", "), ids[0])
}

// Unsubscribe removes a subscription.
func (s *Service) Unsubscribe(ctx context.Context, id int64) error {
	if err := s.c.Store.RemoveSubscription(ctx, id); err != nil {
		return err
	}
	s.log.Info("brief: unsubscribed", "subscription", id)
	s.Refresh()
	return nil
}

// Preview composes the briefing that would be posted now for sub, without
// posting it or recording anything.
func (s *Service) Preview(ctx context.Context, sub *briefing.Subscription) (*briefing.Brief, error) {
	from := sub.Watermark
	first, err := s.first(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	if first {
		from = from.Add(-s.c.FirstLookback)
	}
	to, err := s.c.Timeline.Settle(ctx)
	if err != nil {
		return nil, err
	}
	if !to.After(from) {
		to = from.Add(time.Microsecond)
	}
	b, _, err := s.compose(ctx, sub, from, to)
	return b, err
}

// first reports whether a subscription has no posted briefing yet, as the
// store decides it for a claim (Claim.First).
func (s *Service) first(ctx context.Context, id int64) (bool, error) {
	recs, err := s.c.Store.Briefings(ctx, id, 1000)
	if err != nil {
		return false, err
	}
	for _, r := range recs {
		if r.PostRef != "" {
			return false, nil
		}
	}
	return true, nil
}

// resolve reads a subscription's query as /timeline does; an empty query
// matches every development.
func (s *Service) resolve(text string) (briefing.Query, error) {
	if strings.TrimSpace(text) == "" {
		return briefing.Query{}, nil
	}
	return s.c.Timeline.ResolveQuery(text)
}

// compose gathers the window's developments and composes the briefing.
// When the window holds more than MaxEvents developments, cut is the end
// the window must shrink to: just before the first development not read
// (developments sharing that first-seen time are left for the next window
// too, since a window starts after a first-seen time).
func (s *Service) compose(ctx context.Context, sub *briefing.Subscription, from, to time.Time) (b *briefing.Brief, cut time.Time, err error) {
	q, err := s.resolve(sub.Query)
	if err != nil {
		return nil, cut, fmt.Errorf("subscription #%d: its query no longer reads: %w", sub.ID, err)
	}
	fresh, more, err := s.c.Store.SeenBetween(ctx, q, from, to, s.c.MaxEvents)
	if err != nil {
		return nil, cut, fmt.Errorf("read the window's developments: %w", err)
	}
	if more && len(fresh) > 0 {
		last := fresh[len(fresh)-1].FirstSeen
		i := len(fresh)
		for i > 0 && !fresh[i-1].FirstSeen.Before(last) {
			i--
		}
		if i > 0 {
			fresh, cut, to = fresh[:i], last.Add(-time.Microsecond), last.Add(-time.Microsecond)
			s.log.Warn("brief: more developments than one briefing reads; the rest go in the next", "subscription", sub.ID, "read", i)
		} else {
			s.log.Warn("brief: more developments first seen at one instant than one briefing reads; some are left out", "subscription", sub.ID, "read", len(fresh))
		}
	}
	earlier, err := s.earlier(ctx, q, from)
	if err != nil {
		return nil, cut, fmt.Errorf("read earlier developments: %w", err)
	}
	b = s.c.Compose(fresh, earlier)
	b.Subscription, b.Query, b.From, b.To = sub.ID, sub.Query, from, to
	if s.c.Abstract != nil && !b.Empty() {
		sentences, err := s.c.Abstract.Summarize(ctx, b)
		if err != nil {
			s.log.Warn("brief: abstractive summary not used; the extractive one goes out", "subscription", sub.ID, "err", err)
		} else {
			b.Abstract = sentences
		}
	}
	return b, cut, nil
}

// earlier reads the developments seen in the Lookback before from, for
// novelty and updates. Past MaxEvents/4 of them it narrows the span (to
// half, then a quarter...) so that the most recent are the ones read.
func (s *Service) earlier(ctx context.Context, q briefing.Query, from time.Time) ([]*briefing.Event, error) {
	limit := max(s.c.MaxEvents/4, 1)
	span := s.c.Lookback
	for {
		evs, more, err := s.c.Store.SeenBetween(ctx, q, from.Add(-span), from, limit)
		if err != nil || !more || span <= time.Hour {
			return evs, err
		}
		span /= 2
	}
}
