package bottest

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/console"
	"github.com/briefbot/briefbot/bot/discord"
	"github.com/briefbot/briefbot/bot/slack"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/digest"
	"github.com/briefbot/briefbot/briefing/llm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// briefFixture is a fixed morning briefing: one development reported by
// three sources, an update to an earlier proposal, and developments on
// many topics, so that the briefing is grouped.
func briefFixture() (*briefing.Brief, *briefing.Subscription) {
	from := time.Date(2025, 5, 19, 4, 30, 0, 0, time.UTC) // 07:30 in Kyiv
	to := from.Add(24 * time.Hour)
	seen := from.Add(3 * time.Hour)
	id := int64(0)
	cite := func(source, sentence string, day int) briefing.Citation {
		slug := strings.ToLower(strings.Join(strings.Fields(sentence)[:3], "-"))
		return briefing.Citation{
			Source: source, URL: "https://" + strings.ToLower(strings.ReplaceAll(source, " ", "")) + ".example/2025/05/" + slug,
			Published: time.Date(2025, 5, day, 9, 0, 0, 0, time.UTC), Sentence: sentence,
		}
	}
	ev := func(summary string, d int, actors, topics []string, first time.Time, cites ...briefing.Citation) *briefing.Event {
		id++
		if len(cites) == 0 {
			cites = []briefing.Citation{cite("Wire", summary, d)}
		}
		return &briefing.Event{
			ID: id, Date: briefing.DayDate(briefing.Date(2025, time.May, d)), Summary: summary,
			Actors: actors, Topics: topics, Citations: cites, FirstSeen: first, UpdatedAt: first,
		}
	}
	earlier := []*briefing.Event{
		ev("Ukraine proposed a 30-day cease-fire starting on 12 May.", 11, []string{"ukraine"}, []string{"ceasefire"}, from.Add(-72*time.Hour)),
		ev("The two delegations met for the first time in three years in Istanbul.", 16, []string{"russia", "ukraine"}, []string{"talks"}, from.Add(-60*time.Hour)),
	}
	swap := "Russia and Ukraine agreed in Istanbul to exchange 1,000 prisoners of war each."
	fresh := []*briefing.Event{
		ev(swap, 16, []string{"russia", "ukraine"}, []string{"prisoners"}, seen,
			cite("Reuters", swap, 19),
			cite("AP", "Both sides agreed to swap 1,000 prisoners of war each, the negotiators said in Istanbul.", 19),
			cite("Kyiv Independent", "Kyiv and Moscow agreed to a 1,000-for-1,000 prisoner exchange.", 19)),
		ev("Russia rejected the 30-day cease-fire Ukraine had proposed.", 19, []string{"russia", "ukraine"}, []string{"ceasefire"}, seen.Add(time.Hour)),
		ev("Putin and Trump spoke by phone for more than two hours on 19 May.", 19, []string{"putin", "trump"}, []string{"talks"}, seen.Add(2*time.Hour),
			cite("AP", "Putin and Trump spoke by phone for more than two hours on 19 May.", 19),
			cite("BBC", "The two presidents held a call that lasted over two hours.", 19)),
		ev("The European Union adopted its 17th package of sanctions against Russia.", 20, []string{"eu", "russia"}, []string{"sanctions"}, seen.Add(3*time.Hour)),
		ev("The United Kingdom announced new sanctions on Russian oil tankers.", 20, []string{"russia", "uk"}, []string{"sanctions"}, seen.Add(4*time.Hour)),
		ev("Vatican officials offered to host the next round of negotiations.", 20, []string{"vatican"}, []string{"talks"}, seen.Add(5*time.Hour)),
		ev("A drone attack struck a bus in the Sumy region, killing nine people.", 17, []string{"ukraine"}, []string{"attacks"}, seen.Add(6*time.Hour)),
		ev("Ukrainian officials reported 112 drones launched overnight.", 18, []string{"ukraine"}, []string{"attacks"}, seen.Add(7*time.Hour)),
		ev("Grain shipments from Odesa resumed after a pause.", 19, []string{"ukraine"}, nil, seen.Add(8*time.Hour)),
	}
	b := digest.Compose(fresh, earlier, digest.BriefOptions{})
	b.Subscription, b.Query, b.From, b.To = 7, "", from, to
	sub := &briefing.Subscription{ID: 7, Dest: briefing.Destination{Platform: "slack", Channel: "C0NEWS"}, Schedule: "CRON_TZ=Europe/Kyiv 30 7 * * 1-5"}
	return b, sub
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/bottest -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./bot/bottest -run Golden -update and review the diff.\ngot:\n%s", name, got)
	}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestGoldenBriefing(t *testing.T) {
	b, sub := briefFixture()
	// What the fixture must exercise, whatever the ranking decides.
	if !b.Grouped {
		t.Errorf("the briefing of %d items is not grouped by topic", len(b.Items))
	}
	if len(b.Updates) != 1 || b.Updates[0].Update == nil || !strings.Contains(b.Updates[0].Update.Change, "rejected") {
		t.Errorf("updates = %+v; want the rejected cease-fire proposal as an update", b.Updates)
	}
	merged := false
	for _, it := range b.Items {
		if strings.Contains(it.Event.Summary, "1,000 prisoners") {
			merged = len(it.Sources) == 3
		}
	}
	if !merged {
		t.Errorf("the prisoner exchange is not one item with 3 sources")
	}
	r := bot.BriefReply(b, sub)
	t.Run("console", func(t *testing.T) { golden(t, "brief.console.txt", []byte(console.Render(r))) })
	t.Run("slack", func(t *testing.T) { golden(t, "brief.slack.json", marshal(t, slack.Render(r))) })
	t.Run("discord", func(t *testing.T) { golden(t, "brief.discord.json", marshal(t, discord.Render(r))) })

	// Nothing new: one honest line.
	empty := &briefing.Brief{From: b.From, To: b.To}
	er := bot.BriefReply(empty, sub)
	t.Run("empty console", func(t *testing.T) { golden(t, "brief-empty.console.txt", []byte(console.Render(er))) })
	t.Run("empty slack", func(t *testing.T) { golden(t, "brief-empty.slack.json", marshal(t, slack.Render(er))) })
	t.Run("empty discord", func(t *testing.T) { golden(t, "brief-empty.discord.json", marshal(t, discord.Render(er))) })
}

// TestBriefCommandsOnTheConsole drives /brief as a user at the console
// does: subscribe, list, preview, now, now again, unsubscribe, and the
// mistakes people make.
func TestBriefCommandsOnTheConsole(t *testing.T) {
	h := NewBriefs(t)
	today := time.Now().UTC().Format("2006-01-02")
	h.Ingest("Russia and Ukraine agreed on a three-day cease-fire, the Kremlin said. Putin ordered the truce to begin at midnight.", today, "Wire")
	h.Ingest("Zelenskyy said Ukraine would respect the cease-fire if Russia did. Ukraine also proposed a longer truce of 30 days.", today, "Daily")

	out := h.Send("/brief subscribe ceasefire at 07:30 tz Europe/Kyiv weekdays")
	for _, want := range []string{"Subscribed #1: ceasefire, 07:30 on weekdays, Europe/Kyiv.", "The first briefing comes", "(Europe/Kyiv)"} {
		if !strings.Contains(out, want) {
			t.Errorf("subscribe answered %q; want %q", out, want)
		}
	}
	if out := h.Send("/brief list"); !strings.Contains(out, "#1  ceasefire in console:console, 07:30 on weekdays, Europe/Kyiv") || !strings.Contains(out, "next ") {
		t.Errorf("list = %q", out)
	}

	out = h.Send("/brief preview")
	for _, want := range []string{"Briefing: ceasefire", "cease-fire", "Source: Wire", "Preview: nothing was posted"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview = %q; want %q", out, want)
		}
	}
	if h.Posted.Len() != 0 {
		t.Errorf("preview posted %q", h.Posted)
	}

	if out := h.Send("/brief now"); !strings.Contains(out, "Posted the briefing:") {
		t.Errorf("now = %q", out)
	}
	posted := h.Posted.String()
	if !strings.Contains(posted, "posted to console") || !strings.Contains(posted, "Briefing: ceasefire") || !strings.Contains(posted, "cease-fire") {
		t.Errorf("the posted briefing reads %q", posted)
	}
	// Nothing new since: one honest line, and the watermark moved.
	h.Posted.Reset()
	if out := h.Send("/brief now"); !strings.Contains(out, "Posted: nothing new since the last briefing.") {
		t.Errorf("second now = %q", out)
	}
	if !strings.Contains(h.Posted.String(), "Nothing new since") {
		t.Errorf("second briefing reads %q", h.Posted)
	}

	for _, tc := range []struct{ in, want string }{
		{"/brief subscribe ceasefire", "Error: Say when the briefing should come"},
		{"/brief subscribe ceasefire at 25:99", "Error:"},
		{"/brief subscribe actor:nobody at 07:30", "No actor called"},
		{"/brief subscribe x cron \"* * * * *\"", "more than once an hour"},
		{"/brief now 99", "There is no subscription #99 here"},
		{"/brief frobnicate", "I don't know /brief frobnicate"},
		{"/brief", "/brief subscribe [QUERY] at 07:30"},
	} {
		if out := h.Send(tc.in); !strings.Contains(out, tc.want) {
			t.Errorf("%s = %q; want %q", tc.in, out, tc.want)
		}
	}

	if out := h.Send("/brief subscribe prisoners at noon quiet"); !strings.Contains(out, "Subscribed #2") || !strings.Contains(out, "nothing is posted") {
		t.Errorf("second subscribe = %q", out)
	}
	if out := h.Send("/brief now"); !strings.Contains(out, "This channel has 2 subscriptions (#1, #2); say which one") {
		t.Errorf("now with two subscriptions = %q", out)
	}
	if out := h.Send("/brief unsubscribe 1"); !strings.Contains(out, "Unsubscribed #1 (ceasefire)") {
		t.Errorf("unsubscribe = %q", out)
	}
	if out := h.Send("/brief unsubscribe"); !strings.Contains(out, "Unsubscribed #2 (prisoners)") {
		t.Errorf("unsubscribe the only one = %q", out)
	}
	if out := h.Send("/brief list"); !strings.Contains(out, "This channel has no briefing subscription") {
		t.Errorf("list after unsubscribing = %q", out)
	}
}

// TestAbstractiveSummaryIsChecked puts a local OpenAI-compatible server
// behind the briefing: a summary whose every name, number and date is in
// the developments is shown above them; one that invents a number is
// dropped and the briefing goes out extractive.
func TestAbstractiveSummaryIsChecked(t *testing.T) {
	answer := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": answer}}}})
	}))
	defer srv.Close()
	sum, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "local"})
	if err != nil {
		t.Fatal(err)
	}
	h := NewBriefs(t)
	bs, err := brief.New(brief.Config{
		Store: h.Store, Timeline: h.Svc, Publisher: h.Publisher, Abstract: sum,
		Compose: func(fresh, earlier []*briefing.Event) *briefing.Brief {
			return digest.Compose(fresh, earlier, digest.BriefOptions{})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.Bot = bot.New(h.Svc, bot.Options{Briefs: bs})
	today := time.Now().UTC().Format("2006-01-02")
	h.Ingest("Russia and Ukraine agreed to exchange 1,000 prisoners each in Istanbul. The exchange was the largest of the war.", today, "Wire")
	h.Send("/brief subscribe prisoners at 07:30")

	answer = "Russia and Ukraine agreed in Istanbul to exchange 1,000 prisoners each."
	if out := h.Send("/brief preview"); !strings.Contains(out, answer) {
		t.Errorf("a supported summary is not shown: %q", out)
	}
	answer = "Russia and Ukraine agreed to exchange 1,200 prisoners each."
	out := h.Send("/brief preview")
	if strings.Contains(out, "1,200") || !strings.Contains(out, "1,000 prisoners") {
		t.Errorf("an unsupported summary was shown, or the extractive items are missing: %q", out)
	}
}
