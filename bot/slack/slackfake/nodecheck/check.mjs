// Runs Slack's official Socket Mode client (@slack/socket-mode) against slackfake.
//
// The Go test TestOfficialNodeClient starts the fake and runs this script with:
//   SLACK_API_URL       the fake's Web API base URL (ends in /api/)
//   SLACK_APP_TOKEN     an app-level token (xapp-...)
//   NODECHECK_COMMANDS  how many slash commands to wait for (default 1)
//   NODECHECK_TIMEOUT_MS  overall deadline (default 10000)
// It acks every slash command with a text payload, and exits 0 once it has acked the wanted
// number of commands and has seen at least one websocket ping from the fake and one pong in
// answer to its own pings. It exits 1 on an error and 2 on timeout.
import { LogLevel, SocketModeClient } from '@slack/socket-mode';

const appToken = process.env.SLACK_APP_TOKEN;
const slackApiUrl = process.env.SLACK_API_URL;
const wantCommands = Number(process.env.NODECHECK_COMMANDS ?? '1');
const timeoutMs = Number(process.env.NODECHECK_TIMEOUT_MS ?? '10000');
const verbose = process.env.NODECHECK_DEBUG === '1';

if (!appToken || !slackApiUrl) {
  console.error('nodecheck: set SLACK_APP_TOKEN and SLACK_API_URL');
  process.exit(1);
}

const seen = { connected: 0, serverPings: 0, pongs: 0, acked: 0 };

// The client reports websocket pings and pongs only through its debug log.
const logger = {
  debug(...msgs) {
    const line = msgs.join(' ');
    if (line.includes('received ping from Slack server')) seen.serverPings++;
    if (line.includes('received pong from Slack server')) seen.pongs++;
    if (verbose) console.error('[debug]', line);
  },
  info: (...msgs) => console.error('[info]', ...msgs),
  warn: (...msgs) => console.error('[warn]', ...msgs),
  error: (...msgs) => console.error('[error]', ...msgs),
  setLevel() {},
  getLevel: () => LogLevel.DEBUG,
  setName() {},
};

const client = new SocketModeClient({
  appToken,
  logger,
  pingPongLoggingEnabled: true,
  // Ping the fake every 500 ms and expect its pongs within 1.5 s (this also makes the client
  // reconnect 1.5 s after a disconnect instead of 5 s).
  clientPingTimeout: 1500,
  clientOptions: { slackApiUrl },
});

const timer = setTimeout(() => {
  console.error(`nodecheck: timed out after ${timeoutMs} ms: ${JSON.stringify(seen)}`);
  process.exit(2);
}, timeoutMs);

let finishing = false;
async function maybeFinish() {
  if (finishing || seen.acked < wantCommands || seen.serverPings < 1 || seen.pongs < 1) {
    return;
  }
  finishing = true;
  clearTimeout(timer);
  console.log(`nodecheck ok ${JSON.stringify(seen)}`);
  await client.disconnect();
  process.exit(0);
}

client.on('connected', () => {
  seen.connected++;
  console.log(`nodecheck connected (${seen.connected})`);
});

client.on('slash_commands', async ({ ack, body, envelope_id: envelopeId }) => {
  await ack({ text: `node acked ${body.command} ${body.text}` });
  seen.acked++;
  console.log(`nodecheck acked ${envelopeId} ${body.command} ${body.text}`);
  await maybeFinish();
});

// Pings and pongs may be the last thing still missing.
setInterval(() => {
  maybeFinish().catch((err) => {
    console.error(`nodecheck: ${err}`);
    process.exit(1);
  });
}, 100).unref();

try {
  await client.start();
} catch (err) {
  console.error(`nodecheck: start failed: ${err}`);
  process.exit(1);
}
