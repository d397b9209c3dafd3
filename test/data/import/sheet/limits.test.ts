import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportRefused } from '../../../../data/import/refusal.ts';
import { planSheets } from '../../../../data/import/sheet/index.ts';
import { checkUnzippedSize, SHEET_LIMITS } from '../../../../data/import/sheet/limits.ts';
import type { LowStore } from '../../../../data/store.ts';
import { openEmptyStore } from '../../../support/seeded-store.ts';
import { csv, failedSitesHeader, meta, sheetDir, xlsx } from '../../../support/sheets.ts';
import { deflated, repeatedDeflate, zip } from '../../../support/zip.ts';

const now = new Date('2020-07-12T10:00:00+08:00');
let store: LowStore;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ store, cleanup } = await openEmptyStore());
  dir = await sheetDir();
});
afterEach(async () => {
  await cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The refusal's problem lines, or a failure if the files were accepted. */
async function refusal(files: string[]): Promise<string[]> {
  try {
    await planSheets(files, store.dataset(), { now });
  } catch (err) {
    if (err instanceof ImportRefused) return err.message.split('\n').slice(1);
    throw err;
  }
  throw new Error('accepted');
}

/** A workbook whose one worksheet inflates to 600 MiB of one letter while its headers claim 1 KB. */
async function zipBomb(name: string): Promise<string> {
  const file = path.join(dir, name);
  const bomb = repeatedDeflate(Buffer.alloc(1024 * 1024, 0x41), 600);
  await writeFile(
    file,
    zip([
      deflated('[Content_Types].xml', '<?xml version="1.0"?><Types/>'),
      deflated('xl/workbook.xml', '<?xml version="1.0"?><workbook/>'),
      { name: 'xl/worksheets/sheet1.xml', data: bomb, declaredSize: 1024 },
    ]),
  );
  return file;
}

describe('spreadsheet limits', () => {
  it('refuses a 620 KB zip bomb naming the limit, before anything holds what it inflates to', async () => {
    const file = await zipBomb('bomb.xlsx');
    expect((await readFile(file)).length).toBeLessThan(700 * 1024);
    expect(await refusal([file])).toEqual([
      'bomb.xlsx：表格解压后超过256 MB的上限（可能是压缩炸弹或损坏的文件），已拒绝读取',
    ]);
  });

  it('counts what a workbook really inflates to, not what its headers claim', async () => {
    const file = await zipBomb('bomb.xlsx');
    await expect(checkUnzippedSize(file, 'bomb.xlsx', 8 * 1024 * 1024)).rejects.toThrow(/8 MB的上限/);
  });

  it('refuses a file over the size limit before reading it, naming the limit', async () => {
    const file = path.join(dir, '名册.csv');
    const fh = await open(file, 'w');
    await fh.truncate(SHEET_LIMITS.fileBytes + 1); // sparse: nothing is written
    await fh.close();
    expect(await refusal([file])).toEqual([
      '名册.csv：文件大小为100 MB，超过导入上限100 MB：请拆分后分别导入',
    ]);
  });

  it('refuses a workbook cell longer than 32,767 characters, naming the cell and the limit', async () => {
    const long = '长'.repeat(40_000);
    const file = await xlsx(dir, 'results.xlsx', {
      说明: meta('2020Q2', '福建省'),
      不合格网站: [failedSitesHeader, ['1', '福州市', '某局', '某网站', long]],
    });
    expect(await refusal([file])).toEqual([
      'results.xlsx 不合格网站 第2行 E列：单元格有40000个字符，超过每格32767个字符的上限（Excel 单元格的上限）',
    ]);
  });

  it('refuses a CSV cell longer than 32,767 characters', async () => {
    const file = await csv(dir, '不合格网站.csv', [
      failedSitesHeader,
      ['1', '福州市', '某局', '某网站', 'x'.repeat(33_000)],
    ]);
    expect(await refusal([file])).toEqual([
      '不合格网站.csv 第2行 E列：单元格有33000个字符，超过每格32767个字符的上限（Excel 单元格的上限）',
    ]);
  });

  it('stops reading a CSV row that grows past any row of legal cells (a giant cell)', async () => {
    const file = path.join(dir, '不合格网站.csv');
    await writeFile(file, `序号,部门/地区\n1,"${'x'.repeat(3 * 1024 * 1024)}"\n`);
    expect(await refusal([file])).toEqual([
      '不合格网站.csv 第2行：这一行超过2097088个字符（每格上限32767个字符）：可能有引号不成对，请检查',
    ]);
  });

  it('refuses a workbook cut short with one line, never a stack trace', async () => {
    const whole = await readFile(
      path.resolve(import.meta.dirname, '../../../../data/templates/results.xlsx'),
    );
    const file = path.join(dir, 'cut.xlsx');
    await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await refusal([file])).toEqual([
      'cut.xlsx：文件已损坏或不是有效的 .xlsx 表格：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入',
    ]);
  });
});
