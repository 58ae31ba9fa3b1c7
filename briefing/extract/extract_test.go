package extract

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
)

func mustNew(t testing.TB) *Extractor {
	t.Helper()
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func extractText(t *testing.T, text, published string) []briefing.Candidate {
	t.Helper()
	pub, _ := time.Parse("2006-01-02", published)
	cs, err := mustNew(t).Extract(&briefing.Article{Text: text, Published: pub})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestActorsAndTopics(t *testing.T) {
	x := mustNew(t)
	tests := []struct {
		text   string
		actors string
		topics string
	}{
		{"U.S. President Donald Trump and Russian President Vladimir Putin spoke by phone.", "putin trump", "calls"},
		{"The Ukrainian leader urged the Kremlin to accept a truce.", "russia zelenskyy", "ceasefire"},
		{"Zelensky met Erdoğan in Ankara.", "erdogan turkey zelenskyy", "talks"},
		{"Delegates agreed to swap 1,000 prisoners of war.", "", "prisoners talks"},
		{"The weather was fine.", "", ""},
	}
	for _, tt := range tests {
		cs, err := x.Extract(&briefing.Article{Text: tt.text, Published: time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)})
		if err != nil || len(cs) != 1 {
			t.Fatalf("Extract(%q) = %v, %v", tt.text, cs, err)
		}
		if got := strings.Join(cs[0].Actors, " "); got != tt.actors {
			t.Errorf("actors of %q = %q, want %q", tt.text, got, tt.actors)
		}
		if got := strings.Join(cs[0].Topics, " "); got != tt.topics {
			t.Errorf("topics of %q = %q, want %q", tt.text, got, tt.topics)
		}
	}
}

func TestResolve(t *testing.T) {
	x := mustNew(t)
	for in, want := range map[string]string{"putin": "putin", "Zelensky": "zelenskyy", "the kremlin": "russia", "von_der_leyen": "von_der_leyen", "nobody": ""} {
		if got := x.ResolveActor(in); got != want {
			t.Errorf("ResolveActor(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"truce": "ceasefire", "cease-fire": "ceasefire", "POWs": "prisoners", "talks": "talks", "weather": ""} {
		if got := x.ResolveTopic(in); got != want {
			t.Errorf("ResolveTopic(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDatesFromContext(t *testing.T) {
	text := "In late April, Putin unilaterally declared a cease-fire from May 8 through May 10.\n" +
		"Zelenskyy called on Putin to extend that brief cease-fire window.\n" +
		"The weather in Kyiv was warm.\n" +
		"Separately, Poland announced new sanctions."
	cs := extractText(t, text, "2025-05-20")
	if len(cs) != 4 {
		t.Fatalf("got %d candidates", len(cs))
	}
	want := []struct {
		date   string
		origin briefing.DateOrigin
		dev    bool
	}{
		{"late April 2025", briefing.OriginExplicit, true},
		{"late April 2025", briefing.OriginContext, true},
		{"20 May 2025", briefing.OriginPublished, false},
		{"20 May 2025", briefing.OriginPublished, true},
	}
	for i, w := range want {
		c := cs[i]
		if c.Date.String() != w.date || c.Date.Origin != w.origin || c.Development != w.dev {
			t.Errorf("%q: date %s (%s) development %v, want %s (%s) %v", c.Sentence, c.Date, c.Date.Origin, c.Development, w.date, w.origin, w.dev)
		}
	}
}

func TestTwoDatedClauses(t *testing.T) {
	cs := extractText(t, "Trump’s May 19 calls with Putin and Zelenskyy came after Russian and Ukrainian representatives met in Istanbul on May 16.", "2025-05-20")
	if len(cs) != 2 {
		t.Fatalf("got %d candidates: %+v", len(cs), cs)
	}
	if cs[0].Date.String() != "19 May 2025" || cs[1].Date.String() != "16 May 2025" {
		t.Errorf("dates %s, %s; want 19 May 2025, 16 May 2025", cs[0].Date, cs[1].Date)
	}
	if cs[1].Summary != "Russian and Ukrainian representatives met in Istanbul on May 16." {
		t.Errorf("second clause summary = %q", cs[1].Summary)
	}
	text := "Trump’s May 19 calls with Putin and Zelenskyy came after Russian and Ukrainian representatives met in Istanbul on May 16."
	if text[cs[1].Offset:cs[1].Offset+len(cs[1].Sentence)] != cs[1].Sentence {
		t.Errorf("clause offset %d does not point at %q", cs[1].Offset, cs[1].Sentence)
	}
}

func TestQuotesAreContext(t *testing.T) {
	cs := extractText(t, "“Russia is ready to work on a memorandum,” Putin said after the call.\nPutin agreed to a memorandum on May 19.", "2025-05-20")
	if cs[0].Development || !cs[1].Development {
		t.Errorf("quote development=%v, report development=%v", cs[0].Development, cs[1].Development)
	}
}

func TestSummaryLimits(t *testing.T) {
	long := "Putin met Zelenskyy " + strings.Repeat("and talked at length ", 40) + "on May 16."
	cs := extractText(t, long, "2025-05-20")
	s := cs[0].Summary
	if utf8.RuneCountInString(s) > MaxSummaryRunes+1 || !strings.HasSuffix(s, "…") {
		t.Errorf("summary of a long sentence not cut: %d runes %q", utf8.RuneCountInString(s), s)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"In late April, Putin declared a cease-fire from May 8 through May 10.",
		"U.S. President Trump met Putin on Tuesday. “Yes,” he said...",
		"\xff\xfe", "May may march. March 5-7, 2025; after May 16 before June 2",
		strings.Repeat("a.", 1000),
		// lower-casing shrinks the Kelvin sign from three bytes to one
		strings.Repeat("\u212a", 100) + " (Reuters) - The rig exploded and sank on Tuesday.",
		"Swine flu reaches Europe The UN has warned of a pandemic The first cases of swine flu have been confirmed in Europe by officials.",
		"At 20:04 30th Apr 2009, someone wrote: the council closed the bridge on Monday",
		"NATO -- the alliance -- said on Monday it would send engineers.",
	} {
		f.Add(s)
	}
	x := mustNew(f)
	pub := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := x.Extract(&briefing.Article{Text: s, Published: pub})
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatal("invalid UTF-8 accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Offset < 0 || c.Offset+len(c.Sentence) > len(s) || s[c.Offset:c.Offset+len(c.Sentence)] != c.Sentence {
				t.Fatalf("candidate %q does not point into the text at %d", c.Sentence, c.Offset)
			}
			if c.Date.Lo > c.Date.Hi || c.Date.IsZero() {
				t.Fatalf("bad date %+v for %q", c.Date, c.Sentence)
			}
			if !utf8.ValidString(c.Summary) || c.Summary == "" {
				t.Fatalf("bad summary %q", c.Summary)
			}
		}
	})
}
