package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/briefing"
)

// The adapter posts scheduled briefings on its own: see PostKeyed and
// FindKeyed. Both work over REST alone, so the command line can use an
// adapter that never ran.
var _ bot.Poster = (*Adapter)(nil)

// Keyed posts.
const (
	// MaxNonce is the length of a message nonce Discord accepts.
	// https://discord.com/developers/docs/resources/message#create-message-jsonform-params
	MaxNonce = 25
	// markerPrefix starts the marker of a keyed post in its footer.
	markerPrefix = "briefing "
	// markerSep separates the marker from the reply's own footer text.
	markerSep = " · "
	// maxMarkerKey bounds a key shown as it is in the marker; a longer
	// key, or one with characters a footer would not show as they are, is
	// shown by a hash (see keyMarker).
	maxMarkerKey = 64
	// historyPage is how many messages one GET /channels/{id}/messages
	// returns at most; maxHistoryPages bounds the pages FindKeyed reads.
	historyPage     = 100
	maxHistoryPages = 10
)

// nonceFor returns the nonce of message part (0 for the first) of the post
// keyed key in channel: the first MaxNonce hexadecimal digits of the
// SHA-256 of channel, key and part. Keys may be longer than a nonce, so the
// key itself cannot be the nonce; the hash is as deterministic, so a retry
// of the same post sends the same nonces, and with enforce_nonce Discord
// answers a create it saw within the last few minutes with the message it
// made then instead of posting again. The channel is hashed in because
// Discord matches nonces per author, not per channel.
func nonceFor(channel, key string, part int) string {
	h := sha256.New()
	for _, s := range []string{channel, key, strconv.Itoa(part)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:MaxNonce]
}

// keyMarker returns the text that marks a post keyed key in the footer of
// its first message: "briefing KEY", or "briefing #HASH" (24 hexadecimal
// digits of the key's SHA-256) for a key longer than maxMarkerKey, one
// with blanks at its ends or characters clean would change, or one that
// starts with "#". Discord does not return a message's nonce when the
// message is read later, so FindKeyed looks for this marker instead.
func keyMarker(key string) string {
	if key != "" && textLen(key) <= maxMarkerKey && clean(key, false) == key &&
		strings.TrimSpace(key) == key && !strings.HasPrefix(key, "#") {
		return markerPrefix + key
	}
	sum := sha256.Sum256([]byte(key))
	return markerPrefix + "#" + hex.EncodeToString(sum[:])[:24]
}

// hasMarker reports whether a footer text ends with marker, alone or after
// markerSep: "briefing k1" is not found in "briefing k10".
func hasMarker(footer, marker string) bool {
	return footer == marker || strings.HasSuffix(footer, markerSep+marker)
}

// mark adds marker to the footer of m's last embed, after the reply's own
// footer text, which is shortened if the footer or the message would
// otherwise exceed Discord's limits.
func mark(m *Message, marker string) {
	if len(m.Embeds) == 0 {
		m.Embeds = []*discordgo.MessageEmbed{{Color: colorAnswer}}
	}
	e := m.Embeds[len(m.Embeds)-1]
	own := ""
	if e.Footer != nil {
		own = e.Footer.Text
	}
	others := embedsLen(m.Embeds) - textLen(own)
	text := marker
	if own != "" {
		room := min(MaxFooter, MaxEmbedTotal-others) - textLen(markerSep+marker)
		if own = cut(own, room); own != "" {
			text = own + markerSep + marker
		}
	}
	if e.Footer == nil {
		e.Footer = &discordgo.MessageEmbedFooter{}
	}
	e.Footer.Text = text
}

// PostKeyed posts r in channel as Post does, marked with key, and returns
// the ID of the first message. Every message is sent with a nonce derived
// from key (see nonceFor) and enforce_nonce, so that a create repeated
// within Discord's few minutes (a retry here, or of the whole post) returns
// the message already made instead of posting it again; the first
// message's footer ends with the key's marker (see keyMarker), which
// FindKeyed looks for later.
//
// Errors follow bot.Poster: a missing or inaccessible channel, a rejected
// token or a post Discord refuses wrap briefing.ErrPermanent; a rate limit
// longer than the adapter waits (maxRateLimitWait) is a
// *briefing.RetryAfterError; anything else (a 5xx, a network error) is
// transient. Shorter rate limits, and 5xx answers and timeouts (safe to
// repeat thanks to the nonce), are retried here first. When a later
// message fails after the first went out, PostKeyed returns the first
// message's ID with an error saying the briefing was partly posted.
func (a *Adapter) PostKeyed(ctx context.Context, channel string, r bot.Reply, key string) (string, error) {
	if err := checkChannel(channel); err != nil {
		return "", err
	}
	if key == "" {
		return "", fmt.Errorf("discord: a keyed post needs a key: %w", briefing.ErrPermanent)
	}
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	msgs := Render(r)
	mark(&msgs[0], keyMarker(key))
	first := ""
	for n, m := range msgs {
		body := bodyOf(m, nil, 0)
		body.Nonce, body.EnforceNonce = nonceFor(channel, key, n), true
		var created struct {
			ID string `json:"id"`
		}
		err := a.do(ctx, request{what: "create message", method: http.MethodPost,
			url: discordgo.EndpointChannelMessages(channel), body: body, out: &created, idempotent: true})
		if err == nil && created.ID == "" {
			err = &apiError{What: "create message", Method: http.MethodPost, Status: http.StatusOK, Idempotent: true,
				Err: errors.New("the answer has no message ID")}
		}
		if err != nil {
			err = deliveryError(err, channel)
			if n == 0 {
				return "", err
			}
			return first, fmt.Errorf("discord: the briefing was partly posted in channel %s: message %d of %d failed after the first (%s) went out: %w",
				channel, n+1, len(msgs), first, err)
		}
		if n == 0 {
			first = created.ID
		}
	}
	return first, nil
}

// listedMessage is what FindKeyed reads of a message.
type listedMessage struct {
	ID     string `json:"id"`
	Author struct {
		ID string `json:"id"`
	} `json:"author"`
	Embeds []struct {
		Footer *struct {
			Text string `json:"text"`
		} `json:"footer"`
	} `json:"embeds"`
}

// marked reports whether an embed footer of m ends with marker.
func (m listedMessage) marked(marker string) bool {
	for _, e := range m.Embeds {
		if e.Footer != nil && hasMarker(e.Footer.Text, marker) {
			return true
		}
	}
	return false
}

// FindKeyed looks for a message the bot posted in channel at or after since
// whose footer carries key's marker (see PostKeyed), and returns its ID. It
// reads the channel's history newest first, historyPage messages at a time
// (GET /channels/{id}/messages, paging with before), and stops at the first
// message older than since (by its snowflake ID), at the end of the
// history, or after maxHistoryPages pages, when it logs that it gave up and
// returns a (transient) error: it cannot tell, and "not found" would post
// the briefing again. A zero since reads as far as that bound. It needs
// the bot's user ID, which READY gives; before the adapter ran, it asks
// GET /users/@me once. Errors are classified as for PostKeyed: a channel
// the bot may not read (Read Message History) wraps briefing.ErrPermanent.
func (a *Adapter) FindKeyed(ctx context.Context, channel, key string, since time.Time) (string, bool, error) {
	if err := checkChannel(channel); err != nil {
		return "", false, err
	}
	if key == "" {
		return "", false, fmt.Errorf("discord: looking for a keyed post needs a key: %w", briefing.ErrPermanent)
	}
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	me, err := a.selfID(ctx)
	if err != nil {
		return "", false, deliveryError(err, channel)
	}
	marker := keyMarker(key)
	before := ""
	for range maxHistoryPages {
		url := discordgo.EndpointChannelMessages(channel) + "?limit=" + strconv.Itoa(historyPage)
		if before != "" {
			url += "&before=" + before
		}
		var page []listedMessage
		if err := a.do(ctx, request{what: "read messages", method: http.MethodGet, url: url, out: &page}); err != nil {
			return "", false, deliveryError(err, channel)
		}
		reachedSince := false
		oldest := uint64(0)
		for _, m := range page {
			id, err := strconv.ParseUint(m.ID, 10, 64)
			if err != nil {
				continue
			}
			if oldest == 0 || id < oldest {
				oldest = id
			}
			if at, ok := snowflakeTime(m.ID); ok && !since.IsZero() && at.Before(since) {
				reachedSince = true
				continue
			}
			if m.Author.ID == me && m.marked(marker) {
				return m.ID, true, nil
			}
		}
		if reachedSince || len(page) < historyPage || oldest == 0 {
			return "", false, nil
		}
		before = strconv.FormatUint(oldest, 10)
	}
	a.log.Warn("discord: stopped looking for a briefing in the channel's history; cannot tell whether it was posted",
		"channel", channel, "messages_read", maxHistoryPages*historyPage, "since", since)
	// Not "not found": that would post the briefing again. The caller
	// treats this as a transient failure and does not post.
	return "", false, fmt.Errorf("discord: read %d messages of %s without reaching the time the briefing was claimed; cannot tell whether it was posted", maxHistoryPages*historyPage, channel)
}

// selfID returns the bot's user ID: READY's, else GET /users/@me's, which
// is then kept.
func (a *Adapter) selfID(ctx context.Context) (string, error) {
	if id := a.botUserID(); id != "" {
		return id, nil
	}
	var me struct {
		ID string `json:"id"`
	}
	if err := a.do(ctx, request{what: "read the bot user", method: http.MethodGet, url: discordgo.EndpointUser("@me"), out: &me}); err != nil {
		return "", err
	}
	if me.ID == "" {
		return "", errors.New("discord: GET /users/@me answered no user ID")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.botUser == "" {
		a.botUser = me.ID
	}
	return a.botUser, nil
}

// checkChannel refuses what is not a channel ID, for good.
func checkChannel(channel string) error {
	if channel == "" || strings.Trim(channel, "0123456789") != "" {
		return fmt.Errorf("discord: %q is not a channel ID (a number such as 1234567890123456789): %w", channel, briefing.ErrPermanent)
	}
	return nil
}

// permanentError is a delivery failure that retrying cannot fix. Its
// message says what is wrong and what to do, without a URL or a token; it
// wraps briefing.ErrPermanent and the *apiError.
type permanentError struct {
	msg string
	err error
}

func (e *permanentError) Error() string   { return e.msg }
func (e *permanentError) Unwrap() []error { return []error{briefing.ErrPermanent, e.err} }

// explained is an error with a message of its own, wrapping the
// *apiError.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// deliveryError translates a failed REST call about channel into the
// convention of bot.Poster:
//   - a 429, or a route rate limited for longer than the adapter waits: a
//     *briefing.RetryAfterError with Discord's retry_after;
//   - 401 (the token was rejected), 404 10003 Unknown Channel, 403 50001
//     Missing Access, 50013 Missing Permissions, 50007 Cannot send messages
//     to this user, and any other 4xx but 408 (Discord refused the request
//     as it is, so sending it again gives the same answer): wraps
//     briefing.ErrPermanent;
//   - a 5xx, a 408, a timeout or a network error: returned as it is,
//     transient.
func deliveryError(err error, channel string) error {
	var e *apiError
	if !errors.As(err, &e) {
		return err
	}
	if e.Status == http.StatusTooManyRequests || e.Held {
		// RetryAfterError's message adds the wait.
		return &briefing.RetryAfterError{After: e.RetryAfter,
			Err: &explained{msg: fmt.Sprintf("discord: %s in channel %s: rate limited", e.What, channel), err: err}}
	}
	if e.Status < 400 || e.Status >= 500 || e.Status == http.StatusRequestTimeout {
		return err
	}
	reading := e.Method == http.MethodGet
	said := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != 0 {
		said = fmt.Sprintf("HTTP %d, error %d %s", e.Status, e.Code, e.Message)
	}
	var msg string
	switch {
	case e.Status == http.StatusUnauthorized:
		msg = "Discord rejected the bot token (HTTP 401): reset it on the application's Bot page in the Developer Portal and update DISCORD_BOT_TOKEN"
	case e.Code == 10003:
		msg = fmt.Sprintf("channel %s does not exist (%s): it was deleted, or the ID is wrong", channel, said)
	case e.Code == 50001 && reading:
		msg = fmt.Sprintf("the bot cannot read channel %s (%s): it needs View Channel and Read Message History there, or it was removed from the server", channel, said)
	case e.Code == 50001:
		msg = fmt.Sprintf("the bot cannot see channel %s (%s): it was removed from the server or lost View Channel there", channel, said)
	case e.Code == 50013:
		msg = fmt.Sprintf("the bot may not post in channel %s (%s): it needs View Channel, Send Messages, Embed Links and Read Message History there", channel, said)
	case e.Code == 50007:
		msg = fmt.Sprintf("Discord does not let the bot message this user (%s)", said)
	case e.Status == http.StatusForbidden:
		msg = fmt.Sprintf("Discord refused the bot access to channel %s (%s)", channel, said)
	case e.Status == http.StatusNotFound:
		msg = fmt.Sprintf("Discord did not find channel %s (%s)", channel, said)
	default:
		msg = fmt.Sprintf("Discord refused to %s in channel %s (%s); sending it again would not help", e.What, channel, said)
	}
	return &permanentError{msg: "discord: " + msg, err: err}
}
