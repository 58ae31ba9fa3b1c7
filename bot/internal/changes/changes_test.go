package changes

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestWaitForWakesOnChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var (
			mu  sync.Mutex
			sig Signal
			n   int
		)
		go func() {
			for range 3 {
				time.Sleep(time.Second)
				mu.Lock()
				n++
				sig.Broadcast()
				mu.Unlock()
			}
		}()
		start := time.Now()
		if !sig.WaitFor(&mu, time.Minute, func() bool { return n == 3 }) {
			t.Fatalf("condition not met; n = %d", n)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("woke after %v, want at the third change (3s)", d)
		}
	})
}

func TestWaitForTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var (
			mu  sync.Mutex
			sig Signal
		)
		start := time.Now()
		if sig.WaitFor(&mu, 5*time.Second, func() bool { return false }) {
			t.Fatal("a condition that never holds was reported met")
		}
		if d := time.Since(start); d != 5*time.Second {
			t.Errorf("gave up after %v, want the 5s timeout", d)
		}
	})
}
