package briefing

import (
	"context"
	"fmt"
	"time"
)

// mergeCache keeps in memory the stored events that recent developments
// were compared with, indexed by the days they cover, so that ingesting an
// article reads from the store only the days no earlier article needed.
// Profiling showed reading merge candidates to be a third of ingestion.
//
// The Service is the store's only writer within a process and serialises
// ingestion, so it keeps the cache exact: new events are added after the
// store accepted them, events whose date a merge changed are moved, and any
// failed write drops the whole cache. Events another process writes are
// seen after cacheTTL, when the cache is dropped and read afresh; until
// then such an event can be missed as a merge target, never lost.
type mergeCache struct {
	loaded   map[Day]bool
	days     map[Day][]*Event // events spanning at most longSpan days, under each day they cover
	long     []*Event         // events spanning more days than that
	byID     map[int64]*Event
	filledAt time.Time
}

const (
	// longSpan: events over this many days (months, years) are kept in one
	// list instead of under every day.
	longSpan = 62
	// maxCachedEvents bounds the cache; past it the cache starts over.
	maxCachedEvents = 100_000
	// cacheTTL bounds how long events written by other processes can be
	// missed.
	cacheTTL = 5 * time.Minute
)

func newMergeCache() *mergeCache {
	m := &mergeCache{}
	m.reset()
	return m
}

// reset forgets everything.
func (m *mergeCache) reset() {
	m.loaded = map[Day]bool{}
	m.days = map[Day][]*Event{}
	m.long = nil
	m.byID = map[int64]*Event{}
	m.filledAt = time.Time{}
}

// expire resets the cache when it is older than cacheTTL or too large.
func (m *mergeCache) expire(now time.Time) {
	if len(m.byID) > maxCachedEvents || len(m.loaded) > maxCachedEvents || (!m.filledAt.IsZero() && now.Sub(m.filledAt) > cacheTTL) {
		m.reset()
	}
	if m.filledAt.IsZero() {
		m.filledAt = now
	}
}

// add indexes a stored event (ID set); an event already known is ignored.
func (m *mergeCache) add(ev *Event) {
	if ev.ID == 0 || m.byID[ev.ID] != nil {
		return
	}
	m.byID[ev.ID] = ev
	m.place(ev)
}

func (m *mergeCache) place(ev *Event) {
	if ev.Date.Span() > longSpan {
		m.long = append(m.long, ev)
		return
	}
	for d := ev.Date.Lo; d <= ev.Date.Hi; d++ {
		m.days[d] = append(m.days[d], ev)
	}
}

// moved re-indexes an event whose date a merge changed.
func (m *mergeCache) moved(ev *Event, old EventDate) {
	if m.byID[ev.ID] != ev {
		return
	}
	if old.Span() > longSpan {
		m.long = without(m.long, ev)
	} else {
		for d := old.Lo; d <= old.Hi; d++ {
			m.days[d] = without(m.days[d], ev)
		}
	}
	m.place(ev)
}

func without(list []*Event, ev *Event) []*Event {
	out := list[:0]
	for _, x := range list {
		if x != ev {
			out = append(out, x)
		}
	}
	return out
}

// candidates returns the known events whose dates meet c's window (with
// slack) and that share one of its topics, reading from st the days of the
// window no earlier call read. A development with no topic merges only
// within its own article.
func (m *mergeCache) candidates(ctx context.Context, st Store, c Candidate) ([]*Event, error) {
	if len(c.Topics) == 0 {
		return nil, nil
	}
	lo, hi := c.Date.Lo.AddDays(-mergeSlack(c.Date)), c.Date.Hi.AddDays(mergeSlack(c.Date))
	seen := map[int64]bool{}
	var out []*Event
	keep := func(ev *Event) {
		if !seen[ev.ID] && ev.Date.Lo <= hi && lo <= ev.Date.Hi && shares(ev.Topics, c.Topics) {
			seen[ev.ID] = true
			out = append(out, ev)
		}
	}
	if hi-lo > longSpan {
		// A long window ("in 2025") is read as it is, not day by day: it
		// would mark a year of days read from one capped read.
		evs, err := st.Overlapping(ctx, lo, hi, mergeCandidates)
		if err != nil {
			return nil, fmt.Errorf("ingest: find merge candidates: %w", err)
		}
		for _, ev := range evs {
			m.add(ev)
			keep(m.byID[ev.ID])
		}
		return out, nil
	}
	if err := m.ensure(ctx, st, lo, hi); err != nil {
		return nil, err
	}
	for d := lo; d <= hi; d++ {
		for _, ev := range m.days[d] {
			keep(ev)
		}
	}
	for _, ev := range m.long {
		keep(ev)
	}
	return out, nil
}

// ensure reads from st the days of [lo, hi] not read yet, in runs.
func (m *mergeCache) ensure(ctx context.Context, st Store, lo, hi Day) error {
	for d := lo; d <= hi; {
		if m.loaded[d] {
			d++
			continue
		}
		end := d
		for end+1 <= hi && !m.loaded[end+1] {
			end++
		}
		evs, err := st.Overlapping(ctx, d, end, mergeCandidates)
		if err != nil {
			return fmt.Errorf("ingest: find merge candidates: %w", err)
		}
		for _, ev := range evs {
			m.add(ev)
		}
		if len(evs) < mergeCandidates {
			// a complete read; a capped one is read again next time
			for x := d; x <= end; x++ {
				m.loaded[x] = true
			}
		}
		d = end + 1
	}
	return nil
}

// cloneForMerge copies what merging reads and changes of an event: its
// date, summary, actors and topics (not its citations).
func cloneForMerge(ev *Event) *Event {
	c := *ev
	c.Actors = append([]string(nil), ev.Actors...)
	c.Topics = append([]string(nil), ev.Topics...)
	c.Citations = nil
	return &c
}
