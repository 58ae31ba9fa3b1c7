package tempeval

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/briefbot/briefbot/briefing/timex"
)

// Find runs briefbot's normaliser over a document's text with its DCT as
// the reference time.
func Find(n *timex.Normalizer, d *Doc) []Timex {
	exprs := n.Find(d.Text, d.DCT)
	out := make([]Timex, 0, len(exprs))
	for _, e := range exprs {
		if e.Parts != nil {
			// TimeML marks the two ends of a range as two expressions.
			for _, p := range e.Parts {
				out = append(out, Timex{Start: p.Start, End: p.End, Text: p.Text, Type: string(p.Type), Value: p.Value, Mod: p.Mod})
			}
			continue
		}
		out = append(out, Timex{Start: e.Start, End: e.End, Text: e.Text, Type: string(e.Type), Value: e.Value, Mod: e.Mod})
	}
	return out
}

// DocResult is one document's score.
type DocResult struct {
	Path  string
	Doc   *Doc
	Sys   []Timex
	Count Counts
	Pairs []Pair
}

// Files lists the .tml files in dir and its subdirectories, sorted.
func Files(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".tml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("tempeval: no .tml files in %s", dir)
	}
	slices.Sort(files)
	return files, nil
}

// Evaluate reads every .tml file under dir, runs the normaliser on each and
// returns the total counts and the per-document results.
func Evaluate(n *timex.Normalizer, dir string) (Counts, []DocResult, error) {
	files, err := Files(dir)
	if err != nil {
		return Counts{}, nil, err
	}
	var total Counts
	res := make([]DocResult, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return Counts{}, nil, err
		}
		d, err := Read(raw)
		if err != nil {
			return Counts{}, nil, fmt.Errorf("%s: %w", f, err)
		}
		sys := Find(n, d)
		c, pairs := Score(d.Gold, sys)
		total.Add(c)
		res = append(res, DocResult{Path: f, Doc: d, Sys: sys, Count: c, Pairs: pairs})
	}
	return total, res, nil
}

// WriteReport prints the totals in the TempEval-3 terms.
func WriteReport(w io.Writer, c Counts, docs int) error {
	_, err := fmt.Fprintf(w, `documents %d, gold expressions %d, system expressions %d
strict span   %s
relaxed span  %s
value         %s
type          %s
of the %d relaxed matches: type accuracy %.2f, value accuracy %.2f, mod accuracy %.2f
`, docs, c.Gold, c.System, c.Strict(), c.Relaxed(), c.Value(), c.TypeF(), c.Pairs,
		c.TypeAccuracy(), c.ValueAccuracy(), c.ModAccuracy())
	return err
}
