package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/schedule"
)

// briefHelp explains /brief.
const briefHelp = `Scheduled briefings post what developed since the last one into this channel.
  /brief subscribe [QUERY] at 07:30 [tz Europe/Kyiv] [weekdays] [quiet]
                       or a cron spec: /brief subscribe ceasefire cron "30 7 * * 1-5" tz Europe/Kyiv
                       quiet: post nothing when nothing is new
  /brief list          this channel's subscriptions
  /brief unsubscribe [N]
  /brief now [N]       post the briefing now (what is new since the last one)
  /brief preview [N]   show the briefing without posting it or moving on`

// Brief answers "/brief ..." typed in m's channel.
func (b *Bot) Brief(ctx context.Context, m Message, args string) Reply {
	if b.briefs == nil {
		return Reply{Title: "Briefings", Text: "Scheduled briefings are not configured yet on this bot. Until they are, /latest shows what the bot learned most recently and /timeline QUERY the developments of a story."}
	}
	dest := briefing.Destination{Platform: m.Platform, Channel: m.Channel}
	sub, rest := CutCommand(args)
	switch strings.ToLower(sub) {
	case "", "help":
		return Reply{Title: "Briefings", Text: briefHelp}
	case "subscribe", "sub", "add":
		s, err := b.briefs.Subscribe(ctx, brief.Request{Dest: dest, Text: rest, By: m.User, Origin: "chat"})
		if err != nil {
			return briefError(err, "The subscription could not be saved; try again.")
		}
		return SubscribedReply(s, time.Now())
	case "list", "ls":
		infos, err := b.briefs.List(ctx, dest)
		if err != nil {
			return briefError(err, "The subscriptions could not be read; try again.")
		}
		return ListReply(infos, "This channel has no briefing subscription. /brief subscribe QUERY at 07:30 makes one.")
	case "unsubscribe", "unsub", "remove", "rm", "stop":
		s, err := b.briefs.Find(ctx, dest, rest)
		if err == nil && s.Origin == "config" {
			return Reply{Error: true, Title: "Briefings", Text: fmt.Sprintf("Subscription #%d is set in the bot's configuration file (%s); ask whoever runs the bot to remove it there.", s.ID, strings.TrimPrefix(s.Name, "config:"))}
		}
		if err == nil {
			err = b.briefs.Unsubscribe(ctx, s.ID)
		}
		if err != nil {
			return briefError(err, "The subscription could not be removed; try again.")
		}
		return Reply{Title: "Briefings", Text: fmt.Sprintf("Unsubscribed #%d (%s). No more briefings from it here.", s.ID, queryName(s.Query))}
	case "now":
		s, err := b.briefs.Find(ctx, dest, rest)
		if err != nil {
			return briefError(err, "")
		}
		out, err := b.briefs.Now(ctx, s)
		if err != nil && !out.Posted {
			return briefError(err, "The briefing could not be posted; it stays due and the next one covers it.")
		}
		if err != nil {
			b.log.Warn("brief: posted but not recorded", "subscription", s.ID, "err", err)
		}
		return NowReply(out)
	case "preview":
		s, err := b.briefs.Find(ctx, dest, rest)
		if err != nil {
			return briefError(err, "")
		}
		br, err := b.briefs.Preview(ctx, s)
		if err != nil {
			return briefError(err, "The preview could not be composed; try again.")
		}
		r := BriefReply(br, s)
		r.Footer = strings.TrimSpace(r.Footer + " Preview: nothing was posted and the next briefing still covers this.")
		return r
	}
	return Reply{Error: true, Title: "Briefings", Text: fmt.Sprintf("I don't know /brief %s.\n%s", sub, briefHelp)}
}

// briefError turns a briefing error into a reply: usage errors and the
// states a user can act on show their message.
func briefError(err error, generic string) Reply {
	msg := generic
	switch {
	case errors.Is(err, brief.ErrUsage):
		msg = strings.TrimPrefix(err.Error(), brief.ErrUsage.Error()+": ")
	case errors.Is(err, brief.ErrBusy):
		msg = "A briefing for this subscription is being posted right now."
	case errors.Is(err, brief.ErrUpToDate):
		msg = "This subscription was briefed a moment ago; nothing is due."
	case errors.Is(err, briefing.ErrDisabled):
		msg = "This subscription is disabled after a delivery failure; subscribe again to restart it."
	case errors.Is(err, brief.ErrNotConnected):
		msg = "This bot is not connected to that platform, so it cannot post there; the briefing stays due."
	case errors.Is(err, briefing.ErrPermanent):
		msg = "The bot cannot post in this channel, so the subscription was disabled. Add the bot to the channel and subscribe again."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		msg = "That took too long and was stopped; try again."
	}
	if msg == "" {
		msg = "That did not work; try again."
	}
	if r, n := utf8.DecodeRuneInString(msg); n > 0 {
		msg = string(unicode.ToUpper(r)) + msg[n:]
	}
	return Reply{Error: true, Title: "Briefings", Text: msg}
}

// SubscribedReply confirms a new subscription.
func SubscribedReply(s *briefing.Subscription, now time.Time) Reply {
	text := fmt.Sprintf("Subscribed #%d: %s, %s.", s.ID, queryName(s.Query), scheduleText(s.Schedule))
	if sch, err := schedule.Parse(s.Schedule, time.UTC); err == nil {
		if next := sch.Next(now); !next.IsZero() {
			text += " The first briefing comes " + formatWhen(next.At, sch.Location()) + "."
		}
	}
	if s.Quiet {
		text += " When nothing is new, nothing is posted."
	}
	return Reply{Title: "Briefings", Text: text + " /brief now posts one at once; /brief unsubscribe stops them."}
}

// ListReply lists subscriptions; empty is the text shown when there are
// none.
func ListReply(infos []brief.Info, empty string) Reply {
	r := Reply{Title: "Briefing subscriptions"}
	if len(infos) == 0 {
		r.Text = empty
		return r
	}
	for _, in := range infos {
		s := in.Sub
		var note []string
		switch {
		case s.Disabled != "":
			note = append(note, "disabled: "+s.Disabled)
		case !in.Next.IsZero():
			note = append(note, "next "+formatWhen(in.Next, in.Schedule.Location()))
		}
		if in.Last != nil {
			note = append(note, "last "+formatWhen(in.Last.PostedAt, in.Schedule.Location()))
		}
		if s.Quiet {
			note = append(note, "quiet")
		}
		if s.Name != "" {
			note = append(note, "set by "+s.Name)
		}
		r.Items = append(r.Items, Item{
			Date:    "#" + strconv.FormatInt(s.ID, 10),
			Summary: fmt.Sprintf("%s in %s, %s", queryName(s.Query), s.Dest, scheduleText(s.Schedule)),
			Note:    strings.Join(note, "; "),
		})
	}
	return r
}

// NowReply reports what "/brief now" did.
func NowReply(out brief.Outcome) Reply {
	r := Reply{Title: "Briefings"}
	switch {
	case out.Recovered:
		r.Text = "An earlier attempt had posted this briefing already; it is recorded now."
	case out.Silent:
		r.Text = "Nothing new since the last briefing; this subscription is quiet, so nothing was posted."
	case out.Brief != nil && out.Brief.Empty():
		r.Text = "Posted: nothing new since the last briefing."
	case out.Brief != nil:
		r.Text = fmt.Sprintf("Posted the briefing: %s.", plural(out.Brief.Total, "new development", "new developments"))
	default:
		r.Text = "Posted."
	}
	return r
}

// BriefReply renders a composed briefing: a headline with its window, the
// top developments (grouped by topic when the briefing is), the updates to
// earlier developments, and a pointer to /timeline for the rest.
func BriefReply(b *briefing.Brief, sub *briefing.Subscription) Reply {
	loc := time.UTC
	if sub != nil {
		if sch, err := schedule.Parse(sub.Schedule, time.UTC); err == nil {
			loc = sch.Location()
		}
	}
	r := Reply{Title: "Briefing: " + queryName(b.Query)}
	window := formatWindow(b.From, b.To, loc)
	if b.Empty() {
		r.Text = "Nothing new since " + formatWhen(b.From, loc) + "."
		return r
	}
	r.Text = fmt.Sprintf("%s · %s from %s.", window, plural(b.Total, "new development", "new developments"), plural(b.Sources, "source", "sources"))
	if len(b.Abstract) > 0 {
		r.Text += "\n" + strings.Join(b.Abstract, " ")
	}
	for _, it := range b.Items {
		item := briefItem(it)
		if b.Grouped {
			item.Group = topicTitle(it.Topic)
		}
		r.Items = append(r.Items, item)
	}
	for _, it := range b.Updates {
		item := briefItem(it)
		item.Badge = "Update"
		if len(b.Items) > 0 {
			item.Group = "Updates to earlier developments"
		}
		if u := it.Update; u != nil {
			var note []string
			if u.Change != "" {
				note = append(note, u.Change)
			}
			if u.Earlier != nil {
				note = append(note, fmt.Sprintf("earlier (%s): %s", u.Earlier.Date, shorten(u.Earlier.Summary, 160)))
			}
			if item.Note != "" {
				note = append(note, item.Note)
			}
			item.Note = strings.Join(note, "; ")
		}
		r.Items = append(r.Items, item)
	}
	shown := len(b.Items) + len(b.Updates)
	if b.Omitted > 0 {
		more := strings.Fields("/timeline " + b.Query)
		if b.OmittedSince != 0 && !strings.Contains(strings.ToLower(b.Query), "since:") {
			more = append(more, "since:"+b.OmittedSince.String())
		}
		r.Footer = fmt.Sprintf("%d of %s shown. The rest: %s", shown, plural(b.Total, "new development", "new developments"), strings.Join(more, " "))
	} else {
		r.Footer = "That is everything new."
	}
	return r
}

// briefItem renders one development of a briefing.
func briefItem(it briefing.BriefItem) Item {
	item := Item{Summary: strings.Join(it.Lines, " ")}
	if it.Event != nil {
		item.Date = it.Event.Date.String()
		if item.Summary == "" {
			item.Summary = it.Event.Summary
		}
	}
	seen := map[string]bool{}
	for _, c := range it.Sources {
		if seen[c.Source] {
			continue
		}
		seen[c.Source] = true
		item.Sources = append(item.Sources, Link{Name: c.Source, URL: c.URL})
	}
	if n := len(seen); n > 1 {
		item.Note = fmt.Sprintf("reported by %d sources", n)
	}
	return item
}

// queryName names a subscription's query for people.
func queryName(q string) string {
	if strings.TrimSpace(q) == "" {
		return "all developments"
	}
	return q
}

// scheduleText describes a stored schedule spec.
func scheduleText(spec string) string {
	sch, err := schedule.Parse(spec, time.UTC)
	if err != nil {
		return spec
	}
	return sch.Description()
}

// topicTitle turns a topic ID into a heading.
func topicTitle(id string) string {
	if id == "" {
		return "Other developments"
	}
	r, n := utf8.DecodeRuneInString(id)
	return string(unicode.ToUpper(r)) + id[n:]
}

// formatWhen renders an instant in loc the way a briefing headline does:
// "Tue 20 May 07:30 (Europe/Kyiv)".
func formatWhen(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006 15:04") + " (" + loc.String() + ")"
}

// formatWindow renders a briefing window: "Mon 19 May 07:30 – Tue 20 May
// 07:30 (Europe/Kyiv)".
func formatWindow(from, to time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	f, t := from.In(loc), to.In(loc)
	layout := "Mon 2 Jan 15:04"
	if f.Year() != t.Year() {
		layout = "Mon 2 Jan 2006 15:04"
	}
	return f.Format(layout) + " – " + t.Format(layout) + " (" + loc.String() + ")"
}

func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := 0
	for i := range s {
		if utf8.RuneCountInString(s[:i]) >= max-1 {
			cut = i
			break
		}
	}
	s = s[:cut]
	if i := strings.LastIndexByte(s, ' '); i > max/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,;:") + "…"
}

// Publisher posts briefings through platform adapters: it implements
// brief.Publisher over the Posters registered per platform name. It is
// safe for concurrent use; adapters may register after it is in use.
type Publisher struct {
	mu      sync.Mutex
	posters map[string]Poster
}

// NewPublisher returns a Publisher with no platform registered.
func NewPublisher() *Publisher { return &Publisher{posters: map[string]Poster{}} }

// Register makes p post to platform ("slack", "discord", "console")
// through po.
func (p *Publisher) Register(platform string, po Poster) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posters[platform] = po
}

func (p *Publisher) poster(dest briefing.Destination) (Poster, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	po, ok := p.posters[dest.Platform]
	if !ok {
		return nil, fmt.Errorf("no %s connection is configured to post in %s: %w", dest.Platform, dest, brief.ErrNotConnected)
	}
	return po, nil
}

// Publish renders b and posts it in dest, marked with key.
func (p *Publisher) Publish(ctx context.Context, dest briefing.Destination, sub *briefing.Subscription, b *briefing.Brief, key string) (string, error) {
	po, err := p.poster(dest)
	if err != nil {
		return "", err
	}
	return po.PostKeyed(ctx, dest.Channel, BriefReply(b, sub), key)
}

// Find looks for a post marked with key.
func (p *Publisher) Find(ctx context.Context, dest briefing.Destination, key string, since time.Time) (string, bool, error) {
	po, err := p.poster(dest)
	if err != nil {
		return "", false, err
	}
	return po.FindKeyed(ctx, dest.Channel, key, since)
}

// Notify posts a plain message, for the admin channel.
func (p *Publisher) Notify(ctx context.Context, dest briefing.Destination, text string) error {
	po, err := p.poster(dest)
	if err != nil {
		return err
	}
	_, err = po.PostKeyed(ctx, dest.Channel, Reply{Title: "briefbot", Text: text}, "notice-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	return err
}
