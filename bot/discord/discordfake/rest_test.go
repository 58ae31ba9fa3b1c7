package discordfake

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// call sends a REST request to the fake through its Transport, with the bot token unless auth
// says otherwise ("-" for none), and returns the status and the decoded body.
func call(t *testing.T, s *Server, method, url, auth string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	switch auth {
	case "":
		req.Header.Set("Authorization", "Bot "+s.Token())
	case "-":
	default:
		req.Header.Set("Authorization", auth)
	}
	resp, err := (&http.Client{Transport: s.Transport()}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: Content-Type %q", method, url, resp.Header.Get("Content-Type"))
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			// Arrays (command lists) are returned under "_array".
			var arr []any
			if json.Unmarshal(raw, &arr) != nil {
				t.Fatalf("%s %s: body %q is not JSON", method, url, raw)
			}
			out = map[string]any{"_array": arr}
		}
	}
	return resp.StatusCode, out, resp.Header
}

const api = "https://discord.com/api/v10"

var safeMentions = map[string]any{"parse": []any{}}

// msg builds a message create body with safe allowed_mentions.
func msg(fields map[string]any) map[string]any {
	m := map[string]any{"allowed_mentions": safeMentions}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// errorCode digs errors.<path...>._errors[0].code out of a 50035 answer.
func errorCode(body map[string]any, path ...string) string {
	node, _ := body["errors"].(map[string]any)
	for _, p := range path {
		node, _ = node[p].(map[string]any)
	}
	list, _ := node["_errors"].([]any)
	if len(list) == 0 {
		return ""
	}
	first, _ := list[0].(map[string]any)
	code, _ := first["code"].(string)
	return code
}

func TestValidMessagePasses(t *testing.T) {
	s := New(t)
	st, body, hdr := call(t, s, "POST", api+"/channels/"+ChannelID+"/messages", "", msg(map[string]any{
		"content": strings.Repeat("é", MaxContent), // 2,000 characters, 4,000 bytes
		"embeds": []any{map[string]any{
			"title": strings.Repeat("t", MaxEmbedTitle), "description": "d", "url": "https://example.com",
			"fields": []any{map[string]any{"name": "n", "value": "v", "inline": true}},
			"footer": map[string]any{"text": "f"},
		}},
		"components": []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 2, "style": 1, "label": "More", "custom_id": "more"},
		}}},
	}))
	if st != 200 {
		t.Fatalf("status %d: %v", st, body)
	}
	if body["id"] == "" || body["channel_id"] != ChannelID || body["guild_id"] != GuildID {
		t.Errorf("message = %v", body)
	}
	if embeds, _ := body["embeds"].([]any); len(embeds) != 1 || embeds[0].(map[string]any)["type"] != "rich" {
		t.Errorf("embeds = %v", body["embeds"])
	}
	if hdr.Get("X-RateLimit-Bucket") == "" || hdr.Get("X-RateLimit-Remaining") == "" {
		t.Errorf("rate limit headers missing: %v", hdr)
	}
	noViolations(t, s)
	c := s.Calls("POST", "/channels/{channel_id}/messages")
	if len(c) != 1 || c[0].Version != "10" || c[0].Path != "/channels/"+ChannelID+"/messages" || len(c[0].Violations) != 0 {
		t.Fatalf("calls = %+v", c)
	}
	if c := s.Calls("POST", "/channels/"+ChannelID+"/messages"); len(c) != 1 {
		t.Errorf("Calls by concrete path = %d", len(c))
	}
}

func TestContentOverBotLimitFails(t *testing.T) {
	s := New(t)
	st, body, _ := call(t, s, "POST", api+"/channels/"+ChannelID+"/messages", "",
		msg(map[string]any{"content": strings.Repeat("a", MaxContent+1)}))
	if st != 400 || body["code"] != float64(50035) || body["message"] != "Invalid Form Body" {
		t.Fatalf("status %d: %v", st, body)
	}
	if code := errorCode(body, "content"); code != "BASE_TYPE_MAX_LENGTH" {
		t.Errorf("errors = %v", body["errors"])
	}
	v := s.Violations()
	if len(v) != 1 || !strings.HasPrefix(v[0], "POST /channels/{channel_id}/messages: /content: Must be 2000") {
		t.Fatalf("violations = %q", v)
	}
	// The same limit on follow-ups and interaction responses, which the document states too.
	c := s.Calls("POST", "/channels/{channel_id}/messages")[0]
	if c.Status != 400 || len(c.Violations) != 1 {
		t.Errorf("call = %+v", c)
	}
}

func TestMissingAllowedMentionsRecorded(t *testing.T) {
	s := New(t)
	url := api + "/channels/" + ChannelID + "/messages"
	for _, tc := range []struct {
		name string
		body map[string]any
		bad  bool
	}{
		{"missing", map[string]any{"content": "hi"}, true},
		{"null", map[string]any{"content": "hi", "allowed_mentions": nil}, true},
		{"parse null", map[string]any{"content": "hi", "allowed_mentions": map[string]any{"parse": nil}}, true},
		{"parse absent", map[string]any{"content": "hi", "allowed_mentions": map[string]any{}}, true},
		{"parse everyone", map[string]any{"content": "hi", "allowed_mentions": map[string]any{"parse": []any{"everyone"}}}, true},
		{"empty parse", map[string]any{"content": "hi", "allowed_mentions": safeMentions}, false},
	} {
		before := len(s.Violations())
		st, body, _ := call(t, s, "POST", url, "", tc.body)
		if st != 200 {
			t.Errorf("%s: status %d %v (Discord accepts it)", tc.name, st, body)
		}
		got := s.Violations()[before:]
		if tc.bad != (len(got) == 1) {
			t.Errorf("%s: violations %q", tc.name, got)
		}
		if tc.bad && len(got) == 1 && got[0] != "POST /channels/{channel_id}/messages: "+ViolationAllowedMentions {
			t.Errorf("%s: violation %q", tc.name, got[0])
		}
	}
	// Edits too.
	_, created, _ := call(t, s, "POST", url, "", msg(map[string]any{"content": "x"}))
	before := len(s.Violations())
	st, _, _ := call(t, s, "PATCH", url+"/"+created["id"].(string), "", map[string]any{"content": "y"})
	if st != 200 || len(s.Violations()) != before+1 {
		t.Fatalf("edit: status %d, violations %q", st, s.Violations()[before:])
	}
}

func TestBadEmbedsFail(t *testing.T) {
	s := New(t)
	url := api + "/channels/" + ChannelID + "/messages"
	field := func(name, value string) map[string]any { return map[string]any{"name": name, "value": value} }
	many := func(n int, f func(int) any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		embeds []any
		path   []string
		code   string
	}{
		{"title", []any{map[string]any{"title": strings.Repeat("t", 257)}}, []string{"embeds", "0", "title"}, "BASE_TYPE_MAX_LENGTH"},
		{"description", []any{map[string]any{"description": strings.Repeat("d", 4097)}}, []string{"embeds", "0", "description"}, "BASE_TYPE_MAX_LENGTH"},
		{"eleven embeds", many(11, func(int) any { return map[string]any{"title": "x"} }), []string{"embeds"}, "BASE_TYPE_MAX_LENGTH"},
		{"26 fields", []any{map[string]any{"fields": many(26, func(int) any { return field("n", "v") })}}, []string{"embeds", "0", "fields"}, "BASE_TYPE_MAX_LENGTH"},
		{"field name", []any{map[string]any{"fields": []any{field(strings.Repeat("n", 257), "v")}}}, []string{"embeds", "0", "fields", "0", "name"}, "BASE_TYPE_MAX_LENGTH"},
		{"field value", []any{map[string]any{"fields": []any{field("n", strings.Repeat("v", 1025))}}}, []string{"embeds", "0", "fields", "0", "value"}, "BASE_TYPE_MAX_LENGTH"},
		{"footer", []any{map[string]any{"footer": map[string]any{"text": strings.Repeat("f", 2049)}}}, []string{"embeds", "0", "footer", "text"}, "BASE_TYPE_MAX_LENGTH"},
		{"total", many(2, func(int) any { return map[string]any{"description": strings.Repeat("d", 3001)} }), []string{"embeds"}, "MAX_EMBED_SIZE_EXCEEDED"},
		{"url", []any{map[string]any{"title": "x", "url": "not a url"}}, []string{"embeds", "0", "url"}, "URL_TYPE_INVALID_URL"},
		{"color", []any{map[string]any{"title": "x", "color": -1}}, []string{"embeds", "0", "color"}, "BASE_TYPE_INVALID"},
	} {
		before := len(s.Violations())
		st, body, _ := call(t, s, "POST", url, "", msg(map[string]any{"embeds": tc.embeds}))
		if st != 400 || errorCode(body, tc.path...) != tc.code {
			t.Errorf("%s: status %d, errors %v; want %s at %v", tc.name, st, body["errors"], tc.code, tc.path)
		}
		if len(s.Violations()) == before {
			t.Errorf("%s: no violation recorded", tc.name)
		}
	}
	// Exactly at the limits passes.
	st, body, _ := call(t, s, "POST", url, "", msg(map[string]any{"embeds": []any{
		map[string]any{"description": strings.Repeat("d", 4096), "title": strings.Repeat("t", 256)},
		map[string]any{"fields": many(25, func(int) any { return field("n", strings.Repeat("v", 1)) }),
			"footer": map[string]any{"text": strings.Repeat("f", 1598)}},
	}}))
	if st != 200 {
		t.Fatalf("at the limits: status %d %v", st, body)
	}
}

func TestSchemaViolationFails(t *testing.T) {
	s := New(t)
	url := api + "/channels/" + ChannelID + "/messages"
	for _, tc := range []struct {
		name string
		body any
		path []string
		code string
	}{
		{"content is a number", msg(map[string]any{"content": 5}), []string{"content"}, "BASE_TYPE_BAD_TYPE"},
		{"embeds is an object", msg(map[string]any{"content": "x", "embeds": map[string]any{}}), []string{"embeds"}, "BASE_TYPE_BAD_TYPE"},
		{"tts is a string", msg(map[string]any{"content": "x", "tts": "yes"}), []string{"tts"}, "BASE_TYPE_BAD_TYPE"},
		{"body is an array", []any{1}, nil, "BASE_TYPE_BAD_TYPE"},
		{"bad button style", msg(map[string]any{"components": []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 2, "style": 99, "label": "x", "custom_id": "x"}}}}}), nil, ""},
	} {
		before := len(s.Violations())
		st, body, _ := call(t, s, "POST", url, "", tc.body)
		if st != 400 || body["code"] != float64(50035) {
			t.Errorf("%s: status %d %v", tc.name, st, body)
			continue
		}
		if tc.code != "" && errorCode(body, tc.path...) != tc.code {
			t.Errorf("%s: errors %v, want %s at %v", tc.name, body["errors"], tc.code, tc.path)
		}
		if got := s.Violations()[before:]; len(got) == 0 {
			t.Errorf("%s: no violation", tc.name)
		} else {
			t.Logf("%s: %q", tc.name, got)
		}
	}
	// Not JSON at all.
	st, body, _ := call(t, s, "POST", url, "", "{not json")
	if st != 400 || errorCode(body) != "JSON_DECODE" {
		t.Errorf("bad JSON: %d %v", st, body)
	}
}

func TestInteractionBodiesChecked(t *testing.T) {
	s := New(t)
	s.SetInteractionDeadline(0)
	ws := dialGateway(t, s, "9")
	identifyRaw(t, ws, s.Token(), IntentGuilds)
	readUntil(t, ws, "READY")
	dispatch := func(id, tok string) {
		if _, err := s.Dispatch("INTERACTION_CREATE", SlashCommand(id, tok, "brief", nil, ChannelID, GuildID, "1247599000000000001")); err != nil {
			t.Fatal(err)
		}
	}
	cb := func(id, tok string) string { return api + "/interactions/" + id + "/" + tok + "/callback" }

	dispatch("1247601000000000001", "tok1")
	st, body, _ := call(t, s, "POST", cb("1247601000000000001", "tok1"), "-", map[string]any{
		"type": 4, "data": map[string]any{"content": strings.Repeat("x", 2001), "allowed_mentions": safeMentions}})
	if st != 400 || errorCode(body, "data", "content") != "BASE_TYPE_MAX_LENGTH" {
		t.Fatalf("long content: %d %v", st, body)
	}
	st, body, _ = call(t, s, "POST", cb("1247601000000000001", "tok1"), "-", map[string]any{
		"type": 4, "data": map[string]any{"content": "ok"}})
	if st != 204 || body != nil {
		t.Fatalf("type 4: %d %v", st, body)
	}
	want := "POST /interactions/{interaction_id}/{interaction_token}/callback: " + ViolationAllowedMentions
	if v := s.Violations(); v[len(v)-1] != want {
		t.Fatalf("violations = %q", v)
	}
	// Follow-up and @original edit: the same checks.
	fu := api + "/webhooks/" + AppID + "/tok1"
	st, body, _ = call(t, s, "POST", fu, "-", map[string]any{"content": strings.Repeat("x", 2001), "allowed_mentions": safeMentions})
	if st != 400 || errorCode(body, "content") != "BASE_TYPE_MAX_LENGTH" {
		t.Fatalf("long follow-up: %d %v", st, body)
	}
	st, body, _ = call(t, s, "POST", fu+"?wait=true", "-", map[string]any{"content": "more", "allowed_mentions": safeMentions})
	if st != 200 || body["content"] != "more" || body["webhook_id"] != AppID {
		t.Fatalf("follow-up: %d %v", st, body)
	}
	st, body, _ = call(t, s, "PATCH", fu+"/messages/@original", "-", map[string]any{"content": "edited"})
	if st != 200 || body["content"] != "edited" {
		t.Fatalf("edit original: %d %v", st, body)
	}
	if v := s.Violations(); v[len(v)-1] != "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original: "+ViolationAllowedMentions {
		t.Fatalf("violations = %q", v)
	}

	// A deferred response needs no allowed_mentions; a wrong response type is refused.
	dispatch("1247601000000000002", "tok2")
	before := len(s.Violations())
	st, body, _ = call(t, s, "POST", cb("1247601000000000002", "tok2"), "-", map[string]any{"type": 8,
		"data": map[string]any{"choices": []any{}}})
	if st != 400 || len(s.Violations()) != before+1 {
		t.Fatalf("autocomplete result for a command: %d %v", st, body)
	}
	st, _, _ = call(t, s, "POST", cb("1247601000000000002", "tok2")+"?with_response=true", "-", map[string]any{"type": 5})
	if st != 200 || len(s.Violations()) != before+1 {
		t.Fatalf("deferred: %d, violations %q", st, s.Violations()[before:])
	}
	// Wrong data type in the response.
	dispatch("1247601000000000003", "tok3")
	st, body, _ = call(t, s, "POST", cb("1247601000000000003", "tok3"), "-", map[string]any{"type": 4,
		"data": map[string]any{"content": 12, "allowed_mentions": safeMentions}})
	if st != 400 || errorCode(body, "data", "content") != "BASE_TYPE_BAD_TYPE" {
		t.Fatalf("wrong type: %d %v", st, body)
	}
	// Unknown interaction.
	st, body, _ = call(t, s, "POST", cb("1247601000000000099", "nope"), "-", map[string]any{"type": 5})
	if st != 404 || body["code"] != float64(10062) {
		t.Fatalf("unknown interaction: %d %v", st, body)
	}
	// Follow-up for a token never answered: Unknown Webhook.
	dispatch("1247601000000000004", "tok4")
	st, body, _ = call(t, s, "POST", api+"/webhooks/"+AppID+"/tok4", "-", map[string]any{"content": "x", "allowed_mentions": safeMentions})
	if st != 404 || body["code"] != float64(10015) {
		t.Fatalf("follow-up before response: %d %v", st, body)
	}
}

func TestInteractionDeadline(t *testing.T) {
	s := New(t)
	s.SetInteractionDeadline(100 * time.Millisecond)
	ws := dialGateway(t, s, "10")
	identifyRaw(t, ws, s.Token(), 0)
	readUntil(t, ws, "READY")
	if _, err := s.Dispatch("INTERACTION_CREATE", SlashCommand("1247601000000000001", "late", "brief", nil, ChannelID, GuildID, "1247599000000000001")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	st, body, _ := call(t, s, "POST", api+"/interactions/1247601000000000001/late/callback", "-", map[string]any{"type": 5})
	if st != 404 || body["code"] != float64(10062) {
		t.Fatalf("late response: %d %v", st, body)
	}
}

func TestCommandsValidated(t *testing.T) {
	s := New(t)
	url := api + "/applications/" + AppID + "/commands"
	good := []any{map[string]any{"name": "brief", "description": "Get a briefing", "type": 1,
		"default_member_permissions": "0",
		"options":                    []any{map[string]any{"type": 3, "name": "topic", "description": "Topic", "required": true}}}}
	st, body, _ := call(t, s, "PUT", url, "", good)
	if st != 200 {
		t.Fatalf("PUT: %d %v", st, body)
	}
	list := body["_array"].([]any)
	cmd := list[0].(map[string]any)
	if cmd["id"] != CommandID("brief") || cmd["application_id"] != AppID || cmd["default_member_permissions"] != "0" {
		t.Errorf("command = %v", cmd)
	}
	st, body, _ = call(t, s, "GET", url+"?with_localizations=true", "", nil)
	if st != 200 || len(body["_array"].([]any)) != 1 {
		t.Fatalf("GET: %d %v", st, body)
	}
	st, body, _ = call(t, s, "GET", api+"/applications/"+AppID+"/guilds/"+GuildID+"/commands", "", nil)
	if st != 200 || len(body["_array"].([]any)) != 0 {
		t.Fatalf("GET guild: %d %v", st, body)
	}
	noViolations(t, s)
	for _, bad := range []any{
		[]any{map[string]any{"name": strings.Repeat("n", 33), "description": "d"}},
		map[string]any{"name": "brief"},
		[]any{map[string]any{"description": "no name"}},
	} {
		st, body, _ := call(t, s, "PUT", url, "", bad)
		if st != 400 || body["code"] != float64(50035) {
			t.Errorf("%v: %d %v", bad, st, body)
		}
	}
}

func TestMultipartValidated(t *testing.T) {
	s := New(t)
	post := func(payload string) (int, map[string]any) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("payload_json", payload)
		fw, _ := mw.CreateFormFile("files[0]", "a.txt")
		_, _ = fw.Write([]byte("hello"))
		_ = mw.Close()
		req, _ := http.NewRequest("POST", api+"/channels/"+ChannelID+"/messages", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bot "+s.Token())
		resp, err := (&http.Client{Transport: s.Transport()}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	st, body := post(`{"content":"with file","allowed_mentions":{"parse":[]}}`)
	if st != 200 || len(body["attachments"].([]any)) != 1 {
		t.Fatalf("multipart: %d %v", st, body)
	}
	st, body = post(`{"content":` + `"` + strings.Repeat("x", 2001) + `","allowed_mentions":{"parse":[]}}`)
	if st != 400 || errorCode(body, "content") != "BASE_TYPE_MAX_LENGTH" {
		t.Fatalf("long multipart: %d %v", st, body)
	}
}

func TestRESTErrorsLikeDiscord(t *testing.T) {
	s := New(t)
	for _, tc := range []struct {
		method, url, auth string
		body              any
		status            int
		code              float64
		message           string
	}{
		{"GET", api + "/users/@me", "Bot wrong", nil, 401, 0, "401: Unauthorized"},
		{"GET", api + "/users/@me", "-", nil, 401, 0, "401: Unauthorized"},
		{"GET", api + "/users/@me", s.Token(), nil, 401, 0, "401: Unauthorized"}, // no "Bot "
		{"GET", api + "/no/such/route", "", nil, 404, 0, "404: Not Found"},
		{"GET", "https://discord.com/nothing", "", nil, 404, 0, "404: Not Found"},
		{"PUT", api + "/users/@me", "", nil, 405, 0, "405: Method Not Allowed"},
		{"GET", "https://discord.com/api/v8/users/@me", "", nil, 400, 50041, "Invalid API version provided."},
		{"PATCH", api + "/channels/" + ChannelID + "/messages/1247600000000000001", "", msg(map[string]any{"content": "x"}), 404, 10008, "Unknown Message"},
		{"POST", api + "/channels/" + ChannelID + "/messages", "", msg(nil), 400, 50006, "Cannot send an empty message"},
		{"POST", api + "/channels/general/messages", "", msg(map[string]any{"content": "x"}), 400, 50035, "Invalid Form Body"},
		{"POST", api + "/webhooks/" + AppID + "/unknown", "-", msg(map[string]any{"content": "x"}), 404, 10015, "Unknown Webhook"},
		{"GET", api + "/guilds/" + GuildID + "/members", "", nil, 404, 0, "404: Not Found"}, // in the document, not served
	} {
		st, body, _ := call(t, s, tc.method, tc.url, tc.auth, tc.body)
		if st != tc.status || body["code"] != tc.code || body["message"] != tc.message {
			t.Errorf("%s %s: %d %v, want %d %v %q", tc.method, tc.url, st, body, tc.status, tc.code, tc.message)
		}
	}
	if c := s.Calls("POST", "/channels/{channel_id}/messages"); len(c) != 2 || c[1].Violations[0] != `POST /channels/{channel_id}/messages: /channel_id: Value "general" is not snowflake.` {
		t.Errorf("calls = %+v", c)
	}
	// Handle serves a route the fake does not.
	s.Handle("GET", "/guilds/{id}/members", func(c Call) (int, any) {
		return 200, []any{map[string]any{"user": userObject("1247599000000000001")}}
	})
	if st, body, _ := call(t, s, "GET", api+"/guilds/"+GuildID+"/members", "", nil); st != 200 || len(body["_array"].([]any)) != 1 {
		t.Errorf("Handle: %d %v", st, body)
	}
	// The transport refuses other hosts.
	if _, err := (&http.Client{Transport: s.Transport()}).Get("https://example.com/"); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("other host: %v", err)
	}
	// Revoked token.
	s.RevokeToken()
	if st, _, _ := call(t, s, "GET", api+"/users/@me", "", nil); st != 401 {
		t.Errorf("revoked token: %d", st)
	}
}

func TestGatewayRoutes(t *testing.T) {
	s := New(t)
	for _, v := range []string{"v9", "v10"} {
		st, body, _ := call(t, s, "GET", "https://discord.com/api/"+v+"/gateway", "-", nil)
		if st != 200 || body["url"] != s.GatewayURL() {
			t.Errorf("%s /gateway: %d %v", v, st, body)
		}
		st, body, _ = call(t, s, "GET", "https://discord.com/api/"+v+"/gateway/bot", "", nil)
		limit, _ := body["session_start_limit"].(map[string]any)
		if st != 200 || body["url"] != s.GatewayURL() || body["shards"] != float64(1) || limit["max_concurrency"] != float64(1) {
			t.Errorf("%s /gateway/bot: %d %v", v, st, body)
		}
	}
	if st, _, _ := call(t, s, "GET", api+"/gateway/bot", "-", nil); st != 401 {
		t.Errorf("/gateway/bot without a token: %d", st)
	}
	for _, p := range []string{"/applications/@me", "/oauth2/applications/@me"} {
		st, body, _ := call(t, s, "GET", api+p, "", nil)
		if st != 200 || body["id"] != AppID {
			t.Errorf("%s: %d %v", p, st, body)
		}
	}
	st, body, _ := call(t, s, "POST", api+"/users/@me/channels", "", map[string]any{"recipient_id": "1247599000000000001"})
	if st != 200 || body["id"] != DMChannelID("1247599000000000001") || body["type"] != float64(1) {
		t.Errorf("create DM: %d %v", st, body)
	}
	noViolations(t, s)
}
