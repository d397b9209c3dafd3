import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../../bot/cli/import.ts';
import { runJobs } from '../../../bot/cli/jobs.ts';
import { type ProbeSites, startProbeSites } from '../../support/probe-sites.ts';

let sites: ProbeSites;
let dir: string;

beforeAll(async () => {
  sites = await startProbeSites('2024-05-15');
  dir = await mkdtemp(path.join(tmpdir(), 'probe-job-'));
});
afterAll(async () => {
  await sites.close();
  await rm(dir, { recursive: true, force: true });
});

describe('runJobs(probe --dry-run)', () => {
  it("prints each site's standing per rule against the fixture server, and writes nothing", async () => {
    const file = path.join(dir, 'sites.json');
    const cols = ['news', 'news-10', 'stale-news', 'stale-notice', 'blank', 'empty-list', 'undated'];
    const names = ['工作动态', '部门动态', '要闻', '通知公告', '专题专栏', '人事信息', '图片新闻'];
    await writeFile(
      file,
      JSON.stringify([
        {
          id: 'fz',
          name: '福州市人民政府',
          url: `${sites.base}/`,
          regionId: '350100',
          columns: cols.map((c, i) => ({ name: names[i], url: `${sites.base}/col/${c}` })),
        },
        { id: 'waf', name: '某县政府', url: `${sites.base}/waf412`, regionId: '350100' },
      ]),
    );
    const lines: string[] = [];
    const env = { DATA_DIR: path.join(dir, 'data'), PROBE_CONTACT: 'mailto:ops@example.gov.cn' };
    const code = await runJobs(
      ['probe', '--now', '2024-05-15T10:00:00+08:00', '--dry-run', '--sites', file],
      env,
      (l) => lines.push(l),
    );
    const text = lines.join('\n');
    expect(code).toBe(0);
    expect(text).toContain('【福州市人民政府】');
    expect(text).toContain('首页不更新：正常（最新信息2024-05-13，已2天未更新；满14天否决）');
    expect(text).toContain('部门动态已10天未更新，再过4天超期');
    expect(text).toContain('栏目不更新：预警（超期的动态/要闻、通知公告/政策文件栏目3个');
    expect(text).toContain('空白栏目：正常（2个，满5个否决）：专题专栏、人事信息');
    expect(text).toMatch(/【某县政府】[^【]*近7天被防火墙拦截1次（不计为无法访问/);
    expect(text).toContain('本周已失败0次，再失败');
  });

  it("reads the register's sites and columns when no --sites file is given", async () => {
    const env = { DATA_DIR: path.join(dir, 'register-data'), PROBE_CONTACT: 'mailto:ops@example.gov.cn' };
    const register = path.join(dir, '网站名册.csv');
    const columns = path.join(dir, '栏目名册.csv');
    await writeFile(
      register,
      [
        '部门/地区,单位名称,网站名称,网址,联系人,联系电话',
        `福州市,福州市人民政府办公厅,福州市人民政府网,${sites.base}/,张三,13800000001`,
        `鼓楼区,鼓楼区人民政府办公室,鼓楼区人民政府网,${sites.base}/home-stale,,`,
        '台江区,台江区人民政府办公室,台江区人民政府网,,,',
      ].join('\n'),
    );
    await writeFile(
      columns,
      [
        '部门/地区,网站名称,栏目名称,栏目地址,栏目类型',
        `福州市,福州市人民政府网,政务动态,${sites.base}/col/news-10,动态要闻`,
        `,,通知公告,${sites.base}/col/stale-notice,`,
        `,,专题专栏,${sites.base}/col/blank,其他`,
        `鼓楼区,鼓楼区人民政府网,工作动态,${sites.base}/col/stale-news,`,
      ].join('\n'),
    );
    const imported: string[] = [];
    expect(await runImport([register, columns, '--apply'], env, (l) => imported.push(l))).toBe(0);
    expect(imported).toContain('登记了栏目的网站2个，栏目共4个。');

    const lines: string[] = [];
    const code = await runJobs(['probe', '--now', '2024-05-15T10:00:00+08:00', '--dry-run'], env, (l) =>
      lines.push(l),
    );
    const text = lines.join('\n');
    expect(code).toBe(0);
    // Sites without a homepage are not probed; the others in register order, rule by rule.
    expect(text).not.toContain('台江区');
    const fz = text.slice(text.indexOf('【福州市人民政府网】'), text.indexOf('【鼓楼区人民政府网】'));
    expect(fz).toContain(`【福州市人民政府网】${sites.base}/`);
    expect(fz).toContain('站点无法访问：数据不足。');
    expect(fz).toContain('首页不更新：正常（最新信息2024-05-13，已2天未更新；满14天否决）。');
    expect(fz).toContain('政务动态已10天未更新，再过4天超期');
    expect(fz).toContain('通知公告已200天未更新（周期183天）');
    expect(fz).toContain('空白栏目：正常（1个，满5个否决）：专题专栏。');
    const gl = text.slice(text.indexOf('【鼓楼区人民政府网】'));
    expect(gl).toContain('首页不更新：预警（最新信息2024-05-02，已13天未更新；满14天否决）。');
    expect(gl).toContain('工作动态已20天未更新（周期14天）');
  });

  it('says how to register sites when the register has none with a homepage', async () => {
    const lines: string[] = [];
    const code = await runJobs(['probe', '--dry-run'], { DATA_DIR: path.join(dir, 'data') }, (l) =>
      lines.push(l),
    );
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain('请导入网站名册');
    expect(lines.join('\n')).toContain('--sites');
  });
});
