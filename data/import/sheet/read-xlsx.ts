import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellText } from './cells.ts';
import type { SheetRow } from './source.ts';

/**
 * Reads an .xlsx workbook with exceljs's streaming reader: one worksheet after another, row by
 * row, never the whole workbook in memory. Empty rows are skipped; row numbers are kept.
 */
export async function readXlsx(input: Readable, file: string, onRow: (row: SheetRow) => void): Promise<void> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    const name = (sheet as unknown as { name: string }).name;
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      onRow({ file, sheet: name, row: row.number, cells });
    }
  }
}
