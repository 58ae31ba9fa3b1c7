package slack

import (
	"sync"
	"time"
)

// dedupe remembers recently seen IDs (Events API event_ids, button clicks)
// so that a delivery Slack retries, or a double click, is handled once. It is bounded both ways: an ID is
// forgotten after ttl, and the oldest IDs go first when more than max are
// remembered.
type dedupe struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	seen  map[string]time.Time
	order []string // IDs in the order they were first seen; a ring from head
	head  int
}

func newDedupe(max int, ttl time.Duration, now func() time.Time) *dedupe {
	return &dedupe{max: max, ttl: ttl, now: now, seen: make(map[string]time.Time, max)}
}

// Seen records id and reports whether it was already recorded (and not
// expired).
func (d *dedupe) Seen(id string) bool {
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
func (d *dedupe) Has(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.seen[id]
	return ok && d.now().Sub(at) < d.ttl
}

// Len returns how many IDs are remembered.
func (d *dedupe) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}
