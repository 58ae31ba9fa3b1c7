// Command briefbot follows a developing news story: it extracts dated
// developments from articles into a timeline and answers questions about it
// on the console (and, with tokens configured, in Slack and Discord).
//
// Usage:
//
//	briefbot [run]                          the bot on the console (and configured platforms)
//	briefbot ingest FILE|- --published DATE [--source NAME] [--url URL] [--title T]
//	briefbot timeline QUERY [--page N]
//	briefbot latest [N]
//	briefbot sources
//	briefbot config                         the effective configuration, secrets hidden
//	briefbot synth --articles N --out DIR   a synthetic news corpus for benchmarks
//	briefbot bench [--articles N] [--events N]
//
// Global flags: --config FILE (YAML), --store PATH (SQLite file).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // IANA zones in minimal images
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal the bot drains its work; restoring the
		// default handling lets a second Ctrl-C stop it at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError marks a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "briefbot:", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'briefbot help' for usage.")
		return 2
	}
	return 1
}
