package feed

import (
	"html"
	"strings"
)

// A small HTML tokenizer: enough of the HTML5 tokenization rules to read
// real pages (raw-text elements, comments, unquoted and unterminated
// attributes, stray "<") without a dependency. It never looks back, so its
// work is linear in the input.

type tokKind uint8

const (
	tokText tokKind = iota + 1
	tokStart
	tokEnd
)

// maxAttrs bounds the attributes kept per tag; the rest are read and
// dropped.
const maxAttrs = 32

type attr struct {
	key string // lower case
	val string // raw: entities not decoded (see token.attr)
}

type token struct {
	kind tokKind
	name string // tags: lower-case name
	// text: raw source text, entities not decoded; raw is set for the
	// content of a raw-text element (script, style, title...).
	text        string
	raw         bool
	attrs       []attr // valid until the next call of next
	selfClosing bool
}

// attr returns the decoded value of the attribute key, or "".
func (t *token) attr(key string) string {
	for _, a := range t.attrs {
		if a.key == key {
			if strings.IndexByte(a.val, '&') >= 0 {
				return html.UnescapeString(a.val)
			}
			return a.val
		}
	}
	return ""
}

func (t *token) hasAttr(key string) bool {
	for _, a := range t.attrs {
		if a.key == key {
			return true
		}
	}
	return false
}

type tokenizer struct {
	s   string
	pos int
	raw string // the raw-text element whose content comes next
	buf []attr
}

// rawText lists the elements whose content is text up to their end tag.
func rawText(name string) bool {
	switch name {
	case "script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext":
		return true
	}
	return false
}

// next returns the next token, or false at the end of the input.
func (z *tokenizer) next() (token, bool) {
	s := z.s
	for z.pos < len(s) {
		i := z.pos
		if z.raw != "" {
			end := indexEndTag(s, i, z.raw)
			z.raw = ""
			z.pos = end
			if end > i {
				return token{kind: tokText, text: s[i:end], raw: true}, true
			}
			continue
		}
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s)
			} else {
				j += i
			}
			z.pos = j
			return token{kind: tokText, text: s[i:j]}, true
		}
		if i+1 >= len(s) {
			z.pos = len(s)
			return token{kind: tokText, text: "<"}, true
		}
		switch c := s[i+1]; {
		case c == '!':
			if strings.HasPrefix(s[i:], "<!--") {
				rest := s[i+4:]
				switch {
				case strings.HasPrefix(rest, ">"):
					z.pos = i + 5
				case strings.HasPrefix(rest, "->"):
					z.pos = i + 6
				default:
					end := strings.Index(rest, "-->")
					if end < 0 {
						z.pos = len(s)
					} else {
						z.pos = i + 4 + end + 3
					}
				}
				continue
			}
			z.skipTo(i, '>')
		case c == '?':
			z.skipTo(i, '>')
		case c == '/':
			if i+2 < len(s) && isASCIILetter(s[i+2]) {
				j := i + 2
				for j < len(s) && !isTagEnd(s[j]) {
					j++
				}
				name := lowerASCII(s[i+2 : j])
				z.skipTo(j, '>')
				return token{kind: tokEnd, name: name}, true
			}
			z.skipTo(i, '>')
		case isASCIILetter(c):
			return z.startTag()
		default:
			// a "<" that starts no tag is text
			j := strings.IndexByte(s[i+1:], '<')
			if j < 0 {
				j = len(s)
			} else {
				j += i + 1
			}
			z.pos = j
			return token{kind: tokText, text: s[i:j]}, true
		}
	}
	return token{}, false
}

// skipTo moves past the next c at or after from, or to the end.
func (z *tokenizer) skipTo(from int, c byte) {
	end := strings.IndexByte(z.s[from:], c)
	if end < 0 {
		z.pos = len(z.s)
		return
	}
	z.pos = from + end + 1
}

func isTagEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>'
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// startTag reads a start tag at z.pos. A tag cut off by the end of the
// input is dropped, as HTML does.
func (z *tokenizer) startTag() (token, bool) {
	s := z.s
	j := z.pos + 1
	for j < len(s) && !isTagEnd(s[j]) {
		j++
	}
	t := token{kind: tokStart, name: lowerASCII(s[z.pos+1 : j])}
	attrs := z.buf[:0]
	for {
		for j < len(s) && isHTMLSpace(s[j]) {
			j++
		}
		if j >= len(s) {
			z.pos = len(s)
			return token{}, false
		}
		if s[j] == '>' {
			j++
			break
		}
		if s[j] == '/' {
			j++
			if j < len(s) && s[j] == '>' {
				t.selfClosing = true
				j++
				break
			}
			continue
		}
		k := j
		for j < len(s) && !isHTMLSpace(s[j]) && s[j] != '/' && s[j] != '>' && (s[j] != '=' || j == k) {
			j++
		}
		key := s[k:j]
		for j < len(s) && isHTMLSpace(s[j]) {
			j++
		}
		val := ""
		if j < len(s) && s[j] == '=' {
			j++
			for j < len(s) && isHTMLSpace(s[j]) {
				j++
			}
			if j < len(s) && (s[j] == '"' || s[j] == '\'') {
				end := strings.IndexByte(s[j+1:], s[j])
				if end < 0 {
					z.pos = len(s)
					return token{}, false
				}
				val = s[j+1 : j+1+end]
				j += end + 2
			} else {
				v := j
				for j < len(s) && !isHTMLSpace(s[j]) && s[j] != '>' {
					j++
				}
				val = s[v:j]
			}
		}
		if len(attrs) < maxAttrs {
			attrs = append(attrs, attr{key: lowerASCII(key), val: val})
		}
	}
	z.pos = j
	z.buf = attrs
	t.attrs = attrs
	if rawText(t.name) && !t.selfClosing {
		z.raw = t.name
	}
	return t, true
}

// indexEndTag returns the index of the end tag "</name" (any case) at or
// after from, or len(s).
func indexEndTag(s string, from int, name string) int {
	for i := from; i < len(s); {
		k := strings.Index(s[i:], "</")
		if k < 0 {
			break
		}
		k += i
		m := k + 2 + len(name)
		if m <= len(s) && strings.EqualFold(s[k+2:m], name) && (m == len(s) || isTagEnd(s[m])) {
			return k
		}
		i = k + 2
	}
	return len(s)
}
