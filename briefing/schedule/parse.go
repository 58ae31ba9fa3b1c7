package schedule

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names must work in images without /usr/share/zoneinfo
	"unicode"
	"unicode/utf8"

	"github.com/robfig/cron/v3"
)

// MaxInputLen is the longest input Parse accepts, in bytes. Real schedules
// are a few dozen bytes; the limit keeps hostile input cheap to reject.
const MaxInputLen = 256

// Schedule is a parsed briefing schedule: which local dates and times
// briefings are due, and in which time zone.
//
// Schedules are comparable with ==: two schedules are equal when they have the
// same canonical spec. The zero Schedule is not valid; it has no slots.
type Schedule struct {
	spec string // canonical: "CRON_TZ=Europe/Kyiv 30 7 * * 1-5"
	desc string // "07:30 on weekdays, Europe/Kyiv"
	loc  *time.Location

	// Bit sets as robfig/cron's parser produces them (bit n set: value n
	// matches; cronStar set: the field was "*" or "?").
	minute, hour, dom, month, dow uint64
}

// cronStar is robfig/cron's marker bit for a field written as "*" or "?"; it
// matters for the day-of-month/day-of-week rule (see dayMatches).
const cronStar = 1 << 63

// String returns the canonical cron spec, including the zone, for example
// "CRON_TZ=Europe/Kyiv 30 7 * * 1-5". Parse accepts it and returns an equal
// Schedule, whatever its default zone; store this form.
func (s Schedule) String() string { return s.spec }

// Description returns the schedule in words for people, for example
// "07:30 on weekdays, Europe/Kyiv".
func (s Schedule) Description() string { return s.desc }

// Location returns the schedule's time zone; nil for the zero Schedule.
func (s Schedule) Location() *time.Location { return s.loc }

// IsZero reports whether s is the zero Schedule, which has no slots.
func (s Schedule) IsZero() bool { return s.loc == nil }

// hint is appended to errors that cannot suggest anything more specific.
const hint = `for example "at 07:30 tz Europe/Kyiv weekdays" or cron "30 7 * * 1-5" tz Europe/Kyiv`

// Parse reads the WHEN part of "/brief subscribe ...": either words or a cron
// spec.
//
// Words: a time, optional days and an optional zone, in any order:
//
//	at 07:30 tz Europe/Kyiv            every day
//	at 07:30 tz Europe/Kyiv weekdays   Monday to Friday
//	at 7:30am tz America/New_York weekends
//	at 18:00                           every day, in defaultTZ
//	at 07:30 mon,wed,fri tz UTC
//
// Times are 24-hour "07:30"/"7:30", or 12-hour "7:30am", "7am", "7:30 pm";
// "noon" and "midnight" work too. A bare "at 7" is rejected as ambiguous.
// Days are "daily", "every day", "weekdays", "weekends", or day names and
// ranges ("mon,wed,fri", "mon-fri", "Monday"), optionally after "on".
//
// Cron: `cron "30 7 * * 1-5" tz Europe/Kyiv`, or the spec alone (unquoted, as
// String returns it: "CRON_TZ=Europe/Kyiv 30 7 * * 1-5"). Specs have the five
// standard fields (minute hour day-of-month month day-of-week; no seconds) as
// robfig/cron reads them, optionally preceded by CRON_TZ=Zone or TZ=Zone. The
// descriptors @daily (= @midnight), @weekly, @monthly, @yearly (= @annually)
// and @hourly are accepted and stored as their five fields; @every is not,
// because it runs on an interval rather than at a time of day.
//
// Zones are IANA names (Europe/Kyiv, America/New_York, UTC); a wrongly
// capitalised name ("europe/kyiv") is corrected when that finds the zone.
// Without a zone, defaultTZ is used (nil means UTC); it must be an IANA zone,
// not time.Local or a fixed offset, so that the stored spec means the same on
// every machine.
//
// Schedules that fire more often than once an hour are rejected (a briefing is
// not a pager), and so are schedules on dates that never occur (30 February).
// Errors are written for the person who typed s and say what to type instead.
// Parse never panics.
func Parse(s string, defaultTZ *time.Location) (Schedule, error) {
	if len(s) > MaxInputLen {
		return Schedule{}, fmt.Errorf("that schedule is too long (%d bytes, at most %d); %s", len(s), MaxInputLen, hint)
	}
	if !utf8.ValidString(s) {
		return Schedule{}, fmt.Errorf("that schedule is not valid text (invalid UTF-8); %s", hint)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return Schedule{}, fmt.Errorf("that schedule contains control characters; %s", hint)
		}
	}
	s = quoteReplacer.Replace(strings.TrimSpace(s))
	if s == "" {
		return Schedule{}, fmt.Errorf("say when the briefing should come, %s", hint)
	}
	first := strings.Fields(s)[0] // s is trimmed, so it starts with first
	rest := strings.TrimSpace(s[len(first):])
	switch {
	case strings.EqualFold(first, "cron"):
		if rest == "" {
			return Schedule{}, errors.New(`give the cron spec after "cron", for example cron "30 7 * * 1-5" tz Europe/Kyiv`)
		}
		return parseCron(rest, defaultTZ)
	case looksLikeCron(first):
		return parseCron(s, defaultTZ)
	default:
		return parseWords(strings.Fields(s), defaultTZ)
	}
}

// quoteReplacer turns the typographic quotes that chat clients and phones
// insert into plain ones.
var quoteReplacer = strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u2018", "'", "\u2019", "'")

// looksLikeCron reports whether the first word of the input starts a cron
// spec rather than a time or a day ("7:30am" and "07:30" are times).
func looksLikeCron(w string) bool {
	if w == "" {
		return false
	}
	up := strings.ToUpper(w)
	if strings.HasPrefix(up, "CRON_TZ=") || strings.HasPrefix(up, "TZ=") {
		return true
	}
	switch w[0] {
	case '"', '\'', '`', '@', '*', '?':
		return true
	}
	if w[0] >= '0' && w[0] <= '9' {
		_, _, ok, _ := parseClock(w, "")
		return !ok
	}
	return false
}

// parseWords parses the "at 07:30 tz Europe/Kyiv weekdays" form.
func parseWords(words []string, defaultTZ *time.Location) (Schedule, error) {
	var (
		haveTime   bool
		hour, mins int
		zone       string
		days       uint64 // bit n: weekday n (Sunday = 0)
		sawDays    bool
		everyAlone bool
	)
	for i := 0; i < len(words); i++ {
		w := words[i]
		lw := strings.ToLower(w)
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch {
		case lw == "at" || !haveTime && isClockLike(lw): // "at" is optional before a time
			if lw == "at" {
				if next == "" {
					return Schedule{}, errors.New(`say the time after "at", for example at 07:30 or at 7:30am`)
				}
				i++
				w = next
			}
			if haveTime {
				return Schedule{}, errors.New("give one time per subscription (subscribe again for a second time of day)")
			}
			after := ""
			if i+1 < len(words) {
				after = words[i+1]
			}
			h, m, usedNext, err := parseClock(w, after)
			if err != nil {
				return Schedule{}, err
			}
			if usedNext {
				i++
			}
			haveTime, hour, mins = true, h, m
		case lw == "tz" || lw == "timezone" || lw == "zone":
			if next == "" {
				return Schedule{}, fmt.Errorf(`say the zone after %q, for example tz Europe/Kyiv`, w)
			}
			if zone != "" {
				return Schedule{}, fmt.Errorf("give one time zone, not %s and %s", zone, next)
			}
			zone = next
			i++
		case lw == "on" || lw == "and" || lw == ",":
			// filler: "on weekdays", "mon and fri"
		case lw == "every":
			everyAlone = true
		case lw == "day" && everyAlone, lw == "daily", lw == "everyday":
			days, sawDays, everyAlone = days|0x7f, true, false
		default:
			d, ok := parseDays(lw)
			if !ok {
				if _, _, _, err := parseClock(w, ""); haveTime && err == nil {
					return Schedule{}, errors.New("give one time per subscription (subscribe again for a second time of day)")
				}
				return Schedule{}, fmt.Errorf("%q is not part of a schedule; %s", w, hint)
			}
			days, sawDays, everyAlone = days|d, true, false
		}
	}
	if !haveTime {
		return Schedule{}, fmt.Errorf("say what time, %s", hint)
	}
	loc, err := chooseZone(zone, defaultTZ)
	if err != nil {
		return Schedule{}, err
	}
	dow := "*"
	if sawDays && days != 0x7f {
		dow = renderBits(days, 0, 6)
	}
	return fromFields([]string{strconv.Itoa(mins), strconv.Itoa(hour), "*", "*", dow}, loc)
}

// isClockLike reports whether w is meant as a time of day (even if it turns
// out to be invalid, so that the error is about the time).
func isClockLike(w string) bool {
	if w == "noon" || w == "midnight" {
		return true
	}
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	return strings.ContainsAny(w, ":.") || strings.HasSuffix(w, "am") || strings.HasSuffix(w, "pm") ||
		strings.HasSuffix(w, "a.m.") || strings.HasSuffix(w, "p.m.") || strings.Trim(w, "0123456789") == ""
}

// parseClock reads a time of day from w, taking an "am"/"pm" from next when w
// has none. usedNext reports that next was consumed.
func parseClock(w, next string) (hour, mins int, usedNext bool, err error) {
	lw := strings.ToLower(w)
	switch lw {
	case "noon":
		return 12, 0, false, nil
	case "midnight":
		return 0, 0, false, nil
	}
	suffix := ""
	for _, sfx := range []string{"a.m.", "p.m.", "am", "pm"} {
		if strings.HasSuffix(lw, sfx) {
			suffix, lw = sfx[:1], strings.TrimSuffix(lw, sfx)
			break
		}
	}
	if suffix == "" {
		switch strings.ToLower(next) {
		case "am", "a.m.", "pm", "p.m.":
			suffix, usedNext = strings.ToLower(next)[:1], true
		}
	}
	bad := func() (int, int, bool, error) {
		return 0, 0, false, fmt.Errorf("%q is not a time; write it like 07:30, 18:00 or 7:30am", w)
	}
	hs, ms, hasMin := strings.Cut(lw, ":")
	if !hasMin {
		hs, ms, hasMin = strings.Cut(lw, ".")
	}
	if hs == "" || len(hs) > 2 || strings.Trim(hs, "0123456789") != "" {
		return bad()
	}
	hour, _ = strconv.Atoi(hs)
	if hasMin {
		if len(ms) != 2 || strings.Trim(ms, "0123456789") != "" {
			return bad()
		}
		mins, _ = strconv.Atoi(ms)
		if mins > 59 {
			return 0, 0, false, fmt.Errorf("%q has no such minute; minutes go from 00 to 59", w)
		}
	}
	switch suffix {
	case "":
		if !hasMin {
			return 0, 0, false, fmt.Errorf("%q is ambiguous: write %02d:00 (24-hour clock) or %dam/%dpm", w, hour, hour, hour)
		}
		if hour > 23 {
			if hour == 24 && mins == 0 {
				return 0, 0, false, errors.New("write midnight as 00:00")
			}
			return 0, 0, false, fmt.Errorf("%q has no such hour; hours go from 00 to 23, for example at 07:30 or at 18:00", w)
		}
	default:
		if hour < 1 || hour > 12 {
			return 0, 0, false, fmt.Errorf("%q is not a 12-hour time; write 7:30am, 12pm or the 24-hour 18:00", w)
		}
		hour %= 12
		if suffix == "p" {
			hour += 12
		}
	}
	return hour, mins, usedNext, nil
}

// dayNames maps day words to weekday numbers (Sunday = 0, as in cron).
var dayNames = map[string]int{
	"sun": 0, "sunday": 0,
	"mon": 1, "monday": 1,
	"tue": 2, "tues": 2, "tuesday": 2,
	"wed": 3, "wednesday": 3,
	"thu": 4, "thur": 4, "thurs": 4, "thursday": 4,
	"fri": 5, "friday": 5,
	"sat": 6, "saturday": 6,
}

// parseDays reads "weekdays", "weekends", "mon,wed,fri", "mon-fri", "fri-mon",
// "mondays" as a weekday bit set.
func parseDays(w string) (uint64, bool) {
	w = strings.Trim(w, ",")
	switch w {
	case "weekdays", "weekday", "workdays":
		return 0b0111110, true
	case "weekends", "weekend":
		return 0b1000001, true
	case "":
		return 0, false
	}
	day := func(s string) (int, bool) {
		if d, ok := dayNames[s]; ok {
			return d, true
		}
		d, ok := dayNames[strings.TrimSuffix(s, "s")]
		return d, ok
	}
	var set uint64
	for _, part := range strings.Split(w, ",") {
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, ok := day(lo)
		if !ok {
			return 0, false
		}
		b := a
		if isRange {
			if b, ok = day(hi); !ok {
				return 0, false
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			set |= 1 << d
			if d == b {
				break
			}
		}
	}
	return set, set != 0
}

// parseCron parses a cron spec, quoted or not, with an optional trailing
// "tz ZONE".
func parseCron(s string, defaultTZ *time.Location) (Schedule, error) {
	var spec, rest string
	if q := s[0]; q == '"' || q == '\'' || q == '`' {
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return Schedule{}, fmt.Errorf(`the cron spec has no closing quote; write it like cron "30 7 * * 1-5" tz Europe/Kyiv`)
		}
		spec, rest = s[1:1+end], s[2+end:]
	} else {
		words := strings.Fields(s)
		i := 0
		for i < len(words) && !isZoneWord(words[i]) {
			i++
		}
		spec, rest = strings.Join(words[:i], " "), strings.Join(words[i:], " ")
	}
	var zone string
	switch rw := strings.Fields(rest); {
	case len(rw) == 0:
	case len(rw) == 2 && isZoneWord(rw[0]):
		zone = rw[1]
	case len(rw) == 1 && isZoneWord(rw[0]):
		return Schedule{}, fmt.Errorf(`say the zone after %q, for example tz Europe/Kyiv`, rw[0])
	default:
		return Schedule{}, fmt.Errorf(`only "tz ZONE" may follow the cron spec, not %q; for example cron "30 7 * * 1-5" tz Europe/Kyiv`, rest)
	}
	fields := strings.Fields(spec)
	if len(fields) > 0 {
		up := strings.ToUpper(fields[0])
		if strings.HasPrefix(up, "CRON_TZ=") || strings.HasPrefix(up, "TZ=") {
			_, specZone, _ := strings.Cut(fields[0], "=")
			fields = fields[1:]
			if specZone == "" {
				return Schedule{}, fmt.Errorf("%s names no zone; write CRON_TZ=Europe/Kyiv 30 7 * * 1-5", up)
			}
			if zone != "" && zone != specZone {
				return Schedule{}, fmt.Errorf("two different zones, %s and %s: give one", specZone, zone)
			}
			zone = specZone
			if len(fields) == 0 {
				return Schedule{}, fmt.Errorf("a schedule must follow CRON_TZ=%s, for example CRON_TZ=%s 30 7 * * 1-5", specZone, specZone)
			}
		}
	}
	if len(fields) == 0 {
		return Schedule{}, errors.New(`the cron spec is empty; for example cron "30 7 * * 1-5" tz Europe/Kyiv`)
	}
	loc, err := chooseZone(zone, defaultTZ)
	if err != nil {
		return Schedule{}, err
	}
	return fromFields(fields, loc)
}

func isZoneWord(w string) bool {
	return strings.EqualFold(w, "tz") || strings.EqualFold(w, "timezone") || strings.EqualFold(w, "zone")
}

// cronParser reads five standard fields and the descriptors; zones are
// handled before it sees the spec.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// descriptors are the cron descriptors Parse accepts.
var descriptors = map[string]bool{
	"@yearly": true, "@annually": true, "@monthly": true, "@weekly": true,
	"@daily": true, "@midnight": true, "@hourly": true,
}

// fromFields builds a Schedule from cron fields (five, or one descriptor) and
// a zone, checking that it is usable for briefings.
func fromFields(fields []string, loc *time.Location) (Schedule, error) {
	if strings.HasPrefix(fields[0], "@") {
		d := strings.ToLower(fields[0])
		if d == "@every" {
			return Schedule{}, errors.New(`@every runs on an interval, not at a time of day; write at 07:30, or cron "30 7 * * *"`)
		}
		if !descriptors[d] || len(fields) != 1 {
			return Schedule{}, fmt.Errorf(`%q is not a schedule; use @daily, @weekly, @monthly, @yearly, @hourly or five cron fields such as "30 7 * * 1-5"`, strings.Join(fields, " "))
		}
		fields[0] = d
	} else if len(fields) != 5 {
		if len(fields) == 6 || len(fields) == 7 {
			return Schedule{}, fmt.Errorf(`that cron spec has %d fields; seconds and years are not supported: write 5 (minute hour day-of-month month day-of-week), for example "30 7 * * 1-5"`, len(fields))
		}
		return Schedule{}, fmt.Errorf(`a cron spec has 5 fields (minute hour day-of-month month day-of-week), not %d; for example "30 7 * * 1-5" is 07:30 Monday to Friday`, len(fields))
	}
	spec, err := safeCronParse(strings.Join(fields, " "))
	if err != nil {
		return Schedule{}, err
	}
	s := Schedule{
		loc:    loc,
		minute: spec.Minute,
		hour:   spec.Hour,
		dom:    spec.Dom,
		month:  spec.Month,
		dow:    spec.Dow,
	}
	for i, f := range []uint64{s.hour, s.dom, s.month, s.dow} {
		if f&^cronStar == 0 { // robfig/cron accepts "," as a field matching nothing
			return Schedule{}, fmt.Errorf(`the %s field of that cron spec is empty; for example "30 7 * * 1-5" is 07:30 Monday to Friday`, [...]string{"hour", "day-of-month", "month", "day-of-week"}[i])
		}
	}
	if bits.OnesCount64(s.minute&^cronStar) != 1 {
		return Schedule{}, errors.New(`that runs more than once an hour; a briefing comes at most hourly: give one minute, for example at 07:30 or cron "30 7 * * *"`)
	}
	if !s.occurs() {
		return Schedule{}, errors.New("that date never occurs (like 30 February); pick a day of the month that exists")
	}
	s.spec = "CRON_TZ=" + loc.String() + " " + strings.Join([]string{
		renderBits(s.minute, 0, 59),
		renderBits(s.hour, 0, 23),
		renderBits(s.dom, 1, 31),
		renderBits(s.month, 1, 12),
		renderBits(s.dow, 0, 6),
	}, " ")
	s.desc = describe(s)
	return s, nil
}

// safeCronParse runs robfig/cron's parser, turning its panics into errors.
func safeCronParse(spec string) (sch *cron.SpecSchedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			sch, err = nil, fmt.Errorf("that cron spec cannot be read; %s", hint)
		}
	}()
	parsed, err := cronParser.Parse(spec)
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "above maximum (6)") {
			msg += " (Sunday is 0)"
		}
		return nil, fmt.Errorf(`that cron spec does not parse: %s; for example "30 7 * * 1-5" is 07:30 Monday to Friday`, msg)
	}
	ss, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("that cron spec is not a time of day; %s", hint)
	}
	return ss, nil
}

// renderBits writes a cron field canonically: "*" for a star field, else
// ascending values with runs of three or more as ranges ("1-5", "0,6").
func renderBits(b uint64, lo, hi int) string {
	if b&cronStar != 0 {
		return "*"
	}
	var parts []string
	for v := lo; v <= hi; v++ {
		if b&(1<<v) == 0 {
			continue
		}
		end := v
		for end+1 <= hi && b&(1<<(end+1)) != 0 {
			end++
		}
		switch {
		case end == v:
			parts = append(parts, strconv.Itoa(v))
		case end == v+1:
			parts = append(parts, strconv.Itoa(v), strconv.Itoa(end))
		default:
			parts = append(parts, strconv.Itoa(v)+"-"+strconv.Itoa(end))
		}
		v = end
	}
	return strings.Join(parts, ",")
}

// occurs reports whether some day matches the schedule's day fields.
func (s Schedule) occurs() bool {
	if s.dow&cronStar == 0 || s.dom&cronStar != 0 {
		// Day of week restricted (alone, or OR-ed with day of month) or day
		// of month unrestricted: every month has every weekday.
		return s.month&^cronStar != 0
	}
	for m := time.January; m <= time.December; m++ {
		if s.month&(1<<m) == 0 {
			continue
		}
		last := time.Date(2000, m+1, 0, 0, 0, 0, 0, time.UTC).Day() // 2000: leap year
		for d := 1; d <= last; d++ {
			if s.dom&(1<<d) != 0 {
				return true
			}
		}
	}
	return false
}

// chooseZone resolves the zone the user named, or the default.
func chooseZone(name string, defaultTZ *time.Location) (*time.Location, error) {
	if name != "" {
		return loadZone(name)
	}
	if defaultTZ == nil {
		return time.UTC, nil
	}
	loc, err := loadZone(defaultTZ.String())
	if err != nil {
		return nil, fmt.Errorf("name a time zone, for example tz Europe/Kyiv (the default zone %q is not an IANA zone name)", defaultTZ.String())
	}
	return loc, nil
}

// zones caches loaded locations by name, so that schedules in one zone share
// one *time.Location and compare equal with ==.
var zones sync.Map // string -> *time.Location

// loadZone loads an IANA zone, forgiving wrong capitalisation.
func loadZone(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	unknown := fmt.Errorf("unknown time zone %q; use an IANA name such as Europe/Kyiv, America/New_York or UTC", name)
	if len(name) > 64 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-+") != "" ||
		strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return nil, unknown
	}
	if strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("%q is whatever zone the server runs in; name a zone such as Europe/Kyiv or UTC", name)
	}
	for _, cand := range []string{name, titleZone(name), strings.ToUpper(name)} {
		if v, ok := zones.Load(cand); ok {
			return v.(*time.Location), nil
		}
		loc, err := time.LoadLocation(cand)
		if err != nil || loc.String() != cand {
			continue
		}
		v, _ := zones.LoadOrStore(cand, loc)
		return v.(*time.Location), nil
	}
	return nil, unknown
}

// titleZone capitalises each part of a zone name: "america/new_york" ->
// "America/New_York".
func titleZone(name string) string {
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}
