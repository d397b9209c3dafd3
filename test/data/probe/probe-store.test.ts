import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PgProbeStore } from '../../../data/pg/probe-store.ts';
import { FileProbeStore, type ProbeStore, type SiteReading } from '../../../data/probe/store.ts';
import { freshSchema, withPostgres } from '../../support/postgres.ts';

/** One probe store, with a way to open the same data again (a restart, or another instance). */
interface Opened {
  store: ProbeStore;
  reopen(): Promise<ProbeStore>;
}
interface Kind {
  name: string;
  open(): Promise<Opened>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const file: Kind = {
  name: 'FileProbeStore',
  async open() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'probe-store-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return { store: await FileProbeStore.open(dir), reopen: () => FileProbeStore.open(dir) };
  },
};

const postgres: Kind = {
  name: 'PgProbeStore',
  async open() {
    const db = await freshSchema();
    cleanups.push(db.drop);
    return { store: await PgProbeStore.open(db.pool), reopen: () => PgProbeStore.open(db.pool) };
  },
};

const kinds = withPostgres ? [file, postgres] : [file];

const reading: SiteReading = {
  at: '2024-05-15T02:00:00.000Z',
  homepage: { newest: '2024-05-13' },
  columns: [
    { name: '工作动态', kind: 'news', read: { blank: false, newest: '2024-05-12', items: 2 } },
    { name: '通知公告', kind: 'notice', unreadable: 'robots' },
  ],
};

describe.each(kinds)('$name', (kind) => {
  it('counts tries per site and Shanghai day, firewall refusals apart', async () => {
    const { store } = await kind.open();
    for (const o of ['ok', 'ok', 'failed', 'blocked'] as const) store.record('fz', '2024-05-15', o);
    store.record('fz', '2024-05-14', 'failed');
    expect(store.tallies('fz')).toEqual([
      { date: '2024-05-14', tries: 1, failed: 1, blocked: 0 },
      { date: '2024-05-15', tries: 3, failed: 1, blocked: 1 },
    ]);
    expect(store.tallies('unknown')).toEqual([]);
  });

  it('keeps tallies, readings and announcements across a restart once flushed', async () => {
    const { store, reopen } = await kind.open();
    store.record('fz', '2024-05-15', 'ok');
    store.record('fz', '2024-05-15', 'failed');
    store.setReading('fz', reading);
    store.setAnnounced('fz', 'unreachable', { level: 'warn', date: '2024-05-15' });
    store.setAnnounced('fz', 'columns', { level: 'warn', date: '2024-05-14' });
    await store.flush('2024-05-15');
    store.setAnnounced('fz', 'columns', undefined);
    store.record('fz', '2024-05-15', 'ok');
    await store.flush('2024-05-15');

    const again = await reopen();
    expect(again.tallies('fz')).toEqual([{ date: '2024-05-15', tries: 3, failed: 1, blocked: 0 }]);
    expect(again.reading('fz')).toEqual(reading);
    expect(again.announced('fz', 'unreachable')).toEqual({ level: 'warn', date: '2024-05-15' });
    expect(again.announced('fz', 'columns')).toBeUndefined();
  });

  it('drops days older than 14 days at a flush', async () => {
    const { store, reopen } = await kind.open();
    store.record('fz', '2024-05-01', 'ok');
    store.record('fz', '2024-05-02', 'ok');
    store.record('old', '2024-04-01', 'failed');
    await store.flush('2024-05-16');
    expect(store.tallies('fz').map((d) => d.date)).toEqual(['2024-05-02']);
    expect(store.tallies('old')).toEqual([]);
    expect((await reopen()).tallies('fz').map((d) => d.date)).toEqual(['2024-05-02']);
  });

  it('loses nothing unflushed when a flush is followed by more tries', async () => {
    const { store, reopen } = await kind.open();
    store.record('fz', '2024-05-15', 'ok');
    const flushing = store.flush('2024-05-15');
    store.record('fz', '2024-05-15', 'failed');
    await flushing;
    expect(store.tallies('fz')).toEqual([{ date: '2024-05-15', tries: 2, failed: 1, blocked: 0 }]);
    await store.flush('2024-05-15');
    expect((await reopen()).tallies('fz')).toEqual([{ date: '2024-05-15', tries: 2, failed: 1, blocked: 0 }]);
  });
});

describe.runIf(withPostgres)('PgProbeStore with two instances', () => {
  it('adds both instances’ tries to one row per site and day, and each sees the other’s after a flush', async () => {
    const db = await freshSchema();
    cleanups.push(db.drop);
    const a = await PgProbeStore.open(db.pool);
    const b = await PgProbeStore.open(db.pool);
    for (let i = 0; i < 10; i++) a.record('fz', '2024-05-15', 'ok');
    for (let i = 0; i < 12; i++) b.record('fz', '2024-05-15', i < 2 ? 'failed' : 'ok');
    b.setReading('fz', reading);
    b.setAnnounced('fz', 'unreachable', { level: 'warn', date: '2024-05-15' });
    await Promise.all([a.flush('2024-05-15'), b.flush('2024-05-15')]);
    await a.flush('2024-05-15');
    expect(a.tallies('fz')).toEqual([{ date: '2024-05-15', tries: 22, failed: 2, blocked: 0 }]);
    expect(a.reading('fz')).toEqual(reading);
    expect(a.announced('fz', 'unreachable')).toEqual({ level: 'warn', date: '2024-05-15' });
    b.setAnnounced('fz', 'unreachable', undefined);
    await b.flush('2024-05-15');
    await a.flush('2024-05-15');
    expect(a.announced('fz', 'unreachable')).toBeUndefined();
    const rows = await db.pool.query('SELECT count(*)::int AS n FROM probe_tallies');
    expect(rows.rows[0].n).toBe(1);
  });

  it('keeps the tries of a flush that failed for the next one', async () => {
    const db = await freshSchema();
    cleanups.push(db.drop);
    const store = await PgProbeStore.open(db.pool);
    store.record('fz', '2024-05-15', 'ok');
    await db.pool.query('ALTER TABLE probe_tallies RENAME TO probe_tallies_away');
    await expect(store.flush('2024-05-15')).rejects.toThrow();
    await db.pool.query('ALTER TABLE probe_tallies_away RENAME TO probe_tallies');
    store.record('fz', '2024-05-15', 'failed');
    await store.flush('2024-05-15');
    expect((await PgProbeStore.open(db.pool)).tallies('fz')).toEqual([
      { date: '2024-05-15', tries: 2, failed: 1, blocked: 0 },
    ]);
  });
});
