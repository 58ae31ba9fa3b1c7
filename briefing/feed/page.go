package feed

import (
	"html"
	"strings"
)

// The page builder reads HTML into blocks of text (paragraphs, headings,
// list items) and a light tree of the elements that hold them. In feed mode
// every block is kept: the HTML of a feed's description or content is the
// article already. In page mode the tree is scored to find the article in a
// whole page (see MainText).

const (
	// maxOpen bounds the depth of the element tree; deeper elements are
	// read as if they were not there.
	maxOpen = 256
	// maxBlockBytes bounds the text gathered for one block.
	maxBlockBytes = 1 << 20
)

type pnode struct {
	parent int32
	tag    string
	direct int // paragraph text whose nearest container this is
	sub    int // direct of the node and its descendants
}

type block struct {
	text  string
	node  int32 // the container the block belongs to
	kind  byte  // 'p' paragraph, 'h' heading, 'l' list item, 'o' other text
	links int   // bytes of the text inside links
}

type openElem struct {
	name  string
	node  int32
	skip  bool
	inner int32 // index in the stack of the innermost block element at or below this one, -1 if none
}

type page struct {
	pageMode bool
	nodes    []pnode
	blocks   []block
	stack    []openElem
	open     map[string]int // open elements by name
	skip     int            // open elements whose content is dropped
	inLink   int
	buf      strings.Builder
	bufLinks int
	total    int // bytes of block text kept
	title    string
	ogTitle  string
}

// buildPage reads s in the given mode.
func buildPage(s string, pageMode bool) *page {
	p := &page{pageMode: pageMode, open: map[string]int{}}
	p.nodes = append(p.nodes, pnode{parent: -1, tag: "#root"})
	z := tokenizer{s: s}
	for {
		t, ok := z.next()
		if !ok {
			break
		}
		switch t.kind {
		case tokText:
			p.text(&t)
		case tokStart:
			p.start(&t)
		case tokEnd:
			p.end(t.name)
		}
	}
	p.flush()
	return p
}

func (p *page) text(t *token) {
	if t.raw {
		if p.top() == "title" && p.title == "" && p.open["svg"] == 0 {
			p.title = oneLine(html.UnescapeString(t.text), maxTitleBytes)
		}
		return
	}
	if p.open["head"] > 0 && strings.TrimSpace(t.text) != "" {
		p.end("head") // so does text
	}
	if p.skip > 0 || p.buf.Len() > maxBlockBytes {
		return
	}
	s := t.text
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	p.buf.WriteString(s)
	if p.inLink > 0 {
		p.bufLinks += len(s)
	}
}

func (p *page) top() string {
	if len(p.stack) == 0 {
		return ""
	}
	return p.stack[len(p.stack)-1].name
}

func (p *page) start(t *token) {
	name := t.name
	if p.open["head"] > 0 && !inHead(name) {
		p.end("head") // body content ends an unclosed <head>
	}
	switch name {
	case "meta":
		if p.ogTitle == "" {
			if prop := strings.ToLower(t.attr("property")); prop == "og:title" || strings.ToLower(t.attr("name")) == "og:title" {
				p.ogTitle = oneLine(t.attr("content"), maxTitleBytes)
			}
		}
		return
	case "br":
		if p.skip == 0 {
			p.buf.WriteByte('\n')
		}
		return
	case "td", "th":
		// cells of a row read as one line
		if p.skip == 0 {
			p.buf.WriteByte(' ')
		}
	}
	if isVoid(name) {
		if name == "hr" {
			p.flush()
		}
		return
	}
	// implied end tags
	switch {
	case closesP(name) && p.top() == "p":
		p.pop()
	case name == "li" && p.top() == "li", name == "option" && p.top() == "option",
		(name == "dt" || name == "dd") && (p.top() == "dt" || p.top() == "dd"),
		(name == "td" || name == "th") && (p.top() == "td" || p.top() == "th"),
		name == "tr" && (p.top() == "td" || p.top() == "th"):
		p.pop()
		if name == "tr" && p.top() == "tr" {
			p.pop()
		}
	}
	blockLevel := isBlock(name)
	if blockLevel {
		p.flush()
	}
	if t.selfClosing || len(p.stack) >= maxOpen {
		return
	}
	skip := p.skips(t)
	parent := int32(0)
	inner := int32(-1)
	if n := len(p.stack); n > 0 {
		parent = p.stack[n-1].node
		inner = p.stack[n-1].inner
	}
	if blockLevel {
		inner = int32(len(p.stack))
	}
	p.nodes = append(p.nodes, pnode{parent: parent, tag: name})
	p.stack = append(p.stack, openElem{name: name, node: int32(len(p.nodes) - 1), skip: skip, inner: inner})
	p.open[name]++
	if skip {
		p.skip++
	}
	if name == "a" {
		p.inLink++
	}
}

func (p *page) end(name string) {
	switch name {
	case "br":
		if p.skip == 0 {
			p.buf.WriteByte('\n')
		}
		return
	case "p":
		if p.open["p"] == 0 {
			p.flush() // "</p>" without "<p>" is an empty paragraph
			return
		}
	}
	if p.open[name] == 0 {
		return
	}
	for len(p.stack) > 0 {
		if p.pop() == name {
			return
		}
	}
}

// pop closes the innermost open element and returns its name.
func (p *page) pop() string {
	e := p.stack[len(p.stack)-1]
	if isBlock(e.name) {
		p.flush()
	}
	p.stack = p.stack[:len(p.stack)-1]
	if p.open[e.name]--; p.open[e.name] == 0 {
		delete(p.open, e.name)
	}
	if e.skip {
		p.skip--
	}
	if e.name == "a" {
		p.inLink--
	}
	return e.name
}

// flush turns the text gathered so far into a block of the innermost open
// block element.
func (p *page) flush() {
	if p.buf.Len() == 0 {
		return
	}
	raw := p.buf.String()
	links := p.bufLinks
	p.buf.Reset()
	p.bufLinks = 0
	if p.skip > 0 || p.total > MaxPageBytes {
		return
	}
	text := lines(raw)
	if text == "" {
		return
	}
	if links > len(text) {
		links = len(text)
	}
	b := block{text: text, node: 0, kind: 'o', links: links}
	if n := len(p.stack); n > 0 {
		if in := p.stack[n-1].inner; in >= 0 {
			e := p.stack[in]
			b.node = e.node
			if k := leafKind(e.name); k != 0 {
				b.kind = k
				b.node = p.nodes[e.node].parent
			}
		} else {
			b.node = p.stack[n-1].node
		}
	}
	p.total += len(text)
	p.blocks = append(p.blocks, b)
}

// leafKind classifies the elements that hold text rather than blocks; 0 for
// containers (div, section, article...).
func leafKind(name string) byte {
	switch name {
	case "p", "pre", "blockquote":
		return 'p'
	case "h1", "h2", "h3", "h4", "h5", "h6":
		return 'h'
	case "li", "dt", "dd":
		return 'l'
	case "caption", "summary", "address", "figcaption", "legend":
		return 'o'
	}
	return 0
}

// inHead lists the elements a <head> holds.
func inHead(name string) bool {
	switch name {
	case "title", "meta", "link", "script", "style", "base", "noscript", "template":
		return true
	}
	return false
}

func isVoid(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "keygen":
		return true
	}
	return false
}

func isBlock(name string) bool {
	switch name {
	case "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
		"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
		"legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
		"tr", "ul", "title", "option", "select":
		return true
	}
	return false
}

// closesP lists the start tags that close an open <p>.
func closesP(name string) bool {
	switch name {
	case "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure", "footer", "form",
		"h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul":
		return true
	}
	return false
}

// skips reports whether the content of the element t starts is dropped.
func (p *page) skips(t *token) bool {
	switch t.name {
	case "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "head", "select", "button",
		"textarea", "canvas", "audio", "video", "map", "frameset", "noframes", "figcaption", "nav", "aside", "form", "footer":
		return true
	case "header", "dialog", "menu":
		return p.pageMode
	}
	if !p.pageMode {
		return false
	}
	if t.hasAttr("hidden") || strings.EqualFold(t.attr("aria-hidden"), "true") {
		return true
	}
	if style := strings.ToLower(t.attr("style")); strings.Contains(style, "display:none") || strings.Contains(style, "display: none") {
		return true
	}
	switch strings.ToLower(t.attr("role")) {
	case "navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "menu", "menubar", "search", "toolbar":
		return true
	}
	return boilerplateName(strings.ToLower(t.attr("class") + " " + t.attr("id")))
}

// boilerplateName reports whether an element's class and id mark it as
// something around the article rather than in it. The lists follow
// Mozilla's Readability: an unlikely name is let through when it also says
// it is the article's ("article-header", "story-body-comments-off").
func boilerplateName(ci string) bool {
	if strings.TrimSpace(ci) == "" {
		return false
	}
	unlikely := false
	for _, w := range [...]string{
		"banner", "breadcrumb", "comment", "community", "cookie", "consent", "gdpr", "disqus", "footer", "header", "menu",
		"related", "recommend", "remark", "replies", "sidebar", "skyscraper", "social", "share", "sharing", "sponsor",
		"promo", "advert", "newsletter", "subscribe", "signup", "sign-up", "paywall", "popup", "modal", "pagination", "pager",
		"outbrain", "taboola", "byline", "caption", "credit", "skip-link", "masthead", "toolbar", "most-read", "trending",
	} {
		if strings.Contains(ci, w) {
			unlikely = true
			break
		}
	}
	if !unlikely {
		// "ad" as a whole word of a class: "ad", "ad-slot", "ads"
		for _, f := range strings.FieldsFunc(ci, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }) {
			if f == "ad" || f == "ads" || f == "adslot" || f == "advertisement" || f == "dfp" {
				return true
			}
		}
		return false
	}
	for _, w := range [...]string{"article", "body", "content", "main", "story", "entry", "post-text"} {
		if strings.Contains(ci, w) && !strings.Contains(ci, "comment") && !strings.Contains(ci, "cookie") {
			return false
		}
	}
	return true
}

// htmlToText reduces HTML from a feed to plain text: scripts, styles,
// navigation and forms dropped, entities decoded, one paragraph per block
// separated by blank lines, line breaks kept within a paragraph.
func htmlToText(s string) string {
	if !hasMarkup(s) {
		return plainOrHTML(s)
	}
	p := buildPage(s, false)
	var b strings.Builder
	for _, bl := range p.blocks {
		if b.Len() > MaxTextBytes {
			break
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(bl.text)
	}
	return truncate(b.String(), MaxTextBytes)
}

// MainText reduces an article's HTML page to its main text. The title is
// the page's og:title, else its <title>. The text is the article without
// what surrounds it, in paragraphs separated by blank lines: scripts, styles,
// navigation, headers, footers, asides, forms, figure captions, comments,
// and elements whose class or id says banner, cookie, share, related,
// advert and the like are dropped; then the <article> element is taken when
// it holds at least half of the page's paragraph text, else the element
// with the most paragraph text of its own and those of its siblings that
// hold a fifth as much (Readability's heuristic, simplified). Paragraphs
// that are mostly links, and stock lines ("Advertisement", "Read more"),
// are dropped. Only the first MaxPageBytes of html are read; the page's
// charset comes from its byte-order mark or <meta charset>, else UTF-8.
// Both results are valid UTF-8 and empty when the page has no text.
func MainText(html []byte) (title, text string) {
	if len(html) > MaxPageBytes {
		html = html[:MaxPageBytes]
	}
	p := buildPage(string(toUTF8(html, "")), true)
	title = p.ogTitle
	if title == "" {
		title = p.title
	}
	var b strings.Builder
	for _, bl := range p.mainBlocks() {
		if b.Len() > MaxTextBytes {
			break
		}
		if strings.EqualFold(bl.text, title) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(bl.text)
	}
	return title, truncate(b.String(), MaxTextBytes)
}

// mainBlocks picks the blocks of the article (see MainText).
func (p *page) mainBlocks() []block {
	n := len(p.nodes)
	for _, b := range p.blocks {
		if (b.kind == 'p' || b.kind == 'o' && len(b.text) >= 100) && b.links*2 < len(b.text) {
			p.nodes[b.node].direct += len(b.text)
		}
	}
	for i := n - 1; i >= 0; i-- {
		p.nodes[i].sub += p.nodes[i].direct
		if i > 0 {
			p.nodes[p.nodes[i].parent].sub += p.nodes[i].sub
		}
	}
	chosen := make([]bool, n)
	total := p.nodes[0].sub
	switch {
	case total == 0:
		chosen[0] = true
	default:
		art := -1
		for i, nd := range p.nodes {
			if nd.tag == "article" && (art < 0 || nd.sub > p.nodes[art].sub) {
				art = i
			}
		}
		if art >= 0 && p.nodes[art].sub*2 >= total {
			chosen[art] = true
			break
		}
		best := 0
		for i, nd := range p.nodes {
			if nd.direct > p.nodes[best].direct {
				best = i
			}
		}
		chosen[best] = true
		if best > 0 {
			parent := p.nodes[best].parent
			threshold := max(p.nodes[best].sub/5, 50)
			for i := best + 1; i < n; i++ {
				if p.nodes[i].parent == parent && p.nodes[i].sub >= threshold {
					chosen[i] = true
				}
			}
			for i := int(parent) + 1; i < best; i++ {
				if p.nodes[i].parent == parent && p.nodes[i].sub >= threshold {
					chosen[i] = true
				}
			}
		}
	}
	for i := 1; i < n; i++ {
		if chosen[p.nodes[i].parent] {
			chosen[i] = true
		}
	}
	var out []block
	for _, b := range p.blocks {
		if !chosen[b.node] || b.links*2 > len(b.text) || stockLine(b.text) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// stockLine reports whether a block is one of the lines pages repeat around
// articles, or a cookie notice.
func stockLine(s string) bool {
	l := strings.ToLower(strings.TrimRight(s, ".:!…» "))
	if len(l) < 600 && strings.Contains(l, "cookie") && (strings.Contains(l, "accept") || strings.Contains(l, "consent") || strings.Contains(l, "we use")) {
		return true
	}
	if len(l) > 40 {
		return false
	}
	switch l {
	case "advertisement", "advert", "ad", "sponsored", "sponsored content", "share", "share this", "share this article",
		"share this story", "tweet", "email", "print", "read more", "continue reading", "related", "related articles",
		"related stories", "more on this story", "skip to content", "skip to main content", "subscribe", "sign up", "sign in",
		"log in", "menu", "search", "comments", "leave a comment", "back to top", "listen to this article", "story continues below advertisement":
		return true
	}
	return false
}
