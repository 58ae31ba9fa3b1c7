package bottest_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/demo"
)

// demoWithPageSize loads the demo timeline (17 developments) and returns a
// harness whose bot shows n developments a page.
func demoWithPageSize(t *testing.T, n int) *bottest.Harness {
	t.Helper()
	h := bottest.New(t)
	got, err := demo.LoadIfEmpty(context.Background(), h.Svc)
	if err != nil {
		t.Fatal(err)
	}
	if got != 17 {
		t.Fatalf("demo loaded %d developments; these tests expect 17", got)
	}
	return bottest.NewWithPageSize(t, h, n)
}

// item is one development as the console prints it: "  DATE  SUMMARY",
// then indented lines (Source:, a note).
type item struct {
	date, summary string
	extra         []string
}

// items parses the developments out of one console answer.
func items(out string) []item {
	var its []item
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "  ") && len(l) > 2 && l[2] != ' ':
			date, summary, _ := strings.Cut(strings.TrimPrefix(l, "  "), "  ")
			its = append(its, item{date: date, summary: strings.TrimSpace(summary)})
		case strings.HasPrefix(l, "    ") && len(its) > 0:
			its[len(its)-1].extra = append(its[len(its)-1].extra, strings.TrimSpace(l))
		}
	}
	return its
}

// lastLine is an answer's last line: its footer.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// matching returns the developments matching query, by summary.
func matching(t *testing.T, h *bottest.Harness, query string) map[string]*briefing.Event {
	t.Helper()
	q, err := briefing.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	evs, _, err := h.Svc.Matching(context.Background(), q, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*briefing.Event{}
	for _, ev := range evs {
		m[ev.Summary] = ev
	}
	return m
}

func TestLongTimelineAnswersASummary(t *testing.T) {
	h := demoWithPageSize(t, 10)
	out := h.Send("/timeline since:2025-01")
	if !strings.HasPrefix(out, "Timeline: since:2025-01, the dates that mattered most\n") {
		t.Fatalf("no summary title:\n%s", out)
	}
	its := items(out)
	evs := matching(t, h, "since:2025-01")
	if len(its) == 0 {
		t.Fatalf("no developments in the summary:\n%s", out)
	}
	dates := map[string]bool{}
	var prev *briefing.Event
	for _, it := range its {
		dates[it.date] = true
		ev := evs[it.summary]
		if ev == nil {
			t.Errorf("%q is not one of the matching developments", it.summary)
			continue
		}
		if it.date != ev.Date.String() {
			t.Errorf("%q shown under %q, dated %q", it.summary, it.date, ev.Date)
		}
		if prev != nil && ev.Date.Lo < prev.Date.Lo {
			t.Errorf("not in date order: %q (%s) after %q (%s)", ev.Summary, ev.Date, prev.Summary, prev.Date)
		}
		prev = ev
		if len(it.extra) == 0 || !strings.HasPrefix(it.extra[0], "Source: ") {
			t.Errorf("%q has no Source: line (%q)", it.summary, it.extra)
		}
	}
	if len(dates) > 10 {
		t.Errorf("%d dates shown, want at most 10", len(dates))
	}
	if len(its) >= 17 {
		t.Errorf("the summary shows %d lines, as many as the whole timeline", len(its))
	}
	wantFooter := "10 of 17 dates, chosen from 17 developments; oldest first. /more or /timeline since:2025-01 dates:all lists every development."
	if got := lastLine(out); got != wantFooter {
		t.Errorf("footer\n%q\nwant\n%q", got, wantFooter)
	}

	// /more lists every development from the first, then goes on
	more := h.Send("/more")
	if !strings.HasPrefix(more, "Timeline: since:2025-01 dates:all\n") || !strings.Contains(more, "Showing 1-10, oldest first.") {
		t.Fatalf("/more after a summary:\n%s", more)
	}
	page := items(more)
	if len(page) != 10 {
		t.Errorf("/more shows %d developments, want a page of 10", len(page))
	}
	for i := 1; i < len(page); i++ {
		if evs[page[i].summary] == nil || evs[page[i-1].summary] == nil || evs[page[i].summary].Date.Lo < evs[page[i-1].summary].Date.Lo {
			t.Errorf("/more page not the matching developments in date order:\n%s", more)
			break
		}
	}
	rest := h.Send("/more")
	if !strings.Contains(rest, "Showing 11-17, the end of the timeline.") || len(items(rest)) != 7 {
		t.Errorf("second /more:\n%s", rest)
	}
	if again := h.Send("/more"); !strings.Contains(again, "nothing more to show") {
		t.Errorf("/more past the end:\n%s", again)
	}
}

func TestSummaryDatesAndLinesOptions(t *testing.T) {
	h := demoWithPageSize(t, 10)
	out := h.Send("/timeline since:2025-01 dates:3 lines:1")
	if !strings.HasPrefix(out, "Timeline: since:2025-01 dates:3 lines:1, the dates that mattered most\n") {
		t.Fatalf("no summary title:\n%s", out)
	}
	its := items(out)
	if len(its) != 3 {
		t.Errorf("dates:3 lines:1 shows %d developments, want exactly 3:\n%s", len(its), out)
	}
	dates := map[string]bool{}
	for _, it := range its {
		dates[it.date] = true
	}
	if len(dates) != 3 {
		t.Errorf("dates:3 lines:1 shows %d distinct dates, want 3:\n%s", len(dates), out)
	}
	want := "3 of 17 dates, chosen from 17 developments; oldest first. /more or /timeline since:2025-01 dates:all lists every development."
	if got := lastLine(out); got != want {
		t.Errorf("footer\n%q\nwant\n%q", got, want)
	}
	// the three are the three most important of the default summary's ten
	ten := map[string]bool{}
	for _, it := range items(h.Send("/timeline since:2025-01")) {
		ten[it.summary] = true
	}
	for _, it := range its {
		if !ten[it.summary] {
			t.Errorf("dates:3 chose %q, which the ten-date summary leaves out", it.summary)
		}
	}
}

func TestShowAllListsEveryDevelopment(t *testing.T) {
	h := demoWithPageSize(t, 10)
	out := h.Send("/timeline since:2025-01 dates:all")
	if !strings.HasPrefix(out, "Timeline: since:2025-01 dates:all\n") || strings.Contains(out, "mattered most") {
		t.Fatalf("dates:all answered:\n%s", out)
	}
	if len(items(out)) != 10 || lastLine(out) != "Showing 1-10, oldest first. /more for the next 10." {
		t.Errorf("dates:all first page:\n%s", out)
	}
}

func TestShortTimelineIsAPlainList(t *testing.T) {
	h := demoWithPageSize(t, 10)
	out := h.Send("/timeline ceasefire")
	if !strings.HasPrefix(out, "Timeline: ceasefire\n") || strings.Contains(out, "mattered most") || strings.Contains(out, "dates:all") {
		t.Fatalf("a timeline shorter than a page should be the plain list:\n%s", out)
	}
	n := len(matching(t, h, "ceasefire"))
	if n >= 10 {
		t.Fatalf("fixture: ceasefire matches %d developments, want fewer than a page", n)
	}
	if got := len(items(out)); got != n {
		t.Errorf("list shows %d developments, %d match", got, n)
	}
	if want := plural(n) + ", oldest first."; lastLine(out) != want {
		t.Errorf("footer %q, want %q", lastLine(out), want)
	}
}

// A summary that would show every match anyway is answered as the list.
func TestSummaryThatWouldShowEverythingIsAList(t *testing.T) {
	// 7 cease-fire developments are more than a page of 5, but a summary
	// of 10 dates would show them all: the list says the same, paged
	h := demoWithPageSize(t, 5)
	out := h.Send("/timeline ceasefire")
	if !strings.HasPrefix(out, "Timeline: ceasefire\n") || strings.Contains(out, "mattered most") {
		t.Fatalf("7 developments on a page of 5 answered:\n%s", out)
	}
	if !strings.Contains(out, "Showing 1-5") {
		t.Errorf("want the first page of the list:\n%s", out)
	}
	// asked for by name, a summary is a summary
	out = h.Send("/timeline since:2025-01 dates:20")
	if !strings.Contains(out, "mattered most") || !strings.Contains(out, "17 of 17 dates") {
		t.Errorf("dates:20 over 17 developments answered:\n%s", out)
	}
}

func TestSummaryOptionMistakes(t *testing.T) {
	h := demoWithPageSize(t, 10)
	tests := []struct{ in, want string }{
		{"/timeline since:2025-01 dates:99", "want a number of dates from 1 to 50, or dates:all for every development."},
		{"/timeline since:2025-01 dates:0", "want a number of dates from 1 to 50"},
		{"/timeline since:2025-01 lines:9", "want a number of lines per date from 1 to 5."},
		{"/timeline since:2025-01 dates:", "needs a value, for example dates:10 or dates:all."},
	}
	for _, tt := range tests {
		out := h.Send(tt.in)
		if !strings.HasPrefix(out, "Error: ") || !strings.Contains(out, tt.want) || strings.Contains(out, "Timeline:") {
			t.Errorf("%q answered:\n%s\nwant an error containing %q", tt.in, out, tt.want)
		}
	}
}

// Buttons page a summary's full list through Reply.Next.
func TestSummaryShowAllButton(t *testing.T) {
	h := demoWithPageSize(t, 10)
	ctx := context.Background()
	r := h.Bot.Timeline(ctx, "C1", "since:2025-01 dates:4 lines:1")
	if r.Error || !strings.HasSuffix(r.Title, ", the dates that mattered most") || len(r.Items) != 4 {
		t.Fatalf("summary reply: %+v", r)
	}
	want := bot.PageRef{Query: "since:2025-01 dates:all", Offset: 0, Label: "Show all"}
	if r.Next == nil || *r.Next != want {
		t.Fatalf("Next = %+v, want %+v", r.Next, want)
	}
	all := h.Bot.PageAt(ctx, "C1", r.Next.Query, r.Next.Offset)
	if all.Title != "Timeline: since:2025-01 dates:all" || len(all.Items) != 10 || all.Next == nil || all.Next.Offset != 10 || all.Next.Label != "" {
		t.Errorf("Show all: title %q, %d items, Next %+v", all.Title, len(all.Items), all.Next)
	}
	for _, it := range r.Items {
		if len(it.Sources) == 0 {
			t.Errorf("summary line %q has no sources", it.Summary)
		}
	}
}

// A reader who types dates:3 asks for three dates, even of a timeline
// that fits one page.
func TestExplicitDatesOnAShortTimeline(t *testing.T) {
	h := demoWithPageSize(t, 10)
	out := h.Send("/timeline ceasefire dates:3")
	if !strings.Contains(out, "the dates that mattered most") || len(items(out)) > 3*2 {
		t.Errorf("/timeline ceasefire dates:3 answered %d developments:\n%s", len(items(out)), out)
	}
	out = h.Send("/timeline ceasefire dates:2 lines:1")
	if n := len(items(out)); n != 2 {
		t.Errorf("/timeline ceasefire dates:2 lines:1 answered %d developments, want 2:\n%s", n, out)
	}
}

// The Show all button of any summary the bot answered must work.
func TestShowAllOfALongQuery(t *testing.T) {
	h := demoWithPageSize(t, 10)
	ctx := context.Background()
	q := strings.TrimSpace(strings.Repeat("since:2025-01 ", (briefing.MaxQueryLen-5)/len("since:2025-01 ")))
	r := h.Bot.Timeline(ctx, "C1", q)
	if r.Error || len(r.Items) == 0 {
		t.Fatalf("a %d-byte query matching the whole demo: %+v", len(q), r)
	}
	// "q dates:all" would be over the query limit: no button that
	// would fail, and the footer points at /more, which works
	if r.Next != nil || strings.Contains(r.Footer, "dates:all") || !strings.Contains(r.Footer, "/more lists every development") {
		t.Errorf("summary of a %d-byte query: Next %+v, footer %q", len(q), r.Next, r.Footer)
	}
	if all := h.Bot.More(ctx, "C1"); all.Error || len(all.Items) != 10 || !strings.Contains(all.Footer, "Showing 1-10") {
		t.Errorf("/more after it: %+v", all)
	}
}

func TestShowAllQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ceasefire", "ceasefire dates:all"},
		{"ceasefire dates:3 lines:1", "ceasefire dates:all"},
		{"since:2025-01 DATES:5 actor:putin", "since:2025-01 actor:putin dates:all"},
		{"talks dates:all", "talks dates:all"},
		{"  prisoners   lines:2  ", "prisoners dates:all"},
	}
	for _, tt := range tests {
		if got := bot.ShowAllQuery(tt.in); got != tt.want {
			t.Errorf("ShowAllQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return "1 development"
	}
	return strconv.Itoa(n) + " developments"
}
