package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/briefing/timex/tempeval"
)

// timemlDir holds two small TimeML documents written for these tests: six
// gold expressions, one date left unmarked on purpose (a spurious match for
// any date finder) and a DCT with a time of day in the second.
const timemlDir = "testdata/timeml"

var (
	reportHead = regexp.MustCompile(`(?m)^documents 2, gold expressions 6, system expressions (\d+)$`)
	prfLine    = `P +\d+\.\d\d  R +\d+\.\d\d  F1 +\d+\.\d\d`
	reportPRF  = regexp.MustCompile(`(?m)^strict span   ` + prfLine + `\nrelaxed span  ` + prfLine + `\nvalue         ` + prfLine + `\ntype          ` + prfLine + `\nof the \d+ relaxed matches: type accuracy \d+\.\d\d, value accuracy \d+\.\d\d, mod accuracy \d+\.\d\d$`)
	docRow     = regexp.MustCompile(`(?m)^(\S+) +(\d+) +(\d+) +(\d+\.\d\d|-) +(\d+\.\d\d|-) +(\d+\.\d\d|-)$`)
	errorsHead = regexp.MustCompile(`(?m)^(\d+) errors: (\d+) missed, (\d+) spurious, (\d+) wrong span, (\d+) wrong value, (\d+) both$`)
	timexDesc  = `(?:none|".*" [A-Z]+ \S+ \S+)`
	errorLine  = regexp.MustCompile(`^(missed|spurious|span|value|span\+value) +(\S+\.tml)  DCT (\d{4}-\d\d-\d\d)  gold ` + timexDesc + `  system ` + timexDesc + `  \| .*\[.*\].*$`)
)

func TestEvalTimex(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, dir, "eval", "timex", timemlDir)
	m := reportHead.FindStringSubmatch(out)
	if m == nil || !reportPRF.MatchString(out) {
		t.Fatalf("report does not have the expected lines:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Errorf("the normaliser found nothing in the test documents:\n%s", out)
	}
	if docRow.MatchString(out) || errorsHead.MatchString(out) {
		t.Errorf("per-document table or error list without --docs/--errors:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "briefbot.db")); err == nil {
		t.Errorf("eval opened the store")
	}

	t.Run("docs", func(t *testing.T) {
		// flags may come before or after DIR
		for _, args := range [][]string{{"eval", "timex", "--docs", timemlDir}, {"eval", "timex", timemlDir, "--docs"}} {
			out := mustRun(t, dir, args...)
			if !strings.HasPrefix(out, m[0]) {
				t.Errorf("%q: report changed with --docs:\n%s", args, out)
			}
			if !regexp.MustCompile(`(?m)^document +gold  system  strict F1  relaxed F1  value F1$`).MatchString(out) {
				t.Errorf("%q: no table header:\n%s", args, out)
			}
			rows := docRow.FindAllStringSubmatch(out, -1)
			want := []string{"geneva.tml", filepath.Join("wire", "budget.tml")}
			if len(rows) != len(want) {
				t.Fatalf("%q: %d table rows, want %d:\n%s", args, len(rows), len(want), out)
			}
			for i, r := range rows {
				if r[1] != want[i] || r[2] != "3" {
					t.Errorf("row %d = %q, want %s with 3 gold expressions", i, r[0], want[i])
				}
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		out := mustRun(t, dir, "eval", "timex", timemlDir, "--errors")
		if !strings.HasPrefix(out, m[0]) {
			t.Errorf("report changed with --errors:\n%s", out)
		}
		h := errorsHead.FindStringSubmatchIndex(out)
		if h == nil {
			t.Fatalf("no error summary:\n%s", out)
		}
		n, _ := strconv.Atoi(out[h[2]:h[3]])
		lines := strings.Split(strings.TrimSuffix(out[h[1]:], "\n"), "\n")[1:]
		if len(lines) != n {
			t.Fatalf("summary counts %d errors, %d listed:\n%s", n, len(lines), out)
		}
		spurious := false
		for _, l := range lines {
			em := errorLine.FindStringSubmatch(l)
			if em == nil {
				t.Errorf("error line has an unexpected shape:\n%s", l)
				continue
			}
			if strings.Contains(l, "geneva.tml") && em[3] != "2025-05-20" || strings.Contains(l, "budget.tml") && em[3] != "1998-02-27" {
				t.Errorf("wrong DCT in %s", l)
			}
			if em[1] == "spurious" && strings.Contains(l, `gold none  system "May 16, 2025" DATE 2025-05-16`) &&
				strings.Contains(l, "A memo dated [May 16, 2025] was released") {
				spurious = true
			}
		}
		if !spurious {
			t.Errorf("the unmarked date \"May 16, 2025\" is not listed as spurious:\n%s", out)
		}
	})
}

func TestEvalAndTimexUsage(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(filepath.Join(empty, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("not TimeML"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "cut.tml"), []byte("<TimeML><DCT>"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{"eval alone", []string{"eval"}, 2, []string{"timex, tls"}},
		{"unknown evaluation", []string{"eval", "frobnicate"}, 2, []string{`"frobnicate"`, "known: timex, tls"}},
		{"flag instead of evaluation", []string{"eval", "--docs"}, 2, []string{"timex"}},
		{"no DIR", []string{"eval", "timex"}, 2, []string{"DIR"}},
		{"two DIRs", []string{"eval", "timex", timemlDir, timemlDir}, 2, []string{"one DIR"}},
		{"unknown flag", []string{"eval", "timex", timemlDir, "--colour"}, 2, []string{"colour"}},
		{"DIR without .tml files", []string{"eval", "timex", empty}, 1, []string{"no TimeML (.tml) files under " + empty}},
		{"missing DIR", []string{"eval", "timex", filepath.Join(dir, "nope")}, 1, []string{"no such file"}},
		{"malformed document", []string{"eval", "timex", broken}, 1, []string{"cut.tml", "not a TimeML document"}},
		{"timex alone", []string{"timex"}, 2, []string{"find or annotate"}},
		{"unknown timex subcommand", []string{"timex", "normalise"}, 2, []string{`"normalise"`, "find, annotate"}},
		{"annotate with one path", []string{"timex", "annotate", "a.tml"}, 2, []string{"IN OUT"}},
		{"annotate a missing file", []string{"timex", "annotate", filepath.Join(dir, "nope.tml"), filepath.Join(dir, "out.tml")}, 1, []string{"nope.tml", "no such file"}},
		{"annotate an empty directory", []string{"timex", "annotate", empty, filepath.Join(dir, "out")}, 1, []string{"no TimeML (.tml) files"}},
		{"annotate a directory into a file", []string{"timex", "annotate", timemlDir, filepath.Join(empty, "notes.txt")}, 2, []string{"must be one too"}},
		{"find with a bad --ref", []string{"timex", "find", "--ref", "20 May", "on Friday"}, 2, []string{"--ref", "2025-05-20"}},
		{"find with an unknown flag", []string{"timex", "find", "--published", "2025-05-20", "on Friday"}, 2, []string{"published"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := briefbot(t, dir, "", tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d (%v)", r.code, tt.wantCode, r.err)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(r.errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
				}
			}
			if tt.wantCode == 2 && !strings.Contains(r.errOut, "briefbot help") {
				t.Errorf("a usage error should point at the help:\n%s", r.errOut)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "briefbot.db")); err == nil {
		t.Errorf("eval or timex opened the store")
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Errorf("annotating an empty directory created the output directory")
	}
}

// readTimeML reads a TimeML file or fails the test.
func readTimeML(t *testing.T, path string) *tempeval.Doc {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := tempeval.Read(raw)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

// sameAnnotation checks that out is in annotated with system expressions:
// the same text and DCT.
func sameAnnotation(t *testing.T, in, out string) {
	t.Helper()
	a, b := readTimeML(t, in), readTimeML(t, out)
	if a.Text != b.Text || !a.DCT.Equal(b.DCT) || a.ID != b.ID {
		t.Errorf("%s is not %s annotated: id %q/%q, DCT %v/%v, same text %v", out, in, a.ID, b.ID, a.DCT, b.DCT, a.Text == b.Text)
	}
	if len(b.Gold) == 0 {
		t.Errorf("%s has no TIMEX3 tags in its text", out)
	}
}

// listFiles returns the files under dir, relative to it.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTimexAnnotate(t *testing.T) {
	dir := t.TempDir()
	geneva := filepath.Join(timemlDir, "geneva.tml")

	t.Run("file", func(t *testing.T) {
		out := filepath.Join(dir, "file", "geneva-sys.tml")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		msg := mustRun(t, dir, "timex", "annotate", geneva, out)
		if !strings.Contains(msg, "annotated 1 document:") {
			t.Errorf("summary: %s", msg)
		}
		sameAnnotation(t, geneva, out)
		if got := listFiles(t, filepath.Dir(out)); len(got) != 1 {
			t.Errorf("files left next to the output: %q", got)
		}
		// an existing directory as OUT takes the input's name
		mustRun(t, dir, "timex", "annotate", geneva, filepath.Dir(out))
		sameAnnotation(t, geneva, filepath.Join(filepath.Dir(out), "geneva.tml"))
	})

	t.Run("directory", func(t *testing.T) {
		out := filepath.Join(dir, "dir", "system") // created, parents too
		msg := mustRun(t, dir, "timex", "annotate", timemlDir, out)
		if !strings.Contains(msg, "annotated 2 documents:") {
			t.Errorf("summary: %s", msg)
		}
		got := listFiles(t, out)
		want := []string{"geneva.tml", filepath.Join("wire", "budget.tml")}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("wrote %q, want %q", got, want)
		}
		for _, f := range want {
			sameAnnotation(t, filepath.Join(timemlDir, f), filepath.Join(out, f))
		}
		// running again replaces the files
		mustRun(t, dir, "timex", "annotate", timemlDir, out)
		if got := listFiles(t, out); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("second run left %q", got)
		}
		// the annotated directory scores like any system output: every
		// gold expression of the output is the system's
		ev := mustRun(t, dir, "eval", "timex", out)
		if !strings.Contains(ev, "strict span   P 100.00  R 100.00  F1 100.00") {
			t.Errorf("the normaliser does not agree with its own annotation:\n%s", ev)
		}
	})

	t.Run("refuses to overwrite the input", func(t *testing.T) {
		in := filepath.Join(dir, "in", "geneva.tml")
		copyFile(t, geneva, in)
		orig, _ := os.ReadFile(in)
		for _, args := range [][]string{
			{in, in},
			{in, filepath.Join(dir, "in", ".", "geneva.tml")},
			{in, filepath.Join(dir, "in")}, // into its own directory, same name
			{filepath.Join(dir, "in"), filepath.Join(dir, "in")},
			{filepath.Join(dir, "in"), filepath.Join(dir, "in", "..", "in")},
		} {
			r := briefbot(t, dir, "", append([]string{"timex", "annotate"}, args...)...)
			if r.code != 2 || !strings.Contains(r.errOut, "refusing to") {
				t.Errorf("annotate %q: exit %d, want 2 and a refusal:\n%s", args, r.code, r.errOut)
			}
		}
		if now, _ := os.ReadFile(in); !bytes.Equal(now, orig) {
			t.Errorf("the input was changed")
		}
		if got := listFiles(t, filepath.Join(dir, "in")); len(got) != 1 {
			t.Errorf("files written next to the input: %q", got)
		}
	})

	t.Run("malformed input", func(t *testing.T) {
		in := filepath.Join(dir, "mixed")
		copyFile(t, geneva, filepath.Join(in, "a-good.tml"))
		if err := os.WriteFile(filepath.Join(in, "b-bad.tml"), []byte("<TimeML><TEXT>no creation time</TEXT></TimeML>"), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "mixed-out")
		r := briefbot(t, dir, "", "timex", "annotate", in, out)
		if r.code != 1 || !strings.Contains(r.errOut, "b-bad.tml") || !strings.Contains(r.errOut, "no <DCT>") || !strings.Contains(r.errOut, "nothing written") {
			t.Errorf("exit %d, want 1 and the bad file named:\n%s", r.code, r.errOut)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("output written despite a bad input")
		}
		r = briefbot(t, dir, "", "timex", "annotate", filepath.Join(in, "b-bad.tml"), filepath.Join(dir, "one.tml"))
		if r.code != 1 || !strings.Contains(r.errOut, "b-bad.tml") {
			t.Errorf("single bad file: exit %d:\n%s", r.code, r.errOut)
		}
	})
}

func TestTimexFind(t *testing.T) {
	dir := t.TempDir()
	const sentence = "The talks were held on May 16."
	line := regexp.MustCompile(`(?m)^"May 16" +DATE +2025-05-16 +- +2025-05-16\.\.2025-05-16 \(16 May 2025\)$`)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"argument", "", []string{"timex", "find", "--ref", "2025-05-20", sentence}},
		{"words", "", append([]string{"timex", "find"}, append(strings.Fields(sentence), "--ref", "2025-05-20")...)},
		{"stdin", sentence + "\n", []string{"timex", "find", "--ref", "2025-05-20"}},
		{"dash", sentence, []string{"timex", "find", "--ref=2025-05-20T09:30:00Z", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := briefbot(t, dir, tc.stdin, tc.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %v\n%s", r.code, r.err, r.errOut)
			}
			if !line.MatchString(r.out) {
				t.Errorf("output lacks the May 16 line:\n%s", r.out)
			}
		})
	}
	r := briefbot(t, dir, "", "timex", "find", "--ref", "2025-05-20", "Nothing", "dated", "here.")
	if r.code != 0 || r.out != "" || !strings.Contains(r.errOut, "no temporal expressions") {
		t.Errorf("undated text: exit %d, out %q, err %q", r.code, r.out, r.errOut)
	}
	// one line per expression, in text order
	out := mustRun(t, dir, "timex", "find", "--ref", "2025-05-20", "Talks began on May 16 and lasted three days.")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `"May 16"`) || !strings.Contains(lines[1], "DURATION") {
		t.Errorf("two expressions, one per line:\n%s", out)
	}
}
