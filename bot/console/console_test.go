package console

import (
	"strings"
	"testing"

	"github.com/briefbot/briefbot/bot"
)

func TestRender(t *testing.T) {
	r := bot.Reply{
		Title: "Timeline: ceasefire",
		Items: []bot.Item{
			{Date: "March 2025", Summary: "Ukraine backed a 30-day cease-fire.", Sources: []bot.Link{{Name: "Wire", URL: "https://example.com/a"}}},
			{Date: "late April 2025", Summary: "Putin declared a truce\x1b[2J\r\nfor May 8-10.", Sources: []bot.Link{{Name: "Desk"}}},
		},
		Footer: "2 developments, oldest first.",
	}
	want := "Timeline: ceasefire\n" +
		"  March 2025       Ukraine backed a 30-day cease-fire.\n" +
		"                   Source: Wire <https://example.com/a>\n" +
		"  late April 2025  Putin declared a truce[2J  for May 8-10.\n" +
		"                   Source: Desk\n" +
		"2 developments, oldest first.\n"
	if got := Render(r); got != want {
		t.Errorf("Render:\n%s\nwant:\n%s", got, want)
	}
	if got := Render(bot.Reply{Error: true, Text: "Bad query.\nTry again."}); got != "Error: Bad query.\nTry again.\n" {
		t.Errorf("error render = %q", got)
	}
}

func TestIsIngestHeader(t *testing.T) {
	for line, want := range map[string]bool{
		"/ingest":                        true,
		"/ingest --published 2025-05-20": true,
		"/ingest --published 2025-05-20 --title \"Two words\"": true,
		"/ingest On May 16, delegates met.":                    false,
		"/ingest --published 2025-05-20 On May 16 they met.":   false,
		"/timeline ceasefire":                                  false,
	} {
		if got := isIngestHeader(line); got != want {
			t.Errorf("isIngestHeader(%q) = %v, want %v", line, got, want)
		}
	}
	if strings.Contains(Render(bot.Reply{Text: "a\x00b"}), "\x00") {
		t.Error("NUL reached the terminal")
	}
}
