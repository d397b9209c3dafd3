import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../../../bot/cli/import.ts';
import { SEED_NOTICE } from '../../../data/import/seed.ts';
import { deflated, repeatedDeflate, zip } from '../../support/zip.ts';

const templatesDir = path.resolve(import.meta.dirname, '../../../data/templates');

let dir: string;
let dataDir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'import-cli-'));
  dataDir = path.join(dir, 'data');
  env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const run = async (...argv: string[]) => {
  const lines: string[] = [];
  const code = await runImport(argv, env, (l) => lines.push(l));
  return { code, lines, text: lines.join('\n') };
};
const written = async () => {
  try {
    return (await readdir(dataDir)).sort();
  } catch {
    return [];
  }
};

describe('npm run import -- <notice>', () => {
  it('previews what it understood and writes nothing', async () => {
    const { code, lines, text } = await run(SEED_NOTICE);
    expect(code).toBe(0);
    expect(text).toContain('福建省人民政府办公厅关于2020年第一季度全省政府网站和政务新媒体检查情况的通报');
    expect(text).toContain('2020Q1@35');
    expect(lines.at(-1)).toBe('以上为预览，没有写入。确认无误后加 --apply 导入。');
    expect(await written()).toEqual([]);
  });

  it('with --apply writes the round; a second --apply says nothing changed', async () => {
    const first = await run(SEED_NOTICE, '--apply');
    expect(first.code).toBe(0);
    expect(first.lines.at(-1)).toBe('已导入 2020Q1@35。');
    expect(await written()).toEqual(['audit.log', 'register.json', 'rounds', 'state.json']);
    expect(await readdir(path.join(dataDir, 'rounds'))).toEqual(['2020Q1@35.json']);

    const second = await run('--apply', SEED_NOTICE);
    expect(second.code).toBe(0);
    expect(second.lines.at(-1)).toBe('2020Q1@35 与已导入的内容相同，没有改动。');
  });

  it('says so when --apply replaces a round whose content changed', async () => {
    await run(SEED_NOTICE, '--apply');
    const edited = path.join(dir, 'fujian-2020q1-notice.txt');
    await writeFile(edited, readFileSync(SEED_NOTICE, 'utf8').replace('2020年4月17日', '2020年4月18日'));
    const { code, lines } = await run(edited, '--apply');
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe('已用新内容替换 2020Q1@35。');
  });

  it('never replaces the complete 2020Q1 round with the first 3,000 bytes of the notice: exit 1, the round intact', async () => {
    await run(SEED_NOTICE, '--apply');
    const cut = path.join(dir, 'cut.txt');
    await writeFile(cut, readFileSync(SEED_NOTICE).subarray(0, 3000));
    const before = readFileSync(path.join(dataDir, 'rounds', '2020Q1@35.json'), 'utf8');
    const preview = await run(cut);
    expect(preview.code).toBe(1);
    const applied = await run(cut, '--apply', '--replace');
    expect(applied.code).toBe(1);
    expect(applied.lines[0]).toMatch(/^导入未执行：发现3处问题/);
    expect(applied.lines).toContain('第10行：通报统计政府网站不合格2个，名单只列出0个，通报可能没有复制全。');
    expect(readFileSync(path.join(dataDir, 'rounds', '2020Q1@35.json'), 'utf8')).toBe(before);
  });

  it('previews the difference when the round exists, and needs --replace to drop a failure', async () => {
    await run(SEED_NOTICE, '--apply');
    const text = readFileSync(SEED_NOTICE, 'utf8');
    // The notice corrected: the second failed website was another department's.
    const edited = path.join(dir, 'corrected.txt');
    expect(text).toContain('\n福建省民政厅\n');
    await writeFile(edited, text.replace('\n福建省民政厅\n', '\n福建省人力资源和社会保障厅\n'));
    const preview = await run(edited);
    expect(preview.text).toContain('已有2020Q1@35的数据，导入后将替换它。与已导入的内容相比：');
    expect(preview.lines.filter((l) => l.startsWith('　－ 去掉不合格：'))).toEqual([
      expect.stringContaining('福建省民政厅'),
    ]);
    expect(preview.lines.filter((l) => l.startsWith('　＋ 新增不合格：'))).toEqual([
      expect.stringContaining('福建省人力资源和社会保障厅'),
    ]);
    expect(preview.text).toContain('须同时加 --replace');
    const refused = await run(edited, '--apply');
    expect(refused.code).toBe(1);
    expect(refused.lines.at(-1)).toMatch(/^导入未执行：这次导入会替换已有的2020Q1@35，并去掉1项不合格/);
    const replaced = await run(edited, '--apply', '--replace');
    expect(replaced.code).toBe(0);
    expect(replaced.lines.at(-1)).toBe('已用新内容替换 2020Q1@35。');
  });

  it('refuses a notice that was not copied in full: exit 1, the message names the line, nothing is written', async () => {
    const cut = path.join(dir, 'cut.txt');
    await writeFile(cut, readFileSync(SEED_NOTICE, 'utf8').split('\n').slice(0, 185).join('\n'));
    const { code, lines } = await run(cut, '--apply');
    expect(code).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^导入未执行：发现1处问题/);
    expect(lines[1]).toMatch(/^第185行：.*通报可能没有复制全。$/);
    expect(await written()).toEqual([]);
  });

  it('refuses a notice whose issuer it cannot find, saying what it looked for and how --issuer fixes it', async () => {
    const file = path.join(dir, 'county-2023q2.txt');
    await writeFile(file, ['2023年第二季度政府网站自查情况', '一、总体情况', '本次检查政府网站1个,不合格1个。'].join('\n'));
    const refused = await run(file);
    expect(refused.code).toBe(1);
    expect(refused.text).toMatch(/第1行：没有找到发文机关或所属地区：.*请用 --issuer <地区> 指定/);
    expect(refused.lines.at(-1)).toBe(`指定发文地区后重新预览：npm run import -- ${file} --issuer <地区>`);
    const given = await run(file, '--issuer', '云霄县');
    expect(given.code).toBe(0);
    expect(given.text).toContain('2023Q2@350622');
    expect(given.text).toContain('发文机关按 --issuer 指定为“云霄县”，范围：云霄县。');
  });

  it('refuses a notice that gives no year for its round, saying how --period fixes it; --period supplies it', async () => {
    const file = path.join(dir, 'wuzhong-q1.txt');
    await writeFile(
      file,
      ['吴忠市人民政府办公室关于一季度全市政府网站检查情况的通报', '一、总体情况', '一季度全市6家政府网站全覆盖检查,未发现不合格网站。'].join('\n'),
    );
    const refused = await run(file);
    expect(refused.code).toBe(1);
    expect(refused.text).toMatch(/没有找到检查期次.*请用 --period <期次> 指定/);
    const given = await run(file, '--period', '2025Q1');
    expect(given.code).toBe(0);
    expect(given.text).toContain('2025Q1@6403');
    expect(given.text).toContain('检查期次按 --period 指定为 2025Q1。');
    expect((await run(file, '--period=2025年第一季度')).text).toContain('2025Q1@6403');
    const wrong = await run(file, '--period', '春季');
    expect(wrong.code).toBe(1);
    expect(wrong.text).toContain('--period “春季”不是可识别的检查期次');
    expect((await run(file, '--period')).code).toBe(2);
  });

  it('refuses a text that is not a notice with exit 1', async () => {
    const { code, text } = await run(
      path.join(import.meta.dirname, '../../data/import/fixtures/not-a-notice.txt'),
    );
    expect(code).toBe(1);
    expect(text).toContain('这不是一份检查情况通报');
  });

  it('exits 1 naming a file it cannot find', async () => {
    const missing = path.join(dir, 'missing.txt');
    const { code, text } = await run(missing);
    expect(code).toBe(1);
    expect(text).toBe(`找不到文件“${missing}”。`);
  });

  it('exits 2 with the usage without a file or with two text files', async () => {
    expect(await run('--apply')).toMatchObject({
      code: 2,
      text: '用法：npm run import -- <通报文件（.txt/.docx/.pdf/.html）或表格文件> [--issuer <地区或发文机关>] [--period <期次>] [--apply [--replace]]',
    });
    expect((await run(SEED_NOTICE, SEED_NOTICE)).code).toBe(2);
  });
});

describe('npm run import -- <any file a user might give>', () => {
  const files = path.resolve(import.meta.dirname, '../../fixtures/files');
  /** `name` in the temporary folder holding `bytes` (or a copy of the file `bytes` names). */
  const put = async (name: string, bytes: Buffer | string) => {
    const to = path.join(dir, name);
    await writeFile(to, typeof bytes === 'string' ? readFileSync(bytes) : bytes);
    return to;
  };
  /** One line, exit 1, nothing written, no stack trace. */
  const refused = async (file: string) => {
    const r = await run(file, '--apply');
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.text).not.toMatch(/\n\s+at |Error:/);
    expect(await written()).toEqual([]);
    return r.lines[0];
  };

  it('refuses an empty file named .xlsx', async () => {
    const file = await put('结果.xlsx', Buffer.alloc(0));
    expect(await refused(file)).toBe(`“${file}”是空文件（0 字节），没有可导入的内容。`);
  });

  it('refuses an empty .txt', async () => {
    const file = await put('通报.txt', Buffer.alloc(0));
    expect(await refused(file)).toBe(`“${file}”是空文件（0 字节），没有可导入的内容。`);
  });

  it('refuses random bytes named .xlsx', async () => {
    const file = await put('结果.xlsx', Buffer.from([0x13, 0x00, 0x37, 0xfe, 0x00, 0x99, 0x01]));
    expect(await refused(file)).toMatch(
      /^无法导入“.*结果\.xlsx”：它是二进制数据，不是文字（扩展名却是 \.xlsx）。/,
    );
  });

  it('refuses a PDF named .xlsx, saying it is a PDF', async () => {
    const file = await put('结果.xlsx', path.join(files, 'excerpt.pdf'));
    expect(await refused(file)).toMatch(/^无法导入“.*结果\.xlsx”：它是PDF 文件（扩展名却是 \.xlsx）。/);
  });

  it('refuses a legacy .xls, telling how to save it as .xlsx', async () => {
    expect(await refused(path.join(files, 'tally.xls'))).toMatch(
      /它是旧版 Excel 表格（\.xls）。请用 Excel 或 WPS 另存为 \.xlsx 后再导入。/,
    );
  });

  it('refuses a legacy .doc, telling how to save it', async () => {
    expect(await refused(path.join(files, 'excerpt.doc'))).toMatch(/它是旧版 Word 文档（\.doc）。/);
  });

  it('reads a .docx as a notice and previews it, writing nothing', async () => {
    const line = await run(path.join(files, 'notice.docx'));
    expect(line.code).toBe(0);
    expect(line.text).toContain('发文：福建省人民政府办公厅，2020-04-13印发');
    expect(line.text).toContain('福建省：运行435，检查435，不合格2，不合格率0.46%');
    expect(await written()).toEqual([]);
  });

  it('never replaces the round with the first 2,500 bytes of the notice saved as .docx, and says it is cut, not "not a notice"', async () => {
    await run(SEED_NOTICE, '--apply');
    const before = await written();
    const line = await run(path.join(files, 'excerpt.docx'), '--apply', '--replace');
    expect(line.code).toBe(1);
    expect(line.text).not.toContain('这不是一份检查情况通报');
    expect(line.text).toContain('通报可能没有复制全');
    expect(await written()).toEqual(before);
  });

  it('refuses a workbook named .csv, telling to rename it', async () => {
    const file = await put('结果.csv', path.join(templatesDir, 'results.xlsx'));
    expect(await refused(file)).toMatch(
      /它是Excel 表格（\.xlsx）（扩展名却是 \.csv）。请把扩展名改为 \.xlsx 后再导入。/,
    );
  });

  it('reads a path relative to the folder the command was typed in (INIT_CWD)', async () => {
    await put('通报.txt', SEED_NOTICE);
    env.INIT_CWD = dir;
    const { code, text } = await run('通报.txt');
    expect(code).toBe(0);
    expect(text).toContain('2020Q1@35');
  });

  it('refuses a relative path that is not there, naming where it looked', async () => {
    env.INIT_CWD = dir;
    expect(await refused('../elsewhere/通报.txt')).toBe(
      `找不到文件“../elsewhere/通报.txt”（按当前目录解析为 ${path.resolve(dir, '../elsewhere/通报.txt')}）。`,
    );
  });

  it('refuses a folder', async () => {
    expect(await refused(dir)).toBe(`“${dir}”是一个文件夹，不是文件：请给出其中的通报或表格文件。`);
  });
});

describe('npm run import -- <a hostile spreadsheet>', () => {
  it('refuses a 620 KB zip bomb with exit 1, naming the limit, writing nothing', async () => {
    const file = path.join(dir, '结果.xlsx');
    await writeFile(
      file,
      zip([
        deflated('[Content_Types].xml', '<?xml version="1.0"?><Types/>'),
        deflated('xl/workbook.xml', '<?xml version="1.0"?><workbook/>'),
        {
          name: 'xl/worksheets/sheet1.xml',
          data: repeatedDeflate(Buffer.alloc(1 << 20, 0x41), 600),
          declaredSize: 1024,
        },
      ]),
    );
    const { code, text } = await run(file, '--apply');
    expect(code).toBe(1);
    expect(text).toContain('结果.xlsx：表格解压后超过256 MB的上限');
    expect(await written()).toEqual([]);
  });

  it('refuses a notice file past 20 MB before reading it', async () => {
    const file = path.join(dir, '通报.txt');
    await writeFile(file, Buffer.alloc(21 * 1024 * 1024, '通报\n'));
    const { code, text } = await run(file);
    expect(code).toBe(1);
    expect(text).toMatch(/超过通报文件20 MB的上限/);
  });
});
