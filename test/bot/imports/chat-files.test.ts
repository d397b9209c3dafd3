import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AxiosError, AxiosHeaders } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createChatFiles,
  downloadProblem,
  type FileSource,
  safeName,
} from '../../../bot/imports/chat-files.ts';
import { repoRoot } from '../../../bot/config.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { ChatFileError, type ChatFileRef } from '../../../handlers/services.ts';

/**
 * Chat files (bot/imports/chat-files.ts): streamed to their own name in a private folder, refused
 * past the size cap whether or not the platform declares a length, cut off at the deadline, and
 * removed again; a file without a name is named by what its bytes are.
 */
const DOCX = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'files', 'notice-q2.docx'));
const ref: ChatFileRef = { platform: 'dingtalk', name: '通报.docx', handle: { downloadCode: 'x' } };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'chat-files-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A platform that serves `body` (and says `length` of it, when given). */
function source(body: () => Readable, o: { length?: number; name?: string } = {}): FileSource {
  return {
    async open() {
      return { body: body(), ...o };
    },
  };
}

/** An endless stream of zeros, 64 KiB at a time; counts what was read of it. */
function endless(read: { bytes: number }): Readable {
  const block = Buffer.alloc(64 * 1024);
  return new Readable({
    read() {
      read.bytes += block.length;
      this.push(block);
    },
  });
}

function files(s: FileSource, o: { maxBytes?: number; timeoutMs?: number } = {}) {
  return createChatFiles({
    dir: path.join(dir, 'chat-files'),
    sources: { dingtalk: s },
    log: silentLogger,
    ...o,
  });
}

describe('createChatFiles().fetch()', () => {
  it('streams the file to its own name in a folder of its own, and drop() removes it', async () => {
    const chat = files(
      source(() => Readable.from([DOCX.subarray(0, 100), DOCX.subarray(100)]), { length: DOCX.length }),
    );
    const kept = await chat.fetch(ref);
    expect(kept).toMatchObject({ name: '通报.docx', size: DOCX.length });
    expect(path.basename(kept.path)).toBe('通报.docx');
    expect((await readFile(kept.path)).equals(DOCX)).toBe(true);
    await chat.drop(kept.id);
    expect(await readdir(path.join(dir, 'chat-files'))).toEqual([]);
  });

  it('refuses a file whose declared length passes the cap without reading it', async () => {
    const read = { bytes: 0 };
    const chat = files(
      source(() => endless(read), { length: 2001 }),
      { maxBytes: 2000 },
    );
    const err = await chat.fetch(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatFileError);
    expect(err).toMatchObject({ problem: 'too_large', limit: 2000 });
    expect(read.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(await readdir(path.join(dir, 'chat-files'))).toEqual([]);
  });

  it('stops an undeclared download once it passes the cap, keeping nothing', async () => {
    const read = { bytes: 0 };
    const chat = files(
      source(() => endless(read)),
      { maxBytes: 1024 * 1024 },
    );
    await expect(chat.fetch(ref)).rejects.toMatchObject({ problem: 'too_large', limit: 1024 * 1024 });
    expect(read.bytes).toBeLessThan(3 * 1024 * 1024);
    expect(await readdir(path.join(dir, 'chat-files'))).toEqual([]);
  });

  it('gives up on a download that has not finished by the deadline', async () => {
    const stalled = () => new Readable({ read() {} });
    await expect(files(source(stalled), { timeoutMs: 100 }).fetch(ref)).rejects.toMatchObject({
      problem: 'timeout',
    });
    expect(await readdir(path.join(dir, 'chat-files'))).toEqual([]);
  });

  it('names a file that came without a name by its bytes, and makes a sent name safe', async () => {
    const chat = files(source(() => Readable.from([DOCX])));
    expect((await chat.fetch({ platform: 'dingtalk', handle: {} })).name).toBe('文件.docx');
    expect((await chat.fetch({ ...ref, name: '../../etc/通报\u0000.docx' })).name).toBe('通报.docx');
  });

  it('says a platform without a file source cannot fetch files', async () => {
    const chat = createChatFiles({ dir, sources: {}, log: silentLogger });
    await expect(chat.fetch(ref)).rejects.toMatchObject({ problem: 'unsupported' });
  });
});

describe('createChatFiles().materialize()', () => {
  it('writes kept bytes back to a file of the sent name, for the readers', async () => {
    const chat = files(source(() => Readable.from([])));
    const kept = await chat.materialize('结果.xlsx', DOCX);
    expect(path.basename(kept.path)).toBe('结果.xlsx');
    expect((await readFile(kept.path)).equals(DOCX)).toBe(true);
    await chat.drop(kept.id);
    expect(await readdir(path.join(dir, 'chat-files'))).toEqual([]);
  });
});

describe('safeName()', () => {
  it('keeps the last path segment without control characters, at most 120 characters with its extension', () => {
    expect(safeName('C:\\Users\\张三\\通报.docx')).toBe('通报.docx');
    expect(safeName('a/b/..')).toBeUndefined();
    expect(safeName('\u0001\u0002')).toBeUndefined();
    expect(safeName(undefined)).toBeUndefined();
    const long = safeName(`${'长'.repeat(200)}.xlsx`)!;
    expect(long).toHaveLength(120);
    expect(long.endsWith('.xlsx')).toBe(true);
  });
});

describe('downloadProblem()', () => {
  const http = (status: number) =>
    new AxiosError('x', 'ERR_BAD_RESPONSE', undefined, undefined, {
      status,
      statusText: '',
      headers: {},
      config: { headers: new AxiosHeaders() },
      data: {},
    });
  it('tells a platform outage, refused credentials and a lapsed file apart', () => {
    expect(downloadProblem(http(500))).toBe('unavailable');
    expect(downloadProblem(http(429))).toBe('unavailable');
    expect(downloadProblem(http(401))).toBe('refused');
    expect(downloadProblem(http(400))).toBe('expired');
    expect(downloadProblem(new AxiosError('down', 'ECONNREFUSED'))).toBe('unavailable');
    expect(downloadProblem(new AxiosError('slow', 'ECONNABORTED'))).toBe('timeout');
    expect(downloadProblem(new ChatFileError('undecryptable', 'x'))).toBe('undecryptable');
  });
});
