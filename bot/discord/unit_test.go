package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/config"
)

func TestRetryWait(t *testing.T) {
	a := &Adapter{backoff: 100 * time.Millisecond, maxRetryAfter: 30 * time.Second}
	for _, tc := range []struct {
		name    string
		err     *apiError
		attempt int
		want    time.Duration
		retry   bool
	}{
		{"rate limited", &apiError{Method: "POST", Status: 429, RetryAfter: 2 * time.Second}, 0, 2 * time.Second, true},
		{"rate limited too long", &apiError{Method: "POST", Status: 429, RetryAfter: 10 * time.Minute}, 0, 0, false},
		{"rate limited no retry_after", &apiError{Method: "POST", Status: 429}, 1, 200 * time.Millisecond, true},
		{"post 500", &apiError{Method: "POST", Status: 500}, 0, 0, false},
		{"post 502", &apiError{Method: "POST", Status: 502}, 0, 0, false},
		{"patch 503", &apiError{Method: "PATCH", Status: 503}, 2, 400 * time.Millisecond, true},
		{"put 500", &apiError{Method: "PUT", Status: 500}, 0, 100 * time.Millisecond, true},
		{"forbidden", &apiError{Method: "POST", Status: 403, Code: 50013}, 0, 0, false},
		{"refused", &apiError{Method: "POST", Dial: true, Err: errors.New("connection refused")}, 0, 100 * time.Millisecond, true},
		{"reset mid-request", &apiError{Method: "POST", Err: errors.New("connection reset")}, 0, 0, false},
	} {
		got, ok := a.retryWait(tc.err, tc.attempt)
		if ok != tc.retry || got != tc.want {
			t.Errorf("%s: retryWait = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.retry)
		}
	}
}

// TestRESTClient checks the REST client against a server that answers as
// Discord does: errors with their codes, 429s with retry_after, routes
// with no requests left, global limits, and a refused connection.
func TestRESTClient(t *testing.T) {
	const tok = "secret-token-value"
	var mu sync.Mutex
	answers := map[string]func(w http.ResponseWriter){}
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path)
		f := answers[r.URL.Path]
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bot "+tok || !strings.HasPrefix(r.Header.Get("User-Agent"), "DiscordBot (") {
			w.WriteHeader(401)
			return
		}
		if f == nil {
			w.WriteHeader(204)
			return
		}
		f(w)
	}))
	defer srv.Close()
	answer := func(path string, f func(w http.ResponseWriter)) {
		mu.Lock()
		defer mu.Unlock()
		answers[path] = f
	}
	c := newRESTClient(srv.Client(), tok, 2*time.Second)
	ctx := t.Context()
	req := func(path string) request {
		return request{what: "follow-up", method: "POST", url: srv.URL + path, body: map[string]any{"content": "x"}}
	}

	if err := c.call(ctx, req("/ok")); err != nil {
		t.Fatalf("call = %v", err)
	}
	answer("/webhooks/1/INTERACTIONTOKEN", func(w http.ResponseWriter) {
		w.WriteHeader(403)
		fmt.Fprint(w, `{"code":50013,"message":"Missing Permissions"}`)
	})
	e := c.call(ctx, req("/webhooks/1/INTERACTIONTOKEN"))
	if e == nil || e.Error() != "discord: follow-up: HTTP 403, error 50013: Missing Permissions" {
		t.Errorf("403: %v", e)
	}

	// A 429 reports its retry_after and holds the route back.
	answer("/limited", func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(429)
		fmt.Fprint(w, `{"message":"You are being rate limited.","retry_after":0.3,"global":false}`)
	})
	e = c.call(ctx, req("/limited"))
	if e == nil || e.Status != 429 || e.RetryAfter != 300*time.Millisecond {
		t.Fatalf("429: %+v", e)
	}
	answer("/limited", nil)
	start := time.Now()
	if err := c.call(ctx, req("/limited")); err != nil || time.Since(start) < 250*time.Millisecond {
		t.Errorf("after a 429: %v after %v; want success after the retry_after", err, time.Since(start))
	}

	// A route with no requests left until its reset: the next call waits.
	answer("/last", func(w http.ResponseWriter) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset-After", "0.2")
		w.WriteHeader(200)
	})
	_ = c.call(ctx, req("/last"))
	start = time.Now()
	_ = c.call(ctx, req("/last"))
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("the route with no requests left was called again after %v", d)
	}

	// A rate limit longer than the bound: not waited for, not sent.
	answer("/long", func(w http.ResponseWriter) {
		w.WriteHeader(429)
		fmt.Fprint(w, `{"retry_after":600,"global":false}`)
	})
	_ = c.call(ctx, req("/long"))
	mu.Lock()
	before := len(got)
	mu.Unlock()
	start = time.Now()
	e = c.call(ctx, req("/long"))
	mu.Lock()
	after := len(got)
	mu.Unlock()
	if e == nil || e.Status != 429 || after != before || time.Since(start) > 100*time.Millisecond {
		t.Errorf("held-back call: %v, sent %d, took %v", e, after-before, time.Since(start))
	}
	// A global limit holds every route.
	answer("/global", func(w http.ResponseWriter) {
		w.WriteHeader(429)
		fmt.Fprint(w, `{"retry_after":0.2,"global":true}`)
	})
	_ = c.call(ctx, req("/global"))
	start = time.Now()
	_ = c.call(ctx, req("/other"))
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("a global limit did not hold another route (%v)", d)
	}
	// The context ends a wait.
	_ = c.call(ctx, req("/global"))
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if e := c.call(short, req("/other")); e == nil || !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("cancelled wait: %v", e)
	}

	// A refused connection: marked as nothing sent; no URL in the error.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	e = c.call(ctx, request{what: "follow-up", method: "POST", url: "http://" + addr + "/webhooks/1/INTERACTIONTOKEN"})
	if e == nil || !e.Dial {
		t.Errorf("refused: %+v", e)
	}
	for _, e := range []*apiError{e, c.call(ctx, req("/webhooks/1/INTERACTIONTOKEN"))} {
		for _, secret := range []string{"INTERACTIONTOKEN", tok} {
			if e != nil && strings.Contains(e.Error(), secret) {
				t.Errorf("the error %q holds %q", e.Error(), secret)
			}
		}
	}
}

func TestFrameScanner(t *testing.T) {
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
	text := func(s string) []byte { return append([]byte{0x81, byte(len(s))}, s...) }
	long := func(n int) []byte {
		b := []byte{0x81, 126, byte(n >> 8), byte(n)}
		return append(b, make([]byte, n)...)
	}
	closeFrame := func(code int, reason string) []byte {
		p := append([]byte{byte(code >> 8), byte(code)}, reason...)
		return append([]byte{0x88, byte(len(p))}, p...)
	}
	var stream []byte
	stream = append(stream, resp...)
	stream = append(stream, text(`{"op":10}`)...)
	stream = append(stream, long(70000%65536+300)...)
	stream = append(stream, text(`{"op":0,"t":"READY"}`)...)
	stream = append(stream, closeFrame(4014, "Disallowed intent(s).")...)
	// Fed whole, and one byte at a time.
	for _, step := range []int{len(stream), 1, 7} {
		var f frameScanner
		for i := 0; i < len(stream); i += step {
			f.feed(stream[i:min(i+step, len(stream))])
		}
		if f.code != 4014 {
			t.Errorf("step %d: close code %d, want 4014", step, f.code)
		}
	}
	// A close frame inside the HTTP response is not one; a close frame
	// without a payload has no status.
	var f frameScanner
	f.feed([]byte(resp))
	if f.code != 0 {
		t.Errorf("code %d before any close frame", f.code)
	}
	f.feed([]byte{0x88, 0})
	if f.code != 1005 {
		t.Errorf("empty close frame: code %d, want 1005", f.code)
	}
}

func TestFatalClose(t *testing.T) {
	for _, code := range []int{4004, 4010, 4011, 4012, 4013, 4014} {
		err := fatalClose(code)
		var fe *FatalCloseError
		if !errors.As(err, &fe) || fe.Code != code || !strings.Contains(err.Error(), fmt.Sprint(code)) {
			t.Errorf("fatalClose(%d) = %v", code, err)
		}
	}
	for _, code := range []int{0, 1000, 1001, 1006, 4000, 4001, 4002, 4003, 4005, 4007, 4008, 4009} {
		if err := fatalClose(code); err != nil {
			t.Errorf("fatalClose(%d) = %v, want a reconnect", code, err)
		}
	}
}

func TestMentionText(t *testing.T) {
	const me = "42"
	for _, tc := range []struct{ in, want string }{
		{"<@42> timeline ceasefire", "/timeline ceasefire"},
		{"<@!42> Timeline ceasefire since:2025-04", "/timeline ceasefire since:2025-04"},
		{"<@42>: what's new?", "what's new?"},
		{"<@42> what happened with prisoners this week?", "what happened with prisoners this week?"},
		{"hey <@42> latest 3", "hey latest 3"},
		{"<@42> more", "/more"},
		{"<@42> /timeline truce", "/timeline truce"},
		{"<@42> ingest --source AP\nOn May 19, 2025, talks began.", "/ingest --source AP\nOn May 19, 2025, talks began."},
		{"<@42>", ""},
		{"<@7> timeline x", "<@7> timeline x"},
		{"timelines of the war", "timelines of the war"},
	} {
		if got := mentionText(tc.in, me); got != tc.want {
			t.Errorf("mentionText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCommandText(t *testing.T) {
	str := func(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
	}
	for _, tc := range []struct {
		data      discordgo.ApplicationCommandInteractionData
		want      string
		ephemeral bool
	}{
		{discordgo.ApplicationCommandInteractionData{Name: "timeline", Options: []*discordgo.ApplicationCommandInteractionDataOption{str("query", " ceasefire\nactor:putin ")}}, "/timeline ceasefire actor:putin", false},
		{discordgo.ApplicationCommandInteractionData{Name: "latest"}, "/latest", false},
		{discordgo.ApplicationCommandInteractionData{Name: "latest", Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "count", Type: discordgo.ApplicationCommandOptionInteger, Value: float64(5)}}}, "/latest 5", false},
		{discordgo.ApplicationCommandInteractionData{Name: "brief"}, "/brief", true},
		{discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "subscribe", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				str("when", "at 07:30 tz Europe/Kyiv weekdays"), str("query", "ceasefire\nactor:putin"),
				{Name: "quiet", Type: discordgo.ApplicationCommandOptionBoolean, Value: true},
			}}}}, "/brief subscribe ceasefire actor:putin at 07:30 tz Europe/Kyiv weekdays quiet", false},
		{discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "subscribe", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{str("when", "daily at noon")}}}}, "/brief subscribe daily at noon", false},
		{discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "now", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "number", Type: discordgo.ApplicationCommandOptionInteger, Value: float64(3)}}}}}, "/brief now 3", true},
		{discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "unsubscribe", Type: discordgo.ApplicationCommandOptionSubCommand}}}, "/brief unsubscribe", false},
		{discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "list", Type: discordgo.ApplicationCommandOptionSubCommand}}}, "/brief list", true},
		{discordgo.ApplicationCommandInteractionData{Name: "ingest", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			str("text", "On May 19, 2025, talks began."), str("source", `The "Kyiv" Independent`), str("published", "2025-05-20"), str("url", "https://kyivindependent.com/x"),
		}}, "/ingest --published \"2025-05-20\" --source \"The Kyiv Independent\" --url \"https://kyivindependent.com/x\"\nOn May 19, 2025, talks began.", true},
		{discordgo.ApplicationCommandInteractionData{Name: "unknown"}, "/help", true},
	} {
		got, eph := commandText(tc.data)
		if got != tc.want || eph != tc.ephemeral {
			t.Errorf("%s: %q, %v; want %q, %v", tc.data.Name, got, eph, tc.want, tc.ephemeral)
		}
	}
	// The options reach the bot as typed.
	h := bottest.New(t)
	text, _ := commandText(discordgo.ApplicationCommandInteractionData{Name: "ingest", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		str("text", "On May 19, 2025, the foreign ministers of Ukraine and Poland met in Warsaw."), str("source", "Kyiv Independent"), str("published", "2025-05-20"), str("title", `Ministers "meet"`),
	}})
	r := h.Bot.Handle(t.Context(), bot.Message{Platform: "discord", Channel: "1", User: "2", Text: text})
	if r.Error || r.Title != "Ingested Ministers meet" || !strings.Contains(r.Text, "from Kyiv Independent, published 20 May 2025") {
		t.Errorf("ingest via options = %+v", r)
	}
}

func TestComplete(t *testing.T) {
	cands := suggestions()
	if len(cands) < 20 {
		t.Fatalf("%d suggestions", len(cands))
	}
	values := func(cs []*discordgo.ApplicationCommandOptionChoice) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Value.(string))
		}
		return out
	}
	all := complete(cands, "")
	if len(all) != MaxChoices || all[0].Value != "topic:ceasefire" {
		t.Errorf("empty prefix: %d choices, first %v", len(all), all[0].Value)
	}
	for _, tc := range []struct {
		typed string
		want  []string // a prefix of the answer
	}{
		{"cease", []string{"topic:ceasefire"}},
		{"topic:pri", []string{"topic:prisoners"}},
		{"actor:pu", []string{"actor:putin"}},
		{"Vladimir", []string{"actor:putin", "actor:medinsky"}},
		{"ceasefire actor:zel", []string{"ceasefire actor:zelenskyy"}},
		{"ceasefire ", []string{"ceasefire topic:ceasefire", "ceasefire topic:prisoners"}},
		{"zzzz", nil},
	} {
		got := values(complete(cands, tc.typed))
		if len(got) < len(tc.want) || strings.Join(got[:len(tc.want)], ",") != strings.Join(tc.want, ",") {
			t.Errorf("complete(%q) = %v, want it to start with %v", tc.typed, got, tc.want)
		}
		for _, v := range got {
			if !strings.HasPrefix(v, tc.typed[:strings.LastIndexByte(tc.typed, ' ')+1]) {
				t.Errorf("complete(%q) dropped the words before the last: %q", tc.typed, v)
			}
		}
	}
	for _, c := range complete(cands, "actor:") {
		if !strings.HasPrefix(c.Value.(string), "actor:") {
			t.Errorf("actor: suggests %v", c.Value)
		}
	}
	// A long query: no choice over 100 characters.
	long := strings.Repeat("word ", 18) + "topic:"
	for _, c := range complete(cands, long) {
		if textLen(c.Name) > MaxChoiceLength || textLen(c.Value.(string)) > MaxChoiceLength {
			t.Errorf("choice too long: %q", c.Value)
		}
	}
}

func TestInviteURL(t *testing.T) {
	if InvitePermissions != 274877991936 {
		t.Errorf("InvitePermissions = %d", InvitePermissions)
	}
	want := "https://discord.com/oauth2/authorize?client_id=1247598651823456256&scope=bot+applications.commands&permissions=274877991936"
	if got := InviteURL("1247598651823456256"); got != want {
		t.Errorf("InviteURL = %s", got)
	}
	// discordgo's own constants agree with ours.
	if PermViewChannel != discordgo.PermissionViewChannel || PermSendMessages != discordgo.PermissionSendMessages ||
		PermEmbedLinks != discordgo.PermissionEmbedLinks || PermReadMessageHistory != discordgo.PermissionReadMessageHistory ||
		PermSendMessagesInThreads != discordgo.PermissionSendMessagesInThreads {
		t.Error("permission bits differ from discordgo's")
	}
}

func TestCommandsJSON(t *testing.T) {
	var cmds []map[string]any
	if err := json.Unmarshal(commandsJSON(Commands()), &cmds); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range cmds {
		names[c["name"].(string)] = true
		if d, _ := c["description"].(string); d == "" || textLen(d) > 100 {
			t.Errorf("%v: description %q", c["name"], d)
		}
		opts, _ := c["options"].([]any)
		for _, o := range opts {
			om := o.(map[string]any)
			if d, _ := om["description"].(string); d == "" || textLen(d) > 100 {
				t.Errorf("%v %v: description %q", c["name"], om["name"], d)
			}
		}
	}
	for _, n := range []string{"timeline", "latest", "brief", "ingest"} {
		if !names[n] {
			t.Errorf("no /%s", n)
		}
	}
	raw := string(commandsJSON(Commands()))
	for _, bad := range []string{"null", "false", "channel_types"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the commands body holds %q: %s", bad, raw)
		}
	}
	for _, want := range []string{`"autocomplete":true`, `"min_value":1`, `"max_value":50`, `"required":true`} {
		if !strings.Contains(raw, want) {
			t.Errorf("the commands body lacks %s: %s", want, raw)
		}
	}
}

func TestNewChecksConfig(t *testing.T) {
	h := bottest.New(t)
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{}, "token is missing"},
		{"blank in token", Config{Token: config.Secret("abc def-SECRETPART")}, "blanks"},
		{"bad guild", Config{Token: "x.y.z", GuildID: "my-server"}, "guild ID"},
		{"bad app", Config{Token: "x.y.z", ApplicationID: "12a"}, "application ID"},
	} {
		_, err := New(h.Bot, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New = %v, want an error about %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "SECRETPART") {
			t.Errorf("%s: the error holds the token", tc.name)
		}
	}
	if _, err := New(nil, Config{Token: "x"}); err == nil {
		t.Error("New accepted a nil bot")
	}
	a, err := New(h.Bot, Config{Token: "Bot x.y.z"})
	if err != nil {
		t.Fatal(err)
	}
	if a.sess.Token != "Bot x.y.z" || a.rest.auth != "Bot x.y.z" || a.sess.ShouldReconnectOnError || a.sess.ShouldRetryOnRateLimit || a.sess.MaxRestRetries != 0 {
		t.Errorf("session: reconnect %v, retry on 429 %v, max retries %d", a.sess.ShouldReconnectOnError, a.sess.ShouldRetryOnRateLimit, a.sess.MaxRestRetries)
	}
	if a.sess.Identify.Intents != discordgo.IntentsGuildMessages|discordgo.IntentsDirectMessages {
		t.Errorf("intents = %d", a.sess.Identify.Intents)
	}
}
