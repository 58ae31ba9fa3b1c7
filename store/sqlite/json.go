package sqlite

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
)

// The lists and citations in an events row are JSON, so any SQLite tool can
// read them. They are written and read by the small codec below because
// encoding/json was a third of the cost of a /timeline page: it validates
// and reflects, where these shapes are fixed. Anything the fast decoder does
// not expect is handed to encoding/json, which stays the reference.

// appendString appends s as a JSON string. Only the quote, the backslash and
// control characters are escaped; s is valid UTF-8 (Ingest checks).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func encodeCitations(cs []briefing.Citation) string {
	b := make([]byte, 0, 64+len(cs)*256)
	b = append(b, '[')
	for i, c := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"a":`...)
		b = strconv.AppendInt(b, c.ArticleID, 10)
		b = append(b, `,"s":`...)
		b = appendString(b, c.Source)
		b = append(b, `,"u":`...)
		b = appendString(b, c.URL)
		b = append(b, `,"t":`...)
		b = appendString(b, c.Title)
		b = append(b, `,"p":`...)
		b = strconv.AppendInt(b, micros(c.Published), 10)
		b = append(b, `,"x":`...)
		b = appendString(b, c.Sentence)
		b = append(b, `,"o":`...)
		b = strconv.AppendInt(b, int64(c.Offset), 10)
		b = append(b, '}')
	}
	return string(append(b, ']'))
}

func encodeList(l []string) string {
	b := make([]byte, 0, 2+len(l)*16)
	b = append(b, '[')
	for i, v := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return string(append(b, ']'))
}

// citationJSON is the reference form of one citation, for encoding/json.
type citationJSON struct {
	ArticleID int64  `json:"a"`
	Source    string `json:"s"`
	URL       string `json:"u"`
	Title     string `json:"t"`
	Published int64  `json:"p"`
	Sentence  string `json:"x"`
	Offset    int    `json:"o"`
}

func decodeCitations(s string) ([]briefing.Citation, error) {
	if out, ok := fastCitations(s); ok {
		return out, nil
	}
	var in []citationJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, errors.New("decode citations: " + err.Error())
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]briefing.Citation, len(in))
	for i, c := range in {
		out[i] = briefing.Citation{
			ArticleID: c.ArticleID, Source: c.Source, URL: c.URL, Title: c.Title,
			Published: fromMicros(c.Published), Sentence: c.Sentence, Offset: c.Offset,
		}
	}
	return out, nil
}

func decodeList(s string) ([]string, error) {
	if out, ok := fastList(s); ok {
		return out, nil
	}
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, errors.New("decode list: " + err.Error())
	}
	if len(l) == 0 {
		return nil, nil
	}
	return l, nil
}

// lexer reads the JSON the encoders above write. Every method reports false
// on input it does not expect; callers then fall back to encoding/json.
type lexer struct {
	s string
	i int
}

func (l *lexer) byte(c byte) bool {
	if l.i < len(l.s) && l.s[l.i] == c {
		l.i++
		return true
	}
	return false
}

func (l *lexer) int() (int64, bool) {
	j := l.i
	if j < len(l.s) && l.s[j] == '-' {
		j++
	}
	for j < len(l.s) && l.s[j] >= '0' && l.s[j] <= '9' {
		j++
	}
	v, err := strconv.ParseInt(l.s[l.i:j], 10, 64)
	l.i = j
	return v, err == nil
}

func (l *lexer) string() (string, bool) {
	if !l.byte('"') {
		return "", false
	}
	start := l.i
	for l.i < len(l.s) {
		switch c := l.s[l.i]; {
		case c == '"':
			l.i++
			return l.s[start : l.i-1], true
		case c == '\\':
			return l.escaped(start)
		case c < 0x20:
			return "", false
		}
		l.i++
	}
	return "", false
}

// escaped finishes a string holding escapes, from its start.
func (l *lexer) escaped(start int) (string, bool) {
	var b strings.Builder
	b.WriteString(l.s[start:l.i])
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == '"':
			l.i++
			return b.String(), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b.WriteByte(c)
			l.i++
			continue
		}
		if l.i+1 >= len(l.s) {
			return "", false
		}
		e := l.s[l.i+1]
		l.i += 2
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			r, ok := l.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				if !(l.byte('\\') && l.byte('u')) {
					return "", false
				}
				r2, ok := l.hex4()
				if !ok {
					return "", false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", false
				}
			}
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return "", false
}

func (l *lexer) hex4() (rune, bool) {
	if l.i+4 > len(l.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(l.s[l.i:l.i+4], 16, 32)
	l.i += 4
	return rune(v), err == nil
}

func fastList(s string) ([]string, bool) {
	l := lexer{s: s}
	if !l.byte('[') {
		return nil, false
	}
	if l.byte(']') {
		return nil, l.i == len(s)
	}
	var out []string
	for {
		v, ok := l.string()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if l.byte(']') {
			return out, l.i == len(s)
		}
		if !l.byte(',') {
			return nil, false
		}
	}
}

func fastCitations(s string) ([]briefing.Citation, bool) {
	l := lexer{s: s}
	if !l.byte('[') {
		return nil, false
	}
	if l.byte(']') {
		return nil, l.i == len(s)
	}
	var out []briefing.Citation
	for {
		var c briefing.Citation
		if !l.byte('{') {
			return nil, false
		}
		for {
			key, ok := l.string()
			if !ok || !l.byte(':') || len(key) != 1 {
				return nil, false
			}
			switch key[0] {
			case 'a', 'p', 'o':
				v, ok := l.int()
				if !ok {
					return nil, false
				}
				switch key[0] {
				case 'a':
					c.ArticleID = v
				case 'p':
					c.Published = fromMicros(v)
				default:
					c.Offset = int(v)
				}
			case 's', 'u', 't', 'x':
				v, ok := l.string()
				if !ok {
					return nil, false
				}
				switch key[0] {
				case 's':
					c.Source = v
				case 'u':
					c.URL = v
				case 't':
					c.Title = v
				default:
					c.Sentence = v
				}
			default:
				return nil, false
			}
			if l.byte('}') {
				break
			}
			if !l.byte(',') {
				return nil, false
			}
		}
		out = append(out, c)
		if l.byte(']') {
			return out, l.i == len(s)
		}
		if !l.byte(',') {
			return nil, false
		}
	}
}
