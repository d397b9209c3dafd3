import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../bot/config.ts';
import { silentLogger } from '../../bot/logger.ts';
import { start } from '../../bot/main.ts';
import type { Failure } from '../../data/schema.ts';
import { otherRound, setTally } from './rounds.ts';

export const TOKEN = 'dashboard-token-0123456789';

/**
 * The whole bot on 127.0.0.1 with DASHBOARD_TOKEN set, holding the shipped Fujian 2020Q1 round
 * and a 2020Q2 that also lists three of 福州's districts: 鼓楼区 websites 10/10/1 (鼓楼区示例网站, a
 * veto, its unit named with markup), 台江区 10/10/0, 仓山区 20/20/0; 福州市 websites 40/40/1.
 * 福建省教育厅 fails in both rounds (连续2期).
 */
export async function openDashboardWorld(over: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashboard-'));
  const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DASHBOARD_TOKEN: TOKEN, ...over };
  const running = await start(loadConfig(env), env, silentLogger);
  const base = running.store.dataset().rounds[0]!.file;
  const district: Failure = {
    id: 'gulou-1',
    channel: 'website',
    regionId: '350102',
    regionText: '鼓楼区',
    unitName: '鼓楼区<b>示例</b>局',
    subject: '鼓楼区示例网站',
    problem: '栏目不更新（单项否决）',
    problemCode: 'W_COLUMN_STALE',
    veto: true,
  };
  const write = otherRound(base, '2020Q2', (f) => {
    setTally(f, '3501', 'website', { total: 40, checked: 40, failed: 1 });
    setTally(f, '3501', 'newmedia', { total: 100, checked: 100, failed: 0 });
    const add = (regionId: string, website: number[], newmedia: number[]) => {
      f.tallies.push({ regionId, channel: 'website', total: website[0]!, checked: website[1]!, failed: website[2]! });
      f.tallies.push({ regionId, channel: 'newmedia', total: newmedia[0]!, checked: newmedia[1]!, failed: newmedia[2]! });
    };
    add('350102', [10, 10, 1], [30, 30, 0]);
    add('350103', [10, 10, 0], [30, 30, 0]);
    add('350104', [20, 20, 0], [40, 40, 0]);
    f.failures.push(district);
  });
  await running.imports.apply(write, new Date('2020-07-10T09:00:00+08:00'));
  return {
    running,
    base: `http://127.0.0.1:${running.port}`,
    async cleanup() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
