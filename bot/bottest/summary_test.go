package bottest_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/demo"
	"github.com/briefbot/briefbot/store/storetest"
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
	if !strings.Contains(out, "mattered most") || !strings.Contains(out, "All 17 developments") {
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

// The Show all button of a query with quotes lists what the query
// matches: its phrases and quoted values stay quoted, and a quoted
// dates: or lines: value goes with its option.
func TestShowAllKeepsQuotes(t *testing.T) {
	h := demoWithPageSize(t, 10)
	ctx := context.Background()
	tests := []struct{ in, next string }{
		{`since:2025-01 lines: "1" dates:3`, "since:2025-01 dates:all"},
		{`"ceasefire" dates: "2"`, `"ceasefire" dates:all`},
		{`"cease-fire" LINES:1 since:2025-01 Dates:2`, `"cease-fire" since:2025-01 dates:all`},
		{`actor:"vladimir putin" dates:2`, `actor:"vladimir putin" dates:all`},
	}
	for _, tt := range tests {
		r := h.Bot.Timeline(ctx, "C1", tt.in)
		if r.Error || !strings.HasSuffix(r.Title, ", the dates that mattered most") {
			t.Errorf("%q: not a summary: %+v", tt.in, r)
			continue
		}
		if r.Next == nil || r.Next.Query != tt.next || r.Next.Label != "Show all" {
			t.Errorf("%q: Next %+v, want the query %q", tt.in, r.Next, tt.next)
			continue
		}
		if !strings.Contains(r.Footer, "/timeline "+tt.next+" lists every development") {
			t.Errorf("%q: footer %q does not name %q", tt.in, r.Footer, tt.next)
		}
		want := len(matching(t, h, tt.in))
		all := h.Bot.PageAt(ctx, "C1", r.Next.Query, r.Next.Offset)
		if all.Error || len(all.Items) != min(want, 10) {
			t.Errorf("%q: Show all (%q) shows %d developments, the query matches %d: %+v", tt.in, r.Next.Query, len(all.Items), want, all)
		}
	}
}

// Asked for by name, a summary that leaves nothing out says so, and
// offers no Show all.
func TestSummaryThatLeavesNothingOut(t *testing.T) {
	h := demoWithPageSize(t, 10)
	ctx := context.Background()
	h.Send("/timeline since:2025-01 dates:all") // a /more cursor to clear
	sum := h.Send("/timeline since:2025-01 dates:20")
	if !strings.Contains(sum, "the dates that mattered most") || len(items(sum)) != 17 {
		t.Fatalf("dates:20 over 17 developments answered:\n%s", sum)
	}
	if got, want := lastLine(sum), "All 17 developments, oldest first."; got != want {
		t.Errorf("footer %q, want %q", got, want)
	}
	if strings.Contains(sum, "dates:all") || strings.Contains(sum, "/more") {
		t.Errorf("a complete summary offers the list:\n%s", sum)
	}
	if more := h.Send("/more"); !strings.Contains(more, "nothing more to show") {
		t.Errorf("/more after a complete summary:\n%s", more)
	}
	r := h.Bot.Timeline(ctx, "C1", "ceasefire dates:50 lines:5")
	n := len(matching(t, h, "ceasefire"))
	if r.Error || len(r.Items) != n || r.Next != nil || r.Footer != "All "+plural(n)+", oldest first." {
		t.Errorf("ceasefire dates:50 lines:5 (%d matches): %d items, Next %+v, footer %q", n, len(r.Items), r.Next, r.Footer)
	}
	// something left out: Show all
	r = h.Bot.Timeline(ctx, "C1", "ceasefire dates:2 lines:5")
	if r.Error || len(r.Items) >= n || r.Next == nil || r.Next.Query != "ceasefire dates:all" {
		t.Errorf("ceasefire dates:2 lines:5: %d items, Next %+v, footer %q", len(r.Items), r.Next, r.Footer)
	}
}

// A summary of more developments than Matching reads says how many it
// read, with a thousands separator.
func TestSummaryOfTooManyDevelopments(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 20,001 developments")
	}
	h := bottest.New(t)
	ctx := context.Background()
	g := storetest.NewSynth(7)
	for done := 0; done <= briefing.MaxMatching; done += 5000 {
		evs := make([]*briefing.Event, min(5000, briefing.MaxMatching+1-done))
		for i := range evs {
			evs[i] = g.Next()
		}
		text := "synthetic batch " + strconv.Itoa(done)
		err := h.Store.Ingest(ctx, &briefing.Ingestion{
			Article: &briefing.Article{Source: "synth", Via: "test", Published: bottest.Now, Text: text, Hash: briefing.ContentHash(text), IngestedAt: bottest.Now},
			New:     evs,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	r := h.Bot.Timeline(ctx, "C1", "since:2000")
	if r.Error || !strings.HasSuffix(r.Title, ", the dates that mattered most") {
		t.Fatalf("summary of %d developments: %+v", briefing.MaxMatching+1, r)
	}
	if !strings.Contains(r.Footer, "chosen from the first 20,000 developments;") {
		t.Errorf("footer %q", r.Footer)
	}
}

func plural(n int) string {
	if n == 1 {
		return "1 development"
	}
	return strconv.Itoa(n) + " developments"
}

// TestSummaryDateShownOnce: two lines of one date read as one date with
// two lines, not the date twice.
func TestSummaryDateShownOnce(t *testing.T) {
	h := bottest.New(t)
	h.Ingest("On Monday, Riverton council members voted to close the old bridge after engineers found cracks in its pillars. "+
		"Separately on Monday, Riverton's mayor Ana Ruiz announced a ferry service to replace the bridge for commuters.", "2024-03-06", "Riverton Times")
	for i, day := range []string{"2024-03-11", "2024-03-18", "2024-03-25"} {
		h.Ingest(fmt.Sprintf("Riverton engineers said on %s that repair crew number %d had started work on the river wall.", day, i+1), day, "Riverton Times")
	}
	h2 := bottest.NewWithPageSize(t, h, 2)
	out := h2.Send("/timeline riverton dates:4 lines:2")
	if !strings.Contains(out, "the dates that mattered most") {
		t.Fatalf("no summary:\n%s", out)
	}
	if n := strings.Count(out, "4 March 2024"); n != 1 {
		t.Errorf("4 March 2024 shown %d times, want once above its two lines:\n%s", n, out)
	}
	if !strings.Contains(out, "ferry") || !strings.Contains(out, "cracks") {
		t.Errorf("both lines of 4 March should be there:\n%s", out)
	}
}
