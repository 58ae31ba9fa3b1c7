package briefing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing/textnorm"
)

// Input limits and errors for ingestion.
const (
	// MaxArticleBytes bounds one article's text. Longer input is refused
	// rather than cut, so that nothing is silently lost.
	MaxArticleBytes = 2 << 20
	// mergeCandidates bounds how many stored events one read of merge
	// candidates returns (see mergeCache).
	mergeCandidates = 5000
)

// ErrBadArticle is wrapped by every ingestion error caused by the input
// itself; the message after it is meant for the user.
var ErrBadArticle = errors.New("bad article")

// Candidate is one sentence or clause of an article as the extractor read
// it. Development is false for context: background, quotes, opinion.
type Candidate struct {
	Date        EventDate
	Summary     string
	Sentence    string
	Offset      int
	Actors      []string // sorted canonical IDs
	Topics      []string // sorted canonical IDs
	Development bool
}

// Extractor turns an article into candidates. It is implemented by
// briefing/extract.
type Extractor interface {
	// Extract returns the article's sentences as candidates, in text order.
	Extract(a *Article) ([]Candidate, error)
	// ActorKind returns "person", "country" or "org" for an actor ID, "" if unknown.
	ActorKind(id string) string
	// ResolveActor maps a typed name to an actor ID, "" if unknown.
	ResolveActor(name string) string
	// ResolveTopic maps a typed topic to a topic ID, "" if unknown.
	ResolveTopic(name string) string
}

// Service ingests articles and answers timeline questions. It is safe for
// concurrent use; ingestion is serialised so that merges see each other.
type Service struct {
	store Store
	ex    Extractor
	now   func() time.Time
	log   *slog.Logger
	sem   chan struct{}

	// termCache holds the search terms of stored events' summaries, which
	// never change, so that merging does not stem the same lines for every
	// article. Guarded by sem; cleared when it grows past maxTermCache.
	termCache map[int64]map[string]bool
	// known holds the stored events recent developments were compared
	// with; guarded by sem.
	known *mergeCache
	// newTerms caches the terms of the article's new events; guarded by
	// sem and emptied for every article.
	newTerms map[*Event]map[string]bool
	norm     *textnorm.Cache
}

// maxTermCache bounds Service.termCache (about 50 MB at the bound).
const maxTermCache = 100_000

// NewService returns a Service over a store and an extractor. now may be
// nil (time.Now); log may be nil (discard).
func NewService(st Store, ex Extractor, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, ex: ex, now: now, log: log, sem: make(chan struct{}, 1), termCache: map[int64]map[string]bool{}, known: newMergeCache(), newTerms: map[*Event]map[string]bool{}, norm: textnorm.NewCache(50_000)}
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.store }

// ArticleInput is an article as it arrives, before validation.
type ArticleInput struct {
	Text      string
	Source    string // defaults to the URL's host, else to Via
	Via       string // cli, chat, feed, http, demo
	URL       string
	Title     string
	Published time.Time // required: the reference for relative dates
	// Topics are topic IDs added to the article's developments (a feed
	// followed for a topic); they do not change what merges with what.
	Topics []string
	// FirstSeen, when set and earlier than now, is the first-seen time of
	// the article's new developments: a corrected feed item is ingested
	// again, and what it reported was not learned just now, so briefings
	// do not announce it a second time.
	FirstSeen time.Time
}

// MergedEvent reports that a sentence of the article was recognised as an
// event the store already had (or one found earlier in the same article).
type MergedEvent struct {
	EventID   int64
	Summary   string // the existing event's summary
	Date      EventDate
	Candidate Candidate
}

// IngestReport says what one ingestion did.
type IngestReport struct {
	Article   *Article
	Duplicate bool // the same text was ingested before; nothing changed
	HTML      bool // the input looked like HTML and was reduced to its text
	New       []*Event
	Merged    []MergedEvent
	Context   int // sentences kept as context, not events
}

// Ingest validates an article, extracts its developments, merges those the
// timeline already knows and stores the rest, all in one transaction.
// Errors caused by the input wrap ErrBadArticle.
func (s *Service) Ingest(ctx context.Context, in ArticleInput) (*IngestReport, error) {
	rep := &IngestReport{}
	text := in.Text
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("%w: the text is not valid UTF-8 (first bad byte at offset %d); convert it to UTF-8 first", ErrBadArticle, invalidUTF8At(text))
	}
	if len(text) > MaxArticleBytes {
		return nil, fmt.Errorf("%w: the text is %s; the limit is %s per article", ErrBadArticle, byteSize(len(text)), byteSize(MaxArticleBytes))
	}
	if LooksLikeHTML(text) {
		text = HTMLToText(text)
		rep.HTML = true
	}
	text = strings.TrimPrefix(text, "\ufeff") // a byte-order mark is not text
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" {
		return nil, fmt.Errorf("%w: the article has no text", ErrBadArticle)
	}
	if len(textnorm.Words(text)) < 3 {
		return nil, fmt.Errorf("%w: the article has fewer than three words; nothing to extract", ErrBadArticle)
	}
	if in.Published.IsZero() {
		return nil, fmt.Errorf("%w: the publication date is missing; relative dates cannot be resolved without it", ErrBadArticle)
	}
	a := &Article{
		Source:     in.Source,
		Via:        in.Via,
		URL:        in.URL,
		Title:      strings.TrimSpace(in.Title),
		Published:  in.Published,
		Text:       text,
		Hash:       ContentHash(text),
		IngestedAt: s.now(),
	}
	if a.Via == "" {
		a.Via = "cli"
	}
	if a.Source == "" {
		a.Source = sourceFromURL(a.URL)
		if a.Source == "" {
			a.Source = a.Via
		}
	}
	rep.Article = a

	// Extraction needs no lock, so concurrent ingestions overlap here; what
	// follows reads and writes the timeline and is serialised, so that
	// merges see each other.
	cands, err := s.ex.Extract(a)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadArticle, err)
	}

	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sem }()
	// Stamp the article (and so its events' first_seen) under the lock:
	// Settle relies on every development stamped before it returns being
	// stored by then.
	a.IngestedAt = s.now()
	firstSeen := a.IngestedAt
	if !in.FirstSeen.IsZero() && in.FirstSeen.Before(firstSeen) {
		firstSeen = in.FirstSeen
	}

	if old, err := s.store.ArticleByHash(ctx, a.Hash); err == nil {
		rep.Article = old
		rep.Duplicate = true
		return rep, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("ingest: look up article: %w", err)
	}

	ing := &Ingestion{Article: a}
	merges := map[int64]*Merge{}
	var mergeOrder []int64
	if len(s.termCache) > maxTermCache {
		clear(s.termCache)
	}
	s.known.expire(s.now())
	clear(s.newTerms)
	for _, c := range cands {
		if !c.Development {
			rep.Context++
			continue
		}
		cite := Citation{Source: a.Source, URL: a.URL, Title: a.Title, Published: a.Published, Sentence: c.Sentence, Offset: c.Offset}
		// the same development earlier in this article
		cTerms := s.termSet(c.Summary)
		if ev := s.bestMatch(c, cTerms, ing.New, true); ev != nil {
			absorb(ev, c)
			rep.Merged = append(rep.Merged, MergedEvent{Summary: ev.Summary, Date: ev.Date, Candidate: c})
			continue
		}
		// the same development already in the timeline
		pending, err := s.known.candidates(ctx, s.store, c)
		if err != nil {
			s.known.reset()
			return nil, err
		}
		if ev := s.bestMatch(c, cTerms, pending, false); ev != nil {
			m, ok := merges[ev.ID]
			if !ok {
				m = &Merge{EventID: ev.ID, Citation: cite}
				merges[ev.ID] = m
				mergeOrder = append(mergeOrder, ev.ID)
			}
			dateBefore := ev.Date
			absorb(ev, c)
			m.Actors, m.Topics = ev.Actors, union(ev.Topics, in.Topics)
			if ev.Date != dateBefore {
				d := ev.Date
				m.Date = &d
				s.known.moved(ev, dateBefore)
			}
			rep.Merged = append(rep.Merged, MergedEvent{EventID: ev.ID, Summary: ev.Summary, Date: ev.Date, Candidate: c})
			continue
		}
		ev := &Event{
			Date:      c.Date,
			Summary:   c.Summary,
			Actors:    c.Actors,
			Topics:    union(c.Topics, in.Topics),
			Citations: []Citation{cite},
			FirstSeen: firstSeen,
			UpdatedAt: a.IngestedAt,
		}
		ing.New = append(ing.New, ev)
	}
	for _, id := range mergeOrder {
		ing.Merges = append(ing.Merges, *merges[id])
	}
	if err := s.store.Ingest(ctx, ing); err != nil {
		// merges above changed cached events that the store did not take
		s.known.reset()
		if errors.Is(err, ErrDuplicateArticle) {
			rep.Duplicate = true
			return rep, nil
		}
		return nil, fmt.Errorf("ingest: store: %w", err)
	}
	rep.New = ing.New
	for _, ev := range ing.New {
		// a copy: the report's events belong to the caller
		s.known.add(cloneForMerge(ev))
	}
	level := slog.LevelInfo
	if a.Via == "demo" {
		level = slog.LevelDebug
	}
	s.log.Log(ctx, level, "article ingested", "source", a.Source, "article", a.ID, "new", len(rep.New), "merged", len(rep.Merged), "context", rep.Context)
	return rep, nil
}

// mergeSlack is how many days a date may be off and still be the same
// development: a date that is only the publication date is a guess, and the
// news it dates usually happened a day or two before.
func mergeSlack(d EventDate) int {
	if d.Origin == OriginPublished {
		return 2
	}
	return 0
}

// bestMatch returns the event among evs that reports the same development
// as c, or nil. sameArticle relaxes the wording test: an article that
// mentions the same people, topic and day twice is restating itself.
func (s *Service) bestMatch(c Candidate, cTerms map[string]bool, evs []*Event, sameArticle bool) *Event {
	cPeople := s.people(c.Actors)
	terms := s.termCache
	var best *Event
	bestScore := 0.0
	for _, ev := range evs {
		if !c.Date.Overlaps(ev.Date, mergeSlack(c.Date)+mergeSlack(ev.Date)) {
			continue
		}
		if len(c.Topics) > 0 && len(ev.Topics) > 0 && !shares(c.Topics, ev.Topics) {
			continue
		}
		named := shares(c.Actors, ev.Actors) || shares(c.Topics, ev.Topics)
		if !named && (len(c.Actors) > 0 || len(c.Topics) > 0) && (len(ev.Actors) > 0 || len(ev.Topics) > 0) {
			// both name someone or something, and not the same: two
			// developments
			continue
		}
		if !named && (len(c.Actors)+len(c.Topics) > 0 || len(ev.Actors)+len(ev.Topics) > 0) {
			// one names someone, the other no one: not the same wording
			continue
		}
		var evTerms map[string]bool
		if ev.ID != 0 {
			if evTerms = terms[ev.ID]; evTerms == nil {
				evTerms = s.termSet(ev.Summary)
				terms[ev.ID] = evTerms
			}
		} else if evTerms = s.newTerms[ev]; evTerms == nil {
			// an event new in this article, not stored yet
			evTerms = s.termSet(ev.Summary)
			s.newTerms[ev] = evTerms
		}
		evPeople := s.people(ev.Actors)
		people := jaccard(cPeople, evPeople)
		actors := jaccard(c.Actors, ev.Actors)
		topics := jaccard(c.Topics, ev.Topics)
		text := jaccardSet(cTerms, evTerms)
		bothPeople := len(cPeople) > 0 && len(evPeople) > 0
		published := c.Date.Origin == OriginPublished || ev.Date.Origin == OriginPublished
		var ok bool
		switch {
		case !named:
			// nothing known in common (a story the gazetteer does not
			// cover): only the same wording makes the same development
			ok = text >= 0.5
		case text >= 0.5:
			// the same wording: the same development
			ok = true
		case bothPeople && people < 0.5:
			// different people did different things
			ok = false
		case !bothPeople && len(cPeople)+len(evPeople) == 0 && actors < 0.5:
			// no people named and the countries or bodies differ
			ok = false
		case len(c.Topics) == 0 || topics == 0:
			ok = false
		case text >= 0.15 && actors >= 0.5:
			ok = true
		case text >= 0.25:
			ok = true
		case bothPeople && people >= 0.6 && topics >= 0.5 && published:
			// an undated lead ("spoke by phone") restating a dated development
			ok = true
		case sameArticle && bothPeople && people >= 0.6 && topics >= 0.5 &&
			c.Date.Origin == OriginExplicit && ev.Date.Origin == OriginExplicit && c.Date.Lo == ev.Date.Lo && c.Date.Hi == ev.Date.Hi:
			// an article referring back to what it already reported
			ok = true
		}
		if !ok {
			continue
		}
		if score := text + people/2 + topics/2; best == nil || score > bestScore {
			best, bestScore = ev, score
		}
	}
	return best
}

func (s *Service) people(actors []string) []string {
	var out []string
	for _, a := range actors {
		if s.ex.ActorKind(a) == "person" {
			out = append(out, a)
		}
	}
	return out
}

// absorb folds a candidate into an event: actors and topics are united and a
// more precise date is adopted.
func absorb(ev *Event, c Candidate) {
	ev.Actors = union(ev.Actors, c.Actors)
	ev.Topics = union(ev.Topics, c.Topics)
	if c.Date.PreciserThan(ev.Date) && c.Date.Overlaps(ev.Date, mergeSlack(c.Date)+mergeSlack(ev.Date)) {
		ev.Date = c.Date
	}
}

func (s *Service) termSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, t := range s.norm.Terms(text) {
		m[t] = true
	}
	return m
}

func jaccardSet(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				inter++
				break
			}
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// shares reports whether a and b have an element in common.
func shares(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// Timeline answers a parsed query: actor and topic filters are resolved
// through the extractor's gazetteer and lexicon ("actor:zelensky" finds
// zelenskyy), unknown names are an ErrBadQuery error that says so.
func (s *Service) Timeline(ctx context.Context, q Query) (Page, error) {
	q, err := s.resolve(q)
	if err != nil {
		return Page{}, err
	}
	if q.Limit <= 0 || q.Limit > MaxPageSize {
		q.Limit = DefaultPageSize
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	p, err := s.store.Search(ctx, q)
	if err != nil {
		return Page{}, fmt.Errorf("timeline: %w", err)
	}
	return p, nil
}

// BulkSearcher is implemented by stores that can return many matches of a
// query in one pass: SearchAll is Search with Limit replaced by limit, which
// may exceed MaxPageSize. Matching uses it when the store has it, and pages
// through Search otherwise.
type BulkSearcher interface {
	SearchAll(ctx context.Context, q Query, limit int) (Page, error)
}

// MaxMatching bounds how many developments Matching reads for a summary:
// beyond it the oldest are summarised and the rest reported as left out.
const MaxMatching = 20_000

// Matching returns every development matching q, ignoring its Limit and
// Offset, in event-date order and with citations: what a summary timeline
// is chosen from. It stops after limit developments (at most MaxMatching)
// and then reports more.
func (s *Service) Matching(ctx context.Context, q Query, limit int) (evs []*Event, more bool, err error) {
	q, err = s.resolve(q)
	if err != nil {
		return nil, false, err
	}
	if limit <= 0 || limit > MaxMatching {
		limit = MaxMatching
	}
	if bs, ok := s.store.(BulkSearcher); ok {
		q.Offset = 0
		p, err := bs.SearchAll(ctx, q, limit)
		if err != nil {
			return nil, false, fmt.Errorf("timeline: %w", err)
		}
		return p.Events, p.More, nil
	}
	q.Limit = MaxPageSize
	for q.Offset = 0; ; q.Offset += MaxPageSize {
		p, err := s.store.Search(ctx, q)
		if err != nil {
			return nil, false, fmt.Errorf("timeline: %w", err)
		}
		evs = append(evs, p.Events...)
		if len(evs) >= limit {
			return evs[:limit], len(evs) > limit || p.More, nil
		}
		if !p.More {
			return evs, false, nil
		}
	}
}

// RetractArticle removes an article and the developments only it reported
// (see FeedStore.RetractArticle), under the ingestion lock, and forgets
// what the service remembered of them for merging. The store must be a
// FeedStore.
func (s *Service) RetractArticle(ctx context.Context, id int64) error {
	fs, ok := s.store.(FeedStore)
	if !ok {
		return errors.New("retract article: the store cannot retract articles")
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.sem }()
	err := fs.RetractArticle(ctx, id)
	s.known.reset()
	return err
}

// Settle waits for the ingestion in progress, if any, to be stored, and
// returns the time up to which the timeline is complete: every development
// first seen at or before it is in the store, and any ingested later is
// first seen after it. A briefing window ending at that time misses
// nothing. (Ingestions through other processes are not waited for.)
func (s *Service) Settle(ctx context.Context) (time.Time, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
	t := s.now()
	<-s.sem
	// A development stamped in this same microsecond by the next
	// ingestion belongs after the returned time (stores keep
	// microseconds).
	return t.Add(-time.Microsecond), nil
}

// ResolveQuery parses a query as typed after /timeline and maps its actor
// and topic filters to canonical IDs, as Timeline does: what a briefing
// subscription stores is checked with it. Errors wrap ErrBadQuery.
func (s *Service) ResolveQuery(text string) (Query, error) {
	q, err := ParseQuery(text)
	if err != nil {
		return q, err
	}
	return s.resolve(q)
}

// resolve maps q's actor and topic filters to canonical IDs, in copies:
// the caller may hold on to q (for /more).
func (s *Service) resolve(q Query) (Query, error) {
	q.Actors, q.Topics = slices.Clone(q.Actors), slices.Clone(q.Topics)
	for i, a := range q.Actors {
		id := s.ex.ResolveActor(a)
		if id == "" {
			if s.ex.ActorKind(a) == "" {
				return q, fmt.Errorf("%w: no actor called %q is known; try actor:putin, actor:zelenskyy or actor:trump", ErrBadQuery, a)
			}
			id = a
		}
		q.Actors[i] = id
	}
	for i, t := range q.Topics {
		id := s.ex.ResolveTopic(t)
		if id == "" {
			return q, fmt.Errorf("%w: no topic called %q is known; try topic:ceasefire, topic:prisoners or topic:talks", ErrBadQuery, t)
		}
		q.Topics[i] = id
	}
	return q, nil
}

// Latest returns the developments the bot learned most recently.
func (s *Service) Latest(ctx context.Context, n int) ([]*Event, error) {
	if n <= 0 || n > MaxPageSize {
		n = DefaultPageSize
	}
	evs, err := s.store.Latest(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("latest: %w", err)
	}
	return evs, nil
}

// Sources lists where the timeline's articles came from.
func (s *Service) Sources(ctx context.Context) ([]SourceStat, error) {
	st, err := s.store.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return st, nil
}

// ContentHash identifies an article by its text with white space folded, so
// re-ingesting the same text reformatted is still a no-op.
func ContentHash(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(sum[:])
}

func invalidUTF8At(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func sourceFromURL(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "http://")
	}
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, ":")
	return strings.TrimPrefix(strings.ToLower(host), "www.")
}
