package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	websocket1001 = websocket.CloseGoingAway
	writeTimeout  = 5 * time.Second
	// closeGrace is how long Disconnect and DropConnections wait for a connection to end.
	closeGrace = 2 * time.Second
	// debugHost is the Slack-side host name reported in debug_info.
	debugHost = "applink-fake-7fc4fdbb64-x1"
)

var errNoConnection = errors.New("slackfake: no live Socket Mode connection")

var upgrader = websocket.Upgrader{
	// slack-go sends Origin: https://api.slack.com; Slack accepts any origin.
	CheckOrigin: func(*http.Request) bool { return true },
}

// Envelope is a Socket Mode envelope to send with SendEnvelope.
type Envelope struct {
	EnvelopeID             string // generated (a UUID, like Slack's) when empty
	Type                   string // "events_api", "slash_commands" or "interactive"
	Payload                any
	AcceptsResponsePayload bool
	// RetryAttempt and RetryReason ("timeout", "http_error", ...) describe a redelivery.
	// They are sent on events_api envelopes (as Slack does, 0 and "" on a first delivery),
	// and on any envelope where they are set.
	RetryAttempt int
	RetryReason  string
}

// wsConn is one accepted Socket Mode connection.
type wsConn struct {
	ws       *websocket.Conn
	wmu      sync.Mutex    // serialises data frames; control frames may be written concurrently
	stop     chan struct{} // closed to stop the pinger
	stopOnce sync.Once
	done     chan struct{} // closed when the connection has been torn down
}

func (c *wsConn) write(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

func (c *wsConn) writeJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.write(data)
}

func (c *wsConn) stopPinger() { c.stopOnce.Do(func() { close(c.stop) }) }

// shutdown sends a close frame with code (0: none) and closes the socket, which ends the
// connection's read loop.
func (c *wsConn) shutdown(code int) {
	if code != 0 {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""),
			time.Now().Add(time.Second))
	}
	_ = c.ws.Close()
}

// serveLink serves the Socket Mode websocket at /link/?ticket=....
func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if !s.tickets[ticket] {
		s.mu.Unlock()
		http.Error(w, "invalid_ticket", http.StatusUnauthorized)
		return
	}
	delete(s.tickets, ticket) // tickets are single use
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client
	}
	c := &wsConn{ws: ws, stop: make(chan struct{}), done: make(chan struct{})}
	defer close(c.done)
	ws.SetPongHandler(func(string) error {
		s.mu.Lock()
		s.pongs++
		s.notifyLocked()
		s.mu.Unlock()
		return nil
	})

	// The connection is live from the moment its hello is on the wire: a
	// client that has read hello may be sent envelopes at once. It is
	// listed before hello is written, with its writer held so that no
	// envelope can overtake the hello.
	c.wmu.Lock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.wmu.Unlock()
		c.shutdown(websocket1001)
		return
	}
	s.accepted++
	s.conns = append(s.conns, c)
	live := len(s.conns)
	s.mu.Unlock()
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": live,
		"debug_info": map[string]any{
			"host": debugHost, "build_number": 105, "approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": AppID},
	})
	_ = ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	err = ws.WriteMessage(websocket.TextMessage, hello)
	c.wmu.Unlock()
	s.mu.Lock()
	if err != nil {
		s.conns = slices.DeleteFunc(s.conns, func(x *wsConn) bool { return x == c })
		s.notifyLocked()
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.notifyLocked()
	s.mu.Unlock()

	s.wg.Add(1)
	go s.pinger(c)

	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			break
		}
		if typ == websocket.TextMessage {
			s.receive(data)
		}
	}

	c.stopPinger()
	s.mu.Lock()
	s.conns = slices.DeleteFunc(s.conns, func(x *wsConn) bool { return x == c })
	s.notifyLocked()
	s.mu.Unlock()
	_ = ws.Close()
}

// pinger sends websocket PING frames, as Slack does, until the connection ends.
func (s *Server) pinger(c *wsConn) {
	defer s.wg.Done()
	for seq := 1; ; {
		s.mu.Lock()
		d, wake := s.pingInterval, s.pingWake
		s.mu.Unlock()
		if d <= 0 {
			select {
			case <-c.stop:
				return
			case <-wake:
				continue
			}
		}
		timer := time.NewTimer(d)
		select {
		case <-c.stop:
			timer.Stop()
			return
		case <-wake:
			timer.Stop()
			continue
		case <-timer.C:
		}
		if err := c.ws.WriteControl(websocket.PingMessage, []byte(strconv.Itoa(seq)),
			time.Now().Add(writeTimeout)); err != nil {
			return
		}
		seq++
	}
}

// receive records a frame from the client: acks carry an envelope_id.
func (s *Server) receive(data []byte) {
	var m struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.EnvelopeID == "" {
		return
	}
	ack := Ack{EnvelopeID: m.EnvelopeID, Payload: m.Payload, At: time.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sent, ok := s.sentAt[m.EnvelopeID]; ok {
		ack.Latency = ack.At.Sub(sent)
	}
	if len(data) >= maxAckSize {
		s.oversized = append(s.oversized, ack)
	} else {
		s.acks = append(s.acks, ack)
	}
	s.notifyLocked()
}

// SetPingInterval sets how often websocket PINGs are sent on Socket Mode connections, current
// and future (default DefaultPingInterval). d <= 0 stops pings, which makes slack-go's client
// reconnect after its ping timeout (30 s unless socketmode.OptionPingInterval says otherwise).
func (s *Server) SetPingInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pingInterval = d
	close(s.pingWake)
	s.pingWake = make(chan struct{})
}

// WaitConnected waits until a client has completed the Socket Mode handshake (websocket
// accepted and hello sent) and its connection is live.
func (s *Server) WaitConnected(timeout time.Duration) error {
	if !s.waitFor(timeout, func() bool { return len(s.conns) > 0 }) {
		return fmt.Errorf("slackfake: no Socket Mode connection after %v (%d accepted so far)",
			timeout, s.Connections())
	}
	return nil
}

// Connections returns how many websocket connections were accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// LiveConnections returns how many Socket Mode connections are open now.
func (s *Server) LiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Pongs returns how many PONG frames clients sent in answer to the fake's PINGs.
func (s *Server) Pongs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pongs
}

// Send sends an envelope of typ ("slash_commands", "events_api" or "interactive") carrying
// payload to the newest live connection and returns its envelope ID. accepts_response_payload
// is set as Slack sets it: true for slash commands and for block_suggestion and view_submission
// interactions.
func (s *Server) Send(typ string, payload any) (envelopeID string, err error) {
	return s.SendEnvelope(Envelope{
		Type: typ, Payload: payload, AcceptsResponsePayload: acceptsResponse(typ, payload),
	})
}

// SendEnvelope sends e to the newest live connection and returns its envelope ID. Use it for
// redeliveries (RetryAttempt/RetryReason) or a chosen envelope ID.
func (s *Server) SendEnvelope(e Envelope) (envelopeID string, err error) {
	if e.EnvelopeID == "" {
		e.EnvelopeID = newUUID()
	}
	msg := map[string]any{
		"envelope_id":              e.EnvelopeID,
		"type":                     e.Type,
		"payload":                  e.Payload,
		"accepts_response_payload": e.AcceptsResponsePayload,
	}
	if e.Type == "events_api" || e.RetryAttempt != 0 || e.RetryReason != "" {
		msg["retry_attempt"] = e.RetryAttempt
		msg["retry_reason"] = e.RetryReason
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return "", fmt.Errorf("slackfake: encoding envelope: %w", err)
	}
	s.mu.Lock()
	if len(s.conns) == 0 {
		s.mu.Unlock()
		return "", errNoConnection
	}
	c := s.conns[len(s.conns)-1]
	s.sentAt[e.EnvelopeID] = time.Now()
	s.envelopes = append(s.envelopes, e)
	s.mu.Unlock()
	if err := c.write(data); err != nil {
		return e.EnvelopeID, fmt.Errorf("slackfake: sending envelope: %w", err)
	}
	return e.EnvelopeID, nil
}

// Envelopes returns the envelopes sent so far, in order.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.envelopes)
}

// acceptsResponse reports whether Slack would set accepts_response_payload.
func acceptsResponse(typ string, payload any) bool {
	switch typ {
	case "slash_commands":
		return true
	case "interactive":
		var p struct {
			Type string `json:"type"`
		}
		if b, err := json.Marshal(payload); err == nil && json.Unmarshal(b, &p) == nil {
			return p.Type == "block_suggestion" || p.Type == "view_submission"
		}
	}
	return false
}

// Acks returns the acks received so far, in order (oversized ones excluded).
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// OversizedAcks returns acks of 20 KiB or more, which Slack silently drops and WaitAck
// therefore never sees.
func (s *Server) OversizedAcks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.oversized)
}

// WaitAck waits for the ack of envelopeID.
func (s *Server) WaitAck(envelopeID string, timeout time.Duration) (Ack, error) {
	var ack Ack
	found := s.waitFor(timeout, func() bool {
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID {
				ack = a
				return true
			}
		}
		return false
	})
	if !found {
		return Ack{}, fmt.Errorf("slackfake: no ack for envelope %s after %v", envelopeID, timeout)
	}
	return ack, nil
}

// Disconnect sends a "disconnect" envelope with reason ("refresh_requested", "warning",
// "link_disabled", ...) to every live connection, gives the client a moment to close, then
// closes the connection. The connections stop being live at once, so a following WaitConnected
// waits for the client to reconnect.
func (s *Server) Disconnect(reason string) {
	msg := map[string]any{
		"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": debugHost},
	}
	s.endConnections(func(c *wsConn) {
		_ = c.writeJSON(msg)
	}, websocket.CloseNormalClosure)
}

// DropConnections closes every live connection abruptly, without a disconnect envelope or a
// close frame, as a network failure would.
func (s *Server) DropConnections() {
	s.endConnections(func(c *wsConn) { _ = c.ws.Close() }, 0)
}

func (s *Server) endConnections(first func(*wsConn), closeCode int) {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		first(c)
	}
	deadline := time.NewTimer(closeGrace)
	defer deadline.Stop()
	expired := false
	for _, c := range conns {
		if !expired {
			select {
			case <-c.done:
				continue
			case <-deadline.C:
				expired = true
			}
		}
		c.shutdown(closeCode)
		<-c.done
	}
}
