package digest_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/digest"
)

// The fixtures below are small invented stories. Every citation is its own
// article unless a test says otherwise, published at 08:00 UTC on the day
// given.

var day = briefing.Date

type story struct {
	evs         []*briefing.Event
	nextID      int64
	nextArticle int64
}

// add records a development on date reported by one new article for each
// publication day in published.
func (s *story) add(date briefing.EventDate, summary string, published ...briefing.Day) *briefing.Event {
	s.nextID++
	ev := &briefing.Event{ID: s.nextID, Date: date, Summary: summary}
	for _, p := range published {
		s.cite(ev, p)
	}
	s.evs = append(s.evs, ev)
	return ev
}

// cite adds a new article published on p to ev's citations.
func (s *story) cite(ev *briefing.Event, p briefing.Day) {
	s.nextArticle++
	ev.Citations = append(ev.Citations, briefing.Citation{
		ArticleID: s.nextArticle,
		Source:    fmt.Sprintf("Wire %d", s.nextArticle),
		URL:       fmt.Sprintf("https://news.example/%d", s.nextArticle),
		Published: p.Time().Add(8 * time.Hour),
		Sentence:  ev.Summary,
	})
}

func on(d briefing.Day) briefing.EventDate { return briefing.DayDate(d) }

// datesOf lists a timeline's dates as a reader sees them.
func datesOf(tl digest.Timeline) []string {
	var out []string
	for _, d := range tl.Dates {
		out = append(out, d.Date.String())
	}
	return out
}

func find(tl digest.Timeline, d briefing.EventDate) (digest.Date, bool) {
	for _, x := range tl.Dates {
		if x.Date.Lo == d.Lo && x.Date.Hi == d.Hi && x.Date.Gran == d.Gran && x.Date.Mod == d.Mod {
			return x, true
		}
	}
	return digest.Date{}, false
}

func lineIDs(d digest.Date) []int64 {
	var out []int64
	for _, ev := range d.Lines {
		out = append(out, ev.ID)
	}
	return out
}

// --- which dates matter ---

func TestDateReferredBackToOutranksDateReportedOnce(t *testing.T) {
	var s story
	// one article on the day about a minor development
	s.add(on(day(2025, 3, 3)), "The harbour authority published its spring dredging schedule.", day(2025, 3, 3))
	// three articles weeks later go back to the vote
	vote := s.add(on(day(2025, 3, 24)), "Parliament voted to dissolve the harbour authority board.")
	for _, p := range []briefing.Day{day(2025, 4, 14), day(2025, 4, 22), day(2025, 5, 2)} {
		s.cite(vote, p)
	}
	tl := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(tl.Dates) != 1 || tl.Dates[0].Date != vote.Date {
		t.Fatalf("Dates:1 chose %v, want the vote of 24 March that three later articles refer back to", datesOf(tl))
	}
	if d := tl.Dates[0]; d.Refs != 3 || d.Reports != 0 {
		t.Errorf("24 March: %d refs, %d reports; want 3 refs, 0 reports", d.Refs, d.Reports)
	}

	all := digest.Summarize(s.evs, digest.Options{Dates: 2})
	first, _ := find(all, on(day(2025, 3, 3)))
	second, _ := find(all, vote.Date)
	if first.Reports != 1 || first.Refs != 0 {
		t.Errorf("3 March: %d reports, %d refs; want 1 report", first.Reports, first.Refs)
	}
	if !(second.Score > first.Score) {
		t.Errorf("score of the date referred back to (%v) not above the date reported once (%v)", second.Score, first.Score)
	}
}

func TestLaterReferencesWeighMoreThanSameDayReports(t *testing.T) {
	var s story
	// three articles on the day (and the day after) ...
	s.add(on(day(2025, 2, 10)), "Two ferries collided in fog outside the northern breakwater.", day(2025, 2, 10), day(2025, 2, 10), day(2025, 2, 11))
	// ... against three articles that come back to a date later
	inquiry := s.add(on(day(2025, 3, 17)), "An inquiry blamed a broken radar for the ferry collision.")
	for _, p := range []briefing.Day{day(2025, 4, 20), day(2025, 5, 30), day(2025, 7, 1)} {
		s.cite(inquiry, p)
	}
	tl := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(tl.Dates) != 1 || tl.Dates[0].Date != inquiry.Date {
		t.Fatalf("Dates:1 chose %v, want 17 March, which later articles keep returning to", datesOf(tl))
	}
	all := digest.Summarize(s.evs, digest.Options{})
	if d, _ := find(all, on(day(2025, 2, 10))); d.Reports != 3 || d.Refs != 0 {
		t.Errorf("10 February: %d reports, %d refs; want 3 reports (the day after counts as the day)", d.Reports, d.Refs)
	}
}

func TestDateReportedWidelyOutranksDateReportedOnce(t *testing.T) {
	var s story
	s.add(on(day(2025, 6, 5)), "A regional airline added a second weekly flight to the islands.", day(2025, 6, 5))
	strike := s.add(on(day(2025, 7, 20)), "Air traffic controllers walked out, grounding every flight in the country.",
		day(2025, 7, 20), day(2025, 7, 20), day(2025, 7, 20), day(2025, 7, 21), day(2025, 7, 21))
	tl := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(tl.Dates) != 1 || tl.Dates[0].Date != strike.Date {
		t.Fatalf("Dates:1 chose %v, want 20 July, reported by five articles", datesOf(tl))
	}
	if d := tl.Dates[0]; d.Reports != 5 || d.Developments != 1 || len(d.Lines) != 1 || d.Lines[0] != strike {
		t.Errorf("20 July: %d reports, %d developments, lines %v", d.Reports, d.Developments, lineIDs(d))
	}
}

func TestDatesOneReturnsTheMostImportantDate(t *testing.T) {
	var s story
	// supports 1, 4, 2 and 3 articles on the day, in date order
	s.add(on(day(2025, 1, 6)), "The city council opened consultations on a new tram line.", day(2025, 1, 6))
	top := s.add(on(day(2025, 2, 3)), "The council approved the tram line after a nine-hour session.",
		day(2025, 2, 3), day(2025, 2, 3), day(2025, 2, 3), day(2025, 2, 4))
	s.add(on(day(2025, 3, 3)), "Residents filed a legal challenge against the tram route.", day(2025, 3, 3), day(2025, 3, 3))
	s.add(on(day(2025, 4, 7)), "A court suspended work on the tram depot pending review.", day(2025, 4, 7), day(2025, 4, 7), day(2025, 4, 8))
	tl := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(tl.Dates) != 1 || tl.Dates[0].Date != top.Date {
		t.Fatalf("Dates:1 chose %v, want 3 February 2025", datesOf(tl))
	}
	if tl.AllDates != 4 || tl.Developments != 4 {
		t.Errorf("chosen from %d dates, %d developments; want 4 and 4", tl.AllDates, tl.Developments)
	}
	// and the next two, in date order
	tl = digest.Summarize(s.evs, digest.Options{Dates: 3})
	if got, want := datesOf(tl), []string{"3 February 2025", "3 March 2025", "7 April 2025"}; !slices.Equal(got, want) {
		t.Errorf("Dates:3 chose %v, want %v", got, want)
	}
}

func TestQuietWeekOutranksCrowdedWeek(t *testing.T) {
	var s story
	// a busy week: the date itself has two articles, but a dozen others
	// are published around it
	busy := s.add(on(day(2025, 4, 10)), "The finance minister presented the draft budget to parliament.", day(2025, 4, 10), day(2025, 4, 10))
	filler := []string{
		"Teachers' unions criticised the education line of the budget.",
		"The central bank left interest rates unchanged.",
		"Opposition leaders called the draft budget a missed chance.",
		"Farmers asked for a larger fuel subsidy.",
		"The statistics office revised growth for last year upward.",
		"Hospital directors warned of staff shortages in the spring.",
		"A rating agency kept the country's outlook at stable.",
		"Pensioners marched outside the finance ministry.",
		"The senate scheduled its first reading of the budget.",
		"Economists questioned the revenue forecast.",
		"Regional governors asked for a share of the fuel tax.",
		"The prime minister defended the spending plan on radio.",
	}
	for i, f := range filler {
		d := day(2025, 4, 4+i) // 4 to 16 April, one story a day
		if d >= busy.Date.Lo {
			d = d.AddDays(1)
		}
		s.add(on(d), f, d)
	}
	// a quiet week later in the year, with the same two articles
	quiet := s.add(on(day(2025, 6, 10)), "Parliament passed the amended budget by a narrow margin.", day(2025, 6, 10), day(2025, 6, 10))

	tl := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(tl.Dates) != 1 || tl.Dates[0].Date != quiet.Date {
		t.Fatalf("Dates:1 chose %v, want 10 June (quiet week) over 10 April (crowded week)", datesOf(tl))
	}
	all := digest.Summarize(s.evs, digest.Options{Dates: digest.MaxDates})
	b, _ := find(all, busy.Date)
	q, _ := find(all, quiet.Date)
	if b.Reports != q.Reports {
		t.Fatalf("fixture: reports %d and %d, want equal raw counts", b.Reports, q.Reports)
	}
	if !(q.Score > b.Score) {
		t.Errorf("quiet date score %v not above crowded date score %v", q.Score, b.Score)
	}
	// the discount must not erase raw support: the crowded date with two
	// articles still beats the one-article stories around it
	for _, d := range all.Dates {
		if d.Date != busy.Date && d.Date != quiet.Date && d.Score >= b.Score {
			t.Errorf("%s (one article) scores %v, not below 10 April (two articles) %v", d.Date, d.Score, b.Score)
		}
	}
}

func TestDayOutranksVagueMonthWithSameSupport(t *testing.T) {
	var s story
	late := s.add(briefing.MonthDate(2025, time.April, briefing.ModEnd), "In late April, the mining company began evacuating the lower galleries.",
		day(2025, 4, 29), day(2025, 4, 30))
	dayEv := s.add(on(day(2025, 5, 20)), "The mine's owner announced it would close the pit for good.",
		day(2025, 5, 20), day(2025, 5, 20))
	tl := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(tl.Dates) != 1 || tl.Dates[0].Date != dayEv.Date {
		t.Fatalf("Dates:1 chose %v, want 20 May over late April", datesOf(tl))
	}
	all := digest.Summarize(s.evs, digest.Options{})
	l, _ := find(all, late.Date)
	if l.Reports != 2 || l.Date.String() != "late April 2025" {
		t.Errorf("late April: %d reports, shown as %q; want 2 reports (its articles are from its last days)", l.Reports, l.Date)
	}
}

func TestCentralActorsLiftADate(t *testing.T) {
	var s story
	// the mayor is in most of the story; the caterer once
	for i, line := range []string{
		"The mayor proposed closing the old market hall.",
		"The mayor met stallholders to discuss the closure.",
		"The mayor postponed the vote on the market hall.",
	} {
		ev := s.add(on(day(2025, 1, 10).AddDays(60*i)), line, day(2025, 1, 10).AddDays(60*i))
		ev.Actors = []string{"mayor"}
	}
	caterer := s.add(on(day(2025, 9, 1)), "A caterer won the contract to run the hall's cafe.", day(2025, 9, 1), day(2025, 9, 1))
	caterer.Actors = []string{"caterer"}
	mayor := s.add(on(day(2025, 10, 20)), "The mayor signed the order to sell the market hall.", day(2025, 10, 20), day(2025, 10, 20))
	mayor.Actors = []string{"mayor"}

	tl := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(tl.Dates) != 1 || tl.Dates[0].Date != mayor.Date {
		t.Fatalf("Dates:1 chose %v, want 20 October, the date of the story's central actor", datesOf(tl))
	}
}

// --- options ---

// distinctLine returns an invented line sharing no word with the line of
// any other n.
func distinctLine(n int) string {
	return fmt.Sprintf("Crew%d repaired bridge%d near village%d after storm%d.", n, n, n, n)
}

func TestOptionDefaults(t *testing.T) {
	var s story
	n := 0
	for i := range 30 {
		d := day(2025, 1, 1).AddDays(20 * i)
		for range 3 {
			s.add(on(d), distinctLine(n), d)
			n++
		}
	}
	tl := digest.Summarize(s.evs, digest.Options{})
	if len(tl.Dates) != digest.DefaultDates || digest.DefaultDates != 10 {
		t.Errorf("zero Options kept %d dates, want DefaultDates = 10", len(tl.Dates))
	}
	for _, d := range tl.Dates {
		if len(d.Lines) != digest.DefaultPerDate || digest.DefaultPerDate != 2 {
			t.Errorf("%s: %d lines, want DefaultPerDate = 2", d.Date, len(d.Lines))
		}
	}
	if tl.Developments != 90 || tl.AllDates != 30 || tl.Lines() != 20 {
		t.Errorf("Developments %d, AllDates %d, Lines %d; want 90, 30, 20", tl.Developments, tl.AllDates, tl.Lines())
	}
	// negative values mean the default too
	neg := digest.Summarize(s.evs, digest.Options{Dates: -1, PerDate: -3})
	if len(neg.Dates) != 10 || neg.Lines() != 20 {
		t.Errorf("negative options: %d dates, %d lines; want the defaults", len(neg.Dates), neg.Lines())
	}
	one := digest.Summarize(s.evs, digest.Options{Dates: 4, PerDate: 1})
	if len(one.Dates) != 4 || one.Lines() != 4 {
		t.Errorf("Dates:4 PerDate:1 gave %d dates, %d lines", len(one.Dates), one.Lines())
	}
}

func TestOptionCaps(t *testing.T) {
	var s story
	for i := range digest.MaxDates + 100 {
		d := day(2024, 1, 1).AddDays(i)
		s.add(on(d), distinctLine(i), d)
	}
	tl := digest.Summarize(s.evs, digest.Options{Dates: 100_000})
	if len(tl.Dates) != digest.MaxDates || digest.MaxDates != 500 {
		t.Errorf("Dates:100000 kept %d dates, want MaxDates = 500", len(tl.Dates))
	}
	if tl.AllDates != digest.MaxDates+100 {
		t.Errorf("AllDates %d, want %d", tl.AllDates, digest.MaxDates+100)
	}

	var one story
	d := day(2025, 5, 16)
	for i := range 15 {
		one.add(on(d), distinctLine(i), d)
	}
	tl = digest.Summarize(one.evs, digest.Options{PerDate: 1000})
	if len(tl.Dates) != 1 || len(tl.Dates[0].Lines) != digest.MaxPerDate || digest.MaxPerDate != 10 {
		t.Errorf("PerDate:1000 on a date with 15 distinct lines: %d lines, want MaxPerDate = 10", tl.Lines())
	}
}

func TestDayOnlyDropsVagueDates(t *testing.T) {
	var s story
	s.add(on(day(2025, 4, 3)), "Firefighters contained the blaze on the eastern ridge.", day(2025, 4, 3))
	s.add(briefing.MonthDate(2025, time.April, briefing.ModEnd), "In late April, rain returned to the burned hills.", day(2025, 5, 2))
	s.add(briefing.RangeDate(day(2025, 5, 8), day(2025, 5, 10)), "From May 8 to May 10, crews cleared the mountain road.", day(2025, 5, 11))
	s.add(briefing.EventDate{Value: "2025-W20", Gran: briefing.GranWeek, Lo: day(2025, 5, 12), Hi: day(2025, 5, 18), Origin: briefing.OriginExplicit},
		"During the week of May 12, volunteers replanted the picnic area.", day(2025, 5, 19))
	s.add(briefing.MonthDate(2025, time.June, briefing.ModNone), "In June the park reopened its lower trails.", day(2025, 7, 1))
	s.add(on(day(2025, 5, 16)), "The regional government approved a fund for the burned villages.", day(2025, 5, 16))

	all := digest.Summarize(s.evs, digest.Options{})
	if len(all.Dates) != 6 {
		t.Fatalf("without DayOnly: %v, want all six dates", datesOf(all))
	}
	tl := digest.Summarize(s.evs, digest.Options{DayOnly: true})
	if got, want := datesOf(tl), []string{"3 April 2025", "16 May 2025"}; !slices.Equal(got, want) {
		t.Errorf("DayOnly kept %v, want %v", got, want)
	}
	if tl.Developments != 2 || tl.AllDates != 2 {
		t.Errorf("DayOnly counts: %d developments, %d dates; want 2 and 2", tl.Developments, tl.AllDates)
	}
}

func TestSinceUntilBoundTheDates(t *testing.T) {
	var s story
	for i, d := range []briefing.Day{day(2025, 3, 30), day(2025, 4, 1), day(2025, 4, 15), day(2025, 4, 30), day(2025, 5, 1)} {
		// each date well supported, so the bounds and not the ranking decide
		s.add(on(d), distinctLine(i), d, d, d)
	}
	s.add(briefing.MonthDate(2025, time.March, briefing.ModEnd), "In late March, the bridge was closed to lorries.", day(2025, 4, 20))

	tl := digest.Summarize(s.evs, digest.Options{Since: day(2025, 4, 1), Until: day(2025, 4, 30)})
	if got, want := datesOf(tl), []string{"1 April 2025", "15 April 2025", "30 April 2025"}; !slices.Equal(got, want) {
		t.Errorf("Since 1 April, Until 30 April kept %v, want %v (bounds inclusive)", got, want)
	}
	if tl.Developments != 3 || tl.AllDates != 3 {
		t.Errorf("bounded counts: %d developments, %d dates; want 3 and 3", tl.Developments, tl.AllDates)
	}
	since := digest.Summarize(s.evs, digest.Options{Since: day(2025, 4, 15)})
	if got, want := datesOf(since), []string{"15 April 2025", "30 April 2025", "1 May 2025"}; !slices.Equal(got, want) {
		t.Errorf("Since 15 April kept %v, want %v", got, want)
	}
	until := digest.Summarize(s.evs, digest.Options{Until: day(2025, 3, 31)})
	if got, want := datesOf(until), []string{"late March 2025", "30 March 2025"}; !slices.Equal(got, want) {
		t.Errorf("Until 31 March kept %v, want %v", got, want)
	}
}

func TestChosenDatesComeBackInDateOrder(t *testing.T) {
	var s story
	// support deliberately out of date order: 1, 5, 2, 4, 1, 3 articles
	support := []int{1, 5, 2, 4, 1, 3}
	var evs []*briefing.Event
	for i, n := range support {
		d := day(2025, 8, 1).AddDays(-30 * i) // dates run backwards in the input
		pubs := make([]briefing.Day, n)
		for j := range pubs {
			pubs[j] = d
		}
		evs = append(evs, s.add(on(d), distinctLine(i), pubs...))
	}
	tl := digest.Summarize(s.evs, digest.Options{Dates: 3})
	var want []string
	for _, i := range []int{5, 3, 1} { // 3, 4 and 5 articles, oldest first
		want = append(want, evs[i].Date.String())
	}
	if got := datesOf(tl); !slices.Equal(got, want) {
		t.Errorf("Dates:3 gave %v, want the three best-supported dates oldest first %v", got, want)
	}
	for i := 1; i < len(tl.Dates); i++ {
		if tl.Dates[i].Date.Lo <= tl.Dates[i-1].Date.Lo {
			t.Errorf("dates out of order: %v", datesOf(tl))
		}
	}
}

func TestCounts(t *testing.T) {
	var s story
	d1, d2 := day(2025, 5, 8), day(2025, 5, 16)
	a := s.add(on(d1), "The two sides agreed to a three-day pause in shelling.", d1, d1)
	b := s.add(on(d1), "Aid convoys crossed the river during the pause.", d1)
	// one article reports both a and b: it counts once for the date
	s.cite(a, day(2025, 5, 9))
	b.Citations = append(b.Citations, a.Citations[len(a.Citations)-1])
	c := s.add(on(d2), "Delegations met at the border crossing to discuss prisoners.", d2)
	// a later look back
	s.cite(c, day(2025, 6, 30))
	// undated: not counted
	s.add(briefing.EventDate{}, "Officials said the talks would continue.", d2)

	tl := digest.Summarize(s.evs, digest.Options{})
	if tl.Developments != 3 || tl.AllDates != 2 {
		t.Errorf("Developments %d, AllDates %d; want 3 (the undated one left out) and 2", tl.Developments, tl.AllDates)
	}
	x, _ := find(tl, on(d1))
	if x.Developments != 2 || x.Reports != 4 || x.Refs != 0 {
		t.Errorf("8 May: %d developments, %d reports, %d refs; want 2, 4 (distinct articles), 0", x.Developments, x.Reports, x.Refs)
	}
	y, _ := find(tl, on(d2))
	if y.Developments != 1 || y.Reports != 1 || y.Refs != 1 {
		t.Errorf("16 May: %d developments, %d reports, %d refs; want 1, 1, 1", y.Developments, y.Reports, y.Refs)
	}
	if tl.Lines() != 3 {
		t.Errorf("Lines() = %d, want 3", tl.Lines())
	}
}

// --- which lines tell a date ---

func TestCentralLineChosenFirst(t *testing.T) {
	var s story
	d := day(2025, 9, 12)
	s.add(on(d), "Grain corridor accord signed after overnight talks.", d)
	s.add(on(d), "Ankara ministers welcomed the grain corridor accord.", d)
	s.add(on(d), "Harbour cranes at the port were repainted blue.", d)
	s.add(on(d), "Insurers raised premiums for tankers in the gulf.", d)
	central := s.add(on(d), "Ministers signed the grain corridor accord in Ankara after talks.", d)
	// other dates of the story, told in other words
	s.add(on(day(2025, 8, 1)), "Wheat prices rose on fears of a long blockade.", day(2025, 8, 1))
	s.add(on(day(2025, 10, 3)), "The first freighter left Odessa carrying maize.", day(2025, 10, 3))

	tl := digest.Summarize(s.evs, digest.Options{PerDate: 1})
	x, ok := find(tl, on(d))
	if !ok || len(x.Lines) != 1 || x.Lines[0] != central {
		t.Errorf("12 September told by %v, want #%d %q, the line sharing what the date's reports share", lineIDs(x), central.ID, central.Summary)
	}
}

func TestLineCitedMoreBeatsEquallyCentralLine(t *testing.T) {
	var s story
	d := day(2025, 11, 4)
	// the same words, so equally central; the second (higher ID) has three articles
	s.add(on(d), "Rescue teams reached the flooded valley villages on foot.", d)
	wide := s.add(on(d), "On foot, rescue teams reached villages in the flooded valley.", d, d, day(2025, 11, 5))
	s.add(on(d), "The weather service expects more rain in the valley.", d)
	tl := digest.Summarize(s.evs, digest.Options{PerDate: 1})
	if len(tl.Dates) != 1 || len(tl.Dates[0].Lines) != 1 || tl.Dates[0].Lines[0] != wide {
		t.Errorf("chose %v, want #%d, carried by three articles", lineIDs(tl.Dates[0]), wide.ID)
	}
}

func TestLineRepeatingAnotherDateIsNotChosenAgain(t *testing.T) {
	var s story
	d1, d2 := day(2025, 5, 2), day(2025, 5, 9)
	first := s.add(on(d1), "Dam engineers opened the spillway gates to relieve the reservoir.", d1, d1, d1)
	// a week later, a near-verbatim repeat, widely cited, and a new line
	repeat := s.add(on(d2), "Dam engineers opened the spillway gates to relieve the reservoir again.", d2, d2, d2, d2)
	fresh := s.add(on(d2), "Downstream farmers were told to move livestock to higher ground.", d2)
	for _, per := range []int{1, 2} {
		tl := digest.Summarize(s.evs, digest.Options{PerDate: per})
		if len(tl.Dates) != 2 {
			t.Fatalf("PerDate:%d: dates %v", per, datesOf(tl))
		}
		if got := lineIDs(tl.Dates[0]); !slices.Equal(got, []int64{first.ID}) {
			t.Errorf("PerDate:%d: 2 May told by %v, want [%d]", per, got, first.ID)
		}
		if got := lineIDs(tl.Dates[1]); !slices.Equal(got, []int64{fresh.ID}) {
			t.Errorf("PerDate:%d: 9 May told by %v, want only the new line [%d] (not the repeat #%d)", per, got, fresh.ID, repeat.ID)
		}
	}
}

func TestNearDuplicateLinesOnOneDate(t *testing.T) {
	var s story
	d := day(2025, 3, 14)
	a := s.add(on(d), "The central bank raised its main rate by half a point.", d, d)
	b := s.add(on(d), "The central bank raised its main interest rate by half a point.", d)
	other := s.add(on(d), "Mortgage lenders said they would pass the increase on within a week.", d)
	tl := digest.Summarize(s.evs, digest.Options{PerDate: 2})
	got := lineIDs(tl.Dates[0])
	if len(got) != 2 || !(slices.Contains(got, a.ID) != slices.Contains(got, b.ID)) || !slices.Contains(got, other.ID) {
		t.Errorf("PerDate:2 chose %v, want one of the near-duplicates #%d/#%d and the different line #%d", got, a.ID, b.ID, other.ID)
	}

	// with no different line available, the date keeps one line, not two
	// that say the same
	var dup story
	dup.add(on(d), a.Summary, d, d)
	dup.add(on(d), b.Summary, d)
	tl = digest.Summarize(dup.evs, digest.Options{PerDate: 2})
	if n := tl.Lines(); n != 1 {
		t.Errorf("PerDate:2 on two near-duplicates gave %d lines %v, want 1", n, lineIDs(tl.Dates[0]))
	}
}

// --- determinism ---

// floodStory is an invented story of some forty developments over four
// months: dates of several kinds, developments sharing an article, several
// developments on one date, actors, and a few later articles looking back.
func floodStory() []*briefing.Event {
	var s story
	type dev struct {
		date    briefing.EventDate
		origin  briefing.DateOrigin
		summary string
		actors  []string
		pubs    []int // publication days, relative to the date
	}
	d := func(m time.Month, dd int) briefing.EventDate { return on(day(2025, m, dd)) }
	devs := []dev{
		{d(3, 2), "", "Heavy rain swelled the Lenna river above its spring average.", nil, []int{0}},
		{d(3, 5), "", "The river burst its banks at Halden and flooded the lower town.", []string{"halden"}, []int{0, 0, 1, 1, 20}},
		{d(3, 5), briefing.OriginPublished, "Firefighters rescued forty residents by boat from rooftops.", []string{"fire_service"}, []int{0, 1}},
		{d(3, 5), briefing.OriginContext, "The railway line to the coast was cut by a landslide.", nil, []int{1}},
		{d(3, 6), "", "The governor declared a state of emergency in three districts.", []string{"governor"}, []int{0, 0, 0, 30, 61}},
		{d(3, 6), briefing.OriginContext, "Schools across the valley were closed until further notice.", []string{"governor"}, []int{0}},
		{d(3, 9), "", "Army engineers began building a temporary dyke north of Halden.", []string{"army"}, []int{0, 1}},
		{d(3, 12), "", "Water levels fell for the first time since the flood.", nil, []int{0}},
		{d(3, 12), briefing.OriginPublished, "Insurers estimated the damage at two hundred million.", []string{"insurers"}, []int{0}},
		{briefing.MonthDate(2025, time.March, briefing.ModEnd), "", "In late March, cleanup crews cleared mud from the main street.", []string{"halden"}, []int{3, 9}},
		{d(3, 24), "", "The prime minister visited Halden and promised a reconstruction fund.", []string{"prime_minister", "halden"}, []int{0, 0, 1}},
		{d(3, 28), "", "Parliament approved an emergency budget for flooded towns.", []string{"parliament"}, []int{0, 1, 45}},
		{d(4, 2), "", "The first families returned to their homes in the lower town.", []string{"halden"}, []int{0}},
		{d(4, 2), briefing.OriginContext, "Volunteers handed out cleaning kits at the town hall.", nil, []int{0}},
		{briefing.RangeDate(day(2025, 4, 7), day(2025, 4, 9)), "", "From April 7 to 9, inspectors checked every bridge in the district.", []string{"inspectors"}, []int{3}},
		{d(4, 11), "", "Inspectors closed the old stone bridge as unsafe.", []string{"inspectors"}, []int{0, 1, 40}},
		{d(4, 15), "", "The railway to the coast reopened after repairs.", nil, []int{0}},
		{d(4, 18), "", "A report blamed blocked culverts for the speed of the flooding.", []string{"inspectors"}, []int{0, 0, 12, 33}},
		{d(4, 18), "", "Residents demanded the resignation of the water board chairman.", []string{"water_board"}, []int{1}},
		{d(4, 22), "", "The water board chairman resigned.", []string{"water_board"}, []int{0, 0, 1, 25}},
		{d(4, 25), "", "The reconstruction fund opened for applications.", []string{"prime_minister"}, []int{0}},
		{briefing.MonthDate(2025, time.May, briefing.ModStart), "", "In early May, the army handed the dyke over to the water board.", []string{"army", "water_board"}, []int{8}},
		{d(5, 6), "", "Shops on the main street of Halden reopened.", []string{"halden"}, []int{0}},
		{d(5, 9), "", "Engineers proposed a permanent flood wall along the river.", []string{"water_board"}, []int{0, 1}},
		{d(5, 14), "", "The governor lifted the state of emergency.", []string{"governor"}, []int{0, 0, 1}},
		{d(5, 14), briefing.OriginPublished, "Schools in the valley reopened for the summer term.", nil, []int{0}},
		{d(5, 20), "", "Farmers received the first compensation payments for lost crops.", []string{"farmers"}, []int{0}},
		{d(5, 27), "", "The new water board chairman promised to clear every culvert by autumn.", []string{"water_board"}, []int{0, 1}},
		{d(6, 3), "", "Parliament debated a law requiring flood maps for new housing.", []string{"parliament"}, []int{0}},
		{d(6, 10), "", "Work began on the permanent flood wall.", []string{"water_board"}, []int{0, 0, 14}},
		{d(6, 10), briefing.OriginContext, "The contract went to a consortium of two local builders.", nil, []int{0}},
		{d(6, 19), "", "The old stone bridge reopened to pedestrians only.", []string{"inspectors"}, []int{0}},
		{d(6, 26), "", "Parliament passed the flood map law by a large majority.", []string{"parliament"}, []int{0, 0, 1}},
		{d(6, 30), "", "The governor said the reconstruction of Halden was half done.", []string{"governor", "halden"}, []int{0}},
	}
	var evs []*briefing.Event
	for _, x := range devs {
		if x.origin != "" {
			x.date.Origin = x.origin
		}
		ev := s.add(x.date, x.summary)
		ev.Actors = x.actors
		for _, p := range x.pubs {
			s.cite(ev, x.date.Hi.AddDays(p))
		}
		evs = append(evs, ev)
	}
	// one long article of 6 March reports several developments
	roundup := evs[4].Citations[0]
	for _, i := range []int{1, 2, 5} {
		evs[i].Citations = append(evs[i].Citations, roundup)
	}
	return s.evs
}

func fingerprint(tl digest.Timeline) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d developments, %d dates\n", tl.Developments, tl.AllDates)
	for _, d := range tl.Dates {
		x := d.Date
		fmt.Fprintf(&b, "%s: %q %d..%d %s %q range=%v; %d/%d/%d %v\n", x, x.Value, x.Lo, x.Hi, x.Gran, x.Mod, x.Range,
			d.Developments, d.Reports, d.Refs, lineIDs(d))
	}
	return b.String()
}

func TestShuffledInputGivesSameTimeline(t *testing.T) {
	evs := floodStory()
	for _, o := range []digest.Options{{}, {Dates: 5, PerDate: 3}, {DayOnly: true}, {Dates: 50, PerDate: 1}} {
		want := fingerprint(digest.Summarize(evs, o))
		rng := rand.New(rand.NewPCG(2025, 5))
		for i := range 20 {
			shuffled := slices.Clone(evs)
			rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
			if got := fingerprint(digest.Summarize(shuffled, o)); got != want {
				t.Fatalf("options %+v, shuffle %d:\n%s\nwant\n%s", o, i, got, want)
			}
		}
	}
}

// Two developments with the same words and the same support tie exactly;
// the package promises ties broken by event ID, the same on every run.
func TestIdenticalLinesTieBrokenByID(t *testing.T) {
	var s story
	d := day(2025, 6, 3)
	first := s.add(on(d), "Volunteers rebuilt the footbridge over the Lenna river within nine days of the flood.", d)
	second := s.add(on(d), "Volunteers rebuilt the footbridge over the Lenna river within nine days of the flood.", d)
	s.add(on(d), "The footbridge reopened to schoolchildren crossing the river each morning.", d, d)
	s.add(on(d), "Engineers said the flood had scoured the river bed under the old piers.", d, d, d)
	s.add(on(d.AddDays(40)), "Insurers paid the first flood claims to riverside shopkeepers.", d.AddDays(40))
	for i := range 300 {
		tl := digest.Summarize(s.evs, digest.Options{PerDate: 3})
		if ids := lineIDs(tl.Dates[0]); slices.Contains(ids, second.ID) || !slices.Contains(ids, first.ID) {
			t.Fatalf("run %d: 3 June told by %v; of the identical #%d and #%d, want the lower ID every time", i, ids, first.ID, second.ID)
		}
	}
}

// When every line of a date repeats a line chosen for an earlier date, the
// date still gets one line; which one must not depend on the input order.
func TestShuffleWhenEveryLineRepeatsAnEarlierDate(t *testing.T) {
	var s story
	d1, d2 := day(2025, 4, 1), day(2025, 4, 20)
	s.add(on(d1), "Crews closed the coastal road near the northern ridge.", d1, d1)
	s.add(on(d2), "Crews closed the coastal road near the northern ridge again.", d2)
	s.add(on(d2), "Crews closed the coastal road near the ridge.", d2, d2)
	s.add(on(d2), "The coastal road near the northern ridge was closed by crews.", d2, d2, d2)
	want := fingerprint(digest.Summarize(s.evs, digest.Options{}))
	rng := rand.New(rand.NewPCG(4, 20))
	for i := range 20 {
		shuffled := slices.Clone(s.evs)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if got := fingerprint(digest.Summarize(shuffled, digest.Options{})); got != want {
			t.Fatalf("shuffle %d:\n%s\nwant\n%s", i, got, want)
		}
	}
}

// Date.Date is "as the developments on it state it": when one development
// states the date and another took it from the publication date, the
// summary's date must not depend on which came first in the input.
func TestShuffledDateKeepsItsOrigin(t *testing.T) {
	var s story
	d := day(2025, 3, 5)
	stated := s.add(on(d), "The river burst its banks at Halden on March 5.", d)
	borrowed := s.add(on(d), "Firefighters rescued forty residents by boat.", d)
	borrowed.Date.Origin = briefing.OriginPublished
	for _, evs := range [][]*briefing.Event{{stated, borrowed}, {borrowed, stated}} {
		tl := digest.Summarize(evs, digest.Options{})
		if got := tl.Dates[0].Date.Origin; got != briefing.OriginExplicit {
			t.Errorf("input order #%d, #%d: date origin %q, want %q (one development states it)", evs[0].ID, evs[1].ID, got, briefing.OriginExplicit)
		}
	}
}

// A development that reverses an earlier one uses the earlier one's words
// ("declared" / "lifted the state of emergency"); it is news, not a repeat,
// and should tell its date rather than a side remark of the same day.
func TestReversalIsNotTakenForARepeat(t *testing.T) {
	var s story
	d1, d2 := day(2025, 3, 6), day(2025, 5, 14)
	s.add(on(d1), "The governor declared a state of emergency in three districts.", d1, d1, d1)
	lifted := s.add(on(d2), "The governor lifted the state of emergency.", d2, d2, d2)
	s.add(on(d2), "A bakery on the main square repainted its shutters.", d2)
	tl := digest.Summarize(s.evs, digest.Options{PerDate: 1})
	if got := lineIDs(tl.Dates[1]); !slices.Equal(got, []int64{lifted.ID}) {
		t.Errorf("14 May told by %v, want #%d %q", got, lifted.ID, lifted.Summary)
	}
}

// --- edge cases ---

func TestEmptyAndDegenerateInput(t *testing.T) {
	for _, evs := range [][]*briefing.Event{nil, {}} {
		tl := digest.Summarize(evs, digest.Options{})
		if len(tl.Dates) != 0 || tl.Developments != 0 || tl.AllDates != 0 || tl.Lines() != 0 {
			t.Errorf("Summarize(%v) = %+v, want an empty timeline", evs, tl)
		}
	}

	var undated story
	undated.add(briefing.EventDate{}, "Officials said more talks would follow.", day(2025, 5, 20))
	undated.add(briefing.EventDate{Origin: briefing.OriginPublished}, "A spokesman declined to comment.", day(2025, 5, 21))
	if tl := digest.Summarize(undated.evs, digest.Options{}); len(tl.Dates) != 0 || tl.Developments != 0 || tl.AllDates != 0 {
		t.Errorf("undated events gave %+v, want nothing to summarise", tl)
	}
}

func TestEventsWithoutCitations(t *testing.T) {
	var s story
	a := s.add(on(day(2025, 2, 1)), "The museum closed its west wing for repairs.")
	b := s.add(on(day(2025, 3, 1)), "Workers found a sealed room behind the west wing wall.")
	c := s.add(on(day(2025, 3, 1)), "Archivists catalogued letters from the sealed room.", day(2025, 3, 2))
	tl := digest.Summarize(s.evs, digest.Options{})
	if len(tl.Dates) != 2 || tl.Developments != 3 {
		t.Fatalf("got %v from %d developments, want both dates", datesOf(tl), tl.Developments)
	}
	if got := lineIDs(tl.Dates[0]); !slices.Equal(got, []int64{a.ID}) {
		t.Errorf("1 February told by %v, want [%d]", got, a.ID)
	}
	if got := lineIDs(tl.Dates[1]); len(got) != 2 || !slices.Contains(got, b.ID) || !slices.Contains(got, c.ID) {
		t.Errorf("1 March told by %v, want both lines", got)
	}
	if d := tl.Dates[0]; d.Reports != 0 || d.Refs != 0 {
		t.Errorf("uncited date counts %d reports, %d refs", d.Reports, d.Refs)
	}
	// a date with articles outranks a date with none
	one := digest.Summarize(s.evs, digest.Options{Dates: 1})
	if len(one.Dates) != 1 || one.Dates[0].Date != c.Date {
		t.Errorf("Dates:1 chose %v, want 1 March, the only date with an article", datesOf(one))
	}
}

func TestEmptySummariesAreNotChosenOverRealLines(t *testing.T) {
	var s story
	d := day(2025, 7, 7)
	s.add(on(d), "", d, d, d)
	s.add(on(d), "   ", d)
	s.add(on(d), "It was all for them.", d) // stop words only
	real := s.add(on(d), "The festival was cancelled after the stage collapsed.", d)
	tl := digest.Summarize(s.evs, digest.Options{PerDate: 3})
	if len(tl.Dates) != 1 {
		t.Fatalf("dates %v", datesOf(tl))
	}
	if got := lineIDs(tl.Dates[0]); !slices.Equal(got, []int64{real.ID}) {
		t.Errorf("7 July told by %v, want only the line with words [%d]", got, real.ID)
	}

	// a date with nothing but empty lines must not panic
	var empty story
	empty.add(on(d), "", d)
	empty.add(on(d.AddDays(1)), "\xff\xfe", d)
	tl = digest.Summarize(empty.evs, digest.Options{})
	if tl.Developments != 1 {
		t.Errorf("Developments %d, want 1: a blank line is not a development", tl.Developments)
	}
}

// generated builds n developments spread over the given number of days,
// with a few thousand articles, for the large-input test and benchmark.
func generated(n, span int) []*briefing.Event {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("council port strike vote court flood bridge budget tariff minister union ferry airport " +
		"school hospital mine dam reservoir harbour tram rail road grain fuel tax rate bank bond court ruling appeal " +
		"protest march talks accord treaty border convoy aid shelter storm fire drought harvest election recount")
	start := day(2025, 1, 1)
	evs := make([]*briefing.Event, n)
	for i := range evs {
		d := start.AddDays(rng.IntN(span))
		var b strings.Builder
		for j := range 6 + rng.IntN(10) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		ev := &briefing.Event{ID: int64(i + 1), Date: on(d), Summary: b.String()}
		for range 1 + rng.IntN(3) {
			art := int64(rng.IntN(n / 3))
			pub := start.AddDays(int(art) * span / (n / 3)) // an article has one publication day
			ev.Citations = append(ev.Citations, briefing.Citation{ArticleID: art, Source: "wire", Published: pub.Time()})
		}
		evs[i] = ev
	}
	return evs
}

func TestHugeInput(t *testing.T) {
	evs := generated(20_000, 365)
	start := time.Now()
	tl := digest.Summarize(evs, digest.Options{Dates: 10})
	t.Logf("20,000 developments over 365 days summarised in %v", time.Since(start))
	if len(tl.Dates) != 10 {
		t.Errorf("got %d dates, want exactly 10", len(tl.Dates))
	}
	if tl.Developments != 20_000 || tl.AllDates < 300 {
		t.Errorf("chosen from %d developments, %d dates", tl.Developments, tl.AllDates)
	}
	checkTimeline(t, tl, digest.Options{Dates: 10}, evs)
}

func BenchmarkSummarize(b *testing.B) {
	for _, bc := range []struct {
		name   string
		events int
		o      digest.Options
	}{
		{"10k-default", 10_000, digest.Options{}},
		// the largest summary the CLI allows, over the most a summary reads
		{"20k-500x10", 20_000, digest.Options{Dates: digest.MaxDates, PerDate: digest.MaxPerDate}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			evs := generated(bc.events, 365)
			b.ReportAllocs()
			for b.Loop() {
				digest.Summarize(evs, bc.o)
			}
		})
	}
}

// checkTimeline asserts what holds of every summary: at most the dates
// asked for, in ascending order, each within the options' bounds and told by
// at most PerDate lines of its own date, no development twice.
func checkTimeline(t *testing.T, tl digest.Timeline, o digest.Options, evs []*briefing.Event) {
	t.Helper()
	wantDates := o.Dates
	if wantDates <= 0 {
		wantDates = digest.DefaultDates
	}
	wantDates = min(wantDates, digest.MaxDates)
	per := o.PerDate
	if per <= 0 {
		per = digest.DefaultPerDate
	}
	per = min(per, digest.MaxPerDate)
	if len(tl.Dates) > wantDates {
		t.Fatalf("%d dates, asked for at most %d", len(tl.Dates), wantDates)
	}
	if len(tl.Dates) > tl.AllDates || tl.AllDates > tl.Developments || tl.Developments > len(evs) {
		t.Fatalf("%d dates of %d dates of %d developments of %d events", len(tl.Dates), tl.AllDates, tl.Developments, len(evs))
	}
	if tl.AllDates > 0 && len(tl.Dates) != min(wantDates, tl.AllDates) {
		t.Fatalf("%d dates out of %d available, asked for %d", len(tl.Dates), tl.AllDates, wantDates)
	}
	in := map[*briefing.Event]bool{}
	for _, ev := range evs {
		in[ev] = true
	}
	seen := map[int64]bool{}
	for i, d := range tl.Dates {
		if i > 0 {
			if p := tl.Dates[i-1].Date; compareDates(p, d.Date) >= 0 {
				t.Fatalf("dates not ascending: %v then %v", p, d.Date)
			}
		}
		if o.DayOnly && (d.Date.Gran != briefing.GranDay || d.Date.Lo != d.Date.Hi) {
			t.Fatalf("DayOnly kept %v", d.Date)
		}
		if o.Since != 0 && d.Date.Hi < o.Since || o.Until != 0 && d.Date.Lo > o.Until {
			t.Fatalf("%v outside %v..%v", d.Date, o.Since, o.Until)
		}
		if len(d.Lines) == 0 || len(d.Lines) > per || len(d.Lines) > d.Developments {
			t.Fatalf("%v: %d lines of %d developments, PerDate %d", d.Date, len(d.Lines), d.Developments, per)
		}
		for _, ev := range d.Lines {
			if !in[ev] {
				t.Fatalf("line #%d is not one of the input events", ev.ID)
			}
			if ev.Date.Lo != d.Date.Lo || ev.Date.Hi != d.Date.Hi || ev.Date.Gran != d.Date.Gran || ev.Date.Mod != d.Date.Mod || ev.Date.Value != d.Date.Value {
				t.Fatalf("line #%d dated %v (%+v) under %v (%+v)", ev.ID, ev.Date, ev.Date, d.Date, d.Date)
			}
			if seen[ev.ID] {
				t.Fatalf("development #%d chosen twice", ev.ID)
			}
			seen[ev.ID] = true
		}
	}
}

// compareDates orders dates by their interval, then precision: the order a
// summary lists them in. Two dates comparing equal are the same date.
func compareDates(a, b briefing.EventDate) int {
	return cmp.Or(cmp.Compare(a.Lo, b.Lo), cmp.Compare(a.Hi, b.Hi), cmp.Compare(a.Gran, b.Gran), cmp.Compare(a.Mod, b.Mod))
}

// FuzzSummarize builds a story from the fuzzer's bytes: per development a
// date (a day, a late month, a range, or none), a number of citations with
// publication days, and a summary of arbitrary bytes.
func FuzzSummarize(f *testing.F) {
	f.Add([]byte{3, 2, 0, 0}, uint8(0), uint8(0), uint8(0))
	f.Add([]byte("\x01\x00\x02\x05The dam held.\x00\x10\x01\x03\x04\xff\xfe\xfd\x00"), uint8(1), uint8(2), uint8(0))
	f.Add([]byte(strings.Repeat("\x07\x02\x03\x09Ferry sank\x00", 30)), uint8(3), uint8(1), uint8(1))
	f.Add([]byte(strings.Repeat("\x00\x00\x01\x00\x00\x01\x01\x00", 50)), uint8(200), uint8(9), uint8(6))
	f.Fuzz(func(t *testing.T, data []byte, dates, per, flags uint8) {
		o := digest.Options{Dates: int(dates) - 5, PerDate: int(per)%13 - 1, DayOnly: flags&1 != 0}
		base := day(2025, 1, 1)
		if flags&2 != 0 {
			o.Since = base.AddDays(int(flags) % 60)
		}
		if flags&4 != 0 {
			o.Until = base.AddDays(60 + int(flags)%90)
		}
		var evs []*briefing.Event
		next := func() byte {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return b
		}
		for id := int64(1); len(data) > 0 && id <= 2000; id++ {
			kind, off, ncite, nlen := next(), int(next()), next(), int(next())
			d := base.AddDays(off % 200)
			var date briefing.EventDate
			switch kind % 6 {
			case 0, 1, 2:
				date = on(d)
			case 3:
				date = briefing.MonthDate(2025, time.Month(1+off%12), briefing.Mod([]string{"", "START", "MID", "END"}[off%4]))
			case 4:
				date = briefing.RangeDate(d, d.AddDays(int(kind)%9))
			case 5: // undated
			}
			if kind&0x40 != 0 {
				date.Origin = briefing.OriginPublished
			}
			n := min(nlen%48, len(data))
			summary := string(data[:n])
			data = data[n:]
			ev := &briefing.Event{ID: id, Date: date, Summary: summary}
			for c := range int(ncite % 6) {
				art := int64(ncite/6) + int64(c)*7 // articles shared between developments
				pub := base.AddDays((int(art) * 13) % 260)
				ev.Citations = append(ev.Citations, briefing.Citation{ArticleID: art, Published: pub.Time()})
			}
			if kind&0x80 != 0 {
				ev.Actors = []string{summary[:min(3, len(summary))]}
			}
			evs = append(evs, ev)
		}
		tl := digest.Summarize(evs, o)
		checkTimeline(t, tl, o, evs)
	})
}

// TestManyParaphrasesDoNotCrowdOutADistinctLine: a busy date with dozens of
// near-identical reports and one different development still gets the
// different one as its second line.
func TestManyParaphrasesDoNotCrowdOutADistinctLine(t *testing.T) {
	var s story
	d := briefing.Date(2025, 5, 16)
	for i := range 25 {
		s.add(on(d), fmt.Sprintf("Delegates from Russia and Ukraine met in Istanbul for direct talks on a ceasefire, round %d.", i+1), d, d)
	}
	distinct := s.add(on(d), "Russia and Ukraine agreed in Istanbul to exchange a thousand prisoners each.", d)
	tl := digest.Summarize(s.evs, digest.Options{Dates: 1, PerDate: 2})
	if len(tl.Dates) != 1 {
		t.Fatalf("dates %v", datesOf(tl))
	}
	got := lineIDs(tl.Dates[0])
	if len(got) != 2 || got[1] != distinct.ID {
		t.Errorf("16 May told by %v, want a talks line and then the prisoner exchange (#%d)", got, distinct.ID)
	}
}
