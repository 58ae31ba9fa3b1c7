package discordfake

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// Limits Discord enforces on bot messages that its OpenAPI document does not state (it allows
// 4,000 characters of content, the limit for Nitro users, not bots). Lengths are counted in
// Unicode code points, as JSON Schema's maxLength counts them.
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooterText       = 2048
	MaxAuthorName       = 256
	MaxEmbedTotal       = 6000
)

// ViolationAllowedMentions is the problem recorded when a message-bearing request has no
// allowed_mentions, or one whose parse list is missing, null or not empty. Discord accepts such
// requests (so the fake does too); our policy forbids them because they let the text ping
// @everyone, roles or users.
const ViolationAllowedMentions = "allowed_mentions missing or parse not empty"

// messageProblems checks a message body (a create, an edit, a webhook execution or interaction
// response data) against the bot limits. base locates msg within the request body.
func messageProblems(msg map[string]any, base []string) []problem {
	var ps []problem
	at := func(tokens ...string) []string { return append(slices.Clone(base), tokens...) }
	if s, ok := msg["content"].(string); ok {
		if n := utf8.RuneCountInString(s); n > MaxContent {
			ps = append(ps, problem{loc: at("content"), code: "BASE_TYPE_MAX_LENGTH",
				msg: fmt.Sprintf("Must be %d or fewer in length.", MaxContent)})
		}
	}
	embeds, _ := msg["embeds"].([]any)
	if len(embeds) > MaxEmbeds {
		ps = append(ps, problem{loc: at("embeds"), code: "BASE_TYPE_MAX_LENGTH",
			msg: fmt.Sprintf("Must be %d or fewer in length.", MaxEmbeds)})
	}
	total := 0
	for i, e := range embeds {
		em, _ := e.(map[string]any)
		if em == nil {
			continue
		}
		idx := fmt.Sprint(i)
		check := func(v any, max int, tokens ...string) {
			s, _ := v.(string)
			n := utf8.RuneCountInString(s)
			total += n
			if n > max {
				ps = append(ps, problem{loc: at(append([]string{"embeds", idx}, tokens...)...),
					code: "BASE_TYPE_MAX_LENGTH", msg: fmt.Sprintf("Must be %d or fewer in length.", max)})
			}
		}
		check(em["title"], MaxEmbedTitle, "title")
		check(em["description"], MaxEmbedDescription, "description")
		if f, ok := em["footer"].(map[string]any); ok {
			check(f["text"], MaxFooterText, "footer", "text")
		}
		if a, ok := em["author"].(map[string]any); ok {
			check(a["name"], MaxAuthorName, "author", "name")
		}
		fields, _ := em["fields"].([]any)
		if len(fields) > MaxEmbedFields {
			ps = append(ps, problem{loc: at("embeds", idx, "fields"), code: "BASE_TYPE_MAX_LENGTH",
				msg: fmt.Sprintf("Must be %d or fewer in length.", MaxEmbedFields)})
		}
		for j, f := range fields {
			fm, _ := f.(map[string]any)
			if fm == nil {
				continue
			}
			check(fm["name"], MaxFieldName, "fields", fmt.Sprint(j), "name")
			check(fm["value"], MaxFieldValue, "fields", fmt.Sprint(j), "value")
		}
	}
	if total > MaxEmbedTotal {
		ps = append(ps, problem{loc: at("embeds"), code: "MAX_EMBED_SIZE_EXCEEDED",
			msg: fmt.Sprintf("Embed size exceeds maximum size of %d", MaxEmbedTotal)})
	}
	return ps
}

// mentionsSafe reports whether msg carries allowed_mentions with a present, empty parse list.
func mentionsSafe(msg map[string]any) bool {
	am, ok := msg["allowed_mentions"].(map[string]any)
	if !ok {
		return false
	}
	parse, ok := am["parse"].([]any)
	return ok && len(parse) == 0
}

// emptyMessage reports whether a message to create has nothing to show: Discord answers such a
// request with 50006 "Cannot send an empty message".
func emptyMessage(msg map[string]any, files int) bool {
	if files > 0 {
		return false
	}
	if s, _ := msg["content"].(string); s != "" {
		return false
	}
	for _, k := range []string{"embeds", "components", "sticker_ids", "attachments"} {
		if l, _ := msg[k].([]any); len(l) > 0 {
			return false
		}
	}
	if p, _ := msg["poll"].(map[string]any); p != nil {
		return false
	}
	return true
}
