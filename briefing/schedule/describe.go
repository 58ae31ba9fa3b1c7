package schedule

import (
	"fmt"
	"strings"
	"time"
)

// describe renders a schedule in words: "07:30 on weekdays, Europe/Kyiv".
// It reads only the bit sets and the zone, so equal schedules have equal
// descriptions however they were typed.
func describe(s Schedule) string {
	var minute int
	for minute = 0; minute < 60 && s.minute&(1<<minute) == 0; minute++ {
	}
	var hours []int
	for h := 0; h < 24; h++ {
		if s.hour&(1<<h) != 0 {
			hours = append(hours, h)
		}
	}

	var when string
	switch {
	case s.hour&cronStar != 0:
		when = fmt.Sprintf("every hour at :%02d", minute)
	case len(hours) <= 4:
		clocks := make([]string, len(hours))
		for i, h := range hours {
			clocks[i] = fmt.Sprintf("%02d:%02d", h, minute)
		}
		when = joinAnd(clocks)
	default:
		when = fmt.Sprintf("at :%02d past hours %s", minute, renderBits(s.hour, 0, 23))
	}

	domStar, dowStar := s.dom&cronStar != 0, s.dow&cronStar != 0
	var days string
	switch {
	case domStar && (dowStar || s.dow&0x7f == 0x7f):
		days = "every day"
	case domStar:
		days = "on " + describeWeekdays(s.dow)
	case dowStar:
		days = "on " + describeMonthDays(s.dom)
	default:
		// robfig/cron, like Vixie cron, matches either field when both are
		// restricted.
		days = "on " + describeMonthDays(s.dom) + " or on " + describeWeekdays(s.dow)
	}
	if s.month&cronStar == 0 {
		var months []string
		for m := time.January; m <= time.December; m++ {
			if s.month&(1<<m) != 0 {
				months = append(months, m.String()[:3])
			}
		}
		days += " in " + strings.Join(months, ", ")
	}
	if s.hour&cronStar != 0 && days == "every day" {
		return when + ", " + s.loc.String()
	}
	return when + " " + days + ", " + s.loc.String()
}

// describeWeekdays names a day-of-week bit set: "weekdays", "weekends",
// "Mon, Wed and Fri".
func describeWeekdays(dow uint64) string {
	switch dow & 0x7f {
	case 0b0111110:
		return "weekdays"
	case 0b1000001:
		return "weekends"
	}
	var names []string
	for i := 1; i <= 7; i++ { // Monday first, Sunday last
		d := time.Weekday(i % 7)
		if dow&(1<<d) != 0 {
			names = append(names, d.String()[:3])
		}
	}
	return joinAnd(names)
}

// describeMonthDays names a day-of-month bit set: "day 1 of the month",
// "days 1,15 of the month".
func describeMonthDays(dom uint64) string {
	r := renderBits(dom, 1, 31)
	if strings.ContainsAny(r, ",-") {
		return "days " + r + " of the month"
	}
	return "day " + r + " of the month"
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
