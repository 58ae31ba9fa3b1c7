package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/bot/discord/discordfake"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/demo"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/config"
)

// Routes the adapter calls, as the fake names them.
const (
	routeMessages  = "/channels/{channel_id}/messages"
	routeCallback  = "/interactions/{interaction_id}/{interaction_token}/callback"
	routeFollowUp  = "/webhooks/{application_id}/{interaction_token}"
	routeOriginal  = "/webhooks/{application_id}/{interaction_token}/messages/@original"
	routeGuildCmds = "/applications/{application_id}/guilds/{guild_id}/commands"
)

// The bot's mention, as a user's client writes it.
const mention = "<@" + discordfake.BotUserID + ">"

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines returns the log lines containing every one of words.
func (l *logBuffer) lines(words ...string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		ok := line != ""
		for _, w := range words {
			ok = ok && strings.Contains(line, w)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// harness is an adapter talking to a fake Discord, over a bot whose store
// holds the demo timeline and shows 3 developments a page.
type harness struct {
	t      testing.TB
	fake   *discordfake.Server
	bh     *bottest.Harness
	a      *Adapter
	logs   *logBuffer
	stop   func() error // ends Run and returns its error; nil until run
	done   chan error   // Run's result
	ids    atomic.Int64
	tokens []string // interaction tokens handed out, which must never be logged
}

type option func(*harness, *Config)

// withStore puts the bot over wrap(store) instead of the store itself.
func withStore(wrap func(briefing.Store) briefing.Store) option {
	return func(h *harness, _ *Config) {
		ex, err := extract.New()
		if err != nil {
			h.t.Fatalf("extractor: %v", err)
		}
		now := func() time.Time { return bottest.Now }
		svc := briefing.NewService(wrap(h.bh.Store), ex, now, nil)
		h.bh = &bottest.Harness{T: h.t, Bot: bot.New(svc, bot.Options{Now: now, PageSize: 3}), Svc: svc, Store: h.bh.Store, Dir: h.bh.Dir}
	}
}

func withConfig(f func(*Config)) option {
	return func(_ *harness, c *Config) { f(c) }
}

// newHarness builds the fake, the bot and the adapter. It does not start
// Run; see run.
func newHarness(t testing.TB, opts ...option) *harness {
	t.Helper()
	h := &harness{t: t, fake: discordfake.New(t), logs: &logBuffer{}}
	h.bh = bottest.New(t)
	if _, err := demo.LoadIfEmpty(context.Background(), h.bh.Svc); err != nil {
		t.Fatalf("demo: %v", err)
	}
	h.bh = bottest.NewWithPageSize(t, h.bh, 3)
	cfg := Config{
		Token:       config.Secret(h.fake.Token()),
		GuildID:     discordfake.GuildID,
		Log:         slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		HTTPClient:  &http.Client{Transport: h.fake.Transport(), Timeout: 10 * time.Second},
		OpenTimeout: 5 * time.Second,
	}
	for _, o := range opts {
		o(h, &cfg)
	}
	a, err := New(h.bh.Bot, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a.backoff = 20 * time.Millisecond
	a.regBackoff = 50 * time.Millisecond
	h.a = a
	// Registered after the fake's, so it runs first: Run ends before the
	// fake closes.
	t.Cleanup(func() {
		if h.stop != nil {
			if err := h.stop(); err != nil {
				t.Errorf("Run: %v", err)
			}
		} else {
			a.shutdown()
		}
		logs := h.logs.String()
		for _, s := range append([]string{h.fake.Token(), strings.Split(h.fake.Token(), ".")[2]}, h.tokens...) {
			if strings.Contains(logs, s) {
				t.Errorf("the logs contain the secret %q:\n%s", s, logs)
			}
		}
		if t.Failed() {
			t.Logf("adapter logs:\n%s", logs)
		}
	})
	return h
}

// start starts Run in the background; stop ends it.
func (h *harness) start() {
	ctx, cancel := context.WithCancel(context.Background())
	h.done = make(chan error, 1)
	go func() { h.done <- h.a.Run(ctx) }()
	var once sync.Once
	var runErr error
	h.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-h.done:
			case <-time.After(20 * time.Second):
				runErr = fmt.Errorf("Run did not return 20 s after its context was cancelled")
			}
		})
		return runErr
	}
}

// run starts Run and waits for READY and the command registration.
func (h *harness) run() {
	h.t.Helper()
	h.start()
	if err := h.fake.WaitReady(10 * time.Second); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.fake.WaitCalls("PUT", routeGuildCmds, 1, 10*time.Second); err != nil {
		h.t.Fatal(err)
	}
}

// id returns a fresh snowflake, made now: the adapter reads an
// interaction's age from its ID.
func (h *harness) id() string {
	return snowflakeAt(time.Now(), h.ids.Add(1))
}

// snowflakeAt returns a snowflake made at t, with seq in its low bits.
func snowflakeAt(t time.Time, seq int64) string {
	return fmt.Sprint((t.UnixMilli()-discordEpoch)<<22 | seq&(1<<22-1))
}

// token returns a fresh interaction token.
func (h *harness) token() string {
	tok := fmt.Sprintf("aW50ZXJhY3Rpb246%d:tokenSECRET%d", h.ids.Add(1), time.Now().UnixNano())
	h.tokens = append(h.tokens, tok)
	return tok
}

// dispatch sends a gateway event.
func (h *harness) dispatch(event string, data any) {
	h.t.Helper()
	if _, err := h.fake.Dispatch(event, data); err != nil {
		h.t.Fatalf("dispatch %s: %v", event, err)
	}
}

// mention dispatches a guild message that mentions the bot, and returns
// its ID.
func (h *harness) mention(text string) string {
	h.t.Helper()
	id := h.id()
	h.dispatch("MESSAGE_CREATE", discordfake.Message(id, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001", mention+" "+text, true))
	return id
}

// calls waits for n calls of method to route and returns them all.
func (h *harness) calls(method, route string, n int) []discordfake.Call {
	h.t.Helper()
	calls, err := h.fake.WaitCalls(method, route, n, 10*time.Second)
	if err != nil {
		h.t.Fatal(err)
	}
	return calls
}

// forToken returns the calls of method to route made with an interaction
// token.
func (h *harness) forToken(method, route, token string, n int) []discordfake.Call {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out []discordfake.Call
		for _, c := range h.fake.Calls(method, route) {
			if c.Params["interaction_token"] == token || c.Params["webhook_token"] == token {
				out = append(out, c)
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%d %s %s calls for the token, want %d", len(out), method, route, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitLog waits until n log lines hold all of words, and returns them.
func (h *harness) waitLog(n int, words ...string) []string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		lines := h.logs.lines(words...)
		if len(lines) >= n || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait waits for every answer in progress.
func (h *harness) wait() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.a.Wait(ctx); err != nil {
		h.t.Fatalf("answers still running: %v", err)
	}
}

// noViolations fails the test for every problem the fake found in what
// the adapter sent.
func (h *harness) noViolations() {
	h.t.Helper()
	h.wait()
	for _, v := range h.fake.Violations() {
		h.t.Errorf("violation: %s", v)
	}
}

// expected renders what the bot answers to text, from a second bot over
// the same store: the exact messages Discord should receive.
func (h *harness) expected(channel, text string) []Message {
	h.t.Helper()
	other := bottest.NewWithPageSize(h.t, h.bh, 3)
	return Render(other.Bot.Handle(context.Background(), bot.Message{Platform: "discord", Channel: channel, Text: text}))
}

// asJSON round-trips v through JSON, to compare with a recorded body.
func asJSON(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(t testing.TB, a, b any) bool {
	t.Helper()
	ja, _ := json.Marshal(asJSON(t, a))
	jb, _ := json.Marshal(asJSON(t, b))
	return bytes.Equal(ja, jb)
}

// sent returns the body of a recorded call as it was sent. (The fake
// may add fields, such as an embed's type, to Call.JSON when it stores the
// message.)
func sent(t testing.TB, c discordfake.Call) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(c.Body, &v); err != nil {
		t.Fatalf("%s %s: body %q: %v", c.Method, c.Route, c.Body, err)
	}
	return v
}

// embed returns the n-th embed of a recorded message body (or of its
// data, for an interaction response).
func embed(c discordfake.Call, n int) map[string]any {
	body := c.JSON
	if d, ok := body["data"].(map[string]any); ok {
		body = d
	}
	es, _ := body["embeds"].([]any)
	if n >= len(es) {
		return nil
	}
	e, _ := es[n].(map[string]any)
	return e
}

func description(c discordfake.Call) string {
	d, _ := embed(c, 0)["description"].(string)
	return d
}

// customID returns the custom_id of a call's button, or "".
func customID(c discordfake.Call) string {
	rows, _ := c.JSON["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		btns, _ := row["components"].([]any)
		for _, b := range btns {
			if bm, _ := b.(map[string]any); bm != nil {
				id, _ := bm["custom_id"].(string)
				return id
			}
		}
	}
	return ""
}

// allowsNoMentions reports whether a message body says allowed_mentions
// {"parse": []}.
func allowsNoMentions(body map[string]any) bool {
	am, ok := body["allowed_mentions"].(map[string]any)
	if !ok {
		return false
	}
	parse, ok := am["parse"].([]any)
	return ok && len(parse) == 0 && am["replied_user"] != true && am["users"] == nil && am["roles"] == nil
}

// gatedStore blocks every search until its gate is closed (or the
// search's context ends): a store that is slow to answer.
type gatedStore struct {
	briefing.Store
	gate <-chan struct{}
}

func (s gatedStore) Search(ctx context.Context, q briefing.Query) (briefing.Page, error) {
	select {
	case <-s.gate:
	case <-ctx.Done():
		return briefing.Page{}, ctx.Err()
	}
	return s.Store.Search(ctx, q)
}
