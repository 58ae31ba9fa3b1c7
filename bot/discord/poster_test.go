package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/discord/discordfake"
	"github.com/briefbot/briefbot/briefing"
)

const routeMe = "/users/@me"

// briefingReply is a small briefing with a group and an update.
func briefingReply() bot.Reply {
	return bot.Reply{
		Title: "Morning briefing",
		Items: []bot.Item{
			{Group: "Ceasefire", Date: "20 May 2025", Summary: "Talks resumed in Istanbul.", Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/a"}}},
			{Group: "Ceasefire", Date: "20 May 2025", Summary: "The truce now covers 30 days.", Badge: "Update"},
		},
		Footer: "2 developments. /timeline ceasefire for the rest.",
	}
}

// longReply is a briefing that takes several messages.
func longReply() bot.Reply {
	r := bot.Reply{Title: "Long briefing", Footer: "Many developments."}
	for i := range 12 {
		r.Items = append(r.Items, bot.Item{Date: fmt.Sprintf("%d May 2025", i+1), Summary: strings.Repeat(fmt.Sprintf("development %d ", i), 90)})
	}
	return r
}

// footerOf returns the footer text of the last embed of a recorded message.
func footerOf(c discordfake.Call) string {
	es, _ := c.JSON["embeds"].([]any)
	if len(es) == 0 {
		return ""
	}
	e, _ := es[len(es)-1].(map[string]any)
	f, _ := e["footer"].(map[string]any)
	s, _ := f["text"].(string)
	return s
}

// noSecret fails the test when err's message holds the bot token or a
// part of it.
func noSecret(t *testing.T, h *harness, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range append([]string{h.fake.Token()}, strings.Split(h.fake.Token(), ".")...) {
		if len(s) > 5 && strings.Contains(err.Error(), s) {
			t.Errorf("the error %q holds the secret %q", err, s)
		}
	}
}

func TestPostKeyedThenFindKeyed(t *testing.T) {
	h := newHarness(t) // REST only: Run is never called
	ctx := context.Background()
	const key = "sub-1 2025-05-20T07:30 Europe/Kyiv"
	since := time.Now().Add(-time.Minute)

	ref, err := h.a.PostKeyed(ctx, discordfake.ChannelID, briefingReply(), key)
	if err != nil {
		t.Fatalf("PostKeyed: %v", err)
	}
	posts := h.fake.Calls("POST", routeMessages)
	if len(posts) != 1 || posts[0].Status != 200 {
		t.Fatalf("posts = %d", len(posts))
	}
	c := posts[0]
	nonce, _ := c.JSON["nonce"].(string)
	if nonce == "" || len(nonce) > MaxNonce || c.JSON["enforce_nonce"] != true || nonce != nonceFor(discordfake.ChannelID, key, 0) {
		t.Errorf("nonce %q, enforce_nonce %v", nonce, c.JSON["enforce_nonce"])
	}
	if !allowsNoMentions(c.JSON) {
		t.Errorf("allowed_mentions: %s", c.Body)
	}
	if f := footerOf(c); f != "2 developments. /timeline ceasefire for the rest. · briefing "+key {
		t.Errorf("footer = %q", f)
	}
	if d := description(c); !strings.Contains(d, "**Ceasefire**\n") || !strings.Contains(d, "**Update:** The truce") {
		t.Errorf("description = %q", d)
	}

	got, found, err := h.a.FindKeyed(ctx, discordfake.ChannelID, key, since)
	if err != nil || !found || got != ref {
		t.Errorf("FindKeyed = %q, %v, %v; want %q", got, found, err, ref)
	}
	// The bot's user ID was asked for once, and is kept.
	if _, _, err := h.a.FindKeyed(ctx, discordfake.ChannelID, key, since); err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.Calls("GET", routeMe)); n != 1 {
		t.Errorf("%d GET /users/@me, want 1", n)
	}
	for _, other := range []string{"sub-1", "sub-1 2025-05-20T07:30", "sub-2 2025-05-20T07:30 Europe/Kyiv", "1 2025-05-20T07:30 Europe/Kyiv"} {
		if got, found, err := h.a.FindKeyed(ctx, discordfake.ChannelID, other, since); err != nil || found {
			t.Errorf("FindKeyed(%q) = %q, %v, %v; want not found", other, got, found, err)
		}
	}
	// Posted before since: not found, and the first page says so.
	before := len(h.fake.Calls("GET", routeMessages))
	if got, found, err := h.a.FindKeyed(ctx, discordfake.ChannelID, key, time.Now().Add(time.Hour)); err != nil || found {
		t.Errorf("FindKeyed after the post = %q, %v, %v; want not found", got, found, err)
	}
	if n := len(h.fake.Calls("GET", routeMessages)) - before; n != 1 {
		t.Errorf("%d pages read, want 1", n)
	}
	// Another channel: not found.
	if _, found, err := h.a.FindKeyed(ctx, "1247598653660168199", key, since); err != nil || found {
		t.Errorf("another channel: found %v, err %v", found, err)
	}
	h.noViolations()
}

// A retry of the same keyed post within Discord's nonce window posts
// nothing more, however many messages it takes.
func TestPostKeyedDedupe(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ref1, err := h.a.PostKeyed(ctx, discordfake.ChannelID, longReply(), "k-long")
	if err != nil {
		t.Fatal(err)
	}
	n := len(h.fake.Messages(discordfake.ChannelID))
	if n < 2 {
		t.Fatalf("%d messages, want several", n)
	}
	ref2, err := h.a.PostKeyed(ctx, discordfake.ChannelID, longReply(), "k-long")
	if err != nil || ref2 != ref1 {
		t.Errorf("second PostKeyed = %q, %v; want %q", ref2, err, ref1)
	}
	if got := len(h.fake.Messages(discordfake.ChannelID)); got != n {
		t.Errorf("%d messages after the retry, want %d", got, n)
	}
	// Only the first message carries the marker; every one has its own nonce.
	nonces := map[string]bool{}
	for i, c := range h.fake.Calls("POST", routeMessages)[:n] {
		nonces[c.JSON["nonce"].(string)] = true
		if marked := strings.HasSuffix(footerOf(c), "briefing k-long"); marked != (i == 0) {
			t.Errorf("message %d: footer %q", i, footerOf(c))
		}
	}
	if len(nonces) != n {
		t.Errorf("%d nonces for %d messages", len(nonces), n)
	}
	// The same key in another channel is another post.
	const other = "1247598653660168199"
	if ref3, err := h.a.PostKeyed(ctx, other, briefingReply(), "k-long"); err != nil || ref3 == ref1 {
		t.Errorf("another channel: %q, %v", ref3, err)
	}
	h.noViolations()
}

func TestPostKeyedRetries(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// A short rate limit and a 5xx are retried: the nonce makes the
	// repeated create harmless.
	h.fake.FailNext("POST", routeMessages, 1, 429, 0.05)
	h.fake.FailNext("POST", routeMessages, 1, 502, 0)
	ref, err := h.a.PostKeyed(ctx, discordfake.ChannelID, briefingReply(), "k-retry")
	if err != nil || ref == "" {
		t.Fatalf("PostKeyed = %q, %v", ref, err)
	}
	posts := h.fake.Calls("POST", routeMessages)
	if len(posts) != 3 || posts[0].Status != 429 || posts[1].Status != 502 || posts[2].Status != 200 {
		t.Errorf("%d posts", len(posts))
	}
	if n := len(h.fake.Messages(discordfake.ChannelID)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	// Reading the history retries a 5xx too.
	h.fake.FailNext("GET", routeMessages, 1, 503, 0)
	if got, found, err := h.a.FindKeyed(ctx, discordfake.ChannelID, "k-retry", time.Time{}); err != nil || !found || got != ref {
		t.Errorf("FindKeyed = %q, %v, %v", got, found, err)
	}
	h.noViolations()
}

func TestPosterErrors(t *testing.T) {
	const (
		gone     = "1247598653660168201"
		hidden   = "1247598653660168202"
		readOnly = "1247598653660168203"
		limited  = "1247598653660168204"
	)
	h := newHarness(t)
	ctx := context.Background()
	h.fake.SetChannelState(gone, discordfake.ChannelDeleted)
	h.fake.SetChannelState(hidden, discordfake.ChannelHidden)
	h.fake.SetChannelState(readOnly, discordfake.ChannelReadOnly)

	for _, tc := range []struct {
		name    string
		channel string
		find    bool   // FindKeyed rather than PostKeyed
		says    string // in the error
	}{
		{"post unknown channel", gone, false, "does not exist"},
		{"find unknown channel", gone, true, "does not exist"},
		{"post missing access", hidden, false, "cannot see channel"},
		{"find missing access", hidden, true, "Read Message History"},
		{"post missing permissions", readOnly, false, "may not post"},
		{"not a channel", "general", false, "not a channel ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.find {
				_, _, err = h.a.FindKeyed(ctx, tc.channel, "k", time.Time{})
			} else {
				_, err = h.a.PostKeyed(ctx, tc.channel, briefingReply(), "k")
			}
			if !errors.Is(err, briefing.ErrPermanent) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %v; want a permanent error saying %q", err, tc.says)
			}
			var ra *briefing.RetryAfterError
			if errors.As(err, &ra) {
				t.Errorf("a permanent error is also a rate limit: %v", err)
			}
			noSecret(t, h, err)
		})
	}
	// Reading works where posting does not.
	if _, found, err := h.a.FindKeyed(ctx, readOnly, "k", time.Time{}); err != nil || found {
		t.Errorf("FindKeyed in a read-only channel: %v, %v", found, err)
	}

	// A rate limit longer than the adapter waits: a RetryAfterError at once.
	h.fake.FailNext("POST", "/channels/"+limited+"/messages", 1, 429, 120)
	_, err := h.a.PostKeyed(ctx, limited, briefingReply(), "k")
	var ra *briefing.RetryAfterError
	if !errors.As(err, &ra) || ra.After != 120*time.Second || errors.Is(err, briefing.ErrPermanent) {
		t.Errorf("err = %v; want a RetryAfterError of 2m", err)
	}
	var ae *apiError
	if want := "discord: create message in channel " + limited + ": rate limited (retry after 2m0s)"; err == nil || err.Error() != want || !errors.As(err, &ae) || ae.Status != 429 {
		t.Errorf("err = %v; want %q, wrapping the 429", err, want)
	}
	noSecret(t, h, err)
	// The adapter remembers the limit: the next post is not even sent.
	posts := len(h.fake.Calls("POST", routeMessages))
	_, err = h.a.PostKeyed(ctx, limited, briefingReply(), "k")
	if !errors.As(err, &ra) || ra.After <= 0 || ra.After > 120*time.Second {
		t.Errorf("err = %v; want a RetryAfterError", err)
	}
	if n := len(h.fake.Calls("POST", routeMessages)); n != posts {
		t.Errorf("%d posts sent to a channel known to be rate limited", n-posts)
	}

	// A 5xx that persists is transient.
	h.fake.FailNext("POST", routeMessages, h.a.maxRetries+1, 500, 0)
	_, err = h.a.PostKeyed(ctx, discordfake.ChannelID, briefingReply(), "k-500")
	if err == nil || errors.Is(err, briefing.ErrPermanent) || errors.As(err, &ra) {
		t.Errorf("err = %v; want a transient error", err)
	}

	// A rejected token: permanent, and the token is not in the error.
	h.fake.RevokeToken()
	_, err = h.a.PostKeyed(ctx, discordfake.ChannelID, briefingReply(), "k")
	if !errors.Is(err, briefing.ErrPermanent) || !strings.Contains(err.Error(), "rejected the bot token") {
		t.Errorf("err = %v", err)
	}
	noSecret(t, h, err)
	_, _, err = h.a.FindKeyed(ctx, discordfake.ChannelID, "k", time.Time{})
	if !errors.Is(err, briefing.ErrPermanent) {
		t.Errorf("FindKeyed with a rejected token: %v", err)
	}
	noSecret(t, h, err)
}

// A later message fails after the first went out: the first message's ID
// and an error that says so.
func TestPostKeyedPartly(t *testing.T) {
	var fake atomic.Pointer[discordfake.Server]
	var posted atomic.Int32
	h := newHarness(t, withConfig(func(c *Config) {
		c.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := fake.Load().Transport().RoundTrip(r)
			if err == nil && r.Method == "POST" && resp.StatusCode == 200 && posted.Add(1) == 1 {
				fake.Load().SetChannelState(discordfake.ChannelID, discordfake.ChannelReadOnly)
			}
			return resp, err
		})}
	}))
	fake.Store(h.fake)
	ref, err := h.a.PostKeyed(context.Background(), discordfake.ChannelID, longReply(), "k-partly")
	if ref == "" || err == nil || !strings.Contains(err.Error(), "partly posted") {
		t.Fatalf("PostKeyed = %q, %v", ref, err)
	}
	if !errors.Is(err, briefing.ErrPermanent) {
		t.Errorf("err = %v; want the cause kept", err)
	}
	if msgs := h.fake.Messages(discordfake.ChannelID); len(msgs) != 1 || msgs[0]["id"] != ref {
		t.Errorf("%d messages; want the first, %s", len(msgs), ref)
	}
	if got, found, err := h.a.FindKeyed(context.Background(), discordfake.ChannelID, "k-partly", time.Time{}); err != nil || !found || got != ref {
		t.Errorf("FindKeyed = %q, %v, %v", got, found, err)
	}
}

// FindKeyed pages back through a busy channel, ignores a marker someone
// else posted, and stops at its bound.
func TestFindKeyedHistory(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	const user = "1200000000000000001"
	ref, err := h.a.PostKeyed(ctx, discordfake.ChannelID, briefingReply(), "k-busy")
	if err != nil {
		t.Fatal(err)
	}
	start, _ := snowflakeTime(ref)
	// 150 messages after it, one of them a forgery of its footer.
	for i := range 150 {
		m := discordfake.Message(snowflakeAt(start.Add(time.Duration(i+1)*time.Millisecond), int64(i)), discordfake.ChannelID, discordfake.GuildID, user, "chatter", false)
		if i == 149 {
			m["embeds"] = []any{map[string]any{"type": "rich", "description": "x", "footer": map[string]any{"text": "briefing k-busy"}}}
		}
		if err := h.fake.AddMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := h.a.FindKeyed(ctx, discordfake.ChannelID, "k-busy", start.Add(-time.Minute))
	if err != nil || !found || got != ref {
		t.Errorf("FindKeyed = %q, %v, %v; want %q", got, found, err, ref)
	}
	reads := h.fake.Calls("GET", routeMessages)
	if len(reads) != 2 || reads[1].Query.Get("before") == "" || reads[0].Query.Get("limit") != "100" {
		t.Errorf("%d pages read", len(reads))
	}

	// Past maxHistoryPages pages, FindKeyed gives up and says it cannot
	// tell (an error that is not permanent), rather than "not found".
	const busy = "1247598653660168205"
	base := time.Now().Add(-time.Hour)
	for i := range maxHistoryPages*historyPage + 1 {
		m := discordfake.Message(snowflakeAt(base.Add(time.Duration(i)*time.Millisecond), 1), busy, discordfake.GuildID, user, "chatter", false)
		if err := h.fake.AddMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	before := len(h.fake.Calls("GET", routeMessages))
	if _, found, err := h.a.FindKeyed(ctx, busy, "k-busy", time.Time{}); err == nil || found || errors.Is(err, briefing.ErrPermanent) {
		t.Errorf("FindKeyed in a busy channel: %v, %v; want a transient error", found, err)
	}
	if n := len(h.fake.Calls("GET", routeMessages)) - before; n != maxHistoryPages {
		t.Errorf("%d pages read, want %d", n, maxHistoryPages)
	}
	if len(h.logs.lines("stopped looking for a briefing", "channel="+busy)) != 1 {
		t.Error("no log line for the search given up")
	}
	h.noViolations()
}

// Once the adapter ran, FindKeyed knows the bot's user from READY.
func TestFindKeyedAfterReady(t *testing.T) {
	h := newHarness(t)
	h.run()
	ctx := context.Background()
	ref, err := h.a.PostKeyed(ctx, discordfake.ChannelID, briefingReply(), "k-ready")
	if err != nil {
		t.Fatal(err)
	}
	if got, found, err := h.a.FindKeyed(ctx, discordfake.ChannelID, "k-ready", time.Now().Add(-time.Minute)); err != nil || !found || got != ref {
		t.Errorf("FindKeyed = %q, %v, %v", got, found, err)
	}
	if n := len(h.fake.Calls("GET", routeMe)); n != 0 {
		t.Errorf("%d GET /users/@me; READY said who the bot is", n)
	}
	h.noViolations()
}

// What an article says stays inert in a keyed post, groups and badges
// included; a key no footer should show as it is is hashed, and found.
func TestPostKeyedHostile(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	r := bot.Reply{
		Title: "Briefing <@&456> **now**",
		Items: []bot.Item{{
			Group:   "@everyone [click](https://evil.example)",
			Badge:   "<@123>",
			Date:    "@here",
			Summary: "Tell @everyone and <@&456> to [click here](https://evil.example) **urgently**.",
		}},
	}
	key := "k\n@everyone " + strings.Repeat("x", 100)
	ref, err := h.a.PostKeyed(ctx, discordfake.ChannelID, r, key)
	if err != nil {
		t.Fatal(err)
	}
	c := h.calls("POST", routeMessages, 1)[0]
	d := description(c)
	for _, esc := range []string{`**\@everyone \[click\](https://evil.example)**`, `**\@here**`, `**\<\@123>:**`, `\@everyone`, `\<\@&456>`, `\[click here\]`, `\*\*urgently\*\*`} {
		if !strings.Contains(d, esc) {
			t.Errorf("%q missing from %s", esc, d)
		}
	}
	for _, bad := range []string{" @everyone", "[click here](", "<@&456>"} {
		if strings.Contains(d, bad) {
			t.Errorf("unescaped %q in %s", bad, d)
		}
	}
	if f := footerOf(c); strings.Contains(f, "@everyone") || !strings.HasPrefix(f, "briefing #") {
		t.Errorf("footer = %q; want the key hashed", f)
	}
	if !allowsNoMentions(c.JSON) {
		t.Errorf("allowed_mentions: %s", c.Body)
	}
	if got, found, err := h.a.FindKeyed(ctx, discordfake.ChannelID, key, time.Time{}); err != nil || !found || got != ref {
		t.Errorf("FindKeyed = %q, %v, %v", got, found, err)
	}
	h.noViolations()
}
