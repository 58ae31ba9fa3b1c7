package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot/slack/slackfake"
)

// syncBuffer is a bytes.Buffer safe for the bot's goroutines to write to
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBot runs "briefbot run" with the given environment until the test
// ends, and returns its log output and a function that stops it and
// returns run's error.
func startBot(t *testing.T, vars map[string]string) (*syncBuffer, func() error) {
	t.Helper()
	dir := t.TempDir()
	env := func(k string) string {
		if k == "BRIEFBOT_STORE" {
			return filepath.Join(dir, "briefbot.db")
		}
		return vars[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, []string{"run"}, env, strings.NewReader(""), &syncBuffer{}, logs) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(20 * time.Second):
				t.Errorf("briefbot run did not stop within 20 s")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return logs, stop
}

// sectionTexts collects the mrkdwn texts of a message's section blocks.
func sectionTexts(blocks []map[string]any) string {
	var b strings.Builder
	for _, bl := range blocks {
		if txt, ok := bl["text"].(map[string]any); ok {
			s, _ := txt["text"].(string)
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// The bot started the way the README says, with Slack tokens in the
// environment and the console off, answers /timeline over Socket Mode.
func TestRunAnswersSlackOverSocketMode(t *testing.T) {
	fake := slackfake.New(t)
	logs, stop := startBot(t, map[string]string{
		"SLACK_BOT_TOKEN":        "xoxb-run-test-token",
		"SLACK_APP_TOKEN":        "xapp-run-test-token",
		"BRIEFBOT_SLACK_API_URL": fake.APIURL(),
		"BRIEFBOT_CONSOLE":       "false",
	})
	if err := fake.WaitConnected(10 * time.Second); err != nil {
		t.Fatalf("the bot did not connect: %v\n%s", err, logs)
	}
	id, err := fake.Send("slash_commands", slackfake.SlashCommand("/timeline", "ceasefire", "C0RUN", "U0RUN", fake.ResponseURL("run")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitAck(id, 3*time.Second); err != nil {
		t.Fatalf("no ack within 3 s: %v", err)
	}
	resp, err := fake.WaitResponses("run", 1, 10*time.Second)
	if err != nil {
		t.Fatalf("no answer: %v\n%s", err, logs)
	}
	text := sectionTexts(resp[0].Blocks())
	if !strings.Contains(text, "*28 April 2025*") || !strings.Contains(text, "from May 8 through May 10") {
		t.Errorf("the answer lacks the 28 April cease-fire declaration:\n%s", text)
	}
	if err := stop(); err != nil {
		t.Errorf("run returned %v after a clean stop", err)
	}
	for _, secret := range []string{"xoxb-run-test-token", "xapp-run-test-token"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs print a token:\n%s", logs)
		}
	}
}

// In HTTP mode the bot listens on http.listen, verifies Slack's signature
// and answers through response_url; /healthz answers for load balancers.
func TestRunAnswersSlackOverHTTP(t *testing.T) {
	fake := slackfake.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const secret = "run-test-signing-secret"
	logs, stop := startBot(t, map[string]string{
		"SLACK_BOT_TOKEN":        "xoxb-run-test-token",
		"SLACK_SIGNING_SECRET":   secret,
		"BRIEFBOT_SLACK_MODE":    "http",
		"BRIEFBOT_HTTP_LISTEN":   addr,
		"BRIEFBOT_SLACK_API_URL": fake.APIURL(),
		"BRIEFBOT_CONSOLE":       "false",
	})
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered: %v\n%s", err, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	body := []byte(slackfake.SlashCommandForm("/timeline", "prisoners", "C0HTTP", "U0HTTP", fake.ResponseURL("http")).Encode())

	bad := slackfake.SignedRequest(t, "not-the-secret", base+"/slack/commands", "application/x-www-form-urlencoded", body, time.Now())
	if res, err := http.DefaultClient.Do(bad); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrongly signed command: %v %v, want 401", res.Status, err)
	}
	good := slackfake.SignedRequest(t, secret, base+"/slack/commands", "application/x-www-form-urlencoded", body, time.Now())
	start := time.Now()
	res, err := http.DefaultClient.Do(good)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("a signed command: %v %v, want 200", res, err)
	}
	res.Body.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("ack took %v, Slack gives up after 3 s", d)
	}
	resp, err := fake.WaitResponses("http", 1, 10*time.Second)
	if err != nil {
		t.Fatalf("no answer: %v\n%s", err, logs)
	}
	raw, _ := json.Marshal(resp[0].Blocks())
	if !strings.Contains(string(raw), "1,000") {
		t.Errorf("the answer lacks the prisoner exchange: %s", raw)
	}
	if n := len(fake.Responses("http")); n != 1 {
		t.Errorf("%d answers to one command (the badly signed one must do nothing)", n)
	}
	if err := stop(); err != nil {
		t.Errorf("run returned %v after a clean stop", err)
	}
}
