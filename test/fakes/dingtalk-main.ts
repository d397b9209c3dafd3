import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FakeDingtalk } from './dingtalk.ts';

/**
 * `npm run fake:dingtalk`: a local DingTalk for demos. Point the bot at it with the printed
 * variables. FAKE_DINGTALK_PORT (default 3902); FAKE_DINGTALK_ROBOT (accessToken:secret, default
 * demo-token:SECdemo); FAKE_DINGTALK_APP (clientId:clientSecret, default demo-app:demo-secret).
 * Typed lines go to the bot as @-messages in conversation cidDEMO: over Stream when the bot is
 * connected, else signed over HTTP to FAKE_DINGTALK_BOT_URL (default http://127.0.0.1:3000/dingtalk)
 * with FAKE_DINGTALK_APP_SECRET (default: the app's secret).
 */
const env = process.env;
const [accessToken = 'demo-token', robotSecret = 'SECdemo'] = (
  env.FAKE_DINGTALK_ROBOT ?? 'demo-token:SECdemo'
).split(':');
const [clientId = 'demo-app', clientSecret = 'demo-secret'] = (
  env.FAKE_DINGTALK_APP ?? 'demo-app:demo-secret'
).split(':');
const botUrl = env.FAKE_DINGTALK_BOT_URL ?? 'http://127.0.0.1:3000/dingtalk';
const appSecret = env.FAKE_DINGTALK_APP_SECRET ?? clientSecret;

const fake = await FakeDingtalk.start({
  port: Number(env.FAKE_DINGTALK_PORT ?? 3902),
  robots: [{ accessToken, secret: robotSecret }],
  apps: [{ clientId, clientSecret }],
});
console.log(`fake DingTalk listening
  custom robot   POST ${fake.url}/robot/send?access_token=${accessToken}&timestamp=…&sign=…  (加签 secret ${robotSecret})
  Stream gateway POST ${fake.url}/v1.0/gateway/connections/open  (app ${clientId})
set for the bot (the fake's own demo credentials):
  DINGTALK_API_BASE=${fake.url} DINGTALK_OAPI_BASE=${fake.url}
  Stream: DINGTALK_MODE=stream DINGTALK_CLIENT_ID=${clientId} DINGTALK_CLIENT_SECRET=${clientSecret}
  HTTP:   DINGTALK_MODE=http DINGTALK_APP_SECRET=${appSecret}   (lines are posted to ${botUrl})
  groups.json robot: { "accessToken": "${accessToken}", "secret": "${robotSecret}" }, conversationId "cidDEMO"`);
console.log(`a ready $DATA_DIR/groups.json (the demo sender is DingTalk user demo-user, 演示用户; listed
under admins it may /sub, /done, /deadline set, /retry and /audit — remove it to see the non-admin answers):
${JSON.stringify(
  {
    groups: [
      {
        id: 'demo',
        name: '演示群（钉钉）',
        platform: 'dingtalk',
        robot: { accessToken, secret: robotSecret },
        conversationId: 'cidDEMO',
        follows: { regions: ['福建省'], units: [] },
        admins: [{ name: '演示用户', dingtalkUserId: 'demo-user' }],
      },
    ],
  },
  null,
  2,
)}
ports: this fake ${fake.url}; the bot's PORT (default 3000); /metrics on the bot from this machine.
send /whoami to see the sender's and the chat's ids as the bot sees them.`);
console.log(`type a line (e.g. /rate 福州; \\n in it is a line break) to send it to the bot as an @-message;
/file <path> sends a file (.docx/.pdf/.txt/.html/.xlsx/.csv) quoted with an @ in the group (how a file reaches a
robot in a group), /dm-file <path> sends it in a 1:1 chat; the bot redeems its download code with the app's
token (HTTP mode: the robotCode ${clientId} is the AppKey) and fetches it from this fake`);

const shown = { pushes: 0, answers: 0 };
setInterval(() => {
  for (const p of fake.pushes.slice(shown.pushes))
    console.log(`push errcode=${p.errcode}`, JSON.stringify(p.body));
  for (const a of fake.sessionPosts.slice(shown.answers))
    console.log(`answer ${a.conversationId} errcode=${a.errcode}`, JSON.stringify(a.body));
  shown.pushes = fake.pushes.length;
  shown.answers = fake.sessionPosts.length;
}, 300);

/** `/file <path>`: the file quoted with an @ in the group; `/dm-file <path>`: sent in a 1:1 chat. */
function fileMessage(line: string): Record<string, unknown> | undefined {
  const m = /^\/(dm-)?file\s+(.+)$/.exec(line.trim());
  if (!m) return undefined;
  const given = path.resolve(env.INIT_CWD ?? process.cwd(), m[2] as string);
  const bytes = readFileSync(given);
  console.log(`file ${path.basename(given)} (${bytes.length} bytes)`);
  return fake.fileMessage({
    file: { name: path.basename(given), bytes },
    quoted: !m[1],
    conversationId: m[1] ? 'cidDEMO-1to1' : 'cidDEMO',
    staffId: 'demo-user',
    nick: '演示用户',
  });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let msg: Record<string, unknown>;
  try {
    msg =
      fileMessage(line) ??
      fake.robotMessage({ content: line.replaceAll('\\n', '\n'), conversationId: 'cidDEMO', staffId: 'demo-user', nick: '演示用户' });
  } catch (err) {
    return console.log(`cannot read the file: ${(err as Error).message}`);
  }
  if (fake.gateway.connections(clientId) > 0) {
    console.log('callback messageId', fake.gateway.callback(clientId, msg));
    return;
  }
  const timestamp = String(Date.now());
  const sign = createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
  fetch(botUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', timestamp, sign },
    body: JSON.stringify(msg),
  }).then(
    (res) => console.log(`POST ${botUrl} → ${res.status}`),
    (err: Error) => console.log(`no Stream connection and ${botUrl} unreachable (${err.message})`),
  );
});
process.once('SIGINT', () => void fake.close().then(() => process.exit(0)));
