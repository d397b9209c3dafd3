import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { toCsv, writeWorkbook } from '../../data/templates/build.ts';
import type { Sheet } from '../../data/templates/content.ts';

export type Rows = Sheet['rows'];

/** A scratch directory for spreadsheet files written by a test. */
export async function sheetDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'inspection-sheets-'));
}

/** Writes an .xlsx workbook with the given sheets (name → rows) and returns its path. */
export async function xlsx(dir: string, name: string, sheets: Record<string, Rows>): Promise<string> {
  const file = path.join(dir, name);
  await writeWorkbook(
    file,
    Object.entries(sheets).map(([n, rows]) => ({ name: n, file: '', rows })),
  );
  return file;
}

/** Writes a CSV file (UTF-8 with BOM, as Excel saves "CSV UTF-8") and returns its path. */
export async function csv(dir: string, name: string, rows: Rows): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, toCsv(rows));
  return file;
}

export const meta = (period: string, scope: string): Rows => [
  ['项目', '内容'],
  ['期次', period],
  ['通报范围', scope],
];

export const tallyHeader = [
  '序号',
  '部门/地区',
  '运行网站总数',
  '检查网站数',
  '不合格网站数',
  '不合格率',
  '运行政务新媒体总数',
  '检查政务新媒体数',
  '不合格政务新媒体数',
  '不合格率',
];
export const failedSitesHeader = ['序号', '部门/地区', '单位名称', '网站名称', '突出问题'];
export const failedAccountsHeader = ['序号', '部门/地区', '单位名称', '平台', '账号', '突出问题'];
