package tilse

import (
	"sync"

	"github.com/briefbot/briefbot/briefing"
)

// PRF is precision, recall and F1.
type PRF struct{ P, R, F float64 }

// newPRF returns p and r with their F1 (0 when both are 0).
func newPRF(p, r float64) PRF {
	return PRF{P: p, R: r, F: f1(p, r)}
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Scores holds every tilse measure for one system timeline against one reference.
//
// Concat compares the whole timelines as two summaries; Agree compares the
// summaries of dates present in both (precision over all system dates, recall
// over all reference dates); Align is tilse's
// align_date_content_costs_many_to_one: every system date is aligned to the
// reference date of least cost for precision, every reference date to the
// system date of least cost for recall, and the ROUGE hits of an aligned pair
// are discounted by 1/(days apart+1). The suffix 1 or 2 is the ROUGE n-gram
// size. Date is the F1 of the two date sets.
type Scores struct {
	Concat1, Concat2, Agree1, Agree2, Align1, Align2, Date PRF
}

// Scorer computes the scores; safe for concurrent use. It remembers the term
// of every word it has seen, so one Scorer serves many timelines quickly.
type Scorer struct {
	stop       Stopwords
	exceptions Exceptions // irregular form -> WordNet base; nil: Porter only
	terms      sync.Map   // lowercase word -> ROUGE term ("" for a stop word)
}

// NewScorer returns a Scorer that removes the given stop words before counting
// n-grams (tilse uses ROUGE's SMART list, smart-stopwords.txt in the T17
// corpus). The set is copied; a nil set removes none. The Scorer Porter stems
// every word over three letters; to map irregular forms to their WordNet base
// first, as the original scorer does, use WithExceptions.
func NewScorer(stop Stopwords) *Scorer {
	own := make(Stopwords, len(stop))
	for w, ok := range stop {
		if ok {
			own[w] = true
		}
	}
	return &Scorer{stop: own}
}

// WithExceptions returns a new Scorer with the stop words of s that, as
// ROUGE-1.5.5 does, counts the base form of a word found in e (see
// LoadExceptions) instead of its Porter stem. s itself is left unchanged, and
// e is copied, so later changes to e affect neither Scorer. A nil or empty e
// gives a Scorer that Porter stems every word, like NewScorer.
func (s *Scorer) WithExceptions(e Exceptions) *Scorer {
	var own Exceptions
	if len(e) > 0 {
		own = make(Exceptions, len(e))
		for form, base := range e {
			own[form] = base
		}
	}
	// s.stop is never written after construction, so the copies can share it.
	return &Scorer{stop: s.stop, exceptions: own}
}

// Terms returns the terms ROUGE counts for one sentence, in order: words are
// runs of ASCII letters and digits, lowercased, stop words dropped, irregular
// forms mapped to their base (when the Scorer has exceptions) and other words
// longer than three letters Porter stemmed. With the SMART stop words and the
// WordNet exception lists, "BP's worst-case spills" gives bp, bad, case, spill;
// without the lists, bp, worst, case, spill.
func (s *Scorer) Terms(sentence string) []string {
	var out []string
	rougeWords(sentence, func(word string) {
		if t := s.term(word); t != "" {
			out = append(out, t)
		}
	})
	return out
}

// term returns the ROUGE term for a lowercase word, memoised.
func (s *Scorer) term(word string) string {
	if v, ok := s.terms.Load(word); ok {
		return v.(string)
	}
	t := rougeTerm(word, s.stop, s.exceptions)
	s.terms.Store(word, t)
	return t
}

// Score computes every measure for sys against the reference ref. Dates that
// occur more than once in a timeline are merged first. A measure whose
// denominator is zero (an empty timeline) scores 0.
func (s *Scorer) Score(sys, ref Timeline) Scores {
	sc := &scoring{scorer: s, ids: map[string]int32{}, rawIDs: map[string]int32{}}
	pred := sc.days(sys.Merged())
	gold := sc.days(ref.Merged())

	var out Scores
	out.Concat1, out.Concat2 = concat(pred, gold)
	out.Agree1, out.Agree2 = agreement(pred, gold)
	out.Align1, out.Align2 = alignManyToOne(pred, gold)
	out.Date = dateF1(pred, gold)
	return out
}

// Mean averages scores as news-tls does: for each measure, P and R are the
// means over the timelines and F is computed from those means. The mean of no
// scores is all zero.
func Mean(all []Scores) Scores {
	if len(all) == 0 {
		return Scores{}
	}
	n := float64(len(all))
	mean := func(get func(Scores) PRF) PRF {
		var p, r float64
		for _, s := range all {
			v := get(s)
			p += v.P
			r += v.R
		}
		return newPRF(p/n, r/n)
	}
	return Scores{
		Concat1: mean(func(s Scores) PRF { return s.Concat1 }),
		Concat2: mean(func(s Scores) PRF { return s.Concat2 }),
		Agree1:  mean(func(s Scores) PRF { return s.Agree1 }),
		Agree2:  mean(func(s Scores) PRF { return s.Agree2 }),
		Align1:  mean(func(s Scores) PRF { return s.Align1 }),
		Align2:  mean(func(s Scores) PRF { return s.Align2 }),
		Date:    mean(func(s Scores) PRF { return s.Date }),
	}
}

// scoring holds the per-call state of Score: term and raw-token interning.
type scoring struct {
	scorer *Scorer
	ids    map[string]int32 // ROUGE term -> id
	rawIDs map[string]int32 // whitespace token -> id
}

// day is one date of a timeline prepared for scoring.
type day struct {
	date  briefing.Day
	terms []int32 // ROUGE terms of all sentences, in order

	// raw counts the whitespace tokens (case kept, punctuation left out)
	// that tilse's content-overlap estimate uses to choose alignments.
	raw      map[int32]int
	rawTotal int

	grams ngrams
}

// ngrams holds the unigram and bigram counts of a term sequence.
type ngrams struct {
	uni, bi map[uint64]int
	n1, n2  int
}

// countNgrams counts the unigrams and bigrams of a term sequence; a bigram key
// packs the two term ids into one number.
func countNgrams(terms []int32) ngrams {
	g := ngrams{uni: make(map[uint64]int, len(terms)), bi: make(map[uint64]int, len(terms))}
	for i, t := range terms {
		g.uni[uint64(uint32(t))]++
		if i > 0 {
			g.bi[uint64(uint32(terms[i-1]))<<32|uint64(uint32(t))]++
		}
	}
	g.n1 = len(terms)
	if len(terms) > 1 {
		g.n2 = len(terms) - 1
	}
	return g
}

// clipped sums, over the keys the two counts share, the smaller count: the
// matches ROUGE counts once per occurrence in both texts.
func clipped[K comparable](a, b map[K]int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	h := 0
	for k, c := range b {
		h += min(a[k], c)
	}
	return h
}

// rougeCounts are ROUGE-1.5.5's raw counts for one peer/model pair: hits,
// peer n-grams and model n-grams.
type rougeCounts struct{ h, p, m int }

// compare returns ROUGE-1 and ROUGE-2 counts of peer (system) against model
// (reference).
func compare(peer, model ngrams) (r1, r2 rougeCounts) {
	r1 = rougeCounts{clipped(peer.uni, model.uni), peer.n1, model.n1}
	r2 = rougeCounts{clipped(peer.bi, model.bi), peer.n2, model.n2}
	return r1, r2
}

// days prepares the entries of a merged timeline.
func (sc *scoring) days(t Timeline) []*day {
	out := make([]*day, len(t))
	for i, e := range t {
		d := &day{date: e.Date, raw: map[int32]int{}}
		for _, sent := range e.Sentences {
			d.terms = sc.appendTerms(d.terms, sent)
			for _, tok := range rawTokens(sent) {
				if isPunctuationRun(tok) {
					continue
				}
				d.raw[intern(sc.rawIDs, tok)]++
				d.rawTotal++
			}
		}
		d.grams = countNgrams(d.terms)
		out[i] = d
	}
	return out
}

// appendTerms appends the ROUGE term ids of one sentence to dst.
func (sc *scoring) appendTerms(dst []int32, sentence string) []int32 {
	rougeWords(sentence, func(word string) {
		if t := sc.scorer.term(word); t != "" {
			dst = append(dst, intern(sc.ids, t))
		}
	})
	return dst
}

// intern returns the id of s in ids, adding it when new.
func intern(ids map[string]int32, s string) int32 {
	id, ok := ids[s]
	if !ok {
		id = int32(len(ids))
		ids[s] = id
	}
	return id
}

// ratio returns num/den, or 0 when den is 0.
func ratio(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return num / den
}

// concat scores the two timelines as single summaries, dates ascending.
func concat(pred, gold []*day) (PRF, PRF) {
	join := func(ds []*day) ngrams {
		var all []int32
		for _, d := range ds {
			all = append(all, d.terms...)
		}
		return countNgrams(all)
	}
	r1, r2 := compare(join(pred), join(gold))
	return newPRF(ratio(float64(r1.h), float64(r1.p)), ratio(float64(r1.h), float64(r1.m))),
		newPRF(ratio(float64(r2.h), float64(r2.p)), ratio(float64(r2.h), float64(r2.m)))
}

// agreement compares the summaries of shared dates; unshared dates add only
// to the denominators.
func agreement(pred, gold []*day) (PRF, PRF) {
	goldAt := make(map[briefing.Day]*day, len(gold))
	for _, g := range gold {
		goldAt[g.date] = g
	}
	var h1, p1, m1, h2, p2, m2 int
	for _, d := range pred {
		p1 += d.grams.n1
		p2 += d.grams.n2
		if g := goldAt[d.date]; g != nil {
			r1, r2 := compare(d.grams, g.grams)
			h1 += r1.h
			h2 += r2.h
		}
	}
	for _, g := range gold {
		m1 += g.grams.n1
		m2 += g.grams.n2
	}
	return newPRF(ratio(float64(h1), float64(p1)), ratio(float64(h1), float64(m1))),
		newPRF(ratio(float64(h2), float64(p2)), ratio(float64(h2), float64(m2)))
}

// dayDistance returns the number of days between a and b.
func dayDistance(a, b briefing.Day) int {
	if a > b {
		return int(a) - int(b)
	}
	return int(b) - int(a)
}

// overlapF is tilse's cheap ROUGE-1 estimate used only to pick alignments:
// the F1 of clipped whitespace-token matches, case kept, with only
// punctuation tokens left out (see isPunctuationRun).
func overlapF(p, g *day) float64 {
	match := clipped(p.raw, g.raw)
	prec := ratio(float64(match), float64(p.rawTotal))
	rec := ratio(float64(match), float64(g.rawTotal))
	return f1(prec, rec)
}

// alignedHits pairs each date of from with the first date of to (in order)
// of least cost(i, j), and sums the pairs' n-gram hits discounted by
// 1/(days apart+1), with from's n-gram counts: the numerators and
// denominators of one side of alignManyToOne. fromIsGold says which side
// is the reference, for compare's argument order.
func alignedHits(from, to []*day, cost func(i, j int) float64, fromIsGold bool) (num1, num2 float64, den1, den2 int) {
	for i, a := range from {
		den1 += a.grams.n1
		den2 += a.grams.n2
		best := -1
		for j := range to {
			if best < 0 || cost(i, j) < cost(i, best) {
				best = j
			}
		}
		if best < 0 {
			continue
		}
		b := to[best]
		peer, model := a, b
		if fromIsGold {
			peer, model = b, a
		}
		w := 1 / float64(dayDistance(peer.date, model.date)+1)
		r1, r2 := compare(peer.grams, model.grams)
		num1 += w * float64(r1.h)
		num2 += w * float64(r2.h)
	}
	return num1, num2, den1, den2
}

// alignManyToOne is tilse's align_date_content_costs_many_to_one. The cost of
// pairing a system date with a reference date is
// (1 - 1/(days apart+1)) * (1 - overlapF); each system date takes the first
// reference date (ascending) of least cost for precision, and each reference
// date the first system date of least cost for recall.
func alignManyToOne(pred, gold []*day) (PRF, PRF) {
	cost := make([][]float64, len(pred))
	for i, p := range pred {
		cost[i] = make([]float64, len(gold))
		for j, g := range gold {
			dateFactor := 1 - 1/float64(dayDistance(p.date, g.date)+1)
			cost[i][j] = dateFactor * (1 - overlapF(p, g))
		}
	}

	pNum1, pNum2, pDen1, pDen2 := alignedHits(pred, gold, func(i, j int) float64 { return cost[i][j] }, false)
	rNum1, rNum2, rDen1, rDen2 := alignedHits(gold, pred, func(j, i int) float64 { return cost[i][j] }, true)
	return newPRF(ratio(pNum1, float64(pDen1)), ratio(rNum1, float64(rDen1))),
		newPRF(ratio(pNum2, float64(pDen2)), ratio(rNum2, float64(rDen2)))
}

// dateF1 scores the two date sets.
func dateF1(pred, gold []*day) PRF {
	goldSet := make(map[briefing.Day]bool, len(gold))
	for _, g := range gold {
		goldSet[g.date] = true
	}
	shared := 0
	for _, p := range pred {
		if goldSet[p.date] {
			shared++
		}
	}
	return newPRF(ratio(float64(shared), float64(len(pred))), ratio(float64(shared), float64(len(gold))))
}
