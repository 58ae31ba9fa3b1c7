// Package bot is briefbot's platform-neutral chat layer: it parses what a
// user typed (a slash command or a free-form question), asks the briefing
// service, and answers with a Reply that each platform adapter (console,
// Slack, Discord) renders in its own way. Adapters import bot; bot imports
// no adapter and no platform SDK.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/digest"
	"github.com/briefbot/briefbot/briefing/feed/poll"
)

// Message is one incoming message or command, whatever the platform.
type Message struct {
	Platform string // console, slack, discord
	Channel  string // where to answer; also keys the /more cursor
	User     string
	Text     string // "/timeline ceasefire", "what happened with prisoners?"
}

// Reply is a platform-neutral answer.
type Reply struct {
	Title  string // a heading, may be empty
	Text   string // a paragraph: help, an error, an ingest summary
	Items  []Item // developments, in order
	Footer string // paging hint or totals
	Error  bool   // the request failed; Text says why and what to do
	// Next is set when a timeline has more developments than this page:
	// adapters with buttons page with Bot.PageAt(Next.Query, Next.Offset)
	// instead of the channel's /more cursor, so an old "More" button still
	// pages its own timeline.
	Next *PageRef
}

// PageRef names a page of a timeline: the query as typed and the offset of
// the page's first development.
type PageRef struct {
	Query  string
	Offset int
	// Label names the button: "More" when empty, "Show all" under a
	// summary.
	Label string
}

// Item is one development in a reply.
type Item struct {
	Date    string // as a journalist writes it: "16 May 2025"
	Summary string
	Sources []Link
	Note    string // extra context: "merged into #12", "actors: putin"
	// Group is a heading the item belongs under ("Ceasefire" in a
	// briefing grouped by topic); renderers show it above the first item
	// of each run of equal groups. Empty: no heading.
	Group string
	// Badge marks the item's kind in a word, shown before the summary:
	// "Update" for a development that changes an earlier one.
	Badge string
}

// Poster is implemented by platform adapters that can post on their own,
// not only answer: scheduled briefings use it. Errors that retrying cannot
// fix (the channel is gone, the bot was removed or may not post) wrap
// briefing.ErrPermanent; a rate limit is a *briefing.RetryAfterError; any
// other error is transient.
type Poster interface {
	// PostKeyed posts r in channel, marked with key in a way FindKeyed
	// can see later, and returns the platform's ID of the (first) message.
	PostKeyed(ctx context.Context, channel string, r Reply, key string) (ref string, err error)
	// FindKeyed looks for a message the bot posted in channel at or after
	// since and marked with key, and returns its ID.
	FindKeyed(ctx context.Context, channel, key string, since time.Time) (ref string, found bool, err error)
}

// Link is a cited source.
type Link struct {
	Name string
	URL  string // may be empty
}

// Bot routes messages to the briefing service. It is safe for concurrent use.
type Bot struct {
	svc      *briefing.Service
	pageSize int
	now      func() time.Time
	loc      *time.Location
	log      *slog.Logger
	briefs   *brief.Service // nil: briefings not set up
	feeds    *poll.Poller   // nil: no feeds followed

	mu      sync.Mutex
	cursors map[string]briefing.Query // channel -> the page /more shows next
}

// Options configure a Bot; zero values pick defaults.
type Options struct {
	PageSize int              // developments per answer (default briefing.DefaultPageSize)
	Now      func() time.Time // clock (default time.Now)
	Location *time.Location   // zone for dates typed without one (default UTC)
	Log      *slog.Logger
	// Briefs answers /brief; nil leaves briefings off.
	Briefs *brief.Service
	// Feeds answers /sources add and remove; nil: no feeds.
	Feeds *poll.Poller
}

// New returns a Bot over svc.
func New(svc *briefing.Service, o Options) *Bot {
	if o.PageSize <= 0 || o.PageSize > briefing.MaxPageSize {
		o.PageSize = briefing.DefaultPageSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Bot{svc: svc, pageSize: o.PageSize, now: o.Now, loc: o.Location, log: o.Log, cursors: map[string]briefing.Query{}, briefs: o.Briefs, feeds: o.Feeds}
}

// Handle answers one message. It never panics on user input and always
// returns something to show: unknown commands get help, failures get a
// short explanation (the full error goes to the log).
func (b *Bot) Handle(ctx context.Context, m Message) Reply {
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return b.help("")
	}
	if !strings.HasPrefix(text, "/") {
		return b.question(ctx, m, text)
	}
	cmd, args := CutCommand(text)
	switch strings.ToLower(cmd) {
	case "/timeline", "/t":
		return b.Timeline(ctx, m.Channel, args)
	case "/more", "/next":
		return b.More(ctx, m.Channel)
	case "/latest", "/new":
		return b.Latest(ctx, args)
	case "/ingest":
		return b.Ingest(ctx, m, args)
	case "/sources":
		return b.SourcesCommand(ctx, m, args)
	case "/brief":
		return b.Brief(ctx, m, args)
	case "/help", "/briefbot", "/start":
		return b.help("")
	}
	return b.help(fmt.Sprintf("I don't know %s.", cmd))
}

// CutCommand splits "/command args" at the first white space (a blank, a
// tab or a line break) and trims the arguments.
func CutCommand(text string) (cmd, args string) {
	text = strings.TrimSpace(text)
	i := strings.IndexFunc(text, unicode.IsSpace)
	if i < 0 {
		return text, ""
	}
	return text[:i], strings.TrimSpace(text[i:])
}

// Timeline answers "/timeline QUERY": the first page of matching
// developments in event-date order.
func (b *Bot) Timeline(ctx context.Context, channel, query string) Reply {
	q, err := briefing.ParseQuery(query)
	if err != nil {
		return errorReply(err, "")
	}
	q.Limit = b.pageSize
	return b.Page(ctx, channel, q)
}

// More answers "/more": the next page of the channel's last timeline.
func (b *Bot) More(ctx context.Context, channel string) Reply {
	b.mu.Lock()
	q, ok := b.cursors[channel]
	b.mu.Unlock()
	if !ok {
		return Reply{Text: "There is nothing more to show: the last timeline was complete, or none was asked for here. Try /timeline ceasefire."}
	}
	return b.Page(ctx, channel, q)
}

// PageAt answers the page of "/timeline query" that starts at offset: what
// a "More" button asks for. It also moves the channel's /more cursor.
func (b *Bot) PageAt(ctx context.Context, channel, query string, offset int) Reply {
	q, err := briefing.ParseQuery(query)
	if err != nil {
		return errorReply(err, "")
	}
	if offset < 0 {
		offset = 0
	}
	q.Limit, q.Offset = b.pageSize, offset
	return b.Page(ctx, channel, q)
}

// Page answers a parsed timeline query at its offset and remembers it for
// /more in channel.
func (b *Bot) Page(ctx context.Context, channel string, q briefing.Query) Reply {
	p, err := b.svc.Timeline(ctx, q)
	if err != nil {
		level := slog.LevelError
		if errors.Is(err, briefing.ErrBadQuery) {
			level = slog.LevelDebug // the user's mistake, answered to the user
		}
		b.log.Log(ctx, level, "timeline failed", "query", q.Text, "err", err)
		return errorReply(err, "The timeline could not be searched just now; try again in a moment.")
	}
	asked := q.Dates > 0 || q.Lines > 0
	if (p.More || asked) && q.Offset == 0 && q.Dates != briefing.AllDates {
		// too long to read as a list: the dates that mattered, with
		// "show all" for the rest, unless the summary would leave
		// nothing out (and the user did not ask for one)
		if r, ok := b.summary(ctx, channel, q, asked); ok {
			return r
		}
	}
	next := q
	next.Offset += q.Limit
	b.remember(channel, next, p.More)
	r := Reply{Title: fmt.Sprintf("Timeline: %s", q.Text)}
	if len(p.Events) == 0 {
		if q.Offset > 0 {
			r.Text = "No more developments."
		} else {
			r.Text = fmt.Sprintf("No developments match %q yet. Try a broader word, or /latest to see what the bot knows.", q.Text)
		}
		return r
	}
	for _, ev := range p.Events {
		r.Items = append(r.Items, EventItem(ev))
	}
	first, last := q.Offset+1, q.Offset+len(p.Events)
	switch {
	case p.More:
		r.Footer = fmt.Sprintf("Showing %d-%d, oldest first. /more for the next %d.", first, last, q.Limit)
		r.Next = &PageRef{Query: q.Text, Offset: q.Offset + q.Limit}
	case q.Offset == 0:
		r.Footer = plural(len(p.Events), "development", "developments") + ", oldest first."
	default:
		r.Footer = fmt.Sprintf("Showing %d-%d, the end of the timeline.", first, last)
	}
	return r
}

// remember sets (or, when more is false, clears) the page /more shows next
// in channel.
func (b *Bot) remember(channel string, next briefing.Query, more bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if more {
		b.cursors[channel] = next
	} else {
		delete(b.cursors, channel)
	}
}

// Summary answers a timeline query with a summary timeline: the dates that
// mattered most (q.Dates, else digest.DefaultDates) with the lines that tell
// each (q.Lines, else digest.DefaultPerDate), in date order, every line with
// its sources. The reply's Next (a "Show all" button) and the channel's /more
// list every development: the query of briefing.ShowAllText, with dates:all.
// A summary that leaves nothing out says so and offers neither.
func (b *Bot) Summary(ctx context.Context, channel string, q briefing.Query) Reply {
	r, _ := b.summary(ctx, channel, q, true)
	return r
}

// summary builds Summary's reply. Unless always is set it gives up (ok
// false) when the summary would show every match: a list says the same.
func (b *Bot) summary(ctx context.Context, channel string, q briefing.Query, always bool) (r Reply, ok bool) {
	evs, truncated, err := b.svc.Matching(ctx, q, 0)
	if err != nil {
		level := slog.LevelError
		if errors.Is(err, briefing.ErrBadQuery) {
			level = slog.LevelDebug
		}
		b.log.Log(ctx, level, "timeline summary failed", "query", q.Text, "err", err)
		return errorReply(err, "The timeline could not be searched just now; try again in a moment."), true
	}
	r = Reply{Title: fmt.Sprintf("Timeline: %s", q.Text)}
	if len(evs) == 0 {
		r.Text = fmt.Sprintf("No developments match %q yet. Try a broader word, or /latest to see what the bot knows.", q.Text)
		b.remember(channel, q, false)
		return r, true
	}
	tl := digest.Summarize(evs, digest.Options{Dates: q.Dates, PerDate: q.Lines, Since: q.Since, Until: q.Until})
	complete := !truncated && tl.Lines() == len(evs)
	if !always && complete {
		return r, false
	}
	for _, d := range tl.Dates {
		for i, ev := range d.Lines {
			it := EventItem(ev)
			if i > 0 {
				it.Date = "" // a further line of the same date reads under it
			}
			r.Items = append(r.Items, it)
		}
	}
	r.Title = fmt.Sprintf("Timeline: %s, the dates that mattered most", q.Text)
	if complete {
		// asked for by name and nothing left out: there is nothing
		// more to show
		b.remember(channel, q, false)
		r.Footer = fmt.Sprintf("All %s, oldest first.", plural(len(evs), "development", "developments"))
		if len(evs) == 1 {
			r.Footer = "The only development that matches."
		}
		return r, true
	}
	all := q
	all.Text = briefing.ShowAllText(q.Text)
	all.Dates, all.Lines, all.Offset = briefing.AllDates, 0, 0
	if all.Limit <= 0 {
		all.Limit = b.pageSize
	}
	b.remember(channel, all, true)
	count := plural(len(evs), "development", "developments")
	if truncated {
		count = "the first " + count
	}
	if len(all.Text) <= briefing.MaxQueryLen {
		r.Footer = fmt.Sprintf("%d of %s, chosen from %s; oldest first. /more or /timeline %s lists every development.",
			len(tl.Dates), plural(tl.AllDates, "date", "dates"), count, all.Text)
		r.Next = &PageRef{Query: all.Text, Label: "Show all"}
	} else {
		// too long to type back (or to fit a button): /more still works
		r.Footer = fmt.Sprintf("%d of %s, chosen from %s; oldest first. /more lists every development.",
			len(tl.Dates), plural(tl.AllDates, "date", "dates"), count)
	}
	return r, true
}

// Latest answers "/latest [N]": what the bot learned most recently.
func (b *Bot) Latest(ctx context.Context, args string) Reply {
	n := b.pageSize
	if args != "" {
		v, err := strconv.Atoi(args)
		if err != nil || v < 1 || v > briefing.MaxPageSize {
			return Reply{Error: true, Text: fmt.Sprintf("/latest takes a number from 1 to %d, for example /latest 5.", briefing.MaxPageSize)}
		}
		n = v
	}
	evs, err := b.svc.Latest(ctx, n)
	if err != nil {
		b.log.Error("latest failed", "err", err)
		return errorReply(err, "The timeline could not be read just now; try again in a moment.")
	}
	r := Reply{Title: "Latest developments"}
	if len(evs) == 0 {
		r.Text = "The timeline is empty. Add an article with /ingest."
		return r
	}
	for _, ev := range evs {
		r.Items = append(r.Items, EventItem(ev))
	}
	r.Footer = "Newest first, by when the bot learned of them."
	return r
}

// Sources answers "/sources": where the timeline's articles came from.
func (b *Bot) Sources(ctx context.Context) Reply {
	st, err := b.svc.Sources(ctx)
	if err != nil {
		b.log.Error("sources failed", "err", err)
		return errorReply(err, "The list of sources could not be read just now.")
	}
	r := Reply{Title: "Sources"}
	if len(st) == 0 {
		r.Text = "No sources yet. Add an article with /ingest."
		return r
	}
	var lines []string
	for _, s := range st {
		lines = append(lines, fmt.Sprintf("%s: %s, %s, last on %s", s.Source,
			plural(s.Articles, "article", "articles"), plural(s.Citations, "citation", "citations"),
			s.LastIngested.In(b.loc).Format("2 Jan 2006 15:04")))
	}
	r.Text = strings.Join(lines, "\n")
	return r
}

// IngestHelp explains how to paste an article.
const IngestHelp = "Paste the article after /ingest. Options on the first line: --published 2025-05-20 --source NAME --url URL --title \"TITLE\"."

// Ingest answers "/ingest [options]\nTEXT": the article's text follows the
// options (on the same line after a blank, or on the next lines).
func (b *Bot) Ingest(ctx context.Context, m Message, args string) Reply {
	in, err := ParseIngestArgs(args, b.now(), b.loc)
	if err != nil {
		return Reply{Error: true, Text: err.Error() + "\n" + IngestHelp}
	}
	if strings.TrimSpace(in.Text) == "" {
		return Reply{Error: true, Text: "There is no article text. " + IngestHelp}
	}
	in.Via = m.Platform
	if in.Source == "" {
		in.Source = m.Platform
		if m.User != "" {
			in.Source = m.Platform + ":" + m.User
		}
	}
	rep, err := b.svc.Ingest(ctx, in)
	if err != nil {
		b.log.Warn("ingest failed", "err", err)
		return errorReply(err, "The article could not be stored just now; nothing was changed. Try again in a moment.")
	}
	return IngestReply(rep)
}

// IngestReply describes what an ingestion did.
func IngestReply(rep *briefing.IngestReport) Reply {
	a := rep.Article
	name := a.Title
	if name == "" {
		name = "an article"
	}
	if rep.Duplicate {
		return Reply{Title: "Already known", Text: fmt.Sprintf("%s from %s was ingested before (article #%d); nothing changed.", name, a.Source, a.ID)}
	}
	r := Reply{Title: fmt.Sprintf("Ingested %s", name)}
	var parts []string
	parts = append(parts, plural(len(rep.New), "new development", "new developments"))
	parts = append(parts, fmt.Sprintf("%d merged into developments already known", len(rep.Merged)))
	parts = append(parts, plural(rep.Context, "sentence kept as context", "sentences kept as context"))
	r.Text = fmt.Sprintf("Article #%d from %s, published %s: %s.", a.ID, a.Source, a.Published.Format("2 Jan 2006"), strings.Join(parts, ", "))
	if rep.HTML {
		r.Text += " The input looked like HTML; its text was extracted."
	}
	undated := 0
	for _, ev := range rep.New {
		it := EventItem(ev)
		it.Note = eventNote(ev)
		if ev.Date.Origin == briefing.OriginPublished {
			undated++
		}
		r.Items = append(r.Items, it)
	}
	for _, m := range rep.Merged {
		target := "a development earlier in this article"
		if m.EventID != 0 {
			target = fmt.Sprintf("#%d (%s)", m.EventID, m.Date)
		}
		r.Items = append(r.Items, Item{
			Date:    m.Candidate.Date.String(),
			Summary: m.Candidate.Summary,
			Note:    fmt.Sprintf("merged into %s: %s", target, m.Summary),
		})
	}
	if undated > 0 {
		r.Footer = fmt.Sprintf("%s had no date in the text and took the publication date.", plural(undated, "development", "developments"))
	}
	return r
}

func eventNote(ev *briefing.Event) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("#%d", ev.ID))
	if ev.Date.Origin != briefing.OriginExplicit {
		parts = append(parts, "date from "+string(ev.Date.Origin))
	}
	if len(ev.Actors) > 0 {
		parts = append(parts, "actors: "+strings.Join(ev.Actors, ", "))
	}
	if len(ev.Topics) > 0 {
		parts = append(parts, "topics: "+strings.Join(ev.Topics, ", "))
	}
	return strings.Join(parts, "; ")
}

// EventItem renders an event as a reply item with its sources.
func EventItem(ev *briefing.Event) Item {
	it := Item{Date: ev.Date.String(), Summary: ev.Summary}
	seen := map[string]bool{}
	for _, c := range ev.Citations {
		k := c.Source + "\x00" + c.URL
		if seen[k] {
			continue
		}
		seen[k] = true
		it.Sources = append(it.Sources, Link{Name: c.Source, URL: c.URL})
	}
	return it
}

func (b *Bot) help(prefix string) Reply {
	text := `Commands:
  /timeline QUERY   developments in date order. QUERY takes words, "quoted phrases",
                    since:2025-04  until:2025-05-20  actor:putin  topic:ceasefire
  /more             the next page of the last timeline
  /latest [N]       what the bot learned most recently
  /ingest TEXT      add an article (` + "--published 2025-05-20 --source NAME --url URL" + `)
  /sources          feeds followed and where the articles came from; /sources add URL
  /brief            scheduled briefings: /brief subscribe QUERY at 07:30, list, now, preview
  /help             this list
Or just ask: "what happened with prisoners?"`
	if prefix != "" {
		text = prefix + "\n" + text
	}
	return Reply{Title: "briefbot", Text: text}
}

// errorReply turns an error into a Reply: user-caused errors show their
// message, anything else shows the generic text.
func errorReply(err error, generic string) Reply {
	var msg string
	switch {
	case errors.Is(err, briefing.ErrBadQuery), errors.Is(err, briefing.ErrBadArticle):
		msg = userMessage(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		msg = "That took too long and was stopped; try again."
	default:
		msg = generic
	}
	return Reply{Error: true, Text: msg}
}

// userMessage strips the sentinel prefixes ("bad query: ") from an error.
func userMessage(err error) string {
	s := err.Error()
	for _, p := range []string{briefing.ErrBadQuery.Error() + ": ", briefing.ErrBadArticle.Error() + ": "} {
		if i := strings.Index(s, p); i >= 0 {
			s = s[i+len(p):]
		}
	}
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// plural counts n things, with a thousands separator: "1 date",
// "20,000 developments".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands formats n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
