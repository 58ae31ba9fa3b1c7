package discordfake

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// manualClock is a clock a test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// idTime returns when the snowflake id was made.
func idTime(t *testing.T, id any) time.Time {
	t.Helper()
	s, _ := id.(string)
	if !isSnowflake(s) {
		t.Fatalf("id %v is not a snowflake", id)
	}
	return time.UnixMilli(int64(snowflakeValue(s)>>22) + discordEpoch)
}

func TestNonceValidated(t *testing.T) {
	s := New(t)
	url := api + "/channels/" + ChannelID + "/messages"
	for _, tc := range []struct {
		name  string
		nonce any
		ok    bool
	}{
		{"string of 25", strings.Repeat("n", 25), true},
		{"string of 26", strings.Repeat("n", 26), false},
		{"integer", 1247598652511322112, true},
		{"fraction", 1.5, false},
		{"null", nil, true},
		{"object", map[string]any{"a": 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, body, _ := call(t, s, "POST", url, "", msg(map[string]any{"content": "x", "nonce": tc.nonce, "enforce_nonce": true}))
			if tc.ok && st != 200 {
				t.Fatalf("status %d: %v", st, body)
			}
			if !tc.ok && (st != 400 || body["code"] != float64(50035) || errorCode(body, "nonce") == "") {
				t.Fatalf("status %d, body %v; want 400 50035 on nonce", st, body)
			}
		})
	}
	st, body, _ := call(t, s, "POST", url, "", msg(map[string]any{"content": "x", "enforce_nonce": "yes"}))
	if st != 400 || errorCode(body, "enforce_nonce") == "" {
		t.Errorf("enforce_nonce \"yes\": status %d, body %v", st, body)
	}
}

func TestEnforceNonce(t *testing.T) {
	s := New(t)
	clock := &manualClock{t: time.Now()}
	s.SetClock(clock.now)
	url := api + "/channels/" + ChannelID + "/messages"
	post := func(nonce any, enforce bool) map[string]any {
		t.Helper()
		st, body, _ := call(t, s, "POST", url, "", msg(map[string]any{"content": "briefing", "nonce": nonce, "enforce_nonce": enforce}))
		if st != 200 {
			t.Fatalf("status %d: %v", st, body)
		}
		return body
	}

	first := post("brief-1", true)
	if first["nonce"] != "brief-1" {
		t.Errorf("the create answer's nonce = %v, want it echoed", first["nonce"])
	}
	if got := idTime(t, first["id"]); !got.Equal(clock.now().Truncate(time.Millisecond)) {
		t.Errorf("message made at %v, want the fake's clock %v", got, clock.now())
	}
	clock.add(NonceWindow / 2)
	again := post("brief-1", true)
	if again["id"] != first["id"] || again["nonce"] != "brief-1" {
		t.Errorf("the same nonce within the window made %v, want the earlier message %v", again["id"], first["id"])
	}
	if n := len(s.Messages(ChannelID)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	// Without enforce_nonce the nonce is only echoed.
	if loose := post("brief-1", false); loose["id"] == first["id"] {
		t.Error("a nonce without enforce_nonce deduplicated")
	}
	// Another nonce, or "1" against 1, is another message.
	if other := post("brief-2", true); other["id"] == first["id"] {
		t.Error("another nonce deduplicated")
	}
	one := post("1", true)
	if num := post(1, true); num["id"] == one["id"] || num["nonce"] != float64(1) {
		t.Errorf("integer nonce 1 = %v (nonce %v), want a new message echoing the integer", num["id"], num["nonce"])
	}
	// Past the window, the same nonce makes a new message.
	clock.add(NonceWindow)
	if late := post("brief-1", true); late["id"] == first["id"] {
		t.Error("the nonce was still enforced after NonceWindow")
	}
	// Nonces are not kept: reading the message shows none.
	st, got, _ := call(t, s, "GET", url+"/"+first["id"].(string), "", nil)
	if st != 200 || got["nonce"] != nil {
		t.Errorf("GET message: status %d, nonce %v; want no nonce", st, got["nonce"])
	}
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("violations: %q", v)
	}
}

// listIDs reads GET /channels/{id}/messages with query and returns the IDs in order.
func listIDs(t *testing.T, s *Server, channel, query string) []string {
	t.Helper()
	st, body, _ := call(t, s, "GET", api+"/channels/"+channel+"/messages"+query, "", nil)
	if st != 200 {
		t.Fatalf("GET messages%s: status %d: %v", query, st, body)
	}
	var ids []string
	arr, _ := body["_array"].([]any)
	for _, m := range arr {
		ids = append(ids, m.(map[string]any)["id"].(string))
	}
	return ids
}

func TestListMessages(t *testing.T) {
	s := New(t)
	const user = "1247599000000000001"
	base := time.Now().Add(-time.Hour)
	var ids []string // oldest first
	for i := range 7 {
		id := fmt.Sprint((base.Add(time.Duration(i)*time.Minute).UnixMilli() - discordEpoch) << 22)
		ids = append(ids, id)
		if err := s.AddMessage(Message(id, ChannelID, GuildID, user, fmt.Sprint("m", i), false)); err != nil {
			t.Fatal(err)
		}
	}
	// The bot's own message, with an embed, is the newest.
	st, mine, _ := call(t, s, "POST", api+"/channels/"+ChannelID+"/messages", "", msg(map[string]any{
		"embeds": []any{map[string]any{"description": "d", "footer": map[string]any{"text": "briefing k"}}},
		"nonce":  "k", "enforce_nonce": true,
	}))
	if st != 200 {
		t.Fatalf("status %d: %v", st, mine)
	}
	// Another channel's messages and ephemeral ones are not listed.
	if err := s.AddMessage(Message(fmt.Sprint(snowflakeValue(ids[3])+1), "1247598653660168193", GuildID, user, "elsewhere", false)); err != nil {
		t.Fatal(err)
	}
	eph := Message(fmt.Sprint(snowflakeValue(ids[3])+2), ChannelID, GuildID, user, "ephemeral", false)
	eph["flags"] = 64
	if err := s.AddMessage(eph); err != nil {
		t.Fatal(err)
	}

	rev := func(xs ...string) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[len(xs)-1-i] = x
		}
		return out
	}
	all := append([]string{mine["id"].(string)}, rev(ids...)...)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", all},
		{"?limit=2", all[:2]},
		{"?limit=100", all},
		{"?before=" + ids[3], rev(ids[:3]...)},
		{"?before=" + ids[3] + "&limit=2", rev(ids[1:3]...)},
		{"?after=" + ids[3] + "&limit=2", rev(ids[4:6]...)},
		{"?after=" + ids[5], []string{mine["id"].(string), ids[6]}},
		{"?around=" + ids[3] + "&limit=3", rev(ids[2:5]...)},
		{"?around=" + ids[0] + "&limit=3", rev(ids[0:3]...)},
	} {
		if got := listIDs(t, s, ChannelID, tc.query); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("GET messages%s = %v, want %v", tc.query, got, tc.want)
		}
	}

	// Messages come whole: author and embeds; no nonce.
	_, body, _ := call(t, s, "GET", api+"/channels/"+ChannelID+"/messages?limit=1", "", nil)
	first := body["_array"].([]any)[0].(map[string]any)
	author, _ := first["author"].(map[string]any)
	embeds, _ := first["embeds"].([]any)
	if author["id"] != BotUserID || len(embeds) != 1 || first["nonce"] != nil {
		t.Errorf("listed message = %v", first)
	}
	if f, _ := embeds[0].(map[string]any)["footer"].(map[string]any); f["text"] != "briefing k" {
		t.Errorf("listed embed = %v", embeds[0])
	}

	// Bad queries answer 400 50035, naming the parameter.
	for _, q := range []string{"?limit=0", "?limit=101", "?limit=ten", "?before=abc", "?before=1&after=2"} {
		st, body, _ := call(t, s, "GET", api+"/channels/"+ChannelID+"/messages"+q, "", nil)
		name := strings.SplitN(strings.TrimPrefix(q, "?"), "=", 2)[0]
		if q == "?before=1&after=2" {
			name = "after" // the second of them
		}
		if st != 400 || body["code"] != float64(50035) || errorCode(body, name) == "" {
			t.Errorf("GET messages%s: status %d, body %v; want 400 50035 on %s", q, st, body, name)
		}
	}
	if v := s.Violations(); len(v) != 5 || !strings.Contains(v[0], "?limit") {
		t.Errorf("violations = %q, want the 5 bad queries", v)
	}

	// A message someone else wrote cannot be edited by the bot.
	st, body, _ = call(t, s, "PATCH", api+"/channels/"+ChannelID+"/messages/"+ids[0], "", msg(map[string]any{"content": "x"}))
	if st != 403 || body["code"] != float64(50005) {
		t.Errorf("edit of a user's message: status %d, body %v", st, body)
	}
}

func TestChannelState(t *testing.T) {
	s := New(t)
	const gone, hidden, readOnly = "1247598653660168201", "1247598653660168202", "1247598653660168203"
	s.SetChannelState(gone, ChannelDeleted)
	s.SetChannelState(hidden, ChannelHidden)
	s.SetChannelState(readOnly, ChannelReadOnly)
	post := msg(map[string]any{"content": "x"})
	for _, tc := range []struct {
		method, channel, path string
		body                  any
		status                int
		code                  float64
	}{
		{"POST", gone, "/messages", post, 404, 10003},
		{"GET", gone, "/messages", nil, 404, 10003},
		{"GET", gone, "", nil, 404, 10003},
		{"POST", hidden, "/messages", post, 403, 50001},
		{"GET", hidden, "/messages", nil, 403, 50001},
		{"POST", readOnly, "/messages", post, 403, 50013},
		{"GET", readOnly, "/messages", nil, 200, 0},
		{"POST", ChannelID, "/messages", post, 200, 0},
	} {
		st, body, _ := call(t, s, tc.method, api+"/channels/"+tc.channel+tc.path, "", tc.body)
		if st != tc.status || (tc.code != 0 && body["code"] != tc.code) {
			t.Errorf("%s %s%s: status %d, body %v; want %d %v", tc.method, tc.channel, tc.path, st, body, tc.status, tc.code)
		}
	}
	s.SetChannelState(gone, ChannelOK)
	if st, _, _ := call(t, s, "POST", api+"/channels/"+gone+"/messages", "", post); st != 200 {
		t.Errorf("after ChannelOK: status %d", st)
	}
}

func TestFailNextConcretePath(t *testing.T) {
	s := New(t)
	const other = "1247598653660168209"
	s.FailNext("POST", "/channels/"+other+"/messages", 1, 429, 7.5)
	post := msg(map[string]any{"content": "x"})
	if st, _, _ := call(t, s, "POST", api+"/channels/"+ChannelID+"/messages", "", post); st != 200 {
		t.Errorf("another channel: status %d, want 200", st)
	}
	st, body, hdr := call(t, s, "POST", api+"/channels/"+other+"/messages", "", post)
	if st != 429 || body["retry_after"] != 7.5 || hdr.Get("Retry-After") != "8" {
		t.Errorf("status %d, body %v, Retry-After %q", st, body, hdr.Get("Retry-After"))
	}
	if st, _, _ := call(t, s, "POST", api+"/channels/"+other+"/messages", "", post); st != 200 {
		t.Errorf("after the failure: status %d", st)
	}
}
