package discordfake

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// gwPayload is a received gateway payload.
type gwPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

// dialGateway opens a raw websocket to the fake's gateway with API version v and reads HELLO.
func dialGateway(t *testing.T, s *Server, v string) *websocket.Conn {
	t.Helper()
	ws := dialURL(t, s.GatewayURL()+"/?v="+v+"&encoding=json")
	hello := read(t, ws)
	if hello.Op != 10 {
		t.Fatalf("first payload op %d, want HELLO", hello.Op)
	}
	return ws
}

func dialURL(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return ws
}

func read(t *testing.T, ws *websocket.Conn) gwPayload {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(waitTimeout))
	typ, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.TextMessage {
		t.Fatalf("frame type %d, want text", typ)
	}
	var p gwPayload
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// readUntil reads payloads until a dispatch of type event and returns it.
func readUntil(t *testing.T, ws *websocket.Conn, event string) gwPayload {
	t.Helper()
	for {
		p := read(t, ws)
		if p.Op == 0 && p.T != nil && *p.T == event {
			return p
		}
	}
}

func send(t *testing.T, ws *websocket.Conn, op int, d any) {
	t.Helper()
	if err := ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		t.Fatal(err)
	}
}

func identifyRaw(t *testing.T, ws *websocket.Conn, token string, intents int) {
	t.Helper()
	send(t, ws, 2, map[string]any{"token": token, "intents": intents,
		"properties": map[string]any{"os": "linux", "browser": "test", "device": "test"}})
}

// closeCode reads until the connection closes and returns the close code (-1 without one).
func closeCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(waitTimeout))
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		return -1
	}
}

func TestGatewayHandshake(t *testing.T) {
	s := New(t)
	s.SetHeartbeatInterval(1234 * time.Millisecond)
	ws := dialURL(t, s.GatewayURL()+"?v=10&encoding=json")
	hello := read(t, ws)
	var hd struct {
		HeartbeatInterval int `json:"heartbeat_interval"`
	}
	_ = json.Unmarshal(hello.D, &hd)
	if hello.Op != 10 || hd.HeartbeatInterval != 1234 || hello.S != nil || hello.T != nil {
		t.Fatalf("HELLO = %+v %s", hello, hello.D)
	}
	send(t, ws, 1, nil)
	if ack := read(t, ws); ack.Op != 11 {
		t.Fatalf("heartbeat answer op %d", ack.Op)
	}
	identifyRaw(t, ws, s.Token(), IntentGuilds|IntentGuildMessages)
	ready := read(t, ws)
	if ready.Op != 0 || *ready.T != "READY" || *ready.S != 1 {
		t.Fatalf("READY = %+v", ready)
	}
	var rd struct {
		V           int    `json:"v"`
		SessionID   string `json:"session_id"`
		ResumeURL   string `json:"resume_gateway_url"`
		Application struct{ ID string }
		User        struct {
			ID  string
			Bot bool
		}
		Guilds []struct {
			ID          string
			Unavailable bool
		}
	}
	if err := json.Unmarshal(ready.D, &rd); err != nil {
		t.Fatal(err)
	}
	if rd.V != 10 || rd.SessionID == "" || rd.ResumeURL != s.ResumeGatewayURL() || rd.Application.ID != AppID ||
		rd.User.ID != BotUserID || !rd.User.Bot || len(rd.Guilds) != 1 {
		t.Fatalf("READY d = %+v", rd)
	}
	gc := read(t, ws)
	if *gc.T != "GUILD_CREATE" || *gc.S != 2 {
		t.Fatalf("after READY: %+v", gc)
	}
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReady(50 * time.Millisecond); err == nil {
		t.Fatal("WaitReady succeeded twice for one READY")
	}
	seq, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000001", ChannelID, GuildID, "1247599000000000001", "hi", false))
	if err != nil || seq != 3 {
		t.Fatalf("Dispatch = %d, %v", seq, err)
	}
	p := read(t, ws)
	if *p.T != "MESSAGE_CREATE" || *p.S != 3 {
		t.Fatalf("dispatch = %+v", p)
	}
	if s.Heartbeats() != 1 || s.Identifies() != 1 || s.Intents() != IntentGuilds|IntentGuildMessages {
		t.Errorf("counters: %d heartbeats, %d identifies, intents %d", s.Heartbeats(), s.Identifies(), s.Intents())
	}
	// Op 1 sent by the fake? No: the fake never asks for heartbeats. Op 7 and op 9 go out raw.
	s.Reconnect()
	if p := read(t, ws); p.Op != 7 {
		t.Fatalf("Reconnect sent op %d", p.Op)
	}
	s.InvalidSession(false)
	if p := read(t, ws); p.Op != 9 || string(p.D) != "false" {
		t.Fatalf("InvalidSession sent %+v %s", p, p.D)
	}
	if _, err := s.Dispatch("MESSAGE_CREATE", Message("1", ChannelID, GuildID, "2", "x", false)); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Dispatch after op 9: %v", err)
	}
	// A new IDENTIFY on the same connection is accepted after op 9.
	identifyRaw(t, ws, "Bot "+s.Token(), 0)
	if p := readUntil(t, ws, "READY"); *p.S != 1 {
		t.Fatalf("second READY = %+v", p)
	}
}

func TestGatewayProtocolErrors(t *testing.T) {
	s := New(t)
	s.SetPrivilegedIntents(IntentGuildMembers)
	for _, tc := range []struct {
		name string
		do   func(ws *websocket.Conn)
		code int
	}{
		{"bad token", func(ws *websocket.Conn) { identifyRaw(t, ws, "Bot nope", 0) }, CloseAuthenticationFailed},
		{"not authenticated", func(ws *websocket.Conn) { send(t, ws, 3, map[string]any{"status": "online"}) }, CloseNotAuthenticated},
		{"unknown opcode", func(ws *websocket.Conn) { send(t, ws, 42, nil) }, CloseUnknownOpcode},
		{"binary frame", func(ws *websocket.Conn) { _ = ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2}) }, CloseDecodeError},
		{"not json", func(ws *websocket.Conn) { _ = ws.WriteMessage(websocket.TextMessage, []byte("{")) }, CloseDecodeError},
		{"missing intents", func(ws *websocket.Conn) { send(t, ws, 2, map[string]any{"token": s.Token()}) }, CloseInvalidIntents},
		{"invalid intents", func(ws *websocket.Conn) { identifyRaw(t, ws, s.Token(), 1<<30) }, CloseInvalidIntents},
		{"disallowed intent", func(ws *websocket.Conn) { identifyRaw(t, ws, s.Token(), IntentMessageContent) }, CloseDisallowedIntents},
		{"bad shard", func(ws *websocket.Conn) {
			send(t, ws, 2, map[string]any{"token": s.Token(), "intents": 0, "shard": []int{1, 1}})
		}, CloseInvalidShard},
		{"identify twice", func(ws *websocket.Conn) {
			identifyRaw(t, ws, s.Token(), IntentGuildMembers)
			readUntil(t, ws, "READY")
			identifyRaw(t, ws, s.Token(), 0)
		}, CloseAlreadyAuthenticated},
	} {
		ws := dialGateway(t, s, "10")
		tc.do(ws)
		if got := closeCode(t, ws); got != tc.code {
			t.Errorf("%s: close code %d, want %d", tc.name, got, tc.code)
		}
	}
	ws := dialURL(t, s.GatewayURL()+"?v=6&encoding=json")
	if got := closeCode(t, ws); got != CloseInvalidAPIVersion {
		t.Errorf("v=6: close code %d", got)
	}
	if err := s.WaitConnections(11, waitTimeout); err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Closures() {
		if c.By != "server" || c.Code < 4000 {
			t.Errorf("closure %+v", c)
		}
	}
}

func TestGatewayResume(t *testing.T) {
	s := New(t)
	ws := dialGateway(t, s, "10")
	identifyRaw(t, ws, s.Token(), IntentGuildMessages)
	ready := readUntil(t, ws, "READY")
	var rd struct {
		SessionID string `json:"session_id"`
	}
	_ = json.Unmarshal(ready.D, &rd)
	for i := range 3 {
		if _, err := s.Dispatch("MESSAGE_CREATE", Message("124760000000000000"+string(rune('1'+i)), ChannelID, GuildID, "1247599000000000001", "m", false)); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		read(t, ws)
	}
	s.Drop()
	if s.LiveConnections() != 0 {
		t.Fatal("Drop left a connection")
	}
	if seq, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000009", ChannelID, GuildID, "1247599000000000001", "missed", false)); err != nil || seq != 5 {
		t.Fatalf("Dispatch while away = %d, %v", seq, err)
	}

	// Resume from seq 3 (one dispatch unseen before the drop, one after) on resume_gateway_url.
	ws2 := dialURL(t, s.ResumeGatewayURL()+"?v=10&encoding=json")
	read(t, ws2) // HELLO
	send(t, ws2, 6, map[string]any{"token": s.Token(), "session_id": rd.SessionID, "seq": 3})
	var got []int64
	for {
		p := read(t, ws2)
		got = append(got, *p.S)
		if *p.T == "RESUMED" {
			break
		}
	}
	if len(got) != 3 || got[0] != 4 || got[1] != 5 || got[2] != 6 {
		t.Fatalf("replayed seqs %v, want [4 5 6(RESUMED)]", got)
	}
	if err := s.WaitReady(waitTimeout); err != nil { // READY
		t.Fatal(err)
	}
	if conns := s.GatewayConns(); conns[1].Path != "/gw-resume" {
		t.Errorf("connections = %+v", conns)
	}

	// Unknown session: op 9 false; a seq from the future: 4007.
	ws3 := dialGateway(t, s, "10")
	send(t, ws3, 6, map[string]any{"token": s.Token(), "session_id": "nope", "seq": 1})
	if p := read(t, ws3); p.Op != 9 || string(p.D) != "false" {
		t.Fatalf("unknown session: %+v %s", p, p.D)
	}
	ws4 := dialGateway(t, s, "10")
	send(t, ws4, 6, map[string]any{"token": s.Token(), "session_id": rd.SessionID, "seq": 99})
	if got := closeCode(t, ws4); got != CloseInvalidSeq {
		t.Fatalf("future seq: close %d", got)
	}
	// 4007 ended the session.
	ws5 := dialGateway(t, s, "10")
	send(t, ws5, 6, map[string]any{"token": s.Token(), "session_id": rd.SessionID, "seq": 1})
	if p := read(t, ws5); p.Op != 9 {
		t.Fatalf("resume after 4007: op %d", p.Op)
	}
}

func TestGatewayClientCloseEndsSession(t *testing.T) {
	for _, tc := range []struct {
		code      int
		resumable bool
	}{{1000, false}, {1001, false}, {4200, true}, {1012, true}} {
		s := New(t)
		ws := dialGateway(t, s, "10")
		identifyRaw(t, ws, s.Token(), 0)
		ready := readUntil(t, ws, "READY")
		var rd struct {
			SessionID string `json:"session_id"`
		}
		_ = json.Unmarshal(ready.D, &rd)
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(tc.code, ""), time.Now().Add(time.Second))
		closeCode(t, ws)
		deadline := time.Now().Add(waitTimeout)
		for s.LiveConnections() > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		ws2 := dialGateway(t, s, "10")
		send(t, ws2, 6, map[string]any{"token": s.Token(), "session_id": rd.SessionID, "seq": 1})
		p := read(t, ws2)
		if resumed := p.Op == 0 && *p.T == "RESUMED"; resumed != tc.resumable {
			t.Errorf("client close %d: after RESUME got %+v, resumable %v", tc.code, p, tc.resumable)
		}
		if cl := s.Closures(); cl[0].By != "client" || cl[0].Code != tc.code {
			t.Errorf("closures = %+v", cl)
		}
	}
}

func TestGatewayCompression(t *testing.T) {
	s := New(t)
	ws := dialURL(t, s.GatewayURL()+"?v=10&encoding=json&compress=zlib-stream")
	// One zlib stream across frames, each ending in a sync flush.
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	payloads := make(chan gwPayload, 8)
	go func() {
		defer close(payloads)
		zr, err := zlib.NewReader(pr)
		if err != nil {
			return
		}
		dec := json.NewDecoder(zr)
		for {
			var p gwPayload
			if dec.Decode(&p) != nil {
				return
			}
			payloads <- p
		}
	}()
	go func() {
		for {
			typ, data, err := ws.ReadMessage()
			if err != nil {
				_ = pw.CloseWithError(err)
				return
			}
			if typ != websocket.BinaryMessage || !bytes.HasSuffix(data, []byte{0, 0, 0xff, 0xff}) {
				_ = pw.CloseWithError(errors.New("not a zlib-stream frame"))
				return
			}
			if _, err := pw.Write(data); err != nil {
				return
			}
		}
	}()
	next := func() gwPayload {
		select {
		case p, ok := <-payloads:
			if !ok {
				t.Fatal("stream ended")
			}
			return p
		case <-time.After(waitTimeout):
			t.Fatal("no payload")
		}
		return gwPayload{}
	}
	if p := next(); p.Op != 10 {
		t.Fatalf("first op %d", p.Op)
	}
	identifyRaw(t, ws, s.Token(), 0)
	if p := next(); p.T == nil || *p.T != "READY" {
		t.Fatalf("after IDENTIFY: %+v", p)
	}
	if c := s.GatewayConns(); !c[0].Compress {
		t.Errorf("conn = %+v", c[0])
	}
}

func TestDispatchErrors(t *testing.T) {
	s := New(t)
	if _, err := s.Dispatch("MESSAGE_CREATE", map[string]any{}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("no session: %v", err)
	}
	ws := dialGateway(t, s, "10")
	identifyRaw(t, ws, s.Token(), IntentGuildMessages)
	readUntil(t, ws, "READY")
	for _, ev := range []string{"MESSAGE_REACTION_ADD", "TYPING_START", "GUILD_MEMBER_ADD", "GUILD_CREATE"} {
		if _, err := s.Dispatch(ev, map[string]any{"guild_id": GuildID}); !errors.Is(err, ErrNotSubscribed) {
			t.Errorf("%s: %v", ev, err)
		}
	}
	if _, err := s.Dispatch("MESSAGE_CREATE", Message("1", DMChannelID("2"), "", "2", "dm", false)); !errors.Is(err, ErrNotSubscribed) {
		t.Errorf("DM without DIRECT_MESSAGES: %v", err)
	}
	if _, err := s.Dispatch("INTERACTION_CREATE", SlashCommand("1", "t", "brief", nil, ChannelID, GuildID, "2")); err != nil {
		t.Errorf("INTERACTION_CREATE needs no intent: %v", err)
	}
	if _, err := s.Dispatch("X", func() {}); err == nil || !strings.Contains(err.Error(), "encoding") {
		t.Errorf("unencodable: %v", err)
	}
}

// TestNoGoroutineLeaks uses the fake with live gateway connections (one identified, one
// not), REST calls and concurrent dispatches, then checks that no goroutine running the fake's
// code is left once its cleanup has run.
func TestNoGoroutineLeaks(t *testing.T) {
	// Client connections that outlive the fake: its cleanup must end them.
	var clients []*websocket.Conn
	defer func() {
		for _, ws := range clients {
			_ = ws.Close()
		}
	}()
	t.Run("use", func(t *testing.T) {
		s := New(t)
		for _, v := range []string{"10", "9"} {
			ws, _, err := websocket.DefaultDialer.Dial(s.GatewayURL()+"?v="+v+"&encoding=json", nil)
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, ws)
			read(t, ws) // HELLO
		}
		identifyRaw(t, clients[0], s.Token(), IntentGuilds|IntentGuildMessages)
		readUntil(t, clients[0], "READY") // the second connection is never identified
		s.Handle("GET", "/guilds/{guild_id}/members", func(Call) (int, any) {
			return 200, map[string]any{"calls": len(s.AllCalls())} // handlers may use the Server
		})
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, body, _ := call(t, s, "POST", api+"/channels/"+ChannelID+"/messages", "",
					msg(map[string]any{"content": "x", "embeds": []any{map[string]any{"title": "t"}}}))
				if st != 200 {
					t.Errorf("post %d: %d", i, st)
					return
				}
				call(t, s, "PATCH", api+"/channels/"+ChannelID+"/messages/"+body["id"].(string), "",
					msg(map[string]any{"content": "y"}))
				call(t, s, "GET", api+"/guilds/"+GuildID+"/members", "", nil)
				if _, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000001", ChannelID, GuildID, "1247599000000000001", "m", false)); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		noViolations(t, s)
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "discordfake.(*") && !strings.Contains(g, "TestNoGoroutineLeaks") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines of the fake left after cleanup:\n%s", strings.Join(leaked, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
