package discord

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/bot/discord/discordfake"
	"github.com/briefbot/briefbot/briefing"
)

// withBriefs gives the harness a bot that answers /brief, posting
// briefings through the adapter under test (registered in pub after New).
func withBriefs(pub *bot.Publisher) option {
	return func(h *harness, _ *Config) { bottest.WithBriefs(h.t, h.bh, pub) }
}

// TestBriefingThroughDiscord subscribes with the /brief subscribe
// command, posts a briefing with /brief now, and checks the embed that
// reached the channel, its key, and that a deleted channel disables the
// subscription.
func TestBriefingThroughDiscord(t *testing.T) {
	pub := bot.NewPublisher()
	h := newHarness(t, withBriefs(pub))
	pub.Register("discord", h.a)
	h.run()
	now := time.Now()
	ev := &briefing.Event{
		Date: briefing.DayDate(briefing.DayOf(now)), Summary: "Negotiators agreed on a second prisoner exchange @everyone.",
		Topics: []string{"prisoners"}, FirstSeen: now, UpdatedAt: now,
		Citations: []briefing.Citation{{Source: "Wire", URL: "https://wire.example/x", Published: now, Sentence: "Negotiators agreed on a second prisoner exchange."}},
	}
	if err := h.bh.Store.Ingest(context.Background(), &briefing.Ingestion{Article: &briefing.Article{Source: "Wire", Via: "test", Published: now, Text: "x", Hash: strings.Repeat("cd", 32), IngestedAt: now}, New: []*briefing.Event{ev}}); err != nil {
		t.Fatal(err)
	}
	const user = "1200000000000000001"
	sub := func(name string, opts ...map[string]any) []map[string]any {
		o := map[string]any{"type": 1, "name": name}
		if len(opts) > 0 {
			o["options"] = opts
		}
		return []map[string]any{o}
	}
	command := func(opts []map[string]any) string {
		tok := h.token()
		h.dispatch("INTERACTION_CREATE", discordfake.SlashCommand(h.id(), tok, "brief", opts, discordfake.ChannelID, discordfake.GuildID, user))
		return description(h.forToken("PATCH", routeOriginal, tok, 1)[0])
	}

	if d := command(sub("subscribe", map[string]any{"type": 3, "name": "when", "value": "at 07:30 tz Europe/Kyiv"}, map[string]any{"type": 3, "name": "query", "value": "prisoners"})); !strings.Contains(d, "Subscribed #1: prisoners, 07:30 every day, Europe/Kyiv.") {
		t.Fatalf("subscribe answered %q", d)
	}
	if d := command(sub("now")); !strings.Contains(d, "Posted the briefing: 1 new development.") {
		t.Fatalf("now answered %q", d)
	}
	msgs := h.fake.Messages(discordfake.ChannelID)
	var posted map[string]any
	for _, m := range msgs {
		if b, _ := json.Marshal(m); strings.Contains(string(b), "Briefing: prisoners") {
			posted = m
		}
	}
	if posted == nil {
		t.Fatalf("no briefing among the channel's %d messages", len(msgs))
	}
	raw, _ := json.Marshal(posted)
	if posted["mention_everyone"] != false || !strings.Contains(string(raw), `exchange \\@everyone`) {
		t.Errorf("the briefing's @everyone is not escaped and inert: %s", raw)
	}
	recs, err := h.bh.Store.Briefings(context.Background(), 1, 5)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %v, %v", recs, err)
	}
	if posted["id"] != recs[0].PostRef || !strings.Contains(string(raw), "briefing "+recs[0].Key) {
		t.Errorf("message %v with key %s, record %+v: the ID and key must match", posted["id"], recs[0].Key, recs[0])
	}
	if ref, found, err := h.a.FindKeyed(context.Background(), discordfake.ChannelID, recs[0].Key, recs[0].PostedAt.Add(-time.Minute)); err != nil || !found || ref != recs[0].PostRef {
		t.Errorf("FindKeyed = %q, %v, %v", ref, found, err)
	}

	h.fake.SetChannelState(discordfake.ChannelID, discordfake.ChannelReadOnly)
	if d := command(sub("now")); !strings.Contains(d, "cannot post in this channel, so the subscription was disabled") {
		t.Errorf("now in a read-only channel answered %q", d)
	}
	s, err := h.bh.Store.Subscription(context.Background(), 1)
	if err != nil || s.Disabled == "" {
		t.Errorf("subscription after a permanent error: %+v, %v", s, err)
	}
}
