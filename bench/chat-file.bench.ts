import { createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptFile } from '@wecom/aibot-node-sdk';
import axios from 'axios';
import { createChatFiles } from '../bot/imports/chat-files.ts';
import { silentLogger } from '../bot/logger.ts';
import { dingtalkFiles } from '../bot/platforms/dingtalk/files.ts';
import { DingtalkTokens } from '../bot/platforms/dingtalk/token.ts';
import { fileDecipher } from '../bot/platforms/wecom/crypto.ts';
import { wecomFiles } from '../bot/platforms/wecom/files.ts';
import { FakeDingtalk } from '../test/fakes/dingtalk.ts';
import { FakeWecom } from '../test/fakes/wecom.ts';
import { fmt, machine, mb, medianMs, peakRss, writeSection } from './lib.ts';

/**
 * Files sent in a chat (bot/imports/chat-files.ts): fetching one from the local fakes — DingTalk
 * (token, download API, temporary link) and WeCom (encrypted link, streaming AES-256-CBC decrypt) —
 * into the bot's private folder, against a bare GET of the same bytes into memory from the same
 * fake (the least any download costs); and the streaming decrypt against the official SDK's
 * decryptFile over the whole buffer.
 */
const SIZE = 20 * 1024 * 1024;
const bytes = randomBytes(SIZE);
const http = axios.create({ timeout: 30_000, maxContentLength: Number.POSITIVE_INFINITY });
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-chat-file-'));
const APP = { clientId: 'dingBENCH', clientSecret: 'bench-secret' };
const dingtalk = await FakeDingtalk.start({ apps: [APP] });
const wecom = await FakeWecom.start({});

// Streaming decrypt vs the SDK's whole-buffer decryptFile.
const key = randomBytes(32);
const keyText = key.toString('base64');
const served = wecom.serveFile({ name: 'x.bin', bytes }, keyText.replace(/=+$/, ''));
const encrypted = Buffer.from(
  (await http.get(served.url, { responseType: 'arraybuffer' })).data as ArrayBuffer,
);
const sdk = await medianMs(() => decryptFile(encrypted, keyText), 5);
const bare = await medianMs(() => {
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([d.update(encrypted), d.final()]).length;
}, 5);
const sink = () =>
  new Writable({
    write(_c, _e, done) {
      done();
    },
  });
const chunks = () => {
  const parts: Buffer[] = [];
  for (let i = 0; i < encrypted.length; i += 64 * 1024) parts.push(encrypted.subarray(i, i + 64 * 1024));
  return Readable.from(parts);
};
const streaming = await medianMs(() => pipeline(chunks(), fileDecipher(key), sink()), 5);

// Fetches into the bot's keeping, against a bare GET of the same bytes.
const chat = createChatFiles({
  dir,
  log: silentLogger,
  sources: {
    dingtalk: dingtalkFiles({
      http,
      apiBase: dingtalk.url,
      tokens: new DingtalkTokens({ http, apiBase: dingtalk.url, appSecret: APP.clientSecret }),
      appKey: APP.clientId,
    }),
    wecom: wecomFiles({ http }),
  },
});
const fetchDingtalk = async () => {
  const code = dingtalk.addFile({ name: '结果.xlsx', bytes });
  const kept = await chat.fetch({ platform: 'dingtalk', name: '结果.xlsx', handle: { downloadCode: code } });
  await chat.drop(kept.id);
};
const fetchWecom = async () => {
  const file = wecom.serveFile({ name: '结果.xlsx', bytes });
  const kept = await chat.fetch({ platform: 'wecom', handle: { url: file.url, aeskey: file.aeskey } });
  await chat.drop(kept.id);
};
const bareGet = () => http.get(wecom.serveFile({ name: 'x', bytes }).url, { responseType: 'arraybuffer' });
const bareDownload = await medianMs(bareGet, 5);
const viaDingtalk = await medianMs(fetchDingtalk, 5);
const viaWecom = await medianMs(fetchWecom, 5);
const rss = peakRss();

await dingtalk.close();
await wecom.close();
await rm(dir, { recursive: true, force: true });

const mbps = (ms: number) => fmt(SIZE / 1024 / 1024 / (ms / 1000), 0);
await writeSection(
  'chat-file',
  `## Files sent in a chat (\`npm run bench chat-file\`)

${machine()}. A ${mb(SIZE)} file (random bytes) fetched from the local fakes over loopback; medians of 5 runs.

| What | Time | MB/s | Ratio |
|---|---|---|---|
| bare GET of the encrypted bytes into memory (baseline) | ${fmt(bareDownload, 0)} ms | ${mbps(bareDownload)} | 1.00 |
| DingTalk: token (cached) + messageFiles/download + GET, streamed to disk | ${fmt(viaDingtalk, 0)} ms | ${mbps(viaDingtalk)} | ${fmt(viaDingtalk / bareDownload)} |
| WeCom: GET + streaming AES-256-CBC decrypt, streamed to disk | ${fmt(viaWecom, 0)} ms | ${mbps(viaWecom)} | ${fmt(viaWecom / bareDownload)} |

| Decrypt only (${mb(SIZE)} in memory) | Time | Ratio |
|---|---|---|
| bare \`createDecipheriv\` over the whole buffer (baseline) | ${fmt(bare, 0)} ms | 1.00 |
| official SDK \`decryptFile\` (whole buffer) | ${fmt(sdk, 0)} ms | ${fmt(sdk / bare)} |
| \`fileDecipher\` streaming, 64 KiB chunks, pad checked at the end | ${fmt(streaming, 0)} ms | ${fmt(streaming / bare)} |

Peak RSS of the whole run ${mb(rss)} (the baselines hold the file in memory several times; the
bot's own path holds one chunk).`,
);
console.log(
  `chat-file: bare GET ${fmt(bareDownload, 0)} ms, dingtalk ${fmt(viaDingtalk, 0)} ms, wecom ${fmt(viaWecom, 0)} ms; decrypt bare ${fmt(bare, 0)} sdk ${fmt(sdk, 0)} stream ${fmt(streaming, 0)} ms`,
);
