package discordfake

// These tests drive the fake with discordgo v0.29.0 itself. What they establish about
// discordgo, for the adapter (each is asserted below):
//
//   - Open blocks until READY (or RESUMED) arrives and has no timeout of its own: call it with a
//     deadline around it. It sends its first heartbeat right after HELLO, not after a jittered
//     wait as Discord asks.
//   - Drop (TCP gone, no close frame): discordgo's listener calls Close (which sleeps 1 s), then
//     reconnects and sends RESUME with its session_id and last seq. It dials the URL from
//     GET /gateway again, never READY's resume_gateway_url. It reads the first payload after
//     RESUME as "the" answer: a replayed dispatch arriving before RESUMED makes it log a
//     warning ("Expected READY/RESUMED") but the event still reaches the handlers, in order.
//   - op 7 RECONNECT: discordgo closes with 1012 (service restart), which keeps the session,
//     sleeps 1 s inside Close, reconnects and RESUMEs.
//   - op 9 INVALID SESSION: discordgo ignores d (resumable or not) and sends IDENTIFY at once on
//     the same connection, without the 1-5 s wait Discord asks for; it never RESUMEs after
//     op 9.
//   - Close codes are ignored: after a close frame with 4004 (or 4014, ...) discordgo reconnects
//     like after any error (1 s in Close), sends RESUME, and retries failed attempts forever with
//     waits of 1, 2, 4, 8 ... up to 600 s. ShouldReconnectOnError is read once when the loop
//     starts, so setting it to false does not stop a loop already running: only a successful
//     Open (or ErrWSAlreadyOpen, when the test calls Open itself) ends it. The adapter must
//     watch for fatal codes itself (e.g. a Disconnect handler plus a check of Identifies/errors)
//     and stop the session.
//   - Session.Close sends close code 1000, which ends the session on Discord: a later Open sends
//     RESUME with the stale session (discordgo keeps sessionID and seq), gets op 9 and
//     IDENTIFYs.
//   - A 429 body's retry_after is read as seconds (float); with ShouldRetryOnRateLimit (the
//     default) discordgo sleeps that long and retries without a cap. With it off the call
//     returns *discordgo.RateLimitError. 502 is retried up to MaxRestRetries (3); other 5xx
//     come back as *discordgo.RESTError.
//   - discordgo's per-connection heartbeat goroutine sends at once when it starts. If the
//     connection closes before that goroutine first runs (op 7 or a drop right after connecting,
//     seen under CPU load), the failed write makes it call Close (code 1000: the session ends)
//     and reconnect on the session, tearing down the connection that just resumed and forcing
//     a new IDENTIFY; events dispatched in between are lost with the session. Tests wait for a
//     connection's first heartbeat before disrupting it (heartbeatSeen).
//   - Writing Session.ShouldReconnectOnError while discordgo's goroutines may read it is a data
//     race under -race unless done holding the session's lock (dg.Lock()), as closeSession does.

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

const waitTimeout = 10 * time.Second

// openSession connects a discordgo session to s with intents, waiting at most waitTimeout for
// Open. The session is closed when the test ends (before the fake, whose cleanup was
// registered first).
func openSession(t *testing.T, s *Server, intents discordgo.Intent, setup ...func(*discordgo.Session)) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot " + s.Token())
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: s.Transport(), Timeout: 20 * time.Second}
	dg.Identify.Intents = intents
	dg.LogLevel = -1 // keep discordgo quiet; the fake records what happened
	if os.Getenv("DISCORDFAKE_DEBUG") != "" {
		dg.LogLevel = discordgo.LogDebug
	}
	for _, f := range setup {
		f(dg)
	}
	done := make(chan error, 1)
	go func() { done <- dg.Open() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Open did not return: no READY?")
	}
	t.Cleanup(func() { closeSession(dg) })
	heartbeatSeen(t, s)
	return dg
}

// heartbeatSeen waits until discordgo has sent a heartbeat on its newest gateway connection.
// discordgo starts a heartbeat goroutine per connection that sends at once; if the connection
// is closed before that goroutine first runs (a test disrupting it right after connecting, on a
// loaded machine), its write fails and it calls Close and reconnect on the session, tearing
// down the next connection with code 1000 and forcing a new IDENTIFY. Tests that disrupt a
// connection wait for its first heartbeat first.
func heartbeatSeen(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		conns := s.GatewayConns()
		if len(conns) > 0 {
			last := conns[len(conns)-1].ID
			for _, f := range s.Frames() {
				if f.Conn == last && f.Op == 1 {
					return
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("discordgo sent no heartbeat on its connection")
}

// closeSession stops reconnects and closes dg (Close sleeps 1 s).
func closeSession(dg *discordgo.Session) {
	dg.Lock()
	dg.ShouldReconnectOnError = false
	dg.Unlock()
	_ = dg.Close()
}

// messages registers a MESSAGE_CREATE handler and returns its channel.
func messages(dg *discordgo.Session) <-chan *discordgo.MessageCreate {
	ch := make(chan *discordgo.MessageCreate, 16)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { ch <- m })
	return ch
}

func recvMessage(t *testing.T, ch <-chan *discordgo.MessageCreate) *discordgo.MessageCreate {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(waitTimeout):
		t.Fatal("no MESSAGE_CREATE reached the handler")
		return nil
	}
}

// noViolations fails the test if the fake recorded any.
func noViolations(t *testing.T, s *Server) {
	t.Helper()
	if v := s.Violations(); len(v) > 0 {
		t.Fatalf("violations:\n%s", strings.Join(v, "\n"))
	}
}

const chatIntents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

func TestDiscordgoConnectReady(t *testing.T) {
	s := New(t)
	s.SetHeartbeatInterval(200 * time.Millisecond)
	type readySeen struct {
		user                discordgo.User
		app, session, guild string
		version             int
		guilds              int
		unavailable, hasApp bool
	}
	readyCh := make(chan readySeen, 1)
	// discordgo's State keeps (and later writes to) the GuildCreate it hands the handler, so
	// copy what the test reads inside the handler.
	type guildSeen struct{ id, name, channel string }
	guildCh := make(chan guildSeen, 1)
	dg := openSession(t, s, chatIntents, func(dg *discordgo.Session) {
		// Handlers run in their own goroutines unless SyncEvents is set, and READY's guilds
		// are the State's: reading them races with the GUILD_CREATE that follows.
		dg.SyncEvents = true
		dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			seen := readySeen{user: *r.User, session: r.SessionID, version: r.Version, guilds: len(r.Guilds)}
			if r.Application != nil {
				seen.hasApp, seen.app = true, r.Application.ID
			}
			if len(r.Guilds) > 0 {
				seen.guild, seen.unavailable = r.Guilds[0].ID, r.Guilds[0].Unavailable
			}
			readyCh <- seen
		})
		dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
			seen := guildSeen{id: g.ID, name: g.Name}
			if len(g.Channels) == 1 {
				seen.channel = g.Channels[0].ID
			}
			guildCh <- seen
		})
	})
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	r := <-readyCh
	if r.user.ID != BotUserID || !r.user.Bot || r.user.Username != BotName {
		t.Errorf("READY user = %+v", r.user)
	}
	if !r.hasApp || r.app != AppID || r.version != 9 || r.session == "" {
		t.Errorf("READY = %+v", r)
	}
	if r.guilds != 1 || r.guild != GuildID || !r.unavailable {
		t.Errorf("READY guilds = %+v", r)
	}
	select {
	case g := <-guildCh:
		if g.id != GuildID || g.name != GuildName || g.channel != ChannelID {
			t.Errorf("GUILD_CREATE = %+v", g)
		}
	case <-time.After(waitTimeout):
		t.Fatal("no GUILD_CREATE")
	}
	if got := s.Identifies(); got != 1 {
		t.Errorf("Identifies = %d", got)
	}
	if got := s.Intents(); got != int(chatIntents) {
		t.Errorf("Intents = %d, want %d", got, chatIntents)
	}
	conns := s.GatewayConns()
	if len(conns) != 1 || conns[0].Path != "/gw/" || conns[0].Query != "v=9&encoding=json" {
		t.Errorf("gateway connections = %+v", conns)
	}
	// discordgo heartbeats at once, then every interval; the fake ACKs each.
	deadline := time.Now().Add(waitTimeout)
	for s.Heartbeats() < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s.Heartbeats() < 3 {
		t.Fatalf("Heartbeats = %d", s.Heartbeats())
	}
	dg.RLock()
	ack := dg.LastHeartbeatAck
	dg.RUnlock()
	if ack.IsZero() || time.Since(ack) > 2*time.Second {
		t.Errorf("LastHeartbeatAck = %v", ack)
	}
	if dg.State.User.ID != BotUserID {
		t.Errorf("state user = %+v", dg.State.User)
	}
	// REST through the rewriting transport.
	me, err := dg.User("@me")
	if err != nil || me.ID != BotUserID || !me.Bot {
		t.Fatalf("User(@me) = %+v, %v", me, err)
	}
	app, err := dg.Application("@me")
	if err != nil || app.ID != AppID {
		t.Fatalf("Application(@me) = %+v, %v", app, err)
	}
	gb, err := dg.GatewayBot()
	if err != nil || gb.Shards != 1 || !strings.HasPrefix(gb.URL, "ws://127.0.0.1:") {
		t.Fatalf("GatewayBot = %+v, %v", gb, err)
	}
}

func TestDiscordgoMessageCreate(t *testing.T) {
	s := New(t)
	dg := openSession(t, s, chatIntents|discordgo.IntentsMessageContent)
	ch := messages(dg)
	content := "<@" + BotUserID + "> brief me"
	seq, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000001", ChannelID, GuildID, "1247599000000000001", content, true))
	if err != nil || seq < 2 {
		t.Fatalf("Dispatch = %d, %v", seq, err)
	}
	m := recvMessage(t, ch)
	if m.Content != content || m.GuildID != GuildID || m.ChannelID != ChannelID || m.Author.Username != UserName("1247599000000000001") {
		t.Errorf("message = %+v author %+v", m.Message, m.Author)
	}
	if len(m.Mentions) != 1 || m.Mentions[0].ID != BotUserID {
		t.Errorf("mentions = %+v", m.Mentions)
	}
	// A DM: no guild_id.
	if _, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000002", DMChannelID("1247599000000000001"), "", "1247599000000000001", "hello", false)); err != nil {
		t.Fatal(err)
	}
	m = recvMessage(t, ch)
	if m.GuildID != "" || m.Content != "hello" {
		t.Errorf("DM = %+v", m.Message)
	}
}

func TestDiscordgoMessageContentIntent(t *testing.T) {
	s := New(t)
	dg := openSession(t, s, chatIntents) // no MESSAGE_CONTENT
	ch := messages(dg)
	user := "1247599000000000001"
	for i, tc := range []struct {
		guild, content string
		mention        bool
		want           string
	}{
		{GuildID, "not for you", false, ""},
		{GuildID, "<@" + BotUserID + "> for you", true, "<@" + BotUserID + "> for you"},
		{"", "a DM", false, "a DM"},
	} {
		channel := ChannelID
		if tc.guild == "" {
			channel = DMChannelID(user)
		}
		if _, err := s.Dispatch("MESSAGE_CREATE", Message("12476000000000001"+string(rune('0'+i)), channel, tc.guild, user, tc.content, tc.mention)); err != nil {
			t.Fatal(err)
		}
		if m := recvMessage(t, ch); m.Content != tc.want {
			t.Errorf("%q: content = %q, want %q", tc.content, m.Content, tc.want)
		}
	}
	// Without GUILD_MESSAGES Discord sends no guild messages at all.
	s2 := New(t)
	openSession(t, s2, discordgo.IntentsDirectMessages)
	_, err := s2.Dispatch("MESSAGE_CREATE", Message("1247600000000000009", ChannelID, GuildID, user, "x", true))
	if !errors.Is(err, ErrNotSubscribed) {
		t.Fatalf("Dispatch without intent: %v", err)
	}
}

func TestDiscordgoDropResume(t *testing.T) {
	s := New(t)
	dg := openSession(t, s, chatIntents|discordgo.IntentsMessageContent)
	ch := messages(dg)
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	sid := s.SessionID()
	before, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000011", ChannelID, GuildID, "1247599000000000001", "before", true))
	if err != nil {
		t.Fatal(err)
	}
	if m := recvMessage(t, ch); m.Content != "before" {
		t.Fatalf("content = %q", m.Content)
	}

	s.Drop()
	// Sent while the client is away: kept for the replay.
	missed, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000012", ChannelID, GuildID, "1247599000000000001", "missed", true))
	if err != nil || missed != before+1 {
		t.Fatalf("Dispatch while dropped = %d, %v (before %d)", missed, err, before)
	}
	if err := s.WaitResumes(1, waitTimeout); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	if m := recvMessage(t, ch); m.Content != "missed" {
		t.Fatalf("replayed content = %q", m.Content)
	}
	if s.Identifies() != 1 || s.SessionID() != sid {
		t.Errorf("identifies %d, session %q -> %q", s.Identifies(), sid, s.SessionID())
	}
	var resume struct {
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
		Token     string `json:"token"`
	}
	frames := s.Frames()
	for _, f := range frames {
		if f.Op == 6 {
			_ = json.Unmarshal(f.Data, &resume)
		}
	}
	if resume.SessionID != sid || resume.Seq != before || resume.Token != "Bot "+s.Token() {
		t.Errorf("RESUME = %+v, want session %s seq %d", resume, sid, before)
	}
	conns := s.GatewayConns()
	if len(conns) != 2 || conns[1].Path != "/gw/" {
		t.Errorf("connections = %+v (discordgo resumes on the /gateway URL, not resume_gateway_url)", conns)
	}
	if cl := s.Closures(); len(cl) != 1 || cl[0].By != "drop" {
		t.Errorf("closures = %+v", cl)
	}
	// Live again: a new dispatch arrives directly.
	if _, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000013", ChannelID, GuildID, "1247599000000000001", "after", true)); err != nil {
		t.Fatal(err)
	}
	if m := recvMessage(t, ch); m.Content != "after" {
		t.Fatalf("content = %q", m.Content)
	}
}

func TestDiscordgoReconnectOp7(t *testing.T) {
	s := New(t)
	dg := openSession(t, s, chatIntents|discordgo.IntentsMessageContent)
	ch := messages(dg)
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	s.Reconnect()
	if err := s.WaitResumes(1, waitTimeout); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	if cl := s.Closures(); len(cl) != 1 || cl[0].By != "client" || cl[0].Code != 1012 {
		t.Errorf("closures = %+v, want the client closing with 1012", cl)
	}
	if s.Identifies() != 1 {
		t.Errorf("Identifies = %d", s.Identifies())
	}
	if _, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000021", ChannelID, GuildID, "1247599000000000001", "after op 7", true)); err != nil {
		t.Fatal(err)
	}
	if m := recvMessage(t, ch); m.Content != "after op 7" {
		t.Fatalf("content = %q", m.Content)
	}
}

func TestDiscordgoInvalidSession(t *testing.T) {
	for _, resumable := range []bool{false, true} {
		name := "not-resumable"
		if resumable {
			name = "resumable"
		}
		t.Run(name, func(t *testing.T) {
			s := New(t)
			dg := openSession(t, s, chatIntents|discordgo.IntentsMessageContent)
			ch := messages(dg)
			if err := s.WaitReady(waitTimeout); err != nil {
				t.Fatal(err)
			}
			first := s.SessionID()
			s.InvalidSession(resumable)
			if err := s.WaitIdentifies(2, waitTimeout); err != nil {
				t.Fatal(err)
			}
			if err := s.WaitReady(waitTimeout); err != nil {
				t.Fatal(err)
			}
			if s.Resumes() != 0 || s.SessionID() == first || s.SessionID() == "" {
				t.Errorf("resumes %d, session %q -> %q", s.Resumes(), first, s.SessionID())
			}
			if n := len(s.GatewayConns()); n != 1 {
				t.Errorf("%d connections: discordgo re-identified on a new one", n)
			}
			if _, err := s.Dispatch("MESSAGE_CREATE", Message("1247600000000000031", ChannelID, GuildID, "1247599000000000001", "new session", true)); err != nil {
				t.Fatal(err)
			}
			if m := recvMessage(t, ch); m.Content != "new session" {
				t.Fatalf("content = %q", m.Content)
			}
		})
	}
}

func TestDiscordgoClose4004(t *testing.T) {
	s := New(t)
	dg := openSession(t, s, chatIntents)
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	disconnects := make(chan struct{}, 16)
	dg.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { disconnects <- struct{}{} })

	// 1. The token still works: discordgo ignores 4004, reconnects and RESUMEs; the session
	// ended with 4004, so the fake answers op 9 and discordgo IDENTIFYs.
	s.CloseWith(CloseAuthenticationFailed, "Authentication failed.")
	if err := s.WaitIdentifies(2, waitTimeout); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReady(waitTimeout); err != nil {
		t.Fatal(err)
	}
	if s.Resumes() != 1 {
		t.Errorf("Resumes = %d, want 1 (RESUME first, op 9, then IDENTIFY)", s.Resumes())
	}

	// 2. A revoked token: every attempt is closed with 4004 and discordgo keeps trying, with
	// waits of 1, 2, 4 ... seconds.
	heartbeatSeen(t, s)
	s.RevokeToken()
	s.CloseWith(CloseAuthenticationFailed, "Authentication failed.")
	start := time.Now()
	if err := s.WaitResumes(4, 15*time.Second); err != nil { // attempts at about 1, 2, 4 s
		t.Fatal(err)
	}
	t.Logf("3 failed reconnects after the 4004 in %v", time.Since(start).Round(100*time.Millisecond))
	var rejected int
	for _, c := range s.Closures() {
		if c.By == "server" && c.Code == CloseAuthenticationFailed {
			rejected++
		}
	}
	if rejected < 4 {
		t.Errorf("%d connections closed with 4004, want >= 4", rejected)
	}
	// 3. Let the next attempt succeed so the loop ends (nothing else stops it).
	s.RestoreToken()
	if err := s.WaitReady(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	if len(disconnects) == 0 {
		t.Error("no Disconnect event")
	}
}

func TestDiscordgoSendComplexValid(t *testing.T) {
	s := New(t)
	dg := openSession(t, s, chatIntents)
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	msg, err := dg.ChannelMessageSendComplex(ChannelID, &discordgo.MessageSend{
		Content:         "**Briefing** for today",
		AllowedMentions: none,
		Embeds: []*discordgo.MessageEmbed{{
			Title: "Cease-fire talks", Description: "Istanbul, 16 May", URL: "https://example.com/a",
			Timestamp: time.Now().UTC().Format(time.RFC3339), Color: 0x5865F2,
			Fields: []*discordgo.MessageEmbedField{{Name: "Source", Value: "Reuters", Inline: true}},
			Footer: &discordgo.MessageEmbedFooter{Text: "briefbot"},
		}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "More", Style: discordgo.PrimaryButton, CustomID: "more:1"},
			discordgo.Button{Label: "Source", Style: discordgo.LinkButton, URL: "https://example.com/a"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID == "" || msg.ChannelID != ChannelID || msg.Content != "**Briefing** for today" ||
		len(msg.Embeds) != 1 || len(msg.Components) != 1 || msg.Author == nil || msg.Author.ID != BotUserID {
		t.Fatalf("message = %+v", msg)
	}
	content := "edited"
	edited, err := dg.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: msg.ID, Channel: ChannelID, Content: &content, AllowedMentions: none,
	})
	if err != nil || edited.Content != "edited" || edited.EditedTimestamp == nil {
		t.Fatalf("edit = %+v, %v", edited, err)
	}
	// With files: multipart with payload_json.
	if _, err := dg.ChannelMessageSendComplex(ChannelID, &discordgo.MessageSend{
		Content: "attached", AllowedMentions: none,
		Files: []*discordgo.File{{Name: "brief.md", ContentType: "text/markdown", Reader: strings.NewReader("# hi")}},
	}); err != nil {
		t.Fatal(err)
	}
	calls := s.Calls("POST", "/channels/{channel_id}/messages")
	if len(calls) != 2 || len(calls[1].Files) != 1 || calls[1].JSON["content"] != "attached" {
		t.Fatalf("calls = %+v", calls)
	}
	noViolations(t, s)
	if c := calls[0]; c.Route != "/channels/{channel_id}/messages" || c.Version != "9" ||
		c.Auth != "Bot "+s.Token() || c.Status != 200 || c.Params["channel_id"] != ChannelID {
		t.Errorf("call = %+v", c)
	}

	// Without AllowedMentions: answered, but recorded.
	if _, err := dg.ChannelMessageSend(ChannelID, "hello @everyone"); err != nil {
		t.Fatal(err)
	}
	v := s.Violations()
	if len(v) != 1 || v[0] != "POST /channels/{channel_id}/messages: "+ViolationAllowedMentions {
		t.Fatalf("violations = %q", v)
	}
}

func TestDiscordgoInteractions(t *testing.T) {
	s := New(t)
	dg := openSession(t, s, chatIntents)
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	got := make(chan *discordgo.InteractionCreate, 4)
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	recv := func() *discordgo.Interaction {
		t.Helper()
		select {
		case i := <-got:
			return i.Interaction
		case <-time.After(waitTimeout):
			t.Fatal("no INTERACTION_CREATE")
			return nil
		}
	}

	// Register commands (global and guild) and read them back.
	cmds := []*discordgo.ApplicationCommand{{
		Name: "brief", Description: "Get a briefing",
		DefaultMemberPermissions: new(int64),
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Topic",
			Required: true, Autocomplete: true,
		}},
	}}
	for _, guild := range []string{"", GuildID} {
		out, err := dg.ApplicationCommandBulkOverwrite(AppID, guild, cmds)
		if err != nil || len(out) != 1 || out[0].ID != CommandID("brief") || out[0].ApplicationID != AppID || out[0].GuildID != guild {
			t.Fatalf("bulk overwrite (%q) = %+v, %v", guild, out, err)
		}
		back, err := dg.ApplicationCommands(AppID, guild)
		if err != nil || len(back) != 1 || back[0].Name != "brief" {
			t.Fatalf("commands (%q) = %+v, %v", guild, back, err)
		}
	}

	// A slash command answered with a deferred response, then an edit and a follow-up.
	if _, err := s.Dispatch("INTERACTION_CREATE", SlashCommand("1247601000000000001", "tok-slash",
		"brief", []map[string]any{{"name": "topic", "type": 3, "value": "ceasefire"}},
		ChannelID, GuildID, "1247599000000000001")); err != nil {
		t.Fatal(err)
	}
	i := recv()
	if i.Type != discordgo.InteractionApplicationCommand || i.AppID != AppID || i.Member == nil ||
		i.ApplicationCommandData().Name != "brief" || i.ApplicationCommandData().Options[0].StringValue() != "ceasefire" {
		t.Fatalf("interaction = %+v", i)
	}
	if err := dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	content := "Here is your briefing"
	orig, err := dg.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content, AllowedMentions: none})
	if err != nil || orig.Content != content {
		t.Fatalf("edit original = %+v, %v", orig, err)
	}
	fu, err := dg.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "part 2", AllowedMentions: none})
	if err != nil || fu.Content != "part 2" || fu.ID == "" {
		t.Fatalf("follow-up = %+v, %v", fu, err)
	}
	// A second initial response is refused, as on Discord.
	err = dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "again", AllowedMentions: none}})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 40060 {
		t.Fatalf("second response: %v", err)
	}

	// A button click answered with an update of its message.
	if _, err := s.Dispatch("INTERACTION_CREATE", Button("1247601000000000002", "tok-button", "more:1",
		ChannelID, GuildID, "1247599000000000001", "1247600000000000099")); err != nil {
		t.Fatal(err)
	}
	i = recv()
	if i.Type != discordgo.InteractionMessageComponent || i.MessageComponentData().CustomID != "more:1" || i.Message.ID != "1247600000000000099" {
		t.Fatalf("button = %+v", i)
	}
	if err := dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "more", AllowedMentions: none, Components: []discordgo.MessageComponent{}}}); err != nil {
		t.Fatal(err)
	}

	// Autocomplete.
	if _, err := s.Dispatch("INTERACTION_CREATE", Autocomplete("1247601000000000003", "tok-auto", "brief", "topic", "cea",
		ChannelID, GuildID, "1247599000000000001")); err != nil {
		t.Fatal(err)
	}
	i = recv()
	if i.Type != discordgo.InteractionApplicationCommandAutocomplete || !i.ApplicationCommandData().Options[0].Focused {
		t.Fatalf("autocomplete = %+v", i)
	}
	if err := dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "ceasefire", Value: "ceasefire"}}}}); err != nil {
		t.Fatal(err)
	}
	noViolations(t, s)

	// An interaction in a DM, answered at once with a message but without allowed_mentions.
	if _, err := s.Dispatch("INTERACTION_CREATE", SlashCommand("1247601000000000004", "tok-dm", "brief", nil,
		DMChannelID("1247599000000000001"), "", "1247599000000000001")); err != nil {
		t.Fatal(err)
	}
	i = recv()
	if i.User == nil || i.Member != nil || i.GuildID != "" {
		t.Fatalf("DM interaction = %+v", i)
	}
	if err := dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "hi"}}); err != nil {
		t.Fatal(err)
	}
	want := "POST /interactions/{interaction_id}/{interaction_token}/callback: " + ViolationAllowedMentions
	if v := s.Violations(); len(v) != 1 || v[0] != want {
		t.Fatalf("violations = %q", v)
	}
	if n := len(s.Calls("POST", "/webhooks/{application_id}/{interaction_token}")); n != 1 {
		t.Errorf("follow-ups recorded = %d", n)
	}
	if n := len(s.Calls("PATCH", "/webhooks/{application_id}/{interaction_token}/messages/@original")); n != 1 {
		t.Errorf("edits recorded = %d", n)
	}
}

func TestDiscordgoRateLimit(t *testing.T) {
	s := New(t)
	dg, err := discordgo.New("Bot " + s.Token())
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: s.Transport()}
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	send := func() error {
		_, err := dg.ChannelMessageSendComplex(ChannelID, &discordgo.MessageSend{Content: "x", AllowedMentions: none})
		return err
	}
	route := "/channels/{channel_id}/messages"

	// Retries on (the default): discordgo sleeps retry_after and succeeds.
	s.FailNext("POST", route, 1, http.StatusTooManyRequests, 0.25)
	start := time.Now()
	if err := send(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("retried after %v, want >= 250ms", d)
	}
	calls := s.Calls("POST", route)
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("calls = %+v", calls)
	}

	// Retries off: a RateLimitError.
	dg.ShouldRetryOnRateLimit = false
	s.FailNext("POST", route, 1, http.StatusTooManyRequests, 1.5)
	err = send()
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 1500*time.Millisecond {
		t.Fatalf("err = %v", err)
	}

	// 502 is retried (MaxRestRetries), 500 is not.
	s.FailNext("POST", route, 1, http.StatusBadGateway, 0)
	if err := send(); err != nil {
		t.Fatalf("after a 502: %v", err)
	}
	s.FailNext("POST", route, 1, http.StatusInternalServerError, 0)
	var re *discordgo.RESTError
	if err := send(); !errors.As(err, &re) || re.Response.StatusCode != 500 {
		t.Fatalf("after a 500: %v", err)
	}
	noViolations(t, s)
}
