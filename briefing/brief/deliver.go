package brief

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/schedule"
)

// Outcome says what one delivery did.
type Outcome struct {
	Sub   *briefing.Subscription
	Brief *briefing.Brief // nil when Recovered
	// Ref is the platform's message ID; empty when nothing was posted.
	Ref string
	// Posted: the briefing was posted by this delivery.
	Posted bool
	// Silent: nothing was new and the subscription is quiet, so nothing
	// was posted; the window is recorded as briefed.
	Silent bool
	// Recovered: an earlier attempt had posted the window before it could
	// record it; this delivery found the post and recorded it.
	Recovered bool
	Start     time.Time
	End       time.Time
}

// ErrNotConnected is wrapped by Publisher errors for a destination whose
// platform this process has no connection to (a Slack subscription on a
// bot running without Slack tokens). It is not retried and does not
// disable the subscription: the window waits for a process that can post.
var ErrNotConnected = errors.New("platform not connected")

// ErrBusy is returned by Now when the subscription's window is being
// briefed by another delivery at this moment.
var ErrBusy = errors.New("a briefing for this subscription is being posted right now")

// ErrUpToDate: the subscription is briefed up to the time asked for
// already.
var ErrUpToDate = errors.New("nothing to brief")

// ErrNotRecorded is returned with a posted Outcome when the post went out
// but could not be recorded; the next delivery finds the post by its key
// and records it, so nothing is posted twice.
var ErrNotRecorded = errors.New("posted, but not recorded yet")

const (
	// postTimeout bounds one post attempt.
	postTimeout = time.Minute
	// findTimeout bounds one look for an earlier post.
	findTimeout = 2 * time.Minute
)

// Now delivers sub's briefing at once: what is new since its watermark,
// posted and recorded, the watermark advanced. It does not wait for a
// window another delivery holds (ErrBusy).
func (s *Service) Now(ctx context.Context, sub *briefing.Subscription) (Outcome, error) {
	return s.deliver(ctx, sub.ID, time.Time{}, false)
}

// Deliver delivers the briefing of subscription id for its slot at slotAt:
// the window from the watermark to now (or later, when an unfinished
// earlier attempt is resumed). If the watermark is at or past slotAt
// already, another worker briefed the slot and the result is ErrUpToDate.
// It waits for a window held by another worker until that worker's lease
// ends.
func (s *Service) Deliver(ctx context.Context, id int64, slotAt time.Time) (Outcome, error) {
	return s.deliver(ctx, id, slotAt, true)
}

func (s *Service) deliver(ctx context.Context, id int64, slotAt time.Time, wait bool) (Outcome, error) {
	// Each delivery claims under its own name, so that two deliveries in
	// one process (a scheduled one and /brief now) exclude each other.
	owner := s.c.Owner + "#" + strconv.FormatUint(s.seq.Add(1), 10)
	c, sub, err := s.claim(ctx, id, slotAt, owner, wait)
	if err != nil {
		return Outcome{Sub: sub}, err
	}
	out := Outcome{Sub: sub, Start: c.Start}
	log := s.log.With("subscription", sub.ID, "dest", sub.Dest.String(), "window_start", c.Start, "key", c.Key)

	if c.Resumed {
		// An earlier attempt did not finish: its post may be out there.
		ref, found, err := s.find(ctx, sub, c)
		if err != nil {
			return out, s.failed(ctx, sub, c, fmt.Errorf("look for an earlier post: %w", err))
		}
		if found {
			log.Info("brief: an earlier attempt had posted this window; recording it", "ref", ref, "attempts", c.Attempts)
			out.Ref, out.Recovered, out.End = ref, true, c.End
			return out, s.finish(ctx, c, ref, 0)
		}
		log.Info("brief: resuming a window an earlier attempt left unposted", "attempts", c.Attempts, "last_error", c.LastError)
		// Nothing went out: brief the whole gap up to now at once.
		end, err := s.settled(ctx, slotAt)
		if err != nil {
			s.release(c, err)
			return out, err
		}
		if end.After(c.End) {
			if err := s.c.Store.ExtendClaim(ctx, c, end, s.c.Lease); err != nil {
				return out, err
			}
		}
	}

	from := c.Start
	if c.First {
		from = from.Add(-s.c.FirstLookback)
	}
	b, cut, err := s.compose(ctx, sub, from, c.End)
	if err != nil {
		s.release(c, err)
		return out, err
	}
	if cut.After(c.Start) {
		// More developments than one briefing reads: this one ends before
		// the first it could not read, and the next covers the rest.
		if err := s.c.Store.ExtendClaim(ctx, c, cut, s.c.Lease); err != nil {
			return out, err
		}
		b.To = c.End
	}
	out.Brief, out.End = b, c.End
	if b.Empty() && sub.Quiet {
		out.Silent = true
		log.Info("brief: nothing new; quiet subscription, nothing posted")
		return out, s.finish(ctx, c, "", 0)
	}

	ref, err := s.post(ctx, sub, c, b)
	if err != nil {
		return out, s.failed(ctx, sub, c, err)
	}
	out.Ref, out.Posted = ref, true
	log.Info("brief: posted", "ref", ref, "developments", b.Total, "shown", len(b.Items)+len(b.Updates))
	if err := s.finish(ctx, c, ref, b.Total); err != nil {
		return out, fmt.Errorf("%w: %v", ErrNotRecorded, err)
	}
	return out, nil
}

// settled returns the end of a window that starts now: the time up to
// which the timeline is complete, and at least slotAt.
func (s *Service) settled(ctx context.Context, slotAt time.Time) (time.Time, error) {
	end, err := s.c.Timeline.Settle(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if end.Before(slotAt) {
		end = slotAt
	}
	return end, nil
}

// claim claims the next window of subscription id for owner, waiting for
// another worker's lease to run out when wait is set.
func (s *Service) claim(ctx context.Context, id int64, slotAt time.Time, owner string, wait bool) (*briefing.Claim, *briefing.Subscription, error) {
	for {
		sub, err := s.c.Store.Subscription(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if sub.Disabled != "" {
			return nil, sub, fmt.Errorf("subscription #%d is disabled (%s): %w", id, sub.Disabled, briefing.ErrDisabled)
		}
		if !slotAt.IsZero() && !sub.Watermark.Before(slotAt) {
			// Another worker (a replica, /brief now) briefed this slot.
			return nil, sub, fmt.Errorf("subscription #%d is briefed up to %s already: %w", id, sub.Watermark.Format(time.RFC3339), ErrUpToDate)
		}
		end, err := s.settled(ctx, slotAt)
		if err != nil {
			return nil, sub, err
		}
		if !end.After(sub.Watermark) {
			return nil, sub, fmt.Errorf("subscription #%d is briefed up to %s already: %w", id, sub.Watermark.Format(time.RFC3339), ErrUpToDate)
		}
		c, err := s.c.Store.ClaimWindow(ctx, id, end, owner, s.c.Lease)
		var held *briefing.ClaimedError
		if errors.As(err, &held) {
			if !wait {
				return nil, sub, ErrBusy
			}
			// At least a second, whatever the clocks say, so that a skew
			// between this machine and the store's never spins.
			d := max(time.Until(held.LeaseUntil)+time.Second, time.Second)
			s.log.Info("brief: window held by another worker; waiting for its lease", "subscription", id, "owner", held.Owner, "wait", d.Round(time.Second))
			if err := sleep(ctx, d); err != nil {
				return nil, sub, err
			}
			continue
		}
		if err != nil {
			return nil, sub, err
		}
		return c, sub, nil
	}
}

// post publishes b, retrying transient failures with backoff. Before each
// retry it looks for the post, since a failure after the platform accepted
// the message (a timeout reading the answer) must not post it twice; while
// it cannot tell, it does not post.
func (s *Service) post(ctx context.Context, sub *briefing.Subscription, c *briefing.Claim, b *briefing.Brief) (string, error) {
	var last error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			d := s.backoff(attempt-1, last)
			s.log.Warn("brief: post failed; retrying", "subscription", sub.ID, "attempt", attempt, "wait", d, "err", last)
			if err := s.c.Store.ExtendClaim(ctx, c, time.Time{}, d+findTimeout+postTimeout+s.c.Lease); err != nil {
				return "", err
			}
			if err := sleep(ctx, d); err != nil {
				return "", last
			}
			ref, found, err := s.find(ctx, sub, c)
			switch {
			case err == nil && found:
				return ref, nil
			case errors.Is(err, briefing.ErrPermanent):
				return "", err
			case err != nil:
				// Cannot tell whether the last attempt went out: do not
				// post again until we can.
				last = fmt.Errorf("look for the post: %w", err)
				if attempt >= s.c.Retries || ctx.Err() != nil {
					return "", last
				}
				continue
			}
		}
		// The lease must outlast the attempt, or another worker could take
		// the window over while the post is on its way.
		if err := s.c.Store.ExtendClaim(ctx, c, time.Time{}, postTimeout+s.c.Lease); err != nil {
			return "", err
		}
		// A post under way finishes even if the process is stopping
		// (within postTimeout); no new attempt starts after that.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), postTimeout)
		ref, err := s.c.Publisher.Publish(pctx, sub.Dest, sub, b, c.Key)
		cancel()
		if err == nil {
			return ref, nil
		}
		if ref != "" {
			// Partly posted: the first message, which carries the key, is
			// out; the window counts as posted.
			s.log.Warn("brief: briefing partly posted", "subscription", sub.ID, "ref", ref, "err", err)
			return ref, nil
		}
		last = err
		if errors.Is(err, briefing.ErrPermanent) || errors.Is(err, ErrNotConnected) || ctx.Err() != nil || attempt >= s.c.Retries {
			return "", last
		}
	}
}

// backoff is the wait before retry attempt+1: what a rate limit asks, else
// RetryBase doubling per attempt up to RetryMax.
func (s *Service) backoff(attempt int, err error) time.Duration {
	var ra *briefing.RetryAfterError
	if errors.As(err, &ra) && ra.After > 0 {
		return min(ra.After, MaxRetryAfter)
	}
	d := s.c.RetryBase << min(attempt, 20)
	return min(d, s.c.RetryMax)
}

// find asks the platform whether the window's post went out.
func (s *Service) find(ctx context.Context, sub *briefing.Subscription, c *briefing.Claim) (string, bool, error) {
	fctx, cancel := context.WithTimeout(ctx, findTimeout)
	defer cancel()
	return s.c.Publisher.Find(fctx, sub.Dest, c.Key, c.ClaimedAt.Add(-time.Minute))
}

// finish records the window as briefed, retrying a few times: the post is
// out, and an unrecorded window would be found again by the next attempt
// anyway (Find), but recording it now keeps that rare.
func (s *Service) finish(ctx context.Context, c *briefing.Claim, ref string, events int) error {
	var err error
	for i := range 3 {
		if err = s.c.Store.FinishWindow(context.WithoutCancel(ctx), c, ref, events); err == nil || errors.Is(err, briefing.ErrClaimLost) {
			break
		}
		if sleep(ctx, time.Duration(i+1)*time.Second) != nil {
			break
		}
	}
	if err != nil {
		s.log.Error("brief: briefed but not recorded; the next attempt will find the post", "subscription", c.Subscription, "ref", ref, "err", err)
	}
	return err
}

// failed handles a delivery that could not post: a permanent error
// disables the subscription; any error releases the claim so the next
// slot, or a restart, resumes the window.
func (s *Service) failed(ctx context.Context, sub *briefing.Subscription, c *briefing.Claim, err error) error {
	s.release(c, err)
	if !errors.Is(err, briefing.ErrPermanent) {
		s.log.Warn("brief: briefing not posted; it stays due", "subscription", sub.ID, "dest", sub.Dest.String(), "err", err)
		return err
	}
	reason := err.Error()
	ctx = context.WithoutCancel(ctx)
	if derr := s.c.Store.DisableSubscription(ctx, sub.ID, reason); derr != nil {
		s.log.Error("brief: could not disable a subscription", "subscription", sub.ID, "err", derr)
	}
	s.log.Error("brief: subscription disabled after a permanent delivery failure", "subscription", sub.ID, "dest", sub.Dest.String(), "err", err)
	if s.c.Admin != (briefing.Destination{}) && s.c.Admin != sub.Dest {
		text := fmt.Sprintf("Briefing subscription #%d (%s, %s) was disabled: %s. Subscribe again in that channel once the bot can post there.", sub.ID, sub.Dest, describeQuery(sub.Query), reason)
		nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if nerr := s.c.Publisher.Notify(nctx, s.c.Admin, text); nerr != nil {
			s.log.Error("brief: could not tell the admin channel", "admin", s.c.Admin.String(), "err", nerr)
		}
	}
	s.Refresh()
	return err
}

func describeQuery(q string) string {
	if strings.TrimSpace(q) == "" {
		return "all developments"
	}
	return fmt.Sprintf("query %q", q)
}

func (s *Service) release(c *briefing.Claim, cause error) {
	if err := s.c.Store.ReleaseClaim(context.Background(), c, cause.Error()); err != nil {
		s.log.Warn("brief: could not release a claim; it expires with its lease", "subscription", c.Subscription, "err", err)
	}
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Run fires scheduled briefings until ctx is done. Subscriptions made or
// removed through this Service are picked up at once, others (another
// process, the CLI) within refreshEvery.
func (s *Service) Run(ctx context.Context) error {
	s.Refresh()
	go func() {
		t := time.NewTicker(refreshEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.Refresh()
			}
		}
	}()
	return s.runner.Run(ctx)
}

// refreshEvery is how often Run reloads subscriptions from the store.
const refreshEvery = time.Minute

// storeTimeout bounds the scheduler's own reads of the store.
const storeTimeout = 30 * time.Second

// Refresh reloads the subscriptions into the scheduler. It uses contexts of
// its own, not a caller's: a chat command's context ends with its answer,
// while the jobs it sets up live on.
func (s *Service) Refresh() {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	subs, err := s.c.Store.Subscriptions(ctx)
	if err != nil {
		s.log.Warn("brief: could not load subscriptions", "err", err)
		return
	}
	jobs := make([]schedule.Job, 0, len(subs))
	for _, sub := range subs {
		if sub.Disabled != "" {
			continue
		}
		sch, err := schedule.Parse(sub.Schedule, time.UTC)
		if err != nil {
			s.log.Warn("brief: a stored schedule does not parse; skipped", "subscription", sub.ID, "schedule", sub.Schedule, "err", err)
			continue
		}
		id := sub.ID
		jobs = append(jobs, schedule.Job{
			ID:       strconv.FormatInt(id, 10) + " " + sub.Schedule,
			Schedule: sch,
			Watermark: func() (time.Time, error) {
				ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
				defer cancel()
				cur, err := s.c.Store.Subscription(ctx, id)
				if errors.Is(err, briefing.ErrNotFound) {
					// Removed since the last refresh: never due.
					return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), nil
				}
				if err != nil {
					return time.Time{}, err
				}
				return cur.Watermark, nil
			},
		})
	}
	s.runner.Set(jobs)
}

// fire is the scheduler's callback for a due slot. A transient failure is
// retried with a growing wait (5 minutes, doubling to an hour) until it
// works or the next slot comes near, which then covers the window.
func (s *Service) fire(ctx context.Context, job schedule.Job, slot schedule.Slot) {
	idText, _, _ := strings.Cut(job.ID, " ")
	id, _ := strconv.ParseInt(idText, 10, 64)
	next := job.Schedule.Next(slot.At).At
	wait := fireRetryBase
	for {
		out, err := s.Deliver(ctx, id, slot.At)
		switch {
		case err == nil || errors.Is(err, ErrNotRecorded):
			s.log.Info("brief: slot done", "subscription", id, "slot", slot.Key, "posted", out.Posted, "silent", out.Silent, "recovered", out.Recovered)
			return
		case errors.Is(err, ErrUpToDate), errors.Is(err, briefing.ErrNotFound), errors.Is(err, briefing.ErrDisabled):
			s.log.Info("brief: nothing to do for a due slot", "subscription", id, "slot", slot.Key, "reason", err)
			return
		case errors.Is(err, briefing.ErrPermanent), errors.Is(err, ErrNotConnected), ctx.Err() != nil:
			return
		}
		if !next.IsZero() && time.Now().Add(wait).After(next.Add(-fireRetryBase)) {
			s.log.Warn("brief: giving up on this slot; the next briefing covers its window", "subscription", id, "slot", slot.Key, "err", err)
			return
		}
		s.log.Warn("brief: briefing failed; trying again", "subscription", id, "slot", slot.Key, "in", wait, "err", err)
		if sleep(ctx, wait) != nil {
			return
		}
		wait = min(2*wait, time.Hour)
	}
}

// fireRetryBase is the first wait before a failed scheduled briefing is
// tried again.
const fireRetryBase = 5 * time.Minute
