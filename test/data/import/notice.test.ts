import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportRefused, ImportError } from '../../../data/import/refusal.ts';
import { Dataset } from '../../../data/dataset.ts';
import { parseNotice } from '../../../data/import/notice.ts';
import { SEED_NOTICE } from '../../../data/import/seed.ts';
import { fujianRegions } from '../../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../../data/schema.ts';

const NOW = new Date('2026-11-29T08:00:00+08:00');
const fresh = () =>
  new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);
const seedText = readFileSync(SEED_NOTICE, 'utf8');
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const parse = (text: string, file = 'notice.txt') => parseNotice({ text, file }, fresh(), NOW);

/** The seed with one line replaced (1-based line number, as in the file). */
function seedWithLine(no: number, replacement: string): string {
  const lines = seedText.split('\n');
  lines[no - 1] = replacement;
  return lines.join('\n');
}

function refusal(fn: () => unknown): ImportRefused {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
}

describe('the shipped Fujian 2020 Q1 notice', () => {
  const { write, report } = parse(seedText, 'fujian-2020q1-notice.txt');
  const tally = (regionId: string, channel: 'website' | 'newmedia') =>
    report.tallies.find((t) => t.regionId === regionId && t.channel === channel);

  it('is the round 2020Q1 of Fujian, issued by the provincial general office', () => {
    expect(report.round).toMatchObject({
      key: '2020Q1@35',
      period: '2020Q1',
      scopeRegionId: '35',
      issuer: '福建省人民政府办公厅',
      title: '福建省人民政府办公厅关于2020年第一季度全省政府网站和政务新媒体检查情况的通报',
      issuedOn: '2020-04-13',
      resultsAsOf: '2020-04-07',
      deadline: { date: '2020-04-17' },
      reportTo: '省政府办公厅',
      source: { file: 'fujian-2020q1-notice.txt', kind: 'notice' },
    });
    expect(report.round.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads every region row of both tables, the totals row as the province', () => {
    expect(report.tallies.filter((t) => t.channel === 'website')).toHaveLength(12);
    expect(report.tallies.filter((t) => t.channel === 'newmedia')).toHaveLength(12);
    expect(tally('35', 'website')).toMatchObject({ total: 435, checked: 435, failed: 2 });
    expect(tally('35', 'newmedia')).toMatchObject({ total: 2170, checked: 2170, failed: 1 });
    expect(tally('3501', 'website')).toMatchObject({ total: 39, checked: 39, failed: 0 });
    expect(tally('3501', 'newmedia')).toMatchObject({ total: 303, checked: 303, failed: 0 });
  });

  it('joins 平潭综合 / 实验区 into the zone and keeps it apart from 福州', () => {
    expect(tally('35-pt', 'newmedia')).toMatchObject({ total: 22, checked: 22, failed: 1 });
    expect(tally('35-pt', 'website')).toMatchObject({ total: 4, checked: 4, failed: 0 });
  });

  it('maps 省直部门（含二级网站） and 省直 to the provincial departments', () => {
    expect(tally('35-sz', 'website')).toMatchObject({ total: 50, checked: 50, failed: 2 });
    expect(tally('35-sz', 'newmedia')).toMatchObject({ total: 87, checked: 87, failed: 0 });
  });

  it('lists the three failed items with their problem as written, code and veto flag', () => {
    const items = report.failures.map((f) => [
      f.channel,
      f.regionId,
      f.subject,
      f.platform,
      f.problem,
      f.problemCode,
      f.veto,
    ]);
    expect(items).toEqual([
      ['website', '35-sz', '福建省教育厅', undefined, '栏目不更新（单项否决）', 'W_COLUMN_STALE', true],
      ['website', '35-sz', '福建省民政厅', undefined, '栏目不更新（单项否决）', 'W_COLUMN_STALE', true],
      ['newmedia', '35-pt', '平潭政务', '微信公众号', '内容不更新（单项否决）', 'M_STALE', true],
    ]);
    expect(report.failures[2]?.unitName).toBe('平潭综合实验区管委会');
    expect(report.failures[0]?.unitName).toBe('福建省教育厅');
  });

  it('says that row 2 inherited its merged region and problem cells, and where 福建省 went', () => {
    expect(report.notes).toContain(
      '第112行（序号2）沿用上一行的所属地区“福建省”、突出问题“栏目不更新（单项否决）”（合并单元格）。',
    );
    expect(report.notes).toContain('名单中所属地区为“福建省”的条目归入“省直部门”。');
  });

  it('agrees with itself: totals, rates and prose figures raise no warning; nothing is learned', () => {
    expect(report.warnings).toEqual([]);
    expect(report.newRegions).toEqual([]);
    expect(report.mentions).toEqual([]);
  });

  it('gives stable failure ids, so a re-import produces the same round file', () => {
    const again = parse(seedText, 'fujian-2020q1-notice.txt');
    expect(again.write.roundFile).toEqual(write.roundFile);
    expect(new Set(write.roundFile.failures.map((f) => f.id)).size).toBe(3);
  });
});

describe('disagreements are warnings, never silent', () => {
  it('a totals row that does not match the sum of the regions', () => {
    const { report } = parse(seedWithLine(97, '436'));
    expect(report.warnings).toContain('第96行：政府网站合计行的运行数是436，各地区相加是435。');
  });

  it('a stated rate that does not match the numbers', () => {
    const { report } = parse(seedWithLine(34, '5%'));
    expect(report.warnings).toEqual(['第34行：“省直部门(含二级网站)”写的不合格率是5%，按数字算是4%。']);
  });

  it('prose figures that differ from the table', () => {
    const { report } = parse(fixture('jiangxi-2022q3-passrate.txt'));
    expect(report.warnings).toEqual([
      '正文中政府网站的检查数是552，情况表合计是112。',
      '正文中政务新媒体的检查数是300，情况表合计是150。',
    ]);
  });
});

describe('other notice shapes', () => {
  it('a province outside the register, found in the gazetteer, with 合格率 columns, a 文号 and a deadline with a time', () => {
    const { report, write } = parse(fixture('jiangxi-2022q3-passrate.txt'));
    expect(report.round).toMatchObject({
      key: '2022Q3@36',
      docNumber: '赣府厅函〔2022〕90号',
      deadline: { date: '2022-10-20', time: '12:00' },
      reportTo: '省政府办公厅政务公开处',
    });
    // 江西省, 南昌市 and 九江市 are the gazetteer's units under their real parents: nothing is learned.
    expect(report.newRegions).toEqual([]);
    expect(write.newRegions).toEqual([]);
    expect(report.tallies.map((t) => t.regionId)).toEqual(expect.arrayContaining(['3601', '3604']));
    const jj = report.tallies.find((t) => t.channel === 'website' && t.regionId === '3604');
    expect(jj).toMatchObject({ total: 52, checked: 52, failed: 1 });
    expect(report.failures).toEqual([]);
  });

  it('a monthly city notice in prose: overall numbers, named failures, and mentions kept apart', () => {
    const { report } = parse(fixture('city-2023-09-prose.txt'));
    expect(report.round).toMatchObject({
      period: '2023-09',
      issuer: '连云港市人民政府办公室',
      issuedOn: '2023-10-09',
      deadline: { date: '2023-10-17' },
      reportTo: '市政府办公室政务公开处',
    });
    const scope = report.round.scopeRegionId;
    expect(report.tallies).toEqual([
      { regionId: scope, channel: 'website', total: 49, checked: 49, failed: 2, derived: ['checked'] },
      {
        regionId: scope,
        channel: 'newmedia',
        total: 320,
        checked: 320,
        failed: 0,
        derived: ['checked'],
        rate: { kind: 'pass', value: 100, decimals: 0 },
      },
    ]);
    expect(report.failures.map((f) => f.subject)).toEqual(['连云港市XX局网站', '灌云县YY局网站']);
    expect(report.mentions.map((m) => [m.kind, m.name])).toEqual([
      ['praised', '海州区政务新媒体'],
      ['praised', '赣榆区融媒体中心'],
      ['criticised', '灌南县ZZ局微博'],
    ]);
  });

  it('a provincial notice that states only 运行…其中合格…不合格…合格率', () => {
    const { report } = parse(fixture('province-prose.txt'));
    expect(report.tallies).toEqual([
      {
        regionId: '41',
        channel: 'website',
        total: 842,
        checked: 842,
        failed: 16,
        derived: ['checked'],
        rate: { kind: 'pass', value: 98.1, decimals: 1 },
      },
    ]);
    expect(report.warnings).toEqual([]);
  });

  it('a round without failures', () => {
    const text = seedWithLine(99, '0').replace('0.46%', '0').split('附件2')[0] as string;
    const withoutLists = text.replace(/附件：[\s\S]*?福建省人民政府办公厅\n/, '福建省人民政府办公厅\n');
    const { report } = parse(
      withoutLists.replace('政府网站有2个不合格', '政府网站有0个不合格').replace('99.54%', '100%'),
    );
    expect(report.failures).toEqual([]);
    expect(report.tallies.find((t) => t.regionId === '35' && t.channel === 'website')?.failed).toBe(0);
  });

  it('a city table without 序号, old district names, a deadline without a year, a signature after the attachments', () => {
    const { report } = parse(fixture('city-table-no-seq.txt'));
    expect(report.round).toMatchObject({
      key: '2021Q3@3504',
      issuer: '三明市人民政府办公室',
      issuedOn: '2021-10-08',
      docNumber: '明政办函〔2021〕88号',
      deadline: { date: '2021-10-15', time: '17:00' },
      reportTo: '市政府办公室',
    });
    expect(report.tallies).toEqual([
      { regionId: '350405', channel: 'newmedia', total: 30, checked: 30, failed: 1 },
      { regionId: '350404', channel: 'newmedia', total: 20, checked: 10, failed: 0 },
      { regionId: '3504', channel: 'newmedia', total: 50, checked: 40, failed: 1 },
    ]);
    expect(report.failures).toMatchObject([
      {
        regionId: '350405',
        unitName: '沙县区XX局',
        platform: '抖音',
        subject: '沙县XX',
        problemCode: 'M_STALE',
        veto: true,
      },
    ]);
    expect(report.notes).toContain('“沙县区XX局”没有注明地区，按名称归入“沙县区”。');
  });

  it('a region row it has never seen is learned under the notice scope and listed', () => {
    const { report } = parse(seedWithLine(36, '测试新区'));
    expect(report.newRegions).toEqual([
      {
        id: '35/测试新区',
        name: '测试新区',
        short: '测试',
        kind: 'special-zone',
        parent: '35',
        aliases: [],
        learned: true,
      },
    ]);
  });
});

describe('refusals name the line and change nothing', () => {
  it('a text that is not a notice', () => {
    const err = refusal(() => parse(fixture('not-a-notice.txt')));
    expect(err.line).toBe(1);
    expect(err.lines[0]).toMatch(/不是一份检查情况通报/);
  });

  it('an empty file', () => {
    expect(refusal(() => parse('\n\n')).lines).toEqual(['第1行：文件是空的。']);
  });

  it('a number that does not parse', () => {
    const err = refusal(() => parse(seedWithLine(38, '3O')));
    expect(err.lines).toEqual(['第38行：“3O”不是一个数字。']);
  });

  it('a text cut off inside a table', () => {
    const cut = seedText.split('\n').slice(0, 185).join('\n');
    const err = refusal(() => parse(cut));
    expect(err.line).toBe(185);
    expect(err.lines[0]).toMatch(/中间结束|没有复制全/);
  });

  it('a text whose listed attachments stop early', () => {
    const cut = seedText.split('\n').slice(0, 192).join('\n');
    const err = refusal(() => parse(cut));
    expect(err.lines).toEqual(['第192行：正文列出4个附件，文本中只有3个，通报可能没有复制全。']);
  });

  it('more failed than checked', () => {
    const err = refusal(() => parse(seedWithLine(39, '40')));
    expect(err.lines).toEqual(['第39行：“福州市”不合格数40大于检查数39。']);
  });
});
