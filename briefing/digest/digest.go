// Package digest decides what matters among many developments: which dates
// of a story a reader needs, and which one or two lines tell each of them.
// It is the ranking behind summary timelines (/timeline over a long story).
//
// The signals are the ones a newsroom uses to build a timeline by hand:
//
//   - how many days later articles keep referring back to a date ("since
//     the May 16 talks"), and how many reports written on the day name it:
//     a date people keep returning to is a date that mattered;
//   - how crowded the coverage around the date is: a quiet week's single big
//     development outranks the fifth story of a busy day;
//   - the actors involved, weighted by how central they are to the whole
//     set of developments;
//   - for the lines of a date, how well a line covers what the date's
//     reports say (its closeness to their common content), how many sources
//     carry it, and novelty against the lines already chosen.
//
// Everything is deterministic: the same events and options give the same
// summary. Dates of equal score go by their number of developments, then
// the newer first; lines of equal score by event ID.
package digest

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/textnorm"
)

// Defaults for Options.
const (
	DefaultDates   = 10
	DefaultPerDate = 2
	// MaxDates and MaxPerDate bound what a reader can ask for.
	MaxDates   = 500
	MaxPerDate = 10
)

// Weights are the ranking's tuning. DefaultWeights were set on our own
// fixtures and checked on the Timeline17 evaluation (briefbot eval tls).
type Weights struct {
	// A date earns RefDay for every later day on which an article refers
	// back to it (published two or more days after it), SameDay for every
	// article written on the day or the day after that states the date,
	// and SameDayPublished for one that is only dated by its publication.
	// Counting the days rather than the articles keeps one busy day of
	// follow-ups from outweighing a date people kept returning to.
	RefDay, SameDay, SameDayPublished float64
	// CrowdWindow is the half-width in days of the neighbourhood whose
	// coverage volume discounts a date, CrowdExponent how strongly.
	CrowdWindow   int
	CrowdExponent float64
	// Actor scales the bonus of a date whose developments involve the
	// story's most central actors.
	Actor float64
	// Coarse multiplies the score of a date vaguer than a day ("late
	// April"): a summary should name days where it can.
	Coarse float64
	// Redundancy is the cosine at which a line repeats a chosen one.
	Redundancy float64
	// Novelty trades a line's centrality against its overlap with the lines
	// already chosen (maximal marginal relevance).
	Novelty float64
	// Lead favours a line from the opening (the first LeadBytes) of an
	// article written on the day or the day after: where a reporter states
	// the day's news.
	Lead      float64
	LeadBytes int
	// LongLine is the number of distinct terms past which a line reads as
	// a paragraph and loses weight in proportion.
	LongLine int
	// Story is the exponent of a line's closeness to the whole story's
	// subject in its score: a side remark dated the same day is not the
	// day's news.
	Story float64
	// Explicit favours a line that states its own date over one that
	// borrowed it from context or the publication date.
	Explicit float64
}

// DefaultWeights returns the weights Summarize uses when Options.Weights is
// nil.
func DefaultWeights() Weights {
	return Weights{
		RefDay:           1,
		SameDay:          1,
		SameDayPublished: 0,
		CrowdWindow:      7,
		CrowdExponent:    0.25,
		Actor:            0.1,
		Coarse:           0.5,
		Redundancy:       0.7,
		Novelty:          0.3,
		Lead:             1.5,
		LeadBytes:        1000,
		LongLine:         20,
		Explicit:         1.25,
		Story:            1,
	}
}

// Options says how long a summary to make.
type Options struct {
	// Dates is how many dates to keep (0 means DefaultDates).
	Dates int
	// PerDate is how many lines to keep per date (0 means DefaultPerDate).
	PerDate int
	// DayOnly keeps only developments dated to a single day, as timeline
	// evaluations with day-level gold dates require.
	DayOnly bool
	// Since and Until bound the dates considered (0 leaves a side open).
	Since, Until briefing.Day
	// Weights tune the ranking; nil means DefaultWeights.
	Weights *Weights
}

func (o Options) weights() Weights {
	if o.Weights == nil {
		return DefaultWeights()
	}
	return *o.Weights
}

func (o Options) dates() int {
	if o.Dates <= 0 {
		return DefaultDates
	}
	return min(o.Dates, MaxDates)
}

func (o Options) perDate() int {
	if o.PerDate <= 0 {
		return DefaultPerDate
	}
	return min(o.PerDate, MaxPerDate)
}

// Date is one date of a summary with the lines chosen for it.
type Date struct {
	Date briefing.EventDate // as the developments on it state it
	// Lines are the chosen developments, best first.
	Lines []*briefing.Event
	// Score is the date's importance; only its order means anything.
	Score float64
	// Developments is how many developments share the date, Reports how
	// many distinct articles report them on the day or the day after, and
	// Refs how many later articles refer back to it.
	Developments, Reports, Refs int
}

// Timeline is a summary timeline: the chosen dates in date order.
type Timeline struct {
	Dates []Date
	// Developments and AllDates count what the summary was chosen from.
	Developments, AllDates int
}

// Lines returns how many lines the summary shows.
func (t Timeline) Lines() int {
	n := 0
	for _, d := range t.Dates {
		n += len(d.Lines)
	}
	return n
}

// group is every development sharing one date.
type group struct {
	key      dateKey
	date     briefing.EventDate
	events   []*briefing.Event
	reports  int
	refs     int
	stated   int // reports that state the date themselves
	refDays  int // distinct days on which later articles referred back
	actorSal float64
	score    float64
}

// dateKey identifies a date regardless of how each event came by it.
type dateKey struct {
	lo, hi briefing.Day
	gran   briefing.Granularity
	mod    briefing.Mod
}

func keyOf(d briefing.EventDate) dateKey {
	if d.Gran == briefing.GranDay && d.Lo == d.Hi {
		// "around May 5" is May 5 to a reader of a timeline
		return dateKey{lo: d.Lo, hi: d.Hi, gran: d.Gran}
	}
	return dateKey{lo: d.Lo, hi: d.Hi, gran: d.Gran, mod: d.Mod}
}

// Summarize chooses the dates and lines that matter among evs. It reads the
// events' citations (articles and publication times) and does not change
// the events. evs may be in any order.
func Summarize(evs []*briefing.Event, o Options) Timeline {
	w := o.weights()
	// a fixed order, whatever the caller's: sums run in it
	evs = slices.Clone(evs)
	slices.SortStableFunc(evs, func(a, b *briefing.Event) int {
		if c := cmp.Compare(a.Date.Lo, b.Date.Lo); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Date.Hi, b.Date.Hi); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	groups := map[dateKey]*group{}
	var order []*group
	actorCount := map[string]int{}
	published := map[int64]briefing.Day{} // article -> publication day
	considered := 0
	for _, ev := range evs {
		for _, c := range ev.Citations {
			published[c.ArticleID] = briefing.DayOf(c.Published)
		}
		if !eligible(ev, o) {
			continue
		}
		considered++
		for _, a := range ev.Actors {
			actorCount[a]++
		}
		k := keyOf(ev.Date)
		g := groups[k]
		if g == nil {
			g = &group{key: k, date: ev.Date}
			groups[k] = g
			order = append(order, g)
		} else if originRank(ev.Date.Origin) < originRank(g.date.Origin) {
			// show the date as the surest report states it
			g.date = ev.Date
		}
		g.events = append(g.events, ev)
	}
	t := Timeline{Developments: considered, AllDates: len(order)}
	if len(order) == 0 {
		return t
	}

	maxActor := 0
	for _, n := range actorCount {
		maxActor = max(maxActor, n)
	}
	sel := newSelector(w)
	sel.learnStory(evs, o)
	// articles published up to each day, for the crowding counts: a
	// date's span can be years ("the 1990s"), so no walking day by day
	pubDays := make([]briefing.Day, 0, len(published))
	for _, d := range published {
		pubDays = append(pubDays, d)
	}
	slices.Sort(pubDays)
	for _, g := range order {
		g.count()
		window := briefing.Day(w.CrowdWindow)
		from, _ := slices.BinarySearch(pubDays, g.key.lo-window)
		to, _ := slices.BinarySearch(pubDays, g.key.hi+window+1)
		crowd := 1 + to - from
		for _, ev := range g.events {
			for _, a := range ev.Actors {
				g.actorSal = max(g.actorSal, float64(actorCount[a])/float64(maxActor))
			}
		}
		g.score = (w.RefDay*float64(g.refDays) + w.SameDay*float64(g.stated) + w.SameDayPublished*float64(g.reports-g.stated)) /
			math.Pow(float64(crowd), w.CrowdExponent)
		g.score *= 1 + w.Actor*g.actorSal
		if g.key.gran != briefing.GranDay || g.key.lo != g.key.hi {
			g.score *= w.Coarse
		}
	}
	slices.SortFunc(order, func(a, b *group) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		// equal evidence: the busier date, then the more recent
		if c := cmp.Compare(len(b.events), len(a.events)); c != 0 {
			return c
		}
		return compareKeys(b.key, a.key)
	})
	chosen := order[:min(len(order), o.dates())]
	slices.SortFunc(chosen, func(a, b *group) int { return compareKeys(a.key, b.key) })

	for _, g := range chosen {
		t.Dates = append(t.Dates, Date{
			Date:         g.date,
			Lines:        sel.pick(g.events, o.perDate()),
			Score:        g.score,
			Developments: len(g.events),
			Reports:      g.reports,
			Refs:         g.refs,
		})
	}
	return t
}

// eligible reports whether ev may appear in a summary built with o.
func eligible(ev *briefing.Event, o Options) bool {
	d := ev.Date
	if d.IsZero() || d.Lo == 0 || strings.TrimSpace(ev.Summary) == "" {
		return false
	}
	if o.DayOnly && (d.Gran != briefing.GranDay || d.Lo != d.Hi) {
		return false
	}
	if o.Since != 0 && d.Hi < o.Since {
		return false
	}
	if o.Until != 0 && d.Lo > o.Until {
		return false
	}
	return true
}

// count tallies the distinct articles behind a group: those published by
// the day after the date (reports, of which stated name the date
// themselves) and those published later (refs, spread over refDays days).
func (g *group) count() {
	kind := map[int64]int{} // article -> 0 ref, 1 stated, 2 published only
	days := map[briefing.Day]bool{}
	for _, ev := range g.events {
		for _, c := range ev.Citations {
			k := 2
			switch pub := briefing.DayOf(c.Published); {
			case pub > g.key.hi+1:
				k = 0
				days[pub] = true
			case ev.Date.Origin == briefing.OriginExplicit:
				k = 1
			}
			if old, seen := kind[c.ArticleID]; !seen || k < old {
				kind[c.ArticleID] = k
			}
		}
	}
	for _, k := range kind {
		switch k {
		case 0:
			g.refs++
		case 1:
			g.stated++
			g.reports++
		default:
			g.reports++
		}
	}
	g.refDays = len(days)
}

// originRank orders date origins from the surest (stated in the sentence)
// to the weakest (the publication date standing in).
func originRank(o briefing.DateOrigin) int {
	switch o {
	case briefing.OriginExplicit:
		return 0
	case briefing.OriginContext:
		return 1
	case briefing.OriginPublished:
		return 2
	}
	return 3
}

func compareKeys(a, b dateKey) int {
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(a.gran, b.gran); c != 0 {
		return c
	}
	return cmp.Compare(a.mod, b.mod)
}

// selector picks lines date by date, remembering what it chose so that a
// line repeating an earlier one (on any date) is passed over.
type selector struct {
	terms  termIDs
	chosen []vector
	story  vector // what the whole set of developments is about
	vecs   map[*briefing.Event]vector
	w      Weights
}

// learnStory sums the eligible developments into the story's subject: a
// line is worth showing in proportion to how much it is about it.
func (s *selector) learnStory(evs []*briefing.Event, o Options) {
	all := sum{}
	for _, ev := range evs {
		if eligible(ev, o) {
			all.add(s.vectorOf(ev), 1)
		}
	}
	s.story = unit(all)
}

func newSelector(w Weights) *selector {
	return &selector{terms: newTermIDs(), w: w, vecs: map[*briefing.Event]vector{}}
}

// pick returns up to k of evs: the lines closest to what the date's reports
// have in common, weighted by their sources, each new line also novel
// against the lines chosen before it.
func (s *selector) pick(evs []*briefing.Event, k int) []*briefing.Event {
	type cand struct {
		ev   *briefing.Event
		vec  vector
		base float64
	}
	cands := make([]cand, 0, len(evs))
	acc := sum{}
	for _, ev := range evs {
		v := s.vectorOf(ev)
		if v.len() == 0 {
			continue
		}
		acc.add(v, float64(articles(ev)))
		cands = append(cands, cand{ev: ev, vec: v})
	}
	centroid := unit(acc)
	for i := range cands {
		c := &cands[i]
		c.base = c.vec.dot(centroid) * (1 + math.Log(float64(articles(c.ev))))
		if c.ev.Date.Origin == briefing.OriginExplicit {
			c.base *= s.w.Explicit
		}
		for _, ci := range c.ev.Citations {
			if p := briefing.DayOf(ci.Published); p >= c.ev.Date.Lo && p <= c.ev.Date.Hi+1 && ci.Offset < s.w.LeadBytes {
				c.base *= s.w.Lead
				break
			}
		}
		c.base *= lengthFit(c.vec.len(), s.w.LongLine)
		// on the story's subject, not a side remark dated the same day
		c.base *= math.Pow(max(c.vec.dot(s.story), 0), s.w.Story)
	}
	// Candidates go best first. A candidate's score is at most its base
	// (overlap only lowers it), so a pass stops at the first base below
	// the best score found; overlap with the chosen lines is brought up to
	// date only for the candidates a pass reaches. That keeps selection
	// close to linear in the date's candidates, not in their product with
	// every line chosen before.
	slices.SortStableFunc(cands, func(a, b cand) int {
		if c := cmp.Compare(b.base, a.base); c != 0 {
			return c
		}
		return cmp.Compare(a.ev.ID, b.ev.ID)
	})
	overlap := make([]float64, len(cands)) // with s.chosen[:seen[i]]
	seen := make([]int, len(cands))
	var out []*briefing.Event
	used := make([]bool, len(cands))
	for len(out) < k {
		best, bestScore := -1, math.Inf(-1)
		for i, c := range cands {
			if used[i] {
				continue
			}
			if best >= 0 && (1-s.w.Novelty)*c.base < bestScore {
				break
			}
			for _, v := range s.chosen[seen[i]:] {
				overlap[i] = max(overlap[i], c.vec.dot(v))
			}
			seen[i] = len(s.chosen)
			if overlap[i] >= s.w.Redundancy {
				continue
			}
			score := (1-s.w.Novelty)*c.base - s.w.Novelty*overlap[i]
			if best < 0 || score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		s.chosen = append(s.chosen, cands[best].vec)
		out = append(out, cands[best].ev)
	}
	if len(out) == 0 && len(evs) > 0 {
		// every line repeats an earlier date's: still say what happened,
		// with the best of them
		if len(cands) > 0 {
			out = append(out, cands[0].ev)
		} else {
			out = append(out, evs[0]) // no line has a word to compare
		}
	}
	return out
}

// lengthFit prefers lines of a readable length: a fragment of three words
// says too little, and a 60-word sentence is a paragraph.
func lengthFit(terms, longLine int) float64 {
	switch {
	case terms < 4:
		return 0.5
	case terms > longLine:
		return float64(longLine) / float64(terms)
	}
	return 1
}

// articles is how many distinct articles cite ev (at least 1).
func articles(ev *briefing.Event) int {
	seen := map[int64]bool{}
	for _, c := range ev.Citations {
		seen[c.ArticleID] = true
	}
	return max(1, len(seen))
}

// vector is a unit-length bag of normalised terms, sorted by term ID so
// that every sum over it runs in the same order: floating-point addition is
// not associative, and a map's random order would make near-ties flip
// between runs. Term IDs are given in the order Summarize meets the terms,
// which is fixed (it sorts its input first).
type vector struct {
	terms   []int32
	weights []float64
}

func (v vector) len() int { return len(v.terms) }

// unit returns the unit-length vector of the weights in m.
func unit(m map[int32]float64) vector {
	v := vector{terms: make([]int32, 0, len(m))}
	for t := range m {
		v.terms = append(v.terms, t)
	}
	slices.Sort(v.terms)
	v.weights = make([]float64, len(v.terms))
	n := 0.0
	for i, t := range v.terms {
		v.weights[i] = m[t]
		n += m[t] * m[t]
	}
	if n > 0 {
		n = math.Sqrt(n)
		for i := range v.weights {
			v.weights[i] /= n
		}
	}
	return v
}

// vectorOf returns the term vector of ev's summary, computed once.
func (s *selector) vectorOf(ev *briefing.Event) vector {
	if v, ok := s.vecs[ev]; ok {
		return v
	}
	v := unit(s.terms.counts(ev.Summary))
	s.vecs[ev] = v
	return v
}

// termIDs numbers normalised terms in the order it first meets them. Texts
// fed in a fixed order get the same numbers on every run, which keeps every
// sum over a vector in the same order.
type termIDs struct {
	norm  *textnorm.Cache
	ids   map[string]int32
	names []string // by ID
}

func newTermIDs() termIDs {
	return termIDs{norm: textnorm.NewCache(20_000), ids: map[string]int32{}}
}

// id returns the number of term t, giving it the next one if it is new.
func (ti *termIDs) id(t string) int32 {
	id, ok := ti.ids[t]
	if !ok {
		id = int32(len(ti.names))
		ti.ids[t] = id
		ti.names = append(ti.names, t)
	}
	return id
}

// counts returns how often each normalised term occurs in text.
func (ti *termIDs) counts(text string) map[int32]float64 {
	m := map[int32]float64{}
	for _, t := range ti.norm.Terms(text) {
		m[ti.id(t)]++
	}
	return m
}

// sum accumulates weighted vectors; unit() of it is their direction.
type sum map[int32]float64

func (a sum) add(v vector, w float64) {
	for i, t := range v.terms {
		a[t] += w * v.weights[i]
	}
}

func (v vector) dot(o vector) float64 {
	s := 0.0
	for i, j := 0, 0; i < len(v.terms) && j < len(o.terms); {
		switch a, b := v.terms[i], o.terms[j]; {
		case a < b:
			i++
		case a > b:
			j++
		default:
			s += v.weights[i] * o.weights[j]
			i++
			j++
		}
	}
	return s
}
