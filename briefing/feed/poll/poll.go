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

	mu        sync.Mutex
	inflight  map[int64]bool
	hosts     map[string]bool     // hosts with a poll in flight
	notBefore map[int64]time.Time // NextPoll as this process last set it
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
	return &Poller{c: c, log: c.Log, wake: make(chan struct{}, 1), inflight: map[int64]bool{}, hosts: map[string]bool{}, notBefore: map[int64]time.Time{}}, nil
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
	if r.Interval != 0 && (r.Interval < MinInterval || r.Interval > MaxInterval) {
		return nil, fmt.Errorf("%w: the interval must be from a minute to a week (not %s)", ErrUsage, r.Interval)
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
	if s := SourceName(doc.Link); s != "" {
		return s
	}
	if s := SourceName(feedURL); s != "" {
		return s
	}
	return "feed"
}

// SourceName is the publisher name a feed URL gives its articles: the
// host without "www.", lowercased; "" when raw has no host.
func SourceName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
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
// this feed only. A poll stopped by ctx (shutdown) changes nothing.
func (p *Poller) PollOnce(ctx context.Context, f *briefing.Feed) (Result, error) {
	now := time.Now()
	st := f.State
	st.LastPoll = now
	res, newest, resp, partial, err := p.poll(ctx, f)
	if err != nil && ctx.Err() != nil {
		// Stopping is not the feed's failure.
		return res, err
	}
	name := feedName(f)
	if err != nil {
		st.LastError = err.Error()
		st.Failures++
		wait := p.failureWait(f, st.Failures)
		var be *fetch.BackoffError
		if errors.As(err, &be) && be.Until.After(now.Add(wait)) {
			wait = min(be.Until.Sub(now), maxBackoff)
		}
		st.NextPoll = now.Add(wait)
		p.log.Warn("feeds: poll failed", "feed", f.ID, "url", f.URL, "failures", st.Failures, "next", st.NextPoll, "err", err)
		if st.Failures >= p.c.FailAfter && !st.Reported {
			st.Reported = p.report(ctx, fmt.Sprintf("The feed %s (#%d, %s) has failed %d times in a row: %s. /sources remove %d stops it.", name, f.ID, f.URL, st.Failures, err, f.ID))
		}
	} else {
		if st.Failures > 0 {
			st.Reported = false // the failure report is re-armed by recovery
		}
		st.LastSuccess, st.LastError, st.Failures = now, "", 0
		switch {
		case partial:
			// Some items failed for a reason that may pass: fetch the
			// whole feed again next time instead of a 304.
			st.ETag, st.LastModified = "", ""
		case resp != nil && !resp.NotModified:
			st.ETag, st.LastModified = resp.ETag, resp.LastModified
		}
		st.Items += res.New + res.Updated
		st.NextPoll = now.Add(p.interval(f))
		if res.New+res.Updated > 0 {
			st.Reported = false
		}
		if !newest.IsZero() && now.Sub(newest) > p.c.StaleAfter && !st.Reported && res.New+res.Updated == 0 {
			st.Reported = p.report(ctx, fmt.Sprintf("The feed %s (#%d, %s) has gone stale: its newest item is from %s.", name, f.ID, f.URL, newest.UTC().Format("2 Jan 2006 15:04 UTC")))
		}
	}
	// Run keeps to NextPoll even if the store cannot record it, so that a
	// full disk does not turn into a request loop.
	p.mu.Lock()
	p.notBefore[f.ID] = st.NextPoll
	p.mu.Unlock()
	if serr := p.c.Store.SetFeedState(context.WithoutCancel(ctx), f.ID, st); serr != nil && !errors.Is(serr, briefing.ErrNotFound) {
		p.log.Error("feeds: could not record a poll", "feed", f.ID, "err", serr)
	}
	f.State = st
	return res, err
}

// feedName names a feed in messages: its title, else its source.
func feedName(f *briefing.Feed) string {
	if t := strings.TrimSpace(f.Title); t != "" {
		return t
	}
	if f.Source != "" {
		return f.Source
	}
	return f.URL
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

// DefaultInterval is the interval of a feed that sets none.
func (p *Poller) DefaultInterval() time.Duration { return p.c.Interval }

// interval is a feed's interval with jitter.
func (p *Poller) interval(f *briefing.Feed) time.Duration {
	d := min(cmp.Or(f.Interval, p.c.Interval), MaxInterval)
	j := (rand.Float64()*2 - 1) * p.c.Jitter
	return time.Duration(float64(d) * (1 + j))
}

// maxBackoff bounds the wait after failures.
const maxBackoff = 6 * time.Hour

// MaxInterval is the longest poll interval accepted.
const MaxInterval = 7 * 24 * time.Hour

// failureWait is the wait after n failed polls: the interval doubling, up
// to 6 hours (or the interval, when that is longer).
func (p *Poller) failureWait(f *briefing.Feed, n int) time.Duration {
	base := min(cmp.Or(f.Interval, p.c.Interval), MaxInterval)
	d := base
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return max(min(d, maxBackoff), base)
}

// poll fetches, parses and ingests one feed; newest is its newest item's
// date, and partial reports items that failed for a reason that may pass
// (they are tried again on the next poll).
func (p *Poller) poll(ctx context.Context, f *briefing.Feed) (res Result, newest time.Time, resp *fetch.Response, partial bool, err error) {
	resp, err = p.c.Fetcher.Get(ctx, fetch.Request{URL: f.URL, ETag: f.State.ETag, LastModified: f.State.LastModified})
	if err != nil {
		return res, newest, nil, false, err
	}
	if resp.NotModified {
		res.NotModified = true
		return res, newest, resp, false, nil
	}
	base, _ := url.Parse(resp.FinalURL)
	doc, err := feed.Parse(resp.Body, resp.ContentType, base)
	if err != nil {
		return res, newest, resp, false, err
	}
	items := slices.Clone(doc.Items)
	// Oldest first, so that the timeline learns a story in order.
	slices.SortStableFunc(items, func(a, b feed.Item) int { return itemTime(a).Compare(itemTime(b)) })
	keys := itemKeys(items)
	done := map[string]bool{}
	for i, it := range items {
		if t := itemTime(it); t.After(newest) {
			newest = t
		}
		if err := ctx.Err(); err != nil {
			return res, newest, resp, true, err
		}
		if done[keys[i]] {
			res.Skipped++ // the same item twice in one document
			continue
		}
		done[keys[i]] = true
		switch p.item(ctx, f, it, keys[i]) {
		case itemNew:
			res.New++
		case itemUpdated:
			res.Updated++
		case itemSeen:
			res.Seen++
		case itemRetry:
			res.Skipped++
			partial = true
		default:
			res.Skipped++
		}
	}
	return res, newest, resp, partial, nil
}

// itemKeys identifies the items of one document. Feeds that give every
// item the same GUID (often the site's address) are common: a key shared
// by items with different links or texts falls back to the link, then to
// a hash of the content, so that distinct stories stay distinct.
func itemKeys(items []feed.Item) []string {
	keys := make([]string, len(items))
	count := map[string]int{}
	for i, it := range items {
		keys[i] = it.Key()
		count[keys[i]]++
	}
	for i, it := range items {
		if count[keys[i]] < 2 {
			continue
		}
		alt := it
		alt.GUID = ""
		k := alt.Key() // link, else content hash
		if strings.HasPrefix(k, "link:") && count["dup"+k] > 0 {
			alt.Link = ""
			k = alt.Key()
		}
		count["dup"+k]++
		keys[i] = k
	}
	return keys
}

func itemTime(it feed.Item) time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.Updated
}

type itemOutcome int

const (
	itemSkipped itemOutcome = iota // nothing to ingest, or refused as an article
	itemNew
	itemUpdated
	itemSeen
	itemRetry // failed for a reason that may pass
)

// item ingests one item unless it was ingested before with the same
// content. Whether it is new or changed is decided on what the feed says
// (title and text), before any page is fetched. An update retracts the
// item's old article (only one this item created) and ingests the new
// text with the item's first-seen time, so briefings do not announce its
// developments again.
func (p *Poller) item(ctx context.Context, f *briefing.Feed, it feed.Item, key string) itemOutcome {
	text := it.Text()
	hash := briefing.ContentHash(it.Title + "\n" + text)
	rec, err := p.c.Store.FeedItem(ctx, f.ID, key)
	switch {
	case err == nil && rec.Hash == hash:
		return itemSeen
	case err != nil && !errors.Is(err, briefing.ErrNotFound):
		p.log.Warn("feeds: item record unreadable; tried again next poll", "feed", f.ID, "err", err)
		return itemRetry
	}
	updated := err == nil
	if f.FullText && !it.HasFullText() && it.Link != "" {
		if full := p.fullText(ctx, it.Link); len(full) > len(text) {
			text = full
		}
	}
	if strings.TrimSpace(text) == "" {
		text = it.Title
	}
	published := itemTime(it)
	if published.IsZero() || published.After(time.Now().Add(time.Hour)) {
		published = time.Now()
	}
	out := itemNew
	if updated {
		out = itemUpdated
	}
	firstSeen := time.Time{}
	if updated {
		// The old text goes first, so that the correction replaces its
		// developments instead of merging into them; what they report
		// keeps the time it was first seen.
		firstSeen = rec.SeenAt
		if rec.ArticleID != 0 {
			if err := p.c.Timeline.RetractArticle(ctx, rec.ArticleID); err != nil && !errors.Is(err, briefing.ErrNotFound) {
				p.log.Warn("feeds: could not retract an updated item's old article; tried again next poll", "feed", f.ID, "article", rec.ArticleID, "err", err)
				return itemRetry
			}
		}
	}
	var articleID int64
	rep, err := p.ingest(ctx, briefing.ArticleInput{
		Text: text, Source: f.Source, Via: "feed", URL: it.Link, Title: it.Title,
		Published: published, Topics: f.Topics, FirstSeen: firstSeen,
	})
	switch {
	case err == nil && rep.Duplicate:
		// The same text came earlier from elsewhere (a paste, another
		// feed): that article is not this item's to retract later.
		out = itemSeen
	case err == nil:
		articleID = rep.Article.ID
	case errors.Is(err, briefing.ErrBadArticle):
		// Recorded all the same, so it is not tried on every poll.
		p.log.Info("feeds: item not ingested", "feed", f.ID, "item", key, "reason", err)
		out = itemSkipped
	default:
		p.log.Warn("feeds: item could not be ingested; tried again next poll", "feed", f.ID, "item", key, "err", err)
		return itemRetry
	}
	seenAt := time.Now()
	if err == nil && rep != nil && rep.Article != nil && !rep.Article.IngestedAt.IsZero() {
		seenAt = rep.Article.IngestedAt // its developments' first-seen time
	}
	if updated && !rec.SeenAt.IsZero() {
		seenAt = rec.SeenAt // when the item was first seen
	}
	if err := p.c.Store.PutFeedItem(ctx, &briefing.FeedItem{Feed: f.ID, Key: key, Hash: hash, ArticleID: articleID, SeenAt: seenAt}); err != nil {
		p.log.Warn("feeds: item record not written; tried again next poll", "feed", f.ID, "err", err)
		return itemRetry
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
		for _, f := range feeds {
			now := time.Now()
			p.mu.Lock()
			due := f.State.NextPoll
			if nb := p.notBefore[f.ID]; nb.After(due) {
				due = nb
			}
			// One poll per host at a time: a slow host must not hold
			// the workers while feeds on other hosts wait.
			host := hostKey(f.URL)
			busy := p.inflight[f.ID] || p.hosts[host]
			if !busy && !due.After(now) {
				p.inflight[f.ID] = true
				p.hosts[host] = true
			}
			p.mu.Unlock()
			if due.After(now) {
				if due.Before(next) {
					next = due
				}
				continue
			}
			if busy {
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				p.done(f.ID, f.URL)
				return ctx.Err()
			}
			// The list may be old by now (waiting for a worker): poll the
			// feed as it is stored, if it is still due.
			cur, err := p.c.Store.Feed(ctx, f.ID)
			p.mu.Lock()
			nb := p.notBefore[f.ID]
			p.mu.Unlock()
			if err != nil || cur.State.NextPoll.After(time.Now()) || nb.After(time.Now()) {
				<-sem
				p.done(f.ID, f.URL)
				continue
			}
			f := cur
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				defer p.done(f.ID, f.URL)
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

func (p *Poller) done(id int64, url string) {
	p.mu.Lock()
	delete(p.inflight, id)
	delete(p.hosts, hostKey(url))
	p.mu.Unlock()
}

// hostKey is the host a feed's requests go to.
func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Host)
}
