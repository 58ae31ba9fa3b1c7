package briefing

import (
	"html"
	"strings"
)

// LooksLikeHTML reports whether text is an HTML document or fragment rather
// than plain prose: it starts with a doctype or an <html>, <body>, <div>,
// <p> or <article> tag, or a tenth of it is markup.
func LooksLikeHTML(text string) bool {
	head := strings.ToLower(strings.TrimSpace(text))
	if len(head) > 512 {
		head = head[:512]
	}
	for _, p := range []string{"<!doctype html", "<html", "<body", "<div", "<p>", "<p ", "<article", "<head"} {
		if strings.HasPrefix(head, p) {
			return true
		}
	}
	tags := strings.Count(text, "</") + strings.Count(text, "/>")
	return tags > 3 && tags*40 > len(text)/10
}

// HTMLToText reduces HTML to its readable text: scripts, styles and other
// non-content elements are dropped, block elements become line breaks, and
// entities are decoded. It never fails; malformed markup degrades to text.
func HTMLToText(s string) string {
	var b strings.Builder
	b.Grow(len(s) / 2)
	skip := ""
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			if skip == "" {
				b.WriteString(html.UnescapeString(s))
			}
			break
		}
		if skip == "" {
			b.WriteString(html.UnescapeString(s[:lt]))
		}
		s = s[lt:]
		if strings.HasPrefix(s, "<!--") {
			end := strings.Index(s, "-->")
			if end < 0 {
				break
			}
			s = s[end+3:]
			continue
		}
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(s[1:gt])
		s = s[gt+1:]
		name := strings.TrimPrefix(tag, "/")
		if i := strings.IndexAny(name, " \t\n/"); i >= 0 {
			name = name[:i]
		}
		closing := strings.HasPrefix(tag, "/")
		switch name {
		case "script", "style", "noscript", "svg", "nav", "footer", "header", "aside", "form", "template", "head":
			if !closing && !strings.HasSuffix(tag, "/") {
				if skip == "" {
					skip = name
				}
			} else if closing && skip == name {
				skip = ""
			}
		case "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "blockquote", "title":
			if skip == "" {
				b.WriteByte('\n')
			}
		}
	}
	// fold runs of blank lines and spaces
	var out []string
	for _, line := range strings.Split(b.String(), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
