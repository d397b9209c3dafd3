import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../../../bot/groups.ts';
import { systemClock } from '../../../../bot/outbox/clock.ts';
import { Drain } from '../../../../bot/outbox/drain.ts';
import { Outbox } from '../../../../bot/outbox/queue.ts';
import { answerInbound, createResponder } from '../../../../bot/respond.ts';
import { replyKey } from '../../../../bot/platforms/late-reply.ts';
import { createCallback } from '../../../../bot/platforms/wecom/http.ts';
import { createCipher } from '../../../../bot/platforms/wecom/crypto.ts';
import { createWecomPusher } from '../../../../bot/platforms/wecom/send.ts';
import { WecomLongConn } from '../../../../bot/platforms/wecom/socket.ts';
import { LowStore } from '../../../../data/store.ts';
import { resentNote } from '../../../../handlers/text.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';
import { wecomGroup } from '../../../support/alert-world.ts';
import { captureLog } from '../../../support/log-capture.ts';
import { KEY, serve, signedPost, TOKEN, textMessage } from './helpers.ts';

/**
 * Callback mode, answer too slow for the passive reply: when the response_url cannot carry it
 * (missing, expired, refused, failed) the answer reaches the group through its robot, via the
 * real outbox and drain, pushing to the fake WeCom.
 */
const groups = makeGroups([
  wecomGroup('fuzhou', ['福州'], { chatId: 'wrFUZHOU', robot: { key: 'key-fuzhou' } }),
]);
const HOUR = 3600_000;

let fake: FakeWecom;
let dir: string;
let outbox: Outbox;
let drain: Drain;
let capture: ReturnType<typeof captureLog>;
let store: LowStore;

beforeAll(async () => {
  fake = await FakeWecom.start({ keys: ['key-fuzhou'], bots: [{ botId: 'aibLATE', secret: 'late-secret' }] });
});
afterAll(() => fake.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wecom-late-'));
  store = await LowStore.open(dir);
  outbox = await Outbox.open(dir);
  capture = captureLog();
  drain = new Drain({
    outbox,
    groups,
    pushers: { wecom: createWecomPusher(axios.create({ timeout: 2000 }), fake.url) },
    clock: systemClock,
    log: capture.log,
  });
  await drain.start();
  fake.reset();
});
afterEach(async () => {
  await drain.stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The bot's /wecom with a 10 ms passive-reply budget and a pipeline that answers after 30 ms.
 * With `tookMs` the message arrived that long ago by the bot's clock (a slow answer, compressed):
 * the clock runs behind until the answer is ready, then catches up with the outbox's.
 */
async function bot(o: { tookMs?: number; apiBase?: string; timeoutMs?: number } = {}) {
  let offset = -(o.tookMs ?? 0);
  const callback = createCallback({
    cipher: createCipher({ token: TOKEN, encodingAESKey: KEY }),
    groups,
    log: capture.log,
    http: axios.create({ timeout: o.timeoutMs ?? 2000 }),
    apiBase: o.apiBase ?? fake.url,
    budgetMs: 10,
    clock: () => Date.now() + offset,
    responder: createResponder({
      pipeline: { store, log: capture.log, now: () => new Date() },
      groups,
      log: capture.log,
      replies: outbox,
      answer: async (deps, msg) => {
        await new Promise((r) => setTimeout(r, 30));
        offset = 0;
        return answerInbound(deps, msg);
      },
    }),
  });
  const server = await serve(store, [callback.router()]);
  const ask = async (message: unknown) => {
    const req = signedPost(message, { ts: Math.floor((Date.now() + offset) / 1000) });
    const res = await fetch(`${server.base}/wecom?${req.query}`, { method: 'POST', body: req.body });
    return { status: res.status, text: await res.text() };
  };
  return { ask, idle: callback.idle, close: server.close };
}

const robotContent = () =>
  fake.delivered('key-fuzhou').map((b) => (b as { markdown: { content: string } }).markdown.content);

describe('a slow answer in WeCom callback mode', () => {
  it('arrives through the group robot, @-mentioning the asker, when the response_url expired first', async () => {
    const s = await bot({ tookMs: HOUR + 1000 });
    const url = fake.responseUrl();
    expect(await s.ask(textMessage('/help', 'late-expired', url))).toEqual({ status: 200, text: '' });
    await s.idle();
    await fake.waitFor('the robot push', () => robotContent().length === 1);
    expect(robotContent()[0]).toContain('/rate');
    expect(robotContent()[0]).toContain('<@zhangsan>');
    expect(fake.responses.filter((r) => url.endsWith(r.code))).toEqual([]);
    await drain.idle();
    expect(outbox.get(replyKey('wecom', 'late-expired'))).toMatchObject({ status: 'sent', kind: 'reply' });
    await s.close();
  });

  it('arrives through the group robot when WeCom refuses the response_url (already used)', async () => {
    const s = await bot();
    const url = fake.responseUrl();
    await axios.post(url, { msgtype: 'markdown', markdown: { content: 'first use' } });
    await s.ask(textMessage('/help', 'late-used', url));
    await s.idle();
    await fake.waitFor('the robot push', () => robotContent().length === 1);
    expect(fake.responses.filter((r) => url.endsWith(r.code)).map((r) => r.errcode)).toEqual([0, 93000]);
    await s.close();
  });

  it('arrives through the group robot when the message carries no response_url', async () => {
    const s = await bot();
    await s.ask(textMessage('/help', 'late-no-url'));
    await s.idle();
    await fake.waitFor('the robot push', () => robotContent().length === 1);
    await s.close();
  });

  it('arrives through the group robot with the re-send note when the response_url POST timed out', async () => {
    // A WeCom that accepts the connection and never answers: the answer may or may not have arrived.
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const s = await bot({ apiBase: base, timeoutMs: 100 });
    await s.ask(textMessage('/help', 'late-timeout', `${base}/cgi-bin/aibot/response?response_code=x`));
    await s.idle();
    await fake.waitFor('the robot push', () => robotContent().length === 1);
    expect(robotContent()[0]).toContain(resentNote);
    await s.close();
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  it('is queued and pushed once when WeCom redelivers the message', async () => {
    const s = await bot();
    const message = textMessage('/help', 'late-redelivered');
    await Promise.all([s.ask(message), s.ask(message)]);
    await s.idle();
    await s.ask(message);
    await s.idle();
    await fake.waitFor('the robot push', () => robotContent().length === 1);
    await drain.idle();
    expect(outbox.stats()).toMatchObject({ pending: 0, sending: 0, sent: 1, dead: 0 });
    expect(robotContent()).toHaveLength(1);
    await s.close();
  });

  it('is dropped with one warning naming the chat when the chat is not a declared group', async () => {
    const s = await bot();
    await s.ask({ ...textMessage('/help', 'late-undeclared'), chatid: 'wrUNKNOWN' });
    await s.idle();
    expect(outbox.stats()).toMatchObject({ pending: 0, sending: 0, sent: 0, dead: 0 });
    const warnings = capture.lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      platform: 'wecom',
      msgId: 'late-undeclared',
      conversationId: 'wrUNKNOWN',
    });
    expect(fake.pushes).toEqual([]);
    await s.close();
  });
});

describe('an answer the long connection cannot carry', () => {
  function longConn(o: { ackTimeoutMs?: number } = {}) {
    return new WecomLongConn({
      url: fake.wsUrl,
      botId: 'aibLATE',
      secret: 'late-secret',
      groups,
      log: capture.log,
      responder: createResponder({
        pipeline: { store, log: capture.log, now: () => new Date() },
        groups,
        log: capture.log,
        replies: outbox,
      }),
      startWaitMs: 2000,
      ...o,
    });
  }

  it('arrives once through the group robot when WeCom refuses it by its own rule (30 a minute in one chat)', async () => {
    const conn = longConn();
    await conn.start();
    for (let i = 0; i < 31; i++) fake.push('aibLATE', textMessage('/help', `lc-busy-${i}`));
    await fake.waitFor('the robot push', () => robotContent().length === 1, 8000);
    await drain.idle();
    expect(fake.respondMsgs).toHaveLength(30);
    expect(fake.refused).toEqual([expect.objectContaining({ cmd: 'aibot_respond_msg', errcode: 45009 })]);
    expect(robotContent()[0]).toContain('/rate');
    expect(robotContent()[0]).toContain('<@zhangsan>');
    await new Promise((r) => setTimeout(r, 100));
    expect(robotContent()).toHaveLength(1);
    await conn.stop();
  });

  it('arrives through the group robot, marked as a possible repeat, when WeCom never acknowledges it', async () => {
    const conn = longConn({ ackTimeoutMs: 200 });
    await conn.start();
    fake.loseRespondNext(1);
    fake.push('aibLATE', textMessage('/help', 'lc-unacked'));
    await fake.waitFor('the robot push', () => robotContent().length === 1, 5000);
    expect(robotContent()[0]).toContain('/rate');
    expect(robotContent()[0]).toContain(resentNote);
    await drain.idle();
    expect(outbox.get(replyKey('wecom', 'lc-unacked'))).toMatchObject({ status: 'sent', kind: 'reply' });
    await conn.stop();
  });

  it('arrives through the group robot when WeCom refuses the aibot_respond_msg', async () => {
    const conn = longConn();
    await conn.start();
    fake.failRespondNext(1);
    fake.push('aibLATE', textMessage('/help', 'lc-refused'));
    await fake.waitFor('the robot push', () => robotContent().length === 1);
    expect(robotContent()[0]).toContain('/rate');
    expect(robotContent()[0]).toContain('<@zhangsan>');
    expect(fake.respondMsgs).toEqual([]);
    await drain.idle();
    expect(outbox.get(replyKey('wecom', 'lc-refused'))).toMatchObject({ status: 'sent', kind: 'reply' });
    await conn.stop();
  });
});
