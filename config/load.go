package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxSecretFileSize bounds how much of a *_file secret is read, so that a
// mistyped path pointing at a large file fails clearly.
const maxSecretFileSize = 64 << 10

// Load returns the effective configuration: Default, then the YAML file at
// path (skipped when path is ""), then environment overrides read through
// env, then the *_file secrets, and finally Validate.
//
// The YAML file is decoded strictly: unknown or duplicate keys and values of
// the wrong type are reported with the key's path and line. A key with an
// empty value (such as "timezone:") keeps its default.
//
// env is usually os.Getenv; nil means no environment. An empty variable
// counts as unset. The variables are BRIEFBOT_STORE, BRIEFBOT_DEMO,
// BRIEFBOT_CONSOLE (true, false, 1 or 0), BRIEFBOT_TIMEZONE,
// BRIEFBOT_LOG_LEVEL, BRIEFBOT_LOG_FORMAT, BRIEFBOT_HTTP_LISTEN,
// BRIEFBOT_PAGE_SIZE, BRIEFBOT_SLACK_MODE, BRIEFBOT_DISCORD_GUILD_ID,
// BRIEFBOT_DISCORD_APPLICATION_ID, BRIEFBOT_BRIEFINGS_ADMIN,
// BRIEFBOT_SUMMARIZER_BASE_URL, BRIEFBOT_SUMMARIZER_MODEL,
// BRIEFBOT_FEEDS_INTERVAL, BRIEFBOT_FEEDS_ALLOW_PRIVATE, the secrets
// BRIEFBOT_SUMMARIZER_API_KEY (file variant
// BRIEFBOT_SUMMARIZER_API_KEY_FILE), SLACK_BOT_TOKEN,
// SLACK_APP_TOKEN, SLACK_SIGNING_SECRET and DISCORD_BOT_TOKEN, and their
// file variants BRIEFBOT_SLACK_BOT_TOKEN_FILE, BRIEFBOT_SLACK_APP_TOKEN_FILE,
// BRIEFBOT_SLACK_SIGNING_SECRET_FILE and BRIEFBOT_DISCORD_TOKEN_FILE. A
// secret set in the environment replaces both the value and the file given
// for it in the YAML file; setting a secret and its file variant in the same
// source is an error.
//
// Secret files are read relative to the working directory, and one trailing
// line break is stripped. Errors name the file but never its content.
//
// Problems with the file's content, the environment, secret files or the
// final values are returned as a *ValidationError; a missing or unparsable
// YAML file is returned as a plain error. On error the returned Config is the
// zero value.
func Load(path string, env func(string) string) (Config, error) {
	if env == nil {
		env = func(string) string { return "" }
	}
	l := loader{origins: map[string]origin{}}
	cfg := Default()

	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		if err := l.decodeFile(path, data, &cfg); err != nil {
			return Config{}, err
		}
	}
	l.applyEnv(&cfg, env)
	if err := l.err(); err != nil {
		return Config{}, err
	}

	l.resolveSecretFiles(&cfg)
	if err := l.err(); err != nil {
		return Config{}, err
	}

	if err := cfg.Validate(); err != nil {
		var verr *ValidationError
		if errors.As(err, &verr) {
			for i, p := range verr.Problems {
				if o, ok := l.origins[p.Field]; ok && p.Source == "" {
					verr.Problems[i].Source, verr.Problems[i].Line = o.source, o.line
				}
			}
		}
		return Config{}, err
	}
	return cfg, nil
}

// origin records where a field's value came from.
type origin struct {
	source string // file path or environment variable name
	line   int    // line in the YAML file, or 0
}

// loader carries the state of one Load call.
type loader struct {
	origins  map[string]origin
	problems []Problem
}

func (l *loader) add(p Problem) { l.problems = append(l.problems, p) }

func (l *loader) err() error {
	if len(l.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: l.problems}
}

// decodeFile decodes data strictly into cfg. Syntax errors are returned;
// content problems are recorded in l.
func (l *loader) decodeFile(path string, data []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // empty file or only comments
		}
		return fmt.Errorf("config %s: %w", path, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return fmt.Errorf("config %s: %w", path, err)
		}
		return fmt.Errorf("config %s: line %d: found a second YAML document; put all settings in one document", path, extra.Line)
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if isNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		l.add(Problem{Field: "(top level)", Source: path, Line: root.Line,
			Message: fmt.Sprintf("must be a mapping of keys such as \"store:\" and \"log:\", not a %s", nodeKindName(root))})
		return nil
	}
	l.walk(path, root, reflect.ValueOf(cfg).Elem(), "")
	return nil
}

var secretType = reflect.TypeFor[Secret]()

// walk decodes the mapping node into the struct v, recording a problem for
// every unknown or duplicate key and every value of the wrong type.
func (l *loader) walk(path string, node *yaml.Node, v reflect.Value, prefix string) {
	seen := map[string]int{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		if val.Kind == yaml.AliasNode && val.Alias != nil {
			val = val.Alias
		}
		key := k.Value
		field := joinField(prefix, key)
		problem := func(format string, args ...any) {
			l.add(Problem{Field: field, Source: path, Line: k.Line, Message: fmt.Sprintf(format, args...)})
		}
		if k.Kind != yaml.ScalarNode {
			field = joinField(prefix, "?")
			problem("keys must be plain names, not a %s", nodeKindName(k))
			continue
		}
		if first, dup := seen[key]; dup {
			problem("duplicate key (first set on line %d); keep only one", first)
			continue
		}
		seen[key] = k.Line

		idx, names := fieldByYAMLName(v.Type(), key)
		if idx < 0 {
			msg := "unknown key"
			if s := closest(key, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			where := "at the top level"
			if prefix != "" {
				where = "under " + prefix
			}
			problem("%s; valid keys %s are %s", msg, where, strings.Join(names, ", "))
			continue
		}
		fv := v.Field(idx)
		l.origins[field] = origin{source: path, line: k.Line}

		if fv.Kind() == reflect.Struct {
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.MappingNode {
				_, sub := fieldByYAMLName(fv.Type(), "")
				problem("must be a mapping with keys %s, not a %s", strings.Join(sub, ", "), nodeKindName(val))
				continue
			}
			l.walk(path, val, fv, field)
			continue
		}
		if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct {
			if isNull(val) {
				continue
			}
			_, sub := fieldByYAMLName(fv.Type().Elem(), "")
			if val.Kind != yaml.SequenceNode {
				problem("must be a list of mappings with keys %s, not a %s", strings.Join(sub, ", "), nodeKindName(val))
				continue
			}
			if len(val.Content) == 0 {
				continue // an empty list is no list
			}
			list := reflect.MakeSlice(fv.Type(), len(val.Content), len(val.Content))
			for j, item := range val.Content {
				itemField := fmt.Sprintf("%s[%d]", field, j)
				if item.Kind != yaml.MappingNode {
					l.add(Problem{Field: itemField, Source: path, Line: item.Line, Message: fmt.Sprintf("must be a mapping with keys %s, not a %s", strings.Join(sub, ", "), nodeKindName(item))})
					continue
				}
				l.walk(path, item, list.Index(j), itemField)
			}
			fv.Set(list)
			continue
		}
		if err := val.Decode(fv.Addr().Interface()); err != nil {
			problem("%s", leafMessage(fv.Type(), val))
		}
	}
}

// leafMessage explains why val does not fit a field of type t. Secret
// values are never quoted.
func leafMessage(t reflect.Type, val *yaml.Node) string {
	scalar := val.Kind == yaml.ScalarNode
	switch {
	case t == secretType:
		return "must be a string, not a " + nodeKindName(val)
	case t.Kind() == reflect.Bool && scalar:
		return fmt.Sprintf("%q is not a boolean; use true or false", val.Value)
	case t.Kind() == reflect.Bool:
		return "must be true or false, not a " + nodeKindName(val)
	case t.Kind() == reflect.Int && scalar:
		return fmt.Sprintf("%q is not a whole number", val.Value)
	case t.Kind() == reflect.Int:
		return "must be a whole number, not a " + nodeKindName(val)
	}
	return "must be a string, not a " + nodeKindName(val)
}

// fieldByYAMLName returns the index of the field of struct type t whose yaml
// tag is name, or -1, together with every yaml name of t in order.
func fieldByYAMLName(t reflect.Type, name string) (int, []string) {
	idx := -1
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		names = append(names, tag)
		if tag == name {
			idx = i
		}
	}
	return idx, names
}

func joinField(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "empty value"
}

// closest returns the candidate within edit distance 2 of s, if any, to
// suggest a fix for a misspelt key.
func closest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance returns the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// envSetting is a non-secret environment override.
type envSetting struct {
	name  string
	field string
	set   func(c *Config, v string) error
}

func stringSetting(name, field string, dst func(c *Config) *string) envSetting {
	return envSetting{name, field, func(c *Config, v string) error {
		*dst(c) = v
		return nil
	}}
}

func boolSetting(name, field string, dst func(c *Config) *bool) envSetting {
	return envSetting{name, field, func(c *Config, v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1":
			*dst(c) = true
		case "false", "0":
			*dst(c) = false
		default:
			return fmt.Errorf("%q is not a boolean; use true, false, 1 or 0", v)
		}
		return nil
	}}
}

func intSetting(name, field string, dst func(c *Config) *int) envSetting {
	return envSetting{name, field, func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*dst(c) = n
		return nil
	}}
}

// envSettings lists the non-secret environment overrides.
func envSettings() []envSetting {
	return []envSetting{
		stringSetting("BRIEFBOT_STORE", "store", func(c *Config) *string { return &c.Store }),
		boolSetting("BRIEFBOT_DEMO", "demo", func(c *Config) *bool { return &c.Demo }),
		boolSetting("BRIEFBOT_CONSOLE", "console", func(c *Config) *bool { return &c.Console }),
		stringSetting("BRIEFBOT_TIMEZONE", "timezone", func(c *Config) *string { return &c.Timezone }),
		stringSetting("BRIEFBOT_LOG_LEVEL", "log.level", func(c *Config) *string { return &c.Log.Level }),
		stringSetting("BRIEFBOT_LOG_FORMAT", "log.format", func(c *Config) *string { return &c.Log.Format }),
		stringSetting("BRIEFBOT_HTTP_LISTEN", "http.listen", func(c *Config) *string { return &c.HTTP.Listen }),
		intSetting("BRIEFBOT_PAGE_SIZE", "page_size", func(c *Config) *int { return &c.PageSize }),
		stringSetting("BRIEFBOT_SLACK_MODE", "slack.mode", func(c *Config) *string { return &c.Slack.Mode }),
		stringSetting("BRIEFBOT_SLACK_API_URL", "slack.api_url", func(c *Config) *string { return &c.Slack.APIURL }),
		stringSetting("BRIEFBOT_DISCORD_GUILD_ID", "discord.guild_id", func(c *Config) *string { return &c.Discord.GuildID }),
		stringSetting("BRIEFBOT_DISCORD_APPLICATION_ID", "discord.application_id", func(c *Config) *string { return &c.Discord.ApplicationID }),
		stringSetting("BRIEFBOT_BRIEFINGS_ADMIN", "briefings.admin", func(c *Config) *string { return &c.Briefings.Admin }),
		stringSetting("BRIEFBOT_SUMMARIZER_BASE_URL", "summarizer.base_url", func(c *Config) *string { return &c.Summarizer.BaseURL }),
		stringSetting("BRIEFBOT_SUMMARIZER_MODEL", "summarizer.model", func(c *Config) *string { return &c.Summarizer.Model }),
		stringSetting("BRIEFBOT_FEEDS_INTERVAL", "feeds.interval", func(c *Config) *string { return &c.Feeds.Interval }),
		boolSetting("BRIEFBOT_FEEDS_ALLOW_PRIVATE", "feeds.allow_private", func(c *Config) *bool { return &c.Feeds.AllowPrivate }),
	}
}

// secretSlot ties a secret to its file variant and environment variables.
type secretSlot struct {
	field, fileField string // YAML paths
	env, fileEnv     string // environment variable names
	value            *Secret
	file             *string
}

func secretSlots(c *Config) []secretSlot {
	return []secretSlot{
		{"slack.bot_token", "slack.bot_token_file", "SLACK_BOT_TOKEN", "BRIEFBOT_SLACK_BOT_TOKEN_FILE",
			&c.Slack.BotToken, &c.Slack.BotTokenFile},
		{"slack.app_token", "slack.app_token_file", "SLACK_APP_TOKEN", "BRIEFBOT_SLACK_APP_TOKEN_FILE",
			&c.Slack.AppToken, &c.Slack.AppTokenFile},
		{"slack.signing_secret", "slack.signing_secret_file", "SLACK_SIGNING_SECRET", "BRIEFBOT_SLACK_SIGNING_SECRET_FILE",
			&c.Slack.SigningSecret, &c.Slack.SigningSecretFile},
		{"discord.token", "discord.token_file", "DISCORD_BOT_TOKEN", "BRIEFBOT_DISCORD_TOKEN_FILE",
			&c.Discord.Token, &c.Discord.TokenFile},
		{"summarizer.api_key", "summarizer.api_key_file", "BRIEFBOT_SUMMARIZER_API_KEY", "BRIEFBOT_SUMMARIZER_API_KEY_FILE",
			&c.Summarizer.APIKey, &c.Summarizer.APIKeyFile},
	}
}

// applyEnv applies the environment overrides, recording a problem for every
// malformed value.
func (l *loader) applyEnv(c *Config, env func(string) string) {
	for _, s := range envSettings() {
		v := env(s.name)
		if v == "" {
			continue
		}
		if err := s.set(c, v); err != nil {
			l.add(Problem{Field: s.field, Source: s.name, Message: err.Error()})
			continue
		}
		l.origins[s.field] = origin{source: s.name}
	}
	for _, s := range secretSlots(c) {
		v, f := env(s.env), env(s.fileEnv)
		switch {
		case v != "" && f != "":
			l.add(Problem{Field: s.field, Message: fmt.Sprintf(
				"both %s and %s are set in the environment; unset one of them", s.env, s.fileEnv)})
		case v != "":
			// The environment replaces whatever the YAML file said,
			// including a file variant.
			*s.value, *s.file = Secret(v), ""
			l.origins[s.field] = origin{source: s.env}
			delete(l.origins, s.fileField)
		case f != "":
			*s.value, *s.file = "", f
			l.origins[s.fileField] = origin{source: s.fileEnv}
			delete(l.origins, s.field)
		}
	}
}

// resolveSecretFiles reads every *_file secret into its value.
func (l *loader) resolveSecretFiles(c *Config) {
	for _, s := range secretSlots(c) {
		path := *s.file
		if path == "" {
			continue
		}
		o := l.origins[s.fileField]
		if s.value.IsSet() {
			l.add(Problem{Field: s.field, Source: o.source, Line: o.line, Message: fmt.Sprintf(
				"both %s and %s are set; keep only one of them", s.field, s.fileField)})
			continue
		}
		value, err := readSecretFile(path)
		if err != nil {
			l.add(Problem{Field: s.fileField, Source: o.source, Line: o.line, Message: err.Error(), Err: errors.Unwrap(err)})
			continue
		}
		*s.value = Secret(value)
		l.origins[s.field] = origin{source: path}
	}
}

// readSecretFile reads a secret from path and strips trailing line breaks.
// Its errors name the path but never include the file's content.
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", &secretFileError{path: path, err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFileSize+1))
	if err != nil {
		return "", &secretFileError{path: path, err: err}
	}
	if len(data) > maxSecretFileSize {
		return "", fmt.Errorf("secret file %q is larger than %d KiB; check the path", path, maxSecretFileSize>>10)
	}
	value := strings.TrimRight(string(data), "\r\n")
	if value == "" {
		return "", fmt.Errorf("secret file %q is empty; write the secret into it or remove the setting", path)
	}
	return value, nil
}

// secretFileError reports an unreadable secret file, naming the path.
type secretFileError struct {
	path string
	err  error
}

func (e *secretFileError) Error() string {
	reason := e.err
	var perr *fs.PathError
	if errors.As(e.err, &perr) {
		reason = perr.Err // the path is already part of the message
	}
	return fmt.Sprintf("cannot read secret file %q: %v", e.path, reason)
}

func (e *secretFileError) Unwrap() error { return e.err }
