package feed

import (
	"net/url"
	"strings"
)

// maxDiscovered bounds what Discover returns.
const maxDiscovered = 32

// Discover returns the feed URLs an HTML page fetched from base announces:
// <link rel="alternate"> elements whose type is application/rss+xml,
// application/atom+xml, application/feed+json, application/json (except
// WordPress's REST API and oEmbed links) or application/rdf+xml, with their
// x- variants. URLs are resolved against the page's <base href>, else base,
// and only absolute http(s) URLs are kept, deduplicated, in page order.
//
// When the page announces none, Discover falls back to its <a href> links
// whose path ends in /feed, /rss, /atom, .rss, .atom, .xml (atom.xml,
// rss.xml, index.xml; not sitemaps) or feed.json, or whose query asks for
// a WordPress feed (?feed=rss2, ?feed=atom): links on the page's own host
// first, then the others, each group in page order. These are guesses for
// the caller to fetch and Parse; announced feeds are not.
//
// At most 32 URLs are returned, and only the first MaxPageBytes of html are
// read.
func Discover(html []byte, base *url.URL) []string {
	if len(html) > MaxPageBytes {
		html = html[:MaxPageBytes]
	}
	z := tokenizer{s: string(toUTF8(html, ""))}
	ref := base
	baseSeen := false
	seen := map[string]bool{}
	var announced, ownLinks, otherLinks []string
	for {
		t, ok := z.next()
		if !ok {
			break
		}
		if t.kind != tokStart {
			continue
		}
		switch t.name {
		case "base":
			if !baseSeen {
				baseSeen = true
				if b := absBase(base, t.attr("href")); b != nil {
					ref = b
				}
			}
		case "link":
			if !hasToken(t.attr("rel"), "alternate") || !feedType(t.attr("type")) {
				continue
			}
			u := resolve(ref, t.attr("href"))
			if u == "" || seen[u] || notAFeedJSON(t.attr("type"), u) {
				continue
			}
			seen[u] = true
			if len(announced) < maxDiscovered {
				announced = append(announced, u)
			}
		case "a":
			if len(announced) > 0 {
				continue
			}
			u := resolve(ref, t.attr("href"))
			if u == "" || seen[u] {
				continue
			}
			pu, err := url.Parse(u)
			if err != nil || !feedLike(pu) {
				continue
			}
			seen[u] = true
			if ref != nil && sameHost(pu.Host, ref.Host) {
				ownLinks = append(ownLinks, u)
			} else {
				otherLinks = append(otherLinks, u)
			}
			if len(ownLinks)+len(otherLinks) >= maxDiscovered {
				z.pos = len(z.s)
			}
		}
	}
	if len(announced) > 0 {
		return announced
	}
	out := append(ownLinks, otherLinks...)
	if len(out) > maxDiscovered {
		out = out[:maxDiscovered]
	}
	return out
}

// hasToken reports whether the space-separated list s holds tok (any case).
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// feedType reports whether a <link type> names a feed.
func feedType(t string) bool {
	t = strings.ToLower(t)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	switch strings.TrimSpace(t) {
	case "application/rss+xml", "application/x-rss+xml", "application/atom+xml", "application/x-atom+xml",
		"application/feed+json", "application/json", "application/rdf+xml":
		return true
	}
	return false
}

// notAFeedJSON reports the application/json alternates that are APIs, not
// feeds: WordPress announces its REST API and oEmbed endpoints so.
func notAFeedJSON(typ, u string) bool {
	if !strings.Contains(strings.ToLower(typ), "json") {
		return false
	}
	l := strings.ToLower(u)
	return strings.Contains(l, "/wp-json/") || strings.Contains(l, "oembed") || strings.Contains(l, "rest_route=")
}

// feedLike reports whether a link's address looks like a feed's.
func feedLike(u *url.URL) bool {
	p := strings.ToLower(strings.TrimSuffix(u.Path, "/"))
	if strings.Contains(p, "sitemap") {
		return false
	}
	for _, suffix := range [...]string{"/feed", "/rss", "/atom", ".rss", ".atom", ".xml", "/feed.json"} {
		if strings.HasSuffix(p, suffix) {
			return true
		}
	}
	q := strings.ToLower(u.RawQuery)
	return strings.Contains(q, "feed=rss") || strings.Contains(q, "feed=atom")
}

// sameHost compares hosts ignoring case and a leading "www.".
func sameHost(a, b string) bool {
	a = strings.TrimPrefix(strings.ToLower(a), "www.")
	b = strings.TrimPrefix(strings.ToLower(b), "www.")
	return a == b
}
