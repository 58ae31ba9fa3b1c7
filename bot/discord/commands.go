package discord

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/briefing/extract"
)

// MaxLatest is the largest count /latest offers.
const MaxLatest = 50

// Discord's bounds on autocomplete answers.
// https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete
const (
	// MaxChoices is the number of choices one autocomplete answer holds.
	MaxChoices = 25
	// MaxChoiceLength bounds a choice's name and value.
	MaxChoiceLength = 100
)

// Commands returns the application commands the adapter registers at
// start-up (with a bulk overwrite, so that commands removed here disappear
// from Discord too): /timeline with an autocompleted query, /latest with an
// optional count, /brief and /ingest with the article's text and optional
// details.
//
// /ingest adds to the timeline everyone reads, source names and links
// included, so by default only members with Manage Server may use it (and
// Discord hides it from the others): its default_member_permissions is
// IngestPermissions. A server's admins can open it to other roles or
// members in Server Settings > Integrations.
func Commands() []*discordgo.ApplicationCommand {
	one := float64(1)
	ingestPerms := IngestPermissions
	return []*discordgo.ApplicationCommand{
		{
			Name:        "timeline",
			Description: "Developments of a story in date order",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:         discordgo.ApplicationCommandOptionString,
				Name:         "query",
				Description:  "Words, \"phrases\", since:2025-04 until:2025-05-20 actor:putin topic:ceasefire",
				Required:     true,
				Autocomplete: true,
				MaxLength:    500,
			}},
		},
		{
			Name:        "latest",
			Description: "What the bot learned most recently",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionInteger,
				Name:        "count",
				Description: fmt.Sprintf("How many developments, 1 to %d", MaxLatest),
				MinValue:    &one,
				MaxValue:    MaxLatest,
			}},
		},
		{
			Name:        "brief",
			Description: "Scheduled briefings in this channel",
			Options:     briefOptions(),
		},
		{
			Name:                     "ingest",
			Description:              "Add an article to the timeline",
			DefaultMemberPermissions: &ingestPerms,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "text", Description: "The article's text", Required: true, MaxLength: 6000},
				{Type: discordgo.ApplicationCommandOptionString, Name: "published", Description: "Publication date, such as 2025-05-20 or 2025-05-20T14:30:00Z (default: now)", MaxLength: 40},
				{Type: discordgo.ApplicationCommandOptionString, Name: "source", Description: "Who published it, such as Reuters", MaxLength: 100},
				{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "Where it was published (http or https)", MaxLength: 2000},
				{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "The article's headline", MaxLength: 300},
			},
		},
	}
}

// briefOptions are /brief's subcommands: subscribe, list, unsubscribe,
// now and preview.
func briefOptions() []*discordgo.ApplicationCommandOption {
	number := func(what string) []*discordgo.ApplicationCommandOption {
		one := float64(1)
		return []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionInteger, Name: "number",
			Description: what + " (from /brief list; needed when the channel has several)", MinValue: &one,
		}}
	}
	sub := discordgo.ApplicationCommandOptionSubCommand
	str := discordgo.ApplicationCommandOptionString
	return []*discordgo.ApplicationCommandOption{
		{Type: sub, Name: "subscribe", Description: "Post a briefing here on a schedule", Options: []*discordgo.ApplicationCommandOption{
			{Type: str, Name: "when", Description: "at 07:30 tz Europe/Kyiv weekdays, or cron \"30 7 * * 1-5\" tz Europe/Kyiv", Required: true, MaxLength: 256},
			{Type: str, Name: "query", Description: "What to follow, as /timeline takes it (default: everything)", MaxLength: 500},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "quiet", Description: "Post nothing when nothing is new"},
		}},
		{Type: sub, Name: "list", Description: "This channel's briefing subscriptions"},
		{Type: sub, Name: "unsubscribe", Description: "Stop a subscription", Options: number("The subscription")},
		{Type: sub, Name: "now", Description: "Post the briefing now: what is new since the last one", Options: number("The subscription")},
		{Type: sub, Name: "preview", Description: "Show the briefing without posting it", Options: number("The subscription")},
	}
}

// briefText turns /brief's subcommand into the text the bot reads, and
// says whether the answer is for the user alone.
func briefText(opts map[string]*discordgo.ApplicationCommandInteractionDataOption) (string, bool) {
	for name, o := range opts {
		if o == nil || o.Type != discordgo.ApplicationCommandOptionSubCommand {
			continue
		}
		sub := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
		for _, so := range o.Options {
			if so != nil {
				sub[so.Name] = so
			}
		}
		text := "/brief " + name
		switch name {
		case "subscribe":
			for _, k := range []string{"query", "when"} {
				if so := sub[k]; so != nil && so.Type == discordgo.ApplicationCommandOptionString {
					text += " " + oneLine(strings.TrimSpace(so.StringValue()))
				}
			}
			if so := sub["quiet"]; so != nil && so.Type == discordgo.ApplicationCommandOptionBoolean && so.BoolValue() {
				text += " quiet"
			}
			return text, false
		case "list", "unsubscribe", "now", "preview":
			if so := sub["number"]; so != nil && so.Type == discordgo.ApplicationCommandOptionInteger {
				text += " " + strconv.FormatInt(so.IntValue(), 10)
			}
			// Subscribing and unsubscribing are the channel's business;
			// a list, a preview and the note that a briefing went out
			// are for the asker.
			return text, name != "unsubscribe"
		}
	}
	return "/brief", true
}

// Permissions the bot asks for in its invite link, as the bits Discord
// defines. https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
const (
	// PermViewChannel (1<<10) lets the bot see the channels it answers in.
	PermViewChannel int64 = 1 << 10
	// PermSendMessages (1<<11) lets it answer mentions.
	PermSendMessages int64 = 1 << 11
	// PermEmbedLinks (1<<14) lets its answers carry embeds.
	PermEmbedLinks int64 = 1 << 14
	// PermReadMessageHistory (1<<16) lets it reply to a message (a reply
	// references an earlier message).
	PermReadMessageHistory int64 = 1 << 16
	// PermSendMessagesInThreads (1<<38) lets it answer mentions in
	// threads.
	PermSendMessagesInThreads int64 = 1 << 38

	// IngestPermissions is the permission a member needs, by default, to
	// use /ingest: Manage Server (1<<5).
	IngestPermissions int64 = discordgo.PermissionManageGuild

	// InvitePermissions is all the bot needs: 274877991936.
	InvitePermissions = PermViewChannel | PermSendMessages | PermEmbedLinks | PermReadMessageHistory | PermSendMessagesInThreads
)

// InviteURL returns the link that adds the bot to a server with the
// "bot" and "applications.commands" scopes and InvitePermissions.
func InviteURL(appID string) string {
	return "https://discord.com/oauth2/authorize?client_id=" + url.QueryEscape(appID) +
		"&scope=bot+applications.commands&permissions=" + strconv.FormatInt(InvitePermissions, 10)
}

// commandWords are the bot commands a mention may name without a slash:
// "@briefbot timeline ceasefire" runs /timeline ceasefire.
var commandWords = map[string]bool{
	"timeline": true, "latest": true, "more": true, "sources": true,
	"help": true, "ingest": true, "brief": true,
}

// mentionText turns what a user wrote to the bot into the text the bot
// reads: every mention of the bot (<@ID> or <@!ID>) is removed, and a
// leading command word gets its slash.
func mentionText(content, botID string) string {
	if botID != "" {
		content = strings.NewReplacer("<@"+botID+">", " ", "<@!"+botID+">", " ").Replace(content)
		content = blanks.ReplaceAllString(content, " ")
	} else {
		content = leadingMention.ReplaceAllString(content, "")
	}
	content = strings.TrimLeftFunc(content, func(r rune) bool { return unicode.IsSpace(r) || r == ':' || r == ',' })
	content = strings.TrimSpace(content)
	word, rest := bot.CutCommand(content)
	if commandWords[strings.ToLower(word)] {
		if rest == "" {
			return "/" + strings.ToLower(word)
		}
		// Keep the text after the word as typed: /ingest reads options
		// and the article's line breaks.
		return "/" + strings.ToLower(word) + content[len(word):]
	}
	return content
}

// blanks matches the run of blanks a removed mention leaves.
var blanks = regexp.MustCompile(`[ \t]{2,}`)

// leadingMention matches a user mention at the start of a message.
var leadingMention = regexp.MustCompile(`^\s*<@!?(\d+)>`)

// commandText turns an application command into the text the bot reads,
// and says whether the answer is for the user alone (ephemeral).
func commandText(d discordgo.ApplicationCommandInteractionData) (text string, ephemeral bool) {
	opts := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range d.Options {
		if o != nil {
			opts[o.Name] = o
		}
	}
	str := func(name string) string {
		if o := opts[name]; o != nil && o.Type == discordgo.ApplicationCommandOptionString {
			return strings.TrimSpace(o.StringValue())
		}
		return ""
	}
	switch d.Name {
	case "timeline":
		return strings.TrimSpace("/timeline " + oneLine(str("query"))), false
	case "latest":
		if o := opts["count"]; o != nil && o.Type == discordgo.ApplicationCommandOptionInteger {
			return "/latest " + strconv.FormatInt(o.IntValue(), 10), false
		}
		return "/latest", false
	case "brief":
		return briefText(opts)
	case "ingest":
		var b strings.Builder
		b.WriteString("/ingest")
		for _, name := range []string{"published", "source", "url", "title"} {
			if v := optionValue(str(name)); v != "" {
				b.WriteString(" --" + name + " \"" + v + "\"")
			}
		}
		b.WriteString("\n")
		b.WriteString(str("text"))
		return b.String(), true
	}
	return "/help", true
}

// optionValue makes a typed option safe to quote on the /ingest line: on
// one line, without the quotes that would end it.
func optionValue(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '"', '\u201c', '\u201d':
			return -1
		}
		return r
	}, oneLine(s))
	return strings.TrimSpace(s)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// suggestion is one autocomplete candidate: the filter the user picks and
// a name to show.
type suggestion struct {
	value string // topic:ceasefire
	name  string // topic:ceasefire (Ceasefire)
	words []string
}

// suggestions returns the topics and actors the extractor knows, as query
// filters: topics first, then people, countries and organisations.
func suggestions() []suggestion {
	x, err := extract.New()
	if err != nil {
		return nil
	}
	var out []suggestion
	for _, t := range x.Topics() {
		v := "topic:" + t.ID
		out = append(out, suggestion{value: v, name: v + " (" + t.Name + ")", words: searchWords(t.ID, t.Name)})
	}
	for _, kind := range []string{"person", "country", "org"} {
		for _, a := range x.Actors() {
			if a.Kind != kind {
				continue
			}
			v := "actor:" + a.ID
			out = append(out, suggestion{value: v, name: v + " (" + a.Name + ")", words: searchWords(a.ID, a.Name)})
		}
	}
	return out
}

// searchWords returns the lower-case words a candidate is found by.
func searchWords(id, name string) []string {
	words := []string{strings.ToLower(id)}
	return append(words, strings.FieldsFunc(strings.ToLower(name+" "+strings.ReplaceAll(id, "_", " ")), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})...)
}

// complete answers an autocomplete request for the /timeline query: the
// last word typed is completed to a topic or actor filter (matching the
// filter, the ID or a word of the name by prefix), and the words before it
// are kept. At most MaxChoices choices, none longer than MaxChoiceLength.
func complete(cands []suggestion, typed string) []*discordgo.ApplicationCommandOptionChoice {
	endsWord := typed != "" && unicode.IsSpace(rune(typed[len(typed)-1]))
	typed = oneLine(typed)
	before, last := "", typed
	if i := strings.LastIndexByte(typed, ' '); i >= 0 {
		before, last = typed[:i+1], typed[i+1:]
	}
	if endsWord && typed != "" {
		before, last = typed+" ", ""
	}
	last = strings.ToLower(last)
	key := last
	for _, p := range []string{"topic:", "actor:"} {
		key = strings.TrimPrefix(key, p)
	}
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, c := range cands {
		if len(out) == MaxChoices {
			break
		}
		if last != "" && !matches(c, last, key) {
			continue
		}
		value := before + c.value
		if textLen(value) > MaxChoiceLength {
			continue
		}
		name := c.name
		if before != "" {
			name = before + c.value
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: cut(name, MaxChoiceLength), Value: value})
	}
	return out
}

func matches(c suggestion, last, key string) bool {
	if strings.HasPrefix(c.value, last) {
		return true
	}
	if strings.Contains(last, ":") && !strings.HasPrefix(last, strings.SplitN(c.value, ":", 2)[0]+":") {
		return false // "actor:pu" never suggests a topic
	}
	for _, w := range c.words {
		if strings.HasPrefix(w, key) {
			return true
		}
	}
	return false
}
