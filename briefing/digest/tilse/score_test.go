package tilse

import (
	"math"
	"sync"
	"testing"
)

const eps = 1e-12

func near(a, b float64) bool { return math.Abs(a-b) < eps }

func checkPRF(t *testing.T, what string, got PRF, p, r float64) {
	t.Helper()
	if !near(got.P, p) || !near(got.R, r) || !near(got.F, f1(p, r)) {
		t.Errorf("%s = %+v, want P %.6f R %.6f F %.6f", what, got, p, r, f1(p, r))
	}
}

// timelineOf builds a timeline from date/sentence pairs, one sentence per entry.
func timelineOf(t *testing.T, pairs ...string) Timeline {
	t.Helper()
	var out Timeline
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Entry{Date: mustDay(t, pairs[i]), Sentences: []string{pairs[i+1]}})
	}
	return out
}

func TestScoreIdentical(t *testing.T) {
	ref := Timeline{
		{mustDay(t, "2010-04-20"), []string{"The rig explodes , killing 11 workers .", "Oil begins to leak ."}},
		{mustDay(t, "2010-04-22"), []string{"The burning rig sinks into the gulf ."}},
		{mustDay(t, "2010-07-15"), []string{"BP caps the well ."}},
	}
	got := NewScorer(Stopwords{"the": true, "to": true, "into": true}).Score(ref, ref)
	for name, prf := range map[string]PRF{
		"Concat1": got.Concat1, "Concat2": got.Concat2, "Agree1": got.Agree1, "Agree2": got.Agree2,
		"Align1": got.Align1, "Align2": got.Align2, "Date": got.Date,
	} {
		checkPRF(t, name, prf, 1, 1)
	}
}

func TestScoreDisjointDates(t *testing.T) {
	// Same words, two days apart: alignment pairs them and discounts the
	// hits by 1/(2+1); agreement finds no shared date; concat ignores dates.
	ref := timelineOf(t, "2010-01-01", "oil spill spreads")
	sys := timelineOf(t, "2010-01-03", "oil spill spreads")
	got := NewScorer(nil).Score(sys, ref)
	checkPRF(t, "Align1", got.Align1, 1.0/3, 1.0/3)
	checkPRF(t, "Align2", got.Align2, 1.0/3, 1.0/3)
	checkPRF(t, "Agree1", got.Agree1, 0, 0)
	checkPRF(t, "Agree2", got.Agree2, 0, 0)
	checkPRF(t, "Concat1", got.Concat1, 1, 1)
	checkPRF(t, "Concat2", got.Concat2, 1, 1)
	checkPRF(t, "Date", got.Date, 0, 0)
}

func TestScoreAgreementCountsSharedDatesOnly(t *testing.T) {
	ref := timelineOf(t, "2010-01-01", "alpha beta", "2010-01-02", "gamma delta")
	sys := timelineOf(t, "2010-01-01", "alpha beta", "2010-01-03", "gamma delta")
	got := NewScorer(nil).Score(sys, ref)
	// Hits only on 01-01 (2 unigrams, 1 bigram) over every date's n-grams.
	checkPRF(t, "Agree1", got.Agree1, 2.0/4, 2.0/4)
	checkPRF(t, "Agree2", got.Agree2, 1.0/2, 1.0/2)
	// Alignment pairs 01-03 with 01-02 (same words, a day apart: weight 1/2).
	checkPRF(t, "Align1", got.Align1, (2+0.5*2)/4, (2+0.5*2)/4)
	checkPRF(t, "Align2", got.Align2, (1+0.5)/2, (1+0.5)/2)
	// Concat sees "alpha beta gamma delta" on both sides.
	checkPRF(t, "Concat1", got.Concat1, 1, 1)
	checkPRF(t, "Concat2", got.Concat2, 1, 1)
	checkPRF(t, "Date", got.Date, 0.5, 0.5)
}

func TestScoreManyToOne(t *testing.T) {
	// Both system dates align to the single reference date for precision;
	// for recall the reference date takes the earliest system date of least
	// cost, the same day.
	ref := timelineOf(t, "2010-01-01", "alpha beta")
	sys := timelineOf(t, "2010-01-01", "alpha beta", "2010-01-02", "alpha beta")
	got := NewScorer(nil).Score(sys, ref)
	checkPRF(t, "Align1", got.Align1, (2+0.5*2)/4.0, 1)
	checkPRF(t, "Date", got.Date, 0.5, 1)
	// Unigram hits are clipped to the reference counts: 2 of 4.
	checkPRF(t, "Concat1", got.Concat1, 2.0/4, 1)
}

func TestScoreContentPicksAlignment(t *testing.T) {
	// The system date lies between two reference dates, one day from each;
	// the one with more shared words wins, whatever their order.
	ref := timelineOf(t, "2010-01-01", "storm hits coast", "2010-01-03", "oil spill spreads")
	sys := timelineOf(t, "2010-01-02", "oil spill grows")
	got := NewScorer(nil).Score(sys, ref)
	// Precision: 2 hits (oil, spill) at weight 1/2 over 3 system unigrams.
	checkPRF(t, "Align1", got.Align1, 1.0/3, 1.0/6)
}

func TestScoreStopwordsAndClipping(t *testing.T) {
	ref := timelineOf(t, "2010-01-01", "the spill")
	sys := timelineOf(t, "2010-01-01", "the spill , the spill and the spill")
	got := NewScorer(Stopwords{"the": true, "and": true}).Score(sys, ref)
	// Terms: spill spill spill against spill; one clipped hit.
	checkPRF(t, "Agree1", got.Agree1, 1.0/3, 1)
	// Bigrams: "spill spill" twice against none.
	checkPRF(t, "Agree2", got.Agree2, 0, 0)
}

func TestScoreEmpty(t *testing.T) {
	ref := timelineOf(t, "2010-01-01", "oil spill")
	empty := Timeline{}
	for _, c := range []struct {
		name     string
		sys, ref Timeline
	}{
		{"empty system", empty, ref},
		{"empty reference", ref, empty},
		{"both empty", empty, empty},
		{"dates without words", Timeline{{Date: mustDay(t, "2010-01-01")}}, Timeline{{Date: mustDay(t, "2010-01-01"), Sentences: []string{"the ."}}}},
	} {
		got := NewScorer(Stopwords{"the": true}).Score(c.sys, c.ref)
		for name, prf := range map[string]PRF{
			"Concat1": got.Concat1, "Agree1": got.Agree1, "Align1": got.Align1, "Align2": got.Align2,
		} {
			if prf != (PRF{}) {
				t.Errorf("%s: %s = %+v, want zero", c.name, name, prf)
			}
		}
	}
}

func TestMeanIsFOfMeans(t *testing.T) {
	a := Scores{Align1: newPRF(1, 0), Date: newPRF(0.5, 0.5)}
	b := Scores{Align1: newPRF(0, 1), Date: newPRF(1, 1)}
	m := Mean([]Scores{a, b})
	// The F of the mean P and R (0.5, 0.5), not the mean of the Fs (0).
	checkPRF(t, "Align1", m.Align1, 0.5, 0.5)
	checkPRF(t, "Date", m.Date, 0.75, 0.75)
	if (Mean(nil) != Scores{}) {
		t.Error("Mean(nil) should be zero")
	}
}

func TestScorerConcurrent(t *testing.T) {
	ref := timelineOf(t, "2010-01-01", "Oil began leaking into the Gulf", "2010-01-05", "Engineers capped the leaking well")
	sys := timelineOf(t, "2010-01-02", "Leaked oil reached the coast", "2010-01-05", "The well was capped")
	s := NewScorer(Stopwords{"the": true, "into": true, "was": true})
	want := NewScorer(Stopwords{"the": true, "into": true, "was": true}).Score(sys, ref)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if got := s.Score(sys, ref); got != want {
					t.Errorf("concurrent Score = %+v, want %+v", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
