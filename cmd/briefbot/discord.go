package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/briefbot/briefbot/bot/discord"
	"github.com/briefbot/briefbot/config"
)

// cmdDiscord runs "briefbot discord SUBCOMMAND".
func cmdDiscord(args []string, env func(string) string, configPath string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "invite-url" {
		return usagef("discord: want the subcommand invite-url")
	}
	fs := flag.NewFlagSet("discord invite-url", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	appID := fs.String("app-id", "", "the application ID (default: discord.application_id)")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("discord invite-url: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("discord invite-url takes no arguments, got %q", fs.Args())
	}
	id := *appID
	if id == "" {
		cfg, err := config.Load(configPath, env)
		if err != nil {
			return err
		}
		id = cfg.Discord.ApplicationID
	}
	if id == "" {
		return usagef("discord invite-url: no application ID; pass --app-id or set BRIEFBOT_DISCORD_APPLICATION_ID (Developer Portal, your application, General Information, Application ID)")
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return usagef("discord invite-url: %q is not an application ID (a number such as 1234567890123456789)", id)
		}
	}
	_, err := fmt.Fprintln(stdout, discord.InviteURL(id))
	return err
}
