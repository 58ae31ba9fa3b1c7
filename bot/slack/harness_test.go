package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/bot/slack/slackfake"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/demo"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/config"
)

// Credentials the tests use. Each holds a marker that must never show up
// in a log line.
const (
	testBotToken = "xoxb-1111-2222-BOTSECRETa1b2c3"
	testAppToken = "xapp-1-A0FAKEAPP1-3333-APPSECRETd4e5f6"
	testSecret   = "signingSECRET7f8e9d0c1b2a3"
)

var secrets = []string{testBotToken, testAppToken, testSecret, "BOTSECRET", "APPSECRET", "signingSECRET"}

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

// harness is an adapter talking to a fake Slack, over a bot whose store
// holds the demo timeline.
type harness struct {
	t    testing.TB
	fake *slackfake.Server
	bh   *bottest.Harness
	a    *Adapter
	logs *logBuffer
	stop func() error // ends Run and returns its error; nil until run
}

type option func(*harness, *Config)

// withStore puts the bot over wrap(store) instead of the store itself.
func withStore(wrap func(briefing.Store) briefing.Store) option {
	return withPagedStore(3, wrap)
}

// withPagedStore is withStore with pageSize developments a page.
func withPagedStore(pageSize int, wrap func(briefing.Store) briefing.Store) option {
	return func(h *harness, _ *Config) {
		ex, err := extract.New()
		if err != nil {
			h.t.Fatalf("extractor: %v", err)
		}
		now := func() time.Time { return bottest.Now }
		svc := briefing.NewService(wrap(h.bh.Store), ex, now, nil)
		h.bh = &bottest.Harness{T: h.t, Bot: bot.New(svc, bot.Options{Now: now, PageSize: pageSize}), Svc: svc, Store: h.bh.Store, Dir: h.bh.Dir}
	}
}

func withConfig(f func(*Config)) option {
	return func(_ *harness, c *Config) { f(c) }
}

// testClock is a clock tests move by hand, safe for concurrent use.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: bottest.Now} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// withClock gives the adapter clk as its clock.
func withClock(clk *testClock) option {
	return withConfig(func(c *Config) { c.Now = clk.Now })
}

// setMaxPending sets how many answers may wait for a worker (0: the
// adapter is too busy for any).
func (h *harness) setMaxPending(n int) { h.a.pool.SetMaxPending(n) }

// newHarness builds the fake, the bot (3 developments a page unless an
// option says otherwise) and the adapter, in the given mode. It does not
// start Run; see run.
func newHarness(t testing.TB, mode string, opts ...option) *harness {
	t.Helper()
	h := &harness{t: t, fake: slackfake.New(t), logs: &logBuffer{}}
	h.bh = bottest.New(t)
	if _, err := demo.LoadIfEmpty(context.Background(), h.bh.Svc); err != nil {
		t.Fatalf("demo: %v", err)
	}
	h.bh = bottest.NewWithPageSize(t, h.bh, 3)
	cfg := Config{
		BotToken:      testBotToken,
		AppToken:      testAppToken,
		SigningSecret: testSecret,
		Mode:          mode,
		APIURL:        h.fake.APIURL(),
		Log:           slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, o := range opts {
		o(h, &cfg)
	}
	a, err := New(h.bh.Bot, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a.backoff = 20 * time.Millisecond
	h.a = a
	t.Cleanup(func() {
		if h.stop != nil {
			if err := h.stop(); err != nil {
				t.Errorf("Run: %v", err)
			}
		} else {
			a.shutdown()
		}
		logs := h.logs.String()
		for _, s := range secrets {
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

// run starts Run in the background and, in socket mode, waits for the
// connection.
func (h *harness) run() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	var once sync.Once
	var runErr error
	h.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(20 * time.Second):
				runErr = errorString("Run did not return 20 s after its context was cancelled")
			}
		})
		return runErr
	}
	if h.a.cfg.Mode == config.SlackModeSocket {
		if err := h.fake.WaitConnected(5 * time.Second); err != nil {
			h.t.Fatal(err)
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// wait waits for every answer in progress.
func (h *harness) wait() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.a.Wait(ctx); err != nil {
		h.t.Fatalf("answers still running: %v", err)
	}
}

// send sends an envelope and waits for its ack, which must come within
// 3 s.
func (h *harness) send(typ string, payload map[string]any) slackfake.Ack {
	h.t.Helper()
	id, err := h.fake.Send(typ, payload)
	if err != nil {
		h.t.Fatalf("send %s: %v", typ, err)
	}
	ack, err := h.fake.WaitAck(id, 3*time.Second)
	if err != nil {
		h.t.Fatalf("%s: %v", typ, err)
	}
	if ack.Latency > 3*time.Second {
		h.t.Errorf("%s acked after %v", typ, ack.Latency)
	}
	return ack
}

// response waits for the n-th post to the response URL name.
func (h *harness) response(name string, n int) slackfake.Call {
	h.t.Helper()
	calls, err := h.fake.WaitResponses(name, n, 10*time.Second)
	if err != nil {
		h.t.Fatal(err)
	}
	return calls[n-1]
}

// posted waits for the n-th chat.postMessage.
func (h *harness) posted(n int) slackfake.Call {
	h.t.Helper()
	calls, err := h.fake.WaitCalls("chat.postMessage", n, 10*time.Second)
	if err != nil {
		h.t.Fatal(err)
	}
	return calls[n-1]
}

// expectedBlocks renders what the bot answers to text, as generic JSON,
// from a second bot over the same store: the exact blocks Slack should
// receive.
func (h *harness) expectedBlocks(channel, text string) []map[string]any {
	h.t.Helper()
	other := bottest.NewWithPageSize(h.t, h.bh, 3)
	r := other.Bot.Handle(context.Background(), bot.Message{Platform: "slack", Channel: channel, Text: text})
	msgs := Render(r)
	if len(msgs) != 1 {
		h.t.Fatalf("expected answer in %d messages", len(msgs))
	}
	return blockJSON(h.t, msgs[0].Blocks)
}

// sameJSON reports whether a and b marshal to the same JSON.
func sameJSON(t testing.TB, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ja, jb)
}

// sectionTexts returns the texts of a call's section blocks.
func sectionTexts(c slackfake.Call) []string {
	var out []string
	for _, b := range c.Blocks() {
		if b["type"] == "section" {
			out = append(out, blockText(b))
		}
	}
	return out
}

// blockOf returns the first block of a type in a call, or nil.
func blockOf(c slackfake.Call, typ string) map[string]any {
	for _, b := range c.Blocks() {
		if b["type"] == typ {
			return b
		}
	}
	return nil
}

// button returns the More button of a call, or nil.
func button(c slackfake.Call) map[string]any {
	act := blockOf(c, "actions")
	if act == nil {
		return nil
	}
	els, _ := act["elements"].([]any)
	if len(els) == 0 {
		return nil
	}
	b, _ := els[0].(map[string]any)
	return b
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
