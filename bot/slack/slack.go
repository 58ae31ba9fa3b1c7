// Package slack is briefbot's Slack adapter. It receives slash commands,
// mentions, direct messages, button clicks and message shortcuts, either
// over Socket Mode (a websocket the bot opens, so no public URL is needed)
// or over HTTP (Slack posts signed requests to Handler), hands them to the
// platform-neutral bot, and answers in Block Kit.
//
// Slack wants every request acknowledged within 3 seconds, whatever the
// store is doing, so the adapter always acknowledges first and answers
// afterwards: slash commands, buttons and shortcuts through their
// response_url; mentions with chat.postMessage in a thread under the
// question, direct messages in the conversation (in the thread when the
// question was in one). The answers run on a bounded pool of workers with a timeout, and
// Run waits for them before it returns. When that pool is full, a question
// is turned away with a short "busy" note (over HTTP, a mention or direct
// message gets a 503 first, so that Slack delivers it again).
//
// Scheduled briefings are posted on the adapter's own initiative with
// PostKeyed (bot.Poster), which marks a briefing's first message with
// Slack message metadata so that FindKeyed can tell, after a crash, whether
// it was posted. Neither needs Run.
//
// Everything that came from an article is escaped before it reaches
// Slack (see Render and Escape): a quoted "<!channel>" never pings anyone.
// Tokens and the signing secret are never logged, and the adapter follows
// no redirect.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/internal/dedupe"
	"github.com/briefbot/briefbot/bot/internal/workpool"
	"github.com/briefbot/briefbot/config"
)

// Config configures an Adapter. Zero values pick the defaults.
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-...), used for the Web
	// API.
	BotToken config.Secret
	// AppToken is the app-level token (xapp-...) that opens Socket Mode
	// connections; only socket mode needs it.
	AppToken config.Secret
	// SigningSecret verifies the requests Slack posts to Handler; HTTP
	// mode needs it.
	SigningSecret config.Secret
	// Mode is "socket" (the default) or "http".
	Mode string
	// APIURL is the Slack Web API base URL, ending in "/"; empty means
	// Slack's. Tests point it at a fake.
	APIURL string
	// Log receives the adapter's logs; nil discards them.
	Log *slog.Logger
	// Workers bounds how many answers are worked on at once (default 16).
	Workers int
	// AnswerTimeout bounds the time spent computing one answer (default
	// 30 s). Delivering it, retries included, has its own bound.
	AnswerTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// HTTPClient posts to response URLs and calls the Web API (default: a
	// client with a 15 s timeout). The adapter uses a copy that never
	// follows redirects.
	HTTPClient *http.Client
}

// Defaults and bounds.
const (
	DefaultWorkers       = 16
	DefaultAnswerTimeout = 30 * time.Second
	// MaxBodyBytes bounds a request posted to Handler; Slack's are a few
	// KiB.
	MaxBodyBytes = 1 << 20
	// maxPendingPerWorker bounds the answers waiting for a worker: past
	// Workers*maxPendingPerWorker, new requests are turned away with a
	// "busy" answer instead of piling up goroutines.
	maxPendingPerWorker = 32
	// deliverTimeout bounds the delivery of one answer, retries included.
	deliverTimeout = 2 * time.Minute
	// shutdownGrace is how long Run waits for answers in progress after
	// its context is done, before cancelling them.
	shutdownGrace = 10 * time.Second
	// clickTTL is how long a click on a More button is remembered: a
	// second click on the same button within it (a double click) is
	// dropped.
	clickTTL = 10 * time.Second
	// maxBusyNotes bounds the "busy" notes being posted at once; past it, a
	// question the adapter has no room for gets only a log line.
	maxBusyNotes = 4
	// busyNoteTimeout bounds the posting of one "busy" note.
	busyNoteTimeout = 10 * time.Second
)

// webAPI lists the Slack Web API calls the adapter makes: its seam with
// slack-go.
type webAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slackapi.MsgOption) (string, string, error)
	AuthTestContext(ctx context.Context) (*slackapi.AuthTestResponse, error)
	GetConversationHistoryContext(ctx context.Context, params *slackapi.GetConversationHistoryParameters) (*slackapi.GetConversationHistoryResponse, error)
}

// Adapter connects a bot to Slack. It is safe for concurrent use; create
// it with New.
type Adapter struct {
	bot    *bot.Bot
	cfg    Config
	log    *slog.Logger
	client *slackapi.Client
	api    webAPI
	http   *http.Client
	seen   *dedupe.Set // Events API event_ids
	clicks *dedupe.Set // More clicks: channel, message and button value
	notes  chan struct{}
	// apiHost is the host of Config.APIURL, whose response URLs are
	// trusted besides Slack's own; empty when APIURL is.
	apiHost string

	pool *workpool.Pool // the answers in progress

	mu      sync.Mutex
	running bool
	botUser string // the bot's user ID, from auth.test
	botID   string // the bot's bot ID, from auth.test

	grace time.Duration // how long shutdown waits for answers in progress

	// Retry policy, one place for the Web API and response URLs.
	maxRetries    int
	maxRetryAfter time.Duration
	backoff       time.Duration
}

// New returns an adapter for b. It checks the configuration (token
// prefixes, the mode and what it needs) without touching the network.
func New(b *bot.Bot, cfg Config) (*Adapter, error) {
	if b == nil {
		return nil, errors.New("slack: no bot")
	}
	if cfg.Mode == "" {
		cfg.Mode = config.SlackModeSocket
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	// Never follow a redirect: a response_url is checked to lead to Slack
	// before the answer is posted, but a redirect would take the answer
	// elsewhere, and a 307 or 308 from the Web API would re-send a form
	// body holding the token. A redirect is answered as the error it is.
	hc := *cfg.HTTPClient
	hc.CheckRedirect = noRedirects
	cfg.HTTPClient = &hc
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	opts := []slackapi.Option{
		slackapi.OptionHTTPClient(cfg.HTTPClient),
		slackapi.OptionLog(discardLogger{}),
	}
	apiHost := ""
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, errors.New("slack: the API URL is not an http(s) URL")
		}
		apiHost = u.Host
		opts = append(opts, slackapi.OptionAPIURL(strings.TrimSuffix(cfg.APIURL, "/")+"/"))
	}
	if cfg.AppToken.IsSet() {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken.Reveal()))
	}
	client := slackapi.New(cfg.BotToken.Reveal(), opts...)
	log := cfg.Log.With("platform", "slack")
	return &Adapter{
		bot:           b,
		cfg:           cfg,
		log:           log,
		client:        client,
		api:           client,
		http:          cfg.HTTPClient,
		apiHost:       apiHost,
		seen:          dedupe.New(10_000, time.Hour, cfg.Now),
		clicks:        dedupe.New(10_000, clickTTL, cfg.Now),
		notes:         make(chan struct{}, maxBusyNotes),
		pool:          workpool.New("slack", cfg.Workers, cfg.Workers*maxPendingPerWorker, log),
		grace:         shutdownGrace,
		maxRetries:    3,
		maxRetryAfter: 30 * time.Second,
		backoff:       500 * time.Millisecond,
	}, nil
}

// noRedirects is the adapter's http.Client CheckRedirect: the redirect
// response is returned as it is, and not followed.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// checkConfig reports the first thing wrong with cfg, naming the setting
// and never its value.
func checkConfig(cfg Config) error {
	if !cfg.BotToken.IsSet() {
		return errors.New("slack: the bot token is missing; set SLACK_BOT_TOKEN (xoxb-...)")
	}
	if !strings.HasPrefix(cfg.BotToken.Reveal(), "xoxb-") {
		return errors.New(`slack: the bot token does not start with "xoxb-"; use the Bot User OAuth Token from the app's "OAuth & Permissions" page`)
	}
	switch cfg.Mode {
	case config.SlackModeSocket:
		if !cfg.AppToken.IsSet() {
			return errors.New("slack: socket mode needs the app-level token; set SLACK_APP_TOKEN (xapp-...) or use http mode")
		}
		if !strings.HasPrefix(cfg.AppToken.Reveal(), "xapp-") {
			return errors.New(`slack: the app token does not start with "xapp-"; create an app-level token with the connections:write scope on the app's "Basic Information" page`)
		}
	case config.SlackModeHTTP:
		if !cfg.SigningSecret.IsSet() {
			return errors.New("slack: http mode needs the signing secret; set SLACK_SIGNING_SECRET or use socket mode")
		}
	default:
		return fmt.Errorf("slack: unknown mode %q; use %q or %q", cfg.Mode, config.SlackModeSocket, config.SlackModeHTTP)
	}
	return nil
}

// Run connects to Slack and answers until ctx is done, then stops taking
// work, waits (with a deadline) for the answers in progress and returns
// nil. In socket mode it opens the websocket and lets slack-go reconnect
// when Slack asks or the connection dies; in http mode requests arrive
// through Handler, which the caller serves. Run returns an error at once
// when Slack rejects a token. Run may be called once.
func (a *Adapter) Run(ctx context.Context) error {
	a.mu.Lock()
	if a.running || a.pool.Closed() {
		a.mu.Unlock()
		return errors.New("slack: Run may be called only once")
	}
	a.running = true
	a.mu.Unlock()
	defer a.shutdown()

	if err := a.whoAmI(ctx); err != nil {
		return err
	}
	if a.cfg.Mode == config.SlackModeHTTP {
		a.log.Info("slack: serving HTTP requests", "paths", "/slack/commands /slack/events /slack/interactions")
		<-ctx.Done()
		return nil
	}
	return a.runSocket(ctx)
}

// whoAmI learns the bot's user ID with auth.test, so that the bot ignores
// its own messages and strips its own mention. A rejected token is fatal;
// any other failure is logged and the adapter carries on.
func (a *Adapter) whoAmI(ctx context.Context) error {
	var res *slackapi.AuthTestResponse
	err := a.retry(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		res, err = a.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		if code := slackError(err); isAuthError(code) {
			a.log.Error("slack: the bot token was rejected; reinstall the app or update the bot token", "error_code", code)
			return fmt.Errorf("slack: auth.test: the bot token was rejected (%s)", code)
		}
		if ctx.Err() != nil {
			return nil
		}
		a.log.Warn("slack: auth.test failed; carrying on without the bot's user ID", "err", err)
		return nil
	}
	a.mu.Lock()
	a.botUser, a.botID = res.UserID, res.BotID
	a.mu.Unlock()
	a.log.Info("slack: authenticated", "team", res.Team, "bot_user", res.UserID)
	return nil
}

func (a *Adapter) botUserID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.botUser
}

// shutdown stops taking work, waits up to the grace period for the
// answers in progress, then cancels what is left.
func (a *Adapter) shutdown() { a.pool.Shutdown(a.grace) }

// Wait blocks until no answer is in progress or ctx is done, and returns
// ctx's error in the latter case. Shutdown and tests use it.
func (a *Adapter) Wait(ctx context.Context) error { return a.pool.Wait(ctx) }

// reserve claims a place for one answer, or reports that the adapter is
// stopping or too busy. Every successful reserve is followed by start or
// release.
func (a *Adapter) reserve() bool {
	ok, _ := a.pool.Reserve()
	return ok
}

func (a *Adapter) release() { a.pool.Release() }

// start runs work on a worker once one is free. The context it gets ends
// when the adapter's shutdown gives up waiting; work bounds its own steps.
func (a *Adapter) start(name string, work func(ctx context.Context)) {
	a.pool.Start(name, nil, work)
}

// answer computes a reply within AnswerTimeout.
func (a *Adapter) answer(ctx context.Context, f func(ctx context.Context) bot.Reply) bot.Reply {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()
	return f(ctx)
}

// busyNote tells whoever asked a question the adapter has no room for to
// ask again later, in a message in the thread, without holding up the
// caller. At most maxBusyNotes are posted at once; past that, and once the
// adapter is stopping, it does nothing and reports false.
func (a *Adapter) busyNote(channel, thread string) bool {
	select {
	case a.notes <- struct{}{}:
	default:
		return false
	}
	if !a.pool.Hold() { // beyond maxPending: the notes are bounded on their own
		<-a.notes
		return false
	}
	a.pool.Detach("busy note", func(ctx context.Context) {
		defer func() { <-a.notes }()
		ctx, cancel := context.WithTimeout(ctx, busyNoteTimeout)
		defer cancel()
		a.post(ctx, channel, thread, bot.Reply{Text: busyText})
	})
	return true
}

// busyText is the ephemeral answer when too much work is queued.
const busyText = "briefbot is busy right now; try again in a minute."

// Response types for response_url answers.
const (
	inChannel = "in_channel"
	ephemeral = "ephemeral"
)

// command handles a slash command: it maps it to a bot message and starts
// the answer, to be posted to the command's response_url. It calls ack
// once, before the work starts, with busy set when the adapter has no room
// for the command (the ack then says so).
func (a *Adapter) command(cmd slackapi.SlashCommand, ack func(busy bool)) {
	text, public := commandText(cmd.Command, slackToPlain(cmd.Text))
	m := bot.Message{Platform: "slack", Channel: cmd.ChannelID, User: cmd.UserID, Text: text}
	if cmd.ResponseURL == "" {
		ack(false)
		a.log.Warn("slack: slash command without a response_url ignored", "command", cmd.Command, "channel", cmd.ChannelID)
		return
	}
	if !a.reserve() {
		ack(true)
		a.log.Warn("slack: too busy, command turned away", "command", cmd.Command, "channel", cmd.ChannelID)
		return
	}
	ack(false)
	a.start("command "+cmd.Command, func(ctx context.Context) {
		r := a.answer(ctx, func(ctx context.Context) bot.Reply { return a.bot.Handle(ctx, m) })
		rt := ephemeral
		if public(r) {
			rt = inChannel
		}
		a.respond(ctx, cmd.ResponseURL, rt, r, cmd.ChannelID, text)
	})
}

// botCommands are the bot's commands that "/briefbot NAME ..." runs.
var botCommands = map[string]bool{
	"timeline": true, "t": true, "more": true, "next": true, "latest": true, "new": true,
	"ingest": true, "sources": true, "brief": true, "help": true, "start": true,
}

// commandText turns a slash command into the text the bot reads, and says
// which replies are shown to the whole channel: timelines and the latest
// developments are; help, errors, ingest reports and anything else are
// shown to the user alone.
func commandText(command, text string) (string, func(bot.Reply) bool) {
	command = strings.ToLower(strings.TrimSpace(command))
	text = strings.TrimSpace(text)
	if command == "/briefbot" {
		word, rest := bot.CutCommand(text)
		word = strings.ToLower(strings.TrimPrefix(word, "/"))
		switch {
		case text == "":
			command, text = "/help", ""
		case botCommands[word]:
			command, text = "/"+word, rest
		default:
			// A question: "/briefbot what happened with prisoners?"
			return text, func(r bot.Reply) bool { return !r.Error && len(r.Items) > 0 }
		}
	}
	full := command
	if text != "" {
		full += " " + text
	}
	switch command {
	case "/timeline", "/t", "/more", "/next", "/latest", "/new":
		return full, func(r bot.Reply) bool { return !r.Error }
	}
	return full, func(bot.Reply) bool { return false }
}

// event is the part of an Events API envelope the adapter reads.
type event struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type        string `json:"type"`
		Subtype     string `json:"subtype"`
		User        string `json:"user"`
		BotID       string `json:"bot_id"`
		Text        string `json:"text"`
		TS          string `json:"ts"`
		ThreadTS    string `json:"thread_ts"`
		Channel     string `json:"channel"`
		ChannelType string `json:"channel_type"`
	} `json:"event"`
}

// onEvent handles an Events API callback: app_mention in channels and
// message.im in direct messages. It calls ack once, before the work
// starts, with busy set when the event is a question the adapter has no
// room for: such an event is not marked as seen, so that Slack's
// redelivery of it is answered. When noteBusy is set (Slack will not
// deliver the event again), the asker is told in the thread to try again
// instead (the note is on its way when ack is called), and ack gets busy
// false. Deliveries of an event_id seen before (Slack's retries) are acked
// and dropped.
func (a *Adapter) onEvent(e *event, noteBusy bool, ack func(busy bool)) {
	if e.Type != "event_callback" {
		ack(false)
		return
	}
	ev := e.Event
	switch {
	case ev.Type == "app_mention":
	case ev.Type == "message" && ev.ChannelType == "im":
	default:
		ack(false)
		return
	}
	// Messages from bots (this one included), edits, joins and the like
	// are not questions.
	if ev.Subtype != "" || ev.BotID != "" || ev.User == "" || ev.Channel == "" {
		ack(false)
		return
	}
	me := a.botUserID()
	if me != "" && ev.User == me {
		ack(false)
		return
	}
	if e.EventID != "" && a.seen.Has(e.EventID) {
		ack(false)
		a.log.Debug("slack: duplicate event dropped", "event_id", e.EventID)
		return
	}
	text := slackToPlain(stripMention(ev.Text, me))
	thread := ev.ThreadTS
	if thread == "" && ev.Type == "app_mention" {
		// In a channel, answer in a thread under the question. In a
		// direct message the answer follows the question, unless the
		// question was itself in a thread.
		thread = ev.TS
	}
	m := bot.Message{Platform: "slack", Channel: ev.Channel, User: ev.User, Text: text}
	if !a.reserve() {
		if !noteBusy {
			ack(true)
			a.log.Warn("slack: too busy, mention turned away for Slack to deliver again", "channel", ev.Channel)
			return
		}
		if e.EventID != "" {
			a.seen.Seen(e.EventID)
		}
		if a.busyNote(ev.Channel, thread) {
			a.log.Warn("slack: too busy, mention answered with a busy note", "channel", ev.Channel)
		} else {
			a.log.Warn("slack: too busy, mention dropped", "channel", ev.Channel)
		}
		ack(false)
		return
	}
	if e.EventID != "" && a.seen.Seen(e.EventID) {
		// Another delivery of it got here first.
		a.release()
		ack(false)
		a.log.Debug("slack: duplicate event dropped", "event_id", e.EventID)
		return
	}
	ack(false)
	a.start("mention", func(ctx context.Context) {
		r := a.answer(ctx, func(ctx context.Context) bot.Reply { return a.bot.Handle(ctx, m) })
		a.post(ctx, ev.Channel, thread, r)
	})
}

var leadingMention = regexp.MustCompile(`^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>[\s:,]*`)

// stripMention removes the bot's mention from a message: every mention of
// the bot when its ID is known, else the leading mention, whoever it names.
func stripMention(text, me string) string {
	if me == "" {
		return strings.TrimSpace(leadingMention.ReplaceAllString(text, ""))
	}
	re, err := regexp.Compile(`<@` + regexp.QuoteMeta(me) + `(\|[^>]*)?>[:,]?`)
	if err == nil {
		text = re.ReplaceAllString(text, "")
	}
	return strings.TrimSpace(text)
}

var slackMarkup = regexp.MustCompile(`<([^<>]*)>`)

// slackToPlain turns Slack's message markup back into the text a user
// typed: "<https://x|label>" becomes "label (https://x)", "<@U1>" "@U1",
// "<#C1|general>" "#general", and entities are decoded.
func slackToPlain(s string) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if hasLabel && label != "" {
				return target[:1] + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			if hasLabel && label != "" {
				return label
			}
			return "@" + strings.TrimPrefix(target, "!")
		case hasLabel && label != "" && label != target:
			if strings.TrimPrefix(strings.TrimPrefix(target, "mailto:"), "tel:") == label {
				return label
			}
			return label + " (" + target + ")"
		}
		return target
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// interaction is the part of an interaction payload (a button click or a
// message shortcut) the adapter reads. slack-go's InteractionCallback
// refuses a whole payload when one block element anywhere in it is of a
// type slack-go does not know, so the adapter decodes only these fields.
type interaction struct {
	Type    string `json:"type"`
	Actions []struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	} `json:"actions"`
	CallbackID string `json:"callback_id"`
	Channel    struct {
		ID string `json:"id"`
	} `json:"channel"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	Message struct {
		Text string `json:"text"`
		TS   string `json:"ts"`
	} `json:"message"`
	Container struct {
		ChannelID string `json:"channel_id"`
		MessageTS string `json:"message_ts"`
	} `json:"container"`
	ResponseURL string `json:"response_url"`
	TriggerID   string `json:"trigger_id"`
}

// Interaction types the adapter handles.
const (
	blockActions  = "block_actions"
	messageAction = "message_action"
)

// onInteraction handles a button click or a message shortcut. The caller
// has acknowledged it already.
func (a *Adapter) onInteraction(cb *interaction) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	switch cb.Type {
	case blockActions:
		for _, act := range cb.Actions {
			if act.ActionID != MoreActionID {
				continue
			}
			a.more(cb, channel, act.Value)
			return
		}
	case messageAction:
		if cb.CallbackID == IngestCallbackID {
			a.ingestShortcut(cb, channel)
		}
	}
}

// more answers a click on "More": the page the button names. A second
// click on the same button within clickTTL (a double click) is dropped.
func (a *Adapter) more(cb *interaction, channel, value string) {
	if cb.ResponseURL == "" {
		return
	}
	if !a.reserve() {
		a.log.Warn("slack: too busy, More click dropped", "channel", channel)
		return
	}
	if key := clickKey(cb, channel, value); key != "" && a.clicks.Seen(key) {
		a.release()
		a.log.Debug("slack: repeated More click dropped", "channel", channel)
		return
	}
	a.start("more", func(ctx context.Context) {
		ref, ok := decodeMore(value)
		var r bot.Reply
		if !ok {
			r = bot.Reply{Error: true, Text: "That button no longer works; ask again with /timeline."}
		} else {
			r = a.answer(ctx, func(ctx context.Context) bot.Reply { return a.bot.PageAt(ctx, channel, ref.Query, ref.Offset) })
		}
		rt := inChannel
		if r.Error {
			rt = ephemeral
		}
		a.respond(ctx, cb.ResponseURL, rt, r, channel, "")
	})
}

// clickKey names a click on a button: the channel, the message the button
// is on and the button's value; "" when the payload does not say which
// message it was.
func clickKey(cb *interaction, channel, value string) string {
	ts := cb.Message.TS
	if ts == "" {
		ts = cb.Container.MessageTS
	}
	if ts == "" {
		return ""
	}
	return channel + "\x00" + ts + "\x00" + value
}

// ingestShortcut adds the message a user picked "Add to timeline" on, and
// tells that user (alone) what was extracted.
func (a *Adapter) ingestShortcut(cb *interaction, channel string) {
	if cb.ResponseURL == "" {
		a.log.Warn("slack: message shortcut without a response_url ignored", "channel", channel)
		return
	}
	text := strings.TrimSpace(slackToPlain(cb.Message.Text))
	m := bot.Message{Platform: "slack", Channel: channel, User: cb.User.ID, Text: "/ingest " + text}
	if !a.reserve() {
		a.log.Warn("slack: too busy, shortcut dropped", "channel", channel)
		return
	}
	a.start("ingest", func(ctx context.Context) {
		var r bot.Reply
		if text == "" {
			r = bot.Reply{Error: true, Text: "That message has no text to add to the timeline."}
		} else {
			r = a.answer(ctx, func(ctx context.Context) bot.Reply { return a.bot.Handle(ctx, m) })
		}
		a.respond(ctx, cb.ResponseURL, ephemeral, r, channel, "")
	})
}

// discardLogger silences slack-go's own logger; the adapter logs through
// slog.
type discardLogger struct{}

func (discardLogger) Output(int, string) error { return nil }
