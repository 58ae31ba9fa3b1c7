package slackfake

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// maxBody bounds what the fake reads of a request body.
const maxBody = 16 << 20

// tokenKind says which tokens a method accepts.
type tokenKind int

const (
	botToken  tokenKind = iota // xoxb- only (chat.*)
	botOrUser                  // xoxb- or xoxp-
	appLevel                   // xapp- only
)

// apiMethod describes one Web API method the fake serves itself.
type apiMethod struct {
	tokens tokenKind
	// handle answers a call that passed the token, FailNext and SetError checks. It runs with
	// s.mu held and returns the JSON body (which must have "ok").
	handle func(s *Server, c *Call) map[string]any
}

var apiMethods = map[string]apiMethod{
	"auth.test":             {botOrUser, (*Server).authTest},
	"apps.connections.open": {appLevel, (*Server).appsConnectionsOpen},
	"chat.postMessage":      {botToken, (*Server).chatPostMessage},
	"chat.postEphemeral":    {botToken, (*Server).chatPostEphemeral},
	"chat.update":           {botToken, (*Server).chatUpdate},
	"chat.delete":           {botToken, (*Server).chatDelete},
	"conversations.history": {botOrUser, (*Server).conversationsHistory},
	"conversations.info":    {botOrUser, (*Server).conversationsInfo},
	"conversations.open":    {botOrUser, (*Server).conversationsOpen},
	"users.info":            {botOrUser, (*Server).usersInfo},
}

// slacktestMethods are answered by slacktest's canned handlers, after our checks.
var slacktestMethods = map[string]bool{
	"reactions.add":              true,
	"bots.info":                  true,
	"users.lookupByEmail":        true,
	"conversations.create":       true,
	"conversations.setTopic":     true,
	"conversations.setPurpose":   true,
	"conversations.rename":       true,
	"conversations.invite":       true,
	"conversations.inviteShared": true,
}

// readCall reads and parses a request into a Call (without Method).
func readCall(r *http.Request) Call {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	c := Call{Raw: body, At: time.Now()}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		if v, err := url.ParseQuery(string(body)); err == nil {
			c.Form = v
		}
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		if f, err := mr.ReadForm(maxBody); err == nil {
			c.Form = url.Values(f.Value)
			_ = f.RemoveAll()
		}
	case "application/json":
		if len(bytes.TrimSpace(body)) > 0 {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err == nil {
				c.JSON = m
			}
		}
	}
	if q := r.URL.Query(); len(q) > 0 {
		if c.Form == nil {
			c.Form = url.Values{}
		}
		for k, vs := range q {
			if _, ok := c.Form[k]; !ok {
				c.Form[k] = vs
			}
		}
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		c.Token = strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
	} else if c.Form != nil {
		c.Token = c.Form.Get("token")
	}
	return c
}

// serveAPI serves /api/METHOD.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := readCall(r)
	c.Method = method

	channel := ""
	if ch := c.Channel(); ch != "" {
		channel = resolveChannel(ch)
	}

	s.mu.Lock()
	for _, k := range []string{channelKey(method, channel), method} {
		if fs := s.failures[k]; len(fs) > 0 && (k == method || channel != "") {
			f := fs[0]
			s.failures[k] = fs[1:]
			c.Status = f.status
			s.recordLocked(c)
			s.mu.Unlock()
			writeFailure(w, f)
			return
		}
	}
	m, known := apiMethods[method]
	proxied := slacktestMethods[method]
	var resp map[string]any
	switch {
	case !known && !proxied:
		resp = map[string]any{"ok": false, "error": "unknown_method", "req_method": method}
	default:
		kind := botOrUser
		if known {
			kind = m.tokens
		}
		if e := s.tokenErrorLocked(c.Token, kind); e != "" {
			resp = map[string]any{"ok": false, "error": e}
		} else if e := s.errs[method]; e != "" {
			resp = map[string]any{"ok": false, "error": e}
		} else if e := s.chanErrs[channel]; e != "" && channel != "" {
			resp = map[string]any{"ok": false, "error": e}
		} else if known {
			resp = m.handle(s, &c)
		}
	}
	c.Status = http.StatusOK
	if resp != nil {
		if ok, _ := resp["ok"].(bool); !ok {
			c.Error, _ = resp["error"].(string)
		}
	}
	s.recordLocked(c)
	s.mu.Unlock()

	if resp == nil { // passed every check: let slacktest answer
		r.Body = io.NopCloser(bytes.NewReader(c.Raw))
		r.ContentLength = int64(len(c.Raw))
		s.proxy.ServeHTTP(w, r)
		return
	}
	w.Header().Set("X-Slack-Req-Id", "fake-"+newHex(8))
	writeJSON(w, resp)
}

// recordLocked appends c to the recorded calls. s.mu must be held.
func (s *Server) recordLocked(c Call) {
	s.calls = append(s.calls, c)
	s.notifyLocked()
}

func writeFailure(w http.ResponseWriter, f failure) {
	if f.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfterHeader(f.retryAfter))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, "<html><body>"+http.StatusText(f.status)+"</body></html>")
}

// tokenErrorLocked returns the Slack error for tok used on a method of the given kind, or "".
func (s *Server) tokenErrorLocked(tok string, kind tokenKind) string {
	isBot := strings.HasPrefix(tok, "xoxb-")
	isUser := strings.HasPrefix(tok, "xoxp-")
	isApp := strings.HasPrefix(tok, "xapp-")
	if tok == "" {
		return "not_authed"
	}
	switch kind {
	case botToken:
		if !isBot {
			return "invalid_auth"
		}
	case botOrUser:
		if isApp {
			return "not_allowed_token_type"
		}
		if !isBot && !isUser {
			return "invalid_auth"
		}
	case appLevel:
		if isBot || isUser {
			return "not_allowed_token_type"
		}
		if !isApp {
			return "invalid_auth"
		}
		if s.appToken != "" && tok != s.appToken {
			return "invalid_auth"
		}
		return ""
	}
	if isBot && s.botToken != "" && tok != s.botToken {
		return "invalid_auth"
	}
	return ""
}

func slackErr(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

func (s *Server) authTest(c *Call) map[string]any {
	resp := map[string]any{
		"ok":                    true,
		"url":                   "https://" + TeamDomain + ".slack.com/",
		"team":                  TeamName,
		"user":                  BotName,
		"team_id":               TeamID,
		"user_id":               BotUserID,
		"is_enterprise_install": false,
	}
	if strings.HasPrefix(c.Token, "xoxb-") {
		resp["bot_id"] = BotID
	} else {
		resp["user"] = "installer"
		resp["user_id"] = "U0INSTALL1"
	}
	return resp
}

func (s *Server) appsConnectionsOpen(_ *Call) map[string]any {
	ticket := newUUID()
	s.tickets[ticket] = true
	u := "ws://" + strings.TrimPrefix(strings.TrimSuffix(s.base, "/"), "http://") +
		"/link/?ticket=" + ticket + "&app_id=" + AppID
	return map[string]any{"ok": true, "url": u}
}

// resolveChannel maps a user ID to the bot's DM channel with that user, as Slack does.
func resolveChannel(ch string) string {
	if len(ch) > 1 && (ch[0] == 'U' || ch[0] == 'W') {
		return "D" + ch[1:]
	}
	return ch
}

// checkMessage applies Slack's message limits. It returns a Slack error or "".
func checkMessage(c *Call, needContent bool) (blocks []map[string]any, code string) {
	blocks, err := c.parseBlocks()
	if err != nil {
		return nil, "invalid_blocks"
	}
	text := c.Text()
	if needContent && text == "" && len(blocks) == 0 && c.Field("attachments") == "" {
		return nil, "no_text"
	}
	if utf8.RuneCountInString(text) > 40000 {
		return nil, "msg_too_long"
	}
	if len(blocks) > 50 {
		return nil, "invalid_blocks"
	}
	total := 0
	for _, b := range blocks {
		typ, _ := b["type"].(string)
		if t, ok := b["text"].(map[string]any); ok {
			n := utf8.RuneCountInString(stringOf(t["text"]))
			if (typ == "section" && n > 3000) || (typ == "header" && n > 150) {
				return nil, "invalid_blocks"
			}
		}
		total += textChars(b)
	}
	if total > 13000 {
		return nil, "msg_blocks_too_long"
	}
	return blocks, ""
}

// textChars counts the characters of every "text" string inside v.
func textChars(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "text" {
				n += utf8.RuneCountInString(s)
				continue
			}
			n += textChars(e)
		}
	case []any:
		for _, e := range x {
			n += textChars(e)
		}
	}
	return n
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// botMessage is the message object Slack echoes for a message the bot posted.
func botMessage(c *Call, ts string, blocks []map[string]any, md *Metadata) map[string]any {
	msg := map[string]any{
		"type":   "message",
		"text":   c.Text(),
		"user":   BotUserID,
		"bot_id": BotID,
		"app_id": AppID,
		"team":   TeamID,
		"ts":     ts,
		"bot_profile": map[string]any{
			"id": BotID, "app_id": AppID, "name": BotName, "deleted": false, "team_id": TeamID,
			"updated": time.Now().Unix(),
		},
	}
	if blocks != nil {
		msg["blocks"] = blocks
	}
	if th := c.ThreadTS(); th != "" {
		msg["thread_ts"] = th
	}
	if md != nil {
		msg["metadata"] = map[string]any{"event_type": md.EventType, "event_payload": md.EventPayload}
	}
	return msg
}

func (s *Server) chatPostMessage(c *Call) map[string]any {
	ch := c.Channel()
	if ch == "" {
		return slackErr("channel_not_found")
	}
	blocks, code := checkMessage(c, true)
	if code != "" {
		return slackErr(code)
	}
	md, code := c.parseMetadata()
	if code != "" {
		return slackErr(code)
	}
	ts := s.nextTSLocked()
	us, _ := parseTS(ts)
	s.storeLocked(resolveChannel(ch), storedMessage{us: us, HistoryMessage: HistoryMessage{
		TS: ts, User: BotUserID, BotID: BotID, Text: c.Text(), Blocks: blocks, ThreadTS: c.ThreadTS(), Metadata: md,
	}})
	return map[string]any{
		"ok": true, "channel": resolveChannel(ch), "ts": ts, "message": botMessage(c, ts, blocks, md),
	}
}

func (s *Server) chatPostEphemeral(c *Call) map[string]any {
	if c.Channel() == "" {
		return slackErr("channel_not_found")
	}
	if c.Field("user") == "" {
		return slackErr("user_not_found")
	}
	if _, code := checkMessage(c, true); code != "" {
		return slackErr(code)
	}
	return map[string]any{"ok": true, "message_ts": s.nextTSLocked()}
}

func (s *Server) chatUpdate(c *Call) map[string]any {
	ch := c.Channel()
	if ch == "" {
		return slackErr("channel_not_found")
	}
	ts := c.Field("ts")
	if ts == "" {
		return slackErr("message_not_found")
	}
	blocks, code := checkMessage(c, true)
	if code != "" {
		return slackErr(code)
	}
	md, code := c.parseMetadata()
	if code != "" {
		return slackErr(code)
	}
	if i := s.findLocked(resolveChannel(ch), ts); i >= 0 {
		m := &s.history[resolveChannel(ch)][i]
		m.Text, m.Blocks = c.Text(), blocks
		if md != nil {
			m.Metadata = md
		}
		md = m.Metadata
	}
	return map[string]any{
		"ok": true, "channel": ch, "ts": ts, "text": c.Text(), "message": botMessage(c, ts, blocks, md),
	}
}

func (s *Server) chatDelete(c *Call) map[string]any {
	ch, ts := c.Channel(), c.Field("ts")
	if ch == "" {
		return slackErr("channel_not_found")
	}
	if ts == "" {
		return slackErr("message_not_found")
	}
	if i := s.findLocked(resolveChannel(ch), ts); i >= 0 {
		s.history[resolveChannel(ch)] = slices.Delete(s.history[resolveChannel(ch)], i, i+1)
	}
	return map[string]any{"ok": true, "channel": ch, "ts": ts}
}

// ChannelName is the name the fake gives a conversation ID: "directmessage" for D…,
// "privategroup" for G…, otherwise "channel-" plus the lower-cased ID.
func ChannelName(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "directmessage"
	case strings.HasPrefix(id, "G"):
		return "privategroup"
	}
	return "channel-" + strings.ToLower(id)
}

func conversation(id string) map[string]any {
	created := time.Date(2024, 5, 20, 10, 0, 0, 0, time.UTC).Unix()
	if strings.HasPrefix(id, "D") {
		return map[string]any{
			"id": id, "created": created, "is_im": true, "is_org_shared": false,
			"user": "U" + id[1:], "is_user_deleted": false, "priority": 0,
		}
	}
	private := strings.HasPrefix(id, "G")
	return map[string]any{
		"id": id, "name": ChannelName(id), "is_channel": !private, "is_group": private,
		"is_im": false, "is_mpim": false, "is_private": private, "created": created,
		"is_archived": false, "is_general": false, "is_shared": false, "is_org_shared": false,
		"is_member": true, "creator": "U0INSTALL1", "name_normalized": ChannelName(id),
		"topic":   map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose": map[string]any{"value": "", "creator": "", "last_set": 0},
	}
}

func (s *Server) conversationsInfo(c *Call) map[string]any {
	ch := c.Channel()
	if ch == "" {
		return slackErr("channel_not_found")
	}
	return map[string]any{"ok": true, "channel": conversation(ch)}
}

func (s *Server) conversationsOpen(c *Call) map[string]any {
	if ch := c.Channel(); ch != "" {
		return map[string]any{"ok": true, "channel": map[string]any{"id": ch}}
	}
	users := c.Field("users")
	if users == "" {
		return slackErr("users_list_not_supplied")
	}
	if strings.Contains(users, ",") {
		return map[string]any{"ok": true, "channel": map[string]any{"id": "G" + newHex(4)}}
	}
	return map[string]any{
		"ok": true, "no_op": true, "already_open": true,
		"channel": map[string]any{"id": resolveChannel(users)},
	}
}

func (s *Server) usersInfo(c *Call) map[string]any {
	id := c.Field("user")
	if id == "" {
		return slackErr("user_not_found")
	}
	u, ok := s.users[id]
	if !ok {
		u = User{ID: id, Name: "user-" + strings.ToLower(id), RealName: "User " + id}
		if id == BotUserID {
			u = User{ID: id, Name: BotName, RealName: "Briefbot", IsBot: true}
		}
	}
	tz := u.TZ
	if tz == "" {
		tz = "America/Los_Angeles"
	}
	offset := 0
	label := tz
	if loc, err := time.LoadLocation(tz); err == nil {
		name, off := time.Now().In(loc).Zone()
		offset, label = off, name
	}
	user := map[string]any{
		"id": u.ID, "team_id": TeamID, "name": u.Name, "deleted": u.Deleted, "real_name": u.RealName,
		"tz": tz, "tz_label": label, "tz_offset": offset, "is_bot": u.IsBot, "is_app_user": false,
		"is_admin": false, "is_owner": false, "updated": time.Now().Unix(),
		"profile": map[string]any{
			"real_name": u.RealName, "display_name": u.Name, "team": TeamID,
			"real_name_normalized": u.RealName, "display_name_normalized": u.Name,
		},
	}
	if u.IsBot && u.ID == BotUserID {
		user["profile"].(map[string]any)["bot_id"] = BotID
	}
	return map[string]any{"ok": true, "user": user}
}

// serveResponseURL serves /response/NAME.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	name, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/response/"))
	if err != nil {
		name = strings.TrimPrefix(r.URL.Path, "/response/")
	}
	c := readCall(r)
	c.Method = "response:" + name
	if c.JSON == nil { // Slack reads the body as JSON whatever the Content-Type says
		var m map[string]any
		if json.Unmarshal(c.Raw, &m) == nil {
			c.JSON = m
		}
	}

	status, text := http.StatusOK, "ok"
	var errBody map[string]any
	s.mu.Lock()
	if fs := s.failures[c.Method]; len(fs) > 0 {
		f := fs[0]
		s.failures[c.Method] = fs[1:]
		c.Status = f.status
		s.recordLocked(c)
		s.mu.Unlock()
		writeFailure(w, f)
		return
	}
	switch {
	case r.Method != http.MethodPost:
		status, text = http.StatusMethodNotAllowed, "invalid_method"
	case c.JSON == nil:
		status, text = http.StatusBadRequest, "invalid_payload"
	case s.errs[c.Method] != "":
		errBody = slackErr(s.errs[c.Method])
		c.Error = s.errs[c.Method]
	case s.responseUses[name] >= maxResponseURLUses:
		status, text = http.StatusNotFound, "used_url"
	default:
		deleting, _ := c.JSON["delete_original"].(bool)
		if _, code := checkMessage(&c, !deleting); code != "" {
			status, text = http.StatusBadRequest, code
		} else {
			s.responseUses[name]++
		}
	}
	c.Status = status
	s.recordLocked(c)
	s.mu.Unlock()

	if errBody != nil {
		writeJSON(w, errBody)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text)
}
