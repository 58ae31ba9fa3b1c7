package timex

import (
	"unicode"
	"unicode/utf8"
)

type tkind uint8

const (
	tkWord tkind = iota + 1
	tkNum
	tkPunct
)

// suffix is what letters directly follow the digits of a number token.
type suffix uint8

const (
	sufNone  suffix = iota
	sufOrd          // 16th, 1st, 2nd, 3rd
	sufS            // 1990s
	sufAM           // 9am
	sufPM           // 9pm
	sufOther        // 5G, 3D
)

// token is one word, number or punctuation mark of the input.
type token struct {
	s, e  int    // byte offsets of the token
	ne    int    // numbers: end of the numeric part (before any suffix)
	num   int    // numbers: integer value (capped at 1e9)
	lex   *entry // words: lexicon entry, nil when unknown
	kind  tkind
	ch    byte  // punctuation: normalised character ('-' for dashes, '\'' for apostrophes, 0 for other)
	sp    bool  // preceded by white space or the start of the text
	up    bool  // words: first letter is upper case
	nd    uint8 // numbers: digits in the integer part (capped at 255)
	comma bool  // numbers: written with thousands separators (1,000)
	dec   bool  // numbers: has a decimal part (1.5)
	suf   suffix
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// letterAt reports whether a letter starts at text[i].
func letterAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	c := text[i]
	if c < utf8.RuneSelf {
		return isASCIILetter(c)
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return r != utf8.RuneError && unicode.IsLetter(r)
}

// tokenize appends the tokens of text to toks.
func tokenize(text string, toks []token) []token {
	sp := true
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				sp = true
				i++
				continue
			case isDigit(c):
				var t token
				i = scanNumber(text, i, &t)
				t.sp = sp
				toks = append(toks, t)
			case isASCIILetter(c):
				var t token
				i = scanWord(text, i, &t)
				t.sp = sp
				toks = append(toks, t)
			default:
				ch := c
				switch c {
				case '`':
					ch = '\''
				case '"':
					ch = '"'
				}
				toks = append(toks, token{s: i, e: i + 1, kind: tkPunct, ch: ch, sp: sp})
				i++
			}
			sp = false
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			toks = append(toks, token{s: i, e: i + 1, kind: tkPunct, sp: sp})
			i++
		case unicode.IsSpace(r):
			sp = true
			i += size
			continue
		case unicode.IsLetter(r):
			var t token
			i = scanWord(text, i, &t)
			t.sp = sp
			toks = append(toks, t)
		default:
			var ch byte
			switch r {
			case '\u2018', '\u2019', '\u02bc', '\u2032':
				ch = '\''
			case '\u2010', '\u2011', '\u2012', '\u2013', '\u2212':
				ch = '-'
			case '\u201c', '\u201d':
				ch = '"'
			}
			toks = append(toks, token{s: i, e: i + size, kind: tkPunct, ch: ch, sp: sp})
			i += size
		}
		sp = false
	}
	return toks
}

// scanNumber reads digits at text[i:] with thousands groups (1,000), a
// decimal part (1.5) and a letter suffix (16th, 1990s, 9am).
func scanNumber(text string, i int, t *token) int {
	n := len(text)
	j, v := i, 0
	for j < n && isDigit(text[j]) {
		if v < 100000000 {
			v = v*10 + int(text[j]-'0')
		} else {
			v = 1000000000
		}
		j++
	}
	nd := j - i
	if nd <= 3 {
		for j+3 < n && text[j] == ',' && isDigit(text[j+1]) && isDigit(text[j+2]) && isDigit(text[j+3]) &&
			(j+4 == n || !isDigit(text[j+4])) {
			for q := j + 1; q <= j+3; q++ {
				if v < 100000000 {
					v = v*10 + int(text[q]-'0')
				} else {
					v = 1000000000
				}
			}
			t.comma = true
			j += 4
		}
	}
	if !t.comma && j+1 < n && text[j] == '.' && isDigit(text[j+1]) {
		t.dec = true
		j++
		for j < n && isDigit(text[j]) {
			j++
		}
	}
	t.ne = j
	k := j
	for k < n && isASCIILetter(text[k]) {
		k++
	}
	if k > j {
		switch suf := text[j:k]; {
		case eqFold(suf, "st"), eqFold(suf, "nd"), eqFold(suf, "rd"), eqFold(suf, "th"):
			t.suf = sufOrd
		case suf == "s":
			t.suf = sufS
		case eqFold(suf, "am"):
			t.suf = sufAM
		case eqFold(suf, "pm"):
			t.suf = sufPM
		default:
			t.suf = sufOther
		}
	}
	for k < n && letterAt(text, k) { // a non-ASCII letter glued on: keep it in the token
		_, size := utf8.DecodeRuneInString(text[k:])
		k += size
		t.suf = sufOther
	}
	t.s, t.e, t.kind, t.num = i, k, tkNum, v
	if nd > 255 {
		nd = 255
	}
	t.nd = uint8(nd)
	return k
}

// scanWord reads a run of letters at text[i:]. Dotted abbreviations made of
// single letters (a.m., U.S.) stay one token with their final dot.
func scanWord(text string, i int, t *token) int {
	n := len(text)
	j, seg := i, i
	dotted := false
	for j < n {
		c := text[j]
		if c < utf8.RuneSelf {
			if isASCIILetter(c) {
				j++
				continue
			}
			if c == '.' && j-seg == 1 && j+1 < n && isASCIILetter(text[j+1]) && (j+2 == n || !letterAt(text, j+2)) {
				dotted = true
				j++
				seg = j
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		if r == utf8.RuneError || !unicode.IsLetter(r) {
			break
		}
		j += size
	}
	if dotted && j < n && text[j] == '.' {
		j++
	}
	t.s, t.e, t.kind = i, j, tkWord
	c := text[i]
	if c < utf8.RuneSelf {
		t.up = c >= 'A' && c <= 'Z'
	} else {
		r, _ := utf8.DecodeRuneInString(text[i:])
		t.up = unicode.IsUpper(r)
	}
	t.lex = lookup(text[i:j])
	return j
}

// lookup finds the lexicon entry of a word, case-insensitively.
func lookup(w string) *entry {
	if len(w) > maxLexLen {
		return nil
	}
	var buf [maxLexLen]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return nil
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return lexicon[string(buf[:len(w)])]
}

// eqFold reports whether s equals the lower-case ASCII word w, ignoring case.
func eqFold(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
