import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('asks for the sites file when none is given', async () => {
    const lines: string[] = [];
    const code = await runJobs(['probe', '--dry-run'], { DATA_DIR: path.join(dir, 'data') }, (l) =>
      lines.push(l),
    );
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain('--sites');
  });
});
