package feed

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text normalisation shared by the parsers: every string this package
// returns went through collapse (one line) or paragraphs (blocks separated
// by blank lines), so it is valid UTF-8 without control characters,
// zero-width spaces or runs of white space.

// dropRune reports whether r is removed from text: control characters
// other than white space, and invisible characters that only get in the way
// of matching words (zero-width space, soft hyphen, byte-order mark).
func dropRune(r rune) bool {
	switch r {
	case '\t', '\n', '\r', '\f', '\v':
		return false
	case '\u200b', '\u00ad', '\ufeff', '\u2060', '\ufffe', '\uffff':
		return true
	}
	return r < 0x20 || r >= 0x7f && r < 0xa0
}

// isSpace reports whether r separates words.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u2028' || r == '\u2029'
}

// collapse returns s on one line: invalid UTF-8 replaced by U+FFFD,
// dropped runes removed, every run of white space made one space, trimmed.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			r = utf8.RuneError
		case dropRune(r):
			continue
		case isSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// oneLine is collapse cut to max bytes.
func oneLine(s string, max int) string {
	return truncate(collapse(s), max)
}

// plainParas normalises plain text: lines are collapsed, lines separated by
// a single line break are joined (plain text in feeds is often hard-wrapped,
// and a line break would end a sentence for the extractor), and paragraphs
// are separated by one blank line.
func plainParas(s string) string {
	var paras []string
	var cur []string
	for line := range strings.Lines(s) {
		line = collapse(line)
		if line == "" {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, " "))
				cur = cur[:0]
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		paras = append(paras, strings.Join(cur, " "))
	}
	return truncate(strings.Join(paras, "\n\n"), MaxTextBytes)
}

// lines collapses each line of s (line breaks from <br>) and drops empty
// ones.
func lines(s string) string {
	if !strings.Contains(s, "\n") {
		return collapse(s)
	}
	var out []string
	for line := range strings.Lines(s) {
		if line = collapse(line); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// truncate cuts s to at most max bytes, at a rune boundary, and at a space
// when there is one among the last 256 bytes kept.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexAny(s[:cut], " \n"); sp >= 0 && cut-sp < 256 {
		cut = sp
	}
	return strings.TrimSpace(s[:cut])
}

// words counts the white-space separated words of s.
func words(s string) int {
	n := 0
	in := false
	for _, r := range s {
		if isSpace(r) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// trimSpace trims ASCII and Unicode white space.
func trimSpace(s string) string {
	return strings.TrimFunc(s, isSpace)
}

// head returns the first n bytes of b, valid UTF-8, for error messages.
func head(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return strings.ToValidUTF8(string(b), "\ufffd")
}

// plainOrHTML reduces text that may be HTML (an RSS description or title):
// markup is reduced by htmlToText; text without markup has its entities
// decoded (feeds often escape twice: "&amp;amp;") and keeps its blank-line
// paragraphs.
func plainOrHTML(s string) string {
	if hasMarkup(s) {
		return htmlToText(s)
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return plainParas(s)
}

// hasMarkup reports whether s contains something that looks like a tag or
// a comment: "<" followed by a letter, "/" or "!".
func hasMarkup(s string) bool {
	for i := 0; i < len(s)-1; i++ {
		if s[i] != '<' {
			continue
		}
		if c := s[i+1]; isASCIILetter(c) || c == '/' || c == '!' {
			return true
		}
	}
	return false
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// lowerASCII lower-cases ASCII letters only, so the result has the same
// length as s; it does not allocate when s has no upper-case letter.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
