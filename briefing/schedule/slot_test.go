package schedule

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// at returns the instant a local wall-clock time names; for DST edge cases
// the tests give UTC instants instead.
func at(loc *time.Location, y int, mo time.Month, d, h, m int) time.Time {
	return time.Date(y, mo, d, h, m, 0, 0, loc)
}

func utc(y int, mo time.Month, d, h, m int) time.Time {
	return time.Date(y, mo, d, h, m, 0, 0, time.UTC)
}

func checkSlot(t *testing.T, what string, got Slot, wantAt time.Time, wantKey string) {
	t.Helper()
	if !got.At.Equal(wantAt) || got.Key != wantKey {
		t.Errorf("%s = %v %q, want %v %q", what, got.At.UTC(), got.Key, wantAt.UTC(), wantKey)
	}
}

// slotsBetween walks Next from from (exclusive) to to (inclusive).
func slotsBetween(s Schedule, from, to time.Time) []Slot {
	var out []Slot
	for n := s.Next(from); !n.IsZero() && !n.At.After(to); n = s.Next(n.At) {
		out = append(out, n)
	}
	return out
}

func TestNextWeekdays(t *testing.T) {
	kyiv := mustLoad(t, "Europe/Kyiv")
	s := mustParse(t, "at 07:30 tz Europe/Kyiv weekdays")
	fri := at(kyiv, 2025, 5, 16, 7, 30)
	if fri.Weekday() != time.Friday {
		t.Fatal("2025-05-16 is not a Friday")
	}
	checkSlot(t, "Next(Friday 07:29)", s.Next(fri.Add(-time.Minute)), fri, "2025-05-16T07:30 Europe/Kyiv")
	checkSlot(t, "Next(Friday 07:30)", s.Next(fri), at(kyiv, 2025, 5, 19, 7, 30), "2025-05-19T07:30 Europe/Kyiv")
	checkSlot(t, "Next(Saturday noon)", s.Next(at(kyiv, 2025, 5, 17, 12, 0)), at(kyiv, 2025, 5, 19, 7, 30), "2025-05-19T07:30 Europe/Kyiv")

	// A whole week: five slots, Monday to Friday, at 07:30 local.
	week := slotsBetween(s, at(kyiv, 2025, 5, 18, 0, 0), at(kyiv, 2025, 5, 25, 0, 0))
	if len(week) != 5 {
		t.Fatalf("%d slots in a week: %v", len(week), week)
	}
	for i, sl := range week {
		local := sl.At.In(kyiv)
		if local.Weekday() != time.Monday+time.Weekday(i) || local.Hour() != 7 || local.Minute() != 30 {
			t.Errorf("slot %d at %v", i, local)
		}
	}
}

func TestNextTwoZones(t *testing.T) {
	kyiv := mustParse(t, "at 07:30 tz Europe/Kyiv")
	ny := mustParse(t, "at 07:30 tz America/New_York")
	from := utc(2025, 6, 2, 0, 0)
	// Summer: Kyiv is UTC+3, New York UTC-4: the same UTC day, seven hours apart.
	checkSlot(t, "Kyiv", kyiv.Next(from), utc(2025, 6, 2, 4, 30), "2025-06-02T07:30 Europe/Kyiv")
	checkSlot(t, "New York", ny.Next(from), utc(2025, 6, 2, 11, 30), "2025-06-02T07:30 America/New_York")
	// Winter: UTC+2 and UTC-5.
	from = utc(2025, 12, 1, 0, 0)
	checkSlot(t, "Kyiv winter", kyiv.Next(from), utc(2025, 12, 1, 5, 30), "2025-12-01T07:30 Europe/Kyiv")
	checkSlot(t, "New York winter", ny.Next(from), utc(2025, 12, 1, 12, 30), "2025-12-01T07:30 America/New_York")
	// A UTC instant that is already the next local day in Kyiv and still the
	// previous one in New York.
	from = utc(2025, 6, 2, 22, 0)
	checkSlot(t, "Kyiv late", kyiv.Next(from), utc(2025, 6, 3, 4, 30), "2025-06-03T07:30 Europe/Kyiv")
	checkSlot(t, "New York late", ny.Next(from), utc(2025, 6, 3, 11, 30), "2025-06-03T07:30 America/New_York")
}

// dstCases are daily schedules whose time the clock jumps over or repeats.
var dstCases = []struct {
	name     string
	schedule string
	day      time.Time // local midnight of the DST day
	wantAt   time.Time // the one slot that day
	wantKey  string
}{
	// Kyiv, 2025-03-30: 03:00 EET becomes 04:00 EEST at 01:00 UTC.
	{"Kyiv spring forward", "at 03:30 tz Europe/Kyiv", time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC), utc(2025, 3, 30, 1, 0), "2025-03-30T03:30 Europe/Kyiv"},
	// New York, 2025-03-09: 02:00 EST becomes 03:00 EDT at 07:00 UTC.
	{"New York spring forward", "at 02:30 tz America/New_York", time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), utc(2025, 3, 9, 7, 0), "2025-03-09T02:30 America/New_York"},
	// Kyiv, 2025-10-26: 04:00 EEST becomes 03:00 EET at 01:00 UTC; 03:30
	// happens first at 00:30 UTC (EEST), again at 01:30 UTC (EET).
	{"Kyiv fall back", "at 03:30 tz Europe/Kyiv", time.Date(2025, 10, 26, 0, 0, 0, 0, time.UTC), utc(2025, 10, 26, 0, 30), "2025-10-26T03:30 Europe/Kyiv"},
	// New York, 2025-11-02: 02:00 EDT becomes 01:00 EST at 06:00 UTC; 01:30
	// happens first at 05:30 UTC (EDT), again at 06:30 UTC (EST).
	{"New York fall back", "at 01:30 tz America/New_York", time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC), utc(2025, 11, 2, 5, 30), "2025-11-02T01:30 America/New_York"},
}

func TestDSTOneSlotPerDay(t *testing.T) {
	for _, tc := range dstCases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.schedule)
			loc := s.Location()
			y, m, d := tc.day.Date()
			// Local midnight exists on these days in both zones.
			start, end := time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+1, 0, 0, 0, 0, loc)
			got := slotsBetween(s, start, end)
			if len(got) != 1 {
				t.Fatalf("%d slots on %s: %v", len(got), tc.day.Format(time.DateOnly), got)
			}
			checkSlot(t, "the slot", got[0], tc.wantAt, tc.wantKey)
			if got[0].At.Location() != loc {
				t.Errorf("slot in %v, want %v", got[0].At.Location(), loc)
			}
			// Due agrees: the slot is due from its instant on, and only once.
			before := tc.wantAt.Add(-time.Second)
			if sl, ok := s.Due(start, before); ok {
				t.Errorf("due a second early: %v", sl)
			}
			sl, ok := s.Due(start, tc.wantAt)
			if !ok {
				t.Fatal("not due at its instant")
			}
			checkSlot(t, "Due", sl, tc.wantAt, tc.wantKey)
			// Past the repeated hour of a fall-back day it is still the
			// same slot, and nothing once the watermark passed it.
			if sl, ok := s.Due(start, tc.wantAt.Add(90*time.Minute)); !ok || sl.Key != tc.wantKey {
				t.Errorf("Due 90 minutes later = %v, %v", sl, ok)
			}
			if sl, ok := s.Due(tc.wantAt, tc.wantAt.Add(90*time.Minute)); ok {
				t.Errorf("due again after the watermark passed it: %v", sl)
			}
		})
	}
}

// TestCronItselfIsWrongOnDSTDays documents why Next does not use cron's Next:
// for the same schedules robfig/cron skips the spring-forward day and fires
// twice on the fall-back day.
func TestCronItselfIsWrongOnDSTDays(t *testing.T) {
	for _, tc := range dstCases {
		s := mustParse(t, tc.schedule)
		c, err := cron.ParseStandard(s.String())
		if err != nil {
			t.Fatal(err)
		}
		y, m, d := tc.day.Date()
		start, end := time.Date(y, m, d, 0, 0, 0, 0, s.Location()), time.Date(y, m, d+1, 0, 0, 0, 0, s.Location())
		n := 0
		for next := c.Next(start); next.Before(end); next = c.Next(next) {
			n++
		}
		if n == 1 {
			t.Errorf("%s: cron fired once; the workaround may no longer be needed", tc.name)
		}
	}
}

func TestYearHas365DailySlots(t *testing.T) {
	for _, spec := range []string{
		"at 07:30 tz Europe/Kyiv", "at 07:30 tz America/New_York",
		// The times that DST days jump over or repeat.
		"at 03:30 tz Europe/Kyiv", "at 03:00 tz Europe/Kyiv",
		"at 02:30 tz America/New_York", "at 01:30 tz America/New_York",
		"at 00:00 tz America/New_York", "at 23:59 tz Europe/Kyiv",
	} {
		s := mustParse(t, spec)
		loc := s.Location()
		got := slotsBetween(s, time.Date(2025, 1, 1, 0, 0, 0, 0, loc).Add(-time.Nanosecond), time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Add(-time.Nanosecond))
		if len(got) != 365 {
			t.Errorf("%s: %d slots in 2025, want 365", spec, len(got))
		}
		days := map[string]bool{}
		for i, sl := range got {
			days[sl.At.In(loc).Format(time.DateOnly)] = true
			if !strings.HasPrefix(sl.Key, sl.At.In(loc).Format(time.DateOnly)) {
				t.Errorf("%s: slot %q happens on another local day: %v", spec, sl.Key, sl.At)
			}
			if i > 0 && !sl.At.After(got[i-1].At) {
				t.Errorf("%s: slot %v not after %v", spec, sl, got[i-1])
			}
		}
		if len(days) != 365 {
			t.Errorf("%s: slots on %d local days, want 365", spec, len(days))
		}
	}
}

func TestHourlyOnDSTDays(t *testing.T) {
	// Hourly at :30: every local hour once, 23-hour day or 25-hour day alike.
	s := mustParse(t, "30 * * * * tz Europe/Kyiv")
	kyiv := s.Location()
	for _, day := range []int{30, 26} { // 2025-03-30 spring forward; 2025-10-26 fall back
		mo := time.March
		if day == 26 {
			mo = time.October
		}
		got := slotsBetween(s, time.Date(2025, mo, day, 0, 0, 0, 0, kyiv), time.Date(2025, mo, day+1, 0, 0, 0, 0, kyiv))
		if len(got) != 24 {
			t.Errorf("%s: %d hourly slots, want 24: %v", mo, len(got), got)
		}
	}

	// Hourly at :00 on New York's spring-forward day: 02:00 does not exist
	// and happens at 03:00 together with 03:00, so they are one slot, the
	// later local time.
	s = mustParse(t, "@hourly tz America/New_York")
	ny := s.Location()
	got := slotsBetween(s, time.Date(2025, 3, 9, 0, 0, 0, 0, ny), time.Date(2025, 3, 10, 0, 0, 0, 0, ny))
	if len(got) != 23 {
		t.Fatalf("%d slots, want 23: %v", len(got), got)
	}
	checkSlot(t, "slot after 01:00", got[1], utc(2025, 3, 9, 7, 0), "2025-03-09T03:00 America/New_York")
	sl, ok := s.Due(utc(2025, 3, 9, 6, 0), utc(2025, 3, 9, 7, 0))
	if !ok {
		t.Fatal("03:00 not due")
	}
	checkSlot(t, "Due at 03:00", sl, utc(2025, 3, 9, 7, 0), "2025-03-09T03:00 America/New_York")
}

func TestDueCatchUp(t *testing.T) {
	kyiv := mustLoad(t, "Europe/Kyiv")
	s := mustParse(t, "at 07:30 tz Europe/Kyiv")
	mon := at(kyiv, 2025, 5, 12, 7, 30)
	watermark := mon.Add(5 * time.Minute) // Monday's briefing covered up to 07:35
	now := at(kyiv, 2025, 5, 15, 10, 0)   // back on Thursday at 10:00

	sl, ok := s.Due(watermark, now)
	if !ok {
		t.Fatal("nothing due after three days down")
	}
	checkSlot(t, "catch-up", sl, at(kyiv, 2025, 5, 15, 7, 30), "2025-05-15T07:30 Europe/Kyiv")

	// The caller briefs (watermark, now] once and advances the watermark.
	for _, wm := range []time.Time{sl.At, now} {
		if sl, ok := s.Due(wm, now); ok {
			t.Errorf("watermark %v: still due %v", wm, sl)
		}
		if sl, ok := s.Due(wm, at(kyiv, 2025, 5, 16, 7, 29)); ok {
			t.Errorf("watermark %v: due before Friday's slot: %v", wm, sl)
		}
		sl, ok := s.Due(wm, at(kyiv, 2025, 5, 16, 7, 30))
		if !ok {
			t.Fatalf("watermark %v: Friday's slot not due at 07:30", wm)
		}
		checkSlot(t, "Friday", sl, at(kyiv, 2025, 5, 16, 7, 30), "2025-05-16T07:30 Europe/Kyiv")
	}

	// Weekdays: downtime over a weekend is nothing until Monday's slot.
	wd := mustParse(t, "at 07:30 tz Europe/Kyiv weekdays")
	fri := at(kyiv, 2025, 5, 16, 7, 30)
	if sl, ok := wd.Due(fri, at(kyiv, 2025, 5, 19, 7, 29)); ok {
		t.Errorf("due over the weekend: %v", sl)
	}
	if sl, ok := wd.Due(fri, at(kyiv, 2025, 5, 19, 7, 30)); !ok || sl.Key != "2025-05-19T07:30 Europe/Kyiv" {
		t.Errorf("Monday: %v, %v", sl, ok)
	}

	// A zero watermark (never briefed) makes the latest slot due; a watermark
	// at or after now makes nothing due.
	if sl, ok := s.Due(time.Time{}, now); !ok || sl.Key != "2025-05-15T07:30 Europe/Kyiv" {
		t.Errorf("zero watermark: %v, %v", sl, ok)
	}
	if _, ok := s.Due(now, now); ok {
		t.Error("due with watermark == now")
	}
	if _, ok := s.Due(now.Add(time.Hour), now); ok {
		t.Error("due with watermark after now")
	}
}

// TestNextAndDueAgree checks, at random instants around DST changes in zones
// with unusual rules, that Due(t, Next(t).At) is Next(t) and that nothing is
// due a second earlier.
func TestNextAndDueAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	specs := []string{
		"at 03:30 tz Europe/Kyiv", "at 02:30 tz America/New_York weekdays", "@hourly tz America/New_York",
		"15 * * * * tz Australia/Lord_Howe", // 30-minute DST shift
		"0 0 * * * tz America/Sao_Paulo",    // DST began at midnight (2018-11-04)
		"30 7 * * * tz Pacific/Apia",        // skipped 2011-12-30 entirely
		"0 2 * * 0 tz Europe/London",
	}
	windows := []time.Time{utc(2025, 3, 8, 0, 0), utc(2025, 10, 25, 0, 0), utc(2018, 11, 2, 0, 0), utc(2011, 12, 28, 0, 0), utc(2025, 4, 4, 0, 0)}
	for _, spec := range specs {
		s := mustParse(t, spec)
		for range 300 {
			from := windows[rng.IntN(len(windows))].Add(time.Duration(rng.Int64N(int64(5 * 24 * time.Hour))))
			n := s.Next(from)
			if !n.At.After(from) {
				t.Fatalf("%s: Next(%v) = %v, not after", spec, from, n)
			}
			got, ok := s.Due(from, n.At)
			if !ok || got != n {
				t.Fatalf("%s: Due(%v, %v) = %v, %v; want %v", spec, from, n.At, got, ok, n)
			}
			if sl, ok := s.Due(from, n.At.Add(-time.Second)); ok {
				t.Fatalf("%s: Due(%v, %v) = %v, before Next", spec, from, n.At.Add(-time.Second), sl)
			}
		}
	}
}

func TestPacificApiaSkippedDay(t *testing.T) {
	// Samoa skipped 2011-12-30; the day's slot happens at the first instant
	// after the gap, midnight of 2011-12-31, and the 31st has its own.
	s := mustParse(t, "at 07:30 tz Pacific/Apia")
	apia := s.Location()
	got := slotsBetween(s, at(apia, 2011, 12, 29, 8, 0), at(apia, 2011, 12, 31, 8, 0))
	if len(got) != 2 {
		t.Fatalf("slots: %v", got)
	}
	checkSlot(t, "skipped day", got[0], at(apia, 2011, 12, 31, 0, 0), "2011-12-30T07:30 Pacific/Apia")
	checkSlot(t, "next day", got[1], at(apia, 2011, 12, 31, 7, 30), "2011-12-31T07:30 Pacific/Apia")
}

func TestRareSchedule(t *testing.T) {
	s := mustParse(t, "30 7 29 2 * tz UTC")
	checkSlot(t, "29 February", s.Next(utc(2097, 1, 1, 0, 0)), utc(2104, 2, 29, 7, 30), "2104-02-29T07:30 UTC")
	if sl, ok := s.Due(time.Time{}, utc(2103, 1, 1, 0, 0)); !ok || sl.Key != "2096-02-29T07:30 UTC" {
		t.Errorf("Due = %v, %v", sl, ok)
	}
}
