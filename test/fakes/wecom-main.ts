import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FakeWecom } from './wecom.ts';

/**
 * `npm run fake:wecom`: a local WeCom for demos. Point the bot at it with the printed variables;
 * FAKE_WECOM_PORT (default 3901), FAKE_WECOM_KEYS (comma-separated, default demo-key),
 * FAKE_WECOM_BOT (botId:secret, default demo-bot:demo-secret).
 */
const [botId = 'demo-bot', secret = 'demo-secret'] = (
  process.env.FAKE_WECOM_BOT ?? 'demo-bot:demo-secret'
).split(':');
const fake = await FakeWecom.start({
  port: Number(process.env.FAKE_WECOM_PORT ?? 3901),
  keys: (process.env.FAKE_WECOM_KEYS ?? 'demo-key').split(',').filter(Boolean),
  bots: [{ botId, secret }],
});
console.log(`fake WeCom listening
  webhook      POST ${fake.url}/cgi-bin/webhook/send?key=<key>
  long conn    ${fake.wsUrl}  (bot ${botId})
set for the bot:
  WECOM_API_BASE=${fake.url}
  WECOM_WS_URL=${fake.wsUrl}
  WECOM_MODE=longconn WECOM_BOT_ID=${botId} WECOM_BOT_SECRET=${secret}   (the fake's own demo credential)`);
const demoKey = (process.env.FAKE_WECOM_KEYS ?? 'demo-key').split(',')[0] ?? 'demo-key';
console.log(`a ready $DATA_DIR/groups.json (the demo sender is WeCom userid demo-user; listed under admins it
may /sub, /done, /deadline set, /retry and /audit — remove it to see the non-admin answers):
${JSON.stringify(
  {
    groups: [
      {
        id: 'demo',
        name: '演示群（企业微信）',
        platform: 'wecom',
        robot: { key: demoKey },
        chatId: 'demo-chat',
        follows: { regions: ['福建省'], units: [] },
        admins: [{ name: '演示用户', wecomUserId: 'demo-user' }],
      },
    ],
  },
  null,
  2,
)}
ports: this fake ${fake.port} (HTTP and WebSocket); the bot's PORT (default 3000); /metrics on the bot from this machine.
send /whoami to see the sender's and the chat's ids as the bot sees them.`);
console.log(`type a line (e.g. /rate 福州; \\n in it is a line break) to send it to the bot as an @-message in group demo-chat;
/file <path> sends a file (.docx/.pdf/.txt/.html/.xlsx/.csv) quoted with an @ in the group (how a file reaches
the bot in a group), /dm-file <path> sends it in a single chat; the bot downloads it encrypted and decrypts it`);
const pushed = { pushes: 0, replies: 0 };
setInterval(() => {
  for (const p of fake.pushes.slice(pushed.pushes))
    console.log(`push key=${p.key} errcode=${p.errcode}`, JSON.stringify(p.body));
  for (const f of fake.respondMsgs.slice(pushed.replies)) console.log('aibot_respond_msg', JSON.stringify(f));
  pushed.pushes = fake.pushes.length;
  pushed.replies = fake.respondMsgs.length;
}, 300);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!fake.isConnected(botId)) return console.log(`bot ${botId} is not connected`);
  // `/file <path>`: the file quoted with an @ in the group; `/dm-file <path>`: sent in a single chat.
  const file = /^\/(dm-)?file\s+(.+)$/.exec(line.trim());
  if (file) {
    const given = path.resolve(process.env.INIT_CWD ?? process.cwd(), file[2] as string);
    let bytes: Buffer;
    try {
      bytes = readFileSync(given);
    } catch (err) {
      return console.log(`cannot read ${given}: ${(err as Error).message}`);
    }
    const served = fake.serveFile({ name: path.basename(given), bytes });
    const msg = fake.fileMessage({
      file: served,
      quoted: !file[1],
      chatid: 'demo-chat',
      userid: 'demo-user',
    });
    return console.log(`file ${path.basename(given)} (${bytes.length} bytes) req_id`, fake.push(botId, msg));
  }
  const body = {
    msgid: randomUUID(),
    aibotid: botId,
    chatid: 'demo-chat',
    chattype: 'group',
    from: { userid: 'demo-user' },
    msgtype: 'text',
    text: { content: `@bot ${line.replaceAll('\\n', '\n')}` },
  };
  console.log('aibot_msg_callback req_id', fake.push(botId, body));
});
process.once('SIGINT', () => void fake.close().then(() => process.exit(0)));
