package digest

// This file composes a scheduled briefing: what developed in one window,
// told as a newsroom's morning note would tell it. Compose works in steps:
//
//  1. Order the input canonically (so term numbers, sums and ties do not
//     depend on the caller's order) and give every event two term vectors
//     weighted by inverse document frequency over the window and the earlier
//     events: the full one, and a core one without numbers and status words
//     ("proposed", "agreed", "rejected") that says what a development is
//     about rather than where it stands.
//  2. Merge near-duplicate fresh events into developments, leader first: the
//     events go best first (most sources, a stated day), and each joins the
//     most similar leader it matches or becomes a leader itself. Only leaders
//     are indexed, so a chain of paraphrases cannot snowball into one giant
//     development, and the leader is the one shown.
//  3. Compare each development with the earlier events: a moved status or
//     new numbers make it an update; the same development with nothing
//     changed is a repeat and is not shown; otherwise its novelty is how
//     little it restates an earlier event about the same time.
//  4. Score, pick the items with a light redundancy penalty (MMR), choose
//     their lines and source links, and group them by topic when many.
//
// Candidate pairs come from inverted indexes with prefix filtering: a
// vector's terms are walked rarest first, and only while the weight still
// to come could reach the similarity threshold; a pair that shares none of
// those terms cannot reach it (Cauchy-Schwarz), so it is never looked at.
// Rare terms have short posting lists, which keeps 10,000 events far from
// comparing all pairs.

import (
	"cmp"
	"iter"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/textnorm"
)

// Defaults and bounds for BriefOptions.
const (
	DefaultBriefItems   = 8
	MaxBriefItems       = 25
	DefaultBriefUpdates = 5
	MaxBriefUpdates     = 10
	DefaultGroupAt      = 6
	DefaultBriefLines   = 2
	// MaxLineRunes bounds one line of a briefing item; a longer line is cut
	// on a word boundary and ends with "…".
	MaxLineRunes = 300
)

// BriefOptions shape a briefing; zero values pick defaults.
type BriefOptions struct {
	MaxItems   int // top developments shown (default 8, at most 25)
	MaxUpdates int // updates shown (default 5, at most 10)
	GroupAt    int // group the items by topic when at least this many are shown (default 6); negative: never group
	Lines      int // sentences per item, 1 or 2 (default 2)
}

func (o BriefOptions) maxItems() int {
	if o.MaxItems <= 0 {
		return DefaultBriefItems
	}
	return min(o.MaxItems, MaxBriefItems)
}

func (o BriefOptions) maxUpdates() int {
	if o.MaxUpdates <= 0 {
		return DefaultBriefUpdates
	}
	return min(o.MaxUpdates, MaxBriefUpdates)
}

// groupAt returns the item count from which items are grouped, or 0 for
// never.
func (o BriefOptions) groupAt() int {
	switch {
	case o.GroupAt < 0:
		return 0
	case o.GroupAt == 0:
		return DefaultGroupAt
	}
	return o.GroupAt
}

func (o BriefOptions) lines() int {
	if o.Lines == 1 {
		return 1
	}
	return DefaultBriefLines
}

// The tuning of Compose. The thresholds are cosines of tf-idf vectors.
const (
	// Two fresh events are one development at mergeCos when both name the
	// same actor, at mergeCosUnnamed when neither names anyone (the wording
	// is all there is), and at mergeCosOneNamed when only one does.
	mergeCos         = 0.6
	mergeCosUnnamed  = 0.7
	mergeCosOneNamed = 0.8
	// updateCos is the core similarity (numbers and status words left out)
	// at which a fresh development may be the same one as an earlier
	// event; the earlier events within sameSpread of the closest one are
	// its stages. It takes a moved status or new numbers to make an update
	// of it, and wording as close as repeatCos (numbers and status words
	// in) to make a repeat: a repeat is not shown, so it must be plain.
	updateCos  = 0.5
	sameSpread = 0.1
	repeatCos  = 0.8
	// Novelty starts to fall at noveltyFrom and reaches noveltyMin at
	// noveltyFrom+noveltySpan: sharing a few words with an earlier event is
	// normal in a developing story, restating it is not news.
	noveltyFrom = 0.3
	noveltySpan = 0.4
	noveltyMin  = 0.05
	// dateSlack is how many days apart two dates may be and still be about
	// the same time, for novelty, repeats and new numbers.
	dateSlack = 2
	// salienceWeight scales the bonus of an item whose actors are the most
	// central of the window and the earlier events.
	salienceWeight = 0.5
	// Recency halves every recencyHalfLife days between an event's date and
	// the window's end, down to recencyFloor: background stays visible
	// when there is room, below the news.
	recencyHalfLife = 3.0
	recencyFloor    = 0.15
	recencyUndated  = 0.5
	// dayBonus favours a development that states its day; coarseFactor
	// lowers one dated only to a span of more than a week.
	dayBonus     = 1.15
	coarseFactor = 0.85
	// redundancy is how much an item's similarity to an item chosen before
	// it costs (maximal marginal relevance): two takes on one day's talks
	// should not fill the top of a briefing.
	redundancy = 0.5
	// idfWindow is the least number of events term rarity is measured
	// against; see load.
	idfWindow = 100
	// maxVisits bounds the postings one index search reads; see
	// accumulator.
	maxVisits = 4096
	// normBytes bounds the text normalised per event: a hostile
	// megabyte-long summary costs no more than a long paragraph.
	normBytes = 4000
)

// Compose builds the briefing of a window from fresh, the developments first
// seen in the window, and earlier, developments first seen before it (what
// earlier briefings covered), both as the store returns them (with
// citations). It is deterministic: the same events in any order give the
// same Brief. b.From/b.To/b.Query/b.Subscription are left for the caller to
// set.
//
// Merging. Fresh events in similar wording (tf-idf cosine 0.6 when they
// share an actor, 0.7 when neither names one, 0.8 when one does), with
// dates that meet (two days' slack for a publication date), no two
// different topics and no two different statuses are one development. It
// is shown as its best-sourced event (BriefItem.Event) with one citation
// per distinct source of all of them (BriefItem.Sources, first reporter
// first); Total counts developments.
//
// Updates. A development is the same as an earlier event when they share
// an actor or topic (and clash on neither) and their wording without
// figures, status words and dates is similar (cosine 0.5); among several
// such events the latest of those about as close as the closest is the
// one it is compared with. It is an update (Brief.Updates, with
// BriefItem.Update) when its status moved (proposed → agreed, rejected or
// collapsed; agreed → rejected or collapsed; rejected or collapsed →
// agreed) or, dates meeting, its figures changed ("1,000 → 1,200"). It is a
// repeat when nothing moved, the wording is near the same (cosine 0.8)
// and it is about the same time; a repeat is counted in Total and Omitted
// but never shown: the reader has seen it. Events with no text at all are
// counted and not shown either.
//
// Ranking. Each development scores the product of
//
//	sources   1 + ln(distinct sources)
//	salience  1 + 0.5 × mentions of its most central actor / mentions of the most central actor
//	          (mentions: developments of the window and earlier events naming it)
//	recency   0.15 + 0.85 × 2^(−age/3), age in days from its date (the middle of a
//	          span over a week) to the window's end; 0.5 undated
//	novelty   1 − (s − 0.3) / 0.4, kept in [0.05, 1], s the highest cosine with an
//	          earlier event about the same time (see sameTime); 1 for updates
//	precision 1.15 for a single day stated in the sentence, 0.85 for a span over a week
//
// so that a background line restated in every article, though widely
// sourced, falls below the day's news, and so does one dated years ago.
// Items are taken greedily by score × (1 − 0.5 × the highest cosine with an
// item already taken), which is BriefItem.Score; updates by score. Equal
// scores go by later date, then lower event ID. The window's end is the
// latest FirstSeen among fresh (or, without one, the latest event date).
//
// nil events are skipped, and an earlier event that is also in fresh (same
// pointer or ID) counts as fresh only.
func Compose(fresh, earlier []*briefing.Event, o BriefOptions) *briefing.Brief {
	b := &briefing.Brief{}
	fresh = canonical(fresh, nil)
	if len(fresh) == 0 {
		return b
	}
	inFresh := map[*briefing.Event]bool{}
	freshIDs := map[int64]bool{}
	for _, ev := range fresh {
		inFresh[ev] = true
		if ev.ID != 0 {
			freshIDs[ev.ID] = true
		}
	}
	earlier = canonical(earlier, func(ev *briefing.Event) bool {
		return inFresh[ev] || (ev.ID != 0 && freshIDs[ev.ID])
	})

	c := newComposer()
	c.load(fresh, earlier)
	devs := c.merge()
	c.compareEarlier(devs)
	c.score(devs)

	items, updates := c.choose(devs, o)
	lines := o.lines()
	for _, d := range items {
		b.Items = append(b.Items, c.item(d, lines))
	}
	for _, d := range updates {
		it := c.item(d, lines)
		it.Update = &briefing.BriefUpdate{Earlier: d.earlier.ev, Change: d.change}
		b.Updates = append(b.Updates, it)
	}
	if at := o.groupAt(); at > 0 && len(b.Items) >= at {
		groupByTopic(b)
	}

	b.Total = len(devs)
	b.Omitted = b.Total - len(b.Items) - len(b.Updates)
	for _, d := range devs {
		if d.shown {
			continue
		}
		if lo := d.lead.ev.Date.Lo; lo != 0 && !d.lead.ev.Date.IsZero() && (b.OmittedSince == 0 || lo < b.OmittedSince) {
			b.OmittedSince = lo
		}
	}
	names := map[string]bool{}
	for _, ev := range fresh {
		for _, ci := range ev.Citations {
			if k := sourceKey(ci); k != "" {
				names[k] = true
			}
		}
	}
	b.Sources = len(names)
	return b
}

// canonical returns evs without nils, repeated pointers and those drop
// says to leave out, in a fixed order that depends only on their content.
func canonical(evs []*briefing.Event, drop func(*briefing.Event) bool) []*briefing.Event {
	out := make([]*briefing.Event, 0, len(evs))
	seen := make(map[*briefing.Event]bool, len(evs))
	for _, ev := range evs {
		if ev == nil || seen[ev] || (drop != nil && drop(ev)) {
			continue
		}
		seen[ev] = true
		out = append(out, ev)
	}
	slices.SortStableFunc(out, compareEvents)
	return out
}

// compareEvents orders events by ID and then by everything else they hold,
// so that two events compare equal only when they read the same.
func compareEvents(a, b *briefing.Event) int {
	if c := cmp.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	if c := compareDate(a.Date, b.Date); c != 0 {
		return c
	}
	if c := a.FirstSeen.Compare(b.FirstSeen); c != 0 {
		return c
	}
	if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
		return c
	}
	if c := strings.Compare(a.Summary, b.Summary); c != 0 {
		return c
	}
	if c := slices.Compare(a.Actors, b.Actors); c != 0 {
		return c
	}
	if c := slices.Compare(a.Topics, b.Topics); c != 0 {
		return c
	}
	return slices.CompareFunc(a.Citations, b.Citations, compareCitations)
}

func compareDate(a, b briefing.EventDate) int {
	return cmp.Or(
		cmp.Compare(a.Lo, b.Lo),
		cmp.Compare(a.Hi, b.Hi),
		cmp.Compare(a.Gran, b.Gran),
		strings.Compare(string(a.Mod), string(b.Mod)),
		strings.Compare(string(a.Origin), string(b.Origin)),
		strings.Compare(a.Value, b.Value),
		compareBool(a.Range, b.Range),
	)
}

func compareCitations(a, b briefing.Citation) int {
	return cmp.Or(
		strings.Compare(a.Source, b.Source),
		a.Published.Compare(b.Published),
		cmp.Compare(a.ArticleID, b.ArticleID),
		strings.Compare(a.URL, b.URL),
		strings.Compare(a.Title, b.Title),
		cmp.Compare(a.Offset, b.Offset),
		strings.Compare(a.Sentence, b.Sentence),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// doc is one event with what Compose derives from its text.
type doc struct {
	ev   *briefing.Event
	date briefing.EventDate // ev.Date, at hand
	idx  int                // position in the canonical order, fresh first
	text string             // the text the vectors are made of: the summary, else a cited sentence
	raw  vector             // term counts
	vec  vector             // tf-idf, unit length
	core vector             // vec without numbers and status words, unit length
	nsrc int                // distinct source names
	// actors and topics, as sorted IDs: comparing them is most of the
	// work of telling developments apart
	actors, topics []int32
	known          bool // status and nums are computed
	stat           status
	nums           []number
}

// development is one or more fresh events that report the same thing.
type development struct {
	lead    *doc   // the best-sourced event: the one shown
	members []*doc // lead first
	sources int    // distinct source names over the members
	actors  []string
	// against the earlier events
	novelty float64
	earlier *doc   // the earlier event an update changes
	change  string // what changed, for an update
	repeat  bool   // the same as an earlier event, nothing changed
	score   float64
	shown   bool
}

// composer holds one Compose call's state.
type composer struct {
	terms    termIDs
	docs     []*doc // fresh, then earlier
	nFresh   int
	df       []int32
	stripped []bool // term IDs left out of core vectors
	ref      briefing.Day
	names    map[string]int32 // actor and topic IDs, each kind numbered apart
	scratch  struct {         // reused by probeOf
		pos   []int
		probe probe
	}
}

func newComposer() *composer {
	return &composer{terms: newTermIDs(), names: map[string]int32{}}
}

// load builds the docs of fresh and earlier with their vectors.
func (c *composer) load(fresh, earlier []*briefing.Event) {
	c.nFresh = len(fresh)
	all := append(slices.Clip(fresh), earlier...)
	c.docs = make([]*doc, len(all))
	for i, ev := range all {
		c.docs[i] = &doc{ev: ev, date: ev.Date, idx: i}
	}
	// Normalising the text is the costly part and the same whatever the
	// order, so it is spread over the CPUs; numbering the terms is not, so
	// it is done in order afterwards.
	terms := make([][]string, len(all))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(all)/500))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			norm := textnorm.NewCache(20_000)
			for i := w; i < len(all); i += workers {
				d := c.docs[i]
				d.text = textOf(d.ev)
				terms[i] = norm.Terms(d.text)
				if i < c.nFresh {
					c.statusOf(d) // merging asks it of most fresh events
				}
			}
		})
	}
	wg.Wait()
	var ids []int32
	for i, d := range c.docs {
		ev := d.ev
		ids = ids[:0]
		for _, t := range terms[i] {
			ids = append(ids, c.terms.id(t))
		}
		d.raw = countVector(ids)
		d.nsrc = distinctSources(ev.Citations)
		d.actors = c.intern("a:", ev.Actors)
		d.topics = c.intern("t:", ev.Topics)
		for _, t := range d.raw.terms {
			for int(t) >= len(c.df) {
				c.df = append(c.df, 0)
			}
			c.df[t]++
		}
	}
	// core vectors leave out what moves while a development stays the
	// same: its status, its figures and the dates it names
	strip := map[string]bool{}
	for _, words := range []iter.Seq[string]{maps.Keys(statusWords), maps.Keys(months), slices.Values(weekdays)} {
		for w := range words {
			for _, t := range c.terms.norm.Terms(w) {
				strip[t] = true
			}
		}
	}
	c.stripped = make([]bool, len(c.terms.names))
	for id, name := range c.terms.names {
		c.stripped[id] = strip[name] || strings.ContainsAny(name, "0123456789")
	}
	// A small window would make every word either everywhere or unique,
	// and an attribution ("officials said") as weighty as a place name:
	// term rarity is measured against at least idfWindow events.
	idf := make([]float64, len(c.df))
	n := float64(max(len(c.docs), idfWindow))
	for t, f := range c.df {
		idf[t] = math.Log(1 + n/float64(f))
	}
	for _, d := range c.docs {
		d.vec = weigh(d.raw, idf, nil)
		d.core = weigh(d.raw, idf, c.stripped)
	}

	// the window's end: the latest first sighting, else the latest date
	var last time.Time
	for _, ev := range fresh {
		if !ev.FirstSeen.IsZero() && ev.FirstSeen.After(last) {
			last = ev.FirstSeen
		}
	}
	if !last.IsZero() {
		c.ref = briefing.DayOf(last)
	} else {
		for _, ev := range fresh {
			if !ev.Date.IsZero() {
				c.ref = max(c.ref, ev.Date.Hi)
			}
		}
	}
}

// intern returns the sorted, distinct IDs of names under a kind prefix.
func (c *composer) intern(kind string, names []string) []int32 {
	if len(names) == 0 {
		return nil
	}
	out := make([]int32, 0, len(names))
	for _, n := range names {
		k := kind + n
		id, ok := c.names[k]
		if !ok {
			id = int32(len(c.names))
			c.names[k] = id
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// textOf is what an event says: its summary, or the first sentence cited
// for it when the summary is blank. It is valid UTF-8, and cut to normBytes
// for normalisation.
func textOf(ev *briefing.Event) string {
	s := clean(cutBytes(ev.Summary, 2*normBytes))
	for _, ci := range ev.Citations {
		if s != "" {
			break
		}
		s = clean(cutBytes(ci.Sentence, 2*normBytes))
	}
	return cutBytes(s, normBytes)
}

// cutBytes returns at most the first n bytes of s, never splitting a rune.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// countVector returns how often each term occurs in ids, in term order,
// unnormalised. It sorts ids.
func countVector(ids []int32) vector {
	slices.Sort(ids)
	n := 0
	for i, t := range ids {
		if i == 0 || t != ids[i-1] {
			n++
		}
	}
	v := vector{terms: make([]int32, 0, n), weights: make([]float64, 0, n)}
	for i, t := range ids {
		if i > 0 && t == ids[i-1] {
			v.weights[len(v.weights)-1]++
			continue
		}
		v.terms = append(v.terms, t)
		v.weights = append(v.weights, 1)
	}
	return v
}

// weigh returns the unit tf-idf vector of the counts raw, leaving out the
// terms skip marks.
func weigh(raw vector, idf []float64, skip []bool) vector {
	v := vector{terms: make([]int32, 0, len(raw.terms)), weights: make([]float64, 0, len(raw.terms))}
	n := 0.0
	for i, t := range raw.terms {
		if skip != nil && skip[t] {
			continue
		}
		w := raw.weights[i] * idf[t]
		v.terms = append(v.terms, t)
		v.weights = append(v.weights, w)
		n += w * w
	}
	if n > 0 {
		n = math.Sqrt(n)
		for i := range v.weights {
			v.weights[i] /= n
		}
	}
	return v
}

// probe is the start of a search for the vectors close to v: the terms
// of v, rarest first, that a vector must share with v to reach a cosine of
// at least min, and the norm of the rest of v. A vector that shares none of
// them has a cosine below min with v: the rest cannot make up for them
// (Cauchy-Schwarz), and at most rest can be added to what the shared prefix
// terms give.
type probe struct {
	terms   []int32
	weights []float64 // of the terms in v
	rest    float64
}

// The probe returned shares its memory with the one before: it is good
// until the next call.
func (c *composer) probeOf(v vector, min float64) probe {
	pos := c.scratch.pos[:0]
	for i := range v.terms {
		pos = append(pos, i)
	}
	c.scratch.pos = pos
	slices.SortFunc(pos, func(a, b int) int {
		return cmp.Or(cmp.Compare(c.df[v.terms[a]], c.df[v.terms[b]]), cmp.Compare(a, b))
	})
	rest := 0.0
	for _, x := range v.weights {
		rest += x * x
	}
	p := probe{terms: c.scratch.probe.terms[:0], weights: c.scratch.probe.weights[:0]}
	for _, i := range pos {
		// a little slack for rounding: a prefix one term too long costs
		// nothing but time
		if math.Sqrt(max(rest, 0)) < min-1e-9 {
			break
		}
		p.terms = append(p.terms, v.terms[i])
		p.weights = append(p.weights, v.weights[i])
		rest -= v.weights[i] * v.weights[i]
	}
	p.rest = math.Sqrt(max(rest, 0))
	c.scratch.probe = p
	return p
}

// cosine returns the cosine of v, the vector p was made of, and u, the
// vector of doc j: the sum acc holds when p has every term of v, else their
// dot product.
func (p probe) cosine(acc *accumulator, j int32, v, u vector) float64 {
	if len(p.terms) == len(v.terms) {
		return acc.sum[j]
	}
	return v.dot(u)
}

// posting is a doc filed under a term, with the term's weight in it.
type posting struct {
	doc int32
	w   float64
}

// accumulator sums, for one probe at a time, the part of the dot product
// each doc met gets from the probe's terms: that sum plus the probe's rest
// bounds the doc's cosine, and most docs met fall short of a threshold
// without a full dot product.
//
// A probe reads at most maxVisits postings. News vocabulary keeps far
// below that (the 10,000-event benchmark peaks near 1,500), but a window
// of thousands of events in the same words would make the work quadratic;
// there the rarest terms, read first, decide and the rest is left unread.
type accumulator struct {
	budget    int       // postings this probe may still read
	sum       []float64 // per doc
	probeMark []int     // per doc: the probe that last reset sum
	termMark  []int     // per doc: the probe term that last added to sum
	probeN    int
	termN     int
	met       []int32 // docs met by this probe, in the order met
}

func newAccumulator(docs int) *accumulator {
	return &accumulator{sum: make([]float64, docs), probeMark: make([]int, docs), termMark: make([]int, docs)}
}

// start begins a probe.
func (a *accumulator) start() {
	a.budget = maxVisits
	a.probeN++
	a.met = a.met[:0]
}

// term begins a term of the probe; a doc found under it several times
// (filed under several days) counts once.
func (a *accumulator) term() { a.termN++ }

// add counts the postings ps under the current term, of weight w in the
// probe.
func (a *accumulator) add(w float64, ps []posting) {
	ps = ps[:min(len(ps), a.budget)]
	a.budget -= len(ps)
	for _, p := range ps {
		j := p.doc
		if a.termMark[j] == a.termN {
			continue
		}
		a.termMark[j] = a.termN
		if a.probeMark[j] != a.probeN {
			a.probeMark[j] = a.probeN
			a.sum[j] = 0
			a.met = append(a.met, j)
		}
		a.sum[j] += w * p.w
	}
}

// quality orders fresh events for leadership of a development: more
// sources, a stated day, some text, a narrower date, then canonical order.
func compareQuality(a, b *doc) int {
	return cmp.Or(
		cmp.Compare(b.nsrc, a.nsrc),
		compareBool(statedDay(b.ev.Date), statedDay(a.ev.Date)),
		compareBool(b.text != "", a.text != ""),
		cmp.Compare(spanOf(a.ev.Date), spanOf(b.ev.Date)),
		cmp.Compare(a.idx, b.idx),
	)
}

func statedDay(d briefing.EventDate) bool {
	return d.Gran == briefing.GranDay && d.Lo == d.Hi && d.Origin == briefing.OriginExplicit && d.Lo != 0
}

func spanOf(d briefing.EventDate) int64 {
	if d.IsZero() {
		return math.MaxInt64
	}
	return span(d)
}

// merge groups the fresh docs into developments.
func (c *composer) merge() []*development {
	order := slices.Clone(c.docs[:c.nFresh])
	slices.SortFunc(order, compareQuality)
	// a leader is filed dateSlack days beyond its dates only if some
	// event's date is a publication date (see mergeSlack)
	widen := 0
	for _, d := range order {
		widen = max(widen, mergeSlack(d.ev.Date))
	}
	// Leaders are filed under their actors (or groupNone), and under
	// groupAll if some event names no actor. Where both name actors they
	// must share one, so an event with actors looks under its own and among
	// the leaders naming none; one without looks at every leader.
	leaders := newIndex(anyVague(order))
	fileAll := slices.ContainsFunc(order, func(d *doc) bool { return len(d.actors) == 0 })
	acc := newAccumulator(len(c.docs))
	devOf := make([]int, c.nFresh)
	var devs []*development
	for _, d := range order {
		best, bestSim := -1, 0.0
		if d.vec.len() > 0 {
			p := c.probeOf(d.vec, mergeCos)
			groups := []int32{groupAll}
			if len(d.actors) > 0 {
				groups = append(slices.Clip(d.actors), groupNone)
			}
			leaders.search(p, d.date, groups, acc)
			for _, j := range acc.met {
				if acc.sum[j]+p.rest < mergeCos-1e-9 {
					continue
				}
				sim, ok := c.sameDevelopment(d, c.docs[j], func() float64 { return p.cosine(acc, j, d.vec, c.docs[j].vec) })
				if ok && (best < 0 || sim > bestSim || sim == bestSim && compareQuality(c.docs[j], c.docs[best]) < 0) {
					best, bestSim = int(j), sim
				}
			}
		}
		if best >= 0 {
			dv := devs[devOf[best]]
			dv.members = append(dv.members, d)
			continue
		}
		devOf[d.idx] = len(devs)
		devs = append(devs, &development{lead: d, members: []*doc{d}})
		groups := orNone(d.actors)
		if fileAll {
			groups = append(slices.Clip(groups), groupAll)
		}
		leaders.add(d.idx, d.vec, d.date, groups, widen+mergeSlack(d.date))
	}
	for _, dv := range devs {
		var names, actors []string
		for _, m := range dv.members {
			for _, ci := range m.ev.Citations {
				if k := sourceKey(ci); k != "" {
					names = append(names, k)
				}
			}
			actors = append(actors, m.ev.Actors...)
		}
		slices.Sort(names)
		slices.Sort(actors)
		dv.sources = len(slices.Compact(names))
		dv.actors = slices.Compact(actors)
	}
	return devs
}

// index files docs by term, by group and by day, so that a search meets
// only the docs of its groups whose dates come near its own. Groups are
// what a pair must have in common to be compared at all (an actor, say),
// or one group for everything. A doc dated to at most maxFiledSpan days is
// filed under each day of its dates widened by some slack; a doc with a
// vaguer date or none is filed once, with the vague ones, and every search
// meets those. A search with a vague date or none meets every doc of its
// terms and groups, which the index keeps only when such searches may
// come (withAll).
type index struct {
	byDay   map[indexKey][]posting // narrowly dated docs, under each day
	vague   map[indexKey][]posting // the others, day 0
	all     map[indexKey][]posting // every doc, day 0, if withAll
	withAll bool
}

type indexKey struct {
	term, group int32
	day         briefing.Day
}

// Groups besides actor and topic IDs.
const (
	groupAll  int32 = -1 // every doc: no group needs sharing
	groupNone int32 = -2 // docs that name no one (or nothing)
)

// maxFiledSpan is the longest date filed day by day: a week.
const maxFiledSpan = 7

// newIndex returns an empty index; withAll says whether it will be
// searched with vague dates.
func newIndex(withAll bool) *index {
	return &index{byDay: map[indexKey][]posting{}, vague: map[indexKey][]posting{}, all: map[indexKey][]posting{}, withAll: withAll}
}

// anyVague reports whether a doc of ds has a date too vague to file by day.
func anyVague(ds []*doc) bool {
	return slices.ContainsFunc(ds, func(d *doc) bool { return !narrow(d.date) })
}

// narrow reports whether a date is filed day by day.
func narrow(d briefing.EventDate) bool {
	n := span(d)
	return !d.IsZero() && n >= 1 && n <= maxFiledSpan
}

// span is the number of days of d, computed without the overflow that
// EventDate.Span risks on hostile dates; a reversed interval has a span
// below 1.
func span(d briefing.EventDate) int64 { return int64(d.Hi) - int64(d.Lo) + 1 }

// add files doc idx under every term of v in each of groups, its date
// widened by slack days on both sides.
func (x *index) add(idx int, v vector, date briefing.EventDate, groups []int32, slack int) {
	for i, t := range v.terms {
		p := posting{int32(idx), v.weights[i]}
		for _, g := range groups {
			k := indexKey{term: t, group: g}
			if x.withAll {
				x.all[k] = append(x.all[k], p)
			}
			if !narrow(date) {
				x.vague[k] = append(x.vague[k], p)
				continue
			}
			for day := int64(date.Lo) - int64(slack); day <= int64(date.Hi)+int64(slack); day++ {
				k.day = briefing.Day(day)
				x.byDay[k] = append(x.byDay[k], p)
			}
		}
	}
}

// search accumulates the docs filed under a term of p in one of groups
// near date.
func (x *index) search(p probe, date briefing.EventDate, groups []int32, acc *accumulator) {
	acc.start()
	for i, t := range p.terms {
		acc.term()
		w := p.weights[i]
		for _, g := range groups {
			k := indexKey{term: t, group: g}
			if !narrow(date) {
				if x.withAll {
					acc.add(w, x.all[k])
				} else {
					// every doc is vague or the caller broke the contract
					acc.add(w, x.vague[k])
				}
				continue
			}
			acc.add(w, x.vague[k])
			for day := int64(date.Lo); day <= int64(date.Hi); day++ {
				k.day = briefing.Day(day)
				acc.add(w, x.byDay[k])
			}
		}
	}
}

// orNone returns ids, or groupNone when there are none.
func orNone(ids []int32) []int32 {
	if len(ids) == 0 {
		return []int32{groupNone}
	}
	return ids
}

// sameDevelopment reports whether fresh event d reports what leader l
// reports, given the cosine of their wording.
func (c *composer) sameDevelopment(d, l *doc, cosine func() float64) (float64, bool) {
	if !datesMeet(d.date, l.date, mergeSlack(d.date)+mergeSlack(l.date)) {
		return 0, false
	}
	if len(d.topics) > 0 && len(l.topics) > 0 && !shares(d.topics, l.topics) {
		return 0, false
	}
	need := mergeCos
	switch {
	case len(d.actors) > 0 && len(l.actors) > 0:
		if !shares(d.actors, l.actors) {
			return 0, false
		}
	case len(d.actors) == 0 && len(l.actors) == 0:
		need = mergeCosUnnamed
	default:
		need = mergeCosOneNamed
	}
	sim := cosine()
	if sim < need {
		return sim, false
	}
	// "proposed a truce" and "rejected a truce" share every word but one
	if sa, sb := c.statusOf(d), c.statusOf(l); sa != sb && sa != statusNone && sb != statusNone {
		return sim, false
	}
	return sim, true
}

// mergeSlack is how many days off a date may be and still name the same
// day: a publication date standing in for the event's is a guess, and the
// news usually happened a day or two before.
func mergeSlack(d briefing.EventDate) int {
	if d.Origin == briefing.OriginPublished {
		return 2
	}
	return 0
}

// datesMeet reports whether two dates overlap within slack days; an
// undated event meets any date.
func datesMeet(a, b briefing.EventDate, slack int) bool {
	if a.IsZero() || b.IsZero() {
		return true
	}
	// EventDate.Overlaps, in int64: hostile dates must not wrap around
	s := int64(slack)
	return int64(a.Lo)-s <= int64(b.Hi) && int64(b.Lo)-s <= int64(a.Hi)
}

// shares reports whether the sorted a and b have an element in common.
func shares(a, b []int32) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			return true
		}
	}
	return false
}

// sourceKey is the name a citation's source counts under; "" means it
// names none and counts for no source.
func sourceKey(ci briefing.Citation) string {
	return strings.TrimSpace(strings.ToValidUTF8(ci.Source, ""))
}

func distinctSources(cs []briefing.Citation) int {
	var names []string
	for _, ci := range cs {
		if k := sourceKey(ci); k != "" && !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	return len(names)
}

// compareEarlier finds, for every development, the earlier events it
// restates, updates or repeats.
func (c *composer) compareEarlier(devs []*development) {
	// Earlier events by term: for novelty by day too (see sameTime), for
	// updates under their actors and topics, one of which a development
	// must share with them (see sameStory). core's docs are all filed as
	// undated, so it needs no withAll.
	freshVague := slices.ContainsFunc(c.docs[:c.nFresh], func(d *doc) bool { return !narrow(stated(d.date)) })
	core, dated := newIndex(false), newIndex(freshVague)
	all := []int32{groupAll}
	for _, e := range c.docs[c.nFresh:] {
		core.add(e.idx, e.core, briefing.EventDate{}, storyGroups(e), 0)
		dated.add(e.idx, e.vec, stated(e.date), all, dateSlack)
	}
	acc := newAccumulator(len(c.docs))
	type same struct {
		doc *doc
		sim float64
	}
	var sames []same
	for _, dv := range devs {
		d := dv.lead
		maxSim := 0.0
		if d.vec.len() > 0 {
			p := c.probeOf(d.vec, noveltyFrom)
			dated.search(p, stated(d.date), all, acc)
			// Only the highest similarity counts, and only from
			// noveltyFrom up. A doc's sum is at most its cosine (weights
			// are positive), so the highest sum is a floor for it, and a
			// doc whose sum plus p.rest does not pass that floor is passed
			// over without a dot product.
			floor := noveltyFrom - 1e-9
			met, top := acc.met[:0], int32(-1)
			for _, j := range acc.met {
				if acc.sum[j]+p.rest < floor || !sameTime(d.date, c.docs[j].date) {
					continue
				}
				met = append(met, j)
				if acc.sum[j] > floor {
					floor, top = acc.sum[j], j
				}
			}
			// the doc with the highest sum most likely has the highest
			// cosine: with it known, fewer bounds pass
			if top >= 0 {
				maxSim = p.cosine(acc, top, d.vec, c.docs[top].vec)
			}
			for _, j := range met {
				if acc.sum[j]+p.rest > maxSim {
					maxSim = max(maxSim, p.cosine(acc, j, d.vec, c.docs[j].vec))
				}
			}
		}
		var target *doc
		if d.core.len() > 0 {
			p := c.probeOf(d.core, updateCos)
			core.search(p, briefing.EventDate{}, storyGroups(d), acc)
			// The same development is the earlier event closest in core
			// wording, or, among those about as close (its stages: the
			// proposal, the agreement), the latest: a development is
			// compared with the latest thing known about it.
			var best float64
			sames = sames[:0]
			for _, j := range acc.met {
				if acc.sum[j]+p.rest < max(updateCos, best-sameSpread)-1e-9 {
					continue
				}
				e := c.docs[j]
				if before(d.date, e.date) || !sameStory(d, e) {
					continue
				}
				if sim := p.cosine(acc, j, d.core, e.core); sim >= updateCos {
					sames = append(sames, same{e, sim})
					best = max(best, sim)
				}
			}
			for _, x := range sames {
				if x.sim >= best-sameSpread && (target == nil || laterState(x.doc, target)) {
					target = x.doc
				}
			}
		}
		dv.novelty = max(noveltyMin, min(1, 1-(maxSim-noveltyFrom)/noveltySpan))
		if target == nil {
			continue
		}
		change, same := c.compare(target, d)
		switch {
		case change != "":
			dv.earlier, dv.change = target, change
		case same && d.vec.dot(target.vec) >= repeatCos:
			dv.repeat = true
		}
	}
}

// storyGroups are the actors and topics of d, or groupNone.
func storyGroups(d *doc) []int32 {
	return orNone(append(slices.Clip(d.actors), d.topics...))
}

// sameStory reports whether two events may be the same development by what
// they name: the same actors and topics where both name some, and something
// named in common unless neither names anything.
func sameStory(a, b *doc) bool {
	if len(a.actors) > 0 && len(b.actors) > 0 && !shares(a.actors, b.actors) {
		return false
	}
	if len(a.topics) > 0 && len(b.topics) > 0 && !shares(a.topics, b.topics) {
		return false
	}
	named := len(a.actors)+len(a.topics) > 0 || len(b.actors)+len(b.topics) > 0
	return !named || shares(a.actors, b.actors) || shares(a.topics, b.topics)
}

// before reports whether a ends before b starts: news does not move an
// earlier development backwards in time.
func before(a, b briefing.EventDate) bool {
	return !a.IsZero() && !b.IsZero() && a.Hi < b.Lo
}

// laterState reports whether earlier event a is a later state of the story
// than b: a development is compared with the latest thing known about it.
func laterState(a, b *doc) bool {
	return cmp.Or(
		cmp.Compare(a.ev.Date.Hi, b.ev.Date.Hi),
		a.ev.FirstSeen.Compare(b.ev.FirstSeen),
		cmp.Compare(b.idx, a.idx),
	) > 0
}

// compare says what fresh development d changes about earlier event e:
// a status move, and new numbers when both are about the same days (the
// same figures on other days are another night's drones, another round's
// prisoners). same reports that nothing differs: same status, same
// numbers, same time (see sameTime).
func (c *composer) compare(e, d *doc) (change string, same bool) {
	se, sd := c.statusOf(e), c.statusOf(d)
	var parts []string
	if moves(se, sd) {
		parts = append(parts, se.String()+" → "+sd.String())
	}
	numChange, numSame := numberChange(e.nums, d.nums)
	if numChange != "" && datesMeet(d.date, e.date, dateSlack) {
		parts = append(parts, numChange)
	}
	return strings.Join(parts, "; "), se == sd && numSame && sameTime(d.date, e.date)
}

// sameTime reports whether two developments may be about the same time:
// their dates meet within dateSlack days, or one of them was not stated in
// its sentence. A background line ("the first direct talks since 2022")
// is dated by the article that carries it, so it is restated on a new date
// every day; only two stated dates tell two developments apart by time.
func sameTime(a, b briefing.EventDate) bool {
	return stated(a).IsZero() || stated(b).IsZero() || datesMeet(a, b, dateSlack)
}

// stated returns d if the sentence stated it, else the zero date.
func stated(d briefing.EventDate) briefing.EventDate {
	if d.Origin != briefing.OriginExplicit {
		return briefing.EventDate{}
	}
	return d
}

// statusOf returns d's status, reading its words and numbers once.
func (c *composer) statusOf(d *doc) status {
	if !d.known {
		d.known = true
		d.stat = statusIn(textnorm.Words(d.text))
		d.nums = numbersIn(d.text)
	}
	return d.stat
}

// score sets every development's score; see Compose.
func (c *composer) score(devs []*development) {
	mentions := map[string]int{}
	for _, dv := range devs {
		for _, a := range dv.actors {
			mentions[a]++
		}
	}
	for _, d := range c.docs[c.nFresh:] {
		for _, a := range d.ev.Actors {
			mentions[a]++
		}
	}
	top := 0
	for _, n := range mentions {
		top = max(top, n)
	}
	for _, dv := range devs {
		sal := 0.0
		for _, a := range dv.actors {
			sal = max(sal, float64(mentions[a])/float64(top))
		}
		date := dv.lead.ev.Date
		s := (1 + math.Log(float64(max(1, dv.sources)))) * (1 + salienceWeight*sal) * c.recency(date)
		if dv.change == "" {
			s *= dv.novelty
		}
		switch {
		case statedDay(date):
			s *= dayBonus
		case !date.IsZero() && span(date) > 7:
			s *= coarseFactor
		}
		dv.score = s
	}
}

// recency weighs a date by its age at the window's end.
func (c *composer) recency(d briefing.EventDate) float64 {
	if d.IsZero() || c.ref == 0 {
		return recencyUndated
	}
	at := float64(d.Hi)
	if span(d) > 7 {
		// a month or a year is as old as its middle
		at = (float64(d.Lo) + float64(d.Hi)) / 2
	}
	age := max(0, float64(c.ref)-at)
	return recencyFloor + (1-recencyFloor)*math.Exp2(-age/recencyHalfLife)
}

// compareRank orders developments best first.
func compareRank(a, b *development) int {
	return cmp.Or(
		cmp.Compare(b.score, a.score),
		cmp.Compare(b.lead.ev.Date.Hi, a.lead.ev.Date.Hi),
		cmp.Compare(b.lead.ev.Date.Lo, a.lead.ev.Date.Lo),
		cmp.Compare(a.lead.ev.ID, b.lead.ev.ID),
		cmp.Compare(a.lead.idx, b.lead.idx),
	)
}

// choose picks the items, best first and each novel against those before
// it, and the updates, best first.
func (c *composer) choose(devs []*development, o BriefOptions) (items, updates []*development) {
	var news, ups []*development
	for _, dv := range devs {
		switch {
		case dv.repeat || dv.lead.text == "":
		case dv.change != "":
			ups = append(ups, dv)
		default:
			news = append(news, dv)
		}
	}
	slices.SortFunc(ups, compareRank)
	updates = ups[:min(len(ups), o.maxUpdates())]
	for _, dv := range updates {
		dv.shown = true
	}

	// Greedy maximal marginal relevance. A candidate's adjusted score is
	// at most its score, so a pass stops at the first score below the best
	// adjusted one found, and overlap with the chosen items is brought up
	// to date only for the candidates a pass reaches.
	slices.SortFunc(news, compareRank)
	k := o.maxItems()
	overlap := make([]float64, len(news))
	seen := make([]int, len(news))
	used := make([]bool, len(news))
	for len(items) < k {
		best, bestScore := -1, 0.0
		for i, dv := range news {
			if used[i] {
				continue
			}
			if best >= 0 && dv.score < bestScore {
				break
			}
			for _, ch := range items[seen[i]:] {
				overlap[i] = max(overlap[i], dv.lead.vec.dot(ch.lead.vec))
			}
			seen[i] = len(items)
			s := dv.score * (1 - redundancy*overlap[i])
			if best < 0 || s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		news[best].score = bestScore
		news[best].shown = true
		items = append(items, news[best])
	}
	return items, updates
}

// item renders a development as a briefing item.
func (c *composer) item(dv *development, lines int) briefing.BriefItem {
	first := capRunes(dv.lead.text, MaxLineRunes)
	it := briefing.BriefItem{Event: dv.lead.ev, Lines: []string{first}, Score: dv.score}
	if lines > 1 {
		if second := c.secondLine(dv); second != "" {
			it.Lines = append(it.Lines, second)
		}
	}
	it.Sources = sourcesOf(dv)
	return it
}

// sourcesOf returns one citation per distinct source of a development, the
// most complete of each (a link, a title, the earliest), the sources that
// reported first first.
func sourcesOf(dv *development) []briefing.Citation {
	best := map[string]briefing.Citation{}
	var order []string
	for _, m := range dv.members {
		for _, ci := range m.ev.Citations {
			k := sourceKey(ci)
			if k == "" {
				continue
			}
			old, ok := best[k]
			if !ok {
				order = append(order, k)
			}
			if !ok || betterCitation(ci, old) {
				best[k] = ci
			}
		}
	}
	out := make([]briefing.Citation, 0, len(order))
	for _, k := range order {
		out = append(out, best[k])
	}
	slices.SortStableFunc(out, func(a, b briefing.Citation) int {
		if a.Published.IsZero() != b.Published.IsZero() {
			return compareBool(a.Published.IsZero(), b.Published.IsZero())
		}
		return cmp.Or(a.Published.Compare(b.Published), strings.Compare(sourceKey(a), sourceKey(b)))
	})
	return out
}

func betterCitation(a, b briefing.Citation) bool {
	return cmp.Or(
		compareBool(b.URL != "", a.URL != ""),
		compareBool(b.Title != "", a.Title != ""),
		compareBool(a.Published.IsZero(), b.Published.IsZero()),
		a.Published.Compare(b.Published),
		cmp.Compare(a.ArticleID, b.ArticleID),
		cmp.Compare(a.Offset, b.Offset),
	) < 0
}

// secondLine returns a cited sentence that adds to the first line what it
// lacks, or "": a complete sentence of reasonable length, not a
// near-duplicate of the first line, on its subject, with at least three
// terms of its own of which one is a fact the first line does not state (a
// name or a figure): a paraphrase ("the two presidents held a call") adds
// words, not news. Of several, the one adding most (up to eight terms) and
// closest to the subject wins, then the first met.
func (c *composer) secondLine(dv *development) string {
	lead := unit(c.terms.counts(dv.lead.text))
	has := map[int32]bool{}
	for _, t := range lead.terms {
		has[t] = true
	}
	tried := map[string]bool{dv.lead.text: true}
	best, bestScore := "", 0.0
	for _, m := range dv.members {
		for _, ci := range m.ev.Citations {
			s := clean(ci.Sentence)
			if tried[s] {
				continue
			}
			tried[s] = true
			if !sentenceLike(s) {
				continue
			}
			v := unit(c.terms.counts(s))
			sim := v.dot(lead)
			if sim >= 0.6 || sim < 0.1 {
				continue
			}
			added := 0
			for _, t := range v.terms {
				if !has[t] {
					added++
				}
			}
			if added < 3 || !c.addsFact(s, has) {
				continue
			}
			if score := float64(min(added, 8)) + sim; score > bestScore {
				best, bestScore = s, score
			}
		}
	}
	return best
}

// addsFact reports whether sentence s names something or states a figure
// whose terms are not among has: a capitalised word past the first, or a
// word with a digit.
func (c *composer) addsFact(s string, has map[int32]bool) bool {
	for i, w := range strings.Fields(s) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		first, _ := utf8.DecodeRuneInString(w)
		if !(i > 0 && unicode.IsUpper(first)) && !strings.ContainsFunc(w, unicode.IsDigit) {
			continue
		}
		for _, t := range c.terms.norm.Terms(w) {
			if id, ok := c.terms.ids[t]; !ok || !has[id] {
				return true
			}
		}
	}
	return false
}

// sentenceLike reports whether s reads as a complete sentence that stands
// on its own: 6 to 60 words, at most MaxLineRunes runes, ending like a
// sentence, quotes balanced, not opening with a word that points back to a
// sentence the reader does not see.
func sentenceLike(s string) bool {
	if utf8.RuneCountInString(s) > MaxLineRunes {
		return false
	}
	words := strings.Fields(s)
	if len(words) < 6 || len(words) > 60 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && first != '"' && first != '“' {
		return false
	}
	if dangling[strings.ToLower(strings.Trim(words[0], `,;:"“`))] {
		return false
	}
	end := strings.TrimRight(s, `"”’')`)
	if !strings.HasSuffix(end, ".") && !strings.HasSuffix(end, "!") && !strings.HasSuffix(end, "?") {
		return false
	}
	if strings.Count(s, `"`)%2 != 0 || strings.Count(s, "“") != strings.Count(s, "”") ||
		strings.Count(s, "«") != strings.Count(s, "»") || strings.Count(s, "(") != strings.Count(s, ")") {
		return false
	}
	return true
}

// dangling are openings that lean on an earlier sentence.
var dangling = map[string]bool{
	"he": true, "she": true, "it": true, "they": true, "this": true, "that": true,
	"these": true, "those": true, "but": true, "and": true, "or": true, "so": true,
	"however": true, "also": true, "meanwhile": true, "his": true, "her": true,
	"its": true, "their": true, "there": true, "then": true, "yet": true,
}

// clean makes text fit for a line: valid UTF-8, control characters and runs
// of white space turned into single spaces, trimmed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// capRunes cuts s to at most n runes, on a word boundary when there is one
// in the last third, and marks the cut with "…".
func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, runes := 0, 0
	for i := range s {
		if runes == n-1 {
			cut = i
			break
		}
		runes++
	}
	head := s[:cut]
	if sp := strings.LastIndexByte(head, ' '); sp > 0 && utf8.RuneCountInString(head[:sp]) >= 2*n/3 {
		head = head[:sp]
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' || r == '-'
	})
	return head + "…"
}

// groupByTopic orders b's items by topic: each item's main topic is the one of
// its topics most items share (ties by name), groups go by their best
// item, and the items without a topic come last.
func groupByTopic(b *briefing.Brief) {
	count := map[string]int{}
	for _, it := range b.Items {
		for _, t := range slices.Compact(slices.Sorted(slices.Values(it.Event.Topics))) {
			count[t]++
		}
	}
	first := map[string]int{}
	for i := range b.Items {
		it := &b.Items[i]
		it.Topic = ""
		for _, t := range it.Event.Topics {
			if it.Topic == "" || count[t] > count[it.Topic] || count[t] == count[it.Topic] && t < it.Topic {
				it.Topic = t
			}
		}
		if _, ok := first[it.Topic]; !ok {
			first[it.Topic] = i
		}
	}
	rank := func(topic string) int {
		if topic == "" {
			return len(b.Items)
		}
		return first[topic]
	}
	slices.SortStableFunc(b.Items, func(x, y briefing.BriefItem) int {
		return cmp.Compare(rank(x.Topic), rank(y.Topic))
	})
	b.Grouped = true
}

// status is where a development stands, as its wording says.
type status uint8

// Statuses, by precedence: when a sentence has several status words the
// later stage wins ("rejected the proposed truce" is a rejection).
const (
	statusNone status = iota
	statusProposed
	statusAgreed
	statusRejected
	statusCollapsed
)

func (s status) String() string {
	switch s {
	case statusProposed:
		return "proposed"
	case statusAgreed:
		return "agreed"
	case statusRejected:
		return "rejected"
	case statusCollapsed:
		return "collapsed"
	}
	return ""
}

// moves reports whether going from status a to b is news about a
// development: a proposal answered, an agreement broken or refused, a
// refusal or a collapse reversed. Going back to a proposal is a new
// development, not an update of the old one.
func moves(a, b status) bool {
	switch a {
	case statusProposed:
		return b == statusAgreed || b == statusRejected || b == statusCollapsed
	case statusAgreed:
		return b == statusRejected || b == statusCollapsed
	case statusRejected, statusCollapsed:
		return b == statusAgreed
	}
	return false
}

// statusWords are the single words that state a status, as Words spells
// them (lower case, folded). Their stems are left out of core vectors.
var statusWords = map[string]status{
	"propose": statusProposed, "proposes": statusProposed, "proposed": statusProposed, "proposing": statusProposed,
	"proposal": statusProposed, "proposals": statusProposed,
	"offer": statusProposed, "offers": statusProposed, "offered": statusProposed, "offering": statusProposed,
	"suggest": statusProposed, "suggests": statusProposed, "suggested": statusProposed, "suggesting": statusProposed,
	"floated": statusProposed, "floats": statusProposed,

	"agree": statusAgreed, "agrees": statusAgreed, "agreed": statusAgreed, "agreeing": statusAgreed,
	"accept": statusAgreed, "accepts": statusAgreed, "accepted": statusAgreed, "accepting": statusAgreed,
	"sign": statusAgreed, "signs": statusAgreed, "signed": statusAgreed, "signing": statusAgreed,
	"approve": statusAgreed, "approves": statusAgreed, "approved": statusAgreed, "approving": statusAgreed,
	"ratify": statusAgreed, "ratifies": statusAgreed, "ratified": statusAgreed,
	"endorse": statusAgreed, "endorses": statusAgreed, "endorsed": statusAgreed,
	"sealed": statusAgreed,

	"reject": statusRejected, "rejects": statusRejected, "rejected": statusRejected, "rejecting": statusRejected,
	"refuse": statusRejected, "refuses": statusRejected, "refused": statusRejected, "refusing": statusRejected,
	"dismiss": statusRejected, "dismisses": statusRejected, "dismissed": statusRejected, "dismissing": statusRejected,
	"decline": statusRejected, "declines": statusRejected, "declined": statusRejected, "declining": statusRejected,
	"veto": statusRejected, "vetoes": statusRejected, "vetoed": statusRejected,

	"collapse": statusCollapsed, "collapses": statusCollapsed, "collapsed": statusCollapsed,
	"suspend": statusCollapsed, "suspends": statusCollapsed, "suspended": statusCollapsed,
	"abandon": statusCollapsed, "abandons": statusCollapsed, "abandoned": statusCollapsed,
	"expired": statusCollapsed,
}

// statusPhrases are two-word status phrases.
var statusPhrases = map[[2]string]status{
	{"called", "for"}: statusProposed, {"calls", "for"}: statusProposed,
	{"turned", "down"}: statusRejected, {"turns", "down"}: statusRejected, {"turn", "down"}: statusRejected,
	{"ruled", "out"}: statusRejected, {"rules", "out"}: statusRejected, {"rule", "out"}: statusRejected,
	{"broke", "down"}: statusCollapsed, {"breaks", "down"}: statusCollapsed, {"broken", "down"}: statusCollapsed,
	{"fell", "apart"}: statusCollapsed, {"falls", "apart"}: statusCollapsed,
	{"pulled", "out"}: statusCollapsed, {"withdrew", "from"}: statusCollapsed, {"withdraws", "from"}: statusCollapsed,
}

// negations turn an agreement that follows within three words into a
// refusal: "did not agree", "failed to sign".
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "didnt": true, "doesnt": true, "wont": true,
	"cannot": true, "cant": true, "failed": true, "fails": true,
}

// statusIn reads the status of a sentence from its words.
func statusIn(words []string) status {
	st := statusNone
	for i, w := range words {
		s, ok := statusWords[w]
		if !ok && i+1 < len(words) {
			s, ok = statusPhrases[[2]string{w, words[i+1]}]
		}
		if !ok {
			continue
		}
		if s == statusAgreed {
			for _, p := range words[max(0, i-3):i] {
				if negations[p] {
					s = statusRejected
				}
			}
		}
		st = max(st, s)
	}
	return st
}

// number is a figure stated in a sentence, as written ("1,200", "1.5
// million"), with the value it compares by and the word it counts.
type number struct {
	text, value, unit string
}

// multipliers may follow a figure and belong to it.
var multipliers = map[string]bool{"hundred": true, "thousand": true, "million": true, "billion": true, "trillion": true}

var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// numbersIn returns the figures of s in order. Dates and names are not
// figures: a four-digit year, a day next to a month's name, digits glued
// to letters ("16th", "F-16", "5pm") and digits joined to digits by a
// hyphen, a slash or a colon ("2022-02-24", "10/5", "10:30") are skipped.
func numbersIn(s string) []number {
	var out []number
	for i := 0; i < len(s); {
		if !isASCIIDigit(s[i]) {
			i++
			continue
		}
		start := i
		glued := start > 0 && (isASCIILetter(s[start-1]) || isASCIIDigit(s[start-1]) ||
			(start > 1 && (s[start-1] == '-' || s[start-1] == '.' || s[start-1] == ',') && isASCIILetter(s[start-2])) ||
			(start > 1 && (s[start-1] == '-' || s[start-1] == '/' || s[start-1] == ':') && isASCIIDigit(s[start-2])))
		for i < len(s) && isASCIIDigit(s[i]) {
			i++
		}
		grouped := false
		for i+4 <= len(s) && s[i] == ',' && allDigits(s[i+1:i+4]) && (i+4 == len(s) || !isASCIIDigit(s[i+4])) {
			i += 4
			grouped = true
		}
		if i+1 < len(s) && s[i] == '.' && isASCIIDigit(s[i+1]) {
			i++
			for i < len(s) && isASCIIDigit(s[i]) {
				i++
			}
		}
		if i+1 < len(s) && (s[i] == '-' || s[i] == '/' || s[i] == ':') && isASCIIDigit(s[i+1]) {
			glued = true
		}
		if i < len(s) && isASCIILetter(s[i]) {
			glued = true
			for i < len(s) && (isASCIILetter(s[i]) || isASCIIDigit(s[i])) {
				i++
			}
		}
		if glued {
			continue
		}
		text := s[start:i]
		value := strings.ReplaceAll(text, ",", "")
		next, after := wordAfter(s, i)
		if multipliers[next] {
			text = s[start:after]
			value += " " + next
			i = after
			next, _ = wordAfter(s, i)
		}
		prev := wordBefore(s, start)
		if months[prev] || months[next] {
			continue // a day of a month
		}
		if !grouped && len(value) == 4 && value >= "1900" && value <= "2100" {
			continue // a year
		}
		out = append(out, number{text: text, value: value, unit: strings.TrimSuffix(next, "s")})
	}
	return out
}

// wordAfter returns the lower-case ASCII word after position i (past
// spaces and one hyphen) and where it ends.
func wordAfter(s string, i int) (string, int) {
	for i < len(s) && (s[i] == ' ' || s[i] == '-') {
		i++
	}
	j := i
	for j < len(s) && isASCIILetter(s[j]) {
		j++
	}
	return strings.ToLower(s[i:j]), j
}

// wordBefore returns the lower-case ASCII word that ends before position i,
// past spaces.
func wordBefore(s string, i int) string {
	for i > 0 && s[i-1] == ' ' {
		i--
	}
	j := i
	for j > 0 && isASCIILetter(s[j-1]) {
		j--
	}
	return strings.ToLower(s[j:i])
}

func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return true
}

// numberChange compares the figures of an earlier and a fresh sentence.
// Figures are paired by the word they count ("1,000 prisoners" with
// "1,200 prisoners"), or, when each sentence states exactly one, with each
// other; change is the first pair that differs, "1,000 → 1,200". same
// reports that both state the same values.
func numberChange(old, fresh []number) (change string, same bool) {
	same = slices.EqualFunc(sortedValues(old), sortedValues(fresh), func(a, b string) bool { return a == b })
	if same {
		return "", true
	}
	for _, n := range fresh {
		if n.unit == "" {
			continue
		}
		for _, o := range old {
			if o.unit == n.unit {
				if o.value != n.value {
					return o.text + " → " + n.text, false
				}
				break
			}
		}
	}
	if len(old) == 1 && len(fresh) == 1 && old[0].value != fresh[0].value {
		return old[0].text + " → " + fresh[0].text, false
	}
	return "", false
}

func sortedValues(ns []number) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.value
	}
	slices.Sort(out)
	return out
}
