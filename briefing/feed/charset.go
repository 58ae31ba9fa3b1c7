package feed

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// toUTF8 returns the document as UTF-8 that encoding/xml accepts: the
// charset is the byte-order mark's; else UTF-8 if the body is valid UTF-8
// (a label that says otherwise is more often wrong than a body that happens
// to be valid UTF-8); else the document's own label (XML declaration or HTML
// meta), then fallback (the HTTP charset); bytes that still are not UTF-8
// are read as windows-1252. Control characters that XML forbids become
// spaces, so that a stray form feed does not make a feed unreadable.
func toUTF8(body []byte, fallback string) []byte {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		body = body[3:]
	case bytes.HasPrefix(body, []byte("\xfe\xff")), bytes.HasPrefix(body, []byte("\xff\xfe")):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(body); err == nil {
			body = out
		}
	default:
		if !utf8.Valid(body) || isISO2022(declaredCharset(body)) {
			label := declaredCharset(body)
			if label == "" {
				label = fallback
			}
			if enc := lookupCharset(label); enc != nil {
				if out, err := enc.NewDecoder().Bytes(body); err == nil {
					body = out
				}
			}
		}
	}
	return fixText(body)
}

// lookupCharset returns the decoder for a label, nil for UTF-8, UTF-16
// without a byte-order mark (a label read as ASCII cannot be right) and
// unknown labels.
func lookupCharset(label string) encoding.Encoding {
	if label == "" {
		return nil
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil
	}
	switch name, _ := htmlindex.Name(enc); name {
	case "utf-8", "utf-16le", "utf-16be", "replacement":
		return nil
	}
	return enc
}

func isISO2022(label string) bool {
	return strings.HasPrefix(strings.ToLower(label), "iso-2022")
}

// fixText replaces what is not valid UTF-8 by its windows-1252 reading and
// the control characters XML 1.0 forbids by spaces. It returns body itself
// when there is nothing to fix.
func fixText(body []byte) []byte {
	clean := true
	for i := 0; i < len(body); {
		c := body[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				clean = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n == 1 || r == 0xfffe || r == 0xffff {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return body
	}
	out := make([]byte, 0, len(body)+len(body)/8)
	for i := 0; i < len(body); {
		c := body[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				c = ' '
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(body[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			r = charmap.Windows1252.DecodeByte(c)
			if r >= 0x80 && r < 0xa0 {
				r = utf8.RuneError // undefined in windows-1252
			}
		case r == 0xfffe || r == 0xffff:
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// charsetParam returns the charset parameter of a Content-Type.
func charsetParam(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// declaredCharset returns the encoding an XML declaration or an HTML
// <meta charset> / <meta http-equiv content="...; charset=..."> near the
// start of the document names, or "".
func declaredCharset(body []byte) string {
	h := body
	if len(h) > 1024 {
		h = h[:1024]
	}
	lower := lowerASCII(string(h))
	lower = strings.TrimLeft(lower, " \t\r\n")
	if strings.HasPrefix(lower, "<?xml") {
		end := strings.Index(lower, "?>")
		if end < 0 {
			return ""
		}
		decl := lower[:end]
		i := strings.Index(decl, "encoding")
		if i < 0 {
			return ""
		}
		return attrValue(decl[i+len("encoding"):])
	}
	// HTML: <meta charset="x"> or content="text/html; charset=x".
	for from := 0; ; {
		i := strings.Index(lower[from:], "<meta")
		if i < 0 {
			return ""
		}
		i += from
		end := strings.IndexByte(lower[i:], '>')
		if end < 0 {
			return ""
		}
		tag := lower[i : i+end]
		if j := strings.Index(tag, "charset"); j >= 0 {
			if v := attrValue(tag[j+len("charset"):]); v != "" {
				return v
			}
		}
		from = i + end
	}
}

// attrValue reads `= "value"` (or 'value', or value) at the start of s.
func attrValue(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	if !strings.HasPrefix(s, "=") {
		return ""
	}
	s = strings.TrimLeft(s[1:], " \t\r\n")
	if s == "" {
		return ""
	}
	if q := s[0]; q == '"' || q == '\'' {
		s = s[1:]
	}
	end := strings.IndexAny(s, "\"' \t\r\n;>/?")
	if end >= 0 {
		s = s[:end]
	}
	if len(s) > 40 {
		return ""
	}
	return s
}

// sniffHTML reports whether a document that starts with "<" is an HTML
// page: after any XML declaration, processing instructions, comments and
// doctype, it is a doctype html or an <html>, <head> or <body> element.
func sniffHTML(b []byte) bool {
	name, doctypeHTML := firstElement(b)
	return doctypeHTML || name == "html" || name == "head" || name == "body"
}

// firstElement returns the lower-case name of the first element of a
// document (with its prefix, if any), or reports a doctype html before it.
func firstElement(b []byte) (name string, doctypeHTML bool) {
	s := b
	if len(s) > 4096 {
		s = s[:4096]
	}
	l := lowerASCII(string(s))
	for {
		l = strings.TrimLeft(l, " \t\r\n")
		switch {
		case strings.HasPrefix(l, "<!doctype html"):
			return "", true
		case strings.HasPrefix(l, "<!--"):
			end := strings.Index(l, "-->")
			if end < 0 {
				return "", false
			}
			l = l[end+3:]
		case strings.HasPrefix(l, "<?"), strings.HasPrefix(l, "<!"):
			end := strings.IndexByte(l, '>')
			if end < 0 {
				return "", false
			}
			l = l[end+1:]
		case strings.HasPrefix(l, "<"):
			end := strings.IndexAny(l, " \t\r\n/>")
			if end < 0 {
				return "", false
			}
			return l[1:end], false
		default:
			return "", false
		}
	}
}

// feedRoot reports whether an element name is a feed's root.
func feedRoot(name string) bool {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return name == "rss" || name == "feed" || name == "rdf"
}

// mentionsHTML reports whether the start of a document that did not parse
// as a feed has the marks of an HTML page.
func mentionsHTML(b []byte) bool {
	if len(b) > 4096 {
		b = b[:4096]
	}
	l := lowerASCII(string(b))
	return strings.Contains(l, "<!doctype html") || strings.Contains(l, "<html") || strings.Contains(l, "<body") || strings.Contains(l, "<head>")
}
