package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// seedPath is the project's seed article, kept outside the repository.
const seedPath = "../../../shared/corpus/seed/peace-talks-2025-05.txt"

func needSeed(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(seedPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("seed corpus missing in CI: %v", err)
		}
		t.Skipf("seed corpus not found at %s; skipping", seedPath)
	}
	return seedPath
}

type result struct {
	out, errOut string
	err         error
	code        int
}

// briefbot runs the command as a user would, against a store in dir.
func briefbot(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := func(k string) string {
		if k == "BRIEFBOT_STORE" {
			return filepath.Join(dir, "briefbot.db")
		}
		return ""
	}
	err := run(context.Background(), args, env, strings.NewReader(stdin), &out, &errOut)
	code := exitCode(err, &errOut)
	return result{out: out.String(), errOut: errOut.String(), err: err, code: code}
}

func mustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := briefbot(t, dir, "", args...)
	if r.code != 0 {
		t.Fatalf("briefbot %s: exit %d: %v\n%s%s", strings.Join(args, " "), r.code, r.err, r.out, r.errOut)
	}
	return r.out
}

var dateLine = regexp.MustCompile(`(?m)^  (\S.*?)  +(\S.*)$`)

// timelineDates returns the date column and summaries of a timeline answer.
func timelineDates(out string) (dates, summaries []string) {
	for _, m := range dateLine.FindAllStringSubmatch(out, -1) {
		if strings.HasPrefix(strings.TrimSpace(m[1]), "Source:") {
			continue
		}
		dates = append(dates, strings.TrimSpace(m[1]))
		summaries = append(summaries, m[2])
	}
	return dates, summaries
}

func TestSeedTimeline(t *testing.T) {
	seed := needSeed(t)
	dir := t.TempDir()
	out := mustRun(t, dir, "ingest", seed, "--published", "2025-05-20")
	if !strings.Contains(out, "new developments") {
		t.Fatalf("ingest report lacks a count of new developments:\n%s", out)
	}

	ceasefire := mustRun(t, dir, "timeline", "ceasefire")
	dates, sums := timelineDates(ceasefire)
	want := []string{"March 2025", "March 2025", "late April 2025", "late April 2025"}
	if strings.Join(dates, "|") != strings.Join(want, "|") {
		t.Fatalf("timeline ceasefire dates = %q, want %q\n%s", dates, want, ceasefire)
	}
	for i, frag := range []string{"30-day cease-fire", "interest in the pause", "declared a cease-fire from May 8 through May 10", "extend that brief cease-fire"} {
		if !strings.Contains(sums[i], frag) {
			t.Errorf("line %d = %q, want it to mention %q", i+1, sums[i], frag)
		}
	}
	if !strings.Contains(ceasefire, "Source: peace-talks-2025-05") {
		t.Errorf("timeline does not cite its source:\n%s", ceasefire)
	}
	for _, q := range []string{"cease-fire", "truce", "Ceasefire", "topic:ceasefire"} {
		if got := mustRun(t, dir, "timeline", q); stripTitle(got) != stripTitle(ceasefire) {
			t.Errorf("timeline %q differs from timeline ceasefire:\n%s", q, got)
		}
	}

	prisoners := mustRun(t, dir, "timeline", "prisoners")
	dates, sums = timelineDates(prisoners)
	if len(dates) != 1 || dates[0] != "16 May 2025" || !strings.Contains(sums[0], "1,000 prisoners of war") {
		t.Errorf("timeline prisoners = %q %q, want the 16 May 2025 agreement to release 1,000 prisoners", dates, sums)
	}
	if got := mustRun(t, dir, "timeline", "POWs"); stripTitle(got) != stripTitle(prisoners) {
		t.Errorf("timeline POWs differs from timeline prisoners:\n%s", got)
	}

	istanbul := mustRun(t, dir, "timeline", "istanbul")
	dates, sums = timelineDates(istanbul)
	if len(dates) == 0 || dates[0] != "16 May 2025" || !strings.Contains(sums[0], "met in Istanbul") {
		t.Errorf("timeline istanbul starts with %q %q, want the 16 May 2025 talks\n%s", dates, sums, istanbul)
	}

	putin := mustRun(t, dir, "timeline", "actor:putin", "since:2025-05")
	dates, _ = timelineDates(putin)
	if len(dates) == 0 {
		t.Fatalf("timeline actor:putin since:2025-05 is empty")
	}
	for _, d := range dates {
		if !strings.HasSuffix(d, "May 2025") {
			t.Errorf("actor:putin since:2025-05 lists %q, outside May 2025", d)
		}
	}

	// re-ingesting the same article changes nothing
	again := mustRun(t, dir, "ingest", seed, "--published", "2025-05-20")
	if !strings.Contains(again, "nothing changed") {
		t.Errorf("second ingest did not report a duplicate:\n%s", again)
	}
	if got := mustRun(t, dir, "timeline", "ceasefire"); got != ceasefire {
		t.Errorf("timeline changed after re-ingesting:\n%s", got)
	}
}

func stripTitle(s string) string {
	_, rest, _ := strings.Cut(s, "\n")
	return rest
}

func TestUnseenArticleDates(t *testing.T) {
	dir := t.TempDir()
	// published on Thursday 2025-06-05
	mustRun(t, dir, "ingest", "testdata/grain-talks.txt", "--published", "2025-06-05", "--source", "Wire")
	out := mustRun(t, dir, "timeline", "geneva")
	dates, _ := timelineDates(out)
	if len(dates) == 0 || dates[0] != "3 June 2025" {
		t.Errorf("met in Geneva on Tuesday (article of Thu 5 June) = %q, want 3 June 2025\n%s", dates, out)
	}
	out = mustRun(t, dir, "timeline", "truce")
	dates, sums := timelineDates(out)
	got := strings.Join(dates, "|")
	if got != "week of 26 May 2025|4 June 2025" {
		t.Errorf("truce timeline dates = %q (%q), want last week then yesterday", got, sums)
	}
	if strings.Contains(out, "fair peace") {
		t.Errorf("a bare quote became a development:\n%s", out)
	}
}

func TestConsoleAnswersWithoutConfiguration(t *testing.T) {
	dir := t.TempDir()
	r := briefbot(t, dir, "/timeline ceasefire\n")
	if r.code != 0 {
		t.Fatalf("exit %d: %v %s", r.code, r.err, r.errOut)
	}
	if !strings.Contains(r.out, "Timeline: ceasefire") || !strings.Contains(r.out, "8-10 May 2025") && !strings.Contains(r.out, "28 April 2025") {
		t.Fatalf("demo timeline missing from the console answer:\n%s", r.out)
	}
	dates, _ := timelineDates(r.out)
	if len(dates) < 4 {
		t.Errorf("demo ceasefire timeline has %d lines, want at least 4:\n%s", len(dates), r.out)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mustRun(t, dir, "ingest", "testdata/grain-talks.txt", "--published", "2025-06-05")
	before := mustRun(t, dir, "timeline", "since:2000")
	sourcesBefore := mustRun(t, dir, "sources")

	big := bytes.Repeat([]byte("Putin met Zelenskyy in Istanbul on May 16. "), 20<<20/44+1)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"empty file", []string{"ingest", write("empty.txt", nil), "--published", "2025-05-20"}, 1, "no text"},
		{"invalid UTF-8", []string{"ingest", write("bad.txt", []byte("Putin met \xff\xfe Zelenskyy on May 16.")), "--published", "2025-05-20"}, 1, "not valid UTF-8"},
		{"20 MB", []string{"ingest", write("big.txt", big), "--published", "2025-05-20"}, 1, "limit"},
		{"bad --published", []string{"ingest", "testdata/grain-talks.txt", "--published", "20 May"}, 2, "invalid publication date"},
		{"missing --published", []string{"ingest", "testdata/grain-talks.txt"}, 2, "--published"},
		{"unknown flag", []string{"ingest", "testdata/grain-talks.txt", "--published", "2025-05-20", "--colour"}, 2, "colour"},
		{"missing file", []string{"ingest", filepath.Join(dir, "nope.txt"), "--published", "2025-05-20"}, 1, "no such file"},
		{"stop words only", []string{"timeline", "the", "of", "and"}, 1, "only common words"},
		{"operators only", []string{"timeline", "since:", "actor:"}, 1, "needs a value"},
		{"bad since", []string{"timeline", "ceasefire", "since:yesterday"}, 1, "want a date"},
		{"unknown actor", []string{"timeline", "actor:nobody_at_all"}, 1, "No actor called \"nobody_at_all\""},
		{"latest out of range", []string{"latest", "0"}, 2, "from 1 to 100"},
		{"page out of range", []string{"timeline", "ceasefire", "--page", "1000000000000000000"}, 2, "--page must be"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := briefbot(t, dir, "", tt.args...)
			if got := mustRun(t, dir, "sources"); got != sourcesBefore {
				t.Errorf("the store changed:\nbefore: %s\nafter: %s", sourcesBefore, got)
			}
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d (%v)", r.code, tt.wantCode, r.err)
			}
			if !strings.Contains(r.errOut+r.out, tt.wantErr) {
				t.Errorf("output lacks %q:\n%s%s", tt.wantErr, r.out, r.errOut)
			}
		})
	}
	t.Run("HTML is reduced to text", func(t *testing.T) {
		html := "<!doctype html><html><head><script>alert(1)</script></head><body><p>On May 16, Russian and Ukrainian delegates met in Istanbul &amp; agreed to swap prisoners.</p></body></html>"
		out := mustRun(t, dir, "ingest", write("page.html", []byte(html)), "--published", "2025-05-20")
		if !strings.Contains(out, "looked like HTML") || strings.Contains(out, "alert") {
			t.Errorf("HTML ingest:\n%s", out)
		}
	})
	t.Run("no dates takes the publication date", func(t *testing.T) {
		out := mustRun(t, dir, "ingest", write("nodate.txt", []byte("Zelenskyy signed a decree imposing sanctions on Russian banks.")), "--published", "2025-05-20")
		dates, sums := timelineDates(out)
		if len(dates) != 1 || dates[0] != "20 May 2025" || !strings.Contains(sums[0], "signed a decree") ||
			!strings.Contains(out, "date from published") || !strings.Contains(out, "took the publication date") {
			t.Errorf("undated article: dates %q\n%s", dates, out)
		}
	})
	after := mustRun(t, dir, "timeline", "since:2000")
	_, kept := timelineDates(after)
	_, had := timelineDates(before)
	if len(had) == 0 {
		t.Fatal("nothing was ingested before the bad input")
	}
	for _, s := range had {
		if !strings.Contains(strings.Join(kept, "\n"), s) {
			t.Errorf("development %q lost after bad input", s)
		}
	}
}

func TestDiscordInviteURL(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, dir, "discord", "invite-url", "--app-id", "1234567890123456789")
	want := "https://discord.com/oauth2/authorize?client_id=1234567890123456789"
	if !strings.HasPrefix(out, want) || !strings.Contains(out, "applications.commands") || !strings.Contains(out, "permissions=274877991936") {
		t.Errorf("invite-url printed %q", out)
	}
	for _, args := range [][]string{{"discord"}, {"discord", "invite-url"}, {"discord", "invite-url", "--app-id", "abc"}, {"discord", "nope"}} {
		if r := briefbot(t, dir, "", args...); r.code != 2 {
			t.Errorf("briefbot %v: exit %d, want 2 (%v)", args, r.code, r.err)
		}
	}
}
