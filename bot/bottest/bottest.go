// Package bottest is the end-to-end harness for briefbot: a real bot over a
// real SQLite store in a temporary directory, with a fixed clock, driven
// through the console adapter exactly as a user at a terminal drives it.
package bottest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/console"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/digest"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/store/sqlite"
)

// Now is the harness clock: the day after the seed article was published.
var Now = time.Date(2025, 5, 21, 9, 0, 0, 0, time.UTC)

// Harness is a bot on buffers.
type Harness struct {
	T     testing.TB
	Bot   *bot.Bot
	Svc   *briefing.Service
	Store *sqlite.Store
	Dir   string
}

// New returns a harness with an empty store; it is closed when the test ends.
func New(t testing.TB) *Harness {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), dir+"/briefbot.db")
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	ex, err := extract.New()
	if err != nil {
		t.Fatalf("extractor: %v", err)
	}
	now := func() time.Time { return Now }
	svc := briefing.NewService(st, ex, now, nil)
	return &Harness{T: t, Bot: bot.New(svc, bot.Options{Now: now}), Svc: svc, Store: st, Dir: dir}
}

// Send types lines into the console (joined by newlines) and returns what
// the bot printed, without the start-up banner.
func (h *Harness) Send(lines ...string) string {
	h.T.Helper()
	var out bytes.Buffer
	in := strings.NewReader(strings.Join(lines, "\n") + "\n")
	if err := console.New(h.Bot, in, &out, false).Run(context.Background()); err != nil {
		h.T.Fatalf("console: %v", err)
	}
	s := out.String()
	if i := strings.IndexByte(s, '\n'); i >= 0 && strings.HasPrefix(s, "briefbot is ready") {
		s = s[i+1:]
	}
	return s
}

// Ingest adds an article published on the given date (YYYY-MM-DD) and
// fails the test on error.
func (h *Harness) Ingest(text, published, source string) *briefing.IngestReport {
	h.T.Helper()
	pub, err := time.Parse("2006-01-02", published)
	if err != nil {
		h.T.Fatalf("bad published date %q: %v", published, err)
	}
	rep, err := h.Svc.Ingest(context.Background(), briefing.ArticleInput{Text: text, Published: pub, Source: source, Via: "test"})
	if err != nil {
		h.T.Fatalf("ingest: %v", err)
	}
	return rep
}

// BriefHarness is a harness whose bot answers /brief: subscriptions live in
// its store, and briefings it posts for the console channel are written to
// Posted. Its clock is the real one, since briefing windows are measured
// from when a subscription was made.
type BriefHarness struct {
	*Harness
	Briefs    *brief.Service
	Publisher *bot.Publisher
	Posted    *bytes.Buffer
}

// NewBriefs returns a BriefHarness with an empty store.
func NewBriefs(t testing.TB) *BriefHarness {
	t.Helper()
	h := New(t)
	pub := bot.NewPublisher()
	var posted bytes.Buffer
	pub.Register("console", console.New(nil, strings.NewReader(""), &posted, false))
	bs := WithBriefs(t, h, pub)
	return &BriefHarness{Harness: h, Briefs: bs, Publisher: pub, Posted: &posted}
}

// WithBriefs gives h a bot that answers /brief, posting through pub, over
// a timeline service on the real clock (briefing windows are measured on
// it, so developments must be stamped with it too). Posts are not retried:
// tests see the first failure.
func WithBriefs(t testing.TB, h *Harness, pub brief.Publisher) *brief.Service {
	t.Helper()
	h.Svc = briefing.NewService(h.Store, extractor(t), nil, nil)
	bs, err := brief.New(brief.Config{
		Store: h.Store, Timeline: h.Svc, Publisher: pub, Retries: -1,
		Compose: func(fresh, earlier []*briefing.Event) *briefing.Brief {
			return digest.Compose(fresh, earlier, digest.BriefOptions{})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.Bot = bot.New(h.Svc, bot.Options{Briefs: bs})
	return bs
}

func extractor(t testing.TB) *extract.Extractor {
	ex, err := extract.New()
	if err != nil {
		t.Fatalf("extractor: %v", err)
	}
	return ex
}

// NewWithPageSize returns a harness sharing h's store and service whose bot
// shows n developments a page.
func NewWithPageSize(t testing.TB, h *Harness, n int) *Harness {
	t.Helper()
	return &Harness{T: t, Bot: bot.New(h.Svc, bot.Options{Now: func() time.Time { return Now }, PageSize: n}), Svc: h.Svc, Store: h.Store, Dir: h.Dir}
}
