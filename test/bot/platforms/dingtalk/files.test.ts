import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dingtalkFiles } from '../../../../bot/platforms/dingtalk/files.ts';
import { DingtalkTokens } from '../../../../bot/platforms/dingtalk/token.ts';
import type { ChatFileRef } from '../../../../handlers/services.ts';
import { FakeDingtalk } from '../../../fakes/dingtalk.ts';

/**
 * The robot file download (protocols.md §10.1) against the strict DingTalk fake: the app's token
 * (cached until expireIn − 300 s, one request for concurrent callers, fetched again once when the
 * API answers 401), then messageFiles/download with the robot's code, then the temporary link.
 */
const APP = { clientId: 'dingFILES', clientSecret: 'files-secret' };
const http = axios.create({ timeout: 2000 });
const BYTES = Buffer.from('第二季度通报全文……');

let fake: FakeDingtalk;
let clock: number;
beforeEach(async () => {
  clock = Date.now();
  fake = await FakeDingtalk.start({ apps: [APP], now: () => clock });
});
afterEach(() => fake.close());

function tokens(secret = APP.clientSecret) {
  return new DingtalkTokens({ http, apiBase: fake.url, appSecret: secret, clock: () => clock });
}

async function fetchFile(source: ReturnType<typeof dingtalkFiles>, ref: ChatFileRef): Promise<Buffer> {
  const opened = await source.open(ref, new AbortController().signal);
  return buffer(opened.body as Readable);
}

function ref(downloadCode: string, robotCode = APP.clientId): ChatFileRef {
  return { platform: 'dingtalk', name: '通报.txt', handle: { downloadCode, robotCode } };
}

describe('dingtalkFiles().open()', () => {
  it('redeems the download code with the app token and fetches the bytes from the temporary link', async () => {
    const t = tokens();
    const source = dingtalkFiles({ http, apiBase: fake.url, tokens: t, appKey: APP.clientId });
    const code = fake.addFile({ name: '通报.txt', bytes: BYTES });
    expect((await fetchFile(source, ref(code))).equals(BYTES)).toBe(true);
    expect(fake.fileDownloads).toEqual([{ downloadCode: code, robotCode: APP.clientId, status: 200 }]);
    // A second file reuses the cached token.
    await fetchFile(source, ref(fake.addFile({ name: 'b.txt', bytes: BYTES })));
    expect(t.fetched).toBe(1);
  });

  it('fetches a fresh token once when the API refuses the cached one (401), then succeeds', async () => {
    const t = tokens();
    const source = dingtalkFiles({ http, apiBase: fake.url, tokens: t, appKey: APP.clientId });
    await fetchFile(source, ref(fake.addFile({ name: 'a.txt', bytes: BYTES })));
    fake.revokeTokens();
    expect((await fetchFile(source, ref(fake.addFile({ name: 'b.txt', bytes: BYTES })))).equals(BYTES)).toBe(
      true,
    );
    expect(fake.fileDownloads.map((d) => d.status)).toEqual([200, 401, 200]);
    expect(t.fetched).toBe(2);
  });

  it('says a lapsed or unknown download code is to be sent again', async () => {
    const source = dingtalkFiles({ http, apiBase: fake.url, tokens: tokens(), appKey: APP.clientId });
    const code = fake.addFile({ name: 'a.txt', bytes: BYTES }, { ttlMs: 1000 });
    clock += 2000;
    await expect(source.open(ref(code), new AbortController().signal)).rejects.toMatchObject({
      response: { status: 400 },
    });
    await expect(source.open(ref('dcUNKNOWN'), new AbortController().signal)).rejects.toMatchObject({
      response: { status: 400 },
    });
  });

  it('calls a robot the API does not know, or credentials it refuses, a configuration problem', async () => {
    const source = dingtalkFiles({ http, apiBase: fake.url, tokens: tokens(), appKey: APP.clientId });
    const code = fake.addFile({ name: 'a.txt', bytes: BYTES });
    await expect(source.open(ref(code, 'dingOTHER'), new AbortController().signal)).rejects.toMatchObject({
      problem: 'refused',
    });
    const wrong = dingtalkFiles({ http, apiBase: fake.url, tokens: tokens('wrong'), appKey: APP.clientId });
    await expect(wrong.open(ref(code), new AbortController().signal)).rejects.toMatchObject({
      problem: 'refused',
    });
    const none = dingtalkFiles({ http, apiBase: fake.url, tokens: undefined });
    await expect(none.open(ref(code), new AbortController().signal)).rejects.toMatchObject({
      problem: 'unsupported',
    });
  });

  it('takes the message robotCode as the AppKey when none is configured (an internal app, HTTP mode)', async () => {
    const source = dingtalkFiles({ http, apiBase: fake.url, tokens: tokens() });
    const code = fake.addFile({ name: 'a.txt', bytes: BYTES });
    expect((await fetchFile(source, ref(code))).equals(BYTES)).toBe(true);
  });
});

describe('DingtalkTokens.get()', () => {
  it('asks once for concurrent callers and again only past expireIn − 300 s', async () => {
    const t = tokens();
    const [a, b, c] = await Promise.all([t.get(APP.clientId), t.get(APP.clientId), t.get(APP.clientId)]);
    expect(new Set([a, b, c]).size).toBe(1);
    expect(t.fetched).toBe(1);
    clock += (7200 - 301) * 1000;
    expect(await t.get(APP.clientId)).toBe(a);
    clock += 2000;
    expect(await t.get(APP.clientId)).not.toBe(a);
    expect(t.fetched).toBe(2);
  });
});
