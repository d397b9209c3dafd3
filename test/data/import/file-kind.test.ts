import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classify,
  FileRefusedError,
  inspectFile,
  readUserFile,
  refusal,
} from '../../../data/import/file-kind.ts';
import { noticeReaders } from '../../../data/import/readers.ts';
import { SEED_NOTICE } from '../../../data/import/seed.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/files');
const templates = path.resolve(import.meta.dirname, '../../../data/templates');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'file-kind-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A copy of `source` under `name` in the temporary folder. */
async function copyAs(source: string, name: string): Promise<string> {
  const to = path.join(dir, name);
  await writeFile(to, await readFile(source));
  return to;
}

describe('inspectFile()', () => {
  it.each([
    [path.join(templates, 'register.xlsx'), 'xlsx'],
    [path.join(templates, 'results-汇总.csv'), 'csv'],
    [SEED_NOTICE, 'text'],
    [path.join(fixtures, 'excerpt.docx'), 'docx'],
    [path.join(fixtures, 'excerpt.pdf'), 'pdf'],
    [path.join(fixtures, 'tally.xls'), 'xls'],
    [path.join(fixtures, 'excerpt.doc'), 'doc'],
  ])('tells %s is %s by its bytes', async (file, kind) => {
    expect((await inspectFile(file)).kind).toBe(kind);
  });

  it('goes by content when the extension lies: a PDF named .xlsx is a PDF', async () => {
    const file = await copyAs(path.join(fixtures, 'excerpt.pdf'), '结果.xlsx');
    expect((await inspectFile(file)).kind).toBe('pdf');
  });

  it('resolves a relative path against the folder it is given, not the process folder', async () => {
    await mkdir(path.join(dir, 'sub'));
    await copyAs(SEED_NOTICE, 'sub/通报.txt');
    const facts = await inspectFile('sub/通报.txt', dir);
    expect(facts).toMatchObject({ kind: 'text', name: '通报.txt', path: path.join(dir, 'sub', '通报.txt') });
  });

  it('calls an empty file empty', async () => {
    const file = path.join(dir, 'empty.xlsx');
    await writeFile(file, '');
    expect((await inspectFile(file)).kind).toBe('empty');
  });

  it('refuses a missing file naming where it looked', async () => {
    const err = await inspectFile('nowhere.txt', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileRefusedError);
    expect((err as Error).message).toBe(
      `找不到文件“nowhere.txt”（按当前目录解析为 ${path.join(dir, 'nowhere.txt')}）。`,
    );
  });

  it('refuses a folder', async () => {
    const err = await inspectFile(dir).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`“${dir}”是一个文件夹，不是文件：请给出其中的通报或表格文件。`);
  });
});

describe('classify()', () => {
  it('calls bytes with NULs binary, and UTF-8 or GBK prose text', () => {
    expect(classify(Buffer.from([0x01, 0x00, 0xff, 0x13, 0x37]), 'x.txt')).toBe('binary');
    expect(classify(Buffer.from('关于检查情况的通报\r\n', 'utf8'), 'x.txt')).toBe('text');
    // 通报 in GBK: every byte ≥ 0x80, no control bytes.
    expect(classify(Buffer.from([0xcd, 0xa8, 0xb1, 0xa8, 0x0d, 0x0a]), 'x.txt')).toBe('text');
  });

  it('tells a web page from text', () => {
    expect(classify(Buffer.from('\uFEFF<!DOCTYPE html><html><body>通报</body></html>'), 'n.txt')).toBe(
      'html',
    );
  });

  it('tells images and archives', () => {
    expect(classify(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'a.xlsx')).toBe('image');
    expect(classify(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), 'a.xlsx')).toBe('archive');
  });

  it('calls a zip that is neither workbook nor document a zip', () => {
    expect(classify(Buffer.from('PK\x03\x04rest', 'latin1'), 'a.xlsx', ['notice.txt'])).toBe('zip');
  });
});

describe('refusal()', () => {
  it('names the file, what it is, the extension that lied, what to do and what is read', async () => {
    const file = await inspectFile(await copyAs(path.join(fixtures, 'excerpt.pdf'), '结果.xlsx'));
    expect(refusal(file, { text: noticeReaders.text, xlsx: noticeReaders.text }).message).toBe(
      `无法导入“${file.given}”：它是PDF 文件（扩展名却是 .xlsx）。请把扩展名改为 .pdf 后再导入。（可导入：文本文件、Excel 表格（.xlsx））`,
    );
  });

  it('tells a legacy .xls to be saved as .xlsx', async () => {
    const file = await inspectFile(path.join(fixtures, 'tally.xls'));
    expect(refusal(file, {}).message).toContain(
      '它是旧版 Excel 表格（.xls）。请用 Excel 或 WPS 另存为 .xlsx 后再导入。',
    );
  });
});

describe('readUserFile()', () => {
  it('reads a kind it has a reader for', async () => {
    const read = await readUserFile(SEED_NOTICE, dir, noticeReaders);
    expect(read.text).toContain('2020年第一季度');
  });

  it('refuses random bytes named .txt without calling a reader', async () => {
    const file = path.join(dir, '通报.txt');
    await writeFile(file, Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff]));
    const err = await readUserFile(file, dir, noticeReaders).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileRefusedError);
    expect((err as Error).message).toMatch(
      /^无法导入“.*通报\.txt”：它是二进制数据，不是文字（扩展名却是 \.txt）。请导入通报文本或 \.xlsx\/\.csv 表格。/,
    );
  });
});
