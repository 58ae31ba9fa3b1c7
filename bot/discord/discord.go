// Package discord is briefbot's Discord adapter. It keeps a gateway
// connection (through discordgo) to receive mentions, direct messages and
// interactions, registers the application commands /timeline, /latest,
// /brief and /ingest, hands what users ask to the platform-neutral bot,
// and answers with embeds.
//
// Discord wants every interaction answered within 3 seconds, whatever the
// store is doing, so the adapter first defers (interaction response type
// 5, or 6 for a button) and then works on a bounded pool of workers,
// editing the deferred response and sending follow-ups. Autocomplete is
// answered at once. Mentions are answered with a reply to the message.
//
// discordgo keeps the gateway connection (heartbeats, RESUME) and leaves
// several things to its caller, which the adapter does: a deadline around
// the gateway handshake; stopping, instead of reconnecting for ever, when
// Discord closes the gateway with a fatal code such as 4004 (bad token) or
// 4014 (disallowed intents), which discordgo does not look at (see
// connTracker); answering an event the gateway replays after a RESUME only
// once; and Discord's message limits. REST calls do not go through
// discordgo, whose rate limiter sleeps without a bound or a context and
// whose retries could post twice: see restClient and retryWait.
//
// Scheduled briefings are posted with PostKeyed (the adapter is a
// bot.Poster), over REST alone, whether Run was called or not: each
// message carries a nonce derived from the briefing's key with
// enforce_nonce, so a retry within Discord's few minutes posts nothing
// twice, and the first message's footer ends with a marker of the key,
// which FindKeyed looks for in the channel's history after a restart.
//
// Everything that came from an article is escaped (see Render and Escape),
// and every message, interaction response, follow-up and edit says
// allowed_mentions {"parse": []}, so a quoted "@everyone" pings nobody.
// The bot token and interaction tokens are never logged.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/internal/dedupe"
	"github.com/briefbot/briefbot/bot/internal/workpool"
	"github.com/briefbot/briefbot/config"
)

// Config configures an Adapter. Zero values pick the defaults.
type Config struct {
	// Token is the bot token from the application's Bot page.
	Token config.Secret
	// GuildID, when set, registers the commands in that server only
	// (instantly) instead of globally.
	GuildID string
	// ApplicationID is the application's ID; when empty it is taken from
	// the gateway's READY event.
	ApplicationID string
	// Log receives the adapter's logs; nil discards them.
	Log *slog.Logger
	// Workers bounds how many answers are worked on at once (default 16).
	Workers int
	// AnswerTimeout bounds the time spent computing one answer (default
	// 30 s). Delivering it, retries included, has its own bound.
	AnswerTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// HTTPClient makes the REST calls (default: a client with a 20 s
	// timeout). Tests route it to a fake.
	HTTPClient *http.Client
	// OpenTimeout bounds one gateway connection attempt, from the dial to
	// READY (default 30 s).
	OpenTimeout time.Duration
}

// Defaults and bounds.
const (
	DefaultWorkers       = 16
	DefaultAnswerTimeout = 30 * time.Second
	DefaultOpenTimeout   = 30 * time.Second
	// maxPendingPerWorker bounds the answers waiting for a worker: past
	// Workers*maxPendingPerWorker, commands are answered "busy" and
	// mentions dropped, instead of piling up goroutines.
	maxPendingPerWorker = 32
	// deliverTimeout bounds the delivery of one answer, retries included;
	// an interaction token lasts 15 minutes.
	deliverTimeout = 2 * time.Minute
	// ackTimeout bounds a deferral or an autocomplete answer: Discord
	// gives up on the interaction after 3 s.
	ackTimeout = 3 * time.Second
	// shutdownGrace is how long Run waits for answers in progress after
	// its context is done, before cancelling them.
	shutdownGrace = 10 * time.Second
	// maxRateLimitWait bounds how long an answer waits for a rate limit
	// (a 429's retry_after, or a route with no requests left); past it
	// the answer is given up rather than held.
	maxRateLimitWait = 30 * time.Second
	// maxReconnectWait bounds the wait between gateway connection
	// attempts.
	maxReconnectWait = time.Minute
	// interactionLife is how long an interaction token works: the edits
	// and follow-ups of a deferred answer must be made within it.
	interactionLife = 15 * time.Minute
	// maxInteractionAge: an interaction older than this when a worker
	// takes it up is dropped, since its answer could not be computed and
	// delivered before its token expires (see dropStale).
	maxInteractionAge = 14 * time.Minute
	// clickWindow is how long a click on a button is remembered, so that
	// a double click pages once (see component).
	clickWindow = 10 * time.Second
	// registerBackoff, maxRegisterWait and maxRegisterAttempts bound the
	// background retries of the command registration.
	registerBackoff     = 5 * time.Second
	maxRegisterWait     = 5 * time.Minute
	maxRegisterAttempts = 8
)

// discordEpoch is the first millisecond of 2015, from which Discord's
// snowflake IDs count time.
// https://discord.com/developers/docs/reference#snowflakes
const discordEpoch = 1420070400000

// snowflakeTime returns when the snowflake id was made, or false when id is
// not a snowflake.
func snowflakeTime(id string) (time.Time, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n>>22 == 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(n>>22) + discordEpoch), true
}

// Adapter connects a bot to Discord. It is safe for concurrent use; create
// it with New.
type Adapter struct {
	bot    *bot.Bot
	cfg    Config
	log    *slog.Logger
	sess   *discordgo.Session
	rest   *restClient
	conns  *connTracker
	seen   *dedupe.Set
	clicks *dedupe.Set // message ID and custom_id of recent button clicks
	cands  []suggestion

	pool *workpool.Pool // the answers in progress
	busy chan struct{}  // bounds the "busy" answers in flight

	// disconnected receives a signal when discordgo reports the gateway
	// connection lost.
	disconnected chan struct{}

	mu       sync.Mutex
	running  bool
	botUser  string        // the bot's user ID, from READY
	appID    string        // the application's ID: Config, else READY
	ready    chan struct{} // closed by the next READY or RESUMED
	gotReady bool

	grace time.Duration // how long shutdown waits for answers in progress

	// Retry policy, one place for every REST call.
	maxRetries    int
	maxRetryAfter time.Duration
	backoff       time.Duration
	// regBackoff is the first wait between registration attempts (see
	// registerCommands).
	regBackoff time.Duration
}

// New returns an adapter for b. It checks the configuration without
// touching the network.
func New(b *bot.Bot, cfg Config) (*Adapter, error) {
	if b == nil {
		return nil, errors.New("discord: no bot")
	}
	token := strings.TrimSpace(strings.TrimPrefix(cfg.Token.Reveal(), "Bot "))
	if token == "" {
		return nil, errors.New("discord: the bot token is missing; set DISCORD_BOT_TOKEN (the token from the Bot page of the application in the Developer Portal)")
	}
	if strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, errors.New("discord: the bot token contains blanks or control characters; copy it again from the Developer Portal")
	}
	for name, id := range map[string]string{"guild ID": cfg.GuildID, "application ID": cfg.ApplicationID} {
		if id != "" && strings.Trim(id, "0123456789") != "" {
			return nil, fmt.Errorf("discord: the %s %q is not a Discord ID (a number such as 1234567890123456789)", name, id)
		}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	if cfg.OpenTimeout <= 0 {
		cfg.OpenTimeout = DefaultOpenTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}

	sess, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, errors.New("discord: cannot create the session")
	}
	conns := &connTracker{proxy: http.ProxyFromEnvironment}
	sess.Client = cfg.HTTPClient
	sess.Dialer = conns.websocketDialer(cfg.OpenTimeout)
	// discordgo's own logging goes to the standard logger and, at debug
	// level, prints the IDENTIFY payload with the token: silence it and
	// log through slog here.
	sess.LogLevel = -1
	// The adapter reconnects itself, so that it can stop on fatal close
	// codes. Its REST calls go through restClient; discordgo makes only
	// the GET /gateway of Open, which must not retry without a bound.
	sess.ShouldReconnectOnError = false
	sess.ShouldRetryOnRateLimit = false
	sess.MaxRestRetries = 0
	// Handlers run on the gateway's reading goroutine and only queue
	// work, so READY is handled before Open returns and the adapter
	// bounds its goroutines itself.
	sess.SyncEvents = true
	// Nothing reads discordgo's state cache; READY's user is kept here.
	sess.StateEnabled = false
	// Guild and direct messages; no privileged intent: bots receive the
	// content of messages that mention them and of direct messages.
	sess.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

	log := cfg.Log.With("platform", "discord")
	a := &Adapter{
		bot:           b,
		cfg:           cfg,
		log:           log,
		sess:          sess,
		rest:          newRESTClient(cfg.HTTPClient, token, maxRateLimitWait),
		conns:         conns,
		seen:          dedupe.New(10_000, time.Hour, cfg.Now),
		clicks:        dedupe.New(10_000, clickWindow, cfg.Now),
		cands:         suggestions(),
		pool:          workpool.New("discord", cfg.Workers, cfg.Workers*maxPendingPerWorker, log),
		busy:          make(chan struct{}, cfg.Workers),
		disconnected:  make(chan struct{}, 1),
		appID:         cfg.ApplicationID,
		ready:         make(chan struct{}),
		grace:         shutdownGrace,
		maxRetries:    3,
		maxRetryAfter: maxRateLimitWait,
		backoff:       500 * time.Millisecond,
		regBackoff:    registerBackoff,
	}
	sess.AddHandler(a.onReady)
	sess.AddHandler(a.onResumed)
	sess.AddHandler(a.onDisconnect)
	sess.AddHandler(a.onMessage)
	sess.AddHandler(a.onInteraction)
	return a, nil
}

// Run connects to the gateway, registers the commands and answers until
// ctx is done; then it closes the connection, stops taking work, waits
// (with a deadline) for the answers in progress and returns nil. When the
// connection drops it reconnects (resuming the session), waiting longer
// between failed attempts. It returns an error at once, without
// retrying, when Discord closes the gateway with a fatal code: a
// *FatalCloseError, such as 4004 for a rejected token, and when the
// environment names a proxy the gateway connection cannot use. Run may be
// called once.
func (a *Adapter) Run(ctx context.Context) error {
	a.mu.Lock()
	if a.running || a.pool.Closed() {
		a.mu.Unlock()
		return errors.New("discord: Run may be called only once")
	}
	a.running = true
	a.mu.Unlock()
	defer a.shutdown()
	defer a.closeGateway()

	if err := a.conns.checkProxy(gatewayHost); err != nil {
		a.log.Error("discord: cannot connect to the gateway; stopping", "err", err)
		return err
	}
	if err := a.connect(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	// The registration retries in the background, and ends before Run
	// returns.
	regCtx, stopRegistering := context.WithCancel(ctx)
	var registering sync.WaitGroup
	defer func() {
		stopRegistering()
		registering.Wait()
	}()
	registering.Add(1)
	go func() {
		defer registering.Done()
		a.registerCommands(regCtx)
	}()
	return a.supervise(ctx)
}

// supervise reconnects when the connection drops, until ctx is done or
// Discord closes the gateway with a fatal code.
func (a *Adapter) supervise(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-a.disconnected:
		}
		if ctx.Err() != nil {
			return nil
		}
		code := a.conns.lastCloseCode()
		if err := fatalClose(code); err != nil {
			a.log.Error("discord: the gateway closed for good; stopping", "close_code", code, "err", err)
			return err
		}
		a.log.Info("discord: gateway connection lost; reconnecting", "close_code", code)
		if err := a.connect(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// connect opens the gateway, retrying with a growing wait until it works,
// Discord closes with a fatal code, or ctx is done.
func (a *Adapter) connect(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := a.open(ctx)
		if err == nil {
			return nil
		}
		var fe *FatalCloseError
		if errors.As(err, &fe) {
			a.log.Error("discord: the gateway refused the connection; stopping", "close_code", fe.Code, "err", err)
			return err
		}
		var pe *ProxyError
		if errors.As(err, &pe) {
			a.log.Error("discord: cannot connect to the gateway; stopping", "err", pe)
			return pe
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := min(time.Second<<min(attempt, 10), maxReconnectWait)
		a.log.Warn("discord: cannot connect to the gateway; retrying", "attempt", attempt+1, "wait", wait, "err", a.redact(err))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// errOpenTimeout is an attempt that got no READY within OpenTimeout.
var errOpenTimeout = errors.New("no READY from the gateway in time")

// open makes one connection attempt, bounded by OpenTimeout: discordgo's
// Open blocks until Discord says HELLO and READY (or RESUMED), for ever if
// they never come. When the time is up, the connection under it is
// closed, which ends Open.
func (a *Adapter) open(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.OpenTimeout)
	defer cancel()
	// A signal left by the connection that is being replaced is stale.
	select {
	case <-a.disconnected:
	default:
	}
	a.conns.forget()
	a.mu.Lock()
	if a.gotReady {
		a.ready = make(chan struct{})
		a.gotReady = false
	}
	ready := a.ready
	a.mu.Unlock()

	done := make(chan error, 1)
	go func() { done <- a.sess.Open() }()
	select {
	case err := <-done:
		if errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return nil // connected already: nothing to do
		}
		if err != nil {
			code := gatewayCloseCode(err)
			if code == 0 {
				code = a.conns.lastCloseCode()
			}
			if fe := fatalClose(code); fe != nil {
				return fe
			}
			if code != 0 {
				return fmt.Errorf("discord: gateway closed with code %d: %w", code, err)
			}
			return fmt.Errorf("discord: gateway: %w", err)
		}
	case <-ctx.Done():
		a.conns.abort()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			a.log.Warn("discord: the gateway handshake did not stop after its connection was closed")
		}
		return fmt.Errorf("discord: %w (%v)", errOpenTimeout, a.cfg.OpenTimeout)
	}
	// Open returns after the first event following IDENTIFY or RESUME,
	// which is normally READY or RESUMED; wait for it if it was not.
	select {
	case <-ready:
		return nil
	case <-a.disconnected:
		code := a.conns.lastCloseCode()
		if fe := fatalClose(code); fe != nil {
			return fe
		}
		return fmt.Errorf("discord: the gateway closed the connection (code %d) before READY", code)
	case <-ctx.Done():
		code := a.conns.lastCloseCode()
		if fe := fatalClose(code); fe != nil {
			return fe
		}
		a.closeGateway()
		return fmt.Errorf("discord: %w (%v)", errOpenTimeout, a.cfg.OpenTimeout)
	}
}

// closeGateway closes the gateway connection (discordgo sends a close
// frame and waits a second).
func (a *Adapter) closeGateway() {
	if err := a.sess.Close(); err != nil {
		a.log.Debug("discord: closing the gateway", "err", a.redact(err))
	}
}

// onReady keeps the bot's user ID and the application ID.
func (a *Adapter) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	a.mu.Lock()
	if r.User != nil {
		a.botUser = r.User.ID
	}
	if a.appID == "" && r.Application != nil {
		a.appID = r.Application.ID
	}
	user := a.botUser
	a.markReady()
	a.mu.Unlock()
	a.log.Info("discord: connected", "bot_user", user, "guilds", len(r.Guilds))
}

func (a *Adapter) onResumed(_ *discordgo.Session, _ *discordgo.Resumed) {
	a.mu.Lock()
	a.markReady()
	a.mu.Unlock()
	a.log.Info("discord: session resumed")
}

// markReady signals the pending connection attempt. a.mu is held.
func (a *Adapter) markReady() {
	if !a.gotReady {
		a.gotReady = true
		close(a.ready)
	}
}

func (a *Adapter) onDisconnect(_ *discordgo.Session, _ *discordgo.Disconnect) {
	select {
	case a.disconnected <- struct{}{}:
	default:
	}
}

func (a *Adapter) botUserID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.botUser
}

// applicationID returns the application's ID: the configured one, else
// READY's, else the bot user's (the same for every application created
// since 2019).
func (a *Adapter) applicationID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.appID != "" {
		return a.appID
	}
	return a.botUser
}

// registerCommands overwrites the application's commands with Commands():
// in the configured guild, else globally (global commands can take up to
// an hour to appear). Mentions work without commands, so a failure does
// not stop the adapter: a 5xx, a 429 or a network error is retried, with
// a growing wait, at most maxRegisterAttempts times or until ctx is done;
// anything else (a rejected token, a missing scope) is logged at once.
func (a *Adapter) registerCommands(ctx context.Context) {
	appID := a.applicationID()
	if appID == "" {
		a.log.Error("discord: the application ID is unknown; commands not registered (set discord.application_id)")
		return
	}
	endpoint, scope := discordgo.EndpointApplicationGlobalCommands(appID), "global"
	if a.cfg.GuildID != "" {
		endpoint, scope = discordgo.EndpointApplicationGuildCommands(appID, a.cfg.GuildID), "guild"
	}
	wait := a.regBackoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, deliverTimeout)
		err := a.do(actx, request{what: "register commands", method: http.MethodPut, url: endpoint, body: commandsJSON(Commands())})
		cancel()
		if err == nil {
			a.log.Info("discord: commands registered", "scope", scope, "guild", a.cfg.GuildID, "commands", len(Commands()), "attempt", attempt)
			return
		}
		if ctx.Err() != nil {
			return // Run is ending
		}
		var e *apiError
		if errors.As(err, &e) && (e.Status == http.StatusForbidden || e.Code == 50001) {
			a.log.Error("discord: cannot register the commands: invite the bot with the applications.commands scope (briefbot discord invite-url)", "scope", scope, "guild", a.cfg.GuildID, "status", e.Status, "error_code", e.Code)
			return
		}
		retry := errors.As(err, &e) && (e.Status == 0 || e.Status >= 500 || e.Status == http.StatusTooManyRequests)
		if !retry {
			a.logDeliveryError(err, "")
			return
		}
		if attempt >= maxRegisterAttempts {
			a.log.Error("discord: cannot register the commands; giving up (mentions still work; restart to try again)", "scope", scope, "attempts", attempt, "err", a.redact(err))
			return
		}
		if e.RetryAfter > wait {
			wait = e.RetryAfter
		}
		a.log.Warn("discord: cannot register the commands; retrying in the background", "scope", scope, "attempt", attempt, "wait", wait, "err", a.redact(err))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		wait = min(wait*2, maxRegisterWait)
	}
}

// shutdown stops taking work, waits up to the grace period for the
// answers in progress, then cancels what is left.
func (a *Adapter) shutdown() { a.pool.Shutdown(a.grace) }

// Wait blocks until no answer is in progress or ctx is done, and returns
// ctx's error in the latter case. Shutdown and tests use it.
func (a *Adapter) Wait(ctx context.Context) error { return a.pool.Wait(ctx) }

// reserve claims a place for one answer. It fails when the adapter is
// stopping (stopping is true) or has too much queued. Every successful
// reserve is followed by start or a detached task.
func (a *Adapter) reserve() (ok, stopping bool) { return a.pool.Reserve() }

// start runs an answer in its own goroutine: first (when set) at once,
// such as the deferral Discord wants within 3 s, then, once a worker is
// free, work. The answer is abandoned when first returns false. The
// context both get ends when the adapter's shutdown gives up waiting.
func (a *Adapter) start(name string, first func(ctx context.Context) bool, work func(ctx context.Context)) {
	a.pool.Start(name, first, work)
}

// answer computes a reply within AnswerTimeout.
func (a *Adapter) answer(ctx context.Context, f func(ctx context.Context) bot.Reply) bot.Reply {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()
	return f(ctx)
}

// busyText is the private answer to a command when too much work is
// queued.
const busyText = "briefbot is busy right now; try again in a minute."

// onMessage answers a message that mentions the bot, or any direct
// message, with a reply to it.
func (a *Adapter) onMessage(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.System || m.ID == "" || m.ChannelID == "" {
		return
	}
	me := a.botUserID()
	if me != "" && m.Author.ID == me {
		return
	}
	// Joins, pins, thread starts and the like are not questions.
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	direct := m.GuildID == ""
	if !direct && !mentionsBot(m, me) {
		return
	}
	if a.seen.Seen("message:" + m.ID) {
		a.log.Debug("discord: message seen before (gateway replay); not answered again", "message", m.ID)
		return
	}
	msg := bot.Message{Platform: "discord", Channel: m.ChannelID, User: m.Author.ID, Text: mentionText(m.Content, me)}
	var ref *discordgo.MessageReference
	if !direct {
		no := false
		ref = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &no}
	}
	if ok, stopping := a.reserve(); !ok {
		if !stopping {
			a.log.Warn("discord: too busy, mention dropped", "channel", m.ChannelID)
		}
		return
	}
	a.start("mention", nil, func(ctx context.Context) {
		r := a.answer(ctx, func(ctx context.Context) bot.Reply { return a.bot.Handle(ctx, msg) })
		ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
		defer cancel()
		if err := a.send(ctx, m.ChannelID, ref, r); err != nil {
			a.logDeliveryError(err, m.ChannelID)
		}
	})
}

// mentionsBot reports whether a guild message mentions the bot.
func mentionsBot(m *discordgo.Message, me string) bool {
	if me == "" {
		return leadingMention.MatchString(m.Content)
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == me {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+me+">") || strings.Contains(m.Content, "<@!"+me+">")
}

// onInteraction answers an application command, an autocomplete request
// or a click on a "More" button.
func (a *Adapter) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	if i == nil || i.ID == "" || i.Token == "" {
		return
	}
	if a.seen.Seen("interaction:" + i.ID) {
		a.log.Debug("discord: interaction seen before (gateway replay); not answered again", "interaction", i.ID)
		return
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		a.autocomplete(i)
	case discordgo.InteractionApplicationCommand:
		a.command(i)
	case discordgo.InteractionMessageComponent:
		a.component(i)
	}
}

// userID returns who caused an interaction: the member in a server, the
// user in a direct message.
func userID(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// command defers the answer to an application command at once, then
// computes it and edits the deferred response with it (and sends
// follow-ups when it takes several messages).
func (a *Adapter) command(i *discordgo.Interaction) {
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return
	}
	text, ephemeral := commandText(data)
	msg := bot.Message{Platform: "discord", Channel: i.ChannelID, User: userID(i), Text: text}
	if ok, stopping := a.reserve(); !ok {
		if !stopping {
			a.log.Warn("discord: too busy, command turned away", "command", data.Name, "channel", i.ChannelID)
			a.turnAway(i)
		}
		return
	}
	a.start("command /"+data.Name, func(ctx context.Context) bool {
		return a.deferResponse(ctx, i, discordgo.InteractionResponseDeferredChannelMessageWithSource, ephemeral)
	}, func(ctx context.Context) {
		if a.dropStale(ctx, i, true) {
			return
		}
		r := a.answer(ctx, func(ctx context.Context) bot.Reply { return a.bot.Handle(ctx, msg) })
		ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
		defer cancel()
		if err := a.respond(ctx, i, r, true, ephemeral); err != nil {
			a.logDeliveryError(err, i.ChannelID)
		}
	})
}

// component answers a click on "More": a deferred update at once, then
// the page the button names as a follow-up. A second click on the same
// button of the same message within clickWindow (a double click, or two
// people at once) is only acknowledged: the page it asks for is being
// posted already, for everyone in the channel to see.
func (a *Adapter) component(i *discordgo.Interaction) {
	data, ok := i.Data.(discordgo.MessageComponentInteractionData)
	if !ok || !strings.HasPrefix(data.CustomID, MorePrefix) {
		return
	}
	if i.Message != nil && i.Message.ID != "" && a.clicks.Seen("click:"+i.Message.ID+":"+data.CustomID) {
		a.log.Debug("discord: the same button was clicked again; acknowledged only", "interaction", i.ID, "message", i.Message.ID)
		a.quickAnswer(i, "acknowledge repeated click", callbackBody{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		return
	}
	if ok, stopping := a.reserve(); !ok {
		if !stopping {
			a.log.Warn("discord: too busy, More click turned away", "channel", i.ChannelID)
			a.turnAway(i)
		}
		return
	}
	a.start("more", func(ctx context.Context) bool {
		return a.deferResponse(ctx, i, discordgo.InteractionResponseDeferredMessageUpdate, false)
	}, func(ctx context.Context) {
		if a.dropStale(ctx, i, false) {
			return
		}
		ref, ok := DecodeMore(data.CustomID)
		var r bot.Reply
		if ok {
			r = a.answer(ctx, func(ctx context.Context) bot.Reply { return a.bot.PageAt(ctx, i.ChannelID, ref.Query, ref.Offset) })
		} else {
			r = bot.Reply{Error: true, Text: "That button no longer works; ask again with /timeline."}
		}
		ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
		defer cancel()
		if err := a.respond(ctx, i, r, false, r.Error); err != nil {
			a.logDeliveryError(err, i.ChannelID)
		}
	})
}

// autocomplete answers the choices for the /timeline query at once.
func (a *Adapter) autocomplete(i *discordgo.Interaction) {
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return
	}
	if ok, _ := a.reserve(); !ok {
		return // suggestions are a nicety; the user can still type
	}
	a.pool.Detach("autocomplete", func(ctx context.Context) {
		choices := []*discordgo.ApplicationCommandOptionChoice{}
		if data.Name == "timeline" {
			for _, o := range data.Options {
				if o != nil && o.Focused && o.Name == "query" {
					typed, _ := o.Value.(string)
					choices = complete(a.cands, typed)
				}
			}
		}
		ctx, cancel := context.WithTimeout(ctx, ackTimeout)
		defer cancel()
		body := callbackBody{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: autocompleteData{Choices: choices}}
		if err := a.callback(ctx, i, "autocomplete", body); err != nil {
			a.logDeliveryError(err, i.ChannelID)
		}
	})
}

// turnAway tells the user, alone, that the bot is too busy.
func (a *Adapter) turnAway(i *discordgo.Interaction) {
	m := Render(bot.Reply{Error: true, Text: busyText})[0]
	a.quickAnswer(i, "busy answer", callbackBody{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: messageBody{
		Embeds: m.Embeds, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsEphemeral,
	}})
}

// quickAnswer answers an interaction at once with body, outside the queue:
// a busy answer or the acknowledgement of a repeated click. These answers
// are bounded too (past the bound the interaction is left to time out) and
// count as work in progress, so that none outlives Run.
func (a *Adapter) quickAnswer(i *discordgo.Interaction, what string, body callbackBody) {
	select {
	case a.busy <- struct{}{}:
	default:
		return
	}
	if !a.pool.Hold() {
		<-a.busy
		return
	}
	a.pool.Detach(what, func(ctx context.Context) {
		defer func() { <-a.busy }()
		ctx, cancel := context.WithTimeout(ctx, ackTimeout)
		defer cancel()
		if err := a.callback(ctx, i, what, body); err != nil {
			a.logDeliveryError(err, i.ChannelID)
		}
	})
}

// tooLongText is the last answer to an interaction dropped by dropStale.
const tooLongText = "Sorry, this took too long: the bot was too busy to answer in time. Ask again."

// dropStale drops an interaction whose token could expire before its
// answer is delivered: one older than maxInteractionAge (counted from its
// snowflake ID) when a worker takes it up. It logs one line and, while the
// token still works, says so: in the deferred response (editOriginal, for
// a command) or in a private follow-up (for a button, whose original
// response is the message with the button). It reports whether
// the interaction was dropped. The age is read against the host's clock,
// which must be roughly right (as TLS needs it to be anyway).
func (a *Adapter) dropStale(ctx context.Context, i *discordgo.Interaction, editOriginal bool) bool {
	created, ok := snowflakeTime(i.ID)
	if !ok {
		return false
	}
	age := a.cfg.Now().Sub(created)
	if age < maxInteractionAge {
		return false
	}
	told := false
	if left := interactionLife - age; left > time.Second {
		ctx, cancel := context.WithTimeout(ctx, min(left, deliverTimeout))
		defer cancel()
		told = a.respond(ctx, i, bot.Reply{Error: true, Text: tooLongText}, editOriginal, true) == nil
	}
	a.log.Warn("discord: the interaction waited too long for a worker; dropped", "interaction", i.ID, "channel", i.ChannelID, "age", age.Round(time.Second), "user_told", told)
	return true
}

// Post posts a reply in a channel, in as many messages as Render makes:
// what briefings use. It returns the first error, after which nothing
// more is posted.
func (a *Adapter) Post(ctx context.Context, channelID string, r bot.Reply) error {
	if err := checkChannel(channelID); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	return a.send(ctx, channelID, nil, r)
}
