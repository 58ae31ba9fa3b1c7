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
	half   int    // for "n and a half" and "n 1/2": n; else 0
	end    int
}

// fractionHalf reports whether tokens k.. are "1/2" written after a number.
func (m *matcher) fractionHalf(k int) bool {
	a, b := m.tk(k), m.tk(k+2)
	return a != nil && b != nil && a.kind == tkNum && a.num == 1 && a.nd == 1 && m.punct(k+1, '/') &&
		m.adj(k+1) && m.adj(k+2) && b.kind == tkNum && b.num == 2 && b.nd == 1 && !m.adj(k+3)
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
		if m.fractionHalf(i + 1) { // "5 1/2 hours"
			return count{val: itoa(t.num) + ".5", n: -1, half: t.num, digits: true, end: i + 4}, true
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
			return count{val: itoa(n) + ".5", n: -1, half: n, end: k + 3}, true
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
	case uDecade, uCentury:
		// TimeML counts decades and centuries in years: P10Y, P200Y.
		per := 10
		if u == uCentury {
			per = 100
		}
		if n, ok := atoiSmall(c); ok {
			return "P" + itoa(n*per) + "Y"
		}
		if c == "X" && u == uCentury {
			return "PXC"
		}
		return "PXY"
	}
	return "P" + c
}

// halfValue formats n and a half units as a whole TIMEX3 duration where
// the unit divides evenly: 2 1/2 years is P2Y6M, 5 1/2 hours PT5H30M.
func halfValue(n int, u unit) (string, bool) {
	switch u {
	case uYear:
		return "P" + itoa(n) + "Y6M", true
	case uMonth:
		return "P" + itoa(n) + "M15D", true
	case uDay:
		return "P" + itoa(n) + "DT12H", true
	case uHour:
		return "PT" + itoa(n) + "H30M", true
	case uMinute:
		return "PT" + itoa(n) + "M30S", true
	}
	return "", false
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
	if !implicit && m.is(k, "more") && m.lexAt(k+1) != nil && m.lexAt(k+1).unit != uNone {
		k++ // "two more weeks", "20 more years"
	}
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
	if c.art && !plural && m.rate(i) && !m.is(k+1, "ago") && !m.is(k+1, "earlier") && !m.is(k+1, "later") &&
		!m.is(k+1, "before") && !m.is(k+1, "after") && !m.is(k+1, "from") && !m.punct(k+1, '-') {
		return result{}, false // "$2 million a year", "four flights a week": a rate, not a time
	}
	switch {
	case c.art && plural, hyphen && plural:
		return result{}, false
	case ue.unit == uSecond && !plural && !c.digits: // "a second round"
		return result{}, false
	case !c.digits && !c.art && !implicit && c.n > 1 && !plural && !hyphen &&
		!((m.is(i-1, "a") || m.is(i-1, "the")) && m.tk(k+1) != nil && m.tk(k+1).kind == tkWord):
		// "two day" is a count only as a modifier: "a two day rally"
		return result{}, false
	case implicit && ue.unit == uDay && !plural: // "the next day" is anaphoric
		return result{}, false
	case implicit && plural:
		c.val = "X"
	case implicit && (m.is(k-1, "past") || m.is(k-1, "last")) && (ue.unit == uYear || ue.unit == uMonth || ue.unit == uWeek):
		// "the past year" names the previous year, as "last year" does
		return m.offsetDate(k+1, count{val: "1", n: 1}, ue.unit, -1, m.ref, true, "")
	}
	end := k + 1
	if !hyphen && !plural && c.n > 0 && m.andAHalf(end) { // "a year and a half"
		c.val, c.n, end = itoa(c.n)+".5", -1, end+3
	}
	if m.punct(end, '-') && m.adj(end) && (m.is(end+1, "earlier") || m.is(end+1, "ago")) {
		return result{}, false // "a year-earlier quarter": see yearQuarter
	}
	if m.is(end, "old") || (m.punct(end, '-') && m.adj(end) && m.adj(end+1) && m.is(end+1, "old")) {
		return result{}, false // an age ("a 6-year-old", "52 years old") is not a time
	}
	if hyphen && m.punct(end, '-') && m.adj(end) && m.adj(end+1) && m.is(end+1, "long") {
		end += 2
	}
	if !hyphen && !prefix {
		if r, ok := m.quantityDate(i, end, c, ue.unit, qm); ok {
			return r, true
		}
	}
	v := durValue(c.val, ue.unit)
	if c.half > 0 {
		if hv, ok := halfValue(c.half, ue.unit); ok {
			v = hv
		}
	}
	return result{end: end, typ: TypeDuration, value: v, mod: qm}, true
}

// rate reports whether the article at token i follows an amount, so that
// "a year" is per year: "$500 million a year", "700 seats a week".
func (m *matcher) rate(i int) bool {
	if m.is(i-1, "for") || m.is(i-1, "in") || m.is(i-1, "within") {
		return false // "jailed in 2019 for a year"
	}
	for k := i - 1; k >= 0 && k >= i-2; k-- {
		t := m.tk(k)
		if t.kind == tkNum {
			return m.yearNum(k) == 0
		}
		if t.lex != nil && t.lex.num > 1 && !t.lex.has(fArticle) { // "four flights a week"
			return true
		}
		switch m.key(k) {
		case "hundred", "thousand", "million", "billion", "trillion", "percent", "cents", "dollars", "times":
			return true
		}
		if t.kind != tkWord {
			return false
		}
	}
	return false
}

// quantityDate: a quantity that places a date: "two days ago", "three weeks
// from now", "a week from Monday", "two days after May 8", "in two weeks".
func (m *matcher) quantityDate(start, end int, c count, u unit, qm string) (result, bool) {
	switch {
	case m.is(end, "ago"), m.is(end, "earlier"):
		// "a year earlier" in news compares with the same period before
		// the article's: it is placed like "a year ago".
		mod := ""
		switch qm {
		case modMoreThan, modEqualOrMore:
			mod = string(briefing.ModBefore)
		case modLessThan, modEqualOrLess:
			mod = string(briefing.ModAfter)
		case modApprox:
			mod = string(briefing.ModApprox)
		}
		if u == uYear && c.n == 1 && m.quarterTalk(start, end) {
			// Earnings news: "net income rose from a year earlier" compares
			// the quarter with the same quarter a year before.
			y, mo, _ := civil(m.ref - 45)
			ed := quarterDate(y-1, (mo-1)/3+1, briefing.Mod(mod))
			return result{end: end + 1, typ: TypeDate, value: ed.Value, mod: mod, date: ed}, true
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

// quarterTalk reports whether the text just before tokens [i, j) or the
// rest of its sentence speaks of a quarter ("third-quarter profit", "the
// quarter").
func (m *matcher) quarterTalk(i, j int) bool {
	ends := 0
	for k := i - 1; k >= 0 && i-k <= 100; k-- {
		if m.boundary(k) {
			if ends++; ends > 2 {
				break // this sentence and the two before it
			}
		}
		if m.is(k, "quarter") {
			return true
		}
	}
	for k := j; k < len(m.toks) && k-j < 40 && !m.boundary(k); k++ {
		if m.is(k, "quarter") {
			return true
		}
	}
	return false
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
	case "yearly":
		// Not "annual", "annually" or "quarterly": in news they qualify
		// reports and dividends ("the annual meeting"), not a schedule.
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
	case "current":
		// "current market conditions", "its current financial difficulties":
		// the present, unless the word is a noun ("the current of the river")
		// or a fixed term ("current account").
		if n := m.tk(i + 1); n != nil && n.kind == tkWord && !n.up && !m.is(i+1, "account") && !m.is(i+1, "of") &&
			(n.lex == nil || n.lex.unit == uNone) && !m.is(i-1, "then") {
			return ref(presentRef, i+1)
		}
	case "at":
		if m.is(i+1, "present") {
			return ref(presentRef, i+2)
		}
	case "as":
		if m.is(i+1, "soon") && m.is(i+2, "as") && m.is(i+3, "possible") {
			return ref(futureRef, i+4)
		}
	case "a":
		if m.is(i+1, "later") && m.is(i+2, "date") {
			return ref(futureRef, i+3)
		}
	case "these":
		if m.is(i+1, "days") {
			return ref(presentRef, i+2)
		}
	case "recently", "lately":
		// Not "former", "formerly", "previously" or "soon": news uses them
		// for roles and sequence ("the former minister"), not for time.
		return ref(pastRef, i+1)
	case "recent":
		if pluralUnit(i + 1) {
			return ref(pastRef, i+2)
		}
	case "future":
		if m.is(i+1, "quarters") { // "in future quarters"
			return ref(futureRef, i+2)
		}
	case "coming":
		if m.is(i+1, "quarters") {
			return ref(futureRef, i+2)
		}
		if pluralUnit(i + 1) {
			return result{end: i + 2, typ: TypeDuration, value: durValue("X", m.lexAt(i+1).unit)}, true
		}
	case "the":
		k := i + 1
		if m.is(k, "fiscal") {
			k++
		}
		if m.is(k, "year") && (m.is(k+1, "ended") || m.is(k+1, "ending")) {
			// "the year ended March 31": a fiscal year, a length of time.
			return result{end: k + 1, typ: TypeDuration, value: "P1Y"}, true
		}
		switch m.key(i + 1) {
		case "past":
			if m.is(i-1, "in") {
				return ref(pastRef, i+2)
			}
		case "future":
			// "in the future", "into the future", "worried about the future"
			return ref(futureRef, i+2)
		case "short", "long":
			if m.is(i+2, "term") || m.is(i+2, "run") {
				return ref(futureRef, i+3)
			}
		case "near":
			if m.is(i+2, "future") || m.is(i+2, "term") {
				return ref(futureRef, i+3)
			}
		case "coming", "next":
			if pluralUnit(i + 2) {
				return result{end: i + 3, typ: TypeDuration, value: durValue("X", m.lexAt(i+2).unit)}, true
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
	// TimeML gives a fiscal year the value of the calendar year it is named
	// after; Date stays zero because fiscal calendars differ.
	return result{end: end, typ: TypeDate, value: fmtYear(y)}, true
}

// yearQuarter: the periods of earnings news, where one quarter is compared
// with the same quarter a year before: "the year-earlier quarter", "the
// year-ago period", "year-earlier", "the 1988 third quarter", "this year's
// third quarter", "last year's quarter".
func (m *matcher) yearQuarter(i int) (result, bool) {
	k := i
	if m.is(k, "the") {
		k++
	}
	if m.is(k, "comparable") || m.is(k, "corresponding") {
		k++
	}
	y, explicit := 0, false
	switch {
	case m.is(k, "year") && m.punct(k+1, '-') && m.adj(k+1) && m.adj(k+2) && (m.is(k+2, "earlier") || m.is(k+2, "ago")):
		ry, _, _ := civil(m.ref - 45) // the year of the quarter being reported
		y, k = ry-1, k+3
	case m.yearNum(k) > 0 && m.is(i, "the") && k == i+1:
		y, explicit, k = m.yearNum(k), true, k+1
	case (m.is(k, "this") || m.is(k, "last") || m.is(k, "next")) && m.is(k+1, "year") &&
		m.punct(k+2, '\'') && m.adj(k+2) && m.is(k+3, "s") && m.adj(k+3):
		y, explicit = m.ry, true
		if m.is(k, "last") {
			y--
		} else if m.is(k, "next") {
			y++
		}
		k += 4
	default:
		return result{}, false
	}
	q := 0
	if e := m.lexAt(k); e != nil && e.ord > 0 && e.ord <= 4 {
		q, k = int(e.ord), k+1
		if m.punct(k, '-') && m.adj(k) && m.adj(k+1) {
			k++
		}
		if !m.is(k, "quarter") {
			return result{}, false
		}
	}
	switch {
	case m.is(k, "quarter") || m.is(k, "period"):
		k++
	case q == 0 && !explicit && m.quarterTalk(i, k):
		// a bare "year-earlier" in a sentence about a quarter
	case q == 0 && !explicit:
		ed := yearDate(m.ry-1, "")
		return result{end: k, typ: TypeDate, value: ed.Value, date: ed}, true
	default:
		return result{}, false
	}
	if q == 0 {
		_, mo, _ := civil(m.ref - 45)
		q = (mo-1)/3 + 1
	}
	ed := quarterDate(y, q, "")
	return result{end: k, typ: TypeDate, value: ed.Value, date: ed}, true
}

// holiday: the public holidays news dates things by, in the year the
// clause's tense points to: "Christmas", "Christmas Eve", "New Year's Day",
// "Thanksgiving Day", "Independence Day", "Labor Day", "Memorial Day".
// Thanksgiving, Labor Day and Memorial Day are the United States' dates.
func (m *matcher) holiday(i int) (result, bool) {
	t := m.tk(i)
	if t == nil || t.kind != tkWord || !t.up {
		return result{}, false
	}
	var day func(y int) briefing.Day
	end := i + 1
	nth := func(mo, wd, n int) func(int) briefing.Day { // nth weekday (0 = Sunday) of a month; n < 0 counts from the end
		return func(y int) briefing.Day {
			if n < 0 {
				last := lastOfMonth(y, mo)
				return last - briefing.Day((weekdayOf(last)-wd+7)%7)
			}
			first := mkDay(y, mo, 1)
			return first + briefing.Day((wd-weekdayOf(first)+7)%7+7*(n-1))
		}
	}
	fixed := func(mo, d int) func(int) briefing.Day {
		return func(y int) briefing.Day { return mkDay(y, mo, d) }
	}
	dayWord := func(k int) bool { return m.is(k, "day") && m.tk(k).up }
	switch m.key(i) {
	case "christmas":
		day = fixed(12, 25)
		if m.is(i+1, "eve") {
			day, end = fixed(12, 24), i+2
		} else if dayWord(i + 1) {
			end = i + 2
		}
	case "thanksgiving":
		day = nth(11, 4, 4)
		if dayWord(i + 1) {
			end = i + 2
		}
	case "new":
		if !m.is(i+1, "year") || !m.punct(i+2, '\'') || !m.is(i+3, "s") {
			return result{}, false
		}
		switch {
		case dayWord(i + 4):
			day, end = fixed(1, 1), i+5
		case m.is(i+4, "eve"):
			day, end = fixed(12, 31), i+5
		default:
			return result{}, false
		}
	case "election":
		// United States: the Tuesday after the first Monday of November.
		day, end = func(y int) briefing.Day { return nth(11, 1, 1)(y) + 1 }, i+2
	case "independence":
		day, end = fixed(7, 4), i+2
	case "labor":
		day, end = nth(9, 1, 1), i+2
	case "memorial":
		day, end = nth(5, 1, -1), i+2
	default:
		return result{}, false
	}
	if end == i+2 && !dayWord(i+1) && !m.is(i+1, "eve") {
		return result{}, false // "Labor Party", "Independence Square"
	}
	tense := m.tense(i, end)
	best := day(m.ry)
	switch {
	case tense < 0 && best > m.ref:
		best = day(m.ry - 1)
	case tense > 0 && best < m.ref:
		best = day(m.ry + 1)
	case tense == 0:
		// the nearest one: New Year's Day in a December article is ahead
		for _, d := range []briefing.Day{day(m.ry - 1), day(m.ry + 1)} {
			if absDays(d-m.ref) < absDays(best-m.ref) {
				best = d
			}
		}
	}
	ed := dayDate(best, "")
	return result{end: end, typ: TypeDate, value: ed.Value, date: ed}, true
}

func absDays(d briefing.Day) briefing.Day {
	if d < 0 {
		return -d
	}
	return d
}

// yearEnd: "year-end", "year end", "the year's end": the last day of the
// year the clause's tense points to ("by year-end" is this one).
func (m *matcher) yearEnd(i int) (result, bool) {
	k := i
	if m.is(k, "the") {
		k++
	}
	if !m.is(k, "year") {
		return result{}, false
	}
	switch {
	case m.punct(k+1, '-') && m.adj(k+1) && m.adj(k+2) && m.is(k+2, "end"):
		k += 3
	case m.is(k+1, "end") && k == i:
		k += 2
	case m.punct(k+1, '\'') && m.adj(k+1) && m.is(k+2, "s") && m.is(k+3, "end"):
		k += 4
	default:
		return result{}, false
	}
	p := point{kind: pDay, m: 12, d: 31}
	r, ok := m.single(i, k, p)
	return r, ok
}

// anaphor: dates relative to the last one the text named, as a narrative
// tells them: "that year", "later that year", "the following month", "that
// same day", "earlier that day", "the next morning". With no earlier date in
// the text there is nothing to refer to and nothing is found.
func (m *matcher) anaphor(i int) (result, bool) {
	if m.last.IsZero() {
		return result{}, false
	}
	k := i
	switch m.key(k) {
	case "earlier", "later":
		k++
	}
	shift, pod := 0, ""
	switch {
	case m.is(k, "that"):
		k++
		if m.is(k, "same") {
			k++
		}
	case m.is(k, "the") && m.is(k+1, "following") && k == i:
		shift, k = 1, k+2
	case m.is(k, "the") && m.is(k+1, "next") && k == i && (m.is(k+2, "day") || (m.lexAt(k+2) != nil && m.lexAt(k+2).pod != "")):
		shift, k = 1, k+2 // "the next day", "the next morning"; "the next year" is a length
	default:
		return result{}, false
	}
	e := m.lexAt(k)
	if e == nil {
		return result{}, false
	}
	if n := m.tk(k + 1); n != nil && !n.sp && n.kind == tkPunct && n.ch == '-' {
		return result{}, false // "said that year-over-year sales"
	}
	if n := m.tk(k + 1); n != nil && n.kind == tkWord && !n.up && n.lex == nil && m.is(i, "that") {
		w := m.text[n.s:n.e]
		if len(w) > 3 && w[len(w)-1] == 's' && !m.is(k+1, "was") && !m.is(k+1, "has") {
			return result{}, false // "that day traders": a noun phrase, not a date
		}
	}
	var ed briefing.EventDate
	y, mo, d := civil(m.last.Lo)
	switch {
	case e.key == "year" && m.last.Gran <= briefing.GranYear:
		ed = yearDate(y+shift, "")
	case e.key == "month" && m.last.Gran <= briefing.GranMonth:
		ny, nm := addMonths(y, mo, shift)
		ed = monthDate(ny, nm, "")
	case (e.key == "day" || e.pod != "") && m.last.Gran == briefing.GranDay:
		if shift == 0 && e.pod != "" {
			return result{}, false // "that morning" without a day change is rare and vague
		}
		ed = dayDate(mkDay(y, mo, d)+briefing.Day(shift), "")
		pod = e.pod
	default:
		return result{}, false
	}
	r := result{end: k + 1, typ: TypeDate, value: ed.Value, date: ed}
	if pod != "" && e.key != "day" {
		r.typ, r.value = TypeTime, ed.Value+"T"+pod
	}
	return r, true
}
