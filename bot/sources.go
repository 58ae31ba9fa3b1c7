package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/feed/poll"
)

// sourcesHelp explains /sources.
const sourcesHelp = `Sources are the feeds the bot follows and the sites its articles came from.
  /sources                       the feeds with their health, and where articles came from
  /sources add URL [topic:ceasefire] [every:30m]
                                 follow an RSS, Atom or JSON feed (or a site's page that announces one)
  /sources remove N              stop following feed #N (its articles stay)`

// SourcesCommand answers "/sources [add|list|remove] ...".
func (b *Bot) SourcesCommand(ctx context.Context, m Message, args string) Reply {
	sub, rest := CutCommand(args)
	switch strings.ToLower(sub) {
	case "", "list", "ls":
		return b.sourcesList(ctx)
	case "help":
		return Reply{Title: "Sources", Text: sourcesHelp}
	case "add", "follow":
		if b.feeds == nil {
			return Reply{Error: true, Title: "Sources", Text: "This bot does not follow feeds."}
		}
		req, err := b.parseSourceAdd(rest)
		if err != nil {
			return Reply{Error: true, Title: "Sources", Text: userText(err)}
		}
		req.Origin, req.By = "chat", m.User
		f, err := b.feeds.Add(ctx, req)
		if err != nil {
			if errors.Is(err, poll.ErrUsage) {
				return Reply{Error: true, Title: "Sources", Text: userText(err)}
			}
			b.log.Error("sources add failed", "err", err)
			return Reply{Error: true, Title: "Sources", Text: "The source could not be saved; try again."}
		}
		interval := f.Interval
		if interval <= 0 {
			interval = b.feeds.DefaultInterval()
		}
		title := f.Title
		if title == "" {
			title = f.Source
		}
		text := fmt.Sprintf("Following #%d: %s (%s), every %s.", f.ID, title, f.URL, shortDuration(interval))
		if len(f.Topics) > 0 {
			text += " Its developments are tagged " + strings.Join(f.Topics, ", ") + "."
		}
		return Reply{Title: "Sources", Text: text + " The first poll runs now; /sources shows how it went."}
	case "remove", "rm", "unfollow", "delete":
		if b.feeds == nil {
			return Reply{Error: true, Title: "Sources", Text: "This bot does not follow feeds."}
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(rest), "#"), 10, 64)
		if err != nil || id <= 0 {
			return Reply{Error: true, Title: "Sources", Text: "Say which feed to remove by its number, for example /sources remove 3 (/sources lists them)."}
		}
		if err := b.feeds.Remove(ctx, id); err != nil {
			if errors.Is(err, briefing.ErrNotFound) {
				return Reply{Error: true, Title: "Sources", Text: fmt.Sprintf("There is no feed #%d; /sources lists them.", id)}
			}
			return Reply{Error: true, Title: "Sources", Text: "The feed could not be removed; try again."}
		}
		return Reply{Title: "Sources", Text: fmt.Sprintf("Stopped following feed #%d. The articles it brought stay in the timeline.", id)}
	}
	return Reply{Error: true, Title: "Sources", Text: fmt.Sprintf("I don't know /sources %s.\n%s", sub, sourcesHelp)}
}

// parseSourceAdd reads "URL [topic:x]... [every:30m] [full-text]".
func (b *Bot) parseSourceAdd(args string) (poll.AddRequest, error) {
	var req poll.AddRequest
	for _, w := range strings.Fields(args) {
		lw := strings.ToLower(w)
		switch {
		case strings.HasPrefix(lw, "topic:"):
			q, err := b.svc.ResolveQuery(w)
			if err != nil {
				return req, err
			}
			req.Topics = append(req.Topics, q.Topics...)
		case strings.HasPrefix(lw, "every:"):
			d, err := time.ParseDuration(w[len("every:"):])
			if err != nil || d < poll.MinInterval || d > poll.MaxInterval {
				return req, fmt.Errorf("%q is not an interval from a minute to a week; write every:10m or every:1h", w[len("every:"):])
			}
			req.Interval = d
		case lw == "full-text" || lw == "fulltext":
			req.FullText = true
		case req.URL == "":
			req.URL = strings.Trim(w, "<>") // Slack wraps links in <...>
			if i := strings.IndexByte(req.URL, '|'); i >= 0 {
				req.URL = req.URL[:i]
			}
		default:
			return req, fmt.Errorf("%q is not part of /sources add; %s", w, "write /sources add URL [topic:ceasefire] [every:30m]")
		}
	}
	if req.URL == "" {
		return req, errors.New("give the feed's address: /sources add https://example.com/feed.xml [topic:ceasefire]")
	}
	return req, nil
}

// userText strips sentinel prefixes from an error meant for the user.
func userText(err error) string {
	s := err.Error()
	for _, p := range []string{poll.ErrUsage.Error() + ": ", briefing.ErrBadQuery.Error() + ": "} {
		s = strings.TrimPrefix(s, p)
	}
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// sourcesList shows the followed feeds with their health, then where the
// timeline's articles came from.
func (b *Bot) sourcesList(ctx context.Context) Reply {
	r := b.Sources(ctx)
	if b.feeds == nil || r.Error {
		return r
	}
	feeds, err := b.feeds.List(ctx)
	if err != nil {
		b.log.Error("feeds list failed", "err", err)
		return errorReply(err, "The list of feeds could not be read just now.")
	}
	r.Items = FeedItems(feeds, time.Now(), b.loc)
	if len(feeds) == 0 {
		r.Text = "No feeds followed; /sources add URL follows one.\n" + r.Text
	} else {
		r.Footer = fmt.Sprintf("%s followed. /sources remove N stops one.", plural(len(feeds), "feed", "feeds"))
	}
	return r
}

// FeedItems renders feeds with their health: last success, last error,
// items ingested, next poll.
func FeedItems(feeds []*briefing.Feed, now time.Time, loc *time.Location) []Item {
	var items []Item
	for _, f := range feeds {
		st := f.State
		var note []string
		switch {
		case st.LastPoll.IsZero():
			note = append(note, "not polled yet")
		case st.LastError != "":
			note = append(note, fmt.Sprintf("failing (%s): %s", plural(st.Failures, "failure", "failures"), st.LastError))
			if !st.LastSuccess.IsZero() {
				note = append(note, "last success "+ago(now, st.LastSuccess))
			}
		default:
			note = append(note, "ok, last polled "+ago(now, st.LastSuccess))
		}
		note = append(note, plural(st.Items, "item", "items")+" ingested")
		switch {
		case st.NextPoll.IsZero():
		case !st.NextPoll.After(now):
			note = append(note, "next poll now")
		case st.NextPoll.Sub(now) < 20*time.Hour:
			note = append(note, "next poll "+st.NextPoll.In(loc).Format("15:04"))
		default:
			note = append(note, "next poll "+st.NextPoll.In(loc).Format("2 Jan 15:04"))
		}
		if len(f.Topics) > 0 {
			note = append(note, "topics: "+strings.Join(f.Topics, ", "))
		}
		title := f.Title
		if title == "" {
			title = f.Source
		}
		items = append(items, Item{
			Date:    "#" + strconv.FormatInt(f.ID, 10),
			Summary: title,
			Sources: []Link{{Name: f.URL, URL: f.URL}},
			Note:    strings.Join(note, "; "),
		})
	}
	return items
}

// shortDuration renders 10m0s as "10 minutes".
func shortDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour", "hours")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute", "minutes")
	}
	return d.String()
}

// ago renders how long ago t was: "3 min ago", "2 h ago", or a date.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return t.UTC().Format("2 Jan 2006")
}
