import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../data/pg/migrate.ts';
import { PgStore } from '../../data/pg/store.ts';
import { replayGuard } from '../../data/replay.ts';
import { otherRound } from '../support/rounds.ts';
import { freshSchema, withPostgres } from '../support/postgres.ts';
import { seedStore, twoPgInstances } from '../support/stores.ts';
import { readdir, copyFile } from 'node:fs/promises';

/** What only the PostgreSQL store does: migrations, and several instances on one database. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function schema() {
  const db = await freshSchema();
  cleanups.push(db.drop);
  return db;
}

async function waitFor(check: () => boolean, ms = 1000): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

describe.runIf(withPostgres)('migrate()', () => {
  it('applies every migration file once, recording each', async () => {
    const db = await schema();
    const first = await migrate(db.pool);
    expect(first.applied).toEqual((await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort());
    const again = await migrate(db.pool);
    expect(again.applied).toEqual([]);
    const rows = await db.pool.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.rows.map((r) => r.name)).toEqual(first.applied);
  });

  it('applies each migration once when several instances start together', async () => {
    const db = await schema();
    const results = await Promise.all([migrate(db.pool), migrate(db.pool), migrate(db.pool)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(
      (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort(),
    );
  });

  it('rolls a failing migration back whole and names it; the next start tries it again', async () => {
    const db = await schema();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, '001_a.sql'), 'CREATE TABLE a (x int);');
    await writeFile(path.join(dir, '002_b.sql'), 'CREATE TABLE b (x int); SELECT no_such_function();');
    await expect(migrate(db.pool, dir)).rejects.toThrow(/migration 002_b\.sql failed/);
    const tables = await db.pool.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [db.schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['a', 'schema_migrations']);
    await writeFile(path.join(dir, '002_b.sql'), 'CREATE TABLE b (x int);');
    expect((await migrate(db.pool, dir)).applied).toEqual(['002_b.sql']);
  });

  it('refuses a database a newer version migrated', async () => {
    const db = await schema();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    for (const f of await readdir(MIGRATIONS_DIR)) await copyFile(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    await writeFile(path.join(dir, '999_future.sql'), 'CREATE TABLE future (x int);');
    await migrate(db.pool, dir);
    await expect(migrate(db.pool)).rejects.toThrow(/999_future\.sql.*newer bot/);
  });
});

describe.runIf(withPostgres)('PgStore with two instances', () => {
  it("answers from another instance's import within a second (LISTEN/NOTIFY)", async () => {
    const { a, b, cleanup } = await twoPgInstances();
    cleanups.push(cleanup);
    await seedStore(a);
    await waitFor(() => !b.isEmpty());
    const q2 = otherRound(a.dataset().rounds[0]!.file, '2020Q2');
    await a.applyImport(q2, new Date('2020-07-14T09:00:00+08:00'));
    await waitFor(() => b.dataset().rounds.length === 2);
    expect(b.state.data.lastImport?.roundKey).toBe('2020Q2@35');
    expect(b.dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35', '2020Q2@35']);
  });

  it('sees a register import made on the other instance', async () => {
    const { a, b, cleanup } = await twoPgInstances();
    cleanups.push(cleanup);
    await a.applyRegister({
      newRegions: [],
      units: [{ id: 'u-1', name: '福州市示例局', regionId: '3501', aliases: [], contacts: [] }],
      sites: [],
      accounts: [],
    });
    await waitFor(() => b.dataset().unit('福州市示例局') !== undefined);
  });

  it('keeps in memory what it wrote as a fresh instance reads it, and rewrites no row a re-import leaves unchanged', async () => {
    const { a, b, cleanup } = await twoPgInstances();
    cleanups.push(cleanup);
    const write = {
      newRegions: [{ id: '350999', name: '示例新区', short: '示例新区', kind: 'district' as const, parent: '3501', aliases: [] }],
      units: [
        { id: 'u-1', name: '福州市示例局', regionId: '3501', aliases: [], contacts: [] },
        { id: 'u-2', name: '厦门市示例局', regionId: '3502', aliases: ['厦门示例局'], contacts: [] },
      ],
      sites: [{ id: 's-1', name: '福州市示例局网站', regionId: '3501', unitId: 'u-1', kind: 'department' as const }],
      accounts: [
        { id: 'a-1', platform: '微信', name: '示例发布', regionId: '3501', unitId: 'u-1' },
        { id: 'a-2', platform: '微博', name: '示例微博', regionId: '3502' },
        { id: 'a-1', platform: '微信', name: '示例发布（改名）', regionId: '3501', unitId: 'u-1' },
      ],
    };
    expect(await a.applyRegister(write)).toEqual({ added: 6, updated: 1 });
    const fresh = await PgStore.open({ pool: a.pool, dataDir: a.dataDir });
    cleanups.push(() => fresh.close());
    expect(a.dataset().register).toEqual(fresh.dataset().register);
    expect(a.dataset().register.accounts.map((x) => x.name)).toEqual(['示例发布（改名）', '示例微博']);

    const revs = async () =>
      (await a.pool.query<{ kind: string; id: string; rev: number }>('SELECT kind, id, rev FROM register_items')).rows;
    const before = await revs();
    expect(await a.applyRegister(write)).toEqual({ added: 0, updated: 7 });
    expect(await revs()).toEqual(before);

    await a.applyRegister({ ...write, accounts: [{ ...write.accounts[1]!, name: '示例微博（新）' }] });
    const after = await revs();
    expect(after.filter((r) => !before.some((x) => x.kind === r.kind && x.id === r.id && x.rev === r.rev))).toEqual([
      expect.objectContaining({ kind: 'account', id: 'a-2' }),
    ]);
    await waitFor(() => b.dataset().register.accounts.some((x) => x.name === '示例微博（新）'));
    expect(b.dataset().register).toEqual(a.dataset().register);
  });

  it('answers a message delivered to both instances once', async () => {
    const { a, b, cleanup } = await twoPgInstances();
    cleanups.push(cleanup);
    const t = new Date('2020-04-15T09:00:00+08:00');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).markSeen(`dingtalk:m${i >> 1}`, t)),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
  });

  it('refuses on one instance a signature the other bound to another message', async () => {
    const { a, b, cleanup } = await twoPgInstances();
    cleanups.push(cleanup);
    const t = new Date('2020-04-15T09:00:00+08:00');
    expect(await replayGuard(a, 'dingtalk').claim('sig', 'm1', t)).toBe(true);
    expect(await replayGuard(b, 'dingtalk').claim('sig', 'm1', t)).toBe(true);
    expect(await replayGuard(b, 'dingtalk').claim('sig', 'm2', t)).toBe(false);
  });

  it('records every import in the audit trail', async () => {
    const { a, cleanup } = await twoPgInstances();
    cleanups.push(cleanup);
    await seedStore(a);
    const rows = await a.pool.query('SELECT action, detail FROM audit ORDER BY id');
    expect(rows.rows).toEqual([
      expect.objectContaining({
        action: 'round.imported',
        detail: expect.objectContaining({ detail: expect.objectContaining({ round: '2020Q1@35' }) }),
      }),
    ]);
  });
});
