import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellText } from './cells.ts';
import { checkCell, SHEET_LIMITS } from './limits.ts';
import { columnLetter } from './row-view.ts';
import type { SheetRow } from './source.ts';

/**
 * Above this size a workbook is read with exceljs's streaming reader (one row at a time, never the
 * whole workbook in memory); below it with the ordinary reader. The streaming reader names a
 * worksheet from xl/workbook.xml, and now and then reaches a worksheet before that part is read
 * and throws (exceljs 4.4 workbook-reader.js `this.model.sheets`): office-sized files avoid it.
 */
export const STREAM_XLSX_BYTES = 8 * 1024 * 1024;

/** Reads an .xlsx workbook sheet by sheet, row by row; empty rows are skipped, row numbers kept. */
/** A workbook whose parts inflate past this is streamed too, however small the file. */
export const STREAM_XLSX_UNZIPPED_BYTES = 64 * 1024 * 1024;

export async function readXlsx(
  input: Readable,
  file: string,
  bytes: number,
  unzipped: number,
  onRow: (row: SheetRow) => void,
): Promise<void> {
  if (bytes < STREAM_XLSX_BYTES && unzipped < STREAM_XLSX_UNZIPPED_BYTES) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.read(input);
    for (const ws of wb.worksheets) {
      ws.eachRow({ includeEmpty: false }, (row, number) => {
        onRow({
          file,
          sheet: ws.name,
          row: number,
          cells: cells(row.values as unknown[], { file, sheet: ws.name, row: number }),
        });
      });
    }
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    const name = (sheet as unknown as { name: string }).name;
    for await (const row of sheet)
      onRow({
        file,
        sheet: name,
        row: row.number,
        cells: cells(row.values as unknown[], { file, sheet: name, row: row.number }),
      });
  }
}

/** exceljs row values are 1-based (index 0 unused); a cell past the length limit refuses the file. */
function cells(values: unknown[], where: { file: string; sheet: string; row: number }): string[] {
  const out: string[] = [];
  for (let i = 1; i < values.length; i++) {
    const text = cellText(values[i]);
    if (text.length > SHEET_LIMITS.cellChars) checkCell({ ...where, column: columnLetter(i - 1) }, text);
    out.push(text);
  }
  return out;
}
