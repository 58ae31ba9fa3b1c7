package slack

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/briefbot/briefbot/bot/slack/slackfake"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/config"
)

func TestSocketTimelineAndMore(t *testing.T) {
	clk := newTestClock()
	h := newHarness(t, config.SlackModeSocket, withClock(clk))
	h.run()

	ack := h.send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire", "C1", "U1", h.fake.ResponseURL("first")))
	if len(ack.Payload) != 0 && string(ack.Payload) != "null" {
		t.Errorf("ack payload = %s, want none", ack.Payload)
	}
	first := h.response("first", 1)
	if got := first.Field("response_type"); got != "in_channel" {
		t.Errorf("response_type = %q, want in_channel", got)
	}
	if got := first.Field("replace_original"); got != "false" {
		t.Errorf("replace_original = %q, want false", got)
	}
	if first.Text() == "" {
		t.Error("no fallback text")
	}
	if want := h.expectedBlocks("C1", "/timeline ceasefire"); !sameJSON(t, first.Blocks(), want) {
		t.Errorf("blocks:\n%v\nwant:\n%v", first.Blocks(), want)
	}
	if got := blockText(blockOf(first, "header")); got != "Timeline: ceasefire" {
		t.Errorf("header = %q", got)
	}
	secs := sectionTexts(first)
	if len(secs) != 3 {
		t.Fatalf("%d sections, want 3: %q", len(secs), secs)
	}
	if !strings.HasPrefix(secs[0], "*11 March 2025*  Ukraine said in Jeddah that it was ready to accept a U.S. proposal for an immediate 30-day ceasefire") {
		t.Errorf("first development = %q", secs[0])
	}
	if !strings.HasSuffix(secs[0], "\n<https://www.state.gov/|demo (state.gov)>") {
		t.Errorf("first development's source = %q", secs[0])
	}
	if got := blockText(blockOf(first, "context")); got != "Showing 1-3, oldest first. /briefbot more for the next 3." {
		t.Errorf("footer = %q", got)
	}
	btn := button(first)
	if btn == nil || btn["action_id"] != MoreActionID || blockText(btn) != "More" {
		t.Fatalf("More button = %v", btn)
	}
	value, _ := btn["value"].(string)
	if value != `{"q":"ceasefire","o":3}` {
		t.Errorf("button value = %q", value)
	}

	// Click More: the next page continues where the first stopped.
	h.send("interactive", slackfake.BlockAction(MoreActionID, value, "C1", "U2", "1747800000.000100", h.fake.ResponseURL("second")))
	second := h.response("second", 1)
	if got := second.Field("response_type"); got != "in_channel" {
		t.Errorf("page 2 response_type = %q", got)
	}
	secs = sectionTexts(second)
	if len(secs) != 3 || !strings.HasPrefix(secs[0], "*19 April 2025*  Putin announced an Easter truce") {
		t.Errorf("page 2 sections = %q", secs)
	}
	if got := blockText(blockOf(second, "context")); !strings.HasPrefix(got, "Showing 4-6") {
		t.Errorf("page 2 footer = %q", got)
	}
	if btn := button(second); btn == nil || btn["value"] != `{"q":"ceasefire","o":6}` {
		t.Errorf("page 2 button = %v", btn)
	}
	// An old button still pages its own timeline, whatever was asked since.
	h.send("slash_commands", slackfake.SlashCommand("/timeline", "prisoners", "C1", "U1", h.fake.ResponseURL("other")))
	h.response("other", 1)
	clk.Advance(time.Minute) // a click, not a double click
	h.send("interactive", slackfake.BlockAction(MoreActionID, value, "C1", "U2", "1747800000.000100", h.fake.ResponseURL("again")))
	if secs := sectionTexts(h.response("again", 1)); len(secs) == 0 || !strings.HasPrefix(secs[0], "*19 April 2025*") {
		t.Errorf("old button paged %q", secs)
	}
	// A button value that does not decode gets a short private answer.
	h.send("interactive", slackfake.BlockAction(MoreActionID, "garbage", "C1", "U2", "1747800000.000100", h.fake.ResponseURL("bad")))
	bad := h.response("bad", 1)
	if bad.Field("response_type") != "ephemeral" || !strings.Contains(bad.Text(), "no longer works") {
		t.Errorf("bad button answer = %s", bad.Raw)
	}
}

func TestSocketCommands(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()
	for _, tc := range []struct {
		command, text string
		public        bool
		header        string
		contains      string
	}{
		{"/latest", "", true, "Latest developments", "Zelenskyy and European leaders met Trump"},
		{"/brief", "", false, "Briefings", "not configured yet"},
		{"/briefbot", "help", false, "briefbot", "/timeline QUERY"},
		{"/briefbot", "", false, "briefbot", "/timeline QUERY"},
		{"/briefbot", "timeline truce", true, "Timeline: truce", "30-day ceasefire"},
		{"/briefbot", "what happened with prisoners?", true, "Timeline: prisoners", "1,000 prisoners of war"},
		{"/timeline", "ceasefire since:2025-05 until:2025-05-31", true, "Timeline: ceasefire since:2025-05 until:2025-05-31", "unconditional 30-day ceasefire"},
		{"/timeline", "since:nonsense", false, "", ":warning:"},
		{"/ingest", "", false, "", "There is no article text"},
	} {
		t.Run(tc.command+" "+tc.text, func(t *testing.T) {
			name := tc.command + tc.text
			h.send("slash_commands", slackfake.SlashCommand(tc.command, tc.text, "C7", "U1", h.fake.ResponseURL(name)))
			c := h.response(name, 1)
			want := "ephemeral"
			if tc.public {
				want = "in_channel"
			}
			if got := c.Field("response_type"); got != want {
				t.Errorf("response_type = %q, want %q", got, want)
			}
			if got := blockText(blockOf(c, "header")); got != tc.header {
				t.Errorf("header = %q, want %q", got, tc.header)
			}
			if !strings.Contains(string(c.Raw), tc.contains) {
				t.Errorf("answer lacks %q: %s", tc.contains, c.Raw)
			}
		})
	}
}

func TestSocketMentionAndDirectMessage(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()

	h.send("events_api", slackfake.AppMention("Ev01", "C2", "U1", "<@UBOT> what happened with prisoners?", "1747800000.000100"))
	c := h.posted(1)
	if c.Channel() != "C2" || c.ThreadTS() != "1747800000.000100" {
		t.Errorf("posted in %q thread %q, want C2 thread 1747800000.000100", c.Channel(), c.ThreadTS())
	}
	if c.Token != testBotToken {
		t.Errorf("posted with token %q", c.Token)
	}
	if c.Status != 200 || c.Error != "" {
		t.Errorf("post refused: %d %s", c.Status, c.Error)
	}
	secs := sectionTexts(c)
	if len(secs) == 0 || !strings.HasPrefix(secs[0], "*16 May 2025*  Russian and Ukrainian delegations met in Istanbul") || !strings.Contains(secs[0], "1,000 prisoners of war") {
		t.Errorf("answer = %q", secs)
	}
	if c.Field("link_names") != "" || c.Field("parse") != "" {
		t.Errorf("link_names/parse set: %s", c.Raw)
	}

	// A mention inside a thread is answered in that thread.
	h.send("events_api", threaded(slackfake.AppMention("Ev02", "C2", "U1", "<@UBOT> /latest 1", "1747800000.000300"), "1747800000.000200"))
	if c := h.posted(2); c.ThreadTS() != "1747800000.000200" || blockText(blockOf(c, "header")) != "Latest developments" {
		t.Errorf("threaded mention: thread %q, header %q", c.ThreadTS(), blockText(blockOf(c, "header")))
	}

	// A direct message is answered in the conversation.
	h.send("events_api", slackfake.DirectMessage("Ev03", "D1", "U1", "latest", "1747800000.000400"))
	if c := h.posted(3); c.Channel() != "D1" || c.ThreadTS() != "" || blockText(blockOf(c, "header")) != "Latest developments" {
		t.Errorf("DM answer: channel %q thread %q header %q", c.Channel(), c.ThreadTS(), blockText(blockOf(c, "header")))
	}

	// Bots (this one included), edits and other subtypes are not answered;
	// neither is a redelivered event.
	own := slackfake.DirectMessage("Ev04", "D1", "UBOT", "Latest developments", "1747800000.000500")
	own["event"].(map[string]any)["bot_id"] = "BBOT"
	h.send("events_api", own)
	self := slackfake.DirectMessage("Ev05", "D1", "UBOT", "hello", "1747800000.000600")
	h.send("events_api", self)
	edit := slackfake.DirectMessage("Ev06", "D1", "U1", "latest", "1747800000.000700")
	edit["event"].(map[string]any)["subtype"] = "message_changed"
	h.send("events_api", edit)
	if _, err := h.fake.SendEnvelope(slackfake.Envelope{Type: "events_api", Payload: slackfake.DirectMessage("Ev03", "D1", "U1", "latest", "1747800000.000400"), RetryAttempt: 1, RetryReason: "timeout"}); err != nil {
		t.Fatal(err)
	}
	h.send("events_api", slackfake.DirectMessage("Ev07", "D1", "U1", "help", "1747800000.000800"))
	last := h.posted(4)
	h.wait()
	if n := len(h.fake.Calls("chat.postMessage")); n != 4 {
		t.Errorf("%d posts, want 4", n)
	}
	if blockText(blockOf(last, "header")) != "briefbot" {
		t.Errorf("4th post is not the help: %s", last.Raw)
	}
}

// threaded puts an event in a thread.
func threaded(payload map[string]any, threadTS string) map[string]any {
	payload["event"].(map[string]any)["thread_ts"] = threadTS
	return payload
}

func TestSocketIngest(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()
	article := "On May 19, 2025, the foreign ministers of Ukraine and Poland met in Warsaw and agreed to open a grain corridor through Polish ports."

	h.send("interactive", slackfake.MessageShortcut(IngestCallbackID, "C3", "U1", article, "1747800000.000100", h.fake.ResponseURL("paste")))
	c := h.response("paste", 1)
	if got := c.Field("response_type"); got != "ephemeral" {
		t.Errorf("response_type = %q, want ephemeral", got)
	}
	if got := blockText(blockOf(c, "header")); got != "Ingested an article" {
		t.Errorf("header = %q", got)
	}
	secs := sectionTexts(c)
	if len(secs) < 2 || !strings.Contains(secs[0], "from slack:U1, published 21 May 2025: 1 new development") {
		t.Fatalf("report = %q", secs)
	}
	if !strings.HasPrefix(secs[1], "*19 May 2025*  The foreign ministers of Ukraine and Poland met in Warsaw") {
		t.Errorf("extracted development = %q", secs[1])
	}

	// It is in the timeline now.
	h.send("slash_commands", slackfake.SlashCommand("/timeline", "grain corridor", "C3", "U1", h.fake.ResponseURL("after")))
	if secs := sectionTexts(h.response("after", 1)); len(secs) != 1 || !strings.Contains(secs[0], "Warsaw") {
		t.Errorf("timeline after ingest = %q", secs)
	}

	// The same article again is recognised; /ingest works as a command.
	h.send("slash_commands", slackfake.SlashCommand("/ingest", article, "C3", "U1", h.fake.ResponseURL("again")))
	again := h.response("again", 1)
	if again.Field("response_type") != "ephemeral" || blockText(blockOf(again, "header")) != "Already known" {
		t.Errorf("second ingest = %s", again.Raw)
	}
	h.send("slash_commands", slackfake.SlashCommand("/ingest", "--published 2025-06-01 On May 30, Ukraine and Moldova signed an energy agreement in Chisinau.", "C3", "U1", h.fake.ResponseURL("cmd")))
	if secs := sectionTexts(h.response("cmd", 1)); len(secs) < 2 || !strings.Contains(secs[0], "published 1 Jun 2025") || !strings.HasPrefix(secs[1], "*30 May 2025*") {
		t.Errorf("/ingest report = %q", secs)
	}

	// A message without text is refused politely.
	h.send("interactive", slackfake.MessageShortcut(IngestCallbackID, "C3", "U1", "", "1747800000.000200", h.fake.ResponseURL("empty")))
	if c := h.response("empty", 1); !strings.Contains(c.Text(), "no text") || c.Field("response_type") != "ephemeral" {
		t.Errorf("empty shortcut answer = %s", c.Raw)
	}
}

// TestSocketSlowStore checks that commands are acked at once while the
// store takes its time, that work beyond the workers waits its turn, and
// that every answer arrives once the store answers.
func TestSocketSlowStore(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, config.SlackModeSocket,
		withStore(func(st briefing.Store) briefing.Store { return gatedStore{Store: st, gate: gate} }),
		withConfig(func(c *Config) { c.Workers = 2 }))
	h.run()
	const n = 12
	for i := range n {
		name := "slow" + string(rune('a'+i))
		ack := h.send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire", "C4", "U1", h.fake.ResponseURL(name)))
		if ack.Latency > time.Second {
			t.Errorf("command %d acked after %v", i, ack.Latency)
		}
	}
	if got := len(h.fake.Calls("response:slowa")); got != 0 {
		t.Fatalf("an answer arrived while the store was blocked")
	}
	close(gate)
	for i := range n {
		c := h.response("slow"+string(rune('a'+i)), 1)
		if secs := sectionTexts(c); len(secs) != 3 {
			t.Errorf("answer %d: %q", i, secs)
		}
	}
}

// TestSocketAnswerTimeout checks that a store that never answers gets the
// user a short apology, not silence.
func TestSocketAnswerTimeout(t *testing.T) {
	never := make(chan struct{})
	h := newHarness(t, config.SlackModeSocket,
		withStore(func(st briefing.Store) briefing.Store { return gatedStore{Store: st, gate: never} }),
		withConfig(func(c *Config) { c.AnswerTimeout = 200 * time.Millisecond }))
	h.run()
	h.send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire", "C4", "U1", h.fake.ResponseURL("late")))
	c := h.response("late", 1)
	if c.Field("response_type") != "ephemeral" || !strings.Contains(c.Text(), "took too long") {
		t.Errorf("timeout answer = %s", c.Raw)
	}
}

func TestSocketRateLimitAndServerErrors(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()

	// 429 on a response_url: wait for Retry-After, then post once.
	h.fake.FailNext("response:limited", 1, 429, time.Second)
	h.send("slash_commands", slackfake.SlashCommand("/latest", "2", "C5", "U1", h.fake.ResponseURL("limited")))
	calls, err := h.fake.WaitResponses("limited", 2, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if calls[0].Status != 429 || calls[1].Status != 200 {
		t.Errorf("statuses %d, %d; want 429, 200", calls[0].Status, calls[1].Status)
	}
	if d := calls[1].At.Sub(calls[0].At); d < 900*time.Millisecond || d > 5*time.Second {
		t.Errorf("retried after %v, want about the 1 s Retry-After", d)
	}

	// 429 on chat.postMessage, the same.
	h.fake.FailNext("chat.postMessage", 1, 429, time.Second)
	h.send("events_api", slackfake.AppMention("Ev10", "C5", "U1", "<@UBOT> latest", "1747800000.000100"))
	posts, err := h.fake.WaitCalls("chat.postMessage", 2, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].Status != 429 || posts[1].Status != 200 || posts[1].Error != "" {
		t.Errorf("posts: %d %q, %d %q", posts[0].Status, posts[0].Error, posts[1].Status, posts[1].Error)
	}
	if d := posts[1].At.Sub(posts[0].At); d < 900*time.Millisecond {
		t.Errorf("chat.postMessage retried after %v", d)
	}

	// 5xx: Slack may have posted the answer all the same, so it is not
	// retried (which would also use up the response_url); one log line
	// says so.
	h.fake.FailNext("response:flaky", 1, 503, 0)
	h.send("slash_commands", slackfake.SlashCommand("/latest", "1", "C5", "U1", h.fake.ResponseURL("flaky")))
	if c := h.response("flaky", 1); c.Status != 503 {
		t.Errorf("first attempt status %d", c.Status)
	}
	h.fake.FailNext("chat.postMessage", 1, 500, 0)
	h.send("events_api", slackfake.AppMention("Ev11", "C5", "U1", "<@UBOT> latest", "1747800000.000200"))
	h.posted(3)
	h.wait()
	if n := len(h.fake.Responses("flaky")); n != 1 {
		t.Errorf("%d posts to the response_url answering 503, want 1", n)
	}
	if n := len(h.fake.Calls("chat.postMessage")); n != 3 {
		t.Errorf("%d chat.postMessage calls after a 500, want 3 (no retry)", n)
	}
	if lines := h.logs.lines("server error", "not retried", "channel=C5"); len(lines) != 2 {
		t.Errorf("want one log line for each server error, got %q", lines)
	}

	// Retries are bounded: after 4 rate limits the answer is given up,
	// once.
	h.fake.FailNext("response:down", 10, 429, 0)
	h.send("slash_commands", slackfake.SlashCommand("/latest", "1", "C5", "U1", h.fake.ResponseURL("down")))
	h.response("down", 4)
	h.wait()
	if n := len(h.fake.Responses("down")); n != 4 {
		t.Errorf("%d attempts, want 4", n)
	}
	if len(h.logs.lines("answer not delivered", "C5")) != 1 {
		t.Errorf("want one log line for the lost answer:\n%s", h.logs)
	}

	h.wait()
	if n := len(h.fake.Responses("limited")); n != 2 {
		t.Errorf("%d posts to the rate-limited URL, want 2", n)
	}
	if n := len(h.fake.Calls("chat.postMessage")); n != 3 {
		t.Errorf("%d chat.postMessage calls, want 3", n)
	}
}

func TestSocketPostErrors(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()

	h.fake.SetError("chat.postMessage", "not_in_channel")
	h.send("events_api", slackfake.AppMention("Ev20", "C9", "U1", "<@UBOT> latest", "1747800000.000100"))
	h.posted(1)
	h.wait()
	lines := h.logs.lines("not_in_channel")
	if len(lines) != 1 || !strings.Contains(lines[0], "channel=C9") || !strings.Contains(lines[0], "/invite @briefbot") {
		t.Errorf("want one clear log line for not_in_channel, got %q", lines)
	}
	if n := len(h.fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("not_in_channel was retried: %d calls", n)
	}

	h.fake.SetError("chat.postMessage", "token_revoked")
	h.send("events_api", slackfake.AppMention("Ev21", "C9", "U1", "<@UBOT> latest", "1747800000.000200"))
	h.posted(2)
	h.wait()
	if lines := h.logs.lines("token_revoked", "rejected the bot token"); len(lines) != 1 {
		t.Errorf("want one clear log line for token_revoked, got %q", lines)
	}

	// A channel answer the response_url refuses: the user is told, alone.
	h.fake.SetError("response:nochan", "channel_not_found")
	h.send("slash_commands", slackfake.SlashCommand("/latest", "1", "G1", "U1", h.fake.ResponseURL("nochan")))
	note := h.response("nochan", 2)
	if note.Field("response_type") != "ephemeral" || !strings.Contains(note.Text(), "invite me with /invite @briefbot") {
		t.Errorf("note = %s", note.Raw)
	}

	// An answer is never posted anywhere but Slack.
	h.send("slash_commands", slackfake.SlashCommand("/latest", "1", "C10", "U1", "http://127.0.0.1:9/response/x"))
	h.wait()
	if lines := h.logs.lines("not a Slack URL", "channel=C10"); len(lines) != 1 {
		t.Errorf("want one log line for a foreign response_url, got %q", lines)
	}
}

func TestSocketReconnect(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()
	h.send("slash_commands", slackfake.SlashCommand("/latest", "1", "C6", "U1", h.fake.ResponseURL("before")))
	h.response("before", 1)

	h.fake.Disconnect("refresh_requested")
	if err := h.fake.WaitConnected(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	h.send("slash_commands", slackfake.SlashCommand("/latest", "1", "C6", "U1", h.fake.ResponseURL("after")))
	h.response("after", 1)

	h.fake.DropConnections()
	if err := h.fake.WaitConnected(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	h.send("events_api", slackfake.AppMention("Ev30", "C6", "U1", "<@UBOT> latest", "1747800000.000100"))
	h.posted(1)
	if n := h.fake.Connections(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
}

func TestRunRejectedTokens(t *testing.T) {
	for _, tc := range []struct {
		name          string
		bot, app      string
		wantInMessage string
	}{
		{"app token", "", "xapp-1-other", "app token was rejected (invalid_auth)"},
		{"bot token", "xoxb-other", "", "bot token was rejected (invalid_auth)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, config.SlackModeSocket)
			h.fake.RequireTokens(tc.bot, tc.app)
			done := make(chan error, 1)
			go func() { done <- h.a.Run(context.Background()) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.wantInMessage) {
					t.Errorf("Run = %v, want an error saying %q", err, tc.wantInMessage)
				}
				for _, s := range secrets {
					if err != nil && strings.Contains(err.Error(), s) {
						t.Errorf("the error holds a secret: %v", err)
					}
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return on a rejected token")
			}
		})
	}
}

// TestRunShutdown checks that Run waits for the answers in progress and
// that nothing is taken on afterwards.
func TestRunShutdown(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, config.SlackModeSocket,
		withStore(func(st briefing.Store) briefing.Store { return gatedStore{Store: st, gate: gate} }))
	h.run()
	h.send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire", "C8", "U1", h.fake.ResponseURL("inflight")))
	stopped := make(chan error, 1)
	go func() { stopped <- h.stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) with an answer in progress", err)
	case <-time.After(300 * time.Millisecond):
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
	if n := len(h.fake.Responses("inflight")); n != 1 {
		t.Errorf("%d answers delivered, want 1", n)
	}
	// The adapter takes no more work.
	if h.a.reserve() {
		t.Error("work accepted after Run returned")
	}
}

// TestRunShutdownDeadline checks that an answer stuck past the grace
// period is cancelled and Run still returns.
func TestRunShutdownDeadline(t *testing.T) {
	never := make(chan struct{})
	h := newHarness(t, config.SlackModeSocket,
		withStore(func(st briefing.Store) briefing.Store { return gatedStore{Store: st, gate: never} }),
		withConfig(func(c *Config) { c.AnswerTimeout = time.Hour }))
	h.a.grace = 200 * time.Millisecond
	h.run()
	h.send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire", "C8", "U1", h.fake.ResponseURL("stuck")))
	start := time.Now()
	if err := h.stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("Run took %v to return", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := h.a.Wait(ctx); err != nil {
		t.Errorf("answers still running after Run returned: %v", err)
	}
}

// longStore answers /latest and every timeline search with as many long
// developments as asked for, numbered from the search's offset (a timeline
// always has more): answers far longer than the five posts a response_url
// takes.
type longStore struct {
	briefing.Store
}

func (s longStore) long(ctx context.Context, offset, n int) ([]*briefing.Event, error) {
	base, err := s.Store.Latest(ctx, 1)
	if err != nil || len(base) == 0 {
		return nil, fmt.Errorf("no event to copy: %v", err)
	}
	out := make([]*briefing.Event, n)
	for i := range out {
		ev := *base[0]
		ev.ID = int64(1000 + offset + i)
		ev.Summary = fmt.Sprintf("Development %d: ", offset+i+1) + strings.Repeat("a long account of what happened, ", 85)
		out[i] = &ev
	}
	return out, nil
}

func (s longStore) Latest(ctx context.Context, limit int) ([]*briefing.Event, error) {
	return s.long(ctx, 0, limit)
}

func (s longStore) Search(ctx context.Context, q briefing.Query) (briefing.Page, error) {
	evs, err := s.long(ctx, q.Offset, q.Limit)
	return briefing.Page{Events: evs, More: true}, err
}

// developments returns the numbers of the developments a longStore answer
// shows, in order.
func developments(t *testing.T, calls []slackfake.Call) []int {
	t.Helper()
	var out []int
	for _, c := range calls {
		for _, s := range sectionTexts(c) {
			_, rest, ok := strings.Cut(s, "Development ")
			if !ok {
				t.Errorf("section is not a development: %.80q", s)
				continue
			}
			num, _, _ := strings.Cut(rest, ":")
			n, err := strconv.Atoi(num)
			if err != nil {
				t.Errorf("section %.80q: %v", s, err)
			}
			out = append(out, n)
		}
	}
	return out
}

// contexts returns the texts of a call's context blocks.
func contexts(c slackfake.Call) []string {
	var out []string
	for _, b := range c.Blocks() {
		if b["type"] == "context" {
			out = append(out, blockText(b))
		}
	}
	return out
}

// TestResponseURLLongAnswer checks that an answer longer than the five
// posts a response_url takes keeps its end: as many developments as fit,
// a line saying how many more there are and how to see them, the footer
// and, for a timeline, a More button that goes on from the first
// development left out.
func TestResponseURLLongAnswer(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket,
		withPagedStore(40, func(st briefing.Store) briefing.Store { return longStore{st} }))
	h.run()

	// /latest 100.
	h.send("slash_commands", slackfake.SlashCommand("/latest", "100", "C11", "U1", h.fake.ResponseURL("latest")))
	h.wait()
	calls := h.fake.Responses("latest")
	if len(calls) == 0 || len(calls) > maxResponseURLPosts {
		t.Fatalf("%d posts to the response_url, want 1 to %d", len(calls), maxResponseURLPosts)
	}
	for i, c := range calls {
		if c.Status != 200 || c.Error != "" {
			t.Errorf("post %d refused: %d %s", i+1, c.Status, c.Error)
		}
	}
	shown := developments(t, calls)
	for i, n := range shown {
		if n != i+1 {
			t.Fatalf("developments shown: %v, want 1 to %d in order", shown, len(shown))
		}
	}
	if len(shown) < 5 || len(shown) >= 100 {
		t.Fatalf("%d developments shown", len(shown))
	}
	last := calls[len(calls)-1]
	note := fmt.Sprintf("%d more developments did not fit in this answer: ask /latest with a smaller number, such as /latest %d.", 100-len(shown), len(shown))
	if got := contexts(last); len(got) != 2 || got[0] != note || got[1] != "Newest first, by when the bot learned of them." {
		t.Errorf("the last post ends with %q, want the note %q and the footer", got, note)
	}

	// A timeline page of 40 (the full list, not a summary): the More
	// button starts at the first development left out.
	h.send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire dates:all", "C11", "U1", h.fake.ResponseURL("timeline")))
	h.wait()
	calls = h.fake.Responses("timeline")
	if len(calls) == 0 || len(calls) > maxResponseURLPosts {
		t.Fatalf("%d posts to the response_url, want 1 to %d", len(calls), maxResponseURLPosts)
	}
	shown = developments(t, calls)
	if len(shown) == 0 || len(shown) >= 40 || shown[len(shown)-1] != len(shown) {
		t.Fatalf("timeline shows %v", shown)
	}
	last = calls[len(calls)-1]
	note = fmt.Sprintf("%d more developments did not fit in this answer: More shows them.", 40-len(shown))
	if got := contexts(last); len(got) != 2 || got[0] != note || !strings.HasPrefix(got[1], "Showing 1-40") {
		t.Errorf("the last post ends with %q, want the note %q and the footer", got, note)
	}
	btn := button(last)
	want := fmt.Sprintf(`{"q":"ceasefire dates:all","o":%d}`, len(shown))
	if btn == nil || btn["value"] != want {
		t.Fatalf("More button = %v, want value %s", btn, want)
	}
	h.send("interactive", slackfake.BlockAction(MoreActionID, want, "C11", "U1", "1747800000.000100", h.fake.ResponseURL("next")))
	h.response("next", 1) // an interaction is acked before its work starts
	h.wait()
	if next := developments(t, h.fake.Responses("next")); len(next) == 0 || next[0] != len(shown)+1 {
		t.Errorf("More shows %v, want it to start at %d", next, len(shown)+1)
	}
}

// TestSocketMoreDoubleClick checks that a double click on More posts the
// page once, while another button, or the same one later, still works.
func TestSocketMoreDoubleClick(t *testing.T) {
	clk := newTestClock()
	h := newHarness(t, config.SlackModeSocket, withClock(clk))
	h.run()
	h.send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire", "C1", "U1", h.fake.ResponseURL("first")))
	value, _ := button(h.response("first", 1))["value"].(string)

	click := func(value, name string) {
		h.send("interactive", slackfake.BlockAction(MoreActionID, value, "C1", "U2", "1747800000.000100", h.fake.ResponseURL(name)))
	}
	click(value, "click1")
	click(value, "click2")
	// Interactions are acked before their work starts; a command is acked
	// after, so once it is, both clicks have been taken in.
	h.send("slash_commands", slackfake.SlashCommand("/latest", "1", "C1", "U1", h.fake.ResponseURL("barrier")))
	h.wait()
	if n := len(h.fake.Responses("click1")) + len(h.fake.Responses("click2")); n != 1 {
		t.Errorf("a double click posted the page %d times, want once", n)
	}
	if secs := sectionTexts(h.response("click1", 1)); len(secs) != 3 || !strings.HasPrefix(secs[0], "*19 April 2025*") {
		t.Errorf("page 2 = %q", secs)
	}
	// Another page's button on the same message is another click.
	click(`{"q":"ceasefire","o":6}`, "other")
	h.response("other", 1)
	// So is the same button a while later.
	clk.Advance(time.Minute)
	click(value, "later")
	h.response("later", 1)
}

// TestSocketEventBusy checks that a mention or a direct message the
// adapter has no room for gets a short "busy" reply where the answer would
// have gone, instead of silence.
func TestSocketEventBusy(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()
	h.setMaxPending(0)
	h.send("events_api", slackfake.AppMention("Ev40", "C2", "U1", "<@UBOT> latest", "1747800000.000100"))
	c := h.posted(1)
	if c.Channel() != "C2" || c.ThreadTS() != "1747800000.000100" || !strings.Contains(c.Text(), busyText) {
		t.Errorf("busy note in %q thread %q: %q", c.Channel(), c.ThreadTS(), c.Text())
	}
	h.send("events_api", slackfake.DirectMessage("Ev41", "D1", "U1", "latest", "1747800000.000200"))
	if c := h.posted(2); c.Channel() != "D1" || c.ThreadTS() != "" || !strings.Contains(c.Text(), busyText) {
		t.Errorf("busy note in %q thread %q: %q", c.Channel(), c.ThreadTS(), c.Text())
	}
	h.wait()
	if len(h.logs.lines("too busy", "busy note")) != 2 {
		t.Errorf("want a log line for each busy note:\n%s", h.logs)
	}

	h.setMaxPending(100)
	h.send("events_api", slackfake.AppMention("Ev42", "C2", "U1", "<@UBOT> latest", "1747800000.000300"))
	if c := h.posted(3); blockText(blockOf(c, "header")) != "Latest developments" {
		t.Errorf("answer once no longer busy: %s", c.Raw)
	}
}

// TestRunAppTokenRefused checks that Run stops with an error saying what
// to fix when apps.connections.open refuses the app token for good, which
// slack-go would retry forever.
func TestRunAppTokenRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
		want  []string
	}{
		{"missing scope", func(h *harness) {
			h.fake.SetError("apps.connections.open", "missing_scope")
		}, []string{"missing_scope", "SLACK_APP_TOKEN needs the connections:write scope"}},
		{"not an app token", func(h *harness) {
			// What New refuses to be configured with, should a token of
			// another kind ever start with "xapp-".
			h.a.client = slackapi.New(testBotToken,
				slackapi.OptionHTTPClient(h.a.http),
				slackapi.OptionLog(discardLogger{}),
				slackapi.OptionAPIURL(h.fake.APIURL()),
				slackapi.OptionAppLevelToken(testBotToken))
		}, []string{"not_allowed_token_type", "SLACK_APP_TOKEN is not an app-level token", "connections:write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, config.SlackModeSocket)
			tc.setup(h)
			done := make(chan error, 1)
			go func() { done <- h.a.Run(context.Background()) }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("Run returned nil")
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("Run = %v, want an error saying %q", err, w)
					}
				}
				for _, s := range secrets {
					if strings.Contains(err.Error(), s) {
						t.Errorf("the error holds a secret: %v", err)
					}
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return on a refused app token")
			}
			if n := len(h.fake.Calls("apps.connections.open")); n != 1 {
				t.Errorf("apps.connections.open called %d times, want once", n)
			}
		})
	}
}

// blockActionWithUnknownElement is a click on More whose message holds a
// block element of a type slack-go does not know.
func blockActionWithUnknownElement(value, channel, user, ts, responseURL string) map[string]any {
	p := slackfake.BlockAction(MoreActionID, value, channel, user, ts, responseURL)
	act := p["message"].(map[string]any)["blocks"].([]any)[0].(map[string]any)
	act["elements"] = append(act["elements"].([]any), map[string]any{"type": "future_widget", "action_id": "x"})
	return p
}

func TestSocketUnknownBlockElement(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()
	h.send("interactive", blockActionWithUnknownElement(`{"q":"ceasefire","o":3}`, "C1", "U1", "1747800000.000100", h.fake.ResponseURL("unknown")))
	if secs := sectionTexts(h.response("unknown", 1)); len(secs) != 3 || !strings.HasPrefix(secs[0], "*19 April 2025*") {
		t.Errorf("page 2 = %q", secs)
	}
}
