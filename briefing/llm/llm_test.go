package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

const (
	testKey   = "sk-test-DO-NOT-LEAK-1234"
	testModel = "test-model"
)

// fixtureBrief puts the fixture events in a briefing: three items, and the
// first day of the exchange as an update of the agreement.
func fixtureBrief() *briefing.Brief {
	evs := fixtureEvents()
	return &briefing.Brief{
		Items: []briefing.BriefItem{
			{Event: evs[0], Sources: evs[0].Citations},
			{Event: evs[1], Sources: evs[1].Citations},
			{Event: evs[3]},
		},
		Updates: []briefing.BriefItem{
			{Event: evs[2], Update: &briefing.BriefUpdate{Earlier: evs[0], Change: "1,000 agreed → 390 exchanged"}},
		},
		Total: 4,
	}
}

// fakeServer is an OpenAI-compatible chat completions endpoint. It checks
// every request the way a strict server would and answers with reply.
type fakeServer struct {
	t        *testing.T
	key      string // the key it expects; "" expects no Authorization
	reply    func(w http.ResponseWriter, r *http.Request)
	srv      *httptest.Server
	mu       sync.Mutex
	requests int
	last     chatRequest // the last request's body
}

// seen returns the number of requests so far and the last one's body.
func (f *fakeServer) seen() (int, chatRequest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.last
}

func newFake(t *testing.T, key string, reply func(w http.ResponseWriter, r *http.Request)) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, key: key, reply: reply}
	f.srv = httptest.NewServer(http.HandlerFunc(f.handle))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) handle(w http.ResponseWriter, r *http.Request) {
	t := f.t
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		t.Errorf("request %s %s, want POST /v1/chat/completions", r.Method, r.URL.Path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	auth, has := r.Header.Get("Authorization"), len(r.Header.Values("Authorization")) > 0
	switch {
	case f.key != "" && auth != "Bearer "+f.key:
		t.Errorf("Authorization %q, want the bearer key", auth)
	case f.key == "" && has:
		t.Errorf("Authorization %q sent without a key", auth)
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		t.Errorf("request body: %v", err)
	}
	if string(raw["temperature"]) != "0" {
		t.Errorf("temperature %s, want 0", raw["temperature"])
	}
	var req chatRequest
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &req); err != nil {
		t.Errorf("request body: %v", err)
	}
	if req.Model != testModel {
		t.Errorf("model %q, want %q", req.Model, testModel)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Errorf("messages %+v, want a system and a user message", req.Messages)
	}
	f.mu.Lock()
	f.requests++
	f.last = req
	f.mu.Unlock()
	f.reply(w, r)
}

// url is the API base of the fake, as a user would configure it.
func (f *fakeServer) url() string { return f.srv.URL + "/v1" }

// answer replies with a chat completion whose content is text.
func answer(text string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id":      "chatcmpl-1",
			"object":  "chat.completion",
			"model":   testModel,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": text}}},
		})
	}
}

// raw replies with a status and a body as given.
func raw(status int, body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func newSummarizer(t *testing.T, f *fakeServer, key string) *Summarizer {
	t.Helper()
	s, err := New(Config{BaseURL: f.url(), Model: testModel, APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const supportedSummary = `Russia and Ukraine agreed in Istanbul on 16 May to exchange 1,000 prisoners of war each.
Trump spoke with Putin by phone for more than two hours on 19 May about a ceasefire. The first 390 prisoners from each side were exchanged from 23 May.`

func TestSummarizeSupported(t *testing.T) {
	for _, key := range []string{testKey, ""} {
		t.Run(fmt.Sprintf("key=%v", key != ""), func(t *testing.T) {
			f := newFake(t, key, answer(supportedSummary))
			got, err := newSummarizer(t, f, key).Summarize(context.Background(), fixtureBrief())
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"Russia and Ukraine agreed in Istanbul on 16 May to exchange 1,000 prisoners of war each.",
				"Trump spoke with Putin by phone for more than two hours on 19 May about a ceasefire.",
				"The first 390 prisoners from each side were exchanged from 23 May.",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got %q, want %q", got, want)
			}
			n, last := f.seen()
			if n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
			sys, user := last.Messages[0].Content, last.Messages[1].Content
			if !strings.Contains(sys, "at most 4") || !strings.Contains(sys, "Use only") {
				t.Errorf("system message does not set the rules:\n%s", sys)
			}
			for _, line := range []string{
				"1. 16 May 2025: Russia and Ukraine agreed in Istanbul to exchange 1,000 prisoners of war each. (sources: AP, Reuters)\n",
				"2. 19 May 2025: Trump spoke with Putin",
				"3. late April 2025: About 1.5 million homes",
				"4. 23-25 May 2025: Russia and Ukraine exchanged 390 prisoners each on the first day of the swap. (update: 1,000 agreed → 390 exchanged) (sources: AP, Kyiv Independent)\n",
			} {
				if !strings.Contains(user, line) {
					t.Errorf("user message lacks %q:\n%s", line, user)
				}
			}
		})
	}
}

func TestSummarizeUnsupported(t *testing.T) {
	for _, tc := range []struct{ name, content, token string }{
		{"number", "Russia and Ukraine agreed to exchange 1,200 prisoners each.", "1,200"},
		{"name", "Talks in Istanbul were hosted by Recep Tayyip Erdogan.", "Recep Tayyip Erdogan"},
		{"date", "Trump spoke with Putin on 20 May.", "20 May"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, testKey, answer("Talks were held in Istanbul. "+tc.content))
			got, err := newSummarizer(t, f, testKey).Summarize(context.Background(), fixtureBrief())
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %q, %v; want ErrUnsupported", got, err)
			}
			if !strings.Contains(err.Error(), "sentence 2") || !strings.Contains(err.Error(), `"`+tc.token+`"`) {
				t.Errorf("error %q does not name sentence 2 and %q", err, tc.token)
			}
			if got != nil {
				t.Errorf("sentences %q returned with an error", got)
			}
		})
	}
}

func TestSummarizeRefusesAnswer(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"too many sentences", "Talks were held. Talks ended. Talks resumed. Talks ended. Talks resumed.", "5 sentences; at most 4"},
		{"mention", "Talks were held in Istanbul @everyone.", "mentions"},
		{"slack mention", "Talks were held in Istanbul <!here>.", "mentions"},
		{"empty", "   ", "empty"},
		{"link", "Talks were held, see https://example.org.", "link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, testKey, answer(tc.content))
			_, err := newSummarizer(t, f, testKey).Summarize(context.Background(), fixtureBrief())
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, ErrUnsupported) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestSummarizeServerErrors(t *testing.T) {
	completion := func(finish, content, extra string) string {
		return `{"choices":[{"index":0,"finish_reason":"` + finish + `","message":{"role":"assistant","content":` + content + extra + `}}]}`
	}
	for _, tc := range []struct {
		name   string
		reply  func(w http.ResponseWriter, r *http.Request)
		status int    // the StatusError code wanted, 0 for none
		want   string // in the error
	}{
		{"500", raw(500, `{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}`), 500, "HTTP 500"},
		{"401 echoing the key", raw(401, `{"error":{"message":"Incorrect API key provided: `+testKey+`. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error"}}`), 401, "Incorrect API key provided: <secret>"},
		{"429 plain text", raw(429, "slow down, key "+testKey), 429, "slow down"},
		{"404 html", raw(404, "<html><body>"+testKey+"</body></html>"), 404, "HTTP 404"},
		{"malformed JSON", raw(200, `{"choices":[{"message":`), 0, "not the JSON"},
		{"not an object", raw(200, `"`+testKey+`"`), 0, "not the JSON"},
		{"error in a 200", raw(200, `{"error":{"message":"model `+testKey+` not loaded"}}`), 0, "not loaded"},
		{"no choices", raw(200, `{"choices":[]}`), 0, "no choices"},
		{"cut off", raw(200, completion("length", `"Talks were"`, "")), 0, "cut off"},
		{"refusal", raw(200, completion("stop", "null", `,"refusal":"I can't help with that."`)), 0, "refused"},
		{"huge body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"choices":[{"message":{"content":"`))
			chunk := strings.Repeat("a", 64<<10)
			for range 40 { // 2.5 MiB
				if _, err := w.Write([]byte(chunk)); err != nil {
					return
				}
			}
			_, _ = w.Write([]byte(`"}}]}`))
		}, 0, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, testKey, tc.reply)
			got, err := newSummarizer(t, f, testKey).Summarize(context.Background(), fixtureBrief())
			if err == nil {
				t.Fatalf("got %q, want an error", got)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "DO-NOT-LEAK") {
				t.Errorf("error leaks the key: %v", err)
			}
			if errors.Is(err, ErrUnsupported) {
				t.Errorf("error %v is ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			var se *StatusError
			if errors.As(err, &se) != (tc.status != 0) || (se != nil && se.StatusCode != tc.status) {
				t.Errorf("error %v: StatusError %+v, want status %d", err, se, tc.status)
			}
		})
	}
}

func TestSummarizeContentParts(t *testing.T) {
	f := newFake(t, "", raw(200, `{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":[{"type":"text","text":"Talks were held "},{"type":"text","text":"in Istanbul."}]}}]}`))
	got, err := newSummarizer(t, f, "").Summarize(context.Background(), fixtureBrief())
	if err != nil || len(got) != 1 || got[0] != "Talks were held in Istanbul." {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestSummarizeTimeout(t *testing.T) {
	release := make(chan struct{})
	f := newFake(t, testKey, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes

	t.Run("Config.Timeout", func(t *testing.T) {
		s, err := New(Config{BaseURL: f.url(), Model: testModel, APIKey: testKey, Timeout: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Summarize(context.Background(), fixtureBrief())
		if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), testKey) {
			t.Fatalf("err = %v, want a deadline error without the key", err)
		}
	})
	t.Run("caller's context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		before, _ := f.seen()
		go func() {
			for n, _ := f.seen(); n == before; n, _ = f.seen() {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		_, err := newSummarizer(t, f, testKey).Summarize(ctx, fixtureBrief())
		if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), testKey) {
			t.Fatalf("err = %v, want a cancellation without the key", err)
		}
	})
}

func TestSummarizeNothingToSummarize(t *testing.T) {
	f := newFake(t, testKey, answer("Talks were held."))
	for _, b := range []*briefing.Brief{nil, {}, {Items: []briefing.BriefItem{{Event: nil}, {Event: &briefing.Event{}}}}} {
		got, err := newSummarizer(t, f, testKey).Summarize(context.Background(), b)
		if got != nil || err != nil {
			t.Errorf("Summarize(%+v) = %q, %v; want nil, nil", b, got, err)
		}
	}
	if n, _ := f.seen(); n != 0 {
		t.Errorf("%d requests for nothing", n)
	}
}

func TestPromptBounds(t *testing.T) {
	var b briefing.Brief
	for i := range 100 {
		b.Items = append(b.Items, briefing.BriefItem{Event: &briefing.Event{
			ID:      int64(i),
			Date:    briefing.DayDate(day(2025, time.May, 1+i%28)),
			Summary: fmt.Sprintf("Development %d happened.\nIt was\tnoted.", i),
		}})
	}
	p := buildPrompt(&b, 4)
	if len(p.shown) != MaxItems || len(p.support) != MaxItems {
		t.Errorf("%d shown, %d support; want %d", len(p.shown), len(p.support), MaxItems)
	}
	user := p.messages[1].Content
	if n := strings.Count(user, "\n"); n != MaxItems+1 {
		t.Errorf("%d lines, want a header and %d developments:\n%s", n, MaxItems, user)
	}
	if !strings.Contains(user, "30. 2 May 2025: Development 29 happened. It was noted.\n") {
		t.Errorf("a development is not one line:\n%s", user)
	}

	long := strings.Repeat("Very long development text. ", 100)
	b.Items = b.Items[:0]
	for i := range 100 {
		var cites []briefing.Citation
		for k := range 6 {
			cites = append(cites, briefing.Citation{Source: fmt.Sprintf("a rather long source name %d", k)})
		}
		b.Items = append(b.Items, briefing.BriefItem{Event: &briefing.Event{ID: int64(i), Summary: long, Citations: cites}})
	}
	p = buildPrompt(&b, 4)
	if n := len(p.messages[1].Content); n > maxPromptBytes {
		t.Errorf("user message of %d bytes, want at most %d", n, maxPromptBytes)
	}
	if len(p.shown) == 0 || len(p.shown) >= MaxItems {
		t.Errorf("%d developments shown; want fewer than %d, cut by size", len(p.shown), MaxItems)
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Config
		want string // in the error; "" for success
	}{
		{"openai", Config{BaseURL: "https://api.openai.com/v1", Model: "gpt-4o-mini", APIKey: testKey}, ""},
		{"local without key", Config{BaseURL: "http://localhost:8080/v1/", Model: "qwen"}, ""},
		{"empty URL", Config{Model: "m"}, "BaseURL is empty"},
		{"no scheme", Config{BaseURL: "localhost:8080/v1", Model: "m"}, "not an http(s) URL"},
		{"ftp", Config{BaseURL: "ftp://example.org/v1", Model: "m"}, "not an http(s) URL"},
		{"no host", Config{BaseURL: "http:///v1", Model: "m"}, "not an http(s) URL"},
		{"credentials", Config{BaseURL: "https://user:hunter2@example.org/v1", Model: "m"}, "holds credentials"},
		{"query", Config{BaseURL: "https://example.org/v1?key=abc", Model: "m"}, "query"},
		{"full endpoint", Config{BaseURL: "https://example.org/v1/chat/completions", Model: "m"}, "includes /chat/completions"},
		{"no model", Config{BaseURL: "https://example.org/v1", Model: " "}, "Model is empty"},
		{"negative timeout", Config{BaseURL: "https://example.org/v1", Model: "m", Timeout: -time.Second}, "Timeout"},
		{"negative sentences", Config{BaseURL: "https://example.org/v1", Model: "m", MaxSentences: -1}, "MaxSentences"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.c)
			if tc.want == "" {
				if err != nil || s == nil {
					t.Fatalf("New: %v", err)
				}
				if s.timeout != DefaultTimeout || s.maxSentences != DefaultMaxSentences || !strings.HasSuffix(s.endpoint, "/v1/chat/completions") {
					t.Errorf("defaults not applied: %+v", s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestConfigHidesKey(t *testing.T) {
	c := Config{BaseURL: "http://localhost:8080/v1", Model: "m", APIKey: testKey}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, c); strings.Contains(s, testKey) || !strings.Contains(s, "<secret>") {
			t.Errorf("%s prints %q", verb, s)
		}
	}
}

func TestRedact(t *testing.T) {
	s := &Summarizer{key: "local-key-42"}
	for in, want := range map[string]string{
		"bad key local-key-42 given":               "bad key <secret> given",
		"Incorrect API key provided: sk-proj-abc.": "Incorrect API key provided: <secret>",
		"a task-force met":                         "a task-force met",
	} {
		if got := s.redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
