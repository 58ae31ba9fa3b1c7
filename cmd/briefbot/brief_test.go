package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBriefCLI runs the briefing commands as an operator would: subscribe,
// list, preview, post, unsubscribe, and subscriptions from the config file.
func TestBriefCLI(t *testing.T) {
	dir := t.TempDir()
	today := time.Now().UTC().Format("2006-01-02")
	article := "Russia and Ukraine agreed on a three-day cease-fire, the Kremlin said. Putin ordered the truce to begin at midnight."
	if r := briefbot(t, dir, article, "ingest", "-", "--published", today, "--source", "Wire"); r.code != 0 {
		t.Fatalf("ingest: %d %v %s", r.code, r.err, r.errOut)
	}

	out := mustRun(t, dir, "brief", "subscribe", "ceasefire", "at", "07:30", "tz", "Europe/Kyiv", "weekdays")
	if !strings.Contains(out, "Subscribed #1: ceasefire, 07:30 on weekdays, Europe/Kyiv.") {
		t.Errorf("subscribe printed %q", out)
	}
	if out := mustRun(t, dir, "brief", "list"); !strings.Contains(out, "#1  ceasefire in console:console, 07:30 on weekdays, Europe/Kyiv") {
		t.Errorf("list printed %q", out)
	}
	if out := mustRun(t, dir, "brief", "preview", "1"); !strings.Contains(out, "Briefing: ceasefire") || !strings.Contains(out, "cease-fire") {
		t.Errorf("preview printed %q", out)
	}
	out = mustRun(t, dir, "brief", "now", "#1")
	if !strings.Contains(out, "posted to console") || !strings.Contains(out, "Source: Wire") || !strings.Contains(out, "Posted the briefing: 2 new developments.") {
		t.Errorf("now printed %q", out)
	}
	if out := mustRun(t, dir, "brief", "now", "1"); !strings.Contains(out, "Nothing new since") {
		t.Errorf("second now printed %q", out)
	}
	if out := mustRun(t, dir, "brief", "unsubscribe", "1"); out != "Unsubscribed #1.\n" {
		t.Errorf("unsubscribe printed %q", out)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"brief", "subscribe", "--channel", "teams:x", "at", "07:30"}, 2, "no known platform"},
		{[]string{"brief", "subscribe", "ceasefire"}, 2, "say when the briefing should come"},
		{[]string{"brief", "now"}, 2, "takes a subscription number"},
		{[]string{"brief", "now", "7"}, 2, "there is no subscription #7"},
		{[]string{"brief", "frob"}, 2, `unknown brief command "frob"`},
	} {
		r := briefbot(t, dir, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", strings.Join(tc.args, " "), r.code, r.errOut, tc.code, tc.want)
		}
	}

	// A Slack subscription cannot be posted by a process without Slack.
	mustRun(t, dir, "brief", "subscribe", "--channel", "slack:C0NEWS", "at", "08:00")
	if r := briefbot(t, dir, "", "brief", "now", "2"); r.code != 1 || !strings.Contains(r.errOut, "no slack connection") {
		t.Errorf("now without Slack: exit %d, %q", r.code, r.errOut)
	}

}

// TestConfigSubscriptions: subscriptions in the config file are applied
// when the bot runs: created, updated, left alone when unchanged (a
// disabled one stays disabled) and removed with their entry. One-shot
// commands do not touch them.
func TestConfigSubscriptions(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "briefbot.yaml")
	write := func(s string) {
		if err := os.WriteFile(cfg, []byte("console: false\n"+s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runBot := func() result {
		return briefbot(t, dir, "", "--config", cfg, "run")
	}
	write("briefings:\n  subscriptions:\n    - name: morning\n      channel: console:console\n      query: quiet diplomacy\n      schedule: 0 6 * * 1-5\n")
	if r := runBot(); r.code != 0 {
		t.Fatalf("run: %d %v %s", r.code, r.err, r.errOut)
	}
	out := mustRun(t, dir, "brief", "list")
	if !strings.Contains(out, "#1  quiet diplomacy in console:console, 06:00 on weekdays, UTC") || !strings.Contains(out, "set by config:morning") || strings.Contains(out, "; quiet") {
		t.Errorf("config subscription not listed as written: %q", out)
	}
	// A one-shot command with no config leaves it alone.
	if out := mustRun(t, dir, "brief", "list"); !strings.Contains(out, "config:morning") {
		t.Errorf("a one-shot command removed the config subscription: %q", out)
	}
	write("briefings:\n  subscriptions:\n    - name: morning\n      channel: console:console\n      query: prisoners\n      schedule: at 09:15 tz UTC\n      quiet: true\n")
	if r := runBot(); r.code != 0 {
		t.Fatalf("run: %d %v %s", r.code, r.err, r.errOut)
	}
	out = mustRun(t, dir, "brief", "list")
	if !strings.Contains(out, "#1  prisoners in console:console, 09:15 every day, UTC") || !strings.Contains(out, "quiet") {
		t.Errorf("config subscription not updated in place: %q", out)
	}
	write("briefings:\n  subscriptions:\n    - name: morning\n      channel: console:console\n      schedule: at 25:00\n")
	if r := runBot(); r.code == 0 || !strings.Contains(r.errOut, "briefings.subscriptions[0] (morning): schedule:") {
		t.Errorf("a bad config schedule: exit %d, %q", r.code, r.errOut)
	}
	write("briefings:\n  subscriptions: []\n")
	if r := runBot(); r.code != 0 {
		t.Fatalf("run: %d %v %s", r.code, r.err, r.errOut)
	}
	if out := mustRun(t, dir, "brief", "list"); strings.Contains(out, "config:morning") {
		t.Errorf("config subscription not removed with the config: %q", out)
	}
}
