// Runs discord.js's official gateway client (@discordjs/ws, with @discordjs/rest for
// GET /gateway/bot) against discordfake.
//
// The Go test TestOfficialNodeClient starts the fake and runs this script with:
//   DISCORD_FAKE_URL       the fake's base URL (http://127.0.0.1:N); REST is under /api
//   DISCORD_TOKEN          the bot token the fake accepts
//   NODECHECK_MESSAGES     how many MESSAGE_CREATE dispatches to wait for (default 1)
//   NODECHECK_COMPRESSION  "zlib-stream" to ask for transport compression (default: none)
//   NODECHECK_TIMEOUT_MS   overall deadline (default 15000)
//   NODECHECK_DEBUG=1      print the client's debug log
// It connects one shard (API v10, JSON), waits for READY, then answers each MESSAGE_CREATE with
// a message posted through @discordjs/rest (with allowed_mentions {parse: []}), and exits 0 once
// it has seen the wanted number of messages. It exits 1 on an error or after the deadline.
import { REST } from '@discordjs/rest';
import { CompressionMethod, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';

const base = process.env.DISCORD_FAKE_URL;
const token = process.env.DISCORD_TOKEN;
const wantMessages = Number(process.env.NODECHECK_MESSAGES ?? '1');
const timeoutMs = Number(process.env.NODECHECK_TIMEOUT_MS ?? '15000');
const compression = process.env.NODECHECK_COMPRESSION === 'zlib-stream' ? CompressionMethod.ZlibNative : null;
const verbose = process.env.NODECHECK_DEBUG === '1';

if (!base || !token) {
  console.error('nodecheck: set DISCORD_FAKE_URL and DISCORD_TOKEN');
  process.exit(1);
}

// GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT
const intents = (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15);
const seen = { ready: 0, resumed: 0, heartbeats: 0, messages: 0 };

const timer = setTimeout(() => {
  console.error(`nodecheck: timed out after ${timeoutMs} ms: ${JSON.stringify(seen)}`);
  process.exit(1);
}, timeoutMs);

const rest = new REST({ api: `${base}/api`, version: '10' }).setToken(token);
const manager = new WebSocketManager({ token, intents, rest, compression });

manager.on(WebSocketShardEvents.Debug, (message, shardId) => {
  if (verbose) console.error(`[debug ${shardId}] ${message}`);
});
manager.on(WebSocketShardEvents.Error, (err, shardId) => {
  console.error(`nodecheck: shard ${shardId} error: ${err?.stack ?? err}`);
});
manager.on(WebSocketShardEvents.HeartbeatComplete, () => {
  seen.heartbeats++;
});
manager.on(WebSocketShardEvents.Ready, (data, shardId) => {
  seen.ready++;
  console.log(`nodecheck ready shard=${shardId} session=${data.session_id} user=${data.user.id} app=${data.application.id}`);
});
manager.on(WebSocketShardEvents.Resumed, (shardId) => {
  seen.resumed++;
  console.log(`nodecheck resumed shard=${shardId}`);
});

let finishing = false;
manager.on(WebSocketShardEvents.Dispatch, async (payload) => {
  if (payload.t !== 'MESSAGE_CREATE') return;
  const msg = payload.d;
  console.log(`nodecheck message s=${payload.s} content=${JSON.stringify(msg.content)}`);
  try {
    await rest.post(`/channels/${msg.channel_id}/messages`, {
      body: { content: `ack ${msg.content}`, allowed_mentions: { parse: [] } },
    });
  } catch (err) {
    console.error(`nodecheck: reply failed: ${err}`);
    process.exit(1);
  }
  seen.messages++;
  if (seen.messages >= wantMessages && !finishing) {
    finishing = true;
    clearTimeout(timer);
    console.log(`nodecheck ok ${JSON.stringify(seen)}`);
    await manager.destroy();
    process.exit(0);
  }
});

try {
  await manager.connect();
} catch (err) {
  console.error(`nodecheck: connect failed: ${err?.stack ?? err}`);
  process.exit(1);
}
