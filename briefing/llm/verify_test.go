package llm

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

func day(y int, m time.Month, d int) briefing.Day { return briefing.Date(y, m, d) }

// fixtureEvents is a small story written for these tests: a prisoner
// exchange agreed at talks, a phone call, the first day of the exchange and
// a power cut.
func fixtureEvents() []*briefing.Event {
	return []*briefing.Event{
		{
			ID:      1,
			Date:    briefing.DayDate(day(2025, time.May, 16)),
			Summary: "Russia and Ukraine agreed in Istanbul to exchange 1,000 prisoners of war each.",
			Actors:  []string{"russia", "ukraine"},
			Topics:  []string{"prisoners", "talks"},
			Citations: []briefing.Citation{
				{Source: "AP", Title: "Russia and Ukraine agree on prisoner exchange after Istanbul talks",
					Sentence: "Delegations from Russia and Ukraine met in Istanbul on Friday and agreed to swap 1,000 prisoners each, Ukraine's defence minister Rustem Umerov said."},
				{Source: "Reuters", Sentence: "The talks in Istanbul lasted less than two hours."},
			},
		},
		{
			ID:        2,
			Date:      briefing.DayDate(day(2025, time.May, 19)),
			Summary:   "Trump spoke with Putin by phone for more than two hours about a ceasefire.",
			Actors:    []string{"putin", "trump"},
			Topics:    []string{"ceasefire"},
			Citations: []briefing.Citation{{Source: "BBC", Sentence: "Donald Trump said his call with Vladimir Putin went very well."}},
		},
		{
			ID:        3,
			Date:      briefing.RangeDate(day(2025, time.May, 23), day(2025, time.May, 25)),
			Summary:   "Russia and Ukraine exchanged 390 prisoners each on the first day of the swap.",
			Actors:    []string{"russia", "ukraine"},
			Topics:    []string{"prisoners"},
			Citations: []briefing.Citation{{Source: "AP"}, {Source: "Kyiv Independent"}},
		},
		{
			ID:        4,
			Date:      briefing.MonthDate(2025, time.April, briefing.ModEnd),
			Summary:   "About 1.5 million homes lost power after strikes on energy plants in the Kharkiv region.",
			Actors:    []string{"ukraine", "north_korea"},
			Citations: []briefing.Citation{{Source: "ukrinform.net"}},
		},
	}
}

func TestVerifySupported(t *testing.T) {
	evs := fixtureEvents()
	for _, s := range []string{
		"Russia and Ukraine agreed to exchange 1,000 prisoners each on 16 May.",
		"Russia and Ukraine agreed to exchange 1000 prisoners each on May 16, 2025.",
		"The deal came after talks in Istanbul that lasted less than two hours.",
		"Donald Trump spoke with Vladimir Putin for more than two hours on May 19.",
		"Ukraine's defence minister Rustem Umerov announced the deal on Friday.",
		"Umerov said the swap would free a thousand prisoners.",
		"The exchange began on 23 May 2025 with 390 prisoners from each side.",
		"The swap ran from 23 to 25 May.",
		"The swap ran from 23-25 May 2025, reported by two sources.",
		"On Monday, 19 May, Trump called Putin.",
		"The exchange was agreed in May 2025, the 16th.",
		"Late in April, 1,500,000 homes in the Kharkiv region lost power.",
		"Strikes left 1.5 million homes without power in late April 2025.",
		"North Korea was named in one report.",
		"The talks were held on 2025-05-16.",
		`Umerov said: "We agreed."`,
		"Talks resumed.",
		"Four developments were reported.",
		"Mr. Putin's call with Trump lasted two hours.",
		"Dr. Umerov led the delegation in Istanbul.",
		"The AP and Reuters reported the talks.",
	} {
		if err := Verify([]string{s}, evs); err != nil {
			t.Errorf("Verify(%q) = %v, want nil", s, err)
		}
	}
}

func TestVerifyUnsupported(t *testing.T) {
	evs := fixtureEvents()
	for _, tc := range []struct {
		name, sentence, kind, token string
	}{
		{"invented number", "Russia and Ukraine agreed to exchange 1,200 prisoners each.", "number", "1,200"},
		{"invented spelled number", "The talks lasted twelve hours.", "number", "twelve"},
		{"spelled compound", "Twenty-five prisoners were freed.", "number", "Twenty-five"},
		{"scaled number", "The deal covers 1 million prisoners.", "number", "1 million"},
		{"wrong scale", "About 1.5 billion homes lost power.", "number", "1.5 billion"},
		{"digits for words", "The talks lasted 3 hours.", "number", "3"},
		{"invented name", "Talks in Istanbul were hosted by Recep Tayyip Erdogan.", "name", "Recep Tayyip Erdogan"},
		{"name after an opening word", "President Erdogan hosted the talks.", "name", "Erdogan"},
		{"possessive name", "The talks took place at Erdogan's palace.", "name", "Erdogan's"},
		{"initialism", "The U.S. brokered the deal.", "name", "U.S."},
		{"invented place", "The exchange took place at the Belarus border.", "name", "Belarus"},
		{"invented date", "The sides agreed on 18 May to exchange prisoners.", "date", "18 May"},
		{"month first", "Trump called Putin on May 20.", "date", "May 20"},
		{"wrong year", "The exchange began on 23 May 2024.", "date", "23 May 2024"},
		{"range end", "The swap ran from 23 to 27 May.", "date", "23 to 27 May"},
		{"invented weekday", "On Wednesday, the two sides met.", "date", "Wednesday"},
		{"invented year", "The swap is the largest since 2022.", "date", "2022"},
		{"invented month", "The talks were held in June.", "date", "June"},
		{"month and year", "The talks were held in May 2024.", "date", "May 2024"},
		{"iso date", "The talks were held on 2025-05-17.", "date", "2025-05-17"},
		{"ordinal day", "Trump called on the 21st.", "date", "21st"},
		{"month date is not a day", "Power went out on 27 April.", "date", "27 April"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify([]string{"Talks resumed.", tc.sentence}, evs)
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Verify(%q) = %v, want ErrUnsupported", tc.sentence, err)
			}
			var ue *UnsupportedError
			if !errors.As(err, &ue) {
				t.Fatalf("error %T is not an *UnsupportedError", err)
			}
			if ue.Sentence != 2 || ue.Kind != tc.kind || ue.Token != tc.token {
				t.Errorf("got sentence %d, %s %q; want sentence 2, %s %q", ue.Sentence, ue.Kind, ue.Token, tc.kind, tc.token)
			}
			if !strings.Contains(err.Error(), tc.token) || !strings.Contains(err.Error(), "sentence 2") {
				t.Errorf("error %q does not name the sentence and %q", err, tc.token)
			}
		})
	}
}

func TestVerifyUpdateEarlierEvent(t *testing.T) {
	evs := fixtureEvents()
	s := []string{"The first 390 of the 1,000 prisoners agreed in Istanbul were exchanged on 23 May."}
	if err := Verify(s, evs[2:3]); err == nil {
		t.Fatal("the agreed figure is not in the later event alone; want an error")
	}
	if err := Verify(s, []*briefing.Event{evs[2], evs[0]}); err != nil {
		t.Fatalf("with the earlier event: %v", err)
	}
}

func TestVerifyEdges(t *testing.T) {
	if err := Verify(nil, nil); err != nil {
		t.Errorf("no sentences: %v", err)
	}
	if err := Verify([]string{"Talks resumed quietly."}, nil); err != nil {
		t.Errorf("nothing to check: %v", err)
	}
	if err := Verify([]string{"Talks resumed in Geneva."}, nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("no events, a name: %v, want ErrUnsupported", err)
	}
	if err := Verify([]string{"Putin spoke."}, []*briefing.Event{nil}); err != nil {
		t.Errorf("an opening word alone is not checked: %v", err)
	}
	// Actor IDs and source names support names.
	ev := &briefing.Event{Summary: "A call took place.", Actors: []string{"zelenskyy"}, Citations: []briefing.Citation{{Source: "Kyiv Independent"}}}
	if err := Verify([]string{"The call with Zelenskyy was reported by the Kyiv Independent."}, []*briefing.Event{ev}); err != nil {
		t.Errorf("actor ID and source: %v", err)
	}
}

func TestSplitSentences(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"two", "Talks resumed. Prisoners were exchanged.", []string{"Talks resumed.", "Prisoners were exchanged."}},
		{"initialism", "U.S. officials welcomed the deal. Talks resume on Monday.", []string{"U.S. officials welcomed the deal.", "Talks resume on Monday."}},
		{"title", "Dr. Smith spoke. The talks ended.", []string{"Dr. Smith spoke.", "The talks ended."}},
		{"initials", "J. D. Vance spoke. Talks resumed.", []string{"J. D. Vance spoke.", "Talks resumed."}},
		{"decimal", "Prices rose 1.5 percent. Wages fell 0.2 percent.", []string{"Prices rose 1.5 percent.", "Wages fell 0.2 percent."}},
		{"month abbreviation", "Talks began on Sept. 16 in Geneva.", []string{"Talks began on Sept. 16 in Geneva."}},
		{"lower case after a dot", "About 5 km. from the border, shelling continued.", []string{"About 5 km. from the border, shelling continued."}},
		{"question and exclamation", "Really? Yes! It happened.", []string{"Really?", "Yes!", "It happened."}},
		{"quote", `He said "we agreed." Then he left.`, []string{`He said "we agreed."`, "Then he left."}},
		{"bullets", "- Talks resumed\n- Prisoners were freed", []string{"Talks resumed", "Prisoners were freed"}},
		{"numbered", "1. Talks resumed.\n2) Prisoners were freed.", []string{"Talks resumed.", "Prisoners were freed."}},
		{"year opening a line", "2025 began with talks.", []string{"2025 began with talks."}},
		{"emphasis", "**Russia** and *Ukraine* agreed to `talk`.", []string{"Russia and Ukraine agreed to talk."}},
		{"wrapped line", "Talks\nresumed in Istanbul.", []string{"Talks resumed in Istanbul."}},
		{"heading dropped", "## Summary\n\nTalks resumed.", []string{"Talks resumed."}},
		{"paragraphs", "Talks resumed\n\nPrisoners were freed", []string{"Talks resumed", "Prisoners were freed"}},
		{"crlf", "Talks resumed.\r\nPrisoners were freed.", []string{"Talks resumed.", "Prisoners were freed."}},
		{"ellipsis", "Talks stalled... Then they resumed.", []string{"Talks stalled...", "Then they resumed."}},
		{"empty", "", nil},
		{"blank", "  \n\n\t ", nil},
		{"punctuation only", "... -- !", nil},
		{"invalid UTF-8", "Talks\xff resumed.", []string{"Talks resumed."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := splitSentences(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("splitSentences(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitSummary(t *testing.T) {
	long := "Talks " + strings.Repeat("went on and ", 40) + "ended."
	for _, tc := range []struct {
		name, in string
		want     []string
		wantErr  string
	}{
		{"ok", "Talks resumed. Prisoners were freed.", []string{"Talks resumed.", "Prisoners were freed."}, ""},
		{"thinking removed", "<think>The user wants two sentences.</think>\nTalks resumed.", []string{"Talks resumed."}, ""},
		{"only thinking", "<think>Hmm", nil, "no sentences"},
		{"too many", "One. Two. Three. Four.", nil, "4 sentences; at most 2"},
		{"everyone", "Talks resumed. @everyone read this.", nil, `mentions "@everyone"`},
		{"here", "Talks resumed @here.", nil, "mentions"},
		{"slack user", "Ask <@U0123> about it.", nil, "mentions"},
		{"slack channel", "Talks resumed <!channel>.", nil, "mentions"},
		{"discord role", "Talks resumed <@&123>.", nil, "mentions"},
		{"link", "Read more at https://example.org/story.", nil, "link"},
		{"markdown link", "Read [the story](/story).", nil, "link"},
		{"too long", long, nil, "characters long"},
		{"empty", "  ", nil, "no sentences"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitSummary(tc.in, 2)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("splitSummary(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("splitSummary(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	for _, s := range []string{
		"Russia and Ukraine agreed to exchange 1,000 prisoners each on 16 May.",
		"The swap ran from 23-25 May 2025.",
		"Twenty-five prisoners, 1.5 million homes, May 8 through 10, 2025-05-16.",
		"On Friday, Sept. 3, U.S. Dr. J. Smith's \"Al-Assad\" said: 5bn.",
		"May 31st of May 2199s 1800 0.000001 99999999999999999999999999999999999999999999999",
		"\xff\xfe May \xe2\x80 16\xe2\x80\x93 18 - ",
		"",
	} {
		f.Add(s)
	}
	evs := fixtureEvents()
	f.Fuzz(func(t *testing.T, text string) {
		_ = Verify([]string{text}, evs)
		sentences := splitSentences(text)
		_ = Verify(sentences, evs)
		// Any text is supported by an event that says it.
		for _, s := range sentences {
			if err := Verify([]string{s}, []*briefing.Event{{Summary: s}}); err != nil {
				t.Fatalf("sentence %q against itself: %v", s, err)
			}
		}
		if err := Verify([]string{text}, []*briefing.Event{{Summary: text}}); err != nil {
			t.Fatalf("text %q against itself: %v", text, err)
		}
	})
}
