package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Namespaces of the elements the XML formats are read from. An element
// whose prefix was never declared keeps the prefix as its space (lenient
// reading), so the usual prefixes are accepted too.
const (
	nsAtom       = "http://www.w3.org/2005/Atom"
	nsAtom03     = "http://purl.org/atom/ns#"
	nsRDF        = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsRSS10      = "http://purl.org/rss/1.0/"
	nsRSS090     = "http://my.netscape.com/rdf/simple/0.9/"
	nsRSS20      = "http://backend.userland.com/rss2"
	nsContent    = "http://purl.org/rss/1.0/modules/content/"
	nsDC         = "http://purl.org/dc/elements/1.1/"
	nsDCTerms    = "http://purl.org/dc/terms/"
	nsXML        = "http://www.w3.org/XML/1998/namespace"
	nsFeedburner = "http://rssnamespace.org/feedburner/ext/1.0"
)

const (
	// maxDepth bounds element nesting; deeper documents are refused.
	maxDepth = 512
	// maxRawBytes bounds the raw text gathered for one field before it is
	// reduced to plain text.
	maxRawBytes = 4 * MaxTextBytes
)

// errStop ends reading once MaxItems items are read.
var errStop = errors.New("enough items")

// xmlParser reads RSS, RDF and Atom from a token stream, one element at a
// time, so memory stays proportional to the items kept.
type xmlParser struct {
	d     *xml.Decoder
	depth int
	base  *url.URL // the address the feed was fetched from

	doc        Document
	items      []xmlItem
	linkRaw    string   // the feed's own link
	linkBase   *url.URL // xml:base in scope of it
	feedAuthor string
}

// xmlItem is an item with its link not yet resolved: the feed's link may
// come after the items.
type xmlItem struct {
	Item
	link       string
	linkBase   *url.URL
	altLink    string // atom:link in an RSS item
	altBase    *url.URL
	origLink   string // feedburner:origLink
	guidIsLink bool
}

// parseXML reads an RSS, RDF or Atom document; strict selects well-formed
// XML only (the lenient reading also closes HTML's void elements and keeps
// unknown entities as text).
func parseXML(body []byte, base *url.URL, strict bool) (*Document, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = strict
	d.Entity = xml.HTMLEntity
	if !strict {
		// HTML's void elements, written unclosed in descriptions, but not
		// xml.HTMLAutoClose's "link" and "meta", which feeds close
		d.AutoClose = []string{"br", "hr", "img", "input", "col", "area", "param", "wbr", "embed", "source", "track", "basefont", "frame", "isindex"}
	}
	// toUTF8 has already decoded the body, whatever it declares.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	p := &xmlParser{d: d, base: base}
	err := p.read()
	if err != nil && !errors.Is(err, errStop) {
		return nil, p.explain(err)
	}
	return p.finish(), nil
}

// explain turns a decoder error into one for the user.
func (p *xmlParser) explain(err error) error {
	var pe *parseError
	if errors.As(err, &pe) {
		return err
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if se.Msg == "unexpected EOF" {
			return malformed("the XML ends at line %d before its elements are closed; the feed is truncated", se.Line)
		}
		return &parseError{kind: ErrMalformed, msg: fmt.Sprintf("malformed XML at line %d: %s", se.Line, se.Msg), lenientMayHelp: true}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		line, _ := p.d.InputPos()
		return malformed("the XML ends at line %d before its elements are closed; the feed is truncated", line)
	}
	line, _ := p.d.InputPos()
	return &parseError{kind: ErrMalformed, msg: fmt.Sprintf("malformed XML at line %d: %v", line, err), lenientMayHelp: true}
}

// tok returns the next token, keeping the depth.
func (p *xmlParser) tok() (xml.Token, error) {
	t, err := p.d.Token()
	if err != nil {
		return nil, err
	}
	switch t.(type) {
	case xml.StartElement:
		p.depth++
		if p.depth > maxDepth {
			line, _ := p.d.InputPos()
			return nil, malformed("malformed XML at line %d: elements nest more than %d deep", line, maxDepth)
		}
	case xml.EndElement:
		p.depth--
	}
	return t, nil
}

// read finds the root element and reads the format it names.
func (p *xmlParser) read() error {
	for {
		t, err := p.tok()
		if errors.Is(err, io.EOF) {
			return notFeed("the XML document has no elements, not a feed")
		}
		if err != nil {
			return err
		}
		root, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		b := p.xmlBase(nil, root)
		switch l, s := root.Name.Local, root.Name.Space; {
		case l == "rss":
			p.doc.Kind = KindRSS
			return p.children(b, p.rssChild)
		case l == "RDF" && (s == nsRDF || s == "rdf"):
			p.doc.Kind = KindRSS
			return p.children(b, p.rssChild)
		case l == "feed" && (s == nsAtom || s == nsAtom03 || s == ""):
			p.doc.Kind = KindAtom
			return p.children(b, p.atomFeedChild)
		case strings.EqualFold(l, "html"):
			return notFeed(htmlNotFeed)
		case strings.EqualFold(l, "opml"):
			return notFeed("this is an OPML list of feeds, not a feed; import it with backfill")
		default:
			return notFeed("this is an XML document of another kind (its root element is <%s>), not an RSS, Atom or RDF feed", oneLine(l, 40))
		}
	}
}

// children calls fn for each child element of the element just started,
// then reads up to its end; fn may read the child or leave it.
func (p *xmlParser) children(base *url.URL, fn func(se xml.StartElement, base *url.URL) error) error {
	level := p.depth
	for {
		t, err := p.tok()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			child := p.depth
			if err := fn(t, p.xmlBase(base, t)); err != nil {
				return err
			}
			for p.depth >= child {
				if _, err := p.tok(); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if p.depth < level {
				return nil
			}
		}
	}
}

// xmlBase returns the base in scope inside se: its xml:base resolved
// against the parent's (or the feed's address), or the parent's.
func (p *xmlParser) xmlBase(parent *url.URL, se xml.StartElement) *url.URL {
	for _, a := range se.Attr {
		if a.Name.Local == "base" && (a.Name.Space == nsXML || a.Name.Space == "xml") {
			ref := parent
			if ref == nil {
				ref = p.base
			}
			if b := absBase(ref, a.Value); b != nil {
				return b
			}
		}
	}
	return parent
}

// collect reads the content of the element just started: its text, and
// when it has child elements, the same content as HTML markup (text
// escaped, elements as tags without attributes). Both are cut at
// maxRawBytes.
func (p *xmlParser) collect() (text, markup string, children bool, err error) {
	level := p.depth
	var tb, mb strings.Builder
	for {
		t, err := p.tok()
		if err != nil {
			return "", "", false, err
		}
		switch t := t.(type) {
		case xml.CharData:
			if tb.Len()+len(t) <= maxRawBytes {
				tb.Write(t)
			}
			if children && mb.Len()+len(t) <= maxRawBytes {
				escapeTo(&mb, t)
			}
		case xml.StartElement:
			if !children {
				children = true
				escapeTo(&mb, []byte(tb.String()))
			}
			if mb.Len() <= maxRawBytes {
				mb.WriteString("<" + t.Name.Local + ">")
			}
		case xml.EndElement:
			if p.depth < level {
				return tb.String(), mb.String(), children, nil
			}
			if mb.Len() <= maxRawBytes {
				mb.WriteString("</" + t.Name.Local + ">")
			}
		}
	}
}

// escapeTo writes text as HTML text.
func escapeTo(b *strings.Builder, text []byte) {
	for _, c := range text {
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteByte(c)
		}
	}
}

// text reads the element just started as a string.
func (p *xmlParser) text() (string, error) {
	t, _, _, err := p.collect()
	return t, err
}

// htmlText reads an element whose text is HTML (RSS): escaped HTML in the
// text, or HTML written inline as elements.
func (p *xmlParser) htmlText() (string, error) {
	t, m, children, err := p.collect()
	if err != nil {
		return "", err
	}
	if children {
		return htmlToText(m), nil
	}
	return plainOrHTML(t), nil
}

// atomText reads an Atom text construct by its type: "text" (the default),
// "html" (escaped HTML), "xhtml" (an inline div), or a MIME type; Atom 0.3's
// mode="escaped" and mode="xml" too. Other media types read as "".
func (p *xmlParser) atomText(se xml.StartElement) (string, error) {
	typ := strings.ToLower(strings.TrimSpace(attrOf(se, "type")))
	mode := strings.ToLower(attrOf(se, "mode"))
	if attrOf(se, "src") != "" {
		return "", nil // content elsewhere
	}
	t, m, children, err := p.collect()
	if err != nil {
		return "", err
	}
	switch {
	case mode == "base64":
		return "", nil
	case typ == "xhtml" || typ == "application/xhtml+xml" || mode == "xml":
		if children {
			return htmlToText(m), nil
		}
		return plainParas(t), nil
	case typ == "html" || typ == "text/html" || mode == "escaped":
		if children {
			return htmlToText(m), nil
		}
		return htmlToText(t), nil
	case typ == "" || typ == "text" || strings.HasPrefix(typ, "text/"):
		if children {
			return htmlToText(m), nil
		}
		return plainParas(t), nil
	}
	return "", nil
}

// attrOf returns the value of the un-namespaced attribute local.
func attrOf(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func inRSS(space string) bool {
	return space == "" || space == nsRSS10 || space == nsRSS090 || space == nsRSS20
}

func inAtom(space string) bool {
	return space == nsAtom || space == nsAtom03 || space == "atom"
}

func inNS(space, ns, prefix string) bool { return space == ns || space == prefix }

// rssChild reads a child of <rss> or <rdf:RDF>: the channel, and in RSS 1.0
// the items, which follow the channel instead of being inside it.
func (p *xmlParser) rssChild(se xml.StartElement, base *url.URL) error {
	switch se.Name.Local {
	case "channel":
		return p.children(base, p.channelChild)
	case "item":
		return p.rssItem(se, base)
	}
	return nil
}

func (p *xmlParser) channelChild(se xml.StartElement, base *url.URL) error {
	var err error
	switch l := se.Name.Local; {
	case l == "item":
		return p.rssItem(se, base)
	case l == "title" && inRSS(se.Name.Space) && p.doc.Title == "":
		var t string
		t, err = p.htmlText()
		p.doc.Title = oneLine(t, maxTitleBytes)
	case l == "link" && inRSS(se.Name.Space) && p.linkRaw == "":
		p.linkRaw, err = p.text()
		p.linkBase = base
	case l == "link" && inAtom(se.Name.Space) && p.linkRaw == "" && alternate(se):
		p.linkRaw, p.linkBase = attrOf(se, "href"), base
	}
	return err
}

// alternate reports whether an Atom link is the page of what holds it.
func alternate(se xml.StartElement) bool {
	rel := strings.TrimSpace(attrOf(se, "rel"))
	return (rel == "" || rel == "alternate") && attrOf(se, "href") != ""
}

func (p *xmlParser) rssItem(se xml.StartElement, base *url.URL) error {
	var it xmlItem
	for _, a := range se.Attr {
		if a.Name.Local == "about" && inNS(a.Name.Space, nsRDF, "rdf") {
			it.GUID = a.Value
		}
	}
	var creators []string
	var author string
	err := p.children(base, func(c xml.StartElement, b *url.URL) error {
		var err error
		var s string
		switch l, sp := c.Name.Local, c.Name.Space; {
		case l == "title" && inRSS(sp):
			s, err = p.htmlText()
			it.Title = s
		case l == "link" && inRSS(sp):
			it.link, err = p.text()
			it.linkBase = b
		case l == "link" && inAtom(sp) && it.altLink == "" && alternate(c):
			it.altLink, it.altBase = attrOf(c, "href"), b
		case l == "origLink" && inNS(sp, nsFeedburner, "feedburner"):
			it.origLink, err = p.text()
		case l == "description" && inRSS(sp):
			it.Summary, err = p.htmlText()
		case l == "encoded" && inNS(sp, nsContent, "content"):
			it.Content, err = p.htmlText()
		case l == "guid" && inRSS(sp):
			s, err = p.text()
			it.GUID = s
			it.guidIsLink = !strings.EqualFold(strings.TrimSpace(attrOf(c, "isPermaLink")), "false")
		case l == "pubDate" && inRSS(sp):
			s, err = p.text()
			it.Published = parseDate(s)
		case l == "date" && inNS(sp, nsDC, "dc") && it.Published.IsZero():
			s, err = p.text()
			it.Published = parseDate(s)
		case (l == "modified" && inNS(sp, nsDCTerms, "dcterms")) || (l == "updated" && inAtom(sp)):
			s, err = p.text()
			it.Updated = parseDate(s)
		case l == "creator" && inNS(sp, nsDC, "dc"):
			s, err = p.text()
			if s = collapse(s); s != "" {
				creators = append(creators, s)
			}
		case l == "author" && inRSS(sp):
			s, err = p.text()
			author = rssAuthor(s)
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(creators) > 0 {
		it.Author = strings.Join(creators, ", ")
	} else {
		it.Author = author
	}
	return p.add(it)
}

// rssAuthor reads RSS's "jane@example.com (Jane Doe)" as "Jane Doe".
func rssAuthor(s string) string {
	s = collapse(s)
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") && strings.Contains(s[:i], "@") {
		if name := strings.TrimSpace(s[i+1 : len(s)-1]); name != "" {
			return name
		}
	}
	return s
}

func (p *xmlParser) atomFeedChild(se xml.StartElement, base *url.URL) error {
	if !inAtom(se.Name.Space) && se.Name.Space != "" {
		return nil
	}
	var err error
	switch se.Name.Local {
	case "entry":
		return p.atomEntry(base)
	case "title":
		if p.doc.Title == "" {
			var t string
			t, err = p.atomText(se)
			p.doc.Title = oneLine(t, maxTitleBytes)
		}
	case "link":
		if p.linkRaw == "" && alternate(se) {
			p.linkRaw, p.linkBase = attrOf(se, "href"), base
		}
	case "author":
		if p.feedAuthor == "" {
			p.feedAuthor, err = p.atomAuthor(base)
		}
	}
	return err
}

// atomAuthor reads an Atom person construct's name.
func (p *xmlParser) atomAuthor(base *url.URL) (string, error) {
	var name string
	err := p.children(base, func(c xml.StartElement, _ *url.URL) error {
		if c.Name.Local != "name" {
			return nil
		}
		s, err := p.text()
		name = collapse(s)
		return err
	})
	return name, err
}

func (p *xmlParser) atomEntry(base *url.URL) error {
	var it xmlItem
	var authors []string
	linkType := ""
	err := p.children(base, func(c xml.StartElement, b *url.URL) error {
		if !inAtom(c.Name.Space) && c.Name.Space != "" {
			return nil
		}
		var err error
		var s string
		switch c.Name.Local {
		case "id":
			it.GUID, err = p.text()
		case "title":
			it.Title, err = p.atomText(c)
		case "link":
			// the first alternate link, preferring an HTML page
			if alternate(c) {
				typ := strings.ToLower(attrOf(c, "type"))
				if it.link == "" || !isHTMLType(linkType) && isHTMLType(typ) {
					it.link, it.linkBase, linkType = attrOf(c, "href"), b, typ
				}
			}
		case "summary":
			it.Summary, err = p.atomText(c)
		case "content":
			it.Content, err = p.atomText(c)
		case "author":
			s, err = p.atomAuthor(b)
			if s != "" {
				authors = append(authors, s)
			}
		case "published", "issued", "created":
			if it.Published.IsZero() {
				s, err = p.text()
				it.Published = parseDate(s)
			}
		case "updated", "modified":
			s, err = p.text()
			it.Updated = parseDate(s)
		}
		return err
	})
	if err != nil {
		return err
	}
	it.Author = strings.Join(authors, ", ")
	return p.add(it)
}

func isHTMLType(t string) bool {
	return t == "" || t == "text/html" || t == "application/xhtml+xml"
}

// add keeps an item, cleaned and capped; errStop once MaxItems are kept.
func (p *xmlParser) add(it xmlItem) error {
	it.GUID = truncate(trimSpace(it.GUID), maxURLBytes)
	it.Title = oneLine(it.Title, maxTitleBytes)
	it.Author = oneLine(it.Author, maxAuthorBytes)
	it.Summary = truncate(it.Summary, MaxTextBytes)
	it.Content = truncate(it.Content, MaxTextBytes)
	if it.empty() && trimSpace(it.link+it.altLink+it.origLink) == "" {
		return nil
	}
	p.items = append(p.items, it)
	if len(p.items) >= MaxItems {
		return errStop
	}
	return nil
}

// finish resolves links against the feed's link, now that it is known.
func (p *xmlParser) finish() *Document {
	doc := p.doc
	ref := p.linkBase
	if ref == nil {
		ref = p.base
	}
	doc.Link = resolve(ref, p.linkRaw)
	site := absBase(nil, doc.Link)
	if site == nil {
		site = p.base
	}
	doc.Items = make([]Item, 0, len(p.items))
	for _, x := range p.items {
		it := x.Item
		for _, c := range []struct {
			raw  string
			base *url.URL
		}{{x.origLink, nil}, {x.link, x.linkBase}, {x.altLink, x.altBase}} {
			if it.Link == "" && c.raw != "" {
				it.Link = resolve(orSite(c.base, site), c.raw)
			}
		}
		if it.Link == "" && x.guidIsLink {
			// a permalink GUID, but only when it is a URL already: many
			// feeds leave isPermaLink out of GUIDs that are numbers
			it.Link = resolve(nil, it.GUID)
		}
		if it.Author == "" {
			it.Author = oneLine(p.feedAuthor, maxAuthorBytes)
		}
		if it.empty() {
			continue
		}
		doc.Items = append(doc.Items, it)
	}
	return &doc
}

func orSite(b, site *url.URL) *url.URL {
	if b != nil {
		return b
	}
	return site
}
