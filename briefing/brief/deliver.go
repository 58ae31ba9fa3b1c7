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

// postTimeout bounds one post attempt.
const postTimeout = time.Minute

// ErrBusy is returned by Now when the subscription's window is being
// briefed by another worker at this moment.
var ErrBusy = errors.New("a briefing for this subscription is being posted right now")

// Now delivers sub's briefing at once: what is new since its watermark,
// posted and recorded, the watermark advanced. It does not wait for a
// window another worker holds (ErrBusy).
func (s *Service) Now(ctx context.Context, sub *briefing.Subscription) (Outcome, error) {
	return s.deliver(ctx, sub.ID, time.Now(), false)
}

// Deliver delivers the briefing of subscription id for the window ending
// at end (or later, when an unfinished earlier attempt is resumed): the
// scheduled path. It waits for a window held by another worker until that
// worker's lease ends.
func (s *Service) Deliver(ctx context.Context, id int64, end time.Time) (Outcome, error) {
	return s.deliver(ctx, id, end, true)
}

func (s *Service) deliver(ctx context.Context, id int64, end time.Time, wait bool) (Outcome, error) {
	c, sub, err := s.claim(ctx, id, end, wait)
	if err != nil {
		return Outcome{}, err
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
			return out, s.finish(ctx, c, ref, -1)
		}
		if end.After(c.End) {
			// Nothing went out: brief the whole gap at once.
			if err := s.c.Store.ExtendClaim(ctx, c, end, s.c.Lease); err != nil {
				return out, err
			}
		}
		log.Info("brief: resuming a window an earlier attempt left unposted", "attempts", c.Attempts, "last_error", c.LastError)
	}
	out.End = c.End

	from := c.Start
	if c.First {
		from = from.Add(-s.c.FirstLookback)
	}
	b, err := s.compose(ctx, sub, from, c.End)
	if err != nil {
		s.release(c, err)
		return out, err
	}
	out.Brief = b
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
	return out, s.finish(ctx, c, ref, b.Total)
}

// claim claims the window of subscription id ending at end, waiting for
// another worker's lease to run out when wait is set.
func (s *Service) claim(ctx context.Context, id int64, end time.Time, wait bool) (*briefing.Claim, *briefing.Subscription, error) {
	for {
		sub, err := s.c.Store.Subscription(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if sub.Disabled != "" {
			return nil, sub, fmt.Errorf("subscription #%d is disabled (%s): %w", id, sub.Disabled, briefing.ErrDisabled)
		}
		if !end.After(sub.Watermark) {
			// Briefed up to or past end already (by /brief now, or another
			// replica): nothing to do.
			return nil, sub, fmt.Errorf("subscription #%d is briefed up to %s already: %w", id, sub.Watermark.Format(time.RFC3339), ErrUpToDate)
		}
		c, err := s.c.Store.ClaimWindow(ctx, id, end, s.c.Owner, s.c.Lease)
		var held *briefing.ClaimedError
		if errors.As(err, &held) {
			if !wait {
				return nil, sub, ErrBusy
			}
			d := time.Until(held.LeaseUntil) + time.Second
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

// ErrUpToDate: the subscription is briefed up to the time asked for
// already.
var ErrUpToDate = errors.New("nothing to brief")

// post publishes b, retrying transient failures with backoff. Before each
// retry it renews the claim and looks for the post, since a failure after
// the platform accepted the message (a timeout reading the answer) must not
// post it twice.
func (s *Service) post(ctx context.Context, sub *briefing.Subscription, c *briefing.Claim, b *briefing.Brief) (string, error) {
	var last error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			ref, found, err := s.find(ctx, sub, c)
			if err == nil && found {
				return ref, nil
			}
			if errors.Is(err, briefing.ErrPermanent) {
				return "", err
			}
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
		d := s.backoff(attempt, err)
		s.log.Warn("brief: post failed; retrying", "subscription", sub.ID, "attempt", attempt+1, "wait", d, "err", err)
		if err := s.c.Store.ExtendClaim(ctx, c, c.End, d+s.c.Lease); err != nil {
			return "", err
		}
		if err := sleep(ctx, d); err != nil {
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
	return s.c.Publisher.Find(ctx, sub.Dest, c.Key, c.ClaimedAt.Add(-time.Minute))
}

// finish records the window as briefed, retrying a few times: the post is
// out, and an unrecorded window would be found again by the next attempt
// anyway (Find), but recording it now keeps that rare.
func (s *Service) finish(ctx context.Context, c *briefing.Claim, ref string, events int) error {
	if events < 0 {
		events = 0
	}
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
		s.log.Error("brief: posted but not recorded; the next attempt will find the post", "subscription", c.Subscription, "ref", ref, "err", err)
	}
	return err
}

// failed handles a delivery that could not post: a permanent error
// disables the subscription; any error releases the claim so the next
// slot, or a restart, resumes the window.
func (s *Service) failed(ctx context.Context, sub *briefing.Subscription, c *briefing.Claim, err error) error {
	s.release(c, err)
	if !errors.Is(err, briefing.ErrPermanent) {
		s.log.Warn("brief: briefing not posted; the next briefing covers its window", "subscription", sub.ID, "dest", sub.Dest.String(), "err", err)
		return err
	}
	reason := err.Error()
	ctx = context.WithoutCancel(ctx)
	if derr := s.c.Store.DisableSubscription(ctx, sub.ID, reason); derr != nil {
		s.log.Error("brief: could not disable a subscription", "subscription", sub.ID, "err", derr)
	}
	s.log.Error("brief: subscription disabled after a permanent delivery failure", "subscription", sub.ID, "dest", sub.Dest.String(), "err", err)
	if s.c.Admin != (briefing.Destination{}) && s.c.Admin != sub.Dest {
		text := fmt.Sprintf("Briefing subscription #%d (%s, query %q) was disabled: %s. Subscribe again in that channel once the bot can post there.", sub.ID, sub.Dest, sub.Query, reason)
		nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if nerr := s.c.Publisher.Notify(nctx, s.c.Admin, text); nerr != nil {
			s.log.Error("brief: could not tell the admin channel", "admin", s.c.Admin.String(), "err", nerr)
		}
	}
	s.Refresh(ctx)
	return err
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
	s.Refresh(ctx)
	go func() {
		t := time.NewTicker(refreshEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.Refresh(ctx)
			}
		}
	}()
	return s.runner.Run(ctx)
}

// refreshEvery is how often Run reloads subscriptions from the store.
const refreshEvery = time.Minute

// Refresh reloads the subscriptions into the scheduler.
func (s *Service) Refresh(ctx context.Context) {
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
			Watermark: func() time.Time {
				cur, err := s.c.Store.Subscription(ctx, id)
				if err != nil {
					// Fire anyway: the claim reads the store again and
					// reports what is wrong.
					return time.Time{}
				}
				return cur.Watermark
			},
		})
	}
	s.runner.Set(jobs)
}

// fire is the scheduler's callback for a due slot.
func (s *Service) fire(ctx context.Context, job schedule.Job, slot schedule.Slot) {
	idText, _, _ := strings.Cut(job.ID, " ")
	id, _ := strconv.ParseInt(idText, 10, 64)
	end := time.Now()
	if end.Before(slot.At) {
		end = slot.At
	}
	out, err := s.Deliver(ctx, id, end)
	switch {
	case errors.Is(err, ErrUpToDate), errors.Is(err, briefing.ErrNotFound), errors.Is(err, briefing.ErrDisabled):
		s.log.Info("brief: nothing to do for a due slot", "subscription", id, "slot", slot.Key, "reason", err)
	case err != nil:
		// logged where it happened
	default:
		s.log.Info("brief: slot done", "subscription", id, "slot", slot.Key, "posted", out.Posted, "silent", out.Silent, "recovered", out.Recovered)
	}
}
