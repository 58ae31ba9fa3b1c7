package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// history reads a whole page of conversations.history with slack-go.
func history(t *testing.T, api *slack.Client, p slack.GetConversationHistoryParameters) *slack.GetConversationHistoryResponse {
	t.Helper()
	res, err := api.GetConversationHistory(&p)
	if err != nil {
		t.Fatalf("GetConversationHistory(%+v): %v", p, err)
	}
	return res
}

func texts(msgs []slack.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return out
}

// TestMetadataAndHistory posts with metadata as slack-go sends it and reads
// it back from the echo, the recorded call and conversations.history.
func TestMetadataAndHistory(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)
	md := slack.SlackMetadata{EventType: "briefbot_briefing", EventPayload: map[string]any{"key": "sub1:2025-05-20", "n": 3}}
	_, ts1, msg, err := api.PostMessageWithResponse("C0NEWS", slack.MsgOptionText("first", false), slack.MsgOptionMetadata(md))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Metadata.EventType != md.EventType || msg.Metadata.EventPayload["key"] != "sub1:2025-05-20" {
		t.Errorf("echoed metadata = %+v", msg.Metadata)
	}
	c := s.Calls("chat.postMessage")[0]
	if c.Form.Get("metadata") == "" {
		t.Errorf("slack-go did not send metadata as a form field: %v", c.Form)
	}
	if got := c.Metadata(); got == nil || got.EventType != md.EventType || got.EventPayload["key"] != "sub1:2025-05-20" || got.EventPayload["n"] != float64(3) {
		t.Errorf("Call.Metadata = %+v", got)
	}
	_, ts2, err := api.PostMessage("C0NEWS", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts1))
	if err != nil {
		t.Fatal(err)
	}
	_, ts3, err := api.PostMessage("C0NEWS", slack.MsgOptionText("second", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage("C0OTHER", slack.MsgOptionText("elsewhere", false)); err != nil {
		t.Fatal(err)
	}

	// Newest first, no replies, no metadata unless asked for.
	res := history(t, api, slack.GetConversationHistoryParameters{ChannelID: "C0NEWS"})
	if got := texts(res.Messages); !slices.Equal(got, []string{"second", "first"}) || res.HasMore {
		t.Fatalf("history = %q (has_more %v)", got, res.HasMore)
	}
	if m := res.Messages[1]; m.Metadata.EventType != "" || m.Timestamp != ts1 || m.User != BotUserID || m.BotID != BotID {
		t.Errorf("message without include_all_metadata = %+v", m.Msg)
	}
	res = history(t, api, slack.GetConversationHistoryParameters{ChannelID: "C0NEWS", IncludeAllMetadata: true})
	if m := res.Messages[1]; m.Metadata.EventType != md.EventType || m.Metadata.EventPayload["key"] != "sub1:2025-05-20" {
		t.Errorf("message with include_all_metadata = %+v", m.Metadata)
	}
	if m := res.Messages[0]; m.Metadata.EventType != "" {
		t.Errorf("a message posted without metadata has %+v", m.Metadata)
	}

	// oldest and latest are exclusive unless inclusive is set.
	for _, tc := range []struct {
		p    slack.GetConversationHistoryParameters
		want []string
	}{
		{slack.GetConversationHistoryParameters{Oldest: ts1}, []string{"second"}},
		{slack.GetConversationHistoryParameters{Oldest: ts1, Inclusive: true}, []string{"second", "first"}},
		{slack.GetConversationHistoryParameters{Latest: ts3}, []string{"first"}},
		{slack.GetConversationHistoryParameters{Latest: ts3, Inclusive: true}, []string{"second", "first"}},
		{slack.GetConversationHistoryParameters{Oldest: ts2, Latest: ts3, Inclusive: true}, []string{"second"}},
		{slack.GetConversationHistoryParameters{Oldest: "0"}, []string{"second", "first"}},
	} {
		tc.p.ChannelID = "C0NEWS"
		if got := texts(history(t, api, tc.p).Messages); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}

	for _, tc := range []struct {
		p    slack.GetConversationHistoryParameters
		want string
	}{
		{slack.GetConversationHistoryParameters{ChannelID: ""}, "channel_not_found"},
		{slack.GetConversationHistoryParameters{ChannelID: "U0ALICE"}, "channel_not_found"},
		{slack.GetConversationHistoryParameters{ChannelID: "C0NEWS", Oldest: "yesterday"}, "invalid_ts_oldest"},
		{slack.GetConversationHistoryParameters{ChannelID: "C0NEWS", Latest: "1.2.3"}, "invalid_ts_latest"},
		{slack.GetConversationHistoryParameters{ChannelID: "C0NEWS", Cursor: "garbage"}, "invalid_cursor"},
	} {
		if _, err := api.GetConversationHistory(&tc.p); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: err = %v, want %s", tc.p, err, tc.want)
		}
	}

	// A DM posted to through the user ID is listed under the DM channel.
	if _, _, err := api.PostMessage("U0ALICE", slack.MsgOptionText("dm", false)); err != nil {
		t.Fatal(err)
	}
	if got := texts(history(t, api, slack.GetConversationHistoryParameters{ChannelID: "D0ALICE"}).Messages); !slices.Equal(got, []string{"dm"}) {
		t.Errorf("DM history = %q", got)
	}
}

func TestBadMetadata(t *testing.T) {
	s := New(t)
	for _, tc := range []struct {
		metadata, want string
	}{
		{`not json`, "invalid_metadata_format"},
		{`{"event_payload":{}}`, "invalid_metadata_schema"},
		{`{"event_type":"x","event_payload":"y"}`, "invalid_metadata_schema"},
	} {
		resp, err := http.PostForm(s.APIURL()+"chat.postMessage", map[string][]string{
			"token": {testBotToken}, "channel": {"C0NEWS"}, "text": {"hi"}, "metadata": {tc.metadata},
		})
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			OK    bool
			Error string
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if out.OK || out.Error != tc.want {
			t.Errorf("metadata %s: %+v, want %s", tc.metadata, out, tc.want)
		}
	}
	if msgs := s.Messages("C0NEWS"); len(msgs) != 0 {
		t.Errorf("refused posts were stored: %+v", msgs)
	}
	// A JSON body may carry the metadata as an object.
	body := `{"channel":"C0NEWS","text":"hi","metadata":{"event_type":"t","event_payload":{"k":"v"}}}`
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+testBotToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	msgs := s.Messages("C0NEWS")
	if len(msgs) != 1 || msgs[0].Metadata == nil || msgs[0].Metadata.EventPayload["k"] != "v" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestHistoryPaging(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)
	base := time.Date(2025, 5, 20, 7, 30, 0, 0, time.UTC).Unix()
	for i := range 250 {
		s.AddMessage("C0BUSY", HistoryMessage{TS: fmt.Sprintf("%d.%06d", base+int64(i), i), User: "U0ALICE", Text: fmt.Sprint(i)})
	}
	var got []string
	p := slack.GetConversationHistoryParameters{ChannelID: "C0BUSY", Limit: 100}
	pages := 0
	for {
		res := history(t, api, p)
		pages++
		got = append(got, texts(res.Messages)...)
		if !res.HasMore {
			if res.ResponseMetaData.NextCursor != "" {
				t.Errorf("a cursor on the last page: %q", res.ResponseMetaData.NextCursor)
			}
			break
		}
		if len(res.Messages) != 100 || res.ResponseMetaData.NextCursor == "" {
			t.Fatalf("page %d: %d messages, cursor %q", pages, len(res.Messages), res.ResponseMetaData.NextCursor)
		}
		p.Cursor = res.ResponseMetaData.NextCursor
	}
	if pages != 3 || len(got) != 250 || got[0] != "249" || got[249] != "0" {
		t.Errorf("%d pages, %d messages, from %s to %s", pages, len(got), got[0], got[len(got)-1])
	}
	// Default limit 100; a message added after the others gets a later ts.
	ts := s.AddMessage("C0BUSY", HistoryMessage{User: "U0BOB", Text: "latest"})
	res := history(t, api, slack.GetConversationHistoryParameters{ChannelID: "C0BUSY"})
	if len(res.Messages) != 100 || res.Messages[0].Timestamp != ts || res.Messages[0].User != "U0BOB" || res.Messages[0].BotID != "" {
		t.Errorf("default page: %d messages, first %+v", len(res.Messages), res.Messages[0].Msg)
	}
}

func TestChannelErrors(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)

	s.SetChannelError("C0GONE", "channel_not_found")
	if _, _, err := api.PostMessage("C0GONE", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("post: %v", err)
	}
	if _, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C0GONE"}); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("history: %v", err)
	}
	if _, _, err := api.PostMessage("C0FINE", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("another channel: %v", err)
	}
	if _, _, err := client(t, s, "").PostMessage("C0GONE", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "not_authed" {
		t.Errorf("without a token: %v, want not_authed first", err)
	}
	s.SetChannelError("U0ALICE", "messages_tab_disabled") // the DM with U0ALICE
	if _, _, err := api.PostMessage("D0ALICE", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "messages_tab_disabled" {
		t.Errorf("DM: %v", err)
	}
	s.SetChannelError("C0GONE", "")
	if _, _, err := api.PostMessage("C0GONE", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("after clearing: %v", err)
	}

	s.FailNextIn("chat.postMessage", "C0LIMITED", 1, http.StatusTooManyRequests, 3*time.Second)
	if _, _, err := api.PostMessage("C0FINE", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("another channel is not limited: %v", err)
	}
	_, _, err := api.PostMessage("C0LIMITED", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Errorf("limited channel: %#v", err)
	}
	if _, _, err := api.PostMessage("C0LIMITED", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("the failure was used up: %v", err)
	}
	if msgs := s.Messages("C0LIMITED"); len(msgs) != 1 {
		t.Errorf("%d messages stored, want 1 (the failed post is not)", len(msgs))
	}
}

func TestUpdateAndDeleteHistory(t *testing.T) {
	s := New(t)
	api := client(t, s, testBotToken)
	_, ts, err := api.PostMessage("C0NEWS", slack.MsgOptionText("v1", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "t", EventPayload: map[string]any{"k": "v"}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage("C0NEWS", ts, slack.MsgOptionText("v2", false)); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages("C0NEWS")
	if len(msgs) != 1 || msgs[0].Text != "v2" || msgs[0].Metadata == nil || msgs[0].Metadata.EventType != "t" {
		t.Errorf("after update: %+v", msgs)
	}
	if _, _, err := api.DeleteMessage("C0NEWS", ts); err != nil {
		t.Fatal(err)
	}
	if msgs := s.Messages("C0NEWS"); len(msgs) != 0 {
		t.Errorf("after delete: %+v", msgs)
	}
}
