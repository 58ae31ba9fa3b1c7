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
// itself when Slack sends "disconnect" or the connection dies; it gives up
// only when Slack rejects the app token, which ends Run with an error.
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
			if code := slackError(err); isAuthError(code) {
				a.log.Error("slack: Slack rejected the app token; create a new app-level token with connections:write", "error_code", code)
				return fmt.Errorf("slack: socket mode: the app token was rejected (%s)", code)
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case ev := <-smc.Events:
			if ctx.Err() != nil {
				// Stopping: leave the envelope unacknowledged, so that
				// Slack delivers it to another connection.
				continue
			}
			a.onSocketEvent(ctx, smc, ev)
		}
	}
}

// onSocketEvent handles one event from the socket mode client: it acks
// what Slack sent first, then starts the work.
func (a *Adapter) onSocketEvent(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack: connecting to Socket Mode")
	case socketmode.EventTypeConnected:
		a.log.Info("slack: connected over Socket Mode")
	case socketmode.EventTypeConnectionError:
		if ce, ok := ev.Data.(*slackapi.ConnectionErrorEvent); ok {
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
			return
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
		if ev.Request == nil {
			return
		}
		a.ack(ctx, smc, ev.Request.EnvelopeID, nil)
		var e event
		if err := json.Unmarshal(ev.Request.Payload, &e); err != nil {
			a.log.Warn("slack: unreadable event", "err", err)
			return
		}
		a.onEvent(&e)
	case socketmode.EventTypeInteractive:
		if ev.Request == nil {
			return
		}
		a.ack(ctx, smc, ev.Request.EnvelopeID, nil)
		cb, ok := ev.Data.(slackapi.InteractionCallback)
		if !ok {
			return
		}
		a.onInteraction(&cb)
	}
}

// badMessage acks an envelope slack-go could not parse (an event type it
// does not know, say), so that Slack does not redeliver it again and again.
func (a *Adapter) badMessage(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) {
	bad, ok := ev.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
		a.ack(ctx, smc, env.EnvelopeID, nil)
	}
	a.log.Debug("slack: unhandled Socket Mode message acked", "type", env.Type, "err", bad.Cause)
}

// ack queues an acknowledgement on the websocket.
func (a *Adapter) ack(ctx context.Context, smc *socketmode.Client, envelopeID string, payload any) {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := smc.AckCtx(ctx, envelopeID, payload); err != nil && !errors.Is(err, context.Canceled) {
		a.log.Warn("slack: ack failed", "envelope_id", envelopeID, "err", err)
	}
}
