package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a piece of the article text with its byte offset.
type Span struct {
	Start int
	Text  string
}

// abbreviations end in a period that does not end a sentence. Lower-case,
// without the final period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "lt": true,
	"col": true, "maj": true, "capt": true, "sgt": true, "gov": true, "sen": true, "rep": true,
	"rev": true, "st": true, "sr": true, "jr": true, "adm": true, "cmdr": true, "pres": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true,
	"fri": true, "sat": true, "sun": true,
	"no": true, "vs": true, "etc": true, "approx": true, "est": true, "inc": true, "corp": true,
	"co": true, "ltd": true, "dept": true, "univ": true, "fig": true, "vol": true, "ft": true,
	"mt": true, "ave": true, "blvd": true, "e.g": true, "i.e": true, "a.m": true, "p.m": true,
}

// Sentences splits text into sentences. A paragraph break (a blank line or
// a line break) always ends a sentence. Within a paragraph a sentence ends at
// '.', '!' or '?' (with any closing quotes or brackets after it) followed by
// white space and a capital letter, digit or opening quote; but not after an
// abbreviation ("U.S. President", "Jan. 20", "Gen. Smith"), a single initial,
// or an elision ("...") that continues in lower case.
func Sentences(text string) []Span {
	var out []Span
	start := 0
	emit := func(end int) {
		seg := text[start:end]
		trimmed := strings.TrimSpace(seg)
		if trimmed != "" {
			lead := strings.Index(seg, trimmed)
			out = append(out, Span{Start: start + lead, Text: trimmed})
		}
		start = end
	}
	n := len(text)
	for i := 0; i < n; i++ {
		c := text[i]
		if c == '\n' {
			emit(i)
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		// run of terminators (..., ?!)
		j := i
		for j < n && (text[j] == '.' || text[j] == '!' || text[j] == '?') {
			j++
		}
		// closing quotes and brackets belong to this sentence
		k := j
		for k < n {
			r, size := utf8.DecodeRuneInString(text[k:])
			if r == '"' || r == '\'' || r == ')' || r == ']' || r == '\u201d' || r == '\u2019' {
				k += size
				continue
			}
			break
		}
		if k < n && text[k] != ' ' && text[k] != '\t' && text[k] != '\n' && text[k] != '\r' {
			i = j - 1
			continue // "U.S.-backed", "3.5", "example.com"
		}
		// what follows the white space
		m := k
		for m < n && (text[m] == ' ' || text[m] == '\t' || text[m] == '\r') {
			m++
		}
		if m < n && text[m] != '\n' {
			r, _ := utf8.DecodeRuneInString(text[m:])
			startsNew := unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '\u201c' || r == '\'' || r == '\u2018' || r == '('
			if !startsNew {
				i = j - 1
				continue
			}
			if c == '.' && j-i == 1 && isAbbreviation(text[:i]) {
				i = j - 1
				continue
			}
		}
		emit(k)
		i = k - 1
	}
	emit(n)
	return out
}

// isAbbreviation reports whether the word that ends just before a period is
// an abbreviation or an initial ("U.S", "Jan", "J").
func isAbbreviation(before string) bool {
	w := before
	if idx := strings.LastIndexAny(w, " \t\n(\"\u201c"); idx >= 0 {
		w = w[idx+1:]
	}
	if w == "" {
		return false
	}
	lw := strings.ToLower(w)
	if abbreviations[lw] {
		return true
	}
	r, size := utf8.DecodeRuneInString(w)
	if size == len(w) && unicode.IsUpper(r) {
		return true // an initial: "John F. Kennedy"
	}
	// dotted abbreviations: U.S, U.N, D.C
	if strings.Contains(w, ".") {
		for _, p := range strings.Split(w, ".") {
			if utf8.RuneCountInString(p) > 1 {
				return false
			}
		}
		return true
	}
	return false
}

// leadOpeners are words that open a news sentence. Web pages often run a
// headline and a photo caption into the first sentence without a full
// stop ("Swine flu reaches Europe The UN has warned ... The first cases of
// swine flu have been confirmed in Europe."); such a word, capitalised after
// a lower-case word, marks where the next piece begins.
var leadOpeners = map[string]bool{
	"The": true, "A": true, "An": true, "In": true, "On": true, "At": true, "As": true, "After": true,
	"With": true, "For": true, "When": true, "While": true, "More": true, "Some": true, "Many": true,
	"Two": true, "Three": true, "Four": true, "Five": true, "Several": true, "Officials": true,
	"Police": true, "It": true, "He": true, "She": true, "They": true, "This": true, "There": true,
	"Another": true, "About": true, "Nearly": true, "Almost": true, "Thousands": true, "Hundreds": true,
	"Dozens": true, "Scientists": true, "Experts": true, "Doctors": true, "Authorities": true,
}

// minLeadPiece is the fewest words the piece after a glued headline must
// have to count as the lead sentence, and minGluedWords the fewest a first
// sentence must have to be taken for a headline and a lead run together.
const (
	minLeadPiece  = 8
	minGluedWords = 2 * minLeadPiece
)

// namedByLetter are words a capital letter follows as part of a name, not
// as the article "A": "influenza A", "hepatitis A", "Plan A", "Group A".
var namedByLetter = map[string]bool{
	"influenza": true, "hepatitis": true, "flu": true, "vitamin": true, "type": true, "plan": true,
	"group": true, "class": true, "grade": true, "category": true, "section": true, "level": true,
	"division": true, "series": true, "formula": true, "exhibit": true, "appendix": true, "annex": true,
	"part": true, "block": true, "gate": true, "terminal": true, "platform": true, "wing": true,
}

// UnglueLead splits an article's first sentence where a headline or a
// caption was run into it, returning the lead sentence's offset in s, or 0
// when s reads as one sentence. It cuts at the last opener word (see
// leadOpeners) that follows a lower-case word and is followed by a
// lower-case word and at least minLeadPiece words in all: "according to
// The Hague court" and "The UN" are not cuts.
func UnglueLead(s string) int {
	words := strings.Fields(s)
	if len(words) < minGluedWords {
		return 0
	}
	cut := -1
	for i := 1; i+minLeadPiece <= len(words); i++ {
		prev, w, next := words[i-1], words[i], words[i+1]
		if !leadOpeners[w] || (len(w) == 1 && namedByLetter[strings.ToLower(prev)]) {
			continue
		}
		last, _ := utf8.DecodeLastRuneInString(prev)
		first, _ := utf8.DecodeRuneInString(next)
		if (unicode.IsLower(last) || unicode.IsDigit(last)) && (unicode.IsLower(first) || unicode.IsDigit(first)) {
			cut = i
		}
	}
	if cut < 0 {
		return 0
	}
	// the byte offset of the cut word
	off := 0
	for i := 0; i < cut; i++ {
		off = strings.Index(s[off:], words[i]) + off + len(words[i])
	}
	return off + strings.Index(s[off:], words[cut])
}
