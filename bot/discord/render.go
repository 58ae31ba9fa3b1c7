package discord

import (
	"cmp"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
)

// Message limits. Discord refuses a message that breaks one of them, and
// discordgo checks none, so Render keeps every message inside them. Lengths
// are counted in UTF-16 code units, which is what Discord's JavaScript
// heritage counts and never less than the number of characters.
// https://discord.com/developers/docs/resources/message#create-message-jsonform-params
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// https://discord.com/developers/docs/interactions/message-components#button-object
const (
	// MaxContent is the length of a bot message's content.
	MaxContent = 2000
	// MaxEmbeds is the number of embeds one message may hold.
	MaxEmbeds = 10
	// MaxTitle is the length of an embed's title.
	MaxTitle = 256
	// MaxDescription is the length of an embed's description.
	MaxDescription = 4096
	// MaxFooter is the length of an embed's footer text.
	MaxFooter = 2048
	// MaxEmbedTotal bounds the characters of all the embeds of one message
	// together: titles, descriptions, field names and values, footers and
	// author names.
	MaxEmbedTotal = 6000
	// MaxCustomID is the length of a button's custom_id.
	MaxCustomID = 100
	// MaxMessages bounds the messages one answer is split into; an answer
	// that needs more is cut, saying so.
	MaxMessages = 10

	// maxFooterUsed keeps title + description + footer under
	// MaxEmbedTotal: 256 + 4096 + 1024 = 5376.
	maxFooterUsed = 1024
	// Per-development bounds, counted once escaped, so that one line
	// always fits a description, with its group's heading above it:
	// "**" + 200 + "**\n" + "**" + 100 + "** " + "**" + 40 + ":** " + 1500
	// + " — " + 1000 + " · *" + 400 + "*" = 3264 units < MaxDescription.
	maxGroup   = 200
	maxDate    = 100
	maxBadge   = 40
	maxSummary = 1500
	maxSources = 1000
	maxNote    = 400
	maxLinkURL = 1000
)

// Embed colours: Discord's blurple for answers, its red for errors.
const (
	colorAnswer = 0x5865F2
	colorError  = 0xED4245
)

// MorePrefix starts the custom_id of a "More" button; the offset and the
// query follow: "more:3:ceasefire".
const MorePrefix = "more:"

// Message is one Discord message as Render makes it: content, embeds and
// components, already escaped and within Discord's limits. The adapter adds
// allowed_mentions (always with an empty parse list) and, for replies, the
// message reference when it sends one.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

// textLen is the length Discord counts for s.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
		if r == utf8.RuneError {
			n++ // an invalid byte; json.Marshal turns it into U+FFFD
		}
	}
	return n
}

// cut shortens s to at most max UTF-16 units on a rune boundary, ending a
// shortened text with "…".
func cut(s string, max int) string {
	if textLen(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	n := 0
	for i, r := range s {
		l := utf16.RuneLen(r)
		if n+l > max-1 { // keep room for the ellipsis
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		n += l
	}
	return s
}

// cutEscaped shortens escaped text to at most max UTF-16 units, like cut,
// but never between a backslash and the character it escapes, so that the
// cut cannot unescape anything (the ellipsis included). Escaping can double
// a text's length, so a bound on what is shown must be applied after it.
func cutEscaped(esc string, max int) string {
	if textLen(esc) <= max {
		return esc
	}
	if max <= 0 {
		return ""
	}
	end := fitEnd(esc, max-1) // keep room for the ellipsis
	end = escapeSafeEnd(esc, end)
	kept := strings.TrimRightFunc(esc[:end], unicode.IsSpace)
	kept = kept[:escapeSafeEnd(kept, len(kept))]
	return kept + "…"
}

// fitEnd returns the length in bytes of the longest prefix of s, ending on
// a rune boundary, that holds at most max UTF-16 units.
func fitEnd(s string, max int) int {
	n := 0
	for i, r := range s {
		l := utf16.RuneLen(r)
		if r == utf8.RuneError {
			l++
		}
		if n+l > max {
			return i
		}
		n += l
	}
	return len(s)
}

// escapeSafeEnd moves end back, if needed, so that esc[:end] does not end
// on the backslash of an escape: an odd run of backslashes at the end means
// the last one escapes the character that was cut off.
func escapeSafeEnd(esc string, end int) int {
	if end > 0 && trailingBackslashes(esc[:end])%2 == 1 {
		end--
	}
	return end
}

// clean drops control characters (keeping line breaks when multiline is
// set, else turning them into blanks), invalid UTF-8 and the bidirectional
// overrides that make a line read differently from what it says.
func clean(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			if multiline {
				return r
			}
			return ' '
		case r == '\t':
			return ' '
		case r == '\r':
			if multiline {
				return -1
			}
			return ' '
		case unicode.IsControl(r), r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\u2028', r == '\u2029', r == '\u200e', r == '\u200f':
			return -1
		}
		return r
	}, s)
}

// escapeAlways lists the characters Escape backslash-escapes wherever they
// are: emphasis, code, spoilers, masked links, mentions (<@id>, <#id>,
// <@&id>, <t:...>), @everyone and @here, and the backslash itself.
// Discord's markdown treats a backslash before any punctuation as an
// escape, so each shows as itself.
const escapeAlways = "\\*_~`|[]<@"

// escapeAtLineStart lists what is markup only at the start of a line:
// headings, block quotes, lists and "-# " subtext.
const escapeAtLineStart = "#>-+"

// Escape makes untrusted text inert in Discord markdown: what an article
// says is shown as written, never as formatting, a masked link, a mention
// or @everyone. It works line by line; the start of s counts as the start
// of a line.
func Escape(s string) string {
	if !strings.ContainsAny(s, escapeAlways+escapeAtLineStart+".") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = escapeLine(l)
	}
	return strings.Join(lines, "\n")
}

// escapeInline escapes s for the middle of a line, where only the
// characters of escapeAlways are markup.
func escapeInline(s string) string {
	if !strings.ContainsAny(s, escapeAlways) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, r := range s {
		if strings.ContainsRune(escapeAlways, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func escapeLine(l string) string {
	start, rest := lineStart(l)
	return start + escapeInline(rest)
}

// escapeLineStart escapes the markup at the start of l only, for a piece
// of escaped text that ends up at the start of a line.
func escapeLineStart(l string) string {
	start, rest := lineStart(l)
	return start + rest
}

// lineStart splits l into its start, with the line-start markup (see
// escapeAtLineStart and orderedListMarker) escaped, and the rest.
func lineStart(l string) (start, rest string) {
	var b strings.Builder
	j := 0
	for j < len(l) && l[j] == ' ' {
		j++
	}
	b.WriteString(l[:j])
	rest = l[j:]
	switch {
	case rest == "":
	case strings.IndexByte(escapeAtLineStart, rest[0]) >= 0:
		b.WriteByte('\\')
		b.WriteByte(rest[0])
		rest = rest[1:]
	case orderedListMarker(rest):
		// "1. " starts a numbered list: escape its dot.
		k := strings.IndexByte(rest, '.')
		b.WriteString(rest[:k])
		b.WriteString(`\.`)
		rest = rest[k+1:]
	}
	return b.String(), rest
}

// orderedListMarker reports whether s starts with digits, a dot and a blank.
func orderedListMarker(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(s) && s[i] == '.' && s[i+1] == ' '
}

// escapedPieces escapes one line of text and splits it into pieces of at
// most max units (see splitEscaped).
func escapedPieces(line string, max int) []string {
	return splitEscaped(Escape(line), max)
}

// splitEscaped splits one line of escaped text into pieces of at most max
// units, at a blank where it can, never inside a rune or between a
// backslash and the character it escapes. Every piece after the first
// starts a line of its own, so markup that is only markup there (a "#", a
// "- ", a "1. ") is escaped in it.
func splitEscaped(esc string, max int) []string {
	if textLen(esc) <= max {
		return []string{esc}
	}
	var out []string
	for first := true; esc != ""; first = false {
		budget := max
		if !first {
			budget-- // room for a line-start escape
		}
		end, lastBlank := len(esc), -1
		n := 0
		for i, r := range esc {
			l := utf16.RuneLen(r)
			if r == utf8.RuneError {
				l++
			}
			if n+l > budget {
				end = i
				break
			}
			n += l
			if r == ' ' {
				lastBlank = i
			}
		}
		if end < len(esc) && lastBlank > 0 {
			end = lastBlank + 1
		}
		// Never end a piece on the backslash of an escape.
		if end < len(esc) {
			end = escapeSafeEnd(esc, end)
		}
		if end == 0 {
			end = len(esc)
		}
		piece := strings.TrimRight(esc[:end], " ")
		esc = esc[end:]
		if !first {
			piece = escapeLineStart(piece)
		}
		if piece != "" {
			out = append(out, piece)
		}
	}
	return out
}

func trailingBackslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// linkURL returns u made safe for the target of a masked link, and the
// host it leads to (lower-case, with its port if it names one), or false
// when u is not an absolute http(s) URL (a javascript: or relative URL is
// never linked).
func linkURL(u string) (target, host string, ok bool) {
	u = strings.TrimSpace(u)
	if textLen(u) > maxLinkURL || strings.ContainsFunc(u, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", "", false
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
		return "", "", false
	}
	return linkEscaper.Replace(u), strings.ToLower(p.Host), true
}

// addressLike matches a name that reads as a host name or a web address:
// dot-separated labels, no blanks, maybe a port or a path after them.
var addressLike = regexp.MustCompile(`^[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)+\.?([:/?#].*)?$`)

// dotLookalikes are characters that read (or, in internationalised domain
// names, count) as the dot of a host name.
var dotLookalikes = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".", "\u2024", ".")

// looksLikeAddress reports whether a source's name could be taken for
// where its link leads: it holds "//" (https://bbc.co.uk) or is a host
// name such as bbc.co.uk.
func looksLikeAddress(name string) bool {
	if strings.Contains(name, "//") {
		return true
	}
	if strings.ContainsFunc(name, unicode.IsSpace) {
		return false
	}
	return addressLike.MatchString(dotLookalikes.Replace(name))
}

// linkName is what a source's link shows: its name, unless the name is
// empty or reads as an address other than the link's host, in which case
// the host. A link can then never show one address and open another, as
// [https://bbc.co.uk](https://evil.example) would.
func linkName(name, host string) string {
	if name == "" {
		return host
	}
	if looksLikeAddress(name) && !strings.EqualFold(strings.TrimSuffix(name, "."), host) {
		return host
	}
	return name
}

// linkEscaper percent-encodes what would end a masked link's target early:
// parentheses and angle brackets, legal in a URL once encoded.
var linkEscaper = strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// sourceLinks renders an item's sources as "[AP](url) · Reuters" within
// max units, ending with "+N more" when they do not all fit.
func sourceLinks(srcs []bot.Link, max int) string {
	var parts []string
	n := 0
	const sep = " · "
	for i, l := range srcs {
		name := strings.TrimSpace(clean(l.Name, false))
		var s string
		if u, host, ok := linkURL(l.URL); ok {
			s = "[" + cutEscaped(escapeInline(linkName(name, host)), 100) + "](" + u + ")"
		} else if name != "" {
			s = cutEscaped(escapeInline(name), 100)
		} else {
			continue
		}
		more := sep + "+" + strconv.Itoa(len(srcs)-i) + " more"
		if n+textLen(sep)+textLen(s)+textLen(more) > max {
			parts = append(parts, "+"+strconv.Itoa(len(srcs)-i)+" more")
			break
		}
		parts = append(parts, s)
		n += textLen(s) + textLen(sep)
	}
	return strings.Join(parts, sep)
}

// itemLine renders one development as one line of a description: the date
// in bold, the badge in bold ("**Update:** "), the summary, the sources as
// links and the note in italics.
func itemLine(it bot.Item) string {
	// Each part is bounded once escaped, since escaping can double it: so
	// bounded, the line fits a description (see maxSummary). The cut
	// before escaping only spares escaping a huge text.
	var b strings.Builder
	summary := cut(strings.TrimSpace(clean(it.Summary, false)), maxSummary)
	date := strings.TrimSpace(clean(it.Date, false))
	if date != "" {
		b.WriteString("**" + cutEscaped(escapeInline(cut(date, maxDate)), maxDate) + "** ")
	}
	if badge := badgeName(it.Badge); badge != "" {
		b.WriteString("**" + cutEscaped(escapeInline(cut(badge, maxBadge)), maxBadge) + ":** ")
	}
	if b.Len() > 0 {
		b.WriteString(cutEscaped(escapeInline(summary), maxSummary))
	} else {
		b.WriteString(cutEscaped(Escape(summary), maxSummary)) // the summary starts the line
	}
	if src := sourceLinks(it.Sources, maxSources); src != "" {
		b.WriteString(" — " + src)
	}
	if note := strings.TrimSpace(clean(it.Note, false)); note != "" {
		b.WriteString(" · *" + cutEscaped(escapeInline(cut(note, maxNote)), maxNote) + "*")
	}
	return b.String()
}

// badgeName is an item's badge as shown, without the colon Render adds
// after it: "Update". Empty: no badge.
func badgeName(badge string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(clean(badge, false)), ":"))
}

// groupName is an item's group as its heading shows it. Empty: no heading.
func groupName(group string) string { return strings.TrimSpace(clean(group, false)) }

// groupHeading renders the heading of a group of developments: its name in
// bold, on a line of its own.
func groupHeading(name string) string {
	return "**" + cutEscaped(escapeInline(cut(name, maxGroup)), maxGroup) + "**"
}

// EncodeMore returns the custom_id of a "More" button that pages to next,
// or false when it would be longer than Discord allows.
func EncodeMore(next bot.PageRef) (string, bool) {
	if next.Offset < 0 || strings.TrimSpace(next.Query) == "" {
		return "", false
	}
	id := MorePrefix + strconv.Itoa(next.Offset) + ":" + next.Query
	if textLen(id) > MaxCustomID || !utf8.ValidString(id) {
		return "", false
	}
	return id, true
}

// DecodeMore reads a custom_id written by EncodeMore.
func DecodeMore(id string) (bot.PageRef, bool) {
	rest, ok := strings.CutPrefix(id, MorePrefix)
	if !ok {
		return bot.PageRef{}, false
	}
	off, q, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(off)
	if !ok || err != nil || n < 0 || strings.TrimSpace(q) == "" {
		return bot.PageRef{}, false
	}
	return bot.PageRef{Query: q, Offset: n}, true
}

// footerText adapts the bot's footer to Discord, where paging is the
// reply's button (labelled label: "More", or "Show all" under a summary) or,
// when label is empty, a mention saying "more" (there is no /more command).
func footerText(f, label string) string {
	f = strings.TrimSpace(clean(f, false))
	if label != "" {
		f = strings.ReplaceAll(f, "/more", "Press "+label)
	} else {
		f = strings.ReplaceAll(f, "/more", `Mention me with "more"`)
	}
	return cut(f, maxFooterUsed)
}

// cutNote ends an answer that needed more than MaxMessages messages.
const cutNote = "*The answer was cut here: it is too long for Discord. Ask a narrower question.*"

// Render turns a reply into one or more Discord messages, one embed each:
// the title, the reply's text, then one line per development (the date in
// bold, its badge in bold such as "**Update:** ", the summary, the sources
// as links), and the footer. Above the first development of each run of
// developments with the same group comes the group's name in bold on a
// line of its own, after a blank line; a heading is never separated from
// the development under it. Everything
// from the reply is cleaned and escaped, so an article can neither format
// the answer nor forge a link or a mention. A long reply is split on line
// boundaries into several messages, each within Discord's limits (see
// MaxDescription and MaxEmbedTotal); the first carries the title, the last
// the footer and, when the reply has a next page, a "More" button whose
// custom_id names that page (see EncodeMore). Errors are red and start
// with a warning sign.
func Render(r bot.Reply) []Message {
	var lines []string
	if txt := strings.Trim(clean(r.Text, true), "\n "); txt != "" {
		prefix := ""
		if r.Error {
			prefix = "⚠️ "
		}
		for i, l := range strings.Split(txt, "\n") {
			l = strings.TrimRightFunc(l, unicode.IsSpace)
			if l == "" {
				lines = append(lines, "")
				continue
			}
			pieces := escapedPieces(l, MaxDescription-textLen(prefix))
			if i == 0 {
				pieces[0] = prefix + pieces[0]
			}
			lines = append(lines, pieces...)
		}
		if len(r.Items) > 0 {
			lines = append(lines, "")
		}
	}
	group := ""
	for _, it := range r.Items {
		line := itemLine(it)
		if g := groupName(it.Group); g != "" && g != group {
			if len(lines) > 0 && lines[len(lines)-1] != "" {
				lines = append(lines, "")
			}
			// One line for pack, so that a message never ends on a heading.
			line = groupHeading(g) + "\n" + line
		}
		group = groupName(it.Group)
		lines = append(lines, line)
	}

	chunks := pack(lines, MaxDescription)
	if len(chunks) > MaxMessages {
		chunks = chunks[:MaxMessages]
		last := chunks[MaxMessages-1]
		for textLen(last)+1+textLen(cutNote) > MaxDescription {
			i := strings.LastIndexByte(last, '\n')
			if i < 0 {
				last = ""
				break
			}
			last = last[:i]
		}
		chunks[MaxMessages-1] = strings.TrimLeft(last+"\n"+cutNote, "\n")
	}
	if len(chunks) == 0 {
		chunks = []string{""}
	}

	var button discordgo.MessageComponent
	label := "" // the button's, when there is one
	if r.Next != nil {
		if id, ok := EncodeMore(*r.Next); ok {
			label = cmp.Or(r.Next.Label, "More")
			button = discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: label, Style: discordgo.PrimaryButton, CustomID: id},
			}}
		}
	}
	color := colorAnswer
	if r.Error {
		color = colorError
	}
	title := cutEscaped(titleEscape(strings.TrimSpace(clean(r.Title, false))), MaxTitle)
	footer := footerText(r.Footer, label)

	msgs := make([]Message, 0, len(chunks))
	for i, c := range chunks {
		e := &discordgo.MessageEmbed{Description: c, Color: color}
		if i == 0 {
			e.Title = title
		}
		var m Message
		if i == len(chunks)-1 {
			if footer != "" {
				e.Footer = &discordgo.MessageEmbedFooter{Text: footer}
			}
			if button != nil {
				m.Components = []discordgo.MessageComponent{button}
			}
		}
		if e.Title == "" && e.Description == "" && e.Footer == nil {
			e.Description = "…"
		}
		m.Embeds = []*discordgo.MessageEmbed{e}
		msgs = append(msgs, m)
	}
	return msgs
}

// titleEscape escapes the inline markup an embed title renders.
func titleEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\*_~`|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pack joins lines of escaped text into chunks of at most max units,
// breaking between lines. Blank lines at the start of a chunk are dropped.
// A line longer than max, which Render never makes, is split (see
// splitEscaped) rather than sent to be refused.
func pack(lines []string, max int) []string {
	var out []string
	var cur strings.Builder
	size := 0
	var fitted []string
	for _, l := range lines {
		fitted = append(fitted, splitEscaped(l, max)...)
	}
	for _, l := range fitted {
		if size == 0 && l == "" {
			continue
		}
		add := textLen(l)
		if size > 0 {
			add++ // the line break
		}
		if size > 0 && size+add > max {
			out = append(out, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
			size = 0
			if l == "" {
				continue
			}
			add = textLen(l)
		}
		if size > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
		size += add
	}
	if s := strings.TrimRight(cur.String(), "\n"); s != "" {
		out = append(out, s)
	}
	return out
}

// embedsLen is the length Discord counts against MaxEmbedTotal.
func embedsLen(es []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range es {
		n += textLen(e.Title) + textLen(e.Description)
		if e.Footer != nil {
			n += textLen(e.Footer.Text)
		}
		if e.Author != nil {
			n += textLen(e.Author.Name)
		}
		for _, f := range e.Fields {
			n += textLen(f.Name) + textLen(f.Value)
		}
	}
	return n
}
