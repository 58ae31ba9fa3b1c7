package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

const (
	testBotToken = "xoxb-1-fake-bot-token"
	testAppToken = "xapp-1-A0FAKEAPP1-fake-app-token"
	waitTimeout  = 10 * time.Second
)

// client returns a slack-go client pointed at the fake. Its transport is closed when the test
// ends, so keep-alive connections do not outlive it.
func client(t *testing.T, s *Server, token string, opts ...slack.Option) *slack.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	opts = append([]slack.Option{
		slack.OptionAPIURL(s.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: tr}),
		slack.OptionAppLevelToken(testAppToken),
	}, opts...)
	return slack.New(token, opts...)
}

// runSocketMode starts a slack-go socketmode client against s. Every event it emits is passed
// to handle (which may be nil) and then forwarded on the returned channel. The client is stopped
// and waited for when the test ends.
func runSocketMode(t *testing.T, s *Server, handle func(*socketmode.Client, socketmode.Event), opts ...socketmode.Option) <-chan socketmode.Event {
	t.Helper()
	sm := socketmode.New(client(t, s, testBotToken), opts...)
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- sm.RunContext(ctx) }()
	out := make(chan socketmode.Event, 100)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-sm.Events:
				if handle != nil {
					handle(sm, evt)
				}
				select {
				case out <- evt:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-runDone:
		case <-time.After(waitTimeout):
			t.Error("socketmode client did not stop")
		}
		<-loopDone
	})
	return out
}

// ackAll acks every request, answering slash commands with a text payload.
func ackAll(sm *socketmode.Client, evt socketmode.Event) {
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return
	}
	if evt.Type == socketmode.EventTypeSlashCommand {
		cmd := evt.Data.(slack.SlashCommand)
		sm.Ack(*evt.Request, map[string]any{"text": "pong: " + cmd.Text})
		return
	}
	sm.Ack(*evt.Request)
}

// waitEvent returns the next event of type typ.
func waitEvent(t *testing.T, events <-chan socketmode.Event, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case evt := <-events:
			if evt.Type == typ {
				return evt
			}
		case <-timer.C:
			t.Fatalf("no %s event within %v", typ, waitTimeout)
		}
	}
}

func TestSocketModeSlashCommandAck(t *testing.T) {
	s := New(t)
	events := runSocketMode(t, s, ackAll)
	if err := s.WaitConnected(waitTimeout); err != nil {
		t.Fatal(err)
	}
	hello := waitEvent(t, events, socketmode.EventTypeHello)
	if hello.Request.ConnectionInfo.AppID != AppID || hello.Request.NumConnections != 1 ||
		hello.Request.DebugInfo.Host == "" {
		t.Errorf("hello = %+v", hello.Request)
	}
	opens := s.Calls("apps.connections.open")
	if len(opens) != 1 || opens[0].Token != testAppToken || opens[0].Status != http.StatusOK {
		t.Fatalf("apps.connections.open calls = %+v", opens)
	}

	id, err := s.Send("slash_commands", SlashCommand("/brief", "today", "C0GENERAL", "U0ALICE", s.ResponseURL("r1")))
	if err != nil {
		t.Fatal(err)
	}
	evt := waitEvent(t, events, socketmode.EventTypeSlashCommand)
	cmd := evt.Data.(slack.SlashCommand)
	if cmd.Command != "/brief" || cmd.Text != "today" || cmd.ChannelID != "C0GENERAL" ||
		cmd.UserID != "U0ALICE" || cmd.TeamID != TeamID || cmd.ResponseURL != s.ResponseURL("r1") ||
		cmd.TriggerID == "" || cmd.APIAppID != AppID {
		t.Errorf("slash command = %+v", cmd)
	}
	if !evt.Request.AcceptsResponsePayload || evt.Request.EnvelopeID != id {
		t.Errorf("request = %+v", evt.Request)
	}
	ack, err := s.WaitAck(id, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	var payload struct{ Text string }
	if err := json.Unmarshal(ack.Payload, &payload); err != nil || payload.Text != "pong: today" {
		t.Errorf("ack payload = %s (%v)", ack.Payload, err)
	}
	if ack.Latency <= 0 || ack.Latency > waitTimeout {
		t.Errorf("ack latency = %v", ack.Latency)
	}
	if got := s.Acks(); len(got) != 1 || got[0].EnvelopeID != id {
		t.Errorf("Acks() = %+v", got)
	}
}

func TestSocketModeEnvelopesParse(t *testing.T) {
	s := New(t)
	events := runSocketMode(t, s, ackAll)
	if err := s.WaitConnected(waitTimeout); err != nil {
		t.Fatal(err)
	}
	send := func(typ string, payload any) {
		t.Helper()
		id, err := s.Send(typ, payload)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.WaitAck(id, waitTimeout); err != nil {
			t.Fatal(err)
		}
	}

	send("events_api", AppMention("Ev0MENTION", "C0GENERAL", "U0ALICE", "<@UBOT> brief me & <@U0BOB|bob>", "1716199200.000100"))
	evt := waitEvent(t, events, socketmode.EventTypeEventsAPI)
	api := evt.Data.(slackevents.EventsAPIEvent)
	mention, ok := api.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok || mention.Channel != "C0GENERAL" || mention.User != "U0ALICE" ||
		mention.Text != "<@UBOT> brief me & <@U0BOB|bob>" || mention.TimeStamp != "1716199200.000100" {
		t.Fatalf("app mention = %#v", api.InnerEvent.Data)
	}
	if cb := api.Data.(*slackevents.EventsAPICallbackEvent); cb.EventID != "Ev0MENTION" || cb.EventTime != 1716199200 {
		t.Errorf("callback = %+v", cb)
	}
	if evt.Request.AcceptsResponsePayload || evt.Request.RetryAttempt != 0 {
		t.Errorf("events_api request = %+v", evt.Request)
	}

	send("events_api", DirectMessage("Ev0DM", "D0ALICE", "U0ALICE", "hello", "1716199201.000200"))
	evt = waitEvent(t, events, socketmode.EventTypeEventsAPI)
	msg, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.ChannelType != "im" || msg.Channel != "D0ALICE" || msg.Text != "hello" || msg.BotID != "" {
		t.Fatalf("message.im = %#v", evt.Data)
	}

	send("interactive", BlockAction("approve", "42", "C0GENERAL", "U0ALICE", "1716199200.000100", s.ResponseURL("r2")))
	evt = waitEvent(t, events, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 ||
		cb.ActionCallback.BlockActions[0].ActionID != "approve" || cb.ActionCallback.BlockActions[0].Value != "42" ||
		cb.Channel.ID != "C0GENERAL" || cb.User.ID != "U0ALICE" || cb.Container.MessageTs != "1716199200.000100" ||
		cb.ResponseURL != s.ResponseURL("r2") || cb.TriggerID == "" || cb.Team.ID != TeamID {
		t.Errorf("block_actions = %+v", cb)
	}
	if evt.Request.AcceptsResponsePayload {
		t.Error("block_actions envelope accepts a response payload")
	}

	send("interactive", MessageShortcut("summarise", "C0GENERAL", "U0ALICE", "long text", "1716199202.000300", s.ResponseURL("r3")))
	evt = waitEvent(t, events, socketmode.EventTypeInteractive)
	cb = evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeMessageAction || cb.CallbackID != "summarise" ||
		cb.Message.Text != "long text" || cb.MessageTs != "1716199202.000300" || cb.Channel.ID != "C0GENERAL" {
		t.Errorf("message_action = %+v", cb)
	}

	// A redelivery carries retry_attempt and retry_reason.
	id, err := s.SendEnvelope(Envelope{Type: "events_api", Payload: AppMention("Ev0MENTION", "C0GENERAL", "U0ALICE", "<@UBOT> again", "1716199200.000100"), RetryAttempt: 1, RetryReason: "timeout"})
	if err != nil {
		t.Fatal(err)
	}
	evt = waitEvent(t, events, socketmode.EventTypeEventsAPI)
	if evt.Request.RetryAttempt != 1 || evt.Request.RetryReason != "timeout" || evt.Request.EnvelopeID != id {
		t.Errorf("retry request = %+v", evt.Request)
	}
	if n := len(s.Envelopes()); n != 5 {
		t.Errorf("Envelopes() has %d, want 5", n)
	}
}

func TestSocketModeReconnect(t *testing.T) {
	s := New(t)
	events := runSocketMode(t, s, ackAll)
	if err := s.WaitConnected(waitTimeout); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, events, socketmode.EventTypeHello)

	s.Disconnect("refresh_requested")
	if err := s.WaitConnected(waitTimeout); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, events, socketmode.EventTypeHello)
	if got := s.Connections(); got != 2 {
		t.Errorf("Connections() = %d, want 2", got)
	}
	if got := len(s.Calls("apps.connections.open")); got != 2 {
		t.Errorf("apps.connections.open called %d times, want 2", got)
	}
	id, err := s.Send("slash_commands", SlashCommand("/brief", "", "C0GENERAL", "U0ALICE", s.ResponseURL("r")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitAck(id, waitTimeout); err != nil {
		t.Fatal(err)
	}

	s.DropConnections()
	if err := s.WaitConnected(waitTimeout); err != nil {
		t.Fatal(err)
	}
	if got := s.Connections(); got != 3 {
		t.Errorf("Connections() = %d, want 3", got)
	}
}

func TestSendWithoutConnection(t *testing.T) {
	s := New(t)
	if _, err := s.Send("slash_commands", SlashCommand("/brief", "", "C1", "U1", "")); err == nil {
		t.Error("Send without a connection succeeded")
	}
	if err := s.WaitConnected(50 * time.Millisecond); err == nil {
		t.Error("WaitConnected without a client succeeded")
	}
}

func TestWebsocketNeedsFreshTicket(t *testing.T) {
	s := New(t)
	resp, err := http.Get(strings.Replace(s.APIURL(), "/api/", "/link/?ticket=forged", 1))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged ticket: status %d", resp.StatusCode)
	}
}

func TestPingsKeepClientConnected(t *testing.T) {
	s := New(t)
	s.SetPingInterval(100 * time.Millisecond)
	runSocketMode(t, s, nil, socketmode.OptionPingInterval(time.Second))
	if err := s.WaitConnected(waitTimeout); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	if got := s.Connections(); got != 1 {
		t.Errorf("client reconnected despite pings: %d connections", got)
	}
	if s.Pongs() == 0 {
		t.Error("client answered no ping")
	}

	// Without pings the client gives up on the connection and reconnects.
	s.SetPingInterval(0)
	deadline := time.Now().Add(waitTimeout)
	for s.Connections() < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := s.Connections(); got < 2 {
		t.Errorf("client did not reconnect without pings: %d connections", got)
	}
}

var tsRE = regexp.MustCompile(`^\d{10}\.\d{6}$`)

func TestRateLimitedAndServerErrors(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)

	s.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 1500*time.Millisecond)
	_, _, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("err = %#v, want *slack.RateLimitedError with RetryAfter 2s", err)
	}

	s.FailNext("chat.postMessage", 1, http.StatusServiceUnavailable, 0)
	_, _, err = api.PostMessage("C0GENERAL", slack.MsgOptionText("hi", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusServiceUnavailable {
		t.Fatalf("err = %#v, want StatusCodeError 503", err)
	}

	ch, ts1, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("hi", false))
	if err != nil || ch != "C0GENERAL" || !tsRE.MatchString(ts1) {
		t.Fatalf("PostMessage = %q %q %v", ch, ts1, err)
	}
	_, ts2, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("again", false), slack.MsgOptionTS(ts1))
	if err != nil || ts2 <= ts1 {
		t.Fatalf("second ts %q after %q (%v)", ts2, ts1, err)
	}
	calls := s.Calls("chat.postMessage")
	if len(calls) != 4 {
		t.Fatalf("%d calls recorded, want 4", len(calls))
	}
	for i, want := range []int{429, 503, 200, 200} {
		if calls[i].Status != want || calls[i].Token != testBotToken {
			t.Errorf("call %d: status %d token %q", i, calls[i].Status, calls[i].Token)
		}
	}
	if calls[3].ThreadTS() != ts1 || calls[3].Text() != "again" || calls[3].Channel() != "C0GENERAL" {
		t.Errorf("call 3 = %+v", calls[3])
	}
}

func TestSetErrorAndTokens(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)

	s.SetError("chat.postMessage", "not_in_channel")
	_, _, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("hi", false))
	if err == nil || err.Error() != "not_in_channel" {
		t.Fatalf("err = %v, want not_in_channel", err)
	}
	if c := s.Calls("chat.postMessage"); len(c) != 1 || c[0].Error != "not_in_channel" {
		t.Errorf("calls = %+v", c)
	}
	s.SetError("chat.postMessage", "")
	if _, _, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		token, want string
	}{
		{"", "not_authed"},
		{"xapp-1-wrong-kind", "invalid_auth"},
		{"garbage", "invalid_auth"},
	} {
		_, _, err := client(t, s, tc.token).PostMessage("C0GENERAL", slack.MsgOptionText("hi", false))
		if err == nil || err.Error() != tc.want {
			t.Errorf("token %q: err = %v, want %s", tc.token, err, tc.want)
		}
	}
	if _, _, err := client(t, s, testBotToken, slack.OptionAppLevelToken(testBotToken)).StartSocketModeContext(context.Background()); err == nil || err.Error() != "not_allowed_token_type" {
		t.Errorf("apps.connections.open with a bot token: %v", err)
	}
	if _, _, err := client(t, s, testBotToken, slack.OptionAppLevelToken("")).StartSocketModeContext(context.Background()); err == nil || err.Error() != "not_authed" {
		t.Errorf("apps.connections.open without a token: %v", err)
	}

	s.RequireTokens(testBotToken, testAppToken)
	if _, err := client(t, s, "xoxb-someone-else").AuthTest(); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("foreign bot token: %v", err)
	}
	if _, _, err := client(t, s, testBotToken, slack.OptionAppLevelToken("xapp-other")).StartSocketModeContext(context.Background()); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("foreign app token: %v", err)
	}
}

func TestFormAndJSONBodies(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)
	blocks := slack.MsgOptionBlocks(
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Morning brief", false, false)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*3* items", false, false), nil, nil),
	)

	// Form-encoded, blocks as a JSON string field.
	if _, _, err := api.PostMessage("C0GENERAL", blocks, slack.MsgOptionText("fallback", false)); err != nil {
		t.Fatal(err)
	}
	c := s.Calls("chat.postMessage")[0]
	if c.Form == nil || c.JSON != nil || c.Text() != "fallback" {
		t.Fatalf("form call = %+v", c)
	}
	checkBlocks(t, "form", c.Blocks())

	// JSON to a response_url, blocks as an array.
	if _, _, err := api.PostMessage("", blocks, slack.MsgOptionText("fallback", false),
		slack.MsgOptionResponseURL(s.ResponseURL("cmd1"), slack.ResponseTypeEphemeral)); err != nil {
		t.Fatal(err)
	}
	rs, err := s.WaitResponses("cmd1", 1, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].JSON == nil || rs[0].Field("response_type") != "ephemeral" || rs[0].Text() != "fallback" || rs[0].Status != 200 {
		t.Fatalf("response = %+v", rs[0])
	}
	checkBlocks(t, "response_url", rs[0].Blocks())

	// JSON to a Web API method, token in the Authorization header as Slack requires.
	body := `{"channel":"U0ALICE","text":"dm","thread_ts":"1716199200.000100","blocks":[{"type":"header","text":{"type":"plain_text","text":"Morning brief"}},{"type":"section","text":{"type":"mrkdwn","text":"*3* items"}}]}`
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+testBotToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		OK      bool   `json:"ok"`
		Channel string `json:"channel"`
		TS      string `json:"ts"`
		Message struct {
			BotID    string `json:"bot_id"`
			User     string `json:"user"`
			ThreadTS string `json:"thread_ts"`
		} `json:"message"`
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || !out.OK || out.Channel != "D0ALICE" || out.Message.BotID != BotID ||
		out.Message.User != BotUserID || out.Message.ThreadTS != "1716199200.000100" {
		t.Fatalf("JSON post answer = %+v (%v)", out, err)
	}
	jc := s.Calls("chat.postMessage")[1]
	if jc.JSON == nil || jc.Form != nil || jc.Token != testBotToken || jc.ThreadTS() != "1716199200.000100" ||
		!bytes.Equal(jc.Raw, []byte(body)) {
		t.Fatalf("JSON call = %+v", jc)
	}
	checkBlocks(t, "json", jc.Blocks())
}

func checkBlocks(t *testing.T, what string, blocks []map[string]any) {
	t.Helper()
	if len(blocks) != 2 || blocks[0]["type"] != "header" || blocks[1]["type"] != "section" {
		t.Fatalf("%s blocks = %v", what, blocks)
	}
	text, _ := blocks[1]["text"].(map[string]any)
	if text["text"] != "*3* items" {
		t.Errorf("%s section text = %v", what, text)
	}
}

func TestMessageLimits(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	long := strings.Repeat("x", 3001)
	for _, tc := range []struct {
		name string
		opts []slack.MsgOption
		want string
	}{
		{"empty", nil, "no_text"},
		{"51 blocks", []slack.MsgOption{slack.MsgOptionBlocks(many...)}, "invalid_blocks"},
		{"long section", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, long, false, false), nil, nil))}, "invalid_blocks"},
		{"long header", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", 151), false, false)))}, "invalid_blocks"},
		{"blocks too long", []slack.MsgOption{slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("a", 3000), false, false), nil, nil),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("b", 3000), false, false), nil, nil),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("c", 3000), false, false), nil, nil),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("d", 3000), false, false), nil, nil),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("e", 3000), false, false), nil, nil),
		)}, "msg_blocks_too_long"},
		{"text too long", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("t", 40001), false)}, "msg_too_long"},
	} {
		_, _, err := api.PostMessage("C0GENERAL", tc.opts...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestResponseURL(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)
	post := func(text string) error {
		_, _, err := api.PostMessage("", slack.MsgOptionText(text, false),
			slack.MsgOptionResponseURL(s.ResponseURL("cmd"), slack.ResponseTypeInChannel))
		return err
	}
	s.FailNext("response:cmd", 1, http.StatusInternalServerError, 0)
	var sc slack.StatusCodeError
	if err := post("one"); !errors.As(err, &sc) || sc.Code != 500 {
		t.Fatalf("err = %v, want 500", err)
	}
	s.FailNext("response:cmd", 1, http.StatusTooManyRequests, time.Second)
	var rl *slack.RateLimitedError
	if err := post("one"); !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("err = %v, want rate limited 1s", err)
	}
	for i := range maxResponseURLUses {
		if err := post("ok"); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	if err := post("sixth"); err == nil {
		t.Error("sixth use of a response_url succeeded")
	}
	rs := s.Responses("cmd")
	if len(rs) != 8 || rs[0].Status != 500 || rs[1].Status != 429 || rs[2].Status != 200 || rs[7].Status != 404 {
		t.Errorf("responses = %+v", rs)
	}
	if rs[2].Field("response_type") != "in_channel" {
		t.Errorf("response_type = %q", rs[2].Field("response_type"))
	}

	s.SetError("response:other", "expired_url")
	_, _, err := api.PostMessage("", slack.MsgOptionText("x", false),
		slack.MsgOptionResponseURL(s.ResponseURL("other"), slack.ResponseTypeInChannel))
	if err == nil || err.Error() != "expired_url" {
		t.Errorf("SetError on a response_url: %v", err)
	}

	resp, err := http.Post(s.ResponseURL("raw"), "application/json", strings.NewReader("not json"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || string(b) != "invalid_payload" {
		t.Errorf("bad body: %d %q", resp.StatusCode, b)
	}
}

func TestOtherMethods(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)

	at, err := api.AuthTest()
	if err != nil || at.UserID != BotUserID || at.BotID != BotID || at.TeamID != TeamID || at.URL == "" || at.Team == "" {
		t.Fatalf("AuthTest = %+v, %v", at, err)
	}
	ch, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C0GENERAL"})
	if err != nil || ch.ID != "C0GENERAL" || !ch.IsChannel || !ch.IsMember {
		t.Fatalf("GetConversationInfo = %+v, %v", ch, err)
	}
	s.AddUser(User{ID: "U0ALICE", Name: "alice", RealName: "Alice", TZ: "Europe/Kyiv"})
	u, err := api.GetUserInfo("U0ALICE")
	if err != nil || u.Name != "alice" || u.TZ != "Europe/Kyiv" || (u.TZOffset != 7200 && u.TZOffset != 10800) {
		t.Fatalf("GetUserInfo = %+v, %v", u, err)
	}
	if _, _, _, err := api.UpdateMessage("C0GENERAL", "1716199200.000100", slack.MsgOptionText("edited", false)); err != nil {
		t.Fatal(err)
	}
	if c := s.Calls("chat.update"); len(c) != 1 || c[0].Field("ts") != "1716199200.000100" || c[0].Text() != "edited" {
		t.Errorf("chat.update calls = %+v", c)
	}
	if ts, err := api.PostEphemeral("C0GENERAL", "U0ALICE", slack.MsgOptionText("psst", false)); err != nil || !tsRE.MatchString(ts) {
		t.Errorf("PostEphemeral = %q, %v", ts, err)
	}
	// Passed through to slacktest after our checks, and recorded.
	if err := api.AddReaction("thumbsup", slack.NewRefToMessage("C0GENERAL", "1716199200.000100")); err != nil {
		t.Fatal(err)
	}
	if c := s.Calls("reactions.add"); len(c) != 1 || c[0].Field("name") != "thumbsup" || c[0].Status != 200 {
		t.Errorf("reactions.add calls = %+v", c)
	}
	if err := client(t, s, "").AddReaction("x", slack.NewRefToMessage("C1", "1.2")); err == nil || err.Error() != "not_authed" {
		t.Errorf("reactions.add without token: %v", err)
	}
	resp, err := http.PostForm(s.APIURL()+"no.such.method", map[string][]string{"token": {testBotToken}})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		OK    bool
		Error string
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if out.OK || out.Error != "unknown_method" {
		t.Errorf("unknown method answer = %+v", out)
	}
	if _, err := s.WaitCalls("chat.postMessage", 1, 20*time.Millisecond); err == nil {
		t.Error("WaitCalls succeeded with no calls")
	}
}

func TestSignMatchesSlackVerifier(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	form := SlashCommandForm("/brief", "today", "C0GENERAL", "U0ALICE", "https://hooks.example/r")
	body := []byte(form.Encode())
	req := SignedRequest(t, secret, "http://127.0.0.1/slack/commands", "application/x-www-form-urlencoded", body, time.Now())

	sv, err := slack.NewSecretsVerifier(req.Header, secret)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(req.Body)
	if _, err := sv.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := sv.Ensure(); err != nil {
		t.Fatalf("slack-go rejects our signature: %v", err)
	}

	wrong, _ := slack.NewSecretsVerifier(req.Header, "another-secret")
	_, _ = wrong.Write(raw)
	if wrong.Ensure() == nil {
		t.Error("signature verified with the wrong secret")
	}
	if _, err := slack.NewSecretsVerifier(SignedRequest(t, secret, "http://x/", "text/plain", body, time.Now().Add(-10*time.Minute)).Header, secret); err == nil {
		t.Error("stale timestamp accepted")
	}

	// Slack's documented example.
	sig, ts := Sign(secret, time.Unix(1531420618, 0), []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"))
	if ts != "1531420618" || sig != "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" {
		t.Errorf("Sign(example) = %s %s", sig, ts)
	}

	cmd, err := slack.SlashCommandParse(SignedRequest(t, secret, "http://x/", "application/x-www-form-urlencoded", body, time.Time{}))
	if err != nil || cmd.Command != "/brief" || cmd.Text != "today" || cmd.ChannelID != "C0GENERAL" || cmd.UserID != "U0ALICE" || cmd.TeamID != TeamID {
		t.Errorf("SlashCommandParse = %+v, %v", cmd, err)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(InteractionForm(BlockAction("a", "v", "C1", "U1", "1.2", "")).Get("payload")), &cb); err != nil || cb.Type != slack.InteractionTypeBlockActions {
		t.Errorf("InteractionForm payload = %+v, %v", cb, err)
	}
}

// TestRawProtocol speaks Socket Mode with a bare websocket client, checking the wire format.
func TestRawProtocol(t *testing.T) {
	s := New(t)
	_, wsURL, err := client(t, s, testBotToken).StartSocketModeContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(wsURL, "ws://127.0.0.1:") || !strings.Contains(wsURL, "/link/?ticket=") {
		t.Fatalf("url = %q", wsURL)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(waitTimeout))

	var hello map[string]any
	if err := conn.ReadJSON(&hello); err != nil {
		t.Fatal(err)
	}
	ci, _ := hello["connection_info"].(map[string]any)
	di, _ := hello["debug_info"].(map[string]any)
	if hello["type"] != "hello" || hello["num_connections"] != 1.0 || ci["app_id"] != AppID ||
		di["host"] == nil || di["build_number"] == nil || di["approximate_connection_time"] == nil {
		t.Errorf("hello = %v", hello)
	}

	id, err := s.Send("slash_commands", SlashCommand("/brief", "", "C1", "U1", ""))
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := conn.ReadJSON(&env); err != nil {
		t.Fatal(err)
	}
	if env["envelope_id"] != id || env["type"] != "slash_commands" || env["accepts_response_payload"] != true || env["payload"] == nil {
		t.Errorf("envelope = %v", env)
	}
	if _, ok := env["retry_attempt"]; ok {
		t.Errorf("slash_commands envelope carries retry_attempt: %v", env)
	}

	// An ack of 20 KiB or more is dropped, as Slack drops it.
	big := map[string]any{"envelope_id": id, "payload": map[string]any{"text": strings.Repeat("x", maxAckSize)}}
	if err := conn.WriteJSON(big); err != nil {
		t.Fatal(err)
	}
	if err := conn.WriteJSON(map[string]any{"envelope_id": id}); err != nil {
		t.Fatal(err)
	}
	ack, err := s.WaitAck(id, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Payload != nil || len(s.OversizedAcks()) != 1 || len(s.Acks()) != 1 {
		t.Errorf("ack = %+v, oversized %d, acks %d", ack, len(s.OversizedAcks()), len(s.Acks()))
	}

	// The ticket was single use.
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL, nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("reusing a ticket: %v", err)
	}

	// Disconnect sends the envelope, then closes once the client has gone.
	go s.Disconnect("link_disabled")
	var disc map[string]any
	if err := conn.ReadJSON(&disc); err != nil {
		t.Fatal(err)
	}
	if disc["type"] != "disconnect" || disc["reason"] != "link_disabled" || disc["debug_info"] == nil {
		t.Errorf("disconnect = %v", disc)
	}
	if _, _, err := conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("after disconnect: %v, want a normal close", err)
	}
}

// TestNoGoroutinesLeft checks that nothing of the fake runs after its test's cleanup.
func TestNoGoroutinesLeft(t *testing.T) {
	t.Run("busy", func(t *testing.T) {
		s := New(t)
		s.SetPingInterval(50 * time.Millisecond)
		runSocketMode(t, s, ackAll)
		if err := s.WaitConnected(waitTimeout); err != nil {
			t.Fatal(err)
		}
		api := client(t, s, testBotToken)
		for range 3 {
			if _, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false)); err != nil {
				t.Fatal(err)
			}
		}
		_ = api.AddReaction("x", slack.NewRefToMessage("C1", "1.2"))
		id, err := s.Send("slash_commands", SlashCommand("/brief", "", "C1", "U1", ""))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.WaitAck(id, waitTimeout); err != nil {
			t.Fatal(err)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		var leaked []string
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "slackfake.(*Server)") || strings.Contains(g, "slacktest.") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after cleanup:\n%s", strings.Join(leaked, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
