package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// Inside a synctest bubble time starts at 2000-01-01 00:00 UTC, a Saturday.
var bubbleStart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// fired is one call of a fire function.
type fired struct {
	job, key string
	slotAt   time.Time
	now      time.Time
}

// recorder records fires and plays the caller's store: one watermark per
// job, advanced to the slot when a fire "posts".
type recorder struct {
	mu         sync.Mutex
	fires      []fired
	watermarks map[string]time.Time
}

func newRecorder() *recorder {
	return &recorder{watermarks: map[string]time.Time{}}
}

func (r *recorder) record(job Job, slot Slot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fires = append(r.fires, fired{job.ID, slot.Key, slot.At, time.Now()})
}

func (r *recorder) advance(id string, to time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watermarks[id] = to
}

func (r *recorder) watermark(id string) func() (time.Time, error) {
	return func() (time.Time, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.watermarks[id], nil
	}
}

func (r *recorder) get(job string) []fired {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []fired
	for _, f := range r.fires {
		if job == "" || f.job == job {
			out = append(out, f)
		}
	}
	return out
}

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// start runs r in the bubble and returns a stop function that cancels it
// and checks that Run returned at once with context.Canceled.
func start(t *testing.T, r *Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	synctest.Wait()
	return func() {
		t.Helper()
		cancel()
		synctest.Wait()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		default:
			t.Fatal("Run did not return when its context was cancelled")
		}
	}
}

// sleepUntil advances the bubble's clock to t and lets everything settle.
func sleepUntil(t time.Time) {
	time.Sleep(time.Until(t))
	synctest.Wait()
}

func wantFires(t *testing.T, got []fired, want ...fired) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("fires: got %d %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		if got[i].job != want[i].job || got[i].key != want[i].key || !got[i].now.Equal(want[i].now) {
			t.Errorf("fire %d: got %s %s at %v, want %s %s at %v", i, got[i].job, got[i].key, got[i].now.UTC(), want[i].job, want[i].key, want[i].now.UTC())
		}
	}
}

func TestRunnerFiresAtSlots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) {
			rec.record(job, slot)
			rec.advance(job.ID, slot.At)
		}, nil)
		// The store's watermarks start now: nothing to catch up.
		rec.advance("kyiv", time.Now())
		rec.advance("ny", time.Now())
		r.Set([]Job{
			{ID: "kyiv", Schedule: mustParse(t, "at 07:30 tz Europe/Kyiv"), Watermark: rec.watermark("kyiv")},
			{ID: "ny", Schedule: mustParse(t, "at 07:30 tz America/New_York weekdays"), Watermark: rec.watermark("ny")},
		})
		stop := start(t, r)
		sleepUntil(bubbleStart.Add(3*24*time.Hour + time.Hour))
		stop()

		// Kyiv is UTC+2 in January; New York UTC-5. 2000-01-01 is a Saturday.
		wantFires(t, rec.get(""),
			fired{job: "kyiv", key: "2000-01-01T07:30 Europe/Kyiv", now: utc(2000, 1, 1, 5, 30)},
			fired{job: "kyiv", key: "2000-01-02T07:30 Europe/Kyiv", now: utc(2000, 1, 2, 5, 30)},
			fired{job: "kyiv", key: "2000-01-03T07:30 Europe/Kyiv", now: utc(2000, 1, 3, 5, 30)},
			fired{job: "ny", key: "2000-01-03T07:30 America/New_York", now: utc(2000, 1, 3, 12, 30)},
		)
		for _, f := range rec.get("") {
			if !f.slotAt.Equal(f.now) {
				t.Errorf("%s fired at %v, its slot is at %v", f.key, f.now, f.slotAt)
			}
		}
	})
}

func TestRunnerSlowFireDoesNotDelayOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		var inFlight, maxInFlight atomic.Int32
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) {
			rec.record(job, slot)
			if job.ID == "slow" {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				if n > maxInFlight.Load() {
					maxInFlight.Store(n)
				}
				if len(rec.get("slow")) == 1 {
					// The first briefing takes 30 hours, past the next slot.
					select {
					case <-time.After(30 * time.Hour):
					case <-ctx.Done():
						return
					}
				}
			}
			rec.advance(job.ID, slot.At)
		}, nil)
		rec.advance("slow", time.Now())
		rec.advance("fast", time.Now())
		r.Set([]Job{
			{ID: "slow", Schedule: mustParse(t, "at 06:00 tz UTC"), Watermark: rec.watermark("slow")},
			{ID: "fast", Schedule: mustParse(t, "at 07:00 tz UTC"), Watermark: rec.watermark("fast")},
		})
		stop := start(t, r)
		sleepUntil(utc(2000, 1, 3, 0, 0))
		stop()

		wantFires(t, rec.get("fast"),
			fired{job: "fast", key: "2000-01-01T07:00 UTC", now: utc(2000, 1, 1, 7, 0)},
			fired{job: "fast", key: "2000-01-02T07:00 UTC", now: utc(2000, 1, 2, 7, 0)},
		)
		// The second day's slot waited for the first fire to return (at
		// 12:00 on the 2nd) and then fired once, never concurrently.
		wantFires(t, rec.get("slow"),
			fired{job: "slow", key: "2000-01-01T06:00 UTC", now: utc(2000, 1, 1, 6, 0)},
			fired{job: "slow", key: "2000-01-02T06:00 UTC", now: utc(2000, 1, 2, 12, 0)},
		)
		if maxInFlight.Load() != 1 {
			t.Errorf("%d fires of one job in flight at once", maxInFlight.Load())
		}
	})
}

func TestRunnerRecoversPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		var logs syncBuffer
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) {
			rec.record(job, slot)
			if job.ID == "boom" && len(rec.get("boom")) == 1 {
				panic("renderer exploded")
			}
		}, slog.New(slog.NewTextHandler(&logs, nil)))
		// No Watermark callbacks: the runner keeps the watermark in memory.
		r.Set([]Job{
			{ID: "boom", Schedule: mustParse(t, "at 07:00 tz UTC")},
			{ID: "calm", Schedule: mustParse(t, "at 07:00 tz UTC")},
		})
		stop := start(t, r)
		sleepUntil(utc(2000, 1, 2, 8, 0))
		stop()

		for _, job := range []string{"boom", "calm"} {
			wantFires(t, rec.get(job),
				fired{job: job, key: "2000-01-01T07:00 UTC", now: utc(2000, 1, 1, 7, 0)},
				fired{job: job, key: "2000-01-02T07:00 UTC", now: utc(2000, 1, 2, 7, 0)},
			)
		}
		if !strings.Contains(logs.String(), "fire panicked") || !strings.Contains(logs.String(), "renderer exploded") {
			t.Errorf("panic not logged:\n%s", logs.String())
		}
	})
}

func TestRunnerSet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) { rec.record(job, slot) }, nil)
		r.Set([]Job{{ID: "a", Schedule: mustParse(t, "at 07:00 tz UTC")}})
		stop := start(t, r)

		// At 03:00 the list changes: a is gone, b (08:00) is new.
		sleepUntil(utc(2000, 1, 1, 3, 0))
		r.Set([]Job{{ID: "b", Schedule: mustParse(t, "at 08:00 tz UTC")}})
		sleepUntil(utc(2000, 1, 1, 9, 0))
		if got := rec.get("a"); len(got) != 0 {
			t.Errorf("removed job fired: %v", got)
		}
		wantFires(t, rec.get("b"), fired{job: "b", key: "2000-01-01T08:00 UTC", now: utc(2000, 1, 1, 8, 0)})

		// A job whose store watermark is a day old is caught up at once,
		// without waiting for the next re-check.
		stale := utc(2000, 1, 1, 0, 0)
		r.Set([]Job{
			{ID: "b", Schedule: mustParse(t, "at 08:00 tz UTC")},
			{ID: "c", Schedule: mustParse(t, "at 06:00 tz UTC"), Watermark: func() (time.Time, error) { return stale, nil }},
		})
		synctest.Wait()
		wantFires(t, rec.get("c"), fired{job: "c", key: "2000-01-01T06:00 UTC", now: utc(2000, 1, 1, 9, 0)})

		// Changing a job's schedule takes effect at once too.
		r.Set([]Job{{ID: "b", Schedule: mustParse(t, "at 10:00 tz UTC")}})
		sleepUntil(utc(2000, 1, 1, 11, 0))
		wantFires(t, rec.get("b"),
			fired{job: "b", key: "2000-01-01T08:00 UTC", now: utc(2000, 1, 1, 8, 0)},
			fired{job: "b", key: "2000-01-01T10:00 UTC", now: utc(2000, 1, 1, 10, 0)},
		)
		stop()
	})
}

func TestRunnerSetIgnoresBadJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		var logs syncBuffer
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) { rec.record(job, slot) }, slog.New(slog.NewTextHandler(&logs, nil)))
		r.Set([]Job{
			{ID: "", Schedule: mustParse(t, "at 07:00 tz UTC")},
			{ID: "zero"},
			{ID: "dup", Schedule: mustParse(t, "at 07:00 tz UTC")},
			{ID: "dup", Schedule: mustParse(t, "at 08:00 tz UTC")},
		})
		stop := start(t, r)
		sleepUntil(utc(2000, 1, 1, 9, 0))
		stop()
		wantFires(t, rec.get(""), fired{job: "dup", key: "2000-01-01T07:00 UTC", now: utc(2000, 1, 1, 7, 0)})
		for _, msg := range []string{"without an ID", "without a schedule", "duplicate"} {
			if !strings.Contains(logs.String(), msg) {
				t.Errorf("no %q in the log:\n%s", msg, logs.String())
			}
		}
	})
}

func TestRunnerCancelStopsPromptly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fireErr := make(chan error, 1)
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) {
			<-ctx.Done() // a post that waits on its context
			fireErr <- ctx.Err()
		}, nil)
		r.Set([]Job{{ID: "a", Schedule: mustParse(t, "at 07:00 tz UTC")}})
		stop := start(t, r)
		sleepUntil(utc(2000, 1, 1, 7, 30))
		before := time.Now()
		stop() // checks that Run returned without the clock moving
		if !time.Now().Equal(before) {
			t.Errorf("Run took %v of virtual time to stop", time.Since(before))
		}
		if err := <-fireErr; !errors.Is(err, context.Canceled) {
			t.Errorf("fire saw %v, want context.Canceled", err)
		}

		// While idle, too.
		stop = start(t, r)
		time.Sleep(10 * time.Second)
		stop()
	})
}

func TestRunnerRunTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := NewRunner(func(context.Context, Job, Slot) {}, nil)
		stop := start(t, r)
		if err := r.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "already running") {
			t.Errorf("second Run: %v", err)
		}
		stop()
	})
}

func TestRunnerNeverFiresSlotTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The store's watermark never advances (every post fails): the
		// runner still fires each slot once, not at every re-check.
		rec := newRecorder()
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) { rec.record(job, slot) }, nil)
		stuck := time.Now()
		r.Set([]Job{{ID: "a", Schedule: mustParse(t, "at 07:00 tz UTC"), Watermark: func() (time.Time, error) { return stuck, nil }}})
		stop := start(t, r)
		sleepUntil(utc(2000, 1, 3, 8, 0))
		stop()
		wantFires(t, rec.get("a"),
			fired{job: "a", key: "2000-01-01T07:00 UTC", now: utc(2000, 1, 1, 7, 0)},
			fired{job: "a", key: "2000-01-02T07:00 UTC", now: utc(2000, 1, 2, 7, 0)},
			fired{job: "a", key: "2000-01-03T07:00 UTC", now: utc(2000, 1, 3, 7, 0)},
		)
	})
}

func TestRunnerRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		rec.advance("a", time.Now())
		crash := true
		fire := func(ctx context.Context, job Job, slot Slot) {
			rec.record(job, slot)
			if !crash {
				rec.advance(job.ID, time.Now()) // the post went out
			}
		}
		jobs := []Job{{ID: "a", Schedule: mustParse(t, "at 07:00 tz UTC"), Watermark: rec.watermark("a")}}

		// First process: the fire dies before the watermark advances.
		r1 := NewRunner(fire, nil)
		r1.Set(jobs)
		stop := start(t, r1)
		sleepUntil(utc(2000, 1, 1, 7, 5))
		stop()

		// Restarted at 07:10: the slot is still due per the store and is
		// fired once more (the store's claim makes this exactly-once).
		crash = false
		sleepUntil(utc(2000, 1, 1, 7, 10))
		r2 := NewRunner(fire, nil)
		r2.Set(jobs)
		stop = start(t, r2)
		sleepUntil(utc(2000, 1, 1, 7, 20))
		stop()

		// Restarted again at 07:30: the store says briefed; nothing fires.
		sleepUntil(utc(2000, 1, 1, 7, 30))
		r3 := NewRunner(fire, nil)
		r3.Set(jobs)
		stop = start(t, r3)
		sleepUntil(utc(2000, 1, 1, 12, 0))
		stop()

		wantFires(t, rec.get("a"),
			fired{job: "a", key: "2000-01-01T07:00 UTC", now: utc(2000, 1, 1, 7, 0)},
			fired{job: "a", key: "2000-01-01T07:00 UTC", now: utc(2000, 1, 1, 7, 10)},
		)
	})
}

func TestRunnerCatchUpAfterDowntime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The last briefing was three days before the process starts.
		time.Sleep(time.Until(utc(2000, 1, 4, 10, 0)))
		rec := newRecorder()
		rec.advance("a", utc(2000, 1, 1, 7, 0))
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) {
			rec.record(job, slot)
			rec.advance(job.ID, time.Now()) // briefed (watermark, now]
		}, nil)
		r.Set([]Job{{ID: "a", Schedule: mustParse(t, "at 07:00 tz UTC"), Watermark: rec.watermark("a")}})
		stop := start(t, r)
		sleepUntil(utc(2000, 1, 5, 8, 0))
		stop()
		wantFires(t, rec.get("a"),
			fired{job: "a", key: "2000-01-04T07:00 UTC", now: utc(2000, 1, 4, 10, 0)},
			fired{job: "a", key: "2000-01-05T07:00 UTC", now: utc(2000, 1, 5, 7, 0)},
		)
	})
}

func TestRunnerWatermarkPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		var logs syncBuffer
		r := NewRunner(func(ctx context.Context, job Job, slot Slot) { rec.record(job, slot) }, slog.New(slog.NewTextHandler(&logs, nil)))
		r.Set([]Job{
			{ID: "bad", Schedule: mustParse(t, "at 07:00 tz UTC"), Watermark: func() (time.Time, error) { panic("store down") }},
			{ID: "down", Schedule: mustParse(t, "at 07:00 tz UTC"), Watermark: func() (time.Time, error) { return time.Time{}, errors.New("store unreachable") }},
			{ID: "good", Schedule: mustParse(t, "at 07:00 tz UTC")},
		})
		stop := start(t, r)
		sleepUntil(utc(2000, 1, 1, 8, 0))
		stop()
		wantFires(t, rec.get(""), fired{job: "good", key: "2000-01-01T07:00 UTC", now: utc(2000, 1, 1, 7, 0)})
		if !strings.Contains(logs.String(), "store down") || !strings.Contains(logs.String(), "store unreachable") {
			t.Errorf("watermark panic or error not logged:\n%s", logs.String())
		}
	})
}

func TestRunnerDSTDays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		jobs := []Job{
			{ID: "gap", Schedule: mustParse(t, "at 02:30 tz America/New_York")},
			{ID: "repeat", Schedule: mustParse(t, "at 01:30 tz America/New_York")},
		}
		// Two days from the eve of each of New York's 2025 DST changes.
		for _, w := range []struct {
			from, to time.Time
			want     []fired
		}{
			{utc(2025, 3, 8, 12, 0), utc(2025, 3, 10, 12, 0), []fired{
				{job: "repeat", key: "2025-03-09T01:30 America/New_York", now: utc(2025, 3, 9, 6, 30)}, // EST
				{job: "gap", key: "2025-03-09T02:30 America/New_York", now: utc(2025, 3, 9, 7, 0)},     // 03:00 EDT
				{job: "repeat", key: "2025-03-10T01:30 America/New_York", now: utc(2025, 3, 10, 5, 30)},
				{job: "gap", key: "2025-03-10T02:30 America/New_York", now: utc(2025, 3, 10, 6, 30)},
			}},
			{utc(2025, 11, 1, 12, 0), utc(2025, 11, 3, 12, 0), []fired{
				{job: "repeat", key: "2025-11-02T01:30 America/New_York", now: utc(2025, 11, 2, 5, 30)}, // first, EDT
				{job: "gap", key: "2025-11-02T02:30 America/New_York", now: utc(2025, 11, 2, 7, 30)},
				{job: "repeat", key: "2025-11-03T01:30 America/New_York", now: utc(2025, 11, 3, 6, 30)},
				{job: "gap", key: "2025-11-03T02:30 America/New_York", now: utc(2025, 11, 3, 7, 30)},
			}},
		} {
			time.Sleep(time.Until(w.from))
			rec := newRecorder()
			r := NewRunner(func(ctx context.Context, job Job, slot Slot) { rec.record(job, slot) }, nil)
			r.Set(jobs)
			stop := start(t, r)
			sleepUntil(w.to)
			stop()
			wantFires(t, rec.get(""), w.want...)
		}
	})
}
