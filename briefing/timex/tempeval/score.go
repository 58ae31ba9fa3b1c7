package tempeval

import "fmt"

// Counts accumulates the TempEval-3 task A counts over one or more
// documents. The zero value is empty and ready to use.
type Counts struct {
	Gold, System int // expressions in each
	// StrictSys and StrictGold count system and gold expressions with an
	// exact partner; with one-to-one spans both are the same number.
	StrictSys, StrictGold int
	// RelaxedSys counts system expressions that overlap a gold one,
	// RelaxedGold gold expressions that a system one overlaps.
	RelaxedSys, RelaxedGold int
	// Pairs is the number of relaxed gold-system pairs compared for
	// attributes (each gold expression paired with the system expression
	// that overlaps it most), and TypeOK, ValueOK, ModOK how many agree.
	Pairs, TypeOK, ValueOK, ModOK int
}

// Pair is a gold expression and the system expression matched to it for the
// attribute comparison; Sys is nil for a missed gold expression and Gold is
// nil for a spurious system one.
type Pair struct {
	Gold, Sys *Timex
}

// Score compares one document's system expressions with its gold ones and
// returns the counts and the pairing (in gold order, spurious system
// expressions last).
func Score(gold, sys []Timex) (Counts, []Pair) {
	c := Counts{Gold: len(gold), System: len(sys)}
	used := make([]bool, len(sys))
	var pairs []Pair
	for gi := range gold {
		g := &gold[gi]
		best, bestOv := -1, 0
		for si := range sys {
			s := &sys[si]
			if s.Start == g.Start && s.End == g.End {
				c.StrictGold++
			}
			if ov := overlap(g, s); ov > bestOv && !used[si] {
				best, bestOv = si, ov
			}
		}
		if best < 0 {
			pairs = append(pairs, Pair{Gold: g})
			continue
		}
		used[best] = true
		s := &sys[best]
		c.RelaxedGold++
		c.Pairs++
		if s.Type == g.Type {
			c.TypeOK++
		}
		if s.Value == g.Value {
			c.ValueOK++
		}
		if s.Mod == g.Mod {
			c.ModOK++
		}
		pairs = append(pairs, Pair{Gold: g, Sys: s})
	}
	for si := range sys {
		s := &sys[si]
		for gi := range gold {
			g := &gold[gi]
			if s.Start == g.Start && s.End == g.End {
				c.StrictSys++
			}
			if overlap(g, s) > 0 {
				c.RelaxedSys++
				break
			}
		}
		if !used[si] {
			pairs = append(pairs, Pair{Sys: s})
		}
	}
	return c, pairs
}

// overlap is the number of bytes two spans share.
func overlap(a, b *Timex) int {
	lo, hi := max(a.Start, b.Start), min(a.End, b.End)
	return max(0, hi-lo)
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Gold += o.Gold
	c.System += o.System
	c.StrictSys += o.StrictSys
	c.StrictGold += o.StrictGold
	c.RelaxedSys += o.RelaxedSys
	c.RelaxedGold += o.RelaxedGold
	c.Pairs += o.Pairs
	c.TypeOK += o.TypeOK
	c.ValueOK += o.ValueOK
	c.ModOK += o.ModOK
}

// PRF is a precision, recall and F1, each in percent.
type PRF struct{ P, R, F float64 }

func (p PRF) String() string { return fmt.Sprintf("P %6.2f  R %6.2f  F1 %6.2f", p.P, p.R, p.F) }

func prf(hitSys, sys, hitGold, gold int) PRF {
	var p PRF
	if sys > 0 {
		p.P = 100 * float64(hitSys) / float64(sys)
	}
	if gold > 0 {
		p.R = 100 * float64(hitGold) / float64(gold)
	}
	if p.P+p.R > 0 {
		p.F = 2 * p.P * p.R / (p.P + p.R)
	}
	return p
}

// Strict is the exact-span score.
func (c Counts) Strict() PRF { return prf(c.StrictSys, c.System, c.StrictGold, c.Gold) }

// Relaxed is the overlapping-span score.
func (c Counts) Relaxed() PRF { return prf(c.RelaxedSys, c.System, c.RelaxedGold, c.Gold) }

// Value is the value score: relaxed matches with the gold value, over the
// system and gold counts (TempEval-3's value F1).
func (c Counts) Value() PRF { return prf(c.ValueOK, c.System, c.ValueOK, c.Gold) }

// TypeF is the type score, counted like Value.
func (c Counts) TypeF() PRF { return prf(c.TypeOK, c.System, c.TypeOK, c.Gold) }

// TypeAccuracy and ValueAccuracy are the percentages of relaxed matches
// whose type or value agrees with the gold.
func (c Counts) TypeAccuracy() float64 { return pct(c.TypeOK, c.Pairs) }

// ValueAccuracy is the percentage of relaxed matches with the gold value.
func (c Counts) ValueAccuracy() float64 { return pct(c.ValueOK, c.Pairs) }

// ModAccuracy is the percentage of relaxed matches with the gold mod (both
// empty counts as agreement).
func (c Counts) ModAccuracy() float64 { return pct(c.ModOK, c.Pairs) }

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
