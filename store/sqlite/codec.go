package sqlite

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
)

// Sort keys. An event's sortkey, which is also its events_fts rowid, is
// (Lo + dayBias) << 32 | ID, so ascending sortkeys list events by interval
// start and then ID: the timeline order. Lo is limited to years 1-9999, which
// keeps Lo + dayBias positive and below 2^22, and IDs to 32 bits.
const (
	dayBias = 1 << 20
	idBits  = 32
	idMask  = 1<<idBits - 1
)

var (
	minDay = briefing.Date(1, time.January, 1)
	maxDay = briefing.Date(9999, time.December, 31)
)

// sortKey returns the sortkey of an event starting on lo with the given ID.
func sortKey(lo briefing.Day, id int64) int64 {
	return (int64(lo)+dayBias)<<idBits | id
}

// dayKey returns the smallest sortkey of events starting on d, clamped to the
// supported range so that open bounds work.
func dayKey(d briefing.Day) int64 {
	d = min(max(d, minDay), maxDay)
	return sortKey(d, 0)
}

// dayKeyEnd returns the largest sortkey of events starting on d.
func dayKeyEnd(d briefing.Day) int64 {
	d = min(max(d, minDay), maxDay)
	return sortKey(d, idMask)
}

// micros encodes a time as microseconds since the Unix epoch. Every stored
// time, the zero time included, fits.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros decodes micros; the zero time comes back as the zero time.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// stored returns t as it reads back from the store: UTC, to the microsecond.
func stored(t time.Time) time.Time { return fromMicros(micros(t)) }

// ErrInvalid is wrapped by Ingest's errors for input no store could keep
// exactly: text that is not valid UTF-8 or holds NUL bytes, a date interval
// that ends before it starts or lies outside years 1-9999, a missing article
// or hash.
var ErrInvalid = errors.New("invalid input")

// checkText reports an error when s cannot be stored byte-exact by every
// store: it must be valid UTF-8 without NUL bytes.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%w: %s contains a NUL byte", ErrInvalid, field)
	}
	return nil
}

func checkDate(d briefing.EventDate) error {
	if d.Hi < d.Lo {
		return fmt.Errorf("%w: date interval %s..%s ends before it starts", ErrInvalid, d.Lo, d.Hi)
	}
	if d.Lo < minDay || d.Hi > maxDay {
		return fmt.Errorf("%w: date interval %d..%d is outside years 1-9999", ErrInvalid, d.Lo, d.Hi)
	}
	for _, f := range []struct{ name, v string }{{"date value", d.Value}, {"date mod", string(d.Mod)}, {"date origin", string(d.Origin)}} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

func checkCitation(c briefing.Citation) error {
	for _, f := range []struct{ name, v string }{{"citation source", c.Source}, {"citation URL", c.URL}, {"citation title", c.Title}, {"citation sentence", c.Sentence}} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

func checkList(field string, l []string) error {
	for _, v := range l {
		if err := checkText(field, v); err != nil {
			return err
		}
	}
	return nil
}

// Span tokens. A multi-day event is indexed with the months it covers
// (m2025_05) or, when it covers more than maxMonthTokens months, the years
// (y2025), or beyond maxYearTokens years the single token "wide". Any event
// whose interval contains day d therefore carries one of spanTerms(d).
const (
	maxMonthTokens = 36
	maxYearTokens  = 200
)

func monthToken(y int, m time.Month) string { return fmt.Sprintf("m%04d_%02d", y, int(m)) }
func yearToken(y int) string                { return "y" + fmt.Sprintf("%04d", y) }

// spanTokens returns the coverage tokens of an event date, or "" for a
// single-day event, which cannot straddle another day.
func spanTokens(d briefing.EventDate) string {
	if d.Hi <= d.Lo {
		return ""
	}
	ly, lm := d.Lo.Year(), d.Lo.Month()
	hy, hm := d.Hi.Year(), d.Hi.Month()
	months := (hy-ly)*12 + int(hm) - int(lm) + 1
	var toks []string
	switch {
	case months <= maxMonthTokens:
		y, m := ly, lm
		for range months {
			toks = append(toks, monthToken(y, m))
			if m == time.December {
				y, m = y+1, time.January
			} else {
				m++
			}
		}
	case hy-ly+1 <= maxYearTokens:
		for y := ly; y <= hy; y++ {
			toks = append(toks, yearToken(y))
		}
	default:
		toks = []string{"wide"}
	}
	return strings.Join(toks, " ")
}

// spanMatch returns the FTS5 expression matching every multi-day event whose
// interval contains d.
func spanMatch(d briefing.Day) string {
	d = min(max(d, minDay), maxDay)
	return "span : (" + monthToken(d.Year(), d.Month()) + " OR " + yearToken(d.Year()) + " OR wide)"
}

// ftsString quotes s as an FTS5 string, doubling embedded quotes.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// matchExpr builds the FTS5 MATCH expression of q, or "" when q has no
// free-text phrase and no actor or topic filter. Every part is a quoted
// string, so nothing the user typed is read as FTS5 syntax.
func matchExpr(q briefing.Query) string {
	var parts []string
	for _, p := range q.Phrases {
		var toks []string
		for _, t := range p {
			if t = strings.TrimSpace(t); t != "" {
				toks = append(toks, t)
			}
		}
		if len(toks) > 0 {
			parts = append(parts, "{text tags} : "+ftsString(strings.Join(toks, " ")))
		}
	}
	for _, a := range q.Actors {
		if a != "" {
			parts = append(parts, "actors : "+ftsString(a))
		}
	}
	for _, t := range q.Topics {
		if t != "" {
			parts = append(parts, "topics : "+ftsString(t))
		}
	}
	return strings.Join(parts, " AND ")
}
