package feed

import (
	"strconv"
	"strings"
	"time"
)

// parseDate reads the dates feeds write: RFC 3339 / ISO 8601 (with or
// without fractional seconds, seconds, zone; a date alone), and RFC 822 /
// RFC 1123 with the variants found in the wild (no weekday, no seconds,
// one-digit days, two-digit years, full month names, named zones, a
// "(comment)" after the zone, "Jan 2, 2006" order). A zone name it does not
// know is read as UTC. Anything else is the zero time: a feed's bad date
// is not an error.
func parseDate(s string) time.Time {
	s = trimSpace(s)
	if s == "" || len(s) > 80 {
		return time.Time{}
	}
	var t time.Time
	var ok bool
	if len(s) >= 10 && isDigits(s[:4]) && s[4] == '-' {
		t, ok = parseISO(s)
	} else {
		t, ok = parseRFC822(s)
	}
	if !ok || t.Year() < 1000 || t.Year() > 9999 {
		return time.Time{}
	}
	return t
}

func parseISO(s string) (time.Time, bool) {
	b := []byte(s)
	if len(b) > 10 && (b[10] == ' ' || b[10] == 't') {
		b[10] = 'T'
	}
	if n := len(b); n > 0 && b[n-1] == 'z' {
		b[n-1] = 'Z'
	}
	s = string(b)
	// "2006-01-02T15:04:05 +0100", "... UTC", "... GMT"
	if i := strings.LastIndexByte(s, ' '); i > 10 {
		zone := s[i+1:]
		s = s[:i]
		if off, ok := zoneOffset(zone); ok {
			t, ok := parseISO(s)
			if !ok {
				return time.Time{}, false
			}
			if t.Location() != time.UTC || strings.ContainsAny(s[10:], "Z+-") {
				return time.Time{}, false // two zones
			}
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("", off)), true
		}
		return time.Time{}, false
	}
	// time.Parse accepts fractional seconds after the seconds field even
	// when a layout does not show them.
	layouts := [...]string{
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05Z07",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04Z0700",
		"2006-01-02T15:04",
		"2006-01-02",
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseRFC822 reads "Mon, 02 Jan 2006 15:04:05 -0700" and its variants by
// tokens, so that the order of day, month and year and the presence of a
// weekday, seconds and zone do not matter.
func parseRFC822(s string) (time.Time, bool) {
	// drop a trailing "(PDT)" comment
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i]
	}
	var (
		day, year, hour, min, sec, nsec = -1, -1, 0, 0, 0, 0
		month                           time.Month
		haveTime, haveZone              bool
		off                             int
		pm, am                          bool
	)
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		switch {
		case strings.Contains(tok, ":") && !haveTime && tok[0] >= '0' && tok[0] <= '9':
			// 15:04, 15:04:05, 15:04:05.999, maybe glued to a zone "15:04:05Z" or "15:04+0100"
			clock := tok
			if i := strings.IndexAny(clock, "Z+-"); i > 0 {
				o, ok := zoneOffset(clock[i:])
				if !ok {
					return time.Time{}, false
				}
				off, haveZone = o, true
				clock = clock[:i]
			}
			var ok bool
			hour, min, sec, nsec, ok = parseClock(clock)
			if !ok {
				return time.Time{}, false
			}
			haveTime = true
		case isDigits(tok):
			v, _ := strconv.Atoi(tok)
			switch {
			case len(tok) <= 2 && day < 0 && v >= 1 && v <= 31:
				day = v
			case len(tok) == 4 && year < 0:
				year = v
			case len(tok) == 2 && year < 0 && day >= 0:
				year = 1900 + v
				if v < 70 {
					year = 2000 + v
				}
			default:
				return time.Time{}, false
			}
		case len(tok) > 2 && isDigits(tok[:len(tok)-2]) && day < 0 && ordinal(tok[len(tok)-2:]):
			v, _ := strconv.Atoi(tok[:len(tok)-2])
			if v < 1 || v > 31 {
				return time.Time{}, false
			}
			day = v
		case tok[0] == '+' || tok[0] == '-':
			o, ok := zoneOffset(tok)
			if !ok || haveZone {
				return time.Time{}, false
			}
			off, haveZone = o, true
		default:
			w := strings.ToLower(strings.TrimSuffix(tok, "."))
			if m := monthOf(w); m != 0 && month == 0 {
				month = m
				continue
			}
			if isWeekday(w) && !haveTime {
				continue
			}
			if w == "am" || w == "pm" {
				am, pm = w == "am", w == "pm"
				continue
			}
			if haveTime && !haveZone && isLetters(tok) && len(tok) <= 5 {
				off, _ = zoneOffset(tok) // an unknown name reads as UTC
				haveZone = true
				continue
			}
			if haveTime && !haveZone {
				// "GMT+0100", "UTC-05:00"
				if i := strings.IndexAny(tok, "+-"); i > 0 && isLetters(tok[:i]) {
					if o, ok := zoneOffset(tok[i:]); ok {
						off, haveZone = o, true
						continue
					}
				}
			}
			return time.Time{}, false
		}
	}
	if day < 0 || month == 0 || year < 0 {
		return time.Time{}, false
	}
	if pm && hour < 12 {
		hour += 12
	} else if am && hour == 12 {
		hour = 0
	}
	if hour > 23 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, min, sec, nsec, time.FixedZone("", off))
	if t.Day() != day {
		return time.Time{}, false // 31 April
	}
	if off == 0 {
		t = t.UTC()
	}
	return t, true
}

// parseClock reads 15:04, 15:04:05 or 15:04:05.999.
func parseClock(s string) (hour, min, sec, nsec int, ok bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, 0, false
	}
	if len(parts) == 3 {
		if i := strings.IndexByte(parts[2], '.'); i >= 0 {
			frac := parts[2][i+1:]
			parts[2] = parts[2][:i]
			if frac == "" || len(frac) > 9 || !isDigits(frac) {
				return 0, 0, 0, 0, false
			}
			nsec, _ = strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
		}
	}
	vals := [3]int{}
	for i, p := range parts {
		if len(p) < 1 || len(p) > 2 || !isDigits(p) {
			return 0, 0, 0, 0, false
		}
		vals[i], _ = strconv.Atoi(p)
	}
	if vals[0] > 24 || vals[1] > 59 || vals[2] > 60 {
		return 0, 0, 0, 0, false
	}
	if vals[2] == 60 {
		vals[2] = 59 // a leap second
	}
	return vals[0], vals[1], vals[2], nsec, true
}

// zoneOffset reads a numeric zone (+0100, -05:00, +01, Z) or a zone name,
// in seconds east of UTC. Unknown names give 0 and false.
func zoneOffset(z string) (int, bool) {
	if z == "" {
		return 0, false
	}
	if z[0] == '+' || z[0] == '-' {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		d := strings.ReplaceAll(z[1:], ":", "")
		if !isDigits(d) || (len(d) != 2 && len(d) != 4) {
			return 0, false
		}
		h, _ := strconv.Atoi(d[:2])
		m := 0
		if len(d) == 4 {
			m, _ = strconv.Atoi(d[2:])
		}
		if h > 14 || m > 59 {
			return 0, false
		}
		return sign * (h*3600 + m*60), true
	}
	h := 0.0
	switch strings.ToUpper(z) {
	case "Z", "UT", "UTC", "GMT", "WET":
	case "EDT", "AST":
		h = -4
	case "EST", "CDT":
		h = -5
	case "CST", "MDT":
		h = -6
	case "MST", "PDT":
		h = -7
	case "PST", "AKDT":
		h = -8
	case "AKST":
		h = -9
	case "HST":
		h = -10
	case "ADT":
		h = -3
	case "NST":
		h = -3.5
	case "NDT":
		h = -2.5
	case "BST", "CET", "MET", "WEST", "WAT":
		h = 1
	case "CEST", "MEST", "EET", "SAST", "CAT":
		h = 2
	case "EEST", "MSK", "EAT", "TRT":
		h = 3
	case "IST":
		h = 5.5
	case "PKT":
		h = 5
	case "ICT", "WIB":
		h = 7
	case "HKT", "SGT", "AWST", "PHT":
		h = 8
	case "JST", "KST":
		h = 9
	case "ACST":
		h = 9.5
	case "AEST":
		h = 10
	case "ACDT":
		h = 10.5
	case "AEDT":
		h = 11
	case "NZST":
		h = 12
	case "NZDT":
		h = 13
	default:
		return 0, false
	}
	return int(h * 3600), true
}

func monthOf(w string) time.Month {
	if len(w) < 3 {
		return 0
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if w == name || w == name[:3] || m == time.September && w == "sept" {
			return m
		}
	}
	return 0
}

func isWeekday(w string) bool {
	if len(w) < 3 {
		return false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if w == name || w == name[:3] || len(w) == 4 && strings.HasPrefix(name, w) { // "tues", "thur"
			return true
		}
	}
	return false
}

func ordinal(s string) bool {
	switch strings.ToLower(s) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	return true
}
