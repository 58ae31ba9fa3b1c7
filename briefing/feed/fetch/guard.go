package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// blockedNet is an address range a feed URL from chat may not reach, with
// the reason shown to the user.
type blockedNet struct {
	prefix netip.Prefix
	why    string
}

// blockedNets lists the ranges refused unless the operator allows private
// targets. Order matters only for the reason reported: the narrower
// ranges come first. The table is never written after initialisation.
var blockedNets = []blockedNet{
	// IPv4.
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\" address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local or cloud metadata address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast address"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved address"},
	// IPv6.
	{netip.MustParsePrefix("::/128"), "unspecified address"},
	{netip.MustParsePrefix("::1/128"), "loopback address"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64 address"},
	{netip.MustParsePrefix("100::/64"), "discard-only address"},
	{netip.MustParsePrefix("fc00::/7"), "unique local address"},
	{netip.MustParsePrefix("fe80::/10"), "link-local address"},
	{netip.MustParsePrefix("fec0::/10"), "site-local address"},
	{netip.MustParsePrefix("ff00::/8"), "multicast address"},
}

var (
	nat64Prefix    = netip.MustParsePrefix("64:ff9b::/96")
	sixToFourRange = netip.MustParsePrefix("2002::/16")
)

// blockedReason says why a may not be reached, or "" when it may. IPv6
// forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged
// by the embedded address, so ::ffff:127.0.0.1 is loopback.
func blockedReason(a netip.Addr) string {
	a = a.WithZone("")
	if !a.IsValid() {
		return "invalid address"
	}
	if a.Is4In6() {
		return blockedReason(a.Unmap())
	}
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64Prefix.Contains(a):
			if why := blockedReason(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
				return why + " (through NAT64)"
			}
			return ""
		case sixToFourRange.Contains(a):
			if why := blockedReason(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
				return why + " (through 6to4)"
			}
		}
	}
	for _, n := range blockedNets {
		if n.prefix.Contains(a) {
			return n.why
		}
	}
	return ""
}

// blockedName reports whether a host name is refused before any lookup:
// names that mean "this machine" or a cloud metadata service whatever DNS
// answers.
func blockedName(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	return h == "localhost" || strings.HasSuffix(h, ".localhost") ||
		h == "metadata.google.internal"
}

// parseURL parses a URL a user or a feed gave; vetURL then judges it.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// The url package quotes the whole input, which may hold
		// credentials; keep only its reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	return u, nil
}

// vetURL applies the checks that need no lookup, to the first URL and to
// every redirect: http or https only, a host, no credentials, an allowed
// port, and (unless private targets are allowed) no forbidden name or
// literal address.
func (f *Fetcher) vetURL(u *url.URL) error {
	switch u.Scheme {
	case "http", "https":
	case "":
		return fmt.Errorf("%w: not an absolute URL (want http:// or https://)", ErrBadURL)
	default:
		return fmt.Errorf("%w: scheme %q is not supported (want http or https)", ErrBadURL, u.Scheme)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return fmt.Errorf("%w: no host name", ErrBadURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: credentials in the URL are not accepted", ErrBadURL)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: invalid port %q", ErrBadURL, p)
		}
		// Low ports other than the web's own belong to other protocols
		// (SMTP, SSH, ...), which a request could be smuggled into.
		if !f.cfg.AllowPrivate && n < 1024 && n != 80 && n != 443 {
			return fmt.Errorf("%w: port %d (only 80, 443 or 1024 and above)", ErrBlocked, n)
		}
	}
	if f.cfg.AllowPrivate {
		return nil
	}
	host := u.Hostname()
	if blockedName(host) {
		return fmt.Errorf("%w: %s is a local or metadata host name", ErrBlocked, host)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if why := blockedReason(a); why != "" {
			return fmt.Errorf("%w: %s is a %s", ErrBlocked, host, why)
		}
	}
	return nil
}

// resolve looks host up and returns its addresses, or an error wrapping
// ErrBlocked when the name or any of its addresses is forbidden. Refusing
// when any answer is private (rather than dialling the others) keeps a
// name that half-points inside from being usable at all.
func (f *Fetcher) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if blockedName(host) {
		return nil, fmt.Errorf("%w: %s is a local or metadata host name", ErrBlocked, host)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if why := blockedReason(a); why != "" {
			return nil, fmt.Errorf("%w: %s is a %s", ErrBlocked, host, why)
		}
		return []netip.Addr{a.Unmap()}, nil
	}
	answers, err := f.cfg.Resolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	if len(answers) == 0 {
		return nil, fmt.Errorf("resolve %s: no addresses", host)
	}
	addrs := make([]netip.Addr, 0, len(answers))
	for _, ans := range answers {
		a, ok := netip.AddrFromSlice(ans.IP)
		if !ok {
			return nil, fmt.Errorf("resolve %s: invalid answer %v", host, ans.IP)
		}
		if why := blockedReason(a); why != "" {
			return nil, fmt.Errorf("%w: %s resolves to %s, a %s", ErrBlocked, host, a.Unmap(), why)
		}
		addrs = append(addrs, a.Unmap())
	}
	return addrs, nil
}

// dial is the transport's dialer. Unless private targets are allowed it
// resolves the name itself and connects to the vetted addresses only, so
// a DNS answer that changes between the check and the connection cannot
// lead elsewhere; TLS and the Host header still use the name, because the
// transport adds them above this connection. It then checks the remote
// address of the connection it got, in case the dialer went elsewhere.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if f.cfg.AllowPrivate {
		return f.cfg.DialContext(ctx, network, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := f.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, a := range addrs {
		conn, err := f.cfg.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if err := checkConnected(conn, host); err != nil {
			conn.Close()
			return nil, err
		}
		return conn, nil
	}
	return nil, firstErr
}

// checkConnected refuses a connection whose remote end is a forbidden
// address, or cannot be told (failing closed).
func checkConnected(conn net.Conn, host string) error {
	ra := conn.RemoteAddr()
	var ap netip.AddrPort
	if tcp, ok := ra.(*net.TCPAddr); ok {
		ap = tcp.AddrPort()
	} else if ra != nil {
		p, err := netip.ParseAddrPort(ra.String())
		if err != nil {
			return fmt.Errorf("%w: connection to %s has no IP remote address (%s)", ErrBlocked, host, ra)
		}
		ap = p
	} else {
		return fmt.Errorf("%w: connection to %s has no remote address", ErrBlocked, host)
	}
	if why := blockedReason(ap.Addr()); why != "" {
		return fmt.Errorf("%w: connection to %s reached %s, a %s", ErrBlocked, host, ap.Addr().Unmap(), why)
	}
	return nil
}
