package slackfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Channel history, as conversations.history shows it.
//
// The fake does not model which channels exist or whom they have as members: every channel ID
// names an existing channel the bot belongs to, whose history is what was posted in it (with
// chat.postMessage, or AddMessage). Make a channel fail with SetChannelError (channel_not_found,
// not_in_channel, is_archived...) or FailNextIn (a 429 or a 5xx).

// Limits of conversations.history.
// https://docs.slack.dev/reference/methods/conversations.history
const (
	defaultHistoryLimit = 100
	maxHistoryLimit     = 999
)

// Metadata is a message's metadata: an event type and a JSON object.
// https://docs.slack.dev/messaging/message-metadata
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

// HistoryMessage is a message in a channel's history.
type HistoryMessage struct {
	// TS is the message's ts; AddMessage hands out the next one when it is empty.
	TS string
	// User is the author's user ID; BotID is set for messages an app posted (the bot's are
	// BotUserID and BotID).
	User  string
	BotID string
	Text  string
	// Blocks are the message's blocks, as posted.
	Blocks []map[string]any
	// ThreadTS is set on a reply in a thread: conversations.history does not list replies.
	ThreadTS string
	// Metadata is the message's metadata, or nil.
	Metadata *Metadata
}

// storedMessage is a message in a channel's history, with its ts in microseconds for ordering.
type storedMessage struct {
	HistoryMessage
	us int64
}

// Metadata returns the "metadata" field of a chat.postMessage or chat.update call, parsed: slack-go
// sends it as a form field holding JSON, a JSON body may hold an object or a string. It returns
// nil when the call has none or it does not parse.
func (c Call) Metadata() *Metadata {
	md, _ := c.parseMetadata()
	return md
}

func (c Call) parseMetadata() (*Metadata, string) {
	var raw []byte
	switch {
	case c.Form != nil && c.Form.Get("metadata") != "":
		raw = []byte(c.Form.Get("metadata"))
	case c.JSON != nil && c.JSON["metadata"] != nil:
		if s, ok := c.JSON["metadata"].(string); ok {
			raw = []byte(s)
		} else {
			b, err := json.Marshal(c.JSON["metadata"])
			if err != nil {
				return nil, "invalid_metadata_format"
			}
			raw = b
		}
	default:
		return nil, ""
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, "invalid_metadata_format"
	}
	typ, ok := m["event_type"].(string)
	if !ok || typ == "" {
		return nil, "invalid_metadata_schema"
	}
	payload, ok := m["event_payload"].(map[string]any)
	if !ok {
		return nil, "invalid_metadata_schema"
	}
	return &Metadata{EventType: typ, EventPayload: payload}, ""
}

// parseTS reads a Slack ts ("1716199200.000100", or a whole number of seconds) as microseconds
// since the epoch.
func parseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(strings.TrimSpace(ts), ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s < 0 || len(frac) > 6 {
		return 0, false
	}
	var us int64
	if frac != "" {
		f, err := strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		if err != nil || f < 0 {
			return 0, false
		}
		us = f
	}
	return s*1e6 + us, true
}

// AddMessage adds m to channel's history, as if someone had posted it, and returns its ts. A
// message without a TS gets the next one the fake hands out; one with a TS keeps it (tests use
// that to place a message in the past), and later messages get later ones. It panics on a TS
// that is not a Slack ts or that the channel has already.
func (s *Server) AddMessage(channel string, m HistoryMessage) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.TS == "" {
		m.TS = s.nextTSLocked()
	}
	us, ok := parseTS(m.TS)
	if !ok {
		panic(fmt.Sprintf("slackfake: AddMessage: bad ts %q", m.TS))
	}
	channel = resolveChannel(channel)
	if s.findLocked(channel, m.TS) >= 0 {
		panic(fmt.Sprintf("slackfake: AddMessage: %s already has a message %s", channel, m.TS))
	}
	s.lastTS = max(s.lastTS, us) // later posts come after it, as at Slack
	s.storeLocked(channel, storedMessage{HistoryMessage: m, us: us})
	return m.TS
}

// Messages returns channel's history, oldest first, replies in threads included.
func (s *Server) Messages(channel string) []HistoryMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []HistoryMessage
	for _, m := range s.history[resolveChannel(channel)] {
		out = append(out, m.HistoryMessage)
	}
	return out
}

// storeLocked adds m to a channel's history, kept in ts order. s.mu must be held.
func (s *Server) storeLocked(channel string, m storedMessage) {
	h := s.history[channel]
	i, _ := slices.BinarySearchFunc(h, m.us, func(e storedMessage, us int64) int {
		switch {
		case e.us < us:
			return -1
		case e.us > us:
			return 1
		}
		return 0
	})
	s.history[channel] = slices.Insert(h, i, m)
	s.notifyLocked()
}

// findLocked returns the index of the message ts in channel's history, or -1.
func (s *Server) findLocked(channel, ts string) int {
	return slices.IndexFunc(s.history[channel], func(m storedMessage) bool { return m.TS == ts })
}

// SetChannelError makes every following Web API call naming channel (its "channel" field, a
// user ID standing for the DM with that user included) answer 200
// {"ok":false,"error":slackErr}, e.g. "channel_not_found", "not_in_channel" or "is_archived";
// "" clears it. Token errors and SetError come first, as they would at Slack.
func (s *Server) SetChannelError(channel, slackErr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	channel = resolveChannel(channel)
	if slackErr == "" {
		delete(s.chanErrs, channel)
		return
	}
	s.chanErrs[channel] = slackErr
}

// FailNextIn is FailNext for the calls of method that name channel: Slack rate-limits
// chat.postMessage per channel, so one channel can be limited while others are not. These
// failures come before FailNext's.
func (s *Server) FailNextIn(method, channel string, n, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := channelKey(method, resolveChannel(channel))
	for range n {
		s.failures[k] = append(s.failures[k], failure{status: status, retryAfter: retryAfter})
	}
}

// channelKey is the failures key of FailNextIn.
func channelKey(method, channel string) string { return method + "\x00" + channel }

// historyMessage is the message object conversations.history lists.
func historyMessage(m storedMessage, withMetadata bool) map[string]any {
	msg := map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "team": TeamID}
	if m.User != "" {
		msg["user"] = m.User
	}
	if m.BotID != "" {
		msg["bot_id"] = m.BotID
		if m.BotID == BotID {
			msg["app_id"] = AppID
			msg["bot_profile"] = map[string]any{
				"id": BotID, "app_id": AppID, "name": BotName, "deleted": false, "team_id": TeamID,
			}
		}
	}
	if m.Blocks != nil {
		msg["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		msg["thread_ts"] = m.ThreadTS
	}
	if withMetadata && m.Metadata != nil {
		msg["metadata"] = map[string]any{
			"event_type":    m.Metadata.EventType,
			"event_payload": maps.Clone(m.Metadata.EventPayload),
		}
	}
	return msg
}

// cursorPrefix starts a decoded history cursor, as in Slack's ("bmV4dF90czo..." is
// base64("next_ts:...")).
const cursorPrefix = "next_ts:"

// conversationsHistory answers conversations.history: the channel's messages newest first,
// between oldest and latest (exclusive unless inclusive is set), limit at a time, paged with
// response_metadata.next_cursor. Replies in threads are not listed. Metadata is listed only with
// include_all_metadata.
func (s *Server) conversationsHistory(c *Call) map[string]any {
	ch := c.Channel()
	if ch == "" || strings.HasPrefix(ch, "U") || strings.HasPrefix(ch, "W") {
		return slackErr("channel_not_found")
	}
	truth := func(name string) bool {
		v := c.Field(name)
		return v == "1" || v == "true"
	}
	inclusive := truth("inclusive")
	oldest, latest := int64(0), int64(-1)
	if v := c.Field("oldest"); v != "" {
		us, ok := parseTS(v)
		if !ok {
			return slackErr("invalid_ts_oldest")
		}
		oldest = us
	}
	if v := c.Field("latest"); v != "" {
		us, ok := parseTS(v)
		if !ok {
			return slackErr("invalid_ts_latest")
		}
		latest = us
	}
	limit := defaultHistoryLimit
	if v := c.Field("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return slackErr("invalid_limit")
		}
		if n > 0 {
			limit = min(n, maxHistoryLimit)
		}
	}
	start := int64(-1) // the cursor: the ts of the first message to list
	if v := c.Field("cursor"); v != "" {
		raw, err := base64.StdEncoding.DecodeString(v)
		us, ok := int64(0), false
		if err == nil && strings.HasPrefix(string(raw), cursorPrefix) {
			us, ok = parseTS(strings.TrimPrefix(string(raw), cursorPrefix))
		}
		if !ok {
			return slackErr("invalid_cursor")
		}
		start = us
	}
	withMetadata := truth("include_all_metadata")

	h := s.history[resolveChannel(ch)]
	messages := []any{}
	next := ""
	for i := len(h) - 1; i >= 0; i-- {
		m := h[i]
		switch {
		case m.ThreadTS != "" && m.ThreadTS != m.TS: // a reply
			continue
		case start >= 0 && m.us > start:
			continue
		case latest >= 0 && (m.us > latest || !inclusive && m.us == latest):
			continue
		case m.us < oldest || !inclusive && m.us == oldest:
			continue
		}
		if len(messages) == limit {
			next = base64.StdEncoding.EncodeToString([]byte(cursorPrefix + m.TS))
			break
		}
		messages = append(messages, historyMessage(m, withMetadata))
	}
	resp := map[string]any{
		"ok": true, "messages": messages, "has_more": next != "", "pin_count": 0,
		"channel_actions_ts": nil, "channel_actions_count": 0,
	}
	if next != "" {
		resp["response_metadata"] = map[string]any{"next_cursor": next}
	}
	return resp
}
