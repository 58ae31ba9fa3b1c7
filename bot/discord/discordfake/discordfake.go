package discordfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot/internal/changes"
)

// Identities the fake uses. The application ID and the bot's user ID differ on purpose: they
// are equal for applications created since 2019 but not for older ones, so code must not
// confuse them.
const (
	AppID     = "1247598651823456256" // application id (READY application.id, interactions)
	BotUserID = "1247598652511322112" // the bot's user id (READY user.id, GET /users/@me)
	GuildID   = "1247598653089742848" // the guild in READY and GUILD_CREATE
	ChannelID = "1247598653660168192" // a text channel of GuildID
	BotName   = "briefbot"            // the bot's username
	GuildName = "Briefbot Test"
)

// token is the bot token the fake accepts. It has the shape of a real one: the bot's user ID in
// base64, a timestamp part and an HMAC part.
const token = "MTI0NzU5ODY1MjUxMTMyMjExMg.GfAkE1.discordfake-test-token-0123456789abcdef"

// DefaultHeartbeatInterval is the heartbeat_interval of HELLO unless SetHeartbeatInterval
// changes it (Discord's usual value).
const DefaultHeartbeatInterval = 41250 * time.Millisecond

// DefaultInteractionDeadline is how long after its INTERACTION_CREATE was dispatched an
// interaction may be answered (Discord's 3 seconds).
const DefaultInteractionDeadline = 3 * time.Second

// interactionTokenLife is how long follow-ups and edits may use an interaction token.
const interactionTokenLife = 15 * time.Minute

// Call is one recorded REST request.
type Call struct {
	Method  string // "POST"
	Path    string // without the /api/vN prefix and query, e.g. "/channels/123/messages"
	Route   string // the OpenAPI path template matched, e.g. "/channels/{channel_id}/messages"; "" if none
	Version string // API version from the path ("9", "10"), "" when the path had none
	Auth    string // the Authorization header
	Body    []byte // the body as received
	// JSON is the body when it is a JSON object (for multipart bodies: the payload_json part).
	JSON map[string]any
	// Value is the decoded JSON body whatever its shape (arrays for bulk command overwrites).
	Value      any
	Params     map[string]string // path parameters by name, e.g. "channel_id"
	Query      url.Values
	Files      []string  // file names of a multipart body
	Status     int       // the HTTP status the fake answered
	Violations []string  // problems found in the request, "METHOD route: problem"
	At         time.Time // when the fake received it, by its clock (see SetClock)

	payload []byte // the JSON body, or the payload_json part of a multipart body
}

// failure is one pending FailNext answer.
type failure struct {
	status     int
	retryAfter float64
}

// HandlerFunc answers a route the fake does not serve itself (see Handle). It returns the
// status and a body to encode as JSON (nil: no body).
type HandlerFunc func(c Call) (status int, body any)

// Server is a running fake Discord. All methods are safe for concurrent use.
type Server struct {
	doc  *apiDoc
	hs   *httptest.Server
	base string // "http://127.0.0.1:N"
	host string // "127.0.0.1:N"
	tr   *http.Transport

	wg   sync.WaitGroup // gateway connection handlers
	gwmu sync.Mutex     // orders sequenced gateway writes (READY, dispatches, replays, RESUMED)

	mu      sync.Mutex
	changed changes.Signal // signalled whenever recorded state changes
	closed  bool
	revoked bool

	// REST state.
	calls        []Call
	violations   []string
	failures     map[string][]failure
	handlers     map[string]HandlerFunc
	messages     map[string]*storedMessage
	interactions map[string]*interaction // by token
	commands     map[string][]map[string]any
	dmChannels   map[string]string // channel id -> recipient id
	deadline     time.Duration
	clock        func() time.Time
	lastID       int64                   // the last message ID made, for strictly increasing IDs
	channels     map[string]ChannelState // channels that do not answer as ChannelOK
	nonces       map[nonceKey]nonceEntry // enforce_nonce memory

	// Gateway state.
	heartbeatInterval time.Duration
	privileged        int
	conns             []*gwConn // live connections, oldest first
	connSeq           int
	dials             []GatewayConn
	sessions          map[string]*session
	current           *session
	identifies        int
	resumes           int
	heartbeats        int
	intents           int
	handshakes        int
	handshakesSeen    int
	frames            []Frame
	closes            []Closure
}

// New starts a fake on 127.0.0.1 (httptest) and closes it in t.Cleanup: live gateway
// connections are closed and every goroutine the fake started has ended when Cleanup returns.
// Register the cleanup that closes your client after calling New, so that it runs first.
//
// New skips the test when Discord's OpenAPI document cannot be found (see OpenAPIEnv), except
// under CI=true, where it fails.
func New(t testing.TB) *Server {
	t.Helper()
	doc, err := loadDoc()
	if err != nil {
		if errors.Is(err, errNoDoc) && !isCI() {
			t.Skipf("skipping: %v", err)
		}
		t.Fatalf("discordfake: %v", err)
	}
	s := &Server{
		doc:               doc,
		failures:          map[string][]failure{},
		handlers:          map[string]HandlerFunc{},
		messages:          map[string]*storedMessage{},
		interactions:      map[string]*interaction{},
		commands:          map[string][]map[string]any{},
		dmChannels:        map[string]string{},
		deadline:          DefaultInteractionDeadline,
		clock:             time.Now,
		channels:          map[string]ChannelState{},
		nonces:            map[nonceKey]nonceEntry{},
		heartbeatInterval: DefaultHeartbeatInterval,
		privileged:        IntentGuildMembers | IntentGuildPresences | IntentMessageContent,
		sessions:          map[string]*session{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveREST)
	mux.HandleFunc("/api", s.serveREST)
	mux.HandleFunc("/gw", s.serveGateway)
	mux.HandleFunc("/gw/", s.serveGateway)
	mux.HandleFunc("/gw-resume", s.serveGateway)
	mux.HandleFunc("/gw-resume/", s.serveGateway)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, notFound)
	})
	hs := httptest.NewUnstartedServer(mux)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("discordfake: listen: %v", err)
	}
	hs.Listener = l
	hs.Start()
	s.hs = hs
	s.base = hs.URL
	s.host = strings.TrimPrefix(hs.URL, "http://")
	s.tr = &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
	t.Cleanup(s.close)
	return s
}

func isCI() bool { return strings.EqualFold(strings.TrimSpace(os.Getenv("CI")), "true") }

// close shuts the fake down and waits for its goroutines.
func (s *Server) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := slices.Clone(s.conns)
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.closeWith(closeGoingAway, "")
	}
	s.wg.Wait()
	s.hs.CloseClientConnections()
	s.hs.Close()
	s.tr.CloseIdleConnections()
}

// URL returns the fake's base URL, "http://127.0.0.1:N". The REST API is under URL()+"/api/v10"
// (or v9), the gateway at "ws://127.0.0.1:N/gw".
func (s *Server) URL() string { return s.base }

// GatewayURL returns the URL GET /gateway answers: "ws://127.0.0.1:N/gw".
func (s *Server) GatewayURL() string { return "ws://" + s.host + "/gw" }

// ResumeGatewayURL returns the resume_gateway_url READY carries: "ws://127.0.0.1:N/gw-resume".
// It differs from GatewayURL so tests can see which URL a client resumes on (GatewayConns).
func (s *Server) ResumeGatewayURL() string { return "ws://" + s.host + "/gw-resume" }

// Token returns the bot token the fake accepts: REST wants "Bot "+Token() in Authorization; the
// gateway's IDENTIFY and RESUME take it with or without the "Bot " prefix.
func (s *Server) Token() string { return token }

// RevokeToken makes the fake reject its token from now on, as Discord does once a token is
// reset: REST answers 401 and the gateway closes IDENTIFY and RESUME with 4004.
func (s *Server) RevokeToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// RestoreToken undoes RevokeToken.
func (s *Server) RestoreToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = false
}

// tokenOKLocked reports whether tok (with or without "Bot ") is the accepted token. s.mu must be held.
func (s *Server) tokenOKLocked(tok string) bool {
	return !s.revoked && strings.TrimPrefix(tok, "Bot ") == token
}

// Transport returns a RoundTripper that sends requests for discord.com, discordapp.com,
// discordapp.net and discord.gg (and their subdomains) to the fake, rewriting the URL's scheme
// and host and req.Host. Requests already aimed at the fake pass unchanged; requests for any
// other host fail, so a test never reaches the network.
func (s *Server) Transport() http.RoundTripper { return rewriter{s} }

type rewriter struct{ s *Server }

var discordHost = regexp.MustCompile(`(?i)^([a-z0-9-]+\.)*(discord\.com|discordapp\.com|discordapp\.net|discord\.gg)$`)

func (rw rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	switch {
	case req.URL.Host == rw.s.host:
	case discordHost.MatchString(host):
		req = req.Clone(req.Context())
		req.URL.Scheme = "http"
		req.URL.Host = rw.s.host
		req.Host = rw.s.host
	default:
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, fmt.Errorf("discordfake: refusing request to %s: only Discord hosts are sent to the fake", req.URL.Host)
	}
	return rw.s.tr.RoundTrip(req)
}

// SetInteractionDeadline sets how long after its dispatch an interaction may get its initial
// response (default DefaultInteractionDeadline); later callbacks answer 404 Unknown interaction
// (10062). d <= 0 disables the check.
func (s *Server) SetInteractionDeadline(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadline = d
}

// SetClock makes the fake read the time from now instead of time.Now: for the IDs and
// timestamps of the messages it creates, the enforce_nonce window (NonceWindow), interaction
// deadlines, rate-limit headers and Call.At. Tests move such a clock forward to let time pass
// without sleeping. Keep it roughly in step with the real time when a client reads ages from
// snowflakes. nil restores time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	s.clock = now
}

// nowLocked reads the fake's clock. s.mu must be held.
func (s *Server) nowLocked() time.Time { return s.clock() }

// Calls returns the recorded calls of method to route, in order. route is an OpenAPI path
// template; parameter names do not matter ("/webhooks/{application_id}/{interaction_token}"
// matches the document's "/webhooks/{webhook_id}/{webhook_token}"). A concrete path
// ("/channels/123/messages") matches calls to exactly that path.
func (s *Server) Calls(method, route string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method, route)
}

func (s *Server) callsLocked(method, route string) []Call {
	want := canonRoute(route)
	var out []Call
	for _, c := range s.calls {
		if !strings.EqualFold(c.Method, method) {
			continue
		}
		if (c.Route != "" && canonRoute(c.Route) == want) || c.Path == route {
			out = append(out, c)
		}
	}
	return out
}

// canonRoute strips an /api/vN prefix and blanks parameter names: "/a/{x}/b" -> "/a/{}/b".
func canonRoute(r string) string {
	r = stripAPIPrefix(r)
	segs := strings.Split(r, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

var apiPrefix = regexp.MustCompile(`^/api(/v[0-9]+)?`)

func stripAPIPrefix(p string) string { return apiPrefix.ReplaceAllString(p, "") }

// WaitCalls waits until at least n calls of method to route were recorded and returns them all.
// On timeout it returns the calls recorded so far and an error.
func (s *Server) WaitCalls(method, route string, n int, timeout time.Duration) ([]Call, error) {
	var got []Call
	ok := s.waitFor(timeout, func() bool {
		got = s.callsLocked(method, route)
		return len(got) >= n
	})
	if !ok {
		return got, fmt.Errorf("discordfake: %d call(s) of %s %s after %v, want %d", len(got), method, route, timeout, n)
	}
	return got, nil
}

// AllCalls returns every recorded REST call, in order.
func (s *Server) AllCalls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Violations returns every problem found in request bodies so far, "METHOD route: problem".
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// FailNext makes the next n calls of method to route fail with status, after the
// Authorization check. route is a path template, as for Calls, or a concrete path
// ("/channels/123/messages") to fail the calls about one channel only; failures queued for
// a concrete path are used before those for its template. 429 answers Discord's
// {"message":"You are being rate limited.","retry_after":retryAfter,"global":false} with
// Retry-After (whole seconds, rounded up) and X-RateLimit-* headers (Remaining 0,
// Reset-After retryAfter, Scope user); other statuses (5xx) answer
// {"message":"500: Internal Server Error","code":0} and the like. Bodies are still validated
// and recorded. Repeated calls queue up.
func (s *Server) FailNext(method, route string, n, status int, retryAfter float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToUpper(method) + " " + canonRoute(route)
	for range n {
		s.failures[key] = append(s.failures[key], failure{status: status, retryAfter: retryAfter})
	}
}

// Handle answers method on route (a path template of the document, parameter names as you
// like) with h, for routes the fake does not serve or to replace its answer. Authorization,
// validation and FailNext apply first, as for every route.
func (s *Server) Handle(method, route string, h HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[strings.ToUpper(method)+" "+canonRoute(route)] = h
}

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() { s.changed.Broadcast() }

// waitFor waits until cond, evaluated with s.mu held, is true, or timeout passes.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	return s.changed.WaitFor(&s.mu, timeout, cond)
}

// writeJSON answers status with v as JSON (no body for 204 or a nil v).
func writeJSON(w http.ResponseWriter, status int, v any) {
	if status == http.StatusNoContent || v == nil {
		w.WriteHeader(status)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// apiError is Discord's error body.
func apiError(code int, msg string) map[string]any {
	return map[string]any{"message": msg, "code": code}
}

var notFound = apiError(0, "404: Not Found")
