package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/briefbot/briefbot/briefing"
)

// ParsePublished parses a publication date or time: 2025-05-20,
// 2025-05-20T14:30:00Z (RFC 3339) or "2025-05-20 14:30". Dates without a
// zone are read in loc.
func ParsePublished(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				break
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid publication date %q: want a date like 2025-05-20 or 2025-05-20T14:30:00Z", s)
}

// ParseIngestArgs reads "/ingest" options and text. Options come first:
// --published DATE, --source NAME, --url URL, --title "TITLE"; everything
// after them is the article. Without --published the article is dated now.
func ParseIngestArgs(args string, now time.Time, loc *time.Location) (briefing.ArticleInput, error) {
	in := briefing.ArticleInput{Published: now}
	rest := strings.TrimLeftFunc(args, unicode.IsSpace)
	for strings.HasPrefix(rest, "--") {
		name, after := cutField(rest)
		key, val, hasVal := strings.Cut(name, "=")
		if !hasVal {
			val, after = cutField(strings.TrimLeft(after, " \t"))
		}
		if val == "" {
			return in, fmt.Errorf("option %s needs a value", key)
		}
		switch key {
		case "--published":
			t, err := ParsePublished(val, loc)
			if err != nil {
				return in, err
			}
			in.Published = t
		case "--source":
			in.Source = val
		case "--url":
			if !strings.HasPrefix(val, "http://") && !strings.HasPrefix(val, "https://") {
				return in, fmt.Errorf("--url %q: want an http:// or https:// address", val)
			}
			in.URL = val
		case "--title":
			in.Title = val
		default:
			return in, fmt.Errorf("unknown option %s", key)
		}
		rest = strings.TrimLeftFunc(after, unicode.IsSpace)
	}
	in.Text = rest
	return in, nil
}

// cutField returns the first blank-separated field of s, honouring double
// quotes, and what follows it.
func cutField(s string) (field, rest string) {
	var b strings.Builder
	inQuote := false
	for i, r := range s {
		switch {
		case r == '"' || r == '\u201c' || r == '\u201d':
			inQuote = !inQuote
		case !inQuote && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			return b.String(), s[i:]
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), ""
}

// questionPrefixes are stripped from free-form questions before searching:
// "what happened with prisoners?" searches for prisoners.
var questionPrefixes = []string{
	"what happened with", "what happened to", "what happened in", "what happened on", "what happened",
	"what's happening with", "whats happening with", "what is happening with", "what's up with",
	"tell me about", "tell me", "show me", "any news on", "any news about", "news on", "news about",
	"give me the timeline of", "give me the timeline for", "timeline of", "timeline for", "timeline",
	"when did", "when was", "when were", "who", "what about", "what did", "what",
}

// question answers a free-form message: "what's new?" is /latest; anything
// else is searched as a timeline, with "this week", "today", "this month"
// and "this year" turned into since: filters.
func (b *Bot) question(ctx context.Context, m Message, text string) Reply {
	q := strings.ToLower(strings.TrimSpace(text))
	q = strings.TrimRight(q, "?!. ")
	q = strings.NewReplacer("\u2019", "'").Replace(q)
	switch q {
	case "what's new", "whats new", "what is new", "anything new", "news", "latest", "what's the latest", "whats the latest", "what is the latest", "new":
		return b.Latest(ctx, "")
	case "help", "hi", "hello", "hey":
		return b.help("")
	}
	for _, p := range questionPrefixes {
		if rest, ok := strings.CutPrefix(q, p+" "); ok {
			q = rest
			break
		}
	}
	today := briefing.DayOf(b.now().In(b.loc))
	periods := []struct {
		words []string
		since briefing.Day
	}{
		{[]string{"this", "weekend"}, today.AddDays(-int((today.Weekday() + 1) % 7))},
		{[]string{"this", "week"}, today.AddDays(-int((today.Weekday() + 6) % 7))},
		{[]string{"last", "week"}, today.AddDays(-int((today.Weekday()+6)%7) - 7)},
		{[]string{"this", "month"}, briefing.Date(today.Year(), today.Month(), 1)},
		{[]string{"this", "year"}, briefing.Date(today.Year(), 1, 1)},
		{[]string{"today"}, today},
	}
	words := strings.Fields(q)
	for _, p := range periods {
		if i := indexWords(words, p.words); i >= 0 {
			words = append(words[:i:i], words[i+len(p.words):]...)
			words = append(words, "since:"+p.since.String())
			break
		}
	}
	q = strings.Join(words, " ")
	r := b.Timeline(ctx, m.Channel, q)
	if r.Error {
		r.Text += " Or type /help for the commands."
	}
	return r
}

// indexWords returns where the run of words want starts in words, or -1.
func indexWords(words, want []string) int {
	for i := 0; i+len(want) <= len(words); i++ {
		match := true
		for j, w := range want {
			if strings.Trim(words[i+j], ",.;:!?") != w {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}
