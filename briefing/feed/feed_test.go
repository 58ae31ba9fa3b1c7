package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFile(t *testing.T, name, contentType, base string) *Document {
	t.Helper()
	doc, err := Parse(readFile(t, name), contentType, mustURL(t, base))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return doc
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// want describes an item: empty fields are not checked, "zero" asks for a
// zero time; contains lists what Text() must hold, lacks what no text may.
type want struct {
	GUID, Link, Title, Author string
	Published, Updated        string // RFC 3339, "zero" for the zero time
	Summary, Content          string // exact
	contains, lacks           []string
}

func checkItem(t *testing.T, i int, got Item, w want) {
	t.Helper()
	eq := func(field, got, want string) {
		t.Helper()
		if want != "" && got != want {
			t.Errorf("item %d %s = %q, want %q", i, field, got, want)
		}
	}
	eq("GUID", got.GUID, w.GUID)
	eq("Link", got.Link, w.Link)
	eq("Title", got.Title, w.Title)
	eq("Author", got.Author, w.Author)
	eq("Summary", got.Summary, w.Summary)
	eq("Content", got.Content, w.Content)
	checkTime := func(field string, got time.Time, want string) {
		t.Helper()
		switch want {
		case "":
		case "zero":
			if !got.IsZero() {
				t.Errorf("item %d %s = %v, want zero", i, field, got)
			}
		default:
			if w := date(want); !got.Equal(w) {
				t.Errorf("item %d %s = %v, want %v", i, field, got, w)
			}
		}
	}
	checkTime("Published", got.Published, w.Published)
	checkTime("Updated", got.Updated, w.Updated)
	text := got.Text()
	for _, s := range w.contains {
		if !strings.Contains(text, s) {
			t.Errorf("item %d Text() lacks %q:\n%s", i, s, text)
		}
	}
	for _, s := range w.lacks {
		if strings.Contains(got.Summary+"\n"+got.Content+"\n"+got.Title, s) {
			t.Errorf("item %d has %q:\n%s\n%s", i, s, got.Summary, got.Content)
		}
	}
}

func TestParseFeeds(t *testing.T) {
	tests := []struct {
		name, file, contentType, base string
		kind, title, link             string
		items                         []want
	}{
		{
			name: "RSS 2.0 with CDATA and content:encoded", file: "rss_cdata.xml",
			contentType: "application/rss+xml; charset=UTF-8", base: "https://gazette.example/harbour/feed/",
			kind: KindRSS, title: "Port Elin Gazette – Harbour", link: "https://gazette.example/harbour/",
			items: []want{
				{
					GUID:      "https://gazette.example/?p=4411",
					Link:      "https://gazette.example/harbour/2025/03/04/bridge-repairs/",
					Title:     "Council approves bridge repairs",
					Author:    "Mara Lindqvist",
					Published: "2025-03-04T17:05:00Z",
					Updated:   "zero",
					Summary:   "The council voted on Tuesday to repair the swing bridge before the summer.\n\nThe post Council approves bridge repairs appeared first on Port Elin Gazette.",
					contains: []string{
						"The town council voted seven to two on Tuesday evening",
						"since then.\n\nThe work will cost an estimated 1.2 million crowns & is expected",
						"What happens next\n\nTenders open on 10 March.\n\nWork starts in April.",
					},
					lacks: []string{"trackView", "Photo: Gazette staff", "<p>", "&nbsp;", "\u00a0"},
				},
				{
					GUID:      "https://gazette.example/harbour/2025/03/03/fish-market/",
					Link:      "https://gazette.example/harbour/2025/03/03/fish-market/",
					Title:     "Fish market reopens & draws crowds",
					Author:    "Tomas Berg",
					Published: "2025-03-03T09:30:00-05:00",
					Summary:   "The covered fish market reopened on Monday after a three-month renovation.\nStall holders said trade was brisk.",
					Content:   "",
				},
				{
					// a permalink GUID stands in for the missing link
					Link:      "https://gazette.example/harbour/ferry-timetable/",
					Published: "2025-03-02T08:00:00Z",
				},
			},
		},
		{
			name: "Atom with xhtml content and xml:base", file: "atom_xhtml.xml",
			base: "https://observer.example/blog/atom.xml",
			kind: KindAtom, title: "Valley Observer: water & power", link: "https://observer.example/blog/",
			items: []want{
				{
					GUID:      "tag:observer.example,2025:88",
					Link:      "https://observer.example/blog/2025/02/spillway",
					Title:     "Dam operator lowers the spillway",
					Author:    "Ines Okafor", // inherited from the feed
					Published: "2025-02-10T13:30:00.25Z",
					Updated:   "2025-02-11T09:00:00Z",
					Summary:   "The operator lowered the spillway gate by a metre after two weeks of rain.",
					Content: "The operator of the Kessel dam lowered the main spillway gate by one metre on Monday, after two weeks of heavy rain raised the reservoir to its highest level since 2019.\n\n" +
						"Farmers downstream were warned by text message.\nThe regional water board said the notice went out an hour before the gate moved.\n\n" +
						"We had no choice but to release water now rather than later.",
				},
				{
					// the entry's own xml:base
					Link:      "https://mirror.example/archive/hearing-postponed.html",
					Author:    "Dev Raman",
					Published: "zero",
					Updated:   "2025-02-08T08:15:00Z",
					Content:   "The tribunal moved the hearing to April.\n\nBoth parties had asked for more time.",
				},
				{
					// type="text": entities are decoded once, lines joined
					Content: "First paragraph of plain text, hard-wrapped over two lines.\n\nSecond paragraph &amp; more.",
					Updated: "2025-02-07T00:00:00Z",
				},
			},
		},
		{
			name: "JSON Feed 1.1", file: "feed11.json", base: "https://weatherdesk.example/feed.json",
			kind: KindJSON, title: "Coastal Weather Desk", link: "https://weatherdesk.example/",
			items: []want{
				{
					GUID:      "2077",
					Link:      "https://weatherdesk.example/2025/01/storm-warning",
					Title:     "Storm warning for the northern coast",
					Author:    "Lena Park, Omar Said",
					Published: "2025-01-17T11:45:00Z",
					Updated:   "2025-01-17T08:00:00Z",
					Summary:   "Gusts of up to 110 km/h.",
					Content:   "A storm warning was issued for the northern coast on Friday.\n\nWind gusts of up to 110 km/h are expected overnight.",
				},
				{
					GUID:      "post-2076",
					Author:    "The Desk",
					Published: "zero",
					Content:   "High pressure settles over the region.\n\nTemperatures stay mild.",
				},
				// "not an object" is skipped
				{GUID: "post-2075", Title: "42", Published: "2025-01-15T00:00:00Z"},
			},
		},
		{
			name: "JSON Feed 1.0", file: "feed10.json", base: "https://old.example/feed.json",
			kind: KindJSON, title: "Old JSON Feed", link: "https://old.example/",
			items: []want{{GUID: "1", Author: "Pat Quinn", Content: "First post.", Published: "2017-05-17T15:02:12Z"}},
		},
		{
			// served with the wrong Content-Type, as happens
			name: "RSS 0.92 without dates or with bad ones", file: "nodates.xml",
			base: "https://notices.example/rss", contentType: "text/html; charset=utf-8",
			kind: KindRSS, title: "Undated notices", link: "https://notices.example/",
			items: []want{
				{Link: "https://notices.example/notices/road-closed", Published: "zero", Updated: "zero"},
				{Link: "https://notices.example/notices/bad-date", Published: "zero"},
				{Title: "Impossible date", Published: "zero", Summary: "No link, no guid."},
			},
		},
		{
			name: "RSS 1.0 (RDF)", file: "rdf.xml", base: "https://archive.example/index.rdf",
			kind: KindRSS, title: "Archive Notes", link: "https://archive.example/",
			items: []want{{
				GUID: "https://archive.example/notes/1", Link: "https://archive.example/notes/1",
				Title: "Catalogue moved online", Author: "Archive staff", Published: "2024-11-20T12:00:00Z",
				Summary: "The card catalogue is now searchable online.",
			}},
		},
		{
			name: "ISO-8859-1", file: "latin1.xml", contentType: "text/xml", base: "https://journal.example/rss",
			kind: KindRSS, title: "Journal de Saint-Aubin", link: "https://journal.example/",
			items: []want{{
				Title:     "Le café du port fête ses cent ans",
				Summary:   "Les habitués se sont réunis à l'été; « une fête », a dit la gérante.",
				Published: "2025-08-06T09:00:00Z",
			}},
		},
		{
			name: "not well-formed: bare ampersands, unclosed br, unknown entity", file: "bare_amp.xml", base: "https://smith.example/rss",
			kind: KindRSS, title: "Smith & Sons Weekly", link: "https://smith.example/",
			items: []want{{
				Title:   "Q&A with the mayor",
				Link:    "https://smith.example/qa?id=1&page=2",
				Summary: "Unescaped HTML in a description.\nA second line © &unknownentity; here.",
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := parseFile(t, tc.file, tc.contentType, tc.base)
			if doc.Kind != tc.kind || doc.Title != tc.title || doc.Link != tc.link {
				t.Errorf("document = %q %q %q, want %q %q %q", doc.Kind, doc.Title, doc.Link, tc.kind, tc.title, tc.link)
			}
			if len(doc.Items) != len(tc.items) {
				t.Fatalf("%d items, want %d: %+v", len(doc.Items), len(tc.items), doc.Items)
			}
			for i, w := range tc.items {
				checkItem(t, i, doc.Items[i], w)
			}
		})
	}
}

// TestParseCharsets reads the same short feed in the encodings servers send.
func TestParseCharsets(t *testing.T) {
	const title = "Café “au lait” – déjà vu"
	feed := func(decl string) string {
		return decl + `<rss version="2.0"><channel><title>T</title><item><title>` + title + `</title><guid>1</guid></item></channel></rss>`
	}
	latin1 := func(s string) []byte {
		var b []byte
		for _, r := range s {
			switch r {
			case '“':
				b = append(b, 0x93)
			case '”':
				b = append(b, 0x94)
			case '–':
				b = append(b, 0x96)
			default:
				if r > 0xff {
					panic(r)
				}
				b = append(b, byte(r))
			}
		}
		return b
	}
	utf16 := func(s string, bigEndian bool) []byte {
		b := []byte{0xff, 0xfe}
		if bigEndian {
			b = []byte{0xfe, 0xff}
		}
		for _, r := range s {
			if bigEndian {
				b = append(b, byte(r>>8), byte(r))
			} else {
				b = append(b, byte(r), byte(r>>8))
			}
		}
		return b
	}
	tests := []struct {
		name        string
		body        []byte
		contentType string
	}{
		{"UTF-8", []byte(feed(`<?xml version="1.0" encoding="utf-8"?>`)), ""},
		{"UTF-8 with BOM", append([]byte("\xef\xbb\xbf"), feed(`<?xml version="1.0" encoding="UTF-8"?>`)...), ""},
		{"UTF-8 labelled ISO-8859-1", []byte(feed(`<?xml version="1.0" encoding="ISO-8859-1"?>`)), "text/xml; charset=iso-8859-1"},
		{"windows-1252 declared", latin1(feed(`<?xml version="1.0" encoding="windows-1252"?>`)), ""},
		{"windows-1252 from the HTTP charset", latin1(feed(`<?xml version="1.0"?>`)), "application/rss+xml; charset=windows-1252"},
		{"windows-1252 labelled UTF-8", latin1(feed(`<?xml version="1.0" encoding="UTF-8"?>`)), "text/xml; charset=utf-8"},
		{"UTF-16LE with BOM", utf16(feed(`<?xml version="1.0" encoding="UTF-16"?>`), false), ""},
		{"UTF-16BE with BOM", utf16(feed(`<?xml version="1.0" encoding="UTF-16"?>`), true), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(tc.body, tc.contentType, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Items) != 1 || doc.Items[0].Title != title {
				t.Fatalf("items = %+v, want one titled %q", doc.Items, title)
			}
		})
	}
}

func TestParseEntitiesAndText(t *testing.T) {
	rss := func(item string) string {
		return `<rss version="2.0"><channel><title>T</title><item><guid>1</guid>` + item + `</item></channel></rss>`
	}
	tests := []struct {
		name, body     string
		title, summary string
	}{
		{"HTML entities in XML", rss(`<title>A&nbsp;B &mdash; C &hellip;</title><description>x&nbsp;&nbsp;y</description>`), "A B — C …", "x y"},
		{"escaped twice", rss(`<title>Fish &amp;amp; chips</title><description>Salt &amp;amp; vinegar &amp;lt;3</description>`), "Fish & chips", "Salt & vinegar <3"},
		{"numeric references", rss(`<title>&#8220;Quoted&#8221; &#x2014; yes</title><description>&#233;t&#xE9;</description>`), "“Quoted” — yes", "été"},
		{"markup in title", rss(`<title>&lt;b&gt;Bold&lt;/b&gt; move</title><description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;</description>`), "Bold move", "One\n\nTwo"},
		{"a less-than sign is text", rss(`<title>x &lt; y</title><description>a &lt; b and c &gt; d</description>`), "x < y", "a < b and c > d"},
		{"plain text keeps its paragraphs", rss("<title>T</title><description>First\nline.\n\n  Second   paragraph.</description>"), "T", "First line.\n\nSecond paragraph."},
		{"white space and invisible characters", rss("<title>  A\u00a0\u200bB\tC\u00ad </title><description>\u2028x\u00a0</description>"), "A B C", "x"},
		{"control characters", rss("<title>A\x01B\x0cC</title><description>ok</description>"), "A B C", "ok"},
		{"a whole HTML document inline, not well-formed", rss(`<title>T</title><description><html><head><title>x</title></head><body><p>Hi & bye<br></p></body></html></description>`), "T", "Hi & bye"},
		{"comments and scripts", rss(`<title>T</title><description><![CDATA[<!-- hidden --><p>Seen</p><script>alert(1)</script><style>p{}</style>]]></description>`), "T", "Seen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse([]byte(tc.body), "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Items) != 1 {
				t.Fatalf("%d items", len(doc.Items))
			}
			it := doc.Items[0]
			if it.Title != tc.title || it.Summary != tc.summary {
				t.Errorf("title, summary = %q, %q; want %q, %q", it.Title, it.Summary, tc.title, tc.summary)
			}
		})
	}
}

func TestParseLinks(t *testing.T) {
	base := "https://news.example/feeds/main.xml"
	tests := []struct {
		name, body, want string
	}{
		{"RSS relative to the channel link", `<rss><channel><link>https://news.example/site/</link><item><link>posts/1</link></item></channel></rss>`, "https://news.example/site/posts/1"},
		{"RSS channel link after the items", `<rss><channel><item><link>posts/1</link></item><link>https://news.example/site/</link></channel></rss>`, "https://news.example/site/posts/1"},
		{"RSS relative to the feed URL", `<rss><channel><item><link>/posts/1</link></item></channel></rss>`, "https://news.example/posts/1"},
		{"RSS xml:base", `<rss><channel xml:base="https://cdn.example/a/"><link>https://news.example/</link><item><link>b</link></item></channel></rss>`, "https://cdn.example/a/b"},
		{"RSS relative xml:base", `<rss xml:base="/x/"><channel><item><link>y</link></item></channel></rss>`, "https://news.example/x/y"},
		{"atom:link in RSS", `<rss xmlns:atom="http://www.w3.org/2005/Atom"><channel><item><atom:link rel="alternate" href="https://news.example/p"/></item></channel></rss>`, "https://news.example/p"},
		{"feedburner origLink", `<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><item><link>https://feeds.example/~r/x/1</link><feedburner:origLink>https://news.example/1</feedburner:origLink></item></channel></rss>`, "https://news.example/1"},
		{"a GUID that is no URL is no link", `<rss><channel><item><title>t</title><guid>12345</guid></item></channel></rss>`, ""},
		{"not http", `<rss><channel><item><title>t</title><link>javascript:alert(1)</link></item></channel></rss>`, ""},
		{"Atom: an HTML alternate over others", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><link rel="alternate" type="application/pdf" href="/a.pdf"/><link rel="alternate" type="text/html" href="/a.html"/></entry></feed>`, "https://news.example/a.html"},
		{"Atom: no rel is alternate", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><link rel="enclosure" href="/a.mp3"/><link href="/a"/></entry></feed>`, "https://news.example/a"},
		{"Atom: xml:base on the link", `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/"><entry><id>1</id><link xml:base="https://b.example/c/" href="d"/></entry></feed>`, "https://b.example/c/d"},
		{"JSON Feed: relative to the feed URL", `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"../p/1"}]}`, "https://news.example/p/1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse([]byte(tc.body), "", mustURL(t, base))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Items) != 1 {
				t.Fatalf("%d items", len(doc.Items))
			}
			if got := doc.Items[0].Link; got != tc.want {
				t.Errorf("Link = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("no base", func(t *testing.T) {
		doc, err := Parse([]byte(`<rss><channel><item><title>t</title><link>/relative</link></item></channel></rss>`), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := doc.Items[0].Link; got != "" {
			t.Errorf("Link = %q, want none without a base", got)
		}
	})
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		is   error
		msg  []string // the message contains each
	}{
		{"HTML page", readFile(t, "page.html"), ErrNotFeed, []string{"this is an HTML page, not a feed"}},
		{"article page", readFile(t, "article.html"), ErrNotFeed, []string{"HTML page"}},
		{"XHTML page", []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>`), ErrNotFeed, []string{"HTML page"}},
		{"HTML without doctype, malformed as XML", []byte("\n<meta charset=utf-8>\n<html><body><p>a<br>b</body></html>"), ErrNotFeed, []string{"HTML page"}},
		{"empty", []byte(" \n\t"), ErrNotFeed, []string{"empty"}},
		{"plain text", []byte("Service unavailable"), ErrNotFeed, []string{"neither XML nor JSON"}},
		{"sitemap", []byte(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/</loc></url></urlset>`), ErrNotFeed, []string{"<urlset>"}},
		{"OPML", []byte(`<opml version="2.0"><body><outline xmlUrl="https://x.example/feed"/></body></opml>`), ErrNotFeed, []string{"OPML"}},
		{"JSON that is not a feed", []byte(`{"status": "ok"}`), ErrNotFeed, []string{"not a JSON Feed"}},
		{"JSON array", []byte(`[1, 2]`), ErrNotFeed, []string{"JSON"}},
		{"truncated XML", readFile(t, "truncated.xml"), ErrMalformed, []string{"line 12", "truncated"}},
		{"broken XML", []byte("<rss version=\"2.0\">\n<channel>\n<item <title>C</title></item></channel></rss>"), ErrMalformed, []string{"malformed XML at line 3"}},
		{"truncated JSON", []byte("{\"version\": \"https://jsonfeed.org/version/1.1\",\n\"items\": [{\"id\": 1"), ErrMalformed, []string{"line 2", "truncated"}},
		{"broken JSON", []byte("{\n\"version\": \"https://jsonfeed.org/version/1.1\",\n \"items\": [}\n"), ErrMalformed, []string{"malformed JSON at line 3"}},
		{"too deep", []byte("<rss><channel><item><title>" + strings.Repeat("<x>", 600) + "</title></item></channel></rss>"), ErrMalformed, []string{"nest more than"}},
		{"too large", bytes.Repeat([]byte(" "), MaxBodyBytes+1), ErrTooLarge, []string{"limit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(tc.body, "text/html", nil)
			if err == nil {
				t.Fatalf("no error; document %+v", doc)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not say %q", err, m)
				}
			}
		})
	}
}

// TestParseHostile checks that hostile documents cost bounded work and
// memory; none may expand, loop or exceed the limits.
func TestParseHostile(t *testing.T) {
	t.Run("billion laughs", func(t *testing.T) {
		doc, err := Parse(readFile(t, "billion.xml"), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Items) != 1 || len(doc.Items[0].Title) > 20 || strings.Contains(doc.Items[0].Summary, "lollol") {
			t.Errorf("entities were expanded: %+v", doc.Items)
		}
	})
	t.Run("many attributes", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`<rss><channel><item><title`)
		for i := range 50000 {
			fmt.Fprintf(&b, ` a%d="%d"`, i, i)
		}
		b.WriteString(`>ok</title></item></channel></rss>`)
		doc, err := Parse([]byte(b.String()), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Items[0].Title != "ok" {
			t.Errorf("title %q", doc.Items[0].Title)
		}
	})
	t.Run("more than MaxItems items", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`<rss><channel>`)
		for i := range MaxItems + 50 {
			fmt.Fprintf(&b, `<item><guid>%d</guid></item>`, i)
		}
		b.WriteString(`</channel></rss>`)
		doc, err := Parse([]byte(b.String()), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Items) != MaxItems || doc.Items[0].GUID != "0" || doc.Items[MaxItems-1].GUID != fmt.Sprint(MaxItems-1) {
			t.Errorf("%d items, want the first %d", len(doc.Items), MaxItems)
		}
	})
	t.Run("more than MaxItems JSON items", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"version":"https://jsonfeed.org/version/1.1","items":[`)
		for i := range MaxItems + 50 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d}`, i)
		}
		b.WriteString(`]}`)
		doc, err := Parse([]byte(b.String()), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Items) != MaxItems {
			t.Errorf("%d items, want %d", len(doc.Items), MaxItems)
		}
	})
	t.Run("a text longer than MaxTextBytes", func(t *testing.T) {
		long := strings.Repeat("word ", MaxTextBytes/5+1000)
		doc, err := Parse([]byte(`<rss><channel><item><guid>1</guid><description>`+long+`</description><title>`+long+`</title></item></channel></rss>`), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		it := doc.Items[0]
		if len(it.Summary) > MaxTextBytes || len(it.Summary) < MaxTextBytes-300 || len(it.Title) > maxTitleBytes {
			t.Errorf("summary %d bytes, title %d bytes", len(it.Summary), len(it.Title))
		}
	})
	t.Run("deep HTML in a description", func(t *testing.T) {
		html := strings.Repeat("<div>", 100000) + "deep" + strings.Repeat("</div>", 100000)
		doc, err := Parse([]byte(`<rss><channel><item><guid>1</guid><description><![CDATA[`+html+`]]></description></item></channel></rss>`), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Items[0].Summary != "deep" {
			t.Errorf("summary %q", doc.Items[0].Summary)
		}
	})
}

func TestItemKey(t *testing.T) {
	tests := []struct {
		name string
		it   Item
		want string
	}{
		{"GUID first", Item{GUID: "urn:x:1", Link: "https://a.example/1", Title: "T"}, "guid:urn:x:1"},
		{"then the link", Item{Link: "https://a.example/1", Title: "T"}, "link:https://a.example/1"},
		// sha256("Title\nSummary text")
		{"then a hash of title and text", Item{Title: "Title", Summary: "Summary text"}, "hash:" + sha("Title\nSummary text")},
		{"the hash follows Text()", Item{Title: "Title", Summary: "short", Content: "the full content of the item"}, "hash:" + sha("Title\nthe full content of the item")},
		{"an empty item", Item{}, "hash:" + sha("\n")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.it.Key(); got != tc.want {
				t.Errorf("Key() = %q, want %q", got, tc.want)
			}
		})
	}
	a := Item{Title: "Same", Summary: "text one"}
	b := Item{Title: "Same", Summary: "text two"}
	if a.Key() == b.Key() {
		t.Error("different texts share a key")
	}
}

func TestItemText(t *testing.T) {
	n := func(k int) string { return strings.TrimSpace(strings.Repeat("word ", k)) }
	tests := []struct {
		name             string
		summary, content string
		text             string
		full             bool
	}{
		{"summary only", n(40), "", n(40), false},
		{"long summary only", n(250), "", n(250), true},
		{"content only", "", n(10), n(10), false},
		{"full content", n(30), n(400), n(400), true},
		{"content twice the summary", n(15), n(35), n(35), true},
		{"content shorter than summary", n(50), "Read more", n(50), false},
		{"content as long as summary", n(20), n(20), n(20), false},
		{"nothing", "", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := Item{Title: "Title", Summary: tc.summary, Content: tc.content}
			if got := it.Text(); got != tc.text {
				t.Errorf("Text() = %d words, want %d", words(got), words(tc.text))
			}
			if got := it.HasFullText(); got != tc.full {
				t.Errorf("HasFullText() = %v, want %v", got, tc.full)
			}
		})
	}
	pub, upd := date("2025-01-02T03:04:05Z"), date("2025-01-03T00:00:00Z")
	if got := (Item{Published: pub, Updated: upd}).Date(); !got.Equal(pub) {
		t.Errorf("Date() = %v, want Published", got)
	}
	if got := (Item{Updated: upd}).Date(); !got.Equal(upd) {
		t.Errorf("Date() = %v, want Updated", got)
	}
}

// checkValid fails when any text of doc is not valid UTF-8 or breaks the
// limits.
func checkValid(t testing.TB, doc *Document) {
	t.Helper()
	if !utf8.ValidString(doc.Title) || !utf8.ValidString(doc.Link) {
		t.Fatalf("document fields not valid UTF-8: %q %q", doc.Title, doc.Link)
	}
	if len(doc.Items) > MaxItems {
		t.Fatalf("%d items", len(doc.Items))
	}
	for _, it := range doc.Items {
		for _, s := range []string{it.GUID, it.Link, it.Title, it.Summary, it.Content, it.Author, it.Text(), it.Key()} {
			if !utf8.ValidString(s) {
				t.Fatalf("item field not valid UTF-8: %q", s)
			}
		}
		if len(it.Summary) > MaxTextBytes || len(it.Content) > MaxTextBytes || len(it.Title) > maxTitleBytes {
			t.Fatalf("item over the limits: %d %d %d", len(it.Summary), len(it.Content), len(it.Title))
		}
		if it.Link != "" && !strings.HasPrefix(it.Link, "http://") && !strings.HasPrefix(it.Link, "https://") {
			t.Fatalf("link %q is not absolute http(s)", it.Link)
		}
	}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
