package discord

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/discord/discordfake"
)

// BenchmarkRender renders a page of 10 developments with hostile text to
// escape.
func BenchmarkRender(b *testing.B) {
	var items []bot.Item
	for i := range 10 {
		items = append(items, bot.Item{
			Date:    fmt.Sprintf("%d May 2025", i+1),
			Summary: strings.Repeat("Talks on *prisoners* and the @everyone <@123> ceasefire. ", 4),
			Sources: []bot.Link{{Name: "AP", URL: "https://apnews.com/x"}, {Name: "Reuters", URL: "https://reuters.com/y"}},
		})
	}
	r := bot.Reply{Title: "Timeline: ceasefire", Items: items, Footer: "Showing 1-10. /more for the next 10.", Next: &bot.PageRef{Query: "ceasefire", Offset: 10}}
	b.ReportAllocs()
	for b.Loop() {
		Render(r)
	}
}

// BenchmarkSlashCommand measures, through the fake gateway and REST API,
// the time from dispatching a /timeline command to its deferral (which
// Discord wants within 3 s) and to the edited answer, over the demo store.
// It reports the 50th and 99th percentiles of both.
func BenchmarkSlashCommand(b *testing.B) {
	h := newHarness(b)
	h.fake.SetInteractionDeadline(0)
	h.run()
	deferral := make([]time.Duration, 0, b.N)
	answer := make([]time.Duration, 0, b.N)
	for b.Loop() {
		tok := h.token()
		start := time.Now()
		h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "timeline",
			[]map[string]any{{"name": "query", "type": 3, "value": "ceasefire"}}, discordfake.ChannelID, discordfake.GuildID, "1200000000000000001"))
		cb := h.forToken("POST", routeCallback, tok, 1)[0]
		edit := h.forToken("PATCH", routeOriginal, tok, 1)[0]
		deferral = append(deferral, cb.At.Sub(start))
		answer = append(answer, edit.At.Sub(start))
	}
	b.StopTimer()
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"defer", deferral}, {"answer", answer}} {
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2].Microseconds())/1000, "p50-"+m.name+"-ms")
		b.ReportMetric(float64(m.d[len(m.d)*99/100].Microseconds())/1000, "p99-"+m.name+"-ms")
	}
	h.noViolations()
}
