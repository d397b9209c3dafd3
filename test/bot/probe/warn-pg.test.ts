import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { Subscriptions } from '../../../bot/alerts/subscriptions.ts';
import { makeGroups } from '../../../bot/groups.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { systemClock } from '../../../bot/outbox/clock.ts';
import { PgOutbox } from '../../../bot/outbox/pg-queue.ts';
import { Drain } from '../../../bot/outbox/drain.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/send.ts';
import { runWarnings } from '../../../bot/probe/warn.ts';
import { migrate } from '../../../data/pg/migrate.ts';
import { PgStore } from '../../../data/pg/store.ts';
import { FileProbeStore } from '../../../data/probe/store.ts';
import { FakeWecom } from '../../fakes/wecom.ts';
import { wecomGroup } from '../../support/alert-world.ts';
import { freshSchema, withPostgres } from '../../support/postgres.ts';
import { reading, registerSites, week } from '../../support/probe-world.ts';

/**
 * STORE=postgres: two instances (each its own outbox handle and probe store, one database)
 * evaluate the same standings at the same time; the outbox's keys let one warning through.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe.runIf(withPostgres)('runWarnings() with several instances on PostgreSQL', () => {
  it('queues a warning once per site, rule and day, whichever instance evaluates, and after a restart', async () => {
    const db = await freshSchema();
    cleanups.push(db.drop);
    await migrate(db.pool);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'probe-warn-pg-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const store = await PgStore.open({ pool: db.pool, dataDir: dir });
    cleanups.push(() => store.close());
    await registerSites(store);
    const groups = makeGroups([wecomGroup('fz', ['福州'], { name: '福州群' })]);
    const subscriptions = await Subscriptions.openPg(db.pool, groups);
    const now = new Date('2024-05-11T09:00:00+08:00');

    const instance = async (owner: string) => {
      const probes = FileProbeStore.memory();
      week(probes, 's-gl', now, 0);
      probes.setReading('s-gl', reading(now, 10));
      const outbox = await PgOutbox.open(db.pool, { owner });
      const deps = {
        store,
        probes,
        groups,
        scopeOf: (g: { id: string }, data: Parameters<typeof subscriptions.scopeOf>[1]) => subscriptions.scopeOf(g.id, data),
        outbox,
        perDay: 24,
        log: silentLogger,
      };
      return { outbox, evaluate: (at: Date) => runWarnings(deps, at) };
    };
    const a = await instance('bot-a');
    const b = await instance('bot-b');
    const [ra, rb] = await Promise.all([a.evaluate(now), b.evaluate(now)]);
    // Each composes the warning unless the other's was already in the outbox when it looked;
    // either way the outbox takes it once.
    expect(ra.messages.length + rb.messages.length).toBeGreaterThanOrEqual(1);
    expect(ra.queued + rb.queued).toBe(1);

    // A third instance started later the same day, with an empty journal of its own.
    const c = await instance('bot-c');
    expect((await c.evaluate(new Date('2024-05-11T15:00:00+08:00'))).queued).toBe(0);

    const wecom = await FakeWecom.start({ keys: ['key-fz'] });
    cleanups.push(() => wecom.close());
    const drain = new Drain({
      outbox: a.outbox,
      groups,
      pushers: { wecom: createWecomPusher(axios.create({ timeout: 2000 }), wecom.url) },
      clock: systemClock,
      log: silentLogger,
      pace: { perMinute: 15, windowMs: 60_000 },
      leaseMs: 3000,
    });
    await drain.start();
    cleanups.push(() => drain.stop());
    await wecom.waitFor('the warning', () => wecom.delivered('key-fz').length === 1);
    const text = (wecom.delivered('key-fz')[0] as { markdown: { content: string } }).markdown.content;
    expect(text).toContain('鼓楼区人民政府网（鼓楼区人民政府办公室）【预警】首页不更新：已10天未更新，再过4天将触发单项否决');
    expect(wecom.notified('key-fz')).toEqual([{ userid: 'lisi' }]);
  });
});
