import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { ImportRefused } from '../refusal.ts';
import { limitText } from '../text/limits.ts';
import { checkFileSize, checkUnzippedSize } from './limits.ts';
import { readCsv } from './read-csv.ts';
import { readXlsx } from './read-xlsx.ts';

/** One spreadsheet row: where it is and its cells as text (cells.ts). */
export interface SheetRow {
  file: string;
  /** Worksheet name; undefined for CSV. */
  sheet?: string;
  /** 1-based, as the spreadsheet program numbers it. */
  row: number;
  cells: string[];
}

export interface ReadProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export interface ReadResult {
  /** sha256 over every file's bytes, in the order given. */
  sha256: string;
  bytes: number;
  rows: number;
}

export const sheetExtensions = ['.xlsx', '.csv'] as const;

export function isSheetFile(file: string): boolean {
  return (sheetExtensions as readonly string[]).includes(path.extname(file).toLowerCase());
}

/**
 * Streams the rows of .xlsx and .csv files, one file after another, without holding a file in
 * memory. Bytes are counted (for the progress bar) and hashed (the round's source) as they are read.
 */
export async function readSheets(
  files: readonly string[],
  onRow: (row: SheetRow) => void,
  onProgress?: (p: ReadProgress) => void,
): Promise<ReadResult> {
  const hash = createHash('sha256');
  let totalBytes = 0;
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  for (const size of sizes) totalBytes += size;
  let bytes = 0;
  let rows = 0;
  for (const [i, file] of files.entries()) {
    const name = path.basename(file);
    const size = sizes[i] ?? 0;
    checkFileSize(name, size);
    const isCsv = path.extname(file).toLowerCase() === '.csv';
    // A workbook is inflated once, counting, before exceljs holds any of it (a zip bomb's headers lie).
    const unzipped = isCsv ? 0 : await checkUnzippedSize(file, name);
    const tap = new PassThrough();
    tap.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      onProgress?.({ bytes, totalBytes, rows });
    });
    const input: Readable = createReadStream(file).pipe(tap);
    const emit = (row: SheetRow) => {
      rows += 1;
      onRow(row);
    };
    try {
      if (isCsv) await readCsv(input, name, emit);
      else await readXlsx(input, name, size, unzipped, emit);
    } catch (err) {
      if (err instanceof ImportRefused) throw err;
      // exceljs and csv-parse on a damaged file: one line naming the file, never a stack trace.
      throw new ImportRefused([
        { where: { file: name }, reason: isCsv ? limitText.unreadableCsv : limitText.damaged },
      ]);
    } finally {
      input.destroy();
    }
  }
  onProgress?.({ bytes, totalBytes, rows });
  return { sha256: hash.digest('hex'), bytes, rows };
}
