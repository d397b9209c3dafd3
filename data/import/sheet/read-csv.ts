import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { cellText } from './cells.ts';
import type { SheetRow } from './source.ts';

/**
 * Reads a CSV file. Excel on a Chinese Windows saves CSV in GB18030 (GBK) unless told
 * otherwise, so bytes that are not valid UTF-8 are decoded as GB18030; a UTF-8 BOM is dropped.
 * Rows are numbered as records, the way a spreadsheet program shows them.
 */
export async function readCsv(input: Readable, file: string, onRow: (row: SheetRow) => void): Promise<void> {
  const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  const done = (async () => {
    let row = 0;
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      onRow({ file, row, cells: record.map(cellText) });
    }
  })();
  let decoder: TextDecoder | undefined;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    decoder ??= pickDecoder(chunk);
    if (!parser.write(decoder.decode(chunk, { stream: true }))) {
      await new Promise((resolve) => parser.once('drain', resolve));
    }
  }
  const rest = decoder?.decode() ?? '';
  parser.end(rest);
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
