package discord

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// FatalCloseError reports that Discord closed the gateway with a code that
// reconnecting cannot cure: a rejected token, intents the application may
// not use, or a sharding or version problem. Run returns it.
// https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
type FatalCloseError struct {
	Code int
}

// Error says what the code means and what to do about it.
func (e *FatalCloseError) Error() string {
	var what string
	switch e.Code {
	case 4004:
		what = "authentication failed: Discord rejected the bot token; copy the token from the Bot page of the application in the Developer Portal into DISCORD_BOT_TOKEN (or discord.token_file)"
	case 4010:
		what = "invalid shard: briefbot connects as a single shard"
	case 4011:
		what = "sharding required: the bot is in too many servers for one gateway connection, and briefbot does not shard"
	case 4012:
		what = "invalid API version: this discordgo speaks a gateway version Discord no longer accepts; upgrade briefbot"
	case 4013:
		what = "invalid intents: the intents briefbot sent were not understood"
	case 4014:
		what = "disallowed intents: Discord refused the intents briefbot asked for (Guild Messages and Direct Messages, which need no approval); check the application's Bot settings in the Developer Portal"
	default:
		what = "closed for good"
	}
	return fmt.Sprintf("discord: the gateway closed the connection with code %d, %s", e.Code, what)
}

// fatalClose returns a *FatalCloseError for the close codes Discord
// documents as "do not reconnect", else nil.
func fatalClose(code int) error {
	switch code {
	case 4004, 4010, 4011, 4012, 4013, 4014:
		return &FatalCloseError{Code: code}
	}
	return nil
}

// gatewayCloseCode returns the close code in an error from Open, or 0.
func gatewayCloseCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

// connTracker dials the gateway's websocket connections for discordgo. It
// remembers the latest, so that an Open that hangs (discordgo waits for
// HELLO and READY without a deadline) can be cut short, and it reads the
// close code Discord sends on it: discordgo drops that code, and the
// adapter needs it to tell "reconnect" from "stop, the token is bad".
type connTracker struct {
	dialer net.Dialer
	proxy  func(*http.Request) (*url.URL, error)

	mu  sync.Mutex
	cur *watchedConn
}

// dialer returns the websocket dialer for discordgo's Session.Dialer.
// TLS is done here rather than by the websocket library, so that the
// tracked connection carries the websocket frames in the clear.
func (t *connTracker) websocketDialer(handshake time.Duration) *websocket.Dialer {
	return &websocket.Dialer{
		HandshakeTimeout: handshake,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := t.dialDirectOrProxy(ctx, network, addr, "http")
			if err != nil {
				return nil, err
			}
			return t.watch(c), nil
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := t.dialDirectOrProxy(ctx, network, addr, "https")
			if err != nil {
				return nil, err
			}
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				host = addr
			}
			tc := tls.Client(raw, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
			if err := tc.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			return t.watch(tc), nil
		},
	}
}

// gatewayHost is where Discord's gateway is, as GET /gateway answers it.
const gatewayHost = "gateway.discord.gg:443"

// ProxyError reports that the environment names a proxy for the gateway
// that the adapter cannot use: only http:// proxies (HTTP CONNECT) are
// supported for the gateway's websocket. Reconnecting cannot cure it, so
// Run returns it.
type ProxyError struct {
	Variable string // HTTPS_PROXY, or HTTP_PROXY for a ws:// gateway
	Proxy    string // the proxy's URL, its password hidden
	Scheme   string
}

func (e *ProxyError) Error() string {
	return fmt.Sprintf("discord: %s names a %s:// proxy (%s), which the gateway connection cannot use: set %s to an http:// proxy, or add the gateway (%s) to NO_PROXY",
		e.Variable, e.Scheme, e.Proxy, e.Variable, "gateway.discord.gg")
}

// proxyFor returns the proxy the environment names for a connection to
// addr with scheme ("https" for wss://, "http" for ws://), or nil, and a
// *ProxyError when that proxy cannot be used.
func (t *connTracker) proxyFor(addr, scheme string) (*url.URL, error) {
	if t.proxy == nil {
		return nil, nil
	}
	u, err := t.proxy(&http.Request{URL: &url.URL{Scheme: scheme, Host: addr}})
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	if u != nil && u.Scheme != "http" {
		v := "HTTPS_PROXY"
		if scheme == "http" {
			v = "HTTP_PROXY"
		}
		return nil, &ProxyError{Variable: v, Proxy: u.Redacted(), Scheme: u.Scheme}
	}
	return u, nil
}

// checkProxy fails when the environment names, for the gateway at addr, a
// proxy the adapter cannot use.
func (t *connTracker) checkProxy(addr string) error {
	_, err := t.proxyFor(addr, "https")
	var pe *ProxyError
	if errors.As(err, &pe) {
		return err
	}
	return nil
}

// dialDirectOrProxy opens a TCP connection to addr, through the HTTP proxy
// the environment names for scheme (HTTPS_PROXY, NO_PROXY...) if any.
func (t *connTracker) dialDirectOrProxy(ctx context.Context, network, addr, scheme string) (net.Conn, error) {
	proxyURL, err := t.proxyFor(addr, scheme)
	if err != nil {
		return nil, err
	}
	if proxyURL == nil {
		return t.dialer.DialContext(ctx, network, addr)
	}
	proxyAddr := proxyURL.Host
	if proxyURL.Port() == "" {
		proxyAddr = net.JoinHostPort(proxyURL.Hostname(), "80")
	}
	c, err := t.dialer.DialContext(ctx, network, proxyAddr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	req := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	if u := proxyURL.User; u != nil {
		pw, _ := u.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pw)) + "\r\n"
	}
	if _, err := c.Write([]byte(req + "\r\n")); err != nil {
		c.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || br.Buffered() > 0 {
		c.Close()
		return nil, fmt.Errorf("proxy refused the tunnel: %s", resp.Status)
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// watch makes c the tracked connection.
func (t *connTracker) watch(c net.Conn) net.Conn {
	w := &watchedConn{Conn: c}
	t.mu.Lock()
	t.cur = w
	t.mu.Unlock()
	return w
}

// abort closes the latest connection, which makes a pending Open fail.
func (t *connTracker) abort() {
	t.mu.Lock()
	c := t.cur
	t.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// forget drops the latest connection before a new attempt, so that its
// close code is not read as the next one's.
func (t *connTracker) forget() {
	t.mu.Lock()
	t.cur = nil
	t.mu.Unlock()
}

// lastCloseCode returns the close code Discord sent on the latest
// connection, or 0 when it sent none.
func (t *connTracker) lastCloseCode() int {
	t.mu.Lock()
	c := t.cur
	t.mu.Unlock()
	if c == nil {
		return 0
	}
	return c.closeCode()
}

// watchedConn is a gateway connection that reads the websocket frames
// going by (without changing them) to catch the close frame's code.
type watchedConn struct {
	net.Conn
	mu   sync.Mutex
	scan frameScanner
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.scan.feed(p[:n])
		c.mu.Unlock()
	}
	return n, err
}

func (c *watchedConn) closeCode() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scan.code
}

// frameScanner follows the server's side of a websocket connection: the
// HTTP response that upgrades it, then frames (RFC 6455 section 5.2),
// skipping payloads and keeping the status code of a close frame.
type frameScanner struct {
	upgraded bool
	crlf     int // bytes of "\r\n\r\n" matched so far

	hdr  [14]byte
	nhdr int
	need int // header bytes this frame needs, once known

	remain  uint64 // payload bytes left in the current frame
	closing bool   // the current frame is a close frame
	ncode   int    // status code bytes read so far
	pending int    // the status code being read

	code int // the last close frame's status code; 1005 when it had none
}

const headerEnd = "\r\n\r\n"

func (f *frameScanner) feed(p []byte) {
	for len(p) > 0 {
		if !f.upgraded {
			b := p[0]
			p = p[1:]
			switch {
			case b == headerEnd[f.crlf]:
				f.crlf++
			case b == '\r':
				f.crlf = 1
			default:
				f.crlf = 0
			}
			if f.crlf == len(headerEnd) {
				f.upgraded = true
			}
			continue
		}
		if f.remain > 0 {
			n := uint64(len(p))
			if n > f.remain {
				n = f.remain
			}
			if f.closing {
				for i := uint64(0); i < n && f.ncode < 2; i++ {
					f.pending = f.pending<<8 | int(p[i])
					f.ncode++
					if f.ncode == 2 {
						f.code = f.pending
					}
				}
			}
			p = p[n:]
			f.remain -= n
			continue
		}
		f.hdr[f.nhdr] = p[0]
		f.nhdr++
		p = p[1:]
		if f.nhdr == 2 {
			f.need = 2
			switch f.hdr[1] & 0x7f {
			case 126:
				f.need += 2
			case 127:
				f.need += 8
			}
			if f.hdr[1]&0x80 != 0 {
				f.need += 4 // masked; servers do not mask, but be lenient
			}
		}
		if f.nhdr < 2 || f.nhdr < f.need {
			continue
		}
		var length uint64
		switch l := f.hdr[1] & 0x7f; l {
		case 126:
			length = uint64(f.hdr[2])<<8 | uint64(f.hdr[3])
		case 127:
			for i := 2; i < 10; i++ {
				length = length<<8 | uint64(f.hdr[i])
			}
		default:
			length = uint64(l)
		}
		f.closing = f.hdr[0]&0x0f == 0x8
		f.nhdr, f.need = 0, 0
		f.remain = length
		f.ncode, f.pending = 0, 0
		if f.closing && length < 2 {
			f.code = websocket.CloseNoStatusReceived
		}
	}
}
