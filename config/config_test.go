package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // make time zone tests independent of the host's zoneinfo

	"go.yaml.in/yaml/v3"
)

// envMap returns an env function backed by m.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes content to name inside dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// problems returns the problems of a *ValidationError, failing the test if
// err is not one.
func problems(t *testing.T, err error) []Problem {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v (%T), want *ValidationError", err, err)
	}
	return verr.Problems
}

// findProblem returns the problem for field whose message contains want.
func findProblem(ps []Problem, field, want string) (Problem, bool) {
	for _, p := range ps {
		if p.Field == field && strings.Contains(p.Message, want) {
			return p, true
		}
	}
	return Problem{}, false
}

func TestDefault(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	want := Config{
		Store: "briefbot.db", Demo: true, Console: true, Timezone: "UTC",
		Log:      Log{Level: "info", Format: "text"},
		Slack:    Slack{Mode: "socket"},
		PageSize: 10,
		Feeds:    Feeds{Interval: "10m"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Default() = %+v, want %+v", c, want)
	}
	if c.SlackEnabled() || c.DiscordEnabled() {
		t.Error("Default() enables Slack or Discord")
	}
	if p, err := c.StorePath(); err != nil || p != "briefbot.db" {
		t.Errorf("StorePath() = %q, %v", p, err)
	}
}

func TestLoadNoFile(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load(\"\", nil) = %+v, want Default()", c)
	}
}

func TestExampleFileLoadsAndValidates(t *testing.T) {
	c, err := Load("example.yaml", nil)
	if err != nil {
		t.Fatalf("Load(example.yaml) = %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("example.yaml should show the defaults:\n got %+v\nwant %+v", c, Default())
	}

	// Every field must appear in the example, so that it documents them all.
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	var all map[string]any
	if err := yaml.Unmarshal([]byte(Default().Redacted()), &all); err != nil {
		t.Fatal(err)
	}
	for _, key := range flattenKeys("", all) {
		if !slices.Contains(flattenKeys("", m), key) {
			t.Errorf("example.yaml does not document %s", key)
		}
	}
}

func flattenKeys(prefix string, m map[string]any) []string {
	var keys []string
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			keys = append(keys, flattenKeys(joinField(prefix, k), sub)...)
			continue
		}
		keys = append(keys, joinField(prefix, k))
	}
	return keys
}

func TestLoadFullYAML(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "briefbot.yaml", `
store: sqlite:/var/lib/briefbot/news.db
demo: false
console: false
timezone: Europe/Berlin
log:
  level: debug
  format: json
http:
  listen: 127.0.0.1:8080
slack:
  bot_token: xoxb-1-abc
  signing_secret: s3cr3t
  mode: http
discord:
  token: discord-token
  guild_id: "123456789012345678"
  application_id: 987654321098765432
page_size: 25
`)
	got, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Store: "sqlite:/var/lib/briefbot/news.db", Demo: false, Console: false,
		Timezone: "Europe/Berlin",
		Log:      Log{Level: "debug", Format: "json"},
		HTTP:     HTTP{Listen: "127.0.0.1:8080"},
		Slack:    Slack{BotToken: "xoxb-1-abc", SigningSecret: "s3cr3t", Mode: "http"},
		Discord:  Discord{Token: "discord-token", GuildID: "123456789012345678", ApplicationID: "987654321098765432"},
		PageSize: 25,
		Feeds:    Feeds{Interval: "10m"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load() =\n%#v\nwant\n%#v", got, want)
	}
	if p, err := got.StorePath(); err != nil || p != "/var/lib/briefbot/news.db" {
		t.Errorf("StorePath() = %q, %v", p, err)
	}
	if loc, err := got.Location(); err != nil || loc.String() != "Europe/Berlin" {
		t.Errorf("Location() = %v, %v", loc, err)
	}
	if got.Log.SlogLevel() != slog.LevelDebug {
		t.Errorf("SlogLevel() = %v", got.Log.SlogLevel())
	}
}

func TestLoadEmptyValuesKeepDefaults(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"empty file", ""},
		{"comments only", "# nothing here\n"},
		{"empty document", "---\n"},
		{"null values", "store:\ntimezone: ~\nlog:\nslack:\n  bot_token:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "c.yaml", tt.content)
			c, err := Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c, Default()) {
				t.Errorf("Load() = %+v, want Default()", c)
			}
		})
	}
}

func TestLoadYAMLProblems(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		wantField string
		wantLine  int
		wantMsg   string
	}{
		{"unknown top-level key", "store: x.db\nstorage: y.db\n", "storage", 2, `unknown key (did you mean "store"?); valid keys at the top level are`},
		{"unknown nested key", "log:\n  level: info\n  levle: debug\n", "log.levle", 3, "valid keys under log are level, format"},
		{"unknown key without suggestion", "colour: blue\n", "colour", 1, "valid keys at the top level are store, demo,"},
		{"duplicate key", "demo: true\ndemo: false\n", "demo", 2, "duplicate key (first set on line 1)"},
		{"bool not a boolean", "demo: maybe\n", "demo", 1, `"maybe" is not a boolean`},
		{"bool is a list", "console: [true]\n", "console", 1, "must be true or false, not a list"},
		{"int not a number", "page_size: ten\n", "page_size", 1, `"ten" is not a whole number`},
		{"section is a scalar", "log: debug\n", "log", 1, "must be a mapping with keys level, format, not a single value"},
		{"string is a mapping", "timezone:\n  name: UTC\n", "timezone", 1, "must be a string, not a mapping"},
		{"secret is a list", "slack:\n  bot_token: [a, b]\n", "slack.bot_token", 2, "must be a string, not a list"},
		{"top level is a list", "- store\n", "(top level)", 1, "must be a mapping"},
		{"subscriptions not a list", "briefings:\n  subscriptions: morning\n", "briefings.subscriptions", 2, "must be a list of mappings with keys name, channel, query, schedule, quiet"},
		{"subscription not a mapping", "briefings:\n  subscriptions:\n    - morning\n", "briefings.subscriptions[0]", 3, "must be a mapping"},
		{"unknown key in a subscription", "briefings:\n  subscriptions:\n    - name: a\n      chanel: slack:C1\n", "briefings.subscriptions[0].chanel", 4, `did you mean "channel"?`},
		{"bad channel", "briefings:\n  subscriptions:\n    - name: a\n      channel: C1\n      schedule: at 07:30\n", "briefings.subscriptions[0].channel", 4, "write it as slack:C0123"},
		{"duplicate names", "briefings:\n  subscriptions:\n    - {name: a, channel: 'slack:C1', schedule: at 07:30}\n    - {name: a, channel: 'slack:C2', schedule: at 08:00}\n", "briefings.subscriptions[1].name", 4, "names must be unique"},
		{"no schedule", "briefings:\n  subscriptions:\n    - name: a\n      channel: discord:123\n      schedule: ''\n", "briefings.subscriptions[0].schedule", 5, "is empty"},
		{"discord channel not numeric", "briefings:\n  admin: discord:general\n", "briefings.admin", 2, "not a Discord channel ID"},
		{"feed url not http", "feeds:\n  sources:\n    - url: file:///etc/passwd\n", "feeds.sources[0].url", 3, "is not an http(s) URL"},
		{"feed interval too short", "feeds:\n  interval: 10s\n", "feeds.interval", 2, "from a minute to a week"},
		{"summarizer without model", "summarizer:\n  base_url: http://127.0.0.1:8080/v1\n  model: ''\n", "summarizer.model", 3, "is required when summarizer.base_url is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "c.yaml", tt.content)
			c, err := Load(path, nil)
			if err == nil {
				t.Fatalf("Load() = %+v, nil; want error", c)
			}
			p, ok := findProblem(problems(t, err), tt.wantField, tt.wantMsg)
			if !ok {
				t.Fatalf("error %q has no problem for %s containing %q", err, tt.wantField, tt.wantMsg)
			}
			if p.Line != tt.wantLine || p.Source != path {
				t.Errorf("problem at %s:%d, want %s:%d", p.Source, p.Line, path, tt.wantLine)
			}
			wantText := fmt.Sprintf("%s:%d: %s: ", path, tt.wantLine, tt.wantField)
			if !strings.Contains(err.Error(), wantText) {
				t.Errorf("error %q does not contain %q", err, wantText)
			}
			if !reflect.DeepEqual(c, Config{}) {
				t.Errorf("Load() returned a non-zero Config with an error")
			}
		})
	}
}

func TestLoadBriefingSubscriptions(t *testing.T) {
	path := writeFile(t, t.TempDir(), "c.yaml", `briefings:
  admin: slack:C0ADMIN
  subscriptions:
    - name: morning-ceasefire
      channel: slack:C0123
      query: ceasefire
      schedule: at 07:30 tz Europe/Kyiv weekdays
    - name: evening
      channel: discord:123456789012345678
      schedule: at 18:00
      quiet: true
summarizer:
  base_url: http://127.0.0.1:8080/v1
  model: local
`)
	c, err := Load(path, func(k string) string {
		if k == "BRIEFBOT_SUMMARIZER_API_KEY" {
			return "sk-test-not-printed"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []BriefingSubscription{
		{Name: "morning-ceasefire", Channel: "slack:C0123", Query: "ceasefire", Schedule: "at 07:30 tz Europe/Kyiv weekdays"},
		{Name: "evening", Channel: "discord:123456789012345678", Schedule: "at 18:00", Quiet: true},
	}
	if !reflect.DeepEqual(c.Briefings.Subscriptions, want) || c.Briefings.Admin != "slack:C0ADMIN" {
		t.Errorf("briefings = %+v", c.Briefings)
	}
	if c.Summarizer.APIKey.Reveal() != "sk-test-not-printed" || strings.Contains(c.Redacted(), "sk-test") {
		t.Errorf("summarizer key not loaded from the environment, or printed")
	}
	for _, tt := range []struct{ in, platform, channel string }{
		{"slack:C0123", "slack", "C0123"},
		{"Discord:123", "discord", "123"},
		{" console:console ", "console", "console"},
	} {
		p, ch, err := ParseChannel(tt.in)
		if err != nil || p != tt.platform || ch != tt.channel {
			t.Errorf("ParseChannel(%q) = %q, %q, %v", tt.in, p, ch, err)
		}
	}
	for _, bad := range []string{"", "C0123", "slack:", "teams:C1", "slack:C 1", "discord:abc"} {
		if _, _, err := ParseChannel(bad); err == nil {
			t.Errorf("ParseChannel(%q) accepted", bad)
		}
	}
}

func TestLoadYAMLReportsEveryProblem(t *testing.T) {
	path := writeFile(t, t.TempDir(), "c.yaml", "demo: maybe\ncolour: blue\nlog:\n  size: 3\n")
	_, err := Load(path, nil)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Load() = %v, want *ValidationError", err)
	}
	if got, want := verr.Fields(), []string{"demo", "colour", "log.size"}; !slices.Equal(got, want) {
		t.Errorf("fields = %q, want %q", got, want)
	}
	if !strings.HasPrefix(err.Error(), "invalid configuration (3 problems):\n  - ") {
		t.Errorf("error = %q", err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		wantMsg string
	}{
		{"missing file", filepath.Join(dir, "missing.yaml"), "missing.yaml"},
		{"syntax error", writeFile(t, dir, "bad.yaml", "store: [unclosed\n"), "bad.yaml"},
		{"two documents", writeFile(t, dir, "two.yaml", "demo: true\n---\ndemo: false\n"), "second YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.path, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Load() error = %v, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestValidateBadValues(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(c *Config)
		wantField string
		wantMsg   string
	}{
		{"empty store", func(c *Config) { c.Store = "" }, "store", "is empty"},
		{"postgres store", func(c *Config) { c.Store = "postgres://u:p@db/briefbot" }, "store", "not supported yet"},
		{"postgresql store", func(c *Config) { c.Store = "postgresql://db/briefbot" }, "store", "not supported yet"},
		{"other scheme", func(c *Config) { c.Store = "mysql://db" }, "store", `scheme "mysql" is not supported`},
		{"sqlite without path", func(c *Config) { c.Store = "sqlite:" }, "store", "needs a file path"},
		{"empty timezone", func(c *Config) { c.Timezone = "" }, "timezone", "is empty"},
		{"unknown timezone", func(c *Config) { c.Timezone = "Mars/Olympus_Mons" }, "timezone", `"Mars/Olympus_Mons" is not a known IANA time zone`},
		{"log level", func(c *Config) { c.Log.Level = "loud" }, "log.level", `"loud" is not one of debug, info, warn, error`},
		{"empty log level", func(c *Config) { c.Log.Level = "" }, "log.level", "is empty; use one of debug, info, warn, error"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format", `"xml" is not one of text, json`},
		{"listen without port", func(c *Config) { c.HTTP.Listen = "localhost" }, "http.listen", `"localhost" is not a valid host:port`},
		{"listen bad port", func(c *Config) { c.HTTP.Listen = ":http-alt" }, "http.listen", "port must be a number"},
		{"listen port too big", func(c *Config) { c.HTTP.Listen = ":70000" }, "http.listen", "port must be a number"},
		{"page size zero", func(c *Config) { c.PageSize = 0 }, "page_size", "0 is out of range; use a number from 1 to 50"},
		{"page size too big", func(c *Config) { c.PageSize = 51 }, "page_size", "51 is out of range"},
		{"slack mode", func(c *Config) { c.Slack.Mode = "websocket" }, "slack.mode", `"websocket" is not one of socket, http`},
		{"slack bot token prefix", func(c *Config) {
			c.Slack.BotToken, c.Slack.AppToken = "xoxp-user", "xapp-1"
		}, "slack.bot_token", `does not start with "xoxb-"`},
		{"slack app token prefix", func(c *Config) {
			c.Slack.BotToken, c.Slack.AppToken = "xoxb-1", "xoxb-1"
		}, "slack.app_token", `does not start with "xapp-"`},
		{"slack token whitespace", func(c *Config) {
			c.Slack.BotToken, c.Slack.AppToken = "xoxb-1\n", "xapp-1"
		}, "slack.bot_token", "contains whitespace"},
		{"socket mode needs app token", func(c *Config) { c.Slack.BotToken = "xoxb-1" }, "slack.app_token", "is required in socket mode"},
		{"socket mode needs bot token", func(c *Config) { c.Slack.AppToken = "xapp-1" }, "slack.bot_token", "is required in socket mode"},
		{"http mode needs signing secret", func(c *Config) {
			c.Slack.Mode, c.Slack.BotToken, c.HTTP.Listen = "http", "xoxb-1", ":8080"
		}, "slack.signing_secret", "is required in http mode"},
		{"http mode needs bot token", func(c *Config) {
			c.Slack.Mode, c.Slack.SigningSecret, c.HTTP.Listen = "http", "s", ":8080"
		}, "slack.bot_token", "is required in http mode"},
		{"http mode needs listener", func(c *Config) {
			c.Slack.Mode, c.Slack.BotToken, c.Slack.SigningSecret = "http", "xoxb-1", "s"
		}, "http.listen", "is required by slack.mode: http"},
		{"discord guild id", func(c *Config) { c.Discord.Token, c.Discord.GuildID = "t", "my-server" }, "discord.guild_id", `"my-server" is not a Discord ID`},
		{"discord application id", func(c *Config) { c.Discord.Token, c.Discord.ApplicationID = "t", "app" }, "discord.application_id", "is not a Discord ID"},
		{"discord guild without token", func(c *Config) { c.Discord.GuildID = "123" }, "discord.token", "is required when discord.guild_id is set"},
		{"discord token whitespace", func(c *Config) { c.Discord.Token = "Bot abc" }, "discord.token", "contains whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.mutate(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want error")
			}
			if _, ok := findProblem(problems(t, err), tt.wantField, tt.wantMsg); !ok {
				t.Fatalf("Validate() = %q; want a problem for %s containing %q", err, tt.wantField, tt.wantMsg)
			}
			if !strings.Contains(err.Error(), tt.wantField+": ") {
				t.Errorf("error %q does not name %s", err, tt.wantField)
			}
		})
	}
}

func TestValidateGoodValues(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Config)
	}{
		{"sqlite prefix", func(c *Config) { c.Store = "sqlite:data/briefbot.db" }},
		{"sqlite url", func(c *Config) { c.Store = "sqlite:///var/lib/briefbot.db" }},
		{"timezone", func(c *Config) { c.Timezone = "America/New_York" }},
		{"listen any host", func(c *Config) { c.HTTP.Listen = ":8080" }},
		{"listen ipv6", func(c *Config) { c.HTTP.Listen = "[::1]:8080" }},
		{"page size bounds", func(c *Config) { c.PageSize = 50 }},
		{"slack socket", func(c *Config) { c.Slack.BotToken, c.Slack.AppToken = "xoxb-1", "xapp-1" }},
		{"slack http", func(c *Config) {
			c.Slack.Mode, c.Slack.BotToken, c.Slack.SigningSecret, c.HTTP.Listen = "http", "xoxb-1", "s", ":3000"
		}},
		{"slack mode http while disabled", func(c *Config) { c.Slack.Mode = "http" }},
		{"discord", func(c *Config) { c.Discord.Token, c.Discord.GuildID = "t.u.v", "42" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.mutate(&c)
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate() = %v", err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.Log.Level, c.Log.Format, c.PageSize, c.Timezone = "loud", "xml", 0, "Nowhere/City"
	err := c.Validate()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Validate() = %v", err)
	}
	want := []string{"timezone", "log.level", "log.format", "page_size"}
	if got := verr.Fields(); !slices.Equal(got, want) {
		t.Errorf("fields = %q, want %q", got, want)
	}
}

func TestLoadEnvOverrides(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "c.yaml", `
store: file.db
demo: true
console: true
timezone: UTC
log: {level: info, format: text}
http: {listen: ":8080"}
slack: {bot_token: xoxb-file, app_token: xapp-file}
discord: {token: file-token, guild_id: "1"}
page_size: 10
`)
	tests := []struct {
		name  string
		env   map[string]string
		check func(c Config) bool
	}{
		{"store", map[string]string{"BRIEFBOT_STORE": "env.db"}, func(c Config) bool { return c.Store == "env.db" }},
		{"demo false", map[string]string{"BRIEFBOT_DEMO": "false"}, func(c Config) bool { return !c.Demo }},
		{"demo 0", map[string]string{"BRIEFBOT_DEMO": "0"}, func(c Config) bool { return !c.Demo }},
		{"console FALSE", map[string]string{"BRIEFBOT_CONSOLE": "FALSE"}, func(c Config) bool { return !c.Console }},
		{"timezone", map[string]string{"BRIEFBOT_TIMEZONE": "Asia/Tokyo"}, func(c Config) bool { return c.Timezone == "Asia/Tokyo" }},
		{"log level", map[string]string{"BRIEFBOT_LOG_LEVEL": "warn"}, func(c Config) bool { return c.Log.Level == "warn" }},
		{"log format", map[string]string{"BRIEFBOT_LOG_FORMAT": "json"}, func(c Config) bool { return c.Log.Format == "json" }},
		{"http listen", map[string]string{"BRIEFBOT_HTTP_LISTEN": "127.0.0.1:9000"}, func(c Config) bool { return c.HTTP.Listen == "127.0.0.1:9000" }},
		{"page size", map[string]string{"BRIEFBOT_PAGE_SIZE": "3"}, func(c Config) bool { return c.PageSize == 3 }},
		{"slack mode", map[string]string{"BRIEFBOT_SLACK_MODE": "http", "SLACK_SIGNING_SECRET": "sig"},
			func(c Config) bool { return c.Slack.Mode == "http" && c.Slack.SigningSecret == "sig" }},
		{"slack tokens", map[string]string{"SLACK_BOT_TOKEN": "xoxb-env", "SLACK_APP_TOKEN": "xapp-env"},
			func(c Config) bool { return c.Slack.BotToken == "xoxb-env" && c.Slack.AppToken == "xapp-env" }},
		{"discord", map[string]string{"DISCORD_BOT_TOKEN": "env-token", "BRIEFBOT_DISCORD_GUILD_ID": "2", "BRIEFBOT_DISCORD_APPLICATION_ID": "3"},
			func(c Config) bool {
				return c.Discord.Token == "env-token" && c.Discord.GuildID == "2" && c.Discord.ApplicationID == "3"
			}},
		{"empty variable is unset", map[string]string{"BRIEFBOT_STORE": ""}, func(c Config) bool { return c.Store == "file.db" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(file, envMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("override %v not applied: %+v", tt.env, c)
			}
		})
	}
}

func TestLoadEnvProblems(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantField string
		wantMsg   string
	}{
		{"demo", map[string]string{"BRIEFBOT_DEMO": "maybe"}, "demo", `BRIEFBOT_DEMO): "maybe" is not a boolean; use true, false, 1 or 0`},
		{"console", map[string]string{"BRIEFBOT_CONSOLE": "yes"}, "console", "BRIEFBOT_CONSOLE"},
		{"page size", map[string]string{"BRIEFBOT_PAGE_SIZE": "many"}, "page_size", `BRIEFBOT_PAGE_SIZE): "many" is not a whole number`},
		{"value and file", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "BRIEFBOT_SLACK_BOT_TOKEN_FILE": "/tmp/x"},
			"slack.bot_token", "both SLACK_BOT_TOKEN and BRIEFBOT_SLACK_BOT_TOKEN_FILE are set"},
		{"validation names the variable", map[string]string{"BRIEFBOT_LOG_LEVEL": "loud"}, "log.level", `log.level (from BRIEFBOT_LOG_LEVEL): "loud" is not one of`},
		{"page size out of range", map[string]string{"BRIEFBOT_PAGE_SIZE": "99"}, "page_size", "page_size (from BRIEFBOT_PAGE_SIZE): 99 is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", envMap(tt.env))
			if err == nil {
				t.Fatal("Load() = nil error")
			}
			problems(t, err)
			if !strings.Contains(err.Error(), tt.wantField) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q and %q", err, tt.wantField, tt.wantMsg)
			}
		})
	}
}

func TestValidationProblemsPointIntoFile(t *testing.T) {
	path := writeFile(t, t.TempDir(), "c.yaml", "store: x.db\nlog:\n  level: loud\n")
	_, err := Load(path, nil)
	want := fmt.Sprintf(`%s:3: log.level: "loud" is not one of debug, info, warn, error`, path)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load() error = %v, want it to contain %q", err, want)
	}
}

func TestLoadSecretFiles(t *testing.T) {
	dir := t.TempDir()
	bot := writeFile(t, dir, "bot", "xoxb-from-file\n")
	app := writeFile(t, dir, "app", "xapp-from-file\r\n")
	sig := writeFile(t, dir, "sig", "signing-from-file")
	dis := writeFile(t, dir, "discord", "discord-from-file\n\n")

	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		check func(c Config) bool
	}{
		{"yaml files", fmt.Sprintf("slack:\n  bot_token_file: %s\n  app_token_file: %s\ndiscord:\n  token_file: %s\n", bot, app, dis), nil,
			func(c Config) bool {
				return c.Slack.BotToken == "xoxb-from-file" && c.Slack.AppToken == "xapp-from-file" &&
					c.Discord.Token == "discord-from-file" && c.Slack.BotTokenFile == bot
			}},
		{"env files", "", map[string]string{
			"BRIEFBOT_SLACK_BOT_TOKEN_FILE":      bot,
			"BRIEFBOT_SLACK_SIGNING_SECRET_FILE": sig,
			"BRIEFBOT_SLACK_MODE":                "http",
			"BRIEFBOT_HTTP_LISTEN":               ":8080",
			"BRIEFBOT_DISCORD_TOKEN_FILE":        dis,
		}, func(c Config) bool {
			return c.Slack.BotToken == "xoxb-from-file" && c.Slack.SigningSecret == "signing-from-file" &&
				c.Discord.Token == "discord-from-file"
		}},
		{"env file replaces yaml value", "slack: {bot_token: xoxb-yaml, app_token: xapp-yaml}\n",
			map[string]string{"BRIEFBOT_SLACK_BOT_TOKEN_FILE": bot},
			func(c Config) bool { return c.Slack.BotToken == "xoxb-from-file" && c.Slack.BotTokenFile == bot }},
		{"env value replaces yaml file", fmt.Sprintf("slack: {bot_token_file: %s, app_token: xapp-yaml}\n", filepath.Join(dir, "missing")),
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-env"},
			func(c Config) bool { return c.Slack.BotToken == "xoxb-env" && c.Slack.BotTokenFile == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, t.TempDir(), "c.yaml", tt.yaml)
			}
			c, err := Load(path, envMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("secrets not resolved: %#v", c)
			}
		})
	}
}

func TestLoadSecretFileProblems(t *testing.T) {
	dir := t.TempDir()
	token := writeFile(t, dir, "token", "xoxb-1\n")
	empty := writeFile(t, dir, "empty", "\n")
	missing := filepath.Join(dir, "no-such-file")

	tests := []struct {
		name      string
		yaml      string
		env       map[string]string
		wantField string
		wantMsg   []string
		wantIs    error
	}{
		{"value and file in yaml", fmt.Sprintf("slack:\n  bot_token: xoxb-2\n  bot_token_file: %s\n", token), nil,
			"slack.bot_token", []string{"both slack.bot_token and slack.bot_token_file are set"}, nil},
		{"discord value and file", fmt.Sprintf("discord:\n  token: t\n  token_file: %s\n", token), nil,
			"discord.token", []string{"both discord.token and discord.token_file are set"}, nil},
		{"missing file from yaml", fmt.Sprintf("slack:\n  bot_token_file: %s\n", missing), nil,
			"slack.bot_token_file", []string{missing, "cannot read secret file", ":2: "}, fs.ErrNotExist},
		{"missing file from env", "", map[string]string{"BRIEFBOT_DISCORD_TOKEN_FILE": missing},
			"discord.token_file", []string{missing, "(from BRIEFBOT_DISCORD_TOKEN_FILE)"}, fs.ErrNotExist},
		{"directory", "", map[string]string{"BRIEFBOT_SLACK_APP_TOKEN_FILE": dir},
			"slack.app_token_file", []string{dir, "cannot read secret file"}, nil},
		{"empty file", "", map[string]string{"BRIEFBOT_SLACK_SIGNING_SECRET_FILE": empty},
			"slack.signing_secret_file", []string{empty, "is empty"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, t.TempDir(), "c.yaml", tt.yaml)
			}
			_, err := Load(path, envMap(tt.env))
			if err == nil {
				t.Fatal("Load() = nil error")
			}
			ps := problems(t, err)
			if _, ok := findProblem(ps, tt.wantField, ""); !ok {
				t.Errorf("error %q has no problem for %s", err, tt.wantField)
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
		})
	}
}

func TestUnreadableSecretFileNeverShowsContent(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read files without permission")
	}
	dir := t.TempDir()
	p := writeFile(t, dir, "token", "xoxb-SENTINEL-unreadable")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Load("", envMap(map[string]string{"BRIEFBOT_SLACK_BOT_TOKEN_FILE": p}))
	if err == nil || !strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "SENTINEL") {
		t.Errorf("Load() error = %v, want it to name %s and not the content", err, p)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(err, fs.ErrPermission) = false for %v", err)
	}
}

func TestStorePath(t *testing.T) {
	tests := []struct {
		store   string
		want    string
		wantErr string
	}{
		{"briefbot.db", "briefbot.db", ""},
		{"/var/lib/briefbot.db", "/var/lib/briefbot.db", ""},
		{"sqlite:data.db", "data.db", ""},
		{"SQLite:data.db", "data.db", ""},
		{"sqlite:///abs/data.db", "/abs/data.db", ""},
		{"  spaced.db  ", "spaced.db", ""},
		{"", "", "is empty"},
		{"sqlite:", "", "needs a file path"},
		{"postgres://localhost/briefbot", "", "not supported yet"},
		{"redis://localhost", "", `scheme "redis" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.store, func(t *testing.T) {
			got, err := Config{Store: tt.store}.StorePath()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("StorePath() = %q, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("StorePath() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSecretFormatting(t *testing.T) {
	tests := []struct {
		name   string
		secret Secret
		format string
		want   string
	}{
		{"set %v", "hunter2", "%v", "<secret>"},
		{"set %s", "hunter2", "%s", "<secret>"},
		{"set %+v", "hunter2", "%+v", "<secret>"},
		{"set %#v", "hunter2", "%#v", "<secret>"},
		{"set %q", "hunter2", "%q", `"<secret>"`},
		{"set %x", "hunter2", "%x", "<secret>"},
		{"set %d", "hunter2", "%d", "<secret>"},
		{"set width", "hunter2", "[%-10v]", "[<secret>  ]"},
		{"empty %v", "", "%v", ""},
		{"empty %#v", "", "%#v", ""},
		{"empty %q", "", "%q", `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprintf(tt.format, tt.secret); got != tt.want {
				t.Errorf("Sprintf(%q) = %q, want %q", tt.format, got, tt.want)
			}
		})
	}

	s := Secret("hunter2")
	if s.Reveal() != "hunter2" || s.String() != "<secret>" || s.GoString() != "<secret>" {
		t.Errorf("Reveal/String/GoString = %q/%q/%q", s.Reveal(), s.String(), s.GoString())
	}
	if Secret("").String() != "" {
		t.Error(`Secret("").String() != ""`)
	}
	if b, _ := s.MarshalJSON(); string(b) != `"<secret>"` {
		t.Errorf("json = %s", b)
	}
	if b, _ := json.Marshal(s); string(b) != `"\u003csecret\u003e"` {
		t.Errorf("json = %s", b)
	}
	if b, _ := json.Marshal(Secret("")); string(b) != `""` {
		t.Errorf("json of empty = %s", b)
	}
	var back Secret
	if err := yaml.Unmarshal([]byte(`"quoted value"`), &back); err != nil || back != "quoted value" {
		t.Errorf("UnmarshalYAML = %q, %v", back, err)
	}
	if err := yaml.Unmarshal([]byte("{a: b}"), &back); err == nil {
		t.Error("UnmarshalYAML accepted a mapping")
	}
}

func TestRedacted(t *testing.T) {
	c := Default()
	c.Slack.BotToken = "xoxb-hidden"
	c.Slack.BotTokenFile = "/run/secrets/slack_bot_token"
	out := c.Redacted()
	for _, want := range []string{
		"store: briefbot.db\n",
		"  bot_token: <secret>\n",
		"  bot_token_file: /run/secrets/slack_bot_token\n",
		`  app_token: ""` + "\n",
		"page_size: 10\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Redacted() lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hidden") {
		t.Errorf("Redacted() reveals the token:\n%s", out)
	}

	// The defaults render to YAML that loads back to the same Config.
	path := writeFile(t, t.TempDir(), "c.yaml", Default().Redacted())
	back, err := Load(path, nil)
	if err != nil || !reflect.DeepEqual(back, Default()) {
		t.Errorf("Load(Redacted()) = %+v, %v", back, err)
	}
}

const sentinel = "SENTINEL"

// sentinelConfig returns a valid Config with every secret set to a value
// containing sentinel.
func sentinelConfig() Config {
	c := Default()
	c.Slack.BotToken = "xoxb-SENTINEL-123"
	c.Slack.AppToken = "xapp-SENTINEL-456"
	c.Slack.SigningSecret = "SENTINEL-signing-789"
	c.Discord.Token = "SENTINEL.discord.000"
	return c
}

func TestSecretsNeverPrint(t *testing.T) {
	c := sentinelConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("sentinel config does not validate: %v", err)
	}
	secrets := map[string]Secret{
		"slack.bot_token":      c.Slack.BotToken,
		"slack.app_token":      c.Slack.AppToken,
		"slack.signing_secret": c.Slack.SigningSecret,
		"discord.token":        c.Discord.Token,
	}

	outputs := map[string]string{}
	mustJSON := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mustYAML := func(v any) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%q", "%s", "%x"} {
		outputs["config "+verb] = fmt.Sprintf(verb, c)
		outputs["*config "+verb] = fmt.Sprintf(verb, &c)
		outputs["slack "+verb] = fmt.Sprintf(verb, c.Slack)
		outputs["discord "+verb] = fmt.Sprintf(verb, c.Discord)
		for name, s := range secrets {
			outputs[name+" "+verb] = fmt.Sprintf(verb, s)
			outputs["*"+name+" "+verb] = fmt.Sprintf(verb, &s)
		}
	}
	outputs["config Sprint"] = fmt.Sprint(c)
	outputs["config Sprintln"] = fmt.Sprintln(c, &c)
	outputs["config json"] = mustJSON(c)
	outputs["*config json"] = mustJSON(&c)
	outputs["config yaml"] = mustYAML(c)
	outputs["config Redacted"] = c.Redacted()
	for name, s := range secrets {
		outputs[name+" Sprint"] = fmt.Sprint(s)
		outputs[name+" String"] = s.String()
		outputs[name+" GoString"] = s.GoString()
		outputs[name+" json"] = mustJSON(s)
		outputs[name+" yaml"] = mustYAML(s)
		outputs[name+" in map json"] = mustJSON(map[string]Secret{"k": s})
	}

	// log/slog, both handlers, logging the config, its parts and a secret.
	for _, h := range []struct {
		name string
		new  func(*bytes.Buffer) slog.Handler
	}{
		{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
		{"json", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
	} {
		var buf bytes.Buffer
		logger := slog.New(h.new(&buf))
		logger.Info("config", "config", c, "ptr", &c, "slack", c.Slack, "token", c.Slack.BotToken,
			slog.Any("discord", c.Discord), slog.Group("g", "secret", c.Discord.Token))
		logger.With("config", c).Info("with")
		outputs["slog "+h.name] = buf.String()
		if !strings.Contains(buf.String(), redactedText) {
			t.Errorf("slog %s output shows no %s marker: %s", h.name, redactedText, buf.String())
		}
	}

	// Errors for invalid tokens must not echo them either.
	invalid := func(mutate func(c *Config)) string {
		c := sentinelConfig()
		mutate(&c)
		err := c.Validate()
		if err == nil {
			t.Fatal("Validate() = nil for an invalid token")
		}
		return err.Error() + fmt.Sprintf(" %v %+v %#v", err, err, problems(t, err))
	}
	outputs["validate bot prefix"] = invalid(func(c *Config) { c.Slack.BotToken = "xoxp-SENTINEL-user" })
	outputs["validate app prefix"] = invalid(func(c *Config) { c.Slack.AppToken = "xoxb-SENTINEL-wrong" })
	outputs["validate whitespace"] = invalid(func(c *Config) { c.Slack.SigningSecret = "SENTINEL with spaces\n" })
	outputs["validate discord whitespace"] = invalid(func(c *Config) { c.Discord.Token = "Bot SENTINEL" })
	outputs["validate socket missing"] = invalid(func(c *Config) { c.Slack.AppToken = "" })

	loadErr := func(yamlText string, env map[string]string) string {
		path := ""
		if yamlText != "" {
			path = writeFile(t, t.TempDir(), "c.yaml", yamlText)
		}
		_, err := Load(path, envMap(env))
		if err == nil {
			t.Fatalf("Load(%q, %v) = nil error", yamlText, env)
		}
		return fmt.Sprintf("%v %+v %#v", err, err, err)
	}
	badFile := writeFile(t, t.TempDir(), "bad-token", "xoxp-SENTINEL-from-file\n")
	outputs["load env bot prefix"] = loadErr("", map[string]string{"SLACK_BOT_TOKEN": "xoxp-SENTINEL-env", "SLACK_APP_TOKEN": "xapp-1"})
	outputs["load env app prefix"] = loadErr("", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "SENTINEL"})
	outputs["load yaml bot prefix"] = loadErr("slack: {bot_token: SENTINEL-yaml, app_token: xapp-1}\n", nil)
	outputs["load yaml secret list"] = loadErr("slack: {bot_token: [xoxb-SENTINEL]}\n", nil)
	outputs["load yaml secret mapping"] = loadErr("discord:\n  token:\n    value: SENTINEL\n", nil)
	outputs["load yaml section scalar"] = loadErr("slack: xoxb-SENTINEL-misplaced\n", nil)
	outputs["load file bot prefix"] = loadErr("", map[string]string{"BRIEFBOT_SLACK_BOT_TOKEN_FILE": badFile, "SLACK_APP_TOKEN": "xapp-1"})
	outputs["load both set"] = loadErr("", map[string]string{"SLACK_BOT_TOKEN": "xoxb-SENTINEL", "BRIEFBOT_SLACK_BOT_TOKEN_FILE": badFile})

	for name, out := range outputs {
		if strings.Contains(out, sentinel) {
			t.Errorf("%s reveals a secret: %s", name, out)
		}
	}
}
