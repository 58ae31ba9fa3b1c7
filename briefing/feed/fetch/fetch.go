// Package fetch downloads feeds for briefbot, politely and safely.
//
// Feeds are polled unattended, many at a time, and their URLs can be typed
// into chat by anyone allowed to add a source. So every download goes
// through one Fetcher that is polite to the publisher (conditional GET,
// gzip, a descriptive User-Agent, at most one request in flight per host,
// and backing off when a host answers 429 or 503) and safe for the bot
// (a size cap, one timeout covering the whole exchange, and a guard that
// keeps requests, redirects and DNS answers away from loopback, private,
// link-local and metadata addresses unless the operator allows them).
//
// A Fetcher holds no goroutines of its own; it keeps per-host state (a
// slot and a backoff deadline) in memory, so it should be shared by every
// caller that polls feeds.
package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults used when a Config field is left zero.
const (
	DefaultUserAgent    = "briefbot/1.0 (+https://github.com/briefbot/briefbot; news timeline bot)"
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBytes     = 10 << 20
	DefaultMaxRedirects = 5

	// DefaultAccept asks for the feed formats first, then anything (a
	// site's HTML page is fetched for feed autodiscovery).
	DefaultAccept = "application/rss+xml, application/atom+xml, application/feed+json, " +
		"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)

// Backoff bounds after a 429 or 503.
const (
	// maxRetryAfter caps what a host may ask for in Retry-After, so a
	// mistaken header cannot silence a source for days.
	maxRetryAfter = 6 * time.Hour
	// firstBackoff and maxBackoff bound our own exponential backoff when
	// a 429 or 503 carries no usable Retry-After.
	firstBackoff = time.Minute
	maxBackoff   = time.Hour
	// drainBytes is how much of an error response is read so the
	// connection can be reused.
	drainBytes = 4 << 10
)

// Errors that Get and CheckURL wrap; test them with errors.Is.
var (
	// ErrBlocked: the target (its name, an address it resolves to, the
	// address connected, its port, or a redirect's target) is one a feed
	// may not reach.
	ErrBlocked = errors.New("target address is not allowed")
	// ErrBadURL: the URL is not an absolute http(s) URL with a host and
	// no credentials, or its host does not resolve (CheckURL).
	ErrBadURL = errors.New("invalid feed URL")
	// ErrTooLarge: the decoded body is larger than Config.MaxBytes.
	ErrTooLarge = errors.New("response too large")
	// ErrRedirects: more redirects than Config.MaxRedirects, for
	// example a loop.
	ErrRedirects = errors.New("too many redirects")
	// ErrTimeout: the whole exchange (connect, headers and body) took
	// longer than Config.Timeout. Errors wrapping it also wrap
	// context.DeadlineExceeded.
	ErrTimeout = errors.New("timed out")
)

// Resolver looks up a host name's addresses; *net.Resolver satisfies it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Config sets up a Fetcher. The zero value is usable: every zero field
// takes its default.
type Config struct {
	// UserAgent identifies the bot to publishers (DefaultUserAgent).
	UserAgent string
	// Timeout bounds the whole request: connect, headers and body
	// (DefaultTimeout).
	Timeout time.Duration
	// MaxBytes caps the decoded body; a larger one is ErrTooLarge
	// (DefaultMaxBytes).
	MaxBytes int64
	// MaxRedirects is how many redirects one Get follows; zero means
	// DefaultMaxRedirects, a negative value follows none.
	MaxRedirects int
	// AllowPrivate is the operator's opt-in to loopback, private and
	// link-local targets (an intranet feed). It turns off the address
	// guard and the low-port rule; the scheme rule stays.
	AllowPrivate bool
	// DialContext, when set, replaces the network dialer. Unless
	// AllowPrivate, it is called with an "IP:port" the guard has
	// already vetted (never a name), and the remote address of the
	// connection it returns is checked too: a connection whose
	// RemoteAddr is private, or not an IP address, is refused. With
	// AllowPrivate it is called with the URL's "host:port".
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Resolver looks names up for the guard (net.DefaultResolver).
	// Unused with AllowPrivate.
	Resolver Resolver
	// Now is the clock for backoff bookkeeping (time.Now).
	Now func() time.Time
}

// Request is one feed download.
type Request struct {
	URL string
	// ETag and LastModified are the validators from the previous
	// response, sent as If-None-Match and If-Modified-Since.
	ETag         string
	LastModified string
	// Accept overrides DefaultAccept.
	Accept string
}

// Response is a successful (2xx) or not-modified (304) answer.
type Response struct {
	Status int
	// NotModified is true for a 304; Body is then empty, and ETag and
	// LastModified are the server's if it repeated them, else the
	// request's, so they can always be stored as they are.
	NotModified bool
	// Body is the decoded body, at most Config.MaxBytes long.
	Body        []byte
	ContentType string
	// ETag and LastModified are the validators to send next time.
	ETag         string
	LastModified string
	// FinalURL is the URL that answered, after redirects.
	FinalURL string
}

// StatusError is an answer other than 2xx or 304.
type StatusError struct {
	Status int
	// RetryAfter is, for 429 and 503, how long this Fetcher will now
	// refuse requests to the host (Retry-After capped at 6 hours, or its
	// own backoff); for other statuses the Retry-After header, if any.
	RetryAfter time.Duration
}

// Error says which status came back.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if t := http.StatusText(e.Status); t != "" {
		s += " " + t
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// BackoffError is returned at once, without a request, while a host that
// answered 429 or 503 is being left alone.
type BackoffError struct {
	// Host is the lowercased "hostname:port" of the requested URL.
	Host  string
	Until time.Time
}

// Error says which host and until when.
func (e *BackoffError) Error() string {
	return fmt.Sprintf("fetch %s: backing off after 429/503 until %s",
		e.Host, e.Until.UTC().Format(time.RFC3339))
}

// Fetcher downloads feeds. It is safe for concurrent use.
type Fetcher struct {
	cfg       Config
	transport *http.Transport
	client    *http.Client

	mu      sync.Mutex
	slots   map[string]*hostSlot
	backoff map[string]backoffState
	// waitHook, when set (by tests), is called when a Get finds its
	// host busy and is about to wait.
	waitHook func(host string)
}

// hostSlot lets one request per host run; refs counts the holder and the
// waiters so the slot can be dropped when nobody uses it.
type hostSlot struct {
	ch   chan struct{}
	refs int
}

// backoffState is a host's backoff: no request before until; strikes
// counts the 429/503 answers since the last success.
type backoffState struct {
	until   time.Time
	strikes int
}

// New returns a Fetcher with c's zero fields set to their defaults.
func New(c Config) *Fetcher {
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	switch {
	case c.MaxRedirects == 0:
		c.MaxRedirects = DefaultMaxRedirects
	case c.MaxRedirects < 0:
		c.MaxRedirects = 0
	}
	if c.DialContext == nil {
		d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
		c.DialContext = d.DialContext
	}
	if c.Resolver == nil {
		c.Resolver = net.DefaultResolver
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	f := &Fetcher{
		cfg:     c,
		slots:   make(map[string]*hostSlot),
		backoff: make(map[string]backoffState),
	}
	f.transport = &http.Transport{
		// No proxy: a proxy from the environment would make the
		// connection, and its target would escape the guard.
		Proxy:               nil,
		DialContext:         f.dial,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		// gzip is asked for and decoded here, so the size cap applies
		// to the decoded bytes.
		DisableCompression:     true,
		MaxResponseHeaderBytes: 1 << 20,
	}
	f.client = &http.Client{Transport: f.transport, CheckRedirect: f.checkRedirect}
	return f
}

// CloseIdleConnections closes kept-alive connections, for shutdown; the
// Fetcher stays usable.
func (f *Fetcher) CloseIdleConnections() { f.transport.CloseIdleConnections() }

// CheckURL validates a URL a user typed before it is stored: http or
// https, a host, no credentials, an allowed port, and, unless the
// operator allows private targets, a host that resolves only to public
// addresses. The error wraps ErrBadURL or ErrBlocked and never repeats
// the URL, which may hold secrets. Get checks again at every request,
// since DNS answers change.
func (f *Fetcher) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	u, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	if err := f.vetURL(u); err != nil {
		return nil, err
	}
	if f.cfg.AllowPrivate {
		return u, nil
	}
	if _, err := f.resolve(ctx, u.Hostname()); err != nil {
		if errors.Is(err, ErrBlocked) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	return u, nil
}

// Get downloads r.URL. It waits while another request to the same host is
// in flight, returns a *BackoffError at once while the host is backed off,
// and otherwise returns the 2xx or 304 response, or an error that wraps
// ErrBadURL, ErrBlocked, ErrTooLarge, ErrRedirects, ErrTimeout, a
// *StatusError, or the network's error. Errors name the host, not the
// whole URL.
func (f *Fetcher) Get(ctx context.Context, r Request) (*Response, error) {
	u, err := parseURL(r.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	if err := f.vetURL(u); err != nil {
		if u.Host == "" {
			return nil, fmt.Errorf("fetch: %w", err)
		}
		return nil, fmt.Errorf("fetch %s: %w", u.Host, err)
	}
	key := hostKey(u)
	if err := f.checkBackoff(key); err != nil {
		return nil, err
	}
	release, err := f.acquire(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: waiting for the previous request to this host: %w", u.Host, err)
	}
	defer release()
	// The request we waited for may have been told to back off.
	if err := f.checkBackoff(key); err != nil {
		return nil, err
	}
	return f.do(ctx, u, r, key)
}

// do makes the request; the caller holds the host's slot.
func (f *Fetcher) do(ctx context.Context, u *url.URL, r Request, key string) (*Response, error) {
	tctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(tctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u.Host, err)
	}
	accept := r.Accept
	if accept == "" {
		accept = DefaultAccept
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Encoding", "gzip")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.requestError(ctx, tctx, u, err)
	}
	defer resp.Body.Close()

	out := &Response{
		Status:       resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		FinalURL:     resp.Request.URL.String(),
	}
	switch code := resp.StatusCode; {
	case code == http.StatusNotModified:
		f.clearBackoff(key)
		out.NotModified = true
		out.ContentType = ""
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	case code >= 200 && code < 300:
		body, err := f.readBody(resp)
		if err != nil {
			return nil, f.requestError(ctx, tctx, u, err)
		}
		f.clearBackoff(key)
		out.Body = body
		return out, nil
	default:
		se := &StatusError{
			Status:     code,
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), f.cfg.Now()),
		}
		if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			se.RetryAfter = f.recordBackoff(key, se.RetryAfter)
		}
		_, _ = io.CopyN(io.Discard, resp.Body, drainBytes)
		return nil, fmt.Errorf("fetch %s: %w", u.Host, se)
	}
}

// requestError turns a client or body error into one that names the host
// only (the url package's errors quote the whole URL, query included) and
// reports the request's own deadline as ErrTimeout.
func (f *Fetcher) requestError(ctx, tctx context.Context, u *url.URL, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	for _, known := range []error{ErrBlocked, ErrBadURL, ErrRedirects, ErrTooLarge} {
		if errors.Is(err, known) {
			return fmt.Errorf("fetch %s: %w", u.Host, err)
		}
	}
	if ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("fetch %s: %w after %s (%w)", u.Host, ErrTimeout, f.cfg.Timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("fetch %s: %w", u.Host, err)
}

// checkRedirect vets every redirect like the first URL; the dialer then
// vets the addresses its name resolves to.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.cfg.MaxRedirects {
		return fmt.Errorf("%w: stopped after %d", ErrRedirects, f.cfg.MaxRedirects)
	}
	if err := f.vetURL(req.URL); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL.Host, err)
	}
	return nil
}

// readBody reads the body, decoding gzip, and stops one byte past
// MaxBytes so neither a huge body nor a gzip bomb is read to the end.
func (f *Fetcher) readBody(resp *http.Response) ([]byte, error) {
	limit := f.cfg.MaxBytes
	tooLarge := fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	var src io.Reader = resp.Body
	var buf bytes.Buffer
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if resp.ContentLength > limit {
			return nil, tooLarge
		}
		if resp.ContentLength > 0 {
			buf.Grow(int(resp.ContentLength))
		}
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if errors.Is(err, io.EOF) {
			return nil, nil // an empty body sent as gzip
		}
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		src = zr
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	n, err := buf.ReadFrom(io.LimitReader(src, limit+1))
	if n > limit {
		return nil, tooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return buf.Bytes(), nil
}

// hostKey is the lowercased "hostname:port" that per-host limits use.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	return net.JoinHostPort(host, port)
}

// acquire waits for host's slot, or for ctx; the returned func frees it.
func (f *Fetcher) acquire(ctx context.Context, host string) (func(), error) {
	f.mu.Lock()
	s := f.slots[host]
	if s == nil {
		s = &hostSlot{ch: make(chan struct{}, 1)}
		f.slots[host] = s
	}
	s.refs++
	hook := f.waitHook
	f.mu.Unlock()

	select {
	case s.ch <- struct{}{}:
	default:
		if hook != nil {
			hook(host)
		}
		select {
		case s.ch <- struct{}{}:
		case <-ctx.Done():
			f.unref(host, s)
			return nil, ctx.Err()
		}
	}
	return func() {
		<-s.ch
		f.unref(host, s)
	}, nil
}

func (f *Fetcher) unref(host string, s *hostSlot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.refs--
	if s.refs == 0 {
		delete(f.slots, host)
	}
}

// checkBackoff returns a *BackoffError while host is backed off.
func (f *Fetcher) checkBackoff(host string) error {
	now := f.cfg.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, ok := f.backoff[host]; ok && now.Before(st.until) {
		return &BackoffError{Host: host, Until: st.until}
	}
	return nil
}

// recordBackoff notes a 429 or 503 from host and returns how long it will
// be left alone: retryAfter when the host gave one, else one minute
// doubling with each answer up to an hour.
func (f *Fetcher) recordBackoff(host string, retryAfter time.Duration) time.Duration {
	now := f.cfg.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.backoff[host]
	d := retryAfter
	if d <= 0 {
		d = maxBackoff
		if st.strikes < 6 { // 1m << 6 is past the cap
			d = min(firstBackoff<<st.strikes, maxBackoff)
		}
	}
	st.strikes++
	st.until = now.Add(d)
	f.backoff[host] = st
	return d
}

// clearBackoff forgets host's backoff after a success.
func (f *Fetcher) clearBackoff(host string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.backoff, host)
}

// parseRetryAfter reads a Retry-After value, in seconds or as an HTTP
// date, capped at maxRetryAfter; zero when absent, invalid or past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := parseSeconds(v); err == nil {
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// parseSeconds parses a non-negative decimal integer (delta-seconds).
func parseSeconds(v string) (int64, error) {
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, errors.New("not delta-seconds")
		}
		if n > 1<<40 { // far past the cap; stop before overflow
			return n, nil
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}
