package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
)

// jstr is a JSON Feed string read leniently: a string, a number (an id is
// often one) written as it stands, anything else as "". One odd field must
// not cost a whole feed.
type jstr string

func (s *jstr) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		var v string
		if err := json.Unmarshal(b, &v); err == nil {
			*s = jstr(v)
		}
	case c == '-' || '0' <= c && c <= '9':
		*s = jstr(b)
	}
	return nil
}

type jsonAuthor struct {
	Name jstr `json:"name"`
}

type jsonFeed struct {
	Version     jstr            `json:"version"`
	Title       jstr            `json:"title"`
	HomePageURL jstr            `json:"home_page_url"`
	Items       json.RawMessage `json:"items"`
	Authors     json.RawMessage `json:"authors"` // 1.1
	Author      json.RawMessage `json:"author"`  // 1.0
}

type jsonItem struct {
	ID            jstr            `json:"id"`
	URL           jstr            `json:"url"`
	Title         jstr            `json:"title"`
	ContentHTML   jstr            `json:"content_html"`
	ContentText   jstr            `json:"content_text"`
	Summary       jstr            `json:"summary"`
	DatePublished jstr            `json:"date_published"`
	DateModified  jstr            `json:"date_modified"`
	Authors       json.RawMessage `json:"authors"`
	Author        json.RawMessage `json:"author"`
}

// parseJSON reads a JSON Feed 1.0 or 1.1 document. Items that are not
// objects are skipped; fields of the wrong type read as empty.
func parseJSON(body []byte, base *url.URL) (*Document, error) {
	var f jsonFeed
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, jsonError(body, err)
	}
	if !strings.Contains(string(f.Version), "jsonfeed.org/version/") {
		return nil, notFeed("this is JSON but not a JSON Feed (it has no \"version\": \"https://jsonfeed.org/version/1.1\")")
	}
	doc := &Document{
		Kind:  KindJSON,
		Title: oneLine(string(f.Title), maxTitleBytes),
		Link:  resolve(base, string(f.HomePageURL)),
	}
	feedAuthor := jsonAuthors(f.Authors, f.Author)
	var raw []json.RawMessage
	_ = json.Unmarshal(f.Items, &raw) // not an array: no items
	for _, r := range raw {
		if len(doc.Items) >= MaxItems {
			break
		}
		var ji jsonItem
		if json.Unmarshal(r, &ji) != nil {
			continue
		}
		it := Item{
			GUID:      truncate(trimSpace(string(ji.ID)), maxURLBytes),
			Link:      resolve(base, string(ji.URL)),
			Title:     oneLine(string(ji.Title), maxTitleBytes),
			Summary:   plainParas(string(ji.Summary)),
			Published: parseDate(string(ji.DatePublished)),
			Updated:   parseDate(string(ji.DateModified)),
			Author:    oneLine(jsonAuthors(ji.Authors, ji.Author), maxAuthorBytes),
		}
		if ji.ContentHTML != "" {
			it.Content = htmlToText(string(ji.ContentHTML))
		}
		if it.Content == "" {
			it.Content = plainParas(string(ji.ContentText))
		}
		if it.Author == "" {
			it.Author = oneLine(feedAuthor, maxAuthorBytes)
		}
		if !it.empty() {
			doc.Items = append(doc.Items, it)
		}
	}
	return doc, nil
}

// jsonAuthors reads JSON Feed 1.1's authors array, else 1.0's author
// object, as names joined with ", ".
func jsonAuthors(authors, author json.RawMessage) string {
	var names []string
	var list []jsonAuthor
	if json.Unmarshal(authors, &list) == nil {
		for _, a := range list {
			if n := collapse(string(a.Name)); n != "" {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		var one jsonAuthor
		if json.Unmarshal(author, &one) == nil {
			if n := collapse(string(one.Name)); n != "" {
				names = append(names, n)
			}
		}
	}
	return strings.Join(names, ", ")
}

// jsonError explains why a body that starts with "{" did not decode.
func jsonError(body []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if se.Offset >= int64(len(body)) || strings.Contains(se.Error(), "unexpected end of JSON input") {
			return malformed("the JSON ends at line %d before it is complete; the feed is truncated", lineAt(body, len(body)))
		}
		return malformed("malformed JSON at line %d: %s", lineAt(body, int(se.Offset)), se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return notFeed("this is JSON but not a JSON Feed (%s is not what a JSON Feed has there)", fieldName(te.Field))
	}
	return malformed("malformed JSON: %v", err)
}

func fieldName(f string) string {
	if f == "" {
		return "the document"
	}
	return oneLine(f, 60)
}

// lineAt returns the line number of offset in body.
func lineAt(body []byte, offset int) int {
	if offset > len(body) {
		offset = len(body)
	}
	if offset < 0 {
		offset = 0
	}
	return 1 + bytes.Count(body[:offset], []byte("\n"))
}
