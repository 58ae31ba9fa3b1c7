package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// ackTimeout bounds the queueing of one ack on the websocket.
const ackTimeout = 2 * time.Second

// runSocket runs Socket Mode until ctx is done. slack-go reconnects by
// itself when Slack sends "disconnect" or the connection dies. It gives up
// only when Slack rejects the app token; the adapter also gives up when
// apps.connections.open says the token lacks connections:write or is not
// an app-level token, which slack-go would retry forever. Either ends Run
// with an error that says what to fix.
func (a *Adapter) runSocket(ctx context.Context) error {
	smc := socketmode.New(a.client, socketmode.OptionLog(discardLogger{}))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- smc.RunContext(runCtx) }()
	for {
		select {
		case err := <-done:
			if ctx.Err() != nil {
				return nil
			}
			if fatal := a.appTokenError(slackError(err)); fatal != nil {
				return fatal
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case ev := <-smc.Events:
			if ctx.Err() != nil {
				// Stopping: leave the envelope unacknowledged, so that
				// Slack delivers it to another connection.
				continue
			}
			if fatal := a.onSocketEvent(ctx, smc, ev); fatal != nil {
				// Stop slack-go, reading its events until it has
				// returned so that it never blocks sending one.
				cancel()
				for {
					select {
					case <-done:
						return fatal
					case <-smc.Events:
					}
				}
			}
		}
	}
}

// appTokenError returns the error that ends Run when apps.connections.open
// refused the app token with code, naming the problem and the fix (and
// logs it), or nil when code is not such a refusal.
func (a *Adapter) appTokenError(code string) error {
	var err error
	switch {
	case code == "missing_scope":
		err = fmt.Errorf(`slack: socket mode: the app token lacks a scope (%s): SLACK_APP_TOKEN needs the connections:write scope; create an app-level token with it on the app's "Basic Information" page`, code)
	case code == "not_allowed_token_type":
		err = fmt.Errorf(`slack: socket mode: SLACK_APP_TOKEN is not an app-level token (%s); create one (xapp-...) with the connections:write scope on the app's "Basic Information" page`, code)
	case isAuthError(code):
		err = fmt.Errorf(`slack: socket mode: the app token was rejected (%s); SLACK_APP_TOKEN needs a valid app-level token with the connections:write scope, from the app's "Basic Information" page`, code)
	default:
		return nil
	}
	a.log.Error("slack: Slack refused the app token; Socket Mode cannot connect", "error_code", code, "err", err)
	return err
}

// onSocketEvent handles one event from the socket mode client: it acks
// what Slack sent first, then starts the work. It returns an error only
// when Socket Mode cannot work with the app token (see appTokenError).
func (a *Adapter) onSocketEvent(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) error {
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack: connecting to Socket Mode")
	case socketmode.EventTypeConnected:
		a.log.Info("slack: connected over Socket Mode")
	case socketmode.EventTypeConnectionError:
		if ce, ok := ev.Data.(*slackapi.ConnectionErrorEvent); ok {
			if fatal := a.appTokenError(slackError(ce.ErrorObj)); fatal != nil {
				return fatal
			}
			a.log.Warn("slack: Socket Mode connection failed; retrying", "attempt", ce.Attempt, "backoff", ce.Backoff, "err", ce.ErrorObj)
		}
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("slack: Socket Mode refused the app token")
	case socketmode.EventTypeDisconnect:
		a.log.Info("slack: Slack asked to reconnect")
	case socketmode.EventTypeIncomingError:
		a.log.Debug("slack: Socket Mode read error; reconnecting")
	case socketmode.EventTypeErrorBadMessage:
		a.badMessage(ctx, smc, ev)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slackapi.SlashCommand)
		if !ok || ev.Request == nil {
			return nil
		}
		// Ack first; the answer goes to the response_url.
		a.command(cmd, func(busy bool) {
			if busy {
				a.ack(ctx, smc, ev.Request.EnvelopeID, busyAck())
				return
			}
			a.ack(ctx, smc, ev.Request.EnvelopeID, nil)
		})
	case socketmode.EventTypeEventsAPI:
		if ev.Request != nil {
			a.socketEvent(ctx, smc, ev.Request.EnvelopeID, ev.Request.Payload)
		}
	case socketmode.EventTypeInteractive:
		if ev.Request != nil {
			a.socketInteraction(ctx, smc, ev.Request.EnvelopeID, ev.Request.Payload)
		}
	}
	return nil
}

// socketEvent acks an events_api envelope and handles its event. A
// question the adapter has no room for is acked all the same, and its
// asker is told in the thread to try again: Slack does not redeliver an
// acked envelope, and one left unacked would only come back after Slack's
// own timeout, without a word to the asker in the meantime.
func (a *Adapter) socketEvent(ctx context.Context, smc *socketmode.Client, envelopeID string, payload json.RawMessage) {
	var e event
	if err := json.Unmarshal(payload, &e); err != nil {
		a.ack(ctx, smc, envelopeID, nil)
		a.log.Warn("slack: unreadable event", "err", err)
		return
	}
	a.onEvent(&e, true, func(bool) { a.ack(ctx, smc, envelopeID, nil) })
}

// socketInteraction acks an interactive envelope and handles its click or
// shortcut, decoded from the raw payload (see interaction).
func (a *Adapter) socketInteraction(ctx context.Context, smc *socketmode.Client, envelopeID string, payload json.RawMessage) {
	a.ack(ctx, smc, envelopeID, nil)
	var cb interaction
	if err := json.Unmarshal(payload, &cb); err != nil {
		a.log.Warn("slack: unreadable interaction", "err", err)
		return
	}
	a.onInteraction(&cb)
}

// badMessage handles an envelope slack-go could not parse. Events and
// interactions are read with the adapter's own types, which need only a
// few fields, so one that slack-go refuses (a block element of a type it
// does not know, say) is still answered. Anything else is acked, so that
// Slack does not redeliver it again and again.
func (a *Adapter) badMessage(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) {
	bad, ok := ev.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string          `json:"envelope_id"`
		Type       string          `json:"type"`
		Payload    json.RawMessage `json:"payload"`
	}
	if json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
		a.log.Debug("slack: unreadable Socket Mode message dropped", "err", bad.Cause)
		return
	}
	switch env.Type {
	case socketmode.RequestTypeEventsAPI:
		a.socketEvent(ctx, smc, env.EnvelopeID, env.Payload)
	case socketmode.RequestTypeInteractive:
		a.socketInteraction(ctx, smc, env.EnvelopeID, env.Payload)
	default:
		a.ack(ctx, smc, env.EnvelopeID, nil)
		a.log.Debug("slack: unhandled Socket Mode message acked", "type", env.Type, "err", bad.Cause)
	}
}

// ack queues an acknowledgement on the websocket.
func (a *Adapter) ack(ctx context.Context, smc *socketmode.Client, envelopeID string, payload any) {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := smc.AckCtx(ctx, envelopeID, payload); err != nil && !errors.Is(err, context.Canceled) {
		a.log.Warn("slack: ack failed", "envelope_id", envelopeID, "err", err)
	}
}
