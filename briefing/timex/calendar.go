package timex

import (
	"strconv"

	"github.com/briefbot/briefbot/briefing"
)

// Calendar arithmetic on briefing.Day without going through time.Time: the
// proleptic Gregorian calendar, days counted from 1970-01-01.

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// mkDay returns the Day of a valid year, month (1-12) and day.
func mkDay(y, m, d int) briefing.Day {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return briefing.Day(era*146097 + doe - 719468)
}

// civil returns the year, month and day of d.
func civil(d briefing.Day) (y, m, dd int) {
	z := int(d) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days of month m in year y; y == 0 means "any
// year", so February has 29.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y == 0 || isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func validDay(y, m, d int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) }

// addMonths moves year y, month m (1-12) by n months.
func addMonths(y, m, n int) (int, int) {
	i := y*12 + m - 1 + n
	return floorDiv(i, 12), i - floorDiv(i, 12)*12 + 1
}

func lastOfMonth(y, m int) briefing.Day { return mkDay(y, m, daysIn(y, m)) }

// weekdayOf returns the day of the week of d, 0 = Sunday.
func weekdayOf(d briefing.Day) int { return ((int(d) % 7) + 7 + 4) % 7 }

// mondayOf returns the Monday of the ISO week containing d.
func mondayOf(d briefing.Day) briefing.Day { return d - briefing.Day((weekdayOf(d)+6)%7) }

// isoWeek returns the ISO year and week of d.
func isoWeek(d briefing.Day) (year, week int) {
	th := mondayOf(d) + 3
	y, _, _ := civil(th)
	return y, int(th-mkDay(y, 1, 1))/7 + 1
}

// Value formatting.

func appendPad(b []byte, v, width int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func fmtYear(y int) string {
	var b [16]byte
	return string(appendPad(b[:0], y, 4))
}

func fmtMonth(y, m int) string {
	var b [24]byte
	s := appendPad(b[:0], y, 4)
	s = append(s, '-')
	return string(appendPad(s, m, 2))
}

func fmtDay(d briefing.Day) string {
	y, m, dd := civil(d)
	var b [24]byte
	s := appendPad(b[:0], y, 4)
	s = append(s, '-')
	s = appendPad(s, m, 2)
	s = append(s, '-')
	return string(appendPad(s, dd, 2))
}

func fmtWeek(d briefing.Day, suffix string) string {
	y, w := isoWeek(d)
	var b [32]byte
	s := appendPad(b[:0], y, 4)
	s = append(s, "-W"...)
	s = appendPad(s, w, 2)
	return string(append(s, suffix...))
}

func fmtYearTag(y int, tag string) string {
	var b [24]byte
	s := appendPad(b[:0], y, 4)
	s = append(s, '-')
	return string(append(s, tag...))
}

// Event dates. Each returns the TIMEX3 value and the interval.

func explicit(v string, g briefing.Granularity, mod briefing.Mod, lo, hi briefing.Day) briefing.EventDate {
	return briefing.EventDate{Value: v, Gran: g, Mod: mod, Lo: lo, Hi: hi, Origin: briefing.OriginExplicit}
}

func dayDate(d briefing.Day, mod briefing.Mod) briefing.EventDate {
	return explicit(fmtDay(d), briefing.GranDay, mod, d, d)
}

// monthDate matches briefing.MonthDate: early = 1-10, mid = 11-20, late = 21
// to the end.
func monthDate(y, m int, mod briefing.Mod) briefing.EventDate {
	lo, hi := mkDay(y, m, 1), lastOfMonth(y, m)
	switch mod {
	case briefing.ModStart:
		hi = mkDay(y, m, 10)
	case briefing.ModMid:
		lo, hi = mkDay(y, m, 11), mkDay(y, m, 20)
	case briefing.ModEnd:
		lo = mkDay(y, m, 21)
	}
	return explicit(fmtMonth(y, m), briefing.GranMonth, mod, lo, hi)
}

// monthsSpan is the interval of n months from year y, month m, narrowed to
// its first, middle or last third by mod.
func monthsSpan(y, m, n int, mod briefing.Mod) (briefing.Day, briefing.Day) {
	first, k := 0, n
	switch mod {
	case briefing.ModStart:
		k = n / 3
	case briefing.ModMid:
		first, k = n/3, n/3
	case briefing.ModEnd:
		first, k = n-n/3, n/3
	}
	ly, lm := addMonths(y, m, first)
	hy, hm := addMonths(y, m, first+k-1)
	return mkDay(ly, lm, 1), lastOfMonth(hy, hm)
}

// yearDate: early = January-April, mid = May-August, late = September-December.
func yearDate(y int, mod briefing.Mod) briefing.EventDate {
	lo, hi := monthsSpan(y, 1, 12, mod)
	return explicit(fmtYear(y), briefing.GranYear, mod, lo, hi)
}

var seasonTags = [5]string{"", "SP", "SU", "FA", "WI"}

// seasonStart returns the first month of season s (1 spring .. 4 winter).
func seasonStart(s int) int { return 3 * s }

func seasonDate(y, s int, mod briefing.Mod) briefing.EventDate {
	lo, hi := monthsSpan(y, seasonStart(s), 3, mod)
	return explicit(fmtYearTag(y, seasonTags[s]), briefing.GranSeason, mod, lo, hi)
}

var quarterTags = [5]string{"", "Q1", "Q2", "Q3", "Q4"}

func quarterDate(y, q int, mod briefing.Mod) briefing.EventDate {
	lo, hi := monthsSpan(y, 3*q-2, 3, mod)
	return explicit(fmtYearTag(y, quarterTags[q]), briefing.GranQuarter, mod, lo, hi)
}

var halfTags = [3]string{"", "H1", "H2"}

// halfDate has no granularity of its own in briefing; it is reported as a
// year-granular date whose interval is the half.
func halfDate(y, h int, mod briefing.Mod) briefing.EventDate {
	lo, hi := monthsSpan(y, 6*h-5, 6, mod)
	return explicit(fmtYearTag(y, halfTags[h]), briefing.GranYear, mod, lo, hi)
}

// decadeDate: early = years 0-3, mid = 4-6, late = 7-9.
func decadeDate(y0 int, mod briefing.Mod) briefing.EventDate {
	a, b := 0, 9
	switch mod {
	case briefing.ModStart:
		b = 3
	case briefing.ModMid:
		a, b = 4, 6
	case briefing.ModEnd:
		a = 7
	}
	v := fmtYear(y0)
	v = v[:len(v)-1] + "X"
	return explicit(v, briefing.GranDecade, mod, mkDay(y0+a, 1, 1), mkDay(y0+b, 12, 31))
}

// weekDate: early = Monday-Wednesday, mid = Wednesday-Friday, late = Friday-Sunday.
func weekDate(mon briefing.Day, mod briefing.Mod) briefing.EventDate {
	a, b := 0, 6
	switch mod {
	case briefing.ModStart:
		b = 2
	case briefing.ModMid:
		a, b = 2, 4
	case briefing.ModEnd:
		a = 4
	}
	return explicit(fmtWeek(mon, ""), briefing.GranWeek, mod, mon+briefing.Day(a), mon+briefing.Day(b))
}

func weekendDate(sat briefing.Day, mod briefing.Mod) briefing.EventDate {
	return explicit(fmtWeek(sat, "-WE"), briefing.GranWeek, mod, sat, sat+1)
}
