package briefing

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		phrases [][]string
		since   string
		until   string
		actors  []string
		topics  []string
	}{
		{"one word", "ceasefire", [][]string{{"ceasefir"}}, "", "", nil, nil},
		{"hyphenated is one term", "cease-fire", [][]string{{"ceasefir"}}, "", "", nil, nil},
		{"open compound is one term", "cease fire", [][]string{{"ceasefir"}}, "", "", nil, nil},
		{"synonym", "truce", [][]string{{"ceasefir"}}, "", "", nil, nil},
		{"stop words dropped", "the prisoners of war", [][]string{{"prison"}, {"war"}}, "", "", nil, nil},
		{"quoted phrase", `"prisoner exchange" istanbul`, [][]string{{"prison", "exchang"}, {"istanbul"}}, "", "", nil, nil},
		{"curly quotes", "\u201cprisoner swap\u201d", [][]string{{"prison", "exchang"}}, "", "", nil, nil},
		{"filters", "ceasefire since:2025-04 until:2025-05 actor:Putin topic:talks", [][]string{{"ceasefir"}}, "2025-04-01", "2025-05-31", []string{"putin"}, []string{"talks"}},
		{"day and year bounds", "since:2025-04-20 until:2025", nil, "2025-04-20", "2025-12-31", nil, nil},
		{"filter only", "actor:putin since:2025-05", nil, "2025-05-01", "", []string{"putin"}, nil},
		{"unknown key is text", "ratio:high", [][]string{{"ratio"}, {"high"}}, "", "", nil, nil},
		{"duplicate terms once", "talks talks", [][]string{{"talk"}}, "", "", nil, nil},
		{"multi-word actor", `actor:von_der_leyen`, nil, "", "", []string{"von_der_leyen"}, nil},
		{"quoted filter value", `actor:"the kremlin" talks`, [][]string{{"talk"}}, "", "", []string{"the_kremlin"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(q.Phrases, tt.phrases) && !(len(q.Phrases) == 0 && len(tt.phrases) == 0) {
				t.Errorf("phrases = %q, want %q", q.Phrases, tt.phrases)
			}
			if got := dayOrEmpty(q.Since); got != tt.since {
				t.Errorf("since = %q, want %q", got, tt.since)
			}
			if got := dayOrEmpty(q.Until); got != tt.until {
				t.Errorf("until = %q, want %q", got, tt.until)
			}
			if !reflect.DeepEqual(q.Actors, tt.actors) {
				t.Errorf("actors = %q, want %q", q.Actors, tt.actors)
			}
			if !reflect.DeepEqual(q.Topics, tt.topics) {
				t.Errorf("topics = %q, want %q", q.Topics, tt.topics)
			}
		})
	}
}

func TestParseQuerySummaryOptions(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		phrases      [][]string
		dates, lines int
	}{
		{"no options", "ceasefire", [][]string{{"ceasefir"}}, 0, 0},
		{"dates", "ceasefire dates:3", [][]string{{"ceasefir"}}, 3, 0},
		{"fewest dates", "ceasefire dates:1", [][]string{{"ceasefir"}}, 1, 0},
		{"most dates", "ceasefire dates:50", [][]string{{"ceasefir"}}, MaxSummaryDates, 0},
		{"all dates", "ceasefire dates:all", [][]string{{"ceasefir"}}, AllDates, 0},
		{"all dates in capitals", "ceasefire DATES:ALL", [][]string{{"ceasefir"}}, AllDates, 0},
		{"lines", "prisoners lines:1", [][]string{{"prison"}}, 0, 1},
		{"most lines", "prisoners lines:5", [][]string{{"prison"}}, 0, MaxSummaryLines},
		{"both, before the words", "dates:7 lines:3 prisoner exchange", [][]string{{"prison"}, {"exchang"}}, 7, 3},
		{"with a filter only", "since:2025-01 dates:10", nil, 10, 0},
		{"quoted value", `talks dates:"4"`, [][]string{{"talk"}}, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			if q.Dates != tt.dates || q.Lines != tt.lines {
				t.Errorf("Dates %d, Lines %d; want %d, %d", q.Dates, q.Lines, tt.dates, tt.lines)
			}
			if !reflect.DeepEqual(q.Phrases, tt.phrases) && !(len(q.Phrases) == 0 && len(tt.phrases) == 0) {
				t.Errorf("phrases = %q, want %q (options are not search words)", q.Phrases, tt.phrases)
			}
			if q.Text != strings.TrimSpace(tt.in) {
				t.Errorf("Text = %q, want the query as typed", q.Text)
			}
		})
	}
}

func TestShowAllText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"words only", "ceasefire", "ceasefire dates:all"},
		{"both options", "ceasefire dates:3 lines:1", "ceasefire dates:all"},
		{"options first", "dates:7 lines:3 prisoner exchange", "prisoner exchange dates:all"},
		{"options between words", "prisoner dates:2 exchange", "prisoner exchange dates:all"},
		{"options in capitals", "since:2025-01 DATES:5 actor:putin Lines:2", "since:2025-01 actor:putin dates:all"},
		{"dates:all already", "talks dates:all", "talks dates:all"},
		{"white space", "  prisoners \t  lines:2\n ", "prisoners dates:all"},
		{"quoted phrase", `"prisoner exchange" istanbul dates:4`, `"prisoner exchange" istanbul dates:all`},
		{"quoted phrase ending in an option key", `"fault lines:" ceasefire`, `"fault lines:" ceasefire dates:all`},
		{"quoted phrase holding an option", `"dates:3" talks`, `"dates:3" talks dates:all`},
		{"option with a quoted value", `ceasefire lines: "2"`, `ceasefire dates:all`},
		{"option with a quoted value, no blank", `talks dates:"4" istanbul`, `talks istanbul dates:all`},
		{"quoted filter value", `actor:"the kremlin" talks dates:3`, `actor:"the kremlin" talks dates:all`},
		{"quoted filter value after a blank", `topic: "prisoner exchange" lines:1 since:2025`, `topic:"prisoner exchange" since:2025 dates:all`},
		{"curly quotes", "\u201cprisoner swap\u201d dates:2", `"prisoner swap" dates:all`},
		{"unterminated quote", `talks lines:2 "prisoner swap`, `talks "prisoner swap" dates:all`},
		{"quote inside a word", `cease"fire" dates:3`, `cease "fire" dates:all`},
		{"not an option key", "ratio:high dated:3 dates:3", "ratio:high dated:3 dates:all"},
		{"filters only", "since:2025-04 until:2025-05-20 dates:10", "since:2025-04 until:2025-05-20 dates:all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ShowAllText(tt.in)
			if got != tt.want {
				t.Errorf("ShowAllText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// the list asks for the summary's developments, all of them
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			all, err := ParseQuery(got)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", got, err)
			}
			if !reflect.DeepEqual(all.Phrases, q.Phrases) {
				t.Errorf("phrases %q, the query's are %q", all.Phrases, q.Phrases)
			}
			if all.Since != q.Since || all.Until != q.Until {
				t.Errorf("since %v until %v, the query's are %v %v", all.Since, all.Until, q.Since, q.Until)
			}
			if !reflect.DeepEqual(all.Actors, q.Actors) || !reflect.DeepEqual(all.Topics, q.Topics) {
				t.Errorf("actors %q topics %q, the query's are %q %q", all.Actors, all.Topics, q.Actors, q.Topics)
			}
			if all.Dates != AllDates || all.Lines != 0 {
				t.Errorf("Dates %d, Lines %d; want AllDates and 0", all.Dates, all.Lines)
			}
			if again := ShowAllText(got); again != got {
				t.Errorf("ShowAllText of its own answer = %q, want it unchanged", again)
			}
		})
	}
}

func dayOrEmpty(d Day) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "nothing to search for"},
		{"blank", "   ", "nothing to search for"},
		{"stop words only", "the of and", "only common words"},
		{"punctuation only", `"" : -`, "nothing to search for"},
		{"filter without value", "since:", "since: needs a value"},
		{"bad date", "since:May", "want a date"},
		{"impossible date", "since:2025-02-30", "not a calendar date"},
		{"bad month", "until:2025-13", "want a date"},
		{"until before since", "since:2025-05 until:2025-04", "is before"},
		{"too long", strings.Repeat("a", MaxQueryLen+1), "keep it under"},
		{"invalid utf8", "cease\xfffire", "not valid UTF-8"},
		{"too many terms", strings.Repeat("word", 1) + " alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho", "too many"},
		{"dates zero", "ceasefire dates:0", "dates:0: want a number of dates from 1 to 50, or dates:all"},
		{"dates over the maximum", "ceasefire dates:51", "dates:51: want a number of dates from 1 to 50"},
		{"dates negative", "ceasefire dates:-1", "dates:-1: want a number of dates"},
		{"dates not a number", "ceasefire dates:x", "dates:x: want a number of dates from 1 to 50, or dates:all"},
		{"dates fraction", "ceasefire dates:2.5", "dates:2.5: want a number"},
		{"dates without value", "ceasefire dates:", "dates: needs a value, for example dates:10 or dates:all"},
		{"lines over the maximum", "ceasefire lines:9", "lines:9: want a number of lines per date from 1 to 5"},
		{"lines zero", "ceasefire lines:0", "lines:0: want a number of lines per date from 1 to 5"},
		{"lines all", "ceasefire lines:all", "lines:all: want a number of lines"},
		{"lines without value", "ceasefire lines:", "lines: needs a value, for example lines:2"},
		{"summary options only", "dates:5 lines:2", "nothing to search for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseQuery(tt.in)
			if err == nil {
				t.Fatalf("ParseQuery(%q) succeeded", tt.in)
			}
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("error %v does not wrap ErrBadQuery", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"ceasefire", `"prisoner exchange" since:2025-04`, "actor:putin until:2025", `"`, "since:", "a:b:c", "\xff", "since:9999-99-99", `"fault lines:" talks dates:3`, `actor: "the kremlin" lines: "2"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("error %v does not wrap ErrBadQuery", err)
			}
			return
		}
		if !q.HasText() && len(q.Actors) == 0 && len(q.Topics) == 0 && q.Since == 0 && q.Until == 0 {
			t.Fatalf("accepted an empty query %q", s)
		}
		for _, p := range q.Phrases {
			if len(p) == 0 {
				t.Fatalf("empty phrase from %q", s)
			}
			for _, tok := range p {
				if tok == "" || !utf8.ValidString(tok) || strings.ContainsAny(tok, "\" :*^()") {
					t.Fatalf("unsafe token %q from %q", tok, s)
				}
			}
		}
		for _, id := range append(append([]string{}, q.Actors...), q.Topics...) {
			if id == "" || strings.ContainsAny(id, "\" :*^() ") {
				t.Fatalf("unsafe id %q from %q", id, s)
			}
		}
		// Show all lists what the query matches
		all := ShowAllText(s)
		if len(all) > MaxQueryLen {
			return
		}
		aq, err := ParseQuery(all)
		if err != nil {
			t.Fatalf("ShowAllText(%q) = %q: %v", s, all, err)
		}
		if !reflect.DeepEqual(aq.Phrases, q.Phrases) || aq.Since != q.Since || aq.Until != q.Until ||
			!reflect.DeepEqual(aq.Actors, q.Actors) || !reflect.DeepEqual(aq.Topics, q.Topics) ||
			aq.Dates != AllDates || aq.Lines != 0 {
			t.Fatalf("ShowAllText(%q) = %q parses as %+v, the query as %+v", s, all, aq, q)
		}
	})
}

func TestEventDateString(t *testing.T) {
	tests := []struct {
		d    EventDate
		want string
	}{
		{DayDate(Date(2025, 5, 16)), "16 May 2025"},
		{MonthDate(2025, 4, ModEnd), "late April 2025"},
		{MonthDate(2025, 6, ModMid), "mid-June 2025"},
		{MonthDate(2025, 5, ModStart), "early May 2025"},
		{MonthDate(2025, 3, ModNone), "March 2025"},
		{RangeDate(Date(2025, 5, 8), Date(2025, 5, 10)), "8-10 May 2025"},
		{RangeDate(Date(2025, 4, 30), Date(2025, 5, 2)), "30 April - 2 May 2025"},
		{RangeDate(Date(2024, 12, 30), Date(2025, 1, 2)), "30 December 2024 - 2 January 2025"},
		{EventDate{Value: "2025", Gran: GranYear, Lo: Date(2025, 1, 1), Hi: Date(2025, 12, 31)}, "2025"},
		{EventDate{Value: "2025", Gran: GranYear, Mod: ModMid, Lo: Date(2025, 5, 1), Hi: Date(2025, 8, 31)}, "mid-2025"},
		{EventDate{Value: "2025-Q2", Gran: GranQuarter, Lo: Date(2025, 4, 1), Hi: Date(2025, 6, 30)}, "second quarter of 2025"},
		{EventDate{Value: "2024-SU", Gran: GranSeason, Lo: Date(2024, 6, 1), Hi: Date(2024, 8, 31)}, "summer 2024"},
		{EventDate{Value: "2025-W20", Gran: GranWeek, Lo: Date(2025, 5, 12), Hi: Date(2025, 5, 18)}, "week of 12 May 2025"},
		{EventDate{Value: "199X", Gran: GranDecade, Lo: Date(1990, 1, 1), Hi: Date(1999, 12, 31)}, "the 1990s"},
		{EventDate{}, "undated"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestEventDateOverlapAndPrecision(t *testing.T) {
	lateApril := MonthDate(2025, 4, ModEnd)
	may16 := DayDate(Date(2025, 5, 16))
	if lateApril.Overlaps(may16, 0) {
		t.Error("late April overlaps 16 May")
	}
	if !DayDate(Date(2025, 4, 28)).Overlaps(lateApril, 0) {
		t.Error("28 April does not overlap late April")
	}
	pub := DayDate(Date(2025, 5, 20))
	pub.Origin = OriginPublished
	if !pub.Overlaps(DayDate(Date(2025, 5, 19)), 2) || pub.Overlaps(may16, 2) {
		t.Error("slack of two days misapplied")
	}
	if !may16.PreciserThan(pub) || !DayDate(Date(2025, 4, 28)).PreciserThan(lateApril) {
		t.Error("precision order wrong")
	}
}
