package fetch

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestBlockedReason(t *testing.T) {
	cases := []struct {
		addr    string
		blocked bool
	}{
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"10.0.0.1", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true}, // cloud metadata
		{"169.254.1.1", true},
		{"100.64.0.1", true},      // CGNAT
		{"100.100.100.200", true}, // a metadata service inside CGNAT space
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"255.255.255.255", true},
		{"240.0.0.1", true},
		{"198.18.0.1", true},
		{"::", true},
		{"::1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"fc00::1", true},
		{"fd00:ec2::254", true}, // AWS metadata over IPv6
		{"ff02::1", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:169.254.169.254", true},
		{"::ffff:10.1.2.3", true},
		{"::127.0.0.1", true},     // IPv4-compatible
		{"64:ff9b::a00:1", true},  // NAT64 of 10.0.0.1
		{"64:ff9b::7f00:1", true}, // NAT64 of 127.0.0.1
		{"64:ff9b:1::1", true},
		{"2002:c0a8:101::1", true}, // 6to4 of 192.168.1.1

		{"93.184.216.34", false},
		{"8.8.8.8", false},
		{"203.0.113.5", false},
		{"172.32.0.1", false},
		{"100.128.0.1", false},
		{"2606:4700:4700::1111", false},
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", false},  // 6to4 of 8.8.8.8
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tc.addr)
			why := blockedReason(a)
			if (why != "") != tc.blocked {
				t.Fatalf("blockedReason(%s) = %q, want blocked=%v", tc.addr, why, tc.blocked)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	e := newEnv(t, Config{})
	e.net.answer("news.example", "203.0.113.5")
	e.net.answer("intranet.example", "10.0.0.7")
	e.net.answer("mixed.example", "203.0.113.5", "192.168.0.3")
	e.net.answer("v6.example", "2606:4700:4700::1111")
	e.net.answer("mapped.example", "::ffff:127.0.0.1")

	cases := []struct {
		name, raw string
		want      error // nil: accepted
	}{
		{"http", "http://news.example/feed.xml", nil},
		{"https with port", "https://news.example:8443/feed", nil},
		{"upper-case scheme", "HTTPS://news.example/feed", nil},
		{"spaces", "  http://news.example/feed  ", nil},
		{"ipv6 public", "http://v6.example/", nil},
		{"public literal", "http://93.184.216.34/rss", nil},

		{"ftp", "ftp://news.example/feed", ErrBadURL},
		{"file", "file:///etc/passwd", ErrBadURL},
		{"javascript", "javascript:alert(1)", ErrBadURL},
		{"gopher", "gopher://news.example:70/", ErrBadURL},
		{"relative", "/feed.xml", ErrBadURL},
		{"no host", "http:///feed.xml", ErrBadURL},
		{"credentials", "http://user:hunter2@news.example/feed", ErrBadURL},
		{"bad port", "http://news.example:99999/", ErrBadURL},
		{"unresolvable", "http://nowhere.example/", ErrBadURL},
		{"unparsable", "http://news.example/%zz", ErrBadURL},

		{"smtp port", "http://news.example:25/", ErrBlocked},
		{"loopback literal", "http://127.0.0.1/", ErrBlocked},
		{"loopback v6", "http://[::1]:8080/", ErrBlocked},
		{"mapped literal", "http://[::ffff:7f00:1]/", ErrBlocked},
		{"metadata literal", "http://169.254.169.254/latest/meta-data/", ErrBlocked},
		{"link-local zone", "http://[fe80::1%25eth0]/", ErrBlocked},
		{"localhost", "http://localhost:8080/", ErrBlocked},
		{"localhost dot", "http://LOCALHOST./", ErrBlocked},
		{"sub.localhost", "http://feeds.localhost/", ErrBlocked},
		{"gce metadata", "http://metadata.google.internal/computeMetadata/v1/", ErrBlocked},
		{"private answer", "http://intranet.example/feed", ErrBlocked},
		{"one private answer", "http://mixed.example/feed", ErrBlocked},
		{"mapped answer", "http://mapped.example/feed", ErrBlocked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := e.f.CheckURL(context.Background(), tc.raw)
			if tc.want == nil {
				if err != nil || u == nil {
					t.Fatalf("CheckURL(%q) = %v, %v; want accepted", tc.raw, u, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("CheckURL(%q) err = %v, want %v", tc.raw, err, tc.want)
			}
			requireNoSecret(t, err, "hunter2")
		})
	}
}

func TestCheckURLAllowPrivate(t *testing.T) {
	e := newEnv(t, Config{AllowPrivate: true})
	for _, raw := range []string{"http://127.0.0.1:8080/feed", "http://localhost/", "http://10.0.0.1:25/", "http://intranet/"} {
		if _, err := e.f.CheckURL(context.Background(), raw); err != nil {
			t.Errorf("CheckURL(%q) with AllowPrivate: %v", raw, err)
		}
	}
	if len(e.net.lookups) != 0 {
		t.Errorf("looked names up with AllowPrivate: %v", e.net.lookups)
	}
	for _, raw := range []string{"ftp://10.0.0.1/", "http://u:p@localhost/"} {
		if _, err := e.f.CheckURL(context.Background(), raw); !errors.Is(err, ErrBadURL) {
			t.Errorf("CheckURL(%q) with AllowPrivate err = %v, want ErrBadURL", raw, err)
		}
	}
}

// Redirects are checked hop by hop: a public feed cannot bounce the bot to
// an internal address, by literal, by name or by DNS answer.
func TestRedirectToForbiddenTarget(t *testing.T) {
	var internalHits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internalHits.Add(1)
		io.WriteString(w, "secret")
	}))
	t.Cleanup(internal.Close)
	_, internalPort, _ := net.SplitHostPort(internal.Listener.Addr().String())

	cases := []struct {
		name, target string
		want         error
	}{
		{"loopback", "http://127.0.0.1:" + internalPort + "/admin", ErrBlocked},
		{"metadata", "http://169.254.169.254/latest/meta-data/iam/", ErrBlocked},
		{"name to private", "http://intranet.example:" + internalPort + "/", ErrBlocked},
		{"localhost", "http://localhost:" + internalPort + "/", ErrBlocked},
		{"mapped v6", "http://[::ffff:127.0.0.1]:" + internalPort + "/", ErrBlocked},
		{"ssh port", "http://cdn.example:22/", ErrBlocked},
		{"file scheme", "file:///etc/passwd", ErrBadURL},
		{"credentials", "http://admin:pw@cdn.example/", ErrBadURL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			e.net.answer("intranet.example", "10.0.0.1")
			e.net.answer("cdn.example", "203.0.113.6")
			e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.target, http.StatusFound)
			}))
			_, err := e.get("http://news.example/feed.xml")
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			for _, d := range e.net.dialed() {
				if d != "203.0.113.5:80" {
					t.Fatalf("dialled %s", d)
				}
			}
		})
	}
	if internalHits.Load() != 0 {
		t.Fatalf("the internal server was reached %d times", internalHits.Load())
	}
}

// A name that passed CheckURL and then answers a private address (DNS
// rebinding) is refused at connect time, without dialling.
func TestDNSRebinding(t *testing.T) {
	e := newEnv(t, Config{})
	var hits atomic.Int32
	e.host("rebind.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	if _, err := e.f.CheckURL(context.Background(), "http://rebind.example/feed"); err != nil {
		t.Fatal(err)
	}
	e.net.answer("rebind.example", "127.0.0.1")
	_, err := e.get("http://rebind.example/feed")
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("err = %v, want ErrBlocked", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("error %q does not say where the name pointed", err)
	}
	if hits.Load() != 0 || len(e.net.dialed()) != 0 {
		t.Fatalf("hits = %d, dialled %v; want nothing", hits.Load(), e.net.dialed())
	}
}

// The address actually connected is checked too: a dialer that lands on
// loopback (here: one that does not translate addresses) is refused.
func TestConnectedAddressChecked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, feedXML)
	}))
	t.Cleanup(srv.Close)
	var d net.Dialer
	e := newEnv(t, Config{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}})
	e.net.answer("news.example", "203.0.113.5")
	_, err := e.get("http://news.example/")
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("err = %v, want ErrBlocked for a connection that reached loopback", err)
	}
}

func TestGetRefusesBadURLs(t *testing.T) {
	e := newEnv(t, Config{})
	cases := []struct {
		raw  string
		want error
	}{
		{"file:///etc/passwd", ErrBadURL},
		{"gopher://news.example/", ErrBadURL},
		{"news.example/feed", ErrBadURL},
		{"http://user:hunter2@news.example/", ErrBadURL},
		{"http://127.0.0.1/", ErrBlocked},
		{"http://[::1]/", ErrBlocked},
		{"http://metadata.google.internal/", ErrBlocked},
	}
	for _, tc := range cases {
		_, err := e.get(tc.raw)
		if !errors.Is(err, tc.want) {
			t.Errorf("Get(%q) err = %v, want %v", tc.raw, err, tc.want)
		}
		requireNoSecret(t, err, "hunter2")
	}
	if d := e.net.dialed(); len(d) != 0 {
		t.Fatalf("dialled %v", d)
	}
}

// With AllowPrivate the operator's intranet feeds work, names go to the
// dialer as they are, and no lookup is made.
func TestAllowPrivate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, feedXML)
	}))
	t.Cleanup(srv.Close)
	f := New(Config{AllowPrivate: true})
	t.Cleanup(f.CloseIdleConnections)
	resp, err := f.Get(context.Background(), Request{URL: srv.URL + "/feed.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != feedXML {
		t.Fatalf("body = %q", resp.Body)
	}

	var asked []string
	var d net.Dialer
	f2 := New(Config{AllowPrivate: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		asked = append(asked, addr)
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}})
	t.Cleanup(f2.CloseIdleConnections)
	if _, err := f2.Get(context.Background(), Request{URL: "http://intranet.local:8080/feed"}); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != "intranet.local:8080" {
		t.Fatalf("dialer asked for %v, want the name", asked)
	}
}

// Proxy settings in the environment are ignored: a proxy would make the
// connection and escape the guard.
func TestIgnoresProxyEnvironment(t *testing.T) {
	var proxyHits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxyHits.Add(1)
	}))
	t.Cleanup(proxy.Close)
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")

	e := newEnv(t, Config{})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, feedXML)
	}))
	if _, err := e.get("http://news.example/"); err != nil {
		t.Fatal(err)
	}
	if proxyHits.Load() != 0 {
		t.Fatal("request went through the environment's proxy")
	}
}
