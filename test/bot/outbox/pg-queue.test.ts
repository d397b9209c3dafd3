import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../data/pg/migrate.ts';
import { PgOutbox } from '../../../bot/outbox/pg-queue.ts';
import { reply } from '../../../handlers/reply.ts';
import { freshSchema, withPostgres } from '../../support/postgres.ts';

/**
 * The PostgreSQL outbox as several instances see it: two PgOutbox objects with different owners
 * on one schema stand for two bot processes.
 */
const T0 = Date.parse('2020-04-14T09:00:00+08:00');
const pace = { perMinute: 5, windowMs: 60_000 };
const LEASE = 30_000;
const msg = (key: string, groupId = 'fz', items?: string[]) => ({
  key,
  groupId,
  kind: 'alert' as const,
  reply: reply(`消息${key}`),
  ...(items ? { items } : {}),
});

let a: PgOutbox;
let b: PgOutbox;
let drop: () => Promise<void>;
beforeEach(async () => {
  const db = await freshSchema();
  drop = db.drop;
  await migrate(db.pool);
  a = await PgOutbox.open(db.pool, { owner: 'a' });
  b = await PgOutbox.open(db.pool, { owner: 'b' });
});
afterEach(() => drop());

describe.runIf(withPostgres)('PgOutbox.enqueueAll()', () => {
  it('queues a key once when two instances queue it at the same moment', async () => {
    const results = await Promise.all([a.enqueue(msg('k1'), new Date(T0)), b.enqueue(msg('k1'), new Date(T0))]);
    expect(results.sort()).toEqual([false, true]);
    expect(await a.entries()).toHaveLength(1);
  });

  it('refuses a message whose items another instance already queued, and knows them after a sync', async () => {
    await a.enqueue(msg('m1', 'fz', ['i1', 'i2']), new Date(T0));
    expect(await b.enqueue(msg('m2', 'fz', ['i2', 'i1']), new Date(T0))).toBe(false);
    expect(await b.enqueue(msg('m3', 'fz', ['i2', 'i3']), new Date(T0))).toBe(true);
    expect(a.knows('i3')).toBe(false);
    await a.sync();
    expect(a.knows('i3') && a.knows('m3')).toBe(true);
  });

  it('keeps the queue order across instances', async () => {
    await a.enqueue(msg('first'), new Date(T0));
    await b.enqueue(msg('second'), new Date(T0));
    await a.enqueue(msg('third'), new Date(T0));
    expect((await b.entries()).map((e) => e.key)).toEqual(['first', 'second', 'third']);
  });
});

describe.runIf(withPostgres)('PgOutbox.claim()', () => {
  it("claims a robot's messages one at a time, whichever instance asks", async () => {
    await a.enqueueAll([msg('m1'), msg('m2')], new Date(T0));
    const first = await a.claim('r1', ['fz'], T0, pace, LEASE);
    expect(first.entry?.key).toBe('m1');
    const meanwhile = await b.claim('r1', ['fz'], T0 + 10, pace, LEASE);
    expect(meanwhile.entry).toBeUndefined();
    await a.markSent('m1', new Date(T0 + 20));
    expect((await b.claim('r1', ['fz'], T0 + 30, pace, LEASE)).entry?.key).toBe('m2');
  });

  it('keeps the pace across instances: no more than perMinute attempts in any window', async () => {
    await a.enqueueAll(
      Array.from({ length: 12 }, (_, i) => msg(`m${i + 1}`)),
      new Date(T0),
    );
    const claimed: number[] = [];
    let t = T0;
    for (let i = 0; i < 40 && claimed.length < 12; i++) {
      const who = i % 2 ? a : b;
      const c = await who.claim('r1', ['fz'], t, pace, LEASE);
      if (c.entry) {
        claimed.push(t);
        await who.markSent(c.entry.key, new Date(t));
        t += 1000;
      } else {
        expect(c.wakeAt).toBeGreaterThan(t);
        t = c.wakeAt!;
      }
    }
    expect(claimed).toHaveLength(12);
    for (let i = pace.perMinute; i < claimed.length; i++)
      expect(claimed[i]! - claimed[i - pace.perMinute]!).toBeGreaterThanOrEqual(pace.windowMs);
  });

  it('pauses a robot for every instance after a rate-limit answer', async () => {
    await a.enqueue(msg('m1'), new Date(T0));
    await a.pause('r1', new Date(T0 + 65_000));
    const c = await b.claim('r1', ['fz'], T0 + 1000, pace, LEASE);
    expect(c.entry).toBeUndefined();
    expect(c.wakeAt).toBe(T0 + 65_000);
  });

  it("gives a dead instance's claim back after its lease, marked as possibly sent", async () => {
    await a.enqueue(msg('m1'), new Date(T0));
    expect((await a.claim('r1', ['fz'], T0, pace, LEASE)).entry?.key).toBe('m1');
    // a dies here. Within the lease b waits; after it, b sends the message again.
    expect((await b.claim('r1', ['fz'], T0 + LEASE - 1, pace, LEASE)).entry).toBeUndefined();
    const again = await b.claim('r1', ['fz'], T0 + LEASE, pace, LEASE);
    expect(again.expired).toEqual(['m1']);
    expect(again.entry).toMatchObject({ key: 'm1', uncertain: true, attempts: 2 });
    // a's late answer no longer counts: the message is b's now.
    expect(await a.markSent('m1', new Date(T0 + LEASE + 1))).toBe(false);
    expect(await b.markSent('m1', new Date(T0 + LEASE + 2))).toBe(true);
  });

  it('lets a held-back message wait without holding up the ones behind it', async () => {
    await a.enqueue({ ...msg('later'), notBefore: new Date(T0 + 60_000) }, new Date(T0));
    await a.enqueue(msg('now'), new Date(T0));
    expect((await b.claim('r1', ['fz'], T0, pace, LEASE)).entry?.key).toBe('now');
    await b.markSent('now', new Date(T0));
    expect(await b.claim('r1', ['fz'], T0 + 1000, pace, LEASE)).toMatchObject({ wakeAt: T0 + 60_000 });
  });
});

describe.runIf(withPostgres)('PgOutbox stats, dead letters and /retry', () => {
  it('counts by status, lists dead letters per group and puts them back', async () => {
    await a.enqueueAll([msg('m1'), msg('m2', 'xm')], new Date(T0));
    const c = await a.claim('r1', ['fz'], T0, pace, LEASE);
    await a.markDead(c.entry!.key, { reason: 'errcode 93000', errcode: 93000 }, new Date(T0 + 1));
    expect(await b.stats()).toMatchObject({ pending: 1, dead: 1, sending: 0, sent: 0 });
    expect((await b.deadLetters('fz')).map((e) => [e.key, e.dead?.errcode])).toEqual([['m1', 93000]]);
    expect(await b.deadLetters('xm')).toEqual([]);
    expect(await b.retryDead('fz', new Date(T0 + 2))).toBe(1);
    expect(await a.stats()).toMatchObject({ pending: 2, dead: 0 });
  });

  it('turns waiting messages of groups no longer declared into dead letters', async () => {
    await a.enqueueAll([msg('m1', 'gone'), msg('m2', 'fz')], new Date(T0));
    expect(await a.deadUndeclared(['fz'], new Date(T0))).toBe(1);
    expect((await a.deadLetters()).map((e) => e.dead?.reason)).toEqual(['outbox: group gone is not declared']);
  });
});

describe.runIf(withPostgres)('PgOutbox.markSent()', () => {
  const DAY = 86_400_000;
  it('drops the texts of messages sent over a week ago, as the file outbox does, but remembers their keys', async () => {
    await a.enqueueAll([msg('old', 'fz', ['i-old']), msg('week', 'xm'), msg('new', 'fz')], new Date(T0));
    const old = await a.claim('r1', ['fz'], T0, pace, LEASE);
    await a.markSent(old.entry!.key, new Date(T0 + 1));
    const week = await a.claim('r2', ['xm'], T0 + 2 * DAY, pace, LEASE);
    await a.markSent(week.entry!.key, new Date(T0 + 2 * DAY));
    // Eight days later: `old` is past the week, `week` is not; the trim runs on another instance.
    const latest = await b.claim('r1', ['fz'], T0 + 8 * DAY, pace, LEASE);
    await b.markSent(latest.entry!.key, new Date(T0 + 8 * DAY));
    expect((await a.get('old'))?.reply).toBeUndefined();
    expect((await a.get('week'))?.reply).toBeDefined();
    expect((await a.get('new'))?.reply).toBeDefined();
    expect(await a.stats()).toMatchObject({ sent: 3, pending: 0 });
    // The key and its items still count: the alert is not queued again.
    expect(await b.enqueue(msg('again', 'fz', ['i-old']), new Date(T0 + 8 * DAY))).toBe(false);
    expect(await b.enqueue(msg('old', 'fz'), new Date(T0 + 8 * DAY))).toBe(false);
  });

  it('leaves every text in place while nothing is older than a week', async () => {
    await a.enqueueAll([msg('m1'), msg('m2')], new Date(T0));
    for (const [i, key] of ['m1', 'm2'].entries()) {
      const c = await a.claim('r1', ['fz'], T0 + i * 6 * DAY, pace, LEASE);
      expect(c.entry?.key).toBe(key);
      await a.markSent(key, new Date(T0 + i * 6 * DAY));
    }
    expect(await a.trimSent(new Date(T0 + 6 * DAY))).toBe(0);
    expect((await a.entries()).map((e) => e.reply !== undefined)).toEqual([true, true]);
  });
});
