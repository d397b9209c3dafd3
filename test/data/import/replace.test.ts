import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Dataset } from '../../../data/dataset.ts';
import { cliReplaceWording, replacementPreview } from '../../../data/import/diff.ts';
import { parseNotice } from '../../../data/import/notice.ts';
import { ImportRefused, ReplacementRefused } from '../../../data/import/refusal.ts';
import { SEED_NOTICE } from '../../../data/import/seed.ts';
import { fujianRegions } from '../../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../../data/schema.ts';
import { ImportService } from '../../../data/import/service.ts';
import type { LowStore } from '../../../data/store.ts';
import { otherRound, setTally } from '../../support/rounds.ts';
import { openSeededStore } from '../../support/seeded-store.ts';

const AT = new Date('2020-04-20T09:00:00+08:00');
const seedBytes = readFileSync(SEED_NOTICE);
/** The first n bytes of the shipped notice, as `npm run import` reads a file (a cut character becomes U+FFFD). */
const firstBytes = (n: number) => seedBytes.subarray(0, n).toString('utf8');

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});
async function seeded(): Promise<{ store: LowStore; dir: string }> {
  const s = await openSeededStore();
  cleanups.push(s.cleanup);
  return s;
}
const refusal = (fn: () => unknown): ImportRefused => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImportRefused) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
};

describe('parseNotice() on a notice that was not copied in full', () => {
  it('warns about the first 3,000 bytes of the shipped notice: its prose counts failures its text never names', () => {
    // A partial copy of a prose notice still states its counts; on its own it is previewed with
    // the warnings (replacing a stored round with it is refused, below).
    const { report } = parseNotice({ text: firstBytes(3000), file: 'cut.txt' }, fresh(), AT);
    expect(report.warnings).toEqual([
      '通报统计政府网站不合格2个，名单只列出0个，通报可能没有复制全。',
      '通报统计政务新媒体不合格1个，名单只列出0个，通报可能没有复制全。',
      '文本在一句话中间结束（“…化抽查通报和考核评估工作”），通报可能没有复制全。',
    ]);
  });

  it('refuses every cut of the shipped notice from the first attachment on', () => {
    const lines = seedBytes.toString('utf8').split('\n');
    const firstAttachment = lines.indexOf('附件1');
    for (let n = firstAttachment; n < lines.length - 1; n++) {
      const text = lines.slice(0, n).join('\n');
      expect(() => parseNotice({ text, file: 'cut.txt' }, fresh(), AT), `cut after line ${n}`).toThrow(ImportRefused);
    }
  });

  it('refuses a notice that lists attachments and carries none', () => {
    const text = seedBytes.toString('utf8').split('\n附件1\n')[0] as string;
    const err = refusal(() => parseNotice({ text, file: 'body-only.txt' }, fresh(), AT));
    expect(err.lines[0]).toMatch(/正文列出4个附件，文本中一个也没有/);
  });

  it('imports the complete notice without a warning about its ending', () => {
    const { report } = parseNotice({ text: seedBytes.toString('utf8'), file: 'seed.txt' }, fresh(), AT);
    expect(report.warnings.filter((w) => /复制全/.test(w))).toEqual([]);
  });
});

describe('ImportService.apply() replacing a stored round', () => {
  it('never lets a cut notice replace the complete 2020Q1 round: refused before anything is written', async () => {
    const { store } = await seeded();
    expect(() => parseNotice({ text: firstBytes(3000), file: 'cut.txt' }, store.dataset(), AT)).toThrow(ImportRefused);
    const round = store.dataset().rounds[0]!.file;
    expect(round.failures).toHaveLength(3);
  });

  it('refuses a replacement that drops failures unless replace is given, and writes nothing', async () => {
    const { store, dir } = await seeded();
    const imports = new ImportService(store, { error: () => undefined });
    const base = store.dataset().rounds[0]!.file;
    const fewer = otherRound(base, '2020Q1', (f) => {
      f.failures = f.failures.slice(1);
    });
    const before = await readdir(path.join(dir, 'rounds'));
    const err = await imports.apply(fewer, AT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplacementRefused);
    expect((err as ReplacementRefused).status).toBe(409);
    expect((err as ReplacementRefused).message).toMatch(/去掉1项不合格.*--replace/);
    expect((err as ReplacementRefused).diff.droppedFailures.map((f) => f.id)).toEqual([base.failures[0]!.id]);
    expect(store.dataset().rounds[0]!.file.failures).toHaveLength(3);
    expect(await readdir(path.join(dir, 'rounds'))).toEqual(before);

    const outcome = await imports.apply(fewer, AT, { replace: true });
    expect(outcome).toMatchObject({ changed: true, replaced: true });
    expect(outcome.diff?.droppedFailures).toHaveLength(1);
    expect(store.dataset().rounds[0]!.file.failures).toHaveLength(2);
  });

  it('refuses a replacement that drops a region row unless replace is given', async () => {
    const { store } = await seeded();
    const base = store.dataset().rounds[0]!.file;
    const without = otherRound(base, '2020Q1', (f) => {
      f.tallies = f.tallies.filter((t) => !(t.regionId === '3503' && t.channel === 'website'));
    });
    await expect(store.applyImport(without, AT)).rejects.toThrow(/1个地区的数字/);
    expect(await store.applyImport(without, AT, { replace: true })).toMatchObject({ replaced: true });
  });

  it('lets a correction that only changes numbers or adds items through without replace', async () => {
    const { store } = await seeded();
    const base = store.dataset().rounds[0]!.file;
    const corrected = otherRound(base, '2020Q1', (f) => setTally(f, '3501', 'website', { total: 60, checked: 60 }));
    const outcome = await store.applyImport(corrected, AT);
    expect(outcome).toMatchObject({ changed: true, replaced: true });
    expect(outcome.diff?.changedTallies).toEqual([
      expect.objectContaining({ regionId: '3501', channel: 'website', after: expect.objectContaining({ total: 60 }) }),
    ]);
  });
});

describe('replacementPreview()', () => {
  it('says nothing for a new period, and lists what is dropped, added and changed for a stored one', async () => {
    const { store } = await seeded();
    const base = store.dataset().rounds[0]!.file;
    expect(replacementPreview(otherRound(base, '2020Q2').roundFile, store.dataset(), [], cliReplaceWording)).toEqual([]);
    const next = otherRound(base, '2020Q1', (f) => {
      f.failures = f.failures.slice(1);
      setTally(f, '3501', 'website', { failed: 0, checked: 50 });
    }).roundFile;
    const lines = replacementPreview(next, store.dataset(), [], cliReplaceWording);
    expect(lines[0]).toBe('已有2020Q1@35的数据，导入后将替换它。与已导入的内容相比：');
    expect(lines.filter((l) => l.startsWith('　－ 去掉不合格：'))).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(/^　～ 福州市（政府网站）：运行\d+、检查\d+、不合格\d+ → 运行\d+、检查\d+、不合格0$/));
    expect(lines.at(-1)).toMatch(/须同时加 --replace/);
  });
});


function fresh(): Dataset {
  return new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);
}
