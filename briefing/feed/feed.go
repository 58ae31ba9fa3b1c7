// Package feed reads what news sites publish for machines: RSS, Atom and
// JSON Feed documents, and the HTML pages they point to. The poller fetches
// bytes; this package turns them into items with plain text, absolute links
// and dates, finds the feeds a site's page announces, and reduces an
// article's page to its main text when a feed carries only a summary.
//
// Everything here is pure: no network, no clock, no state. Input is treated
// as hostile. Parse, Discover and MainText never panic, do work linear in the
// input, bound what they return (MaxItems, MaxTextBytes) and return valid
// UTF-8 only.
package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// Kind of a feed document. RSS 0.9x, 1.0 (RDF) and 2.0 are all KindRSS.
const (
	KindRSS  = "rss"
	KindAtom = "atom"
	KindJSON = "json"
)

// Limits on what Parse accepts and returns.
const (
	// MaxBodyBytes bounds the document Parse reads; a longer body is
	// refused with ErrTooLarge. The fetcher should stop reading at this
	// size (or at a smaller cap of its own).
	MaxBodyBytes = 32 << 20
	// MaxItems bounds the items of one document: the first MaxItems in
	// document order are returned and the rest are dropped. Feeds list the
	// newest first, so what is dropped is the oldest.
	MaxItems = 10000
	// MaxTextBytes bounds an item's Summary and Content and MainText's
	// text: longer text is cut at a word boundary, so that it stays within
	// what briefing.Service.Ingest accepts.
	MaxTextBytes = briefing.MaxArticleBytes
	// MaxPageBytes bounds the HTML that MainText and Discover read; the
	// rest of a longer page is ignored.
	MaxPageBytes = 16 << 20

	maxTitleBytes  = 1 << 10
	maxAuthorBytes = 512
	maxURLBytes    = 2 << 10 // longer GUIDs and links are cut, longer links dropped
)

// Errors returned by Parse, wrapped; the message after them is meant for the
// user who added the source.
var (
	// ErrNotFeed: the body is something else (an HTML page, a sitemap, an
	// empty body). For an HTML page the caller can try Discover.
	ErrNotFeed = errors.New("not a feed")
	// ErrMalformed: the body is a feed that does not parse (broken or
	// truncated XML or JSON); the message names the line when known.
	ErrMalformed = errors.New("malformed feed")
	// ErrTooLarge: the body is longer than MaxBodyBytes.
	ErrTooLarge = errors.New("feed too large")
)

// parseError carries a message for the user and the sentinel it wraps.
type parseError struct {
	kind error
	msg  string
	// lenientMayHelp: the XML is not well-formed in a way that reading it
	// leniently may get past (not truncation, not nesting too deep).
	lenientMayHelp bool
}

func (e *parseError) Error() string { return e.msg }
func (e *parseError) Unwrap() error { return e.kind }

func notFeed(format string, args ...any) error {
	return &parseError{kind: ErrNotFeed, msg: fmt.Sprintf(format, args...)}
}

func malformed(format string, args ...any) error {
	return &parseError{kind: ErrMalformed, msg: fmt.Sprintf(format, args...)}
}

// htmlNotFeed is the message for an HTML page handed to Parse.
const htmlNotFeed = "this is an HTML page, not a feed; the page may announce its feeds (see Discover), or use the feed's own address"

// Document is a parsed feed.
type Document struct {
	Kind  string // KindRSS, KindAtom or KindJSON
	Title string // plain text, one line
	// Link is the site's address, absolute (http or https); empty when the
	// feed names none.
	Link  string
	Items []Item // in document order, at most MaxItems
}

// Item is one entry of a feed. All text is plain, valid UTF-8, with
// whitespace normalised: one line for Title and Author, paragraphs separated
// by blank lines for Summary and Content.
type Item struct {
	// GUID is the RSS guid, the Atom id, the JSON Feed id or the RSS 1.0
	// rdf:about, trimmed (and cut at 2 KiB).
	GUID string
	// Link is the item's page, absolute, http or https only: resolved
	// against the xml:base in scope, else the feed's own link, else the
	// address the feed was fetched from. Empty when there is none or it
	// cannot be resolved.
	Link  string
	Title string
	// Summary is the RSS description, Atom summary or JSON Feed summary.
	Summary string
	// Content is the full content when the feed carries it
	// (content:encoded, Atom content including type="xhtml", JSON Feed
	// content_html or content_text); may be empty.
	Content string
	// Author is the item's authors' names joined with ", " (an Atom or
	// JSON Feed item without one inherits the feed's).
	Author string
	// Published and Updated are zero when absent or unparseable.
	Published time.Time
	Updated   time.Time
}

// Text is the item's best text for ingestion, without the title: Content
// when it has substance (at least as many words as Summary, or 80 words),
// else Summary, else whatever Content there is.
func (it Item) Text() string {
	cw, sw := words(it.Content), words(it.Summary)
	if cw > 0 && (cw >= sw || cw >= 80) {
		return it.Content
	}
	if sw > 0 {
		return it.Summary
	}
	return it.Content
}

// HasFullText reports whether the item carries more than a summary, so that
// fetching the article's page would add little: Content of 80 words or
// more, Content of 30 words or more and at least twice as long as Summary,
// or a Summary of 200 words or more (RSS feeds often put the whole article
// in the description).
func (it Item) HasFullText() bool {
	cw, sw := words(it.Content), words(it.Summary)
	return cw >= 80 || (cw >= 30 && cw >= 2*sw) || sw >= 200
}

// Date is the date to file the item under: Published, else Updated; zero
// when the feed gives neither.
func (it Item) Date() time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.Updated
}

// Key identifies an item within its feed: "guid:"+GUID when set, else
// "link:"+Link, else "hash:" and the hex SHA-256 of Title+"\n"+Text().
func (it Item) Key() string {
	switch {
	case it.GUID != "":
		return "guid:" + it.GUID
	case it.Link != "":
		return "link:" + it.Link
	}
	h := sha256.Sum256([]byte(it.Title + "\n" + it.Text()))
	return "hash:" + hex.EncodeToString(h[:])
}

// empty reports whether an item has nothing worth keeping.
func (it Item) empty() bool {
	return it.GUID == "" && it.Link == "" && it.Title == "" && it.Summary == "" && it.Content == ""
}

// Parse reads an RSS 0.9x/1.0/2.0, Atom 1.0 (or 0.3) or JSON Feed 1.x
// document fetched from base (which may be nil; then relative links the
// document does not resolve itself are dropped).
//
// The format is sniffed from the body; contentType, the HTTP Content-Type,
// is used only for its charset, and only when the body is not valid UTF-8
// and declares no encoding itself. The charset is chosen as: a byte-order
// mark; else UTF-8 when the body is valid UTF-8; else the XML declaration's
// encoding, then the HTTP charset; else bytes that are not UTF-8 are read as
// windows-1252.
//
// XML is read strictly, with HTML's named entities (&nbsp;, &mdash;)
// allowed; a document that is not well-formed for a reason other than being
// cut short (a bare "&", an unknown entity, an unclosed <br> in a
// description) is read again leniently, and only if that fails too is it an
// error. Entities declared in a DTD are never expanded.
//
// Errors wrap ErrNotFeed (an HTML page, another XML vocabulary, JSON that is
// not a JSON Feed, an empty body), ErrMalformed (with the line when known)
// or ErrTooLarge.
func Parse(body []byte, contentType string, base *url.URL) (*Document, error) {
	if len(body) > MaxBodyBytes {
		return nil, &parseError{kind: ErrTooLarge, msg: fmt.Sprintf("the feed is %d bytes; the limit is %d MiB", len(body), MaxBodyBytes>>20)}
	}
	text := toUTF8(body, charsetParam(contentType))
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, notFeed("the body is empty, not a feed")
	}
	switch trimmed[0] {
	case '{':
		return parseJSON(trimmed, base)
	case '[':
		return nil, notFeed("this is a JSON array, not a JSON Feed")
	case '<':
		if sniffHTML(trimmed) {
			return nil, notFeed(htmlNotFeed)
		}
		doc, err := parseXML(trimmed, base, true)
		if err == nil {
			return doc, nil
		}
		var pe *parseError
		if !errors.As(err, &pe) || !pe.lenientMayHelp {
			return nil, err
		}
		if root, _ := firstElement(trimmed); !feedRoot(root) && mentionsHTML(trimmed) {
			return nil, notFeed(htmlNotFeed)
		}
		if doc, lerr := parseXML(trimmed, base, false); lerr == nil {
			return doc, nil
		}
		return nil, err
	}
	if mentionsHTML(trimmed) {
		return nil, notFeed(htmlNotFeed)
	}
	return nil, notFeed("this is neither XML nor JSON, not a feed (it starts with %q)", head(trimmed, 24))
}

// resolve turns a feed's raw link into an absolute http(s) URL.
func resolve(ref *url.URL, raw string) string {
	raw = trimSpace(raw)
	if raw == "" || len(raw) > maxURLBytes {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if ref != nil {
		u = ref.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	s := u.String()
	if len(s) > maxURLBytes {
		return ""
	}
	return s
}

// absBase resolves a base URL (an xml:base, a feed's link, a page's <base>)
// against ref; nil unless the result is an absolute http(s) URL.
func absBase(ref *url.URL, raw string) *url.URL {
	s := resolve(ref, raw)
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil
	}
	return u
}
