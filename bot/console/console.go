// Package console is briefbot's terminal adapter: it reads commands from a
// reader, one per line, and writes plain-text answers. It is how the bot
// runs with no chat platform configured, and it is the end-to-end test
// harness: a test sends a line and reads the answer, through the same
// router every platform uses.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/bot"
)

// MaxLineBytes bounds one input line; /ingest text may span many lines, up
// to briefing.MaxArticleBytes in all.
const MaxLineBytes = 1 << 20

// Console runs the bot on a pair of streams.
type Console struct {
	bot    *bot.Bot
	in     io.Reader
	out    io.Writer
	prompt bool
}

// New returns a console over in and out. With prompt set it prints "> "
// before each command, for an interactive terminal.
func New(b *bot.Bot, in io.Reader, out io.Writer, prompt bool) *Console {
	return &Console{bot: b, in: in, out: out, prompt: prompt}
}

// Run reads commands until EOF, /quit or ctx is done. "/ingest" on a line
// of its own (or with options only) starts an article: the lines that follow
// are its text, up to a line holding a single "." or the end of input.
func (c *Console) Run(ctx context.Context) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64*1024), MaxLineBytes)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	done := false
	var readErr error
	next := func() (string, bool, error) {
		if done {
			return "", false, readErr
		}
		select {
		case <-ctx.Done():
			done = true
			return "", false, nil
		case l, ok := <-lines:
			if !ok {
				done, readErr = true, <-errc
				return "", false, readErr
			}
			return l, true, nil
		}
	}
	c.write("briefbot is ready. Type /help for commands, /quit to leave.\n")
	for {
		if c.prompt {
			c.write("> ")
		}
		line, ok, err := next()
		if err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return fmt.Errorf("console: a line is longer than %d bytes", MaxLineBytes)
			}
			return fmt.Errorf("console: read: %w", err)
		}
		if !ok {
			return nil
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		switch strings.ToLower(line) {
		case "/quit", "/exit", "/q":
			return nil
		case "more":
			line = "/more"
		}
		if isIngestHeader(line) {
			var body []string
			if c.prompt {
				c.write("Paste the article; end with a line holding a single '.' (or Ctrl-D).\n")
			}
			for {
				l, ok, err := next()
				if err != nil {
					return fmt.Errorf("console: read: %w", err)
				}
				if !ok || strings.TrimSpace(l) == "." {
					break
				}
				body = append(body, l)
			}
			line = line + "\n" + strings.Join(body, "\n")
		}
		r := c.bot.Handle(ctx, bot.Message{Platform: "console", Channel: "console", User: "", Text: line})
		c.write(Render(r))
	}
}

// isIngestHeader reports whether a line is /ingest with no article text
// after its options, so the text follows on the next lines.
func isIngestHeader(line string) bool {
	cmd, rest, _ := strings.Cut(line, " ")
	if !strings.EqualFold(cmd, "/ingest") {
		return false
	}
	in, err := bot.ParseIngestArgs(rest, time.Time{}, time.UTC)
	return err == nil && strings.TrimSpace(in.Text) == ""
}

func (c *Console) write(s string) { _, _ = io.WriteString(c.out, s) }

// Render formats a reply as plain text for a terminal. Text that came from
// articles is cleaned of control characters, so an article cannot move the
// cursor, clear the screen or forge output.
func Render(r bot.Reply) string {
	var b strings.Builder
	if r.Title != "" {
		b.WriteString(clean(r.Title))
		b.WriteByte('\n')
	}
	if r.Text != "" {
		prefix := ""
		if r.Error {
			prefix = "Error: "
		}
		for i, line := range strings.Split(r.Text, "\n") {
			if i == 0 {
				line = prefix + line
			}
			b.WriteString(clean(line))
			b.WriteByte('\n')
		}
	}
	width := 0
	for _, it := range r.Items {
		if n := utf8.RuneCountInString(it.Date); n > width {
			width = n
		}
	}
	indent := strings.Repeat(" ", width+4)
	for _, it := range r.Items {
		date := clean(it.Date)
		b.WriteString("  ")
		b.WriteString(date)
		b.WriteString(strings.Repeat(" ", width-utf8.RuneCountInString(date)+2))
		b.WriteString(clean(it.Summary))
		b.WriteByte('\n')
		if len(it.Sources) > 0 {
			var src []string
			for _, l := range it.Sources {
				if l.URL != "" {
					src = append(src, clean(l.Name)+" <"+clean(l.URL)+">")
				} else {
					src = append(src, clean(l.Name))
				}
			}
			b.WriteString(indent + "Source: " + strings.Join(src, "; ") + "\n")
		}
		if it.Note != "" {
			b.WriteString(indent + clean(it.Note) + "\n")
		}
	}
	if r.Footer != "" {
		b.WriteString(clean(r.Footer))
		b.WriteByte('\n')
	}
	return b.String()
}

// clean drops control characters (escape sequences included) and replaces
// line breaks with spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\u202e', r == '\u202d':
			return -1
		}
		return r
	}, s)
}
