package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
)

// messageBody is what the adapter sends for a message, whichever the
// endpoint: a channel message, an interaction response's data, an edit of
// the original response or a follow-up. AllowedMentions is never nil.
type messageBody struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	Components      []discordgo.MessageComponent      `json:"components,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Reference       *discordgo.MessageReference       `json:"message_reference,omitempty"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
	// Nonce and EnforceNonce make a channel message create idempotent for
	// a few minutes: Discord answers a second create with the same nonce
	// from the same author with the first message (see PostKeyed).
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// noMentions lets nothing in a message ping anyone: no @everyone, @here,
// role, user or replied-to author. The parse list must be present and
// empty; a missing allowed_mentions lets Discord ping whatever the text
// names.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func bodyOf(m Message, ref *discordgo.MessageReference, flags discordgo.MessageFlags) messageBody {
	return messageBody{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions(), Reference: ref, Flags: flags}
}

// callbackBody is an interaction response.
type callbackBody struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data any                               `json:"data,omitempty"`
}

type autocompleteData struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// request is one REST call. what names it in logs and errors; URLs, which
// hold interaction tokens, never appear there. url is one of discordgo's
// endpoints (https://discord.com/api/v9/...).
type request struct {
	what   string
	method string
	url    string
	body   any
	// out, when set, receives the JSON answer of a successful call.
	out any
	// idempotent marks a call that may be repeated without effect even
	// though its method is POST: a message create with enforce_nonce.
	idempotent bool
}

// apiError is a REST call that failed, with what Discord said about it.
// Its message holds no URL and no token.
type apiError struct {
	What       string
	Method     string
	Status     int    // HTTP status; 0 when no answer came
	Code       int    // Discord's JSON error code, such as 50013
	Message    string // Discord's message, such as "Missing Permissions"
	RetryAfter time.Duration
	Held       bool  // not sent: the route is rate limited for longer than the adapter waits
	Dial       bool  // the connection could not be opened: nothing was sent
	Unsent     bool  // not sent for another reason: a rate-limit wait cut short, a body that could not be encoded
	Idempotent bool  // the call may be repeated without effect (see request.idempotent)
	Err        error // the transport error when no answer came, or why a 2xx answer could not be read
}

func (e *apiError) Error() string {
	switch {
	case e.Held:
		return fmt.Sprintf("discord: %s: not sent, rate limited for %v more", e.What, e.RetryAfter.Round(time.Millisecond))
	case e.Status == 0:
		return fmt.Sprintf("discord: %s: %v", e.What, e.Err)
	case e.Status >= 200 && e.Status < 300:
		return fmt.Sprintf("discord: %s: HTTP %d, but the answer could not be read: %v", e.What, e.Status, e.Err)
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("discord: %s: HTTP 429, retry after %v", e.What, e.RetryAfter)
	case e.Code != 0:
		return fmt.Sprintf("discord: %s: HTTP %d, error %d: %s", e.What, e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("discord: %s: HTTP %d", e.What, e.Status)
}

func (e *apiError) Unwrap() error { return e.Err }

// refused reports whether a failed call certainly did nothing: Discord
// answered with a 4xx (such as 10062 Unknown interaction, or a 429), or
// the request was never sent. A 5xx, a timeout or a connection lost
// mid-request is ambiguous: Discord may have done what was asked.
func refused(err error) bool {
	var e *apiError
	if !errors.As(err, &e) {
		return false
	}
	return (e.Status >= 400 && e.Status < 500) || e.Held || e.Dial || e.Unsent
}

// redact removes the bot token from a text, in case one ever carried it.
func (a *Adapter) redact(v any) string {
	s := fmt.Sprint(v)
	if tok := a.rest.token(); tok != "" {
		s = strings.ReplaceAll(s, tok, "<token>")
	}
	return s
}

// do makes a REST call, retrying what is safe to retry (see retryWait) at
// most maxRetries times. Waits end with ctx, and a wait that would outlast
// ctx's deadline is not started.
func (a *Adapter) do(ctx context.Context, req request) error {
	for attempt := 0; ; attempt++ {
		err := a.rest.call(ctx, req)
		if err == nil {
			return nil
		}
		wait, ok := a.retryWait(err, attempt)
		if !ok || attempt >= a.maxRetries || ctx.Err() != nil {
			return err
		}
		if dl, has := ctx.Deadline(); has && time.Until(dl) < wait {
			return err
		}
		a.log.Info("discord: retrying", "call", req.what, "attempt", attempt+1, "wait", wait, "status", err.Status)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

// retryWait says whether a failed call is worth retrying and after how
// long: the one retry policy. A 429 means Discord did nothing, so it is
// retried after retry_after, unless that is longer than maxRetryAfter (the
// answer is then given up rather than held). A 5xx is retried only for
// GET, PUT and PATCH, which are idempotent, and for a message create with
// enforce_nonce: any other POST that failed with a 5xx may have been
// posted, and retrying could post it twice. For the same reason a timeout
// or a connection lost mid-request is retried only for an idempotent
// call. A connection that could not be opened sent nothing and is
// retried.
func (a *Adapter) retryWait(e *apiError, attempt int) (time.Duration, bool) {
	backoff := a.backoff << attempt
	switch {
	case e.Status == http.StatusTooManyRequests:
		if e.RetryAfter > a.maxRetryAfter {
			return 0, false
		}
		if e.RetryAfter <= 0 {
			return backoff, true
		}
		return e.RetryAfter, true
	case e.Status >= 500:
		if idempotent(e) {
			return min(backoff, a.maxRetryAfter), true
		}
		return 0, false
	case e.Dial:
		return min(backoff, a.maxRetryAfter), true
	case e.Status == 0 && !e.Unsent && idempotent(e):
		return min(backoff, a.maxRetryAfter), true
	case e.Status >= 200 && e.Status < 300 && idempotent(e):
		// Done, but the answer was garbled: asking again returns it.
		return min(backoff, a.maxRetryAfter), true
	}
	return 0, false
}

// idempotent reports whether the failed call may be repeated without
// effect.
func idempotent(e *apiError) bool {
	switch e.Method {
	case http.MethodGet, http.MethodPut, http.MethodPatch:
		return true
	}
	return e.Idempotent
}

// logDeliveryError logs a call that failed for good, in one line that
// says what to do about it. It logs the channel and what Discord said,
// never a token or a URL.
func (a *Adapter) logDeliveryError(err error, channel string) {
	var e *apiError
	if !errors.As(err, &e) {
		a.log.Error("discord: answer not delivered", "channel", channel, "err", a.redact(err))
		return
	}
	attrs := []any{"call", e.What, "channel", channel, "status", e.Status}
	if e.Code != 0 {
		attrs = append(attrs, "error_code", e.Code, "discord_message", e.Message)
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		a.log.Error("discord: Discord rejected the bot token; reset it on the application's Bot page and update DISCORD_BOT_TOKEN", attrs...)
	case e.Code == 50001 || e.Code == 50013 || (e.Status == http.StatusForbidden && e.Code == 0):
		a.log.Error("discord: cannot post in the channel: the bot needs View Channel, Send Messages, Send Messages in Threads, Embed Links and Read Message History there; grant them or re-invite it (briefbot discord invite-url)", attrs...)
	case e.Code == 10062 || e.Code == 10015 || e.Code == 40060:
		a.log.Warn("discord: the interaction expired or was answered already; answer dropped", attrs...)
	case e.Code == 10003:
		a.log.Warn("discord: the channel no longer exists; answer dropped", attrs...)
	case e.Status >= 500 && e.Method == http.MethodPost:
		a.log.Error("discord: Discord failed while posting; not retried, since the message may have been posted", attrs...)
	case e.Status == http.StatusTooManyRequests:
		a.log.Warn("discord: rate limited for longer than the adapter waits; answer dropped", append(attrs, "retry_after", e.RetryAfter)...)
	case e.Status == 0 && (errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded)):
		a.log.Warn("discord: answer not delivered in time", append(attrs, "err", e.Err)...)
	default:
		a.log.Error("discord: answer not delivered", append(attrs, "err", e.Error())...)
	}
}

// callback posts an interaction response.
func (a *Adapter) callback(ctx context.Context, i *discordgo.Interaction, what string, body callbackBody) error {
	return a.do(ctx, request{what: what, method: http.MethodPost, url: discordgo.EndpointInteractionResponse(i.ID, i.Token), body: body})
}

// deferResponse acknowledges an interaction within Discord's 3 s with a
// deferred response (type 5 for a command, 6 for a button), and reports
// whether the answer should still be worked on: unless Discord certainly
// refused the deferral (see refused), such as a 10062 for an interaction
// that expired. After a 5xx or a timeout Discord may well have taken it,
// and dropping the work would leave the user looking at "thinking…" for
// good; if it did not, the edit or follow-up fails (10015) and says so.
func (a *Adapter) deferResponse(ctx context.Context, i *discordgo.Interaction, typ discordgo.InteractionResponseType, ephemeral bool) bool {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	data := messageBody{AllowedMentions: noMentions()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	err := a.callback(ctx, i, "defer", callbackBody{Type: typ, Data: data})
	if err == nil {
		return true
	}
	if refused(err) {
		a.logDeliveryError(err, i.ChannelID)
		return false
	}
	var status int
	var e *apiError
	if errors.As(err, &e) {
		status = e.Status
	}
	a.log.Warn("discord: the deferral may or may not have reached Discord; answering anyway", "interaction", i.ID, "channel", i.ChannelID, "status", status, "err", a.redact(err))
	return true
}

// respond delivers the reply to a deferred interaction: the first message
// edits the deferred response when editOriginal is set (a command), every
// other message is a follow-up. It returns the first error, after which
// nothing more is sent.
func (a *Adapter) respond(ctx context.Context, i *discordgo.Interaction, r bot.Reply, editOriginal, ephemeral bool) error {
	appID := i.AppID
	if appID == "" {
		appID = a.applicationID()
	}
	var flags discordgo.MessageFlags
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	for n, m := range Render(r) {
		var req request
		if n == 0 && editOriginal {
			req = request{what: "edit original response", method: http.MethodPatch,
				url: discordgo.EndpointInteractionResponseActions(appID, i.Token), body: bodyOf(m, nil, 0)}
		} else {
			req = request{what: "follow-up", method: http.MethodPost,
				url: discordgo.EndpointFollowupMessage(appID, i.Token), body: bodyOf(m, nil, flags)}
		}
		if err := a.do(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// send posts a reply in a channel, the first message referencing ref when
// it is set (a reply to the question).
func (a *Adapter) send(ctx context.Context, channel string, ref *discordgo.MessageReference, r bot.Reply) error {
	for n, m := range Render(r) {
		var mref *discordgo.MessageReference
		if n == 0 {
			mref = ref
		}
		req := request{what: "create message", method: http.MethodPost, url: discordgo.EndpointChannelMessages(channel), body: bodyOf(m, mref, 0)}
		if err := a.do(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// commandsJSON is the body of the bulk overwrite: the commands as
// discordgo marshals them, without the null and false fields discordgo
// writes for every option (channel_types, choices...), which Discord's
// schema does not expect on every option type.
func commandsJSON(cmds []*discordgo.ApplicationCommand) json.RawMessage {
	raw, err := json.Marshal(cmds)
	if err != nil {
		return json.RawMessage("[]")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	out, err := json.Marshal(dropEmpty(v))
	if err != nil {
		return raw
	}
	return out
}

// dropEmpty removes null values and false booleans from JSON objects.
func dropEmpty(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if x == nil || x == false {
				delete(t, k)
				continue
			}
			t[k] = dropEmpty(x)
		}
	case []any:
		for i := range t {
			t[i] = dropEmpty(t[i])
		}
	}
	return v
}
