import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { cellText } from './cells.ts';
import { limitText } from '../text/limits.ts';
import { checkCell, refuseAt, SHEET_LIMITS } from './limits.ts';
import { columnLetter } from './row-view.ts';

/** Characters csv-parse may buffer for one record: 64 cells at the cell limit. */
const MAX_RECORD_CHARS = 64 * 32_767;
import type { SheetRow } from './source.ts';

/**
 * Reads a CSV file. Excel on a Chinese Windows saves CSV in GB18030 (GBK) unless told
 * otherwise, so bytes that are not valid UTF-8 are decoded as GB18030; a UTF-8 BOM is dropped.
 * Rows are numbered as records, the way a spreadsheet program shows them.
 */
export async function readCsv(input: Readable, file: string, onRow: (row: SheetRow) => void): Promise<void> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    // A record may hold a few full cells; past this the parser stops before holding more.
    max_record_size: MAX_RECORD_CHARS,
  });
  let row = 0;
  const done = (async () => {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      const cells = record.map(cellText);
      for (const [i, text] of cells.entries())
        if (text.length > SHEET_LIMITS.cellChars) checkCell({ file, row, column: columnLetter(i) }, text);
      onRow({ file, row, cells });
    }
  })().catch((err: unknown) => {
    // csv-parse's own limit: the row being read is longer than any row of legal cells.
    if ((err as { code?: string }).code === 'CSV_MAX_RECORD_SIZE')
      refuseAt({ file, row: row + 1 }, limitText.rowTooLong(MAX_RECORD_CHARS, SHEET_LIMITS.cellChars));
    throw err;
  });
  // Once the rows fail (a refused cell), stop feeding the parser.
  let failed = false;
  done.catch(() => {
    failed = true;
    parser.destroy();
  });
  let decoder: TextDecoder | undefined;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (failed) break;
    decoder ??= pickDecoder(chunk);
    if (!parser.write(decoder.decode(chunk, { stream: true }))) {
      await new Promise((resolve) => {
        parser.once('drain', resolve);
        parser.once('close', resolve);
      });
    }
  }
  if (!failed) parser.end(decoder?.decode() ?? '');
  await done;
}

/** UTF-8 unless the first chunk does not decode as UTF-8 (a split last character is allowed). */
function pickDecoder(first: Buffer): TextDecoder {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(first, { stream: true });
    return new TextDecoder('utf-8');
  } catch {
    return new TextDecoder('gb18030');
  }
}
