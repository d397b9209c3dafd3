import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportRefused } from '../../../../data/import/refusal.ts';
import { planSheets } from '../../../../data/import/sheet/index.ts';
import type { LowStore } from '../../../../data/store.ts';
import { openEmptyStore } from '../../../support/seeded-store.ts';
import { csv, failedAccountsHeader, failedSitesHeader, meta, sheetDir, tallyHeader, xlsx } from '../../../support/sheets.ts';

const templates = path.resolve(import.meta.dirname, '../../../../data/templates');
const now = new Date('2020-07-12T10:00:00+08:00');

let store: LowStore;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ store, cleanup } = await openEmptyStore());
  dir = await sheetDir();
});
afterEach(async () => {
  await cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function refusal(files: string[], opts: { period?: string; scope?: string } = {}): Promise<string[]> {
  try {
    await planSheets(files, store.dataset(), { now, ...opts });
  } catch (err) {
    if (err instanceof ImportRefused) return err.message.split('\n').slice(1);
    throw err;
  }
  throw new Error('the import was not refused');
}

describe('planSheets() with the documented templates', () => {
  it('reads results.xlsx into a round: meta, tallies for both channels, failures with codes', async () => {
    const plan = await planSheets([path.join(templates, 'results.xlsx')], store.dataset(), { now });
    const file = plan.round!.write.roundFile;
    expect(file.round).toMatchObject({
      key: '2020Q2@35',
      period: '2020Q2',
      issuer: '福建省人民政府办公厅',
      deadline: { date: '2020-07-17', time: '17:00' },
      source: { file: 'results.xlsx', kind: 'sheet' },
    });
    expect(file.tallies).toHaveLength(22);
    expect(file.tallies).toContainEqual({ regionId: '3501', channel: 'website', total: 57, checked: 57, failed: 1 });
    expect(file.tallies).toContainEqual({ regionId: '35-pt', channel: 'newmedia', total: 40, checked: 40, failed: 0 });
    expect(file.failures.map((f) => [f.regionId, f.channel, f.subject, f.problemCode, f.veto])).toEqual([
      ['3501', 'website', '福州市示例局网站', 'W_COLUMN_STALE', true],
      ['35-sz', 'newmedia', '示例厅发布', 'M_STALE', true],
      ['3501', 'newmedia', '示例区发布', 'M_NO_INTERACTION', true],
    ]);
    expect(plan.register).toBeUndefined();
  });

  it('reads the CSV templates into the same tallies and failures as the workbook', async () => {
    const names = ['results-说明.csv', 'results-汇总.csv', 'results-不合格网站.csv', 'results-不合格新媒体.csv'];
    const fromCsv = await planSheets(names.map((n) => path.join(templates, n)), store.dataset(), { now });
    const fromXlsx = await planSheets([path.join(templates, 'results.xlsx')], store.dataset(), { now });
    expect(fromCsv.round!.write.roundFile.tallies).toEqual(fromXlsx.round!.write.roundFile.tallies);
    expect(fromCsv.round!.write.roundFile.failures).toEqual(fromXlsx.round!.write.roundFile.failures);
  });

  it('reads register.xlsx into a declared region, units with contacts, sites and accounts', async () => {
    const plan = await planSheets([path.join(templates, 'register.xlsx')], store.dataset(), { now });
    const reg = plan.register!;
    expect(reg.newRegions).toEqual([
      expect.objectContaining({ id: '3501/福州新区', name: '福州新区', short: '福州新区', kind: 'special-zone', parent: '3501' }),
    ]);
    expect(reg.sites.map((s) => [s.name, s.regionId, s.kind])).toEqual([
      ['福州市人民政府网', '3501', 'portal'],
      ['福州市示例局网站', '3501', 'department'],
      ['福州新区网', '3501/福州新区', 'department'],
    ]);
    expect(reg.sites[0]).toMatchObject({ id: 's-3501000001', siteCode: '3501000001' });
    expect(reg.accounts.map((a) => [a.platform, a.name, a.regionId])).toEqual([
      ['微信公众号', '示例厅发布', '35-sz'],
      ['新浪微博', '示例区发布', '3501'],
    ]);
    const unit = reg.units.find((u) => u.name === '福建省示例厅');
    expect(unit?.contacts).toEqual([{ name: '王五', mobile: '13800000003', wecomUserId: 'wangwu' }]);
    // The platform user ids beside the mobile: what makes a mention notify (issue 13).
    expect(reg.units.find((u) => u.name === '福州市人民政府办公厅')?.contacts).toEqual([
      { name: '张三', mobile: '13800000001', wecomUserId: 'zhangsan', dingtalkUserId: 'manager0001' },
    ]);
    expect(reg.units.find((u) => u.name === '福州市示例区政府')?.contacts).toEqual([
      { name: '赵六', mobile: '13800000004', dingtalkUserId: 'zhaoliu01' },
    ]);
    expect(plan.round).toBeUndefined();
  });
});

describe('planSheets() contact columns', () => {
  it('refuses a platform account with spaces, naming the cell, and merges a later row’s ids into the same contact', async () => {
    const header = ['部门/地区', '单位名称', '网站名称', '联系人', '联系电话', '企业微信ID', '钉钉账号'];
    const bad = await csv(dir, '网站名册.csv', [header, ['福州市', '福州市示例局', '示例网', '李四', '13800000002', 'li si', '']]);
    expect((await refusal([bad])).join('\n')).toMatch(/F列（企业微信ID）：账号“li si”格式不对/);
    const good = await csv(dir, '网站名册2.csv', [
      header,
      ['福州市', '福州市示例局', '示例网', '李四', '13800000002', '', ''],
      ['福州市', '福州市示例局', '示例网二', '李四', '13800000002', 'lisi', 'dd-lisi'],
    ]);
    const plan = await planSheets([good], store.dataset(), { now });
    expect(plan.register!.units[0]!.contacts).toEqual([
      { name: '李四', mobile: '13800000002', wecomUserId: 'lisi', dingtalkUserId: 'dd-lisi' },
    ]);
  });
});

describe('planSheets() reading offices’ files', () => {
  it('finds the header below a title row and takes period and scope from options', async () => {
    const file = await csv(dir, '汇总.csv', [
      ['附件1 各设区市政府网站检查情况'],
      ['序号', '部门/地区', '运行网站总数', '检查网站数', '不合格网站数', '不合格率', '备注'],
      [1, '福州市', 57, 57, 1, '1.75%', '复查'],
    ]);
    const plan = await planSheets([file], store.dataset(), { now, period: '2020年第三季度', scope: '福建' });
    expect(plan.round!.write.roundFile.round.key).toBe('2020Q3@35');
    expect(plan.tables[0]).toMatchObject({ kind: 'tally', headerRow: 2, ignoredHeaders: ['备注'] });
  });

  it('reads a CSV saved in GB18030 (Excel on a Chinese Windows)', async () => {
    const text = '部门/地区,检查网站数,不合格网站数\r\n厦门市,40,0\r\n';
    const gbk = path.join(dir, 'gbk.csv');
    await writeFile(gbk, gb18030(text));
    const plan = await planSheets([gbk], store.dataset(), { now, period: '2020Q3', scope: '福建' });
    expect(plan.round!.write.roundFile.tallies).toEqual([
      { regionId: '3502', channel: 'website', total: 40, checked: 40, failed: 0 },
    ]);
  });

  it('fills a merged region cell down the failed list', async () => {
    const file = await xlsx(dir, 'r.xlsx', {
      说明: meta('2020Q3', '福建省'),
      汇总: [tallyHeader, [1, '福州市', 57, 57, 2, '', 217, 217, 0, '']],
      不合格网站: [failedSitesHeader, [1, '福州市', '甲局', '甲局网站', '首页不更新'], [2, '', '乙局', '乙局网站', '站点无法访问']],
    });
    const plan = await planSheets([file], store.dataset(), { now });
    expect(plan.round!.write.roundFile.failures.map((f) => f.regionId)).toEqual(['3501', '3501']);
  });

  it('places the regions of a scope outside the register under their real parents from the gazetteer', async () => {
    const file = await xlsx(dir, 'js.xlsx', {
      说明: meta('2021Q1', '江苏省'),
      地区: [['地区名称', '上级地区', '地区类型'], ['江苏省', '', '省']],
      汇总: [tallyHeader, [1, '南京市', 80, 80, 1, '', 300, 300, 0, ''], [2, '徐州市', 60, 60, 0, '', 200, 200, 0, '']],
    });
    const plan = await planSheets([file], store.dataset(), { now });
    expect(plan.round!.write.roundFile.round.key).toBe('2021Q1@32');
    expect(plan.round!.write.newRegions).toEqual([]);
    expect(plan.round!.write.roundFile.tallies.map((t) => t.regionId)).toEqual(
      expect.arrayContaining(['3201', '3203']),
    );
  });
});

describe('planSheets() refusing bad rows', () => {
  it('refuses an unknown scope with suggestions, whether from 说明 or --scope, and learns nothing', async () => {
    const file = await xlsx(dir, 'typo.xlsx', {
      说明: meta('2021Q1', '福建生'),
      汇总: [tallyHeader, [1, '福州', 80, 80, 0, '', 300, 300, 0, '']],
    });
    const fromSheet = await refusal([file]);
    expect(fromSheet).toEqual([expect.stringMatching(/^typo\.xlsx 说明 第\d+行 .*未知的通报范围“福建生”，是不是：福建省/)]);
    expect(await refusal([file], { scope: '福建生' })).toEqual([expect.stringMatching(/^--scope：未知的通报范围“福建生”，是不是：福建省/)]);
    expect(store.dataset().regions.all().some((r) => r.learned)).toBe(false);
  });

  it('lists every bad cell with file, row, column and reason, in row order', async () => {
    const file = await csv(dir, 'bad.csv', [
      ['序号', '部门/地区', '运行网站总数', '检查网站数', '不合格网站数', '不合格率'],
      [1, '福洲市', 57, 57, 1, '1.75%'],
      [2, '厦门市', 40, 41, 0, '0'],
      [3, '莆田市', 22, 22, '四十', ''],
      [4, '三明市', 30, 30, 1, '5%'],
    ]);
    expect(await refusal([file], { period: '2020Q3', scope: '福建' })).toEqual([
      'bad.csv 第2行 B列（部门/地区）：未知地区“福洲市”，是不是：福州市、福清市（福州市，350181）、福安市（宁德市，350981）？',
      'bad.csv 第3行 D列（检查网站数）：检查数41大于运行总数40',
      'bad.csv 第4行 E列（不合格网站数）：“四十”不是非负整数',
      'bad.csv 第5行 F列（不合格率）：比率“5%”与数量不符（1/30）',
    ]);
  });

  it('refuses a region listed twice (once, though both channels repeat) and a failure in an unknown region', async () => {
    const file = await xlsx(dir, 'r.xlsx', {
      说明: meta('2020Q3', '福建省'),
      汇总: [tallyHeader, [1, '福州市', 57, 57, 0, '', 217, 217, 1, ''], [2, '福州', 57, 57, 0, '', 217, 217, 1, '']],
      不合格新媒体: [failedAccountsHeader, [1, '榕州', '甲局', '微信公众号', '甲局发布', '超过14天未更新']],
    });
    // Worksheets stream in the workbook's storage order, so only rows within a sheet are ordered.
    expect((await refusal([file])).sort()).toEqual([
      'r.xlsx 不合格新媒体 第2行 B列（部门/地区）：未知地区“榕州”，是不是：福州市、泉州市、漳州市？',
      'r.xlsx 汇总 第3行 B列（部门/地区）：与r.xlsx 汇总 第2行重复',
    ]);
  });

  it('refuses a tally counting fewer failures than the list names, and a wrong 合计', async () => {
    const file = await xlsx(dir, 'r.xlsx', {
      说明: meta('2020Q3', '福建省'),
      汇总: [
        tallyHeader,
        [1, '福州市', 57, 57, 0, '', 217, 217, 0, ''],
        [2, '厦门市', 40, 40, 0, '', 180, 180, 0, ''],
        ['', '合计', 97, 96, 0, '', 397, 397, 0, ''],
      ],
      不合格网站: [failedSitesHeader, [1, '福州市', '甲局', '甲局网站', '首页不更新']],
    });
    expect(await refusal([file])).toEqual([
      'r.xlsx 汇总 第2行：政府网站不合格数为0，但不合格名单列出该地区1项',
      'r.xlsx 汇总 第4行 B列（部门/地区）：合计行的检查数为96，各行之和为97',
    ]);
  });

  it('refuses results without a period, naming what to add', async () => {
    const file = await csv(dir, 't.csv', [['部门/地区', '检查网站数', '不合格网站数'], ['厦门市', 40, 0]]);
    expect(await refusal([file], { scope: '福建' })).toEqual([
      'period：缺少“期次”：请在“说明”表中填写，或在命令中给出（--period / --scope）',
    ]);
  });

  it('refuses a table that lacks a required column, and a file with no table at all', async () => {
    const noProblem = await csv(dir, 'f.csv', [['部门/地区', '网站名称', '突出问题', '单位名称'], ['福州市', '甲网站', '', '甲局']]);
    expect(await refusal([noProblem], { period: '2020Q3', scope: '福建' })).toEqual(['f.csv 第2行 C列（突出问题）：此处不能为空']);
    const prose = await csv(dir, 'p.csv', [['这是一段说明文字']]);
    expect((await refusal([prose]))[0]).toMatch(/^p\.csv：没有找到可导入的表格/);
  });

  it('refuses the same site twice in a register', async () => {
    const file = await csv(dir, 's.csv', [
      ['部门/地区', '网站名称', '网站标识码'],
      ['福州市', '甲网站', '3501000009'],
      ['福州市', '甲网站（新版）', '3501000009'],
    ]);
    expect(await refusal([file])).toEqual(['s.csv 第3行：与s.csv 第2行重复']);
  });

  it('refuses register accounts with an unknown region, an empty cell or a repeat, each at its cell', async () => {
    const file = await csv(dir, 'a.csv', [
      ['部门/地区', '单位名称', '平台', '账号'],
      ['福州市', '甲局', '微信公众号', '甲局发布'],
      ['火星市', '乙局', '微博', '乙局发布'],
      ['福州市', '甲局', '', '甲局微博'],
      ['福州市', '甲局', '微信公众号', '甲局发布'],
    ]);
    const lines = await refusal([file]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^a\.csv 第3行 A列（部门\/地区）：.*火星市/);
    expect(lines.slice(1)).toEqual(['a.csv 第4行 C列（平台）：此处不能为空', 'a.csv 第5行：与a.csv 第2行重复']);
  });
});

/** GB18030 bytes of a text, through the decoder's inverse (Node ships no GBK encoder). */
function gb18030(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  const bytes: number[] = [];
  for (const ch of text) bytes.push(...(ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : (table.get(ch) ?? [0x3f])));
  return Buffer.from(bytes);
}

describe('planSheets() declaring regions', () => {
  it('attaches a known province to a declared country instead of copying it, and places cities under it', async () => {
    const file = await csv(dir, '地区.csv', [
      ['地区名称', '上级地区', '地区类型'],
      ['福建甲市', '福建省', '市'],
      ['全国', '', '全国'],
      ['福建省', '全国', '省'],
    ]);
    const plan = await planSheets([file], store.dataset(), { now });
    expect(plan.register!.newRegions.map((r) => [r.id, r.parent, r.kind])).toEqual([
      ['35/福建甲市', '35', 'city'],
      ['new/全国', undefined, 'country'],
      ['35', 'new/全国', 'province'],
    ]);
  });
});
