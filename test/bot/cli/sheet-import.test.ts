import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSheetImport } from '../../../bot/cli/sheet-import.ts';
import { ImportService, type RoundImported } from '../../../bot/imports.ts';
import { silentLogger } from '../../../bot/logger.ts';
import type { LowStore } from '../../../data/store.ts';
import { openEmptyStore } from '../../support/seeded-store.ts';

const templates = path.resolve(import.meta.dirname, '../../../data/templates');
const now = new Date('2020-07-12T10:00:00+08:00');

let store: LowStore;
let cleanup: () => Promise<void>;
let imports: ImportService;
let events: RoundImported[];
let printed: string[];
beforeEach(async () => {
  ({ store, cleanup } = await openEmptyStore());
  imports = new ImportService(store, silentLogger);
  events = [];
  imports.onImported(async (e) => {
    events.push(e);
  });
  printed = [];
});
afterEach(() => cleanup());

const run = (files: string[], apply: boolean) =>
  runSheetImport({ files: files.map((f) => path.join(templates, f)), apply, now }, { store, imports, print: (l) => printed.push(l) });

describe('runSheetImport()', () => {
  it('previews without writing anything', async () => {
    expect(await run(['register.xlsx', 'results.xlsx'], false)).toBe(0);
    expect(printed).toContain('名册：单位5个，网站3个，政务新媒体2个。');
    expect(printed).toContain('地区汇总22行；不合格网站1项，不合格政务新媒体2项。');
    expect(printed.at(-1)).toBe('以上为预览，未写入。确认无误后加 --apply 导入。');
    expect(store.isEmpty()).toBe(true);
    expect(store.dataset().register.sites).toEqual([]);
  });

  it('with --apply writes the register, then the round through ImportService so listeners hear of it', async () => {
    expect(await run(['register.xlsx', 'results.xlsx'], true)).toBe(0);
    expect(printed).toContain('已导入：2020Q2@35');
    const data = store.dataset();
    expect(data.register.sites).toHaveLength(3);
    expect(data.regions.get('3501/福州新区')?.name).toBe('福州新区');
    expect(data.rounds.map((v) => v.round.key)).toEqual(['2020Q2@35']);
    expect(events).toEqual([expect.objectContaining({ roundKey: '2020Q2@35', changed: true })]);
  });

  it('says so when the same round is imported again, and still tells the listeners', async () => {
    await run(['results.xlsx'], true);
    printed = [];
    await run(['results.xlsx'], true);
    expect(printed.at(-1)).toBe('2020Q2@35与已导入的数据完全相同，未改动。');
    expect(events.map((e) => e.changed)).toEqual([true, false]);
  });

  it('refuses a bad file with exit code 1, printing every problem and writing nothing', async () => {
    const code = await runSheetImport(
      { files: [path.join(templates, 'results-汇总.csv')], apply: true, now },
      { store, imports, print: (l) => printed.push(l) },
    );
    expect(code).toBe(1);
    expect(printed.join('\n')).toMatch(/^导入未执行：发现2处问题/);
    expect(printed.join('\n')).toContain('缺少“期次”');
    expect(store.isEmpty()).toBe(true);
  });
});
