package discord

import (
	"sync"
	"time"
)

// dedupe remembers the IDs of recently handled messages and interactions,
// so that an event the gateway replays after a RESUME is answered once. It
// is bounded both ways: an ID is forgotten after ttl, and the oldest IDs go
// first when more than max are remembered.
type dedupe struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	seen  map[string]time.Time
	queue []string // IDs in the order they were first seen, from head
	head  int
}

func newDedupe(max int, ttl time.Duration, now func() time.Time) *dedupe {
	return &dedupe{max: max, ttl: ttl, now: now, seen: make(map[string]time.Time)}
}

// Seen records id and reports whether it was recorded already (and has not
// expired since).
func (d *dedupe) Seen(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if at, ok := d.seen[id]; ok && now.Sub(at) < d.ttl {
		return true
	}
	// Forget expired IDs from the oldest end, then make room.
	for d.head < len(d.queue) {
		old := d.queue[d.head]
		if at, ok := d.seen[old]; ok && now.Sub(at) < d.ttl && len(d.seen) < d.max {
			break
		}
		delete(d.seen, old)
		d.queue[d.head] = ""
		d.head++
	}
	if d.head > len(d.queue)/2 {
		d.queue = append(d.queue[:0], d.queue[d.head:]...)
		d.head = 0
	}
	if _, ok := d.seen[id]; !ok {
		d.queue = append(d.queue, id)
	}
	d.seen[id] = now
	return false
}

// Len returns how many IDs are remembered.
func (d *dedupe) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}
