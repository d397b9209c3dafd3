import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../../bot/groups.ts';
import { systemClock } from '../../../bot/outbox/clock.ts';
import { PgOutbox } from '../../../bot/outbox/pg-queue.ts';
import { RATE_LIMIT_CODES } from '../../../bot/outbox/plan.ts';
import { Drain } from '../../../bot/outbox/drain.ts';
import { createDingtalkPusher } from '../../../bot/platforms/dingtalk/send.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/send.ts';
import { PgHub } from '../../../data/pg/hub.ts';
import { migrate } from '../../../data/pg/migrate.ts';
import { reply } from '../../../handlers/reply.ts';
import { resentNote } from '../../../handlers/text.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { FakeWecom } from '../../fakes/wecom.ts';
import { dingtalkGroup, wecomGroup } from '../../support/alert-world.ts';
import { captureLog } from '../../support/log-capture.ts';
import { freshSchema, withPostgres } from '../../support/postgres.ts';

/**
 * Three drains on one PostgreSQL outbox against the fake platforms, in real time. The platforms'
 * "minute" is shortened to WINDOW on both sides (the fakes' windowMs and the drains' pace window),
 * so a drain that takes minutes at the real pace takes seconds; the limits themselves (20 per
 * window at the platform, 15 at the bot) are the real ones.
 */
const WINDOW = 1500;
const groups = makeGroups([
  wecomGroup('w1', []),
  wecomGroup('w2', []),
  dingtalkGroup('d1', []),
  dingtalkGroup('d2', []),
]);
const PER_GROUP = 24;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function world() {
  const db = await freshSchema();
  cleanups.push(db.drop);
  await migrate(db.pool);
  const wecom = await FakeWecom.start({ keys: ['key-w1', 'key-w2'], windowMs: WINDOW });
  const dingtalk = await FakeDingtalk.start({
    robots: ['d1', 'd2'].map((id) => ({ accessToken: `token-${id}`, secret: `SEC-${id}` })),
    windowMs: WINDOW,
  });
  cleanups.push(() => wecom.close(), () => dingtalk.close());
  const http = axios.create({ timeout: 2000 });
  const pushers = {
    wecom: createWecomPusher(http, wecom.url),
    dingtalk: createDingtalkPusher(http, dingtalk.url),
  };
  const drain = async (owner: string) => {
    const hub = await PgHub.open({ url: db.url, schema: db.schema });
    cleanups.push(() => hub.close());
    const outbox = await PgOutbox.open(db.pool, { owner, hub });
    const logged = captureLog();
    const d = new Drain({
      outbox,
      groups,
      pushers,
      clock: systemClock,
      log: logged.log,
      pace: { perMinute: 15, windowMs: WINDOW },
      leaseMs: 3000,
    });
    return { outbox, drain: d, logged };
  };
  return { db, wecom, dingtalk, drain };
}

const texts = (bodies: unknown[]) => bodies.map((b) => JSON.stringify(b));

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(withPostgres)('Drain on one PostgreSQL outbox, three instances', () => {
  it('delivers every message once across three instances, in order, without a rate-limit error', async () => {
    const w = await world();
    const instances = [await w.drain('a'), await w.drain('b'), await w.drain('c')];
    for (const i of instances) await i.drain.start();
    cleanups.push(async () => {
      for (const i of instances) await i.drain.stop();
    });
    await instances[0]!.outbox.enqueueAll(
      groups.list.flatMap((g) =>
        Array.from({ length: PER_GROUP }, (_, k) => ({
          key: `${g.id}-${k}`,
          groupId: g.id,
          kind: 'alert' as const,
          reply: reply(`第${k}条`, [`${g.id}-${k}`]),
        })),
      ),
      new Date(),
    );
    await until(async () => (await instances[1]!.outbox.stats()).sent === PER_GROUP * 4, 20_000);
    for (const g of groups.list) {
      const bodies =
        g.platform === 'wecom' ? w.wecom.delivered(`key-${g.id}`) : w.dingtalk.delivered(`token-${g.id}`);
      const order = texts(bodies).map((t) => Number(/-(\d+)/.exec(t.slice(t.indexOf(`${g.id}-`)))?.[1]));
      expect(order).toEqual(Array.from({ length: PER_GROUP }, (_, k) => k));
    }
    const limited = [...w.wecom.pushes, ...w.dingtalk.pushes].filter((p) => RATE_LIMIT_CODES.has(p.errcode));
    expect(limited).toEqual([]);
  });

  it("re-sends, with the note, a message whose instance died mid-send, once its lease ran out", async () => {
    const w = await world();
    const survivor = await w.drain('survivor');
    // The dead instance claimed m1 and never answered (its process was killed after the POST).
    await survivor.outbox.enqueue({ key: 'm1', groupId: 'w1', kind: 'alert', reply: reply('告警') }, new Date());
    const ghost = await PgOutbox.open(w.db.pool, { owner: 'ghost' });
    const claimed = await ghost.claim('ignored-robot', ['w1'], Date.now(), { perMinute: 15, windowMs: WINDOW }, 1000);
    expect(claimed.entry?.key).toBe('m1');
    await survivor.drain.start();
    cleanups.push(() => survivor.drain.stop());
    await until(async () => (await survivor.outbox.stats()).sent === 1, 10_000);
    const [body] = texts(w.wecom.delivered('key-w1'));
    expect(body).toContain(resentNote);
  });
});
