package timex

import "github.com/briefbot/briefbot/briefing"

// Duration modifiers (TIMEX3 mod values).
const (
	modMoreThan    = "MORE_THAN"
	modLessThan    = "LESS_THAN"
	modEqualOrMore = "EQUAL_OR_MORE"
	modEqualOrLess = "EQUAL_OR_LESS"
	modApprox      = "APPROX"
)

// Reference values.
const (
	presentRef = "PRESENT_REF"
	pastRef    = "PAST_REF"
	futureRef  = "FUTURE_REF"
)

// count is a number of units: "three", "30", "1.5", "a", "a few".
type count struct {
	val    string // as written in the value: "3", "1.5", "X"
	n      int    // integer value; -1 when vague or fractional
	art    bool   // "a", "an"
	digits bool   // written in digits
	end    int
}

func (m *matcher) count(i int) (count, bool) {
	t := m.tk(i)
	if t == nil {
		return count{}, false
	}
	if t.kind == tkNum {
		if t.suf != sufNone || m.glued(i) {
			return count{}, false
		}
		if t.dec {
			return count{val: m.text[t.s:t.ne], n: -1, digits: true, end: i + 1}, true
		}
		return count{val: itoa(t.num), n: t.num, digits: true, end: i + 1}, true
	}
	e := m.lexAt(i)
	if e == nil {
		return count{}, false
	}
	switch {
	case e.has(fArticle):
		switch {
		case m.is(i+1, "few"):
			return count{val: "X", n: -1, end: i + 2}, true
		case m.is(i+1, "couple") && m.is(i+2, "of"):
			return count{val: "2", n: 2, end: i + 3}, true
		case m.is(i+1, "dozen"):
			return count{val: "12", n: 12, end: i + 2}, true
		}
		return count{val: "1", n: 1, art: true, end: i + 1}, true
	case e.has(fVague):
		return count{val: "X", n: -1, end: i + 1}, true
	}
	switch e.key {
	case "couple":
		if m.is(i+1, "of") {
			return count{val: "2", n: 2, end: i + 2}, true
		}
	case "dozens", "hundreds", "thousands":
		if m.is(i+1, "of") {
			return count{val: "X", n: -1, end: i + 2}, true
		}
	case "half":
		if m.is(i+1, "a") || m.is(i+1, "an") {
			return count{val: "0.5", n: -1, end: i + 2}, true
		}
	case "dozen":
		return count{val: "12", n: 12, end: i + 1}, true
	}
	if e.num > 0 && !e.has(fArticle) {
		n, k := int(e.num), i+1
		if n >= 20 && n < 100 && m.punct(k, '-') && m.adj(k) && m.adj(k+1) {
			if o := m.lexAt(k + 1); o != nil && o.num >= 1 && o.num <= 9 {
				n, k = n+int(o.num), k+2
			}
		}
		if m.andAHalf(k) { // "two and a half years"
			return count{val: itoa(n) + ".5", n: -1, end: k + 3}, true
		}
		return count{val: itoa(n), n: n, end: k}, true
	}
	return count{}, false
}

func (m *matcher) andAHalf(k int) bool {
	return m.is(k, "and") && m.is(k+1, "a") && m.is(k+2, "half")
}

// qmod reads a quantity modifier at i: "more than", "at least", "about".
func (m *matcher) qmod(i int) (string, int) {
	switch m.key(i) {
	case "more":
		if m.is(i+1, "than") {
			return modMoreThan, i + 2
		}
	case "less", "fewer":
		if m.is(i+1, "than") {
			return modLessThan, i + 2
		}
	case "over":
		return modMoreThan, i + 1
	case "under":
		return modLessThan, i + 1
	case "at":
		if m.is(i+1, "least") {
			return modEqualOrMore, i + 2
		}
		if m.is(i+1, "most") {
			return modEqualOrLess, i + 2
		}
	case "up":
		if m.is(i+1, "to") {
			return modEqualOrLess, i + 2
		}
	case "no":
		if m.is(i+2, "than") {
			switch m.key(i + 1) {
			case "more":
				return modEqualOrLess, i + 3
			case "less", "fewer":
				return modEqualOrMore, i + 3
			}
		}
	case "just", "well":
		if m.is(i+1, "over") {
			return modMoreThan, i + 2
		}
		if m.is(i+1, "under") {
			return modLessThan, i + 2
		}
		if m.is(i+1, "more") && m.is(i+2, "than") {
			return modMoreThan, i + 3
		}
	case "about", "around", "approximately", "roughly", "some", "circa":
		return modApprox, i + 1
	case "nearly", "almost":
		return modLessThan, i + 1
	}
	return "", i
}

// durValue formats a TIMEX3 duration: P3Y, P30D, PT2H, P1DE.
func durValue(c string, u unit) string {
	switch u {
	case uSecond:
		return "PT" + c + "S"
	case uMinute:
		return "PT" + c + "M"
	case uHour:
		return "PT" + c + "H"
	case uDay:
		return "P" + c + "D"
	case uWeek:
		return "P" + c + "W"
	case uFortnight:
		if n, ok := atoiSmall(c); ok {
			return "P" + itoa(2*n) + "W"
		}
		return "PXW"
	case uMonth:
		return "P" + c + "M"
	case uYear:
		return "P" + c + "Y"
	case uDecade:
		return "P" + c + "DE"
	case uCentury:
		return "P" + c + "CE"
	}
	return "P" + c
}

func atoiSmall(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// quantity: durations ("more than three years", "30-day", "the past three
// years") and the dates made of them ("two days ago", "a week from Monday",
// "in two weeks" with future tense).
func (m *matcher) quantity(i int) (result, bool) {
	qm, k := m.qmod(i)
	prefix, implicitOK := false, false
	if m.is(k, "the") {
		switch m.key(k + 1) {
		case "past", "last", "next", "coming", "previous", "first", "final", "following":
			prefix, k = true, k+2
			implicitOK = true
		default:
			return result{}, false
		}
	} else if qm == "" {
		switch m.key(k) {
		case "past":
			prefix, implicitOK, k = true, true, k+1
		case "last", "next":
			prefix, k = true, k+1
		}
	}
	if prefix && qm != "" { // "over the past three years": the span starts at "the"
		return result{}, false
	}
	c, ok := m.count(k)
	implicit := false
	if !ok {
		switch {
		case implicitOK:
			c, implicit = count{val: "1", n: 1, end: k}, true
		case !prefix && qm == "" && m.lexAt(k).has(fPlural) && m.lexAt(k).unit >= uDay:
			// "for years", "in days", "within weeks"
			switch m.key(k - 1) {
			case "for", "in", "within", "over", "after":
				return result{end: k + 1, typ: TypeDuration, value: durValue("X", m.lexAt(k).unit)}, true
			}
			return result{}, false
		default:
			return result{}, false
		}
	}
	k = c.end
	hyphen := false
	if !implicit && m.punct(k, '-') && m.adj(k) && m.adj(k+1) {
		hyphen, k = true, k+1
	}
	ut := m.tk(k)
	ue := m.lexAt(k)
	if ue == nil || ue.unit == uNone || ut.kind != tkWord {
		return result{}, false
	}
	plural := ue.has(fPlural)
	switch {
	case c.art && plural, hyphen && plural:
		return result{}, false
	case ue.unit == uSecond && !plural && !c.digits: // "a second round"
		return result{}, false
	case !c.digits && !c.art && !implicit && c.n > 1 && !plural && !hyphen:
		return result{}, false
	case implicit && ue.unit == uDay && !plural: // "the next day" is anaphoric
		return result{}, false
	case implicit && plural:
		c.val = "X"
	}
	end := k + 1
	if !hyphen && !plural && c.n > 0 && m.andAHalf(end) { // "a year and a half"
		c.val, c.n, end = itoa(c.n)+".5", -1, end+3
	}
	if hyphen && m.punct(end, '-') && m.adj(end) && m.adj(end+1) && (m.is(end+1, "long") || m.is(end+1, "old")) {
		end += 2
	}
	if !hyphen && !prefix {
		if r, ok := m.quantityDate(i, end, c, ue.unit, qm); ok {
			return r, true
		}
	}
	return result{end: end, typ: TypeDuration, value: durValue(c.val, ue.unit), mod: qm}, true
}

// quantityDate: a quantity that places a date: "two days ago", "three weeks
// from now", "a week from Monday", "two days after May 8", "in two weeks".
func (m *matcher) quantityDate(start, end int, c count, u unit, qm string) (result, bool) {
	switch {
	case m.is(end, "ago"):
		mod := ""
		switch qm {
		case modMoreThan, modEqualOrMore:
			mod = string(briefing.ModBefore)
		case modLessThan, modEqualOrLess:
			mod = string(briefing.ModAfter)
		case modApprox:
			mod = string(briefing.ModApprox)
		}
		return m.offsetDate(end+1, c, u, -1, m.ref, true, mod)
	case m.is(end, "from"):
		k := end + 1
		if m.is(k, "now") || m.is(k, "today") {
			return m.offsetDate(k+1, c, u, 1, m.ref, true, "")
		}
		p, e, ok := m.point(k, true)
		if !ok || !p.dayish() || p.pod != "" {
			return result{}, false
		}
		if p.kind == pWeekday && p.shift == shNone {
			p.shift = shNext
		}
		r, ok := m.resolve(&p, 1)
		if !ok {
			return result{}, false
		}
		return m.offsetDate(e, c, u, 1, r.date.Lo, false, "")
	case m.is(end, "after"), m.is(end, "before"):
		p, e, ok := m.point(end+1, true)
		if !ok || p.kind != pDay || p.pod != "" {
			return result{}, false
		}
		r, ok := m.resolve(&p, m.tense(start, e))
		if !ok {
			return result{}, false
		}
		sign := 1
		if m.is(end, "before") {
			sign = -1
		}
		return m.offsetDate(e, c, u, sign, r.date.Lo, false, "")
	case qm == "" && m.is(start-1, "in") && c.n > 0 && u >= uDay && m.tense(start, end) > 0:
		return m.offsetDate(end, c, u, 1, m.ref, true, "")
	}
	return result{}, false
}

// offsetDate moves base by sign*count units. From the reference time
// ("ago", "from now") the result keeps the unit's granularity (three weeks
// ago is a week, two years ago a year); from another day it is a day.
func (m *matcher) offsetDate(end int, c count, u unit, sign int, base briefing.Day, fromRef bool, mod string) (result, bool) {
	if c.n <= 0 || c.n > 100000 {
		v := pastRef
		if sign > 0 {
			v = futureRef
		}
		return result{end: end, typ: TypeDate, value: v, mod: mod}, true
	}
	n := c.n * sign
	var ed briefing.EventDate
	y, mo, d := civil(base)
	switch u {
	case uSecond, uMinute, uHour:
		ed = dayDate(base, "")
	case uDay:
		ed = dayDate(base+briefing.Day(n), "")
	case uWeek, uFortnight:
		days := 7 * n
		if u == uFortnight {
			days *= 2
		}
		if fromRef {
			ed = weekDate(mondayOf(base+briefing.Day(days)), "")
		} else {
			ed = dayDate(base+briefing.Day(days), "")
		}
	case uMonth:
		ny, nm := addMonths(y, mo, n)
		if fromRef {
			ed = monthDate(ny, nm, "")
		} else {
			ed = dayDate(mkDay(ny, nm, min(d, daysIn(ny, nm))), "")
		}
	case uYear, uDecade, uCentury:
		k := n
		switch u {
		case uDecade:
			k *= 10
		case uCentury:
			k *= 100
		}
		if fromRef {
			ed = yearDate(y+k, "")
		} else {
			ed = dayDate(mkDay(y+k, mo, min(d, daysIn(y+k, mo))), "")
		}
	default:
		return result{}, false
	}
	if mod != "" {
		ed.Mod = briefing.Mod(mod)
	}
	return result{end: end, typ: TypeDate, value: ed.Value, mod: mod, date: ed}, true
}

// setExpr: "every week", "each year", "every other Monday", "daily",
// "twice a week", "on Mondays".
func (m *matcher) setExpr(i int) (result, bool) {
	simple := func(v string) (result, bool) { return result{end: i + 1, typ: TypeSet, value: v}, true }
	switch m.key(i) {
	case "daily", "nightly":
		return simple("P1D")
	case "weekly":
		return simple("P1W")
	case "biweekly", "fortnightly":
		return simple("P2W")
	case "monthly":
		return simple("P1M")
	case "quarterly":
		return simple("P3M")
	case "yearly", "annually", "annual":
		return simple("P1Y")
	case "hourly":
		return simple("PT1H")
	case "every", "each":
		return m.everySet(i)
	case "once", "twice", "thrice":
		return m.freqSet(i, i+1)
	}
	if e := m.lexAt(i); e != nil && e.wday > 0 && e.has(fPlural) {
		return simple("XXXX-WXX-" + itoa((int(e.wday)+5)%7+1))
	}
	if c, ok := m.count(i); ok && !c.art && c.n > 1 && m.is(c.end, "times") {
		return m.freqSet(i, c.end+1)
	}
	return result{}, false
}

func (m *matcher) everySet(i int) (result, bool) {
	k, n := i+1, "1"
	if m.is(k, "other") {
		n, k = "2", k+1
	} else if c, ok := m.count(k); ok && !c.art && c.n > 1 {
		n, k = c.val, c.end
	}
	e := m.lexAt(k)
	if e == nil {
		return result{}, false
	}
	r := result{end: k + 1, typ: TypeSet}
	switch {
	case e.unit != uNone:
		r.value = durValue(n, e.unit)
	case e.wday > 0 && !e.has(fAbbr):
		r.value = "XXXX-WXX-" + itoa((int(e.wday)+5)%7+1)
	case n != "1":
		return result{}, false
	case e.month > 0 && !e.has(fAbbr) && m.tk(k).up:
		r.value = "XXXX-" + fmtMonth(0, int(e.month))[5:]
	case e.key == "weekend":
		r.value = "XXXX-WXX-WE"
	case e.pod != "":
		r.value = "XXXX-XX-XXT" + e.pod
	default:
		return result{}, false
	}
	return r, true
}

// freqSet: after "twice"/"three times" at k: "a week", "per day", "every year".
func (m *matcher) freqSet(i, k int) (result, bool) {
	switch m.key(k) {
	case "a", "an", "per", "each", "every":
	default:
		return result{}, false
	}
	e := m.lexAt(k + 1)
	if e == nil || e.unit == uNone || e.has(fPlural) {
		return result{}, false
	}
	return result{end: k + 2, typ: TypeSet, value: durValue("1", e.unit)}, true
}

// refExpr: now, currently, recently, former, soon, "in the past", "in the
// coming days", "in recent weeks".
func (m *matcher) refExpr(i int) (result, bool) {
	ref := func(v string, end int) (result, bool) { return result{end: end, typ: TypeDate, value: v}, true }
	pluralUnit := func(k int) bool {
		e := m.lexAt(k)
		return e != nil && e.unit >= uDay && e.has(fPlural)
	}
	switch m.key(i) {
	case "now", "currently", "nowadays", "presently":
		return ref(presentRef, i+1)
	case "at":
		if m.is(i+1, "present") {
			return ref(presentRef, i+2)
		}
	case "these":
		if m.is(i+1, "days") {
			return ref(presentRef, i+2)
		}
	case "recently", "formerly", "previously", "former", "lately":
		return ref(pastRef, i+1)
	case "recent":
		if pluralUnit(i + 1) {
			return ref(pastRef, i+2)
		}
	case "soon":
		return ref(futureRef, i+1)
	case "coming":
		if pluralUnit(i + 1) {
			return ref(futureRef, i+2)
		}
	case "the":
		switch m.key(i + 1) {
		case "past":
			if m.is(i-1, "in") {
				return ref(pastRef, i+2)
			}
		case "future":
			if m.is(i-1, "in") {
				return ref(futureRef, i+2)
			}
		case "near":
			if m.is(i+2, "future") {
				return ref(futureRef, i+3)
			}
		case "coming", "next":
			if pluralUnit(i + 2) {
				return ref(futureRef, i+3)
			}
		}
	}
	return result{}, false
}

// fiscal: "fiscal 2025", "fiscal year 2025", "FY2025", "FY25", "FY 2025".
// Fiscal calendars differ between organisations, so Date stays zero.
func (m *matcher) fiscal(i int) (result, bool) {
	y, end := 0, 0
	switch m.key(i) {
	case "fy":
		if w := m.text[m.tk(i).s:m.tk(i).e]; w != "FY" {
			return result{}, false
		}
		t := m.tk(i + 1)
		if t == nil || t.kind != tkNum || t.comma || t.dec || t.suf != sufNone {
			return result{}, false
		}
		switch {
		case t.nd == 4 && t.num >= 1000 && t.num <= 2999:
			y = t.num
		case t.nd == 2 && !t.sp:
			y = 2000 + t.num
		default:
			return result{}, false
		}
		end = i + 2
	case "fiscal":
		k := i + 1
		if m.is(k, "year") {
			k++
		}
		if y = m.yearNum(k); y == 0 {
			return result{}, false
		}
		end = k + 1
	default:
		return result{}, false
	}
	return result{end: end, typ: TypeDate, value: "FY" + fmtYear(y)}, true
}
