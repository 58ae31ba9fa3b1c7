// Package dedupe remembers recently seen IDs for the platform adapters: an
// event a platform delivers twice (a Slack retry, a Discord RESUME replay)
// or a button clicked twice is handled once.
package dedupe

import (
	"sync"
	"time"
)

// Set remembers recently seen IDs. It is bounded both ways: an ID is
// forgotten after ttl, and the oldest IDs go first when more than max are
// remembered. It is safe for concurrent use.
type Set struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	seen  map[string]time.Time
	order []string // IDs in the order they were first seen; a ring from head
	head  int
}

// New returns a Set of at most max IDs, each kept for ttl, on the clock now
// (time.Now when nil).
func New(max int, ttl time.Duration, now func() time.Time) *Set {
	if now == nil {
		now = time.Now
	}
	return &Set{max: max, ttl: ttl, now: now, seen: make(map[string]time.Time, max)}
}

// Seen records id and reports whether it was already recorded (and not
// expired).
func (d *Set) Seen(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if at, ok := d.seen[id]; ok && now.Sub(at) < d.ttl {
		return true
	}
	// Forget expired IDs from the oldest end.
	for d.head < len(d.order) {
		old := d.order[d.head]
		if at, ok := d.seen[old]; ok && now.Sub(at) < d.ttl {
			break
		}
		delete(d.seen, old)
		d.order[d.head] = ""
		d.head++
	}
	// Make room.
	for len(d.seen) >= d.max && d.head < len(d.order) {
		delete(d.seen, d.order[d.head])
		d.order[d.head] = ""
		d.head++
	}
	if d.head > len(d.order)/2 {
		d.order = append(d.order[:0], d.order[d.head:]...)
		d.head = 0
	}
	if _, ok := d.seen[id]; !ok {
		d.order = append(d.order, id)
	}
	d.seen[id] = now
	return false
}

// Has reports whether id was recorded and has not expired, without
// recording it.
func (d *Set) Has(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.seen[id]
	return ok && d.now().Sub(at) < d.ttl
}

// Len returns how many IDs are remembered.
func (d *Set) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}
