package discordfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// maxBody bounds what the fake reads of a request body (Discord's largest upload limit).
const maxBody = 26 << 20

// request is a REST call being answered.
type request struct {
	call   *Call
	params map[string]string
	body   map[string]any // JSON object body or payload_json, nil otherwise
	now    time.Time
}

// restHandler answers a call that passed authorization, FailNext and validation. It runs with
// s.mu held and returns the status and the body to encode (nil: none).
type restHandler func(s *Server, q *request) (int, any)

// restHandlers are the routes the fake serves, keyed "METHOD template" with the document's
// templates.
var restHandlers = map[string]restHandler{
	"GET /users/@me":                      (*Server).getMe,
	"GET /users/{user_id}":                (*Server).getUser,
	"POST /users/@me/channels":            (*Server).createDM,
	"GET /gateway":                        (*Server).getGateway,
	"GET /gateway/bot":                    (*Server).getGatewayBot,
	"GET /applications/@me":               (*Server).getApplication,
	"GET /oauth2/applications/@me":        (*Server).getApplication,
	"GET /channels/{channel_id}":          (*Server).getChannel,
	"GET /channels/{channel_id}/messages": (*Server).listMessages,
	"POST /channels/{channel_id}/typing": func(*Server, *request) (int, any) {
		return http.StatusNoContent, nil
	},
	"POST /channels/{channel_id}/messages":                                        (*Server).createMessage,
	"GET /channels/{channel_id}/messages/{message_id}":                            (*Server).getMessage,
	"PATCH /channels/{channel_id}/messages/{message_id}":                          (*Server).editMessage,
	"DELETE /channels/{channel_id}/messages/{message_id}":                         (*Server).deleteMessage,
	"PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me": (*Server).addReaction,
	"POST /interactions/{interaction_id}/{interaction_token}/callback":            (*Server).interactionCallback,
	"POST /webhooks/{webhook_id}/{webhook_token}":                                 (*Server).followUp,
	"GET /webhooks/{webhook_id}/{webhook_token}/messages/@original":               (*Server).getWebhookMessage,
	"PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original":             (*Server).editWebhookMessage,
	"DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original":            (*Server).deleteWebhookMessage,
	"GET /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}":            (*Server).getWebhookMessage,
	"PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}":          (*Server).editWebhookMessage,
	"DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}":         (*Server).deleteWebhookMessage,
	"PUT /applications/{application_id}/commands":                                 (*Server).putCommands,
	"GET /applications/{application_id}/commands":                                 (*Server).getCommands,
	"POST /applications/{application_id}/commands":                                (*Server).postCommand,
	"PUT /applications/{application_id}/guilds/{guild_id}/commands":               (*Server).putCommands,
	"GET /applications/{application_id}/guilds/{guild_id}/commands":               (*Server).getCommands,
	"POST /applications/{application_id}/guilds/{guild_id}/commands":              (*Server).postCommand,
}

// noAuth lists the routes Discord serves without the bot's Authorization: the gateway URL and
// everything authorized by an interaction or webhook token in the path.
func noAuth(template string) bool {
	return template == "/gateway" ||
		strings.HasPrefix(template, "/interactions/") ||
		strings.HasPrefix(template, "/webhooks/{webhook_id}/{webhook_token}")
}

// messageBody says where a route's body carries a message, for the bot limits and the
// allowed_mentions policy: "" for the body itself, "data" for interaction responses of types
// 4 and 7, and ok=false for routes without one.
func messageBody(method, template string, body map[string]any) (base []string, ok bool) {
	switch method + " " + template {
	case "POST /channels/{channel_id}/messages",
		"PATCH /channels/{channel_id}/messages/{message_id}",
		"POST /webhooks/{webhook_id}/{webhook_token}",
		"PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original",
		"PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}":
		return nil, true
	case "POST /interactions/{interaction_id}/{interaction_token}/callback":
		switch intOf(body["type"]) {
		case 4, 7:
			return []string{"data"}, true
		}
	}
	return nil, false
}

// serveREST serves /api/vN/....
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	rest := strings.TrimPrefix(r.URL.Path, "/api")
	version := ""
	if strings.HasPrefix(rest, "/v") {
		end := strings.IndexByte(rest[1:], '/')
		if end < 0 {
			end = len(rest) - 1
		}
		version = rest[2 : end+1]
		rest = rest[end+1:]
	}
	c := Call{
		Method: r.Method, Path: rest, Version: version, Auth: r.Header.Get("Authorization"),
		Body: raw, Query: r.URL.Query(),
	}
	if rest == "" {
		rest = "/"
		c.Path = rest
	}

	s.mu.Lock()
	now := s.nowLocked()
	c.At = now
	status, resp, hdr, custom := s.answerLocked(&c, r.Header.Get("Content-Type"), now)
	if custom != nil {
		// Run the test's handler without the lock, so it may call the Server's methods.
		s.mu.Unlock()
		status, resp = custom(c)
		s.mu.Lock()
	}
	c.Status = status
	s.calls = append(s.calls, c)
	s.notifyLocked()
	// Encode while holding the lock: answers share maps with the fake's stored messages.
	out, err := encodeBody(status, resp)
	s.mu.Unlock()

	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	if out != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// encodeBody encodes an answer as JSON, or returns nil for 204 and nil bodies.
func encodeBody(status int, v any) ([]byte, error) {
	if status == http.StatusNoContent || v == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// answerLocked routes, authorizes, validates and answers c. s.mu must be held.
func (s *Server) answerLocked(c *Call, contentType string, now time.Time) (int, any, http.Header, HandlerFunc) {
	hdr := http.Header{}
	if c.Version != "" && c.Version != "9" && c.Version != "10" {
		return http.StatusBadRequest, apiError(50041, "Invalid API version provided."), hdr, nil
	}
	rt, params := s.doc.match(c.Path)
	if rt == nil {
		return http.StatusNotFound, notFound, hdr, nil
	}
	c.Route = rt.template
	c.Params = params
	if !rt.hasMethod(c.Method) {
		return http.StatusMethodNotAllowed, apiError(0, "405: Method Not Allowed"), hdr, nil
	}
	if !noAuth(rt.template) && (!strings.HasPrefix(c.Auth, "Bot ") || !s.tokenOKLocked(c.Auth)) {
		return http.StatusUnauthorized, apiError(0, "401: Unauthorized"), hdr, nil
	}
	setRateLimitHeaders(hdr, c, now, 5, 4, 1)

	// Parse and check the body and the query.
	problems := s.parseBody(c, contentType)
	problems = append(problems, s.doc.queryProblems(c.Route, c.Method, c.Query)...)
	// Handlers get their own copy of the body: what they store must not alias c.JSON.
	q := &request{call: c, params: params, body: cloneJSON(c.JSON), now: now}
	for name, v := range params {
		if strings.HasSuffix(name, "_id") && !isSnowflake(v) {
			problems = append(problems, problem{loc: []string{name}, code: "NUMBER_TYPE_COERCE",
				msg: fmt.Sprintf("Value %q is not snowflake.", v)})
		}
	}
	bad := len(problems) > 0
	for _, p := range problems {
		c.Violations = append(c.Violations, fmt.Sprintf("%s %s: %s: %s", c.Method, c.Route, p.where(), p.msg))
	}
	if base, ok := messageBody(c.Method, rt.template, c.JSON); ok && c.JSON != nil {
		msg := c.JSON
		for _, tok := range base {
			msg, _ = msg[tok].(map[string]any)
		}
		if msg == nil || !mentionsSafe(msg) {
			c.Violations = append(c.Violations, fmt.Sprintf("%s %s: %s", c.Method, c.Route, ViolationAllowedMentions))
		}
	}
	s.violations = append(s.violations, c.Violations...)

	key := c.Method + " " + canonRoute(rt.template)
	for _, k := range []string{c.Method + " " + c.Path, key} {
		if fs := s.failures[k]; len(fs) > 0 {
			f := fs[0]
			s.failures[k] = fs[1:]
			status, body, hdr := failureAnswer(hdr, c, f, now)
			return status, body, hdr, nil
		}
	}
	if status, body := s.channelAnswerLocked(c); status != 0 {
		return status, body, hdr, nil
	}
	if bad {
		return http.StatusBadRequest, map[string]any{
			"code": 50035, "message": "Invalid Form Body", "errors": errorTree(problems),
		}, hdr, nil
	}
	if h := s.handlers[key]; h != nil {
		return 0, nil, hdr, h
	}
	if h := restHandlers[c.Method+" "+rt.template]; h != nil {
		status, body := h(s, q)
		return status, body, hdr, nil
	}
	hdr.Set("X-Discordfake-Note", "route not served by the fake; register it with Handle")
	return http.StatusNotFound, notFound, hdr, nil
}

func orRoot(p string) string {
	if p == "" {
		return "(body)"
	}
	return p
}

// parseBody decodes c.Body by content type and checks it against the document and the bot
// limits. It fills c.JSON, c.Value and c.Files.
func (s *Server) parseBody(c *Call, contentType string) []problem {
	takes := s.doc.takesBody(c.Route, c.Method)
	if len(bytes.TrimSpace(c.Body)) == 0 {
		if takes && s.doc.bodyRequired(c.Route, c.Method) {
			return []problem{{code: "BASE_TYPE_REQUIRED", msg: "a request body is required"}}
		}
		return nil
	}
	if !takes {
		return nil // Discord ignores bodies of operations that take none
	}
	ct, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return []problem{{code: "CONTENT_TYPE_INVALID", msg: fmt.Sprintf("unusable Content-Type %q", contentType)}}
	}
	var payload []byte
	switch ct {
	case "application/json":
		payload = c.Body
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(c.Body), params["boundary"])
		form, err := mr.ReadForm(maxBody)
		if err != nil {
			return []problem{{code: "CONTENT_TYPE_INVALID", msg: "unreadable multipart body: " + err.Error()}}
		}
		defer func() { _ = form.RemoveAll() }()
		for name, fhs := range form.File {
			if name == "payload_json" {
				if f, err := fhs[0].Open(); err == nil {
					payload, _ = io.ReadAll(f)
					_ = f.Close()
				}
				continue
			}
			for _, fh := range fhs {
				c.Files = append(c.Files, fh.Filename)
			}
		}
		if vs := form.Value["payload_json"]; len(vs) > 0 {
			payload = []byte(vs[0])
		}
		if payload == nil {
			return nil // files only
		}
		ct = "application/json"
	default:
		return []problem{{code: "CONTENT_TYPE_INVALID",
			msg: fmt.Sprintf("Content-Type %s is not checked by the fake; send application/json", ct)}}
	}

	c.payload = payload
	var plain any
	if err := json.Unmarshal(payload, &plain); err != nil {
		return []problem{{code: "JSON_DECODE", msg: "The request body contains invalid JSON."}}
	}
	c.Value = plain
	c.JSON, _ = plain.(map[string]any)

	sch, known, err := s.doc.bodySchema(c.Route, c.Method, ct)
	if err != nil {
		return []problem{{code: "FAKE_ERROR", msg: err.Error()}}
	}
	var ps []problem
	if sch == nil {
		ps = append(ps, problem{code: "CONTENT_TYPE_INVALID",
			msg: fmt.Sprintf("Content-Type %s not accepted (the document lists %s)", ct, strings.Join(known, ", "))})
	} else {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
		if err == nil {
			applyDocQuirks(c.Route, inst)
			if err := sch.Validate(inst); err != nil {
				ps = append(ps, schemaProblems(err)...)
			}
		}
	}
	if base, ok := messageBody(c.Method, c.Route, c.JSON); ok && c.JSON != nil {
		msg := c.JSON
		for _, tok := range base {
			msg, _ = msg[tok].(map[string]any)
		}
		if msg != nil {
			ps = append(ps, messageProblems(msg, base)...)
		}
	}
	return dedupe(ps)
}

// cloneJSON deep-copies a decoded JSON object.
func cloneJSON(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// applyDocQuirks adjusts a body where the OpenAPI document is stricter than Discord:
// default_member_permissions of application commands is documented (and sent by discordgo and
// discord.js) as a string holding an integer, while the document types it as an integer.
func applyDocQuirks(template string, inst any) {
	if !strings.Contains(template, "/commands") {
		return
	}
	fix := func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if s, ok := m["default_member_permissions"].(string); ok && isSnowflake(s) {
			m["default_member_permissions"] = json.Number(s)
		}
	}
	if arr, ok := inst.([]any); ok {
		for _, v := range arr {
			fix(v)
		}
		return
	}
	fix(inst)
}

// failureAnswer builds a FailNext answer.
func failureAnswer(hdr http.Header, c *Call, f failure, now time.Time) (int, any, http.Header) {
	if f.status != http.StatusTooManyRequests {
		return f.status, apiError(0, fmt.Sprintf("%d: %s", f.status, http.StatusText(f.status))), hdr
	}
	setRateLimitHeaders(hdr, c, now, 5, 0, f.retryAfter)
	hdr.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.retryAfter))))
	hdr.Set("X-RateLimit-Scope", "user")
	return http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": f.retryAfter, "global": false,
	}, hdr
}

// setRateLimitHeaders sets Discord's per-route rate limit headers.
func setRateLimitHeaders(h http.Header, c *Call, now time.Time, limit, remaining int, resetAfter float64) {
	hsh := fnv.New64a()
	major := c.Params["channel_id"] + c.Params["guild_id"] + c.Params["webhook_id"] + c.Params["interaction_id"]
	_, _ = io.WriteString(hsh, c.Method+" "+c.Route+" "+major)
	reset := float64(now.UnixMilli())/1000 + resetAfter
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%016x", hsh.Sum64()))
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter, 'f', 3, 64))
}

// isSnowflake reports whether s is a decimal snowflake.
func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// intOf returns v as an int when it is a JSON number, else -1.
func intOf(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return -1
		}
		return int(i)
	case int:
		return n
	}
	return -1
}

// --- users, application, gateway, channels ---

func (s *Server) getMe(*request) (int, any) {
	u := userObject(BotUserID)
	u["verified"] = true
	u["mfa_enabled"] = false
	u["locale"] = "en-US"
	u["email"] = nil
	return http.StatusOK, u
}

func (s *Server) getUser(q *request) (int, any) {
	return http.StatusOK, userObject(q.params["user_id"])
}

func (s *Server) createDM(q *request) (int, any) {
	rid, _ := q.body["recipient_id"].(string)
	if !isSnowflake(rid) {
		return http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body",
			"errors": errorTree([]problem{{loc: []string{"recipient_id"}, code: "BASE_TYPE_REQUIRED", msg: "This field is required"}})}
	}
	id := DMChannelID(rid)
	s.dmChannels[id] = rid
	return http.StatusOK, dmChannelObject(id, rid)
}

func (s *Server) getGateway(*request) (int, any) {
	return http.StatusOK, map[string]any{"url": s.GatewayURL()}
}

func (s *Server) getGatewayBot(*request) (int, any) {
	return http.StatusOK, map[string]any{
		"url":    s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": max(0, 1000-s.identifies), "reset_after": 86_400_000,
			"max_concurrency": 1,
		},
	}
}

func (s *Server) getApplication(*request) (int, any) {
	bot := userObject(BotUserID)
	return http.StatusOK, map[string]any{
		"id": AppID, "name": BotName, "icon": nil, "description": "Briefings for your server.",
		"summary": "", "type": nil, "hook": true, "bot_public": false,
		"bot_require_code_grant": false, "verify_key": "6d1f4c1b3a0e2f9c8b7a6d5e4f3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
		"flags": 1 << 19, // GATEWAY_MESSAGE_CONTENT_LIMITED
		"owner": userObject("1247598650531610624"), "team": nil, "bot": bot,
		"redirect_uris": []any{}, "interactions_endpoint_url": nil, "tags": []any{},
		"approximate_guild_count": 1, "integration_types_config": map[string]any{"0": map[string]any{}},
	}
}

func (s *Server) getChannel(q *request) (int, any) {
	id := q.params["channel_id"]
	if rid, ok := s.dmChannels[id]; ok {
		return http.StatusOK, dmChannelObject(id, rid)
	}
	return http.StatusOK, guildChannelObject(id)
}

// --- messages ---

// storedMessage is a message the bot created through the fake.
type storedMessage struct {
	obj     map[string]any
	token   string // interaction token for interaction responses and follow-ups
	deleted bool
}

func (s *Server) createMessage(q *request) (int, any) {
	if emptyMessage(q.body, len(q.call.Files)) {
		return http.StatusBadRequest, apiError(50006, "Cannot send an empty message")
	}
	ch := q.params["channel_id"]
	guild := GuildID
	if _, dm := s.dmChannels[ch]; dm {
		guild = ""
	}
	nonce := nonceOf(q.call.payload)
	enforce, _ := q.body["enforce_nonce"].(bool)
	nk := nonceKey{channel: ch, author: BotUserID, nonce: string(nonce)}
	if enforce && nonce != nil {
		if prev, ok := s.nonces[nk]; ok && q.now.Sub(prev.at) < NonceWindow {
			if sm := s.messages[prev.id]; sm != nil && !sm.deleted {
				// The same author sent the same nonce within the window: Discord
				// answers with the earlier message and creates none.
				return http.StatusOK, withNonce(sm.obj, nonce)
			}
		}
	}
	m := s.newMessageLocked(ch, guild, q.body, q.call.Files, q.now)
	if ref, ok := q.body["message_reference"].(map[string]any); ok {
		m["message_reference"] = ref
		m["type"] = 19 // REPLY
	}
	id := m["id"].(string)
	s.messages[id] = &storedMessage{obj: m}
	if nonce != nil {
		s.nonces[nk] = nonceEntry{id: id, at: q.now}
	}
	// The nonce is echoed in the answer (and MESSAGE_CREATE) only: Discord does not keep it,
	// so a message read later has none.
	return http.StatusOK, withNonce(m, nonce)
}

// newMessageLocked builds a message object authored by the bot from a create body.
func (s *Server) newMessageLocked(channelID, guildID string, body map[string]any, files []string, now time.Time) map[string]any {
	m := messageObject(s.newIDLocked(now), channelID, guildID, BotUserID, "", now)
	applyEdit(m, body, files)
	m["edited_timestamp"] = nil
	return m
}

// applyEdit copies the message fields of body onto m.
func applyEdit(m, body map[string]any, files []string) {
	for _, k := range []string{"content", "embeds", "components", "flags", "tts", "poll"} {
		v, ok := body[k]
		if !ok {
			continue
		}
		switch k {
		case "content":
			if v == nil {
				v = ""
			}
		case "embeds", "components":
			if v == nil {
				v = []any{}
			}
			if k == "embeds" {
				for _, e := range v.([]any) {
					if em, ok := e.(map[string]any); ok && em["type"] == nil {
						em["type"] = "rich"
					}
				}
			}
		case "flags", "tts":
			if v == nil {
				continue
			}
		}
		m[k] = v
	}
	if len(files) > 0 {
		atts, _ := m["attachments"].([]any)
		for i, f := range files {
			atts = append(atts, map[string]any{
				"id": newSnowflake(time.Now()), "filename": f, "size": 0,
				"url":       "https://cdn.discordapp.com/attachments/0/0/" + f,
				"proxy_url": "https://media.discordapp.net/attachments/0/0/" + f, "index": i,
			})
		}
		m["attachments"] = atts
	}
}

func (s *Server) lookupMessage(channelID, messageID string) (*storedMessage, int, any) {
	sm := s.messages[messageID]
	if sm == nil || sm.deleted || sm.obj["channel_id"] != channelID {
		return nil, http.StatusNotFound, apiError(10008, "Unknown Message")
	}
	return sm, 0, nil
}

func (s *Server) getMessage(q *request) (int, any) {
	sm, st, body := s.lookupMessage(q.params["channel_id"], q.params["message_id"])
	if sm == nil {
		return st, body
	}
	return http.StatusOK, sm.obj
}

func (s *Server) editMessage(q *request) (int, any) {
	sm, st, body := s.lookupMessage(q.params["channel_id"], q.params["message_id"])
	if sm == nil {
		return st, body
	}
	if author, _ := sm.obj["author"].(map[string]any); author != nil && author["id"] != BotUserID {
		return http.StatusForbidden, apiError(50005, "Cannot edit a message authored by another user")
	}
	applyEdit(sm.obj, q.body, q.call.Files)
	sm.obj["edited_timestamp"] = timestamp(q.now)
	return http.StatusOK, sm.obj
}

func (s *Server) deleteMessage(q *request) (int, any) {
	sm, st, body := s.lookupMessage(q.params["channel_id"], q.params["message_id"])
	if sm == nil {
		return st, body
	}
	sm.deleted = true
	return http.StatusNoContent, nil
}

func (s *Server) addReaction(*request) (int, any) { return http.StatusNoContent, nil }

// --- interactions ---

// interaction is an INTERACTION_CREATE the fake dispatched.
type interaction struct {
	id, token   string
	typ         int
	channelID   string
	guildID     string
	at          time.Time
	responded   bool
	respType    int
	original    string         // message id of @original, once there is one
	componentOf map[string]any // the message a component interaction came from
}

// validResponses lists the callback types Discord accepts for each interaction type.
var validResponses = map[int][]int{
	1: {1},                 // PING: PONG
	2: {4, 5, 9, 12},       // APPLICATION_COMMAND
	3: {4, 5, 6, 7, 9, 12}, // MESSAGE_COMPONENT
	4: {8},                 // APPLICATION_COMMAND_AUTOCOMPLETE
	5: {4, 5, 6, 7},        // MODAL_SUBMIT
}

func (s *Server) interactionCallback(q *request) (int, any) {
	it := s.interactions[q.params["interaction_token"]]
	if it == nil || it.id != q.params["interaction_id"] {
		return http.StatusNotFound, apiError(10062, "Unknown interaction")
	}
	if s.deadline > 0 && q.now.Sub(it.at) > s.deadline && !it.responded {
		return http.StatusNotFound, apiError(10062, "Unknown interaction")
	}
	if it.responded {
		return http.StatusBadRequest, apiError(40060, "Interaction has already been acknowledged.")
	}
	typ := intOf(q.body["type"])
	allowed := validResponses[it.typ]
	ok := false
	for _, a := range allowed {
		ok = ok || a == typ
	}
	if !ok {
		msg := fmt.Sprintf("response type %d is not valid for a type %d interaction (allowed: %v)", typ, it.typ, allowed)
		v := fmt.Sprintf("%s %s: /type: %s", q.call.Method, q.call.Route, msg)
		q.call.Violations = append(q.call.Violations, v)
		s.violations = append(s.violations, v)
		return http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body",
			"errors": errorTree([]problem{{loc: []string{"type"}, code: "INTERACTION_RESPONSE_TYPE_INVALID", msg: msg}})}
	}
	data, _ := q.body["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	var msg map[string]any
	switch typ {
	case 4:
		if emptyMessage(data, len(q.call.Files)) {
			return http.StatusBadRequest, apiError(50006, "Cannot send an empty message")
		}
		msg = s.newMessageLocked(it.channelID, it.guildID, data, q.call.Files, q.now)
		msg["type"] = 20 // CHAT_INPUT_COMMAND
		s.attachInteraction(msg, it)
	case 5:
		msg = s.newMessageLocked(it.channelID, it.guildID, map[string]any{}, nil, q.now)
		msg["type"] = 20
		msg["flags"] = intOf(data["flags"])&64 | 128 // EPHEMERAL kept, LOADING
		s.attachInteraction(msg, it)
	case 6, 7:
		msg = s.componentMessageLocked(it)
		if typ == 7 && msg != nil {
			applyEdit(msg, data, q.call.Files)
			msg["edited_timestamp"] = timestamp(q.now)
		}
	}
	it.responded = true
	it.respType = typ
	if msg != nil {
		it.original = msg["id"].(string)
	}
	if q.call.Query.Get("with_response") == "true" {
		resp := map[string]any{
			"interaction": map[string]any{
				"id": it.id, "type": it.typ, "activity_instance_id": nil,
				"response_message_id": nilIfEmpty(it.original), "response_message_loading": typ == 5,
				"response_message_ephemeral": msg != nil && intOf(msg["flags"])&64 != 0,
			},
		}
		if msg != nil {
			resp["resource"] = map[string]any{"type": typ, "message": msg}
		}
		return http.StatusOK, resp
	}
	return http.StatusNoContent, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// attachInteraction stores msg as a message of interaction it.
func (s *Server) attachInteraction(msg map[string]any, it *interaction) {
	msg["webhook_id"] = AppID
	msg["application_id"] = AppID
	msg["interaction_metadata"] = map[string]any{"id": it.id, "type": it.typ}
	s.messages[msg["id"].(string)] = &storedMessage{obj: msg, token: it.token}
}

// componentMessageLocked returns the stored message a component interaction came from,
// storing the interaction's copy when the bot did not create it through the fake.
func (s *Server) componentMessageLocked(it *interaction) map[string]any {
	if it.componentOf == nil {
		return nil
	}
	id, _ := it.componentOf["id"].(string)
	if sm := s.messages[id]; sm != nil && !sm.deleted {
		return sm.obj
	}
	m := maps.Clone(it.componentOf)
	s.messages[id] = &storedMessage{obj: m}
	return m
}

// interactionByToken finds the interaction a webhook route is about. It answers like Discord
// for an unknown webhook or an expired token.
func (s *Server) interactionByToken(q *request) (*interaction, int, any) {
	it := s.interactions[q.params["webhook_token"]]
	if q.params["webhook_id"] != AppID || it == nil {
		return nil, http.StatusNotFound, apiError(10015, "Unknown Webhook")
	}
	if q.now.Sub(it.at) > interactionTokenLife {
		return nil, http.StatusUnauthorized, apiError(50027, "Invalid Webhook Token")
	}
	if !it.responded {
		return nil, http.StatusNotFound, apiError(10015, "Unknown Webhook")
	}
	return it, 0, nil
}

// followUp answers POST /webhooks/{application_id}/{token}: a follow-up message (wait is
// always true for interaction follow-ups).
func (s *Server) followUp(q *request) (int, any) {
	it, st, body := s.interactionByToken(q)
	if it == nil {
		return st, body
	}
	if emptyMessage(q.body, len(q.call.Files)) {
		return http.StatusBadRequest, apiError(50006, "Cannot send an empty message")
	}
	msg := s.newMessageLocked(it.channelID, it.guildID, q.body, q.call.Files, q.now)
	s.attachInteraction(msg, it)
	return http.StatusOK, msg
}

// webhookMessage finds the message a webhook message route names.
func (s *Server) webhookMessage(q *request) (*storedMessage, *interaction, int, any) {
	it, st, body := s.interactionByToken(q)
	if it == nil {
		return nil, nil, st, body
	}
	id := q.params["message_id"]
	if id == "" { // @original
		id = it.original
	}
	sm := s.messages[id]
	if sm == nil || sm.deleted || (q.params["message_id"] != "" && sm.token != it.token) {
		return nil, nil, http.StatusNotFound, apiError(10008, "Unknown Message")
	}
	return sm, it, 0, nil
}

func (s *Server) getWebhookMessage(q *request) (int, any) {
	sm, _, st, body := s.webhookMessage(q)
	if sm == nil {
		return st, body
	}
	return http.StatusOK, sm.obj
}

func (s *Server) editWebhookMessage(q *request) (int, any) {
	sm, _, st, body := s.webhookMessage(q)
	if sm == nil {
		return st, body
	}
	loading := intOf(sm.obj["flags"])&128 != 0
	applyEdit(sm.obj, q.body, q.call.Files)
	if loading {
		// The first edit of a deferred response replaces the "thinking" placeholder.
		sm.obj["flags"] = intOf(sm.obj["flags"]) &^ 128
	} else {
		sm.obj["edited_timestamp"] = timestamp(q.now)
	}
	return http.StatusOK, sm.obj
}

func (s *Server) deleteWebhookMessage(q *request) (int, any) {
	sm, _, st, body := s.webhookMessage(q)
	if sm == nil {
		return st, body
	}
	sm.deleted = true
	return http.StatusNoContent, nil
}

// --- application commands ---

// commandScope returns the command store key: "" for global commands, else the guild ID.
func commandScope(q *request) (string, int, any) {
	if q.params["application_id"] != AppID {
		return "", http.StatusForbidden, apiError(50001, "Missing Access")
	}
	return q.params["guild_id"], 0, nil
}

func (s *Server) putCommands(q *request) (int, any) {
	scope, st, body := commandScope(q)
	if st != 0 {
		return st, body
	}
	list, _ := q.call.Value.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, s.commandObject(scope, m))
		}
	}
	s.commands[scope] = out
	return http.StatusOK, out
}

func (s *Server) postCommand(q *request) (int, any) {
	scope, st, body := commandScope(q)
	if st != 0 {
		return st, body
	}
	cmd := s.commandObject(scope, q.body)
	for i, c := range s.commands[scope] {
		if c["id"] == cmd["id"] {
			s.commands[scope][i] = cmd
			return http.StatusOK, cmd
		}
	}
	s.commands[scope] = append(s.commands[scope], cmd)
	return http.StatusCreated, cmd
}

func (s *Server) getCommands(q *request) (int, any) {
	scope, st, body := commandScope(q)
	if st != 0 {
		return st, body
	}
	out := s.commands[scope]
	if out == nil {
		out = []map[string]any{}
	}
	return http.StatusOK, out
}

// commandObject is the command Discord stores for registration body m.
func (s *Server) commandObject(scope string, m map[string]any) map[string]any {
	name, _ := m["name"].(string)
	typ := intOf(m["type"])
	if typ <= 0 {
		typ = 1
	}
	cmd := map[string]any{
		"id": CommandID(name), "application_id": AppID, "version": newSnowflake(time.Now()),
		"default_member_permissions": nil, "type": typ, "name": name,
		"description": "", "dm_permission": true, "contexts": nil,
		"integration_types": []any{0}, "nsfw": false,
	}
	for k, v := range m {
		if v == nil && (k == "options" || k == "name_localizations" || k == "description_localizations") {
			continue
		}
		switch k {
		case "id", "application_id", "version", "guild_id":
			continue
		case "default_member_permissions":
			// Discord answers permissions as a string holding an integer.
			if f, ok := v.(float64); ok {
				v = strconv.FormatFloat(f, 'f', -1, 64)
			}
		}
		cmd[k] = v
	}
	if scope != "" {
		cmd["guild_id"] = scope
		delete(cmd, "dm_permission")
	}
	return cmd
}
