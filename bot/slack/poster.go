package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/briefing"
)

var _ bot.Poster = (*Adapter)(nil)

// How a briefing is marked on Slack: message metadata on its first message,
// which conversations.history returns with include_all_metadata. Members see
// nothing of it.
// https://docs.slack.dev/messaging/message-metadata
const (
	// BriefingEventType is the metadata event_type of a briefing.
	BriefingEventType = "briefbot_briefing"
	// briefingKeyField names the key in the metadata's event_payload.
	briefingKeyField = "key"
)

// Bounds of FindKeyed's search. Slack recommends pages of at most 200
// messages; a channel with more than historyPageSize*maxHistoryPages
// messages since the briefing was claimed is not searched to the end.
// https://docs.slack.dev/reference/methods/conversations.history
const (
	historyPageSize = 200
	maxHistoryPages = 5
)

// ErrPartlyPosted is wrapped by PostKeyed's error when the first message of
// a briefing was posted and a later one was not.
var ErrPartlyPosted = errors.New("briefing partly posted")

// errNoKey refuses a briefing without a key: FindKeyed could never find it.
var errNoKey = errors.New("slack: a briefing needs a key")

// PostKeyed posts r in channel with chat.postMessage, in as many messages as
// Render makes of it, and returns the ts of the first, which carries key in
// its metadata (event type BriefingEventType) for FindKeyed to find. It
// works without Run.
//
// A connection that could not be made is retried a few times, quickly;
// anything else is returned at once, for the caller's backoff: a rate limit
// as a *briefing.RetryAfterError, a refusal that retrying cannot fix (the
// channel is gone or archived, the bot is not in it, the token was revoked,
// the app lacks a scope) wrapping briefing.ErrPermanent. After any other
// error (a 5xx, a timeout) Slack may have posted the message all the same:
// call FindKeyed before posting again.
//
// When the first message was posted and a later one could not be (after the
// retries the adapter makes for its answers, within ctx), PostKeyed returns
// the first message's ts together with an error wrapping ErrPartlyPosted
// (and the classified cause). The briefing is then in the channel, cut
// short, and marked: the caller should count the window as posted and
// record ref, not post it again (FindKeyed would find it anyway).
func (a *Adapter) PostKeyed(ctx context.Context, channel string, r bot.Reply, key string) (ref string, err error) {
	if key == "" {
		return "", errNoKey
	}
	msgs := Render(r)
	for i, m := range msgs {
		opts := messageOptions(m, "")
		if i == 0 {
			opts = append(opts, slackapi.MsgOptionMetadata(slackapi.SlackMetadata{
				EventType:    BriefingEventType,
				EventPayload: map[string]any{briefingKeyField: key},
			}))
		}
		var ts string
		call := func(ctx context.Context) error {
			var err error
			_, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
			return err
		}
		if i == 0 {
			if err := a.retryUnreached(ctx, "chat.postMessage", call); err != nil {
				return "", a.deliveryError("chat.postMessage", channel, err)
			}
			ref = ts
			continue
		}
		// The briefing has begun: leaving it cut short would be for
		// good, so a rate limit is waited out here, as for answers.
		if err := a.retry(ctx, "chat.postMessage", call); err != nil {
			a.log.Warn("slack: briefing partly posted", "channel", channel, "ref", ref, "posted", i, "messages", len(msgs), "err", err)
			return ref, fmt.Errorf("slack: %w in %s: %d of %d messages posted, the first at %s: %w",
				ErrPartlyPosted, channel, i, len(msgs), ref, a.deliveryError("chat.postMessage", channel, err))
		}
	}
	return ref, nil
}

// FindKeyed looks through channel's history since since (inclusive) for a
// message the bot posted with key in its metadata (see PostKeyed) and
// returns its ts. It reads at most maxHistoryPages pages of
// historyPageSize messages, newest first; when the channel has more than
// that since since, it returns an error rather than a "not found" that
// could post a briefing twice. It learns the bot's identity with auth.test
// on first use unless Run did already. Errors are classified as
// PostKeyed's.
func (a *Adapter) FindKeyed(ctx context.Context, channel, key string, since time.Time) (ref string, found bool, err error) {
	if key == "" {
		return "", false, errNoKey
	}
	me, err := a.self(ctx)
	if err != nil {
		return "", false, err
	}
	params := &slackapi.GetConversationHistoryParameters{
		ChannelID:          channel,
		Oldest:             slackTS(since),
		Inclusive:          true,
		Limit:              historyPageSize,
		IncludeAllMetadata: true,
	}
	for range maxHistoryPages {
		var res *slackapi.GetConversationHistoryResponse
		err := a.retryUnreached(ctx, "conversations.history", func(ctx context.Context) error {
			var err error
			res, err = a.api.GetConversationHistoryContext(ctx, params)
			return err
		})
		if err != nil {
			return "", false, a.deliveryError("conversations.history", channel, err)
		}
		for _, m := range res.Messages {
			if m.Metadata.EventType != BriefingEventType || !me.posted(m) {
				continue
			}
			if k, _ := m.Metadata.EventPayload[briefingKeyField].(string); k == key {
				return m.Timestamp, true, nil
			}
		}
		if !res.HasMore || res.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = res.ResponseMetaData.NextCursor
	}
	return "", false, fmt.Errorf("slack: conversations.history in %s: more than %d messages since %s, and briefing %q not among them: cannot tell whether it was posted",
		channel, historyPageSize*maxHistoryPages, since.UTC().Format(time.RFC3339), key)
}

// slackTS writes t as a Slack ts ("1716199200.000100"), or "0" before 1970.
func slackTS(t time.Time) string {
	us := t.UnixMicro()
	if t.IsZero() || us < 0 {
		return "0"
	}
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// identity is who the bot is on Slack.
type identity struct {
	user string // user ID
	bot  string // bot ID
}

// posted reports whether the bot posted m. With neither ID known it
// reports true: the metadata alone has to do.
func (id identity) posted(m slackapi.Message) bool {
	if id.user == "" && id.bot == "" {
		return true
	}
	return id.bot != "" && m.BotID == id.bot || id.user != "" && m.User == id.user
}

// self returns the bot's identity: what Run's auth.test learned, or else
// what auth.test answers now (and is kept).
func (a *Adapter) self(ctx context.Context) (identity, error) {
	a.mu.Lock()
	id := identity{user: a.botUser, bot: a.botID}
	a.mu.Unlock()
	if id.user != "" || id.bot != "" {
		return id, nil
	}
	var res *slackapi.AuthTestResponse
	err := a.retryUnreached(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		res, err = a.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return identity{}, a.deliveryError("auth.test", "", err)
	}
	a.mu.Lock()
	a.botUser, a.botID = res.UserID, res.BotID
	a.mu.Unlock()
	return identity{user: res.UserID, bot: res.BotID}, nil
}

// deliveryError classifies an error of a Web API call made for a scheduled
// briefing, following bot.Poster's contract: a *briefing.RetryAfterError
// for a rate limit, an error wrapping briefing.ErrPermanent for a refusal
// that retrying cannot fix, and err with context for the rest. The message
// names the call, the channel and Slack's error code, never a token.
func (a *Adapter) deliveryError(call, channel string, err error) error {
	where := "slack: " + call
	if channel != "" {
		where += " in " + channel
	}
	var (
		rl *slackapi.RateLimitedError
		sc slackapi.StatusCodeError
		se slackapi.SlackErrorResponse
	)
	code := slackError(err)
	switch {
	case errors.As(err, &rl):
		return &briefing.RetryAfterError{After: rl.RetryAfter, Err: errors.New(where + ": rate limited")}
	case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests, code == "ratelimited", code == "rate_limited":
		// No Retry-After: the caller's own backoff decides.
		return &briefing.RetryAfterError{Err: errors.New(where + ": rate limited")}
	}
	if why := permanentCodes[code]; why != "" {
		if errors.As(err, &se) && se.Needed != "" {
			why += " (needs " + se.Needed + ")"
		}
		return fmt.Errorf("%s: %s: %s: %w", where, code, why, briefing.ErrPermanent)
	}
	if status := serverError(err); status != 0 {
		return fmt.Errorf("%s: Slack answered HTTP %d; the message may have been posted all the same: %w", where, status, err)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// permanentCodes are the Slack error codes that retrying cannot fix, with
// what they mean and what to do.
var permanentCodes = func() map[string]string {
	m := map[string]string{
		"channel_not_found":                        "the channel does not exist, or the bot cannot see it (a private channel it was not invited to); subscribe another channel",
		"not_in_channel":                           "the bot is not a member of the channel; invite it with /invite @briefbot",
		"is_archived":                              "the channel is archived",
		"channel_is_archived":                      "the channel is archived",
		"restricted_action":                        "the workspace does not let the bot post in this channel",
		"restricted_action_read_only_channel":      "the channel is read-only",
		"restricted_action_thread_only_channel":    "the channel takes replies in threads only",
		"restricted_action_non_threadable_channel": "the channel does not take this message",
		"team_access_not_granted":                  "the app is not installed in the workspace that holds the channel",
		"ekm_access_denied":                        "the workspace's administrators have suspended posting",
		"access_denied":                            "Slack denied the bot access to the channel",
		"messages_tab_disabled":                    "the app's Messages tab is turned off; enable it to post direct messages",
		"missing_scope":                            "the app lacks a permission; update it from deploy/slack-manifest.yaml and reinstall it",
		"no_permission":                            "the app lacks a permission; update it from deploy/slack-manifest.yaml and reinstall it",
	}
	for _, code := range []string{"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type"} {
		m[code] = "Slack rejected the bot token; reinstall the app or update SLACK_BOT_TOKEN"
	}
	// Refusals of the request itself: a bug in briefbot, which the same
	// request would meet again.
	for _, code := range []string{"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long", "no_text",
		"invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large", "metadata_must_be_sent_from_app",
		"invalid_arguments", "invalid_cursor", "invalid_ts_oldest", "invalid_ts_latest", "invalid_limit"} {
		m[code] = "Slack refused the request as malformed; please report this bug in briefbot"
	}
	return m
}()
