package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	slackapi "github.com/slack-go/slack"
)

// Handler returns the HTTP-mode endpoints, to be mounted at the root of a
// server Slack can reach:
//
//	POST /slack/commands      slash commands
//	POST /slack/events        Events API (mentions, direct messages)
//	POST /slack/interactions  buttons and message shortcuts
//
// Every request must carry a valid Slack signature made with the signing
// secret less than 5 minutes ago, else it is answered 401 and nothing else
// happens. Valid requests are answered at once with an empty 200 (or a
// short "busy" note) and worked on afterwards; a mention or direct message
// the adapter has no room for gets 503, so that Slack delivers it again
// (on Slack's last retry, the asker is told to try again instead). Bodies
// over MaxBodyBytes get 413.
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/slack/commands", a.verified(a.serveCommand))
	mux.HandleFunc("/slack/events", a.verified(a.serveEvent))
	mux.HandleFunc("/slack/interactions", a.verified(a.serveInteraction))
	return mux
}

// verified wraps a handler with the checks every Slack request passes
// first: the method, the body size and the signature over the raw body.
func (a *Adapter) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				a.log.Warn("slack: request body too large", "path", r.URL.Path, "limit", MaxBodyBytes)
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read the request body", http.StatusBadRequest)
			return
		}
		if !a.cfg.SigningSecret.IsSet() {
			a.log.Warn("slack: HTTP request refused: no signing secret is configured", "path", r.URL.Path)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		sv, err := slackapi.NewSecretsVerifier(r.Header, a.cfg.SigningSecret.Reveal())
		if err == nil {
			_, err = sv.Write(body)
		}
		if err == nil {
			err = sv.Ensure()
		}
		if err != nil {
			// The reason (missing headers, old timestamp, bad signature)
			// comes from slack-go and holds no secret; headers and body
			// are not logged.
			a.log.Warn("slack: request refused: bad signature", "path", r.URL.Path, "reason", err.Error())
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if a.pool.Closed() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		next(w, r, body)
	}
}

// serveCommand acks a slash command and starts its answer.
func (a *Adapter) serveCommand(w http.ResponseWriter, _ *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("command") == "" {
		http.Error(w, "not a slash command", http.StatusBadRequest)
		return
	}
	cmd := slackapi.SlashCommand{
		TeamID:      form.Get("team_id"),
		ChannelID:   form.Get("channel_id"),
		ChannelName: form.Get("channel_name"),
		UserID:      form.Get("user_id"),
		UserName:    form.Get("user_name"),
		Command:     form.Get("command"),
		Text:        form.Get("text"),
		ResponseURL: form.Get("response_url"),
		TriggerID:   form.Get("trigger_id"),
		APIAppID:    form.Get("api_app_id"),
	}
	a.command(cmd, func(busy bool) {
		if busy {
			writeJSON(w, busyAck())
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// serveEvent answers url_verification and acks Events API callbacks.
// Retries of an event_id already handled are acked and dropped. A question
// the adapter has no room for is answered 503, which Slack retries up to
// lastEventRetry times; on the last retry the asker gets a busy note.
func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	var e event
	if err := json.Unmarshal(body, &e); err != nil {
		http.Error(w, "not an Events API request", http.StatusBadRequest)
		return
	}
	if e.Type == "url_verification" {
		writeJSON(w, map[string]string{"challenge": e.Challenge})
		return
	}
	retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	a.onEvent(&e, retry >= lastEventRetry, func(busy bool) {
		if busy {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// lastEventRetry is the X-Slack-Retry-Num of Slack's last delivery of an
// event: Slack retries a failed delivery 3 times (at once, after about a
// minute, after about five).
const lastEventRetry = 3

// serveInteraction acks a button click or a shortcut and starts its
// answer.
func (a *Adapter) serveInteraction(w http.ResponseWriter, _ *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	var cb interaction
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.onInteraction(&cb)
}

// busyAck is the immediate answer to a command the adapter has no room for.
func busyAck() map[string]string {
	return map[string]string{"response_type": ephemeral, "text": busyText}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
