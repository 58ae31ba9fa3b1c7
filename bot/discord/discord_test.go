package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/bot/discord/discordfake"
	"github.com/briefbot/briefbot/briefing"
)

func TestMentionTimeline(t *testing.T) {
	h := newHarness(t)
	h.run()
	if got, want := h.fake.Intents(), int(discordgo.IntentsGuildMessages|discordgo.IntentsDirectMessages); got != want {
		t.Errorf("intents %d, want %d (no privileged intent)", got, want)
	}

	id := h.mention("timeline ceasefire")
	c := h.calls("POST", routeMessages, 1)[0]
	if c.Status != 200 || c.Params["channel_id"] != discordfake.ChannelID || c.Auth != "Bot "+h.fake.Token() {
		t.Errorf("posted to %s with status %d", c.Params["channel_id"], c.Status)
	}
	// The exact body: a reply to the question, nobody pinged, the first
	// page of the ceasefire timeline with a More button.
	msgs := h.expected(discordfake.ChannelID, "/timeline ceasefire")
	if len(msgs) != 1 {
		t.Fatalf("expected %d messages", len(msgs))
	}
	no := false
	want := bodyOf(msgs[0], &discordgo.MessageReference{MessageID: id, ChannelID: discordfake.ChannelID, GuildID: discordfake.GuildID, FailIfNotExists: &no}, 0)
	if !sameJSON(t, sent(t, c), want) {
		t.Errorf("body:\n%s\nwant:\n%s", c.Body, mustJSON(want))
	}
	ref, _ := c.JSON["message_reference"].(map[string]any)
	if ref["message_id"] != id || ref["fail_if_not_exists"] != false {
		t.Errorf("message_reference = %v", ref)
	}
	if !allowsNoMentions(c.JSON) {
		t.Errorf("allowed_mentions = %v", c.JSON["allowed_mentions"])
	}
	e := embed(c, 0)
	if e["title"] != "Timeline: ceasefire" {
		t.Errorf("title = %v", e["title"])
	}
	lines := strings.Split(description(c), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d developments: %q", len(lines), lines)
	}
	if want := "**11 March 2025** Ukraine said in Jeddah that it was ready to accept a U.S. proposal for an immediate 30-day ceasefire, and Washington resumed military aid and intelligence sharing. — [demo (state.gov)](https://www.state.gov/)"; lines[0] != want {
		t.Errorf("first development:\n%s\nwant:\n%s", lines[0], want)
	}
	if !strings.HasPrefix(lines[2], "**18 March 2025** Trump and Putin spoke by phone") || !strings.HasSuffix(lines[2], " — [demo (kremlin.ru)](http://en.kremlin.ru/events/president/news)") {
		t.Errorf("third development: %s", lines[2])
	}
	if f, _ := e["footer"].(map[string]any); f["text"] != "Showing 1-3, oldest first. Press More for the next 3." {
		t.Errorf("footer = %v", e["footer"])
	}
	if got := customID(c); got != "more:3:ceasefire" {
		t.Errorf("More button custom_id = %q", got)
	}
	h.noViolations()
}

func TestMentionQuestionAndDirectMessage(t *testing.T) {
	h := newHarness(t)
	h.run()

	h.mention("what happened with prisoners this week?")
	c := h.calls("POST", routeMessages, 1)[0]
	if e := embed(c, 0); e["title"] != "Timeline: prisoners since:2025-05-19" {
		t.Errorf("title = %v", e["title"])
	}
	if !strings.HasPrefix(description(c), "**23-25 May 2025** Russia and Ukraine carried out the exchange of 1,000 prisoners each") {
		t.Errorf("answer = %s", description(c))
	}

	h.mention("what's new?")
	if c := h.calls("POST", routeMessages, 2)[1]; embed(c, 0)["title"] != "Latest developments" {
		t.Errorf("what's new answered %v", embed(c, 0)["title"])
	}

	// A direct message needs no mention and is answered in the
	// conversation, not as a reply.
	const user = "1200000000000000002"
	dm := discordfake.DMChannelID(user)
	h.dispatch("MESSAGE_CREATE", discordfake.Message(h.id(), dm, "", user, "timeline truce", false))
	c = h.calls("POST", routeMessages, 3)[2]
	if c.Params["channel_id"] != dm || c.JSON["message_reference"] != nil {
		t.Errorf("DM answer: channel %s, reference %v", c.Params["channel_id"], c.JSON["message_reference"])
	}
	if embed(c, 0)["title"] != "Timeline: truce" || !strings.Contains(description(c), "30-day ceasefire") {
		t.Errorf("DM answer = %s", c.Body)
	}

	// Not answered: the bot's own messages, other bots, guild messages
	// that do not mention the bot, and system messages.
	own := discordfake.Message(h.id(), discordfake.ChannelID, discordfake.GuildID, discordfake.BotUserID, mention+" latest", true)
	h.dispatch("MESSAGE_CREATE", own)
	other := discordfake.Message(h.id(), discordfake.ChannelID, discordfake.GuildID, "1200000000000000003", mention+" latest", true)
	other["author"].(map[string]any)["bot"] = true
	h.dispatch("MESSAGE_CREATE", other)
	h.dispatch("MESSAGE_CREATE", discordfake.Message(h.id(), discordfake.ChannelID, discordfake.GuildID, "1200000000000000001", "timeline ceasefire", false))
	pin := discordfake.Message(h.id(), discordfake.ChannelID, discordfake.GuildID, "1200000000000000001", mention, true)
	pin["type"] = 6 // CHANNEL_PINNED_MESSAGE
	h.dispatch("MESSAGE_CREATE", pin)
	// A help request last: when it is answered, the others would have been.
	h.mention("help")
	last := h.calls("POST", routeMessages, 4)[3]
	h.wait()
	if n := len(h.fake.Calls("POST", routeMessages)); n != 4 {
		t.Errorf("%d messages posted, want 4", n)
	}
	if embed(last, 0)["title"] != "briefbot" {
		t.Errorf("4th answer is not the help: %s", last.Body)
	}
	h.noViolations()
}

func TestSlashTimelineAndMore(t *testing.T) {
	h := newHarness(t)
	h.run()

	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "timeline",
		[]map[string]any{{"name": "query", "type": 3, "value": "ceasefire"}}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	cb := h.forToken("POST", routeCallback, tok, 1)[0]
	if cb.Status != 204 || fmt.Sprint(cb.JSON["type"]) != "5" {
		t.Errorf("callback: status %d, type %v; want a deferral (5)", cb.Status, cb.JSON["type"])
	}
	orig := h.forToken("PATCH", routeOriginal, tok, 1)[0]
	if orig.Status != 200 || orig.Params["webhook_id"] != discordfake.AppID {
		t.Errorf("edit original: status %d, application %s", orig.Status, orig.Params["webhook_id"])
	}
	if want := bodyOf(h.expected(discordfake.ChannelID, "/timeline ceasefire")[0], nil, 0); !sameJSON(t, sent(t, orig), want) {
		t.Errorf("edited original:\n%s\nwant:\n%s", orig.Body, mustJSON(want))
	}
	id := customID(orig)
	if id != "more:3:ceasefire" {
		t.Fatalf("More button = %q", id)
	}

	// Click More: a deferred update, then the next page as a follow-up.
	tok2 := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.Button(h.id(), tok2, id, discordfake.ChannelID, discordfake.GuildID, "1200000000000000002", h.id()))
	if cb := h.forToken("POST", routeCallback, tok2, 1)[0]; fmt.Sprint(cb.JSON["type"]) != "6" || cb.Status != 204 {
		t.Errorf("button callback: status %d, type %v; want a deferred update (6)", cb.Status, cb.JSON["type"])
	}
	next := h.forToken("POST", routeFollowUp, tok2, 1)[0]
	if next.Status != 200 || !allowsNoMentions(next.JSON) {
		t.Errorf("follow-up: status %d, allowed_mentions %v", next.Status, next.JSON["allowed_mentions"])
	}
	lines := strings.Split(description(next), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "**19 April 2025** Putin announced an Easter truce") {
		t.Errorf("page 2 = %q", lines)
	}
	if f, _ := embed(next, 0)["footer"].(map[string]any); !strings.HasPrefix(fmt.Sprint(f["text"]), "Showing 4-6") {
		t.Errorf("page 2 footer = %v", f)
	}
	if got := customID(next); got != "more:6:ceasefire" {
		t.Errorf("page 2 button = %q", got)
	}
	if embed(next, 0)["title"] != "Timeline: ceasefire" {
		t.Errorf("page 2 title = %v", embed(next, 0)["title"])
	}

	// A button that is not ours, or no longer decodes.
	tok3 := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.Button(h.id(), tok3, "more:x:y", discordfake.ChannelID, discordfake.GuildID, "1200000000000000002", h.id()))
	bad := h.forToken("POST", routeFollowUp, tok3, 1)[0]
	if !strings.Contains(description(bad), "no longer works") || fmt.Sprint(bad.JSON["flags"]) != "64" {
		t.Errorf("bad button answer = %s", bad.Body)
	}
	h.noViolations()
}

func TestAutocomplete(t *testing.T) {
	h := newHarness(t)
	h.run()
	for _, tc := range []struct {
		typed string
		first string
		n     int // 0: any number
	}{
		{"", "topic:ceasefire", MaxChoices},
		{"cease", "topic:ceasefire", 1},
		{"actor:pu", "actor:putin", 1},
		{"ceasefire actor:zel", "ceasefire actor:zelenskyy", 1},
		{"qqqq", "", 0},
	} {
		tok := h.token()
		start := time.Now()
		h.dispatch("INTERACTION_CREATE", discordfake.Autocomplete(h.id(), tok, "timeline", "query", tc.typed, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
		c := h.forToken("POST", routeCallback, tok, 1)[0]
		if d := c.At.Sub(start); d > 2*time.Second {
			t.Errorf("%q answered after %v", tc.typed, d)
		}
		if fmt.Sprint(c.JSON["type"]) != "8" || c.Status != 204 {
			t.Errorf("%q: type %v status %d", tc.typed, c.JSON["type"], c.Status)
		}
		data, _ := c.JSON["data"].(map[string]any)
		choices, ok := data["choices"].([]any)
		if !ok || len(choices) > MaxChoices {
			t.Fatalf("%q: choices %v", tc.typed, data["choices"])
		}
		if tc.first == "" {
			if len(choices) != 0 {
				t.Errorf("%q: %d choices", tc.typed, len(choices))
			}
			continue
		}
		first, _ := choices[0].(map[string]any)
		if first["value"] != tc.first || (tc.n > 0 && len(choices) != tc.n) {
			t.Errorf("%q: %d choices, first %v; want %d, %s", tc.typed, len(choices), first, tc.n, tc.first)
		}
		for _, ch := range choices {
			v := ch.(map[string]any)["value"].(string)
			if tc.typed != "" && !strings.Contains(v, strings.Fields(tc.typed)[len(strings.Fields(tc.typed))-1][:2]) {
				t.Errorf("%q suggests %q", tc.typed, v)
			}
		}
	}
	h.noViolations()
}

func TestLatestAndIngest(t *testing.T) {
	h := newHarness(t)
	h.run()
	user := "1200000000000000001"

	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "latest",
		[]map[string]any{{"name": "count", "type": 4, "value": 2}}, discordfake.ChannelID, discordfake.GuildID, user))
	c := h.forToken("PATCH", routeOriginal, tok, 1)[0]
	if embed(c, 0)["title"] != "Latest developments" || strings.Count(description(c), "\n") != 1 {
		t.Errorf("/latest 2 = %s", c.Body)
	}
	if cb := h.forToken("POST", routeCallback, tok, 1)[0]; cb.JSON["data"].(map[string]any)["flags"] != nil {
		t.Errorf("/latest deferred as ephemeral: %s", cb.Body)
	}

	article := "On May 19, 2025, the foreign ministers of Ukraine and Poland met in Warsaw and agreed to open a grain corridor through Polish ports."
	tok = h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "ingest", []map[string]any{
		{"name": "text", "type": 3, "value": article},
		{"name": "published", "type": 3, "value": "2025-05-20"},
		{"name": "source", "type": 3, "value": "Kyiv Independent"},
	}, discordfake.ChannelID, discordfake.GuildID, user))
	cb := h.forToken("POST", routeCallback, tok, 1)[0]
	if fmt.Sprint(cb.JSON["data"].(map[string]any)["flags"]) != "64" {
		t.Errorf("/ingest not deferred as ephemeral: %s", cb.Body)
	}
	c = h.forToken("PATCH", routeOriginal, tok, 1)[0]
	if embed(c, 0)["title"] != "Ingested an article" {
		t.Errorf("ingest title = %v", embed(c, 0)["title"])
	}
	d := description(c)
	if !strings.Contains(d, "from Kyiv Independent, published 20 May 2025: 1 new development") || !strings.Contains(d, "**19 May 2025** The foreign ministers of Ukraine and Poland met in Warsaw") {
		t.Errorf("ingest report = %s", d)
	}

	// It is in the timeline now, for a mention too.
	h.mention("timeline grain corridor")
	if m := h.calls("POST", routeMessages, 1)[0]; !strings.Contains(description(m), "Warsaw") {
		t.Errorf("timeline after ingest = %s", description(m))
	}

	// /brief says briefings are not configured, to the user alone.
	tok = h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "brief", nil, discordfake.ChannelID, discordfake.GuildID, user))
	if c := h.forToken("PATCH", routeOriginal, tok, 1)[0]; !strings.Contains(description(c), "not configured yet") {
		t.Errorf("/brief = %s", c.Body)
	}

	// The registered commands are the four, in the guild.
	reg := h.fake.Calls("PUT", routeGuildCmds)[0]
	if reg.Params["application_id"] != discordfake.AppID || reg.Params["guild_id"] != discordfake.GuildID || reg.Status != 200 {
		t.Errorf("registration: app %s guild %s status %d", reg.Params["application_id"], reg.Params["guild_id"], reg.Status)
	}
	if list, _ := reg.Value.([]any); len(list) != 4 {
		t.Errorf("%d commands registered", len(list))
	}
	h.noViolations()
}

// TestHostileArticle ingests an article that tries to ping everyone,
// a user and a role, and to forge a link, then shows it every way the
// adapter can: nothing may be parsed as a mention, and the text must come
// back escaped.
func TestHostileArticle(t *testing.T) {
	h := newHarness(t)
	h.run()
	hostile := "On May 19, 2025, the foreign ministers of Ukraine and Poland met in Warsaw and agreed to tell @everyone and @here, <@123> and <@&456> to [click here](https://evil.example) **urgently**."
	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "ingest", []map[string]any{
		{"name": "text", "type": 3, "value": hostile}, {"name": "source", "type": 3, "value": "@everyone <@&456>"},
	}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	h.forToken("PATCH", routeOriginal, tok, 1)

	h.mention("timeline Warsaw click")
	msg := h.calls("POST", routeMessages, 1)[0]
	tok = h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "timeline",
		[]map[string]any{{"name": "query", "type": 3, "value": "Warsaw click"}}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	orig := h.forToken("PATCH", routeOriginal, tok, 1)[0]
	if err := h.a.Post(context.Background(), discordfake.ChannelID, bot.Reply{Title: "Briefing <@&456>", Text: hostile}); err != nil {
		t.Fatal(err)
	}
	post := h.calls("POST", routeMessages, 2)[1]

	for _, c := range []discordfake.Call{msg, orig, post} {
		d := description(c)
		if m := unescaped.FindString(d); m != "" {
			t.Errorf("%s %s: unescaped %q in %s", c.Method, c.Route, m, d)
		}
		for _, esc := range []string{`\@everyone`, `\@here`, `\<\@123>`, `\<\@&456>`, `\[click here\]`, `\*\*urgently\*\*`} {
			if !strings.Contains(d, esc) {
				t.Errorf("%s %s: %q missing from %s", c.Method, c.Route, esc, d)
			}
		}
	}
	// Every message the adapter sent said allowed_mentions {"parse": []}.
	n := 0
	for _, c := range h.fake.AllCalls() {
		switch {
		case c.Method == "POST" && strings.HasSuffix(c.Route, "/messages"),
			c.Method == "PATCH" && strings.HasSuffix(c.Route, "@original"),
			c.Method == "POST" && strings.HasPrefix(c.Route, "/webhooks/"):
			n++
			if !allowsNoMentions(c.JSON) {
				t.Errorf("%s %s without an empty allowed_mentions: %s", c.Method, c.Route, c.Body)
			}
		case c.Method == "POST" && strings.HasSuffix(c.Route, "/callback"):
			if data, _ := c.JSON["data"].(map[string]any); fmt.Sprint(c.JSON["type"]) != "8" && !allowsNoMentions(data) {
				t.Errorf("interaction response without an empty allowed_mentions: %s", c.Body)
			}
		}
	}
	if n < 4 {
		t.Errorf("only %d messages checked", n)
	}
	h.noViolations()
}

// unescaped finds markup that is not escaped: a mention, @everyone or
// @here, a masked link or bold text.
var unescaped = regexp.MustCompile(`(^|[^\\])(@everyone|@here|<@|\[click|\*\*urgently)`)

// longSummaries makes every development's summary long, so that a page
// of three no longer fits one embed.
type longSummaries struct{ briefing.Store }

func (s longSummaries) Search(ctx context.Context, q briefing.Query) (briefing.Page, error) {
	p, err := s.Store.Search(ctx, q)
	for _, ev := range p.Events {
		ev.Summary = strings.Repeat(ev.Summary+" ", 1+1600/max(1, len(ev.Summary)))
	}
	return p, err
}

func TestLongReplySplit(t *testing.T) {
	h := newHarness(t, withStore(func(st briefing.Store) briefing.Store { return longSummaries{st} }))
	h.run()

	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "timeline",
		[]map[string]any{{"name": "query", "type": 3, "value": "ceasefire"}}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	orig := h.forToken("PATCH", routeOriginal, tok, 1)[0]
	more := h.forToken("POST", routeFollowUp, tok, 1)
	if len(more) != 1 {
		t.Fatalf("%d follow-ups, want 1", len(more))
	}
	if embed(orig, 0)["title"] != "Timeline: ceasefire" || embed(more[0], 0)["title"] != nil {
		t.Errorf("titles %v, %v; want the title on the first message only", embed(orig, 0)["title"], embed(more[0], 0)["title"])
	}
	if customID(orig) != "" || customID(more[0]) != "more:3:ceasefire" {
		t.Errorf("buttons %q, %q; want the More button on the last message", customID(orig), customID(more[0]))
	}
	if n := strings.Count(description(orig), "\n**") + strings.Count(description(more[0]), "\n**") + 2; n != 3 {
		t.Errorf("%d developments across the messages, want 3", n)
	}

	// A briefing posted with Post: many messages, each within the limits.
	var items []bot.Item
	for i := range 40 {
		items = append(items, bot.Item{Date: "1 May 2025", Summary: fmt.Sprintf("%02d ", i) + strings.Repeat("Long development text. ", 30), Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/"}}})
	}
	if err := h.a.Post(context.Background(), discordfake.ChannelID, bot.Reply{Title: "Morning briefing", Items: items, Footer: "40 developments."}); err != nil {
		t.Fatal(err)
	}
	posts := h.fake.Calls("POST", routeMessages)
	if len(posts) < 4 {
		t.Errorf("%d messages for a 28,000-character briefing", len(posts))
	}
	seen := 0
	for _, c := range posts {
		if c.Status != 200 || c.JSON["message_reference"] != nil {
			t.Errorf("post: status %d, reference %v", c.Status, c.JSON["message_reference"])
		}
		if n := textLen(description(c)); n > MaxDescription {
			t.Errorf("description of %d characters", n)
		}
		seen += strings.Count(description(c), "**1 May 2025**")
	}
	if seen != 40 {
		t.Errorf("%d developments posted, want 40", seen)
	}
	h.noViolations()
}

// TestResumeReplay drops the connection, has the gateway keep a
// MESSAGE_CREATE and an INTERACTION_CREATE the bot has answered already,
// and checks that neither is answered again when the RESUME replays them.
func TestResumeReplay(t *testing.T) {
	h := newHarness(t)
	h.run()
	id := h.id()
	question := discordfake.Message(id, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001", mention+" latest", true)
	h.dispatch("MESSAGE_CREATE", question)
	h.calls("POST", routeMessages, 1)
	tok := h.token()
	slash := discordfake.SlashCommand(h.id(), tok, "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001")
	h.dispatch("INTERACTION_CREATE", slash)
	h.forToken("PATCH", routeOriginal, tok, 1)

	h.fake.Drop()
	// While the bot is away, the gateway queues the same events again (as
	// after a RESUME from an older seq) and one new question.
	h.dispatch("MESSAGE_CREATE", question)
	h.dispatch("INTERACTION_CREATE", slash)
	h.dispatch("MESSAGE_CREATE", discordfake.Message(h.id(), discordfake.ChannelID, discordfake.GuildID, "1200000000000000001", mention+" help", true))
	if err := h.fake.WaitResumes(1, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := h.fake.WaitReady(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	h.calls("POST", routeMessages, 2)
	h.wait()
	posts := h.fake.Calls("POST", routeMessages)
	if len(posts) != 2 {
		t.Errorf("%d messages posted, want 2 (the replayed question answered once)", len(posts))
	}
	if embed(posts[1], 0)["title"] != "briefbot" {
		t.Errorf("second answer %v, want the help", embed(posts[1], 0)["title"])
	}
	if n := len(h.forToken("POST", routeCallback, tok, 1)); n != 1 {
		t.Errorf("the replayed interaction got %d responses", n)
	}
	if h.fake.Identifies() != 1 {
		t.Errorf("%d IDENTIFY; a dropped connection should RESUME", h.fake.Identifies())
	}
	h.noViolations()
}

func TestInvalidSessionAndReconnect(t *testing.T) {
	h := newHarness(t)
	h.run()

	// op 9, not resumable: a fresh IDENTIFY, and the bot still answers.
	h.fake.InvalidSession(false)
	if err := h.fake.WaitIdentifies(2, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := h.fake.WaitReady(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	h.mention("latest")
	h.calls("POST", routeMessages, 1)

	// op 7: reconnect and RESUME.
	h.fake.Reconnect()
	if err := h.fake.WaitResumes(1, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := h.fake.WaitReady(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	h.mention("help")
	h.calls("POST", routeMessages, 2)

	// A dropped connection (no close frame): reconnect and RESUME.
	h.fake.Drop()
	if err := h.fake.WaitResumes(2, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := h.fake.WaitReady(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	h.mention("help")
	h.calls("POST", routeMessages, 3)
	if n := len(h.fake.Calls("PUT", routeGuildCmds)); n != 1 {
		t.Errorf("commands registered %d times; once per Run", n)
	}
	h.noViolations()
}

func TestFatalCloseCodes(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{
		{4004, "authentication failed"},
		{4014, "disallowed intents"},
		{4013, "invalid intents"},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			h := newHarness(t)
			h.run()
			h.fake.CloseWith(tc.code, "closed by the test")
			start := time.Now()
			var err error
			select {
			case err = <-h.done:
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after a fatal close code")
			}
			h.stop = nil
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Run took %v to give up", d)
			}
			var fe *FatalCloseError
			if !errors.As(err, &fe) || fe.Code != tc.code || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run = %v, want a FatalCloseError %d saying %q", err, tc.code, tc.want)
			}
			if strings.Contains(err.Error(), h.fake.Token()) {
				t.Error("the error holds the token")
			}
			// The code was read off the closed connection: no attempt to
			// resume or identify again.
			if h.fake.Identifies() != 1 || h.fake.Resumes() != 0 {
				t.Errorf("%d IDENTIFY and %d RESUME; want no reconnect after a fatal close", h.fake.Identifies(), h.fake.Resumes())
			}
			if len(h.logs.lines("level=ERROR", "closed for good", fmt.Sprintf("close_code=%d", tc.code))) != 1 {
				t.Errorf("want one error logged for close code %d", tc.code)
			}
		})
	}
}

func TestRejectedTokenAtStart(t *testing.T) {
	h := newHarness(t)
	h.fake.RevokeToken()
	start := time.Now()
	h.start()
	var err error
	select {
	case err = <-h.done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return on a rejected token")
	}
	h.stop = nil
	var fe *FatalCloseError
	if !errors.As(err, &fe) || fe.Code != 4004 {
		t.Errorf("Run = %v, want close code 4004", err)
	}
	if time.Since(start) > 5*time.Second || h.fake.Identifies() != 1 {
		t.Errorf("gave up after %v and %d IDENTIFY", time.Since(start), h.fake.Identifies())
	}
}

func TestRateLimitAndServerErrors(t *testing.T) {
	h := newHarness(t)
	h.run()

	// 429 on a message: wait retry_after, post once.
	h.fake.FailNext("POST", routeMessages, 1, 429, 1.0)
	h.mention("latest")
	posts := h.calls("POST", routeMessages, 2)
	if posts[0].Status != 429 || posts[1].Status != 200 {
		t.Errorf("statuses %d, %d; want 429, 200", posts[0].Status, posts[1].Status)
	}
	if d := posts[1].At.Sub(posts[0].At); d < 900*time.Millisecond || d > 5*time.Second {
		t.Errorf("retried after %v, want about the 1 s retry_after", d)
	}

	// 429 on an edit of the original response, the same.
	h.fake.FailNext("PATCH", routeOriginal, 1, 429, 0.3)
	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	if edits := h.forToken("PATCH", routeOriginal, tok, 2); edits[0].Status != 429 || edits[1].Status != 200 {
		t.Errorf("edit statuses %d, %d", edits[0].Status, edits[1].Status)
	}

	// A retry_after past the bound is not waited for, and that channel
	// is left alone until it passes (a direct message here, so that the
	// rest of the test can use the guild channel).
	const user = "1200000000000000002"
	dm := discordfake.DMChannelID(user)
	h.fake.FailNext("POST", routeMessages, 1, 429, 600)
	h.dispatch("MESSAGE_CREATE", discordfake.Message(h.id(), dm, "", user, "help", false))
	h.calls("POST", routeMessages, 3)
	h.waitLog(1, "rate limited for longer", "channel="+dm)
	h.dispatch("MESSAGE_CREATE", discordfake.Message(h.id(), dm, "", user, "help", false))
	if n := len(h.waitLog(2, "rate limited for longer", "channel="+dm)); n != 2 {
		t.Errorf("%d log lines for answers dropped on a long rate limit, want 2", n)
	}
	h.wait()
	if n := len(h.fake.Calls("POST", routeMessages)); n != 3 {
		t.Errorf("%d message posts, want 3: nothing more to the rate-limited channel", n)
	}

	// A 5xx on a post is not retried (it may have been posted): one
	// clear log line.
	h.fake.FailNext("POST", routeMessages, 1, 500, 0)
	h.mention("help")
	h.calls("POST", routeMessages, 4)
	h.wait()
	if n := len(h.fake.Calls("POST", routeMessages)); n != 4 {
		t.Errorf("%d message posts, want 4: a 5xx post is not retried", n)
	}
	if lines := h.logs.lines("not retried, since the message may have been posted", "channel="+discordfake.ChannelID); len(lines) != 1 {
		t.Errorf("want one log line for the 5xx, got %q", lines)
	}

	// A 5xx on an edit (idempotent) is retried.
	h.fake.FailNext("PATCH", routeOriginal, 1, 502, 0)
	tok = h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	if edits := h.forToken("PATCH", routeOriginal, tok, 2); edits[1].Status != 200 {
		t.Errorf("edit after a 502: %d", edits[1].Status)
	}
	h.noViolations()
}

// TestSlowStore checks that interactions are deferred within Discord's
// 3 s while the store takes its time and the workers are all busy, and
// that every answer arrives once the store answers.
func TestSlowStore(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t,
		withStore(func(st briefing.Store) briefing.Store { return gatedStore{Store: st, gate: gate} }),
		withConfig(func(c *Config) { c.Workers = 2 }))
	h.run()
	var toks []string
	for range 8 {
		tok := h.token()
		toks = append(toks, tok)
		h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "timeline",
			[]map[string]any{{"name": "query", "type": 3, "value": "ceasefire"}}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	}
	for _, tok := range toks {
		if cb := h.forToken("POST", routeCallback, tok, 1)[0]; cb.Status != 204 {
			t.Errorf("deferral answered %d", cb.Status)
		}
	}
	if n := len(h.fake.Calls("PATCH", routeOriginal)); n != 0 {
		t.Fatalf("%d answers while the store was blocked", n)
	}
	close(gate)
	for _, tok := range toks {
		if c := h.forToken("PATCH", routeOriginal, tok, 1)[0]; strings.Count(description(c), "\n") != 2 {
			t.Errorf("answer: %s", description(c))
		}
	}
	h.noViolations()
}

// TestShutdown checks that Run waits for the answers in progress and that
// nothing is taken on afterwards.
func TestShutdown(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, withStore(func(st briefing.Store) briefing.Store { return gatedStore{Store: st, gate: gate} }))
	h.run()
	h.mention("timeline ceasefire")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if h.a.pool.Inflight() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the mention never reached the adapter")
		}
	}
	stopped := make(chan error, 1)
	go func() { stopped <- h.stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) with an answer in progress", err)
	case <-time.After(1500 * time.Millisecond):
	}
	close(gate)
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the answer finished")
	}
	if n := len(h.fake.Calls("POST", routeMessages)); n != 1 {
		t.Errorf("%d answers delivered, want 1", n)
	}
	if ok, _ := h.a.reserve(); ok {
		t.Error("work accepted after Run returned")
	}
	if err := h.a.Run(context.Background()); err == nil {
		t.Error("a second Run was accepted")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// silentGateway is a gateway that accepts the websocket and then says
// nothing (or only HELLO): discordgo's Open would wait for ever.
func silentGateway(t *testing.T, hello bool) *http.Client {
	t.Helper()
	var srv *httptest.Server
	up := websocket.Upgrader{}
	var mu sync.Mutex
	var conns []*websocket.Conn
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/gateway") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"url":"ws://%s/gw"}`, r.Host)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		if hello {
			_ = c.WriteMessage(websocket.TextMessage, []byte(`{"op":10,"d":{"heartbeat_interval":41250}}`))
		}
		// Read until the client goes away.
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		srv.Close()
	})
	host := strings.TrimPrefix(srv.URL, "http://")
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = "http", host, host
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestOpenTimeout checks the deadline around the gateway handshake: a
// gateway that never says HELLO, or never READY, does not hold the
// adapter for ever.
func TestOpenTimeout(t *testing.T) {
	for _, hello := range []bool{false, true} {
		t.Run(fmt.Sprintf("hello=%v", hello), func(t *testing.T) {
			a, err := New(bottest.New(t).Bot, Config{Token: "MTI0.x.y", HTTPClient: silentGateway(t, hello), OpenTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer a.shutdown()
			start := time.Now()
			err = a.open(context.Background())
			if !errors.Is(err, errOpenTimeout) {
				t.Errorf("open = %v, want a timeout", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("open gave up after %v; the deadline is 300 ms", d)
			}
		})
	}
}

// TestBusy checks what happens past the queue's bound: a command is told,
// privately and at once, that the bot is busy; a mention is dropped with a
// log line.
func TestBusy(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t,
		withStore(func(st briefing.Store) briefing.Store { return gatedStore{Store: st, gate: gate} }),
		withConfig(func(c *Config) { c.Workers = 1 }))
	h.a.pool.SetMaxPending(1)
	h.run()
	slash := func() string {
		tok := h.token()
		h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "timeline",
			[]map[string]any{{"name": "query", "type": 3, "value": "ceasefire"}}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
		return tok
	}
	first := slash()
	if cb := h.forToken("POST", routeCallback, first, 1)[0]; fmt.Sprint(cb.JSON["type"]) != "5" {
		t.Fatalf("first command: %s", cb.Body)
	}
	second := slash()
	cb := h.forToken("POST", routeCallback, second, 1)[0]
	data, _ := cb.JSON["data"].(map[string]any)
	if fmt.Sprint(cb.JSON["type"]) != "4" || fmt.Sprint(data["flags"]) != "64" || cb.Status != 204 || !allowsNoMentions(data) {
		t.Errorf("busy answer: %s", cb.Body)
	}
	if e := embed(cb, 0); !strings.Contains(fmt.Sprint(e["description"]), "busy") {
		t.Errorf("busy answer says %v", e["description"])
	}
	h.mention("latest")
	if len(h.waitLog(1, "too busy, mention dropped")) != 1 {
		t.Error("no log line for the dropped mention")
	}
	close(gate)
	h.forToken("PATCH", routeOriginal, first, 1)
	h.noViolations()
}

// TestGlobalCommandsAndPost checks the global registration (no guild
// configured) and Post's check of its channel.
func TestGlobalCommandsAndPost(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) { c.GuildID = "" }))
	h.start()
	c := h.calls("PUT", "/applications/{application_id}/commands", 1)[0]
	if c.Status != 200 || c.Params["application_id"] != discordfake.AppID {
		t.Errorf("global registration: status %d, application %s", c.Status, c.Params["application_id"])
	}
	if n := len(h.fake.Calls("PUT", routeGuildCmds)); n != 0 {
		t.Errorf("%d guild registrations without a guild", n)
	}
	if err := h.a.Post(context.Background(), "general", bot.Reply{Text: "x"}); err == nil {
		t.Error("Post accepted a channel name")
	}
	if err := h.a.Post(context.Background(), discordfake.ChannelID, bot.Reply{Title: "Briefing", Text: "Nothing new."}); err != nil {
		t.Errorf("Post = %v", err)
	}
	// Posting where the bot may not: an error that says so, no token.
	h.fake.Handle("POST", routeMessages, func(discordfake.Call) (int, any) {
		return 403, map[string]any{"code": 50013, "message": "Missing Permissions"}
	})
	err := h.a.Post(context.Background(), discordfake.ChannelID, bot.Reply{Text: "x"})
	var e *apiError
	if !errors.As(err, &e) || e.Status != 403 || e.Code != 50013 || strings.Contains(err.Error(), h.fake.Token()) {
		t.Errorf("Post = %v", err)
	}
	h.noViolations()
}
