package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/briefbot/briefbot/bot/console"
	"github.com/briefbot/briefbot/bot/discord"
	"github.com/briefbot/briefbot/bot/slack"
)

// shutdownTimeout bounds how long the HTTP server waits for requests in
// progress when the bot stops.
const shutdownTimeout = 10 * time.Second

// task is one long-running part of the bot: a platform adapter or the
// HTTP listener. It returns when ctx is done (nil) or when it cannot go on.
type task struct {
	name string
	run  func(ctx context.Context) error
}

// serve runs the platform adapters, the HTTP listener and the console
// until ctx is done or one of them fails. The console ending (end of input)
// stops the bot only when nothing else is serving.
func (a *app) serve(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	var tasks []task
	if a.cfg.SlackEnabled() {
		ad, err := slack.New(a.bot, a.slackConfig())
		if err != nil {
			return err
		}
		a.publisher.Register("slack", ad)
		mux.Handle("/slack/", ad.Handler())
		tasks = append(tasks, task{"slack (" + a.cfg.Slack.Mode + " mode)", ad.Run})
	}
	if a.cfg.DiscordEnabled() {
		ad, err := discord.New(a.bot, a.discordConfig())
		if err != nil {
			return err
		}
		a.publisher.Register("discord", ad)
		tasks = append(tasks, task{"discord", ad.Run})
	}
	if a.cfg.HTTP.Listen != "" {
		tasks = append(tasks, task{"http " + a.cfg.HTTP.Listen, func(ctx context.Context) error {
			return serveHTTP(ctx, a.cfg.HTTP.Listen, mux, a.log)
		}})
	}
	if len(tasks) == 0 && !a.cfg.Console {
		a.log.Info("console disabled and no platform configured; nothing to do")
		return nil
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	done := make(chan result, len(tasks))
	for _, t := range tasks {
		go func() { done <- result{t.name, t.run(ctx)} }()
	}
	var consoleDone chan error // nil (never ready) without a console
	if a.cfg.Console {
		con := console.New(a.bot, stdin, stdout, isTerminal(stdin))
		a.publisher.Register("console", con)
		consoleDone = make(chan error, 1)
		go func() { consoleDone <- con.Run(ctx) }()
	}
	// The briefing scheduler runs beside the adapters but does not keep the
	// bot alive on its own: with nothing else serving, the end of the
	// console's input still stops the bot.
	briefsDone := make(chan struct{})
	go func() {
		defer close(briefsDone)
		if err := a.briefs.Run(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("briefings: scheduler stopped", "err", err)
		}
	}()
	defer func() { cancel(); <-briefsDone }()
	// So does feed polling.
	feedsDone := make(chan struct{})
	go func() {
		defer close(feedsDone)
		if err := a.poller.Run(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("feeds: poller stopped", "err", err)
		}
	}()
	defer func() { cancel(); <-feedsDone }()

	running := len(tasks)
	var first error
	stop := func(err error) {
		if first == nil && err != nil {
			first = err
		}
		cancel()
	}
	for running > 0 || consoleDone != nil {
		select {
		case r := <-done:
			running--
			if r.err != nil {
				stop(fmt.Errorf("%s: %w", r.name, r.err))
			} else if ctx.Err() == nil {
				stop(fmt.Errorf("%s stopped unexpectedly", r.name))
			}
		case err := <-consoleDone:
			consoleDone = nil
			if running == 0 {
				stop(err)
				break
			}
			if err != nil {
				a.log.Warn("console stopped", "err", err)
			}
			a.log.Info("console closed; still serving", "tasks", running)
		}
	}
	return first
}

// serveHTTP listens on addr until ctx is done, then shuts down gracefully.
func serveHTTP(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("http: listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
