package brief

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in        string
		query     string
		spec      string
		quiet     bool
		wantError string
	}{
		{in: "ceasefire at 07:30 tz Europe/Kyiv weekdays", query: "ceasefire", spec: "CRON_TZ=Europe/Kyiv 30 7 * * 1-5"},
		{in: "at 07:30", query: "", spec: "CRON_TZ=Europe/Kyiv 30 7 * * *"},
		{in: "topic:prisoners actor:putin at 7:30am weekends quiet", query: "topic:prisoners actor:putin", spec: "CRON_TZ=Europe/Kyiv 30 7 * * 0,6", quiet: true},
		{in: `ceasefire cron "30 7 * * 1-5" tz UTC`, query: "ceasefire", spec: "CRON_TZ=UTC 30 7 * * 1-5"},
		{in: "ceasefire CRON_TZ=America/New_York 0 18 * * *", query: "ceasefire", spec: "CRON_TZ=America/New_York 0 18 * * *"},
		// "at" inside the query: the first "at" does not start a schedule
		// that parses, so the query keeps it.
		{in: "talks at istanbul at 08:00 daily", query: "talks at istanbul", spec: "CRON_TZ=Europe/Kyiv 0 8 * * *"},
		{in: `"prisoner exchange" daily at noon`, query: `"prisoner exchange"`, spec: "CRON_TZ=Europe/Kyiv 0 12 * * *"},
		{in: "quiet diplomacy at 07:30", query: "quiet diplomacy", spec: "CRON_TZ=Europe/Kyiv 30 7 * * *"},
		{in: "ceasefire 30 7 * * 1-5", query: "ceasefire", spec: "CRON_TZ=Europe/Kyiv 30 7 * * 1-5"},
		{in: "1,000 prisoners at 07:30 silent", query: "1,000 prisoners", spec: "CRON_TZ=Europe/Kyiv 30 7 * * *", quiet: true},
		{in: "ceasefire", wantError: "say when"},
		{in: "", wantError: "say when"},
		{in: "ceasefire at 25:00", wantError: "25:00"},
		{in: "ceasefire at 07:30 tz Mars/Olympus", wantError: "Mars/Olympus"},
		{in: "ceasefire cron \"* * * * *\"", wantError: "more than once an hour"},
		{in: "ceasefire at 07:30 \xff", wantError: "UTF-8"},
		{in: strings.Repeat("x ", 1000) + "at 07:30", wantError: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			sp, err := ParseSpec(tt.in, kyiv)
			if tt.wantError != "" {
				if err == nil || !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("ParseSpec(%q) = %+v, %v; want a usage error containing %q", tt.in, sp, err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSpec(%q): %v", tt.in, err)
			}
			if sp.Query != tt.query || sp.Schedule.String() != tt.spec || sp.Quiet != tt.quiet {
				t.Errorf("ParseSpec(%q) = query %q, schedule %q, quiet %v; want %q, %q, %v", tt.in, sp.Query, sp.Schedule, sp.Quiet, tt.query, tt.spec, tt.quiet)
			}
		})
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"ceasefire at 07:30 tz Europe/Kyiv weekdays", `x cron "30 7 * * 1-5"`, "at noon quiet", "CRON_TZ=UTC", "@daily", "7am"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpec(s, time.UTC)
		if err != nil {
			if !errors.Is(err, ErrUsage) {
				t.Fatalf("ParseSpec(%q) error %v is not a usage error", s, err)
			}
			return
		}
		if sp.Schedule.IsZero() {
			t.Fatalf("ParseSpec(%q) succeeded with no schedule", s)
		}
		// The query is the input's leading words, blanks folded to one
		// space.
		if !strings.HasPrefix(strings.Join(strings.Fields(s), " "), sp.Query) {
			t.Fatalf("ParseSpec(%q) query %q is not the input's leading words", s, sp.Query)
		}
	})
}
