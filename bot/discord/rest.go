package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// restClient makes the adapter's REST calls to Discord. It replaces
// discordgo's request path, whose rate limiter sleeps (holding the route's
// lock, deaf to any context) for as long as Discord's headers say, and
// which retries 429s without a bound and 502s even for posts. Here every
// wait ends with the caller's context, and a wait longer than maxWait is
// not made at all: the call fails as rate limited, unsent.
//
// Like discordgo it keeps, per route (the URL without its query, which
// holds the channel, the interaction token or the application), the time
// before which Discord said not to call again, and a global one.
// https://discord.com/developers/docs/topics/rate-limits
type restClient struct {
	http    *http.Client
	auth    string // "Bot <token>"
	agent   string
	maxWait time.Duration

	mu        sync.Mutex
	notBefore map[string]time.Time
	global    time.Time
}

// maxBuckets bounds the routes remembered; expired ones are dropped first.
const maxBuckets = 4096

func newRESTClient(c *http.Client, token string, maxWait time.Duration) *restClient {
	return &restClient{
		http:      c,
		auth:      "Bot " + token,
		agent:     "DiscordBot (https://github.com/briefbot/briefbot, 1)",
		maxWait:   maxWait,
		notBefore: map[string]time.Time{},
	}
}

// token returns the bot token, for redaction.
func (c *restClient) token() string { return strings.TrimPrefix(c.auth, "Bot ") }

// call makes one request and returns nil on a 2xx answer, else an
// *apiError. It never follows a rate limit for longer than maxWait.
func (c *restClient) call(ctx context.Context, req request) *apiError {
	bucket, _, _ := strings.Cut(req.url, "?")
	if wait := c.wait(bucket); wait > 0 {
		if wait > c.maxWait {
			return &apiError{What: req.what, Method: req.method, Status: http.StatusTooManyRequests, RetryAfter: wait, Held: true}
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return &apiError{What: req.what, Method: req.method, Err: ctx.Err(), Unsent: true}
		}
	}
	var body io.Reader
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return &apiError{What: req.what, Method: req.method, Err: errors.New("cannot encode the request"), Unsent: true}
		}
		body = bytes.NewReader(b)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, req.url, body)
	if err != nil {
		return &apiError{What: req.what, Method: req.method, Err: errors.New("bad request URL"), Unsent: true}
	}
	hreq.Header.Set("Authorization", c.auth)
	hreq.Header.Set("User-Agent", c.agent)
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		e := &apiError{What: req.what, Method: req.method, Idempotent: req.idempotent, Err: err}
		var ue *url.Error
		if errors.As(err, &ue) {
			e.Err = ue.Err // drop the URL: it may hold an interaction token
		}
		var oe *net.OpError
		e.Dial = errors.As(err, &oe) && oe.Op == "dial"
		return e
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	c.learn(bucket, resp, raw)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if req.out != nil {
			if err := json.Unmarshal(raw, req.out); err != nil {
				return &apiError{What: req.what, Method: req.method, Status: resp.StatusCode, Idempotent: req.idempotent, Err: errors.New("the answer is not the JSON expected")}
			}
		}
		return nil
	}
	e := &apiError{What: req.what, Method: req.method, Status: resp.StatusCode, Idempotent: req.idempotent}
	var msg struct {
		Code       int      `json:"code"`
		Message    string   `json:"message"`
		RetryAfter *float64 `json:"retry_after"`
	}
	if json.Unmarshal(raw, &msg) == nil {
		e.Code, e.Message = msg.Code, strings.ReplaceAll(msg.Message, c.token(), "<token>")
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(resp.Header, msg.RetryAfter)
	}
	return e
}

// wait returns how long to wait before calling bucket. The global limit
// does not hold interaction callbacks (see globalExempt).
func (c *restClient) wait(bucket string) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var until time.Time
	if !globalExempt(bucket) {
		until = c.global
	}
	if t := c.notBefore[bucket]; t.After(until) {
		until = t
	}
	return time.Until(until)
}

// globalExempt reports whether bucket, a request URL without its query,
// is an interaction callback (POST /interactions/{id}/{token}/callback),
// which Discord does not count against the bot's global rate limit: a
// deferral held behind a global limit would miss its 3 seconds and lose
// the interaction. A global 429 on another route must not hold it, and
// one on a callback, if Discord ever sent it, is not taken as global.
// https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
func globalExempt(bucket string) bool {
	_, path, ok := strings.Cut(bucket, "/interactions/")
	return ok && strings.HasSuffix(path, "/callback")
}

// learn records what an answer says about the rate limits: a route with
// no requests remaining until its reset, or a 429 for the route or, when
// global, for every route.
func (c *restClient) learn(bucket string, resp *http.Response, raw []byte) {
	now := time.Now()
	var until time.Time
	global := false
	if resp.StatusCode == http.StatusTooManyRequests {
		var body struct {
			RetryAfter *float64 `json:"retry_after"`
			Global     bool     `json:"global"`
		}
		_ = json.Unmarshal(raw, &body)
		until = now.Add(retryAfter(resp.Header, body.RetryAfter))
		global = body.Global || resp.Header.Get("X-RateLimit-Global") != "" || strings.EqualFold(resp.Header.Get("X-RateLimit-Scope"), "global")
	} else if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64); err == nil && s > 0 {
			until = now.Add(seconds(s))
		}
	}
	if until.IsZero() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if global && !globalExempt(bucket) {
		if until.After(c.global) {
			c.global = until
		}
		return
	}
	if len(c.notBefore) >= maxBuckets {
		for k, t := range c.notBefore {
			if t.Before(now) {
				delete(c.notBefore, k)
			}
		}
		if len(c.notBefore) >= maxBuckets {
			clear(c.notBefore)
		}
	}
	if until.After(c.notBefore[bucket]) {
		c.notBefore[bucket] = until
	}
}

// retryAfter reads a 429's wait: the body's retry_after (seconds, with a
// fraction), else the Retry-After header (whole seconds).
func retryAfter(h http.Header, body *float64) time.Duration {
	if body != nil && *body >= 0 {
		return seconds(*body)
	}
	if s, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After")), 64); err == nil && s >= 0 {
		return seconds(s)
	}
	return 0
}

func seconds(s float64) time.Duration {
	if s > 1e6 {
		s = 1e6
	}
	return time.Duration(s * float64(time.Second))
}
