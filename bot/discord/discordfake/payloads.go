package discordfake

import (
	"encoding/json"
	"hash/fnv"
	"strconv"
	"sync"
	"time"
)

// discordEpoch is the first millisecond of 2015, the epoch of Discord's snowflakes.
const discordEpoch = 1420070400000

var (
	snowMu   sync.Mutex
	snowLast int64
)

// newSnowflake returns a fresh snowflake for time now, strictly greater than every one before.
func newSnowflake(now time.Time) string {
	snowMu.Lock()
	defer snowMu.Unlock()
	id := (now.UnixMilli()-discordEpoch)<<22 | 1<<17 | 1<<12
	if id <= snowLast {
		id = snowLast + 1
	}
	snowLast = id
	return strconv.FormatInt(id, 10)
}

// hashSnowflake derives a stable, snowflake-shaped ID from key (dated mid-2024).
func hashSnowflake(key string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	const base = int64(1719792000000-discordEpoch) << 22
	return strconv.FormatInt(base+int64(h.Sum64()%(1<<40)), 10)
}

// CommandID returns the ID the fake gives an application command named name when it is
// registered, and that SlashCommand and Autocomplete put in data.id.
func CommandID(name string) string { return hashSnowflake("command/" + name) }

// DMChannelID returns the ID of the bot's DM channel with userID, as POST /users/@me/channels
// answers it. Use it as the channel of DM messages built with Message (guildID "").
func DMChannelID(userID string) string { return hashSnowflake("dm/" + userID) }

// timestamp formats t as Discord does: "2024-05-20T10:00:00.123000+00:00".
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000-07:00") }

// UserName returns the username the fake gives userID: BotName for BotUserID, else "user"
// followed by the ID's last 6 digits.
func UserName(userID string) string {
	if userID == BotUserID {
		return BotName
	}
	tail := userID
	if len(tail) > 6 {
		tail = tail[len(tail)-6:]
	}
	return "user" + tail
}

// userObject is a user as Discord sends it.
func userObject(id string) map[string]any {
	u := map[string]any{
		"id": id, "username": UserName(id), "discriminator": "0", "global_name": nil,
		"avatar": nil, "avatar_decoration_data": nil, "banner": nil, "accent_color": nil,
		"public_flags": 0, "flags": 0, "clan": nil, "primary_guild": nil, "collectibles": nil,
	}
	if id == BotUserID {
		u["bot"] = true
		u["discriminator"] = "4821" // bots keep discriminators
	} else {
		u["global_name"] = "User " + UserName(id)[4:]
	}
	return u
}

// readyUser is the user object of READY.
func readyUser() map[string]any {
	u := userObject(BotUserID)
	u["verified"] = true
	u["mfa_enabled"] = false
	u["email"] = nil
	return u
}

// memberObject is a guild member (without its user, as in MESSAGE_CREATE).
func memberObject(now time.Time) map[string]any {
	return map[string]any{
		"roles": []any{}, "joined_at": timestamp(now.Add(-30 * 24 * time.Hour)), "nick": nil,
		"avatar": nil, "banner": nil, "premium_since": nil, "deaf": false, "mute": false,
		"flags": 0, "pending": false, "communication_disabled_until": nil,
	}
}

// messageObject is a message as Discord sends it, without content-specific fields set.
func messageObject(id, channelID, guildID, authorID, content string, now time.Time) map[string]any {
	m := map[string]any{
		"id": id, "channel_id": channelID, "type": 0, "content": content,
		"author": userObject(authorID), "attachments": []any{}, "embeds": []any{},
		"mentions": []any{}, "mention_roles": []any{}, "mention_everyone": false,
		"pinned": false, "tts": false, "timestamp": timestamp(now), "edited_timestamp": nil,
		"flags": 0, "components": []any{},
	}
	if guildID != "" {
		m["guild_id"] = guildID
	}
	return m
}

// dmChannelObject is the bot's DM channel with recipientID.
func dmChannelObject(id, recipientID string) map[string]any {
	return map[string]any{
		"id": id, "type": 1, "last_message_id": nil, "flags": 0,
		"recipients": []any{userObject(recipientID)},
	}
}

// guildChannelObject is a text channel of GuildID.
func guildChannelObject(id string) map[string]any {
	name := "general"
	if id != ChannelID {
		name = "channel-" + UserName(id)[4:]
	}
	return map[string]any{
		"id": id, "type": 0, "guild_id": GuildID, "name": name, "position": 0,
		"permission_overwrites": []any{}, "topic": nil, "nsfw": false, "last_message_id": nil,
		"rate_limit_per_user": 0, "parent_id": nil, "flags": 0,
	}
}

// guildCreate is the GUILD_CREATE data sent after READY to a session with the GUILDS intent.
func guildCreate() json.RawMessage {
	now := time.Now()
	botMember := memberObject(now)
	botMember["user"] = userObject(BotUserID)
	g := map[string]any{
		"id": GuildID, "name": GuildName, "icon": nil, "splash": nil, "discovery_splash": nil,
		"owner_id": "1247598650531610624", "afk_channel_id": nil, "afk_timeout": 300,
		"verification_level": 1, "default_message_notifications": 1, "explicit_content_filter": 2,
		"roles": []any{map[string]any{
			"id": GuildID, "name": "@everyone", "color": 0, "hoist": false, "icon": nil,
			"unicode_emoji": nil, "position": 0, "permissions": "2248473465835073",
			"managed": false, "mentionable": false, "flags": 0,
		}},
		"emojis": []any{}, "stickers": []any{}, "features": []any{}, "mfa_level": 0,
		"application_id": nil, "system_channel_id": ChannelID, "system_channel_flags": 0,
		"rules_channel_id": nil, "vanity_url_code": nil, "description": nil, "banner": nil,
		"premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-US",
		"public_updates_channel_id": nil, "nsfw_level": 0, "premium_progress_bar_enabled": false,
		"safety_alerts_channel_id": nil,
		"joined_at":                timestamp(now.Add(-30 * 24 * time.Hour)), "large": false,
		"unavailable": false, "member_count": 3, "voice_states": []any{},
		"members": []any{botMember}, "channels": []any{guildChannelObject(ChannelID)},
		"threads": []any{}, "presences": []any{}, "stage_instances": []any{},
		"guild_scheduled_events": []any{}, "soundboard_sounds": []any{}, "lazy": true,
	}
	b, _ := json.Marshal(g)
	return b
}

// Message builds MESSAGE_CREATE data as Discord sends it: authorID's message with content in
// channelID of guildID (guild_id and member are omitted for a DM when guildID is ""). With
// mentionsBot the mentions array holds the bot user; put "<@"+BotUserID+">" in content yourself,
// as a user's client would.
func Message(id, channelID, guildID, authorID, content string, mentionsBot bool) map[string]any {
	now := time.Now()
	m := messageObject(id, channelID, guildID, authorID, content, now)
	if guildID != "" {
		m["member"] = memberObject(now)
	}
	if mentionsBot {
		bot := userObject(BotUserID)
		if guildID != "" {
			bot["member"] = memberObject(now)
		}
		m["mentions"] = []any{bot}
	}
	m["nonce"] = newSnowflake(now)
	return m
}

// interactionBase is what every INTERACTION_CREATE carries.
func interactionBase(id, token string, typ int, channelID, guildID, userID string) map[string]any {
	now := time.Now()
	it := map[string]any{
		"id": id, "application_id": AppID, "type": typ, "token": token, "version": 1,
		"channel_id": channelID, "locale": "en-US", "app_permissions": "2248473465835073",
		"entitlements": []any{}, "attachment_size_limit": 10485760,
	}
	if guildID != "" {
		member := memberObject(now)
		member["user"] = userObject(userID)
		member["permissions"] = "2248473465835073"
		it["guild_id"] = guildID
		it["guild_locale"] = "en-US"
		it["guild"] = map[string]any{"id": guildID, "locale": "en-US", "features": []any{}}
		it["member"] = member
		it["channel"] = guildChannelObject(channelID)
		it["channel"].(map[string]any)["guild_id"] = guildID
		it["context"] = 0
		it["authorizing_integration_owners"] = map[string]any{"0": guildID}
	} else {
		it["user"] = userObject(userID)
		it["channel"] = dmChannelObject(channelID, userID)
		it["context"] = 1
		it["authorizing_integration_owners"] = map[string]any{"0": "0"}
	}
	return it
}

// SlashCommand builds INTERACTION_CREATE data for a chat-input command (type 2) named name
// with options (as Discord nests them: {"name","type","value"} or sub-commands with their own
// "options"; nil for none), invoked by userID in channelID of guildID ("" for a DM).
// application_id is AppID; data.id is CommandID(name).
func SlashCommand(id, token, name string, options []map[string]any, channelID, guildID, userID string) map[string]any {
	it := interactionBase(id, token, 2, channelID, guildID, userID)
	data := map[string]any{"id": CommandID(name), "name": name, "type": 1}
	if options != nil {
		data["options"] = options
	}
	if guildID != "" {
		data["guild_id"] = guildID
	}
	it["data"] = data
	return it
}

// Button builds INTERACTION_CREATE data for a click (type 3, component_type 2) on the button
// customID of the bot's message messageID.
func Button(id, token, customID, channelID, guildID, userID, messageID string) map[string]any {
	it := interactionBase(id, token, 3, channelID, guildID, userID)
	it["data"] = map[string]any{"custom_id": customID, "component_type": 2}
	msg := messageObject(messageID, channelID, guildID, BotUserID, "", time.Now())
	msg["components"] = []any{map[string]any{
		"type": 1, "id": 1, "components": []any{map[string]any{
			"type": 2, "id": 2, "style": 1, "label": customID, "custom_id": customID,
		}},
	}}
	it["message"] = msg
	return it
}

// Autocomplete builds INTERACTION_CREATE data for an autocomplete request (type 4) of command
// name whose string option is being typed: partial is what the user has typed so far.
func Autocomplete(id, token, name, option, partial string, channelID, guildID, userID string) map[string]any {
	it := interactionBase(id, token, 4, channelID, guildID, userID)
	data := map[string]any{
		"id": CommandID(name), "name": name, "type": 1,
		"options": []any{map[string]any{"name": option, "type": 3, "value": partial, "focused": true}},
	}
	if guildID != "" {
		data["guild_id"] = guildID
	}
	it["data"] = data
	return it
}
