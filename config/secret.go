package config

import (
	"fmt"
	"log/slog"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// redactedText is what every printing path shows instead of a non-empty
// Secret.
const redactedText = "<secret>"

// Secret is a credential such as an API token. It behaves like a string for
// decoding but refuses to print its value: String, GoString, Format (every
// verb, including %v, %+v, %#v, %s, %q and %x), MarshalText, MarshalJSON,
// MarshalYAML and LogValue all yield "<secret>" when the Secret is non-empty
// and "" when it is empty. Call Reveal to obtain the actual value, and only
// where it is handed to the service that needs it.
type Secret string

// Reveal returns the secret value. It is the only way to read it.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// redacted returns "<secret>" for a non-empty Secret and "" otherwise.
func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return redactedText
}

// String returns "<secret>" when s is non-empty and "" otherwise.
func (s Secret) String() string { return s.redacted() }

// GoString returns "<secret>" when s is non-empty and "" otherwise, so that
// %#v never shows the value.
func (s Secret) GoString() string { return s.redacted() }

// Format implements fmt.Formatter so that no verb or flag can print the
// value. %q yields the quoted redacted text; every other verb yields the
// redacted text itself, honouring width and alignment flags.
func (s Secret) Format(f fmt.State, verb rune) {
	text := s.redacted()
	if verb == 'q' {
		text = strconv.Quote(text)
	}
	// Rebuild the flags and width with a string verb so that padding such as
	// %-12v still works, without ever formatting the underlying value.
	format := fmt.FormatString(f, 's')
	fmt.Fprintf(f, format, text)
}

// MarshalText implements encoding.TextMarshaler and returns the redacted text.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// MarshalJSON implements json.Marshaler and returns the redacted text as a
// JSON string. (json.Marshal escapes it as "\u003csecret\u003e" unless
// HTML escaping is turned off.)
func (s Secret) MarshalJSON() ([]byte, error) { return strconv.AppendQuote(nil, s.redacted()), nil }

// MarshalYAML implements yaml.Marshaler and returns the redacted text.
func (s Secret) MarshalYAML() (any, error) { return s.redacted(), nil }

// LogValue implements slog.LogValuer and returns the redacted text.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

// UnmarshalYAML implements yaml.Unmarshaler. It accepts any scalar (a YAML
// null leaves the Secret unchanged) and rejects mappings and sequences with
// an error that never includes the node's content.
func (s *Secret) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	if node.Kind != yaml.ScalarNode {
		return fmt.Errorf("must be a string, not a %s", nodeKindName(node))
	}
	*s = Secret(node.Value)
	return nil
}
