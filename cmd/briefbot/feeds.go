package main

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/feed/fetch"
	"github.com/briefbot/briefbot/briefing/feed/poll"
	"github.com/briefbot/briefbot/config"
)

// newPoller wires feed polling: a fetcher with the SSRF guard (unless the
// operator allows private addresses) and the poller over the store.
func (a *app) newPoller(st briefing.FeedStore) (*poll.Poller, error) {
	interval, err := config.PollInterval(a.cfg.Feeds.Interval, 10*time.Minute)
	if err != nil {
		return nil, fmt.Errorf("feeds.interval: %w", err)
	}
	f := fetch.New(fetch.Config{UserAgent: a.cfg.Feeds.UserAgent, AllowPrivate: a.cfg.Feeds.AllowPrivate})
	c := poll.Config{Store: st, Timeline: a.svc, Fetcher: f, Interval: interval, Log: a.log}
	if admin := a.cfg.Briefings.Admin; admin != "" {
		p, ch, err := config.ParseChannel(admin)
		if err != nil {
			return nil, fmt.Errorf("briefings.admin: %w", err)
		}
		dest := briefing.Destination{Platform: p, Channel: ch}
		c.Notify = func(ctx context.Context, text string) error { return a.publisher.Notify(ctx, dest, text) }
	}
	return poll.New(c)
}

// syncConfigFeeds adds the configuration's feeds the store lacks and
// removes "config" feeds no longer listed. They are stored as given, with
// no fetch at start-up, so the bot starts even when a site is down; their
// first poll reports any problem in /sources.
func (a *app) syncConfigFeeds(ctx context.Context) error {
	have, err := a.store.Feeds(ctx)
	if err != nil {
		return err
	}
	byURL := map[string]*briefing.Feed{}
	for _, f := range have {
		byURL[f.URL] = f
	}
	want := map[string]bool{}
	for i, src := range a.cfg.Feeds.Sources {
		where := fmt.Sprintf("feeds.sources[%d]", i)
		u := strings.TrimSpace(src.URL)
		want[u] = true
		if byURL[u] != nil {
			continue
		}
		interval, err := config.PollInterval(src.Interval, 0)
		if err != nil {
			return fmt.Errorf("%s.interval: %w", where, err)
		}
		var topics []string
		if src.Topic != "" {
			q, err := a.svc.ResolveQuery("topic:" + src.Topic)
			if err != nil {
				return fmt.Errorf("%s.topic: %s", where, userMessage(err))
			}
			topics = q.Topics
		}
		f := &briefing.Feed{URL: u, Title: src.Title, Source: poll.SourceName(u), Topics: topics, Interval: interval, FullText: src.FullText, Origin: "config", CreatedBy: "config"}
		f.State.NextPoll = time.Now()
		if err := a.store.AddFeed(ctx, f); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	for _, f := range have {
		if f.Origin == "config" && !want[f.URL] {
			if err := a.store.RemoveFeed(ctx, f.ID); err != nil {
				return err
			}
			a.log.Info("feeds: removed a feed no longer in the configuration", "url", f.URL)
		}
	}
	return nil
}

// userMessage strips sentinel prefixes ("bad query: ") from an error.
func userMessage(err error) string {
	s := err.Error()
	for _, p := range []string{briefing.ErrBadQuery.Error() + ": ", poll.ErrUsage.Error() + ": "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

const sourcesUsage = `Usage:
  briefbot sources                      the feeds followed, with their health, and where articles came from
  briefbot sources add URL [--topic T] [--interval 10m] [--title T] [--full-text]
  briefbot sources remove N
  briefbot sources poll [N]             poll every feed (or feed N) once, now`

// cmdSources runs "briefbot sources ...".
func (a *app) cmdSources(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "list" {
		return writeReply(stdout, a.bot.SourcesCommand(ctx, bot.Message{Platform: "cli"}, ""))
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		fs := flag.NewFlagSet("sources add", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		topic := fs.String("topic", "", "")
		interval := fs.Duration("interval", 0, "")
		title := fs.String("title", "", "")
		full := fs.Bool("full-text", false, "")
		words, err := parseInterleaved(fs, rest)
		if err != nil {
			return usagef("sources add: %v", err)
		}
		if len(words) != 1 {
			return usagef("sources add takes one URL\n%s", sourcesUsage)
		}
		req := poll.AddRequest{URL: words[0], Title: *title, Interval: *interval, FullText: *full, Origin: "cli", By: "cli"}
		if *topic != "" {
			q, err := a.svc.ResolveQuery("topic:" + *topic)
			if err != nil {
				return usagef("sources add --topic: %s", userMessage(err))
			}
			req.Topics = q.Topics
		}
		f, err := a.poller.Add(ctx, req)
		if err != nil {
			if errors.Is(err, poll.ErrUsage) {
				return usagef("%s", userMessage(err))
			}
			return err
		}
		name := f.Title
		if name == "" {
			name = f.Source
		}
		_, err = fmt.Fprintf(stdout, "Following #%d: %s (%s).\n", f.ID, name, f.URL)
		return err
	case "remove":
		if len(rest) != 1 {
			return usagef("sources remove takes a feed number (briefbot sources lists them)")
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(rest[0], "#"), 10, 64)
		if err != nil {
			return usagef("%q is not a feed number", rest[0])
		}
		if err := a.poller.Remove(ctx, id); err != nil {
			if errors.Is(err, briefing.ErrNotFound) {
				return usagef("there is no feed #%d", id)
			}
			return err
		}
		_, err = fmt.Fprintf(stdout, "Stopped following feed #%d.\n", id)
		return err
	case "poll":
		feeds, err := a.poller.List(ctx)
		if err != nil {
			return err
		}
		if len(rest) == 1 {
			id, err := strconv.ParseInt(strings.TrimPrefix(rest[0], "#"), 10, 64)
			if err != nil {
				return usagef("%q is not a feed number", rest[0])
			}
			var one []*briefing.Feed
			for _, f := range feeds {
				if f.ID == id {
					one = append(one, f)
				}
			}
			if len(one) == 0 {
				return usagef("there is no feed #%d", id)
			}
			feeds = one
		}
		return a.pollAll(ctx, feeds, stdout)
	}
	return usagef("unknown sources command %q\n%s", sub, sourcesUsage)
}

// pollAll polls feeds once each, in parallel (one request per host at a
// time), with a progress line.
func (a *app) pollAll(ctx context.Context, feeds []*briefing.Feed, w io.Writer) error {
	type done struct {
		f   *briefing.Feed
		res poll.Result
		err error
	}
	results := make(chan done)
	sem := make(chan struct{}, 16)
	go func() {
		for _, f := range feeds {
			sem <- struct{}{}
			if ctx.Err() != nil {
				// Stopped: the feeds not polled yet are left as they are.
				<-sem
				results <- done{f, poll.Result{}, ctx.Err()}
				continue
			}
			go func() {
				defer func() { <-sem }()
				res, err := a.poller.PollOnce(ctx, f)
				results <- done{f, res, err}
			}()
		}
	}()
	bar := newProgress(w, len(feeds))
	var items, failed int
	var errs []string
	for range feeds {
		d := <-results
		items += d.res.New + d.res.Updated
		if d.err != nil {
			failed++
			errs = append(errs, fmt.Sprintf("  #%d %s: %v", d.f.ID, d.f.URL, d.err))
		}
		bar.step(fmt.Sprintf("%d items ingested, %d failed", items, failed))
	}
	bar.finish()
	fmt.Fprintf(w, "Polled %s: %s ingested, %d failed.\n", plural(len(feeds), "feed", "feeds"), plural(items, "item", "items"), failed)
	for _, e := range errs {
		fmt.Fprintln(w, e)
	}
	return ctx.Err()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// progress draws "[=====>    ] 12/40 sources" on one line, redrawn in
// place on a terminal and printed every 10% otherwise.
type progress struct {
	w        io.Writer
	total, n int
	tty      bool
	lastPct  int
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	tty := ok && isTerminalFile(f)
	return &progress{w: w, total: total, tty: tty, lastPct: -1}
}

func (p *progress) step(note string) {
	p.n++
	pct := 100
	if p.total > 0 {
		pct = p.n * 100 / p.total
	}
	if !p.tty && pct/10 == p.lastPct/10 && p.n != p.total {
		return
	}
	p.lastPct = pct
	const width = 30
	fill := width * pct / 100
	bar := strings.Repeat("=", fill)
	if fill < width {
		bar += ">" + strings.Repeat(" ", width-fill-1)
	}
	line := fmt.Sprintf("[%s] %d/%d sources, %s", bar, p.n, p.total, note)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) finish() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

func isTerminalFile(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// cmdBackfill runs "briefbot backfill FILE.opml|URL...": it follows every
// feed an OPML file lists (and every URL given) and polls each once, so
// that their archives are in the timeline at once.
func (a *app) cmdBackfill(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usagef("backfill needs an OPML file or feed URLs: briefbot backfill subscriptions.opml | https://example.com/feed.xml ...")
	}
	var urls []string
	for _, arg := range args {
		if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
			urls = append(urls, arg)
			continue
		}
		found, err := readOPML(arg)
		if err != nil {
			return err
		}
		urls = append(urls, found...)
	}
	have, err := a.poller.List(ctx)
	if err != nil {
		return err
	}
	byURL := map[string]*briefing.Feed{}
	for _, f := range have {
		byURL[f.URL] = f
	}
	var feeds []*briefing.Feed
	var problems []string
	bar := newProgress(stdout, len(urls))
	for _, u := range urls {
		if f := byURL[u]; f != nil {
			feeds = append(feeds, f)
			bar.step("already followed")
			continue
		}
		f, err := a.poller.Add(ctx, poll.AddRequest{URL: u, Origin: "cli", By: "backfill"})
		if err != nil {
			problems = append(problems, fmt.Sprintf("  %s: %s", u, userMessage(err)))
			bar.step("not added")
			continue
		}
		byURL[f.URL] = f
		feeds = append(feeds, f)
		bar.step("added")
	}
	bar.finish()
	fmt.Fprintf(stdout, "Following %s of %d.\n", plural(len(feeds), "feed", "feeds"), len(urls))
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	return a.pollAll(ctx, feeds, stdout)
}

// readOPML returns the feed URLs (xmlUrl) of an OPML file's outlines, in
// order, at any depth.
func readOPML(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := xml.NewDecoder(io.LimitReader(f, 16<<20))
	d.Strict = false
	var urls []string
	seen := map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s is not an OPML file that can be read: %w", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || !strings.EqualFold(se.Name.Local, "outline") {
			continue
		}
		for _, at := range se.Attr {
			if strings.EqualFold(at.Name.Local, "xmlUrl") {
				u := strings.TrimSpace(at.Value)
				if u != "" && !seen[u] {
					seen[u] = true
					urls = append(urls, u)
				}
			}
		}
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("%s lists no feeds (no outline with an xmlUrl)", path)
	}
	return urls, nil
}
