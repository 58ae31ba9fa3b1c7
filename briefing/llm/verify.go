package llm

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
)

// ErrUnsupported is wrapped by the error of a summary sentence that states a
// name, number or date its events do not.
var ErrUnsupported = errors.New("summary not supported by its events")

// UnsupportedError names the first sentence of a summary, and the first
// thing in it, that the events do not support. It wraps ErrUnsupported.
type UnsupportedError struct {
	Sentence int    // 1 for the first sentence
	Text     string // the sentence
	Kind     string // "name", "number" or "date"
	Token    string // as the sentence writes it: "Erdogan", "1,200", "18 May"
}

// Error names the sentence, by number and text, and the unsupported token.
func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%v: sentence %d %q: %s %q is not in the events",
		ErrUnsupported, e.Sentence, clip(e.Text, 160), e.Kind, clip(e.Token, 60))
}

// Unwrap makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// Verify checks that every sentence states only names, numbers and dates
// found in evs, and returns nil if so, else an *UnsupportedError for the
// first sentence and token that are not.
//
// The source material is each event's summary, date (as EventDate.String
// renders it and as its ISO value), actor and topic IDs, and its citations'
// sentences, titles and source names. In a sentence:
//
//   - Numbers are written in digits ("1,000" and "1000" are the same,
//     "1.5 million" is 1500000) or in words ("twelve", "twenty-five", "two
//     hundred"; "one" only before hundred, thousand, million...). Each must
//     occur in the source material, written either way; the number of
//     events and of an event's sources count too.
//   - Dates are month names with a day and/or a year ("16 May", "May 16,
//     2025", "8-10 May", "Sept. 3"), ISO dates, years, weekdays and
//     ordinal days ("the 16th"). Each must match an event's date or a date
//     its text states: "16 May" needs a 16 May, "May 2025" any day or
//     mention of May 2025, "Friday" an event on a Friday or a text naming
//     Friday.
//   - Names are runs of capitalised words ("Rustem Umerov", "The Hague");
//     one must occur in the source material as a phrase, case aside, or
//     else each of its words must. The first word of a sentence or of a
//     quotation is capitalised anyway, so it alone is not taken for a name.
//
// The check is lexical: it catches invented details, not a wrong relation
// between true ones ("Kyiv rejected" for "Moscow rejected").
func Verify(sentences []string, evs []*briefing.Event) error {
	if len(sentences) == 0 {
		return nil
	}
	sup := newSupport(evs)
	for i, s := range sentences {
		for _, f := range extract(s) {
			if !sup.supports(f) {
				return &UnsupportedError{Sentence: i + 1, Text: s, Kind: f.kind.String(), Token: s[f.start:f.end]}
			}
		}
	}
	return nil
}

// --- tokens ---

type tokKind uint8

const (
	tWord tokKind = iota
	tNum
	tPunct
)

// token is a word, a number or one punctuation rune of a text.
type token struct {
	kind       tokKind
	start, end int // byte offsets in the text
	// norm is, for a word, its lower case with dots and a possessive
	// "'s" removed ("U.S." -> "us", "Putin's" -> "putin"); for a number,
	// its canonical value (numKey); for punctuation, the rune.
	norm  string
	upper bool // a word starting with an upper-case letter

	// Numbers only.
	val    *big.Rat // nil when too long to compute with
	plain  bool     // digits only: no thousands separator, no decimals
	ival   int      // the value of a plain number of at most 4 digits, else -1
	digits int      // how many digits a plain number has
	suffix string   // letters attached, lower case: "th" in "16th", "bn" in "5bn"
}

// maxNumberDigits bounds the digits we compute with; a longer number
// (fuzzing, a serial number) is compared as written.
const maxNumberDigits = 40

// tokenize splits text into words, numbers and punctuation. Invalid UTF-8
// bytes become punctuation tokens.
func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r >= '0' && r <= '9':
			t := scanNumber(s, i)
			toks = append(toks, t)
			i = t.end
		case isWordRune(r):
			t := scanWord(s, i)
			toks = append(toks, t)
			i = t.end
		default:
			toks = append(toks, token{kind: tPunct, start: i, end: i + size, norm: s[i : i+size], ival: -1})
			i += size
		}
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || (unicode.IsDigit(r) && r != utf8.RuneError)
}

// scanWord reads a word at s[i]: letters and digits, inner apostrophes
// ("O'Brien", "Putin's") and the dots of an initialism ("U.S.").
func scanWord(s string, i int) token {
	j, seg, dotted := i, 0, false
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if isWordRune(r) {
			j += size
			seg++
			continue
		}
		if r == '\'' || r == '’' {
			if r2, _ := utf8.DecodeRuneInString(s[j+size:]); j+size < len(s) && unicode.IsLetter(r2) {
				j += size
				continue
			}
		}
		if r == '.' && seg == 1 && j+1 < len(s) {
			if r2, _ := utf8.DecodeRuneInString(s[j+1:]); unicode.IsLetter(r2) {
				j++
				seg, dotted = 0, true
				continue
			}
		}
		break
	}
	if dotted && seg == 1 && j < len(s) && s[j] == '.' {
		j++ // the last dot of "U.S."
	}
	w := s[i:j]
	first, _ := utf8.DecodeRuneInString(w)
	return token{kind: tWord, start: i, end: j, norm: normWord(w), upper: unicode.IsUpper(first) || unicode.IsTitle(first), ival: -1}
}

// normWord folds a word for comparison.
func normWord(w string) string {
	w = strings.ToLower(strings.ReplaceAll(w, "’", "'"))
	w = strings.ReplaceAll(w, ".", "")
	return strings.TrimSuffix(w, "'s")
}

// scanNumber reads a number at s[i]: digits with optional thousands
// separators ("1,000") and decimals ("1.5"), and letters attached ("16th").
func scanNumber(s string, i int) token {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	intPart, plain := s[i:j], true
	for j+3 < len(s) && s[j] == ',' && isDigit(s[j+1]) && isDigit(s[j+2]) && isDigit(s[j+3]) &&
		(j+4 == len(s) || !isDigit(s[j+4])) {
		intPart += s[j+1 : j+4]
		j += 4
		plain = false
	}
	frac := ""
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		k := j + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		frac, j, plain = s[j+1:k], k, false
	}
	k := j
	for k < len(s) {
		r, size := utf8.DecodeRuneInString(s[k:])
		if !unicode.IsLetter(r) {
			break
		}
		k += size
	}
	t := token{kind: tNum, start: i, end: k, plain: plain, ival: -1, suffix: strings.ToLower(s[j:k])}
	if plain {
		t.digits = len(intPart)
		if t.digits <= 4 {
			t.ival, _ = strconv.Atoi(intPart)
		}
	}
	if len(intPart)+len(frac) <= maxNumberDigits {
		lit := intPart
		if frac != "" {
			lit += "." + frac
		}
		if v, ok := new(big.Rat).SetString(lit); ok {
			t.val = v
		}
	}
	if t.val != nil {
		t.norm = t.val.RatString()
	} else {
		t.norm = "#" + strings.TrimLeft(intPart, "0") + "." + strings.TrimRight(frac, "0")
	}
	return t
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// --- facts ---

type factKind uint8

const (
	fName factKind = iota
	fNumber
	fDate
)

func (k factKind) String() string {
	switch k {
	case fName:
		return "name"
	case fNumber:
		return "number"
	}
	return "date"
}

// fact is one checkable thing a text states.
type fact struct {
	kind       factKind
	start, end int // byte span in the text

	num, base string // numbers: the value, and the value before a multiplier

	y, m, d, d2 int // dates: year, month, day, last day of a range; 0 if absent
	wd          int // dates: weekday+1, 0 if absent

	words     []string // names: normalised words
	skipFirst bool     // names: the first word opens a sentence or quotation
}

var monthNames = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

var monthAbbrevs = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
	"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var weekdayNames = map[string]int{
	"sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7,
}

// numberWords are the spelled numbers checked like digits. "one" counts
// only before a multiplier: alone it is mostly a pronoun ("one of them").
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
	"eighty": 80, "ninety": 90,
}

var multipliers = map[string]int64{
	"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
	"trillion": 1_000_000_000_000, "bn": 1_000_000_000,
}

// notNames are capitalised words that name nobody.
var notNames = map[string]bool{"i": true, "mr": true, "mrs": true, "ms": true, "mx": true, "dr": true}

// extract finds the dates, numbers and names text states, in text order.
func extract(text string) []fact {
	toks := tokenize(text)
	x := extractor{toks: toks, used: make([]bool, len(toks)), opens: opens(text, toks)}
	for i := 0; i < len(toks); {
		if f, n := x.date(i); n > 0 {
			x.take(i, n, f)
			i += n
		} else {
			i++
		}
	}
	for i := 0; i < len(toks); {
		if x.used[i] {
			i++
		} else if f, n := x.number(i); n > 0 {
			x.take(i, n, f)
			i += n
		} else {
			i++
		}
	}
	x.names()
	slices.SortStableFunc(x.facts, func(a, b fact) int { return a.start - b.start })
	return x.facts
}

// extractor holds the state of one extract call.
type extractor struct {
	toks  []token
	used  []bool // tokens already part of a fact
	opens []bool // tokens opening a sentence, clause or quotation
	facts []fact
}

func (x *extractor) take(i, n int, f fact) {
	for k := i; k < i+n; k++ {
		x.used[k] = true
	}
	f.start, f.end = x.toks[i].start, x.toks[i+n-1].end
	x.facts = append(x.facts, f)
}

// opens marks the tokens whose capital letter says nothing: the first word,
// and words after a colon, a sentence end or an opening quotation mark.
func opens(text string, toks []token) []bool {
	out := make([]bool, len(toks))
	seenWord := false
	for i, t := range toks {
		if t.kind == tPunct {
			continue
		}
		if !seenWord {
			out[i], seenWord = true, true
			continue
		}
		p := toks[i-1]
		if p.kind != tPunct {
			continue
		}
		switch p.norm {
		case ":", "!", "?", "“", "‘", "«":
			out[i] = true
		case ".":
			// Not after "Dr." or "J.": their dot is no sentence end.
			if w := toks[i-2]; w.kind != tWord || w.end != p.start || !isAbbrev(text[w.start:w.end]) {
				out[i] = true
			}
		case "\"", "'":
			// An opening quote touches the word after it, not the one before.
			out[i] = p.end == t.start && (i < 2 || toks[i-2].end < p.start || toks[i-2].kind == tPunct)
		}
	}
	return out
}

// at returns token i, or a zero punctuation token when i is out of range.
func (x *extractor) at(i int) token {
	if i < 0 || i >= len(x.toks) || x.used[i] {
		return token{kind: tPunct, ival: -1}
	}
	return x.toks[i]
}

// isPunct reports whether token i is one of the punctuation marks given.
func (x *extractor) isPunct(i int, marks ...string) bool {
	t := x.at(i)
	return t.kind == tPunct && t.norm != "" && slices.Contains(marks, t.norm)
}

func (x *extractor) adjacent(i, j int) bool {
	return i >= 0 && j < len(x.toks) && x.toks[i].end == x.toks[j].start
}

// isDay: 1 to 31 in one or two digits, bare or ordinal ("16", "16th").
func isDay(t token) bool {
	return t.kind == tNum && t.plain && t.digits <= 2 && t.ival >= 1 && t.ival <= 31 &&
		(t.suffix == "" || isOrdinal(t.suffix))
}

func isOrdinal(s string) bool { return s == "st" || s == "nd" || s == "rd" || s == "th" }

// isYear: four digits from 1800 to 2199, bare or a decade ("1990s").
func isYear(t token) bool {
	return t.kind == tNum && t.plain && t.digits == 4 && t.ival >= 1800 && t.ival <= 2199 &&
		(t.suffix == "" || t.suffix == "s")
}

// month returns the month token i names and how many tokens it takes (an
// abbreviation may take its dot), or 0. A capitalised month name is a
// month, but "May" opening a sentence only before a number (else it is
// the verb) and an abbreviation only next to a number ("Jan 5", not "Jan
// Kowalski").
func (x *extractor) month(i int) (m, n int) {
	t := x.at(i)
	if t.kind != tWord || !t.upper {
		return 0, 0
	}
	if m := monthNames[t.norm]; m > 0 {
		if m == 5 && x.opens[i] && x.at(i+1).kind != tNum {
			return 0, 0
		}
		return m, 1
	}
	if m := monthAbbrevs[t.norm]; m > 0 {
		if x.at(i+1).kind == tNum {
			return m, 1
		}
		if x.isPunct(i+1, ".") && x.at(i+2).kind == tNum {
			return m, 2
		}
		if x.at(i-1).kind == tNum {
			if x.isPunct(i+1, ".") {
				return m, 2
			}
			return m, 1
		}
	}
	return 0, 0
}

// date matches a date starting at token i and returns it with the number
// of tokens it takes, or n == 0.
func (x *extractor) date(i int) (f fact, n int) {
	f.kind = fDate
	t := x.at(i)
	// ISO: 2025-05-16 or 2025-05.
	if isYear(t) && t.suffix == "" && x.isPunct(i+1, "-") && x.adjacent(i, i+1) && x.adjacent(i+1, i+2) {
		if mt := x.at(i + 2); mt.kind == tNum && mt.plain && mt.digits == 2 && mt.suffix == "" && mt.ival >= 1 && mt.ival <= 12 {
			f.y, f.m, n = t.ival, mt.ival, 3
			if dt := x.at(i + 4); x.isPunct(i+3, "-") && x.adjacent(i+2, i+3) && x.adjacent(i+3, i+4) &&
				dt.kind == tNum && dt.plain && dt.digits == 2 && dt.suffix == "" && dt.ival >= 1 && dt.ival <= 31 {
				f.d, n = dt.ival, 5
			}
			return f, n
		}
	}
	// Day first: 16 May, 16th of May, 8-10 May 2025.
	if isDay(t) {
		j, d2 := i+1, 0
		if x.rangeJoin(j) && isDay(x.at(j+1)) {
			d2, j = x.at(j+1).ival, j+2
		}
		if w := x.at(j); w.kind == tWord && w.norm == "of" {
			j++
		}
		if m, mn := x.month(j); m > 0 {
			f.d, f.d2, f.m = t.ival, d2, m
			j += mn
			return x.year(f, j, i)
		}
	}
	// Month first: May 16, May 16, 2025, May 8-10, May 2025, May.
	if m, mn := x.month(i); m > 0 {
		f.m = m
		j := i + mn
		if dt := x.at(j); isDay(dt) {
			f.d = dt.ival
			j++
			if x.rangeJoin(j) && isDay(x.at(j+1)) {
				f.d2, j = x.at(j+1).ival, j+2
			}
			return x.year(f, j, i)
		}
		if isYear(x.at(j)) {
			f.y = x.at(j).ival
			return f, j + 1 - i
		}
		return f, mn
	}
	if t.kind == tWord && t.upper && weekdayNames[t.norm] > 0 {
		f.wd = weekdayNames[t.norm]
		return f, 1
	}
	if isYear(t) {
		f.y = t.ival
		return f, 1
	}
	if isDay(t) && t.suffix != "" { // "the 16th"
		f.d = t.ival
		return f, 1
	}
	return f, 0
}

// rangeJoin reports whether token j joins the two days of a range: "8-10
// May", "8 to 10 May", "May 8 through 10".
func (x *extractor) rangeJoin(j int) bool {
	if x.isPunct(j, "-", "–") {
		return true
	}
	w := x.at(j)
	return w.kind == tWord && (w.norm == "to" || w.norm == "through" || w.norm == "and")
}

// year completes date f at token j with a year ("2025" or ", 2025") when
// one follows, and returns f and its length from token i.
func (x *extractor) year(f fact, j, i int) (fact, int) {
	if isYear(x.at(j)) && x.at(j).suffix == "" {
		f.y = x.at(j).ival
		return f, j + 1 - i
	}
	if x.isPunct(j, ",") && isYear(x.at(j+1)) && x.at(j+1).suffix == "" {
		f.y = x.at(j + 1).ival
		return f, j + 2 - i
	}
	return f, j - i
}

// number matches a number starting at token i: digits or number words,
// then multipliers ("1.5 million", "two hundred", "5bn").
func (x *extractor) number(i int) (f fact, n int) {
	f.kind = fNumber
	t := x.at(i)
	var val *big.Rat
	j := i + 1
	switch t.kind {
	case tNum:
		val, f.base = t.val, t.norm
		if m := multipliers[t.suffix]; m > 0 && val != nil {
			val = new(big.Rat).Mul(val, new(big.Rat).SetInt64(m))
		}
	case tWord:
		v := numberWords[t.norm]
		if v == 0 {
			return f, 0
		}
		// "twenty-five"
		if v >= 20 && x.isPunct(j, "-") && x.adjacent(i, j) && x.adjacent(j, j+1) {
			if u := numberWords[x.at(j+1).norm]; u >= 1 && u <= 9 && x.at(j+1).kind == tWord {
				v += u
				j += 2
			}
		}
		if v == 1 && multipliers[x.at(j).norm] == 0 {
			return f, 0
		}
		val = new(big.Rat).SetInt64(int64(v))
		f.base = val.RatString()
	default:
		return f, 0
	}
	for k := 0; k < 3; k++ { // "three hundred thousand"
		w := x.at(j)
		m := multipliers[w.norm]
		if w.kind != tWord || m == 0 || val == nil {
			break
		}
		val = new(big.Rat).Mul(val, new(big.Rat).SetInt64(m))
		j++
	}
	f.num = f.base
	if val != nil {
		f.num = val.RatString()
	}
	return f, j - i
}

// names gathers runs of capitalised words not taken by a date or number.
func (x *extractor) names() {
	isName := func(i int) bool {
		t := x.at(i)
		return t.kind == tWord && t.upper && !notNames[t.norm]
	}
	for i := 0; i < len(x.toks); i++ {
		if !isName(i) {
			continue
		}
		words, second := []string{x.toks[i].norm}, -1
		j := i + 1
		for j < len(x.toks) {
			if isName(j) {
				if second < 0 {
					second = j
				}
				words = append(words, x.toks[j].norm)
				j++
				continue
			}
			// "Al-Assad", "Bosnia-Herzegovina"
			if x.isPunct(j, "-") && x.adjacent(j-1, j) && x.adjacent(j, j+1) && isName(j+1) {
				j++
				continue
			}
			break
		}
		switch {
		case !x.opens[i]:
			x.facts = append(x.facts, fact{kind: fName, start: x.toks[i].start, end: x.toks[j-1].end, words: words})
		case second > 0:
			// Reported from the second word: the first is capitalised
			// anyway and is not checked alone.
			x.facts = append(x.facts, fact{kind: fName, start: x.toks[second].start, end: x.toks[j-1].end, words: words, skipFirst: true})
		}
		i = j - 1
	}
}

// --- support ---

type ymd struct{ y, m, d int }
type md struct{ m, d int }
type ym struct{ y, m int }

// support indexes what the events state.
type support struct {
	corpus    string          // the words of every text, " a b | c d "
	words     map[string]bool // every word
	nums      map[string]bool // number values
	days      map[ymd]bool    // full dates
	monthDays map[md]bool     // day and month, any year
	bareDays  map[md]bool     // day and month stated without a year
	monthsOf  map[ym]bool     // months of a year
	months    map[int]bool
	years     map[int]bool
	weekdays  map[int]bool // weekday+1
	doms      map[int]bool // days of the month
}

// maxDays bounds the days one event date contributes.
const maxDays = 62

func newSupport(evs []*briefing.Event) *support {
	s := &support{
		words: map[string]bool{}, nums: map[string]bool{}, days: map[ymd]bool{},
		monthDays: map[md]bool{}, bareDays: map[md]bool{}, monthsOf: map[ym]bool{},
		months: map[int]bool{}, years: map[int]bool{}, weekdays: map[int]bool{}, doms: map[int]bool{},
	}
	var corpus strings.Builder
	addText := func(text string) {
		if text == "" {
			return
		}
		corpus.WriteString(" |")
		for _, t := range tokenize(text) {
			if t.kind == tWord {
				corpus.WriteByte(' ')
				corpus.WriteString(t.norm)
				s.words[t.norm] = true
			}
		}
		for _, f := range extract(text) {
			s.addFact(f)
		}
	}
	n := 0
	for _, ev := range evs {
		if ev == nil {
			continue
		}
		n++
		addText(ev.Summary)
		if !ev.Date.IsZero() {
			addText(ev.Date.String())
			addText(ev.Date.Value)
			s.addEventDate(ev.Date)
		}
		for _, id := range append(slices.Clone(ev.Actors), ev.Topics...) {
			addText(strings.NewReplacer("_", " ", "-", " ").Replace(id))
		}
		for _, c := range ev.Citations {
			addText(c.Sentence)
			addText(c.Title)
			addText(c.Source)
		}
		if k := len(ev.Sources()); k > 0 {
			s.nums[strconv.Itoa(k)] = true
		}
	}
	s.nums[strconv.Itoa(n)] = true
	corpus.WriteString(" |")
	s.corpus = corpus.String()
	return s
}

// addFact records a fact found in the source material.
func (s *support) addFact(f fact) {
	switch f.kind {
	case fNumber:
		s.nums[f.num] = true
		s.nums[f.base] = true
	case fDate:
		switch {
		case f.wd > 0:
			s.weekdays[f.wd] = true
		case f.m > 0 && f.d > 0:
			last := f.d
			if f.d2 > f.d {
				last = f.d2
			}
			for d := f.d; d <= last; d++ {
				if f.y > 0 {
					s.addDay(f.y, f.m, d)
				} else {
					s.monthDays[md{f.m, d}] = true
					s.bareDays[md{f.m, d}] = true
					s.doms[d] = true
				}
			}
			if f.d2 > 0 && f.d2 < f.d { // "30-2 May": keep the two ends
				if f.y > 0 {
					s.addDay(f.y, f.m, f.d2)
				} else {
					s.monthDays[md{f.m, f.d2}] = true
					s.bareDays[md{f.m, f.d2}] = true
					s.doms[f.d2] = true
				}
			}
			s.months[f.m] = true
		case f.m > 0 && f.y > 0:
			s.monthsOf[ym{f.y, f.m}] = true
			s.months[f.m] = true
			s.years[f.y] = true
		case f.m > 0:
			s.months[f.m] = true
		case f.y > 0:
			s.years[f.y] = true
			s.nums[strconv.Itoa(f.y)] = true
		case f.d > 0:
			s.doms[f.d] = true
		}
	}
}

// addDay records a full date.
func (s *support) addDay(y, m, d int) {
	s.days[ymd{y, m, d}] = true
	s.monthDays[md{m, d}] = true
	s.monthsOf[ym{y, m}] = true
	s.months[m] = true
	s.years[y] = true
	s.doms[d] = true
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() == d {
		s.weekdays[int(t.Weekday())+1] = true
	}
}

// addEventDate records an event's date: each day of a day or week date,
// each month of a month date, each year of any date.
func (s *support) addEventDate(d briefing.EventDate) {
	lo, hi := d.Lo, d.Hi
	if hi < lo {
		lo, hi = hi, lo
	}
	for y := lo.Year(); y <= hi.Year() && y <= lo.Year()+20; y++ {
		s.years[y] = true
	}
	switch {
	case (d.Gran == briefing.GranDay || d.Gran == briefing.GranWeek) && int(hi-lo) < maxDays:
		for day := lo; day <= hi; day++ {
			s.addDay(day.Year(), int(day.Month()), day.Dom())
		}
	case d.Gran == briefing.GranMonth:
		for k, t := 0, lo.Time(); k < 24 && !t.After(hi.Time()); k, t = k+1, t.AddDate(0, 1, 1-t.Day()) {
			s.monthsOf[ym{t.Year(), int(t.Month())}] = true
			s.months[int(t.Month())] = true
		}
	}
}

// supports reports whether the source material states f.
func (s *support) supports(f fact) bool {
	switch f.kind {
	case fNumber:
		return s.nums[f.num]
	case fName:
		if strings.Contains(s.corpus, " "+strings.Join(f.words, " ")+" ") {
			return true
		}
		for i, w := range f.words {
			if i == 0 && f.skipFirst {
				continue
			}
			if !s.words[w] {
				return false
			}
		}
		return true
	}
	switch {
	case f.wd > 0:
		return s.weekdays[f.wd]
	case f.m > 0 && f.d > 0:
		for _, d := range []int{f.d, f.d2} {
			if d == 0 {
				continue
			}
			if f.y > 0 && !s.days[ymd{f.y, f.m, d}] && !(s.bareDays[md{f.m, d}] && s.years[f.y]) {
				return false
			}
			if f.y == 0 && !s.monthDays[md{f.m, d}] {
				return false
			}
		}
		return true
	case f.m > 0 && f.y > 0:
		return s.monthsOf[ym{f.y, f.m}]
	case f.m > 0:
		return s.months[f.m]
	case f.y > 0:
		return s.years[f.y] || s.nums[strconv.Itoa(f.y)]
	case f.d > 0:
		return s.doms[f.d] || s.nums[strconv.Itoa(f.d)]
	}
	return true
}
