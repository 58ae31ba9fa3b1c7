// Package workpool runs the platform adapters' answers: a bounded number at
// once, a bounded number waiting, and a shutdown that lets the answers in
// progress finish within a grace period before cancelling them.
//
// The caller claims a place first (Reserve or Hold) so that it can turn a
// request away, or acknowledge it, before any work starts; then it hands the
// work over (Start or Detach), which releases the place when the work ends.
package workpool

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// unwindTimeout bounds the wait for cancelled work to return at the end of
// Shutdown.
const unwindTimeout = 5 * time.Second

// Pool runs work on a bounded number of workers. It is safe for concurrent
// use; create it with New.
type Pool struct {
	name   string // "slack", "discord": prefixes log lines
	log    *slog.Logger
	sem    chan struct{}
	ctx    context.Context // parent of all work; cancelled at the end of Shutdown
	cancel context.CancelFunc

	mu         sync.Mutex
	maxPending int
	inflight   int
	idle       chan struct{} // closed when inflight drops to 0, then replaced
	closed     bool          // no new work
}

// New returns a pool of workers running at once, with at most maxPending
// answers claimed (running or waiting for a worker). log may be nil.
func New(name string, workers, maxPending int, log *slog.Logger) *Pool {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Pool{
		name: name, log: log, sem: make(chan struct{}, workers), ctx: ctx, cancel: cancel,
		maxPending: maxPending, idle: make(chan struct{}),
	}
}

// Context is the parent context of all work: it ends when Shutdown gives
// up waiting.
func (p *Pool) Context() context.Context { return p.ctx }

// Reserve claims a place for one answer. It fails when the pool is closed
// (stopping is true) or has maxPending answers already. Every successful
// Reserve is followed by Start, or by Release when the answer is dropped.
func (p *Pool) Reserve() (ok, stopping bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false, true
	}
	if p.inflight >= p.maxPending {
		return false, false
	}
	p.inflight++
	return true, false
}

// Hold counts an answer outside the maxPending bound (a "busy" note, the
// acknowledgement of a repeated click, which the caller bounds itself) as
// work in progress, so that Shutdown waits for it. It fails only when the
// pool is closed. Every successful Hold is followed by Detach or Release.
func (p *Pool) Hold() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.inflight++
	return true
}

// Release gives back a place claimed by Reserve or Hold whose work will not
// run.
func (p *Pool) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if p.inflight == 0 {
		close(p.idle)
		p.idle = make(chan struct{})
	}
}

// Start runs an answer claimed with Reserve in its own goroutine: first
// (when not nil) at once, such as an acknowledgement the platform wants
// within 3 seconds, then, once a worker is free, work. The answer is
// abandoned when first returns false. A panic is logged, not spread.
func (p *Pool) Start(label string, first func(ctx context.Context) bool, work func(ctx context.Context)) {
	go func() {
		defer p.Release()
		defer p.recover(label)
		if first != nil && !first(p.ctx) {
			return
		}
		select {
		case p.sem <- struct{}{}:
		case <-p.ctx.Done():
			return
		}
		defer func() { <-p.sem }()
		work(p.ctx)
	}()
}

// Detach runs work claimed with Hold in its own goroutine at once, without
// waiting for a worker.
func (p *Pool) Detach(label string, work func(ctx context.Context)) {
	go func() {
		defer p.Release()
		defer p.recover(label)
		work(p.ctx)
	}()
}

func (p *Pool) recover(label string) {
	if r := recover(); r != nil {
		p.log.Error(p.name+": answer panicked", "work", label, "panic", fmt.Sprint(r))
	}
}

// Wait blocks until no answer is in progress or ctx is done, and returns
// ctx's error in the latter case.
func (p *Pool) Wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		if p.inflight == 0 {
			p.mu.Unlock()
			return nil
		}
		idle := p.idle
		p.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Closed reports whether the pool takes no new work.
func (p *Pool) Closed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Shutdown stops taking work, waits up to grace for the answers in
// progress, then cancels what is left and waits (briefly) for it to
// unwind.
func (p *Pool) Shutdown(grace time.Duration) {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		p.log.Warn(p.name + ": answers still running at shutdown were cancelled")
	}
	p.cancel()
	ctx2, cancel2 := context.WithTimeout(context.Background(), unwindTimeout)
	defer cancel2()
	_ = p.Wait(ctx2)
}

// Inflight is the number of answers claimed and not yet finished.
func (p *Pool) Inflight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inflight
}

// SetMaxPending changes the bound on claimed answers (tests use it to
// simulate a saturated bot).
func (p *Pool) SetMaxPending(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.maxPending = n
}
