package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot/slack/slackfake"
	"github.com/briefbot/briefbot/config"
)

const formType = "application/x-www-form-urlencoded"

// serve runs one request through the handler and returns the recorded
// response.
func (h *harness) serve(req *http.Request) *httptest.ResponseRecorder {
	h.t.Helper()
	rec := httptest.NewRecorder()
	start := time.Now()
	h.a.Handler().ServeHTTP(rec, req)
	if d := time.Since(start); d > 3*time.Second {
		h.t.Errorf("%s answered after %v", req.URL.Path, d)
	}
	return rec
}

func TestHTTPSlashCommand(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	h.run()
	srv := httptest.NewServer(h.a.Handler())
	defer srv.Close()

	body := []byte(slackfake.SlashCommandForm("/timeline", "ceasefire", "C1", "U1", h.fake.ResponseURL("http")).Encode())
	req := slackfake.SignedRequest(t, testSecret, srv.URL+"/slack/commands", formType, body, time.Time{})
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ack, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(ack) != 0 {
		t.Errorf("ack = %d %q, want an empty 200", resp.StatusCode, ack)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("ack took %v", d)
	}
	c := h.response("http", 1)
	if c.Field("response_type") != "in_channel" {
		t.Errorf("response_type = %q", c.Field("response_type"))
	}
	if want := h.expectedBlocks("C1", "/timeline ceasefire"); !sameJSON(t, c.Blocks(), want) {
		t.Errorf("blocks:\n%v\nwant:\n%v", c.Blocks(), want)
	}
	value, _ := button(c)["value"].(string)

	// The More button, through /slack/interactions.
	form := slackfake.InteractionForm(slackfake.BlockAction(MoreActionID, value, "C1", "U1", "1747800000.000100", h.fake.ResponseURL("http-more")))
	rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/interactions", formType, []byte(form.Encode()), time.Time{}))
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("interaction ack = %d %q", rec.Code, rec.Body)
	}
	if secs := sectionTexts(h.response("http-more", 1)); len(secs) != 3 || !strings.HasPrefix(secs[0], "*19 April 2025*") {
		t.Errorf("page 2 = %q", secs)
	}

	// The message shortcut.
	form = slackfake.InteractionForm(slackfake.MessageShortcut(IngestCallbackID, "C1", "U1", "On May 20, 2025, the prime ministers of Ukraine and Moldova met in Chisinau and signed an agreement on a new border crossing.", "1747800000.000200", h.fake.ResponseURL("http-paste")))
	if rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/interactions", formType, []byte(form.Encode()), time.Time{})); rec.Code != 200 {
		t.Errorf("shortcut ack = %d", rec.Code)
	}
	if c := h.response("http-paste", 1); c.Field("response_type") != "ephemeral" || !strings.Contains(string(c.Raw), "border crossing") {
		t.Errorf("shortcut answer = %s", c.Raw)
	}
}

func TestHTTPRejectsUnsigned(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	body := []byte(slackfake.SlashCommandForm("/latest", "", "C1", "U1", h.fake.ResponseURL("forged")).Encode())
	sign := func(secret string, ts time.Time, b []byte) *http.Request {
		return slackfake.SignedRequest(t, secret, "/slack/commands", formType, b, ts)
	}
	for _, tc := range []struct {
		name string
		req  func() *http.Request
	}{
		{"tampered body", func() *http.Request {
			r := sign(testSecret, time.Time{}, body)
			tampered := []byte(strings.Replace(string(body), "latest", "brief", 1))
			r.Body = io.NopCloser(strings.NewReader(string(tampered)))
			r.ContentLength = int64(len(tampered))
			return r
		}},
		{"wrong secret", func() *http.Request { return sign("another-secret", time.Time{}, body) }},
		{"no headers", func() *http.Request {
			r := sign(testSecret, time.Time{}, body)
			r.Header.Del("X-Slack-Signature")
			r.Header.Del("X-Slack-Request-Timestamp")
			return r
		}},
		{"no signature", func() *http.Request {
			r := sign(testSecret, time.Time{}, body)
			r.Header.Del("X-Slack-Signature")
			return r
		}},
		{"no timestamp", func() *http.Request {
			r := sign(testSecret, time.Time{}, body)
			r.Header.Del("X-Slack-Request-Timestamp")
			return r
		}},
		{"garbled signature", func() *http.Request {
			r := sign(testSecret, time.Time{}, body)
			r.Header.Set("X-Slack-Signature", "v0=zz")
			return r
		}},
		{"6 minutes old", func() *http.Request { return sign(testSecret, time.Now().Add(-6*time.Minute), body) }},
		{"6 minutes ahead", func() *http.Request { return sign(testSecret, time.Now().Add(6*time.Minute), body) }},
		{"timestamp swapped", func() *http.Request {
			r := sign(testSecret, time.Now().Add(-6*time.Minute), body)
			r.Header.Set("X-Slack-Request-Timestamp", sign(testSecret, time.Time{}, body).Header.Get("X-Slack-Request-Timestamp"))
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactions"} {
				r := tc.req()
				r.URL.Path = path
				if rec := h.serve(r); rec.Code != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", path, rec.Code)
				}
			}
		})
	}
	h.wait()
	if calls := h.fake.AllCalls(); len(calls) != 0 {
		t.Errorf("refused requests caused %d calls, e.g. %s", len(calls), calls[0].Method)
	}
	// A good one still goes through.
	if rec := h.serve(sign(testSecret, time.Time{}, body)); rec.Code != 200 {
		t.Errorf("signed request: status %d", rec.Code)
	}
	h.response("forged", 1)
}

func TestHTTPEvents(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	h.run()

	// URL verification echoes the challenge.
	challenge := []byte(`{"token":"` + slackfake.VerificationToken + `","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/events", "application/json", challenge, time.Time{}))
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil || got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %s", rec.Code, rec.Body)
	}

	// A mention, then Slack's retry of it: both acked, answered once.
	mention, _ := json.Marshal(slackfake.AppMention("Ev100", "C2", "U1", "<@UBOT> what happened with prisoners?", "1747800000.000100"))
	if rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/events", "application/json", mention, time.Time{})); rec.Code != 200 {
		t.Errorf("event: status %d", rec.Code)
	}
	retry := slackfake.SignedRequest(t, testSecret, "/slack/events", "application/json", mention, time.Time{})
	retry.Header.Set("X-Slack-Retry-Num", "1")
	retry.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	if rec := h.serve(retry); rec.Code != 200 {
		t.Errorf("retry: status %d", rec.Code)
	}
	c := h.posted(1)
	if secs := sectionTexts(c); c.Channel() != "C2" || c.ThreadTS() != "1747800000.000100" || len(secs) == 0 || !strings.Contains(secs[0], "prisoners of war") {
		t.Errorf("mention answer in %q thread %q: %q", c.Channel(), c.ThreadTS(), secs)
	}
	// A direct message.
	dm, _ := json.Marshal(slackfake.DirectMessage("Ev101", "D1", "U1", "latest", "1747800000.000200"))
	if rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/events", "application/json", dm, time.Time{})); rec.Code != 200 {
		t.Errorf("dm: status %d", rec.Code)
	}
	if c := h.posted(2); c.Channel() != "D1" {
		t.Errorf("DM answered in %q", c.Channel())
	}
	h.wait()
	if n := len(h.fake.Calls("chat.postMessage")); n != 2 {
		t.Errorf("%d posts, want 2 (the retry must not be answered)", n)
	}
}

func TestHTTPLimits(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	big := []byte("command=%2Flatest&text=" + strings.Repeat("a", MaxBodyBytes))
	rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/commands", formType, big, time.Time{}))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize body: status %d, want 413", rec.Code)
	}
	get := httptest.NewRequest(http.MethodGet, "/slack/commands", nil)
	if rec := h.serve(get); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", rec.Code)
	}
	junk := slackfake.SignedRequest(t, testSecret, "/slack/events", "application/json", []byte("{not json"), time.Time{})
	if rec := h.serve(junk); rec.Code != http.StatusBadRequest {
		t.Errorf("junk event: status %d, want 400", rec.Code)
	}
	if rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/other", formType, nil, time.Time{})); rec.Code != http.StatusNotFound {
		t.Errorf("unknown path: status %d, want 404", rec.Code)
	}
	h.wait()
	if calls := h.fake.AllCalls(); len(calls) != 0 {
		t.Errorf("refused requests caused %d calls", len(calls))
	}
}

// TestHTTPBusy checks that a full queue turns commands away in the ack
// itself.
func TestHTTPBusy(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	h.a.pool.SetMaxPending(0)
	body := []byte(slackfake.SlashCommandForm("/latest", "", "C1", "U1", h.fake.ResponseURL("busy")).Encode())
	rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/commands", formType, body, time.Time{}))
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil || got["response_type"] != "ephemeral" || got["text"] != busyText {
		t.Errorf("busy ack = %d %s", rec.Code, rec.Body)
	}
}

func TestNew(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no bot token", Config{AppToken: testAppToken}, "bot token is missing"},
		{"user token", Config{BotToken: "xoxp-SECRETUSER", AppToken: testAppToken}, `does not start with "xoxb-"`},
		{"socket without app token", Config{BotToken: testBotToken}, "needs the app-level token"},
		{"socket with a bot token as app token", Config{BotToken: testBotToken, AppToken: "xoxb-SECRETAPP"}, `does not start with "xapp-"`},
		{"http without secret", Config{BotToken: testBotToken, Mode: "http"}, "needs the signing secret"},
		{"bad mode", Config{BotToken: testBotToken, Mode: "rtm"}, `unknown mode "rtm"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(h.bh.Bot, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error saying %q", err, tc.want)
			}
			for _, s := range append(secrets, "SECRETUSER", "SECRETAPP") {
				if strings.Contains(err.Error(), s) {
					t.Errorf("the error holds a secret: %v", err)
				}
			}
		})
	}
	if _, err := New(h.bh.Bot, Config{BotToken: testBotToken, SigningSecret: testSecret, Mode: "http"}); err != nil {
		t.Errorf("http mode without an app token: %v", err)
	}
	if _, err := New(nil, Config{BotToken: testBotToken, AppToken: testAppToken}); err == nil {
		t.Error("New accepted a nil bot")
	}
}

// TestSecretsNotLogged drives the paths that log errors (bad signatures, a
// rejected token, refused posts, a failed Run) at debug level and checks
// that no token or signing secret reaches the log. (Every test also checks
// its own logs when it ends.)
func TestSecretsNotLogged(t *testing.T) {
	h := newHarness(t, config.SlackModeSocket)
	h.run()
	body := []byte(slackfake.SlashCommandForm("/latest", "", "C1", "U1", h.fake.ResponseURL("x")).Encode())
	h.serve(slackfake.SignedRequest(t, "wrong", "/slack/commands", formType, body, time.Time{}))
	h.serve(slackfake.SignedRequest(t, testSecret, "/slack/commands", formType, body, time.Now().Add(-time.Hour)))
	h.fake.SetError("chat.postMessage", "invalid_auth")
	h.send("events_api", slackfake.AppMention("Ev1", "C1", "U1", "<@UBOT> latest", "1747800000.000100"))
	h.fake.FailNext("response:y", 10, 502, 0)
	h.send("slash_commands", slackfake.SlashCommand("/latest", "", "C1", "U1", h.fake.ResponseURL("y")))
	h.wait()
	h.fake.RequireTokens("xoxb-someone-else", "")
	other, err := New(h.bh.Bot, h.a.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Run(t.Context()); err == nil {
		t.Error("Run accepted a rejected token")
	}
	logs := h.logs.String()
	for _, want := range []string{"bad signature", "invalid_auth", "server error"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the logs lack %q:\n%s", want, logs)
		}
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain %q", s)
		}
	}
}

// TestHTTPEventBusy checks that a mention the adapter has no room for is
// answered 503 and not marked as seen, so that Slack's retry of it is
// answered; and that on Slack's last retry the asker is told to try again.
func TestHTTPEventBusy(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	deliver := func(payload map[string]any, retry string) int {
		b, _ := json.Marshal(payload)
		r := slackfake.SignedRequest(t, testSecret, "/slack/events", "application/json", b, time.Time{})
		if retry != "" {
			r.Header.Set("X-Slack-Retry-Num", retry)
			r.Header.Set("X-Slack-Retry-Reason", "http_error")
		}
		return h.serve(r).Code
	}
	mention := slackfake.AppMention("Ev200", "C2", "U1", "<@UBOT> latest", "1747800000.000100")
	h.setMaxPending(0)
	if code := deliver(mention, ""); code != http.StatusServiceUnavailable {
		t.Errorf("busy: status %d, want 503", code)
	}
	h.wait()
	if n := len(h.fake.Calls("chat.postMessage")); n != 0 {
		t.Errorf("%d posts while busy", n)
	}
	h.setMaxPending(100)
	if code := deliver(mention, "1"); code != 200 {
		t.Errorf("retry: status %d", code)
	}
	if c := h.posted(1); c.ThreadTS() != "1747800000.000100" || blockText(blockOf(c, "header")) != "Latest developments" {
		t.Errorf("the retry's answer: %s", c.Raw)
	}

	// Busy on every delivery: the last one gets a note in the thread.
	h.setMaxPending(0)
	again := slackfake.AppMention("Ev201", "C2", "U1", "<@UBOT> latest", "1747800000.000200")
	for _, retry := range []string{"", "1", "2"} {
		if code := deliver(again, retry); code != http.StatusServiceUnavailable {
			t.Errorf("delivery %q: status %d, want 503", retry, code)
		}
	}
	if code := deliver(again, "3"); code != 200 {
		t.Errorf("last retry: status %d, want 200", code)
	}
	if c := h.posted(2); c.ThreadTS() != "1747800000.000200" || !strings.Contains(c.Text(), busyText) {
		t.Errorf("busy note: %s", c.Raw)
	}
	h.wait()
	if n := len(h.fake.Calls("chat.postMessage")); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}

// TestNoRedirects checks that the adapter follows no redirect: not from a
// response_url (checked to lead to Slack, but a redirect could lead
// anywhere), nor from the Web API (which would re-send the token).
func TestNoRedirects(t *testing.T) {
	var hits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer elsewhere.Close()
	hop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer hop.Close()
	own := &http.Client{Timeout: 5 * time.Second} // follows redirects
	h := newHarness(t, config.SlackModeHTTP, withConfig(func(c *Config) {
		c.APIURL = hop.URL + "/api/"
		c.HTTPClient = own
	}))

	body := []byte(slackfake.SlashCommandForm("/latest", "1", "C1", "U1", hop.URL+"/response/x").Encode())
	if rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/commands", formType, body, time.Time{})); rec.Code != 200 {
		t.Errorf("command: status %d", rec.Code)
	}
	mention, _ := json.Marshal(slackfake.AppMention("Ev300", "C2", "U1", "<@UBOT> latest", "1747800000.000100"))
	if rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/events", "application/json", mention, time.Time{})); rec.Code != 200 {
		t.Errorf("mention: status %d", rec.Code)
	}
	h.wait()
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests followed a redirect", n)
	}
	if len(h.logs.lines("answer not delivered", "channel=C1", "307")) != 1 || len(h.logs.lines("answer not delivered", "channel=C2", "307")) != 1 {
		t.Errorf("want one log line for each redirect:\n%s", h.logs)
	}
	if own.CheckRedirect != nil {
		t.Error("New changed the caller's http.Client")
	}
}

func TestHTTPUnknownBlockElement(t *testing.T) {
	h := newHarness(t, config.SlackModeHTTP)
	form := slackfake.InteractionForm(blockActionWithUnknownElement(`{"q":"ceasefire","o":3}`, "C1", "U1", "1747800000.000100", h.fake.ResponseURL("unknown")))
	if rec := h.serve(slackfake.SignedRequest(t, testSecret, "/slack/interactions", formType, []byte(form.Encode()), time.Time{})); rec.Code != 200 {
		t.Errorf("interaction: status %d", rec.Code)
	}
	if secs := sectionTexts(h.response("unknown", 1)); len(secs) != 3 || !strings.HasPrefix(secs[0], "*19 April 2025*") {
		t.Errorf("page 2 = %q", secs)
	}
}
