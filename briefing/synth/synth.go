// Package synth generates synthetic news articles for benchmarks: English
// sentences with a realistic mix of named actors, topic words, dates in the
// forms news uses, hyphenated compounds and a long Zipf-distributed tail of
// rare words. Output is deterministic for a seed.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

var (
	subjects = []string{
		"U.S. President Donald Trump", "Russian President Vladimir Putin", "Ukrainian President Volodymyr Zelenskyy",
		"Foreign Minister Sergei Lavrov", "Secretary of State Marco Rubio", "the Kremlin", "Kyiv", "the European Union",
		"NATO allies", "Turkish President Recep Tayyip Erdogan", "the Ukrainian delegation", "Russian negotiators",
		"European leaders", "the White House", "Moscow", "the United Nations", "German Chancellor Friedrich Merz",
		"French President Emmanuel Macron", "British Prime Minister Keir Starmer", "Polish officials",
	}
	verbs = []string{
		"agreed to", "rejected", "proposed", "announced", "signed", "declared", "called for", "discussed",
		"welcomed", "condemned", "offered", "demanded", "approved", "postponed", "resumed", "suspended",
	}
	objects = []string{
		"a 30-day cease-fire", "a ceasefire along the front line", "a prisoner exchange", "the release of 1,000 prisoners of war",
		"new sanctions on oil exports", "a memorandum on a future peace treaty", "direct talks in Istanbul",
		"a long-range missile strike", "security guarantees for Ukraine", "a halt to strikes on energy infrastructure",
		"a high-level meeting", "a truce for the Easter holiday", "military aid worth $2 billion", "a grain corridor deal",
		"a second round of talks", "an investment fund for minerals", "a drone attack on the port", "a summit in Alaska",
	}
	relativeDates = []string{"on Tuesday", "on Friday", "last week", "yesterday", "earlier this month", "two days ago", "next week", "on Monday"}
	quotes        = []string{
		"We will not accept any deal that rewards aggression", "The door to negotiations remains open",
		"Our position has not changed", "This is a step in the right direction", "Time is running out",
	}
	background = []string{
		"The war has displaced millions of people and destroyed whole towns in the east",
		"Analysts say both sides are trying to strengthen their positions before any talks",
		"The front line has barely moved over the past year despite heavy losses",
		"Previous rounds of negotiations produced few lasting results",
	}
	fillers = []string{
		"according to officials familiar with the matter", "in a statement carried by state media",
		"after hours of closed-door discussions", "despite objections from several capitals",
		"as fighting continued in the east", "amid mounting pressure from Washington",
		"in a move analysts described as symbolic", "without giving further details",
	}
)

// Generator produces articles.
type Generator struct {
	rng  *rand.Rand
	zipf *rand.Zipf
	tail []string
}

// New returns a generator seeded with seed; tailWords sets how many distinct
// rare words the long tail has.
func New(seed uint64, tailWords int) *Generator {
	if tailWords < 100 {
		tailWords = 100
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &Generator{rng: rng, zipf: rand.NewZipf(rng, 1.1, 2, uint64(tailWords-1))}
	syl := []string{"ka", "lo", "ve", "tri", "mon", "sar", "del", "pra", "gu", "zen", "bor", "nik", "tas", "ol", "ry", "mek"}
	seen := map[string]bool{}
	for len(g.tail) < tailWords {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			g.tail = append(g.tail, w)
		}
	}
	return g
}

// Article is one generated article.
type Article struct {
	Title     string
	Published time.Time
	Text      string
}

// Article returns an article of about words words published on pub. Like
// real coverage it mixes dated developments (dates relative to pub, or
// absolute dates of the last two weeks), quotes and background.
func (g *Generator) Article(pub time.Time, words int) Article {
	var sents []string
	n := 0
	for n < words {
		var s string
		switch k := g.rng.IntN(10); {
		case k < 6:
			s = g.sentence(pub)
		case k < 8:
			s = fmt.Sprintf("“%s,” %s said.", g.pick(quotes), g.pick(subjects))
		default:
			s = g.pick(background) + "."
		}
		sents = append(sents, s)
		n += strings.Count(s, " ") + 1
	}
	// paragraphs of two or three sentences
	var paras []string
	for i := 0; i < len(sents); {
		k := 2 + g.rng.IntN(2)
		if i+k > len(sents) {
			k = len(sents) - i
		}
		paras = append(paras, strings.Join(sents[i:i+k], " "))
		i += k
	}
	return Article{Title: g.sentenceTitle(), Published: pub, Text: strings.Join(paras, "\n\n")}
}

func (g *Generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *Generator) rare() string { return g.tail[g.zipf.Uint64()] }

func (g *Generator) date(pub time.Time) string {
	switch k := g.rng.IntN(10); {
	case k < 4:
		return g.pick(relativeDates)
	case k < 7:
		d := pub.AddDate(0, 0, -g.rng.IntN(14))
		return "on " + d.Format("January 2")
	case k < 8:
		d := pub.AddDate(0, -1, 0)
		return "in late " + d.Format("January")
	}
	return ""
}

func (g *Generator) sentence(pub time.Time) string {
	d := g.date(pub)
	parts := []string{g.pick(subjects), g.pick(verbs), g.pick(objects)}
	if d != "" {
		parts = append(parts, d)
	}
	if g.rng.IntN(2) == 0 {
		parts = append(parts, g.pick(fillers))
	}
	parts = append(parts, fmt.Sprintf("near %s and %s", capitalize(g.rare()), g.rare()))
	if g.rng.IntN(3) == 0 {
		parts = append(parts, fmt.Sprintf("while the %s-%s plan stalled", g.rare(), g.rare()))
	}
	return capitalize(strings.Join(parts, " ") + ".")
}

// capitalize upper-cases the first byte of an ASCII-initial string.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *Generator) sentenceTitle() string {
	return fmt.Sprintf("%s %s %s", g.pick(subjects), g.pick(verbs), g.pick(objects))
}
