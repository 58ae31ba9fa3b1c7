// Package llm writes the optional abstractive summary of a briefing through an
// OpenAI-compatible chat completions endpoint (OpenAI itself, or a local
// server such as llama.cpp, vLLM or Ollama).
//
// A language model paraphrases well and invents easily, and a briefing must
// not tell a channel something its sources never said. So the summary is
// used only when every sentence passes Verify: each name, number and date it
// states must appear in the events it was given. Anything else (an invented
// detail, a network error, a refusal, an answer in the wrong shape) is an
// error, and the caller posts the extractive summary, which is the default.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
)

// Defaults and limits.
const (
	// DefaultTimeout bounds one Summarize call when Config.Timeout is zero.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxSentences is the summary length when Config.MaxSentences
	// is zero.
	DefaultMaxSentences = 4
	// MaxItems caps the developments sent to the model, best first.
	MaxItems = 30
	// maxPromptBytes caps the user message; developments past it are left
	// out (and the summary is checked against those sent only).
	maxPromptBytes = 12 << 10
	// maxLineBytes caps one development's summary in the prompt.
	maxLineBytes = 400
	// maxResponseBytes caps the body read from the server.
	maxResponseBytes = 1 << 20
	// maxErrorBytes caps the part of a server's error message quoted in
	// our error.
	maxErrorBytes = 300
)

// Config configures a Summarizer.
type Config struct {
	// BaseURL is the API base: "https://api.openai.com/v1" or a local
	// server's "http://localhost:8080/v1". Requests go to BaseURL +
	// "/chat/completions".
	BaseURL string
	// Model is the model name the server expects.
	Model string
	// APIKey is sent as "Authorization: Bearer APIKEY" when set; local
	// servers usually need none. It never appears in errors.
	APIKey string
	// Timeout bounds one Summarize call (default DefaultTimeout).
	Timeout time.Duration
	// MaxSentences is the longest summary accepted (default
	// DefaultMaxSentences); a longer answer is refused, not cut.
	MaxSentences int
	// HTTPClient sends the requests (default: a client of its own). Its
	// own timeout, if any, also applies.
	HTTPClient *http.Client
}

// String describes c without its API key, so that printing a Config with
// %v or %+v cannot leak it.
func (c Config) String() string {
	key := ""
	if c.APIKey != "" {
		key = "<secret>"
	}
	return fmt.Sprintf("llm.Config{BaseURL:%q Model:%q APIKey:%q Timeout:%s MaxSentences:%d}",
		redactURL(c.BaseURL), c.Model, key, c.Timeout, c.MaxSentences)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// Summarizer writes checked abstractive summaries of briefings. It is safe
// for concurrent use.
type Summarizer struct {
	endpoint     string
	model        string
	key          string
	timeout      time.Duration
	maxSentences int
	client       *http.Client
}

// New validates c and returns a Summarizer. BaseURL must be an absolute
// http(s) URL without credentials, query or fragment, and Model must be set.
func New(c Config) (*Summarizer, error) {
	base := strings.TrimSpace(c.BaseURL)
	u, err := url.Parse(base)
	switch {
	case base == "":
		return nil, errors.New("llm: BaseURL is empty; set the API base, such as https://api.openai.com/v1 or http://localhost:8080/v1")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, fmt.Errorf("llm: BaseURL %q is not an http(s) URL; set the API base, such as https://api.openai.com/v1 or http://localhost:8080/v1", redactURL(base))
	case u.User != nil:
		return nil, fmt.Errorf("llm: BaseURL %q holds credentials; put the key in APIKey instead", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(base, "?"):
		return nil, fmt.Errorf("llm: BaseURL %q has a query or fragment; give the API base only, such as http://localhost:8080/v1", redactURL(base))
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/chat/completions"):
		return nil, fmt.Errorf("llm: BaseURL %q includes /chat/completions; give the API base only (the part before it)", base)
	}
	if strings.TrimSpace(c.Model) == "" {
		return nil, errors.New("llm: Model is empty; name the model the endpoint serves, such as gpt-4o-mini")
	}
	if c.Timeout < 0 {
		return nil, fmt.Errorf("llm: Timeout %s is negative; leave it zero for the default %s", c.Timeout, DefaultTimeout)
	}
	if c.MaxSentences < 0 {
		return nil, fmt.Errorf("llm: MaxSentences %d is negative; leave it zero for the default %d", c.MaxSentences, DefaultMaxSentences)
	}
	s := &Summarizer{
		endpoint:     strings.TrimRight(base, "/") + "/chat/completions",
		model:        strings.TrimSpace(c.Model),
		key:          c.APIKey,
		timeout:      c.Timeout,
		maxSentences: c.MaxSentences,
		client:       c.HTTPClient,
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.maxSentences == 0 {
		s.maxSentences = DefaultMaxSentences
	}
	if s.client == nil {
		s.client = &http.Client{}
	}
	return s, nil
}

// Summarize asks the model for a short summary of b's items and updates and
// returns its sentences if every one of them is supported by the events it
// was shown (see Verify). An unsupported sentence is an *UnsupportedError
// (errors.Is ErrUnsupported); a network, HTTP or decoding failure, a summary
// that is too long or mentions anyone (@everyone, <@U123>) is another error.
// On any error the caller keeps the extractive summary. A briefing with no
// developments gets no summary and no request: nil, nil.
func (s *Summarizer) Summarize(ctx context.Context, b *briefing.Brief) ([]string, error) {
	p := buildPrompt(b, s.maxSentences)
	if len(p.shown) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	text, err := s.complete(ctx, p.messages)
	if err != nil {
		return nil, err
	}
	sentences, err := splitSummary(text, s.maxSentences)
	if err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	if err := Verify(sentences, p.support); err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	return sentences, nil
}

// chatMessage is one message of a chat completions request or response.
type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chatRequest is the subset of the chat completions request we send.
type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"` // sent even when 0
	Stream      bool          `json:"stream"`
}

// chatResponse is the subset of the chat completions response we read.
type chatResponse struct {
	Choices []struct {
		Message struct {
			// Content is a string, or with some servers a list of
			// {"type":"text","text":...} parts; null on a refusal.
			Content json.RawMessage `json:"content"`
			Refusal string          `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Error *apiError `json:"error"`
}

// apiError is the error object of OpenAI-compatible servers.
type apiError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
}

// StatusError is a non-2xx answer from the server.
type StatusError struct {
	StatusCode int
	// Message is the server's error message, shortened, with the API key
	// removed.
	Message string
}

// Error says "llm: chat completions: HTTP 401 Unauthorized: MESSAGE".
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("llm: chat completions: HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// complete sends one chat completions request and returns the answer's text.
func (s *Summarizer) complete(ctx context.Context, msgs []chatMessage) (string, error) {
	body, err := json.Marshal(chatRequest{Model: s.model, Messages: msgs, Temperature: 0})
	if err != nil {
		return "", fmt.Errorf("llm: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("llm: %s", s.redact(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "briefbot")
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		// net/http strips passwords from the URL it quotes and never
		// quotes headers; the key is removed all the same.
		return "", &redactedError{msg: "llm: chat completions: " + s.redact(err.Error()), err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return "", &redactedError{msg: "llm: chat completions: read response: " + s.redact(err.Error()), err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", &StatusError{StatusCode: resp.StatusCode, Message: s.errorMessage(data)}
	}
	if len(data) > maxResponseBytes {
		return "", fmt.Errorf("llm: chat completions: response larger than %d bytes", maxResponseBytes)
	}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return "", fmt.Errorf("llm: chat completions: response is not the JSON of a chat completion: %s", s.redact(err.Error()))
	}
	if cr.Error != nil {
		return "", fmt.Errorf("llm: chat completions: server error: %s", s.clean(cr.Error.Message))
	}
	if len(cr.Choices) == 0 {
		return "", errors.New("llm: chat completions: response has no choices")
	}
	ch := cr.Choices[0]
	text, err := contentText(ch.Message.Content)
	if err != nil {
		return "", fmt.Errorf("llm: chat completions: %w", err)
	}
	switch {
	case ch.Message.Refusal != "":
		return "", fmt.Errorf("llm: the model refused: %s", s.clean(ch.Message.Refusal))
	case ch.FinishReason == "length":
		return "", errors.New("llm: the model's answer was cut off at its token limit")
	case ch.FinishReason == "content_filter":
		return "", errors.New("llm: the model's answer was withheld by a content filter")
	case strings.TrimSpace(text) == "":
		return "", errors.New("llm: the model's answer is empty")
	}
	return text, nil
}

// contentText reads a message content: a string, a list of text parts, or
// null.
func contentText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", errors.New("message content is neither text nor a list of text parts")
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" || p.Type == "" {
			b.WriteString(p.Text)
		}
	}
	return b.String(), nil
}

// errorMessage extracts the message of an error response body.
func (s *Summarizer) errorMessage(data []byte) string {
	var er struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(data, &er) == nil && len(er.Error) > 0 {
		var ae apiError
		if json.Unmarshal(er.Error, &ae) == nil && ae.Message != "" {
			return s.clean(ae.Message)
		}
		var msg string // some servers send "error": "text"
		if json.Unmarshal(er.Error, &msg) == nil {
			return s.clean(msg)
		}
	}
	if utf8.Valid(data) && !bytes.ContainsAny(data, "<{") {
		return s.clean(string(data)) // a short plain-text body
	}
	return ""
}

// clean makes server-provided text fit for an error message: the key
// removed, control characters and line breaks flattened, length bounded.
func (s *Summarizer) clean(msg string) string {
	msg = s.redact(strings.ToValidUTF8(msg, "?"))
	msg = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	return clip(strings.Join(strings.Fields(msg), " "), maxErrorBytes)
}

// redact removes the API key, and anything shaped like an OpenAI key, from
// msg. Servers echo keys (OpenAI quotes a masked form of a wrong one).
func (s *Summarizer) redact(msg string) string {
	if s.key != "" {
		msg = strings.ReplaceAll(msg, s.key, "<secret>")
	}
	if !strings.Contains(msg, "sk-") {
		return msg
	}
	words := strings.Fields(msg)
	for i, w := range words {
		// "sk-" opening a word or after punctuation ("key: sk-..."), not
		// inside one ("task-force").
		if j := strings.Index(w, "sk-"); j >= 0 && (j == 0 || !isWordByte(w[j-1])) {
			words[i] = w[:j] + "<secret>"
		}
	}
	return strings.Join(words, " ")
}

// redactedError keeps the cause (for errors.Is: context.DeadlineExceeded,
// context.Canceled) while printing a message with the key removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactURL hides any password in a URL for messages.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	if strings.Contains(raw, "@") {
		return "<invalid URL>"
	}
	return raw
}

// isWordByte reports whether c is an ASCII letter or digit.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// clip shortens s to at most n bytes without splitting a rune, marking the
// cut with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
