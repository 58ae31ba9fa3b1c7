package storetest

import (
	"strings"
	"testing"
)

func TestSynthEventsDeterministic(t *testing.T) {
	a, b := SynthEvents(500, 7), SynthEvents(500, 7)
	for i := range a {
		if a[i].Summary != b[i].Summary || a[i].Date != b[i].Date || !a[i].FirstSeen.Equal(b[i].FirstSeen) {
			t.Fatalf("event %d differs between runs with the same seed", i)
		}
	}
	if c := SynthEvents(1, 8); c[0].Summary == a[0].Summary && c[0].Date == a[0].Date {
		t.Error("a different seed gave the same first event")
	}
}

func TestSynthEventsRealistic(t *testing.T) {
	evs := SynthEvents(5000, 1)
	var hyphen, multiDay, decade int
	for i, ev := range evs {
		if ev.Date.Hi < ev.Date.Lo || ev.Date.Lo.Year() < 2010 || ev.Date.Hi.Year() > 2029 {
			t.Fatalf("event %d has date %+v", i, ev.Date)
		}
		if ev.Summary == "" || len(ev.Actors) == 0 || len(ev.Topics) == 0 || len(ev.Citations) == 0 || ev.ID != 0 {
			t.Fatalf("event %d is incomplete: %+v", i, ev)
		}
		if strings.Contains(ev.Summary, "cease-fire") || strings.Contains(ev.Summary, "-day") {
			hyphen++
		}
		if ev.Date.Hi > ev.Date.Lo {
			multiDay++
		}
		if ev.Date.Span() > 3000 {
			decade++
		}
	}
	if hyphen < 250 || multiDay < 500 || decade == 0 {
		t.Errorf("too uniform: %d hyphenated, %d multi-day, %d decade events of %d", hyphen, multiDay, decade, len(evs))
	}
	// The long tail: rare words exist and are distinct from common ones.
	if SynthTerm(0) == SynthTerm(1) || SynthTerm(len(synthCommon)) == SynthTerm(len(synthCommon)+1) {
		t.Error("SynthTerm repeats words")
	}
}
