import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRound } from '../../data/import/build-round.ts';
import { emptyDraft } from '../../data/import/records.ts';
import { failureId } from '../../data/import/failure-id.ts';
import { migrateLearnedRegions } from '../../data/region-migration.ts';
import { fujianRegions } from '../../data/reference/fujian.ts';
import { type RegisterFile, type Region, type RoundFile, SCHEMA_VERSION } from '../../data/schema.ts';
import { LowStore } from '../../data/store.ts';

/**
 * A data directory written before the national gazetteer existed: a 湖南 notice imported then
 * learned its issuer as `new/湖南省` and every region it named below it (issue 12, scope item 3).
 */
const learned = (id: string, name: string, kind: Region['kind'], parent?: string): Region => ({
  id,
  name,
  short: name.replace(/(省|市|区|县)$/, ''),
  kind,
  aliases: [],
  learned: true,
  ...(parent ? { parent } : {}),
});
const oldRegions: Region[] = [
  learned('new/湖南省', '湖南省', 'province'),
  learned('new/湖南省/长沙市', '长沙市', 'city', 'new/湖南省'),
  learned('new/湖南省/长沙市/芙蓉区', '芙蓉区', 'district', 'new/湖南省/长沙市'),
  learned('new/湖南省/省直部门', '省直部门', 'provincial-depts', 'new/湖南省'),
  // A name four prefectures share, learned at the top: never guessed.
  learned('new/鼓楼区', '鼓楼区', 'district'),
];
const KEY = '2021Q1@new/湖南省';
const FAILURE_ID = failureId(KEY, 'website', 'new/湖南省/长沙市', '长沙市某局网站');
const oldRound = (): RoundFile => ({
  version: SCHEMA_VERSION,
  round: {
    key: KEY,
    period: '2021Q1',
    scopeRegionId: 'new/湖南省',
    title: '湖南省人民政府办公厅关于2021年第一季度全省政府网站和政务新媒体检查情况的通报',
    issuer: '湖南省人民政府办公厅',
    source: { file: 'hunan-2021q1.txt', sha256: 'a'.repeat(64), kind: 'notice' },
    importedAt: '2026-11-20T02:00:00.000Z',
  },
  tallies: [
    { regionId: 'new/湖南省', channel: 'website', total: 300, checked: 300, failed: 1 },
    { regionId: 'new/湖南省/长沙市', channel: 'website', total: 40, checked: 40, failed: 1 },
    { regionId: 'new/湖南省/省直部门', channel: 'website', total: 50, checked: 50, failed: 0 },
  ],
  failures: [
    {
      id: FAILURE_ID,
      channel: 'website',
      regionId: 'new/湖南省/长沙市',
      regionText: '长沙市',
      subject: '长沙市某局网站',
      problem: '栏目不更新',
      problemCode: 'W-stale-column',
      veto: true,
    },
  ],
  mentions: [],
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'region-migration-'));
  const register: RegisterFile = {
    version: SCHEMA_VERSION,
    regions: [...fujianRegions(), ...oldRegions],
    units: [{ id: 'u1', name: '长沙市某局', regionId: 'new/湖南省/长沙市', aliases: [], contacts: [] }],
    sites: [],
    accounts: [],
  };
  await writeFile(path.join(dir, 'register.json'), JSON.stringify(register));
  await mkdir(path.join(dir, 'rounds'));
  await writeFile(path.join(dir, 'rounds', `${encodeURIComponent(KEY)}.json`), JSON.stringify(oldRound()));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('migrateLearnedRegions()', () => {
  it('moves new/… regions onto their gazetteer units under their real parents, and leaves a shared name alone', () => {
    const register: RegisterFile = {
      version: SCHEMA_VERSION,
      regions: oldRegions,
      units: [],
      sites: [],
      accounts: [],
    };
    const m = migrateLearnedRegions(register, [oldRound()]);
    expect(m.moves).toEqual([
      { from: 'new/湖南省', to: '43', name: '湖南省', toName: '湖南省' },
      { from: 'new/湖南省/长沙市', to: '4301', name: '长沙市', toName: '长沙市' },
      { from: 'new/湖南省/省直部门', to: '43/省直部门', name: '省直部门', toName: '省直部门' },
      { from: 'new/湖南省/长沙市/芙蓉区', to: '430102', name: '芙蓉区', toName: '芙蓉区' },
    ]);
    const byId = new Map(m.register.regions.map((r) => [r.id, r]));
    expect(byId.get('43')).toMatchObject({ code: '43', kind: 'province', formerIds: ['new/湖南省'] });
    expect(byId.get('4301')).toMatchObject({ parent: '43', kind: 'city' });
    expect(byId.get('430102')).toMatchObject({ parent: '4301', kind: 'district' });
    expect(byId.get('43/省直部门')).toMatchObject({ parent: '43', kind: 'provincial-depts' });
    expect(byId.get('new/鼓楼区')).toBeDefined();
    expect([...byId.keys()].filter((id) => id.startsWith('new/'))).toEqual(['new/鼓楼区']);
  });

  it('changes nothing in a directory without new/… regions', () => {
    const register: RegisterFile = {
      version: SCHEMA_VERSION,
      regions: fujianRegions(),
      units: [],
      sites: [],
      accounts: [],
    };
    const m = migrateLearnedRegions(register, []);
    expect(m.moves).toEqual([]);
    expect(m.register).toBe(register);
  });
});

describe('LowStore.open() on a data directory written before the gazetteer', () => {
  it('moves its learned regions at start, keeping round keys, failure ids and every reference, and logs what moved', async () => {
    const notes: string[] = [];
    const store = await LowStore.open(dir, { note: (m) => notes.push(m) });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^4个导入时新建的地区已对应到全国行政区划/);
    expect(notes[0]).toContain('new/湖南省 → 43 湖南省');
    const data = store.dataset();
    const [view] = data.rounds;
    expect(view?.round.key).toBe(KEY);
    expect(view?.round.scopeRegionId).toBe('43');
    expect(view?.file.failures[0]).toMatchObject({ id: FAILURE_ID, regionId: '4301' });
    expect(view?.file.tallies.map((t) => t.regionId)).toEqual(['43', '4301', '43/省直部门']);
    expect(data.register.units[0]?.regionId).toBe('4301');
    // A subscription by the old id still finds the region and what lies below it.
    expect(data.regions.get('new/湖南省')?.id).toBe('43');
    expect(data.regions.within('4301', 'new/湖南省')).toBe(true);
    // /rate 湖南 and /rate 长沙 reach the history.
    expect(data.regions.resolve('长沙')?.region.id).toBe('4301');
    await store.close();

    // Written to disk: the next start has nothing to move.
    const again: string[] = [];
    const reopened = await LowStore.open(dir, { note: (m) => again.push(m) });
    expect(again).toEqual([]);
    expect(reopened.dataset().rounds[0]?.round.scopeRegionId).toBe('43');
    await reopened.close();
    const register = JSON.parse(await readFile(path.join(dir, 'register.json'), 'utf8')) as RegisterFile;
    expect(register.regions.some((r) => r.id === 'new/湖南省')).toBe(false);
  });

  it('lets the same notice imported again replace its round, each failure keeping its id', async () => {
    const store = await LowStore.open(dir);
    const draft = emptyDraft({ file: 'hunan-2021q1.txt', sha256: 'b'.repeat(64), kind: 'notice' });
    const where = { file: 'hunan-2021q1.txt' };
    draft.meta = { period: { text: '2021Q1', where }, issuer: '湖南省人民政府办公厅' };
    draft.scopeId = '43';
    draft.tallies.push({
      region: { text: '长沙市', where },
      channel: 'website',
      total: 40,
      checked: 40,
      failed: 1,
      sum: false,
      where,
      regionId: '4301',
    });
    draft.failures.push({
      channel: 'website',
      region: { text: '长沙市', where },
      subject: '长沙市某局网站',
      problem: '栏目不更新',
      where,
      regionId: '4301',
    });
    const plan = planRound(draft, store.dataset(), new Date('2026-12-01T10:00:00+08:00'));
    expect(plan.write.roundFile.round.key).toBe(KEY);
    expect(plan.write.roundFile.failures[0]?.id).toBe(FAILURE_ID);
    await store.close();
  });

  it('leaves a read-only look at the directory untouched', async () => {
    const before = await readFile(path.join(dir, 'register.json'), 'utf8');
    const store = await LowStore.open(dir, { readOnly: true });
    await store.close();
    expect(await readFile(path.join(dir, 'register.json'), 'utf8')).toBe(before);
  });
});
