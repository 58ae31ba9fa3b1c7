// Package discordfake is a fake Discord for end-to-end tests: the REST routes a bot calls and a
// gateway websocket that speaks Discord's protocol (JSON encoding, API v9 and v10, optional
// zlib-stream transport compression), both on 127.0.0.1. Every request body is validated
// against Discord's official OpenAPI 3.1 document and against the bot limits the document does
// not state. discordgo v0.29.0 and discord.js's @discordjs/ws 2.0.4 (see nodecheck/) are tested
// against it.
//
// # Connecting a client
//
// discordgo's REST endpoints are fixed strings under https://discord.com/api/v9/, so point a
// session's HTTP client at the fake with Transport, which rewrites requests for discord.com and
// discordapp.com (scheme, host and req.Host) and refuses every other host:
//
//	s := discordfake.New(t)
//	dg, _ := discordgo.New("Bot " + s.Token())
//	dg.Client = &http.Client{Transport: s.Transport()}
//	dg.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
//	// Open blocks until READY and has no timeout: run it with a deadline.
//
// GET /api/v9/gateway answers {"url":"ws://127.0.0.1:N/gw"} and discordgo dials
// /gw/?v=9&encoding=json itself. Clients that take a base URL (@discordjs/rest) use URL()+"/api".
// New finds the OpenAPI document at shared/corpus/discord-openapi.json in the working directory
// or one of its parents (or at $DISCORD_OPENAPI); without it the test is skipped, or fails under
// CI=true.
//
// # REST
//
// Requests are routed by the document's path templates (Call.Route) and recorded (Calls,
// WaitCalls, AllCalls). The fake serves, with bodies shaped like Discord's:
//
//	GET  /gateway, /gateway/bot (shards 1, session_start_limit), /users/@me, /users/{id},
//	     /applications/@me, /oauth2/applications/@me, /channels/{id}
//	POST /users/@me/channels (DM channel DMChannelID(user)), /channels/{id}/typing (204)
//	POST /channels/{id}/messages (nonce and enforce_nonce: see below)
//	GET  /channels/{id}/messages (limit 1-100, default 50; before, after or around; newest first)
//	GET, PATCH, DELETE /channels/{id}/messages/{id};
//	     PUT /channels/{id}/messages/{id}/reactions/{emoji}/@me (204)
//	POST /interactions/{id}/{token}/callback (204; 200 with ?with_response=true)
//	POST /webhooks/{app id}/{token} (follow-up, always answered with the message);
//	     GET, PATCH, DELETE /webhooks/{app id}/{token}/messages/@original and /{message id}
//	PUT, GET, POST /applications/{id}/commands and /applications/{id}/guilds/{id}/commands
//
// Faithful details: bot routes need "Bot "+Token() in Authorization (401
// {"message":"401: Unauthorized","code":0} otherwise); interaction and webhook-token routes
// need none. A path the document does not know answers 404 {"message":"404: Not Found","code":0},
// a method it does not list 405, a route it knows but the fake does not serve 404 unless a test
// serves it with Handle. Path IDs must be snowflakes (400 50035 "is not snowflake"). A message
// with nothing to show answers 50006; editing or deleting a message the fake does not know
// answers 10008 Unknown Message. Interactions must have been dispatched with
// Dispatch("INTERACTION_CREATE", ...): an unknown one, or a first response later than
// SetInteractionDeadline (3 s), answers 404 10062 Unknown interaction; a second response 400
// 40060; a response type that does not fit the interaction (8 for a command, 7 for a command,
// 4 for autocomplete) 400 50035; follow-ups and @original before the first response 404 10015
// Unknown Webhook. Every answer carries X-RateLimit-* headers (never exhausted unless FailNext
// says so; FailNext takes a concrete path, such as "/channels/123/messages", to fail one
// channel's calls). Command IDs are CommandID(name), also used by SlashCommand and Autocomplete.
//
// # Messages, nonces and channels
//
// A message create's nonce (a string of at most 25 characters or an integer, as the document
// says) is echoed in the create answer only: a message read later has none, as on Discord.
// With enforce_nonce true, a create with the nonce of a message the same author made in the
// same channel within NonceWindow (2 minutes, the short end of Discord's "few minutes")
// answers 200 with that message and creates nothing. The window is read on the fake's clock,
// which SetClock replaces (it also dates message IDs, timestamps and interaction deadlines),
// so a test lets time pass without sleeping.
//
// GET /channels/{id}/messages lists the channel's messages that are not deleted or ephemeral,
// whole (author, embeds, components), newest first; before, after and around are mutually
// exclusive (400 50035 and a violation when several are given). Messages the bot made through
// the fake are there; AddMessage puts others' messages (built with Message) there, and
// Messages returns a channel's history to the test. Editing a message someone else wrote
// answers 403 50005.
//
// SetChannelState makes a channel answer every call as Discord does for a deleted channel (404
// 10003 Unknown Channel), one the bot cannot see (403 50001 Missing Access), or one where it
// may read but not post (message creates answer 403 50013 Missing Permissions).
//
// # Validation
//
// Each request is checked, and every problem is recorded on its Call and in Violations as
// "METHOD route: problem":
//  1. the query parameters the operation declares, against their schemas in the document (a
//     value passes when it fits read as a number, a boolean or a string: limit=0 and
//     before=abc do not); undeclared parameters are ignored, as Discord ignores them;
//  2. the body, against the operation's requestBody schema for the content type sent (JSON,
//     or the payload_json part of a multipart body), compiled once from the whole document with
//     jsonschema/v6 (JSON Schema 2020-12, formats asserted) and referenced by JSON pointer;
//     where the document is stricter than Discord (default_member_permissions as a string, as
//     Discord documents it and discordgo sends it) the body is adjusted first;
//  3. against bot limits: content ≤ 2,000 characters, ≤ 10 embeds, title 256, description
//     4,096, ≤ 25 fields (name 256, value 1,024), footer 2,048, author name 256, 6,000 across
//     the embeds of a message (characters are Unicode code points);
//  4. against our policy: every message create and edit, follow-up, webhook message edit and
//     interaction response with message data (types 4 and 7) carries allowed_mentions with an
//     empty, non-null parse list (ViolationAllowedMentions).
//
// Problems of kinds 1 to 3 are answered as Discord answers them: 400
// {"code":50035,"message":"Invalid Form Body","errors":{"content":{"_errors":[{"code":...,
// "message":...}]}}}. Kind 4 is only recorded: Discord accepts such messages and pings whoever
// the text names.
//
// # Gateway
//
// The fake sends op 10 HELLO first (heartbeat_interval 41,250 ms unless SetHeartbeatInterval
// says otherwise), answers every op 1 with op 11, checks the token of op 2 IDENTIFY (close 4004;
// with or without "Bot ") and its intents (4013 missing or invalid, 4014 a privileged intent
// SetPrivilegedIntents did not enable), then sends READY (s=1; user BotUserID, application
// AppID, guilds [GuildID unavailable], resume_gateway_url ResumeGatewayURL()) and, with the
// GUILDS intent, GUILD_CREATE for GuildID with channel ChannelID. op 6 RESUME of a known
// session replays the dispatches after the client's seq, then sends RESUMED (which takes the
// next seq); an unknown or ended session gets op 9 d=false and the connection may IDENTIFY
// again. Protocol errors close as Discord does: 4001 unknown opcode, 4002 a payload that is not
// JSON or a binary frame, 4003 a payload other than heartbeat/IDENTIFY/RESUME before
// authentication, 4005 a second IDENTIFY, 4007 a RESUME with a seq the session never reached,
// 4012 a version other than 9 or 10. With ?compress=zlib-stream every payload goes out as a
// binary frame of one zlib stream ending in a sync flush; otherwise payloads are text frames
// (IDENTIFY's "compress" flag, which discordgo sets, is accepted and payloads still go out as
// text, which Discord may do too).
//
// Sessions outlive connections, as on Discord: Drop, Reconnect (op 7) and server close codes
// other than those below keep a session resumable, and Dispatch keeps events for its replay
// while no connection is live. A client close with 1000 or 1001 ends the session (discordgo's
// Close and discord.js's destroy both do that), and so do server closes with 4004, 4007, 4009
// and 4010-4014, and InvalidSession(false).
//
// Dispatch respects intents: events the session did not subscribe to are not sent (an error
// wrapping ErrNotSubscribed), and without MESSAGE_CONTENT guild messages that do not mention
// the bot arrive with empty content.
//
// Gateway helpers are count-based: Identifies, Resumes, Heartbeats count payloads received
// since the fake started; WaitIdentifies / WaitResumes / WaitConnections wait for a total; and
// WaitReady waits for one more completed handshake (READY or RESUMED sent) than the previous
// successful WaitReady saw. Frames, Closures and GatewayConns tell exactly what each
// connection did.
//
// # What discordgo v0.29.0 does (established by discordgo_test.go)
//
//   - Open sends its first heartbeat right after HELLO and blocks until READY/RESUMED.
//   - After a dropped connection it calls Close (sleeping 1 s), redials the /gateway URL (never
//     resume_gateway_url) and RESUMEs with session_id and its last seq. A replayed dispatch that
//     arrives before RESUMED is still delivered to handlers (discordgo logs a warning).
//   - op 7: closes with 1012 (keeps the session), sleeps 1 s, reconnects and RESUMEs.
//   - op 9: IDENTIFYs at once on the same connection whatever d says; it never RESUMEs then.
//   - Close codes are ignored: 4004 or 4014 lead to the same reconnect, RESUME and, if that
//     fails, retries after 1, 2, 4 ... up to 600 s, forever. ShouldReconnectOnError is read once
//     when that loop starts; only a successful Open ends it. Detect fatal codes yourself.
//   - Session.Close sends 1000 (the session ends); a later Open RESUMEs the stale session, gets
//     op 9 and IDENTIFYs.
//   - Its per-connection heartbeat goroutine sends at once when it starts; if the connection
//     closes before that goroutine first runs (op 7 or a network drop right after connecting,
//     seen under CPU load), the failed write makes it Close (code 1000: the session ends) and
//     reconnect the session, tearing down the connection that just resumed and forcing a new
//     IDENTIFY. Events dispatched in between are lost with the session.
//   - Handlers run in goroutines (unless SyncEvents), and READY's and GUILD_CREATE's structs are
//     shared with State, which writes to them: copy what you need inside the handler.
//   - Set ShouldReconnectOnError holding dg.Lock(), or -race reports a race with the reconnect
//     goroutine.
package discordfake
