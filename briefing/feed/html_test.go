package feed

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDiscover(t *testing.T) {
	const base = "https://gazette.example/harbour/"
	tests := []struct {
		name, html, base string
		want             []string
	}{
		{
			name: "announced feeds in page order, deduplicated, APIs left out",
			html: string(readFile(t, "page.html")), base: base,
			want: []string{"https://gazette.example/harbour/feed/", "https://gazette.example/harbour/atom.xml"},
		},
		{
			name: "link forms: case, unquoted, rel lists, type parameters, JSON Feed, in the body",
			html: `<HTML><HEAD>
<LINK REL="Alternate" TYPE="Application/RSS+XML" HREF="rss.xml">
<link rel=alternate type=application/atom+xml href=/atom>
<link rel="alternate home" type="application/feed+json" href="//gazette.example/feed.json">
<link rel='alternate' type='application/rss+xml; charset=utf-8' href='https://other.example/x.rss'>
<link rel="stylesheet alternate" type="text/css" href="/dark.css">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="">
<link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
</HEAD><BODY><link rel="alternate" type="application/json" href="/feeds/all.json"></BODY></HTML>`,
			base: base,
			want: []string{
				"https://gazette.example/harbour/rss.xml",
				"https://gazette.example/atom",
				"https://gazette.example/feed.json",
				"https://other.example/x.rss",
				"https://gazette.example/feeds/all.json",
			},
		},
		{
			name: "base element, entities in href",
			html: `<head><base href="https://cdn.example/site/"><link rel="alternate" type="application/rss+xml" href="feed?a=1&amp;b=2"></head>`,
			base: base,
			want: []string{"https://cdn.example/site/feed?a=1&b=2"},
		},
		{
			name: "links in comments and scripts do not count",
			html: `<!-- <link rel="alternate" type="application/rss+xml" href="/old.rss"> --><script>document.write('<link rel="alternate" type="application/rss+xml" href="/js.rss">')</script><link rel="alternate" type="application/atom+xml" href="/real.atom">`,
			base: base,
			want: []string{"https://gazette.example/real.atom"},
		},
		{
			name: "fallback: anchors that look like feeds, own host first",
			html: `<body>
<a href="https://elsewhere.example/feed/">A friend's feed</a>
<a href="/harbour/feed/">RSS</a>
<a href="/about">About</a>
<a href="/sitemap.xml">Sitemap</a>
<a href="https://www.gazette.example/atom.xml">Atom</a>
<a href="/index.xml">Index</a>
<a href="/?feed=rss2">WordPress</a>
<a href="/harbour/feed/">RSS again</a>
<a href="/news.rss">News</a>
</body>`,
			base: base,
			want: []string{
				"https://gazette.example/harbour/feed/",
				"https://www.gazette.example/atom.xml",
				"https://gazette.example/index.xml",
				"https://gazette.example/?feed=rss2",
				"https://gazette.example/news.rss",
				"https://elsewhere.example/feed/",
			},
		},
		{
			name: "announced feeds win over anchors",
			html: `<a href="/rss">RSS</a><link rel="alternate" type="application/rss+xml" href="/announced.xml">`,
			base: base,
			want: []string{"https://gazette.example/announced.xml"},
		},
		{
			name: "nothing",
			html: `<html><body><p>No feeds here.</p><a href="/about">About</a></body></html>`,
			base: base,
		},
		{
			name: "no base: only absolute URLs",
			html: `<link rel="alternate" type="application/rss+xml" href="/relative.xml"><link rel="alternate" type="application/rss+xml" href="https://abs.example/feed.xml">`,
			want: []string{"https://abs.example/feed.xml"},
		},
		{
			name: "cut-off tag",
			html: `<link rel="alternate" type="application/rss+xml" href="/a.xml"><link rel="alternate" type="application/rss+xml" href="/b.xml`,
			base: base,
			want: []string{"https://gazette.example/a.xml"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Discover([]byte(tc.html), nilOrURL(t, tc.base))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Discover =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func nilOrURL(t *testing.T, s string) *url.URL {
	if s == "" {
		return nil
	}
	return mustURL(t, s)
}

func TestMainText(t *testing.T) {
	title, text := MainText(readFile(t, "article.html"))
	if title != "Council approves swing bridge repairs" {
		t.Errorf("title = %q", title)
	}
	want := strings.Join([]string{
		"The town council voted seven to two on Tuesday evening to repair the old swing bridge over the inner harbour before the summer season begins.",
		"Engineers found corrosion in two of the four main bearings during an inspection in January, and the bridge has been limited to pedestrians since then.",
		"The work will cost an estimated 1.2 million crowns & is expected to take eleven weeks. Ferry services will not be affected, the harbour master said.",
		"Two councillors voted against, arguing that a new fixed bridge would be cheaper over twenty years.",
		"What happens next",
		"Tenders open on 10 March, and the council expects work to start in April.",
	}, "\n\n")
	if text != want {
		t.Errorf("text =\n%s\n\nwant\n%s", text, want)
	}
	for _, noise := range []string{"cookies", "Skip to content", "Sport", "Advertisement", "Buy a boat", "Share on Facebook", "By Mara", "Photo:", "mayor said", "Fish market", "About time", "Leave a reply", "Storm damages", "All rights reserved", "dataLayer", "NewsArticle"} {
		if strings.Contains(text, noise) {
			t.Errorf("text has %q", noise)
		}
	}
}

func TestMainTextShapes(t *testing.T) {
	para := func(s string) string {
		return s + " " + strings.Repeat("More words follow to make a paragraph of some length. ", 3)
	}
	tests := []struct {
		name, html  string
		title       string
		contains    []string
		lacks       []string
		wantNoTitle bool
	}{
		{
			name: "no article element: the div with the most paragraph text, with its siblings",
			html: `<html><head><title>Page title</title></head><body>
<div class="menu"><p>` + para("Menu text") + `</p></div>
<div id="wrap">
  <div class="body-1"><p>` + para("First part.") + `</p><p>` + para("Second para.") + `</p></div>
  <div class="inline-promo"><p>` + para("Promotion.") + `</p></div>
  <div class="body-2"><p>` + para("Third para after a break.") + `</p></div>
  <div class="links"><p><a href="/1">` + para("A list of links") + `</a></p></div>
</div>
<div class="comments"><p>` + para("A comment.") + `</p></div>
</body></html>`,
			title:    "Page title",
			contains: []string{"First part.", "Second para.", "Third para after a break."},
			lacks:    []string{"Menu text", "Promotion.", "A list of links", "A comment."},
		},
		{
			name: "text in line breaks, not paragraphs",
			html: `<html><head><title>Breaks</title></head><body><div id="nav"><a href="/">Home</a></div><div class="text">` +
				para("Line one of the story.") + `<br><br>` + para("Line two of the story.") + `</div></body></html>`,
			title:    "Breaks",
			contains: []string{"Line one of the story.", "\nLine two of the story."},
			lacks:    []string{"Home"},
		},
		{
			name:     "several articles: the one with most text when it holds half the page",
			html:     `<title>T</title><article><p>` + para("Teaser one.") + `</p></article><article><h1>T</h1><p>` + para("Main one.") + `</p><p>` + para("Main two.") + `</p><p>` + para("Main three.") + `</p></article>`,
			title:    "T",
			contains: []string{"Main one.", "Main three."},
			lacks:    []string{"Teaser one.", "T\n"},
		},
		{
			name:     "hidden elements, dialogs and roles",
			html:     `<body><div role="navigation"><p>` + para("Role nav.") + `</p></div><div hidden><p>` + para("Hidden.") + `</p></div><div style="display: none"><p>` + para("Invisible.") + `</p></div><dialog><p>` + para("Dialog.") + `</p></dialog><div><p>` + para("Visible.") + `</p></div></body>`,
			contains: []string{"Visible."},
			lacks:    []string{"Role nav.", "Hidden.", "Invisible.", "Dialog."},
		},
		{
			name:     "unclosed paragraphs and entities",
			html:     `<body><div><p>` + para("One &amp; only.") + `<p>` + para("Two&nbsp;spaces &eacute;t&eacute;.") + `</div></body>`,
			contains: []string{"One & only.", "\n\nTwo spaces été."},
		},
		{
			name:     "windows-1252 page",
			html:     "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><title>Caf\xe9</title></head><body><p>" + para("Cr\xe8me br\xfbl\xe9e \x93quoted\x94.") + "</p></body></html>",
			title:    "Café",
			contains: []string{"Crème brûlée “quoted”."},
		},
		{
			name:        "empty page",
			html:        `<html><head></head><body></body></html>`,
			wantNoTitle: true,
		},
		{
			name:        "not HTML at all",
			html:        "just some words, no markup",
			contains:    []string{"just some words, no markup"},
			wantNoTitle: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			title, text := MainText([]byte(tc.html))
			if tc.title != "" && title != tc.title || tc.wantNoTitle && title != "" {
				t.Errorf("title = %q, want %q", title, tc.title)
			}
			for _, s := range tc.contains {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(text, s) {
					t.Errorf("text has %q:\n%s", s, text)
				}
			}
			if !utf8.ValidString(title) || !utf8.ValidString(text) {
				t.Error("not valid UTF-8")
			}
		})
	}
}

// TestHTMLToText covers the reduction of a feed's HTML.
func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>One</p><p>Two</p>`, "One\n\nTwo"},
		{`<p>A<br>B<br/>C</p>`, "A\nB\nC"},
		{`Intro<ul><li>one</li><li>two</ul>Outro`, "Intro\n\none\n\ntwo\n\nOutro"},
		{`<table><tr><td>a</td><td>b</td></tr><tr><td>c<td>d</table>`, "a b\n\nc d"},
		{`<b>bold</b><i>italic</i> <a href="x">link</a>`, "bolditalic link"},
		{`<p>x < y and y > z</p>`, "x < y and y > z"},
		{`<p>Tom &amp; Jerry &lt;3 &#169; &copy; &nosuch;</p>`, "Tom & Jerry <3 © © &nosuch;"},
		{`<script>var a = "</p>";</script><p>after</p>`, "after"},
		{`<style>p { color: red }</style><!-- note --><p>kept</p><!--> <p>also</p>`, "kept\n\nalso"},
		{`<p>unterminated comment<!-- rest`, "unterminated comment"},
		{`<p>cut <a href="x`, "cut"},
		{`<svg><title>icon</title><text>svg</text></svg><p>text</p>`, "text"},
		{`<div>outer<div>inner</div>tail</div>`, "outer\n\ninner\n\ntail"},
		{`<pre>  a   b  </pre>`, "a b"},
		{`<P CLASS="x">Upper</P>`, "Upper"},
		{`<p/>self<p />closed`, "self\n\nclosed"},
		{`<nav>menu</nav><p>body</p><footer>foot</footer>`, "body"},
		{"no markup\n\nat all &amp; entities", "no markup\n\nat all & entities"},
		{`</p></div>stray ends</span>`, "stray ends"},
	}
	for _, tc := range tests {
		if got := htmlToText(tc.in); got != tc.want {
			t.Errorf("htmlToText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMainTextUnclosedHead(t *testing.T) {
	for _, html := range []string{
		`<html><head><title>T</title><p>Body text after an unclosed head.</p>`,
		`<head><title>T</title><meta charset=utf-8>Body text after an unclosed head.`,
		`<head><title>T</title><img src=x>Body text after an unclosed head.`,
	} {
		title, text := MainText([]byte(html))
		if title != "T" || text != "Body text after an unclosed head." {
			t.Errorf("MainText(%q) = %q, %q", html, title, text)
		}
	}
}
