package brief

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/schedule"
)

// ErrUsage is wrapped by errors in what a user typed; the message after it
// says what to type instead.
var ErrUsage = errors.New("usage")

// Request is "/brief subscribe ..." as typed, with where it was typed.
type Request struct {
	Dest briefing.Destination
	// Text is everything after "subscribe": an optional query, the
	// schedule, and optionally the word "quiet", as in
	// "ceasefire actor:putin at 07:30 tz Europe/Kyiv weekdays quiet".
	Text   string
	By     string // who asked: a user ID, "cli"
	Origin string // "chat" or "cli"
	// Name, when set, names the subscription (config subscriptions use
	// "config:NAME"); subscribing with a name in use updates it.
	Name string
	// Spec, when set, is used instead of parsing Text: the query and the
	// schedule come separately (from the configuration file).
	Spec *Spec
}

// Spec is a parsed subscription request.
type Spec struct {
	Query    string
	Schedule schedule.Schedule
	Quiet    bool
}

// ParseSpec splits what follows "/brief subscribe" into the query, the
// schedule and the "quiet" flag. The schedule starts at the first word that
// can begin one ("at", "cron", a time such as 07:30, "daily", "weekdays",
// a CRON_TZ= spec) after which the rest parses as a schedule; everything
// before it is the query. defaultTZ applies when no zone is given.
func ParseSpec(text string, defaultTZ *time.Location) (Spec, error) {
	if !utf8.ValidString(text) {
		return Spec{}, fmt.Errorf("%w: that is not valid text (invalid UTF-8)", ErrUsage)
	}
	if len(text) > briefing.MaxQueryLen+schedule.MaxInputLen {
		return Spec{}, fmt.Errorf("%w: that is too long for a subscription (%d bytes)", ErrUsage, len(text))
	}
	words := strings.Fields(text)
	var sp Spec
	// "quiet" is a flag only at the end, after the schedule: "quiet
	// diplomacy" is a query.
	for len(words) > 0 && isQuietFlag(words[len(words)-1]) {
		sp.Quiet = true
		words = words[:len(words)-1]
	}
	var firstErr error
	for i, w := range words {
		if !startsSchedule(w) {
			continue
		}
		sch, err := schedule.Parse(strings.Join(words[i:], " "), defaultTZ)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		sp.Query = strings.Join(words[:i], " ")
		sp.Schedule = sch
		return sp, nil
	}
	if firstErr != nil {
		return Spec{}, fmt.Errorf("%w: %v", ErrUsage, firstErr)
	}
	return Spec{}, fmt.Errorf("%w: say when the briefing should come, for example /brief subscribe ceasefire at 07:30 tz Europe/Kyiv weekdays", ErrUsage)
}

func isQuietFlag(w string) bool {
	switch strings.ToLower(w) {
	case "quiet", "--quiet", "silent":
		return true
	}
	return false
}

// startsSchedule reports whether a schedule may begin with w: a schedule
// word, a time, or the first field of a bare cron spec ("30 7 * * 1-5").
func startsSchedule(w string) bool {
	lw := strings.ToLower(w)
	switch lw {
	case "at", "cron", "daily", "everyday", "every", "weekdays", "weekends", "noon", "midnight":
		return true
	}
	if strings.HasPrefix(lw, "cron_tz=") || strings.HasPrefix(lw, "tz=") {
		return true
	}
	if lw[0] == '@' && len(lw) > 1 && strings.Trim(lw[1:], "abcdefghijklmnopqrstuvwxyz") == "" {
		return true // @daily
	}
	if lw[0] >= '0' && lw[0] <= '9' && strings.ContainsAny(lw, ":apm") {
		return true // 07:30, 7am
	}
	return strings.Trim(lw, "0123456789*/,-?") == "" // a cron field
}
