import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobs } from '../../../bot/cli/jobs.ts';

let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'jobs-cli-'));
  env = { DATA_DIR: dir, LOG_LEVEL: 'silent' };
  const groups = [
    { id: 'pt', name: '平潭整改群', platform: 'wecom', follows: { units: ['平潭综合实验区管委会'] } },
    { id: 'xm', name: '厦门群', platform: 'wecom', follows: { regions: ['厦门市'] } },
  ];
  await writeFile(path.join(dir, 'groups.json'), JSON.stringify({ groups }));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const run = async (...argv: string[]) => {
  const lines: string[] = [];
  const code = await runJobs(argv, env, (l) => lines.push(l));
  return { code, text: lines.join('\n') };
};

describe('npm run jobs -- reminders --now <ISO> --dry-run', () => {
  it('prints the reminders the scan would queue at that time, per group', async () => {
    const { code, text } = await run('reminders', '--now', '2020-04-16T09:00:00+08:00', '--dry-run');
    expect(code).toBe(0);
    expect(text).toContain('→ 平潭整改群（pt）［before-1］\n整改提醒：平潭综合实验区管委会');
    expect(text).toContain('整改情况报送截止2020年4月17日（周五），还剩1个工作日。');
    expect(text).toContain('（福建省教育厅［before-1］：没有群关注该单位或地区，不发送）');
    expect(text.split('\n').at(-1)).toBe('共1条提醒。');
  });

  it('records nothing, so the bot still sends the same reminders', async () => {
    await run('reminders', '--now', '2020-04-16T09:00:00+08:00', '--dry-run');
    expect(existsSync(path.join(dir, 'tasks.json'))).toBe(false);
    const again = await run('reminders', '--now', '2020-04-16T09:00:00+08:00', '--dry-run');
    expect(again.text).toContain('共1条提醒。');
  });

  it('finds nothing to send long after the round', async () => {
    expect((await run('reminders', '--now', '2024-05-06T09:00:00+08:00', '--dry-run')).text).toContain('共0条提醒。');
  });

  it('only previews: without --dry-run it explains that the running bot sends', async () => {
    const { code, text } = await run('reminders', '--now', '2020-04-16T09:00:00+08:00');
    expect(code).toBe(2);
    expect(text).toMatch(/^只能预览（--dry-run）/);
  });

  it('rejects an unknown job, argument or time', async () => {
    expect((await run('alerts', '--dry-run')).text).toMatch(/^没有名为“alerts”的任务/);
    expect((await run('reminders', '--soon')).text).toMatch(/^无法识别的参数“--soon”/);
    expect((await run('reminders', '--now', 'tomorrow', '--dry-run')).text).toMatch(/^--now 的时间无法识别：tomorrow/);
  });
});
