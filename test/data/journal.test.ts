import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalError, JournalFile, type JournalSpec } from '../../data/journal.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'journal-file-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A counter journal: the snapshot is `{"n": …}`, each line `+k`. */
function counter(warnings: string[] = []): JournalSpec<{ n: number }, number> {
  return {
    snapshotFile: path.join(dir, 'count.json'),
    logFile: path.join(dir, 'count.log'),
    parseSnapshot: (text) => JSON.parse(text) as { n: number },
    parseLine: (text) => {
      if (!/^\+\d+$/.test(text)) throw new Error(`“${text}”不是+k`);
      return Number(text.slice(1));
    },
    warn: (message) => warnings.push(message),
  };
}
const log = () => readFile(path.join(dir, 'count.log'), 'utf8');

describe('JournalFile', () => {
  it('reads back what was appended and folded, in order', async () => {
    const { file } = await JournalFile.open(counter());
    await file.append(['+1', '+2']);
    await file.fold(() => '{"n":3}\n');
    await file.append(['+4']);
    await file.close();
    const { contents } = await JournalFile.open(counter());
    expect(contents).toEqual({ snapshot: { n: 3 }, lines: [4], found: true });
  });

  it('joins appends made before the disk is free into one write and one fsync', async () => {
    const { file } = await JournalFile.open(counter());
    await Promise.all(Array.from({ length: 50 }, (_, i) => file.append([`+${i}`])));
    expect(file.writes.appends).toBe(1);
    expect(file.lineCount).toBe(50);
    await file.close();
  });

  it('stops with an error naming the file and line when a line in the middle does not parse', async () => {
    await writeFile(path.join(dir, 'count.log'), '+1\n+2\n{"garbage\n+4\n');
    const opened = JournalFile.open(counter());
    await expect(opened).rejects.toBeInstanceOf(JournalError);
    await expect(opened).rejects.toMatchObject({ file: path.join(dir, 'count.log'), line: 3 });
    await expect(opened).rejects.toThrow(/count\.log 第3行无法读取（“\{"garbage”不是\+k）/);
    // Nothing was changed on the way: the operator finds the file as it was.
    expect(await log()).toBe('+1\n+2\n{"garbage\n+4\n');
  });

  it('refuses a bad last line that ends in a newline: its append completed, so it is not torn', async () => {
    await writeFile(path.join(dir, 'count.log'), '+1\nnope\n');
    await expect(JournalFile.open(counter())).rejects.toMatchObject({ line: 2 });
  });

  it('drops a torn last line, says so, and cuts it off so the next append starts on a new line', async () => {
    await writeFile(path.join(dir, 'count.log'), '+1\n+2\n+3');
    const warnings: string[] = [];
    const { file, contents } = await JournalFile.open(counter(warnings));
    expect(contents.lines).toEqual([1, 2]);
    expect(warnings).toEqual([expect.stringMatching(/count\.log 第3行是写到一半的最后一行（2字节/)]);
    await file.append(['+5']);
    await file.close();
    expect(await log()).toBe('+1\n+2\n+5\n');
  });

  it('cuts a torn tail that ends inside a multi-byte character at the right byte', async () => {
    const whole = Buffer.from('+1\n');
    const torn = Buffer.from('福州').subarray(0, 4);
    await writeFile(path.join(dir, 'count.log'), Buffer.concat([whole, torn]));
    const { file, contents } = await JournalFile.open(counter());
    expect(contents.lines).toEqual([1]);
    await file.append(['+2']);
    await file.close();
    expect(await log()).toBe('+1\n+2\n');
  });

  it('peeks without writing: an unterminated tail there is an append in progress', async () => {
    await writeFile(path.join(dir, 'count.log'), '+1\n+2');
    const warnings: string[] = [];
    expect(await JournalFile.peek(counter(warnings))).toEqual({
      snapshot: undefined,
      lines: [1],
      found: true,
    });
    expect(warnings).toEqual([]);
    expect(await log()).toBe('+1\n+2');
  });

  it('finds nothing in an empty directory', async () => {
    const { file, contents } = await JournalFile.open(counter());
    expect(contents).toEqual({ snapshot: undefined, lines: [], found: false });
    await file.close();
  });
});
