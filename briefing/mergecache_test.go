package briefing

import (
	"context"
	"testing"
	"time"
)

// overlapStore serves Overlapping from a fixed list and counts the reads.
type overlapStore struct {
	Store
	events []*Event
	reads  [][2]Day
}

func (o *overlapStore) Overlapping(_ context.Context, lo, hi Day, limit int) ([]*Event, error) {
	o.reads = append(o.reads, [2]Day{lo, hi})
	var out []*Event
	for _, ev := range o.events {
		if ev.Date.Lo <= hi && lo <= ev.Date.Hi && len(out) < limit {
			c := *ev
			out = append(out, &c)
		}
	}
	return out, nil
}

func TestMergeCacheReadsEachDayOnce(t *testing.T) {
	may16 := DayDate(Date(2025, 5, 16))
	lateApril := MonthDate(2025, 4, ModEnd)
	year := EventDate{Value: "2025", Gran: GranYear, Lo: Date(2025, 1, 1), Hi: Date(2025, 12, 31), Origin: OriginExplicit}
	st := &overlapStore{events: []*Event{
		{ID: 1, Date: may16, Topics: []string{"prisoners"}},
		{ID: 2, Date: lateApril, Topics: []string{"ceasefire"}},
		{ID: 3, Date: year, Topics: []string{"prisoners"}},
		{ID: 4, Date: may16, Topics: []string{"talks"}},
	}}
	m := newMergeCache()
	ctx := context.Background()
	ids := func(evs []*Event) map[int64]bool {
		out := map[int64]bool{}
		for _, ev := range evs {
			out[ev.ID] = true
		}
		return out
	}
	got, err := m.candidates(ctx, st, Candidate{Date: may16, Topics: []string{"prisoners"}})
	if err != nil {
		t.Fatal(err)
	}
	if g := ids(got); len(g) != 2 || !g[1] || !g[3] {
		t.Errorf("candidates for 16 May prisoners = %v, want events 1 and 3", g)
	}
	if _, err := m.candidates(ctx, st, Candidate{Date: may16, Topics: []string{"talks"}}); err != nil {
		t.Fatal(err)
	}
	if len(st.reads) != 1 {
		t.Errorf("the same day was read %d times, want once: %v", len(st.reads), st.reads)
	}
	// a window that half overlaps what was read reads only the new days
	pub := DayDate(Date(2025, 5, 17))
	pub.Origin = OriginPublished // slack of two days: 15-19 May
	if _, err := m.candidates(ctx, st, Candidate{Date: pub, Topics: []string{"talks"}}); err != nil {
		t.Fatal(err)
	}
	if len(st.reads) != 3 || st.reads[1] != [2]Day{Date(2025, 5, 15), Date(2025, 5, 15)} || st.reads[2] != [2]Day{Date(2025, 5, 17), Date(2025, 5, 19)} {
		t.Errorf("reads = %v, want 15 May and 17-19 May only", st.reads)
	}
	// a merge that moves an event to another day moves it in the cache
	ev := m.byID[1]
	old := ev.Date
	ev.Date = DayDate(Date(2025, 4, 25))
	m.moved(ev, old)
	got, _ = m.candidates(ctx, st, Candidate{Date: DayDate(Date(2025, 4, 25)), Topics: []string{"prisoners"}})
	if g := ids(got); !g[1] {
		t.Errorf("moved event not found on its new day: %v", g)
	}
	got, _ = m.candidates(ctx, st, Candidate{Date: may16, Topics: []string{"prisoners"}})
	if g := ids(got); g[1] {
		t.Errorf("moved event still found on its old day: %v", g)
	}
	// after the TTL everything is read again
	now := time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)
	m.expire(now)
	m.expire(now.Add(cacheTTL + time.Second))
	if len(m.byID) != 0 || len(m.loaded) != 0 {
		t.Errorf("cache not dropped after its TTL: %d events, %d days", len(m.byID), len(m.loaded))
	}
}

func TestMergeCacheCappedAndLongReads(t *testing.T) {
	st := &overlapStore{}
	for i := 0; i < mergeCandidates+10; i++ {
		st.events = append(st.events, &Event{ID: int64(i + 1), Date: DayDate(Date(2025, 1, 1+i%28)), Topics: []string{"ceasefire"}})
	}
	nov20 := DayDate(Date(2025, 11, 20))
	st.events = append(st.events, &Event{ID: 99999, Date: nov20, Topics: []string{"ceasefire"}})
	m := newMergeCache()
	ctx := context.Background()
	year := EventDate{Value: "2025", Gran: GranYear, Lo: Date(2025, 1, 1), Hi: Date(2025, 12, 31), Origin: OriginExplicit}
	if _, err := m.candidates(ctx, st, Candidate{Date: year, Topics: []string{"ceasefire"}}); err != nil {
		t.Fatal(err)
	}
	if len(m.loaded) != 0 {
		t.Errorf("a year-long window marked %d days as read", len(m.loaded))
	}
	got, err := m.candidates(ctx, st, Candidate{Date: nov20, Topics: []string{"ceasefire"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != 99999 {
		t.Errorf("after a capped year read, 20 November finds %d events, want event 99999", len(got))
	}
	// a capped read of a short window is not taken as complete
	m = newMergeCache()
	jan := EventDate{Value: "2025-01", Gran: GranMonth, Lo: Date(2025, 1, 1), Hi: Date(2025, 1, 31), Origin: OriginExplicit}
	if _, err := m.candidates(ctx, st, Candidate{Date: jan, Topics: []string{"ceasefire"}}); err != nil {
		t.Fatal(err)
	}
	if len(m.loaded) != 0 {
		t.Errorf("a capped read marked %d days as read", len(m.loaded))
	}
}
