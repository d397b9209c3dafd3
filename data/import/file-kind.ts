import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileText as tx } from './file-text.ts';

/**
 * What a file a user hands to the importer really is, decided by its bytes (magic numbers, the
 * zip's own directory, whether the text decodes), with the extension only breaking ties the
 * bytes cannot (legacy .xls and .doc share one container). Readers plug in by kind
 * (`FileReaders`); a kind without a reader is refused with one Chinese line naming the file and
 * what to do, before anything is parsed or written.
 */

export type FileKind =
  /** Office Open XML workbook (a zip holding xl/workbook.xml). */
  | 'xlsx'
  /** Office Open XML document (a zip holding word/document.xml). */
  | 'docx'
  /** Any other zip (including .pptx, .ods, .odt and zips of notices). */
  | 'zip'
  /** OLE2 compound file: legacy .xls, .doc, .wps, .et. */
  | 'xls'
  | 'doc'
  | 'ole'
  | 'pdf'
  | 'html'
  /** Text that decodes (UTF-8 or GBK) and a .csv name. */
  | 'csv'
  /** Other text: a notice pasted into a file. */
  | 'text'
  | 'rtf'
  | 'image'
  | 'archive'
  | 'empty'
  | 'binary';

/** A file that was found and classified; `path` is absolute. */
export interface FileFacts {
  path: string;
  /** As the user wrote it, for messages. */
  given: string;
  name: string;
  size: number;
  kind: FileKind;
}

/** A file the importer will not read: `message` is the one line the user sees. */
export class FileRefusedError extends Error {
  constructor(
    message: string,
    readonly code: 'missing' | 'not_a_file' | 'unreadable' | 'empty' | 'unsupported' | 'too_large',
  ) {
    super(message);
    this.name = 'FileRefusedError';
  }
}

/** Bytes read from the start of a file to classify it. */
const HEAD_BYTES = 64 * 1024;
/** The zip end-of-central-directory record lies in the last 22 + 65,535 bytes (APPNOTE 4.3.16). */
const EOCD_SEARCH = 22 + 0xffff;
/** A workbook's or document's directory lists tens of parts; 4 MiB is room for 40,000 names. */
const MAX_ZIP_DIRECTORY = 4 * 1024 * 1024;

/**
 * Resolves `given` against `cwd` (npm run sets INIT_CWD to the folder the user typed the command
 * in, so a relative path means what the user meant), checks it is a readable regular file and
 * classifies it. Every failure is a FileRefusedError with a Chinese message.
 */
export async function inspectFile(given: string, cwd: string = process.cwd()): Promise<FileFacts> {
  const abs = path.resolve(cwd, given);
  const name = path.basename(abs);
  let size: number;
  try {
    const s = await stat(abs);
    if (s.isDirectory()) throw new FileRefusedError(tx.isDirectory(given), 'not_a_file');
    if (!s.isFile()) throw new FileRefusedError(tx.notRegular(given), 'not_a_file');
    size = s.size;
  } catch (err) {
    if (err instanceof FileRefusedError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new FileRefusedError(tx.missing(given, abs), 'missing');
    if (code === 'EACCES' || code === 'EPERM')
      throw new FileRefusedError(tx.noPermission(given), 'unreadable');
    throw new FileRefusedError(tx.unreadable(given, code ?? 'unknown'), 'unreadable');
  }
  if (size === 0) return { path: abs, given, name, size, kind: 'empty' };
  try {
    const fh = await open(abs, 'r');
    try {
      const head = await readAt(fh, 0, Math.min(size, HEAD_BYTES));
      let entries: string[] | undefined;
      if (head[0] === 0x50 && head[1] === 0x4b) {
        const tailStart = Math.max(0, size - EOCD_SEARCH);
        const tail = tailStart === 0 ? head : await readAt(fh, tailStart, size - tailStart);
        const dir = findZipDirectory(tail);
        if (dir && dir.offset + dir.size <= size && dir.size <= MAX_ZIP_DIRECTORY)
          entries = zipEntryNames(await readAt(fh, dir.offset, dir.size), dir.entries);
      }
      return { path: abs, given, name, size, kind: classify(head, name, entries) };
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (err instanceof FileRefusedError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM')
      throw new FileRefusedError(tx.noPermission(given), 'unreadable');
    throw new FileRefusedError(tx.unreadable(given, code ?? 'unknown'), 'unreadable');
  }
}

async function readAt(
  fh: Awaited<ReturnType<typeof open>>,
  position: number,
  length: number,
): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/**
 * Classifies bytes. `zipEntries` are the names in a zip's central directory (undefined when the
 * file is not a readable zip). Pure, so tests feed it buffers.
 */
export function classify(head: Buffer, name: string, zipEntries?: readonly string[]): FileKind {
  const ext = path.extname(name).toLowerCase();
  if (head.length === 0) return 'empty';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    const names = zipEntries ?? [];
    if (names.some((n) => n === 'xl/workbook.xml')) return 'xlsx';
    if (names.some((n) => n === 'word/document.xml')) return 'docx';
    return 'zip';
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    if (ext === '.xls' || ext === '.et') return 'xls';
    if (ext === '.doc' || ext === '.wps') return 'doc';
    return 'ole';
  }
  if (ascii(head, 0, 5) === '%PDF-' || head.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  if (ascii(head, 0, 5) === '{\\rtf') return 'rtf';
  if (isImage(head)) return 'image';
  if (isArchive(head)) return 'archive';
  if (!isText(head)) return 'binary';
  if (looksHtml(head)) return 'html';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  return 'text';
}

function startsWith(b: Buffer, magic: number[]): boolean {
  return b.length >= magic.length && magic.every((m, i) => b[i] === m);
}

function ascii(b: Buffer, from: number, to: number): string {
  return b.subarray(from, to).toString('latin1');
}

function isImage(b: Buffer): boolean {
  return (
    startsWith(b, [0x89, 0x50, 0x4e, 0x47]) || // PNG
    startsWith(b, [0xff, 0xd8, 0xff]) || // JPEG
    ascii(b, 0, 4) === 'GIF8' ||
    (ascii(b, 0, 2) === 'BM' && b.length > 14 && b.readUInt32LE(2) > 14) ||
    (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP')
  );
}

function isArchive(b: Buffer): boolean {
  return (
    startsWith(b, [0x1f, 0x8b]) || // gzip
    ascii(b, 0, 4) === 'Rar!' ||
    startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) // 7z
  );
}

/**
 * Text when no NUL or stray C0 control byte appears (tab, CR, LF, FF and ESC allowed): UTF-8,
 * GBK and GB18030 never use bytes below 0x20 inside a character, so this holds for all three.
 * UTF-16 (NULs) is binary here; a notice is never saved that way in practice.
 */
function isText(b: Buffer): boolean {
  let bad = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c === 0) return false;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) bad++;
  }
  return bad <= b.length / 1000;
}

function looksHtml(b: Buffer): boolean {
  const start = b
    .subarray(0, 2048)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  return (
    start.startsWith('<!doctype html') || start.startsWith('<html') || /^<\?xml[^>]*>\s*<html/.test(start)
  );
}

/** Where a zip's central directory is, from the end-of-central-directory record in `tail`. */
export interface ZipDirectory {
  entries: number;
  offset: number;
  size: number;
}

/** Finds the end-of-central-directory record (APPNOTE 4.3.16) in the file's last bytes. */
export function findZipDirectory(tail: Buffer): ZipDirectory | undefined {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== 0x06054b50) continue;
    return {
      entries: tail.readUInt16LE(i + 10),
      size: tail.readUInt32LE(i + 12),
      offset: tail.readUInt32LE(i + 16),
    };
  }
  return undefined;
}

/** The entry names in a central directory's bytes (APPNOTE 4.3.12); stops at the first bad record. */
export function zipEntryNames(cd: Buffer, entries: number): string[] {
  const names: string[] = [];
  let p = 0;
  for (let n = 0; n < entries && p + 46 <= cd.length; n++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) break;
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    names.push(cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Reads a classified file into what an importer takes (notice text, sheet rows …). */
export type FileReader<T> = (file: FileFacts) => Promise<T>;
/** The kinds an importer reads; any other kind is refused by refusal(). */
export type FileReaders<T> = Partial<Record<FileKind, FileReader<T>>>;

/** The kinds a file name's extension promises, for "named .xlsx but is a PDF". */
const promised: Record<string, FileKind[]> = {
  '.xlsx': ['xlsx'],
  '.xlsm': ['xlsx'],
  '.xls': ['xls', 'ole'],
  '.et': ['xls', 'ole'],
  '.csv': ['csv'],
  '.tsv': ['csv'],
  '.docx': ['docx'],
  '.doc': ['doc', 'ole'],
  '.wps': ['doc', 'ole'],
  '.pdf': ['pdf'],
  '.html': ['html', 'text'],
  '.htm': ['html', 'text'],
  '.txt': ['text', 'html'],
  '.zip': ['zip', 'archive', 'xlsx', 'docx'],
};

/** True when the name's extension promises another kind than the bytes are. */
export function misnamed(file: Pick<FileFacts, 'name' | 'kind'>): boolean {
  const kinds = promised[path.extname(file.name).toLowerCase()];
  return kinds !== undefined && !kinds.includes(file.kind) && file.kind !== 'empty';
}

/**
 * The one line refusing a file no reader in `readers` takes (or whose extension lies about
 * its content, for kinds whose reader goes by the name), naming the file, what it really is,
 * and what to do.
 */
export function refusal(file: FileFacts, readers: FileReaders<unknown>): FileRefusedError {
  const ext = path.extname(file.name).toLowerCase();
  if (file.kind === 'empty') return new FileRefusedError(tx.empty(file.given), 'empty');
  const what = tx.kindName[file.kind];
  const named = misnamed(file) ? tx.namedAs(ext) : '';
  const accepted = (Object.keys(readers) as FileKind[]).map((k) => tx.kindName[k]);
  return new FileRefusedError(
    tx.refused(file.given, what, named, tx.advice[file.kind], accepted),
    'unsupported',
  );
}

/** Refuses a file larger than `limit` bytes, naming both sizes. */
export function checkSize(file: FileFacts, limit: number): void {
  if (file.size > limit) throw new FileRefusedError(tx.tooLarge(file.given, file.size, limit), 'too_large');
}

/**
 * Inspects `given` and reads it with the reader for its kind, or throws FileRefusedError. A
 * file whose extension promises another kind than its bytes is refused too, so a PDF named
 * .xlsx never reaches the spreadsheet reader.
 */
export async function readUserFile<T>(given: string, cwd: string, readers: FileReaders<T>): Promise<T> {
  const file = await inspectFile(given, cwd);
  const reader = readers[file.kind];
  if (!reader || misnamed(file)) throw refusal(file, readers);
  return reader(file);
}
