package brief_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/digest"
	"github.com/briefbot/briefbot/briefing/extract"
	"github.com/briefbot/briefbot/store/sqlite"
	"github.com/briefbot/briefbot/store/storetest"
)

// BenchmarkPreview10k composes a briefing of 10,000 developments first seen
// since the last one, with 2,000 earlier ones, the whole path: reading the
// window from SQLite, merging, ranking and rendering-ready output.
func BenchmarkPreview10k(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir()+"/b.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ex, err := extract.New()
	if err != nil {
		b.Fatal(err)
	}
	tl := briefing.NewService(st, ex, nil, nil)
	bs, err := brief.New(brief.Config{
		Store: st, Timeline: tl, Publisher: newPublisher(),
		Compose: func(fresh, earlier []*briefing.Event) *briefing.Brief {
			return digest.Compose(fresh, earlier, digest.BriefOptions{})
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	sub, err := bs.Subscribe(ctx, brief.Request{Dest: chanA, Text: "at 07:30", Origin: "cli"})
	if err != nil {
		b.Fatal(err)
	}
	// The first briefing of a subscription reaches a day back: 10,000
	// developments seen in that day, 2,000 in the two weeks before it.
	evs := storetest.SynthEvents(12_000, 7)
	wm := sub.Watermark
	for i, ev := range evs {
		if i < 2000 {
			ev.FirstSeen = wm.Add(-25*time.Hour - time.Duration(2000-i)*8*time.Minute)
		} else {
			ev.FirstSeen = wm.Add(-time.Duration(i-1999) * 8 * time.Second)
		}
		ev.UpdatedAt = ev.FirstSeen
		ev.Date = briefing.DayDate(briefing.DayOf(ev.FirstSeen).AddDays(-(i % 3)))
	}
	for i := 0; i < len(evs); i += 500 {
		in := &briefing.Ingestion{Article: &briefing.Article{Source: "Wire", Via: "bench", Published: wm, Text: "x", Hash: fmt.Sprintf("%064x", i), IngestedAt: wm}, New: evs[i:min(i+500, len(evs))]}
		if err := st.Ingest(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		br, err := bs.Preview(ctx, sub)
		if err != nil {
			b.Fatal(err)
		}
		if br.Total < 5000 {
			b.Fatalf("the briefing covers %d developments", br.Total)
		}
	}
}
