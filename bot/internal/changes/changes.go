// Package changes lets a test wait for state guarded by a mutex to reach a
// condition, without polling: the owner of the state signals every change,
// and waiters re-check their condition on each signal. The Slack and
// Discord fakes record what the adapters send this way.
package changes

import (
	"sync"
	"time"
)

// Signal wakes waiters when the state it goes with changes. Its zero value
// is ready to use. Broadcast and the reads inside WaitFor happen under the
// caller's mutex, which also guards the state.
type Signal struct {
	ch chan struct{} // closed and replaced on every change
}

// current returns the channel the next Broadcast closes. mu must be held.
func (s *Signal) current() chan struct{} {
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// Broadcast wakes every waiter. The caller's mutex must be held.
func (s *Signal) Broadcast() {
	close(s.current())
	s.ch = make(chan struct{})
}

// WaitFor waits until cond, evaluated with mu held, is true, or timeout
// passes; it reports the last value of cond. mu must not be held.
func (s *Signal) WaitFor(mu sync.Locker, timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		mu.Lock()
		ok := cond()
		ch := s.current()
		mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			mu.Lock()
			defer mu.Unlock()
			return cond()
		}
	}
}
