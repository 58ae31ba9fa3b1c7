package bot

import (
	"strings"
	"testing"
	"time"
)

func TestParsePublished(t *testing.T) {
	kyiv := time.FixedZone("EEST", 3*3600)
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{"2025-05-20", "2025-05-20T00:00:00+03:00", false},
		{"2025-05-20T14:30:00Z", "2025-05-20T14:30:00Z", false},
		{"2025-05-20 14:30", "2025-05-20T14:30:00+03:00", false},
		{" 2025-05-20 ", "2025-05-20T00:00:00+03:00", false},
		{"20 May", "", true},
		{"2025-02-30", "", true},
		{"0001-01-01", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := ParsePublished(tt.in, kyiv)
		if (err != nil) != tt.err {
			t.Errorf("ParsePublished(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && got.Format(time.RFC3339) != tt.want {
			t.Errorf("ParsePublished(%q) = %s, want %s", tt.in, got.Format(time.RFC3339), tt.want)
		}
	}
}

func TestParseIngestArgs(t *testing.T) {
	now := time.Date(2025, 5, 21, 9, 0, 0, 0, time.UTC)
	in, err := ParseIngestArgs("--published 2025-05-20 --source Wire --title \"Talks in Istanbul\" --url=https://example.com/a\nOn May 16, delegates met.", now, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if in.Source != "Wire" || in.Title != "Talks in Istanbul" || in.URL != "https://example.com/a" || in.Published.Day() != 20 {
		t.Errorf("options parsed as %+v", in)
	}
	if in.Text != "On May 16, delegates met." {
		t.Errorf("text = %q", in.Text)
	}
	in, err = ParseIngestArgs("Plain text with no options.", now, time.UTC)
	if err != nil || !in.Published.Equal(now) || in.Text != "Plain text with no options." {
		t.Errorf("no options: %+v %v", in, err)
	}
	for args, want := range map[string]string{
		"--published":                "needs a value",
		"--colour red text":          "unknown option --colour",
		"--url ftp://x text":         "http:// or https://",
		"--published yesterday text": "invalid publication date",
	} {
		if _, err := ParseIngestArgs(args, now, time.UTC); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseIngestArgs(%q) error = %v, want %q", args, err, want)
		}
	}
}

func TestIndexWords(t *testing.T) {
	words := strings.Fields("ceasefire this weekend, prisoners this week")
	if got := indexWords(words, []string{"this", "week"}); got != 4 {
		t.Errorf("indexWords found %q at %d, want 4 (not inside \"weekend\")", "this week", got)
	}
	if got := indexWords(words, []string{"today"}); got != -1 {
		t.Errorf("indexWords found today at %d", got)
	}
}
