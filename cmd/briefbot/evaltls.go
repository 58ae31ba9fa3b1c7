package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/digest/tilse"
	"github.com/briefbot/briefbot/briefing/digest/tlseval"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/store/sqlite"
)

// evalTLS builds summary timelines for the Timeline17-style topics under a
// directory and scores them against the journalists' timelines.
func evalTLS(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval tls", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "write each summary timeline, tilse format, to OUTDIR/<topic>.txt")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("eval tls: %v", err)
	}
	if len(pos) != 1 {
		return usagef("eval tls takes one DIR of topics (folders with articles.json and timeline.txt), such as Timeline17; got %d arguments", len(pos))
	}
	results, unscored, err := runTLS(ctx, pos[0], *out)
	if err != nil {
		return err
	}
	return writeTLSReport(stdout, results, unscored)
}

// runTLS evaluates every topic under dir (or dir itself, if it is a
// topic), writing summaries to out when it is set. Scoring needs the stop
// words beside the topics (or one level up) and WordNet's exception
// lists; without them, and with out set, the summaries are still written
// and unscored says why they were not scored.
func runTLS(ctx context.Context, dir, out string) (results []tlseval.Result, unscored string, err error) {
	// "." names no topic and has no parent to look for the stop words in
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, "", fmt.Errorf("eval tls: %w", err)
	}
	topics, err := tlseval.Topics(dir)
	if err != nil {
		return nil, "", fmt.Errorf("eval tls: %w", err)
	}
	if len(topics) == 0 {
		return nil, "", fmt.Errorf("eval tls: no topics under %s: a topic is a folder holding %s and %s", dir, tlseval.ArticlesFile, tlseval.GoldFile)
	}
	scorer, err := tlseval.LoadScorer(dir)
	if err != nil {
		if up, upErr := tlseval.LoadScorer(filepath.Dir(filepath.Clean(dir))); upErr == nil {
			scorer, err = up, nil
		}
	}
	if err != nil {
		if out == "" {
			return nil, "", fmt.Errorf("eval tls: %w (with --out OUTDIR the summaries are written unscored)", err)
		}
		unscored = err.Error()
	}
	ex, err := extract.New()
	if err != nil {
		return nil, "", err
	}
	env := tlseval.Env{Extractor: ex, Scorer: scorer, OpenStore: tempStore}
	for _, t := range topics {
		r, err := tlseval.Run(ctx, env, t)
		if err != nil {
			return nil, "", fmt.Errorf("eval tls: %w", err)
		}
		if out != "" {
			if err := tlseval.WriteSummary(out, r); err != nil {
				return nil, "", fmt.Errorf("eval tls: %w", err)
			}
		}
		results = append(results, r)
	}
	return results, unscored, nil
}

// tempStore opens an empty SQLite store in a temporary directory that its
// done function removes.
func tempStore(ctx context.Context) (briefing.Store, func(), error) {
	dir, err := os.MkdirTemp("", "briefbot-eval-*")
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "eval.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}

// writeTLSReport prints the per-topic table and the mean row; when
// unscored is set the score columns show "-" and a line says why.
func writeTLSReport(w io.Writer, rs []tlseval.Result, unscored string) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "topic\tarticles\tdevelopments\tL\tk\tdate F1\talign R1\talign R2\tconcat R1\tconcat R2\tagree R1\tagree R2\tseconds\t")
	row := func(name string, arts, devs, l, k string, s tilse.Scores, secs string) {
		scores := []float64{s.Date.F, s.Align1.F, s.Align2.F, s.Concat1.F, s.Concat2.F, s.Agree1.F, s.Agree2.F}
		cells := make([]string, len(scores))
		for i, v := range scores {
			cells[i] = "-"
			if unscored == "" {
				cells[i] = fmt.Sprintf("%.4f", v)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, arts, devs, l, k, strings.Join(cells, "\t"), secs)
	}
	var total time.Duration
	for _, r := range rs {
		d := r.Ingest + r.Summarize
		total += d
		row(r.Topic, fmt.Sprint(r.Articles), fmt.Sprint(r.Developments), fmt.Sprint(r.L), fmt.Sprint(r.K), r.Scores, fmt.Sprintf("%.2f", d.Seconds()))
	}
	row(fmt.Sprintf("mean of %d", len(rs)), "", "", "", "", tlseval.Mean(rs), fmt.Sprintf("%.2f", total.Seconds()/float64(max(1, len(rs)))))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rs {
		if r.Skipped > 0 {
			fmt.Fprintf(&b, "%s: %d article(s) left out (no usable dct, or no text).\n", r.Topic, r.Skipped)
		}
	}
	if unscored != "" {
		fmt.Fprintf(&b, "\nNot scored: %s. The summaries are written; any tilse scorer can score them.\n", unscored)
	}
	b.WriteString("\nF1 of each measure; the mean row takes F from the mean precision and mean recall (as news-tls does).\n")
	b.WriteString("align = tilse's many-to-one date-content alignment ROUGE; seconds = ingest plus summary.\n")
	_, err := io.WriteString(w, b.String())
	return err
}
