package discordfake

import (
	"bytes"
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

// TestOfficialNodeClient runs discord.js's official gateway client, @discordjs/ws pinned in
// nodecheck/package-lock.json, against the fake, once with plain JSON text frames and once
// with zlib-stream transport compression. The client fetches /gateway/bot through
// @discordjs/rest (API v10), IDENTIFYs, gets READY, answers a MESSAGE_CREATE with a REST
// message (validated like every body), loses its connection (Drop), RESUMEs on
// resume_gateway_url, gets the missed MESSAGE_CREATE replayed, answers it and exits 0. Install
// the client with `npm ci` in nodecheck/. Without node or the install the test skips, except
// under CI=true, where it fails.
func TestOfficialNodeClient(t *testing.T) {
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join("nodecheck", "node_modules", "@discordjs", "ws", "package.json")); err != nil {
		missing = "nodecheck/node_modules is missing (run `npm ci` in bot/discord/discordfake/nodecheck)"
	}
	if missing != "" {
		if isCI() {
			t.Fatalf("official Node client check cannot run under CI: %s", missing)
		}
		t.Skipf("skipping the official Node client check: %s", missing)
	}
	for _, compression := range []string{"", "zlib-stream"} {
		name := "json"
		if compression != "" {
			name = compression
		}
		t.Run(name, func(t *testing.T) { runNodeCheck(t, compression) })
	}
}

func runNodeCheck(t *testing.T, compression string) {
	s := New(t)
	s.SetHeartbeatInterval(250 * time.Millisecond)

	var out syncBuffer
	cmd := exec.Command("node", "check.mjs")
	cmd.Dir = "nodecheck"
	cmd.Env = append(os.Environ(),
		"DISCORD_FAKE_URL="+s.URL(),
		"DISCORD_TOKEN="+s.Token(),
		"NODECHECK_MESSAGES=2",
		"NODECHECK_COMPRESSION="+compression,
		"NODECHECK_TIMEOUT_MS=15000",
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
	const wait = 15 * time.Second
	route := "/channels/{channel_id}/messages"

	if err := s.WaitIdentifies(1, wait); err != nil {
		fail("%v", err)
	}
	if err := s.WaitReady(wait); err != nil {
		fail("%v", err)
	}
	user := "1247599000000000001"
	if _, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000001", ChannelID, GuildID, user, "first", false)); err != nil {
		fail("dispatch: %v", err)
	}
	if _, err := s.WaitCalls("POST", route, 1, wait); err != nil {
		fail("%v", err)
	}
	// Wait for a heartbeat round trip before dropping, so the client's heartbeat path is
	// exercised too.
	deadline := time.Now().Add(wait)
	for s.Heartbeats() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s.Heartbeats() == 0 {
		fail("the client sent no heartbeat")
	}

	s.Drop()
	if _, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000002", ChannelID, GuildID, user, "second", false)); err != nil {
		fail("dispatch while dropped: %v", err)
	}
	if err := s.WaitResumes(1, wait); err != nil {
		fail("%v", err)
	}
	if err := s.WaitReady(wait); err != nil {
		fail("%v", err)
	}

	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			fail("node check failed: %v", err)
		}
	case <-time.After(wait):
		fail("node check did not exit")
	}
	if !strings.Contains(out.String(), "nodecheck ok") {
		fail("node check did not report success")
	}

	calls := s.Calls("POST", route)
	if len(calls) != 2 || calls[0].JSON["content"] != "ack first" || calls[1].JSON["content"] != "ack second" {
		fail("replies = %+v", calls)
	}
	for _, c := range s.AllCalls() {
		if c.Version != "10" || c.Status >= 400 {
			fail("call %s %s: version %q status %d", c.Method, c.Path, c.Version, c.Status)
		}
	}
	if len(s.Calls("GET", "/gateway/bot")) == 0 {
		fail("the client did not fetch /gateway/bot")
	}
	noViolations(t, s)
	if s.Identifies() != 1 || s.Resumes() != 1 {
		fail("identifies %d, resumes %d", s.Identifies(), s.Resumes())
	}
	conns := s.GatewayConns()
	if len(conns) != 2 || conns[0].Path != "/gw" || conns[1].Path != "/gw-resume" ||
		conns[0].Version != "10" || conns[0].Compress != (compression != "") {
		fail("connections = %+v", conns)
	}
	// The client ended with 1000 (destroy), which ends the session.
	if cl := s.Closures(); len(cl) != 2 || cl[1].By != "client" || cl[1].Code != 1000 {
		fail("closures = %+v", cl)
	}
	if s.SessionID() != "" {
		fail("session still current after a 1000 close")
	}
	t.Logf("node output:\n%s", out.String())
}
