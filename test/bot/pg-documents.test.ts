import { afterEach, describe, expect, it } from 'vitest';
import { Subscriptions } from '../../bot/alerts/subscriptions.ts';
import { makeGroups } from '../../bot/groups.ts';
import { TaskStore } from '../../bot/reminders/task-store.ts';
import { PgHub } from '../../data/pg/hub.ts';
import { migrate } from '../../data/pg/migrate.ts';
import { dataset, wecomGroup } from '../support/alert-world.ts';
import { freshSchema, withPostgres } from '../support/postgres.ts';

/** Subscriptions and task marks in PostgreSQL, changed by two instances at once. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function db() {
  const d = await freshSchema();
  cleanups.push(d.drop);
  await migrate(d.pool);
  const hub = async () => {
    const h = await PgHub.open({ url: d.url, schema: d.schema });
    cleanups.push(() => h.close());
    return h;
  };
  return { ...d, hub };
}

async function until(check: () => boolean, ms = 1000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const data = dataset([]);
const groups = makeGroups([wecomGroup('fz', ['福州']), wecomGroup('xm', ['厦门'])]);
const region = (name: string) => ({ kind: 'region' as const, region: data.regions.resolve(name)!.region });
const at = new Date('2020-04-15T09:00:00+08:00');

describe.runIf(withPostgres)('Subscriptions on PostgreSQL', () => {
  it('keeps every change when two instances change one group at once, and each sees the other’s', async () => {
    const d = await db();
    const a = await Subscriptions.openPg(d.pool, groups, await d.hub());
    const b = await Subscriptions.openPg(d.pool, groups, await d.hub());
    await Promise.all([a.add('fz', region('厦门'), data), b.add('fz', region('泉州'), data)]);
    const expected = ['3501', '3502', '3505'].sort();
    await until(() => a.scopeOf('fz', data).regions.sort().join() === expected.join());
    await until(() => b.scopeOf('fz', data).regions.sort().join() === expected.join());
    expect(a.scopeOf('xm', data).regions).toEqual(['3502']);
  });

  it('records the scanned import for every instance', async () => {
    const d = await db();
    const a = await Subscriptions.openPg(d.pool, groups);
    await a.markScanned({ roundKey: '2020Q1@35', at: at.toISOString() });
    const b = await Subscriptions.openPg(d.pool, groups);
    expect(b.scanned()).toEqual({ roundKey: '2020Q1@35', at: at.toISOString() });
  });
});

describe.runIf(withPostgres)('TaskStore on PostgreSQL', () => {
  it('keeps /done marks and sent reminders written by two instances at once', async () => {
    const d = await db();
    const a = await TaskStore.openPg(d.pool, await d.hub());
    const b = await TaskStore.openPg(d.pool, await d.hub());
    const [closedA, closedB] = await Promise.all([
      a.close(['t1', 't2'], 'zhangsan', at),
      b.close(['t2', 't3'], 'lisi', at),
    ]);
    // t2 is closed once, by whichever came first.
    expect([...closedA, ...closedB].sort()).toEqual(['t1', 't2', 't3']);
    await Promise.all([a.markSentAll([{ key: 't1|before-1', groups: ['fz'] }], at), b.markSent('t3|due', ['xm'], at)]);
    await b.reload();
    expect(Object.keys(b.data.done).sort()).toEqual(['t1', 't2', 't3']);
    expect(b.data.sent['t1|before-1']).toEqual({ at: at.toISOString(), groups: ['fz'] });
    expect(b.isSent('t3|due')).toBe(true);
  });

  it('keeps deadlines an admin set, for rounds and for units', async () => {
    const d = await db();
    const a = await TaskStore.openPg(d.pool);
    await a.setRoundDeadline('2020Q1@35', { date: '2020-04-24', time: '17:00' }, 'admin', at);
    await a.setUnitDeadline('2020Q1@35', 'u1', { date: '2020-04-20' }, 'admin', at);
    const b = await TaskStore.openPg(d.pool);
    expect(b.data.deadlines.rounds['2020Q1@35']).toEqual({ date: '2020-04-24', time: '17:00', by: 'admin', at: at.toISOString() });
    expect(b.data.deadlines.units['2020Q1@35|u1']).toMatchObject({ date: '2020-04-20' });
  });
});
