// Package textnorm turns text into the search tokens that briefbot indexes and
// queries with. Indexing and querying must agree exactly, or "/timeline
// ceasefire" misses an article that wrote "cease-fire"; so both sides call
// Tokens and nothing else.
//
// The pipeline: Unicode compatibility decomposition with combining marks
// dropped (so "Zelenskyy" and "Zelenskỹy" meet), lower case, words with their
// inner hyphens, apostrophes and dotted abbreviations kept together, a few
// open compounds joined ("cease fire"), a small synonym lexicon (truce =
// ceasefire, swap = exchange, POW = prisoner of war), stop words dropped, and
// the Snowball English stemmer. A hyphenated compound is indexed in its joined
// form, with its parts after the text (see Tokens). Every output token
// matches [a-z0-9]+.
package textnorm

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// MaxTokenLen bounds a token; longer runs (base64 blobs, URLs without
// separators) are cut so one hostile word cannot bloat the index.
const MaxTokenLen = 64

// synonyms maps a lower-case word to the words it stands for. Both sides of
// the search see the replacement, so a reader's word and a reporter's word
// meet in the index.
var synonyms = map[string][]string{
	"truce":      {"ceasefire"},
	"truces":     {"ceasefire"},
	"armistice":  {"ceasefire"},
	"swap":       {"exchange"},
	"swaps":      {"exchange"},
	"swapped":    {"exchange"},
	"swapping":   {"exchange"},
	"pow":        {"prisoner", "war"},
	"pows":       {"prisoner", "war"},
	"usa":        {"usa"},
	"america":    {"usa"},
	"american":   {"usa"},
	"americans":  {"usa"},
	"telephone":  {"phone"},
	"negotiator": {"negotiate"},
}

// openCompounds are written both as one word and as two; the pair is
// rewritten so that both spellings index alike.
var openCompounds = map[[2]string]string{
	{"cease", "fire"}:     "ceasefire",
	{"peace", "keeping"}:  "peacekeeping",
	{"peace", "keepers"}:  "peacekeepers",
	{"counter", "attack"}: "counterattack",
	{"united", "states"}:  "usa",
}

// Tokens returns the normalised index tokens of s: every word in text order,
// compounds in their joined form, followed by the parts of each compound
// ("a cease-fire held" -> ceasefir held ceas fire). Keeping the parts out of
// line lets a phrase written with either spelling match, and a single part
// ("fire") still finds the compound. Invalid UTF-8 is treated as separators;
// the result may be empty.
func Tokens(s string) []string { return (*Cache)(nil).Tokens(s) }

// Terms returns the normalised query terms of s: the same words as Tokens,
// compounds joined, without the trailing parts. Every term of Terms(s)
// appears in Tokens(s), in the same order, so a phrase query built from
// Terms matches the text it was typed from.
func Terms(s string) []string { return (*Cache)(nil).Terms(s) }

// Stems is Terms with the stop words kept: "call with" stays two words, so
// a cue phrase can tell "a call with Putin" from "called on Putin".
func Stems(s string) []string { return (*Cache)(nil).Stems(s) }

// Cache remembers stems, the costly step of normalisation, for a bounded
// number of distinct words. Its methods give exactly what the package
// functions of the same names give. It is safe for concurrent use; a nil
// *Cache caches nothing.
type Cache struct {
	mu    sync.Mutex
	stems map[string]string
	max   int
}

// NewCache returns a cache for up to max words; past that it starts over.
func NewCache(max int) *Cache { return &Cache{stems: map[string]string{}, max: max} }

// Tokens is the package function Tokens, with stems cached.
func (c *Cache) Tokens(s string) []string {
	main, parts := c.split(s, false)
	return append(main, parts...)
}

// Terms is the package function Terms, with stems cached.
func (c *Cache) Terms(s string) []string {
	main, _ := c.split(s, false)
	return main
}

// Stems is the package function Stems, with stems cached.
func (c *Cache) Stems(s string) []string {
	main, _ := c.split(s, true)
	return main
}

func (c *Cache) stem(w string) string {
	if c == nil {
		return stem(w)
	}
	c.mu.Lock()
	st, ok := c.stems[w]
	c.mu.Unlock()
	if ok {
		return st
	}
	st = stem(w)
	c.mu.Lock()
	if len(c.stems) >= c.max {
		clear(c.stems)
	}
	c.stems[w] = st
	c.mu.Unlock()
	return st
}

func (c *Cache) split(s string, keepStop bool) (main, parts []string) {
	appendWord := func(out []string, w string) []string { return c.appendWord(out, w, keepStop) }
	words := Words(s)
	main = make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) && !strings.Contains(w, "-") {
			if joined, ok := openCompounds[[2]string{w, words[i+1]}]; ok {
				main = appendWord(main, joined)
				parts = appendWord(appendWord(parts, w), words[i+1])
				i++
				continue
			}
		}
		if !strings.Contains(w, "-") {
			main = appendWord(main, w)
			continue
		}
		ps := strings.FieldsFunc(w, func(r rune) bool { return r == '-' })
		if len(ps) == 2 {
			if joined, ok := openCompounds[[2]string{ps[0], ps[1]}]; ok {
				main = appendWord(main, joined)
				parts = appendWord(appendWord(parts, ps[0]), ps[1])
				continue
			}
		}
		main = appendWord(main, strings.Join(ps, ""))
		for _, p := range ps {
			parts = appendWord(parts, p)
		}
	}
	return main, parts
}

// appendWord adds the stemmed form of one word, applying synonyms and
// dropping stop words unless keepStop is set.
func (c *Cache) appendWord(out []string, w string, keepStop bool) []string {
	if w == "" {
		return out
	}
	if syn, ok := synonyms[w]; ok {
		for _, s := range syn {
			out = append(out, c.stem(s))
		}
		return out
	}
	if stopWords[w] && !keepStop {
		return out
	}
	return append(out, c.stem(w))
}

func stem(w string) string {
	if len(w) <= 2 || !isLetters(w) {
		return w
	}
	s := english.Stem(w, false)
	if s == "" {
		return w
	}
	return s
}

func isLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// IsStopWord reports whether the lower-case word w carries no meaning for
// search on its own.
func IsStopWord(w string) bool { return stopWords[w] }

// Words splits s into lower-case ASCII-folded words. Inner hyphens are kept
// ("cease-fire"); apostrophes and possessives are dropped ("Trump's" ->
// trump); dotted abbreviations are joined ("U.S." -> usa, "U.N." -> un);
// digit groups are joined ("1,000" -> 1000). Words longer than MaxTokenLen
// are cut.
func Words(s string) []string {
	s = Fold(s)
	var words []string
	var b strings.Builder
	flush := func() {
		w := strings.Trim(b.String(), "-")
		b.Reset()
		if w == "" {
			return
		}
		if len(w) > MaxTokenLen {
			w = w[:MaxTokenLen]
		}
		words = append(words, w)
	}
	n := len(s)
	for i := 0; i < n; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '-':
			// keep a hyphen between two word characters
			if b.Len() > 0 && i+1 < n && isWordByte(s[i+1]) {
				b.WriteByte('-')
			} else {
				flush()
			}
		case c == '\'':
			// possessive or contraction: drop "'s", join "don't" -> dont
			if b.Len() > 0 && i+1 < n && s[i+1] == 's' && (i+2 == n || !isWordByte(s[i+2])) {
				i++ // skip the s
				flush()
			} else if b.Len() > 0 && i+1 < n && isWordByte(s[i+1]) {
				continue
			} else {
				flush()
			}
		case c == ',':
			// digit grouping: 1,000
			if b.Len() > 0 && isDigit(s[i-1]) && i+3 < n+1 && i+3 <= n-0 && threeDigits(s, i+1) {
				continue
			}
			flush()
		case c == '.':
			// dotted abbreviation: a single letter, a dot, a letter, a dot (U.S., U.N.)
			if b.Len() == 1 && i+2 < n && isLetter(s[i+1]) && s[i+2] == '.' {
				continue
			}
			if b.Len() >= 2 && isAbbrevSoFar(b.String()) && i+2 < n && isLetter(s[i+1]) && s[i+2] == '.' {
				continue
			}
			if b.Len() > 0 && isDigit(s[i-1]) && i+1 < n && isDigit(s[i+1]) {
				continue // 2.5 -> 25 is wrong, but keeps numbers one token
			}
			if b.Len() == 2 && isAbbrevSoFar(b.String()) && i >= 3 && s[i-2] == '.' {
				// end of U.S.: b holds "us"
				w := b.String()
				b.Reset()
				if w == "us" {
					w = "usa"
				}
				words = append(words, w)
				continue
			}
			flush()
		default:
			flush()
		}
	}
	flush()
	return words
}

func isAbbrevSoFar(w string) bool { return len(w) <= 3 && isLetters(w) }

func threeDigits(s string, i int) bool {
	if i+3 > len(s) {
		return false
	}
	for j := i; j < i+3; j++ {
		if !isDigit(s[j]) {
			return false
		}
	}
	return i+3 == len(s) || !isDigit(s[i+3])
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isLetter(c byte) bool   { return c >= 'a' && c <= 'z' }
func isWordByte(c byte) bool { return isDigit(c) || isLetter(c) }

// Fold lower-cases s, strips diacritics and maps typographic apostrophes,
// dashes and non-ASCII letters without an ASCII base to separators or their
// closest ASCII form. Invalid UTF-8 becomes a space.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			b.WriteByte(' ')
			continue
		}
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		switch r {
		case '\u2019', '\u2018', '\u02bc', '\u2032':
			b.WriteByte('\'')
			continue
		case '\u2010', '\u2011':
			b.WriteByte('-')
			continue
		case 'ß':
			b.WriteString("ss")
			continue
		case 'æ', 'Æ':
			b.WriteString("ae")
			continue
		case 'ø', 'Ø':
			b.WriteByte('o')
			continue
		case 'ł', 'Ł':
			b.WriteByte('l')
			continue
		case 'đ', 'Đ':
			b.WriteByte('d')
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		wrote := false
		for _, d := range norm.NFKD.String(string(buf[:n])) {
			if unicode.Is(unicode.Mn, d) {
				continue
			}
			d = unicode.ToLower(d)
			if d < utf8.RuneSelf {
				b.WriteByte(byte(d))
				wrote = true
			}
		}
		if !wrote {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
