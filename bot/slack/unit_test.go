package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
)

func TestRetryWait(t *testing.T) {
	a := &Adapter{backoff: 100 * time.Millisecond, maxRetryAfter: 30 * time.Second}
	for _, tc := range []struct {
		name    string
		err     error
		attempt int
		want    time.Duration
		retry   bool
	}{
		{"rate limited", &slackapi.RateLimitedError{RetryAfter: 2 * time.Second}, 0, 2 * time.Second, true},
		{"rate limited too long", &slackapi.RateLimitedError{RetryAfter: 10 * time.Minute}, 0, 30 * time.Second, true},
		{"rate limited no header", slackapi.StatusCodeError{Code: 429}, 1, 200 * time.Millisecond, true},
		{"server error", slackapi.StatusCodeError{Code: 503}, 2, 0, false},
		{"client error", slackapi.StatusCodeError{Code: 400}, 0, 0, false},
		{"response 429", &responseError{Status: 429, RetryAfter: 3 * time.Second}, 0, 3 * time.Second, true},
		{"response 429 zero", &responseError{Status: 429}, 0, 100 * time.Millisecond, true},
		{"response 500", &responseError{Status: 500}, 0, 0, false},
		{"response 502", fmt.Errorf("post: %w", &responseError{Status: 502}), 0, 0, false},
		{"timeout", context.DeadlineExceeded, 0, 0, false},
		{"response expired", &responseError{Status: 404, Code: "expired_url"}, 0, 0, false},
		{"slack error", slackapi.SlackErrorResponse{Err: "not_in_channel"}, 0, 0, false},
		{"refused", fmt.Errorf("post: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), 0, 100 * time.Millisecond, true},
		{"reset mid-request", &net.OpError{Op: "read", Err: errors.New("connection reset")}, 0, 0, false},
	} {
		got, ok := a.retryWait(tc.err, tc.attempt)
		if ok != tc.retry || got != tc.want {
			t.Errorf("%s: retryWait = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.retry)
		}
	}
}

func TestSlackURL(t *testing.T) {
	a := &Adapter{apiHost: "127.0.0.1:8080"}
	prod := &Adapter{}
	for _, tc := range []struct {
		url        string
		withAPI    bool // allowed with an API URL on 127.0.0.1:8080
		production bool // allowed with Slack's API
	}{
		{"https://hooks.slack.com/commands/T1/2/abc", true, true},
		{"https://hooks.slack-gov.com/actions/T1/2/abc", true, true},
		{"http://hooks.slack.com/commands/T1/2/abc", false, false},
		{"https://slack.com.evil.example/x", false, false},
		{"https://evilslack.com/x", false, false},
		{"https://user@hooks.slack.com/x", false, false},
		{"http://127.0.0.1:8080/response/x", true, false},
		{"http://127.0.0.1:9/response/x", false, false},
		{"http://169.254.169.254/latest/meta-data", false, false},
		{"file:///etc/passwd", false, false},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.slackURL(u); got != tc.withAPI {
			t.Errorf("with an API URL: slackURL(%s) = %v", tc.url, got)
		}
		if got := prod.slackURL(u); got != tc.production {
			t.Errorf("slackURL(%s) = %v", tc.url, got)
		}
	}
}
