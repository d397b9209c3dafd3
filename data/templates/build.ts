import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { registerTemplate, resultsTemplate, type Sheet } from './content.ts';

/** Writes the templates: `npx tsx data/templates/build.ts` (README.md in this folder). */
const dir = path.dirname(fileURLToPath(import.meta.url));

export async function writeWorkbook(file: string, sheets: Sheet[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const row of s.rows) ws.addRow(row);
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((c) => {
      c.width = 16;
    });
  }
  await wb.xlsx.writeFile(file);
}

export function toCsv(rows: Sheet['rows']): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeWorkbook(path.join(dir, 'results.xlsx'), resultsTemplate);
  await writeWorkbook(path.join(dir, 'register.xlsx'), registerTemplate);
  for (const s of [...resultsTemplate, ...registerTemplate]) await writeFile(path.join(dir, s.file), toCsv(s.rows));
  console.log(`templates written to ${dir}`);
}
