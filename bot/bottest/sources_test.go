package bottest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/briefing/feed/fetch"
	"github.com/briefbot/briefbot/briefing/feed/poll"
)

// TestSourcesCommandsOnTheConsole follows a feed from chat, lists its
// health and stops it; a guarded bot refuses a private address.
func TestSourcesCommandsOnTheConsole(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire World</title>
<link href="https://wire.example/"/><id>urn:wire</id><updated>2025-05-20T09:00:00Z</updated>
<entry><id>urn:wire:1</id><title>Swap</title><updated>2025-05-20T09:00:00Z</updated>
<content type="html">&lt;p&gt;Russia and Ukraine agreed on Tuesday to exchange 1,000 prisoners each.&lt;/p&gt;</content></entry></feed>`)
	}))
	defer srv.Close()
	h := New(t)
	mk := func(private bool) *poll.Poller {
		p, err := poll.New(poll.Config{Store: h.Store, Timeline: h.Svc, Fetcher: fetch.New(fetch.Config{AllowPrivate: private})})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	h.Bot = bot.New(h.Svc, bot.Options{Feeds: mk(true), Now: func() time.Time { return Now }})
	out := h.Send("/sources add " + srv.URL + "/atom.xml topic:ceasefire every:30m")
	if !strings.Contains(out, "Following #1: Wire World") || !strings.Contains(out, "every 30 minutes") || !strings.Contains(out, "tagged ceasefire") {
		t.Errorf("add = %q", out)
	}
	out = h.Send("/sources")
	for _, want := range []string{"#1", "Wire World", "not polled yet", "0 items ingested", "topics: ceasefire", "1 feed followed"} {
		if !strings.Contains(out, want) {
			t.Errorf("/sources lacks %q:\n%s", want, out)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"/sources add", "Give the feed's address"},
		{"/sources add " + srv.URL + "/atom.xml every:10s", "from a minute to a week"},
		{"/sources add " + srv.URL + "/atom.xml topic:nonsense", "No topic called"},
		{"/sources add " + srv.URL + "/atom.xml", "followed already"},
		{"/sources remove x", "Say which feed to remove"},
		{"/sources remove 9", "There is no feed #9"},
		{"/sources frob", "I don't know /sources frob"},
	} {
		if out := h.Send(tc.in); !strings.Contains(out, tc.want) {
			t.Errorf("%s = %q; want %q", tc.in, out, tc.want)
		}
	}
	if out := h.Send("/sources remove 1"); !strings.Contains(out, "Stopped following feed #1") {
		t.Errorf("remove = %q", out)
	}
	h.Bot = bot.New(h.Svc, bot.Options{Feeds: mk(false)})
	if out := h.Send("/sources add " + srv.URL + "/atom.xml"); !strings.Contains(out, "loopback") {
		t.Errorf("a guarded bot added a loopback feed: %q", out)
	}
}
