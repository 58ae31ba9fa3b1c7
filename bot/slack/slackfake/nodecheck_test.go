package slackfake

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a child's stdout and stderr.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestOfficialNodeClient runs Slack's official Socket Mode client, @slack/socket-mode pinned in
// nodecheck/package-lock.json, against the fake: it connects, acks a slash command, reconnects
// after a "disconnect" envelope, acks another, and checks pings and pongs both ways. Install it
// with `npm ci` in nodecheck/. Without node or the install the test skips, except under CI=true,
// where it fails.
func TestOfficialNodeClient(t *testing.T) {
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join("nodecheck", "node_modules", "@slack", "socket-mode", "package.json")); err != nil {
		missing = "nodecheck/node_modules is missing (run `npm ci` in bot/slack/slackfake/nodecheck)"
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("official Node client check cannot run under CI: %s", missing)
		}
		t.Skipf("skipping the official Node client check: %s", missing)
	}

	s := New(t)
	s.SetPingInterval(200 * time.Millisecond)

	var out syncBuffer
	cmd := exec.Command("node", "check.mjs")
	cmd.Dir = "nodecheck"
	cmd.Env = append(os.Environ(),
		"SLACK_API_URL="+s.APIURL(),
		"SLACK_APP_TOKEN="+testAppToken,
		"NODECHECK_COMMANDS=2",
		"NODECHECK_TIMEOUT_MS=10000",
	)
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\nnode output:\n%s", append(args, out.String())...)
	}

	slash := func(n int) {
		t.Helper()
		if err := s.WaitConnected(15 * time.Second); err != nil {
			fail("connection %d: %v", n, err)
		}
		text := []string{"", "first", "second"}[n]
		id, err := s.Send("slash_commands", SlashCommand("/brief", text, "C0GENERAL", "U0ALICE", s.ResponseURL("node")))
		if err != nil {
			fail("send %d: %v", n, err)
		}
		ack, err := s.WaitAck(id, 10*time.Second)
		if err != nil {
			fail("ack %d: %v", n, err)
		}
		var p struct{ Text string }
		if err := json.Unmarshal(ack.Payload, &p); err != nil || p.Text != "node acked /brief "+text {
			fail("ack %d payload = %s (%v)", n, ack.Payload, err)
		}
	}
	slash(1)
	s.Disconnect("refresh_requested")
	slash(2)

	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			fail("node check failed: %v", err)
		}
	case <-time.After(15 * time.Second):
		fail("node check did not exit")
	}
	if !strings.Contains(out.String(), "nodecheck ok") {
		fail("node check did not report success")
	}
	opens := s.Calls("apps.connections.open")
	if len(opens) != 2 {
		fail("apps.connections.open called %d times, want 2", len(opens))
	}
	for _, c := range opens {
		if c.Token != testAppToken || c.Status != 200 || c.Error != "" {
			fail("apps.connections.open call = %+v", c)
		}
	}
	if got := s.Connections(); got != 2 {
		fail("%d websocket connections, want 2", got)
	}
	if s.Pongs() == 0 {
		fail("the Node client answered no ping")
	}
	t.Logf("node output:\n%s", out.String())
}
