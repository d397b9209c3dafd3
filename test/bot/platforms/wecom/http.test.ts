import { createCipheriv } from 'node:crypto';
import * as oracle from '@wecom/crypto';
import axios from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../bot/logger.ts';
import type { Inbound, PipelineDeps } from '../../../../bot/pipeline.ts';
import { answerInbound, createResponder } from '../../../../bot/respond.ts';
import { createCallback } from '../../../../bot/platforms/wecom/http.ts';
import { createCipher } from '../../../../bot/platforms/wecom/crypto.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';
import { emptyStore, groups, KEY, serve, signedPost, TOKEN, textMessage } from './helpers.ts';
import { derived, published } from './vectors.ts';

const http = axios.create({ timeout: 2000 });
let store: Awaited<ReturnType<typeof emptyStore>>;
let fake: FakeWecom;
let pipeline: PipelineDeps;
const calls: Inbound[] = [];

beforeAll(async () => {
  store = await emptyStore();
  fake = await FakeWecom.start();
  pipeline = { store: store.store, log: silentLogger, now: () => new Date('2020-04-14T09:00:00+08:00') };
});
afterAll(async () => {
  await fake.close();
  await store.cleanup();
});
beforeEach(() => {
  calls.length = 0;
});

/** The app with a callback whose pipeline entry records what reached it. */
async function app(
  o: {
    receiveId?: string;
    token?: string;
    key?: string;
    clock?: () => number;
    budgetMs?: number;
    slowMs?: number;
  } = {},
) {
  const callback = createCallback({
    cipher: createCipher({
      token: o.token ?? TOKEN,
      encodingAESKey: o.key ?? KEY,
      receiveId: o.receiveId ?? '',
    }),
    groups,
    log: silentLogger,
    http,
    apiBase: fake.url,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.budgetMs !== undefined ? { budgetMs: o.budgetMs } : {}),
    responder: createResponder({
      pipeline,
      groups,
      log: silentLogger,
      answer: async (deps, msg) => {
        calls.push(msg);
        if (o.slowMs) await new Promise((r) => setTimeout(r, o.slowMs));
        return answerInbound(deps, msg);
      },
    }),
  });
  const server = await serve(store.store, [callback.router()]);
  return { ...server, callback };
}

async function post(base: string, req: { query: string; body: string }) {
  const res = await fetch(`${base}/wecom?${req.query}`, { method: 'POST', body: req.body });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('GET /wecom (URL verification)', () => {
  it.each(published)('answers the bare decrypted echostr of the published vector ($name)', async (v) => {
    const u = v.urlVerification;
    const s = await app({
      token: v.token,
      key: v.encodingAESKey,
      receiveId: v.receiveid,
      clock: () => Number(u.timestamp) * 1000,
    });
    const query =
      u.rawQuery ??
      `msg_signature=${u.msg_signature}&timestamp=${u.timestamp}&nonce=${u.nonce}&echostr=${encodeURIComponent(u.echostr!)}`;
    const res = await fetch(`${s.base}/wecom?${query}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(u.expectedPlaintext);
    await s.close();
  });

  it('rejects a tampered signature with 401', async () => {
    const u = published[0]!.urlVerification;
    const v = published[0]!;
    const s = await app({
      token: v.token,
      key: v.encodingAESKey,
      receiveId: v.receiveid,
      clock: () => Number(u.timestamp) * 1000,
    });
    const bad = `msg_signature=${'0'.repeat(40)}&timestamp=${u.timestamp}&nonce=${u.nonce}&echostr=${encodeURIComponent(u.echostr!)}`;
    const res = await fetch(`${s.base}/wecom?${bad}`);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(u.expectedPlaintext);
    await s.close();
  });

  it('rejects a signed request whose timestamp is more than an hour old', async () => {
    const u = published[0]!.urlVerification;
    const v = published[0]!;
    const s = await app({
      token: v.token,
      key: v.encodingAESKey,
      receiveId: v.receiveid,
      clock: () => (Number(u.timestamp) + 3601) * 1000,
    });
    const q = `msg_signature=${u.msg_signature}&timestamp=${u.timestamp}&nonce=${u.nonce}&echostr=${encodeURIComponent(u.echostr!)}`;
    expect((await fetch(`${s.base}/wecom?${q}`)).status).toBe(401);
    await s.close();
  });

  it('rejects a missing echostr or broken percent-encoding with 400', async () => {
    const s = await app();
    expect((await fetch(`${s.base}/wecom?msg_signature=a&timestamp=1&nonce=2`)).status).toBe(400);
    expect((await fetch(`${s.base}/wecom?msg_signature=a&timestamp=1&nonce=2&echostr=%E0%A4%A`)).status).toBe(
      400,
    );
    await s.close();
  });
});

describe('POST /wecom', () => {
  it('answers the derived 智能机器人 vector with a passive reply @wecom/crypto opens', async () => {
    const q = derived.inbound.query;
    const s = await app({ clock: () => Number(q.timestamp) * 1000 });
    const res = await post(s.base, {
      query: `msg_signature=${q.msg_signature}&timestamp=${q.timestamp}&nonce=${q.nonce}`,
      body: derived.inbound.requestBody,
    });
    expect(res.status).toBe(200);
    const reply = JSON.parse(res.text) as {
      encrypt: string;
      msgsignature: string;
      timestamp: number;
      nonce: string;
    };
    expect(reply.nonce).toBe(q.nonce);
    expect(reply.timestamp).toBe(Number(q.timestamp));
    expect(reply.msgsignature).toBe(oracle.getSignature(TOKEN, reply.timestamp, reply.nonce, reply.encrypt));
    const opened = oracle.decrypt(KEY, reply.encrypt);
    expect(opened.id).toBe('');
    expect(JSON.parse(opened.message)).toMatchObject({ msgtype: 'stream', stream: { finish: true } });
    expect(calls[0]).toMatchObject({ msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', text: 'deploy status' });
    await s.close();
  });

  it('round-trips /help: encrypted by @wecom/crypto, answered, decrypted by @wecom/crypto', async () => {
    const s = await app();
    const res = await post(s.base, signedPost(textMessage('/help')));
    expect(res.type).toMatch(/^application\/json/);
    const reply = JSON.parse(res.text) as { encrypt: string };
    const stream = JSON.parse(oracle.decrypt(KEY, reply.encrypt).message) as {
      stream: { content: string; finish: boolean };
    };
    expect(stream.stream.finish).toBe(true);
    expect(stream.stream.content).toContain('/rate');
    expect(calls[0]).toMatchObject({
      text: '/help',
      groupId: 'fuzhou',
      sender: { platform: 'wecom', wecomUserId: 'zhangsan' },
    });
    await s.close();
  });

  it('answers a duplicate msgid once, the redelivery with an empty 200', async () => {
    const s = await app();
    const req = signedPost(textMessage('/help', 'dup-1'));
    const first = await post(s.base, req);
    const second = await post(s.base, req);
    expect(first.text).toContain('encrypt');
    expect(second).toMatchObject({ status: 200, text: '' });
    await s.close();
  });

  it('answers two concurrent copies of one msgid once', async () => {
    const s = await app({ slowMs: 30 });
    const req = signedPost(textMessage('/help', 'dup-concurrent'));
    const answers = await Promise.all([post(s.base, req), post(s.base, req)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.filter((a) => a.text.includes('encrypt'))).toHaveLength(1);
    await s.close();
  });

  it.each([
    [
      'a tampered signature',
      () => ({
        ...signedPost(textMessage('/help')),
        query: `msg_signature=${'a'.repeat(40)}&timestamp=${Math.floor(Date.now() / 1000)}&nonce=1`,
      }),
      401,
    ],
    [
      'a missing signature',
      () => ({
        ...signedPost(textMessage('/help')),
        query: `timestamp=${Math.floor(Date.now() / 1000)}&nonce=1`,
      }),
      401,
    ],
    [
      'a stale timestamp',
      () => signedPost(textMessage('/help'), { ts: Math.floor(Date.now() / 1000) - 3700 }),
      401,
    ],
    [
      'a non-numeric timestamp',
      () => ({ ...signedPost(textMessage('/help')), query: 'msg_signature=x&timestamp=soon&nonce=1' }),
      400,
    ],
    [
      'a wrong key',
      () => signedPost(textMessage('/help'), { key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }),
      400,
    ],
    ['a wrong receiveid', () => signedPost(textMessage('/help'), { receiveId: 'ww1436e0e65a779aee' }), 400],
    ['bad padding', () => signedPost('', { encrypt: badPadding() }), 400],
    ['truncated ciphertext', () => signedPost('', { encrypt: truncated() }), 400],
    ['a plaintext that is not JSON', () => signedPost('not json'), 400],
    [
      'a text message without msgid',
      () => signedPost({ msgtype: 'text', from: { userid: 'u' }, text: { content: 'x' } }),
      400,
    ],
  ])('refuses %s with %i and never runs the pipeline', async (_name, make, status) => {
    const s = await app();
    const res = await post(s.base, make());
    expect(res.status).toBe(status);
    expect(res.text).not.toMatch(/hJqcu3|6qkdMr/); // never a secret in the answer
    expect(calls).toHaveLength(0);
    await s.close();
  });

  it('refuses malformed JSON and a body without encrypt with 400', async () => {
    const s = await app();
    const { query } = signedPost(textMessage('/help'));
    expect((await post(s.base, { query, body: '{"encrypt":' })).status).toBe(400);
    expect((await post(s.base, { query, body: '{"tousername":"x"}' })).status).toBe(400);
    await s.close();
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const s = await app();
    const { query } = signedPost(textMessage('/help'));
    const res = await post(s.base, { query, body: JSON.stringify({ encrypt: 'A'.repeat(70_000) }) });
    expect(res.status).toBe(413);
    await s.close();
  });

  it.each([
    [
      'an enter_chat event',
      { msgid: 'e1', from: { userid: 'u' }, msgtype: 'event', event: { eventtype: 'enter_chat' } },
    ],
    ['a stream refresh', { msgid: 's1', from: { userid: 'u' }, msgtype: 'stream', stream: { id: 'x' } }],
  ])('answers %s with an empty 200', async (_name, message) => {
    const s = await app();
    expect(await post(s.base, signedPost(message))).toMatchObject({ status: 200, text: '' });
    expect(calls).toHaveLength(0);
    await s.close();
  });

  it('answers empty within the budget and posts the reply to response_url once it is ready', async () => {
    const s = await app({ budgetMs: 10, slowMs: 80 });
    const url = fake.responseUrl();
    const started = Date.now();
    const res = await post(s.base, signedPost(textMessage('/help', 'slow-1', url)));
    expect(Date.now() - started).toBeLessThan(80);
    expect(res).toMatchObject({ status: 200, text: '' });
    await s.callback.idle();
    const sent = fake.responses.find((r) => url.endsWith(r.code));
    expect(sent?.errcode).toBe(0);
    expect(sent?.body).toMatchObject({
      msgtype: 'markdown',
      markdown: { content: expect.stringContaining('/rate') },
    });
    await s.close();
  });

  it('answers empty 200, not 500, when the store cannot record the message', async () => {
    const full = Object.assign(Object.create(store.store) as typeof store.store, {
      markSeen: () => Promise.reject(new Error('disk full')),
    });
    const callback = createCallback({
      cipher: createCipher({ token: TOKEN, encodingAESKey: KEY }),
      groups,
      log: silentLogger,
      http,
      apiBase: fake.url,
      responder: createResponder({ pipeline: { ...pipeline, store: full }, groups, log: silentLogger }),
    });
    const s = await serve(store.store, [callback.router()]);
    expect(await post(s.base, signedPost(textMessage('/help')))).toMatchObject({ status: 200, text: '' });
    await s.close();
  });
});

function aes(plain: Buffer): string {
  const key = Buffer.from(`${KEY}=`, 'base64');
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

/** random ‖ len ‖ "{}" with a final byte claiming 40 bytes of padding. */
function badPadding(): string {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(2, 0);
  const body = Buffer.concat([Buffer.alloc(16, 1), len, Buffer.from('{}')]);
  return aes(Buffer.concat([body, Buffer.alloc(64 - body.length, 40)]));
}

function truncated(): string {
  const full = Buffer.from(oracle.encrypt(KEY, JSON.stringify(textMessage('/help')), ''), 'base64');
  return full.subarray(0, full.length - 32).toString('base64');
}
