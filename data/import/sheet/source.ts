import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
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
    const tap = new PassThrough();
    tap.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      onProgress?.({ bytes, totalBytes, rows });
    });
    const input: Readable = createReadStream(file).pipe(tap);
    const name = path.basename(file);
    const emit = (row: SheetRow) => {
      rows += 1;
      onRow(row);
    };
    if (path.extname(file).toLowerCase() === '.csv') await readCsv(input, name, emit);
    else await readXlsx(input, name, sizes[i] ?? 0, emit);
  }
  onProgress?.({ bytes, totalBytes, rows });
  return { sha256: hash.digest('hex'), bytes, rows };
}
