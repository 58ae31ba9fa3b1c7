package discordfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// NonceWindow is how long the fake remembers a message's nonce for enforce_nonce. Discord
// documents "the past few minutes"; the fake takes the short end of that, so that a client
// cannot come to rely on a longer memory than Discord has.
// https://discord.com/developers/docs/resources/message#create-message-jsonform-params
const NonceWindow = 2 * time.Minute

// ChannelState is how a channel answers the bot's REST calls about it (see SetChannelState).
type ChannelState int

// Channel states.
const (
	// ChannelOK: the channel exists and the bot may read and post there.
	ChannelOK ChannelState = iota
	// ChannelDeleted: the channel is gone (or never existed). Every route naming it answers
	// 404 {"code":10003,"message":"Unknown Channel"}.
	ChannelDeleted
	// ChannelHidden: the bot cannot see the channel (it was removed from the server, or lost
	// View Channel there). Every route naming it answers 403
	// {"code":50001,"message":"Missing Access"}.
	ChannelHidden
	// ChannelReadOnly: the bot sees the channel but may not post there (no Send Messages).
	// Creating a message answers 403 {"code":50013,"message":"Missing Permissions"}; reading
	// works.
	ChannelReadOnly
)

// SetChannelState makes channelID answer as st from now on, for every route with a
// {channel_id} (after the Authorization check and FailNext, before the body's validation
// result). ChannelOK restores the default.
func (s *Server) SetChannelState(channelID string, st ChannelState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == ChannelOK {
		delete(s.channels, channelID)
		return
	}
	s.channels[channelID] = st
}

// channelAnswerLocked answers c as its channel's state says, or returns status 0 when the
// call goes ahead. s.mu must be held.
func (s *Server) channelAnswerLocked(c *Call) (int, any) {
	ch, ok := c.Params["channel_id"]
	if !ok {
		return 0, nil
	}
	switch s.channels[ch] {
	case ChannelDeleted:
		return http.StatusNotFound, apiError(10003, "Unknown Channel")
	case ChannelHidden:
		return http.StatusForbidden, apiError(50001, "Missing Access")
	case ChannelReadOnly:
		if c.Method == http.MethodPost && c.Route == "/channels/{channel_id}/messages" {
			return http.StatusForbidden, apiError(50013, "Missing Permissions")
		}
	}
	return 0, nil
}

// newIDLocked returns a fresh snowflake for time now, strictly greater than every message ID
// this fake made before (the fake's clock may be set back). s.mu must be held.
func (s *Server) newIDLocked(now time.Time) string {
	id := (now.UnixMilli()-discordEpoch)<<22 | 1<<17 | 1<<12
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatInt(id, 10)
}

// nonceKey identifies a nonce for enforce_nonce: Discord looks for an earlier message of the
// same author with the same nonce; the fake also keys it by channel.
type nonceKey struct {
	channel, author, nonce string
}

// nonceEntry is the message a nonce was first sent with.
type nonceEntry struct {
	id string
	at time.Time
}

// nonceOf reads the nonce of a message create body: its JSON text (a string with its quotes,
// or an integer literal, so that "1" and 1 differ and a large integer keeps every digit), or
// nil when there is none.
func nonceOf(payload []byte) json.RawMessage {
	var b struct {
		Nonce json.RawMessage `json:"nonce"`
	}
	if json.Unmarshal(payload, &b) != nil || len(b.Nonce) == 0 || bytes.Equal(b.Nonce, []byte("null")) {
		return nil
	}
	return b.Nonce
}

// withNonce returns m as the create answer shows it: with the nonce the client sent. m itself
// is not changed.
func withNonce(m map[string]any, nonce json.RawMessage) map[string]any {
	if nonce == nil {
		return m
	}
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out["nonce"] = nonce
	return out
}

// snowflakeValue returns the numeric value of a snowflake ID (0 when it is not one).
func snowflakeValue(id string) uint64 {
	n, _ := strconv.ParseUint(id, 10, 64)
	return n
}

// channelMessagesLocked returns the messages of channelID anyone can see (not deleted, not
// ephemeral), newest first. s.mu must be held.
func (s *Server) channelMessagesLocked(channelID string) []map[string]any {
	var out []map[string]any
	for _, sm := range s.messages {
		if sm.deleted || sm.obj["channel_id"] != channelID || intOf(sm.obj["flags"])&64 != 0 {
			continue
		}
		out = append(out, sm.obj)
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		ia, ib := snowflakeValue(a["id"].(string)), snowflakeValue(b["id"].(string))
		switch {
		case ia > ib:
			return -1
		case ia < ib:
			return 1
		}
		return 0
	})
	return out
}

// listMessages answers GET /channels/{channel_id}/messages: at most limit (1-100, default 50)
// messages, newest first; with before, the newest older than it; with after, the oldest newer
// than it; with around, those nearest to it (itself included), as many newer as older. The
// three are mutually exclusive.
// https://discord.com/developers/docs/resources/message#get-channel-messages
func (s *Server) listMessages(q *request) (int, any) {
	qs := q.call.Query
	limit := 50
	if v := qs.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v) // validated against the document: 1-100
	}
	var anchors []string
	for _, k := range []string{"around", "before", "after"} {
		if qs.Has(k) {
			anchors = append(anchors, k)
		}
	}
	if len(anchors) > 1 {
		msg := fmt.Sprintf("around, before and after are mutually exclusive; got %v", anchors)
		v := fmt.Sprintf("%s %s: ?%s: %s", q.call.Method, q.call.Route, anchors[1], msg)
		q.call.Violations = append(q.call.Violations, v)
		s.violations = append(s.violations, v)
		return http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body",
			"errors": errorTree([]problem{{loc: []string{anchors[1]}, code: "BASE_TYPE_INVALID", msg: msg, query: true}})}
	}
	all := s.channelMessagesLocked(q.params["channel_id"]) // newest first
	id := func(m map[string]any) uint64 { return snowflakeValue(m["id"].(string)) }
	out := []map[string]any{}
	switch {
	case qs.Has("before"):
		b := snowflakeValue(qs.Get("before"))
		for _, m := range all {
			if id(m) < b && len(out) < limit {
				out = append(out, m)
			}
		}
	case qs.Has("after"):
		a := snowflakeValue(qs.Get("after"))
		// The oldest messages newer than after, newest first.
		i := len(all)
		for i > 0 && id(all[i-1]) <= a {
			i--
		}
		newer := all[:i]
		out = append(out, newer[max(0, len(newer)-limit):]...)
	case qs.Has("around"):
		c := snowflakeValue(qs.Get("around"))
		i := 0 // all[:i] are newer than around
		for i < len(all) && id(all[i]) > c {
			i++
		}
		newer := min(i, limit/2)
		older := all[i:]
		take := min(len(older), limit-newer)
		if take < limit-newer { // too few older messages: more newer ones
			newer = min(i, limit-take)
		}
		out = append(out, all[i-newer:i]...)
		out = append(out, older[:take]...)
	default:
		out = append(out, all[:min(len(all), limit)]...)
	}
	return http.StatusOK, out
}

// AddMessage puts m into its channel as a message someone posted, without dispatching it: the
// history GET /channels/{id}/messages reads. Build m with Message (its nonce is dropped, as
// Discord does not keep nonces). m needs a snowflake "id" and a "channel_id"; its author is
// whoever it says. Messages not authored by the bot cannot be edited (403 50005).
func (s *Server) AddMessage(m map[string]any) error {
	id, _ := m["id"].(string)
	ch, _ := m["channel_id"].(string)
	if !isSnowflake(id) || !isSnowflake(ch) {
		return fmt.Errorf("discordfake: AddMessage: id %q and channel_id %q must be snowflakes", id, ch)
	}
	obj := cloneJSON(m)
	delete(obj, "nonce")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[id] = &storedMessage{obj: obj}
	s.notifyLocked()
	return nil
}

// Messages returns copies of the messages in channelID anyone can see (not deleted, not
// ephemeral), newest first, as GET /channels/{id}/messages shows them.
func (s *Server) Messages(channelID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, m := range s.channelMessagesLocked(channelID) {
		out = append(out, cloneJSON(m))
	}
	return out
}
