package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const feedXML = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`

func TestConditionalGetETag(t *testing.T) {
	e := newEnv(t, Config{})
	var hits atomic.Int32
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, feedXML)
	}))

	first, err := e.get("http://news.example/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != 200 || first.NotModified || string(first.Body) != feedXML ||
		first.ETag != `"v1"` || first.ContentType != "application/rss+xml" ||
		first.FinalURL != "http://news.example/feed.xml" {
		t.Fatalf("first response = %+v", first)
	}

	second, err := e.f.Get(context.Background(), Request{URL: "http://news.example/feed.xml", ETag: first.ETag})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || second.Status != 304 || len(second.Body) != 0 || second.ETag != `"v1"` {
		t.Fatalf("second response = %+v, want 304 keeping the ETag", second)
	}
	if hits.Load() != 2 {
		t.Fatalf("server hits = %d, want 2", hits.Load())
	}
}

func TestConditionalGetLastModified(t *testing.T) {
	const stamp = "Sun, 01 Mar 2026 10:00:00 GMT"
	e := newEnv(t, Config{})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Modified-Since") == stamp {
			w.Header().Set("Last-Modified", stamp)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", stamp)
		io.WriteString(w, feedXML)
	}))
	first, err := e.get("http://news.example/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if first.LastModified != stamp {
		t.Fatalf("LastModified = %q", first.LastModified)
	}
	second, err := e.f.Get(context.Background(), Request{URL: "http://news.example/feed.xml", LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || second.LastModified != stamp {
		t.Fatalf("second = %+v, want not modified", second)
	}
}

func TestRequestHeaders(t *testing.T) {
	cases := []struct {
		name            string
		cfg             Config
		req             Request
		wantUA, wantAcc string
	}{
		{"defaults", Config{}, Request{}, DefaultUserAgent, DefaultAccept},
		{"custom", Config{UserAgent: "test-agent/2"}, Request{Accept: "text/html"}, "test-agent/2", "text/html"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg)
			got := make(chan http.Header, 1)
			e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- r.Header.Clone()
				if r.Host != "news.example" {
					t.Errorf("Host = %q, want the name, not the address", r.Host)
				}
			}))
			tc.req.URL = "http://news.example/"
			if _, err := e.f.Get(context.Background(), tc.req); err != nil {
				t.Fatal(err)
			}
			h := <-got
			if h.Get("User-Agent") != tc.wantUA {
				t.Errorf("User-Agent = %q, want %q", h.Get("User-Agent"), tc.wantUA)
			}
			if h.Get("Accept") != tc.wantAcc {
				t.Errorf("Accept = %q, want %q", h.Get("Accept"), tc.wantAcc)
			}
			if h.Get("Accept-Encoding") != "gzip" {
				t.Errorf("Accept-Encoding = %q, want gzip", h.Get("Accept-Encoding"))
			}
			if h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
				t.Errorf("conditional headers sent without validators: %v", h)
			}
		})
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGzipBody(t *testing.T) {
	e := newEnv(t, Config{})
	body := gzipped(t, []byte(feedXML))
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Error("gzip not asked for")
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(body)
	}))
	resp, err := e.get("http://news.example/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != feedXML {
		t.Fatalf("body = %q, want the decoded feed", resp.Body)
	}
}

func TestGzipBombStopsAtLimit(t *testing.T) {
	const limit = 64 << 10
	bomb := gzipped(t, make([]byte, 8<<20)) // 8 MiB of zeros, ~8 KiB on the wire
	e := newEnv(t, Config{MaxBytes: limit})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	}))
	_, err := e.get("http://news.example/feed.xml")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestBrokenGzip(t *testing.T) {
	e := newEnv(t, Config{})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		io.WriteString(w, "this is not gzip")
	}))
	_, err := e.get("http://news.example/feed.xml")
	if err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Fatalf("err = %v, want a gzip error", err)
	}
}

// A 50 MB feed ends in ErrTooLarge without the whole body being read:
// the server's writes fail once the client gives up, long before the end.
func TestHugeBody(t *testing.T) {
	const size = 50 << 20
	for _, declared := range []bool{false, true} {
		t.Run(fmt.Sprintf("content-length=%v", declared), func(t *testing.T) {
			e := newEnv(t, Config{})
			written := make(chan int64, 1)
			e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if declared {
					w.Header().Set("Content-Length", fmt.Sprint(size))
				}
				chunk := bytes.Repeat([]byte("<item>x</item>\n"), 4096)
				var n int64
				for n < size {
					m, err := w.Write(chunk[:min(int64(len(chunk)), size-n)])
					n += int64(m)
					if err != nil {
						break
					}
				}
				written <- n
			}))
			_, err := e.get("http://news.example/feed.xml")
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if n := <-written; n >= size {
				t.Fatalf("server wrote all %d bytes; the client read to the end", n)
			}
		})
	}
}

func TestRedirectsFollowedAndReported(t *testing.T) {
	e := newEnv(t, Config{})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://cdn.example/feed.xml", http.StatusMovedPermanently)
	}))
	e.host("cdn.example", "203.0.113.6", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, feedXML)
	}))
	resp, err := e.get("http://news.example/old")
	if err != nil {
		t.Fatal(err)
	}
	if resp.FinalURL != "http://cdn.example/feed.xml" || string(resp.Body) != feedXML {
		t.Fatalf("response = %+v", resp)
	}
}

func TestRedirectLoop(t *testing.T) {
	e := newEnv(t, Config{})
	var hits atomic.Int32
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/a" {
			http.Redirect(w, r, "/b", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/a", http.StatusFound)
	}))
	_, err := e.get("http://news.example/a")
	if !errors.Is(err, ErrRedirects) {
		t.Fatalf("err = %v, want ErrRedirects", err)
	}
	if got := hits.Load(); got != DefaultMaxRedirects+1 {
		t.Fatalf("server hits = %d, want %d", got, DefaultMaxRedirects+1)
	}
}

func TestStatusError(t *testing.T) {
	e := newEnv(t, Config{})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	}))
	_, err := e.get("http://news.example/feed.xml?token=s3cret")
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 404 {
		t.Fatalf("err = %v, want a 404 StatusError", err)
	}
	requireNoSecret(t, err, "s3cret")
	if !strings.Contains(err.Error(), "news.example") {
		t.Errorf("error %q does not name the host", err)
	}
	// A 404 is no reason to back off.
	if _, err := e.get("http://news.example/feed.xml"); !errors.As(err, &se) {
		t.Fatalf("second err = %v, want another StatusError", err)
	}
}

func TestRetryAfter429(t *testing.T) {
	e := newEnv(t, Config{})
	var hits atomic.Int32
	var status atomic.Int32
	status.Store(http.StatusTooManyRequests)
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if s := int(status.Load()); s != 200 {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(s)
			return
		}
		io.WriteString(w, feedXML)
	}))

	_, err := e.get("http://news.example/feed.xml")
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 429 || se.RetryAfter != 2*time.Minute {
		t.Fatalf("err = %v, want 429 retry after 2m", err)
	}

	// While backed off, no request is made, to this path or another on
	// the same host.
	for _, u := range []string{"http://news.example/feed.xml", "http://NEWS.example:80/other"} {
		_, err = e.get(u)
		var be *BackoffError
		if !errors.As(err, &be) {
			t.Fatalf("Get(%s) err = %v, want BackoffError", u, err)
		}
		if be.Host != "news.example:80" || !be.Until.Equal(e.clock.Now().Add(2*time.Minute)) {
			t.Fatalf("BackoffError = %+v", be)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("server hits = %d, want 1 (no request while backed off)", hits.Load())
	}

	// Once the time has passed, the next Get asks again; a success
	// clears the backoff.
	e.clock.Advance(2 * time.Minute)
	status.Store(200)
	if _, err := e.get("http://news.example/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.get("http://news.example/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 3 {
		t.Fatalf("server hits = %d, want 3", hits.Load())
	}
}

func Test503BackoffDoubles(t *testing.T) {
	e := newEnv(t, Config{})
	var ok atomic.Bool
	var hits atomic.Int32
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if ok.Load() {
			io.WriteString(w, feedXML)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable) // no Retry-After
	}))
	fail := func() time.Duration {
		t.Helper()
		_, err := e.get("http://news.example/feed.xml")
		var se *StatusError
		if !errors.As(err, &se) || se.Status != 503 {
			t.Fatalf("err = %v, want 503", err)
		}
		_, err = e.get("http://news.example/feed.xml")
		var be *BackoffError
		if !errors.As(err, &be) {
			t.Fatalf("err = %v, want BackoffError", err)
		}
		wait := be.Until.Sub(e.clock.Now())
		if wait != se.RetryAfter {
			t.Fatalf("backoff %s but StatusError says %s", wait, se.RetryAfter)
		}
		e.clock.Advance(wait)
		return wait
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := fail(); got != w {
			t.Fatalf("backoff %d = %s, want %s", i+1, got, w)
		}
	}
	if int(hits.Load()) != len(want) {
		t.Fatalf("server hits = %d, want %d", hits.Load(), len(want))
	}
	ok.Store(true)
	if _, err := e.get("http://news.example/feed.xml"); err != nil {
		t.Fatal(err)
	}
	ok.Store(false)
	if got := fail(); got != time.Minute {
		t.Fatalf("backoff after a success = %s, want 1m again", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name, in string
		want     time.Duration
	}{
		{"empty", "", 0},
		{"seconds", "90", 90 * time.Second},
		{"zero", "0", 0},
		{"capped seconds", "86400", 6 * time.Hour},
		{"huge seconds", "99999999999999999999999", 6 * time.Hour},
		{"negative", "-5", 0},
		{"date", "Sun, 01 Mar 2026 12:30:00 GMT", 30 * time.Minute},
		{"past date", "Sun, 01 Mar 2026 11:00:00 GMT", 0},
		{"capped date", "Mon, 02 Mar 2026 12:00:00 GMT", 6 * time.Hour},
		{"garbage", "soon", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseRetryAfter(tc.in, now); got != tc.want {
				t.Fatalf("parseRetryAfter(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestRetryAfterDateHonoured(t *testing.T) {
	e := newEnv(t, Config{})
	until := e.clock.Now().Add(10 * time.Minute)
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", until.Format(http.TimeFormat))
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	e.get("http://news.example/")
	_, err := e.get("http://news.example/")
	var be *BackoffError
	if !errors.As(err, &be) || !be.Until.Equal(until) {
		t.Fatalf("err = %v, want backoff until %s", err, until)
	}
}

// A server that sends its headers and then hangs ends in a timeout that
// names the host; another host is unaffected.
func TestHangs(t *testing.T) {
	cases := []struct {
		name  string
		flush bool // send headers and part of the body before hanging
	}{
		{"after headers", true},
		{"before headers", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Config{Timeout: 300 * time.Millisecond})
			stop := make(chan struct{})
			e.host("slow.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.flush {
					w.Header().Set("Content-Type", "application/rss+xml")
					io.WriteString(w, "<rss>")
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-stop:
				}
			}))
			t.Cleanup(func() { close(stop) }) // runs before the server closes
			e.host("fine.example", "203.0.113.6", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, feedXML)
			}))

			_, err := e.get("http://slow.example/feed.xml?key=s3cret")
			if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want a timeout", err)
			}
			if !strings.Contains(err.Error(), "slow.example") {
				t.Errorf("timeout error %q does not name the host", err)
			}
			requireNoSecret(t, err, "s3cret")
			if _, err := e.get("http://fine.example/feed.xml"); err != nil {
				t.Fatalf("other host after a hang: %v", err)
			}
		})
	}
}

func TestCallerCancel(t *testing.T) {
	e := newEnv(t, Config{})
	entered := make(chan struct{})
	e.host("slow.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	_, err := e.f.Get(ctx, Request{URL: "http://slow.example/"})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want context.Canceled and not a timeout", err)
	}
}

// Two Gets to one host never overlap: the second waits for the first.
// The first handler is held until the second Get is seen waiting (through
// the wait hook) or reaches the server (which the counter then reports).
func TestOneRequestPerHost(t *testing.T) {
	e := newEnv(t, Config{})
	var inflight, maxInflight, hits atomic.Int32
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	e.f.waitHook = func(string) { open() }
	first := make(chan struct{})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := maxInflight.Load()
			if n <= m || maxInflight.CompareAndSwap(m, n) {
				break
			}
		}
		if hits.Add(1) == 1 {
			close(first)
			<-release
		} else {
			open() // a second request got in: let the first finish
		}
		io.WriteString(w, feedXML)
	}))

	errs := make(chan error, 2)
	go func() { _, err := e.get("http://news.example/a"); errs <- err }()
	<-first
	go func() { _, err := e.get("http://news.example/b"); errs <- err }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if maxInflight.Load() != 1 {
		t.Fatalf("%d requests to one host were in flight at once, want 1", maxInflight.Load())
	}
	e.f.mu.Lock()
	left := len(e.f.slots)
	e.f.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d host slots left after all Gets returned", left)
	}
}

// Many Gets to one host, none overlapping.
func TestOneRequestPerHostMany(t *testing.T) {
	e := newEnv(t, Config{})
	var inflight, overlaps atomic.Int32
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inflight.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inflight.Add(-1)
		io.WriteString(w, feedXML)
	}))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if _, err := e.get(fmt.Sprintf("http://news.example/%d", i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Fatalf("%d overlapping requests to one host", overlaps.Load())
	}
}

// Gets to two hosts run together: each handler waits until both have
// started, which can only happen if they overlap.
func TestHostsInParallel(t *testing.T) {
	e := newEnv(t, Config{})
	var started sync.WaitGroup
	started.Add(2)
	both := make(chan struct{})
	go func() { started.Wait(); close(both) }()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Done()
		select {
		case <-both:
			io.WriteString(w, feedXML)
		case <-r.Context().Done():
		}
	})
	e.host("a.example", "203.0.113.5", h)
	e.host("b.example", "203.0.113.6", h)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a deadlock guard only
	defer cancel()
	errs := make(chan error, 2)
	for _, u := range []string{"http://a.example/", "http://b.example/"} {
		go func() { _, err := e.f.Get(ctx, Request{URL: u}); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("Get: %v (the two hosts did not run in parallel)", err)
		}
	}
}

func TestWaitingForHostHonoursContext(t *testing.T) {
	e := newEnv(t, Config{})
	entered := make(chan struct{})
	stop := make(chan struct{})
	e.host("news.example", "203.0.113.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	firstDone := make(chan struct{})
	go func() { e.get("http://news.example/"); close(firstDone) }()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	e.f.waitHook = func(string) { cancel() }
	_, err := e.f.Get(ctx, Request{URL: "http://news.example/"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled while waiting", err)
	}
	close(stop)
	<-firstDone
}

func TestTLSByVettedAddress(t *testing.T) {
	e := newEnv(t, Config{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || r.TLS.ServerName != "example.com" {
			t.Errorf("TLS server name = %+v, want example.com", r.TLS)
		}
		io.WriteString(w, feedXML)
	}))
	t.Cleanup(srv.Close)
	e.net.serve("example.com", "203.0.113.9", "443", srv)
	e.f.transport.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()

	resp, err := e.get("https://example.com/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != feedXML {
		t.Fatalf("body = %q", resp.Body)
	}
	if d := e.net.dialed(); len(d) != 1 || d[0] != "203.0.113.9:443" {
		t.Fatalf("dialled %v, want the vetted address only", d)
	}
}
