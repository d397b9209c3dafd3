import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../../../bot/errors.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { DingtalkStream, TOPIC_ROBOT } from '../../../../bot/platforms/dingtalk/socket.ts';
import { createResponder } from '../../../../bot/respond.ts';
import { FakeDingtalk } from '../../../fakes/dingtalk.ts';
import { emptyStore, groups, http, sleep } from './helpers.ts';

const APP = { clientId: 'dingFUZHOU', clientSecret: 'stream-secret' };
let fake: FakeDingtalk;
let store: Awaited<ReturnType<typeof emptyStore>>;
const open: DingtalkStream[] = [];

beforeAll(async () => {
  // Un-acknowledged pushes come back after 150 ms here (60 s on the platform, a guess; §6.1).
  fake = await FakeDingtalk.start({ apps: [APP], disconnectGraceMs: 100, redeliverAfterMs: 150 });
  store = await emptyStore();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop();
});
afterAll(async () => {
  await fake.close();
  await store.cleanup();
});

function stream(
  o: { clientSecret?: string; apiBase?: string; keepAliveMs?: number; startWaitMs?: number } = {},
) {
  const s = new DingtalkStream({
    apiBase: o.apiBase ?? fake.url,
    clientId: APP.clientId,
    clientSecret: o.clientSecret ?? APP.clientSecret,
    http,
    groups,
    log: silentLogger,
    responder: createResponder({
      pipeline: { store: store.store, log: silentLogger, now: () => new Date('2020-04-14T09:00:00+08:00') },
      log: silentLogger,
      groups,
    }),
    oapiBase: fake.url,
    keepAliveMs: o.keepAliveMs ?? 60_000,
    backoff: { baseMs: 20, maxMs: 160 },
    random: () => 1, // the ceiling itself, so delays are exact
    startWaitMs: o.startWaitMs ?? 2000,
  });
  open.push(s);
  return s;
}

const ackOf = (messageId: string) => fake.gateway.acks.find((a) => a.headers?.messageId === messageId);

describe('DingtalkStream', () => {
  it('opens a ticket (Accept: application/json, robot callbacks subscribed), then the WebSocket with it', async () => {
    await stream().start();
    expect(fake.gateway.opens.at(-1)).toEqual({
      clientId: APP.clientId,
      status: 200,
      accept: 'application/json',
      subscriptions: [
        { type: 'EVENT', topic: '*' },
        { type: 'CALLBACK', topic: TOPIC_ROBOT },
      ],
    });
    expect(fake.gateway.upgrades.at(-1)).toEqual({ ticketOk: true });
    expect(fake.gateway.connections(APP.clientId)).toBe(1);
  });

  it('acks a robot callback at once and answers through the session webhook', async () => {
    await stream().start();
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidSTREAM', staffId: 'lisi' });
    const id = fake.gateway.callback(APP.clientId, msg);
    await fake.waitFor('answer', () => fake.answers('cidSTREAM').length === 1);
    expect(ackOf(id)).toEqual({
      code: 200,
      headers: { contentType: 'application/json', messageId: id },
      message: 'OK',
      data: '{"response":null}',
    });
    const [answer] = fake.answers('cidSTREAM') as Array<{ markdown: { text: string }; at: unknown }>;
    expect(answer?.markdown.text).toContain('/rate');
    expect(answer?.at).toEqual({ atUserIds: ['lisi'], isAtAll: false });
  });

  it('answers a redelivered message once, acking every copy', async () => {
    await stream().start();
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidDUP' });
    const first = fake.gateway.callback(APP.clientId, msg);
    const again = fake.gateway.callback(APP.clientId, msg, first); // same messageId
    const other = fake.gateway.callback(APP.clientId, msg); // same msgId, new messageId
    await fake.waitFor('acks', () => [first, again, other].every((id) => ackOf(id)));
    await fake.waitFor('answer', () => fake.answers('cidDUP').length === 1);
    await sleep(50);
    expect(fake.answers('cidDUP')).toHaveLength(1);
    expect(fake.gateway.acks.filter((a) => a.headers?.messageId === first)).toHaveLength(2);
  });

  it('answers once when the gateway re-sends a message whose ack was lost', async () => {
    await stream().start();
    fake.gateway.loseAcksNext(1);
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidLOSTACK' });
    const id = fake.gateway.callback(APP.clientId, msg);
    await fake.waitFor('the re-sent copy acknowledged', () => !fake.gateway.pending().includes(id), 3000);
    expect(fake.gateway.deliveries.filter((d) => d.messageId === id).map((d) => d.attempt)).toEqual([1, 2]);
    await fake.waitFor('answer', () => fake.answers('cidLOSTACK').length === 1);
    await sleep(200);
    expect(fake.answers('cidLOSTACK')).toHaveLength(1);
    expect(fake.gateway.rejected.filter((r) => r.frame.includes(id))).toEqual([]);
  });

  it('echoes a ping with its opaque data', async () => {
    const s = stream();
    await s.start();
    const opaque = fake.gateway.ping(APP.clientId);
    await fake.waitFor('pong', () => fake.gateway.acks.some((a) => a.data === JSON.stringify({ opaque })));
    expect(fake.gateway.acks.find((a) => a.data === JSON.stringify({ opaque }))).toMatchObject({ code: 200 });
    expect(s.stats.pings).toBe(1);
  });

  it('acks an event with status SUCCESS and does nothing else', async () => {
    const s = stream();
    await s.start();
    const id = fake.gateway.event(APP.clientId);
    await fake.waitFor('ack', () => ackOf(id) !== undefined);
    expect(JSON.parse(ackOf(id)!.data!)).toEqual({ status: 'SUCCESS', message: 'success' });
    expect(s.stats.callbacks).toBe(0);
  });

  it('acks a callback it cannot decode and stays connected', async () => {
    const s = stream();
    await s.start();
    const id = fake.gateway.callback(APP.clientId, { msgtype: 'text', text: { content: 'no ids' } });
    await fake.waitFor('ack', () => ackOf(id) !== undefined);
    const later = fake.gateway.callback(
      APP.clientId,
      fake.robotMessage({ content: '/help', conversationId: 'cidAFTER' }),
    );
    await fake.waitFor('answer', () => fake.answers('cidAFTER').length === 1);
    expect(ackOf(later)).toBeDefined();
    expect(s.stats.opens).toBe(1);
  });

  it('on disconnect, opens a fresh connection with a new ticket before the old one closes', async () => {
    const s = stream();
    await s.start();
    const tickets = s.stats.tickets;
    fake.gateway.disconnect(APP.clientId);
    await fake.waitFor('second connection', () => s.stats.opens === 2);
    await fake.waitFor('old one closed', () => fake.gateway.connections(APP.clientId) === 1, 1000);
    expect(s.stats.tickets).toBe(tickets + 1);
    expect(s.stats.delays).toEqual([]); // a planned handover, not a failure
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidHANDOVER' });
    fake.gateway.callback(APP.clientId, msg);
    await fake.waitFor('answer on the new connection', () => fake.answers('cidHANDOVER').length === 1);
    await sleep(50);
    expect(s.stats.opens).toBe(2);
  });

  it('reconnects with backoff after the connection drops, and answers again', async () => {
    const s = stream();
    await s.start();
    fake.gateway.drop(APP.clientId);
    await fake.waitFor(
      'reconnected',
      () => s.stats.opens === 2 && fake.gateway.connections(APP.clientId) === 1,
    );
    expect(s.stats.delays).toEqual([20]);
    fake.gateway.callback(
      APP.clientId,
      fake.robotMessage({ content: '/help', conversationId: 'cidRECONNECT' }),
    );
    await fake.waitFor('answer', () => fake.answers('cidRECONNECT').length === 1);
  });

  it('backs off exponentially, one chain only, while the gateway fails', async () => {
    fake.gateway.failOpenNext(4, 500);
    const s = stream();
    await s.start();
    expect(s.stats.delays).toEqual([20, 40, 80, 160]);
    expect(s.stats.tickets).toBe(5);
    await sleep(100);
    expect(s.stats.tickets).toBe(5); // no stray second chain
    expect(fake.gateway.connections(APP.clientId)).toBe(1);
  });

  it('reconnects when pongs stop (a dead link)', async () => {
    const s = stream({ keepAliveMs: 20 });
    await s.start();
    fake.gateway.mute(APP.clientId);
    try {
      await fake.waitFor(
        'a second connection',
        () => s.stats.opens === 2 && fake.gateway.connections(APP.clientId) === 1,
      );
    } finally {
      fake.gateway.unmute(APP.clientId);
    }
  });

  it('rejects start() on wrong credentials and does not retry', async () => {
    const s = stream({ clientSecret: 'wrong' });
    const err = await s.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ retryable: false });
    expect((err as Error).message).not.toContain('wrong');
    await sleep(100);
    expect(s.stats.tickets).toBe(1);
  });

  it('keeps retrying in the background when the gateway is unreachable at start', async () => {
    const s = stream({ apiBase: 'http://127.0.0.1:1', startWaitMs: 150 });
    await s.start(); // gives up waiting after 150 ms; the retries go on behind it
    await fake.waitFor('three tries', () => s.stats.tickets >= 3, 5000);
    expect(s.stats.delays.slice(0, 3)).toEqual([20, 40, 80]);
  });

  it('stop() closes the socket and leaves nothing scheduled', async () => {
    const s = stream();
    await s.start();
    fake.gateway.drop(APP.clientId);
    await s.stop(); // a reconnect timer may be pending here
    const tickets = s.stats.tickets;
    await sleep(150);
    expect(s.stats.tickets).toBe(tickets);
    expect(fake.gateway.connections(APP.clientId)).toBe(0);
  });
});
