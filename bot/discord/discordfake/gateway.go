package discordfake

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway intents (Discord's bit values).
const (
	IntentGuilds                 = 1 << 0
	IntentGuildMembers           = 1 << 1 // privileged
	IntentGuildPresences         = 1 << 8 // privileged
	IntentGuildMessages          = 1 << 9
	IntentGuildMessageReactions  = 1 << 10
	IntentGuildMessageTyping     = 1 << 11
	IntentDirectMessages         = 1 << 12
	IntentDirectMessageReactions = 1 << 13
	IntentDirectMessageTyping    = 1 << 14
	IntentMessageContent         = 1 << 15 // privileged
	// allIntents covers every bit Discord defines (up to DIRECT_MESSAGE_POLLS, 1 << 25).
	allIntents = 1<<26 - 1
)

// Gateway close codes the fake sends.
const (
	CloseUnknownError         = 4000
	CloseUnknownOpcode        = 4001
	CloseDecodeError          = 4002
	CloseNotAuthenticated     = 4003
	CloseAuthenticationFailed = 4004
	CloseAlreadyAuthenticated = 4005
	CloseInvalidSeq           = 4007
	CloseRateLimited          = 4008
	CloseSessionTimedOut      = 4009
	CloseInvalidShard         = 4010
	CloseShardingRequired     = 4011
	CloseInvalidAPIVersion    = 4012
	CloseInvalidIntents       = 4013
	CloseDisallowedIntents    = 4014

	closeGoingAway = websocket.CloseGoingAway
)

// endsSession reports whether a close with code (sent by the fake) ends the session, so that
// a later RESUME gets op 9: Discord documents these as "reconnect and start a new session" or
// as not reconnectable at all.
func endsSession(code int) bool {
	switch code {
	case CloseAuthenticationFailed, CloseInvalidSeq, CloseSessionTimedOut, CloseInvalidShard,
		CloseShardingRequired, CloseInvalidAPIVersion, CloseInvalidIntents, CloseDisallowedIntents:
		return true
	}
	return false
}

const writeTimeout = 5 * time.Second

// ErrNoSession is returned by Dispatch when no session has completed IDENTIFY (or when the
// last one was invalidated).
var ErrNoSession = errors.New("discordfake: no gateway session to dispatch to")

// ErrNotSubscribed is wrapped by Dispatch's error when the session's intents do not include
// the event, so Discord would not send it.
var ErrNotSubscribed = errors.New("discordfake: the session's intents do not cover this event")

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// GatewayConn describes one accepted gateway connection.
type GatewayConn struct {
	ID       int
	Path     string // "/gw/" or "/gw-resume" (the resume_gateway_url)
	Query    string // raw query, e.g. "v=9&encoding=json"
	Version  string
	Compress bool // compress=zlib-stream was asked for
	At       time.Time
}

// Frame is one payload a client sent on the gateway.
type Frame struct {
	Conn int
	Op   int
	Data json.RawMessage // "d"
	At   time.Time
}

// Closure says how a gateway connection ended.
type Closure struct {
	Conn int
	// By is "client" (it sent a close frame), "server" (the fake closed it: CloseWith, a
	// protocol error, Reconnect's aftermath) or "drop" (the TCP connection ended without a
	// close frame: Drop, or the client vanished).
	By     string
	Code   int
	Reason string
	At     time.Time
}

// session is a gateway session: it outlives connections until it is invalidated.
type session struct {
	id      string
	intents int
	shard   []int
	seq     int64
	log     []sentEvent // dispatches, for replay on RESUME
	conn    *gwConn     // live connection, or nil
}

type sentEvent struct {
	seq   int64
	frame []byte
}

// gwConn is one accepted gateway connection.
type gwConn struct {
	info GatewayConn
	ws   *websocket.Conn
	wmu  sync.Mutex // serialises frames
	zw   *zlib.Writer
	zbuf bytes.Buffer
	done chan struct{}

	// Guarded by Server.mu.
	sess       *session
	serverCode int // close code the fake sent, 0 if none
	dropped    bool
}

// write sends one payload (a text frame, or a zlib-stream chunk in a binary frame when the
// client asked for transport compression).
func (c *gwConn) write(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if c.zw == nil {
		return c.ws.WriteMessage(websocket.TextMessage, data)
	}
	c.zbuf.Reset()
	if _, err := c.zw.Write(data); err != nil {
		return err
	}
	if err := c.zw.Flush(); err != nil { // Z_SYNC_FLUSH: ends in 00 00 ff ff
		return err
	}
	return c.ws.WriteMessage(websocket.BinaryMessage, c.zbuf.Bytes())
}

// closeWith sends a close frame (code 0: none) and closes the socket, which ends the read loop.
func (c *gwConn) closeWith(code int, reason string) {
	if code != 0 {
		c.wmu.Lock()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason),
			time.Now().Add(time.Second))
		c.wmu.Unlock()
	}
	_ = c.ws.Close()
}

// payload is a gateway payload, as sent.
type payload struct {
	Op int     `json:"op"`
	D  any     `json:"d"`
	S  *int64  `json:"s"`
	T  *string `json:"t"`
}

func encode(op int, d any, seq int64, t string) []byte {
	p := payload{Op: op, D: d}
	if t != "" {
		p.S, p.T = &seq, &t
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("discordfake: encoding gateway payload: %v", err))
	}
	return b
}

func trace() []string {
	return []string{`["gateway-prd-us-east1-b-fake",{"micros":1042,"calls":["id_created",{"micros":820,"calls":[]}]}]`}
}

// SetHeartbeatInterval sets the heartbeat_interval of later HELLOs (default
// DefaultHeartbeatInterval). Tests shorten it to see heartbeats quickly; discordgo reconnects
// when 5 intervals pass without an ACK.
func (s *Server) SetHeartbeatInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.heartbeatInterval = d
}

// SetPrivilegedIntents sets which privileged intents (IntentGuildMembers,
// IntentGuildPresences, IntentMessageContent) are enabled for the application, as in the
// developer portal. IDENTIFY asking for another closes with 4014. Default: all three.
func (s *Server) SetPrivilegedIntents(enabled int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privileged = enabled & (IntentGuildMembers | IntentGuildPresences | IntentMessageContent)
}

// serveGateway serves the gateway websocket at /gw and /gw-resume.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if enc := q.Get("encoding"); enc != "" && enc != "json" {
		http.Error(w, "discordfake: only encoding=json is supported", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.connSeq++
	info := GatewayConn{
		ID: s.connSeq, Path: r.URL.Path, Query: r.URL.RawQuery, Version: q.Get("v"),
		Compress: q.Get("compress") == "zlib-stream", At: time.Now(),
	}
	interval := s.heartbeatInterval
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{info: info, ws: ws, done: make(chan struct{})}
	defer close(c.done)
	if info.Compress {
		c.zw = zlib.NewWriter(&c.zbuf)
	}
	s.mu.Lock()
	s.dials = append(s.dials, info)
	s.conns = append(s.conns, c)
	closed := s.closed
	s.notifyLocked()
	s.mu.Unlock()
	if closed {
		c.closeWith(closeGoingAway, "")
	}

	if v := info.Version; v != "9" && v != "10" {
		s.serverClose(c, CloseInvalidAPIVersion, "Invalid API version.")
	} else {
		_ = c.write(encode(10, map[string]any{
			"heartbeat_interval": interval.Milliseconds(), "_trace": trace(),
		}, 0, ""))
	}

	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			s.ended(c, err)
			break
		}
		if typ != websocket.TextMessage {
			s.serverClose(c, CloseDecodeError, "Error while decoding payload.")
			continue
		}
		s.receive(c, data)
	}
	_ = ws.Close()
}

// ended records how c ended and detaches it from its session.
func (s *Server) ended(c *gwConn, err error) {
	cl := Closure{Conn: c.info.ID, By: "drop", At: time.Now()}
	var ce *websocket.CloseError
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case c.serverCode != 0:
		cl.By, cl.Code = "server", c.serverCode
	case c.dropped:
	case errors.As(err, &ce):
		cl.By, cl.Code, cl.Reason = "client", ce.Code, ce.Text
	}
	s.closes = append(s.closes, cl)
	s.conns = slices.DeleteFunc(s.conns, func(x *gwConn) bool { return x == c })
	if sess := c.sess; sess != nil {
		if sess.conn == c {
			sess.conn = nil
		}
		// A client closing with 1000 or 1001 ends its session, as on Discord.
		if cl.By == "client" && (cl.Code == websocket.CloseNormalClosure || cl.Code == websocket.CloseGoingAway) {
			s.endSessionLocked(sess)
		}
		if cl.By == "server" && endsSession(cl.Code) {
			s.endSessionLocked(sess)
		}
	}
	s.notifyLocked()
}

// endSessionLocked invalidates sess. s.mu must be held.
func (s *Server) endSessionLocked(sess *session) {
	delete(s.sessions, sess.id)
	if s.current == sess {
		s.current = nil
	}
}

// serverClose closes c with code, as the fake's answer to something the client did.
func (s *Server) serverClose(c *gwConn, code int, reason string) {
	s.mu.Lock()
	if c.serverCode == 0 {
		c.serverCode = code
	}
	if c.sess != nil && endsSession(code) {
		s.endSessionLocked(c.sess)
	}
	s.mu.Unlock()
	c.closeWith(code, reason)
}

// receive handles one client payload.
func (s *Server) receive(c *gwConn, data []byte) {
	var p struct {
		Op *int            `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(data, &p); err != nil || p.Op == nil {
		s.serverClose(c, CloseDecodeError, "Error while decoding payload.")
		return
	}
	s.mu.Lock()
	s.frames = append(s.frames, Frame{Conn: c.info.ID, Op: *p.Op, Data: slices.Clone(p.D), At: time.Now()})
	authed := c.sess != nil
	s.notifyLocked()
	s.mu.Unlock()

	switch *p.Op {
	case 1: // heartbeat
		s.mu.Lock()
		s.heartbeats++
		s.notifyLocked()
		s.mu.Unlock()
		_ = c.write(encode(11, nil, 0, ""))
	case 2:
		s.identify(c, p.D)
	case 6:
		s.resume(c, p.D)
	case 3, 4, 8, 31: // presence, voice state, request members, soundboard sounds
		if !authed {
			s.serverClose(c, CloseNotAuthenticated, "Not authenticated.")
		}
	default:
		s.serverClose(c, CloseUnknownOpcode, "Unknown opcode.")
	}
}

// identify handles op 2.
func (s *Server) identify(c *gwConn, raw json.RawMessage) {
	var d struct {
		Token   string `json:"token"`
		Intents *int   `json:"intents"`
		Shard   []int  `json:"shard"`
	}
	err := json.Unmarshal(raw, &d)
	s.mu.Lock()
	s.identifies++
	if err == nil && d.Intents != nil {
		s.intents = *d.Intents
	}
	s.notifyLocked()
	authed, tokenOK, privileged := c.sess != nil, s.tokenOKLocked(d.Token), s.privileged
	s.mu.Unlock()
	switch {
	case err != nil:
		s.serverClose(c, CloseDecodeError, "Error while decoding payload.")
		return
	case authed:
		s.serverClose(c, CloseAlreadyAuthenticated, "Already authenticated.")
		return
	case !tokenOK:
		s.serverClose(c, CloseAuthenticationFailed, "Authentication failed.")
		return
	case d.Intents == nil || *d.Intents < 0 || *d.Intents > allIntents:
		s.serverClose(c, CloseInvalidIntents, "Invalid intent(s).")
		return
	case *d.Intents&(IntentGuildMembers|IntentGuildPresences|IntentMessageContent)&^privileged != 0:
		s.serverClose(c, CloseDisallowedIntents, "Disallowed intent(s).")
		return
	case d.Shard != nil && (len(d.Shard) != 2 || d.Shard[1] < 1 || d.Shard[0] < 0 || d.Shard[0] >= d.Shard[1]):
		s.serverClose(c, CloseInvalidShard, "Invalid shard.")
		return
	}

	s.gwmu.Lock()
	defer s.gwmu.Unlock()
	sess := &session{id: newSessionID(), intents: *d.Intents, shard: d.Shard}
	s.mu.Lock()
	s.sessions[sess.id] = sess
	s.current = sess
	sess.conn = c
	c.sess = sess
	sess.seq++
	seq := sess.seq
	s.mu.Unlock()

	ready := map[string]any{
		"v":                       versionNumber(c.info.Version),
		"user_settings":           map[string]any{},
		"user":                    readyUser(),
		"session_type":            "normal",
		"session_id":              sess.id,
		"resume_gateway_url":      s.ResumeGatewayURL(),
		"relationships":           []any{},
		"private_channels":        []any{},
		"presences":               []any{},
		"guilds":                  []any{map[string]any{"id": GuildID, "unavailable": true}},
		"guild_join_requests":     []any{},
		"geo_ordered_rtc_regions": []any{"us-east", "us-central", "atlanta", "us-south", "us-west"},
		"application":             map[string]any{"id": AppID, "flags": 1 << 19},
		"auth":                    map[string]any{},
		"_trace":                  trace(),
	}
	if d.Shard != nil {
		ready["shard"] = d.Shard
	}
	if err := c.write(encode(0, ready, seq, "READY")); err != nil {
		return
	}
	s.mu.Lock()
	s.handshakes++
	s.notifyLocked()
	s.mu.Unlock()
	if sess.intents&IntentGuilds != 0 && (d.Shard == nil || guildShard(d.Shard)) {
		s.sendLocked(sess, "GUILD_CREATE", guildCreate())
	}
}

// guildShard reports whether GuildID belongs to shard [id, count].
func guildShard(shard []int) bool {
	var id uint64
	_, _ = fmt.Sscan(GuildID, &id)
	return int((id>>22)%uint64(shard[1])) == shard[0]
}

func versionNumber(v string) int {
	if v == "9" {
		return 9
	}
	return 10
}

// resume handles op 6.
func (s *Server) resume(c *gwConn, raw json.RawMessage) {
	var d struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       *int64 `json:"seq"`
	}
	err := json.Unmarshal(raw, &d)
	s.mu.Lock()
	s.resumes++
	s.notifyLocked()
	authed, tokenOK := c.sess != nil, s.tokenOKLocked(d.Token)
	sess := s.sessions[d.SessionID]
	s.mu.Unlock()
	switch {
	case err != nil:
		s.serverClose(c, CloseDecodeError, "Error while decoding payload.")
		return
	case authed:
		s.serverClose(c, CloseAlreadyAuthenticated, "Already authenticated.")
		return
	case !tokenOK:
		s.serverClose(c, CloseAuthenticationFailed, "Authentication failed.")
		return
	case sess == nil:
		_ = c.write(encode(9, false, 0, ""))
		return
	}
	var seq int64
	if d.Seq != nil {
		seq = *d.Seq
	}

	s.gwmu.Lock()
	defer s.gwmu.Unlock()
	s.mu.Lock()
	if seq > sess.seq {
		s.endSessionLocked(sess)
		s.mu.Unlock()
		s.serverClose(c, CloseInvalidSeq, "Invalid seq.")
		return
	}
	old := sess.conn
	sess.conn = c
	c.sess = sess
	s.current = sess
	var replay [][]byte
	for _, ev := range sess.log {
		if ev.seq > seq {
			replay = append(replay, ev.frame)
		}
	}
	sess.seq++
	resumedSeq := sess.seq
	s.mu.Unlock()
	if old != nil && old != c {
		// A resume takes the session over from a connection Discord still thought live.
		s.mu.Lock()
		old.sess = nil
		s.mu.Unlock()
		old.closeWith(CloseUnknownError, "Session resumed elsewhere.")
	}
	for _, f := range replay {
		if c.write(f) != nil {
			return
		}
	}
	if c.write(encode(0, map[string]any{"_trace": trace()}, resumedSeq, "RESUMED")) != nil {
		return
	}
	s.mu.Lock()
	s.handshakes++
	s.notifyLocked()
	s.mu.Unlock()
}

// sendLocked assigns the next seq of sess to a dispatch, logs it for replay and writes it to
// the session's live connection, if any. s.gwmu must be held.
func (s *Server) sendLocked(sess *session, event string, data json.RawMessage) int64 {
	s.mu.Lock()
	sess.seq++
	seq := sess.seq
	frame := encode(0, data, seq, event)
	sess.log = append(sess.log, sentEvent{seq: seq, frame: frame})
	conn := sess.conn
	s.mu.Unlock()
	if conn != nil {
		_ = conn.write(frame) // a failed write leaves the event for replay
	}
	return seq
}

// Dispatch sends event (e.g. "MESSAGE_CREATE") with data to the current session (the last one
// that completed IDENTIFY or RESUME), with the session's next sequence number, and keeps it for
// replay on RESUME. When the session has no live connection (after Drop, or while the client
// reconnects) the event is only kept, as Discord keeps it, and delivered by the replay of the
// next RESUME.
//
// As on Discord, events the session's intents do not cover are not sent (the error wraps
// ErrNotSubscribed): MESSAGE_* needs GUILD_MESSAGES in a guild or DIRECT_MESSAGES in a DM,
// MESSAGE_REACTION_* and TYPING_START their intents, GUILD_* and CHANNEL_* GUILDS. Without
// MESSAGE_CONTENT, a guild message that does not mention the bot (and is not the bot's own)
// arrives with empty content, embeds, attachments, components and poll, as Discord sends it.
//
// INTERACTION_CREATE data registers the interaction, so its callback, follow-ups and edits are
// accepted (see SetInteractionDeadline).
func (s *Server) Dispatch(event string, data any) (seq int64, err error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return 0, fmt.Errorf("discordfake: encoding %s: %w", event, err)
	}
	var obj map[string]any
	_ = json.Unmarshal(raw, &obj)

	s.gwmu.Lock()
	defer s.gwmu.Unlock()
	s.mu.Lock()
	sess := s.current
	if sess == nil {
		s.mu.Unlock()
		return 0, ErrNoSession
	}
	if need := requiredIntent(event, obj); need != 0 && sess.intents&need == 0 {
		s.mu.Unlock()
		return 0, fmt.Errorf("%w: %s needs intent %d, the session has %d", ErrNotSubscribed, event, need, sess.intents)
	}
	if (event == "MESSAGE_CREATE" || event == "MESSAGE_UPDATE") && obj != nil &&
		sess.intents&IntentMessageContent == 0 && hidesContent(obj) {
		obj["content"] = ""
		obj["embeds"] = []any{}
		obj["attachments"] = []any{}
		obj["components"] = []any{}
		delete(obj, "poll")
		raw, _ = json.Marshal(obj)
	}
	if event == "INTERACTION_CREATE" && obj != nil {
		s.registerInteractionLocked(obj)
	}
	s.noteDMChannelLocked(event, obj)
	s.mu.Unlock()
	return s.sendLocked(sess, event, raw), nil
}

// requiredIntent returns the intent Discord needs before it sends event, or 0.
func requiredIntent(event string, obj map[string]any) int {
	_, inGuild := obj["guild_id"]
	pick := func(guild, dm int) int {
		if inGuild {
			return guild
		}
		return dm
	}
	switch {
	case strings.HasPrefix(event, "MESSAGE_REACTION_"):
		return pick(IntentGuildMessageReactions, IntentDirectMessageReactions)
	case event == "TYPING_START":
		return pick(IntentGuildMessageTyping, IntentDirectMessageTyping)
	case event == "MESSAGE_POLL_VOTE_ADD", event == "MESSAGE_POLL_VOTE_REMOVE":
		return pick(1<<24, 1<<25)
	case strings.HasPrefix(event, "MESSAGE_"):
		return pick(IntentGuildMessages, IntentDirectMessages)
	case strings.HasPrefix(event, "GUILD_MEMBER_"):
		return IntentGuildMembers
	case event == "PRESENCE_UPDATE":
		return IntentGuildPresences
	case event == "GUILD_CREATE", event == "GUILD_UPDATE", event == "GUILD_DELETE",
		strings.HasPrefix(event, "GUILD_ROLE_"), strings.HasPrefix(event, "CHANNEL_"),
		strings.HasPrefix(event, "THREAD_"), strings.HasPrefix(event, "STAGE_INSTANCE_"):
		return IntentGuilds
	}
	return 0
}

// hidesContent reports whether Discord withholds a message's content from a bot without the
// MESSAGE_CONTENT intent: guild messages that neither mention the bot nor are its own.
func hidesContent(m map[string]any) bool {
	if _, inGuild := m["guild_id"]; !inGuild {
		return false
	}
	if a, _ := m["author"].(map[string]any); a != nil && a["id"] == BotUserID {
		return false
	}
	mentions, _ := m["mentions"].([]any)
	for _, u := range mentions {
		if um, _ := u.(map[string]any); um != nil && um["id"] == BotUserID {
			return false
		}
	}
	return true
}

// noteDMChannelLocked remembers the DM channels dispatched messages and interactions come
// from, so that REST answers about them (messages the bot sends there, GET /channels/{id}) have
// no guild. s.mu must be held.
func (s *Server) noteDMChannelLocked(event string, obj map[string]any) {
	if obj == nil {
		return
	}
	if _, inGuild := obj["guild_id"]; inGuild {
		return
	}
	ch, _ := obj["channel_id"].(string)
	var user map[string]any
	switch event {
	case "MESSAGE_CREATE":
		user, _ = obj["author"].(map[string]any)
	case "INTERACTION_CREATE":
		user, _ = obj["user"].(map[string]any)
	default:
		return
	}
	if id, _ := user["id"].(string); ch != "" && id != "" && id != BotUserID {
		s.dmChannels[ch] = id
	}
}

// registerInteractionLocked records a dispatched interaction. s.mu must be held.
func (s *Server) registerInteractionLocked(obj map[string]any) {
	id, _ := obj["id"].(string)
	tok, _ := obj["token"].(string)
	if id == "" || tok == "" {
		return
	}
	it := &interaction{id: id, token: tok, typ: intOf(obj["type"]), at: s.nowLocked()}
	it.channelID, _ = obj["channel_id"].(string)
	it.guildID, _ = obj["guild_id"].(string)
	if m, ok := obj["message"].(map[string]any); ok {
		it.componentOf = m
	}
	s.interactions[tok] = it
}

// liveConns returns the live connections.
func (s *Server) liveConns() []*gwConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.conns)
}

// waitEnded waits (bounded) until the connections' handlers have finished.
func waitEnded(conns []*gwConn) {
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for _, c := range conns {
		select {
		case <-c.done:
		case <-deadline.C:
			return
		}
	}
}

// Drop ends every live gateway connection abnormally: the TCP connection closes without a
// close frame, as a network failure would. Sessions stay resumable: a client should
// reconnect and RESUME with its session_id and last seq; the fake then replays the dispatches
// after that seq and sends RESUMED. Drop returns once the connections are gone.
func (s *Server) Drop() {
	conns := s.liveConns()
	s.mu.Lock()
	for _, c := range conns {
		c.dropped = true
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
	waitEnded(conns)
}

// Reconnect sends op 7 RECONNECT to every live connection; the client should close the
// connection and RESUME on a new one. The fake does not close the connection itself.
func (s *Server) Reconnect() {
	for _, c := range s.liveConns() {
		_ = c.write(encode(7, nil, 0, ""))
	}
}

// InvalidSession sends op 9 INVALID SESSION with d=resumable to every live connection. The
// connection then expects a new IDENTIFY (or, when resumable, a RESUME); when !resumable the
// session is ended.
func (s *Server) InvalidSession(resumable bool) {
	s.gwmu.Lock()
	defer s.gwmu.Unlock()
	for _, c := range s.liveConns() {
		s.mu.Lock()
		if sess := c.sess; sess != nil {
			if sess.conn == c {
				sess.conn = nil
			}
			if !resumable {
				s.endSessionLocked(sess)
			}
			c.sess = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
		_ = c.write(encode(9, resumable, 0, ""))
	}
}

// CloseWith closes every live connection with a close frame of code and reason, e.g. 4004
// "Authentication failed." or 4014 "Disallowed intent(s).", and returns once they are gone.
// Codes 4004, 4007, 4009 and 4010-4014 end the session, as on Discord; others keep it
// resumable.
func (s *Server) CloseWith(code int, reason string) {
	conns := s.liveConns()
	for _, c := range conns {
		s.serverClose(c, code, reason)
	}
	waitEnded(conns)
}

// WaitReady waits until a session has completed a handshake (IDENTIFY answered by READY, or
// RESUME answered by RESUMED) since the previous WaitReady returned successfully (or since the
// fake started, for the first call); it consumes every handshake up to now. So: call it once
// after connecting, then once after each Drop/Reconnect/InvalidSession you expect the client
// to recover from. For exact expectations use the counters (Identifies, Resumes) and
// WaitIdentifies / WaitResumes.
func (s *Server) WaitReady(timeout time.Duration) error {
	ok := s.waitFor(timeout, func() bool {
		if s.handshakes > s.handshakesSeen {
			s.handshakesSeen = s.handshakes
			return true
		}
		return false
	})
	if !ok {
		return fmt.Errorf("discordfake: no READY or RESUMED within %v (identifies %d, resumes %d)",
			timeout, s.Identifies(), s.Resumes())
	}
	return nil
}

// WaitIdentifies waits until at least n IDENTIFY payloads were received in total.
func (s *Server) WaitIdentifies(n int, timeout time.Duration) error {
	if !s.waitFor(timeout, func() bool { return s.identifies >= n }) {
		return fmt.Errorf("discordfake: %d IDENTIFY after %v, want %d", s.Identifies(), timeout, n)
	}
	return nil
}

// WaitResumes waits until at least n RESUME payloads were received in total.
func (s *Server) WaitResumes(n int, timeout time.Duration) error {
	if !s.waitFor(timeout, func() bool { return s.resumes >= n }) {
		return fmt.Errorf("discordfake: %d RESUME after %v, want %d", s.Resumes(), timeout, n)
	}
	return nil
}

// WaitConnections waits until at least n gateway connections were accepted in total.
func (s *Server) WaitConnections(n int, timeout time.Duration) error {
	if !s.waitFor(timeout, func() bool { return len(s.dials) >= n }) {
		return fmt.Errorf("discordfake: %d gateway connections after %v, want %d", len(s.GatewayConns()), timeout, n)
	}
	return nil
}

// Identifies returns how many op 2 IDENTIFY payloads were received (accepted or not).
func (s *Server) Identifies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies
}

// Resumes returns how many op 6 RESUME payloads were received (accepted or not).
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}

// Heartbeats returns how many op 1 heartbeats were received.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// Intents returns the intents of the last IDENTIFY (0 before any).
func (s *Server) Intents() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.intents
}

// SessionID returns the ID of the current session, "" when there is none.
func (s *Server) SessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.id
}

// LiveConnections returns how many gateway connections are open now.
func (s *Server) LiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// GatewayConns returns every accepted gateway connection, in order.
func (s *Server) GatewayConns() []GatewayConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dials)
}

// Frames returns every payload clients sent on the gateway, in order.
func (s *Server) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.frames)
}

// Closures returns how each ended gateway connection ended, in order.
func (s *Server) Closures() []Closure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.closes)
}

func newSessionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
