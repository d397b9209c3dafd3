import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { ImportRefused, type Where } from '../refusal.ts';
import { limitText as tx } from '../text/limits.ts';

/**
 * What a spreadsheet may be. A national register (31 provinces, 15,000 sites, 150,000 accounts)
 * is an 8.6 MB workbook holding 60 MB of XML and a 17 MB CSV; these leave room above that and
 * stop what would exhaust the process: a 620 KB zip bomb (820 MB when read) and a 150 MB cell
 * (the digest composing it ran out of heap at every start).
 */
export const SHEET_LIMITS = {
  /** Bytes of one file as stored. */
  fileBytes: 100 * 1024 * 1024,
  /** Bytes a workbook's parts inflate to, all parts together, counted as they inflate. */
  unzippedBytes: 256 * 1024 * 1024,
  /** Characters in one cell: Excel's own limit (Excel specifications and limits). */
  cellChars: 32_767,
} as const;

/** Refuses a file over the size limit, before a byte of it is read. */
export function checkFileSize(file: string, size: number, limit = SHEET_LIMITS.fileBytes): void {
  if (size > limit) refuseAt({ file }, tx.fileTooLarge(size, limit));
}

/** Refuses a cell longer than the limit, naming it. */
export function checkCell(where: Where, text: string, limit = SHEET_LIMITS.cellChars): void {
  if (text.length > limit) refuseAt(where, tx.cellTooLong(text.length, limit));
}

/** Refuses the import with one problem at `where`. */
export function refuseAt(where: Where, reason: string): never {
  throw new ImportRefused([{ where, reason }]);
}

/**
 * Inflates every part of a workbook (a zip, APPNOTE 4.3) without keeping the output, counting
 * bytes as they come, and refuses the file once the total passes `limit` — whatever sizes its
 * directory declares, since a bomb's headers lie. Returns the total. A zip that cannot be read
 * (no directory, an unknown compression method, a damaged stream) is refused as damaged.
 */
export async function checkUnzippedSize(
  path: string,
  name: string,
  limit = SHEET_LIMITS.unzippedBytes,
): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await read(fh, size - tailLength, tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) return refuseAt({ file: name }, tx.damaged);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size) return refuseAt({ file: name }, tx.damaged);
    const cd = await read(fh, cdOffset, cdSize);
    let total = 0;
    let p = 0;
    for (let n = 0; n < entries; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50)
        return refuseAt({ file: name }, tx.damaged);
      const method = cd.readUInt16LE(p + 10);
      const compressed = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const local = cd.readUInt32LE(p + 42);
      p += 46 + nameLen + extraLen + commentLen;
      const header = await read(fh, local, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50)
        return refuseAt({ file: name }, tx.damaged);
      const start = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (start + compressed > size) return refuseAt({ file: name }, tx.damaged);
      if (method === 0) total += compressed;
      else if (method === 8) total += await inflated(path, start, compressed, limit - total, name);
      else return refuseAt({ file: name }, tx.damaged);
      if (total > limit) return refuseAt({ file: name }, tx.unzippedTooLarge(limit));
    }
    return total;
  } finally {
    await fh.close();
  }
}

/** Inflates `length` bytes at `start`, counting output; stops as soon as it passes `budget`. */
function inflated(
  path: string,
  start: number,
  length: number,
  budget: number,
  name: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let out = 0;
    let over = false;
    inflate.on('data', (chunk: Buffer) => {
      out += chunk.length;
      if (out > budget && !over) {
        over = true;
        inflate.destroy();
        resolve(out);
      }
    });
    inflate.on('error', () => {
      if (!over) reject(new ImportRefused([{ where: { file: name }, reason: tx.damaged }]));
    });
    inflate.on('end', () => resolve(out));
    if (length === 0) {
      inflate.end();
      return;
    }
    const stream = createReadStream(path, { start, end: start + length - 1 });
    stream.on('error', reject);
    stream.pipe(inflate);
    inflate.on('close', () => stream.destroy());
  });
}

async function read(fh: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}
