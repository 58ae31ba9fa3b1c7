// Package tilse scores a system timeline against a reference timeline with the
// measures of the tilse toolkit (Martschat and Markert, "Improving ROUGE for
// Timeline Summarization", EACL 2017), as the news-tls evaluation (Ghalandari
// and Ifrim, ACL 2020) runs them: concat, agreement and many-to-one
// date-content alignment ROUGE-1 and ROUGE-2, and date F1.
//
// It is a Go port: ROUGE counts are reproduced as the Perl ROUGE-1.5.5 script
// computes them with the options tilse uses (lowercasing, Porter stemming,
// SMART stop words, raw n-gram counts), and the alignment uses tilse's own
// content-overlap estimate, so scores match the original scorer without Perl
// or Python: on the Timeline17 calibration data every figure agrees to four
// decimals. rouge.go, porter.go and exceptions.go list the ROUGE details that
// this takes.
//
// One of them needs data this package does not carry: before stemming,
// ROUGE-1.5.5 replaces an irregular word form by its WordNet base ("told" ->
// "tell", "worst" -> "bad"). Those forms come from WordNet's exception lists,
// which are WordNet's data under WordNet's licence, so they are read at run
// time from a WordNet installation (Debian's wordnet-base package puts them in
// DefaultWordNetDir) with LoadExceptions and given to a Scorer with
// WithExceptions. A Scorer without them Porter stems every word, and its
// scores drift from the original scorer's by up to a few thousandths.
//
// The package also reads and writes the tilse timeline file format: a date
// line (YYYY-MM-DD), one sentence per line, then a line of dashes.
package tilse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/briefbot/briefbot/briefing"
)

// Entry is one date of a timeline with its sentences.
type Entry struct {
	Date      briefing.Day
	Sentences []string
}

// Timeline is a timeline in file order.
type Timeline []Entry

// Separator is the line Write puts after the sentences of each date.
const Separator = "--------------------------------"

// Dates returns the distinct dates of t in ascending order.
func (t Timeline) Dates() []briefing.Day {
	seen := make(map[briefing.Day]bool, len(t))
	var out []briefing.Day
	for _, e := range t {
		if !seen[e.Date] {
			seen[e.Date] = true
			out = append(out, e.Date)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Merged returns t with one entry per date, dates ascending; the sentences of
// a date that occurs more than once are concatenated in timeline order.
func (t Timeline) Merged() Timeline {
	index := make(map[briefing.Day]int, len(t))
	var out Timeline
	for _, e := range t {
		i, ok := index[e.Date]
		if !ok {
			i = len(out)
			index[e.Date] = i
			out = append(out, Entry{Date: e.Date})
		}
		out[i].Sentences = append(out[i].Sentences, e.Sentences...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// ReadFile reads a timeline file in the tilse format; see Read.
func ReadFile(path string) (Timeline, error) {
	return readFile(path, Read)
}

// ReadLastBlockFile reads a timeline file in the tilse format the way tilse's
// own reader does; see ReadLastBlock.
func ReadLastBlockFile(path string) (Timeline, error) {
	return readFile(path, ReadLastBlock)
}

// readFile opens path and parses it with read.
func readFile(path string, read func(io.Reader) (Timeline, error)) (Timeline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tilse: %w", err)
	}
	defer f.Close()
	t, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Read parses a timeline in the tilse format:
//
//	2010-09-19
//	The ruptured well is finally sealed .
//	--------------------------------
//
// Lines are trimmed of surrounding white space and blank lines are ignored. A
// date line starts an entry, each following line is one sentence, and a line
// made only of three or more dashes closes the entry; the dash line after the
// last entry may be missing. A date with no sentences is kept as an empty
// entry. When a date occurs twice, the sentences of the second block are
// appended to the first entry, which keeps its place. A sentence outside an
// entry, a date line inside an open entry, a stray dash line or an impossible
// date (2010-02-30) is an error naming the line.
func Read(r io.Reader) (Timeline, error) {
	return read(r, false)
}

// ReadLastBlock is Read with the rule of tilse's own reader
// (Timeline.from_file) for a date that occurs in more than one block: only the
// sentences of its last block are kept. Scores of the original scorer for
// Timeline17 gold timelines that repeat a date (H1N1 bbc, BP oil guardian)
// were computed that way; read with ReadLastBlock to reproduce them.
func ReadLastBlock(r io.Reader) (Timeline, error) {
	return read(r, true)
}

// read parses the tilse format; lastBlock selects the repeated-date rule.
func read(r io.Reader, lastBlock bool) (Timeline, error) {
	br := bufio.NewReader(r)
	var (
		t        Timeline
		index    = map[briefing.Day]int{}
		open     = -1 // index in t of the entry being read, or -1
		openLine int  // line of the date that opened it
		lineNo   int
	)
	for {
		raw, err := br.ReadString('\n')
		if raw == "" && err != nil {
			if errors.Is(err, io.EOF) {
				return t, nil
			}
			return nil, fmt.Errorf("tilse: line %d: %w", lineNo+1, err)
		}
		lineNo++
		if lineNo == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff") // a byte-order mark
		}
		line := strings.TrimFunc(raw, isPySpace)
		switch {
		case line == "":
			// blank lines carry nothing
		case isSeparator(line):
			if open < 0 {
				return nil, fmt.Errorf("tilse: line %d: dash line without a date line before it", lineNo)
			}
			open = -1
		case looksLikeDate(line):
			day, perr := briefing.ParseDay(line)
			if perr != nil {
				return nil, fmt.Errorf("tilse: line %d: impossible date %q", lineNo, line)
			}
			if open >= 0 {
				return nil, fmt.Errorf("tilse: line %d: date %s begins before the entry for %s (line %d) is closed by a dash line",
					lineNo, line, t[open].Date, openLine)
			}
			i, seen := index[day]
			switch {
			case !seen:
				i = len(t)
				index[day] = i
				t = append(t, Entry{Date: day})
			case lastBlock:
				t[i].Sentences = nil
			}
			open, openLine = i, lineNo
		default:
			if open < 0 {
				return nil, fmt.Errorf("tilse: line %d: sentence outside a dated entry (a date line must come first): %q",
					lineNo, clip(line, 40))
			}
			t[open].Sentences = append(t[open].Sentences, line)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return t, nil
			}
			return nil, fmt.Errorf("tilse: line %d: %w", lineNo, err)
		}
	}
}

// Write writes t in the tilse format: dates ascending, each followed by its
// sentences and the Separator line. Entries sharing a date are written as one
// block. Surrounding white space of a sentence is dropped. Write fails, before
// writing anything, on a date outside the years 0000-9999 and on a sentence
// that Read could not give back: one that is blank, spans lines, or reads as a
// date or dash line.
func Write(w io.Writer, t Timeline) error {
	merged := t.Merged()
	for _, e := range merged {
		if y := e.Date.Year(); y < 0 || y > 9999 {
			return fmt.Errorf("tilse: date %v outside years 0000-9999", e.Date)
		}
		for _, s := range e.Sentences {
			if err := checkSentence(s); err != nil {
				return fmt.Errorf("tilse: %s: %w", e.Date, err)
			}
		}
	}
	bw := bufio.NewWriter(w)
	for _, e := range merged {
		bw.WriteString(e.Date.String())
		bw.WriteByte('\n')
		for _, s := range e.Sentences {
			bw.WriteString(strings.TrimFunc(s, isPySpace))
			bw.WriteByte('\n')
		}
		bw.WriteString(Separator)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// checkSentence reports why s cannot be written as one sentence line.
func checkSentence(s string) error {
	trimmed := strings.TrimFunc(s, isPySpace)
	switch {
	case trimmed == "":
		return errors.New("blank sentence")
	case strings.ContainsAny(s, "\n"):
		return fmt.Errorf("sentence spans lines: %q", clip(s, 40))
	case isSeparator(trimmed):
		return fmt.Errorf("sentence %q would read as a dash line", trimmed)
	case looksLikeDate(trimmed):
		return fmt.Errorf("sentence %q would read as a date line", trimmed)
	}
	return nil
}

// isSeparator reports whether line is a dash line: three or more '-' only.
func isSeparator(line string) bool {
	return len(line) >= 3 && strings.Trim(line, "-") == ""
}

// looksLikeDate reports whether line has the shape NNNN-NN-NN.
func looksLikeDate(line string) bool {
	if len(line) != 10 || line[4] != '-' || line[7] != '-' {
		return false
	}
	for i := 0; i < len(line); i++ {
		if i == 4 || i == 7 {
			continue
		}
		if line[i] < '0' || line[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens s to at most n bytes for an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
