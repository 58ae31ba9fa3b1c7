package feed

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: no panic, an error or a document within the limits, all text
// valid UTF-8. The seeds are the testdata feeds and a few odd shapes.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss_cdata.xml", "atom_xhtml.xml", "feed11.json", "feed10.json", "nodates.xml", "rdf.xml", "latin1.xml", "truncated.xml", "bare_amp.xml", "billion.xml", "page.html"} {
		f.Add(readFile(f, name), "")
	}
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"), "")
	f.Add([]byte(`<rss><channel><item><title>&lt;p&gt;x</title><description><p>a<br>b</description></item></channel></rss>`), "text/xml; charset=windows-1252")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":1e400,"title":["x"],"authors":{}}]}`), "application/json")
	base, _ := url.Parse("https://fuzz.example/feed/")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		doc, err := Parse(body, contentType, base)
		if err != nil {
			if doc != nil {
				t.Fatal("a document and an error")
			}
			if !errors.Is(err, ErrNotFeed) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %q wraps none of the sentinels", err)
			}
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("error not valid UTF-8: %q", err)
			}
			return
		}
		checkValid(t, doc)
	})
}

// FuzzMainText covers the HTML side: MainText, Discover and the reduction
// of a feed's HTML.
func FuzzMainText(f *testing.F) {
	f.Add(readFile(f, "article.html"))
	f.Add(readFile(f, "page.html"))
	f.Add([]byte(`<p>a<br>b<table><tr><td>c<td>d</table><!--x--><script>y</script><a href="/rss">z`))
	f.Add([]byte("<meta charset=\"shift_jis\"><title>\x82\xa0</title><p>\x82\xa2</p>"))
	base, _ := url.Parse("https://fuzz.example/page")
	f.Fuzz(func(t *testing.T, html []byte) {
		title, text := MainText(html)
		if !utf8.ValidString(title) || !utf8.ValidString(text) {
			t.Fatalf("not valid UTF-8: %q %q", title, text)
		}
		if len(text) > MaxTextBytes || strings.Contains(text, "\n\n\n") {
			t.Fatalf("text of %d bytes or with empty paragraphs", len(text))
		}
		for _, u := range Discover(html, base) {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Fatalf("discovered %q", u)
			}
		}
		if s := htmlToText(string(html)); !utf8.ValidString(s) {
			t.Fatalf("htmlToText not valid UTF-8: %q", s)
		}
	})
}
