package slackfake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// newHex returns n random bytes as hex.
func newHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newUUID returns a random version 4 UUID, the form of Slack's envelope IDs.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newTriggerID returns a trigger_id shaped like Slack's: "<digits>.<digits>.<32 hex>".
func newTriggerID() string {
	now := time.Now()
	return fmt.Sprintf("%d.%d.%s", now.UnixMilli(), now.UnixNano()%1e13, newHex(16))
}

// nowTS returns the current time as a Slack ts.
func nowTS() string {
	us := time.Now().UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// UserName is the user name the payload builders give a user ID: "user-" plus the lower-cased
// ID ("briefbot" for BotUserID).
func UserName(id string) string {
	if id == BotUserID {
		return BotName
	}
	return "user-" + strings.ToLower(id)
}

// SlashCommand builds the payload of a slash_commands Socket Mode envelope.
func SlashCommand(command, text, channel, user, responseURL string) map[string]any {
	return map[string]any{
		"token":                 VerificationToken,
		"team_id":               TeamID,
		"team_domain":           TeamDomain,
		"channel_id":            channel,
		"channel_name":          ChannelName(channel),
		"user_id":               user,
		"user_name":             UserName(user),
		"command":               command,
		"text":                  text,
		"api_app_id":            AppID,
		"is_enterprise_install": false,
		"response_url":          responseURL,
		"trigger_id":            newTriggerID(),
	}
}

// SlashCommandForm builds the form body Slack POSTs to a slash command's request URL in HTTP
// mode.
func SlashCommandForm(command, text, channel, user, responseURL string) url.Values {
	return url.Values{
		"token":                 {VerificationToken},
		"team_id":               {TeamID},
		"team_domain":           {TeamDomain},
		"channel_id":            {channel},
		"channel_name":          {ChannelName(channel)},
		"user_id":               {user},
		"user_name":             {UserName(user)},
		"command":               {command},
		"text":                  {text},
		"api_app_id":            {AppID},
		"is_enterprise_install": {"false"},
		"response_url":          {responseURL},
		"trigger_id":            {newTriggerID()},
	}
}

// InteractionForm builds the form body Slack POSTs to the interactivity request URL in HTTP
// mode: a single "payload" field holding the JSON of an interactive payload such as
// BlockAction or MessageShortcut.
func InteractionForm(payload map[string]any) url.Values {
	b, _ := json.Marshal(payload)
	return url.Values{"payload": {string(b)}}
}

var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// richText builds the rich_text block Slack attaches to a user's message.
func richText(text string) []any {
	var elems []any
	unescape := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace
	last := 0
	for _, m := range mentionRE.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > last {
			elems = append(elems, map[string]any{"type": "text", "text": unescape(text[last:m[0]])})
		}
		elems = append(elems, map[string]any{"type": "user", "user_id": text[m[2]:m[3]]})
		last = m[1]
	}
	if last < len(text) {
		elems = append(elems, map[string]any{"type": "text", "text": unescape(text[last:])})
	}
	return []any{map[string]any{
		"type":     "rich_text",
		"block_id": newHex(2),
		"elements": []any{map[string]any{"type": "rich_text_section", "elements": elems}},
	}}
}

// eventTime is the whole seconds of a ts, or now.
func eventTime(ts string) int64 {
	sec, _, _ := strings.Cut(ts, ".")
	if n, err := strconv.ParseInt(sec, 10, 64); err == nil {
		return n
	}
	return time.Now().Unix()
}

// eventCallback wraps an inner event the way the Events API does.
func eventCallback(eventID, channel string, event map[string]any) map[string]any {
	ts, _ := event["ts"].(string)
	ctx, _ := json.Marshal(map[string]any{
		"et": event["type"], "tid": TeamID, "aid": AppID, "cid": channel,
	})
	return map[string]any{
		"token":                 VerificationToken,
		"team_id":               TeamID,
		"context_team_id":       TeamID,
		"context_enterprise_id": nil,
		"api_app_id":            AppID,
		"event":                 event,
		"type":                  "event_callback",
		"event_id":              eventID,
		"event_time":            eventTime(ts),
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": TeamID, "user_id": BotUserID, "is_bot": true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + base64.RawURLEncoding.EncodeToString(ctx),
	}
}

// userMessage is the inner event of a message a user wrote.
func userMessage(typ, channel, user, text, ts string) map[string]any {
	return map[string]any{
		"client_msg_id": newUUID(),
		"type":          typ,
		"text":          text,
		"user":          user,
		"ts":            ts,
		"blocks":        richText(text),
		"team":          TeamID,
		"channel":       channel,
		"event_ts":      ts,
	}
}

// AppMention builds an events_api payload: an event_callback carrying an app_mention event.
// Mention the bot in text as "<@UBOT>" (BotUserID), as Slack does.
func AppMention(eventID, channel, user, text, ts string) map[string]any {
	return eventCallback(eventID, channel, userMessage("app_mention", channel, user, text, ts))
}

// DirectMessage builds an events_api payload: an event_callback carrying a message.im event
// (type "message", channel_type "im") in the DM channel channel ("D…").
func DirectMessage(eventID, channel, user, text, ts string) map[string]any {
	ev := userMessage("message", channel, user, text, ts)
	ev["channel_type"] = "im"
	return eventCallback(eventID, channel, ev)
}

func userObject(user string) map[string]any {
	return map[string]any{"id": user, "username": UserName(user), "name": UserName(user), "team_id": TeamID}
}

// BlockAction builds an interactive payload of type block_actions: user clicked a button with
// actionID and value on the bot's message messageTS in channel.
func BlockAction(actionID, value, channel, user, messageTS, responseURL string) map[string]any {
	button := map[string]any{
		"type":      "button",
		"action_id": actionID,
		"text":      map[string]any{"type": "plain_text", "text": "Button", "emoji": true},
		"value":     value,
	}
	action := map[string]any{
		"type":      "button",
		"action_id": actionID,
		"block_id":  "fake_actions",
		"text":      button["text"],
		"value":     value,
		"action_ts": nowTS(),
	}
	return map[string]any{
		"type":       "block_actions",
		"user":       userObject(user),
		"api_app_id": AppID,
		"token":      VerificationToken,
		"container": map[string]any{
			"type": "message", "message_ts": messageTS, "channel_id": channel, "is_ephemeral": false,
		},
		"trigger_id":            newTriggerID(),
		"team":                  map[string]any{"id": TeamID, "domain": TeamDomain},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": channel, "name": ChannelName(channel)},
		"message": map[string]any{
			"type": "message", "text": "", "user": BotUserID, "bot_id": BotID, "app_id": AppID,
			"team": TeamID, "ts": messageTS,
			"blocks": []any{map[string]any{
				"type": "actions", "block_id": "fake_actions", "elements": []any{button},
			}},
		},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": responseURL,
		"actions":      []any{action},
	}
}

// MessageShortcut builds an interactive payload of type message_action: user ran the message
// shortcut callbackID on the message messageTS (text messageText) in channel.
func MessageShortcut(callbackID, channel, user, messageText, messageTS, responseURL string) map[string]any {
	return map[string]any{
		"type":                  "message_action",
		"token":                 VerificationToken,
		"action_ts":             nowTS(),
		"team":                  map[string]any{"id": TeamID, "domain": TeamDomain},
		"user":                  userObject(user),
		"channel":               map[string]any{"id": channel, "name": ChannelName(channel)},
		"is_enterprise_install": false,
		"enterprise":            nil,
		"callback_id":           callbackID,
		"trigger_id":            newTriggerID(),
		"response_url":          responseURL,
		"message_ts":            messageTS,
		"message": map[string]any{
			"client_msg_id": newUUID(),
			"type":          "message",
			"text":          messageText,
			"user":          user,
			"ts":            messageTS,
			"team":          TeamID,
			"blocks":        richText(messageText),
		},
	}
}
