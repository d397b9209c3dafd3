import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobs } from '../../../bot/cli/jobs.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { FileProbeStore } from '../../../data/probe/store.ts';
import { LowStore } from '../../../data/store.ts';
import { reading, registerSites, week } from '../../support/probe-world.ts';

/** `npm run jobs -- probe-warn` with no bot running: under the data directory's lock, into the outbox. */
let dir: string;
let env: Record<string, string>;
const now = '2024-05-11T09:00:00+08:00';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'jobs-probe-warn-'));
  const dataDir = path.join(dir, 'data');
  const store = await LowStore.open(dataDir);
  await registerSites(store);
  await store.close();
  const probes = await FileProbeStore.open(dataDir);
  week(probes, 's-gl', new Date(now), 0);
  probes.setReading('s-gl', reading(new Date(now), 10));
  await probes.flush('2024-05-11');
  const groupsFile = path.join(dir, 'groups.json');
  await writeFile(
    groupsFile,
    JSON.stringify({
      groups: [
        {
          id: 'fz',
          name: '福州群',
          platform: 'wecom',
          follows: { regions: ['福州'] },
          admins: [{ name: '王管理', wecomUserId: 'wang' }],
          robot: { key: 'env:FZ_KEY' },
        },
      ],
    }),
  );
  env = { DATA_DIR: dataDir, GROUPS_FILE: groupsFile, FZ_KEY: 'k-fz', LOG_LEVEL: 'silent' };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function jobs(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runJobs(argv, env, (l) => lines.push(l));
  return { code, text: lines.join('\n') };
}

describe('runJobs(probe-warn)', () => {
  it('previews the warnings with --dry-run and writes nothing', async () => {
    const { code, text } = await jobs(['probe-warn', '--now', now, '--dry-run']);
    expect(code).toBe(0);
    expect(text).toBe(
      [
        '站点监测预警预览（2024-05-11T01:00:00.000Z），不写入、不发送：',
        '→ 福州群（fz）',
        '站点监测预警：1项',
        '以下网站按监测已接近或达到单项否决条件，请在检查前整改：',
        '1. 鼓楼区人民政府网（鼓楼区人民政府办公室）【预警】首页不更新：已10天未更新，再过4天将触发单项否决',
        '@李四',
        '',
        '共1条消息。',
      ].join('\n'),
    );
    const outbox = await Outbox.open(env.DATA_DIR!);
    expect(outbox.pending()).toHaveLength(0);
    await outbox.close();
  });

  it('queues them once in the outbox for the bot to send, and nothing on a second run', async () => {
    expect(await jobs(['probe-warn', '--now', now])).toEqual({ code: 0, text: expect.stringContaining('已加入发送队列1条消息。') });
    expect(await jobs(['probe-warn', '--now', '2024-05-11T18:00:00+08:00'])).toEqual({
      code: 0,
      text: '已加入发送队列0条消息。',
    });
    const outbox = await Outbox.open(env.DATA_DIR!);
    expect(outbox.pending().map((e) => [e.groupId, e.kind, e.reply?.title])).toEqual([['fz', 'notice', '站点监测预警：1项']]);
    await outbox.close();
  });
});
