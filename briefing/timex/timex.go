// Package timex finds temporal expressions in English news text and
// normalises them to TIMEX3-style values ("2025-05-16", "2025-W20", "P3Y")
// with a calendar interval briefbot can sort and filter on.
//
// Why it exists: no Go library normalises news dates well, and the timeline
// depends on getting "In late April", "from May 8 through May 10", "last week"
// and "met on Tuesday" right relative to the publication time. The rules are
// our own and written from scratch. HeidelTime and SUTime rule files are GPL
// licensed: do not look at, translate or copy them when extending this
// package.
//
// # How it works
//
// Find tokenizes the text by hand (words, numbers with their suffixes,
// punctuation, byte offsets kept) and runs a small recursive rule matcher over
// the tokens: at each token every rule family (ranges, dates, times,
// durations, sets, reference words) gets a bounded look-ahead and the longest
// match wins. There are no regular expressions and every rule looks at a
// fixed number of tokens, so Find is linear in the size of its input and
// cannot backtrack.
//
// # Year inference and tense
//
// A month or day without a year ("In December", "on May 19") and a bare
// weekday ("on Tuesday") are resolved against the reference time using the
// tense of their clause. The tense is the nearest cue word to the expression
// within its clause (clauses end at . ! ? ; :), looking both ways and
// preferring the left on a tie:
//
//   - future cues: will, 'll, shall, would, won't, going to, due to, plans,
//     scheduled, expected, upcoming, next, tomorrow, soon, ...
//   - past cues: was, were, had, did, been, said, met, told, ago, last,
//     yesterday, earlier, common irregular past forms, and words ending in
//     -ed that are not adjectives (not after a/an/the, not in a hyphenated
//     compound such as "U.S.-backed") and not passives (not after be/is/are).
//
// Resolution rules:
//
//   - month, day, season, quarter without a year: the nearest candidate
//     year, where a candidate on the other side of the reference day than
//     the clause's tense counts as four times as far for a day and is ruled
//     out for a month, season or quarter; with no cue a future candidate
//     counts as twice as far (news reports more than it announces). After a
//     deadline word (by, until, payable, effective, extended to) or before
//     "deadline" the tense is ignored.
//   - "last X"/"next X" (month, season, weekday) is strictly before/after the
//     reference period; "this X" is the one in the reference year (week, for a
//     weekday).
//   - weekday: the reference day's own weekday is the reference day ("said
//     Friday" in Friday's paper); otherwise past tense is the latest such day
//     strictly before the reference day; future tense the earliest strictly after; with no tense cue it is
//     the latest on or before the reference day (news mostly reports the past,
//     and "Tuesday's talks" in a Tuesday article is that day). Next to
//     "today" or "tonight" it may be the reference day itself.
//   - a date written with its weekday ("Thursday, May 15") takes the nearest
//     year in which that date falls on that weekday.
//   - a range of weekdays that is not in the future tense ("met from Monday
//     to Wednesday") must be over by the reference day.
//
// # Intervals
//
// Date carries the interval of DATE and TIME expressions that resolve to
// calendar days. Month modifiers follow briefing.MonthDate (early = 1-10,
// mid = 11-20, late = 21 to the end); the other periods are cut in thirds the
// same way (a year: January-April, May-August, September-December; a decade:
// years 0-3, 4-6, 7-9; a week: Monday-Wednesday, Wednesday-Friday,
// Friday-Sunday; a season or quarter: its first, middle and last month).
// "earlier this month" is the month from its first day to the reference day,
// "later this week" the reference day to Sunday; both keep the month or week
// value with no modifier. Seasons are meteorological and northern: spring is
// March-May, winter Y is December Y to February Y+1.
package timex

import (
	"sync"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// Type is the TIMEX3 type of an expression.
type Type string

// Expression types.
const (
	TypeDate     Type = "DATE"     // a calendar date or period, or a reference word (PRESENT_REF)
	TypeTime     Type = "TIME"     // a time of a day: 2025-05-13TNI, 2025-05-16T09:00
	TypeDuration Type = "DURATION" // a length of time: P3Y, PT2H
	TypeSet      Type = "SET"      // a recurrence: P1W, XXXX-WXX-1
)

// Expression is one temporal expression found in a text.
type Expression struct {
	// Start and End are the byte offsets of the expression in the text given
	// to Find: text[Start:End] == Text.
	Start, End int
	Text       string
	Type       Type
	// Value is the TIMEX3 value: 2025-05-16, 2025-04, 2025-W20, 2025-Q2,
	// 2025-SU, 2025, 199X, P3Y, P30D, PT2H, PRESENT_REF, PAST_REF,
	// FUTURE_REF, XXXX-WXX-1, 2025-05-13TNI, 2025-05-16T09:00, FY2025.
	Value string
	// Mod is the TIMEX3 modifier: START, MID, END, APPROX, BEFORE, AFTER,
	// MORE_THAN, LESS_THAN, EQUAL_OR_MORE, EQUAL_OR_LESS or "".
	Mod string
	// Date is set for DATE and TIME expressions that resolve to calendar
	// days: the interval, granularity, modifier and range flag, with Origin
	// briefing.OriginExplicit. For a TIME expression Date is its day (Date.Value
	// is the day, Value the time). It is zero for durations, sets, reference
	// words and values that are not calendar days (FY2025, XXXX-XX-XXT09:00).
	Date briefing.EventDate
	// Parts holds the two ends of a range ("from May 8 through May 10"
	// gives "May 8" and "May 10"), each with its own span, type, value and
	// Date; it is nil for other expressions.
	Parts []Expression
}

// Normalizer finds temporal expressions. It is safe for concurrent use; the
// zero value is ready to use.
type Normalizer struct {
	pool sync.Pool // *[]token buffers
}

// New returns a Normalizer.
func New() *Normalizer { return &Normalizer{} }

var defaultNormalizer Normalizer

// maxPooledTokens bounds the token buffers kept for reuse, so one huge input
// does not pin its memory.
const maxPooledTokens = 4096

// Find returns the temporal expressions in text (typically one sentence), in
// order and non-overlapping, normalised against ref, the publication time of
// the article. Relative expressions are resolved against the calendar date of
// ref in ref's own location. Find never panics; invalid UTF-8 is treated as
// punctuation.
func (n *Normalizer) Find(text string, ref time.Time) []Expression {
	if n == nil {
		n = &defaultNormalizer
	}
	if len(text) == 0 {
		return nil
	}
	bp, _ := n.pool.Get().(*[]token)
	if bp == nil {
		b := make([]token, 0, 64)
		bp = &b
	}
	toks := tokenize(text, (*bp)[:0])
	m := newMatcher(text, toks, ref)
	out := m.run()
	if cap(toks) <= maxPooledTokens {
		clear(toks) // drop references into text before pooling
		*bp = toks[:0]
		n.pool.Put(bp)
	}
	return out
}
