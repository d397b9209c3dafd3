import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dataset } from '../../data/dataset.ts';
import { parseNotice } from '../../data/import/notice.ts';
import { SEED_NOTICE } from '../../data/import/seed.ts';
import { fujianRegions } from '../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../data/schema.ts';
import { factsFromImport } from './adapter.ts';
import { CORPUS_NOW, renderCorpus, runCorpus } from './corpus.ts';
import { type ExpectedFacts, loadCorpus, NOTICES_DIR } from './facts.ts';
import { scoreNotice } from './score.ts';

const fresh = () =>
  new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);

/** The shipped Fujian notice's facts, written by hand from its text (data/seed/fujian-2020q1-notice.txt). */
const seedFacts: ExpectedFacts = {
  source: 'https://www.fujian.gov.cn/',
  retrieved: '2026-12-01',
  title: '福建省人民政府办公厅关于2020年第一季度全省政府网站和政务新媒体检查情况的通报',
  period: '2020Q1',
  issuer: '福建省',
  channels: {
    website: { total: 435, checked: 435, failed: 2, passRate: 99.54 },
    newMedia: { total: 2170, checked: 2170, failed: 1, passRate: 99.95 },
  },
  regions: [
    { region: '福州市', channel: 'website', total: 39, checked: 39, failed: 0 },
    { region: '平潭综合实验区', channel: 'newMedia', total: 22, checked: 22, failed: 1 },
  ],
  failures: [
    { channel: 'website', name: '福建省教育厅', problem: '栏目不更新' },
    { channel: 'website', name: '福建省民政厅', problem: '栏目不更新' },
    { channel: 'newMedia', name: '平潭政务', platform: '微信公众号', problem: '内容不更新' },
  ],
  deadline: { date: '2020-04-17' },
};

describe('factsFromImport()', () => {
  it('maps the importer’s round, tallies, failures and deadline into the facts shape', async () => {
    const data = fresh();
    const { report } = parseNotice(
      { text: await readFile(SEED_NOTICE, 'utf8'), file: 'seed.txt' },
      data,
      CORPUS_NOW,
    );
    const facts = factsFromImport(report, (id) => data.regions.get(id)?.name);
    expect(facts).toMatchObject({
      title: seedFacts.title,
      period: '2020Q1',
      issuer: '福建省',
      channels: { website: { total: 435, checked: 435, failed: 2 }, newMedia: { total: 2170, failed: 1 } },
      deadline: { date: '2020-04-17' },
    });
    expect(facts.channels?.website?.passRate).toBeCloseTo((433 / 435) * 100);
    expect(facts.regions).toContainEqual(
      expect.objectContaining({ region: '福州市', channel: 'website', total: 39, failed: 0 }),
    );
    expect(facts.failures?.map((f) => [f.channel, f.name, f.platform])).toEqual([
      ['website', '福建省教育厅', undefined],
      ['website', '福建省民政厅', undefined],
      ['newMedia', '平潭政务', '微信公众号'],
    ]);
    expect(scoreNotice('seed', seedFacts, { facts }).misses).toEqual([]);
  });
});

describe('runCorpus()', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'corpus-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports each notice through the importer, scoring a good one in full and a refused one zero', async () => {
    await writeFile(path.join(dir, 'a-seed.txt'), await readFile(SEED_NOTICE, 'utf8'));
    await writeFile(path.join(dir, 'a-seed.facts.json'), JSON.stringify(seedFacts));
    await writeFile(path.join(dir, 'b-refused.txt'), '各县区人民政府：\n本季度检查工作已完成。\n');
    await writeFile(
      path.join(dir, 'b-refused.facts.json'),
      JSON.stringify({ source: 'https://example.gov.cn/1', retrieved: '2026-12-01', period: '2021Q1' }),
    );
    const result = await runCorpus(loadCorpus(dir));
    const [seed, refused] = result.notices;
    expect(seed).toMatchObject({ name: 'a-seed', score: 1, spurious: 0 });
    expect(refused).toMatchObject({ name: 'b-refused', stated: 1, matched: 0, score: 0 });
    expect(refused?.refused).toMatch(/^第\d+行：/);
    expect(result).toMatchObject({ stated: (seed?.stated ?? 0) + 1, matched: seed?.stated });

    const lines = renderCorpus(result);
    expect(lines[0]).toMatch(/^\s*100\.0% +\d+\/\d+ +a-seed/);
    expect(lines).toContainEqual(expect.stringMatching(/b-refused +refused$/));
    expect(lines.at(-1)).toBe(
      `corpus: 2 notices, ${result.matched} of ${result.stated} stated facts matched: ${((result.matched / result.stated) * 100).toFixed(1)}%`,
    );
    expect(renderCorpus(result, { misses: false })).toHaveLength(4);
  });
});

describe('loadCorpus()', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'corpus-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a notice without its facts file, naming it', async () => {
    await writeFile(path.join(dir, 'x.txt'), '通报');
    expect(() => loadCorpus(dir)).toThrow('corpus: x.txt has no x.facts.json beside it');
  });

  it('refuses a facts file with a key outside the shape, naming the file and the key', async () => {
    await writeFile(path.join(dir, 'x.txt'), '通报');
    const facts = { source: 'https://example.gov.cn/1', retrieved: '2026-12-01', channels: { web: {} } };
    await writeFile(path.join(dir, 'x.facts.json'), JSON.stringify(facts));
    expect(() => loadCorpus(dir)).toThrow(/^corpus: x\.facts\.json: channels/);
  });

  it('lists every fixture notice in the README, one row each', async () => {
    const readme = await readFile(path.join(NOTICES_DIR, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (20\d\d-[a-z0-9-]+) +\|/gm)].map((m) => m[1]);
    expect(rows).toEqual(loadCorpus(NOTICES_DIR).map((n) => n.name));
  });

  it('reads the fixture corpus: each notice has its source address and states facts', () => {
    const notices = loadCorpus(NOTICES_DIR);
    expect(notices.length).toBeGreaterThanOrEqual(10);
    for (const n of notices) {
      expect(n.name).toMatch(/^20(1[5-9]|2[0-9])-[a-z]+-[a-z0-9-]+$/);
      expect(n.name.slice(0, 4)).toBe(n.expected.period?.slice(0, 4) ?? n.name.slice(0, 4));
      expect(n.expected.period ?? n.expected.title ?? n.expected.channels).toBeDefined();
      expect(n.text.length).toBeGreaterThan(100);
    }
  });
});
