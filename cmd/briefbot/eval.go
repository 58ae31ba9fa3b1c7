package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/timex"
	"github.com/briefbot/briefbot/briefing/timex/tempeval"
)

// evaluations names what "briefbot eval" can measure.
const evaluations = "timex, tls"

// cmdEval runs an offline evaluation against an annotated corpus. It needs
// no store.
func cmdEval(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usagef("eval needs to know what to evaluate: %s (for example: briefbot eval timex DIR)", evaluations)
	}
	switch args[0] {
	case "timex":
		return evalTimex(args[1:], stdout)
	case "tls":
		return evalTLS(ctx, args[1:], stdout)
	}
	return usagef("eval: unknown evaluation %q; known: %s", args[0], evaluations)
}

// evalTimex scores the temporal expression normaliser on the TimeML files
// under a directory, TempEval-3 style.
func evalTimex(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval timex", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	docs := fs.Bool("docs", false, "add a table of scores per document")
	errs := fs.Bool("errors", false, "list every missed, spurious, wrong-span and wrong-value expression")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("eval timex: %v", err)
	}
	if len(pos) != 1 {
		return usagef("eval timex takes one DIR of TimeML (.tml) files, such as the TempEval-3 corpus; got %d arguments", len(pos))
	}
	dir := pos[0]
	files, err := tmlFiles(dir)
	if err != nil {
		return fmt.Errorf("eval timex: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("eval timex: no TimeML (.tml) files under %s", dir)
	}
	total, res, err := tempeval.Evaluate(timex.New(), dir)
	if err != nil {
		return fmt.Errorf("eval timex: %w", err)
	}
	if err := tempeval.WriteReport(stdout, total, len(res)); err != nil {
		return err
	}
	if *docs {
		if err := writeDocTable(stdout, dir, res); err != nil {
			return err
		}
	}
	if *errs {
		return writeErrors(stdout, dir, res)
	}
	return nil
}

// tmlFiles lists the .tml files under root (root itself if it is one), the
// way tempeval.Files does but with an empty list instead of an error.
func tmlFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".tml") {
			files = append(files, path)
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// relName is a result's file name relative to the evaluated directory.
func relName(dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == "." {
		return filepath.Base(path)
	}
	return rel
}

func writeDocTable(w io.Writer, dir string, res []tempeval.DocResult) error {
	width := len("document")
	for _, r := range res {
		width = max(width, len(relName(dir, r.Path)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-*s  %5s  %6s  %9s  %10s  %8s\n", width, "document", "gold", "system", "strict F1", "relaxed F1", "value F1")
	for _, r := range res {
		c := r.Count
		fmt.Fprintf(&b, "%-*s  %5d  %6d  %9s  %10s  %8s\n", width, relName(dir, r.Path), c.Gold, c.System,
			f1(c, c.Strict()), f1(c, c.Relaxed()), f1(c, c.Value()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// f1 formats an F1 score; a document with nothing to find and nothing found
// has none.
func f1(c tempeval.Counts, p tempeval.PRF) string {
	if c.Gold == 0 && c.System == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", p.F)
}

// timexError is one line of the --errors listing.
type timexError struct {
	kind      string // missed, spurious, span, value, span+value
	doc       string
	dct       time.Time
	gold, sys *tempeval.Timex
	context   string
}

func writeErrors(w io.Writer, dir string, res []tempeval.DocResult) error {
	var list []timexError
	counts := map[string]int{}
	for _, r := range res {
		for _, p := range r.Pairs {
			kind := errorKind(p)
			if kind == "" {
				continue
			}
			s, e := span(p)
			list = append(list, timexError{kind: kind, doc: relName(dir, r.Path), dct: r.Doc.DCT, gold: p.Gold, sys: p.Sys, context: snippet(r.Doc.Text, s, e)})
			counts[kind]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d errors: %d missed, %d spurious, %d wrong span, %d wrong value, %d both\n", len(list),
		counts["missed"], counts["spurious"], counts["span"], counts["value"], counts["span+value"])
	for _, e := range list {
		fmt.Fprintf(&b, "%-10s  %s  DCT %s  gold %s  system %s  | %s\n", e.kind, e.doc, e.dct.Format("2006-01-02"), describe(e.gold), describe(e.sys), e.context)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// errorKind classifies a gold-system pair; "" means it is right.
func errorKind(p tempeval.Pair) string {
	switch {
	case p.Sys == nil:
		return "missed"
	case p.Gold == nil:
		return "spurious"
	}
	badSpan := p.Gold.Start != p.Sys.Start || p.Gold.End != p.Sys.End
	badValue := p.Gold.Value != p.Sys.Value
	switch {
	case badSpan && badValue:
		return "span+value"
	case badSpan:
		return "span"
	case badValue:
		return "value"
	}
	return ""
}

// span is the text covered by a pair, both expressions together.
func span(p tempeval.Pair) (int, int) {
	switch {
	case p.Gold == nil:
		return p.Sys.Start, p.Sys.End
	case p.Sys == nil:
		return p.Gold.Start, p.Gold.End
	}
	return min(p.Gold.Start, p.Sys.Start), max(p.Gold.End, p.Sys.End)
}

// describe renders an expression as its text, type, value and mod, with "-"
// for an empty attribute, or "none".
func describe(t *tempeval.Timex) string {
	if t == nil {
		return "none"
	}
	return fmt.Sprintf("%q %s %s %s", t.Text, dash(t.Type), dash(t.Value), dash(t.Mod))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// contextRunes is how much text context shows on each side of an
// expression, about 60 characters in all.
const contextRunes = 30

// snippet returns the text around [s, e) on one line, the expression in
// brackets: "...the talks [last Friday] in Geneva...".
func snippet(text string, s, e int) string {
	s, e = max(0, min(s, len(text))), max(0, min(e, len(text)))
	e = max(e, s)
	lo := s
	for n := 0; n < contextRunes && lo > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:lo])
		lo -= size
	}
	hi := e
	for n := 0; n < contextRunes && hi < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[hi:])
		hi += size
	}
	var b strings.Builder
	if lo > 0 {
		b.WriteString("...")
	}
	b.WriteString(text[lo:s])
	b.WriteByte('[')
	b.WriteString(text[s:e])
	b.WriteByte(']')
	b.WriteString(text[e:hi])
	if hi < len(text) {
		b.WriteString("...")
	}
	return strings.TrimSpace(oneLine.Replace(b.String()))
}

var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

// cmdTimex runs the normaliser on its own: "timex find" prints what it finds
// in a text, "timex annotate" writes TimeML system output.
func cmdTimex(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("timex needs a subcommand: find or annotate")
	}
	switch args[0] {
	case "find":
		return timexFind(args[1:], stdin, stdout, stderr)
	case "annotate":
		return timexAnnotate(args[1:], stdout)
	}
	return usagef("timex: unknown subcommand %q; known: find, annotate", args[0])
}

// timexFind prints each temporal expression in the text of its arguments,
// or of standard input, one per line.
func timexFind(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("timex find", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	refFlag := fs.String("ref", "", "reference (publication) date that relative expressions are resolved against; default today")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("timex find: %v", err)
	}
	ref := time.Now()
	if *refFlag != "" {
		if ref, err = bot.ParsePublished(*refFlag, time.UTC); err != nil {
			return usagef("timex find: --ref %q: want a date like 2025-05-20 or 2025-05-20T14:30:00Z", *refFlag)
		}
	}
	var text string
	if len(pos) == 0 || len(pos) == 1 && pos[0] == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, briefing.MaxArticleBytes+1))
		if err != nil {
			return fmt.Errorf("timex find: read standard input: %w", err)
		}
		if len(data) > briefing.MaxArticleBytes {
			return fmt.Errorf("timex find: the input is over %d MiB", briefing.MaxArticleBytes>>20)
		}
		text = string(data)
	} else {
		text = strings.Join(pos, " ")
	}
	exprs := timex.New().Find(text, ref)
	if len(exprs) == 0 {
		_, err := fmt.Fprintln(stderr, "no temporal expressions found")
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, e := range exprs {
		interval := ""
		if !e.Date.IsZero() {
			interval = fmt.Sprintf("%s..%s (%s)", e.Date.Lo, e.Date.Hi, e.Date)
		}
		fmt.Fprintf(tw, "%q\t%s\t%s\t%s\t%s\n", e.Text, e.Type, dash(e.Value), dash(e.Mod), interval)
	}
	return tw.Flush()
}

// annotateJob is one document to annotate.
type annotateJob struct {
	in, out string
	doc     *tempeval.Doc
}

// timexAnnotate writes TimeML system output: IN with its TIMEX3 tags
// replaced by what the normaliser finds, for one file or a whole directory.
func timexAnnotate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("timex annotate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("timex annotate: %v", err)
	}
	if len(pos) != 2 {
		return usagef("timex annotate takes IN OUT: a .tml file and the file to write, or a directory of them and the directory to write to")
	}
	in, out := pos[0], pos[1]
	st, err := os.Stat(in)
	if err != nil {
		return fmt.Errorf("timex annotate: %w", err)
	}
	var jobs []annotateJob
	if st.IsDir() {
		if ost, err := os.Stat(out); err == nil {
			if !ost.IsDir() {
				return usagef("timex annotate: %s is a directory, so %s must be one too", in, out)
			}
			if os.SameFile(st, ost) {
				return usagef("timex annotate: refusing to write into the input directory %s; give another OUT directory", in)
			}
		}
		files, err := tmlFiles(in)
		if err != nil {
			return fmt.Errorf("timex annotate: %w", err)
		}
		if len(files) == 0 {
			return fmt.Errorf("timex annotate: no TimeML (.tml) files under %s", in)
		}
		for _, f := range files {
			jobs = append(jobs, annotateJob{in: f, out: filepath.Join(out, relName(in, f))})
		}
	} else {
		dst := out
		if ost, err := os.Stat(out); err == nil && ost.IsDir() {
			dst = filepath.Join(out, filepath.Base(in))
		}
		jobs = []annotateJob{{in: in, out: dst}}
	}
	inputs := map[string]bool{}
	for _, j := range jobs {
		inputs[absPath(j.in)] = true
	}
	for _, j := range jobs {
		if inputs[absPath(j.out)] || sameFile(j.in, j.out) {
			return usagef("timex annotate: refusing to overwrite the input %s; give another OUT", j.out)
		}
	}

	// read everything first, so a bad file stops the run before any output
	var bad []string
	for i := range jobs {
		j := &jobs[i]
		raw, err := os.ReadFile(j.in)
		if err != nil {
			bad = append(bad, err.Error()) // names the file
			continue
		}
		if j.doc, err = tempeval.Read(raw); err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", j.in, err))
		}
	}
	if len(bad) > 0 {
		const show = 10
		msg := fmt.Sprintf("timex annotate: %d of %d files could not be read; nothing written:\n  %s", len(bad), len(jobs), strings.Join(bad[:min(len(bad), show)], "\n  "))
		if len(bad) > show {
			msg += fmt.Sprintf("\n  ... and %d more", len(bad)-show)
		}
		return errors.New(msg)
	}

	n := timex.New()
	found, written := 0, 0
	for _, j := range jobs {
		sys := tempeval.Find(n, j.doc)
		data := j.doc.Annotate(sys)
		back, err := tempeval.Read(data)
		if err != nil {
			// Annotate promises well-formed output; this is a bug, not bad input
			return fmt.Errorf("timex annotate: %s: the annotated document does not read back: %w", j.in, err)
		}
		found += len(sys)
		written += len(back.Gold)
		if err := os.MkdirAll(filepath.Dir(j.out), 0o755); err != nil {
			return fmt.Errorf("timex annotate: %w", err)
		}
		if err := writeFileAtomic(j.out, data); err != nil {
			return fmt.Errorf("timex annotate: %w", err)
		}
	}
	docs := "documents"
	if len(jobs) == 1 {
		docs = "document"
	}
	msg := fmt.Sprintf("annotated %d %s: %d temporal expressions written to %s\n", len(jobs), docs, written, out)
	if written < found {
		msg += fmt.Sprintf("(%d of the %d found were left out: widened to enclose other markup, they ran into the expression before)\n", found-written, found)
	}
	_, err = io.WriteString(stdout, msg)
	return err
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// sameFile reports whether a and b name one existing file, links included.
func sameFile(a, b string) bool {
	as, err := os.Stat(a)
	if err != nil {
		return false
	}
	bs, err := os.Stat(b)
	return err == nil && os.SameFile(as, bs)
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, renamed into place, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
