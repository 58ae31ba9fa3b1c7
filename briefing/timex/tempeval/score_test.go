package tempeval

import (
	"math"
	"strings"
	"testing"
)

// span is a test expression; Score looks only at offsets, type, value and mod.
func span(start, end int, typ, value string) Timex {
	return Timex{Start: start, End: end, Type: typ, Value: value}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func checkPRF(t *testing.T, what string, got, want PRF) {
	t.Helper()
	if !near(got.P, want.P) || !near(got.R, want.R) || !near(got.F, want.F) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestScore(t *testing.T) {
	// The text the spans point into, for orientation:
	//   0         1         2         3         4
	//   0123456789012345678901234567890123456789012345
	//   Talks began last Friday and end in three days.
	lastFriday := span(12, 23, "DATE", "2025-05-16")
	friday := span(17, 23, "DATE", "2025-05-16")
	threeDays := span(35, 45, "DURATION", "P3D")

	tests := []struct {
		name                   string
		gold, sys              []Timex
		want                   Counts
		strict, relaxed, value PRF
		typ                    PRF
	}{
		{
			name: "exact match",
			gold: []Timex{lastFriday}, sys: []Timex{lastFriday},
			want:   Counts{Gold: 1, System: 1, StrictSys: 1, StrictGold: 1, RelaxedSys: 1, RelaxedGold: 1, Pairs: 1, TypeOK: 1, ValueOK: 1, ModOK: 1},
			strict: PRF{100, 100, 100}, relaxed: PRF{100, 100, 100}, value: PRF{100, 100, 100}, typ: PRF{100, 100, 100},
		},
		{
			name: "partial overlap is relaxed only",
			gold: []Timex{lastFriday}, sys: []Timex{friday},
			want:   Counts{Gold: 1, System: 1, RelaxedSys: 1, RelaxedGold: 1, Pairs: 1, TypeOK: 1, ValueOK: 1, ModOK: 1},
			strict: PRF{}, relaxed: PRF{100, 100, 100}, value: PRF{100, 100, 100}, typ: PRF{100, 100, 100},
		},
		{
			name: "miss",
			gold: []Timex{lastFriday},
			want: Counts{Gold: 1},
		},
		{
			name: "spurious",
			sys:  []Timex{threeDays},
			want: Counts{System: 1},
		},
		{
			name: "wrong value",
			gold: []Timex{lastFriday}, sys: []Timex{span(12, 23, "DATE", "2025-05-23")},
			want:   Counts{Gold: 1, System: 1, StrictSys: 1, StrictGold: 1, RelaxedSys: 1, RelaxedGold: 1, Pairs: 1, TypeOK: 1, ModOK: 1},
			strict: PRF{100, 100, 100}, relaxed: PRF{100, 100, 100}, value: PRF{}, typ: PRF{100, 100, 100},
		},
		{
			name: "wrong type and mod",
			gold: []Timex{threeDays}, sys: []Timex{{Start: 35, End: 45, Type: "DATE", Value: "P3D", Mod: "APPROX"}},
			want:   Counts{Gold: 1, System: 1, StrictSys: 1, StrictGold: 1, RelaxedSys: 1, RelaxedGold: 1, Pairs: 1, ValueOK: 1},
			strict: PRF{100, 100, 100}, relaxed: PRF{100, 100, 100}, value: PRF{100, 100, 100}, typ: PRF{},
		},
		{
			// gold: A exact+right, B partial+right, C exact+wrong value, D missed
			// system: the three partners plus two spurious ones
			// strict:  2 of 5 system, 2 of 4 gold: P 40, R 50, F 2*40*50/90
			// relaxed: 3 of 5, 3 of 4: P 60, R 75, F 2*60*75/135
			// value:   2 right of 5 and of 4: as strict
			name:   "mixed",
			gold:   []Timex{span(0, 5, "DATE", "A"), span(10, 20, "DATE", "B"), span(30, 35, "DATE", "C"), span(40, 45, "DATE", "D")},
			sys:    []Timex{span(0, 5, "DATE", "A"), span(12, 20, "DATE", "B"), span(30, 35, "DATE", "X"), span(50, 55, "DATE", "E"), span(60, 62, "SET", "F")},
			want:   Counts{Gold: 4, System: 5, StrictSys: 2, StrictGold: 2, RelaxedSys: 3, RelaxedGold: 3, Pairs: 3, TypeOK: 3, ValueOK: 2, ModOK: 3},
			strict: PRF{40, 50, 2 * 40 * 50 / 90.0}, relaxed: PRF{60, 75, 2 * 60 * 75 / 135.0},
			value: PRF{40, 50, 2 * 40 * 50 / 90.0}, typ: PRF{60, 75, 2 * 60 * 75 / 135.0},
		},
		{
			// one system span over two gold ones: the first gold takes it,
			// the second is missed for the attributes but the span counts
			// once on the system side
			name: "one system span over two gold",
			gold: []Timex{span(0, 5, "DATE", "A"), span(6, 10, "DATE", "B")},
			sys:  []Timex{span(0, 10, "DATE", "A")},
			want: Counts{Gold: 2, System: 1, RelaxedSys: 1, RelaxedGold: 1, Pairs: 1, TypeOK: 1, ValueOK: 1, ModOK: 1},
			// relaxed P 100, R 50, F 66.67; value the same
			strict: PRF{}, relaxed: PRF{100, 50, 200.0 / 3}, value: PRF{100, 50, 200.0 / 3}, typ: PRF{100, 50, 200.0 / 3},
		},
		{
			// the gold span pairs with the system span it overlaps most
			name: "largest overlap wins",
			gold: []Timex{span(10, 30, "DATE", "G")},
			sys:  []Timex{span(5, 12, "DATE", "small"), span(14, 29, "DATE", "G")},
			want: Counts{Gold: 1, System: 2, RelaxedSys: 2, RelaxedGold: 1, Pairs: 1, TypeOK: 1, ValueOK: 1, ModOK: 1},
			// relaxed P 100 R 100; value P 50 R 100 F 66.67
			strict: PRF{}, relaxed: PRF{100, 100, 100}, value: PRF{50, 100, 200.0 / 3}, typ: PRF{50, 100, 200.0 / 3},
		},
		{
			name: "empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, pairs := Score(tt.gold, tt.sys)
			if c != tt.want {
				t.Errorf("counts = %+v\nwant     %+v", c, tt.want)
			}
			checkPRF(t, "strict", c.Strict(), tt.strict)
			checkPRF(t, "relaxed", c.Relaxed(), tt.relaxed)
			checkPRF(t, "value", c.Value(), tt.value)
			checkPRF(t, "type", c.TypeF(), tt.typ)
			// every gold expression appears once, in order, then the
			// unpaired system expressions
			if len(pairs) != len(tt.gold)+len(tt.sys)-c.Pairs {
				t.Fatalf("%d pairs for %d gold, %d system, %d matched", len(pairs), len(tt.gold), len(tt.sys), c.Pairs)
			}
			for i, p := range pairs {
				switch {
				case i < len(tt.gold):
					if p.Gold != &tt.gold[i] {
						t.Errorf("pair %d: gold %+v, want gold %d", i, p.Gold, i)
					}
					if p.Sys != nil && overlap(p.Gold, p.Sys) == 0 {
						t.Errorf("pair %d joins spans that do not overlap: %+v %+v", i, *p.Gold, *p.Sys)
					}
				default:
					if p.Gold != nil || p.Sys == nil {
						t.Errorf("pair %d after the gold ones = %+v, want a spurious system expression", i, p)
					}
				}
			}
		})
	}
}

func TestScorePairs(t *testing.T) {
	gold := []Timex{span(0, 5, "DATE", "A"), span(10, 20, "DATE", "B")}
	sys := []Timex{span(12, 20, "DATE", "B"), span(30, 33, "DATE", "C")}
	_, pairs := Score(gold, sys)
	if len(pairs) != 3 {
		t.Fatalf("pairs = %+v", pairs)
	}
	if pairs[0].Gold != &gold[0] || pairs[0].Sys != nil {
		t.Errorf("missed gold pair = %+v", pairs[0])
	}
	if pairs[1].Gold != &gold[1] || pairs[1].Sys != &sys[0] {
		t.Errorf("matched pair = %+v", pairs[1])
	}
	if pairs[2].Gold != nil || pairs[2].Sys != &sys[1] {
		t.Errorf("spurious pair = %+v", pairs[2])
	}
}

func TestCountsAddAndAccuracy(t *testing.T) {
	a, _ := Score([]Timex{span(0, 5, "DATE", "A")}, []Timex{span(0, 5, "DATE", "A")})
	b, _ := Score([]Timex{span(0, 5, "DATE", "A"), span(8, 9, "DURATION", "P1D")}, []Timex{span(1, 5, "TIME", "Z")})
	var c Counts
	c.Add(a)
	c.Add(b)
	want := Counts{Gold: 3, System: 2, StrictSys: 1, StrictGold: 1, RelaxedSys: 2, RelaxedGold: 2, Pairs: 2, TypeOK: 1, ValueOK: 1, ModOK: 2}
	if c != want {
		t.Fatalf("sum = %+v\nwant  %+v", c, want)
	}
	if !near(c.TypeAccuracy(), 50) || !near(c.ValueAccuracy(), 50) || !near(c.ModAccuracy(), 100) {
		t.Errorf("accuracies type %.2f value %.2f mod %.2f, want 50 50 100", c.TypeAccuracy(), c.ValueAccuracy(), c.ModAccuracy())
	}
	// strict P 1/2, R 1/3; relaxed P 2/2, R 2/3
	checkPRF(t, "strict", c.Strict(), PRF{50, 100.0 / 3, 2 * 50 * (100.0 / 3) / (50 + 100.0/3)})
	checkPRF(t, "relaxed", c.Relaxed(), PRF{100, 200.0 / 3, 80})
	var zero Counts
	if zero.TypeAccuracy() != 0 || zero.Strict() != (PRF{}) {
		t.Errorf("empty counts score %v / %v", zero.TypeAccuracy(), zero.Strict())
	}
}

func TestWriteReport(t *testing.T) {
	c := Counts{Gold: 4, System: 5, StrictSys: 2, StrictGold: 2, RelaxedSys: 3, RelaxedGold: 3, Pairs: 3, TypeOK: 3, ValueOK: 2, ModOK: 3}
	var b strings.Builder
	if err := WriteReport(&b, c, 2); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"documents 2, gold expressions 4, system expressions 5\n",
		"strict span   P  40.00  R  50.00  F1  44.44\n",
		"relaxed span  P  60.00  R  75.00  F1  66.67\n",
		"value         P  40.00  R  50.00  F1  44.44\n",
		"of the 3 relaxed matches: type accuracy 100.00, value accuracy 66.67, mod accuracy 100.00\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
