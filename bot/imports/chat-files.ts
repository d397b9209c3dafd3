import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AxiosError } from 'axios';
import { type FileKind, inspectFile } from '../../data/import/file-kind.ts';
import { SHEET_LIMITS } from '../../data/import/sheet/limits.ts';
import {
  ChatFileError,
  type ChatFileProblem,
  type ChatFileRef,
  type ChatFiles,
  type KeptFile,
} from '../../handlers/services.ts';
import type { Logger } from '../logger.ts';

/**
 * Files sent in a chat (a notice or a spreadsheet to import, handlers/import-file.ts): each
 * platform opens the bytes its way (DingTalk: download code → temporary URL; WeCom: URL and AES
 * key, bot/platforms/*\/files.ts); this streams them to `$DATA_DIR/chat-files/<id>/<name>` with a
 * size cap (the spreadsheet limit: the largest file any importer takes) and a deadline, so a file
 * never sits whole in memory and a slow or endless download ends. Each file is removed once read
 * (handlers/import-file.ts); anything a crash left behind is swept after a day.
 */

/** What a platform hands back for a chat file: its bytes, and what the download says of them. */
export interface OpenedFile {
  body: Readable;
  /** The declared length (Content-Length) of what `body` yields, when the platform states one. */
  length?: number;
  /** The name from the download (Content-Disposition), for messages that carry none (WeCom). */
  name?: string;
  /** Turns the downloaded bytes into the file's (WeCom: AES-256-CBC decryption). */
  decode?: () => Transform;
  /** Bytes `body` may carry beyond the file itself (WeCom: up to 32 bytes of padding). */
  overhead?: number;
}

/** One platform's way of fetching the files its messages carry. */
export interface FileSource {
  /** Opens a file's bytes; throws ChatFileError (or an axios error, mapped by downloadProblem). */
  open(ref: ChatFileRef, signal: AbortSignal): Promise<OpenedFile>;
}

export interface ChatFilesOptions {
  /** Where files are kept: `$DATA_DIR/chat-files`. */
  dir: string;
  sources: Partial<Record<ChatFileRef['platform'], FileSource>>;
  log: Logger;
  /** Largest file taken (default: the spreadsheet limit, SHEET_LIMITS.fileBytes). */
  maxBytes?: number;
  /** The whole download, from the first request to the last byte (default DOWNLOAD_TIMEOUT_MS). */
  timeoutMs?: number;
  clock?: () => number;
}

/**
 * A notice is a few hundred KB, a national register workbook 9 MB; at a slow 2 MB/s the largest
 * file taken (100 MB) needs 50 s. WeCom's links live 5 minutes (§10.2).
 */
export const DOWNLOAD_TIMEOUT_MS = 60_000;
/** Files older than this (left by a crash) are swept. */
export const KEEP_MS = 24 * 3600_000;
const ID = /^[0-9a-f-]{36}$/;

export function createChatFiles(o: ChatFilesOptions): ChatFiles {
  const maxBytes = o.maxBytes ?? SHEET_LIMITS.fileBytes;
  const timeoutMs = o.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  const clock = o.clock ?? Date.now;

  async function fetch(ref: ChatFileRef): Promise<KeptFile> {
    const source = o.sources[ref.platform];
    if (!source) throw new ChatFileError('unsupported', `${ref.platform}: no file source configured`);
    await sweep().catch((err: unknown) => o.log.warn({ err }, 'chat files: sweep failed'));
    const id = randomUUID();
    const dir = path.join(o.dir, id);
    await mkdir(dir, { recursive: true });
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const started = clock();
    try {
      const opened = await source.open(ref, deadline.signal);
      if (opened.length !== undefined && opened.length > maxBytes + (opened.overhead ?? 0)) {
        opened.body.destroy();
        throw new ChatFileError('too_large', `declared ${opened.length} bytes`, maxBytes);
      }
      const partial = path.join(dir, '.download');
      const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [
        opened.body,
        byteCap(maxBytes + (opened.overhead ?? 0)),
      ];
      if (opened.decode) stages.push(opened.decode());
      stages.push(byteCap(maxBytes), createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
      await pipeline(stages as ReadonlyArray<NodeJS.ReadableStream | NodeJS.WritableStream>, {
        signal: deadline.signal,
      });
      const size = (await stat(partial)).size;
      const name = safeName(ref.name) ?? safeName(opened.name) ?? (await nameByContent(partial));
      const file = path.join(dir, name);
      await rename(partial, file);
      o.log.info(
        { platform: ref.platform, bytes: size, ms: clock() - started, kept: id },
        'chat file downloaded',
      );
      return { id, path: file, name, size };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      const problem = deadline.signal.aborted ? 'timeout' : downloadProblem(err);
      o.log.warn({ platform: ref.platform, problem, err: describe(err) }, 'chat file not downloaded');
      if (err instanceof ChatFileError && err.problem === problem) throw err;
      throw new ChatFileError(problem, describe(err), problem === 'too_large' ? maxBytes : undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  async function materialize(name: string, bytes: Buffer): Promise<KeptFile> {
    const id = randomUUID();
    const dir = path.join(o.dir, id);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, safeName(name) ?? 'file');
    await writeFile(file, bytes, { mode: 0o600 });
    return { id, path: file, name: path.basename(file), size: bytes.length };
  }

  async function drop(id: string): Promise<void> {
    if (ID.test(id)) await rm(path.join(o.dir, id), { recursive: true, force: true });
  }

  /** Removes kept files older than KEEP_MS (their imports lapsed long ago). */
  async function sweep(): Promise<void> {
    let ids: string[];
    try {
      ids = await readdir(o.dir);
    } catch {
      return;
    }
    const now = clock();
    for (const id of ids) {
      if (!ID.test(id)) continue;
      const s = await stat(path.join(o.dir, id)).catch(() => undefined);
      if (s && now - s.mtimeMs > KEEP_MS) await drop(id);
    }
  }

  return { maxBytes, fetch, materialize, drop };
}

/** Passes bytes through until more than `limit` went by, then fails with too_large. */
function byteCap(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) done(new ChatFileError('too_large', `more than ${limit} bytes`, limit));
      else done(null, chunk);
    },
  });
}

/**
 * A file name as sent, made safe to be a file name here: the last path segment, no control
 * characters, at most 120 characters (the extension kept). Undefined when nothing is left.
 */
export function safeName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const last = name.split(/[\\/]/).pop() ?? '';
  const base = [...last]
    .filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x20 && ch !== '\u007f')
    .join('')
    .trim();
  if (base === '' || base === '.' || base === '..' || base === '.download') return undefined;
  if (base.length <= 120) return base;
  const ext = path.extname(base).slice(0, 16);
  return base.slice(0, 120 - ext.length) + ext;
}

const EXTENSIONS: Partial<Record<FileKind, string>> = {
  xlsx: '.xlsx',
  docx: '.docx',
  pdf: '.pdf',
  html: '.html',
  text: '.txt',
  zip: '.zip',
  ole: '.doc',
  rtf: '.rtf',
  image: '.png',
  archive: '.rar',
};

/** A name for a file that came without one, from what its bytes are (`文件.docx`). */
async function nameByContent(file: string): Promise<string> {
  const { kind } = await inspectFile(file);
  return `文件${EXTENSIONS[kind] ?? ''}`;
}

/** What a failed download means to the user: gone (send again), refused (operator), or try later. */
export function downloadProblem(err: unknown): ChatFileProblem {
  if (err instanceof ChatFileError) return err.problem;
  if (err instanceof AxiosError) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === 'ERR_CANCELED')
      return 'timeout';
    const status = err.response?.status;
    if (status === undefined || status >= 500 || status === 429) return 'unavailable';
    if (status === 401 || status === 403) return 'refused';
    return 'expired';
  }
  if ((err as { name?: string })?.name === 'AbortError') return 'timeout';
  return 'unavailable';
}

/** An error for the log: never a URL (a download link is a credential for five minutes). */
function describe(err: unknown): string {
  if (err instanceof AxiosError)
    return `HTTP ${err.response?.status ?? err.code ?? 'error'}${err.response?.data && typeof err.response.data === 'object' && !('pipe' in err.response.data) ? ` ${JSON.stringify(err.response.data).slice(0, 200)}` : ''}`;
  return err instanceof Error ? err.message.slice(0, 200) : String(err);
}
