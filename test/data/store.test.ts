import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNotice } from '../../data/import/notice.ts';
import { SEED_NOTICE } from '../../data/import/seed.ts';
import { LowStore, roundFileName } from '../../data/store.ts';
import { openEmptyStore, openSeededStore } from '../support/seeded-store.ts';
import { otherRound } from '../support/rounds.ts';

const AT = new Date('2020-04-14T09:00:00+08:00');
const ROUND_FILE = path.join('rounds', '2020Q1@35.json');
let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function seeded() {
  const s = await openSeededStore();
  cleanups.push(s.cleanup);
  return s;
}

async function empty() {
  const s = await openEmptyStore();
  cleanups.push(s.cleanup);
  return s;
}

/** Bytes and modification time of a file in the store, to prove it was not rewritten. */
async function fingerprint(dir: string, name: string) {
  const file = path.join(dir, name);
  return { bytes: await readFile(file, 'utf8'), mtimeMs: (await stat(file)).mtimeMs };
}

async function seedWrite(store: LowStore) {
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

describe('LowStore.open()', () => {
  it('opens an empty directory with the shipped Fujian regions and no round, writing nothing', async () => {
    const { store, dir } = await empty();
    expect(store.isEmpty()).toBe(true);
    expect(store.dataset().rounds).toEqual([]);
    expect(store.dataset().regions.get('3501')?.name).toBe('福州市');
    expect(store.dataset().regions.all()).toHaveLength(95);
    expect(await readdir(dir)).toEqual([]);
  });


  it('ignores a temporary file a crash left in the rounds directory', async () => {
    const { dir } = await seeded();
    await writeFile(path.join(dir, 'rounds', '.2020Q2@35.json.4242.0badc0de.tmp'), '{"version":1,"rou');
    const again = await LowStore.open(dir);
    expect(again.dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35']);
  });

  it('refuses a damaged round file, naming it', async () => {
    const { dir } = await seeded();
    await writeFile(path.join(dir, ROUND_FILE), '{"version":1,"round":{}}');
    await expect(LowStore.open(dir)).rejects.toThrow(
      `${path.join(dir, ROUND_FILE)} does not match the schema`,
    );
  });
});

describe('LowStore.applyImport()', () => {
  it('writes the round to rounds/<key>.json, the register and the last import, and serves the new data', async () => {
    const { store, dir } = await empty();
    const outcome = await store.applyImport(await seedWrite(store), AT);
    expect(outcome).toEqual({ changed: true, replaced: false });
    expect((await readdir(dir)).sort()).toEqual(['register.json', 'rounds', 'state.json']);
    expect(await readdir(path.join(dir, 'rounds'))).toEqual(['2020Q1@35.json']);
    const onDisk = JSON.parse(await readFile(path.join(dir, ROUND_FILE), 'utf8'));
    expect(onDisk.round.key).toBe('2020Q1@35');
    expect(store.state.data.lastImport).toEqual({
      roundKey: '2020Q1@35',
      at: AT.toISOString(),
      source: 'fujian-2020q1-notice.txt',
      changed: true,
    });
    const view = store.dataset().roundFor('35');
    expect(view && store.dataset().tally(view, '35', 'website')).toMatchObject({ total: 435, failed: 2 });
  });

  it('changes nothing when the identical round is applied again: same bytes, same modification time', async () => {
    const { store, dir } = await seeded();
    const before = await fingerprint(dir, ROUND_FILE);
    const register = await fingerprint(dir, 'register.json');
    const later = new Date('2020-05-01T09:00:00+08:00');
    expect(await store.applyImport(await seedWrite(store), later)).toEqual({
      changed: false,
      replaced: false,
    });
    expect(await fingerprint(dir, ROUND_FILE)).toEqual(before);
    expect(await fingerprint(dir, 'register.json')).toEqual(register);
  });

  it('recognises the identical round after a restart (the stored file comes back in schema key order)', async () => {
    const { dir } = await seeded();
    const before = await fingerprint(dir, ROUND_FILE);
    const reopened = await LowStore.open(dir);
    expect(await reopened.applyImport(await seedWrite(reopened), AT)).toEqual({
      changed: false,
      replaced: false,
    });
    expect(await fingerprint(dir, ROUND_FILE)).toEqual(before);
  });


  it('keeps each round in its own file', async () => {
    const { store, dir } = await seeded();
    await store.applyImport(otherRound(store.dataset().rounds[0]!.file, '2020Q2'), AT);
    expect((await readdir(path.join(dir, 'rounds'))).sort()).toEqual(['2020Q1@35.json', '2020Q2@35.json']);
    expect(store.dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35', '2020Q2@35']);
  });

});

describe('LowStore.applyImport() called concurrently', () => {

  it('runs the imports one after the other: two learning the same region add it once', async () => {
    const { store, dir } = await seeded();
    const base = store.dataset().rounds[0]!.file;
    await Promise.all([
      store.applyImport({ ...otherRound(base, '2020Q2'), newRegions: [learned] }, AT),
      store.applyImport({ ...otherRound(base, '2020Q3'), newRegions: [learned] }, AT),
    ]);
    expect(store.dataset().register.regions.filter((r) => r.id === '35-x1')).toHaveLength(1);
    const reopened = await LowStore.open(dir);
    expect(reopened.dataset().register.regions.filter((r) => r.id === '35-x1')).toHaveLength(1);
    expect(reopened.dataset().rounds.map((v) => v.round.key)).toEqual([
      '2020Q1@35',
      '2020Q2@35',
      '2020Q3@35',
    ]);
  });

});

describe('LowStore.markSeen()', () => {
  const t0 = new Date('2020-04-15T09:00:00+08:00');
  const hours = (h: number) => new Date(t0.getTime() + h * 3600_000);



  it('drops expired ids from the file when it records a new one', async () => {
    const { store, dir } = await empty();
    await store.markSeen('wecom:old', t0);
    await store.markSeen('wecom:new', hours(49));
    const inbox = JSON.parse(await readFile(path.join(dir, 'inbox.json'), 'utf8'));
    expect(Object.keys(inbox.seen)).toEqual(['wecom:new']);
  });



  it('writes only the small inbox file: rounds, register and state are not rewritten', async () => {
    const { store, dir } = await seeded();
    const names = [ROUND_FILE, 'register.json', 'state.json'];
    const before = await Promise.all(names.map((n) => fingerprint(dir, n)));
    await store.markSeen('wecom:m1', t0);
    await store.markSeen('wecom:m2', t0);
    expect(await Promise.all(names.map((n) => fingerprint(dir, n)))).toEqual(before);
    expect(await readdir(dir)).toContain('inbox.json');
  });
});

describe('roundFileName()', () => {
  it('keeps plain keys readable and encodes everything else reversibly', () => {
    expect(roundFileName('2020Q1@35')).toBe('2020Q1@35.json');
    const name = roundFileName('2021Q1@new/江西省');
    expect(name).toMatch(/^[A-Za-z0-9._@%-]+\.json$/);
    expect(decodeURIComponent(name.slice(0, -'.json'.length))).toBe('2021Q1@new/江西省');
  });

  it('gives two unknown non-ASCII scopes of one period two files', () => {
    expect(roundFileName('2021Q1@new/江西省')).not.toBe(roundFileName('2021Q1@new/湖南省'));
  });
});

describe('LowStore with rounds of unknown scopes', () => {
  it('keeps two rounds of different non-ASCII scopes in the same period, after a restart too', async () => {
    const { store, dir } = await seeded();
    const base = store.dataset().rounds[0]!.file;
    const scoped = (id: string, name: string) => {
      const write = otherRound(base, '2021Q1', (f) => {
        f.round.key = `2021Q1@${id}`;
        f.round.scopeRegionId = id;
        f.tallies = [{ regionId: id, channel: 'website', total: 10, checked: 10, failed: 0 }];
        f.failures = [];
      });
      write.newRegions = [{ id, name, short: name, kind: 'province', aliases: [], learned: true }];
      return write;
    };
    await store.applyImport(scoped('new/江西省', '江西省'), AT);
    await store.applyImport(scoped('new/湖南省', '湖南省'), AT);
    expect(await readdir(path.join(dir, 'rounds'))).toHaveLength(3);
    const reopened = await LowStore.open(dir);
    cleanups.push(() => reopened.close());
    // The sample is set aside from answers by the real rounds of other regions, but still stored.
    const { rounds, setAside } = reopened.dataset();
    expect([...rounds, ...setAside].map((v) => v.round.key).sort()).toEqual([
      '2020Q1@35',
      '2021Q1@new/江西省',
      '2021Q1@new/湖南省',
    ]);
  });

  it('renames a data directory\'s round files from the old scheme on open, losing nothing', async () => {
    const { store, dir } = await seeded();
    await store.close();
    const bytes = await readFile(path.join(dir, ROUND_FILE), 'utf8');
    await rm(path.join(dir, ROUND_FILE));
    await writeFile(path.join(dir, 'rounds', '2020Q1_35.json'), bytes);
    const reopened = await LowStore.open(dir);
    cleanups.push(() => reopened.close());
    expect(await readdir(path.join(dir, 'rounds'))).toEqual(['2020Q1@35.json']);
    expect(await readFile(path.join(dir, ROUND_FILE), 'utf8')).toBe(bytes);
    expect(reopened.dataset().rounds.map((v) => v.round.key)).toEqual(['2020Q1@35']);
  });
});
