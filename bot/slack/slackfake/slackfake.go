// Package slackfake is a fake Slack for end-to-end tests: the Web API methods the bot calls,
// response_url endpoints, and a Socket Mode websocket that speaks Slack's envelope protocol
// (hello, pings, envelopes, acks, disconnect).
//
// It is built on slack-go's slacktest server, extended with the methods the bot calls. Our own
// handlers are bound first and replace slacktest's where slacktest is wrong for us (no token
// checks, whole-second ts, a non-bot auth.test, a goroutine leaked per posted message). A few
// further methods that slacktest answers with canned data (reactions.add, bots.info,
// conversations.create and friends) are passed through to it after the same token, FailNext and
// SetError handling, so every call is recorded alike. Any other method gets Slack's
// {"ok":false,"error":"unknown_method"}.
//
// Point slack-go at it with slack.OptionAPIURL(s.APIURL()) and, for Socket Mode, an app-level
// token starting with "xapp-" (slack.OptionAppLevelToken). Bot tokens must start with "xoxb-".
//
// Channels are not modelled beyond their history: every channel ID names a channel the bot is a
// member of. chat.postMessage adds to the channel's history (metadata included), which
// conversations.history lists; SetChannelError and FailNextIn make one channel fail.
//
// Faithful details worth knowing:
//   - Missing token: {"ok":false,"error":"not_authed"}. chat.* with a token not starting with
//     "xoxb-": invalid_auth. apps.connections.open with a bot or user token:
//     not_allowed_token_type (slack-go's socketmode client retries that one with backoff; only
//     invalid_auth, not_authed, account_inactive and token_revoked are fatal to it).
//   - chat.postMessage returns ts values with microseconds that strictly increase, rejects a
//     message with no text, blocks or attachments (no_text), more than 50 blocks, a section text
//     over 3,000 or a header over 150 characters (invalid_blocks), more than 13,000 characters of
//     text inside blocks (msg_blocks_too_long) and text over 40,000 characters (msg_too_long).
//     Posting to a user ID answers with that user's DM channel ("D" + the ID without its "U").
//   - chat.postMessage takes "metadata" ({"event_type": ..., "event_payload": {...}}, a form
//     field holding JSON as slack-go sends it, or a JSON member) and answers
//     invalid_metadata_format or invalid_metadata_schema when it is not that shape.
//   - conversations.history lists messages newest first between oldest and latest (exclusive
//     unless inclusive=1), at most limit (default 100, at most 999) a page, with has_more and
//     response_metadata.next_cursor; it leaves out replies in threads, and lists metadata only
//     with include_all_metadata=1. A user ID is not a channel there: channel_not_found.
//   - JSON bodies must carry the token in the Authorization header, as Slack requires; a "token"
//     field inside a JSON body is ignored.
//   - response_url: JSON only, answers 200 text/plain "ok", at most 5 successful uses (then 404
//     "used_url"), 400 "invalid_payload" for a body that is not JSON and 400 "no_text" for a
//     message with no text, blocks or attachments (unless it deletes the original).
//   - Socket Mode: apps.connections.open hands out single-use tickets; the websocket sends hello
//     first, PINGs every 5 s by default (SetPingInterval), and answers the client's pings. Acks of
//     20 KiB or more are dropped, as Slack silently drops them (see OversizedAcks).
package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot/internal/changes"
	"github.com/slack-go/slack/slacktest"
)

// Identities used by the fake and by the payload builders.
const (
	TeamID            = "T0FAKETEAM"
	TeamDomain        = "briefbot-test"
	TeamName          = "Briefbot Test"
	AppID             = "A0FAKEAPP1"
	BotUserID         = "UBOT"
	BotID             = "BBOT"
	BotName           = "briefbot"
	VerificationToken = "fakeVerificationToken0001"
)

// DefaultPingInterval is how often the fake sends websocket PING frames on a Socket Mode
// connection unless SetPingInterval says otherwise. slack-go's client reconnects after 30 s
// without a ping, the Node client after 30 s as well.
const DefaultPingInterval = 5 * time.Second

// maxAckSize is the size at or above which Slack silently drops a Socket Mode response.
const maxAckSize = 20 * 1024

// maxResponseURLUses is how often a response_url may be used.
const maxResponseURLUses = 5

// Call is one recorded request to a Web API method or to a response_url.
type Call struct {
	Method string         // "chat.postMessage" or "response:NAME"
	Token  string         // bearer token or token form field
	Status int            // HTTP status the fake answered
	Form   url.Values     // form-encoded body (and query parameters), if any
	JSON   map[string]any // JSON body, if any (slack-go posts some methods as JSON)
	Raw    []byte         // the body as received
	At     time.Time      // when the request arrived
	// Error is the Slack error the fake answered with ({"ok":false,"error":...}), or "" when
	// it answered ok or failed at the HTTP level (see Status).
	Error string
}

// Field returns a body field as a string: the form value, or the JSON value (strings as they are,
// anything else as JSON text). It returns "" when the field is absent.
func (c Call) Field(name string) string {
	if c.Form != nil {
		if vs, ok := c.Form[name]; ok && len(vs) > 0 {
			return vs[0]
		}
	}
	if c.JSON != nil {
		v, ok := c.JSON[name]
		if !ok || v == nil {
			return ""
		}
		if s, ok := v.(string); ok {
			return s
		}
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	return ""
}

// Text returns the "text" field.
func (c Call) Text() string { return c.Field("text") }

// Channel returns the "channel" field.
func (c Call) Channel() string { return c.Field("channel") }

// ThreadTS returns the "thread_ts" field.
func (c Call) ThreadTS() string { return c.Field("thread_ts") }

// Blocks returns the parsed "blocks", whether they were sent as a form field holding JSON or as
// a JSON array (or a JSON string holding an array). It returns nil when there are none or they
// do not parse.
func (c Call) Blocks() []map[string]any {
	blocks, _ := c.parseBlocks()
	return blocks
}

func (c Call) parseBlocks() ([]map[string]any, error) {
	var raw []byte
	switch {
	case c.Form != nil && c.Form.Get("blocks") != "":
		raw = []byte(c.Form.Get("blocks"))
	case c.JSON != nil && c.JSON["blocks"] != nil:
		if s, ok := c.JSON["blocks"].(string); ok {
			raw = []byte(s)
		} else {
			b, err := json.Marshal(c.JSON["blocks"])
			if err != nil {
				return nil, err
			}
			raw = b
		}
	default:
		return nil, nil
	}
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, err
	}
	return blocks, nil
}

// Ack is one Socket Mode acknowledgement received from the client.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // the "payload" member, nil when the ack had none
	At         time.Time
	// Latency is the time between sending the envelope and receiving its ack, or 0 when the
	// envelope ID was not one the fake sent.
	Latency time.Duration
}

// failure is one pending FailNext answer.
type failure struct {
	status     int
	retryAfter time.Duration
}

// Server is a running fake Slack. All methods are safe for concurrent use.
type Server struct {
	sts       *slacktest.Server
	base      string // "http://127.0.0.1:N/"
	proxy     *httputil.ReverseProxy
	transport *http.Transport

	wg sync.WaitGroup // websocket handlers and their pingers

	mu           sync.Mutex
	changed      changes.Signal // signalled whenever recorded state changes
	closed       bool
	calls        []Call
	failures     map[string][]failure
	errs         map[string]string
	botToken     string // when set, the only bot token accepted
	appToken     string // when set, the only app-level token accepted
	users        map[string]User
	lastTS       int64 // microseconds since the epoch of the last ts handed out
	tickets      map[string]bool
	conns        []*wsConn // live Socket Mode connections, oldest first
	accepted     int
	acks         []Ack
	oversized    []Ack
	sentAt       map[string]time.Time
	envelopes    []Envelope
	pingInterval time.Duration
	pingWake     chan struct{} // closed and replaced when pingInterval changes
	pongs        int
	responseUses map[string]int
	history      map[string][]storedMessage // channel -> messages, oldest first
	chanErrs     map[string]string          // channel -> the Slack error every call naming it gets
}

// New starts a fake on 127.0.0.1 (httptest) and closes it in t.Cleanup: live websocket
// connections are closed and every goroutine the fake started has ended when Cleanup returns.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		failures:     map[string][]failure{},
		errs:         map[string]string{},
		users:        map[string]User{},
		tickets:      map[string]bool{},
		sentAt:       map[string]time.Time{},
		responseUses: map[string]int{},
		history:      map[string][]storedMessage{},
		chanErrs:     map[string]string{},
		pingInterval: DefaultPingInterval,
		pingWake:     make(chan struct{}),
	}
	s.sts = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/api/", s.serveAPI)
		c.Handle("/link/", s.serveLink)
		c.Handle("/response/", s.serveResponseURL)
	})
	s.sts.Start()
	s.base = s.sts.GetAPIURL()
	target, err := url.Parse(s.base)
	if err != nil {
		s.sts.Stop()
		t.Fatalf("slackfake: bad server URL %q: %v", s.base, err)
	}
	s.transport = &http.Transport{DisableKeepAlives: true}
	s.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// slacktest serves its methods at the root: /api/reactions.add -> /reactions.add.
			pr.Out.URL.Path = "/" + pr.In.URL.Path[len("/api/"):]
			pr.Out.URL.RawPath = ""
		},
		Transport: s.transport,
	}
	t.Cleanup(s.close)
	return s
}

// close shuts the fake down and waits for its goroutines.
func (s *Server) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := s.conns
	s.conns = nil
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.shutdown(websocket1001)
	}
	s.wg.Wait()
	s.sts.Stop()
	s.transport.CloseIdleConnections()
}

// APIURL returns the base URL for slack.OptionAPIURL; it ends in "/api/".
func (s *Server) APIURL() string { return s.base + "api/" }

// ResponseURL returns a response_url; POSTs to it are recorded under name (see Responses) and
// as calls of method "response:"+name.
func (s *Server) ResponseURL(name string) string {
	return s.base + "response/" + url.PathEscape(name)
}

// Calls returns the recorded calls of method ("chat.postMessage", "response:NAME"), in order.
// Failed calls are included, with their Status and Error.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

// AllCalls returns every recorded call, in order.
func (s *Server) AllCalls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls of method were recorded and returns them all. On
// timeout it returns the calls recorded so far and an error.
func (s *Server) WaitCalls(method string, n int, timeout time.Duration) ([]Call, error) {
	var got []Call
	ok := s.waitFor(timeout, func() bool {
		got = s.callsLocked(method)
		return len(got) >= n
	})
	if !ok {
		return got, fmt.Errorf("slackfake: %d call(s) of %s after %v, want %d", len(got), method, timeout, n)
	}
	return got, nil
}

// Responses returns the POSTs recorded on ResponseURL(name), in order.
func (s *Server) Responses(name string) []Call { return s.Calls("response:" + name) }

// WaitResponses waits until at least n POSTs to ResponseURL(name) were recorded.
func (s *Server) WaitResponses(name string, n int, timeout time.Duration) ([]Call, error) {
	return s.WaitCalls("response:"+name, n, timeout)
}

// FailNext makes the next n calls of method (a Web API method or "response:NAME") fail with
// HTTP status: 429 carries a Retry-After header of retryAfter rounded up to whole seconds and
// Slack's {"ok":false,"error":"ratelimited"} body; other statuses (5xx) carry a short text body.
// Failed calls are recorded too, with Call.Status set. Repeated calls queue up.
func (s *Server) FailNext(method string, n, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[method] = append(s.failures[method], failure{status: status, retryAfter: retryAfter})
	}
}

// SetError makes every following call of method answer 200 {"ok":false,"error":slackErr}
// (e.g. "not_in_channel", "invalid_auth", "channel_not_found"); "" clears it. A missing or
// wrong token is still reported first, as Slack does.
func (s *Server) SetError(method, slackErr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slackErr == "" {
		delete(s.errs, method)
		return
	}
	s.errs[method] = slackErr
}

// RequireTokens makes the fake accept only these tokens: any other bot token gets invalid_auth
// from bot methods, any other app-level token invalid_auth from apps.connections.open. An empty
// string keeps accepting every token of that kind.
func (s *Server) RequireTokens(botToken, appToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botToken, s.appToken = botToken, appToken
}

// User is what users.info reports about a user.
type User struct {
	ID       string
	Name     string
	RealName string
	TZ       string // IANA zone, e.g. "Europe/Kyiv"; "" means "America/Los_Angeles"
	IsBot    bool
	Deleted  bool
}

// AddUser sets what users.info answers for u.ID. Unknown IDs still get a plausible user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() { s.changed.Broadcast() }

// waitFor waits until cond, evaluated with s.mu held, is true, or timeout passes.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	return s.changed.WaitFor(&s.mu, timeout, cond)
}

// nextTSLocked returns a message ts like "1716199200.000100", strictly increasing.
func (s *Server) nextTSLocked() string {
	us := time.Now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// retryAfterHeader rounds d up to whole seconds.
func retryAfterHeader(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}

// writeJSON answers 200 with v as JSON, the way Slack's Web API does.
func writeJSON(w http.ResponseWriter, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
