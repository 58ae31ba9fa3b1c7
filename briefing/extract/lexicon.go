package extract

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/briefbot/briefbot/briefing/textnorm"
)

//go:embed gazetteer.txt
var defaultGazetteer string

//go:embed topics.txt
var defaultTopics string

// Actor is one entry of the gazetteer.
type Actor struct {
	ID      string // canonical ID: putin, ukraine, european_union
	Kind    string // person, country or org
	Name    string // display name
	Aliases []string
}

// Topic is one entry of the topic lexicon.
type Topic struct {
	ID   string
	Name string
	Cues []string
}

// phraseIndex finds the longest known phrase starting at each word of a
// token sequence. Keys are the first token; candidates are sorted longest
// first.
type phraseIndex map[string][]phraseEntry

type phraseEntry struct {
	tokens []string
	id     string
}

func (p phraseIndex) add(tokens []string, id string) {
	if len(tokens) == 0 {
		return
	}
	p[tokens[0]] = append(p[tokens[0]], phraseEntry{tokens: tokens, id: id})
	sort.SliceStable(p[tokens[0]], func(i, j int) bool {
		return len(p[tokens[0]][i].tokens) > len(p[tokens[0]][j].tokens)
	})
}

// match returns the IDs of the phrases found in toks, left to right, longest
// first and without overlaps, deduplicated, in order of first appearance.
func (p phraseIndex) match(toks []string) []string {
	var ids []string
	for i := 0; i < len(toks); {
		matched := 0
		for _, e := range p[toks[i]] {
			if i+len(e.tokens) <= len(toks) && slices.Equal(toks[i:i+len(e.tokens)], e.tokens) {
				ids = appendUnique(ids, e.id)
				matched = len(e.tokens)
				break
			}
		}
		if matched > 0 {
			i += matched
		} else {
			i++
		}
	}
	return ids
}

// sharesAny reports whether a and b have an element in common.
func sharesAny(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
}

func appendUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// actorWords normalises a name for gazetteer matching: folded words,
// not stemmed, stop words kept (so "the Russian leader" stays specific).
func actorWords(s string) []string { return textnorm.Words(s) }

// parseTable reads a tab-separated table, skipping comments and blank lines.
func parseTable(name, src string, cols int) ([][]string, error) {
	var rows [][]string
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != cols {
			return nil, fmt.Errorf("%s:%d: want %d tab-separated fields, got %d", name, n+1, cols, len(f))
		}
		rows = append(rows, f)
	}
	return rows, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseGazetteer reads a gazetteer in the format of the embedded
// gazetteer.txt.
func ParseGazetteer(src string) ([]Actor, error) {
	rows, err := parseTable("gazetteer", src, 4)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Actor
	for _, f := range rows {
		a := Actor{ID: f[0], Kind: f[1], Name: f[2], Aliases: splitList(f[3])}
		if !validID(a.ID) {
			return nil, fmt.Errorf("gazetteer: actor id %q: use lower-case letters, digits and _", a.ID)
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("gazetteer: actor id %q appears twice", a.ID)
		}
		seen[a.ID] = true
		switch a.Kind {
		case "person", "country", "org":
		default:
			return nil, fmt.Errorf("gazetteer: actor %q: kind %q is not person, country or org", a.ID, a.Kind)
		}
		out = append(out, a)
	}
	return out, nil
}

// ParseTopics reads a topic lexicon in the format of the embedded topics.txt.
func ParseTopics(src string) ([]Topic, error) {
	rows, err := parseTable("topics", src, 3)
	if err != nil {
		return nil, err
	}
	var out []Topic
	for _, f := range rows {
		t := Topic{ID: f[0], Name: f[1], Cues: splitList(f[2])}
		if !validID(t.ID) {
			return nil, fmt.Errorf("topics: topic id %q: use lower-case letters, digits and _", t.ID)
		}
		out = append(out, t)
	}
	return out, nil
}

func validID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
