package timex

import (
	"strconv"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// result is one match: the tokens [start, end) of the caller and the value.
type result struct {
	start int // first token of the span when later than where matching began ("since 1990" spans "1990"), else 0
	end   int
	parts [2]part // the two ends of a range
	// anchor marks a date the text names absolutely (a year, a month of a
	// year, a day of a month), which later anaphora may refer to.
	anchor bool
	typ    Type
	value  string
	mod    string
	date   briefing.EventDate
}

// part is one end of a range: tokens [s, e) and its value.
type part struct {
	s, e int
	typ  Type
	val  string
	date briefing.EventDate
}

// matcher holds the state of one Find call.
type matcher struct {
	text       string
	toks       []token
	ref        briefing.Day
	ry, rm, rd int
	depth      int // nesting of modifier rules, bounded so matching stays linear
	// last is the most recent date the text named on its own (not relative
	// to the reference day): "that year" and "the following month" refer to
	// it. Zero until the text names one.
	last briefing.EventDate
	// cueDist is how far from the expression the tense cue found by the
	// last tense call was, in tokens (0: none). A cue right next to a date
	// ("was arrested on June 10") binds it; a distant one may belong to
	// another verb.
	cueDist int
}

func newMatcher(text string, toks []token, ref time.Time) matcher {
	y, mo, d := ref.Date()
	return matcher{text: text, toks: toks, ref: mkDay(y, int(mo), d), ry: y, rm: int(mo), rd: d}
}

// run scans the tokens left to right, taking the longest match at each
// token that can begin an expression.
func (m *matcher) run() []Expression {
	var out []Expression
	for i := 0; i < len(m.toks); {
		if !m.canStart(i) {
			i++
			continue
		}
		r, ok := m.best(i)
		if !ok {
			i++
			continue
		}
		first := i
		if r.start > i {
			first = r.start
		}
		s, e := m.toks[first].s, m.toks[r.end-1].e
		if out == nil {
			out = make([]Expression, 0, 4)
		}
		x := Expression{Start: s, End: e, Text: m.text[s:e], Type: r.typ, Value: r.value, Mod: r.mod, Date: r.date}
		if r.parts[1].e > 0 {
			x.Parts = make([]Expression, 2)
			for j, p := range r.parts {
				ps, pe := m.toks[p.s].s, m.toks[p.e-1].e
				x.Parts[j] = Expression{Start: ps, End: pe, Text: m.text[ps:pe], Type: p.typ, Value: p.val, Date: p.date}
			}
		}
		out = append(out, x)
		if r.anchor && !r.date.IsZero() && !r.date.Range {
			m.last = r.date
		}
		i = r.end
	}
	return out
}

func (m *matcher) canStart(i int) bool {
	t := &m.toks[i]
	switch t.kind {
	case tkNum:
		return true
	case tkWord:
		return t.lex.has(fStart)
	}
	return t.ch == '\''
}

// best tries every rule family at token i and keeps the longest match; on a
// tie the earlier family wins.
func (m *matcher) best(i int) (result, bool) {
	var best result
	found := false
	consider := func(r result, ok bool) {
		if ok && r.end > i && r.end <= len(m.toks) && (!found || r.end > best.end) {
			best, found = r, true
		}
	}
	m.depth = 0
	consider(m.anaphor(i))
	consider(m.refExpr(i))
	consider(m.setExpr(i))
	consider(m.dateExpr(i))
	consider(m.quantity(i))
	consider(m.fiscal(i))
	consider(m.yearQuarter(i))
	consider(m.holiday(i))
	consider(m.yearEnd(i))
	return best, found
}

// Token helpers. All of them accept any index and answer false/zero/nil
// outside the token slice.

func (m *matcher) tk(i int) *token {
	if i < 0 || i >= len(m.toks) {
		return nil
	}
	return &m.toks[i]
}

// is reports whether token i is the lower-case word w, ignoring case.
func (m *matcher) is(i int, w string) bool {
	t := m.tk(i)
	if t == nil || t.kind != tkWord {
		return false
	}
	if t.lex != nil {
		return t.lex.key == w
	}
	return eqFold(m.text[t.s:t.e], w)
}

// key returns the lexicon form of word i, or "".
func (m *matcher) key(i int) string {
	if t := m.tk(i); t != nil && t.kind == tkWord && t.lex != nil {
		return t.lex.key
	}
	return ""
}

func (m *matcher) lexAt(i int) *entry {
	if t := m.tk(i); t != nil && t.kind == tkWord {
		return t.lex
	}
	return nil
}

func (m *matcher) punct(i int, c byte) bool {
	t := m.tk(i)
	return t != nil && t.kind == tkPunct && t.ch == c
}

// adj reports whether token i directly follows the previous one.
func (m *matcher) adj(i int) bool {
	t := m.tk(i)
	return t != nil && !t.sp
}

// glued reports whether number i is part of a word: G7, F-16 is not glued,
// COVID19 is.
func (m *matcher) glued(i int) bool {
	t, p := m.tk(i), m.tk(i-1)
	return t != nil && p != nil && !t.sp && (p.kind == tkWord || p.kind == tkNum)
}

// plainNum returns the value of an integer token with at most maxDigits
// digits and nothing attached, or -1.
func (m *matcher) plainNum(i, maxDigits int) int {
	t := m.tk(i)
	if t == nil || t.kind != tkNum || t.comma || t.dec || t.suf != sufNone || int(t.nd) > maxDigits {
		return -1
	}
	return t.num
}

// dayNum returns the day of the month written at token i (8, 08, 8th), or 0.
func (m *matcher) dayNum(i int) int {
	t := m.tk(i)
	if t == nil || t.kind != tkNum || t.comma || t.dec || t.nd > 2 || t.num < 1 || t.num > 31 {
		return 0
	}
	if t.suf != sufNone && t.suf != sufOrd {
		return 0
	}
	if m.glued(i) {
		return 0
	}
	if n := m.tk(i + 1); n != nil && !n.sp && n.kind == tkPunct && (n.ch == '/' || n.ch == '%' || (n.ch == ':' && m.adj(i+2))) {
		return 0 // 8/10, 8%, 8:30; but "on Monday, Oct. 26: ..." is a day
	}
	return t.num
}

// yearNum returns the year written at token i (four digits, 1000-2999), or 0.
func (m *matcher) yearNum(i int) int {
	t := m.tk(i)
	if t == nil || t.kind != tkNum || t.nd != 4 || t.comma || t.dec || t.suf != sufNone || t.num < 1000 || t.num > 2999 {
		return 0
	}
	if m.glued(i) {
		return 0
	}
	if n := m.tk(i + 1); n != nil && !n.sp && n.kind == tkPunct && (n.ch == ':' || n.ch == '%') {
		return 0
	}
	return t.num
}

// sentenceStart reports whether token i begins a sentence or a quotation.
func (m *matcher) sentenceStart(i int) bool {
	if i <= 0 {
		return true
	}
	p := m.tk(i - 1)
	return p.kind == tkPunct && (p.ch == '"' || p.ch == '(' || m.boundary(i-1))
}

// strongCue: words after which a bare month or year is a date.
func (m *matcher) strongCue(i int) bool {
	switch m.key(i) {
	case "in", "on", "since", "until", "till", "by", "early", "late", "mid", "through", "thru", "before",
		"after", "during", "from", "between", "throughout", "last", "next", "this", "every", "each", "around",
		"about", "of":
		return true
	}
	return m.punct(i, '-') && m.is(i-1, "mid")
}

// weakCue: further words after which a month other than May is a date.
func (m *matcher) weakCue(i int) bool {
	switch m.key(i) {
	case "the", "for", "to", "and", "that":
		return true
	}
	return false
}

// Points: a date before resolution.

type pkind uint8

const (
	pNone    pkind = iota
	pDay           // y (0 = infer), m, d
	pMonth         // y (0 = infer), m
	pYear          // y
	pSeason        // y (0 = infer), q = season
	pQuarter       // y (0 = infer), q
	pHalf          // y (0 = infer), q = half
	pDecade        // y = first year
	pWeekday       // wd, shift
	pWeek          // lo = Monday
	pWeekend       // lo = Saturday, 0 = resolve by tense
	pClip          // lo, hi, cval, cgran fixed
)

// Shift values of a point.
const (
	shNone = 0
	shLast = -1
	shNext = 1
	shThis = 2
)

type point struct {
	kind    pkind
	y, m, d int
	q       int
	wd      int // 0 = Sunday
	shift   int
	rel     bool // pDay from a relative word (yesterday): takes early/late
	today   bool // pWeekday next to "today" or "tonight": may be the reference day
	wdHint  int  // pDay written with its weekday ("Thursday, May 15"): weekday + 1
	wk      int  // pMonth: the nth week of the month (1-4, -1 = last)
	mod     briefing.Mod
	lo, hi  briefing.Day
	cval    string
	cgran   briefing.Granularity
	pod     string
	hh, mi  int
	clock   bool
}

func (p *point) dayish() bool { return p.kind == pDay || p.kind == pWeekday }

// point parses a date at token i. relaxed means the caller has already seen
// a temporal context (a preposition, a range), so the guards against bare
// months and years that are not dates are off.
func (m *matcher) point(i int, relaxed bool) (point, int, bool) {
	t := m.tk(i)
	if t == nil {
		return point{}, 0, false
	}
	switch t.kind {
	case tkNum:
		if p, e, ok := m.numericDate(i); ok {
			return p, e, true
		}
		if p, e, ok := m.dayFirst(i); ok {
			return p, e, true
		}
		return m.yearPoint(i, relaxed)
	case tkPunct:
		if t.ch == '\'' {
			return m.shortDecade(i)
		}
		return point{}, 0, false
	}
	e := t.lex
	if e == nil {
		return point{}, 0, false
	}
	switch {
	case e.month > 0:
		return m.monthFirst(i, relaxed)
	case e.wday > 0:
		return m.weekdayPoint(i)
	case e.season > 0:
		return m.seasonPoint(i, relaxed)
	}
	if e.ord > 0 && e.ord <= 4 {
		// "third quarter", "third-quarter profit"
		k := i + 1
		if m.punct(k, '-') && m.adj(k) && m.adj(k+1) {
			k++
		}
		if m.is(k, "quarter") {
			return m.quarterPhrase(int(e.ord), k)
		}
		return point{}, 0, false // not "a second-half goal"
	}
	if e.num > 0 && (relaxed || m.strongCue(i-1)) {
		if y, end := m.spelledYear(i); y > 0 { // "in nineteen ninety-six"
			return point{kind: pYear, y: y}, end, true
		}
	}
	switch e.key {
	case "the":
		if m.is(i+1, "year") {
			if y, end := m.spelledYear(i + 2); y > 0 { // "the year two thousand"
				return point{kind: pYear, y: y}, end, true
			}
			if y := m.yearNum(i + 2); y > 0 { // "the year 1995"
				return point{kind: pYear, y: y}, i + 3, true
			}
		}
		return m.thePoint(i)
	case "last", "this", "next", "coming", "previous":
		return m.shiftPoint(i)
	case "yesterday", "today", "tomorrow", "tonight":
		return m.relDay(i)
	case "early", "late", "mid", "end", "beginning", "start", "middle":
		return m.posmod(i)
	case "earlier", "later":
		return m.clip(i)
	case "q", "h":
		return m.quarterCode(i)
	}
	return point{}, 0, false
}

// monthFirst: "May 19", "Jan. 20, 2025", "May 16th", "March 2025", "May of
// last year", "March" (guarded).
func (m *matcher) monthFirst(i int, relaxed bool) (point, int, bool) {
	t := m.tk(i)
	e := t.lex
	mo := int(e.month)
	if e.has(fAmbig) && !t.up {
		return point{}, 0, false
	}
	if e.has(fAbbr) && !t.up {
		return point{}, 0, false
	}
	k := i + 1
	if e.has(fAbbr) && m.punct(k, '.') && m.adj(k) {
		k++
	} else if e.has(fAbbr) {
		if n := m.tk(k); n != nil && n.kind == tkWord && n.up {
			return point{}, 0, false // "Jan Kavan": a first name
		}
	}
	if d := m.dayNum(k); d > 0 {
		p := point{kind: pDay, m: mo, d: d}
		k++
		kk := k
		if m.punct(kk, ',') {
			kk++
		}
		if y := m.yearNum(kk); y > 0 {
			p.y = y
			k = kk + 1
		}
		if !validDay(p.y, mo, d) {
			return point{}, 0, false
		}
		return p, k, true
	}
	kk := k
	if m.is(kk, "of") || m.punct(kk, ',') {
		kk++
	}
	if y := m.yearNum(kk); y > 0 {
		return point{kind: pMonth, m: mo, y: y}, kk + 1, true
	}
	if y, e := m.spelledYear(kk); y > 0 { // "January nineteen ninety-seven"
		return point{kind: pMonth, m: mo, y: y}, e, true
	}
	if sh, ok := m.yearShift(kk); ok {
		return point{kind: pMonth, m: mo, y: m.ry + sh}, kk + 2, true
	}
	if !m.bareMonthOK(i, e, relaxed) {
		return point{}, 0, false
	}
	return point{kind: pMonth, m: mo}, i + 1, true
}

// yearShift reads "last year", "this year", "next year" at i.
func (m *matcher) yearShift(i int) (int, bool) {
	if !m.is(i+1, "year") {
		return 0, false
	}
	switch m.key(i) {
	case "last", "previous":
		return -1, true
	case "this":
		return 0, true
	case "next":
		return 1, true
	}
	return 0, false
}

// bareMonthOK decides whether a month name standing alone is a date. "may"
// and "march" are modal and verb far more often than months: they count
// only capitalised and after a cue word ("in May"); abbreviations likewise.
func (m *matcher) bareMonthOK(i int, e *entry, relaxed bool) bool {
	t := m.tk(i)
	if e.has(fAmbig) {
		return t.up && (relaxed || m.strongCue(i-1))
	}
	cue := relaxed || m.strongCue(i-1) || m.weakCue(i-1)
	if e.has(fAbbr) {
		return t.up && cue
	}
	if cue {
		return true
	}
	if n := m.tk(i + 1); n != nil && n.kind == tkWord && n.up && (n.lex == nil || (n.lex.month == 0 && n.lex.wday == 0)) {
		return false // a name: April Ryan, June Carter
	}
	if e.has(fWeak) {
		return t.up
	}
	return true
}

// dayFirst: "16 May 2025", "16th May", "16th of May".
func (m *matcher) dayFirst(i int) (point, int, bool) {
	d := m.dayNum(i)
	if d == 0 {
		return point{}, 0, false
	}
	k := i + 1
	if m.is(k, "of") {
		if m.tk(i).suf != sufOrd {
			return point{}, 0, false
		}
		k++
	}
	return m.monthAfterDay(d, k)
}

// monthAfterDay reads the month (and year) after a day number that ended
// before token k.
func (m *matcher) monthAfterDay(d, k int) (point, int, bool) {
	e := m.lexAt(k)
	if e == nil || e.month == 0 {
		return point{}, 0, false
	}
	if (e.has(fAmbig) || e.has(fAbbr)) && !m.tk(k).up {
		return point{}, 0, false
	}
	p := point{kind: pDay, m: int(e.month), d: d}
	k++
	if e.has(fAbbr) && m.punct(k, '.') && m.adj(k) && m.yearNum(k+1) > 0 {
		k++
	}
	kk := k
	if m.punct(kk, ',') {
		kk++
	}
	if y := m.yearNum(kk); y > 0 {
		p.y = y
		k = kk + 1
	}
	if !validDay(p.y, p.m, d) {
		return point{}, 0, false
	}
	return p, k, true
}

// numericDate: 2025-05-16, 05/16/2025, 16/05/2025, 2025/05/16.
func (m *matcher) numericDate(i int) (point, int, bool) {
	a := m.plainNum(i, 4)
	if a < 0 || m.glued(i) {
		return point{}, 0, false
	}
	nd := int(m.tk(i).nd)
	for _, sep := range [2]byte{'-', '/'} {
		if !(m.punct(i+1, sep) && m.adj(i+1) && m.adj(i+2) && m.punct(i+3, sep) && m.adj(i+3) && m.adj(i+4)) {
			continue
		}
		b, c := m.plainNum(i+2, 2), m.plainNum(i+4, 4)
		if b < 0 || c < 0 {
			return point{}, 0, false
		}
		cd := int(m.tk(i + 4).nd)
		var y, mo, d int
		switch {
		case nd == 4 && cd <= 2:
			y, mo, d = a, b, c
		case sep == '/' && nd <= 2 && (cd == 4 || cd == 2):
			y = c
			if cd == 2 {
				y = 2000 + c
				if c > m.ry%100+1 {
					y = 1900 + c
				}
			}
			mo, d = a, b
			if a > 12 && b <= 12 {
				mo, d = b, a
			}
		default:
			return point{}, 0, false
		}
		if y < 1000 || y > 2999 || !validDay(y, mo, d) {
			return point{}, 0, false
		}
		return point{kind: pDay, y: y, m: mo, d: d}, i + 5, true
	}
	return point{}, 0, false
}

// yearPoint: "2025" after a cue word, "1990s".
func (m *matcher) yearPoint(i int, relaxed bool) (point, int, bool) {
	t := m.tk(i)
	if t.kind != tkNum || t.nd != 4 || t.comma || t.dec || t.num < 1000 || t.num > 2999 || m.glued(i) {
		return point{}, 0, false
	}
	if t.suf == sufS {
		if t.num%10 != 0 {
			return point{}, 0, false
		}
		return point{kind: pDecade, y: t.num}, i + 1, true
	}
	y := m.yearNum(i)
	if y == 0 {
		return point{}, 0, false
	}
	// "the 1990's"
	if t.num%10 == 0 && m.is(i-1, "the") && m.punct(i+1, '\'') && m.adj(i+1) && m.is(i+2, "s") && m.adj(i+2) {
		return point{kind: pDecade, y: y}, i + 3, true
	}
	if !relaxed && !m.yearCue(i, y) {
		return point{}, 0, false
	}
	return point{kind: pYear, y: y}, i + 1, true
}

// yearCue decides whether a bare four-digit number is a year.
func (m *matcher) yearCue(i, y int) bool {
	switch m.key(i - 1) {
	case "about", "around": // "about 2000 people" is a count
		n := m.tk(i + 1)
		return n == nil || n.kind == tkPunct
	case "for", "year":
		return true
	}
	if m.strongCue(i - 1) {
		return true
	}
	if m.punct(i+1, '-') && m.adj(i+1) && m.adj(i+2) { // 2014-2022, 2024-25
		if n := m.tk(i + 2); n.kind == tkNum && (n.nd == 2 || n.nd == 4) && n.suf == sufNone && !n.comma && !n.dec {
			return true
		}
	}
	if m.punct(i+1, '\'') && m.adj(i+1) && m.is(i+2, "s") { // 2024's
		return true
	}
	if y < 1900 || y > m.ry+10 {
		return false
	}
	// A plausible year standing alone is a year unless it counts something:
	// "the 1996 Olympic bombing", "its 1990 invasion", "into 1990." are
	// years; "2000 troops" and "$1990" are not.
	if p := m.tk(i - 1); p != nil && (p.kind == tkNum || (p.kind == tkPunct && (p.ch == '$' || p.ch == '#'))) {
		return false
	}
	if (m.is(i-1, "and") || m.is(i-1, "or") || m.is(i-1, "to")) && m.tk(i-2) != nil && m.tk(i-2).kind == tkNum && m.yearNum(i-2) == 0 {
		return false // "5, 12 and 2000": a list of counts
	}
	for _, w := range [...]string{"than", "least", "some", "over", "nearly", "almost", "approximately", "roughly", "flight", "number", "no"} {
		if m.is(i-1, w) {
			return false // "at least 2000", "Flight 2001": counts and names
		}
	}
	n := m.tk(i + 1)
	switch {
	case n == nil:
		return true
	case n.kind == tkPunct:
		return n.ch != '%' && n.ch != '-' && n.ch != '/' && n.ch != ':'
	case n.kind == tkWord:
		if n.lex != nil && (n.lex.unit != uNone || n.lex.month > 0) {
			return false
		}
		if m.is(i+1, "and") || m.is(i+1, "or") {
			return true
		}
		// "the 2024 election", "2024 was the hottest year", "its 1990
		// invasion", "the Kremlin's 2025 plan", "1990 BellSouth earnings"
		if m.is(i-1, "the") || m.sentenceStart(i) || n.up {
			return true
		}
		for _, w := range [...]string{"a", "an", "its", "his", "her", "their", "our", "my", "your", "whose", "this", "that"} {
			if m.is(i-1, w) {
				return true
			}
		}
		return m.is(i-1, "s") && m.punct(i-2, '\'')
	}
	return false
}

// spelledYear reads a year written in words at token i, as broadcast
// transcripts do: "nineteen ninety-six", "nineteen eighty", "two thousand",
// "two thousand and one". It returns 0 when there is none.
func (m *matcher) spelledYear(i int) (int, int) {
	e := m.lexAt(i)
	if e == nil {
		return 0, i
	}
	switch e.key {
	case "two":
		if !m.is(i+1, "thousand") {
			return 0, i
		}
		k := i + 2
		if m.is(k, "and") {
			k++
		}
		if o := m.lexAt(k); o != nil && o.num >= 1 && o.num <= 19 && !o.has(fArticle) {
			return 2000 + int(o.num), k + 1
		}
		if n := m.tk(i + 2); n != nil && n.kind == tkWord && !m.is(i+2, "and") && !m.is(i-1, "year") {
			return 0, i // "two thousand people" is a count; "the year two thousand has" is not
		}
		return 2000, i + 2
	case "nineteen", "eighteen", "twenty":
		century := int(e.num) * 100
		if e.key == "twenty" {
			century = 2000
		}
		t := m.lexAt(i + 1)
		if t == nil || t.num < 10 || t.num > 90 || t.has(fArticle) {
			return 0, i
		}
		n, k := int(t.num), i+2
		if n >= 20 && n%10 == 0 && m.punct(k, '-') && m.adj(k) && m.adj(k+1) {
			if o := m.lexAt(k + 1); o != nil && o.num >= 1 && o.num <= 9 {
				n, k = n+int(o.num), k+2
			}
		}
		return century + n, k
	}
	return 0, i
}

// shortDecade: "'90s".
func (m *matcher) shortDecade(i int) (point, int, bool) {
	t := m.tk(i + 1)
	if t == nil || !m.adj(i+1) || t.kind != tkNum || t.nd != 2 || t.suf != sufS || t.num%10 != 0 || t.comma || t.dec {
		return point{}, 0, false
	}
	y := 1900 + t.num
	if t.num <= m.ry%100 && m.ry >= 2000 && m.ry < 2100 {
		y = 2000 + t.num
	}
	return point{kind: pDecade, y: y}, i + 2, true
}

// seasonPoint: "summer 2024", "the summer of 2024", "in the fall".
func (m *matcher) seasonPoint(i int, relaxed bool) (point, int, bool) {
	t := m.tk(i)
	if t.up && !m.sentenceStart(i) {
		if p := m.tk(i - 1); p != nil && p.kind == tkWord && p.up { // Arab Spring
			return point{}, 0, false
		}
	}
	p := point{kind: pSeason, q: int(t.lex.season)}
	k := i + 1
	of := m.is(k, "of")
	if of {
		k++
	}
	if y := m.yearNum(k); y > 0 {
		p.y = y
		return p, k + 1, true
	}
	if sh, ok := m.yearShift(k); ok {
		p.y = m.ry + sh
		return p, k + 2, true
	}
	if of { // the fall of Kabul
		return point{}, 0, false
	}
	if !relaxed && !m.strongCue(i-1) {
		return point{}, 0, false
	}
	return p, i + 1, true
}

// quarterCode: "Q2", "Q2 2025", "H1".
func (m *matcher) quarterCode(i int) (point, int, bool) {
	t := m.tk(i)
	if !t.up || !m.adj(i+1) {
		return point{}, 0, false
	}
	n := m.plainNum(i+1, 1)
	p := point{kind: pQuarter, q: n}
	if m.key(i) == "h" {
		p.kind = pHalf
		if n < 1 || n > 2 {
			return point{}, 0, false
		}
	} else if n < 1 || n > 4 {
		return point{}, 0, false
	}
	if nx := m.tk(i + 2); nx != nil && !nx.sp && (nx.kind == tkWord || nx.kind == tkNum) {
		return point{}, 0, false
	}
	if y := m.yearNum(i + 2); y > 0 {
		p.y = y
		return p, i + 3, true
	}
	return p, i + 2, true
}

// thePoint: phrases that begin with "the".
func (m *matcher) thePoint(i int) (point, int, bool) {
	k := i + 1
	switch m.key(k) {
	case "start", "beginning", "end", "middle":
		return m.posmod(k)
	case "early", "late", "mid":
		if p, e, ok := m.posmod(k); ok && p.kind == pDecade {
			return p, e, true
		}
		return point{}, 0, false
	case "day":
		if m.is(k+1, "before") && m.is(k+2, "yesterday") {
			return m.relPoint(-2), k + 3, true
		}
		if m.is(k+1, "after") && m.is(k+2, "tomorrow") {
			return m.relPoint(2), k + 3, true
		}
		return point{}, 0, false
	case "weekend":
		return point{kind: pWeekend}, k + 1, true
	case "year":
		// "the year" in news is the current one: "profit for the year".
		// Not "the year 1995" (the number is the date), "Person of the
		// Year", "the year since the invasion", "the year-ago quarter".
		if m.punct(k+1, '-') || m.is(k+1, "before") || m.is(k+1, "after") || m.is(k+1, "since") ||
			m.yearNum(k+1) > 0 || m.tk(k).up {
			return point{}, 0, false
		}
		return point{kind: pYear, y: m.ry}, k + 1, true
	case "quarter", "latest", "current", "recent", "most":
		return m.reportQuarter(k)
	case "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties":
		// "the nineties": the decade of the last century
		n := map[string]int{"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
			"seventies": 70, "eighties": 80, "nineties": 90}[m.key(k)]
		return point{kind: pDecade, y: 1900 + n}, k + 1, true
	case "full", "fiscal":
		// "the full year", "the fiscal year": the current one, unless it is
		// named by its end ("the fiscal year ended June 30" is a length).
		if !m.is(k+1, "year") || m.punct(k+2, '-') || m.is(k+2, "ended") || m.is(k+2, "ending") {
			return point{}, 0, false
		}
		return point{kind: pYear, y: m.ry}, k + 2, true
	}
	t := m.tk(k)
	if t == nil {
		return point{}, 0, false
	}
	if t.kind == tkNum && t.nd == 4 && t.suf == sufS {
		return m.yearPoint(k, true)
	}
	if t.kind == tkNum && t.nd == 4 && m.punct(k+1, '\'') {
		if p, e, ok := m.yearPoint(k, true); ok && p.kind == pDecade {
			return p, e, true
		}
		return point{}, 0, false
	}
	if t.kind == tkPunct && t.ch == '\'' {
		return m.shortDecade(k)
	}
	// Ordinal: "the 16th of May", "the first of May", "the second quarter".
	n := 0
	if t.kind == tkNum && t.suf == sufOrd {
		n = m.dayNum(k)
	} else if t.kind == tkWord && t.lex != nil {
		n = int(t.lex.ord)
		if t.lex.key == "last" || t.lex.key == "final" {
			n = -1
		}
	}
	if n != 0 {
		if n > 0 && m.is(k+1, "of") {
			return m.monthAfterDay(n, k+2)
		}
		q := k + 1
		if m.punct(q, '-') && m.adj(q) && m.adj(q+1) { // the third-quarter results
			q++
		}
		if m.is(q, "quarter") || m.is(q, "half") {
			return m.quarterPhrase(n, q)
		}
		if m.is(k+1, "week") && m.is(k+2, "of") && n <= 4 {
			// "the first week of May": days 1-7, 8-14, 15-21, 22-28; the last week is the last 7 days.
			if p, e, ok := m.point(k+3, true); ok && p.kind == pMonth && p.mod == "" {
				p.wk = n
				return p, e, true
			}
		}
		return point{}, 0, false
	}
	if t.kind == tkWord && t.lex != nil {
		if t.lex.season > 0 {
			return m.seasonPoint(k, true)
		}
		// "the night of May 8"
		if t.lex.pod != "" && m.is(k+1, "of") {
			if p, e, ok := m.point(k+2, true); ok && p.dayish() {
				p.pod = t.lex.pod
				return p, e, true
			}
		}
	}
	return point{}, 0, false
}

// reportQuarter: after "the", "quarter", "latest quarter", "most recent
// quarter", "current quarter". Companies report on a quarter after it ends,
// so "the quarter" and "the latest quarter" are the last quarter that began
// at least a month and a half before the article; "the current quarter" is
// the reference day's.
func (m *matcher) reportQuarter(k int) (point, int, bool) {
	current := false
	period := false
	switch m.key(k) {
	case "latest", "recent":
		k++
		period = m.is(k, "period") // "the latest period" of a report
		if m.is(k, "fiscal") {
			k++
		}
		if m.is(k, "year") && !m.punct(k+1, '-') {
			// "the latest fiscal year": the last one that has ended
			return point{kind: pYear, y: m.ry - 1}, k + 1, true
		}
	case "most":
		if !m.is(k+1, "recent") {
			return point{}, 0, false
		}
		k += 2
	case "current":
		current, k = true, k+1
		if m.is(k, "fiscal") {
			k++
		}
		if m.is(k, "year") && !m.punct(k+1, '-') { // "the current year"
			return point{kind: pYear, y: m.ry}, k + 1, true
		}
	}
	if (!m.is(k, "quarter") && !period) || m.is(k+1, "of") || m.punct(k+1, '-') {
		return point{}, 0, false
	}
	d := m.ref
	if !current {
		d -= 45
	}
	y, mo, _ := civil(d)
	return point{kind: pQuarter, y: y, q: (mo-1)/3 + 1}, k + 1, true
}

// quarterPhrase: after "the first", at "quarter"/"half": "the second quarter
// [of 2025]", "the first half of next year", "the last quarter".
func (m *matcher) quarterPhrase(n, k int) (point, int, bool) {
	half := m.is(k, "half")
	if nx := m.tk(k + 1); nx != nil && !nx.sp && nx.kind == tkPunct && nx.ch == '-' { // quarter-end
		return point{}, 0, false
	}
	p := point{kind: pQuarter}
	max := 4
	if half {
		p.kind, max = pHalf, 2
	}
	e := k + 1
	switch {
	case m.is(e, "of") && (m.yearNum(e+1) > 0 || m.is(e+1, "the") || m.is(e+1, "this") || m.is(e+1, "last") || m.is(e+1, "next")):
		if y := m.yearNum(e + 1); y > 0 {
			p.y, e = y, e+2
		} else if sh, ok := m.yearShift(e + 1); ok {
			p.y, e = m.ry+sh, e+3
		} else if m.is(e+1, "the") && m.is(e+2, "year") {
			p.y, e = m.ry, e+3
		} else {
			return point{}, 0, false
		}
	case m.is(e, "of"):
		// "a loss for the third quarter of $226 million": the year is inferred
	case n < 0:
		if half {
			return point{}, 0, false
		}
		// "the last quarter": the quarter before the current one.
		y, mo := addMonths(m.ry, m.rm, -3)
		p.y, p.q = y, (mo-1)/3+1
		return p, e, true
	default:
		if y := m.yearNum(e); y > 0 {
			p.y, e = y, e+1
		}
	}
	if n < 0 {
		n = max
	}
	if n < 1 || n > max {
		return point{}, 0, false
	}
	p.q = n
	return p, e, true
}

// relPoint is the day ref+n, resolved.
func (m *matcher) relPoint(n int) point {
	y, mo, d := civil(m.ref + briefing.Day(n))
	return point{kind: pDay, y: y, m: mo, d: d, rel: true}
}

// relDay: yesterday, today, tomorrow, tonight.
func (m *matcher) relDay(i int) (point, int, bool) {
	switch m.key(i) {
	case "yesterday":
		return m.relPoint(-1), i + 1, true
	case "today":
		return m.relPoint(0), i + 1, true
	case "tomorrow":
		return m.relPoint(1), i + 1, true
	case "tonight":
		p := m.relPoint(0)
		p.pod = "NI"
		return p, i + 1, true
	}
	return point{}, 0, false
}

// shiftPoint: last/this/next/coming/previous + week, month, year, quarter,
// weekend, weekday, month name, season, part of day.
func (m *matcher) shiftPoint(i int) (point, int, bool) {
	sh, code := 0, shThis
	switch m.key(i) {
	case "last", "previous":
		sh, code = -1, shLast
	case "next", "coming":
		sh, code = 1, shNext
	}
	k := i + 1
	if code == shThis && m.is(k, "past") {
		// "this past spring", "this past weekend": the last one
		sh, code, k = -1, shLast, k+1
	}
	t := m.tk(k)
	e := m.lexAt(k)
	if e == nil {
		return point{}, 0, false
	}
	switch e.key {
	case "week":
		return point{kind: pWeek, lo: mondayOf(m.ref) + briefing.Day(7*sh)}, k + 1, true
	case "weekend":
		return point{kind: pWeekend, lo: mondayOf(m.ref) + 5 + briefing.Day(7*sh)}, k + 1, true
	case "month":
		y, mo := addMonths(m.ry, m.rm, sh)
		return point{kind: pMonth, y: y, m: mo}, k + 1, true
	case "year":
		return point{kind: pYear, y: m.ry + sh}, k + 1, true
	case "quarter":
		y, mo := addMonths(m.ry, m.rm, 3*sh)
		return point{kind: pQuarter, y: y, q: (mo-1)/3 + 1}, k + 1, true
	}
	switch {
	case e.wday > 0 && !e.has(fPlural) && !e.has(fAbbr):
		return point{kind: pWeekday, wd: int(e.wday) - 1, shift: code}, k + 1, true
	case e.month > 0:
		if (e.has(fAmbig) || e.has(fAbbr)) && !t.up {
			return point{}, 0, false
		}
		return point{kind: pMonth, m: int(e.month), shift: code}, k + 1, true
	case e.season > 0:
		return point{kind: pSeason, q: int(e.season), shift: code}, k + 1, true
	case e.pod != "":
		switch code {
		case shThis:
			p := m.relPoint(0)
			p.pod = e.pod
			return p, k + 1, true
		case shLast:
			if e.pod == "NI" || e.pod == "EV" {
				p := m.relPoint(-1)
				p.pod = e.pod
				return p, k + 1, true
			}
		}
	}
	return point{}, 0, false
}

// weekdayPoint: "Tuesday", "Tuesday, May 13", not "The Sunday Times".
func (m *matcher) weekdayPoint(i int) (point, int, bool) {
	e := m.lexAt(i)
	if e.has(fPlural) || e.has(fAbbr) {
		return point{}, 0, false
	}
	if m.is(i-1, "the") {
		if n := m.tk(i + 1); n != nil && n.kind == tkWord && n.up && (n.lex == nil || n.lex.month == 0) {
			return point{}, 0, false
		}
	}
	if p := m.tk(i - 1); p != nil && p.kind == tkWord && p.up {
		w := m.text[p.s:p.e]
		if len(w) <= 8 {
			var buf [8]byte
			for j := 0; j < len(w); j++ {
				c := w[j]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf[j] = c
			}
			if holidayWords[string(buf[:len(w)])] {
				return point{}, 0, false
			}
		}
	}
	k := i + 1
	if m.punct(k, ',') {
		k++
	}
	if me := m.lexAt(k); me != nil && me.month > 0 {
		if p, e2, ok := m.monthFirst(k, true); ok && p.kind == pDay {
			p.wdHint = int(e.wday)
			return p, e2, true
		}
	}
	if d := m.dayNum(k); d > 0 {
		if p, e2, ok := m.dayFirst(k); ok {
			p.wdHint = int(e.wday)
			return p, e2, true
		}
	}
	p := point{kind: pWeekday, wd: int(e.wday) - 1}
	for j := i - 3; j <= i+3; j++ {
		if m.is(j, "today") || m.is(j, "tonight") {
			p.today = true
		}
	}
	return p, i + 1, true
}

// posmod: early/late/mid + period, "the end of the year", "start of 2025".
func (m *matcher) posmod(i int) (point, int, bool) {
	if m.depth > 3 {
		return point{}, 0, false
	}
	m.depth++
	defer func() { m.depth-- }()
	var mod briefing.Mod
	k := i + 1
	of := false
	switch m.key(i) {
	case "early":
		mod = briefing.ModStart
	case "late":
		mod = briefing.ModEnd
	case "mid":
		mod = briefing.ModMid
	case "start", "beginning":
		mod, of = briefing.ModStart, true
	case "end":
		mod, of = briefing.ModEnd, true
	case "middle":
		mod, of = briefing.ModMid, true
	default:
		return point{}, 0, false
	}
	if of {
		if !m.is(k, "of") {
			return point{}, 0, false
		}
		k++
		if m.is(k, "the") {
			switch m.key(k + 1) {
			case "year":
				return point{kind: pYear, y: m.ry, mod: mod}, k + 2, true
			case "month":
				return point{kind: pMonth, y: m.ry, m: m.rm, mod: mod}, k + 2, true
			case "week":
				return point{kind: pWeek, lo: mondayOf(m.ref), mod: mod}, k + 2, true
			}
		}
	} else if m.punct(k, '-') && m.adj(k) && m.adj(k+1) {
		k++
	}
	p, e, ok := m.point(k, true)
	if !ok {
		return point{}, 0, false
	}
	switch p.kind {
	case pDay:
		if !p.rel || p.pod != "" {
			return point{}, 0, false
		}
	case pClip, pWeekend:
		return point{}, 0, false
	}
	if p.mod != "" {
		return point{}, 0, false
	}
	p.mod = mod
	return p, e, true
}

// clip: "earlier this month", "later this week", "later this year".
func (m *matcher) clip(i int) (point, int, bool) {
	if !m.is(i+1, "this") {
		return point{}, 0, false
	}
	var ed briefing.EventDate
	switch m.key(i + 2) {
	case "week":
		ed = weekDate(mondayOf(m.ref), "")
	case "month":
		ed = monthDate(m.ry, m.rm, "")
	case "year":
		ed = yearDate(m.ry, "")
	default:
		return point{}, 0, false
	}
	p := point{kind: pClip, cval: ed.Value, cgran: ed.Gran, lo: ed.Lo, hi: ed.Hi}
	if m.key(i) == "earlier" {
		p.hi = m.ref
	} else {
		p.lo = m.ref
	}
	return p, i + 3, true
}

// Expressions.

// dateExpr: ranges, modified dates, times with days, single dates.
func (m *matcher) dateExpr(i int) (result, bool) {
	var mod briefing.Mod
	k := i
	switch m.key(i) {
	case "from":
		return m.rangeExpr(i, i+1, false)
	case "between":
		return m.rangeExpr(i, i+1, true)
	case "around", "about", "approximately", "roughly", "circa":
		mod, k = briefing.ModApprox, i+1
	case "before":
		mod, k = briefing.ModBefore, i+1
	case "after", "since":
		mod, k = briefing.ModAfter, i+1
	case "prior":
		if !m.is(i+1, "to") {
			return result{}, false
		}
		mod, k = briefing.ModBefore, i+2
	}
	if mod == "" {
		return m.dateCore(i)
	}
	r, ok := m.dateCore(k)
	if !ok || r.date.IsZero() {
		return result{}, false
	}
	if mod != briefing.ModApprox {
		// "since 1990", "before May 8": the word is a signal, not part of
		// the expression's text, but its meaning stays in the mod.
		r.start = k
	}
	r.mod = string(mod)
	r.date.Mod = mod
	return r, true
}

func (m *matcher) dateCore(i int) (result, bool) {
	if r, ok := m.dayRangeFirst(i, i, false, false); ok {
		return r, true
	}
	if r, ok := m.timeFirst(i); ok {
		return r, true
	}
	p, e, ok := m.point(i, false)
	if !ok {
		return result{}, false
	}
	if p2, e2, ok := m.rangeTail(&p, e, false, false); ok {
		if r, ok := m.rangeResult(i, e2, i, e, p, p2); ok {
			return r, true
		}
	}
	e = m.timeTail(&p, e)
	return m.single(i, e, p)
}

// rangeExpr: "from X to/through/until Y", "between X and Y".
func (m *matcher) rangeExpr(start, k int, between bool) (result, bool) {
	if r, ok := m.dayRangeFirst(start, k, between, !between); ok {
		return r, true
	}
	p, e, ok := m.point(k, true)
	if !ok {
		return result{}, false
	}
	p2, e2, ok := m.rangeTail(&p, e, between, !between)
	if !ok {
		return result{}, false
	}
	return m.rangeResult(start, e2, k, e, p, p2)
}

// dayRangeFirst: "8-10 May", "8 to 10 May 2025", "between 8 and 10 May".
func (m *matcher) dayRangeFirst(start, i int, between, from bool) (result, bool) {
	d1 := m.dayNum(i)
	if d1 == 0 {
		return result{}, false
	}
	k := i + 1
	switch {
	case between:
		if !m.is(k, "and") {
			return result{}, false
		}
	case m.punct(k, '-'), m.is(k, "to"), m.is(k, "through"), m.is(k, "thru"), m.is(k, "until"), m.is(k, "till"):
	default:
		return result{}, false
	}
	d2 := m.dayNum(k + 1)
	if d2 <= d1 {
		return result{}, false
	}
	p2, e, ok := m.monthAfterDay(d2, k+2)
	if !ok {
		return result{}, false
	}
	p1 := p2
	p1.d = d1
	return m.rangeResult(start, e, i, i+1, p1, p2)
}

// rangeTail reads the second half of a range after point p, which ended
// before token e.
func (m *matcher) rangeTail(p *point, e int, between, from bool) (point, int, bool) {
	k := e
	to := false
	switch {
	case between:
		if !m.is(k, "and") {
			return point{}, 0, false
		}
	case m.punct(k, '-'), m.is(k, "through"), m.is(k, "thru"), m.is(k, "until"), m.is(k, "till"):
	case m.is(k, "to"):
		to = true
	default:
		return point{}, 0, false
	}
	k++
	if p.kind == pDay && !p.rel && p.pod == "" {
		// Elliptical end day: "May 8-10", "May 8 to 10, 2025".
		if d := m.dayNum(k); d > 0 {
			if me := m.lexAt(k + 1); me == nil || (me.month == 0 && me.key != "of") {
				if d <= p.d || !validDay(p.y, p.m, d) {
					return point{}, 0, false
				}
				p2 := point{kind: pDay, y: p.y, m: p.m, d: d}
				e2 := k + 1
				kk := e2
				if m.punct(kk, ',') {
					kk++
				}
				if y := m.yearNum(kk); y > 0 && p.y == 0 {
					p2.y, e2 = y, kk+1
				}
				return p2, e2, true
			}
		}
	}
	if p.kind == pYear && m.punct(k-1, '-') && m.adj(k-1) && m.adj(k) {
		// "2024-25"
		if n := m.plainNum(k, 2); n >= 0 && m.tk(k).nd == 2 {
			y2 := p.y/100*100 + n
			if y2 <= p.y {
				return point{}, 0, false
			}
			return point{kind: pYear, y: y2}, k + 1, true
		}
	}
	if to && !from {
		return point{}, 0, false
	}
	p2, e2, ok := m.point(k, true)
	if !ok || p2.kind != p.kind {
		return point{}, 0, false
	}
	switch p.kind {
	case pWeek, pWeekend, pClip:
		return point{}, 0, false
	}
	return p2, e2, true
}

// yearly reports whether points of kind k carry a year that may be inferred.
func yearly(k pkind) bool {
	switch k {
	case pDay, pMonth, pSeason, pQuarter, pHalf:
		return true
	}
	return false
}

// order ranks a point within its year.
func (p *point) order() int {
	switch p.kind {
	case pDay:
		return p.m*100 + p.d
	case pMonth:
		return p.m
	}
	return p.q
}

// rangeResult resolves a range of two points into one DATE expression. The
// range spans tokens [start, end); p1 spans [s1, e1), then comes one
// connecting token (to, -, and, through) and p2 up to end.
func (m *matcher) rangeResult(start, end, s1, e1 int, p1, p2 point) (result, bool) {
	tense := m.tense(start, end)
	if yearly(p1.kind) && p1.y == 0 && p2.y != 0 {
		p1.y = p2.y
		if p1.order() > p2.order() {
			p1.y--
		}
	}
	weekdays := p1.kind == pWeekday && p1.shift == shNone
	r1, ok := m.resolve(&p1, tense)
	if !ok {
		return result{}, false
	}
	switch {
	case p2.kind == pWeekday:
		d := r1.date.Lo + briefing.Day((p2.wd-weekdayOf(r1.date.Lo)+7)%7)
		if weekdays && tense <= 0 && d > m.ref {
			// A reported range of weekdays is over: "met from Monday to Wednesday".
			r1.date.Lo -= 7
			r1.date.Hi -= 7
			r1.value = fmtDay(r1.date.Lo)
			r1.date.Value = r1.value
			d -= 7
		}
		y, mo, dd := civil(d)
		p2 = point{kind: pDay, y: y, m: mo, d: dd}
	case yearly(p2.kind) && p2.y == 0:
		p2.y = p1.y
		if p2.order() < p1.order() {
			p2.y++
		}
	}
	r2, ok := m.resolve(&p2, tense)
	if !ok || r2.date.Hi < r1.date.Lo || r1.typ != TypeDate || r2.typ != TypeDate {
		return result{}, false
	}
	ed := r1.date
	ed.Hi = r2.date.Hi
	ed.Mod = ""
	ed.Range = true
	return result{end: end, typ: TypeDate, value: r1.value, date: ed, parts: [2]part{
		{s: s1, e: e1, typ: r1.typ, val: r1.value, date: r1.date},
		{s: e1 + 1, e: end, typ: r2.typ, val: r2.value, date: r2.date},
	}}, true
}

// single resolves one point spanning tokens [start, end).
func (m *matcher) single(start, end int, p point) (result, bool) {
	tense := 0
	if (yearly(p.kind) && p.y == 0) || (p.kind == pWeekday && p.shift == shNone) || (p.kind == pWeekend && p.lo == 0) {
		tense = m.tense(start, end)
	}
	if p.kind == pWeekday && m.deadline(start-1) {
		// "until Tuesday", "by Friday": a deadline is ahead, unless the
		// clause is told in the past ("fighting continued until Monday")
		if c, _ := m.clauseTense(start, end); c >= 0 || m.rescheduled(start-1) {
			tense = 1
		} else {
			tense = -1
		}
	}
	rel := p.rel
	kind := p.kind
	r, ok := m.resolve(&p, tense)
	r.end = end
	r.anchor = !rel && (kind == pDay || kind == pMonth || kind == pYear || kind == pWeekday)
	return r, ok
}

// timeTail attaches a part of day or a clock time after a day: "Tuesday
// night", "May 8 at 9 a.m.".
func (m *matcher) timeTail(p *point, e int) int {
	if !p.dayish() || p.pod != "" || p.clock {
		return e
	}
	if le := m.lexAt(e); le != nil && le.pod != "" {
		p.pod = le.pod
		return e + 1
	}
	k := e
	if m.punct(k, ',') {
		k++
	}
	switch m.key(k) {
	case "at", "around", "about", "by":
		k++
	}
	if hh, mi, e2, ok := m.clock(k); ok {
		p.clock, p.hh, p.mi = true, hh, mi
		return e2
	}
	return e
}

// timeFirst: "9 a.m. Tuesday", "at 9:30 p.m. on May 8", "noon".
func (m *matcher) timeFirst(i int) (result, bool) {
	hh, mi, e, ok := m.clock(i)
	if !ok {
		return result{}, false
	}
	k := e
	if m.punct(k, ',') {
		k++
	}
	if m.is(k, "on") {
		k++
	}
	if p, e2, ok := m.point(k, true); ok && p.dayish() && p.pod == "" {
		p.clock, p.hh, p.mi = true, hh, mi
		return m.single(i, e2, p)
	}
	// A time with no day is read as the reference day's, as TimeML does;
	// Date stays zero because the day is a guess.
	return result{end: e, typ: TypeTime, value: fmtDay(m.ref) + "T" + clockString(hh, mi)}, true
}

func clockString(hh, mi int) string {
	var b [8]byte
	s := appendPad(b[:0], hh, 2)
	s = append(s, ':')
	return string(appendPad(s, mi, 2))
}

// clock: "9 a.m.", "9:30pm", "21:00 GMT", "noon", "midnight".
func (m *matcher) clock(i int) (hh, mi, end int, ok bool) {
	t := m.tk(i)
	if t == nil {
		return
	}
	if t.kind == tkWord {
		switch m.key(i) {
		case "noon", "midday":
			if m.is(i-1, "high") {
				return // "high noon" is a moment of drama, not a time
			}
			return 12, 0, i + 1, true
		case "midnight":
			return 0, 0, i + 1, true
		}
		return
	}
	if t.kind != tkNum || t.comma || t.dec || t.nd > 2 || m.glued(i) {
		return
	}
	h, k, colon, suf := t.num, i+1, false, t.suf
	if suf == sufNone && m.punct(k, ':') && m.adj(k) && m.adj(k+1) {
		mt := m.tk(k + 1)
		if mt.kind != tkNum || mt.nd != 2 || mt.comma || mt.dec || mt.num > 59 {
			return
		}
		mi, colon, suf, k = mt.num, true, mt.suf, k+2
	}
	ampm := 0
	switch suf {
	case sufAM:
		ampm = 1
	case sufPM:
		ampm = 2
	case sufNone:
		if e := m.lexAt(k); e.has(fAM) {
			ampm, k = 1, k+1
		} else if e.has(fPM) {
			ampm, k = 2, k+1
		}
	default:
		return
	}
	if ampm != 0 {
		if h < 1 || h > 12 {
			return
		}
		if ampm == 1 && h == 12 {
			h = 0
		} else if ampm == 2 && h < 12 {
			h += 12
		}
	} else {
		if !colon || h > 23 {
			return
		}
		if e := m.lexAt(k); !(e.has(fTZ) && m.tk(k).up) {
			switch m.key(i - 1) {
			case "at", "by", "around", "until", "from", "before", "after", "about":
			default:
				return
			}
		}
	}
	if e := m.lexAt(k); e.has(fTZ) && m.tk(k).up {
		k++
	}
	return h, mi, k, true
}

// resolve turns a point into a value and an interval; tense matters only
// for points without a year and bare weekdays.
func (m *matcher) resolve(p *point, tense int) (result, bool) {
	var ed briefing.EventDate
	switch p.kind {
	case pDay, pMonth, pSeason, pQuarter, pHalf:
		if p.y == 0 {
			y, ok := m.pickYear(p, tense)
			if !ok {
				return result{}, false
			}
			p.y = y
		}
		switch p.kind {
		case pDay:
			if !validDay(p.y, p.m, p.d) {
				return result{}, false
			}
			ed = dayDate(mkDay(p.y, p.m, p.d), p.mod)
		case pMonth:
			ed = monthDate(p.y, p.m, p.mod)
			if p.wk != 0 {
				lo := mkDay(p.y, p.m, 7*p.wk-6)
				if p.wk < 0 {
					lo = lastOfMonth(p.y, p.m) - 6
				}
				ed = explicit(fmtWeek(lo+3, ""), briefing.GranWeek, "", lo, lo+6)
			}
		case pSeason:
			ed = seasonDate(p.y, p.q, p.mod)
		case pQuarter:
			ed = quarterDate(p.y, p.q, p.mod)
		case pHalf:
			ed = halfDate(p.y, p.q, p.mod)
		}
	case pYear:
		ed = yearDate(p.y, p.mod)
	case pDecade:
		ed = decadeDate(p.y, p.mod)
	case pWeekday:
		d := m.weekday(p.wd, p.shift, tense)
		if p.today && p.wd == weekdayOf(m.ref) {
			d = m.ref
		}
		ed = dayDate(d, p.mod)
		p.kind = pDay
		p.y, p.m, p.d = civil(d)
	case pWeek:
		ed = weekDate(p.lo, p.mod)
	case pWeekend:
		if p.lo == 0 {
			p.lo = m.weekend(tense)
		}
		ed = weekendDate(p.lo, p.mod)
	case pClip:
		ed = explicit(p.cval, p.cgran, p.mod, p.lo, p.hi)
	default:
		return result{}, false
	}
	r := result{typ: TypeDate, value: ed.Value, mod: string(ed.Mod), date: ed}
	if p.clock || p.pod != "" {
		r.typ = TypeTime
		if p.clock {
			r.value = ed.Value + "T" + clockString(p.hh, p.mi)
		} else {
			r.value = ed.Value + "T" + p.pod
		}
	}
	return r, true
}

// bounds returns the interval of point p placed in year y.
func bounds(p *point, y int) (lo, hi briefing.Day, ok bool) {
	switch p.kind {
	case pDay:
		if !validDay(y, p.m, p.d) {
			return 0, 0, false
		}
		d := mkDay(y, p.m, p.d)
		return d, d, true
	case pMonth:
		return mkDay(y, p.m, 1), lastOfMonth(y, p.m), true
	case pSeason:
		lo, hi = monthsSpan(y, seasonStart(p.q), 3, "")
		return lo, hi, true
	case pQuarter:
		lo, hi = monthsSpan(y, 3*p.q-2, 3, "")
		return lo, hi, true
	case pHalf:
		lo, hi = monthsSpan(y, 6*p.q-5, 6, "")
		return lo, hi, true
	}
	return 0, 0, false
}

// tenseWeight is how much farther a day on the other side of the
// reference day than the clause's tense may be before it loses to one on the
// tense's side.
const tenseWeight = 4

// nearCue is the distance in tokens within which a tense cue binds a day or
// quarter to its side of the reference day outright.
const nearCue = 2

// pickYear chooses the year of a point written without one; see the
// package documentation for the rules.
func (m *matcher) pickYear(p *point, tense int) (int, bool) {
	if p.kind == pDay && p.wdHint > 0 {
		// "Thursday, May 15": the nearest year in which the date is that weekday.
		best, bestDist := 0, 0
		for y := m.ry - 6; y <= m.ry+6; y++ {
			if !validDay(y, p.m, p.d) {
				continue
			}
			d := mkDay(y, p.m, p.d)
			if weekdayOf(d) != p.wdHint-1 {
				continue
			}
			dist := int(d - m.ref)
			if dist < 0 {
				dist = -dist
			}
			if best == 0 || dist < bestDist {
				best, bestDist = y, dist
			}
		}
		if best != 0 {
			return best, true
		}
	}
	span := 2
	if p.kind == pDay && p.m == 2 && p.d == 29 {
		span = 4
	}
	ref := m.ref
	best, found := 0, false
	var bestLo briefing.Day
	bestDist := 0
	for y := m.ry - span; y <= m.ry+span; y++ {
		lo, hi, ok := bounds(p, y)
		if !ok {
			continue
		}
		in := lo <= ref && ref <= hi
		switch {
		case p.shift == shThis:
			if in {
				return y, true
			}
			if y == m.ry && !found {
				best, found = y, true
			}
		case p.shift == shLast:
			if hi < ref && (!found || lo > bestLo) {
				best, bestLo, found = y, lo, true
			}
		case p.shift == shNext:
			if lo > ref && (!found || lo < bestLo) {
				best, bestLo, found = y, lo, true
			}
		default:
			// The nearest candidate, with the tense of the clause weighing
			// against the other side: a past-tense clause can still name a
			// day shortly ahead ("authorized a split payable Dec. 7"), but
			// a month, season or quarter follows the tense ("met in
			// December" in a September article is last December).
			dist := 0
			if lo > ref {
				dist = int(lo - ref)
				switch {
				case tense < 0 && (p.kind == pDay || p.kind == pQuarter) && m.cueDist > nearCue:
					dist *= tenseWeight
				case tense < 0:
					dist *= 1000
				case tense == 0:
					dist *= 2 // news reports the past more than it announces
				}
			} else if hi < ref {
				dist = int(ref - hi)
				switch {
				case tense > 0 && (p.kind == pDay || p.kind == pQuarter) && m.cueDist > nearCue:
					dist *= tenseWeight
				case tense > 0:
					dist *= 1000
				}
			}
			if !found || dist < bestDist {
				best, bestDist, found = y, dist, true
			}
		}
	}
	return best, found
}

// weekday resolves a weekday (0 = Sunday) against the reference day.
func (m *matcher) weekday(wd, shift, tense int) briefing.Day {
	rw := weekdayOf(m.ref)
	switch {
	case shift == shThis:
		return mondayOf(m.ref) + briefing.Day((wd+6)%7)
	case shift == shNone && wd == rw:
		// A weekday named in an article published on that weekday is the
		// day itself: "said Friday" in Friday's paper.
		return m.ref
	case shift == shLast || (shift == shNone && tense < 0):
		back := (rw - wd + 7) % 7
		if back == 0 {
			back = 7
		}
		return m.ref - briefing.Day(back)
	case shift == shNext || tense > 0:
		fwd := (wd - rw + 7) % 7
		if fwd == 0 {
			fwd = 7
		}
		return m.ref + briefing.Day(fwd)
	}
	return m.ref - briefing.Day((rw-wd+7)%7)
}

// weekend resolves "the weekend": the latest one starting on or before the
// reference day, or for future tense the next one not yet over.
func (m *matcher) weekend(tense int) briefing.Day {
	sat := mondayOf(m.ref) + 5
	if tense > 0 {
		if sat+1 < m.ref {
			sat += 7
		}
		return sat
	}
	if sat > m.ref {
		sat -= 7
	}
	return sat
}

// itoa formats a non-negative count.
func itoa(n int) string { return strconv.Itoa(n) }
