package tilse

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unicode"
)

// Stopwords is a stop-word set (lowercase).
type Stopwords map[string]bool

// LoadStopwords reads a stop-word list with one word per line. Surrounding
// white space is dropped, words are lowercased and blank lines are skipped.
func LoadStopwords(path string) (Stopwords, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tilse: stop words: %w", err)
	}
	defer f.Close()
	stop := Stopwords{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := strings.ToLower(strings.TrimSpace(sc.Text())); w != "" {
			stop[w] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tilse: stop words %s: %w", path, err)
	}
	return stop, nil
}

// The functions below reproduce what the tilse evaluator and ROUGE-1.5.5 do to
// a daily summary before counting n-grams, run with the options tilse passes
// (-n 2 -m -s -f A -t 2, SEE input written by tilse's bundled pyrouge):
//
//  1. pyrouge writes each sentence as one HTML line, with every ^ spelled
//     "&circ;"; ROUGE reads the text of that line only up to the first <.
//  2. ROUGE lowercases A-Z, turns every byte other than A-Z, a-z, 0-9 into a
//     space (a hyphen becomes a token of its own that is then dropped, and
//     every byte of a non-ASCII character goes), and joins the sentences of
//     the summary into one text, so bigrams run across sentence boundaries.
//  3. Stop words are removed, and so are the lone hyphens (ROUGE counts only
//     words starting with a-z, 0-9 or $, and $ is gone by then).
//  4. A word longer than three bytes is replaced by its base form when it is
//     an irregular form in WordNet's exception lists (see exceptions.go; a
//     Scorer has them only when given them with WithExceptions) and is Porter
//     stemmed otherwise; shorter words are kept as they are.

// isWordByte reports whether c survives ROUGE's character clean-up.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// rougeWords splits one sentence into the lowercase words ROUGE sees, before
// stop-word removal and stemming, and passes each to emit.
func rougeWords(sentence string, emit func(word string)) {
	if i := strings.IndexByte(sentence, '<'); i >= 0 {
		sentence = sentence[:i]
	}
	start := -1
	flush := func(end int) {
		if start >= 0 {
			emit(asciiLower(sentence[start:end]))
			start = -1
		}
	}
	for i := 0; i < len(sentence); i++ {
		c := sentence[i]
		switch {
		case isWordByte(c):
			if start < 0 {
				start = i
			}
		case c == '^':
			// pyrouge writes "&circ;": & and ; become spaces, "circ" stays.
			flush(i)
			emit("circ")
		default:
			flush(i)
		}
	}
	flush(len(sentence))
}

// asciiLower lowercases A-Z only, as Perl's tr/A-Z/a-z/ does.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// rougeTerm maps one lowercase word (a run of a-z and 0-9) to the term ROUGE
// counts, or "" when the word is a stop word. exc may be nil.
func rougeTerm(word string, stop Stopwords, exc Exceptions) string {
	if stop[word] {
		return ""
	}
	if len(word) > 3 {
		if base, ok := exc[word]; ok {
			return base
		}
		return porterStem(word)
	}
	return word
}

// isPySpace reports whether r is white space for Python's str.split and
// str.strip, which the tilse reader and its content-overlap estimate use.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || 0x1c <= r && r <= 0x1f
}

// rawTokens splits s on white space as Python's str.split() does.
func rawTokens(s string) []string {
	return strings.FieldsFunc(s, isPySpace)
}

// asciiPunctuation is Python's string.punctuation.
const asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// isPunctuationRun reports whether tok is left out of tilse's content-overlap
// estimate. tilse tests "tok in string.punctuation", a substring test, so a
// single punctuation character is dropped and so is any run of consecutive
// characters of that string, such as "()" or "./", while PTB quotes made of
// two backquotes and "--" are kept.
func isPunctuationRun(tok string) bool {
	return tok != "" && strings.Contains(asciiPunctuation, tok)
}
