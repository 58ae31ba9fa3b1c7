// Package poll follows feeds: it adds sources (with autodiscovery from a
// site's page), polls each on its own interval with jitter, turns new and
// updated items into articles for the timeline, and keeps each feed's
// health: last success, last error, items ingested, next poll.
//
// An item is identified by its GUID, else its link, else a hash of its
// content (feed.Item.Key), and recorded with the hash of the text ingested,
// so an item seen before is never ingested twice, also after a restart. An
// item whose text changed (same GUID, new text) has its article retracted
// and ingested again, so its developments are updated rather than doubled.
//
// A feed that keeps failing, or whose newest item is older than StaleAfter,
// is reported once to the admin channel, not on every poll; the report is
// re-armed by the next poll that brings news.
package poll

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/feed"
	"github.com/briefbot/briefbot/briefing/feed/fetch"
)

// Config wires a Poller. Store, Timeline and Fetcher are required.
type Config struct {
	Store    briefing.FeedStore
	Timeline *briefing.Service
	Fetcher  *fetch.Fetcher
	// Notify tells the admin channel about a failing or stale feed;
	// optional (the log line is always written).
	Notify func(ctx context.Context, text string) error
	// Interval is the default time between polls (10 minutes); Jitter the
	// fraction it varies by either way (0.1).
	Interval time.Duration
	Jitter   float64
	// Workers bounds the polls in flight (default 8); one host still gets
	// one request at a time (the Fetcher sees to it).
	Workers int
	// FailAfter is how many failed polls in a row make a feed reported
	// (default 5); StaleAfter how old its newest item may get (default 3
	// days).
	FailAfter  int
	StaleAfter time.Duration
	Log        *slog.Logger
}

// Poller polls feeds into the timeline. It is safe for concurrent use.
type Poller struct {
	c    Config
	log  *slog.Logger
	wake chan struct{}

	mu       sync.Mutex
	inflight map[int64]bool
}

// New checks c and returns a Poller.
func New(c Config) (*Poller, error) {
	switch {
	case c.Store == nil:
		return nil, errors.New("poll: no feed store")
	case c.Timeline == nil:
		return nil, errors.New("poll: no timeline service")
	case c.Fetcher == nil:
		return nil, errors.New("poll: no fetcher")
	}
	if c.Interval <= 0 {
		c.Interval = 10 * time.Minute
	}
	if c.Jitter < 0 || c.Jitter >= 1 {
		c.Jitter = 0.1
	} else if c.Jitter == 0 {
		c.Jitter = 0.1
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.FailAfter <= 0 {
		c.FailAfter = 5
	}
	if c.StaleAfter <= 0 {
		c.StaleAfter = 72 * time.Hour
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Poller{c: c, log: c.Log, wake: make(chan struct{}, 1), inflight: map[int64]bool{}}, nil
}

// MinInterval is the shortest poll interval accepted: feeds are polled
// politely.
const MinInterval = time.Minute

// AddRequest is a source to follow.
type AddRequest struct {
	URL      string // a feed, or a site's page that announces one
	Title    string // optional; the feed's own title otherwise
	Topics   []string
	Interval time.Duration // 0: the default
	FullText bool
	Origin   string // chat, cli, config
	By       string
}

// ErrUsage wraps mistakes in what a user asked for; the message says what
// to do instead.
var ErrUsage = errors.New("usage")

// Add checks the URL (only http(s), and no private addresses unless the
// operator allows them), fetches it, and when it is an HTML page looks for
// the feed it announces. It stores the feed, due for its first poll at
// once.
func (p *Poller) Add(ctx context.Context, r AddRequest) (*briefing.Feed, error) {
	if r.Interval != 0 && r.Interval < MinInterval {
		return nil, fmt.Errorf("%w: poll at most once a minute (interval %s)", ErrUsage, r.Interval)
	}
	u, err := p.c.Fetcher.CheckURL(ctx, strings.TrimSpace(r.URL))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	feedURL, doc, err := p.resolveFeed(ctx, u.String())
	if err != nil {
		return nil, err
	}
	title := strings.TrimSpace(r.Title)
	if title == "" {
		title = doc.Title
	}
	f := &briefing.Feed{
		URL: feedURL, Title: title, Source: sourceName(doc, feedURL), Topics: r.Topics,
		Interval: r.Interval, FullText: r.FullText, Origin: r.Origin, CreatedBy: r.By,
	}
	f.State.NextPoll = time.Now()
	if err := p.c.Store.AddFeed(ctx, f); err != nil {
		if errors.Is(err, briefing.ErrExists) {
			return nil, fmt.Errorf("%w: %s is followed already", ErrUsage, feedURL)
		}
		return nil, err
	}
	p.log.Info("feeds: source added", "feed", f.ID, "url", f.URL, "title", f.Title)
	p.poke()
	return f, nil
}

// resolveFeed fetches raw and returns the feed URL and document: raw
// itself when it is a feed, else the first feed its page announces.
func (p *Poller) resolveFeed(ctx context.Context, raw string) (string, *feed.Document, error) {
	resp, err := p.c.Fetcher.Get(ctx, fetch.Request{URL: raw})
	if err != nil {
		return "", nil, fmt.Errorf("%w: %s could not be fetched: %v", ErrUsage, raw, err)
	}
	base, _ := url.Parse(resp.FinalURL)
	doc, err := feed.Parse(resp.Body, resp.ContentType, base)
	if err == nil {
		return resp.FinalURL, doc, nil
	}
	if !errors.Is(err, feed.ErrNotFeed) {
		return "", nil, fmt.Errorf("%w: %s is not a feed that can be read: %v", ErrUsage, raw, err)
	}
	cands := feed.Discover(resp.Body, base)
	for _, c := range cands {
		if _, err := p.c.Fetcher.CheckURL(ctx, c); err != nil {
			continue
		}
		r2, err := p.c.Fetcher.Get(ctx, fetch.Request{URL: c})
		if err != nil {
			continue
		}
		b2, _ := url.Parse(r2.FinalURL)
		if doc, err := feed.Parse(r2.Body, r2.ContentType, b2); err == nil {
			return r2.FinalURL, doc, nil
		}
	}
	if len(cands) == 0 {
		return "", nil, fmt.Errorf("%w: %s is a web page that announces no feed; give the feed's own address (RSS, Atom or JSON Feed)", ErrUsage, raw)
	}
	return "", nil, fmt.Errorf("%w: none of the %d feeds %s announces could be read", ErrUsage, len(cands), raw)
}

// sourceName names the publisher of a feed's articles: the site's host.
func sourceName(doc *feed.Document, feedURL string) string {
	for _, raw := range []string{doc.Link, feedURL} {
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		}
	}
	return "feed"
}

// Remove stops following a feed. The articles it brought stay.
func (p *Poller) Remove(ctx context.Context, id int64) error {
	return p.c.Store.RemoveFeed(ctx, id)
}

// List returns every feed with its health, by ID.
func (p *Poller) List(ctx context.Context) ([]*briefing.Feed, error) {
	return p.c.Store.Feeds(ctx)
}

// Result is what one poll of a feed did.
type Result struct {
	NotModified bool
	New         int // items ingested for the first time
	Updated     int // items whose text changed, ingested again
	Seen        int // items already ingested, unchanged
	Skipped     int // items with nothing to ingest or refused as articles
}

// PollOnce polls one feed now and records its state. An error is about
// this feed only.
func (p *Poller) PollOnce(ctx context.Context, f *briefing.Feed) (Result, error) {
	now := time.Now()
	st := f.State
	st.LastPoll = now
	res, newest, resp, err := p.poll(ctx, f)
	if err != nil {
		st.LastError = err.Error()
		st.Failures++
		wait := p.failureWait(f, st.Failures)
		var be *fetch.BackoffError
		if errors.As(err, &be) && be.Until.After(now.Add(wait)) {
			wait = be.Until.Sub(now)
		}
		st.NextPoll = now.Add(wait)
		p.log.Warn("feeds: poll failed", "feed", f.ID, "url", f.URL, "failures", st.Failures, "next", st.NextPoll, "err", err)
		if st.Failures >= p.c.FailAfter && !st.Reported {
			st.Reported = p.report(ctx, fmt.Sprintf("The feed %s (#%d, %s) has failed %d times in a row: %s. /sources remove %d stops it.", f.Title, f.ID, f.URL, st.Failures, err, f.ID))
		}
	} else {
		st.LastSuccess, st.LastError, st.Failures = now, "", 0
		if resp != nil && !resp.NotModified {
			st.ETag, st.LastModified = resp.ETag, resp.LastModified
		}
		st.Items += res.New + res.Updated
		st.NextPoll = now.Add(p.interval(f))
		if res.New+res.Updated > 0 {
			st.Reported = false
		}
		if !newest.IsZero() && now.Sub(newest) > p.c.StaleAfter && !st.Reported && res.New+res.Updated == 0 {
			st.Reported = p.report(ctx, fmt.Sprintf("The feed %s (#%d, %s) has gone stale: its newest item is from %s.", f.Title, f.ID, f.URL, newest.UTC().Format("2 Jan 2006 15:04 UTC")))
		}
	}
	if serr := p.c.Store.SetFeedState(context.WithoutCancel(ctx), f.ID, st); serr != nil && !errors.Is(serr, briefing.ErrNotFound) {
		p.log.Error("feeds: could not record a poll", "feed", f.ID, "err", serr)
	}
	f.State = st
	return res, err
}

// report tells the admin channel once; it reports whether the report is
// made (or there is no admin channel, so the log line is the report).
func (p *Poller) report(ctx context.Context, text string) bool {
	p.log.Warn("feeds: " + text)
	if p.c.Notify == nil {
		return true
	}
	nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := p.c.Notify(nctx, text); err != nil {
		p.log.Error("feeds: could not tell the admin channel", "err", err)
		return false
	}
	return true
}

// interval is a feed's interval with jitter.
func (p *Poller) interval(f *briefing.Feed) time.Duration {
	d := cmp.Or(f.Interval, p.c.Interval)
	j := (rand.Float64()*2 - 1) * p.c.Jitter
	return time.Duration(float64(d) * (1 + j))
}

// failureWait is the wait after n failed polls: the interval doubling, up
// to 6 hours.
func (p *Poller) failureWait(f *briefing.Feed, n int) time.Duration {
	d := cmp.Or(f.Interval, p.c.Interval) << min(n-1, 6)
	return min(d, 6*time.Hour)
}

// poll fetches, parses and ingests one feed; newest is its newest item's
// date.
func (p *Poller) poll(ctx context.Context, f *briefing.Feed) (res Result, newest time.Time, resp *fetch.Response, err error) {
	resp, err = p.c.Fetcher.Get(ctx, fetch.Request{URL: f.URL, ETag: f.State.ETag, LastModified: f.State.LastModified})
	if err != nil {
		return res, newest, nil, err
	}
	if resp.NotModified {
		res.NotModified = true
		return res, newest, resp, nil
	}
	base, _ := url.Parse(resp.FinalURL)
	doc, err := feed.Parse(resp.Body, resp.ContentType, base)
	if err != nil {
		return res, newest, resp, err
	}
	items := slices.Clone(doc.Items)
	// Oldest first, so that the timeline learns a story in order.
	slices.SortStableFunc(items, func(a, b feed.Item) int { return itemTime(a).Compare(itemTime(b)) })
	for _, it := range items {
		if t := itemTime(it); t.After(newest) {
			newest = t
		}
		if err := ctx.Err(); err != nil {
			return res, newest, resp, err
		}
		switch p.item(ctx, f, it) {
		case itemNew:
			res.New++
		case itemUpdated:
			res.Updated++
		case itemSeen:
			res.Seen++
		default:
			res.Skipped++
		}
	}
	return res, newest, resp, nil
}

func itemTime(it feed.Item) time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.Updated
}

type itemOutcome int

const (
	itemSkipped itemOutcome = iota
	itemNew
	itemUpdated
	itemSeen
)

// item ingests one item unless it was ingested before with the same text.
func (p *Poller) item(ctx context.Context, f *briefing.Feed, it feed.Item) itemOutcome {
	key := it.Key()
	text := it.Text()
	if f.FullText && !it.HasFullText() && it.Link != "" {
		if full := p.fullText(ctx, it.Link); len(full) > len(text) {
			text = full
		}
	}
	if strings.TrimSpace(text) == "" {
		text = it.Title
	}
	hash := briefing.ContentHash(text)
	rec, err := p.c.Store.FeedItem(ctx, f.ID, key)
	switch {
	case err == nil && rec.Hash == hash:
		return itemSeen
	case err != nil && !errors.Is(err, briefing.ErrNotFound):
		p.log.Warn("feeds: item record unreadable", "feed", f.ID, "err", err)
		return itemSkipped
	}
	updated := err == nil
	if updated && rec.ArticleID != 0 {
		if err := p.c.Timeline.RetractArticle(ctx, rec.ArticleID); err != nil && !errors.Is(err, briefing.ErrNotFound) {
			p.log.Warn("feeds: could not retract an updated item's article", "feed", f.ID, "article", rec.ArticleID, "err", err)
			return itemSkipped
		}
	}
	published := itemTime(it)
	if published.IsZero() || published.After(time.Now().Add(time.Hour)) {
		published = time.Now()
	}
	out := itemNew
	if updated {
		out = itemUpdated
	}
	var articleID int64
	rep, err := p.ingest(ctx, briefing.ArticleInput{
		Text: text, Source: f.Source, Via: "feed", URL: it.Link, Title: it.Title,
		Published: published, Topics: f.Topics,
	})
	switch {
	case err == nil:
		articleID = rep.Article.ID
		if rep.Duplicate {
			out = itemSeen
		}
	case errors.Is(err, briefing.ErrBadArticle):
		// Recorded all the same, so it is not tried on every poll.
		p.log.Info("feeds: item not ingested", "feed", f.ID, "item", key, "reason", err)
		out = itemSkipped
	default:
		p.log.Warn("feeds: item could not be ingested; it is tried again next poll", "feed", f.ID, "item", key, "err", err)
		return itemSkipped
	}
	if err := p.c.Store.PutFeedItem(ctx, &briefing.FeedItem{Feed: f.ID, Key: key, Hash: hash, ArticleID: articleID, SeenAt: time.Now()}); err != nil {
		p.log.Warn("feeds: item record not written", "feed", f.ID, "err", err)
	}
	return out
}

// ingest calls the timeline with panic recovery: one hostile item must not
// stop the poller.
func (p *Poller) ingest(ctx context.Context, in briefing.ArticleInput) (rep *briefing.IngestReport, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("feeds: ingestion panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: the article could not be read", briefing.ErrBadArticle)
		}
	}()
	return p.c.Timeline.Ingest(ctx, in)
}

// fullText fetches an item's page and returns its main text, or "".
func (p *Poller) fullText(ctx context.Context, link string) string {
	if _, err := p.c.Fetcher.CheckURL(ctx, link); err != nil {
		return ""
	}
	resp, err := p.c.Fetcher.Get(ctx, fetch.Request{URL: link, Accept: "text/html,application/xhtml+xml"})
	if err != nil || resp.NotModified {
		return ""
	}
	_, text := feed.MainText(resp.Body)
	return text
}

// poke wakes Run to look at the feeds now.
func (p *Poller) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// recheck is the longest Run sleeps between looks at the feed list, so
// feeds added by another process are picked up.
const recheck = 30 * time.Second

// Run polls due feeds until ctx is done, at most Workers at a time, each in
// its own goroutine with panic recovery. It returns ctx.Err() once the
// polls in flight have returned.
func (p *Poller) Run(ctx context.Context) error {
	sem := make(chan struct{}, p.c.Workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		next := time.Now().Add(recheck)
		feeds, err := p.c.Store.Feeds(ctx)
		if err != nil && ctx.Err() == nil {
			p.log.Warn("feeds: could not list feeds", "err", err)
		}
		now := time.Now()
		for _, f := range feeds {
			if f.State.NextPoll.After(now) {
				if f.State.NextPoll.Before(next) {
					next = f.State.NextPoll
				}
				continue
			}
			p.mu.Lock()
			busy := p.inflight[f.ID]
			if !busy {
				p.inflight[f.ID] = true
			}
			p.mu.Unlock()
			if busy {
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				p.done(f.ID)
				return ctx.Err()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				defer p.done(f.ID)
				defer func() {
					if r := recover(); r != nil {
						p.log.Error("feeds: poll panicked", "feed", f.ID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					}
				}()
				p.PollOnce(ctx, f)
				p.poke()
			}()
		}
		t := time.NewTimer(max(time.Until(next), 10*time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-p.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func (p *Poller) done(id int64) {
	p.mu.Lock()
	delete(p.inflight, id)
	p.mu.Unlock()
}
