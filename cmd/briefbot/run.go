package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/console"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/demo"
	"github.com/briefbot/briefbot/briefing/digest"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/briefing/feed/poll"
	"github.com/briefbot/briefbot/config"
	"github.com/briefbot/briefbot/store/sqlite"
)

const usage = `briefbot follows a developing news story and answers questions about its timeline.

Usage:
  briefbot [run]                 run the bot: the console, and Slack when its tokens are set (the default)
  briefbot ingest FILE|-         add an article: --published 2025-05-20 [--source NAME] [--url URL] [--title T]
  briefbot timeline QUERY        developments in date order [--page N]; or the dates that
                                 mattered most: --summary [--dates N] [--per-date K], which
                                 dates:N or lines:K in QUERY also ask for
  briefbot latest [N]            what the bot learned most recently
  briefbot sources [add URL|remove N|poll [N]]
                                 feeds followed (with their health) and where the articles came from;
                                 add: [--topic T] [--interval 10m] [--title T] [--full-text]
  briefbot backfill FILE.opml|URL...
                                 follow many feeds at once and poll each now, with a progress bar
  briefbot brief subscribe|list|unsubscribe|preview|now
                                 scheduled briefings: briefbot brief subscribe --channel slack:C0123
                                 ceasefire at 07:30 tz Europe/Kyiv weekdays; briefbot brief for more
  briefbot config                the effective configuration, secrets hidden
  briefbot synth --out DIR       write a synthetic news corpus [--articles N] [--words W] [--seed S]
  briefbot bench                 measure ingest and query speed [--articles N] [--words W] [--rounds N]
                                 [--workers N] [--events N] [--queries N] [--dir DIR]
  briefbot eval timex DIR        score the date finder on TimeML (.tml) files, TempEval-3 style [--docs] [--errors]
  briefbot eval tls DIR          score summary timelines on Timeline17-style topics [--out OUTDIR]
  briefbot timex find TEXT...|-  the dates and times in a text: --ref 2025-05-20 (default today)
  briefbot timex annotate IN OUT write TimeML with the dates found (a .tml file, or a directory)
  briefbot discord invite-url    the link that adds the bot to a Discord server [--app-id ID]
  briefbot help                  this text

Global flags (before or after the command):
  --config FILE   YAML configuration (default: none; BRIEFBOT_* variables also apply)
  --store PATH    SQLite file (default: briefbot.db in the working directory)
`

// app is everything a command needs, opened from the configuration.
type app struct {
	cfg       config.Config
	store     *sqlite.Store
	svc       *briefing.Service
	bot       *bot.Bot
	briefs    *brief.Service
	poller    *poll.Poller
	publisher *bot.Publisher // platforms register as they connect
	loc       *time.Location
	log       *slog.Logger
}

// run is main without the process: tests call it with their own streams.
func run(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	rest, globals, err := extractGlobals(args, "config", "store")
	if err != nil {
		return err
	}
	configPath, storePath := globals["config"], globals["store"]
	cmd := "run"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		_, err := io.WriteString(stdout, usage)
		return err
	case "synth":
		return cmdSynth(rest, stdout)
	case "discord":
		return cmdDiscord(rest, env, configPath, stdout)
	case "eval":
		return cmdEval(ctx, rest, stdout)
	case "timex":
		return cmdTimex(rest, stdin, stdout, stderr)
	}
	cfg, err := config.Load(configPath, env)
	if err != nil {
		return err
	}
	if storePath != "" {
		cfg.Store = storePath
	}
	if cmd == "config" {
		_, err := io.WriteString(stdout, cfg.Redacted())
		return err
	}
	switch cmd {
	case "run", "ingest", "timeline", "latest", "sources", "bench", "brief", "backfill":
	default:
		return usagef("unknown command %q", cmd)
	}
	if cmd == "bench" {
		return cmdBench(ctx, rest, stdout)
	}
	if cmd != "run" && cfg.Log.Level == "info" {
		// one-shot commands print their result; routine logs would be noise
		cfg.Log.Level = "warn"
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.store.Close()
	switch cmd {
	case "ingest":
		return a.cmdIngest(ctx, rest, stdin, stdout)
	case "timeline":
		return a.cmdTimeline(ctx, rest, stdout)
	case "latest":
		return a.cmdLatest(ctx, rest, stdout)
	case "sources":
		return a.cmdSources(ctx, rest, stdout)
	case "backfill":
		return a.cmdBackfill(ctx, rest, stdout)
	case "brief":
		return a.cmdBrief(ctx, rest, stdout)
	}
	return a.cmdRun(ctx, rest, stdin, stdout)
}

func openApp(ctx context.Context, cfg config.Config, stderr io.Writer) (*app, error) {
	level := cfg.Log.SlogLevel()
	var h slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	if cfg.Log.Format == "json" {
		h = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(h)
	loc, err := cfg.Location()
	if err != nil {
		return nil, err
	}
	path, err := cfg.StorePath()
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	ex, err := extract.New()
	if err != nil {
		st.Close()
		return nil, err
	}
	svc := briefing.NewService(st, ex, nil, log)
	a := &app{cfg: cfg, store: st, svc: svc, publisher: bot.NewPublisher(), loc: loc, log: log}
	a.briefs, err = newBriefs(cfg, st, svc, a.publisher, a)
	if err != nil {
		st.Close()
		return nil, err
	}
	if a.poller, err = a.newPoller(st); err != nil {
		st.Close()
		return nil, err
	}
	a.bot = bot.New(svc, bot.Options{PageSize: cfg.PageSize, Location: loc, Log: log, Briefs: a.briefs, Feeds: a.poller})
	return a, nil
}

func (a *app) cmdRun(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 {
		return usagef("run takes no arguments, got %q", strings.Join(args, " "))
	}
	if a.cfg.Demo {
		n, err := demo.LoadIfEmpty(ctx, a.svc)
		if err != nil {
			return err
		}
		if n > 0 {
			a.log.Info("empty store: loaded the demo timeline", "developments", n)
		}
	}
	if err := a.syncConfigSubscriptions(ctx); err != nil {
		return err
	}
	if err := a.syncConfigFeeds(ctx); err != nil {
		return err
	}
	return a.serve(ctx, stdin, stdout)
}

func (a *app) cmdIngest(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	published := fs.String("published", "", "publication date (2025-05-20 or RFC 3339)")
	source := fs.String("source", "", "source name")
	url := fs.String("url", "", "article URL")
	title := fs.String("title", "", "article title")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("ingest: %v", err)
	}
	if len(pos) != 1 {
		return usagef("ingest takes one FILE (or - for standard input), got %d", len(pos))
	}
	if *published == "" {
		return usagef("ingest needs --published DATE, the article's publication date (relative dates such as \"on Tuesday\" are resolved against it)")
	}
	pub, err := bot.ParsePublished(*published, a.loc)
	if err != nil {
		return usagef("--published: %v", err)
	}
	if *url != "" && !strings.HasPrefix(*url, "http://") && !strings.HasPrefix(*url, "https://") {
		return usagef("--url %q: want an http:// or https:// address", *url)
	}
	text, err := readArticle(pos[0], stdin)
	if err != nil {
		return err
	}
	src := *source
	if src == "" && *url == "" && pos[0] != "-" {
		src = strings.TrimSuffix(baseName(pos[0]), ".txt")
	}
	rep, err := a.svc.Ingest(ctx, briefing.ArticleInput{Text: text, Source: src, Via: "cli", URL: *url, Title: *title, Published: pub})
	if err != nil {
		if errors.Is(err, briefing.ErrBadArticle) {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		return err
	}
	_, err = io.WriteString(stdout, console.Render(bot.IngestReply(rep)))
	return err
}

// readArticle reads FILE or standard input, refusing more than the article
// limit without reading the rest into memory.
func readArticle(name string, stdin io.Reader) (string, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", fmt.Errorf("ingest: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return "", fmt.Errorf("ingest: %s is a directory, not an article", name)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, briefing.MaxArticleBytes+1))
	if err != nil {
		return "", fmt.Errorf("ingest: read %s: %w", name, err)
	}
	if len(data) > briefing.MaxArticleBytes {
		return "", fmt.Errorf("ingest: %s: %w: the text is over %d MiB, the limit per article; split it into articles", name, briefing.ErrBadArticle, briefing.MaxArticleBytes>>20)
	}
	return string(data), nil
}

func (a *app) cmdTimeline(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("timeline", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	page := fs.Int("page", 1, "page number")
	summary := fs.Bool("summary", false, "the dates that mattered most instead of every development")
	dates := fs.Int("dates", 0, "with --summary: how many dates")
	perDate := fs.Int("per-date", 0, "with --summary: lines per date")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("timeline: %v", err)
	}
	if *page < 1 || *page > 1_000_000 {
		return usagef("--page must be from 1 to 1000000")
	}
	if len(pos) == 0 {
		return usagef("timeline needs a QUERY, for example: briefbot timeline ceasefire")
	}
	if *dates < 0 || *dates > digest.MaxDates || *perDate < 0 || *perDate > digest.MaxPerDate {
		return usagef("--dates must be from 1 to %d and --per-date from 1 to %d", digest.MaxDates, digest.MaxPerDate)
	}
	q, err := briefing.ParseQuery(strings.Join(pos, " "))
	if err != nil {
		return err
	}
	q.Limit = a.cfg.PageSize
	// dates:N and lines:K ask for a summary, as in chat; dates:all for
	// the list
	if q.Dates > 0 || (q.Lines > 0 && q.Dates != briefing.AllDates) {
		*summary = true
	}
	if !*summary && (*dates != 0 || *perDate != 0) {
		return usagef("--dates and --per-date shape a summary; add --summary")
	}
	// what lists every development: the query without its summary
	// options, and without --summary
	list := strings.TrimSuffix(briefing.ShowAllText(q.Text), " dates:all")
	listCmd, how := "briefbot timeline "+shellQuote(list), ""
	if len(list) > briefing.MaxQueryLen {
		listCmd, how = "briefbot timeline QUERY", " without --summary, dates: or lines:"
	}
	if *summary {
		if *page != 1 {
			return usagef("a summary is one page; %s --page %d pages the list of every development (no --summary, dates:N or lines:K; dates:all also asks for the list)", listCmd, *page)
		}
		q.Dates = cmp.Or(*dates, q.Dates)
		if q.Dates == briefing.AllDates {
			q.Dates = 0
		}
		q.Lines = cmp.Or(*perDate, q.Lines)
		r := a.bot.Summary(ctx, "cli", q)
		if r.Error {
			return errors.New(strings.TrimSuffix(r.Text, "."))
		}
		// there is no /more here
		if r.Next != nil {
			r.Footer = strings.Replace(r.Footer, "/more or /timeline "+r.Next.Query+" lists", listCmd+how+" lists", 1)
		}
		r.Footer = strings.Replace(r.Footer, "/more lists", listCmd+how+" lists", 1)
		_, err = io.WriteString(stdout, console.Render(r))
		return err
	}
	if q.Dates == 0 {
		// scripts read every development; --summary asks for the digest
		q.Dates = briefing.AllDates
	}
	q.Offset = (*page - 1) * q.Limit
	r := a.bot.Page(ctx, "cli", q)
	if r.Error {
		// the message goes to stderr with the exit status, like every error
		return errors.New(strings.TrimSuffix(r.Text, "."))
	}
	if r.Footer != "" && strings.Contains(r.Footer, "/more") {
		r.Footer = strings.Replace(r.Footer, "/more", fmt.Sprintf("--page %d", *page+1), 1)
	}
	_, err = io.WriteString(stdout, console.Render(r))
	return err
}

func (a *app) cmdLatest(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 1 {
		return usagef("latest takes at most one number")
	}
	n := ""
	if len(args) == 1 {
		if v, err := strconv.Atoi(args[0]); err != nil || v < 1 || v > briefing.MaxPageSize {
			return usagef("latest takes a number from 1 to %d, got %q", briefing.MaxPageSize, args[0])
		}
		n = args[0]
	}
	r := a.bot.Latest(ctx, n)
	if r.Error {
		return errors.New(strings.TrimSuffix(r.Text, "."))
	}
	_, err := io.WriteString(stdout, console.Render(r))
	return err
}

// extractGlobals takes the global flags (--name VALUE or --name=VALUE, one
// or two dashes) out of args wherever they stand, so that they may come
// before or after the command; the rest is returned in order. "--" ends
// the search.
func extractGlobals(args []string, names ...string) (rest []string, vals map[string]string, err error) {
	vals = map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i:]...), vals, nil
		}
		matched := false
		for _, n := range names {
			for _, p := range []string{"--" + n, "-" + n} {
				if a == p {
					if i+1 >= len(args) {
						return nil, nil, usagef("flag %s needs a value", a)
					}
					vals[n] = args[i+1]
					i++
					matched = true
				} else if v, ok := strings.CutPrefix(a, p+"="); ok {
					vals[n] = v
					matched = true
				}
			}
		}
		if !matched {
			rest = append(rest, a)
		}
	}
	return rest, vals, nil
}

// parseInterleaved parses flags that may come before, between or after
// positional arguments; "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/@+=", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
