package main

import (
	"strings"
	"testing"

	"github.com/briefbot/briefbot/briefing"
)

// demoStore returns a directory whose store holds the demo timeline (17
// developments, 17 dates), loaded as a user's first run loads it.
func demoStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if r := briefbot(t, dir, "/help\n"); r.code != 0 {
		t.Fatalf("first run: exit %d: %v %s", r.code, r.err, r.errOut)
	}
	return dir
}

// footer is an answer's last line.
func footer(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// dates:N and lines:K ask the command line for a summary, as they ask
// the chat; a summary is one page.
func TestTimelineSummaryOptionsInTheQuery(t *testing.T) {
	dir := demoStore(t)

	out := mustRun(t, dir, "timeline", "since:2025-01 dates:3")
	if !strings.HasPrefix(out, "Timeline: since:2025-01 dates:3, the dates that mattered most\n") {
		t.Fatalf("dates:3 without --summary:\n%s", out)
	}
	// every line has its sources under it; a date's further lines have no
	// date column, so count the sources
	if dates, _ := timelineDates(out); len(dates) != 3 || strings.Count(out, "Source:") > 3*2 {
		t.Errorf("dates:3 shows %d dates and %d lines:\n%s", len(dates), strings.Count(out, "Source:"), out)
	}
	want := "3 of 17 dates, chosen from 17 developments; oldest first. briefbot timeline since:2025-01 lists every development."
	if got := footer(out); got != want {
		t.Errorf("footer\n%q\nwant\n%q", got, want)
	}
	if got := mustRun(t, dir, "timeline", "since:2025-01", "--summary", "--dates", "3"); stripTitle(got) != stripTitle(out) {
		t.Errorf("--summary --dates 3 differs from dates:3:\n%s", got)
	}
	// the flags shape a summary the query asked for, and no list
	if got := mustRun(t, dir, "timeline", "since:2025-01 dates:3", "--dates", "2"); !strings.HasPrefix(footer(got), "2 of 17 dates") {
		t.Errorf("dates:3 --dates 2:\n%s", got)
	}
	if r := briefbot(t, dir, "", "timeline", "since:2025-01", "--dates", "2"); r.code != 2 || !strings.Contains(r.errOut, "add --summary") {
		t.Errorf("--dates without a summary: exit %d\n%s", r.code, r.errOut)
	}
	out = mustRun(t, dir, "timeline", "since:2025-01", "lines:1")
	if !strings.Contains(out, "the dates that mattered most") || strings.Contains(out, "--page") {
		t.Errorf("lines:1 without --summary:\n%s", out)
	}

	// the command the footer names lists every development, paged
	list := mustRun(t, dir, "timeline", "since:2025-01")
	if strings.Contains(list, "mattered most") || footer(list) != "Showing 1-10, oldest first. --page 2 for the next 10." {
		t.Errorf("briefbot timeline since:2025-01:\n%s", list)
	}
	rest := mustRun(t, dir, "timeline", "since:2025-01", "--page", "2")
	if d, _ := timelineDates(rest); len(d) != 7 || footer(rest) != "Showing 11-17, the end of the timeline." {
		t.Errorf("--page 2 of the list:\n%s", rest)
	}
	// dates:all is the list too, whatever lines: says
	for _, q := range []string{"since:2025-01 dates:all", "since:2025-01 dates:all lines:2"} {
		if got := mustRun(t, dir, "timeline", q); stripTitle(got) != stripTitle(list) {
			t.Errorf("timeline %q is not the list:\n%s", q, got)
		}
	}

	// a summary has no second page
	for _, args := range [][]string{
		{"timeline", "since:2025-01 dates:3", "--page", "2"},
		{"timeline", "since:2025-01", "lines:2", "--page", "3"},
		{"timeline", "since:2025-01", "--summary", "--page", "2"},
	} {
		r := briefbot(t, dir, "", args...)
		if r.code != 2 || r.out != "" {
			t.Errorf("%q: exit %d, output %q; want a usage error", args, r.code, r.out)
		}
		for _, w := range []string{"a summary is one page", "briefbot timeline since:2025-01 --page ", "no --summary", "dates:all"} {
			if !strings.Contains(r.errOut, w) {
				t.Errorf("%q: the error lacks %q:\n%s", args, w, r.errOut)
			}
		}
	}
}

// The footer of a summary names a command that works, quotes and all.
func TestTimelineSummaryFooterQuotesTheQuery(t *testing.T) {
	dir := demoStore(t)
	out := mustRun(t, dir, "timeline", `"cease-fire" lines: "1" dates:2`)
	want := `briefbot timeline '"cease-fire"' lists every development.`
	if got := footer(out); !strings.HasSuffix(got, want) {
		t.Fatalf("footer %q, want it to end %q", got, want)
	}
	list := mustRun(t, dir, "timeline", `"cease-fire"`)
	if d, _ := timelineDates(list); len(d) < 4 || strings.Contains(list, "mattered most") {
		t.Errorf(`briefbot timeline '"cease-fire"':%s`, list)
	}
}

// A query too long to take dates:all in chat is summarised without a
// /more, which the command line does not have: the footer names the
// command that lists.
func TestTimelineSummaryOfALongQuery(t *testing.T) {
	dir := demoStore(t)
	q := strings.TrimSpace(strings.Repeat("since:2025-01 ", (briefing.MaxQueryLen-5)/len("since:2025-01 ")))
	out := mustRun(t, dir, "timeline", q, "--summary")
	got := footer(out)
	if strings.Contains(got, "/more") || strings.Contains(got, "dates:all") || !strings.HasSuffix(got, "briefbot timeline '"+q+"' lists every development.") {
		t.Errorf("footer of a %d-byte query: %q", len(q), got)
	}
	// a quote next to a word is written apart in the list's query, which
	// then is longer than the limit: the footer can only describe it
	long := strings.Repeat(`since:2025-01"ceasefire"`, briefing.MaxQueryLen/len(`since:2025-01"ceasefire"`))
	out = mustRun(t, dir, "timeline", long, "--summary", "--dates", "2")
	want := "briefbot timeline QUERY without --summary, dates: or lines: lists every development."
	if got := footer(out); !strings.Contains(out, "mattered most") || !strings.HasSuffix(got, want) {
		t.Errorf("a %d-byte query answered:\n%s\nwant the footer to end %q", len(long), out, want)
	}
}
