package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/discord/discordfake"
)

// heavyItems are developments whose every part is as long as the bounds
// allow and made of characters that escaping doubles: the worst case for
// the description limit.
func heavyItems(n int) []bot.Item {
	heavy := strings.Repeat("_*[]<@", 500) // 3,000 characters, each escaped
	var srcs []bot.Link
	for i := range 12 {
		srcs = append(srcs, bot.Link{Name: fmt.Sprintf("<@Src_%d*>", i), URL: "https://example.com/" + strings.Repeat("a", 60)})
	}
	var items []bot.Item
	for i := range n {
		items = append(items, bot.Item{
			Date:    fmt.Sprintf("%02d", i) + strings.Repeat("*", 98),
			Summary: heavy,
			Sources: srcs,
			Note:    strings.Repeat("@_", 200),
		})
	}
	return items
}

// TestRenderEscapeHeavyItems checks that escaping cannot push a
// development past the description limit, nor a message past 6,000.
func TestRenderEscapeHeavyItems(t *testing.T) {
	items := heavyItems(8)
	msgs := Render(bot.Reply{Title: strings.Repeat("*_", 200), Items: items, Footer: strings.Repeat("f", 3000), Next: &bot.PageRef{Query: "q", Offset: 8}})
	checkAll(t, msgs)
	n := 0
	for _, m := range msgs {
		for _, l := range strings.Split(m.Embeds[0].Description, "\n") {
			if !strings.HasPrefix(l, "**") {
				continue
			}
			n++
			// The line is whole: bold date, the summary cut after its
			// escapes, the sources and the note.
			if !strings.Contains(l, `\_\*\[\]\<\@`) || !strings.Contains(l, "…") || !strings.Contains(l, `[\<\@Src\_0\*>](https://example.com/`) || !strings.HasSuffix(l, "*") {
				t.Errorf("development line: %.200q", l)
			}
			if m := unescaped.FindString(l); m != "" {
				t.Errorf("unescaped %q", m)
			}
		}
	}
	if n != len(items) {
		t.Errorf("%d developments rendered, want %d", n, len(items))
	}
}

func TestCutEscaped(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{`ab`, 5, `ab`},
		{`\*\*\*`, 4, `\*…`},   // never \*\…
		{`\*\*\*`, 5, `\*\*…`}, // the whole escape fits
		{`a\\bc`, 4, `a\\…`},
		{`a\\\*`, 4, `a\\…`},
		{`a\\\*`, 5, `a\\\*`},
		{`a \*`, 3, `a…`},
		{`xyz`, 0, ``},
	} {
		got := cutEscaped(tc.in, tc.max)
		if got != tc.want || textLen(got) > tc.max {
			t.Errorf("cutEscaped(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

// TestPackSplitsOverlongLine checks pack's safety net: a line longer than
// a description is split at a safe boundary rather than sent whole.
func TestPackSplitsOverlongLine(t *testing.T) {
	line := strings.Repeat(`\*`, 3000) // 6,000 units
	chunks := pack([]string{"intro", line, "outro"}, MaxDescription)
	if len(chunks) < 2 {
		t.Fatalf("%d chunks", len(chunks))
	}
	total := 0
	for _, c := range chunks {
		if textLen(c) > MaxDescription {
			t.Errorf("chunk of %d units", textLen(c))
		}
		for _, l := range strings.Split(c, "\n") {
			if trailingBackslashes(l)%2 == 1 {
				t.Errorf("a line ends inside an escape: %q", l[max(0, len(l)-10):])
			}
		}
		total += strings.Count(c, `\*`)
	}
	if total != 3000 {
		t.Errorf("%d escapes survive the split, want 3000", total)
	}
}

// TestSplitEscapedLineStart checks that a piece of a split line that
// starts with line-start markup does not become a list, heading or quote.
func TestSplitEscapedLineStart(t *testing.T) {
	for _, tail := range []string{"- item", "# heading", "> quote", "12. twelve"} {
		pieces := escapedPieces(strings.Repeat("x", MaxDescription-1)+" "+tail, MaxDescription)
		if len(pieces) != 2 {
			t.Fatalf("%d pieces", len(pieces))
		}
		if p := pieces[1]; p != Escape(tail) {
			t.Errorf("continuation %q, want %q", p, Escape(tail))
		}
	}
}

// TestPostEscapeHeavyBriefing posts, through the fake, a briefing whose
// developments are heavy in characters that escaping doubles, with
// 3,000-character summaries: Discord must accept every message.
func TestPostEscapeHeavyBriefing(t *testing.T) {
	h := newHarness(t)
	h.run()
	items := heavyItems(6)
	if err := h.a.Post(context.Background(), discordfake.ChannelID, bot.Reply{Title: strings.Repeat("_", 300), Items: items, Footer: "6 developments."}); err != nil {
		t.Fatalf("Post = %v", err)
	}
	posts := h.fake.Calls("POST", routeMessages)
	seen := 0
	for _, c := range posts {
		if c.Status != 200 {
			t.Errorf("post answered %d: %s", c.Status, c.Body)
		}
		if n := textLen(description(c)); n > MaxDescription {
			t.Errorf("description of %d units", n)
		}
		seen += strings.Count(description(c), "\n**") + 1
	}
	if seen != len(items) {
		t.Errorf("%d developments posted, want %d", seen, len(items))
	}
	h.noViolations()
}

func TestLinkName(t *testing.T) {
	for _, tc := range []struct {
		name, url, want string
	}{
		{"https://bbc.co.uk", "https://evil.example/story", "[evil.example](https://evil.example/story)"},
		{"bbc.co.uk", "https://evil.example/", "[evil.example](https://evil.example/)"},
		{"www.bbc.co.uk/news", "https://evil.example/", "[evil.example](https://evil.example/)"},
		{"//bbc.co.uk", "https://evil.example/", "[evil.example](https://evil.example/)"},
		{"see https://bbc.co.uk", "https://evil.example/", "[evil.example](https://evil.example/)"},
		{"bbc\u3002co\u3002uk", "https://evil.example/", "[evil.example](https://evil.example/)"},
		{"bbc.co.uk", "https://EVIL.example:8443/x", "[evil.example:8443](https://EVIL.example:8443/x)"},
		{"bbc.co.uk", "https://BBC.co.uk/news", "[bbc.co.uk](https://BBC.co.uk/news)"},
		{"BBC.co.uk", "https://bbc.co.uk/", "[BBC.co.uk](https://bbc.co.uk/)"},
		{"Reuters", "https://evil.example/", "[Reuters](https://evil.example/)"},
		{"demo (state.gov)", "https://www.state.gov/", "[demo (state.gov)](https://www.state.gov/)"},
		{"", "https://apnews.com/x", "[apnews.com](https://apnews.com/x)"},
		{"bbc.co.uk", "javascript:alert(1)", "bbc.co.uk"}, // not a link at all
	} {
		if got := sourceLinks([]bot.Link{{Name: tc.name, URL: tc.url}}, maxSources); got != tc.want {
			t.Errorf("%q -> %q: %q, want %q", tc.name, tc.url, got, tc.want)
		}
	}
}

// TestSourceNameCannotForgeLink ingests an article whose source is named
// like one address and links to another: the timeline shows where the
// link leads.
func TestSourceNameCannotForgeLink(t *testing.T) {
	h := newHarness(t)
	h.run()
	article := "On May 19, 2025, the foreign ministers of Ukraine and Poland met in Warsaw and agreed to open a grain corridor through Polish ports."
	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "ingest", []map[string]any{
		{"name": "text", "type": 3, "value": article},
		{"name": "published", "type": 3, "value": "2025-05-20"},
		{"name": "source", "type": 3, "value": "https://bbc.co.uk"},
		{"name": "url", "type": 3, "value": "https://evil.example/story"},
	}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	h.forToken("PATCH", routeOriginal, tok, 1)

	h.mention("timeline grain corridor")
	d := description(h.calls("POST", routeMessages, 1)[0])
	if !strings.Contains(d, "[evil.example](https://evil.example/story)") || strings.Contains(d, "bbc.co.uk") {
		t.Errorf("the link shows an address it does not open: %s", d)
	}
	h.noViolations()
}

// TestIngestNeedsManageServer checks that /ingest is registered for
// members with Manage Server only, and the other commands for everyone.
func TestIngestNeedsManageServer(t *testing.T) {
	h := newHarness(t)
	h.run()
	reg := h.fake.Calls("PUT", routeGuildCmds)[0]
	if reg.Status != 200 {
		t.Fatalf("registration answered %d: %s", reg.Status, reg.Body)
	}
	list, _ := reg.Value.([]any)
	for _, c := range list {
		cmd, _ := c.(map[string]any)
		perms, has := cmd["default_member_permissions"]
		if cmd["name"] == "ingest" {
			if perms != fmt.Sprint(discordgo.PermissionManageGuild) {
				t.Errorf("/ingest default_member_permissions = %v, want %q (Manage Server)", perms, fmt.Sprint(discordgo.PermissionManageGuild))
			}
		} else if has {
			t.Errorf("/%v default_member_permissions = %v, want none", cmd["name"], perms)
		}
	}
	h.noViolations()
}

func TestGlobalExempt(t *testing.T) {
	for u, want := range map[string]bool{
		discordgo.EndpointInteractionResponse("123", "aW50:tok"):            true,
		discordgo.EndpointInteractionResponseActions("1", "aW50:tok"):       false,
		discordgo.EndpointFollowupMessage("1", "aW50:tok"):                  false,
		discordgo.EndpointChannelMessages("123"):                            false,
		discordgo.EndpointApplicationGuildCommands("1", "2"):                false,
		"https://discord.com/api/v9/interactions/123/tok/callback":          true,
		"https://discord.com/api/v9/channels/1/messages/interactions/x/a/b": false,
	} {
		if got := globalExempt(u); got != want {
			t.Errorf("globalExempt(%s) = %v, want %v", u, got, want)
		}
	}
}

// TestGlobalRateLimitSparesDeferral has a message create hit the global
// rate limit, then checks that a slash command is still deferred within
// Discord's 3 s: interaction callbacks are not bound by the global limit.
func TestGlobalRateLimitSparesDeferral(t *testing.T) {
	h := newHarness(t)
	h.run()
	h.fake.Handle("POST", routeMessages, func(discordfake.Call) (int, any) {
		h.fake.Handle("POST", routeMessages, nil) // once: then the fake answers
		return 429, map[string]any{"message": "You are being rate limited.", "retry_after": 5.0, "global": true}
	})
	h.mention("latest")
	if c := h.calls("POST", routeMessages, 1)[0]; c.Status != 429 {
		t.Fatalf("first post answered %d", c.Status)
	}
	tok := h.token()
	start := time.Now()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	cb := h.forToken("POST", routeCallback, tok, 1)[0]
	if d := cb.At.Sub(start); cb.Status != 204 || d > 3*time.Second {
		t.Errorf("deferral answered %d after %v, want 204 within 3 s", cb.Status, d)
	}
	// The rest waits for the global limit, then goes through.
	if c := h.forToken("PATCH", routeOriginal, tok, 1)[0]; c.Status != 200 {
		t.Errorf("edit answered %d", c.Status)
	}
	if posts := h.calls("POST", routeMessages, 2); posts[1].Status != 200 || posts[1].At.Sub(posts[0].At) < 4*time.Second {
		t.Errorf("message retried after %v with %d; want after the 5 s global limit", posts[1].At.Sub(posts[0].At), posts[1].Status)
	}
	h.noViolations()
}

func TestSnowflakeTime(t *testing.T) {
	// Discord's documented example: 175928847299117063 was made at
	// 1462015105796 ms.
	if got, ok := snowflakeTime("175928847299117063"); !ok || got.UnixMilli() != 1462015105796 {
		t.Errorf("snowflakeTime = %v, %v", got, ok)
	}
	for _, id := range []string{"", "abc", "-5", "12"} {
		if _, ok := snowflakeTime(id); ok {
			t.Errorf("snowflakeTime(%q) ok", id)
		}
	}
}

// TestStaleInteraction checks that an interaction that waited too long
// (by its snowflake's time) is not worked on: one log line, and a last
// word to the user while the token still works.
func TestStaleInteraction(t *testing.T) {
	h := newHarness(t)
	h.run()
	old := func(age time.Duration) string { return snowflakeAt(time.Now().Add(-age), h.ids.Add(1)) }
	timeline := []map[string]any{{"name": "query", "type": 3, "value": "ceasefire"}}

	// 14 min 30 s old: the token still works; the deferred response says
	// it took too long instead of answering.
	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(old(14*time.Minute+30*time.Second), tok, "timeline", timeline, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	if cb := h.forToken("POST", routeCallback, tok, 1)[0]; cb.Status != 204 {
		t.Errorf("deferral answered %d", cb.Status)
	}
	edit := h.forToken("PATCH", routeOriginal, tok, 1)[0]
	if d := description(edit); !strings.Contains(d, "took too long") || embed(edit, 0)["title"] != nil {
		t.Errorf("stale command answered: %s", edit.Body)
	}

	// A button 14 min 30 s old: a private follow-up, the page not posted.
	tok2 := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.Button(old(14*time.Minute+30*time.Second), tok2, "more:3:ceasefire", discordfake.ChannelID, discordfake.GuildID, "1200000000000000001", h.id()))
	fu := h.forToken("POST", routeFollowUp, tok2, 1)[0]
	if !strings.Contains(description(fu), "took too long") || fmt.Sprint(fu.JSON["flags"]) != "64" {
		t.Errorf("stale click answered: %s", fu.Body)
	}

	// 16 minutes old: the token is dead; nothing more is sent.
	tok3 := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(old(16*time.Minute), tok3, "timeline", timeline, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	h.forToken("POST", routeCallback, tok3, 1)
	h.waitLog(3, "waited too long")
	h.wait()
	for _, c := range h.fake.AllCalls() {
		if c.Params["webhook_token"] == tok3 {
			t.Errorf("%s %s sent for an expired interaction", c.Method, c.Route)
		}
	}
	if lines := h.logs.lines("waited too long"); len(lines) != 3 {
		t.Errorf("%d log lines for 3 stale interactions: %q", len(lines), lines)
	}
	if lines := h.logs.lines("waited too long", "user_told=false"); len(lines) != 1 {
		t.Errorf("want one stale interaction left untold: %q", lines)
	}
	if n := len(h.fake.Calls("PATCH", routeOriginal)) + len(h.fake.Calls("POST", routeFollowUp)); n != 2 {
		t.Errorf("%d edits and follow-ups, want 2", n)
	}
	h.noViolations()
}

// TestDoubleClickMore clicks More twice on the same message: the next page
// is posted once, and the second click only acknowledged.
func TestDoubleClickMore(t *testing.T) {
	h := newHarness(t)
	h.run()
	msg := h.id()
	click := func(message string) string {
		tok := h.token()
		h.dispatch("INTERACTION_CREATE", discordfake.Button(h.id(), tok, "more:3:ceasefire", discordfake.ChannelID, discordfake.GuildID, "1200000000000000002", message))
		return tok
	}
	first, second := click(msg), click(msg)
	h.forToken("POST", routeFollowUp, first, 1)
	cb := h.forToken("POST", routeCallback, second, 1)[0]
	if cb.Status != 204 || fmt.Sprint(cb.JSON["type"]) != "6" {
		t.Errorf("second click answered %d with type %v, want a deferred update (6)", cb.Status, cb.JSON["type"])
	}
	// The same button on another message pages as usual.
	other := click(h.id())
	h.forToken("POST", routeFollowUp, other, 1)
	h.wait()
	for tok, want := range map[string]int{first: 1, second: 0, other: 1} {
		n := 0
		for _, c := range h.fake.Calls("POST", routeFollowUp) {
			if c.Params["webhook_token"] == tok {
				n++
			}
		}
		if n != want {
			t.Errorf("%d follow-ups for a click, want %d", n, want)
		}
	}
	h.noViolations()
}

// TestAmbiguousDeferral checks that a deferral answered with a 5xx (which
// Discord may have taken) still gets its answer, while one Discord
// refused for certain (a 4xx) is dropped.
func TestAmbiguousDeferral(t *testing.T) {
	h := newHarness(t)
	h.run()
	h.fake.FailNext("POST", routeCallback, 1, 500, 0)
	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	if cb := h.forToken("POST", routeCallback, tok, 1)[0]; cb.Status != 500 {
		t.Fatalf("deferral answered %d", cb.Status)
	}
	// The answer is computed and the original response edited. (The fake
	// did not take the deferral, so it refuses the edit: 10015.)
	edit := h.forToken("PATCH", routeOriginal, tok, 1)[0]
	if !strings.Contains(string(edit.Body), "Latest developments") {
		t.Errorf("edit after an ambiguous deferral: %s", edit.Body)
	}
	if len(h.waitLog(1, "may or may not have reached Discord", "status=500")) != 1 {
		t.Error("no log line for the ambiguous deferral")
	}

	h.fake.FailNext("POST", routeCallback, 1, 400, 0)
	tok2 := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok2, "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	h.forToken("POST", routeCallback, tok2, 1)
	h.wait()
	for _, c := range h.fake.Calls("PATCH", routeOriginal) {
		if c.Params["webhook_token"] == tok2 {
			t.Error("answer worked on after Discord refused the deferral")
		}
	}
	h.noViolations()
}

// TestUnsupportedProxy checks that an https:// proxy for the gateway
// stops Run with an error naming the variable, instead of retrying for
// ever: whether it is seen before connecting or only when dialling the
// gateway's address.
func TestUnsupportedProxy(t *testing.T) {
	proxy, _ := url.Parse("https://user:hunter2@proxy.example:3128")
	for _, tc := range []struct {
		name     string
		forHost  func(host string) bool
		variable string
	}{
		{"gateway.discord.gg", func(string) bool { return true }, "HTTPS_PROXY"},
		{"only the dialled address", func(host string) bool { return !strings.HasSuffix(host, "discord.gg") }, "HTTP_PROXY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.a.conns.proxy = func(r *http.Request) (*url.URL, error) {
				if tc.forHost(r.URL.Hostname()) {
					return proxy, nil
				}
				return nil, nil
			}
			h.start()
			var err error
			select {
			case err = <-h.done:
			case <-time.After(10 * time.Second):
				t.Fatal("Run kept retrying with an unusable proxy")
			}
			h.stop = nil
			var pe *ProxyError
			if !errors.As(err, &pe) || pe.Variable != tc.variable || !strings.Contains(err.Error(), tc.variable) || !strings.Contains(err.Error(), "https://") {
				t.Errorf("Run = %v, want a ProxyError naming %s", err, tc.variable)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(h.logs.String(), "hunter2") {
				t.Error("the proxy's password was shown")
			}
			if h.fake.Identifies() != 0 {
				t.Errorf("%d IDENTIFY through an unusable proxy", h.fake.Identifies())
			}
		})
	}
}

// TestBusyAnswerCountsAsWork checks that a busy answer in flight is work
// in progress, which Run waits for.
func TestBusyAnswerCountsAsWork(t *testing.T) {
	h := newHarness(t)
	h.a.pool.SetMaxPending(0) // every command is turned away
	h.run()
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	defer unblock()
	h.fake.Handle("POST", routeCallback, func(discordfake.Call) (int, any) {
		entered <- struct{}{}
		<-release
		return 204, nil
	})
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), h.token(), "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("no busy answer")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := h.a.Wait(ctx); err == nil {
		t.Error("Wait returned with a busy answer in flight")
	}
	unblock()
	h.noViolations()
	if cb := h.fake.Calls("POST", routeCallback); len(cb) != 1 || fmt.Sprint(cb[0].JSON["type"]) != "4" {
		t.Errorf("busy answer: %v", cb)
	}
}

// TestRegistrationRetried fails the command registration with 5xx answers
// past the per-call retries: it is retried in the background until it
// works.
func TestRegistrationRetried(t *testing.T) {
	h := newHarness(t)
	h.fake.FailNext("PUT", routeGuildCmds, 6, 503, 0)
	h.run()
	calls := h.calls("PUT", routeGuildCmds, 7)
	if last := calls[len(calls)-1]; last.Status != 200 {
		t.Errorf("last registration answered %d", last.Status)
	}
	if len(h.waitLog(1, "commands registered")) != 1 || len(h.logs.lines("retrying in the background")) == 0 {
		t.Error("want a retry logged, then the registration")
	}
	// It works: a slash command is answered.
	tok := h.token()
	h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "latest", nil, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
	h.forToken("PATCH", routeOriginal, tok, 1)
	h.wait()
	if n := len(h.fake.Calls("PUT", routeGuildCmds)); n != 7 {
		t.Errorf("%d registration calls, want 7", n)
	}
	h.noViolations()
}

// TestRegistrationRetryEndsWithRun checks that background retries stop
// when Run ends, and that a refusal (4xx) is not retried.
func TestRegistrationRetryEndsWithRun(t *testing.T) {
	h := newHarness(t)
	h.a.regBackoff = time.Hour
	h.fake.FailNext("PUT", routeGuildCmds, 100, 503, 0)
	h.run()
	if len(h.waitLog(1, "retrying in the background")) == 0 {
		t.Fatal("the registration is not retried in the background")
	}
	start := time.Now()
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %v to return while the registration waited to retry", d)
	}

	h2 := newHarness(t)
	h2.fake.FailNext("PUT", routeGuildCmds, 1, 400, 0)
	h2.run()
	time.Sleep(300 * time.Millisecond) // several regBackoffs
	if n := len(h2.fake.Calls("PUT", routeGuildCmds)); n != 1 {
		t.Errorf("a 400 registration was tried %d times", n)
	}
}
