import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../../bot/groups.ts';
import { Drain } from '../../../bot/outbox/drain.ts';
import { robotOf } from '../../../bot/outbox/pace.ts';
import type { DrainQueue, OutboxQueue } from '../../../bot/outbox/queue.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/index.ts';
import { reply } from '../../../handlers/reply.ts';
import { resentNote } from '../../../handlers/text.ts';
import { FlakyProxy } from '../../fakes/flaky-proxy.ts';
import { FakeWecom } from '../../fakes/wecom.ts';
import { settle, T0, wecomGroup } from '../../support/alert-world.ts';
import { FakeClock } from '../../support/clock.ts';
import { captureLog } from '../../support/log-capture.ts';
import { type OpenedQueue, queueKinds } from '../../support/outbox-queues.ts';

const groups = makeGroups([
  wecomGroup('fz', ['福州']),
  wecomGroup('xm', ['厦门']),
  wecomGroup('bad', [], { robot: { key: 'revoked' } } as never),
]);
const contents = (fake: FakeWecom, key: string) =>
  fake.delivered(key).map((b) => (b as { markdown: { content: string } }).markdown.content);

/** The drain's behaviour is the same on either queue: files (one process) or PostgreSQL. */
describe.each(queueKinds)('outbox Drain on $name', (kind) => {
  let q: OpenedQueue;
  let clock: FakeClock;
  let fake: FakeWecom;
  let outbox: DrainQueue & OutboxQueue;
  let drain: Drain;
  let logged: ReturnType<typeof captureLog>;

  async function boot(perMinute = 15, declared = groups, restart = true): Promise<void> {
    if (restart) outbox = await q.reopen();
    const pusher = createWecomPusher({
      config: { WECOM_API_BASE: fake.url } as never,
      http: axios.create({ timeout: 2000 }),
    });
    drain = new Drain({
      outbox,
      groups: declared,
      pushers: { wecom: pusher },
      clock,
      log: logged.log,
      pace: { perMinute },
      random: () => 0.5,
    });
    await drain.start();
  }

  const enqueue = (n: number, groupId = 'fz', prefix = 'm') =>
    outbox.enqueueAll(
      Array.from({ length: n }, (_, i) => ({
        key: `${prefix}${i + 1}`,
        groupId,
        kind: 'alert' as const,
        reply: reply(`${prefix}${i + 1}`),
      })),
      new Date(clock.now()),
    );
  const allSent = async () => {
    const s = await q.stats();
    return s.pending + s.sending === 0;
  };
  const sent = (n: number) => async () => (await q.stats()).sent === n;

  beforeEach(async () => {
    q = await kind.open();
    outbox = q.outbox;
    clock = new FakeClock(T0);
    logged = captureLog();
    fake = await FakeWecom.start({ keys: ['key-fz', 'key-xm'], now: () => clock.now() });
    await boot(15, groups, false);
  });
  afterEach(async () => {
    await drain.stop();
    await fake.close();
    await q.cleanup();
  });

  describe('sending', () => {
    it('delivers queued messages to each group robot in the order they were queued', async () => {
      await enqueue(3, 'fz');
      await enqueue(2, 'xm', 'x');
      await settle(drain, clock, allSent);
      expect(contents(fake, 'key-fz')).toEqual(['**m1**', '**m2**', '**m3**']);
      expect(contents(fake, 'key-xm')).toEqual(['**x1**', '**x2**']);
      expect(await q.stats()).toMatchObject({ sent: 5, pending: 0, dead: 0 });
    });

    it('paces each robot under the platform limit: no 45009 however much is queued', async () => {
      await enqueue(50);
      await settle(drain, clock, allSent);
      expect(fake.pushes.map((p) => p.errcode)).toEqual(Array(50).fill(0));
      // 15 a minute: 50 messages need three full minutes of waiting after the first burst.
      expect(clock.now() - T0).toBeGreaterThanOrEqual(3 * 60_000);
      expect(clock.now() - T0).toBeLessThan(4 * 60_000);
    });

    it('backs off at least a minute after 45009 and pauses the robot, then delivers', async () => {
      fake.failNext(1, { errcode: 45009 });
      await enqueue(2);
      await settle(drain, clock, allSent);
      expect(contents(fake, 'key-fz')).toEqual(['**m1**', '**m2**']);
      const first = (await q.get('m1'))!;
      expect(Date.parse(first.sentAt!) - T0).toBeGreaterThanOrEqual(60_000);
      expect((await q.get('m2'))!.sentAt! >= first.sentAt!).toBe(true);
    });

    it('retries network failures and 5xx with backoff, keeping the order', async () => {
      fake.failNext(3, { status: 500 });
      await enqueue(2);
      await settle(drain, clock, allSent);
      expect(contents(fake, 'key-fz')).toEqual(['**m1**', '**m2**']);
      expect(await q.get('m1')).toMatchObject({ status: 'sent', attempts: 4 });
      expect(await q.get('m2')).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('dead-letters a message to an unknown key with its reason, logs it once, and keeps others going', async () => {
      await enqueue(2, 'bad', 'b');
      await enqueue(1, 'fz');
      await settle(drain, clock, allSent);
      expect((await q.deadLetters('bad')).map((e) => [e.key, e.dead?.errcode])).toEqual([
        ['b1', 93000],
        ['b2', 93000],
      ]);
      expect((await q.get('b1'))?.dead?.reason).toContain('invalid webhook url');
      expect((await q.get('b1'))?.dead?.reason).not.toContain('revoked');
      expect(logged.lines.filter((l) => l.msg === 'outbox: dead letter' && l.key === 'b1')).toHaveLength(1);
      expect(contents(fake, 'key-fz')).toEqual(['**m1**']);
    });

    it('dead-letters a message for a group that is no longer declared', async () => {
      await outbox.enqueue(
        { key: 'gone', groupId: 'removed', kind: 'alert', reply: reply('x') },
        new Date(clock.now()),
      );
      await settle(drain, clock, allSent);
      expect((await q.get('gone'))?.dead?.reason).toBe('outbox: group removed is not declared');
    });

    it('sends a dead letter again after the key is fixed (restart) and /retry', async () => {
      await enqueue(1, 'bad', 'b');
      await settle(drain, clock, allSent);
      expect((await q.stats()).dead).toBe(1);
      await drain.stop();
      const fixed = wecomGroup('bad', [], { robot: { key: 'key-xm' } } as never);
      await boot(15, makeGroups([fixed]));
      await outbox.retryDead('bad', new Date(clock.now()));
      await settle(drain, clock, allSent);
      expect(contents(fake, 'key-xm')).toEqual(['**b1**']);
    });

    it('lets later messages pass one held back by notBefore', async () => {
      await outbox.enqueue(
        {
          key: 'later',
          groupId: 'fz',
          kind: 'reminder',
          reply: reply('later'),
          notBefore: new Date(T0 + 3600_000),
        },
        new Date(clock.now()),
      );
      await enqueue(1);
      await settle(drain, clock, async () => (await q.get('m1'))?.status === 'sent');
      expect(contents(fake, 'key-fz')).toEqual(['**m1**']);
      await settle(drain, clock, allSent);
      expect((await q.get('later'))!.sentAt).toBe(new Date(T0 + 3600_000).toISOString());
    });

    it('reports when it next wakes up', async () => {
      await enqueue(16);
      await settle(drain, clock, sent(15));
      expect(drain.nextWake()?.getTime()).toBe(T0 + 60_000);
    });
  });

  describe('after a restart', () => {
    it('sends what was pending and nothing that was sent', async () => {
      await enqueue(20);
      await settle(drain, clock, sent(15));
      await drain.stop();
      clock.advance(5_000);
      await boot();
      await settle(drain, clock, allSent);
      expect(contents(fake, 'key-fz')).toEqual(Array.from({ length: 20 }, (_, i) => `**m${i + 1}**`));
      expect(fake.pushes.every((p) => p.errcode === 0)).toBe(true);
    });

    it('keeps pacing across the restart from the sent times on disk', async () => {
      await enqueue(20);
      await settle(drain, clock, sent(15));
      await drain.stop();
      await boot(15);
      await settle(drain, clock, allSent);
      const sentAt = (await q.sentTimes('fz')).sort((a, b) => a - b);
      expect(sentAt[15]! - sentAt[0]!).toBeGreaterThanOrEqual(60_000);
    });

    it('sends a message interrupted mid-send again, saying it may be a repeat', async () => {
      await drain.stop();
      await enqueue(1);
      // Claimed (in `sending`, on disk) and then the process died before the answer was recorded.
      const claim = await outbox.claim(
        robotOf(groups.byId('fz')!),
        ['fz'],
        clock.now(),
        { perMinute: 15, windowMs: 60_000 },
        30_000,
      );
      expect(claim.entry?.key).toBe('m1');
      await boot();
      await settle(drain, clock, allSent);
      expect(contents(fake, 'key-fz')).toEqual([`**m1**\n${resentNote}`]);
    });
  });

  describe('when an answer is lost', () => {
    it('sends again, saying it may be a repeat, when the platform may have accepted it', async () => {
      await drain.stop();
      const proxy = await FlakyProxy.start(
        fake.url,
        () => clock.now(),
        () => 1,
      );
      outbox = await q.reopen();
      const pusher = createWecomPusher({
        config: { WECOM_API_BASE: proxy.url } as never,
        http: axios.create({ timeout: 2000 }),
      });
      drain = new Drain({
        outbox,
        groups,
        pushers: { wecom: pusher },
        clock,
        log: logged.log,
        random: () => 0.5,
      });
      await drain.start();
      proxy.loseAnswers(1);
      await enqueue(1);
      await settle(drain, clock, allSent);
      // At-least-once: the first copy arrived, its answer did not; the second says so.
      expect(contents(fake, 'key-fz')).toEqual(['**m1**', `**m1**\n${resentNote}`]);
      await proxy.close();
    });
  });
});
