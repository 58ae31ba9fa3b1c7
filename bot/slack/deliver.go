package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/briefbot/briefbot/bot"
)

// maxResponseURLPosts is how many times Slack accepts a post to one
// response_url (within 30 minutes).
// https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
const maxResponseURLPosts = 5

// notInChannelText is what a user waiting for an answer is told when the
// bot may not post where they asked.
const notInChannelText = "I can't post in this channel: invite me with /invite @briefbot, or ask me in a direct message."

// respond posts a reply to a response_url, one post per message. A
// response_url takes at most maxResponseURLPosts posts, so a longer answer
// shows as many of its items as fit, a line saying how many more there are
// and how to see them (asked, the text the bot was asked, picks the
// advice), then its footer and More button as always. When an answer
// meant for the whole channel cannot be posted there, the user who asked
// is told why, alone.
func (a *Adapter) respond(ctx context.Context, responseURL, responseType string, r bot.Reply, channel, asked string) {
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	msgs, left, cut := renderFit(r, maxResponseURLPosts, overflowNote(asked))
	switch {
	case cut:
		a.log.Warn("slack: answer cut to the posts a response_url accepts", "channel", channel, "messages", len(Render(r)))
	case left > 0:
		a.log.Info("slack: answer shortened to the posts a response_url accepts", "channel", channel, "items_left_out", left)
	}
	for _, m := range msgs {
		err := a.retry(ctx, "response_url", func(ctx context.Context) error {
			return a.postResponse(ctx, responseURL, responseType, m)
		})
		if err == nil {
			continue
		}
		code := slackError(err)
		a.logDeliveryError("response_url", channel, err)
		if responseType == inChannel && isChannelError(code) {
			note := Render(bot.Reply{Error: true, Text: notInChannelText})[0]
			if err := a.retry(ctx, "response_url", func(ctx context.Context) error {
				return a.postResponse(ctx, responseURL, ephemeral, note)
			}); err != nil {
				a.logDeliveryError("response_url", channel, err)
			}
		}
		return
	}
}

// overflowNote returns what renderFit writes under an answer that did not
// fit: how many items were left out and how to see them. asked is the text
// the bot was asked ("/latest 100"), or "" when unknown.
func overflowNote(asked string) func(left, shown int, next bool) string {
	word, _ := bot.CutCommand(strings.TrimSpace(asked))
	latest := strings.EqualFold(word, "/latest") || strings.EqualFold(word, "/new")
	return func(left, shown int, next bool) string {
		n := fmt.Sprintf("%d more developments", left)
		if left == 1 {
			n = "1 more development"
		}
		switch {
		case next:
			return n + " did not fit in this answer: More shows them."
		case latest && shown > 0:
			return fmt.Sprintf("%s did not fit in this answer: ask /latest with a smaller number, such as /latest %d.", n, shown)
		case latest:
			return n + " did not fit in this answer: ask /latest with a smaller number."
		}
		return n + " did not fit in this answer: narrow the question to see them."
	}
}

// post posts a reply in a channel with chat.postMessage, in a thread when
// thread is set.
func (a *Adapter) post(ctx context.Context, channel, thread string, r bot.Reply) {
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	for _, m := range Render(r) {
		opts := messageOptions(m, thread)
		err := a.retry(ctx, "chat.postMessage", func(ctx context.Context) error {
			_, _, err := a.api.PostMessageContext(ctx, channel, opts...)
			return err
		})
		if err != nil {
			a.logDeliveryError("chat.postMessage", channel, err)
			return
		}
	}
}

// messageOptions are the chat.postMessage options that post m, in a thread
// when thread is set. Links and media are not unfurled: an answer cites
// many sources and should not grow a preview of each.
func messageOptions(m Message, thread string) []slackapi.MsgOption {
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(m.Text, false),
		slackapi.MsgOptionDisableLinkUnfurl(),
		slackapi.MsgOptionDisableMediaUnfurl(),
	}
	if len(m.Blocks) > 0 {
		opts = append(opts, slackapi.MsgOptionBlocks(m.Blocks...))
	}
	if thread != "" {
		opts = append(opts, slackapi.MsgOptionTS(thread))
	}
	return opts
}

// responsePayload is the body posted to a response_url.
type responsePayload struct {
	ResponseType    string           `json:"response_type"`
	ReplaceOriginal bool             `json:"replace_original"`
	Text            string           `json:"text"`
	Blocks          []slackapi.Block `json:"blocks,omitempty"`
}

// responseError is a response_url post Slack refused.
type responseError struct {
	Status     int
	Code       string // Slack's error code, such as "expired_url", when it gave one
	RetryAfter time.Duration
}

func (e *responseError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("response_url: %d %s", e.Status, e.Code)
	}
	return fmt.Sprintf("response_url: HTTP %d", e.Status)
}

// postResponse posts one message to a response_url. Errors never include
// the URL, which works as a credential for 30 minutes.
func (a *Adapter) postResponse(ctx context.Context, responseURL, responseType string, m Message) error {
	u, err := url.Parse(responseURL)
	if err != nil || !a.slackURL(u) {
		return errNotSlackURL
	}
	body, err := json.Marshal(responsePayload{ResponseType: responseType, Text: m.Text, Blocks: m.Blocks})
	if err != nil {
		return fmt.Errorf("response_url: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return errors.New("response_url: bad request")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := a.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL
		}
		return fmt.Errorf("response_url: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		// Slack answers "ok", or JSON {"ok": false, "error": "..."}.
		var res struct {
			OK    *bool  `json:"ok"`
			Error string `json:"error"`
		}
		if json.Unmarshal(raw, &res) == nil && res.OK != nil && !*res.OK {
			return &responseError{Status: resp.StatusCode, Code: res.Error}
		}
		return nil
	}
	e := &responseError{Status: resp.StatusCode, Code: errorCode(raw)}
	if resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
	}
	return e
}

// errNotSlackURL refuses a response_url that does not lead to Slack.
var errNotSlackURL = errors.New("response_url: not a Slack URL; answer dropped")

// slackURL reports whether u leads to Slack (https on slack.com or
// slack-gov.com), or to the host of the configured API URL (a proxy, or a
// fake in tests). Payloads are authenticated, but the adapter still never
// posts an answer anywhere else.
func (a *Adapter) slackURL(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	if u.Scheme == "https" && u.User == nil {
		for _, d := range []string{"slack.com", "slack-gov.com"} {
			if host == d || strings.HasSuffix(host, "."+d) {
				return true
			}
		}
	}
	return a.apiHost != "" && (u.Scheme == "https" || u.Scheme == "http") && u.User == nil && strings.EqualFold(u.Host, a.apiHost)
}

// errorCode picks Slack's error code out of an error response: a JSON
// "error" field, or a short snake_case body such as "expired_url".
func errorCode(raw []byte) string {
	var res struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(raw, &res) == nil && res.Error != "" {
		return res.Error
	}
	s := strings.TrimSpace(string(raw))
	if s == "" || len(s) > 64 || strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		return ""
	}
	return s
}

// retry calls call until it succeeds, fails for good, or has been retried
// maxRetries times: the one retry policy for the Web API and response
// URLs. Only what certainly did not post anything is retried: a 429 waits
// for Retry-After (at most maxRetryAfter), a connection that could not be
// made waits an exponential backoff. A 5xx or a timeout is not retried:
// Slack may have posted the message all the same, and each retry would
// also use up one of the response_url's posts. Waits end with ctx.
func (a *Adapter) retry(ctx context.Context, what string, call func(ctx context.Context) error) error {
	return a.retryWith(ctx, what, a.retryWait, call)
}

// retryUnreached is retry for callers with a backoff of their own (the
// scheduled briefings): only a connection that could not be made is
// retried, after a short backoff; a rate limit goes back to the caller at
// once.
func (a *Adapter) retryUnreached(ctx context.Context, what string, call func(ctx context.Context) error) error {
	return a.retryWith(ctx, what, a.unreachedWait, call)
}

// retryWith is retry with another policy, which says whether an error is
// worth retrying and after how long.
func (a *Adapter) retryWith(ctx context.Context, what string, policy func(err error, attempt int) (time.Duration, bool), call func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		wait, ok := policy(err, attempt)
		if !ok || attempt >= a.maxRetries || ctx.Err() != nil {
			return err
		}
		a.log.Info("slack: retrying", "call", what, "attempt", attempt+1, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (stopped waiting to retry: %v)", err, ctx.Err())
		}
	}
}

// retryWait says whether err is worth retrying and after how long.
func (a *Adapter) retryWait(err error, attempt int) (time.Duration, bool) {
	backoff := a.backoff << attempt
	var (
		rl *slackapi.RateLimitedError
		sc slackapi.StatusCodeError
		re *responseError
		oe *net.OpError
	)
	var wait time.Duration
	switch {
	case errors.As(err, &rl):
		wait = rl.RetryAfter
	case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
		wait = backoff
	case errors.As(err, &re) && re.Status == http.StatusTooManyRequests:
		wait = re.RetryAfter
	case errors.As(err, &oe) && oe.Op == "dial":
		// Nothing reached Slack: retrying cannot post twice.
		wait = backoff
	default:
		return 0, false
	}
	if wait <= 0 {
		wait = backoff
	}
	return min(wait, a.maxRetryAfter), true
}

// unreachedWait is retryWait for a connection that could not be made, and
// nothing else.
func (a *Adapter) unreachedWait(err error, attempt int) (time.Duration, bool) {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return min(a.backoff<<attempt, a.maxRetryAfter), true
	}
	return 0, false
}

// slackError returns Slack's error code in err ("not_in_channel"), or "".
func slackError(err error) string {
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	var re *responseError
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}

// isAuthError reports whether Slack rejected the token itself: retrying
// will not help until someone reinstalls the app or replaces the token.
func isAuthError(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive":
		return true
	}
	return false
}

// isChannelError reports whether Slack refused to post where it was asked
// to: the bot is not a member, or cannot see the channel.
func isChannelError(code string) bool {
	switch code {
	case "not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cannot_reply_to_message":
		return true
	}
	return false
}

// serverError returns the HTTP status of a 5xx answer from Slack in err, or
// 0.
func serverError(err error) int {
	var (
		sc slackapi.StatusCodeError
		re *responseError
	)
	switch {
	case errors.As(err, &sc) && sc.Code >= 500:
		return sc.Code
	case errors.As(err, &re) && re.Status >= 500:
		return re.Status
	}
	return 0
}

// logDeliveryError logs an answer that could not be delivered, in one line
// that says what to do about it. It logs the channel and Slack's error
// code, never a token or a response URL.
func (a *Adapter) logDeliveryError(call, channel string, err error) {
	code := slackError(err)
	switch {
	case isAuthError(code):
		a.log.Error("slack: Slack rejected the bot token; reinstall the app or update the bot token", "call", call, "channel", channel, "error_code", code)
	case isChannelError(code):
		a.log.Error("slack: cannot post in the channel; invite the bot with /invite @briefbot", "call", call, "channel", channel, "error_code", code)
	case code == "missing_scope" || code == "no_permission":
		a.log.Error("slack: the app lacks a permission; update it from deploy/slack-manifest.yaml and reinstall it", "call", call, "channel", channel, "error_code", code)
	case code == "expired_url" || code == "used_url":
		a.log.Warn("slack: the response_url expired before the answer was ready", "call", call, "channel", channel, "error_code", code)
	case serverError(err) != 0:
		a.log.Error("slack: Slack answered with a server error; the answer may or may not have been posted and was not retried, so that it is never posted twice", "call", call, "channel", channel, "status", serverError(err))
	default:
		a.log.Error("slack: answer not delivered", "call", call, "channel", channel, "err", err)
	}
}
