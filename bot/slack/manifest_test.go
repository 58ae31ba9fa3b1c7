package slack

import (
	"bytes"
	"os"
	"slices"
	"testing"

	slackapi "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"
)

// TestManifest checks deploy/slack-manifest.yaml against slack-go's
// manifest types (every key known) and against what the adapter expects:
// the commands it maps, the shortcut's callback ID, the events it handles.
func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var m slackapi.Manifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.Display.Name != "briefbot" || m.Features.BotUser.DisplayName != "briefbot" {
		t.Errorf("names: %q, %q", m.Display.Name, m.Features.BotUser.DisplayName)
	}
	var cmds []string
	for _, c := range m.Features.SlashCommands {
		cmds = append(cmds, c.Command)
		if c.Description == "" {
			t.Errorf("%s has no description", c.Command)
		}
	}
	if want := []string{"/timeline", "/latest", "/brief", "/ingest", "/briefbot"}; !slices.Equal(cmds, want) {
		t.Errorf("commands %v, want %v", cmds, want)
	}
	if len(m.Features.Shortcuts) != 1 || m.Features.Shortcuts[0].CallbackID != IngestCallbackID || m.Features.Shortcuts[0].Type != "message" {
		t.Errorf("shortcuts = %+v", m.Features.Shortcuts)
	}
	if m.Settings.EventSubscriptions == nil || !slices.Equal(m.Settings.EventSubscriptions.BotEvents, []string{"app_mention", "message.im"}) {
		t.Errorf("events = %+v", m.Settings.EventSubscriptions)
	}
	if m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled || !m.Settings.SocketModeEnabled {
		t.Errorf("interactivity or socket mode off: %+v", m.Settings)
	}
	if want := []string{"app_mentions:read", "channels:history", "chat:write", "commands", "groups:history", "im:history"}; !slices.Equal(m.OAuthConfig.Scopes.Bot, want) {
		t.Errorf("scopes %v, want %v", m.OAuthConfig.Scopes.Bot, want)
	}
}
