package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Job is one schedule for the Runner to fire, typically one subscription.
type Job struct {
	// ID identifies the job across calls to Set; it must be unique and not
	// empty.
	ID string
	// Schedule says when the job is due.
	Schedule Schedule
	// Watermark returns the end of the last briefed window from the caller's
	// store, the source of truth for what has been briefed (see Due). The
	// runner calls it from its Run goroutine when a slot it has not settled
	// yet is at or before now: about once per slot, and again each re-check
	// while an earlier fire of the job is still running. Slots at or before
	// the watermark are not fired. When it returns an error (the store is
	// unreachable), the slot is not fired now and is checked again at the
	// next re-check: an unknown watermark never fires a briefing.
	//
	// If Watermark is nil, the runner keeps the watermark in memory only,
	// starting at the time Set first listed the job, so nothing before that
	// is caught up.
	Watermark func() (time.Time, error)
}

// recheck is the longest the Runner sleeps between checks, so that wall-clock
// jumps and watermarks moved by others are noticed within a minute.
const recheck = time.Minute

// Runner fires due jobs on the real clock (time.Now and timers, which
// testing/synctest virtualises).
//
// For each job it fires the latest slot in (watermark, now] (see
// Schedule.Due): at the slot's instant while running, or at once for a slot
// missed while the process was down, so one catch-up covers any gap. Each
// fire runs in its own goroutine with panic recovery, so a slow or panicking
// fire never delays other jobs. A job never has two fires in flight: while
// one runs, the job's newer slots wait, and when it returns the latest of
// them fires once if the watermark still says it is due. A slot is fired at
// most once per Runner (it remembers the last fired slot per job even when the
// watermark does not move, for example because the post failed); across
// restarts the caller's watermark is what prevents a second briefing.
//
// Retrying a failed post is the fire function's business: a slot whose
// briefing failed is covered by the next slot's window, or by the catch-up
// after a restart, since the watermark did not advance.
type Runner struct {
	fire func(ctx context.Context, job Job, slot Slot)
	log  *slog.Logger
	wake chan struct{} // poked by Set and by finished fires

	mu     sync.Mutex
	jobs   []Job                // current list; replaced, never modified
	state  map[string]*jobState // by Job.ID; kept while listed or firing
	active bool                 // Run is running
	fires  sync.WaitGroup       // fires in flight
}

// jobState is what the runner remembers about one job.
type jobState struct {
	added    time.Time // when Set first listed the job: the watermark if Job.Watermark is nil
	done     time.Time // slots at or before done are settled: fired, or briefed per the watermark
	lastKey  string    // key of the last slot fired
	firing   bool      // a fire is in flight
	listed   bool      // in the current job list
	deferred string    // key of the slot last logged as waiting for a running fire
}

// NewRunner returns a Runner that calls fire for each due slot. fire gets
// the context passed to Run, the job and the slot; it must not be nil. log
// receives a line for each fire, panic and skipped job; nil discards them.
func NewRunner(fire func(ctx context.Context, job Job, slot Slot), log *slog.Logger) *Runner {
	if fire == nil {
		panic("schedule: NewRunner with a nil fire function")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{
		fire:  fire,
		log:   log,
		wake:  make(chan struct{}, 1),
		state: make(map[string]*jobState),
	}
}

// Set replaces the runner's jobs; it may be called at any time, before or
// during Run, from any goroutine. Jobs keep what the runner remembers about
// them (last fired slot, a fire in flight) across calls as long as their ID
// stays listed. A removed job's fire in flight is not cancelled. Jobs with an
// empty ID, a zero Schedule or a duplicate ID are logged and ignored.
func (r *Runner) Set(jobs []Job) {
	now := time.Now()
	list := make([]Job, 0, len(jobs))
	listed := make(map[string]bool, len(jobs))
	r.mu.Lock()
	for _, j := range jobs {
		switch {
		case j.ID == "":
			r.log.Warn("schedule: ignoring a job without an ID", "schedule", j.Schedule.String())
			continue
		case j.Schedule.IsZero():
			r.log.Warn("schedule: ignoring a job without a schedule", "job", j.ID)
			continue
		case listed[j.ID]:
			r.log.Warn("schedule: ignoring a duplicate job", "job", j.ID)
			continue
		}
		listed[j.ID] = true
		list = append(list, j)
		st := r.state[j.ID]
		if st == nil {
			st = &jobState{added: now}
			r.state[j.ID] = st
		}
		st.listed = true
	}
	for id, st := range r.state {
		if !listed[id] {
			st.listed = false
			if !st.firing {
				delete(r.state, id)
			}
		}
	}
	r.jobs = list
	r.mu.Unlock()
	r.poke()
}

// poke wakes Run to check the jobs now.
func (r *Runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run fires due jobs until ctx is done. It sleeps until the earliest next
// slot of any job, and never longer than a minute, so that clock jumps and
// moved watermarks are noticed; Set and finished fires wake it at once.
//
// When ctx is done Run stops starting fires and returns ctx.Err() once every
// fire it started has returned: fire functions must honour their context.
// (To let a post in flight finish during a graceful shutdown, a fire can
// detach with context.WithoutCancel and a deadline of its own.) Run returns
// an error at once if the Runner is already running.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.active {
		r.mu.Unlock()
		return errors.New("schedule: Runner.Run called while already running")
	}
	r.active = true
	r.mu.Unlock()
	defer func() {
		r.fires.Wait()
		r.mu.Lock()
		r.active = false
		r.mu.Unlock()
	}()

	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := time.Now()
		wait := recheck
		if next := r.check(ctx, now); !next.IsZero() {
			wait = min(wait, next.Sub(now))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-r.wake:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// check fires the due jobs and returns the earliest next slot instant after
// now over all jobs (zero if none).
func (r *Runner) check(ctx context.Context, now time.Time) time.Time {
	r.mu.Lock()
	jobs := r.jobs
	r.mu.Unlock()
	var next time.Time
	for _, j := range jobs {
		if ctx.Err() != nil {
			return next
		}
		r.checkJob(ctx, j, now)
		if n := j.Schedule.Next(now); !n.IsZero() && (next.IsZero() || n.At.Before(next)) {
			next = n.At
		}
	}
	return next
}

// checkJob starts a fire of j if a slot is due.
func (r *Runner) checkJob(ctx context.Context, j Job, now time.Time) {
	r.mu.Lock()
	st := r.state[j.ID]
	if st == nil || !st.listed {
		r.mu.Unlock()
		return // removed by Set since check took its snapshot
	}
	done, added := st.done, st.added
	r.mu.Unlock()

	// The latest slot at or before now not settled yet, if any. Asking the
	// store only then keeps the callback to about once per slot.
	slot, ok := j.Schedule.Due(done, now)
	if !ok {
		return
	}
	watermark := added
	if j.Watermark != nil {
		var err error
		if watermark, err = r.watermark(j); err != nil {
			r.log.Error("schedule: watermark failed; job skipped", "job", j.ID, "slot", slot.Key, "err", err)
			return
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state[j.ID] != st || !st.listed {
		return
	}
	switch {
	case !slot.At.After(watermark) || slot.Key == st.lastKey:
		// Briefed already (by this process or, per the store, by another).
		if slot.At.After(st.done) {
			st.done = slot.At
		}
	case st.firing:
		if st.deferred != slot.Key {
			st.deferred = slot.Key
			r.log.Warn("schedule: job still running; slot waits for it", "job", j.ID, "slot", slot.Key)
		}
	default:
		st.firing, st.lastKey, st.done = true, slot.Key, slot.At
		r.fires.Add(1)
		go r.runFire(ctx, j, slot, st)
	}
}

// watermark calls j.Watermark, turning a panic into an error.
func (r *Runner) watermark(j Job) (wm time.Time, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.Watermark()
}

// runFire calls fire for one slot, recovering a panic, then releases the job.
func (r *Runner) runFire(ctx context.Context, j Job, slot Slot, st *jobState) {
	defer r.fires.Done()
	defer func() {
		r.mu.Lock()
		st.firing = false
		if !st.listed && r.state[j.ID] == st {
			delete(r.state, j.ID)
		}
		r.mu.Unlock()
		r.poke() // a slot may have been waiting for this fire
	}()
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("schedule: fire panicked", "job", j.ID, "slot", slot.Key, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	r.log.Info("schedule: firing", "job", j.ID, "slot", slot.Key, "at", slot.At)
	r.fire(ctx, j, slot)
}
