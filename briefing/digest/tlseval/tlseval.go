// Package tlseval runs briefbot's timeline summaries on the Timeline17
// evaluation data, the way the timeline-summarization literature does
// (news-tls, ACL 2020): per reference timeline, the articles published from
// its first to its last date are ingested into a fresh store, a summary
// timeline of L dates (the reference's number of dates) with k lines per
// date (its average) is built over that span, and the result is scored with
// the tilse measures.
//
// Articles go through the same ingestion path as any other article:
// extraction, dating, merging, storing and searching; only the store is a
// throwaway one.
package tlseval

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/digest"
	"github.com/briefbot/briefbot/briefing/digest/tilse"
)

// Article is one input article of a Timeline17 topic.
type Article struct {
	UID  string `json:"uid"`
	DCT  string `json:"dct"` // publication date, YYYY-MM-DD
	Text string `json:"text"`
}

// Files a topic directory holds.
const (
	ArticlesFile = "articles.json"
	GoldFile     = "timeline.txt"
	// StopwordsFile sits in the corpus directory, beside the topics.
	StopwordsFile = "smart-stopwords.txt"
)

// ReadArticles reads a topic's articles.json.
func ReadArticles(path string) ([]Article, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var arts []Article
	if err := json.Unmarshal(data, &arts); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return arts, nil
}

// Topics returns the topic directories under dir (those holding both an
// articles.json and a timeline.txt), sorted by name; or dir alone when it
// is a topic itself.
func Topics(dir string) ([]string, error) {
	if exists(filepath.Join(dir, ArticlesFile)) && exists(filepath.Join(dir, GoldFile)) {
		return []string{filepath.Clean(dir)}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if exists(filepath.Join(p, ArticlesFile)) && exists(filepath.Join(p, GoldFile)) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// ptbBrackets are the Penn Treebank escapes of brackets, slashes and stars.
var ptbBrackets = strings.NewReplacer("-LRB-", "(", "-RRB-", ")", "-LSB-", "[", "-RSB-", "]", "-LCB-", "{", "-RCB-", "}", `\/`, "/", `\*`, "*")

var (
	// a token that attaches to the word before it
	spaceBeforeClose = regexp.MustCompile(` ([,.;:?!%)\]}]|'s\b|'S\b|'re\b|'ve\b|'ll\b|'d\b|'m\b|n't\b|')`)
	// a token that attaches to the word after it
	spaceAfterOpen = regexp.MustCompile(`([(\[{$]) `)
	// opening and closing double quotes, as PTB writes them
	openQuote  = regexp.MustCompile("`` ?")
	closeQuote = regexp.MustCompile(" ?''")
	// contractions whose apostrophe the corpus lost: "didn t", "it s"
	lostApostrophe = regexp.MustCompile(`\b(ain|aren|can|couldn|didn|doesn|don|hadn|hasn|haven|isn|mightn|mustn|needn|shan|shouldn|wasn|weren|won|wouldn) t\b`)
	manySpaces     = regexp.MustCompile(`[ \t]+`)
)

// Untokenize turns Penn-Treebank-tokenized text back into ordinary prose:
// "-LRB- ¬ # 5.2 bn -RRB-" becomes "(¬ # 5.2 bn)", "BP 's shares , which"
// becomes "BP's shares, which", "didn t" becomes "didn't".
func Untokenize(s string) string {
	s = ptbBrackets.Replace(s)
	s = openQuote.ReplaceAllString(s, `"`)
	s = closeQuote.ReplaceAllString(s, `"`)
	s = lostApostrophe.ReplaceAllString(s, "${1}'t")
	s = spaceBeforeClose.ReplaceAllString(s, "$1")
	s = spaceAfterOpen.ReplaceAllString(s, "$1")
	return strings.TrimSpace(manySpaces.ReplaceAllString(s, " "))
}

// Result is one topic's evaluation.
type Result struct {
	Topic        string         // the directory's name
	Articles     int            // articles ingested (published within the gold span)
	Skipped      int            // articles left out: no usable dct, or no text
	Developments int            // developments the store held for the span
	L, K         int            // dates and lines per date asked for
	Summary      tilse.Timeline // what briefbot produced
	Scores       tilse.Scores   // against the gold timeline
	Ingest       time.Duration  // time to ingest the articles and read the span back
	Summarize    time.Duration  // time to summarise it
}

// Env is what Run needs from its caller: a fresh store per topic and the
// extractor to ingest with. Keeping the store behind a function keeps this
// package free of any store implementation.
type Env struct {
	// OpenStore returns an empty store and a function that closes and
	// removes it.
	OpenStore func(ctx context.Context) (briefing.Store, func(), error)
	Extractor briefing.Extractor
	Scorer    *tilse.Scorer
}

// Topic is one reference timeline with the developments briefbot
// extracted from its articles.
type Topic struct {
	Name         string
	Gold         tilse.Timeline
	Lo, Hi       briefing.Day      // the gold's first and last dates
	L, K         int               // dates, and lines per date, to ask for
	Articles     int               // articles ingested
	Skipped      int               // articles in the span left out: no usable dct, or no text
	Developments []*briefing.Event // what the store holds for [Lo, Hi]
	Ingest       time.Duration     // time to ingest the articles and read them back
}

// Prepare reads a topic directory and ingests the articles published within
// its gold span into a fresh store, then reads that span's developments
// back.
func Prepare(ctx context.Context, env Env, topicDir string) (*Topic, error) {
	t := &Topic{Name: filepath.Base(topicDir)}
	// tilse's reader keeps only the last block of a date that occurs twice
	gold, err := tilse.ReadLastBlockFile(filepath.Join(topicDir, GoldFile))
	if err != nil {
		return nil, err
	}
	if len(gold) == 0 {
		return nil, fmt.Errorf("%s: the gold timeline has no dates", topicDir)
	}
	arts, err := ReadArticles(filepath.Join(topicDir, ArticlesFile))
	if err != nil {
		return nil, err
	}
	t.Gold = gold
	t.Lo, t.Hi = gold[0].Date, gold[0].Date
	sentences := 0
	for _, e := range gold {
		t.Lo, t.Hi = min(t.Lo, e.Date), max(t.Hi, e.Date)
		sentences += len(e.Sentences)
	}
	t.L = len(gold)
	t.K = max(1, int(math.Round(float64(sentences)/float64(len(gold)))))

	st, done, err := env.OpenStore(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	// the clock only stamps first-seen times, which summaries do not read
	clock := func() time.Time { return t.Hi.Time().Add(24 * time.Hour) }
	svc := briefing.NewService(st, env.Extractor, clock, nil)

	start := time.Now()
	for _, a := range arts {
		dct := strings.TrimSpace(a.DCT)
		if len(dct) > 10 && (dct[10] == 'T' || dct[10] == ' ') {
			dct = dct[:10] // a time of day adds nothing to a publication date
		}
		day, err := briefing.ParseDay(dct)
		if err != nil {
			// without a publication date its relative dates mean nothing
			t.Skipped++
			continue
		}
		if day < t.Lo || day > t.Hi {
			continue
		}
		text := Untokenize(a.Text)
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, " ")
		}
		_, err = svc.Ingest(ctx, briefing.ArticleInput{
			Text:      text,
			Published: day.Time(),
			Source:    t.Name,
			Via:       "cli",
			Title:     "article " + a.UID,
		})
		if errors.Is(err, briefing.ErrBadArticle) {
			t.Skipped++ // empty or wordless articles exist in the corpus
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: article %s: %w", topicDir, a.UID, err)
		}
		t.Articles++
	}
	t.Developments, _, err = svc.Matching(ctx, briefing.Query{Since: t.Lo, Until: t.Hi}, briefing.MaxMatching)
	if err != nil {
		return nil, err
	}
	t.Ingest = time.Since(start)
	return t, nil
}

// Summarize builds the topic's summary timeline: L dates within the gold
// span, K lines each, day dates only.
func (t *Topic) Summarize() tilse.Timeline {
	tl := digest.Summarize(t.Developments, digest.Options{Dates: t.L, PerDate: t.K, DayOnly: true, Since: t.Lo, Until: t.Hi})
	return Lines(tl)
}

// Lines turns a digest timeline into a tilse one, a line per development.
func Lines(tl digest.Timeline) tilse.Timeline {
	var out tilse.Timeline
	for _, d := range tl.Dates {
		e := tilse.Entry{Date: d.Date.Lo}
		for _, ev := range d.Lines {
			e.Sentences = append(e.Sentences, ev.Summary)
		}
		out = append(out, e)
	}
	return out
}

// Run evaluates one topic directory.
func Run(ctx context.Context, env Env, topicDir string) (Result, error) {
	t, err := Prepare(ctx, env, topicDir)
	if err != nil {
		return Result{Topic: filepath.Base(topicDir)}, err
	}
	res := Result{Topic: t.Name, Articles: t.Articles, Skipped: t.Skipped, Developments: len(t.Developments), L: t.L, K: t.K, Ingest: t.Ingest}
	start := time.Now()
	res.Summary = t.Summarize()
	res.Summarize = time.Since(start)
	if env.Scorer != nil {
		res.Scores = env.Scorer.Score(res.Summary, t.Gold)
	}
	return res, nil
}

// WriteSummary writes r's summary timeline in the tilse format to
// dir/<topic>.txt, atomically.
func WriteSummary(dir string, r Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	final := filepath.Join(dir, r.Topic+".txt")
	f, err := os.CreateTemp(dir, "."+r.Topic+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := tilse.Write(f, r.Summary); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), final)
}

// LoadScorer returns a scorer with the stop words of the corpus directory
// dir and the WordNet exception lists of tilse.DefaultWordNetDir (Debian's
// wordnet-base package), or an error naming what is missing.
func LoadScorer(dir string) (*tilse.Scorer, error) {
	stop, err := tilse.LoadStopwords(filepath.Join(dir, StopwordsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is missing: ROUGE as tilse computes it drops those stop words, so the scores need it", filepath.Join(dir, StopwordsFile))
	}
	if err != nil {
		return nil, err
	}
	exc, err := tilse.LoadExceptions(tilse.DefaultWordNetDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the WordNet exception lists are missing (%w): ROUGE as tilse computes it counts irregular forms by their WordNet base, so without them the scores deviate from the original scorer's; install them with apt-get install wordnet-base", err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (reinstall the WordNet exception lists with apt-get install --reinstall wordnet-base)", err)
	}
	return tilse.NewScorer(stop).WithExceptions(exc), nil
}

// Mean averages results as news-tls does (see tilse.Mean).
func Mean(rs []Result) tilse.Scores {
	all := make([]tilse.Scores, 0, len(rs))
	for _, r := range rs {
		all = append(all, r.Scores)
	}
	return tilse.Mean(all)
}

// SortByTopic orders results by topic name.
func SortByTopic(rs []Result) {
	slices.SortFunc(rs, func(a, b Result) int { return cmp.Compare(a.Topic, b.Topic) })
}
