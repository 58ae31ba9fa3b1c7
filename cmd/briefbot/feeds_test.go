package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newsSite serves n feeds at /feed/N.xml, each with two items, and an OPML
// file listing them.
func newsSite(t *testing.T, n int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var id int
		if _, err := fmt.Sscanf(r.URL.Path, "/feed/%d.xml", &id); err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk %d</title><link>http://desk%d.example/</link>
<item><guid>d%d-1</guid><title>Talks</title><pubDate>Mon, 19 May 2025 09:00:00 GMT</pubDate><description>Negotiators from desk %d met in Istanbul on Monday to discuss a prisoner exchange.</description></item>
<item><guid>d%d-2</guid><title>Truce</title><pubDate>Tue, 20 May 2025 09:00:00 GMT</pubDate><description>A three-day cease-fire reported by desk %d began on Tuesday at midnight.</description></item>
</channel></rss>`, id, id, id, id, id, id)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// feedbot runs briefbot with feeds allowed to reach the loopback test
// server, as an operator's allow_private would.
func feedbot(t *testing.T, dir string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := func(k string) string {
		switch k {
		case "BRIEFBOT_STORE":
			return filepath.Join(dir, "briefbot.db")
		case "BRIEFBOT_FEEDS_ALLOW_PRIVATE":
			return "true"
		}
		return ""
	}
	err := run(context.Background(), args, env, strings.NewReader(""), &out, &errOut)
	code := exitCode(err, &errOut)
	return result{out: out.String(), errOut: errOut.String(), err: err, code: code}
}

func TestSourcesCLI(t *testing.T) {
	dir := t.TempDir()
	srv := newsSite(t, 3)
	r := feedbot(t, dir, "sources", "add", srv.URL+"/feed/1.xml", "--topic", "ceasefire", "--interval", "30m")
	if r.code != 0 || !strings.Contains(r.out, "Following #1: Desk 1") {
		t.Fatalf("sources add: %d %q %q", r.code, r.out, r.errOut)
	}
	r = feedbot(t, dir, "sources", "poll")
	if r.code != 0 || !strings.Contains(r.out, "Polled 1 feed: 2 items ingested, 0 failed.") {
		t.Fatalf("sources poll: %d %q %q", r.code, r.out, r.errOut)
	}
	out := mustRun(t, dir, "sources")
	for _, want := range []string{"#1", "Desk 1", "ok, last polled just now", "2 items ingested", "topics: ceasefire", "desk1.example"} {
		if !strings.Contains(out, want) {
			t.Errorf("sources lacks %q:\n%s", want, out)
		}
	}
	if out := mustRun(t, dir, "timeline", "istanbul"); !strings.Contains(out, "desk 1 met in Istanbul") {
		t.Errorf("the polled item is not in the timeline:\n%s", out)
	}
	// Without the operator's allowance the loopback server is refused.
	if r := briefbot(t, dir, "", "sources", "add", srv.URL+"/feed/2.xml"); r.code != 2 || !strings.Contains(r.errOut, "loopback") {
		t.Errorf("guarded sources add: %d %q", r.code, r.errOut)
	}
	if r := feedbot(t, dir, "sources", "remove", "1"); r.code != 0 || !strings.Contains(r.out, "Stopped following feed #1.") {
		t.Errorf("sources remove: %d %q %q", r.code, r.out, r.errOut)
	}
	if r := feedbot(t, dir, "sources", "remove", "1"); r.code != 2 || !strings.Contains(r.errOut, "there is no feed #1") {
		t.Errorf("sources remove again: %d %q", r.code, r.errOut)
	}
}

func TestBackfillOPML(t *testing.T) {
	dir := t.TempDir()
	srv := newsSite(t, 3)
	opml := filepath.Join(dir, "subs.opml")
	var outlines []string
	for i := 1; i <= 3; i++ {
		outlines = append(outlines, fmt.Sprintf(`<outline text="Desk %d" type="rss" xmlUrl="%s/feed/%d.xml"/>`, i, srv.URL, i))
	}
	outlines = append(outlines, `<outline text="Gone" type="rss" xmlUrl="`+srv.URL+`/missing.xml"/>`)
	doc := `<?xml version="1.0"?><opml version="2.0"><head><title>Subscriptions</title></head><body><outline text="News">` + strings.Join(outlines, "") + `</outline></body></opml>`
	if err := os.WriteFile(opml, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	r := feedbot(t, dir, "backfill", opml)
	if r.code != 0 {
		t.Fatalf("backfill: %d %v %s", r.code, r.err, r.errOut)
	}
	for _, want := range []string{"4/4 sources", "Following 3 feeds of 4.", "/missing.xml:", "Polled 3 feeds: 6 items ingested, 0 failed."} {
		if !strings.Contains(r.out, want) {
			t.Errorf("backfill output lacks %q:\n%s", want, r.out)
		}
	}
	// Again: nothing new, nothing doubled.
	r = feedbot(t, dir, "backfill", opml)
	if r.code != 0 || !strings.Contains(r.out, "Polled 3 feeds: 0 items ingested") {
		t.Errorf("second backfill: %d %s %s", r.code, r.out, r.errOut)
	}
	if r := feedbot(t, dir, "backfill", filepath.Join(dir, "nope.opml")); r.code != 1 {
		t.Errorf("backfill of a missing file: %d", r.code)
	}
}
