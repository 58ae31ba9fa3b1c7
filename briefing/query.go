package briefing

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing/textnorm"
)

// Query limits.
const (
	// MaxQueryLen bounds what a user may type; longer queries are refused.
	MaxQueryLen = 512
	// MaxQueryTerms bounds the number of terms and phrases.
	MaxQueryTerms = 16
	// DefaultPageSize is how many developments one answer shows.
	DefaultPageSize = 10
	// MaxPageSize bounds Query.Limit.
	MaxPageSize = 100
	// MaxSummaryDates bounds dates:N, and MaxSummaryLines lines:K, so that
	// a summary fits one chat message.
	MaxSummaryDates = 50
	MaxSummaryLines = 5
	// AllDates is Query.Dates for dates:all: every development, paged.
	AllDates = -1
)

// ErrBadQuery is wrapped by every query parsing error; the message after it
// is meant for the user.
var ErrBadQuery = errors.New("bad query")

// Query is a parsed timeline question. Phrases hold normalised terms (see
// textnorm.Terms): every phrase must match, its terms contiguous. Since and
// Until bound the event date (0 means open); an event matches when its
// interval [Lo, Hi] meets [Since, Until]. Actors and Topics are canonical IDs
// that must all be present.
type Query struct {
	Text    string // as typed
	Phrases [][]string
	Since   Day
	Until   Day
	Actors  []string
	Topics  []string
	Limit   int
	Offset  int
	// Dates and Lines shape the answer, not the matches: a long timeline
	// is summarised to Dates dates (0: the default) with up to Lines lines
	// each (0: the default); Dates == AllDates lists every development.
	Dates int
	Lines int
}

// HasText reports whether q has any free-text phrase.
func (q Query) HasText() bool { return len(q.Phrases) > 0 }

// ParseQuery parses what a user typed after /timeline:
//
//	ceasefire "prisoner exchange" since:2025-04 until:2025-05-20 actor:putin topic:talks
//
// Terms are normalised exactly as indexed text is. Dates accept 2025,
// 2025-04 and 2025-04-20; since: takes the start of the period and until: its
// end. Errors wrap ErrBadQuery and say what to type instead.
func ParseQuery(s string) (Query, error) {
	q := Query{Text: strings.TrimSpace(s), Limit: DefaultPageSize}
	if !utf8.ValidString(s) {
		return q, fmt.Errorf("%w: the query is not valid UTF-8 text", ErrBadQuery)
	}
	if len(s) > MaxQueryLen {
		return q, fmt.Errorf("%w: the query is %d bytes long; keep it under %d", ErrBadQuery, len(s), MaxQueryLen)
	}
	var free []string
	sawWords := false
	toks := lexQuery(s)
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		// a filter with a quoted value: actor:"the kremlin"
		if !tok.quoted && strings.HasSuffix(tok.text, ":") && i+1 < len(toks) && toks[i+1].quoted &&
			isFilterKey(strings.ToLower(strings.TrimSuffix(tok.text, ":"))) {
			tok = queryToken{text: tok.text + toks[i+1].text}
			i++
		}
		if tok.quoted {
			sawWords = true
			if terms := textnorm.Terms(tok.text); len(terms) > 0 {
				q.Phrases = append(q.Phrases, terms)
			}
			continue
		}
		key, val, isFilter := strings.Cut(tok.text, ":")
		key = strings.ToLower(key)
		if isFilter && isFilterKey(key) {
			if err := q.applyFilter(key, val); err != nil {
				return q, err
			}
			continue
		}
		free = append(free, tok.text)
	}
	if len(free) > 0 {
		text := strings.Join(free, " ")
		if len(textnorm.Words(text)) > 0 {
			sawWords = true
		}
		for _, t := range textnorm.Terms(text) {
			q.Phrases = append(q.Phrases, []string{t})
		}
	}
	q.Phrases = dedupPhrases(q.Phrases)
	if len(q.Phrases) > MaxQueryTerms {
		return q, fmt.Errorf("%w: %d search terms is too many; use at most %d", ErrBadQuery, len(q.Phrases), MaxQueryTerms)
	}
	if q.Since != 0 && q.Until != 0 && q.Until < q.Since {
		return q, fmt.Errorf("%w: until:%s is before since:%s", ErrBadQuery, q.Until, q.Since)
	}
	if !q.HasText() && len(q.Actors) == 0 && len(q.Topics) == 0 && q.Since == 0 && q.Until == 0 {
		if sawWords {
			return q, fmt.Errorf("%w: %q has only common words; try a name, a place or a topic such as ceasefire or prisoners", ErrBadQuery, q.Text)
		}
		return q, fmt.Errorf("%w: nothing to search for; try /timeline ceasefire or /timeline actor:putin since:2025-05", ErrBadQuery)
	}
	return q, nil
}

func isFilterKey(k string) bool {
	switch k {
	case "since", "until", "actor", "topic", "from", "to", "dates", "lines":
		return true
	}
	return false
}

func (q *Query) applyFilter(key, val string) error {
	val = strings.TrimSpace(val)
	if val == "" {
		return fmt.Errorf("%w: %s: needs a value, for example %s", ErrBadQuery, key, filterExample(key))
	}
	switch key {
	case "since", "from":
		lo, _, err := parsePeriod(val)
		if err != nil {
			return fmt.Errorf("%w: since:%s: %v", ErrBadQuery, val, err)
		}
		q.Since = lo
	case "until", "to":
		_, hi, err := parsePeriod(val)
		if err != nil {
			return fmt.Errorf("%w: until:%s: %v", ErrBadQuery, val, err)
		}
		q.Until = hi
	case "dates":
		if strings.EqualFold(val, "all") {
			q.Dates = AllDates
			return nil
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > MaxSummaryDates {
			return fmt.Errorf("%w: dates:%s: want a number of dates from 1 to %d, or dates:all for every development", ErrBadQuery, val, MaxSummaryDates)
		}
		q.Dates = n
	case "lines":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > MaxSummaryLines {
			return fmt.Errorf("%w: lines:%s: want a number of lines per date from 1 to %d", ErrBadQuery, val, MaxSummaryLines)
		}
		q.Lines = n
	case "actor", "topic":
		id := canonicalID(val)
		if id == "" {
			return fmt.Errorf("%w: %s:%s is not a name; try %s", ErrBadQuery, key, val, filterExample(key))
		}
		if key == "actor" {
			q.Actors = appendUnique(q.Actors, id)
		} else {
			q.Topics = appendUnique(q.Topics, id)
		}
	}
	return nil
}

func filterExample(key string) string {
	switch key {
	case "actor":
		return "actor:putin"
	case "topic":
		return "topic:ceasefire"
	case "until", "to":
		return "until:2025-05-20"
	case "dates":
		return "dates:10 or dates:all"
	case "lines":
		return "lines:2"
	}
	return "since:2025-04"
}

// canonicalID folds a user-typed name into an ID: lower-case ASCII letters,
// digits and underscores ("European Union" -> european_union).
func canonicalID(s string) string {
	words := textnorm.Words(strings.ReplaceAll(s, "_", " "))
	return strings.ReplaceAll(strings.Join(words, "_"), "-", "_")
}

// parsePeriod parses 2025, 2025-04 or 2025-04-20 into the days it covers.
func parsePeriod(s string) (lo, hi Day, err error) {
	parts := strings.Split(s, "-")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" || len(p) > 4 {
			return 0, 0, errors.New("want a date like 2025, 2025-04 or 2025-04-20")
		}
		nums[i] = n
	}
	switch {
	case len(nums) == 1 && nums[0] >= 1000:
		return Date(nums[0], 1, 1), Date(nums[0], 12, 31), nil
	case len(nums) == 2 && nums[0] >= 1000 && nums[1] >= 1 && nums[1] <= 12:
		lo := Date(nums[0], time.Month(nums[1]), 1)
		return lo, lo.LastOfMonth(), nil
	case len(nums) == 3 && nums[0] >= 1000:
		d, err := ParseDay(s)
		if err != nil {
			return 0, 0, errors.New("not a calendar date; want YYYY-MM-DD")
		}
		return d, d, nil
	}
	return 0, 0, errors.New("want a date like 2025, 2025-04 or 2025-04-20")
}

// ShowAllText returns query with its summary options (dates: and lines:)
// taken out and dates:all put at the end: the query that lists every
// development a summary of query was chosen from. It reads query with
// ParseQuery's lexer, so the options go whichever way they were written
// (dates:3, LINES:2, lines: "2"), and every other token comes back in
// order, quoted tokens in straight quotes and a filter with a quoted value
// (actor:"the kremlin") kept as one. For a query ParseQuery accepts,
// ParseQuery(ShowAllText(query)) matches the same developments, with Dates
// AllDates and Lines 0.
func ShowAllText(query string) string {
	var out []string
	toks := lexQuery(query)
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		if tok.quoted {
			out = append(out, `"`+tok.text+`"`)
			continue
		}
		key, _, isFilter := strings.Cut(tok.text, ":")
		key = strings.ToLower(key)
		joined := strings.HasSuffix(tok.text, ":") && i+1 < len(toks) && toks[i+1].quoted &&
			isFilterKey(strings.ToLower(strings.TrimSuffix(tok.text, ":")))
		if isFilter && (key == "dates" || key == "lines") {
			if joined {
				i++ // the option's quoted value goes with it
			}
			continue
		}
		if joined {
			out = append(out, tok.text+`"`+toks[i+1].text+`"`)
			i++
			continue
		}
		out = append(out, tok.text)
	}
	return strings.Join(append(out, "dates:all"), " ")
}

type queryToken struct {
	text   string
	quoted bool
}

// lexQuery splits on white space, keeping double-quoted (straight or curly)
// runs together. An unterminated quote runs to the end.
func lexQuery(s string) []queryToken {
	var out []queryToken
	var b strings.Builder
	inQuote := false
	flush := func(quoted bool) {
		if b.Len() > 0 {
			out = append(out, queryToken{text: b.String(), quoted: quoted})
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == '"' || r == '\u201c' || r == '\u201d':
			flush(inQuote)
			inQuote = !inQuote
		case !inQuote && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			flush(false)
		default:
			b.WriteRune(r)
		}
	}
	flush(inQuote)
	return out
}

func dedupPhrases(ps [][]string) [][]string {
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		k := strings.Join(p, " ")
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

func appendUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// SearchDoc is what a store indexes for one event, every field a
// space-separated list of tokens matching [a-z0-9_]+.
type SearchDoc struct {
	Text   string // normalised tokens of the summary
	Tags   string // normalised tokens of the actor and topic IDs, so "putin" finds "the Russian leader"
	Actors string // canonical actor IDs, for actor: filters
	Topics string // canonical topic IDs, for topic: filters
}

// SearchFields returns the SearchDoc for e. Stores index exactly this, and
// match Query.Phrases against Text and Tags.
func SearchFields(e *Event) SearchDoc { return SearchFieldsCached(nil, e) }

// SearchFieldsCached is SearchFields with stems remembered in c (which may
// be nil), for stores that index many events.
func SearchFieldsCached(c *textnorm.Cache, e *Event) SearchDoc {
	var tags []string
	for _, a := range e.Actors {
		tags = append(tags, c.Tokens(strings.ReplaceAll(a, "_", " "))...)
	}
	for _, t := range e.Topics {
		tags = append(tags, c.Tokens(strings.ReplaceAll(t, "_", " "))...)
	}
	return SearchDoc{
		Text:   strings.Join(c.Tokens(e.Summary), " "),
		Tags:   strings.Join(tags, " "),
		Actors: strings.Join(e.Actors, " "),
		Topics: strings.Join(e.Topics, " "),
	}
}
