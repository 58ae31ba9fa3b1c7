package bottest_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/briefing/demo"
)

const article = `In late April, Putin unilaterally declared a cease-fire from May 8 through May 10.
Zelenskyy and other European leaders called on Putin to extend that brief cease-fire window.
Russian and Ukrainian delegates met in Istanbul on May 16 and agreed to exchange 1,000 prisoners of war each.`

func TestConsoleTimelineAndMore(t *testing.T) {
	h := bottest.New(t)
	if _, err := demo.LoadIfEmpty(context.Background(), h.Svc); err != nil {
		t.Fatal(err)
	}
	out := h.Send("/timeline ceasefire")
	if !strings.HasPrefix(out, "Timeline: ceasefire\n") {
		t.Fatalf("no title:\n%s", out)
	}
	if !strings.Contains(out, "11 March 2025") || !strings.Contains(out, "Source: demo (state.gov) <https://www.state.gov/>") {
		t.Errorf("demo answer lacks the Jeddah development with its source:\n%s", out)
	}
	if i, j := strings.Index(out, "11 March 2025"), strings.Index(out, "28 April 2025"); i < 0 || j < 0 || i > j {
		t.Errorf("not in date order:\n%s", out)
	}
}

func TestPaging(t *testing.T) {
	h := bottest.New(t)
	if _, err := demo.LoadIfEmpty(context.Background(), h.Svc); err != nil {
		t.Fatal(err)
	}
	h2 := bottest.NewWithPageSize(t, h, 2)
	out := h2.Send("/timeline since:2025-01 dates:all", "/more", "more")
	pages := strings.Split(out, "Timeline: since:2025-01 dates:all\n")
	if len(pages) != 4 {
		t.Fatalf("want three pages, got:\n%s", out)
	}
	if !strings.Contains(pages[1], "Showing 1-2") || !strings.Contains(pages[2], "Showing 3-4") || !strings.Contains(pages[3], "Showing 5-6") {
		t.Errorf("paging footers wrong:\n%s", out)
	}
	if strings.Contains(pages[2], firstLine(pages[1])) {
		t.Errorf("page 2 repeats page 1")
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func TestIngestPasteAndAsk(t *testing.T) {
	h := bottest.New(t)
	out := h.Send("/ingest --published 2025-05-20 --source Wire --title \"Talks in Istanbul\"", article, ".", "what happened with prisoners?")
	if !strings.Contains(out, "Ingested Talks in Istanbul") || !strings.Contains(out, "3 new developments") {
		t.Fatalf("ingest reply:\n%s", out)
	}
	if !strings.Contains(out, "Timeline: prisoners") || !strings.Contains(out, "16 May 2025") || !strings.Contains(out, "Source: Wire") {
		t.Errorf("question not answered from the pasted article:\n%s", out)
	}
	// pasting it again changes nothing
	out = h.Send("/ingest --published 2025-05-20 --source Wire", article, ".")
	if !strings.Contains(out, "nothing changed") {
		t.Errorf("duplicate paste:\n%s", out)
	}
}

func TestSameDevelopmentFromTwoSources(t *testing.T) {
	h := bottest.New(t)
	h.Ingest("Russian and Ukrainian delegations met in Istanbul on May 16 and agreed to exchange 1,000 prisoners of war each.", "2025-05-17", "Wire A")
	rep := h.Ingest("On Friday, Ukrainian and Russian delegates meeting in Istanbul agreed to swap 1,000 prisoners of war each.", "2025-05-17", "Wire B")
	if len(rep.New) != 0 || len(rep.Merged) != 1 {
		t.Fatalf("second source: %d new, %d merged; want it merged", len(rep.New), len(rep.Merged))
	}
	out := h.Send("/timeline prisoners")
	if strings.Count(out, "16 May 2025") != 1 || !strings.Contains(out, "Wire A") || !strings.Contains(out, "Wire B") {
		t.Errorf("want one development with two sources:\n%s", out)
	}
}

func TestCommandsAndHelp(t *testing.T) {
	h := bottest.New(t)
	tests := []struct{ in, want string }{
		{"/help", "/timeline QUERY"},
		{"/frobnicate", "I don't know /frobnicate."},
		{"/latest", "The timeline is empty"},
		{"/latest zero", "/latest takes a number"},
		{"/sources", "No sources yet"},
		{"/more", "nothing more to show"},
		{"/timeline", "Error: Nothing to search for"},
		{"/timeline the of", "Error:"},
		{"/ingest --published soon", "invalid publication date"},
		{"what's new?", "The timeline is empty"},
		{"ceasefire this weekend?", "Timeline: ceasefire since:2025-05-17"},
		{"talks last week", "Timeline: talks since:2025-05-12"},
		{"prisoners this week?", "Timeline: prisoners since:2025-05-19"},
		{"/timeline\tceasefire", "Timeline: ceasefire"},
	}
	for _, tt := range tests {
		if out := h.Send(tt.in); !strings.Contains(out, tt.want) {
			t.Errorf("%q answered:\n%s\nwant it to contain %q", tt.in, out, tt.want)
		}
	}
}

func TestHostileArticleText(t *testing.T) {
	h := bottest.New(t)
	h.Ingest("On May 16, Putin met Zelenskyy <!channel> and \x1b[2J@everyone in Istanbul.", "2025-05-20", "Evil\x1b[31m")
	out := h.Send("/timeline istanbul")
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("escape sequence reached the terminal: %q", out)
	}
	if !strings.Contains(out, "<!channel>") {
		t.Errorf("article text altered beyond control characters: %q", out)
	}
}

func TestDemoTimelineIsWellDated(t *testing.T) {
	h := bottest.New(t)
	n, err := demo.LoadIfEmpty(context.Background(), h.Svc)
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 || n > 20 {
		t.Errorf("demo has %d developments, want ten to twenty", n)
	}
	arts, err := demo.Articles()
	if err != nil {
		t.Fatal(err)
	}
	latest := arts[len(arts)-1].Published
	evs, err := h.Svc.Latest(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != n {
		t.Fatalf("store holds %d events, demo reported %d", len(evs), n)
	}
	for _, ev := range evs {
		if ev.Date.Origin != "explicit" || ev.Date.Lo.Year() != 2025 || ev.Date.Hi.Time().After(latest) {
			t.Errorf("demo event %q dated %s (%s)", ev.Summary, ev.Date, ev.Date.Origin)
		}
		if len(ev.Citations) != 1 || ev.Citations[0].URL == "" {
			t.Errorf("demo event %q has citations %+v", ev.Summary, ev.Citations)
		}
	}
	// loading twice adds nothing
	if n2, err := demo.LoadIfEmpty(context.Background(), h.Svc); err != nil || n2 != 0 {
		t.Errorf("second load added %d (%v)", n2, err)
	}
}

func TestConsoleIngestMistakes(t *testing.T) {
	h := bottest.New(t)
	// a typo in the options: the pasted lines must not run as commands
	out := h.Send("/ingest --publishd 2025-05-20", "On Friday, Putin met Trump in Istanbul.", "/quit", ".", "/latest 2")
	if !strings.Contains(out, "unknown option --publishd") {
		t.Errorf("option typo not reported:\n%s", out)
	}
	if strings.Contains(out, "Timeline: on friday") || !strings.Contains(out, "Latest developments") && !strings.Contains(out, "The timeline is empty") {
		t.Errorf("pasted lines ran as commands, or the session ended early:\n%s", out)
	}
	// an article over the limit is refused whole, and the session goes on
	big := strings.Repeat("Putin met Zelenskyy in Istanbul on May 16 and they talked. ", (2<<20)/58+10)
	out = h.Send("/ingest --published 2025-05-20", big, ".", "/sources")
	if !strings.Contains(out, "longer than 2 MiB") || !strings.Contains(out, "No sources yet") {
		t.Errorf("oversized paste:\n%.500s", out)
	}
}

func TestConsoleStopsItsReader(t *testing.T) {
	h := bottest.New(t)
	h.Send("/help") // warm up
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		h.Send("/quit", "/help", "/help")
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after 20 sessions, %d before: the console leaks its reader", n, before)
	}
}

func TestConcurrentPagingIsSafe(t *testing.T) {
	h := bottest.New(t)
	if _, err := demo.LoadIfEmpty(context.Background(), h.Svc); err != nil {
		t.Fatal(err)
	}
	small := bottest.NewWithPageSize(t, h, 1)
	ctx := context.Background()
	if r := small.Bot.Timeline(ctx, "c", "actor:putin"); r.Error || len(r.Items) != 1 {
		t.Fatalf("first page: %+v", r)
	}
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			r := small.Bot.More(ctx, "c")
			done <- !r.Error
		}()
	}
	for i := 0; i < 4; i++ {
		if !<-done {
			t.Error("a concurrent /more failed")
		}
	}
}

// A "More" button pages its own timeline through Reply.Next and PageAt,
// whatever was asked in the channel since.
func TestNextPageRef(t *testing.T) {
	h := bottest.New(t)
	if _, err := demo.LoadIfEmpty(context.Background(), h.Svc); err != nil {
		t.Fatal(err)
	}
	small := bottest.NewWithPageSize(t, h, 2)
	ctx := context.Background()
	first := small.Bot.Timeline(ctx, "C1", "ceasefire")
	if len(first.Items) != 2 || first.Next == nil || first.Next.Query != "ceasefire" || first.Next.Offset != 2 {
		t.Fatalf("first page: %d items, Next %+v; want 2 items and Next ceasefire@2", len(first.Items), first.Next)
	}
	small.Bot.Timeline(ctx, "C1", "prisoners") // the channel moves on
	var all []string
	for _, it := range first.Items {
		all = append(all, it.Summary)
	}
	for r := first; r.Next != nil; {
		r = small.Bot.PageAt(ctx, "C1", r.Next.Query, r.Next.Offset)
		if len(r.Items) == 0 {
			t.Fatalf("PageAt returned an empty page: %+v", r)
		}
		for _, it := range r.Items {
			all = append(all, it.Summary)
		}
	}
	whole := bottest.NewWithPageSize(t, h, 50).Bot.Timeline(ctx, "C2", "ceasefire")
	if len(all) != len(whole.Items) || whole.Next != nil {
		t.Fatalf("paged %d developments, one page holds %d (Next %+v)", len(all), len(whole.Items), whole.Next)
	}
	for i, it := range whole.Items {
		if all[i] != it.Summary {
			t.Errorf("development %d: paged %q, whole %q", i, all[i], it.Summary)
		}
	}
	if r := small.Bot.PageAt(ctx, "C1", "", 0); !r.Error {
		t.Errorf("PageAt with an empty query: %+v, want an error reply", r)
	}
	if r := small.Bot.Handle(ctx, bot.Message{Platform: "slack", Channel: "C1", Text: "/brief now"}); !strings.Contains(r.Text, "not configured") {
		t.Errorf("/brief: %q", r.Text)
	}
}
