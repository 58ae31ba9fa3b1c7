package tilse

import (
	"bufio"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// corpusDir is the Timeline17 calibration data, outside the repository.
const corpusDir = "../../../../shared/corpus/t17"

// calibrationTolerance is how far our figures may be from the original scorer's.
const calibrationTolerance = 0.005

// folderOf maps the timeline names used in sdf-tls-scores.txt to the corpus
// folders.
var folderOf = map[string]string{
	"bpoil/bbc":                          "bpoil_bbc",
	"bpoil/foxnews":                      "bpoil_foxnews",
	"bpoil/guardian":                     "bpoil_guardian",
	"bpoil/rbpoil":                       "bpoil_reuters",
	"bpoil/washingtonpost":               "bpoil_washingtonpost",
	"h1n1/h1n1_reuters":                  "H1N1_reuters",
	"h1n1/influenza_A_h1n1_scotland_bbc": "H1N1_bbc",
	"h1n1/swine_flu_guardian":            "H1N1_guardian",
	"haiti/bbc":                          "haiti_bbc",
	"mj/bbc":                             "MJ_bbc",
}

// referenceRow is one per-timeline line of sdf-tls-scores.txt.
type referenceRow struct {
	name                      string
	alignR1F, alignR2F, dateF float64
}

// referenceMeans is the last line of sdf-tls-scores.txt.
type referenceMeans struct {
	n                                int
	align1, align2, concat1, concat2 float64
	agree1, agree2, date             float64
}

var (
	rowPattern  = regexp.MustCompile(`^(\S+)\s+alignR1F=([0-9.]+)\s+alignR2F=([0-9.]+)\s+dateF1=([0-9.]+)\s*$`)
	meanPattern = regexp.MustCompile(`^n=(\d+)\s+F-of-means:\s+align R1 ([0-9.]+) R2 ([0-9.]+) \| concat R1 ([0-9.]+) R2 ([0-9.]+) \| agreement R1 ([0-9.]+) R2 ([0-9.]+) \| date F1 ([0-9.]+)\s*$`)
)

// parseReference reads sdf-tls-scores.txt.
func parseReference(t *testing.T, path string) ([]referenceRow, referenceMeans) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return v
	}
	var rows []referenceRow
	var means referenceMeans
	haveMeans := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if m := rowPattern.FindStringSubmatch(line); m != nil {
			rows = append(rows, referenceRow{m[1], num(m[2]), num(m[3]), num(m[4])})
			continue
		}
		if m := meanPattern.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			means = referenceMeans{n, num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), num(m[7]), num(m[8])}
			haveMeans = true
			continue
		}
		t.Fatalf("%s: unrecognised line %q", path, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !haveMeans || len(rows) == 0 {
		t.Fatalf("%s: want per-timeline lines and a final F-of-means line", path)
	}
	return rows, means
}

// corpusOrSkip returns the corpus directory, skipping the test when it is
// absent (failing instead under CI=true).
func corpusOrSkip(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(corpusDir, "sdf-tls-scores.txt")); err != nil {
		msg := "Timeline17 calibration corpus not found at " + corpusDir + " (shared/corpus/t17 beside the repository): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return corpusDir
}

// wordNetOrSkip returns the WordNet exception lists of DefaultWordNetDir,
// skipping the test when they are absent (failing instead under CI=true).
func wordNetOrSkip(t *testing.T) Exceptions {
	t.Helper()
	exc, err := LoadExceptions(DefaultWordNetDir)
	if err != nil {
		msg := "WordNet exception lists not available (install the Debian package wordnet-base: apt-get install wordnet-base): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return exc
}

// readWith reads a timeline file with the given reader.
func readWith(t *testing.T, read func(io.Reader) (Timeline, error), path string) Timeline {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tl, err := read(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tl
}

// TestCalibrationSDFTLS scores the published SDF-TLS timelines against the
// Timeline17 gold timelines and compares with what the original tilse scorer
// (Perl ROUGE-1.5.5, with WordNet's exception lists) gives. Two gold timelines repeat a date; tilse's reader
// keeps the last block of such a date, ReadLastBlock does the same, and Read
// (which merges the blocks) must stay within the tolerance too.
func TestCalibrationSDFTLS(t *testing.T) {
	dir := corpusOrSkip(t)
	rows, want := parseReference(t, filepath.Join(dir, "sdf-tls-scores.txt"))
	if want.n != len(rows) {
		t.Fatalf("reference averages over %d timelines, file lists %d", want.n, len(rows))
	}
	stop, err := LoadStopwords(filepath.Join(dir, "smart-stopwords.txt"))
	if err != nil {
		t.Fatal(err)
	}
	exc := wordNetOrSkip(t)
	readers := []struct {
		name string
		read func(io.Reader) (Timeline, error)
	}{
		{"ReadLastBlock", ReadLastBlock},
		{"Read", Read},
	}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			type pair struct{ sys, ref Timeline }
			pairs := make([]pair, len(rows))
			for i, row := range rows {
				folder, ok := folderOf[row.name]
				if !ok {
					t.Fatalf("no corpus folder for reference timeline %q", row.name)
				}
				pairs[i] = pair{
					sys: readWith(t, rd.read, filepath.Join(dir, folder, "sdf-tls-output.txt")),
					ref: readWith(t, rd.read, filepath.Join(dir, folder, "timeline.txt")),
				}
			}

			scorer := NewScorer(stop).WithExceptions(exc)
			all := make([]Scores, len(rows))
			for i, p := range pairs {
				all[i] = scorer.Score(p.sys, p.ref)
			}

			check := func(what string, got, ref float64) {
				t.Helper()
				flag := ""
				if math.Abs(got-ref) > calibrationTolerance {
					flag = "  <-- off"
					t.Errorf("%s = %.4f, original tilse %.4f (off by %.4f)", what, got, ref, got-ref)
				}
				t.Logf("%-46s ours %.4f  tilse %.4f  diff %+.4f%s", what, got, ref, got-ref, flag)
			}
			for i, row := range rows {
				s := all[i]
				check(row.name+" alignR1F", s.Align1.F, row.alignR1F)
				check(row.name+" alignR2F", s.Align2.F, row.alignR2F)
				check(row.name+" dateF1", s.Date.F, row.dateF)
			}
			m := Mean(all)
			check("mean align R1", m.Align1.F, want.align1)
			check("mean align R2", m.Align2.F, want.align2)
			check("mean concat R1", m.Concat1.F, want.concat1)
			check("mean concat R2", m.Concat2.F, want.concat2)
			check("mean agreement R1", m.Agree1.F, want.agree1)
			check("mean agreement R2", m.Agree2.F, want.agree2)
			check("mean date F1", m.Date.F, want.date)
		})
	}
}

// BenchmarkScoreT17 scores the ten published SDF-TLS outputs against their
// gold timelines: all of tilse's measures, as eval tls computes them.
func BenchmarkScoreT17(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "corpus", "t17")
	golds, _ := filepath.Glob(filepath.Join(dir, "*", "timeline.txt"))
	if len(golds) == 0 {
		b.Skip("Timeline17 corpus not found")
	}
	stop, err := LoadStopwords(filepath.Join(dir, "smart-stopwords.txt"))
	if err != nil {
		b.Fatal(err)
	}
	exc, err := LoadExceptions(DefaultWordNetDir)
	if err != nil {
		b.Skipf("WordNet exception lists: %v", err)
	}
	type pair struct{ sys, ref Timeline }
	var pairs []pair
	for _, g := range golds {
		ref, err := ReadLastBlockFile(g)
		if err != nil {
			b.Fatal(err)
		}
		sys, err := ReadLastBlockFile(filepath.Join(filepath.Dir(g), "sdf-tls-output.txt"))
		if err != nil {
			b.Fatal(err)
		}
		pairs = append(pairs, pair{sys, ref})
	}
	scorer := NewScorer(stop).WithExceptions(exc)
	for b.Loop() {
		for _, p := range pairs {
			scorer.Score(p.sys, p.ref)
		}
	}
}
