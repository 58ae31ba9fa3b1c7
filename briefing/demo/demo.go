// Package demo holds briefbot's demo timeline: a few short articles about the
// 2025 Russia-Ukraine talks, written by the briefbot authors, so that a new
// user's first "/timeline ceasefire" answers at once. They are ingested
// through the ordinary ingestion path, like any other article.
package demo

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

//go:embed demo.txt
var demoText string

// Articles returns the demo articles.
func Articles() ([]briefing.ArticleInput, error) {
	return Parse(demoText)
}

// Parse reads articles in the demo format: header lines "key: value"
// (source, url, title, published), a blank-free body, and "---" after each.
func Parse(src string) ([]briefing.ArticleInput, error) {
	var out []briefing.ArticleInput
	var cur briefing.ArticleInput
	var body []string
	inBody := false
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "#") && !inBody:
			continue
		case line == "---":
			cur.Text = strings.Join(body, "\n")
			cur.Via = "demo"
			if cur.Published.IsZero() || cur.Text == "" {
				return nil, fmt.Errorf("demo:%d: article needs a published header and text", n+1)
			}
			out = append(out, cur)
			cur, body, inBody = briefing.ArticleInput{}, nil, false
		case !inBody && strings.Contains(line, ": ") && !strings.HasPrefix(line, "On ") && !strings.HasPrefix(line, "From "):
			k, v, _ := strings.Cut(line, ": ")
			switch k {
			case "source":
				cur.Source = v
			case "url":
				cur.URL = v
			case "title":
				cur.Title = v
			case "published":
				t, err := time.Parse("2006-01-02", v)
				if err != nil {
					return nil, fmt.Errorf("demo:%d: %w", n+1, err)
				}
				cur.Published = t
			default:
				return nil, fmt.Errorf("demo:%d: unknown header %q", n+1, k)
			}
		case strings.TrimSpace(line) == "":
			continue
		default:
			inBody = true
			body = append(body, line)
		}
	}
	return out, nil
}

// LoadIfEmpty ingests the demo articles when the store holds no article,
// and reports how many developments it added.
func LoadIfEmpty(ctx context.Context, svc *briefing.Service) (int, error) {
	st, err := svc.Store().Stats(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	if st.Articles > 0 {
		return 0, nil
	}
	arts, err := Articles()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range arts {
		rep, err := svc.Ingest(ctx, a)
		if err != nil {
			return n, fmt.Errorf("demo: ingest %q: %w", a.Title, err)
		}
		n += len(rep.New)
	}
	return n, nil
}
