package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/briefbot/briefbot/briefing/synth"
)

// cmdSynth writes a synthetic corpus: N article files plus index.tsv
// (file, publication date) for "briefbot ingest" or benchmarks.
func cmdSynth(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "directory to write the corpus to")
	n := fs.Int("articles", 100, "number of articles")
	words := fs.Int("words", 600, "words per article")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same corpus")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("synth: %v", err)
	}
	if len(pos) > 0 || *out == "" {
		return usagef("synth needs --out DIR and no other arguments")
	}
	if *n < 1 || *n > 1_000_000 || *words < 10 || *words > 100_000 {
		return usagef("synth: --articles must be 1..1000000 and --words 10..100000")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	idx, err := os.Create(filepath.Join(*out, "index.tsv"))
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	defer idx.Close()
	g := synth.New(*seed, 50_000)
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < *n; i++ {
		a := g.Article(start.Add(time.Duration(i)*7*time.Hour), *words)
		name := fmt.Sprintf("article-%06d.txt", i+1)
		if err := os.WriteFile(filepath.Join(*out, name), []byte(a.Text+"\n"), 0o644); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		if _, err := fmt.Fprintf(idx, "%s\t%s\t%s\n", name, a.Published.Format(time.RFC3339), a.Title); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "wrote %d articles of about %d words to %s (index.tsv lists their publication dates)\n", *n, *words, *out)
	return err
}
