import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../bot/logger.ts';
import type { Inbound, PipelineDeps } from '../../../../bot/pipeline.ts';
import { createHttpInbound } from '../../../../bot/platforms/dingtalk/http.ts';
import { answerInbound, createResponder } from '../../../../bot/respond.ts';
import { LowStore } from '../../../../data/store.ts';
import { t } from '../../../../handlers/text.ts';
import { FakeDingtalk } from '../../../fakes/dingtalk.ts';
import { APP_SECRET, dingtalkSign, emptyStore, groups, http, serve, signedHeaders } from './helpers.ts';

let store: Awaited<ReturnType<typeof emptyStore>>;
let fake: FakeDingtalk;
let pipeline: PipelineDeps;
const calls: Inbound[] = [];

beforeAll(async () => {
  store = await emptyStore();
  fake = await FakeDingtalk.start();
  pipeline = { store: store.store, log: silentLogger, now: () => new Date('2020-04-14T09:00:00+08:00') };
});
afterAll(async () => {
  await fake.close();
  await store.cleanup();
});
beforeEach(() => {
  calls.length = 0;
});

/** The app with POST /dingtalk whose answering step records what reached it. */
async function app(
  o: { clock?: () => number; slowMs?: number; fail?: boolean; store?: typeof store.store } = {},
) {
  const on = o.store ?? store.store;
  const responder = createResponder({
    pipeline: { ...pipeline, store: on },
    groups,
    log: silentLogger,
    answer: async (deps, msg) => {
      calls.push(msg);
      if (o.fail) throw new Error('disk full');
      if (o.slowMs) await new Promise((r) => setTimeout(r, o.slowMs));
      return answerInbound(deps, msg);
    },
  });
  const inbound = createHttpInbound({
    appSecret: APP_SECRET,
    groups,
    store: on,
    responder,
    http,
    oapiBase: fake.url,
    ...(o.clock ? { clock: o.clock } : {}),
  });
  const server = await serve(on, [inbound.router()]);
  return { ...server, idle: inbound.idle };
}

async function post(base: string, body: unknown, headers: Record<string, string> = signedHeaders()) {
  const res = await fetch(`${base}/dingtalk`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('POST /dingtalk', () => {
  it('answers 200 at once and replies through the session webhook, @-mentioning the asker', async () => {
    const s = await app();
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidHELP', staffId: 'manager7675' });
    expect(await post(s.base, msg)).toEqual({ status: 200, text: '' });
    await s.idle();
    const [answer] = fake.answers('cidHELP') as Array<{ markdown: { text: string }; at: unknown }>;
    expect(answer?.markdown.text).toContain('/rate');
    expect(answer?.markdown.text.endsWith('@manager7675')).toBe(true);
    expect(answer?.at).toEqual({ atUserIds: ['manager7675'], isAtAll: false });
    expect(calls[0]).toMatchObject({
      text: '/help',
      conversationId: 'cidHELP',
      sender: { platform: 'dingtalk', dingtalkUserId: 'manager7675', name: '张三' },
    });
    await s.close();
  });

  it('answers a replayed request (same signature, same message) once', async () => {
    const s = await app();
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidREPLAY' });
    const headers = signedHeaders();
    expect((await post(s.base, msg, headers)).status).toBe(200);
    expect((await post(s.base, msg, headers)).status).toBe(200);
    await s.idle();
    expect(fake.answers('cidREPLAY')).toHaveLength(1);
    await s.close();
  });

  it('answers two concurrent copies of one message once', async () => {
    const s = await app({ slowMs: 30 });
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidCONCURRENT' });
    await Promise.all([post(s.base, msg), post(s.base, msg, signedHeaders({ ts: Date.now() - 1 }))]);
    await s.idle();
    expect(fake.answers('cidCONCURRENT')).toHaveLength(1);
    await s.close();
  });

  it('refuses a captured signature reused for another message with 401', async () => {
    const s = await app();
    const headers = signedHeaders();
    expect((await post(s.base, fake.robotMessage({ content: '/help' }), headers)).status).toBe(200);
    const forged = fake.robotMessage({ content: '/fail', conversationId: 'cidFORGED' });
    expect((await post(s.base, forged, headers)).status).toBe(401);
    await s.idle();
    expect(fake.answers('cidFORGED')).toHaveLength(0);
    await s.close();
  });

  it('refuses a captured signature reused for another message after a restart', async () => {
    const first = await emptyStore();
    const before = await app({ store: first.store });
    const headers = signedHeaders();
    expect((await post(before.base, fake.robotMessage({ content: '/subs' }), headers)).status).toBe(200);
    await before.idle();
    await before.close();
    await first.store.close();
    const reopened = await LowStore.open(first.store.dataDir);
    const after = await app({ store: reopened });
    const forged = fake.robotMessage({ content: '/unsub 福州', conversationId: 'cidRESTART' });
    expect((await post(after.base, forged, headers)).status).toBe(401);
    await after.idle();
    expect(fake.answers('cidRESTART')).toHaveLength(0);
    await after.close();
    await reopened.close();
    await first.cleanup();
  });

  it.each([
    ['a forged sign', () => signedHeaders({ secret: 'not-the-app-secret' })],
    ['a stale timestamp', () => signedHeaders({ ts: Date.now() - 3600_000 - 5_000 })],
    ['a timestamp from the future', () => signedHeaders({ ts: Date.now() + 3600_000 + 5_000 })],
    ['a missing sign', () => ({ timestamp: String(Date.now()) })],
    ['missing headers', () => ({})],
    [
      'a URL-encoded sign',
      () => {
        const ts = String(Date.now());
        return { timestamp: ts, sign: encodeURIComponent(dingtalkSign(ts, APP_SECRET)) };
      },
    ],
    ['a non-numeric timestamp', () => ({ timestamp: 'now', sign: dingtalkSign('now', APP_SECRET) })],
  ])('refuses %s with 401 and never runs the pipeline', async (_name, headers) => {
    const s = await app();
    const res = await post(s.base, fake.robotMessage({ content: '/help' }), headers());
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(APP_SECRET);
    await s.idle();
    expect(calls).toHaveLength(0);
    await s.close();
  });

  it('checks the signature before reading the JSON: a forged request with a broken body is 401', async () => {
    const s = await app();
    expect((await post(s.base, '{"msgtype":', signedHeaders({ secret: 'x' }))).status).toBe(401);
    await s.close();
  });

  it.each([
    ['malformed JSON', '{"msgtype":'],
    ['a body that is not a message', '{"hello":"world"}'],
    ['a text message without msgId', JSON.stringify({ msgtype: 'text', text: { content: 'x' } })],
    ['an empty body', ''],
  ])('refuses %s with 400', async (_name, body) => {
    const s = await app();
    const res = await post(s.base, body);
    expect(res.status).toBe(400);
    expect(calls).toHaveLength(0);
    await s.close();
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const s = await app();
    const msg = fake.robotMessage({ content: `/rate ${'福'.repeat(25_000)}` });
    expect((await post(s.base, msg)).status).toBe(413);
    await s.close();
  });

  it('answers a picture politely: a hint through the session webhook, once', async () => {
    const s = await app();
    const msg = fake.robotMessage({ msgtype: 'picture', conversationId: 'cidPICTURE' });
    expect((await post(s.base, msg)).status).toBe(200);
    expect((await post(s.base, msg, signedHeaders({ ts: Date.now() - 1 }))).status).toBe(200);
    await s.idle();
    const answers = fake.answers('cidPICTURE') as Array<{ markdown: { title: string } }>;
    expect(answers.map((a) => a.markdown.title)).toEqual([t.mediaNotRead]);
    expect(calls.map((c) => c.unsupported)).toEqual(['picture']);
    await s.close();
  });

  it('drops the answer when the session webhook has expired and no outbox is wired', async () => {
    const s = await app();
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidLATE', sessionTtlMs: -1 });
    expect((await post(s.base, msg)).status).toBe(200);
    await s.idle();
    expect(calls).toHaveLength(1);
    expect(fake.sessionPosts.filter((p) => p.conversationId === 'cidLATE')).toHaveLength(0);
    await s.close();
  });

  it('never calls a session webhook outside DINGTALK_OAPI_BASE', async () => {
    const elsewhere = await FakeDingtalk.start();
    const s = await app();
    const hook = elsewhere.sessionWebhook('cidELSEWHERE');
    const msg = { ...fake.robotMessage({ content: '/help' }), sessionWebhook: hook.url };
    expect((await post(s.base, msg)).status).toBe(200);
    await s.idle();
    expect(calls).toHaveLength(1);
    expect(elsewhere.sessionPosts).toHaveLength(0);
    await s.close();
    await elsewhere.close();
  });

  it('answers 200, not 500, when the pipeline fails', async () => {
    const s = await app({ fail: true });
    expect(await post(s.base, fake.robotMessage({ content: '/help' }))).toEqual({ status: 200, text: '' });
    await s.idle();
    await s.close();
  });
});
