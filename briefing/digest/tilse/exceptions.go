package tilse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Before Porter stemming a word, ROUGE-1.5.5 looks it up in a table of
// irregular forms built from WordNet's exception lists ("told" -> "tell",
// "children" -> "child", "worst" -> "bad") and, when it is there, counts the
// base form instead, unstemmed. The T17 calibration shows the original scorer
// had that table loaded: without it the mean concat ROUGE-1 is off by 0.005
// and some alignment scores by 0.002-0.003; with it every figure agrees to four
// decimals. ROUGE ships a table built from WordNet 2.0; this package reads the
// WordNet 3.0 lists, which agree on the words news text uses.
//
// The lists are WordNet's data, under WordNet's licence, so this repository
// does not carry them: LoadExceptions reads them at run time from a WordNet
// installation, by default the one Debian's wordnet-base package puts in
// DefaultWordNetDir, and Scorer.WithExceptions hands them to a Scorer.

// DefaultWordNetDir is where Debian's wordnet-base package installs the
// WordNet 3.0 database, exception lists included.
const DefaultWordNetDir = "/usr/share/wordnet"

// exceptionFiles are WordNet's exception lists in the order LoadExceptions
// reads them; when a form is in more than one, the last one read wins.
var exceptionFiles = []string{"adj.exc", "adv.exc", "noun.exc", "verb.exc"}

// Exceptions maps an irregular word form to the base form ROUGE-1.5.5 counts
// in its place ("told" -> "tell"). It holds only forms ROUGE can look up:
// four or more characters, all of them a-z or 0-9. Build one with
// LoadExceptions, or by hand for tests.
type Exceptions map[string]string

// LoadExceptions reads WordNet's exception lists adj.exc, adv.exc, noun.exc
// and verb.exc from dir (DefaultWordNetDir for Debian's wordnet-base) and
// builds from them the irregular-form table ROUGE-1.5.5 looks words up in.
// Each line of a list is "inflected base [base...]"; the first base is taken,
// and a later line for the same form replaces an earlier one, the lists being
// read in the order above. Forms ROUGE never looks up (three characters or
// fewer, or with characters other than a-z and 0-9) are left out. With these
// rules the Timeline17 calibration reproduces the original scorer.
//
// When none of the four files is in dir, the error says so; when only some
// are, it names the missing ones. Both wrap fs.ErrNotExist.
func LoadExceptions(dir string) (Exceptions, error) {
	if dir == "" {
		return nil, errors.New("tilse: no WordNet directory given for the exception lists")
	}
	var missing []string
	for _, name := range exceptionFiles {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, path)
		}
	}
	switch {
	case len(missing) == len(exceptionFiles):
		return nil, fmt.Errorf("tilse: no WordNet exception lists (%s) in %s: %w",
			strings.Join(exceptionFiles, ", "), dir, fs.ErrNotExist)
	case len(missing) == 1:
		return nil, fmt.Errorf("tilse: WordNet exception list %s is missing: %w", missing[0], fs.ErrNotExist)
	case len(missing) > 1:
		return nil, fmt.Errorf("tilse: WordNet exception lists %s are missing: %w",
			strings.Join(missing, ", "), fs.ErrNotExist)
	}
	table := make(Exceptions, 6000)
	for _, name := range exceptionFiles {
		if err := readExceptionList(filepath.Join(dir, name), table); err != nil {
			return nil, err
		}
	}
	return table, nil
}

// readExceptionList adds the lookup-able lines of one exception list to table.
func readExceptionList(path string, table Exceptions) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tilse: WordNet exception list: %w", err)
	}
	defer f.Close()
	if err := parseExceptionList(f, table); err != nil {
		return fmt.Errorf("tilse: WordNet exception list %s: %w", path, err)
	}
	return nil
}

// parseExceptionList reads "inflected base [base...]" lines into table,
// keeping the first base; blank lines are skipped and a line without a base
// is an error.
func parseExceptionList(r io.Reader, table Exceptions) error {
	sc := bufio.NewScanner(r)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 2 {
			return fmt.Errorf("line %d: want an inflected form and its base, got %q", lineNo, sc.Text())
		}
		if form := fields[0]; lookupable(form) {
			table[form] = fields[1]
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	return nil
}

// lookupable reports whether ROUGE can ever look form up: its words are runs
// of a-z and 0-9, and only those longer than three bytes are looked up.
func lookupable(form string) bool {
	if len(form) <= 3 {
		return false
	}
	for i := 0; i < len(form); i++ {
		if c := form[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
