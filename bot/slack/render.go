package slack

import (
	"cmp"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/briefbot/briefbot/bot"
)

// Block Kit limits. Slack refuses a message that breaks one of them, so
// Render keeps every message inside them.
// https://docs.slack.dev/reference/block-kit/blocks
// https://docs.slack.dev/reference/methods/chat.postMessage#truncating
const (
	// MaxBlocks is the number of blocks one message may hold.
	MaxBlocks = 50
	// MaxSectionText is the length of a section's (or a context
	// element's) text, in characters.
	MaxSectionText = 3000
	// MaxHeaderText is the length of a header's plain text.
	MaxHeaderText = 150
	// MaxButtonValue is the length of a button's value.
	MaxButtonValue = 2000
	// MaxFallbackText bounds the plain "text" sent beside the blocks; Slack
	// truncates longer text and recommends staying under 4,000.
	MaxFallbackText = 3900
	// MaxMessageText bounds the characters of block text in one message:
	// Slack answers msg_blocks_too_long somewhere above 12,000, so Render
	// splits well before that.
	MaxMessageText = 11000
)

// Identifiers the adapter puts in its messages and recognises in the
// interactions they cause. The manifest in deploy/slack-manifest.yaml uses
// the same callback ID.
const (
	// MoreActionID is the action_id of the "More" button under a timeline.
	MoreActionID = "briefbot_more"
	// IngestCallbackID is the callback_id of the "Add to timeline" message
	// shortcut.
	IngestCallbackID = "briefbot_ingest"
)

// Message is one Slack message: the Block Kit blocks and the plain-text
// fallback Slack shows in notifications and to clients without blocks.
// Both are already escaped for mrkdwn.
type Message struct {
	Text   string
	Blocks []slackapi.Block
}

// Escape makes untrusted text safe to put in mrkdwn (and in a message's
// fallback text): it replaces &, < and > with the entities Slack expects, so
// that an article quoting "<!channel>" or "<@U123>" shows those characters
// instead of pinging anyone, and cannot forge a link.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escaper.Replace(s)
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapedLen is the length Slack counts for the escaped form of r.
func escapedLen(r rune) int {
	switch r {
	case '&':
		return 5
	case '<', '>':
		return 4
	}
	return 1
}

// cutEscaped escapes s and cuts it to at most max characters on a rune
// boundary, never inside an entity, ending a cut text with "…".
func cutEscaped(s string, max int) string {
	if max <= 0 {
		return ""
	}
	total := 0
	for _, r := range s {
		total += escapedLen(r)
	}
	if total <= max {
		return Escape(s)
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		l := escapedLen(r)
		if n+l > max-1 { // keep room for the ellipsis
			break
		}
		n += l
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace) + "…"
}

// cutRunes cuts s to at most max characters on a rune boundary, ending a
// cut text with "…".
func cutRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}

// clean drops control characters (keeping line breaks and tabs when
// multiline is set) and the bidirectional overrides that can make a line
// read differently from what it says.
func clean(s string, multiline bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			if multiline {
				return r
			}
			return ' '
		case r == '\r':
			if multiline {
				return -1
			}
			return ' '
		case unicode.IsControl(r), r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\u2028', r == '\u2029':
			return -1
		}
		return r
	}, s)
}

// quoteSafe keeps the lines of untrusted text from turning into block
// quotes: Slack quotes a line that starts with ">", so a zero-width space
// goes before such a line. It works on raw text, before Escape, so that the
// limits count the added character.
func quoteSafe(s string) string {
	if !strings.Contains(s, ">") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if startsQuote(l) {
			lines[i] = zwsp + l
		}
	}
	return strings.Join(lines, "\n")
}

const zwsp = "\u200b"

// startsQuote reports whether a line of raw text would start a quote.
func startsQuote(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), ">")
}

// boldSafe makes a date safe to put between the asterisks of a bold span:
// mrkdwn's formatting characters would end it early or nest another
// format in it, and a bold span does not start or end with a space.
func boldSafe(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch r {
		case '*', '_', '~', '`':
			return -1
		}
		return r
	}, s))
}

// linkURL returns u escaped for a mrkdwn link, or false when u is not an
// absolute http(s) URL (a javascript: or relative URL is never linked).
func linkURL(u string) (string, bool) {
	u = strings.TrimSpace(u)
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
		return "", false
	}
	if strings.ContainsFunc(u, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", false
	}
	// "|" would end the URL and ">" the link; both are legal once
	// percent-encoded.
	u = strings.NewReplacer("|", "%7C", "<", "%3C", ">", "%3E").Replace(u)
	return strings.ReplaceAll(u, "&", "&amp;"), true
}

// linkLabel escapes a link's label. Slack has no escape for "|" inside a
// label, so it becomes a look-alike bar.
func linkLabel(s string) string {
	return Escape(strings.ReplaceAll(clean(s, false), "|", "¦"))
}

// sourceLinks renders an item's sources as "<url|AP> · Reuters" within max
// characters, ending with "· +N more" when they do not all fit.
func sourceLinks(srcs []bot.Link, max int) string {
	var parts []string
	n := 0
	for i, l := range srcs {
		name := strings.TrimSpace(l.Name)
		var s string
		if u, ok := linkURL(l.URL); ok {
			if name == "" {
				if p, err := url.Parse(l.URL); err == nil {
					name = p.Host
				}
			}
			s = "<" + u + "|" + linkLabel(cutRunes(name, 100)) + ">"
		} else if name != "" {
			s = Escape(quoteSafe(cutRunes(clean(name, false), 100)))
		} else {
			continue
		}
		more := " · +" + strconv.Itoa(len(srcs)-i) + " more"
		if n+len(" · ")+utf8.RuneCountInString(s)+len(more) > max {
			parts = append(parts, "+"+strconv.Itoa(len(srcs)-i)+" more")
			break
		}
		parts = append(parts, s)
		n += utf8.RuneCountInString(s) + len(" · ")
	}
	return strings.Join(parts, " · ")
}

// Lengths of the short labels an item may carry, in characters once
// escaped.
const (
	// maxGroupText bounds a group heading ("Ceasefire").
	maxGroupText = 150
	// maxBadgeText bounds a badge ("Update").
	maxBadgeText = 40
)

// groupText renders an item's group as a heading's mrkdwn (bold) and its
// fallback, or "" when the item has no group (or nothing of it is left
// once formatting characters are dropped).
func groupText(it bot.Item) (text, fallback string) {
	g := cutEscaped(quoteSafe(boldSafe(clean(it.Group, false))), maxGroupText)
	if g == "" {
		return "", ""
	}
	return "*" + g + "*", g
}

// itemText renders one development as a section's mrkdwn: the date in bold,
// the badge in bold ("*Update:*"), the summary, the sources on the next
// line and the note after them. The summary is what gets cut when the
// whole would be over MaxSectionText. None of them can start a quote.
func itemText(it bot.Item) (text, fallback string) {
	date := cutEscaped(quoteSafe(boldSafe(clean(it.Date, false))), 100)
	badge := cutEscaped(quoteSafe(strings.TrimRight(boldSafe(clean(it.Badge, false)), ": ")), maxBadgeText)
	head := ""
	if date != "" {
		head = "*" + date + "*  "
	}
	if badge != "" {
		head += "*" + badge + ":* "
	}
	var tail string
	if src := sourceLinks(it.Sources, 1500); src != "" {
		tail += "\n" + src
	}
	if it.Note != "" {
		tail += "\n" + cutEscaped(quoteSafe(clean(it.Note, false)), 600)
	}
	budget := MaxSectionText - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail)
	summary := cutEscaped(quoteSafe(clean(it.Summary, false)), budget)
	fallback = summary
	if badge != "" {
		fallback = badge + ": " + fallback
	}
	if date != "" {
		fallback = date + ": " + fallback
	}
	return head + summary + tail, fallback
}

// splitEscaped escapes a paragraph and splits it into pieces of at most max
// characters, at line breaks where it can and never inside a rune or an
// entity. No line of it starts a quote (see quoteSafe), a piece cut in the
// middle of a line included.
func splitEscaped(s string, max int) []string {
	s = quoteSafe(s)
	var out []string
	for s != "" {
		// Find how much raw text fits in max escaped characters.
		n, end, lastBreak := 0, len(s), -1
		for i, r := range s {
			l := escapedLen(r)
			if n+l > max {
				end = i
				break
			}
			n += l
			if r == '\n' {
				lastBreak = i
			}
		}
		if end < len(s) && lastBreak > 0 {
			end = lastBreak + 1
		}
		chunk := strings.TrimRight(s[:end], "\n")
		if strings.TrimSpace(chunk) != "" {
			out = append(out, Escape(chunk))
		}
		s = s[end:]
		if startsQuote(s) {
			s = zwsp + s
		}
	}
	return out
}

// moreValue encodes a "More" button's value: the query and the offset of
// the next page.
type moreValue struct {
	Query  string `json:"q"`
	Offset int    `json:"o"`
}

// encodeMore returns the button value for next, or false when it would be
// longer than Slack allows.
func encodeMore(next bot.PageRef) (string, bool) {
	b, err := json.Marshal(moreValue{Query: next.Query, Offset: next.Offset})
	if err != nil || utf8.RuneCount(b) > MaxButtonValue {
		return "", false
	}
	return string(b), true
}

// decodeMore reads a button value written by encodeMore.
func decodeMore(v string) (bot.PageRef, bool) {
	var m moreValue
	if err := json.Unmarshal([]byte(v), &m); err != nil || strings.TrimSpace(m.Query) == "" || m.Offset < 0 {
		return bot.PageRef{}, false
	}
	return bot.PageRef{Query: m.Query, Offset: m.Offset}, true
}

// piece is a block on its way into a message, with the characters of text
// it counts against MaxMessageText and its share of the fallback text.
type piece struct {
	block    slackapi.Block
	size     int
	fallback string
	// withNext keeps the piece in the same message as the one after it:
	// a group heading is never the last block of a message whose first
	// item is in the next.
	withNext bool
}

func mrkdwn(s string) *slackapi.TextBlockObject {
	// Verbatim: Slack does not turn bare URLs, #channel or @name words of
	// untrusted text into links or mentions; our explicit <url|label>
	// links still work.
	return &slackapi.TextBlockObject{Type: slackapi.MarkdownType, Text: s, Verbatim: true}
}

func section(text, fallback string) piece {
	return piece{
		block:    &slackapi.SectionBlock{Type: slackapi.MBTSection, Text: mrkdwn(text)},
		size:     utf8.RuneCountInString(text),
		fallback: fallback,
	}
}

// renderFit renders r in at most limit messages. When r does not fit, it
// shows as many of r's items as fit and, before the footer and the More
// button (which stay), a line from overflow saying how many were left out
// and how to see them; the button then names the page that starts with
// the first item left out. It returns the messages and how many items were
// left out; cut reports an answer that does not fit even without items,
// whose first limit messages are returned.
func renderFit(r bot.Reply, limit int, overflow func(left, shown int, next bool) string) (msgs []Message, left int, cut bool) {
	msgs = Render(r)
	if len(msgs) <= limit {
		return msgs, 0, false
	}
	try := func(left int) []Message {
		t := r
		t.Items = r.Items[:len(r.Items)-left]
		if r.Next != nil {
			next := *r.Next
			next.Offset = max(0, next.Offset-left)
			t.Next = &next
		}
		return render(t, overflow(left, len(t.Items), r.Next != nil))
	}
	// The fewer the items, the fewer the messages: find the fewest to
	// leave out, then make sure (the note's length varies a little).
	n := len(r.Items)
	left = 1 + sort.Search(n, func(i int) bool { return len(try(i+1)) <= limit })
	for ; left <= n; left++ {
		if m := try(left); len(m) <= limit {
			return m, left, false
		}
	}
	return msgs[:limit], 0, true
}

// Render turns a reply into one or more Slack messages. Every message keeps
// to Slack's limits (MaxBlocks blocks, MaxSectionText per section,
// MaxMessageText in all, a fallback under MaxFallbackText), and all text
// from the reply is escaped, so nothing an article says can ping a channel
// or forge a link.
//
// The first message carries the header; the last carries the footer and,
// when the reply has a next page, a "More" button whose value names it.
func Render(r bot.Reply) []Message { return render(r, "") }

// render is Render, with note (the adapter's own text, when not empty) on
// a line of its own before the footer.
func render(r bot.Reply, note string) []Message {
	var head []piece
	if t := strings.TrimSpace(clean(r.Title, false)); t != "" {
		t = cutRunes(t, MaxHeaderText)
		head = append(head, piece{
			block:    &slackapi.HeaderBlock{Type: slackapi.MBTHeader, Text: &slackapi.TextBlockObject{Type: slackapi.PlainTextType, Text: t}},
			size:     utf8.RuneCountInString(t),
			fallback: Escape(quoteSafe(t)),
		})
	}
	var body []piece
	if txt := strings.TrimSpace(clean(r.Text, true)); txt != "" {
		prefix := ""
		if r.Error {
			prefix = ":warning: "
		}
		for i, chunk := range splitEscaped(txt, MaxSectionText-len(prefix)) {
			if i == 0 {
				chunk = prefix + chunk
			}
			body = append(body, section(chunk, chunk))
		}
	}
	prevGroup := ""
	for _, it := range r.Items {
		// A heading above the first item of each run of items in the
		// same group.
		if g, fb := groupText(it); g != prevGroup {
			prevGroup = g
			if g != "" {
				p := section(g, fb)
				p.withNext = true
				body = append(body, p)
			}
		}
		text, fb := itemText(it)
		body = append(body, section(text, fb))
	}
	var tail []piece
	if n := strings.TrimSpace(clean(note, false)); n != "" {
		n = cutEscaped(quoteSafe(n), MaxSectionText)
		tail = append(tail, piece{
			block:    slackapi.NewContextBlock("", mrkdwn(n)),
			size:     utf8.RuneCountInString(n),
			fallback: n,
		})
	}
	if f := strings.TrimSpace(clean(r.Footer, false)); f != "" {
		// Slack has no /more command of its own: the bot's commands
		// live under /briefbot.
		f = strings.ReplaceAll(f, "/more", "/briefbot more")
		f = cutEscaped(quoteSafe(f), MaxSectionText)
		tail = append(tail, piece{
			block:    slackapi.NewContextBlock("", mrkdwn(f)),
			size:     utf8.RuneCountInString(f),
			fallback: f,
		})
	}
	if r.Next != nil {
		if v, ok := encodeMore(*r.Next); ok {
			label := cmp.Or(r.Next.Label, "More")
			btn := slackapi.NewButtonBlockElement(MoreActionID, v, &slackapi.TextBlockObject{Type: slackapi.PlainTextType, Text: label})
			tail = append(tail, piece{
				block: slackapi.NewActionBlock("briefbot_more", btn),
				size:  utf8.RuneCountInString(v) + len(label),
			})
		}
	}
	return pack(head, body, tail)
}

// pack fills messages with pieces in order: head first, body, then tail,
// which stays together in the last message.
func pack(head, body, tail []piece) []Message {
	var msgs [][]piece
	var cur []piece
	size := 0
	// add appends p, starting a new message first when p (with the
	// pieces that must stay with it, next) does not fit in this one.
	add := func(p piece, next []piece) {
		blocks, n := 1, p.size
		for i := 0; p.withNext && i < len(next); i++ {
			blocks, n = blocks+1, n+next[i].size
			if !next[i].withNext {
				break
			}
		}
		if len(cur) > 0 && (len(cur)+blocks > MaxBlocks || size+n > MaxMessageText) {
			msgs = append(msgs, cur)
			cur, size = nil, 0
		}
		cur = append(cur, p)
		size += p.size
	}
	for _, p := range head {
		add(p, nil)
	}
	for i, p := range body {
		add(p, body[i+1:])
	}
	tailSize := 0
	for _, p := range tail {
		tailSize += p.size
	}
	if len(cur) > 0 && (len(cur)+len(tail) > MaxBlocks || size+tailSize > MaxMessageText) {
		msgs = append(msgs, cur)
		cur, size = nil, 0
	}
	cur = append(cur, tail...)
	if len(cur) > 0 || len(msgs) == 0 {
		msgs = append(msgs, cur)
	}
	out := make([]Message, 0, len(msgs))
	for _, ps := range msgs {
		var m Message
		var fb []string
		for _, p := range ps {
			m.Blocks = append(m.Blocks, p.block)
			if p.fallback != "" {
				fb = append(fb, p.fallback)
			}
		}
		m.Text = fallbackText(strings.Join(fb, "\n"))
		out = append(out, m)
	}
	return out
}

// fallbackText cuts already-escaped text to MaxFallbackText without
// splitting an entity, and never returns an empty text (Slack wants one).
func fallbackText(s string) string {
	if s == "" {
		return "briefbot"
	}
	if utf8.RuneCountInString(s) <= MaxFallbackText {
		return s
	}
	s = cutRunes(s, MaxFallbackText)
	// A cut may have split "&amp;" and the like: drop a trailing partial
	// entity.
	body := strings.TrimSuffix(s, "…")
	if i := strings.LastIndexByte(body, '&'); i >= 0 && !strings.Contains(body[i:], ";") {
		body = body[:i]
	}
	return body + "…"
}
