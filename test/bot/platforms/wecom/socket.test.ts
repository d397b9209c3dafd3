import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../../../bot/errors.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { WecomLongConn } from '../../../../bot/platforms/wecom/socket.ts';
import { createResponder } from '../../../../bot/respond.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';
import { emptyStore, groups, textMessage } from './helpers.ts';

const BOT = { botId: 'aibFUZHOU', secret: 'longconn-secret' };
let fake: FakeWecom;
let store: Awaited<ReturnType<typeof emptyStore>>;
const open: WecomLongConn[] = [];

beforeAll(async () => {
  fake = await FakeWecom.start({ bots: [BOT] });
  store = await emptyStore();
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.stop();
});
afterAll(async () => {
  await fake.close();
  await store.cleanup();
});

function conn(o: { secret?: string; pingMs?: number } = {}): WecomLongConn {
  const c = new WecomLongConn({
    url: fake.wsUrl,
    botId: BOT.botId,
    secret: o.secret ?? BOT.secret,
    groups,
    log: silentLogger,
    responder: createResponder({
      pipeline: { store: store.store, log: silentLogger, now: () => new Date('2020-04-14T09:00:00+08:00') },
      groups,
      log: silentLogger,
    }),
    pingMs: o.pingMs ?? 60_000,
    backoff: { baseMs: 20, maxMs: 200 },
    random: () => 1, // the ceiling itself, so delays are exact
    startWaitMs: 2000,
  });
  open.push(c);
  return c;
}

describe('WecomLongConn', () => {
  it('subscribes with bot id and secret and answers a message with aibot_respond_msg reusing req_id', async () => {
    const c = conn();
    await c.start();
    expect(fake.subscribes.at(-1)).toEqual({ botId: BOT.botId, errcode: 0 });
    const reqId = fake.push(BOT.botId, textMessage('/help', 'lc-1'));
    await fake.waitFor('aibot_respond_msg', () => fake.respondMsgs.some((f) => f.headers.req_id === reqId));
    const frame = fake.respondMsgs.find((f) => f.headers.req_id === reqId)!;
    expect(frame.cmd).toBe('aibot_respond_msg');
    expect(frame.body).toMatchObject({
      msgtype: 'stream',
      stream: { finish: true, content: expect.stringContaining('/rate') },
    });
  });

  it('answers a redelivered msgid once', async () => {
    const c = conn();
    await c.start();
    const first = fake.push(BOT.botId, textMessage('/help', 'lc-dup'));
    const again = fake.push(BOT.botId, textMessage('/help', 'lc-dup'));
    await fake.waitFor('first answer', () => fake.respondMsgs.some((f) => f.headers.req_id === first));
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.respondMsgs.some((f) => f.headers.req_id === again)).toBe(false);
  });

  it('pings on its interval', async () => {
    const c = conn({ pingMs: 15 });
    const before = fake.pings;
    await c.start();
    await fake.waitFor('two pings', () => fake.pings >= before + 2);
  });

  it('reconnects after two unanswered pings', async () => {
    const c = conn({ pingMs: 15 });
    await c.start();
    fake.silentPings = true;
    try {
      await fake.waitFor('a second subscribe', () => c.stats.subscribed >= 2);
    } finally {
      fake.silentPings = false;
    }
    expect(c.stats.connects).toBe(2);
  });

  it('reconnects with backoff after the socket drops', async () => {
    const c = conn();
    await c.start();
    fake.drop(BOT.botId);
    await fake.waitFor('resubscribe', () => c.stats.subscribed === 2 && fake.isConnected(BOT.botId));
    expect(c.stats.delays).toEqual([20]);
  });

  it('backs off exponentially while subscribing is rate limited (45009)', async () => {
    fake.failSubscribeNext(3);
    const c = conn();
    await c.start();
    expect(c.stats.delays).toEqual([20, 40, 80]);
    expect(fake.subscribes.slice(-4).map((s) => s.errcode)).toEqual([45009, 45009, 45009, 0]);
  });

  it('resets the backoff once subscribed', async () => {
    fake.failSubscribeNext(1);
    const c = conn();
    await c.start();
    fake.drop(BOT.botId);
    await fake.waitFor('resubscribe', () => c.stats.subscribed === 2);
    expect(c.stats.delays).toEqual([20, 20]);
  });

  it('rejects start() on a wrong secret and does not retry', async () => {
    const c = conn({ secret: 'wrong' });
    const err = await c.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ errcode: 853000 });
    expect((err as Error).message).not.toContain('wrong');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.stats.connects).toBe(1);
  });

  it('yields when kicked off: disconnected_event, then no reconnect', async () => {
    const c = conn();
    await c.start();
    fake.kick(BOT.botId);
    await fake.waitFor('kicked', () => c.stats.kicked === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.stats.connects).toBe(1);
    expect(fake.isConnected(BOT.botId)).toBe(false);
  });

  it('hands over to a second instance of the same bot (one connection per bot)', async () => {
    const first = conn();
    await first.start();
    const second = conn();
    await second.start();
    await fake.waitFor('first kicked', () => first.stats.kicked === 1);
    const reqId = fake.push(BOT.botId, textMessage('/help', 'lc-handover'));
    await fake.waitFor('answer from the second', () =>
      fake.respondMsgs.some((f) => f.headers.req_id === reqId),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(first.stats.connects).toBe(1);
    expect(second.stats.kicked).toBe(0);
  });

  it('keeps retrying in the background when WeCom is unreachable at start', async () => {
    const c = new WecomLongConn({
      url: 'ws://127.0.0.1:1',
      botId: BOT.botId,
      secret: BOT.secret,
      groups,
      log: silentLogger,
      responder: createResponder({
        pipeline: { store: store.store, log: silentLogger, now: () => new Date() },
        groups,
        log: silentLogger,
      }),
      backoff: { baseMs: 10, maxMs: 40 },
      random: () => 1,
      startWaitMs: 100,
    });
    open.push(c);
    await c.start(); // gives up waiting after 100 ms; the retries go on behind it
    await fake.waitFor('three retries', () => c.stats.delays.length >= 3, 5000);
    expect(c.stats.connects).toBeGreaterThanOrEqual(3);
    expect(c.stats.delays.slice(0, 3)).toEqual([10, 20, 40]);
    expect(Math.max(...c.stats.delays)).toBe(40);
  });

  it('stop() closes the socket and leaves nothing scheduled', async () => {
    const c = conn({ pingMs: 10 });
    await c.start();
    fake.drop(BOT.botId);
    await c.stop(); // a reconnect timer may be pending here
    const pings = fake.pings;
    await new Promise((r) => setTimeout(r, 150));
    expect(c.stats.connects).toBe(1);
    expect(fake.pings).toBe(pings);
    expect(fake.isConnected(BOT.botId)).toBe(false);
  });
});
