package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/slack/slackfake"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/config"
)

// briefingReply is a small briefing with untrusted text in every field.
func briefingReply() bot.Reply {
	return bot.Reply{
		Title: "Morning briefing: 19-20 May",
		Items: []bot.Item{
			{Date: "19 May 2025", Summary: "Talks began <!channel>.", Group: "Ceasefire <!here>", Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/a"}}},
			{Date: "20 May 2025", Summary: "A truce was agreed.", Group: "Ceasefire <!here>", Badge: "Update <@U123>"},
		},
		Footer: "1 more development: /timeline ceasefire",
	}
}

// noSecrets fails the test when err's text holds a secret.
func noSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error holds the secret %q: %v", s, err)
		}
	}
}

// TestPostKeyedAndFindKeyed posts a briefing with an adapter that was never
// Run (as `briefbot brief now` does) and finds it again by its key.
func TestPostKeyedAndFindKeyed(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	ctx := t.Context()
	before := time.Now()
	const key = "sub:7/2025-05-20T04:30:00Z"
	ref, err := h.a.PostKeyed(ctx, "C0NEWS", briefingReply(), key)
	if err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls("chat.postMessage")
	if len(calls) != 1 || ref == "" {
		t.Fatalf("ref %q after %d posts", ref, len(calls))
	}
	md := calls[0].Metadata()
	if md == nil || md.EventType != BriefingEventType || md.EventPayload["key"] != key || len(md.EventPayload) != 1 {
		t.Errorf("metadata sent = %+v", md)
	}
	msgs := h.fake.Messages("C0NEWS")
	if len(msgs) != 1 || msgs[0].TS != ref || msgs[0].Metadata == nil || msgs[0].Metadata.EventPayload["key"] != key {
		t.Fatalf("channel history = %+v", msgs)
	}
	// Escaped and rendered as Render does it, groups and badges included.
	all := calls[0].Text()
	for _, b := range calls[0].Blocks() {
		if b["type"] != "header" {
			all += "\n" + blockText(b)
		}
	}
	for _, live := range []string{"<!channel>", "<!here>", "<@U123>"} {
		if strings.Contains(all, live) {
			t.Errorf("live %q posted:\n%s", live, all)
		}
	}
	if want := blockJSON(t, Render(briefingReply())[0].Blocks); !sameJSON(t, calls[0].Blocks(), want) {
		t.Errorf("blocks posted = %v\nwant %v", calls[0].Blocks(), want)
	}
	for _, want := range []string{"*Ceasefire &lt;!here&gt;*", "*Update &lt;@U123&gt;:* A truce was agreed."} {
		if !strings.Contains(all, want) {
			t.Errorf("the post lacks %q:\n%s", want, all)
		}
	}

	got, found, err := h.a.FindKeyed(ctx, "C0NEWS", key, before)
	if err != nil || !found || got != ref {
		t.Fatalf("FindKeyed = %q, %v, %v; want %q", got, found, err, ref)
	}
	hist := h.fake.Calls("conversations.history")
	if len(hist) != 1 {
		t.Fatalf("%d conversations.history calls", len(hist))
	}
	for field, want := range map[string]string{"channel": "C0NEWS", "include_all_metadata": "1", "limit": "200", "inclusive": "1", "oldest": slackTS(before)} {
		if v := hist[0].Field(field); v != want {
			t.Errorf("conversations.history %s = %q, want %q", field, v, want)
		}
	}
	// auth.test once, lazily, and not again.
	if _, _, err := h.a.FindKeyed(ctx, "C0NEWS", key, before); err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.Calls("auth.test")); n != 1 {
		t.Errorf("%d auth.test calls, want 1", n)
	}

	for _, tc := range []struct {
		name, channel, key string
		since              time.Time
	}{
		{"another key", "C0NEWS", key + "x", before},
		{"a prefix of the key", "C0NEWS", "sub:7", before},
		{"since after the post", "C0NEWS", key, time.Now().Add(time.Minute)},
		{"another channel", "C0OTHER", key, before},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found, err := h.a.FindKeyed(ctx, tc.channel, tc.key, tc.since)
			if err != nil || found || got != "" {
				t.Errorf("FindKeyed = %q, %v, %v; want not found", got, found, err)
			}
		})
	}
}

// TestFindKeyedWhatCounts checks which messages FindKeyed takes for the
// briefing: only the bot's, with the briefing's event type and key, at or
// after since.
func TestFindKeyedWhatCounts(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	ctx := t.Context()
	mark := func(typ, key string) *slackfake.Metadata {
		return &slackfake.Metadata{EventType: typ, EventPayload: map[string]any{"key": key}}
	}
	since := time.Date(2025, 5, 20, 4, 30, 0, 0, time.UTC)
	at := func(d time.Duration) string { return slackTS(since.Add(d)) }
	h.fake.AddMessage("C0NEWS", slackfake.HistoryMessage{TS: at(-time.Microsecond), User: slackfake.BotUserID, BotID: slackfake.BotID, Text: "old", Metadata: mark(BriefingEventType, "k-old")})
	h.fake.AddMessage("C0NEWS", slackfake.HistoryMessage{TS: at(0), User: slackfake.BotUserID, BotID: slackfake.BotID, Text: "exactly at since", Metadata: mark(BriefingEventType, "k-at")})
	h.fake.AddMessage("C0NEWS", slackfake.HistoryMessage{TS: at(time.Second), User: "U0MALLORY", BotID: "B0OTHER", Text: "another app", Metadata: mark(BriefingEventType, "k-other")})
	h.fake.AddMessage("C0NEWS", slackfake.HistoryMessage{TS: at(2 * time.Second), User: slackfake.BotUserID, BotID: slackfake.BotID, Text: "another type", Metadata: mark("something_else", "k-type")})
	h.fake.AddMessage("C0NEWS", slackfake.HistoryMessage{TS: at(3 * time.Second), User: slackfake.BotUserID, BotID: slackfake.BotID, Text: "in a thread", ThreadTS: at(0), Metadata: mark(BriefingEventType, "k-reply")})
	h.fake.AddMessage("C0NEWS", slackfake.HistoryMessage{TS: at(4 * time.Second), User: "U0ALICE", Text: "k-text"})
	for _, tc := range []struct {
		key   string
		found bool
	}{
		{"k-old", false},   // before since
		{"k-at", true},     // since is inclusive
		{"k-other", false}, // posted by another app
		{"k-type", false},  // not a briefing
		{"k-reply", false}, // history lists no replies; briefings are never in threads
		{"k-text", false},  // a key in the text is not a mark
	} {
		ref, found, err := h.a.FindKeyed(ctx, "C0NEWS", tc.key, since)
		if err != nil || found != tc.found || found != (ref != "") {
			t.Errorf("FindKeyed(%s) = %q, %v, %v; want found %v", tc.key, ref, found, err, tc.found)
		}
	}
	if ref, found, _ := h.a.FindKeyed(ctx, "C0NEWS", "k-at", since); ref != at(0) || !found {
		t.Errorf("ref = %q, want %q", ref, at(0))
	}
	if _, _, err := h.a.FindKeyed(ctx, "C0NEWS", "", since); err == nil {
		t.Error("FindKeyed accepted an empty key")
	}
	if _, err := h.a.PostKeyed(ctx, "C0NEWS", briefingReply(), ""); err == nil {
		t.Error("PostKeyed accepted an empty key")
	}
}

// TestFindKeyedPages checks that FindKeyed pages through a busy channel
// and gives up, with an error rather than "not found", past its bound.
func TestFindKeyedPages(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	ctx := t.Context()
	since := time.Now()
	ref, err := h.a.PostKeyed(ctx, "C0BUSY", bot.Reply{Text: "briefing"}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	chatter := func(n int) {
		for i := range n {
			h.fake.AddMessage("C0BUSY", slackfake.HistoryMessage{User: "U0ALICE", Text: fmt.Sprint("chatter ", i)})
		}
	}
	chatter(450)
	got, found, err := h.a.FindKeyed(ctx, "C0BUSY", "k1", since)
	if err != nil || !found || got != ref {
		t.Fatalf("FindKeyed = %q, %v, %v; want %q", got, found, err, ref)
	}
	if n := len(h.fake.Calls("conversations.history")); n != 3 {
		t.Errorf("%d pages read, want 3", n)
	}
	if _, found, err := h.a.FindKeyed(ctx, "C0BUSY", "k2", since); err != nil || found {
		t.Errorf("absent key: %v, %v", found, err)
	}

	chatter(historyPageSize * maxHistoryPages)
	before := len(h.fake.Calls("conversations.history"))
	_, found, err = h.a.FindKeyed(ctx, "C0BUSY", "k1", since)
	if err == nil || found || errors.Is(err, briefing.ErrPermanent) {
		t.Fatalf("FindKeyed past the bound = %v, %v; want a transient error", found, err)
	}
	if !strings.Contains(err.Error(), "cannot tell") {
		t.Errorf("error = %v", err)
	}
	if n := len(h.fake.Calls("conversations.history")) - before; n != maxHistoryPages {
		t.Errorf("%d pages read, want %d", n, maxHistoryPages)
	}
}

// TestPostKeyedSplit posts a briefing too long for one message: the first
// carries the key, the rest follow in order.
func TestPostKeyedSplit(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	r := bot.Reply{Title: "Briefing", Footer: "The end."}
	for i := range 70 {
		r.Items = append(r.Items, bot.Item{Date: "20 May 2025", Summary: fmt.Sprint("development ", i), Group: fmt.Sprint("Topic ", i/10)})
	}
	want := Render(r)
	if len(want) < 2 {
		t.Fatalf("the briefing fits in %d message", len(want))
	}
	ref, err := h.a.PostKeyed(t.Context(), "C0NEWS", r, "k1")
	if err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls("chat.postMessage")
	if len(calls) != len(want) {
		t.Fatalf("%d posts, want %d", len(calls), len(want))
	}
	msgs := h.fake.Messages("C0NEWS")
	if msgs[0].TS != ref {
		t.Errorf("ref %q, first message %q", ref, msgs[0].TS)
	}
	for i, c := range calls {
		if (c.Metadata() != nil) != (i == 0) {
			t.Errorf("post %d: metadata %+v", i, c.Metadata())
		}
		if c.ThreadTS() != "" {
			t.Errorf("post %d in a thread", i)
		}
		if !sameJSON(t, c.Blocks(), blockJSON(t, want[i].Blocks)) {
			t.Errorf("post %d: blocks differ from Render's", i)
		}
	}
}

// hookAPI is the adapter's Web API with a hook after each successful post.
type hookAPI struct {
	webAPI
	mu        sync.Mutex
	posts     int
	afterPost func(n int)
}

func (h *hookAPI) PostMessageContext(ctx context.Context, channel string, opts ...slackapi.MsgOption) (string, string, error) {
	ch, ts, err := h.webAPI.PostMessageContext(ctx, channel, opts...)
	if err == nil {
		h.mu.Lock()
		h.posts++
		n := h.posts
		h.mu.Unlock()
		h.afterPost(n)
	}
	return ch, ts, err
}

// longReply renders in several messages.
func longReply(t *testing.T) bot.Reply {
	r := bot.Reply{Title: "Briefing"}
	for i := range 70 {
		r.Items = append(r.Items, bot.Item{Date: "20 May 2025", Summary: fmt.Sprint("development ", i)})
	}
	if n := len(Render(r)); n < 2 {
		t.Fatalf("the briefing fits in %d message", n)
	}
	return r
}

func TestPostKeyedPartlyPosted(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	h.a.api = &hookAPI{webAPI: h.a.api, afterPost: func(n int) {
		if n == 1 {
			h.fake.SetChannelError("C0NEWS", "is_archived")
		}
	}}
	since := time.Now()
	ref, err := h.a.PostKeyed(t.Context(), "C0NEWS", longReply(t), "k1")
	if ref == "" || !errors.Is(err, ErrPartlyPosted) {
		t.Fatalf("PostKeyed = %q, %v; want the first ref and ErrPartlyPosted", ref, err)
	}
	if !errors.Is(err, briefing.ErrPermanent) || !strings.Contains(err.Error(), "1 of ") || !strings.Contains(err.Error(), "is_archived") {
		t.Errorf("error = %v", err)
	}
	noSecrets(t, err)
	if len(h.logs.lines("partly posted", "C0NEWS")) == 0 {
		t.Error("no log line about the partial briefing")
	}
	// What the caller relies on: the briefing is marked, so it counts as
	// posted.
	h.fake.SetChannelError("C0NEWS", "")
	got, found, err := h.a.FindKeyed(t.Context(), "C0NEWS", "k1", since)
	if err != nil || !found || got != ref {
		t.Errorf("FindKeyed = %q, %v, %v; want %q", got, found, err, ref)
	}
}

// TestPostKeyedRateLimitedLater checks that once the first message is
// posted, a rate limit on a later one is waited out, not left half done.
func TestPostKeyedRateLimitedLater(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	h.a.maxRetryAfter = time.Millisecond // Slack's 1 s Retry-After, cut short
	h.a.api = &hookAPI{webAPI: h.a.api, afterPost: func(n int) {
		if n == 1 {
			h.fake.FailNextIn("chat.postMessage", "C0NEWS", 1, http.StatusTooManyRequests, time.Second)
		}
	}}
	r := longReply(t)
	if _, err := h.a.PostKeyed(t.Context(), "C0NEWS", r, "k1"); err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls("chat.postMessage")
	if len(calls) != len(Render(r))+1 || calls[1].Status != http.StatusTooManyRequests {
		t.Errorf("%d posts (second: %d), want %d with one 429", len(calls), calls[1].Status, len(Render(r))+1)
	}
}

// TestPosterErrors checks the classification of Slack's answers: a rate
// limit as *briefing.RetryAfterError with Slack's Retry-After, refusals
// that retrying cannot fix as briefing.ErrPermanent, the rest transient.
// Nothing is retried but a connection that could not be made; no error
// holds a token.
func TestPosterErrors(t *testing.T) {
	type outcome int
	const (
		transient outcome = iota
		permanent
		rateLimited
	)
	for _, tc := range []struct {
		name   string
		setup  func(f *slackfake.Server, method string)
		want   outcome
		after  time.Duration // Retry-After, for rateLimited
		saying string
	}{
		{"429", func(f *slackfake.Server, m string) {
			f.FailNextIn(m, "C0NEWS", 1, http.StatusTooManyRequests, 7*time.Second)
		}, rateLimited, 7 * time.Second, "rate limited"},
		{"channel_not_found", func(f *slackfake.Server, _ string) { f.SetChannelError("C0NEWS", "channel_not_found") }, permanent, 0, "channel_not_found: the channel does not exist"},
		{"not_in_channel", func(f *slackfake.Server, _ string) { f.SetChannelError("C0NEWS", "not_in_channel") }, permanent, 0, "/invite @briefbot"},
		{"is_archived", func(f *slackfake.Server, _ string) { f.SetChannelError("C0NEWS", "is_archived") }, permanent, 0, "archived"},
		{"token_revoked", func(f *slackfake.Server, m string) { f.SetError(m, "token_revoked") }, permanent, 0, "reinstall the app"},
		{"missing_scope", func(f *slackfake.Server, m string) { f.SetError(m, "missing_scope") }, permanent, 0, "slack-manifest.yaml"},
		{"wrong token", func(f *slackfake.Server, _ string) { f.RequireTokens("xoxb-the-right-one", "") }, permanent, 0, "invalid_auth"},
		{"503", func(f *slackfake.Server, m string) { f.FailNext(m, 1, http.StatusServiceUnavailable, 0) }, transient, 0, "HTTP 503; the message may have been posted"},
		{"internal_error", func(f *slackfake.Server, m string) { f.SetError(m, "internal_error") }, transient, 0, "internal_error"},
	} {
		for _, method := range []string{"chat.postMessage", "conversations.history"} {
			t.Run(tc.name+" "+method, func(t *testing.T) {
				h := newHarness(t, config.SlackModeHTTP)
				h.a.botUser, h.a.botID = slackfake.BotUserID, slackfake.BotID // as after Run
				tc.setup(h.fake, method)
				var err error
				if method == "chat.postMessage" {
					var ref string
					ref, err = h.a.PostKeyed(t.Context(), "C0NEWS", briefingReply(), "k1")
					if ref != "" {
						t.Errorf("ref %q after a failed post", ref)
					}
				} else {
					var found bool
					_, found, err = h.a.FindKeyed(t.Context(), "C0NEWS", "k1", time.Now())
					if found {
						t.Error("found after a failed read")
					}
				}
				if err == nil {
					t.Fatal("no error")
				}
				noSecrets(t, err)
				var ra *briefing.RetryAfterError
				isRA := errors.As(err, &ra)
				isPerm := errors.Is(err, briefing.ErrPermanent)
				switch tc.want {
				case rateLimited:
					if !isRA || ra.After != tc.after || isPerm {
						t.Errorf("err = %#v, want a RetryAfterError after %v", err, tc.after)
					}
				case permanent:
					if !isPerm || isRA {
						t.Errorf("err = %v, want ErrPermanent", err)
					}
				case transient:
					if isPerm || isRA {
						t.Errorf("err = %v, want a transient error", err)
					}
				}
				if !strings.Contains(err.Error(), tc.saying) || !strings.Contains(err.Error(), "C0NEWS") {
					t.Errorf("err = %q, want it to name the channel and say %q", err, tc.saying)
				}
				if n := len(h.fake.Calls(method)); n != 1 {
					t.Errorf("%d calls of %s, want 1 (no retry)", n, method)
				}
			})
		}
	}
}

// TestFindKeyedAuthTest checks the lazy auth.test: a rejected token is
// permanent.
func TestFindKeyedAuthTest(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	h.fake.SetError("auth.test", "account_inactive")
	_, _, err := h.a.FindKeyed(t.Context(), "C0NEWS", "k1", time.Now())
	if !errors.Is(err, briefing.ErrPermanent) || !strings.Contains(err.Error(), "auth.test") {
		t.Errorf("err = %v, want ErrPermanent from auth.test", err)
	}
	noSecrets(t, err)
	if n := len(h.fake.Calls("conversations.history")); n != 0 {
		t.Errorf("history read without knowing who the bot is")
	}
}

// TestPosterUnreachable points the adapter at a port nobody listens on: the
// connection is retried a few times, then the error is transient and holds
// no token.
func TestPosterUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	h := newHarness(t, config.SlackModeHTTP)
	logs := &logBuffer{}
	a, err := New(h.bh.Bot, Config{
		BotToken: testBotToken, SigningSecret: testSecret, Mode: config.SlackModeHTTP,
		APIURL: "http://" + addr + "/api/",
		Log:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	a.backoff = time.Millisecond
	_, err = a.PostKeyed(t.Context(), "C0NEWS", briefingReply(), "k1")
	if err == nil || errors.Is(err, briefing.ErrPermanent) || errors.As(err, new(*briefing.RetryAfterError)) {
		t.Errorf("PostKeyed = %v, want a transient error", err)
	}
	noSecrets(t, err)
	if n := len(logs.lines("retrying", "chat.postMessage")); n != a.maxRetries {
		t.Errorf("%d retries, want %d", n, a.maxRetries)
	}
	_, _, err = a.FindKeyed(t.Context(), "C0NEWS", "k1", time.Now())
	if err == nil || errors.Is(err, briefing.ErrPermanent) {
		t.Errorf("FindKeyed = %v, want a transient error", err)
	}
	noSecrets(t, err)
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the logs hold %q", s)
		}
	}
}

// TestPostKeyedCancelled returns at once with a cancelled context.
func TestPostKeyedCancelled(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := h.a.PostKeyed(ctx, "C0NEWS", briefingReply(), "k1")
	if !errors.Is(err, context.Canceled) || errors.Is(err, briefing.ErrPermanent) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if len(h.fake.Messages("C0NEWS")) != 0 {
		t.Error("posted with a cancelled context")
	}
}

func TestSlackTS(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 5, 20, 10, 0, 0, 100_000, time.UTC), "1716199200.000100"},
		{time.Date(2024, 5, 20, 10, 0, 0, 100_999, time.UTC), "1716199200.000100"},
		{time.Unix(0, 0), "0.000000"},
		{time.Time{}, "0"},
		{time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), "0"},
	} {
		if got := slackTS(tc.t); got != tc.want {
			t.Errorf("slackTS(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}
