// Package console is briefbot's terminal adapter: it reads commands from a
// reader, one per line, and writes plain-text answers. It is how the bot
// runs with no chat platform configured, and it is the end-to-end test
// harness: a test sends a line and reads the answer, through the same
// router every platform uses.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/bot"
	"github.com/briefbot/briefbot/briefing"
)

// MaxLineBytes bounds one input line: an article pasted as one line may be
// as long as an article may be. Longer lines are skipped with a message.
const MaxLineBytes = briefing.MaxArticleBytes + 1024

// Console runs the bot on a pair of streams.
type Console struct {
	bot    *bot.Bot
	in     io.Reader
	out    io.Writer
	prompt bool

	mu     sync.Mutex        // serialises writes: briefings arrive from the scheduler
	posted map[string]string // key -> ref of briefings posted in this process
	seq    int
}

var _ bot.Poster = (*Console)(nil)

// New returns a console over in and out. With prompt set it prints "> "
// before each command, for an interactive terminal.
func New(b *bot.Bot, in io.Reader, out io.Writer, prompt bool) *Console {
	return &Console{bot: b, in: in, out: out, prompt: prompt, posted: map[string]string{}}
}

// Run reads commands until EOF, /quit or ctx is done. "/ingest" on a line
// of its own (or with options only) starts an article: the lines that follow
// are its text, up to a line holding a single "." or the end of input.
func (c *Console) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the reader goroutine
	lines := make(chan inputLine)
	go c.read(ctx, lines)
	var readErr error
	next := func() (inputLine, bool) {
		select {
		case <-ctx.Done():
			return inputLine{}, false
		case l, ok := <-lines:
			if !ok {
				return inputLine{}, false
			}
			if l.err != nil {
				readErr = l.err
				return inputLine{}, false
			}
			return l, true
		}
	}
	c.write("briefbot is ready. Type /help for commands, /quit to leave.\n")
	for {
		if c.prompt {
			c.write("> ")
		}
		in, ok := next()
		if !ok {
			if readErr != nil {
				return fmt.Errorf("console: read: %w", readErr)
			}
			return nil
		}
		if in.tooLong {
			c.write(Render(bot.Reply{Error: true, Text: fmt.Sprintf("That line is longer than %d bytes and was ignored.", MaxLineBytes)}))
			continue
		}
		line := strings.TrimSpace(in.text)
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
			if c.prompt {
				c.write("Paste the article; end with a line holding a single '.' (or Ctrl-D).\n")
			}
			body, complete, err := c.readBody(next)
			if !complete {
				if readErr != nil {
					return fmt.Errorf("console: read: %w", readErr)
				}
				if ctx.Err() != nil {
					return nil // interrupted while pasting: nothing is ingested
				}
			}
			if err != nil {
				c.write(Render(bot.Reply{Error: true, Text: err.Error()}))
				continue
			}
			line = line + "\n" + body
		}
		r := c.bot.Handle(ctx, bot.Message{Platform: "console", Channel: "console", User: "", Text: line})
		c.write(Render(r))
	}
}

// inputLine is one line of input, or the error that ended the input.
type inputLine struct {
	text    string
	tooLong bool // the line was over MaxLineBytes and was skipped
	err     error
}

// read sends the lines of c.in until EOF, an error or ctx is done. Lines
// over MaxLineBytes are skipped, not fatal.
func (c *Console) read(ctx context.Context, out chan<- inputLine) {
	defer close(out)
	r := bufio.NewReaderSize(c.in, 64*1024)
	send := func(l inputLine) bool {
		select {
		case out <- l:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		var buf []byte
		tooLong := false
		for {
			part, isPrefix, err := r.ReadLine()
			if err != nil {
				if err != io.EOF {
					send(inputLine{err: err})
				} else if len(buf) > 0 || tooLong {
					send(inputLine{text: string(buf), tooLong: tooLong})
				}
				return
			}
			if !tooLong {
				if len(buf)+len(part) > MaxLineBytes {
					tooLong, buf = true, nil
				} else {
					buf = append(buf, part...)
				}
			}
			if !isPrefix {
				break
			}
		}
		if !send(inputLine{text: string(buf), tooLong: tooLong}) {
			return
		}
	}
}

// readBody collects a pasted article up to a line holding ".". complete is
// false when the input ended first. An article over the size limit is read
// to its end and refused with an error, so its lines are not taken for
// commands.
func (c *Console) readBody(next func() (inputLine, bool)) (body string, complete bool, err error) {
	var b strings.Builder
	over := false
	for {
		in, ok := next()
		if !ok {
			break
		}
		if strings.TrimSpace(in.text) == "." && !in.tooLong {
			complete = true
			break
		}
		if in.tooLong || b.Len()+len(in.text)+1 > briefing.MaxArticleBytes {
			over = true
		}
		if !over {
			b.WriteString(in.text)
			b.WriteByte('\n')
		}
	}
	if over {
		return "", complete, fmt.Errorf("the article is longer than %d MiB, the limit; nothing was stored. Split it into several articles", briefing.MaxArticleBytes>>20)
	}
	return b.String(), complete, nil
}

// isIngestHeader reports whether a line is /ingest whose article text
// follows on the next lines: nothing but options after the command, or
// options that do not parse (the text still follows; the error is reported
// once the article has been read, instead of its lines running as commands).
func isIngestHeader(line string) bool {
	cmd, rest := bot.CutCommand(line)
	if !strings.EqualFold(cmd, "/ingest") {
		return false
	}
	in, err := bot.ParseIngestArgs(rest, time.Time{}, time.UTC)
	return err != nil || strings.TrimSpace(in.Text) == ""
}

func (c *Console) write(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(c.out, s)
}

// PostKeyed writes a reply the bot posts on its own (a scheduled
// briefing) to the console, between rules so that it stands apart from
// answers. The console keeps no history across restarts: FindKeyed knows
// only what this process posted.
func (c *Console) PostKeyed(ctx context.Context, channel string, r bot.Reply, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	ref := "console-" + strconv.Itoa(c.seq)
	if _, err := io.WriteString(c.out, "\n──── posted to "+clean(channel)+" ────\n"+Render(r)+"────\n"); err != nil {
		return "", fmt.Errorf("console: %w", err)
	}
	c.posted[key] = ref
	return ref, nil
}

// FindKeyed reports whether this process posted a reply marked with key.
func (c *Console) FindKeyed(_ context.Context, _ string, key string, _ time.Time) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ref, ok := c.posted[key]
	return ref, ok, nil
}

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
	group := ""
	for _, it := range r.Items {
		if it.Group != group {
			group = it.Group
			if group != "" {
				b.WriteString(clean(group) + "\n")
			}
		}
		date := clean(it.Date)
		b.WriteString("  ")
		b.WriteString(date)
		b.WriteString(strings.Repeat(" ", width-utf8.RuneCountInString(date)+2))
		if it.Badge != "" {
			b.WriteString(clean(it.Badge) + ": ")
		}
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
