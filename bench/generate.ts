import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { outDir } from './lib.ts';
import { nationalData, type Row } from './national.ts';

export interface NationalFiles {
  dir: string;
  register: string;
  regionsCsv: string;
  accountsCsv: string;
  rounds: string[];
}

/**
 * `npx tsx bench/generate.ts [scale]`: writes the synthetic national data set (bench/national.ts)
 * as spreadsheets in the template's layout to bench/out/national/: register.xlsx (地区, 网站名册,
 * 新媒体名册), register-regions.csv and register-accounts.csv (for the CSV path) and one
 * round-<period>.xlsx per quarter. Returns the file paths.
 */
export async function generateNational(scale = 1): Promise<NationalFiles> {
  const dir = path.join(outDir, 'national');
  await mkdir(dir, { recursive: true });
  const data = nationalData(scale);
  const register = path.join(dir, 'register.xlsx');
  await writeXlsx(register, { 地区: data.regions, 网站名册: data.sites, 新媒体名册: data.accounts });
  const csv = (rows: Row[]) => `\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
  const regionsCsv = path.join(dir, 'register-regions.csv');
  await writeFile(regionsCsv, csv(data.regions));
  const accountsCsv = path.join(dir, 'register-accounts.csv');
  await writeFile(accountsCsv, csv(data.accounts));
  const rounds: string[] = [];
  for (const r of data.rounds) {
    const file = path.join(dir, `round-${r.period}.xlsx`);
    await writeXlsx(file, { 说明: r.meta, 汇总: r.tally, 不合格网站: r.failedSites, 不合格新媒体: r.failedAccounts });
    rounds.push(file);
  }
  return { dir, register, regionsCsv, accountsCsv, rounds };
}

/** Streams rows to an .xlsx with shared strings, as Excel writes them. */
async function writeXlsx(file: string, sheets: Record<string, Row[]>): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: false });
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const row of rows) ws.addRow(row).commit();
    ws.commit();
  }
  await wb.commit();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scale = Number(process.argv[2] ?? '1');
  const out = await generateNational(scale);
  console.log(`national data set (scale ${scale}) written to ${out.dir}`);
}
