// Package config holds briefbot's settings as plain data and checks them.
//
// The life cycle has three steps:
//
//  1. Default returns a Config with every field set to its default, which
//     validates on its own: a SQLite store at briefbot.db, the demo timeline,
//     the console adapter, UTC, info-level text logs and no HTTP, Slack or
//     Discord.
//  2. Load starts from Default, then applies, in order: a YAML file (decoded
//     strictly, so an unknown or misspelt key is an error naming the key and
//     its line), environment variables (BRIEFBOT_*, plus the platform
//     standard SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET and
//     DISCORD_BOT_TOKEN), and finally the *_file secret variants, whose files
//     are read and stripped of their trailing newline. Later sources win.
//  3. Validate checks the result and reports every problem at once in a
//     *ValidationError, each problem naming the YAML field path and how to
//     fix it. Load calls Validate, so a Config returned by Load without an
//     error is ready to use.
//
// The package has no global state and no init side effects: the environment
// is passed to Load as a function, typically os.Getenv.
//
// Credentials are held in the Secret type, which never prints its value
// through fmt, encoding/json, YAML or log/slog; Redacted renders the
// effective configuration safely for display.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Config is the complete briefbot configuration. The zero value is not
// useful; start from Default or Load.
type Config struct {
	// Store is where the timeline is kept: a SQLite file path such as
	// "briefbot.db", or "sqlite:PATH". PostgreSQL ("postgres://...") is
	// reserved for later and rejected by Validate for now.
	Store string `yaml:"store" json:"store"`
	// Demo loads the embedded demo timeline into an empty store.
	Demo bool `yaml:"demo" json:"demo"`
	// Console runs the console adapter on standard input and output.
	Console bool `yaml:"console" json:"console"`
	// Timezone is the IANA time zone used to interpret dates given without
	// a zone and to render times, such as "UTC" or "Europe/Berlin".
	Timezone string `yaml:"timezone" json:"timezone"`
	// Log configures logging.
	Log Log `yaml:"log" json:"log"`
	// HTTP configures the HTTP listener.
	HTTP HTTP `yaml:"http" json:"http"`
	// Slack configures the Slack adapter, which is enabled when any Slack
	// token is set.
	Slack Slack `yaml:"slack" json:"slack"`
	// Discord configures the Discord adapter, which is enabled when its
	// token is set.
	Discord Discord `yaml:"discord" json:"discord"`
	// PageSize is the number of developments shown per answer, 1 to 50.
	PageSize int `yaml:"page_size" json:"page_size"`
	// Briefings configures scheduled briefings.
	Briefings Briefings `yaml:"briefings" json:"briefings"`
	// Summarizer configures the optional abstractive summary of briefings.
	Summarizer Summarizer `yaml:"summarizer" json:"summarizer"`
	// Feeds configures the feeds the bot follows.
	Feeds Feeds `yaml:"feeds" json:"feeds"`
}

// Feeds configures feed polling. Feeds added in chat (/sources add) or with
// "briefbot sources add" live in the store; those listed here are added at
// every start and removed when removed from this list.
type Feeds struct {
	// Interval is the default time between polls of a feed, such as "10m".
	Interval string `yaml:"interval" json:"interval"`
	// AllowPrivate lets feeds reach loopback, private and link-local
	// addresses (an intranet feed). Off, such URLs are refused, also
	// through redirects and DNS answers.
	AllowPrivate bool `yaml:"allow_private" json:"allow_private"`
	// UserAgent replaces the default User-Agent of feed requests.
	UserAgent string `yaml:"user_agent" json:"user_agent"`
	// Sources are the operator's feeds.
	Sources []FeedSource `yaml:"sources" json:"sources"`
}

// FeedSource is one operator-defined feed.
type FeedSource struct {
	// URL is the feed's own address (RSS, Atom or JSON Feed). A feed
	// listed here is added at start-up as given, without a fetch; to
	// change its settings, remove the entry, start the bot, and add it
	// back (or use /sources).
	URL string `yaml:"url" json:"url"`
	// Title names the feed; the feed's own title when empty.
	Title string `yaml:"title" json:"title"`
	// Topic tags the feed's developments, such as "ceasefire".
	Topic string `yaml:"topic" json:"topic"`
	// Interval overrides feeds.interval for this feed.
	Interval string `yaml:"interval" json:"interval"`
	// FullText fetches an item's page when the feed carries only a
	// summary, and keeps the page's main text.
	FullText bool `yaml:"full_text" json:"full_text"`
}

// PollInterval returns a feed interval setting as a duration; empty means
// def.
func PollInterval(s string, def time.Duration) (time.Duration, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < time.Minute || d > 7*24*time.Hour {
		return 0, fmt.Errorf("%q is not an interval from a minute to a week; write it like 10m or 1h", s)
	}
	return d, nil
}

// Briefings configures scheduled briefings. Subscriptions made in chat or
// with "briefbot brief subscribe" live in the store; those listed here are
// kept in step with this file at every start.
type Briefings struct {
	// Admin is the channel told when a subscription is disabled after a
	// permanent delivery failure, as "slack:C0123" or "discord:1234";
	// empty logs only.
	Admin string `yaml:"admin" json:"admin"`
	// Subscriptions set up by the operator.
	Subscriptions []BriefingSubscription `yaml:"subscriptions" json:"subscriptions"`
}

// BriefingSubscription is one operator-defined briefing subscription.
type BriefingSubscription struct {
	// Name identifies the subscription across restarts: letters, digits,
	// "-" and "_".
	Name string `yaml:"name" json:"name"`
	// Channel is where briefings go, as "slack:C0123" or "discord:1234".
	Channel string `yaml:"channel" json:"channel"`
	// Query selects developments as /timeline does; empty for all.
	Query string `yaml:"query" json:"query"`
	// Schedule is when briefings come, as /brief subscribe takes it:
	// "at 07:30 tz Europe/Kyiv weekdays" or a cron spec.
	Schedule string `yaml:"schedule" json:"schedule"`
	// Quiet posts nothing when nothing is new.
	Quiet bool `yaml:"quiet" json:"quiet"`
}

// Summarizer configures the optional abstractive summary of briefings
// through an OpenAI-compatible chat completions endpoint. It is off while
// BaseURL is empty; every sentence it writes is checked against the
// briefing's events, and the extractive summary is used otherwise.
type Summarizer struct {
	// BaseURL is the API base, such as "https://api.openai.com/v1" or a
	// local server's "http://127.0.0.1:8080/v1".
	BaseURL string `yaml:"base_url" json:"base_url"`
	// Model is the model name the endpoint expects.
	Model string `yaml:"model" json:"model"`
	// APIKey is sent as a bearer token; local servers may need none.
	APIKey Secret `yaml:"api_key" json:"api_key"`
	// APIKeyFile names a file holding APIKey.
	APIKeyFile string `yaml:"api_key_file" json:"api_key_file"`
}

// ParseChannel splits "slack:C0123" into platform and channel ID.
func ParseChannel(s string) (platform, channel string, err error) {
	platform, channel, ok := strings.Cut(strings.TrimSpace(s), ":")
	platform = strings.ToLower(platform)
	switch {
	case !ok || channel == "":
		return "", "", fmt.Errorf("%q is not a channel; write it as slack:C0123 or discord:1234567890", s)
	case platform != "slack" && platform != "discord" && platform != "console":
		return "", "", fmt.Errorf("%q names no known platform; use slack, discord or console before the colon", s)
	case strings.ContainsFunc(channel, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", "", fmt.Errorf("%q is not a channel ID (it contains spaces)", s)
	case platform == "discord" && strings.Trim(channel, "0123456789") != "":
		return "", "", fmt.Errorf("%q is not a Discord channel ID; IDs are numbers", s)
	}
	return platform, channel, nil
}

// Log configures logging.
type Log struct {
	// Level is the minimum level logged: debug, info, warn or error.
	Level string `yaml:"level" json:"level"`
	// Format is the log line format: text or json.
	Format string `yaml:"format" json:"format"`
}

// HTTP configures the HTTP listener.
type HTTP struct {
	// Listen is the host:port to listen on, such as ":8080" or
	// "127.0.0.1:8080". Empty turns the listener off.
	Listen string `yaml:"listen" json:"listen"`
}

// Slack configures the Slack adapter. Each secret may instead be read from
// a file named by its *File field; Load resolves those files and keeps the
// path for display.
type Slack struct {
	// BotToken is the bot user OAuth token; it starts with "xoxb-".
	BotToken Secret `yaml:"bot_token" json:"bot_token"`
	// BotTokenFile names a file holding BotToken.
	BotTokenFile string `yaml:"bot_token_file" json:"bot_token_file"`
	// AppToken is the app-level token used by Socket Mode; it starts with
	// "xapp-".
	AppToken Secret `yaml:"app_token" json:"app_token"`
	// AppTokenFile names a file holding AppToken.
	AppTokenFile string `yaml:"app_token_file" json:"app_token_file"`
	// SigningSecret verifies requests Slack sends in HTTP mode.
	SigningSecret Secret `yaml:"signing_secret" json:"signing_secret"`
	// SigningSecretFile names a file holding SigningSecret.
	SigningSecretFile string `yaml:"signing_secret_file" json:"signing_secret_file"`
	// Mode is how events arrive: "socket" (Socket Mode, needs BotToken and
	// AppToken) or "http" (Events API, needs BotToken, SigningSecret and
	// an HTTP listener).
	Mode string `yaml:"mode" json:"mode"`
	// APIURL is the base URL of the Slack Web API, ending in "/". Leave it
	// empty for Slack itself; tests and Slack-compatible proxies set it.
	APIURL string `yaml:"api_url" json:"api_url"`
}

// Discord configures the Discord adapter.
type Discord struct {
	// Token is the bot token.
	Token Secret `yaml:"token" json:"token"`
	// TokenFile names a file holding Token.
	TokenFile string `yaml:"token_file" json:"token_file"`
	// GuildID, when set, registers commands in that guild only (instant,
	// useful for testing) instead of globally.
	GuildID string `yaml:"guild_id" json:"guild_id"`
	// ApplicationID is the application's ID; when empty it is taken from
	// the bot session.
	ApplicationID string `yaml:"application_id" json:"application_id"`
}

// Slack modes.
const (
	SlackModeSocket = "socket"
	SlackModeHTTP   = "http"
)

// Page size bounds accepted by Validate.
const (
	MinPageSize = 1
	MaxPageSize = 50
)

var (
	logLevels  = []string{"debug", "info", "warn", "error"}
	logFormats = []string{"text", "json"}
	slackModes = []string{SlackModeSocket, SlackModeHTTP}
)

// Default returns the default configuration, which passes Validate.
func Default() Config {
	return Config{
		Store:    "briefbot.db",
		Demo:     true,
		Console:  true,
		Timezone: "UTC",
		Log:      Log{Level: "info", Format: "text"},
		Slack:    Slack{Mode: SlackModeSocket},
		PageSize: 10,
		Feeds:    Feeds{Interval: "10m"},
	}
}

// SlackEnabled reports whether any Slack credential is set, which is what
// turns the Slack adapter on.
func (c Config) SlackEnabled() bool {
	s := c.Slack
	return s.BotToken.IsSet() || s.AppToken.IsSet() || s.SigningSecret.IsSet()
}

// DiscordEnabled reports whether the Discord token is set, which is what
// turns the Discord adapter on.
func (c Config) DiscordEnabled() bool { return c.Discord.Token.IsSet() }

// StorePath returns the SQLite database path named by Store, accepting a
// plain path or "sqlite:PATH" ("sqlite:///abs/path" is also understood). It
// returns an error for an empty store, for PostgreSQL, which is not
// supported yet, and for any other URL scheme.
func (c Config) StorePath() (string, error) {
	s := strings.TrimSpace(c.Store)
	lower := strings.ToLower(s)
	switch {
	case s == "":
		return "", errors.New(`is empty; set a SQLite file path such as "briefbot.db"`)
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return "", errors.New(`PostgreSQL is not supported yet; use a SQLite file path such as "briefbot.db"`)
	case strings.HasPrefix(lower, "sqlite:"):
		p := s[len("sqlite:"):]
		// URL form: sqlite:///abs/path.db or sqlite://rel.db.
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return "", errors.New(`"sqlite:" needs a file path after it, such as "sqlite:briefbot.db"`)
		}
		return p, nil
	}
	if i := strings.Index(s, "://"); i > 0 {
		return "", fmt.Errorf("scheme %q is not supported; use a SQLite file path such as \"briefbot.db\"", s[:i])
	}
	return s, nil
}

// Location returns the *time.Location named by Timezone.
func (c Config) Location() (*time.Location, error) {
	if c.Timezone == "" {
		return nil, errors.New("timezone is empty")
	}
	return time.LoadLocation(c.Timezone)
}

// SlogLevel returns Level as a slog.Level, or slog.LevelInfo when Level is
// not one of debug, info, warn or error.
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Validate checks every field and returns nil or a *ValidationError listing
// every problem found, each naming the YAML field path and the fix. Error
// messages never include secret values.
//
// Validate checks values, not their origin: the *File fields are resolved by
// Load and are ignored here.
func (c Config) Validate() error {
	var v validator

	if _, err := c.StorePath(); err != nil {
		v.add("store", "%v", err)
	}

	switch {
	case c.Timezone == "":
		v.add("timezone", `is empty; use an IANA time zone name such as "UTC" or "Europe/Berlin"`)
	default:
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			v.add("timezone", `%q is not a known IANA time zone; use a name such as "UTC" or "Europe/Berlin"`, c.Timezone)
		}
	}

	v.oneOf("log.level", c.Log.Level, logLevels)
	v.oneOf("log.format", c.Log.Format, logFormats)

	if c.HTTP.Listen != "" {
		if err := checkListen(c.HTTP.Listen); err != nil {
			v.add("http.listen", `%q is not a valid host:port (%v); use e.g. ":8080" or "127.0.0.1:8080", or leave it empty to turn HTTP off`, c.HTTP.Listen, err)
		}
	}

	if c.PageSize < MinPageSize || c.PageSize > MaxPageSize {
		v.add("page_size", "%d is out of range; use a number from %d to %d", c.PageSize, MinPageSize, MaxPageSize)
	}

	c.validateSlack(&v)
	c.validateDiscord(&v)
	c.validateBriefings(&v)
	c.validateFeeds(&v)

	return v.err()
}

func (c Config) validateSlack(v *validator) {
	s := c.Slack
	if v.oneOf("slack.mode", s.Mode, slackModes) != nil {
		// Mode-dependent requirements cannot be judged; the mode error says
		// enough.
		s.Mode = ""
	}

	v.secret("slack.bot_token", s.BotToken)
	v.secret("slack.app_token", s.AppToken)
	v.secret("slack.signing_secret", s.SigningSecret)
	if s.BotToken.IsSet() && !strings.HasPrefix(s.BotToken.Reveal(), "xoxb-") {
		v.add("slack.bot_token", `does not start with "xoxb-"; use the Bot User OAuth Token from your Slack app's "OAuth & Permissions" page`)
	}
	if s.AppToken.IsSet() && !strings.HasPrefix(s.AppToken.Reveal(), "xapp-") {
		v.add("slack.app_token", `does not start with "xapp-"; use an app-level token (with the connections:write scope) from your Slack app's "Basic Information" page`)
	}

	if s.APIURL != "" {
		if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasSuffix(u.Path, "/") {
			v.add("slack.api_url", "%q is not an http(s) URL ending in /, such as https://slack.com/api/", s.APIURL)
		}
	}
	if !c.SlackEnabled() {
		return
	}
	switch s.Mode {
	case SlackModeSocket:
		if !s.BotToken.IsSet() {
			v.add("slack.bot_token", "is required in socket mode; set SLACK_BOT_TOKEN or slack.bot_token_file")
		}
		if !s.AppToken.IsSet() {
			v.add("slack.app_token", `is required in socket mode; set SLACK_APP_TOKEN or slack.app_token_file, or use slack.mode: http`)
		}
	case SlackModeHTTP:
		if !s.BotToken.IsSet() {
			v.add("slack.bot_token", "is required in http mode; set SLACK_BOT_TOKEN or slack.bot_token_file")
		}
		if !s.SigningSecret.IsSet() {
			v.add("slack.signing_secret", `is required in http mode; set SLACK_SIGNING_SECRET or slack.signing_secret_file, or use slack.mode: socket`)
		}
		if c.HTTP.Listen == "" {
			v.add("http.listen", `is required by slack.mode: http, which receives events over HTTP; set it to e.g. ":8080", or use slack.mode: socket`)
		}
	}
}

func (c Config) validateDiscord(v *validator) {
	d := c.Discord
	v.secret("discord.token", d.Token)
	v.snowflake("discord.guild_id", d.GuildID)
	v.snowflake("discord.application_id", d.ApplicationID)
	if !d.Token.IsSet() {
		if d.GuildID != "" {
			v.add("discord.token", "is required when discord.guild_id is set; set DISCORD_BOT_TOKEN or discord.token_file, or remove discord.guild_id")
		}
		if d.ApplicationID != "" {
			v.add("discord.token", "is required when discord.application_id is set; set DISCORD_BOT_TOKEN or discord.token_file, or remove discord.application_id")
		}
	}
}

func (c Config) validateBriefings(v *validator) {
	b := c.Briefings
	if b.Admin != "" {
		if _, _, err := ParseChannel(b.Admin); err != nil {
			v.add("briefings.admin", "%v", err)
		}
	}
	names := map[string]int{}
	for i, s := range b.Subscriptions {
		field := fmt.Sprintf("briefings.subscriptions[%d]", i)
		switch {
		case s.Name == "":
			v.add(field+".name", "is empty; give each subscription a short name such as morning-ceasefire")
		case strings.Trim(strings.ToLower(s.Name), "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" || len(s.Name) > 64:
			v.add(field+".name", "%q may hold only letters, digits, - and _ (at most 64)", s.Name)
		default:
			if j, dup := names[s.Name]; dup {
				v.add(field+".name", "%q is used by briefings.subscriptions[%d] too; names must be unique", s.Name, j)
			}
			names[s.Name] = i
		}
		if _, _, err := ParseChannel(s.Channel); err != nil {
			v.add(field+".channel", "%v", err)
		}
		if strings.TrimSpace(s.Schedule) == "" {
			v.add(field+".schedule", `is empty; say when, for example "at 07:30 tz Europe/Kyiv weekdays"`)
		}
	}
	sm := c.Summarizer
	v.secret("summarizer.api_key", sm.APIKey)
	if sm.BaseURL != "" {
		if u, err := url.Parse(sm.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add("summarizer.base_url", "%q is not an http(s) URL such as https://api.openai.com/v1", sm.BaseURL)
		}
		if sm.Model == "" {
			v.add("summarizer.model", "is required when summarizer.base_url is set; name the model the endpoint serves")
		}
	} else if sm.Model != "" || sm.APIKey.IsSet() {
		v.add("summarizer.base_url", "is empty while other summarizer settings are set; set it to turn the abstractive summary on, or remove them")
	}
}

func (c Config) validateFeeds(v *validator) {
	f := c.Feeds
	if _, err := PollInterval(f.Interval, time.Minute); err != nil {
		v.add("feeds.interval", "%v", err)
	}
	if strings.ContainsFunc(f.UserAgent, unicode.IsControl) {
		v.add("feeds.user_agent", "contains control characters")
	}
	seen := map[string]int{}
	for i, src := range f.Sources {
		field := fmt.Sprintf("feeds.sources[%d]", i)
		u, err := url.Parse(strings.TrimSpace(src.URL))
		switch {
		case src.URL == "":
			v.add(field+".url", "is empty; give the feed's address, such as https://example.com/feed.xml")
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			v.add(field+".url", "%q is not an http(s) URL", src.URL)
		default:
			if j, dup := seen[src.URL]; dup {
				v.add(field+".url", "%q is listed as feeds.sources[%d] too", src.URL, j)
			}
			seen[src.URL] = i
		}
		if _, err := PollInterval(src.Interval, time.Minute); err != nil {
			v.add(field+".interval", "%v", err)
		}
	}
}

// checkListen reports whether addr is a usable host:port.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		var aerr *net.AddrError
		if errors.As(err, &aerr) {
			return errors.New(aerr.Err)
		}
		return err
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return errors.New("port must be a number from 0 to 65535")
	}
	return nil
}

// Redacted returns the effective configuration as YAML with every non-empty
// secret shown as <secret>. It is meant for display, for example by the
// `briefbot config` command.
func (c Config) Redacted() string {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		// Config holds only strings, booleans, integers and Secrets, so this
		// cannot happen; say so rather than print anything unredacted.
		return "# cannot render configuration: " + err.Error() + "\n"
	}
	_ = enc.Close()
	return b.String()
}

// validator accumulates problems for Validate.
type validator struct {
	problems []Problem
}

func (v *validator) add(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// oneOf records a problem, and returns a non-nil error, when value is not
// one of allowed.
func (v *validator) oneOf(field, value string, allowed []string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	list := strings.Join(allowed, ", ")
	if value == "" {
		v.add(field, "is empty; use one of %s", list)
	} else {
		v.add(field, "%q is not one of %s", value, list)
	}
	return errors.New("invalid")
}

// secret records a problem when a secret contains whitespace or control
// characters, a common copy-and-paste mistake. The value is never quoted.
func (v *validator) secret(field string, s Secret) {
	if strings.IndexFunc(s.Reveal(), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}) >= 0 {
		v.add(field, "contains whitespace or control characters; paste the value again without spaces, quotes or line breaks")
	}
}

// snowflake records a problem when a non-empty Discord ID is not all digits.
func (v *validator) snowflake(field, id string) {
	if id == "" {
		return
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		v.add(field, "%q is not a Discord ID; IDs are numbers, copied with Developer Mode on via \"Copy ID\"", id)
	}
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}
