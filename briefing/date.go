package briefing

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Day is a civil calendar date counted in days since 1970-01-01. It carries no
// time zone: an event happens on a date as the text states it, not at an
// instant. The zero Day (1970-01-01) means "unset" wherever a Day is optional.
type Day int32

// DayOf returns the calendar date of t in t's own location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Date(y, m, d)
}

// Date returns the Day for a year, month and day; out-of-range values are
// normalised the way time.Date normalises them.
func Date(year int, month time.Month, day int) Day {
	return Day(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDay parses an ISO date (2025-05-16).
func ParseDay(s string) (Day, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return DayOf(t), nil
}

// Time returns midnight UTC at the start of d.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Year returns the year of d.
func (d Day) Year() int { return d.Time().Year() }

// Month returns the month of d.
func (d Day) Month() time.Month { return d.Time().Month() }

// Dom returns the day of the month of d.
func (d Day) Dom() int { return d.Time().Day() }

// Weekday returns the day of the week of d.
func (d Day) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns d moved by n days.
func (d Day) AddDays(n int) Day { return d + Day(n) }

// String formats d as YYYY-MM-DD.
func (d Day) String() string { return d.Time().Format("2006-01-02") }

// LastOfMonth returns the last day of the month containing d.
func (d Day) LastOfMonth() Day {
	t := d.Time()
	return Date(t.Year(), t.Month()+1, 0)
}

// Granularity is how precise an event date is.
type Granularity uint8

// Granularities from finest to coarsest.
const (
	GranUnknown Granularity = iota
	GranDay
	GranWeek
	GranMonth
	GranSeason
	GranQuarter
	GranYear
	GranDecade
)

var granNames = [...]string{"unknown", "day", "week", "month", "season", "quarter", "year", "decade"}

// String returns the lower-case name of g.
func (g Granularity) String() string {
	if int(g) < len(granNames) {
		return granNames[g]
	}
	return "unknown"
}

// ParseGranularity is the inverse of Granularity.String.
func ParseGranularity(s string) Granularity {
	for i, n := range granNames {
		if n == s {
			return Granularity(i)
		}
	}
	return GranUnknown
}

// Mod qualifies a date the way TIMEX3's mod attribute does.
type Mod string

// Modifiers used by event dates.
const (
	ModNone   Mod = ""
	ModStart  Mod = "START"  // early April
	ModMid    Mod = "MID"    // mid-April
	ModEnd    Mod = "END"    // late April
	ModApprox Mod = "APPROX" // around April
	ModBefore Mod = "BEFORE" // before April
	ModAfter  Mod = "AFTER"  // after April
)

// DateOrigin records how an event got its date.
type DateOrigin string

// Origins, from most to least trustworthy.
const (
	// OriginExplicit: the sentence states the date itself.
	OriginExplicit DateOrigin = "explicit"
	// OriginContext: taken from an earlier sentence about the same development.
	OriginContext DateOrigin = "context"
	// OriginPublished: nothing in the text dates it, so the publication date stands in.
	OriginPublished DateOrigin = "published"
)

// EventDate is when a development happened, modelled on TIMEX3: a value at
// some granularity with an optional modifier, an inclusive day interval
// [Lo, Hi] used for sorting and filtering, and whether it is a stated range
// ("from May 8 through May 10").
type EventDate struct {
	Value  string      // TIMEX3-like value: 2025-05-16, 2025-04, 2025-W20, 2025-Q2, 2025
	Gran   Granularity // precision of Value
	Mod    Mod         // START, MID, END, APPROX, BEFORE, AFTER or none
	Lo, Hi Day         // inclusive interval covered
	Range  bool        // Lo..Hi is a range stated by the text
	Origin DateOrigin  // how the date was obtained
}

// DayDate returns an explicit single-day date.
func DayDate(d Day) EventDate {
	return EventDate{Value: d.String(), Gran: GranDay, Lo: d, Hi: d, Origin: OriginExplicit}
}

// MonthDate returns an explicit month, optionally narrowed by a modifier
// (START = days 1-10, MID = 11-20, END = 21 to the end).
func MonthDate(year int, month time.Month, mod Mod) EventDate {
	lo := Date(year, month, 1)
	hi := lo.LastOfMonth()
	switch mod {
	case ModStart:
		hi = Date(year, month, 10)
	case ModMid:
		lo, hi = Date(year, month, 11), Date(year, month, 20)
	case ModEnd:
		lo = Date(year, month, 21)
	}
	return EventDate{Value: fmt.Sprintf("%04d-%02d", year, int(month)), Gran: GranMonth, Mod: mod, Lo: lo, Hi: hi, Origin: OriginExplicit}
}

// RangeDate returns an explicit range of days.
func RangeDate(lo, hi Day) EventDate {
	if hi < lo {
		lo, hi = hi, lo
	}
	return EventDate{Value: lo.String(), Gran: GranDay, Lo: lo, Hi: hi, Range: lo != hi, Origin: OriginExplicit}
}

// IsZero reports whether the date is unset.
func (d EventDate) IsZero() bool { return d.Gran == GranUnknown && d.Lo == 0 && d.Hi == 0 }

// Overlaps reports whether the intervals of d and o share at least one day,
// after widening each by slack days.
func (d EventDate) Overlaps(o EventDate, slack int) bool {
	return d.Lo.AddDays(-slack) <= o.Hi && o.Lo.AddDays(-slack) <= d.Hi
}

// Span returns the number of days the interval covers.
func (d EventDate) Span() int { return int(d.Hi-d.Lo) + 1 }

// PreciserThan reports whether d pins the event down better than o: an
// explicit date beats an inherited one, a narrower interval beats a wider one.
func (d EventDate) PreciserThan(o EventDate) bool {
	if r, ro := originRank(d.Origin), originRank(o.Origin); r != ro {
		return r > ro
	}
	return d.Span() < o.Span()
}

func originRank(o DateOrigin) int {
	switch o {
	case OriginExplicit:
		return 3
	case OriginContext:
		return 2
	case OriginPublished:
		return 1
	}
	return 0
}

// String renders the date the way a journalist writes it: "16 May 2025",
// "late April 2025", "8-10 May 2025", "March 2025", "mid-2025".
func (d EventDate) String() string {
	if d.IsZero() {
		return "undated"
	}
	lo, hi := d.Lo.Time(), d.Hi.Time()
	if d.Range && d.Lo != d.Hi {
		switch {
		case lo.Year() == hi.Year() && lo.Month() == hi.Month():
			return fmt.Sprintf("%d-%d %s %d", lo.Day(), hi.Day(), lo.Month(), lo.Year())
		case lo.Year() == hi.Year():
			return fmt.Sprintf("%d %s - %d %s %d", lo.Day(), lo.Month(), hi.Day(), hi.Month(), lo.Year())
		default:
			return lo.Format("2 January 2006") + " - " + hi.Format("2 January 2006")
		}
	}
	var base string
	switch d.Gran {
	case GranDay:
		base = lo.Format("2 January 2006")
	case GranWeek:
		base = "week of " + lo.Format("2 January 2006")
	case GranMonth:
		base = lo.Month().String() + " " + strconv.Itoa(lo.Year())
		switch d.Mod {
		case ModStart:
			return "early " + base
		case ModMid:
			return "mid-" + base
		case ModEnd:
			return "late " + base
		}
	case GranSeason:
		base = seasonName(d.Value) + " " + strconv.Itoa(lo.Year())
	case GranQuarter:
		base = quarterName(d.Value) + " quarter of " + strconv.Itoa(lo.Year())
	case GranYear:
		base = strconv.Itoa(lo.Year())
		switch d.Mod {
		case ModStart:
			return "early " + base
		case ModMid:
			return "mid-" + base
		case ModEnd:
			return "late " + base
		}
	case GranDecade:
		base = "the " + strconv.Itoa(lo.Year()/10*10) + "s"
	default:
		base = lo.Format("2 January 2006")
	}
	switch d.Mod {
	case ModStart:
		return "early " + base
	case ModMid:
		return "mid-" + base
	case ModEnd:
		return "late " + base
	case ModApprox:
		return "around " + base
	case ModBefore:
		return "before " + base
	case ModAfter:
		return "after " + base
	}
	return base
}

func seasonName(value string) string {
	switch {
	case strings.HasSuffix(value, "-SP"):
		return "spring"
	case strings.HasSuffix(value, "-SU"):
		return "summer"
	case strings.HasSuffix(value, "-FA"):
		return "autumn"
	case strings.HasSuffix(value, "-WI"):
		return "winter"
	}
	return "season of"
}

func quarterName(value string) string {
	switch {
	case strings.HasSuffix(value, "-Q1"):
		return "first"
	case strings.HasSuffix(value, "-Q2"):
		return "second"
	case strings.HasSuffix(value, "-Q3"):
		return "third"
	case strings.HasSuffix(value, "-Q4"):
		return "fourth"
	}
	return "a"
}
