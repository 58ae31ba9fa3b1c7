package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/bottest"
	"github.com/briefbot/briefbot/bot/slack/slackfake"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/config"
)

// withBriefs gives the harness a bot that answers /brief, posting
// briefings through the adapter under test (registered in pub after New).
func withBriefs(pub *bot.Publisher, out **brief.Service) option {
	return func(h *harness, _ *Config) { *out = bottest.WithBriefs(h.t, h.bh, pub) }
}

// TestBriefingThroughSlack subscribes a channel with the slash command,
// posts a briefing with /brief now and checks what reached the channel:
// Block Kit, the metadata key that the store recorded, and that a vanished
// channel disables the subscription.
func TestBriefingThroughSlack(t *testing.T) {
	pub := bot.NewPublisher()
	var bs *brief.Service
	h := newHarness(t, config.SlackModeSocket, withBriefs(pub, &bs))
	pub.Register("slack", h.a)
	h.run()
	// The demo timeline's developments were first seen at the harness's
	// fixed clock, long ago; add one seen now.
	ev := &briefing.Event{
		Date: briefing.DayDate(briefing.DayOf(time.Now())), Summary: "Negotiators agreed on a second prisoner exchange <!channel>.",
		Topics: []string{"prisoners"}, FirstSeen: time.Now(), UpdatedAt: time.Now(),
		Citations: []briefing.Citation{{Source: "Wire", URL: "https://wire.example/x", Published: time.Now(), Sentence: "Negotiators agreed on a second prisoner exchange."}},
	}
	if err := h.bh.Store.Ingest(context.Background(), &briefing.Ingestion{Article: &briefing.Article{Source: "Wire", Via: "test", Published: time.Now(), Text: "x", Hash: strings.Repeat("ab", 32), IngestedAt: time.Now()}, New: []*briefing.Event{ev}}); err != nil {
		t.Fatal(err)
	}

	h.send("slash_commands", slackfake.SlashCommand("/brief", "subscribe prisoners at 07:30 tz Europe/Kyiv", "C0NEWS", "U1", h.fake.ResponseURL("sub")))
	if c := h.response("sub", 1); !strings.Contains(string(c.Raw), "Subscribed #1: prisoners, 07:30 every day, Europe/Kyiv.") {
		t.Fatalf("subscribe answered %s", c.Raw)
	}
	h.send("slash_commands", slackfake.SlashCommand("/brief", "now", "C0NEWS", "U1", h.fake.ResponseURL("now")))
	if c := h.response("now", 1); !strings.Contains(string(c.Raw), "Posted the briefing: 1 new development.") {
		t.Fatalf("now answered %s", c.Raw)
	}
	msgs := h.fake.Messages("C0NEWS")
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the channel, want the briefing", len(msgs))
	}
	m := msgs[0]
	if !strings.Contains(m.Text, "Briefing: prisoners") || !strings.Contains(m.Text, "second prisoner exchange &lt;!channel&gt;") || strings.Contains(m.Text, "<!channel>") {
		t.Errorf("briefing text %q: want the headline and the escaped development", m.Text)
	}
	recs, err := h.bh.Store.Briefings(context.Background(), 1, 5)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %v, %v", recs, err)
	}
	if m.Metadata == nil || m.Metadata.EventType != "briefbot_briefing" || m.Metadata.EventPayload["key"] != recs[0].Key || recs[0].PostRef != m.TS {
		t.Errorf("message %s metadata %+v; record %+v: the key and ts must match", m.TS, m.Metadata, recs[0])
	}
	// The key finds the post again, as a restarted worker would look.
	if ref, found, err := h.a.FindKeyed(context.Background(), "C0NEWS", recs[0].Key, recs[0].PostedAt.Add(-time.Minute)); err != nil || !found || ref != m.TS {
		t.Errorf("FindKeyed = %q, %v, %v; want %s", ref, found, err, m.TS)
	}

	// The channel is deleted: the next briefing disables the subscription.
	h.fake.SetChannelError("C0NEWS", "channel_not_found")
	h.send("slash_commands", slackfake.SlashCommand("/brief", "now", "C0NEWS", "U1", h.fake.ResponseURL("gone")))
	if c := h.response("gone", 1); !strings.Contains(string(c.Raw), "cannot post in this channel, so the subscription was disabled") {
		t.Errorf("now in a deleted channel answered %s", c.Raw)
	}
	sub, err := h.bh.Store.Subscription(context.Background(), 1)
	if err != nil || !strings.Contains(sub.Disabled, "channel_not_found") {
		t.Errorf("subscription after channel_not_found: %+v, %v", sub, err)
	}
}
