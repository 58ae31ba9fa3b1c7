package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNet stands in for DNS and the network: names resolve to the
// addresses the test gives (public-looking ones, from TEST-NET), and
// dialling such an address reaches a local httptest server. Connections
// report the address that was dialled as their remote address, as a NAT
// would, so the guard's check of the connected address sees the vetted
// address rather than the loopback the test server listens on.
type fakeNet struct {
	mu      sync.Mutex
	names   map[string][]string // host name -> addresses
	routes  map[string]string   // "ip:port" -> test server's listener
	lookups map[string]int
	dials   []string // addresses asked for, in order
}

func newFakeNet() *fakeNet {
	return &fakeNet{
		names:   make(map[string][]string),
		routes:  make(map[string]string),
		lookups: make(map[string]int),
	}
}

// serve makes name resolve to ip and ip:port reach srv.
func (n *fakeNet) serve(name, ip, port string, srv *httptest.Server) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.names[name] = []string{ip}
	n.routes[net.JoinHostPort(ip, port)] = srv.Listener.Addr().String()
}

// answer makes name resolve to ips without a route (for names that must
// never be dialled).
func (n *fakeNet) answer(name string, ips ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.names[name] = ips
}

func (n *fakeNet) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.lookups[host]++
	ips, ok := n.names[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	out := make([]net.IPAddr, len(ips))
	for i, s := range ips {
		out[i] = net.IPAddr{IP: net.ParseIP(s)}
	}
	return out, nil
}

func (n *fakeNet) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dials = append(n.dials, addr)
	target, ok := n.routes[addr]
	n.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("fake network: no route to %s", addr)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, target)
	if err != nil {
		return nil, err
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		c.Close()
		return nil, err
	}
	return natConn{Conn: c, remote: net.TCPAddrFromAddrPort(ap)}, nil
}

func (n *fakeNet) dialed() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dials...)
}

// natConn reports the address that was dialled as its remote address.
type natConn struct {
	net.Conn
	remote net.Addr
}

func (c natConn) RemoteAddr() net.Addr { return c.remote }

// fakeClock is a settable clock for backoff bookkeeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one test's world: a fake network, a clock, and a Fetcher with
// the guard on (AllowPrivate false) that uses both.
type env struct {
	t     *testing.T
	net   *fakeNet
	clock *fakeClock
	f     *Fetcher
}

func newEnv(t *testing.T, c Config) *env {
	t.Helper()
	e := &env{t: t, net: newFakeNet(), clock: newFakeClock()}
	if c.DialContext == nil {
		c.DialContext = e.net.DialContext
	}
	if c.Resolver == nil {
		c.Resolver = e.net
	}
	if c.Now == nil {
		c.Now = e.clock.Now
	}
	e.f = New(c)
	t.Cleanup(e.f.CloseIdleConnections)
	return e
}

// host starts a test server for handler and makes http://name/ reach it
// through ip (a public-looking address).
func (e *env) host(name, ip string, handler http.Handler) *httptest.Server {
	e.t.Helper()
	srv := httptest.NewServer(handler)
	e.t.Cleanup(srv.Close)
	e.net.serve(name, ip, "80", srv)
	return srv
}

func (e *env) get(url string) (*Response, error) {
	return e.f.Get(context.Background(), Request{URL: url})
}

// requireNoSecret fails when err's message contains secret.
func requireNoSecret(t *testing.T, err error, secret string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error %q reveals %q", err, secret)
	}
}
