package workpool

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestBoundsAndShutdown(t *testing.T) {
	p := New("test", 2, 3, nil)
	release := make(chan struct{})
	var running, maxRunning atomic.Int32
	for i := range 3 {
		ok, stopping := p.Reserve()
		if !ok || stopping {
			t.Fatalf("Reserve %d: ok=%v stopping=%v", i, ok, stopping)
		}
		p.Start("job", nil, func(ctx context.Context) {
			n := running.Add(1)
			for {
				m := maxRunning.Load()
				if n <= m || maxRunning.CompareAndSwap(m, n) {
					break
				}
			}
			<-release
			running.Add(-1)
		})
	}
	if ok, stopping := p.Reserve(); ok || stopping {
		t.Fatalf("a fourth Reserve past maxPending 3: ok=%v stopping=%v", ok, stopping)
	}
	if !p.Hold() {
		t.Fatal("Hold refused while the pool is open")
	}
	p.Detach("detached", func(context.Context) {})
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if m := maxRunning.Load(); m > 2 {
		t.Errorf("%d jobs ran at once, workers is 2", m)
	}
	p.Shutdown(time.Second)
	if ok, stopping := p.Reserve(); ok || !stopping {
		t.Errorf("Reserve after Shutdown: ok=%v stopping=%v", ok, stopping)
	}
	if p.Hold() {
		t.Error("Hold after Shutdown succeeded")
	}
}

func TestShutdownCancelsAfterGrace(t *testing.T) {
	p := New("test", 1, 10, nil)
	p.Reserve()
	cancelled := make(chan struct{})
	p.Start("stuck", nil, func(ctx context.Context) {
		<-ctx.Done()
		close(cancelled)
	})
	start := time.Now()
	p.Shutdown(50 * time.Millisecond)
	select {
	case <-cancelled:
	default:
		t.Fatal("work still running after Shutdown")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	if p.Inflight() != 0 {
		t.Errorf("%d answers in flight after Shutdown", p.Inflight())
	}
}

func TestPanicAndFirst(t *testing.T) {
	p := New("test", 1, 10, nil)
	p.Reserve()
	p.Start("panics", nil, func(context.Context) { panic("boom") })
	p.Reserve()
	ran := false
	p.Start("refused", func(context.Context) bool { return false }, func(context.Context) { ran = true })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		t.Fatalf("Wait after a panic: %v", err)
	}
	if ran {
		t.Error("work ran although first returned false")
	}
}
