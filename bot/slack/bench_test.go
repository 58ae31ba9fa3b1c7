package slack

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/bot/slack/slackfake"
	"github.com/briefbot/briefbot/config"
)

// BenchmarkHTTPSlashCommand measures the ack path of HTTP mode: a signed
// /timeline command through Handler (body read, signature check, parse,
// queueing) while the answers are computed over the demo store and posted
// to the fake's response URLs in the background. "max" sends commands back
// to back (ns/op is the cost of one ack); "200rps" paces them at 200 a
// second, the target load. Both report the 50th and 99th percentile ack
// latency, and the share of commands turned away as busy.
func BenchmarkHTTPSlashCommand(b *testing.B) {
	for _, bc := range []struct {
		name string
		rate int // commands a second; 0: as fast as possible
	}{{"max", 0}, {"200rps", 200}} {
		b.Run(bc.name, func(b *testing.B) {
			h := newHarness(b, config.SlackModeHTTP)
			handler := h.a.Handler()
			type signed struct{ body, sig, ts string }
			reqs := make([]signed, b.N)
			for i := range reqs {
				body := slackfake.SlashCommandForm("/timeline", "ceasefire", "C1", "U1", h.fake.ResponseURL(strconv.Itoa(i))).Encode()
				sig, ts := slackfake.Sign(testSecret, time.Now(), []byte(body))
				reqs[i] = signed{body, sig, ts}
			}
			lat := make([]time.Duration, b.N)
			busy := 0
			var interval time.Duration
			if bc.rate > 0 {
				interval = time.Second / time.Duration(bc.rate)
			}
			b.ResetTimer()
			begin := time.Now()
			for i := range b.N {
				if interval > 0 {
					time.Sleep(time.Until(begin.Add(time.Duration(i) * interval)))
				}
				req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(reqs[i].body))
				req.Header.Set("Content-Type", formType)
				req.Header.Set("X-Slack-Signature", reqs[i].sig)
				req.Header.Set("X-Slack-Request-Timestamp", reqs[i].ts)
				rec := httptest.NewRecorder()
				start := time.Now()
				handler.ServeHTTP(rec, req)
				lat[i] = time.Since(start)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
				if rec.Body.Len() > 0 {
					busy++
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ack-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ack-ms")
			b.ReportMetric(float64(busy)/float64(b.N), "busy/op")
			h.wait()
		})
	}
}
