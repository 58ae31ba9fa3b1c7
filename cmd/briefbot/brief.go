package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/bot/console"
	"github.com/briefbot/briefbot/bot/discord"
	"github.com/briefbot/briefbot/bot/slack"
	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/brief"
	"github.com/briefbot/briefbot/briefing/digest"
	"github.com/briefbot/briefbot/briefing/llm"
	"github.com/briefbot/briefbot/briefing/schedule"
	"github.com/briefbot/briefbot/config"
)

// configPrefix names the subscriptions that come from the configuration.
const configPrefix = "config:"

// newBriefs wires the briefing service: the store, the timeline, the
// extractive composer, and the abstractive summarizer when configured.
func newBriefs(cfg config.Config, st briefing.SubscriptionStore, svc *briefing.Service, pub brief.Publisher, a *app) (*brief.Service, error) {
	c := brief.Config{
		Store:     st,
		Timeline:  svc,
		Publisher: pub,
		Compose: func(fresh, earlier []*briefing.Event) *briefing.Brief {
			return digest.Compose(fresh, earlier, digest.BriefOptions{})
		},
		Location: a.loc,
		Log:      a.log,
	}
	if cfg.Briefings.Admin != "" {
		p, ch, err := config.ParseChannel(cfg.Briefings.Admin)
		if err != nil {
			return nil, fmt.Errorf("briefings.admin: %w", err)
		}
		c.Admin = briefing.Destination{Platform: p, Channel: ch}
	}
	if sm := cfg.Summarizer; sm.BaseURL != "" {
		s, err := llm.New(llm.Config{BaseURL: sm.BaseURL, Model: sm.Model, APIKey: sm.APIKey.Reveal()})
		if err != nil {
			return nil, fmt.Errorf("summarizer: %w", err)
		}
		c.Abstract = s
	}
	return brief.New(c)
}

// syncConfigSubscriptions makes the store's "config:" subscriptions match
// the configuration: new entries are created, changed ones updated (keeping
// their watermark, and enabled again), unchanged ones left alone (a
// subscription disabled after a delivery failure stays disabled until its
// entry changes), and entries no longer listed removed. Only "run" calls it:
// a one-shot command with another (or no) configuration file must not
// rewrite what the running bot serves.
func (a *app) syncConfigSubscriptions(ctx context.Context) error {
	infos, err := a.briefs.List(ctx, briefing.Destination{})
	if err != nil {
		return err
	}
	existing := map[string]*briefing.Subscription{}
	for _, in := range infos {
		if strings.HasPrefix(in.Sub.Name, configPrefix) {
			existing[in.Sub.Name] = in.Sub
		}
	}
	want := map[string]bool{}
	for i, cs := range a.cfg.Briefings.Subscriptions {
		where := fmt.Sprintf("briefings.subscriptions[%d] (%s)", i, cs.Name)
		p, ch, err := config.ParseChannel(cs.Channel)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		sch, err := schedule.Parse(cs.Schedule, a.loc)
		if err != nil {
			return fmt.Errorf("%s: schedule: %w", where, err)
		}
		name := configPrefix + cs.Name
		want[name] = true
		dest := briefing.Destination{Platform: p, Channel: ch}
		query := strings.TrimSpace(cs.Query)
		if old := existing[name]; old != nil && old.Dest == dest && old.Query == query && old.Schedule == sch.String() && old.Quiet == cs.Quiet {
			continue
		}
		_, err = a.briefs.Subscribe(ctx, brief.Request{
			Dest: dest, By: "config", Origin: "config", Name: name,
			Spec: &brief.Spec{Query: query, Schedule: sch, Quiet: cs.Quiet},
		})
		if err != nil {
			return fmt.Errorf("%s: %s", where, strings.TrimPrefix(err.Error(), brief.ErrUsage.Error()+": "))
		}
	}
	for name, sub := range existing {
		if !want[name] {
			if err := a.briefs.Unsubscribe(ctx, sub.ID); err != nil {
				return err
			}
			a.log.Info("briefings: removed a subscription no longer in the configuration", "name", name)
		}
	}
	return nil
}

const briefUsage = `Usage:
  briefbot brief subscribe [--channel PLATFORM:ID] [QUERY] at 07:30 [tz ZONE] [weekdays] [quiet]
  briefbot brief list
  briefbot brief unsubscribe N
  briefbot brief preview N     the briefing subscription N would get now; nothing posted or recorded
  briefbot brief now N         post it now and advance the subscription
The channel defaults to console:console, which prints briefings on the console of a running bot.
Subscriptions in the configuration file (briefings.subscriptions) are applied when the bot runs.`

// cmdBrief runs "briefbot brief ...".
func (a *app) cmdBrief(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		_, err := fmt.Fprintln(stdout, briefUsage)
		return err
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "subscribe":
		fs := flag.NewFlagSet("brief subscribe", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		channel := fs.String("channel", "console:console", "")
		words, err := parseInterleaved(fs, rest)
		if err != nil {
			return usagef("brief subscribe: %v", err)
		}
		p, ch, err := config.ParseChannel(*channel)
		if err != nil {
			return usagef("brief subscribe --channel: %v", err)
		}
		s, err := a.briefs.Subscribe(ctx, brief.Request{Dest: briefing.Destination{Platform: p, Channel: ch}, Text: strings.Join(words, " "), By: "cli", Origin: "cli"})
		if err != nil {
			return briefCLIError(err)
		}
		return writeReply(stdout, bot.SubscribedReply(s, time.Now()))
	case "list":
		if len(rest) > 0 {
			return usagef("brief list takes no arguments")
		}
		infos, err := a.briefs.List(ctx, briefing.Destination{})
		if err != nil {
			return err
		}
		return writeReply(stdout, bot.ListReply(infos, "No briefing subscriptions. Make one with: briefbot brief subscribe --channel slack:C0123 ceasefire at 07:30"))
	case "unsubscribe", "preview", "now":
		if len(rest) != 1 {
			return usagef("brief %s takes a subscription number (briefbot brief list shows them)", sub)
		}
		s, err := a.briefs.Find(ctx, briefing.Destination{}, rest[0])
		if err != nil {
			return briefCLIError(err)
		}
		switch sub {
		case "unsubscribe":
			if err := a.briefs.Unsubscribe(ctx, s.ID); err != nil {
				return err
			}
			_, err := fmt.Fprintf(stdout, "Unsubscribed #%d.\n", s.ID)
			return err
		case "preview":
			b, err := a.briefs.Preview(ctx, s)
			if err != nil {
				return err
			}
			return writeReply(stdout, bot.BriefReply(b, s))
		}
		if err := a.connectPosters(stdout); err != nil {
			return err
		}
		out, err := a.briefs.Now(ctx, s)
		if err != nil {
			return briefCLIError(err)
		}
		return writeReply(stdout, bot.NowReply(out))
	}
	return usagef("unknown brief command %q\n%s", sub, briefUsage)
}

func briefCLIError(err error) error {
	if errors.Is(err, brief.ErrUsage) {
		return usagef("%s", strings.TrimPrefix(err.Error(), brief.ErrUsage.Error()+": "))
	}
	return err
}

func writeReply(w io.Writer, r bot.Reply) error {
	_, err := io.WriteString(w, console.Render(r))
	return err
}

// connectPosters registers the platforms the one-shot "brief now" can post
// to: the console (standard output) and the configured Slack and Discord
// apps, through their Web and REST APIs (no event connection is opened).
func (a *app) connectPosters(stdout io.Writer) error {
	a.publisher.Register("console", console.New(a.bot, strings.NewReader(""), stdout, false))
	if a.cfg.SlackEnabled() {
		ad, err := slack.New(a.bot, a.slackConfig())
		if err != nil {
			return err
		}
		a.publisher.Register("slack", ad)
	}
	if a.cfg.DiscordEnabled() {
		ad, err := discord.New(a.bot, a.discordConfig())
		if err != nil {
			return err
		}
		a.publisher.Register("discord", ad)
	}
	return nil
}

func (a *app) slackConfig() slack.Config {
	return slack.Config{
		BotToken:      a.cfg.Slack.BotToken,
		AppToken:      a.cfg.Slack.AppToken,
		SigningSecret: a.cfg.Slack.SigningSecret,
		Mode:          a.cfg.Slack.Mode,
		APIURL:        a.cfg.Slack.APIURL,
		Log:           a.log,
	}
}

func (a *app) discordConfig() discord.Config {
	return discord.Config{
		Token:         a.cfg.Discord.Token,
		GuildID:       a.cfg.Discord.GuildID,
		ApplicationID: a.cfg.Discord.ApplicationID,
		Log:           a.log,
	}
}
