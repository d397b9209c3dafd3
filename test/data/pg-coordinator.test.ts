import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PgCoordinator } from '../../data/pg/coordinator.ts';
import { migrate } from '../../data/pg/migrate.ts';
import { freshSchema, withPostgres } from '../support/postgres.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function coordinators(n: number) {
  const db = await freshSchema();
  cleanups.push(db.drop);
  await migrate(db.pool);
  return {
    db,
    list: Array.from({ length: n }, (_, i) => new PgCoordinator(db.pool, { url: db.url, schema: db.schema }, `i${i}`, 100)),
  };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(withPostgres)('PgCoordinator.claimSlot()', () => {
  it('gives each slot of a job to one instance', async () => {
    const { list } = await coordinators(3);
    const now = new Date('2020-04-15T09:05:00+08:00');
    const wins = await Promise.all(list.map((c) => c.claimSlot('reminders', '2020-04-15T01:05:00.000Z', now)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await list[0]!.claimSlot('reminders', '2020-04-15T01:10:00.000Z', now)).toBe(true);
  });
});

describe.runIf(withPostgres)('PgCoordinator.exclusive()', () => {
  it('runs sections of one name one at a time across instances', async () => {
    const { list } = await coordinators(3);
    let inside = 0;
    let most = 0;
    await Promise.all(
      list.flatMap((c) =>
        [1, 2].map(() =>
          c.exclusive('alerts', async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setTimeout(r, 20));
            inside--;
          }),
        ),
      ),
    );
    expect(most).toBe(1);
  });
});

describe.runIf(withPostgres)('PgCoordinator.lead()', () => {
  it('holds a long connection on one instance and hands it over when that one dies', async () => {
    const { db, list } = await coordinators(2);
    const running: string[] = [];
    const role = (id: string) => ({
      start: async () => {
        running.push(id);
      },
      stop: async () => {
        running.splice(running.indexOf(id), 1);
      },
    });
    const first = list[0]!.lead('wecom-longconn:bot', role('i0'));
    await until(() => first.holding(), 2000);
    const second = list[1]!.lead('wecom-longconn:bot', role('i1'));
    cleanups.push(() => second.stop(), () => first.stop());
    await new Promise((r) => setTimeout(r, 400));
    expect(running).toEqual(['i0']);
    // The holder's database session ends as when its process is killed.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'inspection-bot i0 lead'`,
    );
    await admin.end();
    await until(() => second.holding() && running.join() === 'i1', 10_000);
    expect(first.holding()).toBe(false);
  });

  it('gives the role up on stop, and the standby takes it', async () => {
    const { list } = await coordinators(2);
    const nothing = { start: async () => {}, stop: async () => {} };
    const first = list[0]!.lead('dingtalk-stream:app', nothing);
    await until(() => first.holding(), 2000);
    const second = list[1]!.lead('dingtalk-stream:app', nothing);
    cleanups.push(() => second.stop());
    await first.stop();
    await until(() => second.holding(), 2000);
  });
});
