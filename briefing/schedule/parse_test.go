package schedule

import (
	"strings"
	"testing"
	"time"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustParse(t testing.TB, s string) Schedule {
	t.Helper()
	sch, err := Parse(s, time.UTC)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return sch
}

var validSchedules = []struct {
	in         string
	spec, desc string
}{
	{"at 07:30 tz Europe/Kyiv", "CRON_TZ=Europe/Kyiv 30 7 * * *", "07:30 every day, Europe/Kyiv"},
	{"at 07:30 tz Europe/Kyiv weekdays", "CRON_TZ=Europe/Kyiv 30 7 * * 1-5", "07:30 on weekdays, Europe/Kyiv"},
	{"at 7:30am tz America/New_York weekends", "CRON_TZ=America/New_York 30 7 * * 0,6", "07:30 on weekends, America/New_York"},
	{"at 18:00", "CRON_TZ=Europe/Kyiv 0 18 * * *", "18:00 every day, Europe/Kyiv"},
	{"at 07:30 mon,wed,fri tz UTC", "CRON_TZ=UTC 30 7 * * 1,3,5", "07:30 on Mon, Wed and Fri, UTC"},
	{`cron "30 7 * * 1-5" tz Europe/Kyiv`, "CRON_TZ=Europe/Kyiv 30 7 * * 1-5", "07:30 on weekdays, Europe/Kyiv"},
	{"CRON_TZ=Europe/Kyiv 30 7 * * 1-5", "CRON_TZ=Europe/Kyiv 30 7 * * 1-5", "07:30 on weekdays, Europe/Kyiv"},
	{"TZ=America/New_York 0 6 * * *", "CRON_TZ=America/New_York 0 6 * * *", "06:00 every day, America/New_York"},
	{"30 7 * * MON-FRI", "CRON_TZ=Europe/Kyiv 30 7 * * 1-5", "07:30 on weekdays, Europe/Kyiv"},
	{"cron 30 7 * * 1-5 tz UTC", "CRON_TZ=UTC 30 7 * * 1-5", "07:30 on weekdays, UTC"},
	{"cron \u201c30 7 * * 1-5\u201d tz UTC", "CRON_TZ=UTC 30 7 * * 1-5", "07:30 on weekdays, UTC"},
	{`cron "CRON_TZ=UTC 30 7 * * *" tz UTC`, "CRON_TZ=UTC 30 7 * * *", "07:30 every day, UTC"},
	{"@daily", "CRON_TZ=Europe/Kyiv 0 0 * * *", "00:00 every day, Europe/Kyiv"},
	{"@midnight tz UTC", "CRON_TZ=UTC 0 0 * * *", "00:00 every day, UTC"},
	{"@Weekly", "CRON_TZ=Europe/Kyiv 0 0 * * 0", "00:00 on Sun, Europe/Kyiv"},
	{"@monthly", "CRON_TZ=Europe/Kyiv 0 0 1 * *", "00:00 on day 1 of the month, Europe/Kyiv"},
	{"@yearly", "CRON_TZ=Europe/Kyiv 0 0 1 1 *", "00:00 on day 1 of the month in Jan, Europe/Kyiv"},
	{"@hourly", "CRON_TZ=Europe/Kyiv 0 * * * *", "every hour at :00, Europe/Kyiv"},
	{"0 */2 * * *", "CRON_TZ=Europe/Kyiv 0 0,2,4,6,8,10,12,14,16,18,20,22 * * *", "at :00 past hours 0,2,4,6,8,10,12,14,16,18,20,22 every day, Europe/Kyiv"},
	{"15 8,12,18 * * *", "CRON_TZ=Europe/Kyiv 15 8,12,18 * * *", "08:15, 12:15 and 18:15 every day, Europe/Kyiv"},
	{"30 7 1,15 * 1", "CRON_TZ=Europe/Kyiv 30 7 1,15 * 1", "07:30 on days 1,15 of the month or on Mon, Europe/Kyiv"},
	{"30 7 29 2 *", "CRON_TZ=Europe/Kyiv 30 7 29 2 *", "07:30 on day 29 of the month in Feb, Europe/Kyiv"},
	{"AT 7:30 PM TZ america/new_york", "CRON_TZ=America/New_York 30 19 * * *", "19:30 every day, America/New_York"},
	{"weekdays at 7:30 tz utc", "CRON_TZ=UTC 30 7 * * 1-5", "07:30 on weekdays, UTC"},
	{"at 7:30 pm on mon-fri", "CRON_TZ=Europe/Kyiv 30 19 * * 1-5", "19:30 on weekdays, Europe/Kyiv"},
	{"at 12am", "CRON_TZ=Europe/Kyiv 0 0 * * *", "00:00 every day, Europe/Kyiv"},
	{"at 12pm", "CRON_TZ=Europe/Kyiv 0 12 * * *", "12:00 every day, Europe/Kyiv"},
	{"at noon every day", "CRON_TZ=Europe/Kyiv 0 12 * * *", "12:00 every day, Europe/Kyiv"},
	{"at 7.45 daily", "CRON_TZ=Europe/Kyiv 45 7 * * *", "07:45 every day, Europe/Kyiv"},
	{"at 07:30 fri-mon", "CRON_TZ=Europe/Kyiv 30 7 * * 0,1,5,6", "07:30 on Mon, Fri, Sat and Sun, Europe/Kyiv"},
	{"at 07:30 mon-sun", "CRON_TZ=Europe/Kyiv 30 7 * * *", "07:30 every day, Europe/Kyiv"},
	{"at 07:30 on mondays", "CRON_TZ=Europe/Kyiv 30 7 * * 1", "07:30 on Mon, Europe/Kyiv"},
	{"  at\t07:30   tz   Europe/Kyiv  ", "CRON_TZ=Europe/Kyiv 30 7 * * *", "07:30 every day, Europe/Kyiv"},
}

func TestParse(t *testing.T) {
	kyiv := mustLoad(t, "Europe/Kyiv")
	for _, tc := range validSchedules {
		got, err := Parse(tc.in, kyiv)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got.String() != tc.spec || got.Description() != tc.desc {
			t.Errorf("Parse(%q) = %q, %q; want %q, %q", tc.in, got.String(), got.Description(), tc.spec, tc.desc)
		}
		if zone := strings.TrimPrefix(strings.Fields(tc.spec)[0], "CRON_TZ="); got.Location().String() != zone {
			t.Errorf("Parse(%q).Location() = %v, want %s", tc.in, got.Location(), zone)
		}
	}
}

func TestParseRoundTrip(t *testing.T) {
	kyiv, ny := mustLoad(t, "Europe/Kyiv"), mustLoad(t, "America/New_York")
	for _, tc := range validSchedules {
		first, err := Parse(tc.in, kyiv)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		// The canonical spec carries its zone: another default changes nothing.
		again, err := Parse(first.String(), ny)
		if err != nil {
			t.Errorf("Parse(String() = %q): %v", first.String(), err)
			continue
		}
		if again != first {
			t.Errorf("round trip of %q: %#v != %#v", tc.in, again, first)
		}
	}
}

func TestParseEquivalentFormsAreEqual(t *testing.T) {
	groups := [][]string{
		{"at 07:30 tz Europe/Kyiv weekdays", `cron "30 7 * * 1-5" tz Europe/Kyiv`, "CRON_TZ=Europe/Kyiv 30 7 * * MON-FRI", "weekdays at 7:30am tz europe/kyiv", "at 07:30 mon-fri tz Europe/Kyiv", "at 7:30 tz Europe/Kyiv mon,tue,wed,thu,fri"},
		{"at 00:00 tz UTC", "@daily", "@midnight", "at midnight", "0 0 * * *", "cron '0 0 * * ?'"},
		{"at 07:30 weekends", "30 7 * * 6,0", "30 7 * * sat,sun", "at 7:30 sat sun"},
	}
	for _, g := range groups {
		want := mustParse(t, g[0])
		for _, in := range g[1:] {
			if got := mustParse(t, in); got != want {
				t.Errorf("Parse(%q) = %q, want %q like %q", in, got, want, g[0])
			}
		}
	}
}

func TestParseDefaultZone(t *testing.T) {
	if got := mustParse(t, "at 07:30"); got.Location() != time.UTC {
		t.Errorf("default UTC: zone %v", got.Location())
	}
	nilDefault, err := Parse("at 07:30", nil)
	if err != nil || nilDefault.String() != "CRON_TZ=UTC 30 7 * * *" {
		t.Errorf("nil default: %q, %v", nilDefault, err)
	}
	fixed := time.FixedZone("UTC+3", 3*3600)
	if _, err := Parse("at 07:30", fixed); err == nil || !strings.Contains(err.Error(), "tz Europe/Kyiv") {
		t.Errorf("fixed-offset default: err = %v, want a request to name a zone", err)
	}
	if _, err := Parse("at 07:30", time.Local); err == nil {
		t.Error("time.Local as default: no error")
	}
	// A named zone needs no default.
	if _, err := Parse("at 07:30 tz Europe/Kyiv", fixed); err != nil {
		t.Errorf("named zone with a fixed default: %v", err)
	}
	// Schedules in one zone share one *time.Location, so == works.
	a, b := mustParse(t, "at 07:30 tz Europe/Kyiv"), mustParse(t, "at 07:30 tz europe/kyiv")
	if a != b {
		t.Errorf("same zone, different capitalisation: %#v != %#v", a, b)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // in the message
	}{
		{"", "say when"},
		{"   ", "say when"},
		{"at", "say the time"},
		{"at 25:00", "hours go from 00 to 23"},
		{"at 24:00", "00:00"},
		{"at 07:60", "minutes go from 00 to 59"},
		{"at 7", "ambiguous"},
		{"at 13pm", "12-hour"},
		{"at 0am", "12-hour"},
		{"at 7:3", "not a time"},
		{"at seven", "not a time"},
		{"at 07:30 tz Mars/Olympus", `"Mars/Olympus"`},
		{"at 07:30 tz", "say the zone"},
		{"at 07:30 tz Local", "name a zone"},
		{"at 07:30 tz ../../../etc/passwd", "unknown time zone"},
		{"at 07:30 tz /etc/localtime", "unknown time zone"},
		{"at 07:30 tz UTC tz Europe/Kyiv", "one time zone"},
		{"at 07:30 at 08:30", "one time"},
		{"at 07:30 08:30", "one time"},
		{"at 07:30 sometimes", `"sometimes"`},
		{"weekdays", "say what time"},
		{"tz Europe/Kyiv", "say what time"},
		{"CRON_TZ=UTC", "must follow CRON_TZ=UTC"},
		{"TZ=UTC", "must follow"},
		{"CRON_TZ=", "names no zone"},
		{"CRON_TZ= 30 7 * * *", "names no zone"},
		{"CRON_TZ=Mars/Olympus 30 7 * * *", `"Mars/Olympus"`},
		{"CRON_TZ=UTC 30 7 * * * tz Europe/Kyiv", "two different zones"},
		{`cron "* * * * *"`, "more than once an hour"},
		{`cron "*/5 7 * * *"`, "more than once an hour"},
		{`cron "0,30 * * * *"`, "more than once an hour"},
		{"@every 1h", "@every"},
		{"@every 5m", "@every"},
		{"@reboot", "not a schedule"},
		{"@daily 7", "not a schedule"},
		{"0 30 7 * * *", "6 fields"},
		{"0 30 7 * * * 2025", "7 fields"},
		{"30 7 * *", "5 fields"},
		{"cron", "after \"cron\""},
		{`cron ""`, "empty"},
		{`cron "30 7 * * *`, "closing quote"},
		{`cron "30 7 * * *" daily`, `only "tz ZONE"`},
		{`cron "30 7 * * *" tz`, "say the zone"},
		{"30 7 * * 7", "Sunday is 0"},
		{"61 7 * * *", "above maximum"},
		{"30 7 * * funday", "does not parse"},
		{"30 7 30 2 *", "never occurs"},
		{"0 0 1 1 ,", "day-of-week field"},
		{"0 , * * *", "hour field"},
		{`cron ", 7 * * *"`, "more than once an hour"},
		{"30 7 31 4,6,9,11 *", "never occurs"},
		{"hello world", `"hello"`},
		{"garbage !@#$%^&*()", "not part of a schedule"},
		{strings.Repeat("at 07:30 ", 100), "too long"},
		{"at 07:30 tz Europe/\xffKyiv", "UTF-8"},
		{"\xff\xfe", "UTF-8"},
		{"at 07:30\x00", "control characters"},
		{"at 07:30 tz " + strings.Repeat("A", 200), "unknown time zone"},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in, time.UTC)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want an error containing %q", tc.in, got, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error %q does not contain %q", tc.in, err, tc.want)
		}
		if got != (Schedule{}) {
			t.Errorf("Parse(%q) returned %#v with its error", tc.in, got)
		}
	}
}

func TestZeroSchedule(t *testing.T) {
	var s Schedule
	if !s.IsZero() || s.String() != "" || s.Location() != nil {
		t.Errorf("zero Schedule: %#v", s)
	}
	if n := s.Next(time.Now()); !n.IsZero() {
		t.Errorf("zero Schedule Next = %#v", n)
	}
	if _, ok := s.Due(time.Time{}, time.Now()); ok {
		t.Error("zero Schedule is due")
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range validSchedules {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"", "CRON_TZ=UTC", "TZ=", "CRON_TZ=", "@every 1h", "* * * * *", "0 30 7 * * *", "at 25:00", "at 7",
		"\xff", "cron \"", "cron '30 7 * * *' tz", "1-5/0 7 * * *", "0 0-23/25 * * *", "0 7 L * *", "0 7 * * 1#2",
		"at 07:30 tz Mars/Olympus", "at 7:30 tz ..", "99999999999999999999 7 * * *", "0 0 1 1 ,",
	} {
		f.Add(s)
	}
	kyiv := mustLoad(f, "Europe/Kyiv")
	ny := mustLoad(f, "America/New_York")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in, kyiv)
		if err != nil {
			if err.Error() == "" || s != (Schedule{}) {
				t.Fatalf("Parse(%q): %#v, %q", in, s, err)
			}
			return
		}
		again, err := Parse(s.String(), ny)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", in, s, err)
		}
		if again != s {
			t.Fatalf("Parse(%q) = %#v; round trip gives %#v", in, s, again)
		}
		// An accepted schedule has slots, at most hourly.
		from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		a := s.Next(from)
		if a.IsZero() || !a.At.After(from) {
			t.Fatalf("%q: Next(%v) = %#v", s, from, a)
		}
		if b := s.Next(a.At); !b.At.After(a.At) {
			t.Fatalf("%q: Next(%v) = %#v, not after", s, a.At, b)
		}
	})
}
