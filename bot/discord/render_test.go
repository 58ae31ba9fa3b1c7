package discord

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/briefing/demo"
)

// checkMessage reports the first Discord limit m breaks.
func checkMessage(m Message) error {
	if n := textLen(m.Content); n > MaxContent {
		return fmt.Errorf("content is %d characters", n)
	}
	if len(m.Embeds) > MaxEmbeds {
		return fmt.Errorf("%d embeds", len(m.Embeds))
	}
	if len(m.Embeds) == 0 && m.Content == "" {
		return fmt.Errorf("empty message")
	}
	for _, e := range m.Embeds {
		if n := textLen(e.Title); n > MaxTitle {
			return fmt.Errorf("title is %d characters", n)
		}
		if n := textLen(e.Description); n > MaxDescription {
			return fmt.Errorf("description is %d characters", n)
		}
		if e.Footer != nil && textLen(e.Footer.Text) > MaxFooter {
			return fmt.Errorf("footer is %d characters", textLen(e.Footer.Text))
		}
		if e.Title == "" && e.Description == "" && e.Footer == nil {
			return fmt.Errorf("empty embed")
		}
		for _, s := range []string{e.Title, e.Description} {
			if !utf8.ValidString(s) {
				return fmt.Errorf("invalid UTF-8 in %q", s)
			}
			if trailingBackslashes(s)%2 == 1 {
				return fmt.Errorf("text ends inside an escape: %q", s[max(0, len(s)-20):])
			}
		}
	}
	if n := embedsLen(m.Embeds); n > MaxEmbedTotal {
		return fmt.Errorf("embeds hold %d characters", n)
	}
	for _, c := range m.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok {
			return fmt.Errorf("component %T", c)
		}
		for _, b := range row.Components {
			if btn, ok := b.(discordgo.Button); ok && textLen(btn.CustomID) > MaxCustomID {
				return fmt.Errorf("custom_id is %d characters", textLen(btn.CustomID))
			}
		}
	}
	return nil
}

func checkAll(t testing.TB, msgs []Message) {
	t.Helper()
	if len(msgs) == 0 || len(msgs) > MaxMessages {
		t.Fatalf("%d messages", len(msgs))
	}
	for i, m := range msgs {
		if err := checkMessage(m); err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, 30-day truce.", "plain text, 30-day truce."},
		{"@everyone and @here", `\@everyone and \@here`},
		{"<@123> <@!123> <@&456> <#789>", `\<\@123> \<\@!123> \<\@&456> \<#789>`},
		{"[click](https://evil.example)", `\[click\](https://evil.example)`},
		{"**bold** _it_ ~~s~~ `code` ||spoiler||", `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`code\\`" + ` \|\|spoiler\|\|`},
		{`back\slash`, `back\\slash`},
		{"# Heading\n> quote\n- item\n-# small\n1. first\n  2. second", "\\# Heading\n\\> quote\n\\- item\n\\-# small\n1\\. first\n  2\\. second"},
		{"not a heading # here, 1. not a list", "not a heading # here, 1. not a list"},
		{"<t:1700000000:R> <:emoji:123>", `\<t:1700000000:R> \<:emoji:123>`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRenderTimeline(t *testing.T) {
	r := bot.Reply{
		Title: "Timeline: ceasefire",
		Items: []bot.Item{
			{Date: "11 March 2025", Summary: "Ukraine said it was ready to accept a 30-day ceasefire.", Sources: []bot.Link{{Name: "demo (state.gov)", URL: "https://www.state.gov/"}}},
			{Date: "18 March 2025", Summary: "Putin agreed to a pause on *energy* strikes.", Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/x_(y)"}, {Name: "Reuters"}, {Name: "bad", URL: "javascript:alert(1)"}}},
		},
		Footer: "Showing 1-2, oldest first. /more for the next 2.",
		Next:   &bot.PageRef{Query: "ceasefire", Offset: 2},
	}
	msgs := Render(r)
	checkAll(t, msgs)
	if len(msgs) != 1 || len(msgs[0].Embeds) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	e := msgs[0].Embeds[0]
	if e.Title != "Timeline: ceasefire" || e.Color != colorAnswer {
		t.Errorf("title %q, colour %x", e.Title, e.Color)
	}
	want := "**11 March 2025** Ukraine said it was ready to accept a 30-day ceasefire. — [demo (state.gov)](https://www.state.gov/)\n" +
		"**18 March 2025** Putin agreed to a pause on \\*energy\\* strikes. — [AP](https://apnews.com/x_%28y%29) · Reuters · bad"
	if e.Description != want {
		t.Errorf("description:\n%s\nwant:\n%s", e.Description, want)
	}
	if e.Footer == nil || e.Footer.Text != "Showing 1-2, oldest first. Press More for the next 2." {
		t.Errorf("footer = %+v", e.Footer)
	}
	row := msgs[0].Components[0].(discordgo.ActionsRow)
	btn := row.Components[0].(discordgo.Button)
	if btn.Label != "More" || btn.CustomID != "more:2:ceasefire" || btn.Style != discordgo.PrimaryButton {
		t.Errorf("button = %+v", btn)
	}
}

// Under a summary the button reads "Show all", and the footer says so.
func TestRenderSummaryFooterNamesTheButton(t *testing.T) {
	h := bottest.New(t)
	ctx := context.Background()
	if _, err := demo.LoadIfEmpty(ctx, h.Svc); err != nil {
		t.Fatal(err)
	}
	r := h.Bot.Timeline(ctx, "C1", "since:2025-01 dates:3")
	if r.Next == nil || r.Next.Label != "Show all" {
		t.Fatalf("summary reply: %+v", r)
	}
	msgs := Render(r)
	checkAll(t, msgs)
	last := msgs[len(msgs)-1]
	e := last.Embeds[0]
	want := "3 of 17 dates, chosen from 17 developments; oldest first. Press Show all or /timeline since:2025-01 dates:all lists every development."
	if e.Footer == nil || e.Footer.Text != want {
		t.Errorf("footer = %+v, want %q", e.Footer, want)
	}
	btn := last.Components[0].(discordgo.ActionsRow).Components[0].(discordgo.Button)
	if btn.Label != "Show all" || btn.CustomID != "more:0:since:2025-01 dates:all" {
		t.Errorf("button = %+v", btn)
	}

	// a button without a label is More
	r = bot.Reply{Title: "Timeline: x", Items: []bot.Item{{Date: "1 May 2025", Summary: "x"}}, Footer: "Showing 1-1, oldest first. /more for the next 1.", Next: &bot.PageRef{Query: "x", Offset: 1}}
	if f := Render(r)[0].Embeds[0].Footer; f == nil || f.Text != "Showing 1-1, oldest first. Press More for the next 1." {
		t.Errorf("More footer = %+v", f)
	}
	// no button (the query is too long for one): a mention
	r.Next.Query = strings.Repeat("x", MaxCustomID)
	m := Render(r)[0]
	if f := m.Embeds[0].Footer; len(m.Components) != 0 || f == nil || f.Text != `Showing 1-1, oldest first. Mention me with "more" for the next 1.` {
		t.Errorf("footer without a button = %+v, components %v", f, m.Components)
	}
}

func TestRenderErrorAndText(t *testing.T) {
	msgs := Render(bot.Reply{Error: true, Text: "Invalid date \"2025-13\".\nTry since:2025-04."})
	checkAll(t, msgs)
	e := msgs[0].Embeds[0]
	if e.Color != colorError || e.Description != "⚠️ Invalid date \"2025-13\".\nTry since:2025-04." {
		t.Errorf("error embed = %+v", e)
	}
	// Text and items: a blank line between them.
	msgs = Render(bot.Reply{Title: "Ingested <@1>", Text: "Article #3: 1 new development.", Items: []bot.Item{{Date: "19 May 2025", Summary: "x", Note: "#12; actors: putin"}}})
	e = msgs[0].Embeds[0]
	if e.Title != "Ingested <@1>" {
		t.Errorf("title = %q", e.Title)
	}
	if e.Description != "Article #3: 1 new development.\n\n**19 May 2025** x · *#12; actors: putin*" {
		t.Errorf("description = %q", e.Description)
	}
}

func TestRenderMoreButtonTooLong(t *testing.T) {
	q := strings.Repeat("ceasefire ", 12)
	msgs := Render(bot.Reply{Title: "T", Items: []bot.Item{{Summary: "x"}}, Footer: "Showing 1-1. /more for the next 1.", Next: &bot.PageRef{Query: q, Offset: 1}})
	if len(msgs[0].Components) != 0 {
		t.Errorf("a button with a %d-character custom_id", len(q))
	}
	if got := msgs[0].Embeds[0].Footer.Text; got != `Showing 1-1. Mention me with "more" for the next 1.` {
		t.Errorf("footer = %q", got)
	}
}

func TestEncodeDecodeMore(t *testing.T) {
	for _, ref := range []bot.PageRef{{Query: "ceasefire", Offset: 3}, {Query: "a:b c:d \"x y\"", Offset: 0}, {Query: "перемир'я", Offset: 40}} {
		id, ok := EncodeMore(ref)
		if !ok {
			t.Fatalf("EncodeMore(%+v) failed", ref)
		}
		got, ok := DecodeMore(id)
		if !ok || got != ref {
			t.Errorf("DecodeMore(%q) = %+v, %v; want %+v", id, got, ok, ref)
		}
	}
	for _, id := range []string{"", "more:", "more:x:q", "more:-1:q", "more:3:", "other:3:q", "more:3"} {
		if _, ok := DecodeMore(id); ok {
			t.Errorf("DecodeMore(%q) accepted", id)
		}
	}
	if _, ok := EncodeMore(bot.PageRef{Query: strings.Repeat("é", 95), Offset: 1}); ok {
		t.Error("a custom_id over 100 characters was accepted")
	}
}

// TestRenderLong checks the split of answers far over Discord's limits:
// every message within them, every development whole in exactly one
// message, in order, and the More button on the last.
func TestRenderLong(t *testing.T) {
	var items []bot.Item
	for i := range 60 {
		items = append(items, bot.Item{
			Date:    fmt.Sprintf("%d May 2025", i%28+1),
			Summary: fmt.Sprintf("Development %02d: ", i) + strings.Repeat("talks on prisoners and the ceasefire 🕊️ ", 8+i%5),
			Sources: []bot.Link{{Name: "Reuters", URL: "https://reuters.com/" + strings.Repeat("p", i)}},
		})
	}
	r := bot.Reply{Title: "Timeline: " + strings.Repeat("long ", 80), Text: strings.Repeat("An introduction line. ", 400), Items: items, Footer: "Showing 1-60.", Next: &bot.PageRef{Query: "talks", Offset: 60}}
	msgs := Render(r)
	checkAll(t, msgs)
	if len(msgs) < 3 {
		t.Fatalf("%d messages; want a split", len(msgs))
	}
	var all []string
	for i, m := range msgs {
		e := m.Embeds[0]
		if (e.Title != "") != (i == 0) {
			t.Errorf("message %d has title %q", i, e.Title)
		}
		if (e.Footer != nil) != (i == len(msgs)-1) || (len(m.Components) > 0) != (i == len(msgs)-1) {
			t.Errorf("message %d: footer %v, components %d", i, e.Footer, len(m.Components))
		}
		all = append(all, strings.Split(e.Description, "\n")...)
	}
	n := 0
	for _, l := range all {
		if strings.HasPrefix(l, "**") {
			if want := fmt.Sprintf("Development %02d: ", n); !strings.Contains(l, want) {
				t.Errorf("development line %d is %.60q", n, l)
			}
			n++
		}
	}
	if n != len(items) {
		t.Errorf("%d developments rendered, want %d", n, len(items))
	}
}

// TestRenderTooLong checks that an answer needing more than MaxMessages
// messages is cut, saying so.
func TestRenderTooLong(t *testing.T) {
	var items []bot.Item
	for range 100 {
		items = append(items, bot.Item{Date: "1 May 2025", Summary: strings.Repeat("w", 3000)})
	}
	msgs := Render(bot.Reply{Items: items})
	checkAll(t, msgs)
	if len(msgs) != MaxMessages {
		t.Fatalf("%d messages, want %d", len(msgs), MaxMessages)
	}
	if d := msgs[MaxMessages-1].Embeds[0].Description; !strings.HasSuffix(d, cutNote) {
		t.Errorf("last message does not say the answer was cut: %.80q", d[max(0, len(d)-80):])
	}
}

func TestRenderOneHugeLine(t *testing.T) {
	// A paragraph of 10,000 escapable characters on one line: split
	// inside the line, never between a backslash and what it escapes.
	msgs := Render(bot.Reply{Text: strings.Repeat("*_", 5000)})
	checkAll(t, msgs)
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Embeds[0].Description)
	}
	if got := strings.Count(b.String(), `\*\_`); got != 5000 {
		t.Errorf("%d escaped pairs survive the split, want 5000", got)
	}
}

func TestRenderEmpty(t *testing.T) {
	checkAll(t, Render(bot.Reply{}))
	checkAll(t, Render(bot.Reply{Footer: "only a footer"}))
}

func FuzzRender(f *testing.F) {
	f.Add("Timeline: x", "text\n# h\n@everyone <@1>", "11 May 2025", "summary *x*", "AP", "https://a.example/(x)", "footer /more", "q", 3)
	f.Add("", "", "", "\xff\xfe", "", "", "", "", -1)
	// Everything escapable, every part as long as its bound allows.
	f.Add(strings.Repeat("*", 300), strings.Repeat("@_", 300), strings.Repeat("*", 100), strings.Repeat("_*[]<@", 500), strings.Repeat("[", 100), "https://a.example/"+strings.Repeat("a", 700), "footer", "q", 3)
	f.Fuzz(func(t *testing.T, title, text, date, summary, src, srcURL, footer, query string, offset int) {
		r := bot.Reply{Title: title, Text: text, Footer: footer}
		for range 3 {
			r.Items = append(r.Items, bot.Item{Date: date, Summary: summary, Sources: []bot.Link{{Name: src, URL: srcURL}}, Note: text})
		}
		if query != "" {
			r.Next = &bot.PageRef{Query: query, Offset: offset}
		}
		for _, m := range Render(r) {
			if err := checkMessage(m); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestRenderGroupsAndBadges(t *testing.T) {
	r := bot.Reply{
		Title: "Briefing",
		Text:  "3 new developments.",
		Items: []bot.Item{
			{Group: "Ceasefire", Date: "11 March 2025", Summary: "Talks began.", Sources: []bot.Link{{Name: "AP"}}},
			{Group: "Ceasefire", Date: "12 March 2025", Summary: "Casualties rose to 12.", Badge: "Update"},
			{Group: "Prisoners", Summary: "An exchange was agreed.", Badge: "Update:"},
			{Summary: "Ungrouped."},
			{Group: "Ceasefire", Summary: "Talks resumed.", Badge: "  "},
		},
	}
	msgs := Render(r)
	checkAll(t, msgs)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	want := "3 new developments.\n" +
		"\n" +
		"**Ceasefire**\n" +
		"**11 March 2025** Talks began. — AP\n" +
		"**12 March 2025** **Update:** Casualties rose to 12.\n" +
		"\n" +
		"**Prisoners**\n" +
		"**Update:** An exchange was agreed.\n" +
		"Ungrouped.\n" +
		"\n" +
		"**Ceasefire**\n" +
		"Talks resumed."
	if got := msgs[0].Embeds[0].Description; got != want {
		t.Errorf("description:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderHostileGroupsAndBadges(t *testing.T) {
	r := bot.Reply{Items: []bot.Item{
		{Group: "@everyone **now** <@123>", Badge: "[x](https://evil.example)", Summary: "# not a heading @here"},
		{Group: "# Heading\n> quote", Summary: "- not a list", Badge: "`code`"},
		{Group: "__under__ ||spoiler||", Summary: "1. not a list"},
	}}
	msgs := Render(r)
	checkAll(t, msgs)
	got := msgs[0].Embeds[0].Description
	want := "**\\@everyone \\*\\*now\\*\\* \\<\\@123>**\n" +
		"**\\[x\\](https://evil.example):** # not a heading \\@here\n" +
		"\n" +
		"**# Heading > quote**\n" +
		"**\\`code\\`:** - not a list\n" +
		"\n" +
		"**\\_\\_under\\_\\_ \\|\\|spoiler\\|\\|**\n" +
		"1\\. not a list"
	if got != want {
		t.Errorf("description:\n%s\nwant:\n%s", got, want)
	}
	// No line of it starts with markup a line start would make live.
	for _, l := range strings.Split(got, "\n") {
		if l != "" && !strings.HasPrefix(l, "**") && !strings.HasPrefix(l, "1\\.") {
			t.Errorf("line %q starts with live markup", l)
		}
	}
}

// Long groups and badges are cut; many groups split over messages never
// leave a heading at the end of a message, away from its development.
func TestRenderManyGroups(t *testing.T) {
	var items []bot.Item
	for i := range 120 {
		items = append(items, bot.Item{
			Group:   fmt.Sprintf("Topic %d %s", i/2, strings.Repeat("g", 300)),
			Badge:   strings.Repeat("b*", 50),
			Date:    "1 May 2025",
			Summary: strings.Repeat("word ", 60),
		})
	}
	msgs := Render(bot.Reply{Title: "Briefing", Items: items, Footer: "120 developments."})
	checkAll(t, msgs)
	if len(msgs) < 2 {
		t.Fatalf("%d messages, want several", len(msgs))
	}
	headings := 0
	for i, m := range msgs {
		lines := strings.Split(m.Embeds[0].Description, "\n")
		if last := lines[len(lines)-1]; strings.HasPrefix(last, "**Topic") {
			t.Errorf("message %d ends on a heading: %.40q", i, last)
		}
		for _, l := range lines {
			if strings.HasPrefix(l, "**Topic") {
				headings++
				if n := textLen(l); n > maxGroup+4 {
					t.Errorf("heading of %d characters", n)
				}
				if !strings.HasSuffix(l, "…**") {
					t.Errorf("a long heading is not cut: %.40q", l)
				}
			}
		}
	}
	if headings == 0 {
		t.Error("no headings")
	}
}
