package timex

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
)

// want is one expected expression. lo/hi are empty when Date must be zero.
type want struct {
	text   string
	typ    Type
	value  string
	mod    string
	lo, hi string
	rng    bool
}

type tcase struct {
	name string
	ref  string // publication date, YYYY-MM-DD
	text string
	want []want
}

// Helpers to keep the table short.
func d(text, value, lo, hi string) want {
	return want{text: text, typ: TypeDate, value: value, lo: lo, hi: hi}
}
func dm(text, value, mod, lo, hi string) want {
	return want{text: text, typ: TypeDate, value: value, mod: mod, lo: lo, hi: hi}
}
func rg(text, value, lo, hi string) want {
	return want{text: text, typ: TypeDate, value: value, lo: lo, hi: hi, rng: true}
}
func tm(text, value, day string) want {
	return want{text: text, typ: TypeTime, value: value, lo: day, hi: day}
}
func dur(text, value, mod string) want {
	return want{text: text, typ: TypeDuration, value: value, mod: mod}
}
func set(text, value string) want { return want{text: text, typ: TypeSet, value: value} }
func ref(text, value string) want { return want{text: text, typ: TypeDate, value: value} }

// 2025-05-20 is a Tuesday.
const tue = "2025-05-20"

var cases = []tcase{
	// Real-style news sentences.
	{"news cease-fire", tue,
		"In late April, Putin unilaterally declared a cease-fire from May 8 through May 10, to coincide with the 80th anniversary of the Allied victory over Nazi Germany in World War II.",
		[]want{
			dm("late April", "2025-04", "END", "2025-04-21", "2025-04-30"),
			rg("from May 8 through May 10", "2025-05-08", "2025-05-08", "2025-05-10"),
		}},
	{"news more than three years", tue,
		"The Istanbul meeting marked the first round of direct talks between Russian and Ukrainian representatives in more than three years of fighting.",
		[]want{dur("more than three years", "P3Y", "MORE_THAN")}},
	{"news March 30-day", tue,
		"In March, Ukraine signaled its support for a U.S.-backed 30-day cease-fire",
		[]want{d("March", "2025-03", "2025-03-01", "2025-03-31"), dur("30-day", "P30D", "")}},
	{"news AP style", tue,
		"Zelenskyy said Monday that Ukraine would send a delegation to Istanbul on Thursday, May 15, and Putin's aide said talks could continue next week.",
		[]want{
			d("Monday", "2025-05-19", "2025-05-19", "2025-05-19"),
			d("Thursday, May 15", "2025-05-15", "2025-05-15", "2025-05-15"),
			d("next week", "2025-W22", "2025-05-26", "2025-06-01"),
		}},
	{"news prisoner exchange", tue,
		"Russia and Ukraine exchanged 1,000 prisoners each on Friday, the largest swap since the war began in February 2022.",
		[]want{
			d("Friday", "2025-05-16", "2025-05-16", "2025-05-16"),
			d("February 2022", "2022-02", "2022-02-01", "2022-02-28"),
		}},
	{"news earlier this month", tue,
		"Earlier this month, the two sides agreed to meet again within two weeks.",
		[]want{
			d("Earlier this month", "2025-05", "2025-05-01", "2025-05-20"),
			dur("two weeks", "P2W", ""),
		}},

	// Absolute dates.
	{"month day", tue, "The talks began May 19.", []want{d("May 19", "2025-05-19", "2025-05-19", "2025-05-19")}},
	{"abbreviated month", tue, "They met Jan. 20 in Riyadh.", []want{d("Jan. 20", "2025-01-20", "2025-01-20", "2025-01-20")}},
	{"month day year", tue, "Trump took office on January 20, 2025, and", []want{d("January 20, 2025", "2025-01-20", "2025-01-20", "2025-01-20")}},
	{"day month year", tue, "It was signed on 16 May 2025 in Istanbul.", []want{d("16 May 2025", "2025-05-16", "2025-05-16", "2025-05-16")}},
	{"iso", tue, "Published 2025-05-16.", []want{d("2025-05-16", "2025-05-16", "2025-05-16", "2025-05-16")}},
	{"us slash", tue, "Dated 05/16/2025 by the clerk.", []want{d("05/16/2025", "2025-05-16", "2025-05-16", "2025-05-16")}},
	{"european slash", tue, "Dated 16/05/2025 by the clerk.", []want{d("16/05/2025", "2025-05-16", "2025-05-16", "2025-05-16")}},
	{"ordinal day", tue, "on May 16th they", []want{d("May 16th", "2025-05-16", "2025-05-16", "2025-05-16")}},
	{"the nth of month", tue, "on the 16th of May they", []want{d("the 16th of May", "2025-05-16", "2025-05-16", "2025-05-16")}},
	{"invalid day", tue, "on February 30 they", nil},

	// Months.
	{"in month", tue, "Talks stalled in March.", []want{d("March", "2025-03", "2025-03-01", "2025-03-31")}},
	{"in month year", tue, "in March 2025 they met", []want{d("March 2025", "2025-03", "2025-03-01", "2025-03-31")}},
	{"month of last year", tue, "in May of last year", []want{d("May of last year", "2024-05", "2024-05-01", "2024-05-31")}},
	{"in late month", tue, "In late April, troops advanced.", []want{dm("late April", "2025-04", "END", "2025-04-21", "2025-04-30")}},
	{"early month", tue, "It happened in early May.", []want{dm("early May", "2025-05", "START", "2025-05-01", "2025-05-10")}},
	{"mid month", tue, "It happened in mid-June last year.", []want{dm("mid-June last year", "2024-06", "MID", "2024-06-11", "2024-06-20")}},
	{"mid year", tue, "A deal is expected by mid-2025.", []want{dm("mid-2025", "2025", "MID", "2025-05-01", "2025-08-31")}},
	{"week of month", tue, "in the first week of May", []want{d("the first week of May", "2025-W18", "2025-05-01", "2025-05-07")}},
	{"last week of month", tue, "in the last week of April", []want{d("the last week of April", "2025-W17", "2025-04-24", "2025-04-30")}},
	{"end of month", tue, "by the end of May", []want{dm("the end of May", "2025-05", "END", "2025-05-21", "2025-05-31")}},

	// Ranges.
	{"range from through", tue, "from May 8 through May 10", []want{rg("from May 8 through May 10", "2025-05-08", "2025-05-08", "2025-05-10")}},
	{"range hyphen", tue, "The truce held May 8-10.", []want{rg("May 8-10", "2025-05-08", "2025-05-08", "2025-05-10")}},
	{"range en dash", tue, "The truce held May 8–10.", []want{rg("May 8–10", "2025-05-08", "2025-05-08", "2025-05-10")}},
	{"range to elliptical", tue, "The truce held May 8 to 10.", []want{rg("May 8 to 10", "2025-05-08", "2025-05-08", "2025-05-10")}},
	{"range between months", tue, "Fighting raged between March and May.", []want{rg("between March and May", "2025-03", "2025-03-01", "2025-05-31")}},
	{"range day first", tue, "The summit ran 8-10 May.", []want{rg("8-10 May", "2025-05-08", "2025-05-08", "2025-05-10")}},
	{"range day first year", tue, "The summit ran 8 to 10 May 2024.", []want{rg("8 to 10 May 2024", "2024-05-08", "2024-05-08", "2024-05-10")}},
	{"range across months", tue, "from May 30 to June 2", []want{rg("from May 30 to June 2", "2025-05-30", "2025-05-30", "2025-06-02")}},
	{"range across years", "2025-01-15", "Talks ran from Dec. 30 to Jan. 2.", []want{rg("from Dec. 30 to Jan. 2", "2024-12-30", "2024-12-30", "2025-01-02")}},
	{"range years", tue, "He ruled from 2014 to 2022.", []want{rg("from 2014 to 2022", "2014", "2014-01-01", "2022-12-31")}},
	{"range years hyphen", tue, "the 2024-25 season", []want{rg("2024-25", "2024", "2024-01-01", "2025-12-31")}},
	{"range weekdays past", tue, "They met from Monday to Wednesday.", []want{
		rg("from Monday to Wednesday", "2025-05-12", "2025-05-12", "2025-05-14"),
	}},
	{"range weekdays future", tue, "They will meet from Monday to Wednesday.", []want{
		rg("from Monday to Wednesday", "2025-05-26", "2025-05-26", "2025-05-28"),
	}},
	{"weekday names the year", tue, "Ukraine said it would send a delegation on Thursday, May 15.", []want{
		d("Thursday, May 15", "2025-05-15", "2025-05-15", "2025-05-15"),
	}},
	{"range weekdays", tue, "They met from Monday to Wednesday last week.", []want{
		rg("from Monday to Wednesday", "2025-05-12", "2025-05-12", "2025-05-14"),
		d("last week", "2025-W20", "2025-05-12", "2025-05-18"),
	}},
	{"range with year after", tue, "The fair runs May 8-10, 2026.", []want{rg("May 8-10, 2026", "2026-05-08", "2026-05-08", "2026-05-10")}},

	// Weekdays and tense.
	{"weekday past", tue, "The two delegations met on Monday.", []want{d("Monday", "2025-05-19", "2025-05-19", "2025-05-19")}},
	{"weekday future", tue, "The two delegations will meet on Monday.", []want{d("Monday", "2025-05-26", "2025-05-26", "2025-05-26")}},
	// A weekday named in an article published that weekday is the day itself.
	{"weekday same day past", tue, "The two delegations met on Tuesday.", []want{d("Tuesday", "2025-05-20", "2025-05-20", "2025-05-20")}},
	{"weekday same day future", tue, "The two delegations will meet on Tuesday.", []want{d("Tuesday", "2025-05-20", "2025-05-20", "2025-05-20")}},
	{"last weekday same day", tue, "They met last Tuesday.", []want{d("last Tuesday", "2025-05-13", "2025-05-13", "2025-05-13")}},
	{"weekday deadline", tue, "They have until Friday to answer.", []want{d("Friday", "2025-05-23", "2025-05-23", "2025-05-23")}},
	{"weekday past other", tue, "Russia launched drones on Sunday.", []want{d("Sunday", "2025-05-18", "2025-05-18", "2025-05-18")}},
	{"weekday future other", tue, "Officials are scheduled to meet Friday.", []want{d("Friday", "2025-05-23", "2025-05-23", "2025-05-23")}},
	{"weekday future passive", tue, "The deal will be signed on Thursday.", []want{d("Thursday", "2025-05-22", "2025-05-22", "2025-05-22")}},
	{"weekday contraction", tue, "We'll talk Friday.", []want{d("Friday", "2025-05-23", "2025-05-23", "2025-05-23")}},
	{"weekday no cue", tue, "Monday's talks in Istanbul", []want{d("Monday", "2025-05-19", "2025-05-19", "2025-05-19")}},
	{"weekday no cue same day", tue, "Tuesday's talks in Istanbul", []want{d("Tuesday", "2025-05-20", "2025-05-20", "2025-05-20")}},
	{"weekday with today", tue, "Talks were held today, Tuesday.", []want{
		d("today", "2025-05-20", "2025-05-20", "2025-05-20"),
		d("Tuesday", "2025-05-20", "2025-05-20", "2025-05-20"),
	}},
	{"nearest cue wins", tue, "He said on Monday that talks would resume Thursday.", []want{
		d("Monday", "2025-05-19", "2025-05-19", "2025-05-19"),
		d("Thursday", "2025-05-22", "2025-05-22", "2025-05-22"),
	}},
	{"reporting verb is weak", tue, "Officials may meet again in June, a Turkish diplomat said.", []want{
		d("June", "2025-06", "2025-06-01", "2025-06-30"),
	}},
	{"reporting verb yields to event verb", tue, "Talks resumed in June, he said.", []want{
		d("June", "2024-06", "2024-06-01", "2024-06-30"),
	}},
	{"last next this weekday", tue, "last Tuesday, next Tuesday and this Friday", []want{
		d("last Tuesday", "2025-05-13", "2025-05-13", "2025-05-13"),
		d("next Tuesday", "2025-05-27", "2025-05-27", "2025-05-27"),
		d("this Friday", "2025-05-23", "2025-05-23", "2025-05-23"),
	}},

	// Relative dates.
	{"yesterday today tomorrow", tue, "yesterday, today and tomorrow", []want{
		d("yesterday", "2025-05-19", "2025-05-19", "2025-05-19"),
		d("today", "2025-05-20", "2025-05-20", "2025-05-20"),
		d("tomorrow", "2025-05-21", "2025-05-21", "2025-05-21"),
	}},
	{"weeks", tue, "last week, this week and next week", []want{
		d("last week", "2025-W20", "2025-05-12", "2025-05-18"),
		d("this week", "2025-W21", "2025-05-19", "2025-05-25"),
		d("next week", "2025-W22", "2025-05-26", "2025-06-01"),
	}},
	{"months", tue, "last month and next month", []want{
		d("last month", "2025-04", "2025-04-01", "2025-04-30"),
		d("next month", "2025-06", "2025-06-01", "2025-06-30"),
	}},
	{"years", tue, "last year, this year and next year", []want{
		d("last year", "2024", "2024-01-01", "2024-12-31"),
		d("this year", "2025", "2025-01-01", "2025-12-31"),
		d("next year", "2026", "2026-01-01", "2026-12-31"),
	}},
	{"days ago", tue, "The attack came two days ago.", []want{d("two days ago", "2025-05-18", "2025-05-18", "2025-05-18")}},
	{"weeks ago", tue, "It began three weeks ago.", []want{d("three weeks ago", "2025-W18", "2025-04-28", "2025-05-04")}},
	{"more than years ago", tue, "more than two years ago", []want{dm("more than two years ago", "2023", "BEFORE", "2023-01-01", "2023-12-31")}},
	{"week from monday", tue, "They will meet a week from Monday.", []want{d("a week from Monday", "2025-06-02", "2025-06-02", "2025-06-02")}},
	{"weeks from now", tue, "two weeks from now", []want{d("two weeks from now", "2025-W23", "2025-06-02", "2025-06-08")}},
	{"in two weeks future", tue, "Talks will resume in two weeks.", []want{d("two weeks", "2025-W23", "2025-06-02", "2025-06-08")}},
	{"in two weeks past is duration", tue, "The city fell in two weeks.", []want{dur("two weeks", "P2W", "")}},
	{"earlier this month", tue, "earlier this month", []want{d("earlier this month", "2025-05", "2025-05-01", "2025-05-20")}},
	{"later this week", tue, "later this week", []want{d("later this week", "2025-W21", "2025-05-20", "2025-05-25")}},
	{"later this year", tue, "later this year", []want{d("later this year", "2025", "2025-05-20", "2025-12-31")}},
	{"early next month", tue, "early next month", []want{dm("early next month", "2025-06", "START", "2025-06-01", "2025-06-10")}},
	{"late last year", tue, "late last year", []want{dm("late last year", "2024", "END", "2024-09-01", "2024-12-31")}},
	{"end of the year", tue, "by the end of the year", []want{dm("the end of the year", "2025", "END", "2025-09-01", "2025-12-31")}},
	{"day before yesterday", tue, "the day before yesterday", []want{d("the day before yesterday", "2025-05-18", "2025-05-18", "2025-05-18")}},

	// Year inference.
	{"december past in january", "2025-01-15", "In December, the agency said it had run out of funds.", []want{d("December", "2024-12", "2024-12-01", "2024-12-31")}},
	{"december future in january", "2025-01-15", "The vote will be held in December.", []want{d("December", "2025-12", "2025-12-01", "2025-12-31")}},
	{"december no cue in january", "2025-01-15", "Talks in December", []want{d("December", "2024-12", "2024-12-01", "2024-12-31")}},
	{"day past yesterday", tue, "The talks were held on May 19.", []want{d("May 19", "2025-05-19", "2025-05-19", "2025-05-19")}},
	{"day past in january", "2025-01-03", "Talks resumed on Dec. 30.", []want{d("Dec. 30", "2024-12-30", "2024-12-30", "2024-12-30")}},
	{"day future in december", "2024-12-28", "Talks will resume on Jan. 3.", []want{d("Jan. 3", "2025-01-03", "2025-01-03", "2025-01-03")}},
	{"june past in may", tue, "They met in June.", []want{d("June", "2024-06", "2024-06-01", "2024-06-30")}},
	{"june future in may", tue, "They will meet in June.", []want{d("June", "2025-06", "2025-06-01", "2025-06-30")}},
	{"june no cue in may", tue, "A summit in June", []want{d("June", "2025-06", "2025-06-01", "2025-06-30")}},
	{"same month past", tue, "They met in May.", []want{d("May", "2025-05", "2025-05-01", "2025-05-31")}},
	{"last may", tue, "last May", []want{d("last May", "2024-05", "2024-05-01", "2024-05-31")}},
	{"next march", tue, "next March", []want{d("next March", "2026-03", "2026-03-01", "2026-03-31")}},
	{"feb 29", "2025-03-10", "It happened on Feb. 29.", []want{d("Feb. 29", "2024-02-29", "2024-02-29", "2024-02-29")}},

	// Durations.
	{"duration for years", tue, "The war has raged for three years.", []want{dur("three years", "P3Y", "")}},
	{"duration hours", tue, "They talked for two hours.", []want{dur("two hours", "PT2H", "")}},
	{"duration hyphen", tue, "a 30-day cease-fire", []want{dur("30-day", "P30D", "")}},
	{"duration 24-hour", tue, "a 24-hour truce", []want{dur("24-hour", "PT24H", "")}},
	{"duration compound number", tue, "after twenty-five years", []want{dur("twenty-five years", "P25Y", "")}},
	{"duration at least", tue, "at least six months", []want{dur("at least six months", "P6M", "EQUAL_OR_MORE")}},
	{"duration nearly", tue, "nearly a decade", []want{dur("nearly a decade", "P10Y", "LESS_THAN")}},
	{"duration about", tue, "about 90 minutes", []want{dur("about 90 minutes", "PT90M", "APPROX")}},
	{"duration past three years", tue, "over the past three years", []want{dur("the past three years", "P3Y", "")}},
	{"past year is last year", tue, "in the past year", []want{d("the past year", "2024", "2024-01-01", "2024-12-31")}},
	{"duration vague", tue, "for a few days", []want{dur("a few days", "PXD", "")}},
	{"duration and a half", tue, "a year and a half", []want{dur("a year and a half", "P1.5Y", "")}},
	{"duration bare plural", tue, "for years", []want{dur("years", "PXY", "")}},
	{"three years of fighting", tue, "three years of fighting", []want{dur("three years", "P3Y", "")}},

	// Sets.
	{"set every week", tue, "They meet every week.", []want{set("every week", "P1W")}},
	{"set every two weeks", tue, "every two weeks", []want{set("every two weeks", "P2W")}},
	{"set daily", tue, "daily briefings", []want{set("daily", "P1D")}},
	{"set weekly", tue, "a weekly meeting", []want{set("weekly", "P1W")}},
	{"set twice a week", tue, "twice a week", []want{set("twice a week", "P1W")}},
	{"set every monday", tue, "every Monday", []want{set("every Monday", "XXXX-WXX-1")}},
	{"set mondays", tue, "on Mondays", []want{set("Mondays", "XXXX-WXX-1")}},

	// Group 2: seasons, quarters, decades, times, references.
	{"last summer", tue, "last summer", []want{d("last summer", "2024-SU", "2024-06-01", "2024-08-31")}},
	{"last summer in september", "2025-09-10", "last summer", []want{d("last summer", "2025-SU", "2025-06-01", "2025-08-31")}},
	{"summer of year", tue, "in the summer of 2023", []want{d("the summer of 2023", "2023-SU", "2023-06-01", "2023-08-31")}},
	{"winter spans years", tue, "in winter 2024", []want{d("winter 2024", "2024-WI", "2024-12-01", "2025-02-28")}},
	{"second quarter", tue, "in the second quarter", []want{d("the second quarter", "2025-Q2", "2025-04-01", "2025-06-30")}},
	{"quarter of year", tue, "the fourth quarter of 2024", []want{d("the fourth quarter of 2024", "2024-Q4", "2024-10-01", "2024-12-31")}},
	{"q code", tue, "Q1 2025 earnings", []want{d("Q1 2025", "2025-Q1", "2025-01-01", "2025-03-31")}},
	{"first half", tue, "the first half of 2025", []want{d("the first half of 2025", "2025-H1", "2025-01-01", "2025-06-30")}},
	{"decade", tue, "in the 1990s", []want{d("the 1990s", "199X", "1990-01-01", "1999-12-31")}},
	{"decade short", tue, "since the '90s", []want{dm("the '90s", "199X", "AFTER", "1990-01-01", "1999-12-31")}},
	{"early decade", tue, "the early 1990s", []want{dm("the early 1990s", "199X", "START", "1990-01-01", "1993-12-31")}},
	{"tuesday night", tue, "Drones struck Kyiv on Monday night.", []want{tm("Monday night", "2025-05-19TNI", "2025-05-19")}},
	{"last night", tue, "last night", []want{tm("last night", "2025-05-19TNI", "2025-05-19")}},
	{"tonight", tue, "The vote is tonight.", []want{tm("tonight", "2025-05-20TNI", "2025-05-20")}},
	{"this morning", tue, "this morning", []want{tm("this morning", "2025-05-20TMO", "2025-05-20")}},
	{"clock with day", tue, "He spoke at 9 a.m. Sunday.", []want{tm("9 a.m. Sunday", "2025-05-18T09:00", "2025-05-18")}},
	{"day with clock", tue, "The vote is on May 22 at 3:30 p.m.", []want{tm("May 22 at 3:30 p.m.", "2025-05-22T15:30", "2025-05-22")}},
	// A time with no day is the reference day's in the value, but Date stays
	// zero: the day is a guess.
	{"clock alone", tue, "The vote is at 9 a.m.", []want{{text: "9 a.m.", typ: TypeTime, value: "2025-05-20T09:00"}}},
	{"now", tue, "Talks are now under way.", []want{ref("now", "PRESENT_REF")}},
	{"currently", tue, "It is currently unclear.", []want{ref("currently", "PRESENT_REF")}},
	{"recently", tue, "He recently said", []want{ref("recently", "PAST_REF")}},
	{"former is a role", tue, "the former president", nil},
	{"previously is sequence", tue, "as previously announced", nil},
	{"coming days", tue, "in the coming days", []want{dur("the coming days", "PXD", "")}},
	{"fiscal", tue, "in fiscal 2025 and FY2024", []want{ref("fiscal 2025", "2025"), ref("FY2024", "2024")}},
	{"weekend past", tue, "Russia attacked over the weekend.", []want{d("the weekend", "2025-W20-WE", "2025-05-17", "2025-05-18")}},
	{"approx date", tue, "around May 10", []want{dm("around May 10", "2025-05-10", "APPROX", "2025-05-10", "2025-05-10")}},
	{"since year", tue, "since 2014", []want{dm("2014", "2014", "AFTER", "2014-01-01", "2014-12-31")}},
	{"before date", tue, "before May 1", []want{dm("May 1", "2025-05-01", "BEFORE", "2025-05-01", "2025-05-01")}},
	{"in year", tue, "in 2024 the economy shrank", []want{d("2024", "2024", "2024-01-01", "2024-12-31")}},
	{"year attributive", tue, "the 2024 election", []want{d("2024", "2024", "2024-01-01", "2024-12-31")}},

	// Things that are not dates.
	{"modal may", tue, "Talks may resume soon.", nil},
	{"modal may sentence start", tue, "May God help us.", nil},
	{"may as a name", tue, "Theresa May said the deal was dead.", nil},
	{"verb march", tue, "Protesters march on the capital.", nil},
	{"verb marched", tue, "Protesters marched on the capital.", nil},
	// Earnings news: quarters and the year-ago comparison.
	{"quarter adjective", "2025-10-27", "Third-quarter profit rose 8%.", []want{d("Third-quarter", "2025-Q3", "2025-07-01", "2025-09-30")}},
	{"quarter without the", "2025-10-27", "Sales fell in fourth quarter trading.", []want{d("fourth quarter", "2025-Q4", "2025-10-01", "2025-12-31")}},
	{"the latest quarter", "2025-10-27", "Net income in the latest quarter rose.", []want{d("the latest quarter", "2025-Q3", "2025-07-01", "2025-09-30")}},
	{"the current quarter", "2025-10-27", "It expects a loss in the current quarter.", []want{d("the current quarter", "2025-Q4", "2025-10-01", "2025-12-31")}},
	{"year earlier in quarter talk", "2025-10-27", "Third-quarter revenue was $5 million, up from $4 million a year earlier.",
		[]want{d("Third-quarter", "2025-Q3", "2025-07-01", "2025-09-30"), d("a year earlier", "2024-Q3", "2024-07-01", "2024-09-30")}},
	{"year earlier elsewhere", tue, "Wages were 3% higher than a year earlier.", []want{d("a year earlier", "2024", "2024-01-01", "2024-12-31")}},
	{"year-earlier quarter", "2025-10-27", "compared with the year-earlier quarter", []want{d("the year-earlier quarter", "2024-Q3", "2024-07-01", "2024-09-30")}},
	{"year possessive quarter", "2025-10-27", "this year's third quarter", []want{d("this year's third quarter", "2025-Q3", "2025-07-01", "2025-09-30")}},
	{"year then quarter", "2025-10-27", "in the 2024 third quarter", []want{d("the 2024 third quarter", "2024-Q3", "2024-07-01", "2024-09-30")}},
	{"fiscal year ended", tue, "for the fiscal year ended March 31", []want{dur("the fiscal year", "P1Y", ""), d("March 31", "2025-03-31", "2025-03-31", "2025-03-31")}},
	{"the full year", tue, "for the full year", []want{d("the full year", "2025", "2025-01-01", "2025-12-31")}},
	// Deadlines are read without the clause's tense: the nearest date.
	{"payable in past clause", "2025-10-27", "Directors declared a dividend payable Dec. 7.", []want{d("Dec. 7", "2025-12-07", "2025-12-07", "2025-12-07")}},
	{"deadline noun", "2025-01-06", "Officials gave no reason for the Jan. 14 deadline.", []want{d("Jan. 14", "2025-01-14", "2025-01-14", "2025-01-14")}},
	{"extended to", "2025-10-30", "The company extended its offer to Nov. 6.", []want{d("Nov. 6", "2025-11-06", "2025-11-06", "2025-11-06")}},
	{"near future day in past clause", "2025-10-27", "The board approved a stock split that holders receive Nov. 22.", []want{d("Nov. 22", "2025-11-22", "2025-11-22", "2025-11-22")}},
	{"near past cue binds a day", tue, "He was arrested on June 10.", []want{d("June 10", "2024-06-10", "2024-06-10", "2024-06-10")}},
	{"past deadline weekday", tue, "Fighting continued until Monday.", []want{d("Monday", "2025-05-19", "2025-05-19", "2025-05-19")}},
	{"by weekday in the past", tue, "By Friday, rebels had taken the city.", []want{d("Friday", "2025-05-16", "2025-05-16", "2025-05-16")}},
	{"postponed until weekday", tue, "Officials postponed the vote until Thursday.", []want{d("Thursday", "2025-05-22", "2025-05-22", "2025-05-22")}},
	{"record is not a deadline", tue, "The index set a record on Monday.", []want{d("Monday", "2025-05-19", "2025-05-19", "2025-05-19")}},
	{"year then verb", tue, "2024 was the hottest year on record.", []want{d("2024", "2024", "2024-01-01", "2024-12-31")}},
	{"counts are not years", tue, "Troops killed 2000 people. At least 2000 people fled. Flight 2001 crashed. It employs 2000 staff.", nil},
	{"the year and a number", tue, "In the year 1995 it began.", []want{d("the year 1995", "1995", "1995-01-01", "1995-12-31")}},
	{"year as a title or since", tue, "Person of the Year. In the year since the invasion, prices rose.", nil},
	{"two thousand people", tue, "In the square two thousand people marched.", nil},
	{"second-half goal", tue, "He scored a second-half goal.", nil},
	{"next year stays a length", tue, "It was founded on May 2, 2001, and will cut jobs in the next year.",
		[]want{d("May 2, 2001", "2001-05-02", "2001-05-02", "2001-05-02"), dur("the next year", "P1Y", "")}},
	{"that before a hyphenated word", tue, "On May 2 he said that year-over-year sales fell.", []want{d("May 2", "2025-05-02", "2025-05-02", "2025-05-02")}},
	{"for a year after a year", tue, "He was jailed in 2019 for a year.", []want{d("2019", "2019", "2019-01-01", "2019-12-31"), dur("a year", "P1Y", "")}},
	{"month follows past tense", tue, "Talks resumed in June.", []want{d("June", "2024-06", "2024-06-01", "2024-06-30")}},
	{"month no cue leans past", "2025-10-30", "from $29.75 in March", []want{d("March", "2025-03", "2025-03-01", "2025-03-31")}},
	// Years written as words, holidays, year-end.
	{"spelled year", tue, "It began in nineteen ninety-six.", []want{d("nineteen ninety-six", "1996", "1996-01-01", "1996-12-31")}},
	{"spelled month year", tue, "January nineteen ninety-seven", []want{d("January nineteen ninety-seven", "1997-01", "1997-01-01", "1997-01-31")}},
	{"year two thousand", tue, "in the year two thousand", []want{d("the year two thousand", "2000", "2000-01-01", "2000-12-31")}},
	{"thanksgiving", "1999-11-20", "They will gather on Thanksgiving Day.", []want{d("Thanksgiving Day", "1999-11-25", "1999-11-25", "1999-11-25")}},
	{"christmas eve past", "2025-01-10", "The strike came on Christmas Eve.", []want{d("Christmas Eve", "2024-12-24", "2024-12-24", "2024-12-24")}},
	{"new year no cue", "2025-12-20", "New Year's Day parade", []want{d("New Year's Day", "2026-01-01", "2026-01-01", "2026-01-01")}},
	{"labor party", tue, "the Labor Party and Independence Square", nil},
	{"year-end", "2025-10-20", "to close the deal by year-end", []want{d("year-end", "2025-12-31", "2025-12-31", "2025-12-31")}},
	// Years as modifiers and counts.
	{"year modifier", tue, "the 1996 Olympic bombing and its 1990 invasion", []want{d("1996", "1996", "1996-01-01", "1996-12-31"), d("1990", "1990", "1990-01-01", "1990-12-31")}},
	{"year before plural is a count", tue, "Officials sent 2000 troops.", nil},
	// Durations.
	{"fraction half", tue, "after 5 1/2 hours", []want{dur("5 1/2 hours", "PT5H30M", "")}},
	{"and a half years", tue, "for two and a half years", []want{dur("two and a half years", "P2Y6M", "")}},
	{"two day rally", tue, "a two day rally", []want{dur("two day", "P2D", "")}},
	{"within weeks", tue, "troops could arrive within weeks", []want{dur("weeks", "PXW", "")}},
	{"age is not a time", tue, "a 6-year-old boy and a man 52 years old", nil},
	{"annual is not a set", tue, "the annual meeting and quarterly dividends", nil},
	{"weekday with date and colon", "1998-10-25", "said in an editorial on Monday, Oct. 26: The", []want{d("Monday, Oct. 26", "1998-10-26", "1998-10-26", "1998-10-26")}},
	// Narrative anaphora: relative to the last date the text named.
	{"following year", tue, "He became a general on May 22, 1995, and the following year he was posted abroad.",
		[]want{d("May 22, 1995", "1995-05-22", "1995-05-22", "1995-05-22"), d("the following year", "1996", "1996-01-01", "1996-12-31")}},
	{"later that year", tue, "She fled in June 1998 and returned later that year.",
		[]want{d("June 1998", "1998-06", "1998-06-01", "1998-06-30"), d("later that year", "1998", "1998-01-01", "1998-12-31")}},
	{"earlier that day", tue, "He was shot on Oct. 23, 2024. Earlier that day, his family sent a fax.",
		[]want{d("Oct. 23, 2024", "2024-10-23", "2024-10-23", "2024-10-23"), d("Earlier that day", "2024-10-23", "2024-10-23", "2024-10-23")}},
	{"the next morning", tue, "He was arrested on May 2 and appeared in court the next morning.",
		[]want{d("May 2", "2025-05-02", "2025-05-02", "2025-05-02"), tm("the next morning", "2025-05-03TMO", "2025-05-03")}},
	{"that year without an anchor", tue, "Prices rose that year.", nil},
	// Vague references and more durations.
	{"into the future", tue, "strikes will continue well into the future", []want{ref("the future", "FUTURE_REF")}},
	{"the near term", tue, "the challenges of the near term", []want{ref("the near term", "FUTURE_REF")}},
	{"future quarters", tue, "lower taxes in future quarters", []want{ref("future quarters", "FUTURE_REF")}},
	{"as soon as possible", tue, "to sell it as soon as possible", []want{ref("as soon as possible", "FUTURE_REF")}},
	{"n more weeks", tue, "for at least two more weeks", []want{dur("at least two more weeks", "P2W", "EQUAL_OR_MORE")}},
	{"rate is not a duration", tue, "It saves $500 million a year and adds 700 seats a week.", nil},
	{"this past spring", "2025-10-27", "They closed the plant this past spring.", []want{d("this past spring", "2025-SP", "2025-03-01", "2025-05-31")}},
	{"latest fiscal year", "2025-10-27", "sales in the latest fiscal year", []want{d("the latest fiscal year", "2024", "2024-01-01", "2024-12-31")}},
	{"quarter of an amount", "2025-10-27", "a loss for the third quarter of $226 million", []want{d("the third quarter", "2025-Q3", "2025-07-01", "2025-09-30")}},
	{"the nineties", tue, "numbers dropped through the nineties", []want{d("the nineties", "199X", "1990-01-01", "1999-12-31")}},
	{"first name jan", tue, "Foreign ministers Janos Martonyi and Jan Kavan spoke.", nil},
	{"high noon", tue, "For Poland, high noon comes today.", []want{d("today", "2025-05-20", "2025-05-20", "2025-05-20")}},
	{"march capitalised no cue", tue, "March on Washington", nil},
	{"second round", tue, "a second round of talks", nil},
	{"anniversary", tue, "the 80th anniversary", nil},
	{"world war", tue, "World War II", nil},
	{"sunday times", tue, "The Sunday Times reported it.", nil},
	{"good friday", tue, "the Good Friday Agreement", nil},
	{"section", tue, "Section 5 and Article 5 of the treaty", nil},
	{"bare numbers", tue, "He counted 5, 12 and 2000.", nil},
	{"thousands", tue, "1,000 prisoners and 2,025 soldiers", nil},
	{"about 2000 people", tue, "about 2000 people died", nil},
	{"fall of a city", tue, "after the fall of Kabul, prices fall", nil},
	{"arab spring", tue, "the Arab Spring", nil},
	{"month as a name", tue, "April Ryan of The Grio asked", nil},
	{"next day anaphoric", tue, "the next day", nil},
	{"f-16", tue, "F-16 jets and COVID-19", nil},
	{"score", tue, "won 3-1", nil},
	{"may lowercase with number", tue, "prices may 10 times", nil},
}

func TestFind(t *testing.T) {
	n := New()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			refDay, err := time.Parse("2006-01-02", tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			got := n.Find(tc.text, refDay.Add(14*time.Hour))
			if len(got) != len(tc.want) {
				t.Fatalf("Find(%q) = %d expressions, want %d:\n%s", tc.text, len(got), len(tc.want), dump(got))
			}
			from := 0
			for i, w := range tc.want {
				g := got[i]
				start := strings.Index(tc.text[from:], w.text)
				if start < 0 {
					t.Fatalf("bad test: %q not in %q", w.text, tc.text[from:])
				}
				start += from
				if g.Start != start || g.End != start+len(w.text) || g.Text != w.text || tc.text[g.Start:g.End] != g.Text {
					t.Errorf("expr %d: span %d:%d %q, want %d:%d %q", i, g.Start, g.End, g.Text, start, start+len(w.text), w.text)
				}
				from = g.End
				if g.Type != w.typ || g.Value != w.value || g.Mod != w.mod {
					t.Errorf("expr %d %q: %s %s mod=%q, want %s %s mod=%q", i, g.Text, g.Type, g.Value, g.Mod, w.typ, w.value, w.mod)
				}
				if w.lo == "" {
					if !g.Date.IsZero() {
						t.Errorf("expr %d %q: Date = %+v, want zero", i, g.Text, g.Date)
					}
					continue
				}
				if g.Date.Lo.String() != w.lo || g.Date.Hi.String() != w.hi || g.Date.Range != w.rng {
					t.Errorf("expr %d %q: Date %s..%s range=%v, want %s..%s range=%v", i, g.Text,
						g.Date.Lo, g.Date.Hi, g.Date.Range, w.lo, w.hi, w.rng)
				}
				if g.Date.Origin != briefing.OriginExplicit || string(g.Date.Mod) != g.Mod {
					t.Errorf("expr %d %q: Date origin %q mod %q", i, g.Text, g.Date.Origin, g.Date.Mod)
				}
				if g.Type == TypeDate && g.Date.Value != g.Value {
					t.Errorf("expr %d %q: Date.Value %q != Value %q", i, g.Text, g.Date.Value, g.Value)
				}
			}
		})
	}
}

func dump(es []Expression) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString("  " + e.Text + " " + string(e.Type) + " " + e.Value + " " + e.Mod + " " + e.Date.Lo.String() + ".." + e.Date.Hi.String() + "\n")
	}
	return b.String()
}

// The event dates must agree with the briefing helpers they mirror.
// A range keeps its two ends as Parts, each with its own span and value, so
// TimeML output can mark them as two expressions.
func TestRangeParts(t *testing.T) {
	ref := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text       string
		p1, p2     string // texts
		v1, v2     string // values
		whole, val string
	}{
		{"a truce from May 8 through May 10 was declared", "May 8", "May 10", "2025-05-08", "2025-05-10", "from May 8 through May 10", "2025-05-08"},
		{"talks between March and May", "March", "May", "2025-03", "2025-05", "between March and May", "2025-03"},
		{"the 8-10 May truce", "8", "10 May", "2025-05-08", "2025-05-10", "8-10 May", "2025-05-08"},
	} {
		got := New().Find(tc.text, ref)
		if len(got) != 1 {
			t.Fatalf("Find(%q) = %d expressions, want 1", tc.text, len(got))
		}
		e := got[0]
		if e.Text != tc.whole || e.Value != tc.val || !e.Date.Range {
			t.Errorf("Find(%q) = %q %s range=%v, want %q %s range", tc.text, e.Text, e.Value, e.Date.Range, tc.whole, tc.val)
		}
		if len(e.Parts) != 2 {
			t.Fatalf("Find(%q): %d parts, want 2", tc.text, len(e.Parts))
		}
		for i, w := range [][2]string{{tc.p1, tc.v1}, {tc.p2, tc.v2}} {
			p := e.Parts[i]
			if p.Text != w[0] || p.Value != w[1] || tc.text[p.Start:p.End] != p.Text {
				t.Errorf("Find(%q) part %d = %q %s [%d:%d], want %q %s", tc.text, i, p.Text, p.Value, p.Start, p.End, w[0], w[1])
			}
		}
	}
	if got := New().Find("on May 8", ref); len(got) != 1 || got[0].Parts != nil {
		t.Errorf("a single date has Parts: %+v", got)
	}
}

func TestDatesMatchBriefingHelpers(t *testing.T) {
	for _, mod := range []briefing.Mod{"", briefing.ModStart, briefing.ModMid, briefing.ModEnd} {
		for _, y := range []int{2023, 2024, 2025} {
			for mo := 1; mo <= 12; mo++ {
				if got, want := monthDate(y, mo, mod), briefing.MonthDate(y, time.Month(mo), mod); got != want {
					t.Errorf("monthDate(%d, %d, %q) = %+v, want %+v", y, mo, mod, got, want)
				}
			}
		}
	}
	day := briefing.Date(2025, 5, 16)
	if got, want := dayDate(day, ""), briefing.DayDate(day); got != want {
		t.Errorf("dayDate = %+v, want %+v", got, want)
	}
	r := New().Find("from May 8 through May 10", time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC))
	if want := briefing.RangeDate(briefing.Date(2025, 5, 8), briefing.Date(2025, 5, 10)); len(r) != 1 || r[0].Date != want {
		t.Errorf("range = %+v, want %+v", r, want)
	}
}

func TestCalendar(t *testing.T) {
	for d := briefing.Date(1899, 1, 1); d < briefing.Date(2101, 1, 1); d++ {
		tt := d.Time()
		y, m, dd := civil(d)
		if y != tt.Year() || m != int(tt.Month()) || dd != tt.Day() {
			t.Fatalf("civil(%s) = %d-%d-%d", d, y, m, dd)
		}
		if mkDay(y, m, dd) != d {
			t.Fatalf("mkDay(%d, %d, %d) = %s, want %s", y, m, dd, mkDay(y, m, dd), d)
		}
		if weekdayOf(d) != int(tt.Weekday()) {
			t.Fatalf("weekdayOf(%s) = %d, want %d", d, weekdayOf(d), tt.Weekday())
		}
		iy, iw := tt.ISOWeek()
		if gy, gw := isoWeek(d); gy != iy || gw != iw {
			t.Fatalf("isoWeek(%s) = %d-W%d, want %d-W%d", d, gy, gw, iy, iw)
		}
		if fmtDay(d) != d.String() {
			t.Fatalf("fmtDay(%s) = %s", d, fmtDay(d))
		}
	}
}

// The reference time is read in its own location.
func TestRefLocation(t *testing.T) {
	kyiv := time.FixedZone("EEST", 3*3600)
	ref := time.Date(2025, 5, 20, 1, 0, 0, 0, kyiv) // still May 19 in UTC
	got := New().Find("today", ref)
	if len(got) != 1 || got[0].Value != "2025-05-20" {
		t.Fatalf("today = %+v", got)
	}
}

func TestZeroAndNilNormalizer(t *testing.T) {
	var n Normalizer
	if got := n.Find("on May 19", time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)); len(got) != 1 {
		t.Fatalf("zero Normalizer: %+v", got)
	}
	var np *Normalizer
	if got := np.Find("on May 19", time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)); len(got) != 1 {
		t.Fatalf("nil Normalizer: %+v", got)
	}
	if got := np.Find("", time.Time{}); got != nil {
		t.Fatalf("empty text: %+v", got)
	}
}

func TestConcurrent(t *testing.T) {
	n := New()
	ref := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- true }()
			for i := 0; i < 200; i++ {
				got := n.Find(benchSentence, ref)
				if len(got) != 3 {
					t.Errorf("got %d expressions", len(got))
					return
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

// checkInvariants verifies what Find promises for any input.
func checkInvariants(t *testing.T, text string, got []Expression) {
	t.Helper()
	end := 0
	for i, e := range got {
		if e.Start < end || e.End <= e.Start || e.End > len(text) {
			t.Fatalf("expr %d %q: span %d:%d after %d in %d bytes", i, e.Text, e.Start, e.End, end, len(text))
		}
		if text[e.Start:e.End] != e.Text {
			t.Fatalf("expr %d: text[%d:%d] = %q, Text %q", i, e.Start, e.End, text[e.Start:e.End], e.Text)
		}
		if e.Type == TypeDate && e.Date.Lo > e.Date.Hi {
			t.Fatalf("expr %d %q: Lo %s > Hi %s", i, e.Text, e.Date.Lo, e.Date.Hi)
		}
		if e.Value == "" || e.Type == "" {
			t.Fatalf("expr %d %q: empty value or type", i, e.Text)
		}
		end = e.End
	}
}

func TestHostileInput(t *testing.T) {
	ref := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	inputs := []string{
		"\xff\xfe May 8\xc3",
		strings.Repeat("early ", 10000) + "May",
		strings.Repeat("the end of ", 5000) + "the year",
		strings.Repeat("9", 5000) + " days",
		strings.Repeat("May 8-", 3000),
		strings.Repeat("from ", 3000) + "May 1 to May 2",
		strings.Repeat("a.", 5000),
		"31/31/31 99/99/9999 2025-13-45 0:99 pm 25:00 GMT",
		"May 0, May 32, February 29, 2025, the 0th of May, Q0, Q5 2025, H3",
		"—–-''’’\"\"",
		"from Dec. 30 to",
		"between",
		"the",
		strings.Repeat("on ", 300000) + "Monday",            // the deadline rule looks one word back, not down the chain
		strings.Repeat("that year ", 20000) + "May 2, 2001", // anaphora with and without an anchor
		strings.Repeat("a year earlier quarter. ", 5000),    // quarterTalk's look-back is bounded
	}
	for _, s := range inputs {
		checkInvariants(t, s, New().Find(s, ref))
	}
	// Extreme reference times must not panic.
	for _, r := range []time.Time{{}, time.Unix(1<<40, 0), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)} {
		s := benchSentence + " last week, two days ago, in December, on Tuesday, in the 1990s"
		checkInvariants(t, s, New().Find(s, r))
	}
}

// Find must stay linear: a large input costs about its share of the
// per-article time.
func TestLinear(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip()
	}
	ref := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	n := New()
	small := benchArticle
	big := strings.Repeat(benchArticle, 200) // about 1 MB
	start := time.Now()
	for range 200 {
		n.Find(small, ref)
	}
	perSmall := time.Since(start)
	start = time.Now()
	n.Find(big, ref)
	if perBig := time.Since(start); perBig > 4*perSmall+50*time.Millisecond {
		t.Fatalf("1 MB took %v, 200 articles took %v", perBig, perSmall)
	}
}

func FuzzFind(f *testing.F) {
	for _, tc := range cases {
		f.Add(tc.text)
	}
	f.Add("\xff\xfe May 8\xc3")
	f.Add(benchArticle)
	n := New()
	ref := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		got := n.Find(text, ref)
		checkInvariants(t, text, got)
		if utf8.ValidString(text) {
			for _, e := range got {
				if !utf8.ValidString(e.Text) {
					t.Fatalf("expression %q cuts a rune", e.Text)
				}
			}
		}
	})
}

const benchSentence = "In late April, Putin unilaterally declared a cease-fire from May 8 through May 10, " +
	"after more than three years of fighting."

// benchArticle is about 600 words of news prose.
var benchArticle = strings.Repeat(
	"ISTANBUL (AP) — Russian and Ukrainian delegations met in Istanbul on Friday for their first direct talks "+
		"in more than three years, but the meeting ended after less than two hours without agreement on a cease-fire. "+
		"Ukrainian President Volodymyr Zelenskyy said Saturday that Kyiv was ready for a 30-day truce and would "+
		"send a delegation again next week if Moscow showed it was serious. In March, Ukraine signaled its support "+
		"for a U.S.-backed proposal, and in late April, Putin unilaterally declared a cease-fire from May 8 through "+
		"May 10 to coincide with the 80th anniversary of the Allied victory in World War II. The sides agreed to "+
		"exchange 1,000 prisoners each, the largest swap since the war began on Feb. 24, 2022. Officials may meet "+
		"again in June, and a summit between the leaders could follow later this year, a Turkish diplomat said. ",
	6)

func BenchmarkFind(b *testing.B) {
	n := New()
	ref := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	b.Run("sentence", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchSentence)))
		for b.Loop() {
			n.Find(benchSentence, ref)
		}
	})
	b.Run("article", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchArticle)))
		for b.Loop() {
			n.Find(benchArticle, ref)
		}
	})
}
