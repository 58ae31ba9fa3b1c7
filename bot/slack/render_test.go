package slack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/briefbot/briefbot/bot"
)

// blockJSON marshals blocks to generic JSON for assertions.
func blockJSON(t testing.TB, blocks []slackapi.Block) []map[string]any {
	t.Helper()
	b, err := json.Marshal(blocks)
	if err != nil {
		t.Fatalf("marshal blocks: %v", err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal blocks: %v", err)
	}
	return out
}

// blockText returns a block's text ("text.text", or the context elements'
// texts joined).
func blockText(b map[string]any) string {
	if t, ok := b["text"].(map[string]any); ok {
		s, _ := t["text"].(string)
		return s
	}
	var parts []string
	if els, ok := b["elements"].([]any); ok {
		for _, e := range els {
			if m, ok := e.(map[string]any); ok {
				if s, ok := m["text"].(string); ok {
					parts = append(parts, s)
				}
			}
		}
	}
	return strings.Join(parts, " ")
}

// allText concatenates every mrkdwn text of a rendering: the blocks and
// the fallback. Header text is plain_text, which Slack shows literally and
// never parses for mentions, so it is left out.
func allText(t *testing.T, msgs []Message) string {
	t.Helper()
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Text)
		b.WriteByte('\n')
		for _, bl := range blockJSON(t, m.Blocks) {
			if bl["type"] == "header" {
				continue
			}
			b.WriteString(blockText(bl))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// checkLimits asserts Slack's limits on every message.
func checkLimits(t *testing.T, msgs []Message) {
	t.Helper()
	if len(msgs) == 0 {
		t.Fatal("no message")
	}
	for i, m := range msgs {
		if m.Text == "" || utf8.RuneCountInString(m.Text) >= 4000 {
			t.Errorf("message %d: fallback text has %d characters", i, utf8.RuneCountInString(m.Text))
		}
		if len(m.Blocks) > MaxBlocks {
			t.Errorf("message %d: %d blocks", i, len(m.Blocks))
		}
		total := 0
		for j, b := range blockJSON(t, m.Blocks) {
			s := blockText(b)
			n := utf8.RuneCountInString(s)
			total += n
			switch b["type"] {
			case "header":
				if n > MaxHeaderText {
					t.Errorf("message %d block %d: header of %d characters", i, j, n)
				}
			case "section", "context":
				if n > MaxSectionText {
					t.Errorf("message %d block %d: %s text of %d characters", i, j, b["type"], n)
				}
			}
			if !utf8.ValidString(s) {
				t.Errorf("message %d block %d: invalid UTF-8", i, j)
			}
		}
		if total > 12000 {
			t.Errorf("message %d: %d characters of block text", i, total)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"<!channel> <!here> <!everyone> <@U123> & < >", "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; &amp; &lt; &gt;"},
		{"&amp; stays literal", "&amp;amp; stays literal"},
		{"<https://evil.example|click>", "&lt;https://evil.example|click&gt;"},
		{"<#C123|general>", "&lt;#C123|general&gt;"},
		{"Київ <b>", "Київ &lt;b&gt;"},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRenderEscapesUntrustedText(t *testing.T) {
	const hostile = "<!channel> <!here> <!everyone> <@U123> & < >"
	r := bot.Reply{
		Title:  "Timeline: " + hostile,
		Text:   hostile,
		Items:  []bot.Item{{Date: "16 May 2025", Summary: hostile, Sources: []bot.Link{{Name: hostile, URL: "https://example.com/a"}, {Name: hostile}}, Note: hostile}},
		Footer: hostile,
	}
	msgs := Render(r)
	checkLimits(t, msgs)
	all := allText(t, msgs)
	for _, live := range []string{"<!channel>", "<!here>", "<!everyone>", "<@U123>", "& ", "< ", " >"} {
		if strings.Contains(all, live) {
			t.Errorf("rendering contains live %q:\n%s", live, all)
		}
	}
	for _, want := range []string{"&lt;!channel&gt;", "&lt;!here&gt;", "&lt;!everyone&gt;", "&lt;@U123&gt;", "&amp;"} {
		if !strings.Contains(all, want) {
			t.Errorf("rendering lacks %q", want)
		}
	}
	// The only "<" left are our own links.
	for _, m := range msgs {
		for _, b := range blockJSON(t, m.Blocks) {
			s := blockText(b)
			if b["type"] == "header" {
				continue // plain_text: Slack renders it literally
			}
			for i := strings.Index(s, "<"); i >= 0; i = strings.Index(s, "<") {
				if !strings.HasPrefix(s[i:], "<https://example.com/a|") {
					t.Errorf("unexpected link markup in %q", s)
					break
				}
				s = s[i+1:]
			}
		}
	}
	// Sections are verbatim: Slack links nothing by itself.
	sec := blockJSON(t, msgs[0].Blocks)[1]
	if v, _ := sec["text"].(map[string]any)["verbatim"].(bool); !v {
		t.Errorf("section text is not verbatim: %v", sec)
	}
}

func TestRenderLinks(t *testing.T) {
	for _, tc := range []struct {
		name string
		link bot.Link
		want string // the sources line
	}{
		{"https", bot.Link{Name: "AP", URL: "https://apnews.com/x"}, "<https://apnews.com/x|AP>"},
		{"http", bot.Link{Name: "Kremlin", URL: "http://en.kremlin.ru/events"}, "<http://en.kremlin.ru/events|Kremlin>"},
		{"no URL", bot.Link{Name: "Desk <b>"}, "Desk &lt;b&gt;"},
		{"javascript", bot.Link{Name: "Click", URL: "javascript:alert(1)"}, "Click"},
		{"data", bot.Link{Name: "Data", URL: "data:text/html,<script>"}, "Data"},
		{"relative", bot.Link{Name: "Rel", URL: "/a/b"}, "Rel"},
		{"ampersand in URL", bot.Link{Name: "Q", URL: "https://x.example/?a=1&b=2"}, "<https://x.example/?a=1&amp;b=2|Q>"},
		{"bar and angle in URL", bot.Link{Name: "Q", URL: "https://x.example/a|b>c"}, "<https://x.example/a%7Cb%3Ec|Q>"},
		{"bar and angle in label", bot.Link{Name: "A|B>C", URL: "https://x.example/"}, "<https://x.example/|A¦B&gt;C>"},
		{"space in URL", bot.Link{Name: "Sp", URL: "https://x.example/a b"}, "Sp"},
		{"no name", bot.Link{URL: "https://www.reuters.com/world"}, "<https://www.reuters.com/world|www.reuters.com>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := Render(bot.Reply{Items: []bot.Item{{Date: "16 May 2025", Summary: "S.", Sources: []bot.Link{tc.link}}}})
			text := blockText(blockJSON(t, msgs[0].Blocks)[0])
			_, line, _ := strings.Cut(text, "\n")
			if line != tc.want {
				t.Errorf("sources line = %q, want %q", line, tc.want)
			}
		})
	}
	msgs := Render(bot.Reply{Items: []bot.Item{{Date: "1 May 2025", Summary: "S.", Sources: []bot.Link{{Name: "AP", URL: "https://a.example/"}, {Name: "Reuters", URL: "https://r.example/"}}}}})
	if got := blockText(blockJSON(t, msgs[0].Blocks)[0]); got != "*1 May 2025*  S.\n<https://a.example/|AP> · <https://r.example/|Reuters>" {
		t.Errorf("two sources: %q", got)
	}
}

func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("Ж", 4000) + strings.Repeat("a&", 500) // runes over 1 byte, entities
	items := func(n int, summary string) []bot.Item {
		var its []bot.Item
		for i := range n {
			its = append(its, bot.Item{Date: fmt.Sprintf("%d May 2025", i%28+1), Summary: fmt.Sprintf("%d %s", i, summary), Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/" + fmt.Sprint(i)}}})
		}
		return its
	}
	for _, tc := range []struct {
		name  string
		reply bot.Reply
		check func(t *testing.T, msgs []Message)
	}{
		{"5000-char summary", bot.Reply{Items: []bot.Item{{Date: "16 May 2025", Summary: strings.Repeat("x", 5000), Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/a"}}}}}, func(t *testing.T, msgs []Message) {
			s := blockText(blockJSON(t, msgs[0].Blocks)[0])
			if n := utf8.RuneCountInString(s); n > MaxSectionText || n < MaxSectionText-10 {
				t.Errorf("section has %d characters, want just under %d", n, MaxSectionText)
			}
			if !strings.Contains(s, "…\n<https://apnews.com/a|AP>") {
				t.Errorf("the cut summary should end with … and keep its source: %q", s[len(s)-60:])
			}
		}},
		{"multibyte summary", bot.Reply{Items: []bot.Item{{Date: "16 May 2025", Summary: long}}}, func(t *testing.T, msgs []Message) {
			s := blockText(blockJSON(t, msgs[0].Blocks)[0])
			if !strings.HasSuffix(s, "…") {
				t.Errorf("cut summary does not end with …")
			}
			if strings.Contains(s, "&am…") || strings.HasSuffix(strings.TrimSuffix(s, "…"), "&") {
				t.Errorf("cut inside an entity: %q", s[len(s)-20:])
			}
		}},
		{"60 items", bot.Reply{Title: "Timeline: ceasefire", Items: items(60, "short"), Footer: "Showing 1-60.", Next: &bot.PageRef{Query: "ceasefire", Offset: 60}}, func(t *testing.T, msgs []Message) {
			if len(msgs) < 2 {
				t.Fatalf("60 items in %d message(s)", len(msgs))
			}
			last := blockJSON(t, msgs[len(msgs)-1].Blocks)
			if last[len(last)-1]["type"] != "actions" || last[len(last)-2]["type"] != "context" {
				t.Errorf("the last message should end with the footer and the button")
			}
			if first := blockJSON(t, msgs[0].Blocks); first[0]["type"] != "header" {
				t.Errorf("the first message should start with the header")
			}
			n := 0
			for _, m := range msgs {
				for _, b := range blockJSON(t, m.Blocks) {
					if b["type"] == "section" {
						n++
					}
				}
			}
			if n != 60 {
				t.Errorf("%d sections, want 60", n)
			}
		}},
		{"60 long items", bot.Reply{Items: items(60, strings.Repeat("long ", 500))}, func(t *testing.T, msgs []Message) {
			if len(msgs) < 6 {
				t.Errorf("60 items of 2,500 characters in only %d messages", len(msgs))
			}
		}},
		{"long header", bot.Reply{Title: strings.Repeat("é", 200)}, func(t *testing.T, msgs []Message) {
			h := blockText(blockJSON(t, msgs[0].Blocks)[0])
			if utf8.RuneCountInString(h) != MaxHeaderText || !strings.HasSuffix(h, "…") {
				t.Errorf("header has %d characters: %q", utf8.RuneCountInString(h), h)
			}
		}},
		{"header with line breaks", bot.Reply{Title: "a\nb\r\tc\x1b"}, func(t *testing.T, msgs []Message) {
			if h := blockText(blockJSON(t, msgs[0].Blocks)[0]); h != "a b  c" {
				t.Errorf("header = %q", h)
			}
		}},
		{"long text", bot.Reply{Text: strings.Repeat("line of help text & more\n", 400)}, func(t *testing.T, msgs []Message) {
			var bl []map[string]any
			for _, m := range msgs {
				bl = append(bl, blockJSON(t, m.Blocks)...)
			}
			if len(bl) < 4 {
				t.Errorf("11,600 characters of escaped text in %d sections", len(bl))
			}
			for _, b := range bl {
				if s := blockText(b); strings.HasPrefix(s, "\n") || strings.HasSuffix(s, "&amp") {
					t.Errorf("bad split: %q…", s[:20])
				}
			}
		}},
		{"long fallback", bot.Reply{Title: "T", Items: items(30, strings.Repeat("w&", 200))}, func(t *testing.T, msgs []Message) {
			if !strings.HasSuffix(msgs[0].Text, "…") {
				t.Errorf("long fallback not cut")
			}
		}},
		{"error", bot.Reply{Error: true, Text: "Bad query."}, func(t *testing.T, msgs []Message) {
			if s := blockText(blockJSON(t, msgs[0].Blocks)[0]); s != ":warning: Bad query." {
				t.Errorf("error section = %q", s)
			}
		}},
		{"empty reply", bot.Reply{}, func(t *testing.T, msgs []Message) {
			if len(msgs) != 1 || len(msgs[0].Blocks) != 0 || msgs[0].Text == "" {
				t.Errorf("empty reply = %+v", msgs)
			}
		}},
		{"query too long for the button", bot.Reply{Items: items(1, "x"), Footer: "Showing 1-10, oldest first. /more for the next 10.", Next: &bot.PageRef{Query: strings.Repeat("q", 2100), Offset: 10}}, func(t *testing.T, msgs []Message) {
			bl := blockJSON(t, msgs[len(msgs)-1].Blocks)
			if bl[len(bl)-1]["type"] == "actions" {
				t.Errorf("button kept with a value over %d characters", MaxButtonValue)
			}
			if f := blockText(bl[len(bl)-1]); !strings.Contains(f, "/briefbot more") {
				t.Errorf("footer lost its hint: %q", f)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := Render(tc.reply)
			checkLimits(t, msgs)
			tc.check(t, msgs)
		})
	}
}

// TestRenderGolden pins the exact Block Kit of a small timeline page.
func TestRenderGolden(t *testing.T) {
	r := bot.Reply{
		Title: "Timeline: ceasefire",
		Items: []bot.Item{
			{Date: "16 May 2025", Summary: "Delegations met in Istanbul & agreed a swap.", Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/a?x=1&y=2"}, {Name: "Desk"}}},
			{Date: "late April 2025", Summary: "A truce was declared.", Note: "#12; actors: putin"},
		},
		Footer: "Showing 1-2, oldest first. /more for the next 2.",
		Next:   &bot.PageRef{Query: "ceasefire since:2025-04", Offset: 2},
	}
	msgs := Render(r)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	got, err := json.MarshalIndent(msgs[0].Blocks, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "type": "header",
    "text": {
      "type": "plain_text",
      "text": "Timeline: ceasefire"
    }
  },
  {
    "type": "section",
    "text": {
      "type": "mrkdwn",
      "text": "*16 May 2025*  Delegations met in Istanbul \u0026amp; agreed a swap.\n\u003chttps://apnews.com/a?x=1\u0026amp;y=2|AP\u003e · Desk",
      "verbatim": true
    }
  },
  {
    "type": "section",
    "text": {
      "type": "mrkdwn",
      "text": "*late April 2025*  A truce was declared.\n#12; actors: putin",
      "verbatim": true
    }
  },
  {
    "type": "context",
    "elements": [
      {
        "type": "mrkdwn",
        "text": "Showing 1-2, oldest first. /briefbot more for the next 2.",
        "verbatim": true
      }
    ]
  },
  {
    "type": "actions",
    "block_id": "briefbot_more",
    "elements": [
      {
        "type": "button",
        "text": {
          "type": "plain_text",
          "text": "More"
        },
        "action_id": "briefbot_more",
        "value": "{\"q\":\"ceasefire since:2025-04\",\"o\":2}"
      }
    ]
  }
]`
	if string(got) != want {
		t.Errorf("blocks:\n%s\nwant:\n%s", got, want)
	}
	wantText := "Timeline: ceasefire\n16 May 2025: Delegations met in Istanbul &amp; agreed a swap.\nlate April 2025: A truce was declared.\nShowing 1-2, oldest first. /briefbot more for the next 2."
	if msgs[0].Text != wantText {
		t.Errorf("fallback = %q, want %q", msgs[0].Text, wantText)
	}
}

func TestMoreValue(t *testing.T) {
	v, ok := encodeMore(bot.PageRef{Query: `ceasefire "Victory Day" actor:putin`, Offset: 20})
	if !ok {
		t.Fatal("encodeMore failed")
	}
	ref, ok := decodeMore(v)
	if !ok || ref.Query != `ceasefire "Victory Day" actor:putin` || ref.Offset != 20 {
		t.Errorf("round trip = %+v, %v", ref, ok)
	}
	for _, bad := range []string{"", "x", `{"q":"","o":1}`, `{"q":"a","o":-1}`, `[1]`} {
		if _, ok := decodeMore(bad); ok {
			t.Errorf("decodeMore(%q) accepted", bad)
		}
	}
}

func TestSlackToPlain(t *testing.T) {
	for in, want := range map[string]string{
		"On May 16 &amp; 17, talks &lt;resumed&gt;":       "On May 16 & 17, talks <resumed>",
		"see <https://ap.example/x|AP story>":             "see AP story (https://ap.example/x)",
		"see <https://ap.example/x>":                      "see https://ap.example/x",
		"ask <@U123> in <#C1|general>":                    "ask @U123 in #general",
		"hey <!here> and <!subteam^S1|@team>":             "hey @here and @team",
		"mail <mailto:a@b.example|a@b.example>":           "mail a@b.example",
		"timeline truce":                                  "timeline truce",
		"<https://x.example/?a=1&amp;b=2|x.example/?a=1>": "x.example/?a=1 (https://x.example/?a=1&b=2)",
	} {
		if got := slackToPlain(in); got != want {
			t.Errorf("slackToPlain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripMention(t *testing.T) {
	for _, tc := range []struct{ text, me, want string }{
		{"<@UBOT> what happened with prisoners?", "UBOT", "what happened with prisoners?"},
		{"<@UBOT>: /timeline truce", "UBOT", "/timeline truce"},
		{"what did <@UBOT> say", "UBOT", "what did  say"},
		{"<@U999> ask <@UBOT> latest", "UBOT", "<@U999> ask  latest"},
		{"<@UBOT> latest", "", "latest"},
		{"  <@W12AB|bot> help", "", "help"},
	} {
		if got := stripMention(tc.text, tc.me); got != tc.want {
			t.Errorf("stripMention(%q, %q) = %q, want %q", tc.text, tc.me, got, tc.want)
		}
	}
}

func TestCommandText(t *testing.T) {
	items := bot.Reply{Items: []bot.Item{{Summary: "x"}}}
	for _, tc := range []struct {
		cmd, text, want string
		public          bool // for a reply with items
	}{
		{"/timeline", "ceasefire since:2025-04", "/timeline ceasefire since:2025-04", true},
		{"/latest", "", "/latest", true},
		{"/latest", "5", "/latest 5", true},
		{"/brief", "", "/brief", false},
		{"/ingest", "On May 16 they met.", "/ingest On May 16 they met.", false},
		{"/briefbot", "", "/help", false},
		{"/briefbot", "help", "/help", false},
		{"/briefbot", "timeline truce", "/timeline truce", true},
		{"/briefbot", "/timeline truce", "/timeline truce", true},
		{"/briefbot", "more", "/more", true},
		{"/briefbot", "what happened with prisoners?", "what happened with prisoners?", true},
		{"/TIMELINE", "truce", "/timeline truce", true},
	} {
		got, public := commandText(tc.cmd, tc.text)
		if got != tc.want || public(items) != tc.public {
			t.Errorf("commandText(%q, %q) = %q, public %v; want %q, %v", tc.cmd, tc.text, got, public(items), tc.want, tc.public)
		}
		if public(bot.Reply{Error: true, Text: "bad"}) {
			t.Errorf("commandText(%q, %q): errors are public", tc.cmd, tc.text)
		}
	}
}

// TestRenderNoQuotes checks that article text starting a line with ">"
// does not turn into a block quote, wherever it lands, and that a date
// holding mrkdwn's formatting characters stays one bold date.
func TestRenderNoQuotes(t *testing.T) {
	r := bot.Reply{
		Text: "> a quoted line\nplain\n  > indented\n" + strings.Repeat("x", MaxSectionText) + "> cut just before",
		Items: []bot.Item{
			{Date: " *16 May* 2025_ ", Summary: "> after the date", Sources: []bot.Link{{Name: "> a source"}, {Name: "AP", URL: "https://apnews.com/"}}, Note: "> a note"},
			{Summary: ">> no date: the summary starts the line"},
		},
		Footer: "> a footer",
	}
	msgs := Render(r)
	checkLimits(t, msgs)
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Text)
		for _, b := range blockJSON(t, m.Blocks) {
			if b["type"] != "header" {
				texts = append(texts, blockText(b))
			}
		}
	}
	quotes := 0
	for _, s := range texts {
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, " \t"), "&gt;") {
				t.Errorf("a line starts a quote: %.60q", line)
			}
			if strings.HasPrefix(line, "\u200b") && strings.HasPrefix(strings.TrimLeft(line[len("\u200b"):], " \t"), "&gt;") {
				quotes++
			}
		}
	}
	if quotes < 8 {
		t.Errorf("%d quote-like lines kept (after a zero-width space), want every one:\n%q", quotes, texts)
	}
	want := "*16 May 2025*  \u200b&gt; after the date\n\u200b&gt; a source · <https://apnews.com/|AP>\n\u200b&gt; a note"
	if !slices.Contains(texts, want) {
		t.Errorf("no section reads %q:\n%q", want, texts)
	}
}

// TestRenderGroupsAndBadges pins how a briefing grouped by topic reads: a
// bold heading above the first item of each run of items in one group, and
// a bold badge before an item's summary.
func TestRenderGroupsAndBadges(t *testing.T) {
	r := bot.Reply{
		Title: "Briefing",
		Items: []bot.Item{
			{Date: "16 May 2025", Summary: "Talks began.", Group: "Ceasefire"},
			{Date: "17 May 2025", Summary: "A truce was agreed.", Group: "Ceasefire", Badge: "Update"},
			{Date: "18 May 2025", Summary: "1,000 for 1,000.", Group: "Prisoners"},
			{Summary: "No group."},
			{Date: "19 May 2025", Summary: "Talks resumed.", Group: "Ceasefire", Badge: "Update:"},
		},
	}
	msgs := Render(r)
	checkLimits(t, msgs)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	var got []string
	for _, b := range blockJSON(t, msgs[0].Blocks) {
		if b["type"] == "section" {
			got = append(got, blockText(b))
		}
	}
	want := []string{
		"*Ceasefire*",
		"*16 May 2025*  Talks began.",
		"*17 May 2025*  *Update:* A truce was agreed.",
		"*Prisoners*",
		"*18 May 2025*  1,000 for 1,000.",
		"No group.",
		"*Ceasefire*",
		"*19 May 2025*  *Update:* Talks resumed.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sections:\n%q\nwant:\n%q", got, want)
	}
	wantText := "Briefing\nCeasefire\n16 May 2025: Talks began.\n17 May 2025: Update: A truce was agreed.\nPrisoners\n18 May 2025: 1,000 for 1,000.\nNo group.\nCeasefire\n19 May 2025: Update: Talks resumed."
	if msgs[0].Text != wantText {
		t.Errorf("fallback = %q, want %q", msgs[0].Text, wantText)
	}
}

func TestRenderGroupsAndBadgesHostile(t *testing.T) {
	const hostile = "<!channel> <@U123> & <https://evil.example|x>"
	for _, tc := range []struct {
		name string
		item bot.Item
		want string // a section's text
	}{
		{"group", bot.Item{Summary: "S.", Group: hostile}, "*&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;https://evil.example|x&gt;*"},
		{"badge", bot.Item{Summary: "S.", Badge: "<!here>"}, "*&lt;!here&gt;:* S."},
		{"formatting dropped", bot.Item{Summary: "S.", Group: "*Cease_fire~`*", Badge: " *Up*date "}, "*Ceasefire*"},
		{"formatting dropped from the badge", bot.Item{Summary: "S.", Badge: " *Up*date "}, "*Update:* S."},
		{"only formatting", bot.Item{Summary: "S.", Group: "**", Badge: "_"}, "S."},
		{"quote", bot.Item{Summary: "S.", Group: "> quoted", Badge: "> q"}, "*\u200b&gt; quoted*"},
		{"line breaks", bot.Item{Summary: "S.", Group: "a\nb\u202ec"}, "*a bc*"},
		{"long group", bot.Item{Summary: "S.", Group: strings.Repeat("g", 400)}, "*" + strings.Repeat("g", maxGroupText-1) + "…*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := Render(bot.Reply{Items: []bot.Item{tc.item}})
			checkLimits(t, msgs)
			var texts []string
			for _, b := range blockJSON(t, msgs[0].Blocks) {
				texts = append(texts, blockText(b))
			}
			if !slices.Contains(texts, tc.want) {
				t.Errorf("no section reads %q: %q", tc.want, texts)
			}
			all := allText(t, msgs)
			for _, live := range []string{"<!channel>", "<!here>", "<@U123>", "<https://evil"} {
				if strings.Contains(all, live) {
					t.Errorf("live %q in %q", live, all)
				}
			}
			for _, line := range strings.Split(all, "\n") {
				if strings.HasPrefix(strings.TrimLeft(line, " \t"), "&gt;") {
					t.Errorf("a line starts a quote: %q", line)
				}
			}
		})
	}
}

// TestRenderGroupHeadingStaysWithItem checks that a message never ends with
// a group heading whose first item went into the next message.
func TestRenderGroupHeadingStaysWithItem(t *testing.T) {
	for _, tc := range []struct {
		name  string
		items func() []bot.Item
	}{
		{"block limit", func() []bot.Item {
			var its []bot.Item
			for i := range 120 {
				// a new group every 3 items, so headings land at
				// every position of a message
				its = append(its, bot.Item{Date: "1 May 2025", Summary: fmt.Sprintf("item %d", i), Group: fmt.Sprintf("Topic %d", i/3)})
			}
			return its
		}},
		{"text limit", func() []bot.Item {
			var its []bot.Item
			for i := range 40 {
				its = append(its, bot.Item{Date: "1 May 2025", Summary: fmt.Sprintf("%d %s", i, strings.Repeat("long ", 300+i*7)), Group: fmt.Sprintf("Topic %d", i)})
			}
			return its
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := tc.items()
			msgs := Render(bot.Reply{Title: "Briefing", Items: items, Footer: "The end."})
			checkLimits(t, msgs)
			if len(msgs) < 2 {
				t.Fatalf("%d message(s), want several", len(msgs))
			}
			sections := 0
			for i, m := range msgs {
				bl := blockJSON(t, m.Blocks)
				last := blockText(bl[len(bl)-1])
				if strings.HasPrefix(last, "*Topic ") && strings.HasSuffix(last, "*") {
					t.Errorf("message %d ends with the heading %q", i, last)
				}
				for _, b := range bl {
					if b["type"] == "section" && !strings.HasPrefix(blockText(b), "*Topic ") {
						sections++
					}
				}
			}
			if sections != len(items) {
				t.Errorf("%d item sections, want %d", sections, len(items))
			}
		})
	}
}
