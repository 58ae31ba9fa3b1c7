package schedule

import (
	"fmt"
	"iter"
	"time"
)

// Slot is one scheduled briefing: a local date and time of a schedule and the
// instant it happens at.
type Slot struct {
	// At is the instant the slot happens, in the schedule's zone: the first
	// instant at which the local clock reads the scheduled time or later (see
	// the package documentation for daylight-saving days).
	At time.Time
	// Key identifies the slot stably across processes and restarts: the
	// scheduled local date and time and the zone, for example
	// "2025-03-30T03:30 Europe/Kyiv" (even though that day's 03:30 happens at
	// 04:00 local time).
	Key string
}

// IsZero reports whether s is the zero Slot ("no slot").
func (s Slot) IsZero() bool { return s.Key == "" }

// horizonDays bounds every search for a slot. Parse rejects schedules that
// never fire; the rarest it accepts (29 February) fires at least every eight
// years (2096 to 2104).
const horizonDays = 366 * 9

// Next returns the first slot strictly after the instant after. It returns
// the zero Slot for the zero Schedule.
func (s Schedule) Next(after time.Time) Slot {
	if s.loc == nil {
		return Slot{}
	}
	// Start two local days early: a slot of an earlier date can happen after
	// the instant when the clock goes back across midnight.
	var next Slot
	found := false
	for c := range s.slots(localDay(after, s.loc).AddDate(0, 0, -2), 1) {
		if !c.At.After(after) {
			continue
		}
		if !found || c.At.Equal(next.At) {
			// On a tie the later local time wins (see the package doc).
			next, found = c, true
			continue
		}
		break
	}
	return next
}

// Due reports the latest slot in (watermark, now], if there is one.
//
// watermark is the end of the last briefed window, as the caller's store
// records it: the slot's At or the time the briefing was composed, not the
// first_seen of the newest event briefed. A zero watermark means "never
// briefed", so the latest slot at or before now is due. After downtime over
// several slots only the latest is returned: one catch-up briefing covers the
// whole gap. The caller decides the window it briefs, (watermark, slot.At] or
// (watermark, now]; this package only says whether a slot is due and which.
func (s Schedule) Due(watermark, now time.Time) (Slot, bool) {
	if s.loc == nil || !now.After(watermark) {
		return Slot{}, false
	}
	// Walk back from the day after now's local date; slot instants never
	// decrease with local date and time, so the first slot at or before now
	// is the latest (and on a tie the later local time, as in Next).
	for c := range s.slots(localDay(now, s.loc).AddDate(0, 0, 1), -1) {
		if c.At.After(now) {
			continue
		}
		if c.At.After(watermark) {
			return c, true
		}
		break
	}
	return Slot{}, false
}

// slots yields the schedule's slots by local date and time, from the civil
// date day (midnight UTC standing for the date) forwards (dir 1) or
// backwards (dir -1), for at most horizonDays days.
func (s Schedule) slots(day time.Time, dir int) iter.Seq[Slot] {
	return func(yield func(Slot) bool) {
		for range horizonDays {
			if s.dayMatches(day) {
				for i := range 24 {
					h := i
					if dir < 0 {
						h = 23 - i
					}
					if s.hour&(1<<h) == 0 {
						continue
					}
					for j := range 60 {
						m := j
						if dir < 0 {
							m = 59 - j
						}
						if s.minute&(1<<m) != 0 && !yield(s.slot(day, h, m)) {
							return
						}
					}
				}
			}
			day = day.AddDate(0, 0, dir)
		}
	}
}

// dayMatches applies the schedule's month, day-of-month and day-of-week
// fields to a civil date the way robfig/cron does: when both day fields are
// restricted (neither is "*"), either may match.
func (s Schedule) dayMatches(day time.Time) bool {
	if s.month&(1<<day.Month()) == 0 {
		return false
	}
	domOK := s.dom&(1<<day.Day()) != 0
	dowOK := s.dow&(1<<day.Weekday()) != 0
	if s.dom&cronStar != 0 || s.dow&cronStar != 0 {
		return domOK && dowOK
	}
	return domOK || dowOK
}

// slot builds the slot for a civil date and a wall-clock time.
func (s Schedule) slot(day time.Time, hour, minute int) Slot {
	y, mo, d := day.Date()
	return Slot{
		At:  resolve(s.loc, y, mo, d, hour, minute),
		Key: fmt.Sprintf("%04d-%02d-%02dT%02d:%02d %s", y, mo, d, hour, minute, s.loc),
	}
}

// localDay returns t's date in loc as midnight UTC of that date, so that
// calendar arithmetic on it knows no daylight saving.
func localDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// resolve returns the first instant at which the clock in loc reads the given
// wall time or later: the wall time itself on ordinary days, its first
// occurrence when the clock goes back over it, and the end of the gap when
// the clock jumps over it. time.Date leaves the last two cases unspecified.
func resolve(loc *time.Location, year int, month time.Month, day, hour, minute int) time.Time {
	wall := time.Date(year, month, day, hour, minute, 0, 0, time.UTC).Unix()
	// Walk the zone's periods (stretches with one UTC offset) from well
	// before the wall time: no offset exceeds 26 hours, so the clock there
	// reads earlier than wall. The first period in which the clock reaches
	// wall holds the answer.
	t := time.Unix(wall-26*3600, 0).In(loc)
	for range 64 {
		_, offset := t.Zone()
		start, end := t.ZoneBounds()
		if end.IsZero() || end.Unix()+int64(offset) > wall {
			at := wall - int64(offset)
			if !start.IsZero() && start.Unix() > at {
				at = start.Unix() // wall lies in the gap before this period
			}
			return time.Unix(at, 0).In(loc)
		}
		t = end
	}
	// Unreachable with real zone data; stay total anyway.
	return time.Date(year, month, day, hour, minute, 0, 0, loc)
}
