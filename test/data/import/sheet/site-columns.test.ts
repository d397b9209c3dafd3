import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportRefused } from '../../../../data/import/refusal.ts';
import { planSheets } from '../../../../data/import/sheet/index.ts';
import { previewLines } from '../../../../data/import/sheet/preview.ts';
import type { LowStore } from '../../../../data/store.ts';
import { openEmptyStore } from '../../../support/seeded-store.ts';
import { csv, sheetDir } from '../../../support/sheets.ts';

const templates = path.resolve(import.meta.dirname, '../../../../data/templates');
const now = new Date('2024-05-15T10:00:00+08:00');

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

const sitesHeader = ['部门/地区', '单位名称', '网站名称', '网址', '网站标识码'];
const columnsHeader = ['部门/地区', '网站名称', '栏目名称', '栏目地址', '栏目类型', '更新周期（天）'];

async function apply(files: string[]): Promise<void> {
  const plan = await planSheets(files, store.dataset(), { now });
  await store.applyRegister(plan.register!);
}

async function refusal(files: string[]): Promise<string[]> {
  try {
    await planSheets(files, store.dataset(), { now });
  } catch (err) {
    if (err instanceof ImportRefused) return err.message.split('\n').slice(1);
    throw err;
  }
  throw new Error('the import was not refused');
}

describe('planSheets() with a 栏目名册', () => {
  it("reads the template's columns onto their sites, merged 网站名称 cells taking the row above's", async () => {
    const plan = await planSheets([path.join(templates, 'register.xlsx')], store.dataset(), { now });
    expect(previewLines(plan, store.dataset(), 1)).toContain('登记了栏目的网站2个，栏目共4个。');
    await store.applyRegister(plan.register!);
    const portal = store.dataset().sites.named('福州市人民政府网')[0]!;
    expect(portal.homepage).toBe('http://www.fuzhou.gov.cn');
    expect(portal.unit?.name).toBe('福州市人民政府办公厅');
    expect(portal.unit?.contacts[0]).toMatchObject({ name: '张三', wecomUserId: 'zhangsan' });
    expect(portal.region?.name).toBe('福州市');
    expect(portal.columns).toEqual([
      { name: '政务动态', url: 'http://www.fuzhou.gov.cn/zwgk/gzdt/', kind: 'news', periodDays: 14, set: true },
      { name: '通知公告', url: 'http://www.fuzhou.gov.cn/zwgk/tzgg/', kind: 'notice', periodDays: 183, set: true },
      { name: '人事信息', url: 'http://www.fuzhou.gov.cn/zwgk/rsxx/', kind: 'other', periodDays: 90, set: true },
    ]);
    // No 栏目类型: the kind comes from the name.
    expect(store.dataset().sites.named('福州市示例局网站')[0]!.columns).toEqual([
      { name: '工作动态', url: 'http://example.fuzhou.gov.cn/gzdt/', kind: 'news', periodDays: 14, set: false },
    ]);
  });

  it('keeps the stored columns when the 网站名册 is imported again without its 栏目名册', async () => {
    await apply([path.join(templates, 'register.xlsx')]);
    await apply([path.join(templates, 'register-网站名册.csv')]);
    expect(store.dataset().sites.named('福州市人民政府网')[0]!.columns.map((c) => c.name)).toEqual([
      '政务动态',
      '通知公告',
      '人事信息',
    ]);
  });

  it("replaces a stored site's columns with the ones a later 栏目名册 lists for it", async () => {
    await apply([path.join(templates, 'register.xlsx')]);
    await apply([
      await csv(dir, '栏目.csv', [columnsHeader, ['福州市', '福州市人民政府网', '要闻', 'https://www.fuzhou.gov.cn/yw/', '', '']]),
    ]);
    const site = store.dataset().sites.named('福州市人民政府网')[0]!;
    expect(site.columns.map((c) => c.name)).toEqual(['要闻']);
    expect(site.homepage).toBe('http://www.fuzhou.gov.cn');
  });

  it('refuses columns of an unknown site, a bad address, kind or period, and a column listed twice, naming each cell', async () => {
    const sites = await csv(dir, '网站.csv', [sitesHeader, ['福州市', '福州市某局', '福州市某局网站', 'http://a.example.gov.cn', '']]);
    const columns = await csv(dir, '栏目.csv', [
      columnsHeader,
      ['福州市', '福州市某局网站', '工作动态', 'http://a.example.gov.cn/gzdt/', '', ''],
      ['福州市', '福州市某局网站', '工作动态', 'http://a.example.gov.cn/gzdt2/', '', ''],
      ['福州市', '福州市某局网站', '通知公告', 'a.example.gov.cn/tzgg', '', ''],
      ['福州市', '福州市某局网站', '专题', 'http://a.example.gov.cn/zt/', '专题类', '三十'],
      ['福州市', '福州市不存在网站', '工作动态', 'http://b.example.gov.cn/gzdt/', '', ''],
    ]);
    const problems = await refusal([sites, columns]);
    expect(problems).toEqual([
      '栏目.csv 第3行：与栏目.csv 第2行重复',
      '栏目.csv 第4行 D列（栏目地址）：栏目地址“a.example.gov.cn/tzgg”应为以 http:// 或 https:// 开头的完整网址',
      '栏目.csv 第5行 E列（栏目类型）：栏目类型“专题类”应为“动态要闻”“通知公告政策文件”或“其他”',
      '栏目.csv 第5行 F列（更新周期（天））：更新周期“三十”应为1至3660之间的天数',
      '栏目.csv 第6行：网站“福州市不存在网站”不在网站名册中：请先登记该网站（可在同一次导入的“网站名册”表中）',
    ]);
    expect(store.dataset().register.sites).toEqual([]);
  });

  it('asks for the region when two registered sites share the name the row gives alone', async () => {
    await apply([
      await csv(dir, '网站.csv', [
        sitesHeader,
        ['福州市', '甲', '教育局网站', 'http://jyj.fz.example.gov.cn', ''],
        ['厦门市', '乙', '教育局网站', 'http://jyj.xm.example.gov.cn', ''],
      ]),
    ]);
    const problems = await refusal([
      await csv(dir, '栏目.csv', [
        ['网站名称', '栏目名称', '栏目地址'],
        ['教育局网站', '工作动态', 'http://jyj.xm.example.gov.cn/gzdt/'],
      ]),
    ]);
    expect(problems).toEqual([
      '栏目.csv 第2行：有2个网站名为“教育局网站”（福州市、厦门市）：请填写“部门/地区”或“网站标识码”',
    ]);
    await apply([
      await csv(dir, '栏目2.csv', [
        ['部门/地区', '网站名称', '栏目名称', '栏目地址'],
        ['厦门', '教育局网站', '工作动态', 'http://jyj.xm.example.gov.cn/gzdt/'],
      ]),
    ]);
    const byRegion = store
      .dataset()
      .sites.named('教育局网站')
      .map((s) => [s.region?.name, s.columns.length]);
    expect(byRegion).toEqual([
      ['福州市', 0],
      ['厦门市', 1],
    ]);
  });
});
