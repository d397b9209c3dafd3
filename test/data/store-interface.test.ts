import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNotice } from '../../data/import/notice.ts';
import { ReplacementRefused } from '../../data/import/refusal.ts';
import { SEED_NOTICE } from '../../data/import/seed.ts';
import { replayGuard } from '../../data/replay.ts';
import type { InspectionStore } from '../../data/store.ts';
import { otherRound, setTally } from '../support/rounds.ts';
import { type OpenedStore, seedStore, storeKinds } from '../support/stores.ts';

/**
 * The InspectionStore contract, run against every store: lowdb always, PostgreSQL whenever
 * DATABASE_URL is set (and always in CI). What is particular to one store (files on disk, rows
 * and notifications) is tested beside it: store.test.ts, pg-store.test.ts.
 */

const AT = new Date('2020-04-14T09:00:00+08:00');

async function seedWrite(store: InspectionStore) {
  const text = await readFile(SEED_NOTICE, 'utf8');
  return parseNotice({ text, file: path.basename(SEED_NOTICE) }, store.dataset(), AT).write;
}

/** A region an import learned (not in the shipped Fujian list). */
const learned = {
  id: '35-x1',
  name: '测试新区',
  short: '测试',
  kind: 'district' as const,
  parent: '35',
  aliases: [],
  learned: true,
};

describe.each(storeKinds)('InspectionStore on $name', (kind) => {
  let opened: OpenedStore[] = [];
  afterEach(async () => {
    for (const o of opened) await o.cleanup();
    opened = [];
  });
  async function empty(): Promise<OpenedStore> {
    const o = await kind.open();
    opened.push(o);
    return o;
  }
  async function seeded(): Promise<OpenedStore> {
    const o = await empty();
    await seedStore(o.store);
    return o;
  }

  describe('open()', () => {
    it('opens empty with the shipped Fujian regions and no round', async () => {
      const { store } = await empty();
      expect(store.isEmpty()).toBe(true);
      expect(store.dataset().rounds).toEqual([]);
      expect(store.dataset().regions.get('3501')?.name).toBe('福州市');
      expect(store.dataset().regions.all()).toHaveLength(95);
      expect(store.state.data.lastImport).toBeUndefined();
    });

    it('reads back everything an earlier process wrote', async () => {
      const { store, reopen } = await seeded();
      const again = await reopen();
      expect(again.isEmpty()).toBe(false);
      expect(again.dataset().register).toEqual(store.dataset().register);
      expect(again.dataset().rounds.map((v) => v.file)).toEqual(store.dataset().rounds.map((v) => v.file));
      expect(again.state.data.lastImport).toMatchObject({ roundKey: '2020Q1@35', changed: true });
    });
  });

  describe('applyImport()', () => {
    it('stores the round and the last import, and serves the new data', async () => {
      const { store } = await empty();
      expect(await store.applyImport(await seedWrite(store), AT)).toEqual({ changed: true, replaced: false });
      expect(store.state.data.lastImport).toEqual({
        roundKey: '2020Q1@35',
        at: AT.toISOString(),
        source: 'fujian-2020q1-notice.txt',
        changed: true,
      });
      const view = store.dataset().roundFor('35');
      expect(view && store.dataset().tally(view, '35', 'website')).toMatchObject({ total: 435, failed: 2 });
    });

    it('changes nothing when the identical round is applied again, even after a restart', async () => {
      const { store, reopen } = await seeded();
      const later = new Date('2020-05-01T09:00:00+08:00');
      expect(await store.applyImport(await seedWrite(store), later)).toEqual({ changed: false, replaced: false });
      const again = await reopen();
      expect(await again.applyImport(await seedWrite(again), later)).toEqual({ changed: false, replaced: false });
      expect(again.state.data.lastImport?.at).toBe(AT.toISOString());
    });

    it('replaces a round whose content changed, now and after a restart', async () => {
      const { store, reopen } = await seeded();
      const corrected = otherRound(store.dataset().rounds[0]!.file, '2020Q1', (f) =>
        setTally(f, '3501', 'website', { total: 40, checked: 40 }),
      );
      expect(await store.applyImport(corrected, AT)).toMatchObject({ changed: true, replaced: true });
      const view = store.dataset().roundFor('3501')!;
      expect(store.dataset().tally(view, '3501', 'website')).toMatchObject({ total: 40, checked: 40 });
      expect(store.dataset().rounds).toHaveLength(1);
      expect((await reopen()).dataset().rounds[0]!.tally('3501', 'website')).toMatchObject({ total: 40 });
    });

    it('refuses a replacement that drops failures unless replace is given, keeping the stored round', async () => {
      const { store, reopen } = await seeded();
      const fewer = otherRound(store.dataset().rounds[0]!.file, '2020Q1', (f) => {
        f.failures = f.failures.slice(1);
      });
      await expect(store.applyImport(fewer, AT)).rejects.toBeInstanceOf(ReplacementRefused);
      expect(store.dataset().rounds[0]!.file.failures).toHaveLength(3);
      expect((await reopen()).dataset().rounds[0]!.file.failures).toHaveLength(3);
      const outcome = await store.applyImport(fewer, AT, { replace: true });
      expect(outcome).toMatchObject({ changed: true, replaced: true });
      expect(outcome.diff?.droppedFailures).toHaveLength(1);
      expect(store.dataset().rounds[0]!.file.failures).toHaveLength(2);
    });

    it('keeps rounds of different periods apart, in period order', async () => {
      const { store, reopen } = await seeded();
      await store.applyImport(otherRound(store.dataset().rounds[0]!.file, '2020Q2'), AT);
      expect(store.dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35', '2020Q2@35']);
      expect((await reopen()).dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35', '2020Q2@35']);
    });

    it('adds the regions an import learned to the register, once', async () => {
      const { store, reopen } = await seeded();
      const base = store.dataset().rounds[0]!.file;
      await store.applyImport({ ...otherRound(base, '2020Q2'), newRegions: [learned] }, AT);
      await store.applyImport({ ...otherRound(base, '2020Q3'), newRegions: [learned] }, AT);
      expect(store.dataset().register.regions.filter((r) => r.id === '35-x1')).toHaveLength(1);
      expect(store.dataset().regions.resolve('测试新区')?.region.id).toBe('35-x1');
      expect((await reopen()).dataset().regions.resolve('测试新区')?.region.id).toBe('35-x1');
    });

    it('runs concurrent imports one after the other: two learning the same region add it once', async () => {
      const { store, reopen } = await seeded();
      const base = store.dataset().rounds[0]!.file;
      await Promise.all([
        store.applyImport({ ...otherRound(base, '2020Q2'), newRegions: [learned] }, AT),
        store.applyImport({ ...otherRound(base, '2020Q3'), newRegions: [learned] }, AT),
      ]);
      const again = await reopen();
      expect(again.dataset().register.regions.filter((r) => r.id === '35-x1')).toHaveLength(1);
      expect(again.dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35', '2020Q2@35', '2020Q3@35']);
    });

    it('writes the same new round applied twice at once only once', async () => {
      const { store } = await seeded();
      const q2 = otherRound(store.dataset().rounds[0]!.file, '2020Q2');
      const outcomes = await Promise.all([store.applyImport(q2, AT), store.applyImport(structuredClone(q2), AT)]);
      // Whichever runs first writes it; the other finds it stored.
      expect(outcomes.map((o) => JSON.stringify(o)).sort()).toEqual([
        JSON.stringify({ changed: false, replaced: false }),
        JSON.stringify({ changed: true, replaced: false }),
      ]);
    });

    it('refuses a round that breaks the schema and keeps the previous data', async () => {
      const { store, reopen } = await seeded();
      const bad = otherRound(store.dataset().rounds[0]!.file, '2020Q2');
      (bad.roundFile.tallies[0] as { checked: number }).checked = -1;
      await expect(store.applyImport(bad, AT)).rejects.toThrow();
      expect(store.dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35']);
      expect((await reopen()).dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35']);
    });
  });

  describe('markSeen()', () => {
    const t0 = new Date('2020-04-15T09:00:00+08:00');
    const hours = (h: number) => new Date(t0.getTime() + h * 3600_000);

    it('accepts a message id once and refuses a redelivery', async () => {
      const { store } = await empty();
      expect(await store.markSeen('wecom:m1', t0)).toBe(true);
      expect(await store.markSeen('wecom:m1', hours(1))).toBe(false);
      expect(await store.markSeen('dingtalk:m1', hours(1))).toBe(true);
    });

    it('remembers ids for 48 hours, then forgets them', async () => {
      const { store } = await empty();
      await store.markSeen('wecom:m1', t0);
      expect(await store.markSeen('wecom:m1', hours(47.9))).toBe(false);
      expect(await store.markSeen('wecom:m1', hours(48.1))).toBe(true);
    });

    it('counts one of two racing deliveries of the same id as new', async () => {
      const { store } = await empty();
      const results = await Promise.all([store.markSeen('wecom:m1', t0), store.markSeen('wecom:m1', t0)]);
      expect(results.sort()).toEqual([false, true]);
    });

    it('survives a restart', async () => {
      const { store, reopen } = await empty();
      await store.markSeen('wecom:m1', t0);
      expect(await (await reopen()).markSeen('wecom:m1', hours(1))).toBe(false);
    });
  });

  describe('replayGuard() over the store', () => {
    const t0 = new Date('2020-04-15T09:00:00+08:00');

    it('binds a signature to the first message it carried and refuses it with another, after a restart too', async () => {
      const { store, reopen } = await empty();
      const guard = replayGuard(store, 'dingtalk');
      expect(await guard.claim('sig-1', 'msg-1', t0)).toBe(true);
      expect(await guard.claim('sig-1', 'msg-1', t0)).toBe(true);
      expect(await guard.claim('sig-1', 'msg-2', t0)).toBe(false);
      // LowStore decides at once and writes the bindings with its next group commit (data/replay.ts).
      await store.markSeen('next-commit', t0);
      expect(await replayGuard(await reopen(), 'dingtalk').claim('sig-1', 'msg-3', t0)).toBe(false);
      expect(await guard.claim('sig-2', 'msg-2', t0)).toBe(true);
    });
  });
});
