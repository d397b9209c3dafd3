import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config.ts';
import { start } from '../../../bot/main.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { FakeWecom } from '../../fakes/wecom.ts';
import { otherRound } from '../../support/rounds.ts';

/** The bot as `npm start` runs it, pushing to a fake WeCom: alerts from imports, restarts. */
let dir: string;
let fake: FakeWecom;
let env: Record<string, string>;
const content = (b: unknown) => (b as { markdown: { content: string } }).markdown.content;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'delivery-'));
  fake = await FakeWecom.start({ keys: ['k-sheng'] });
  const groupsFile = path.join(dir, 'groups.json');
  await writeFile(
    groupsFile,
    JSON.stringify({
      groups: [
        {
          id: 'sheng',
          name: '省政务公开办',
          platform: 'wecom',
          follows: { regions: ['福建'] },
          admins: [{ name: '王管理', wecomUserId: 'wang' }],
          robot: { key: 'env:SHENG_KEY' },
        },
      ],
    }),
  );
  env = {
    DATA_DIR: path.join(dir, 'data'),
    GROUPS_FILE: groupsFile,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    WECOM_API_BASE: fake.url,
    SHENG_KEY: 'k-sheng',
  };
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const settleBriefly = () => new Promise((r) => setTimeout(r, 100));

describe('alerts and the outbox in the running bot', () => {
  it('alerts nobody about the shipped round it seeds on first start', async () => {
    const running = await start(loadConfig(env), env, silentLogger);
    await settleBriefly();
    await running.stop();
    expect(fake.pushes).toHaveLength(0);
  });

  it('pushes the failures of an imported round to the following group', async () => {
    const running = await start(loadConfig(env), env, silentLogger);
    try {
      const base = running.store.dataset().rounds[0]!.file;
      await running.imports.apply(
        otherRound(base, '2020Q2', (f) => f.failures.splice(2)),
        new Date(),
      );
      await fake.waitFor('the alert', () => fake.delivered('k-sheng').length === 1);
      const text = content(fake.delivered('k-sheng')[0]);
      expect(text).toContain('2020年第二季度本群关注范围内2项不合格');
      expect(text).toContain('【连续2期不合格】');
      expect(text).toContain('上期不合格，本期已合格');
    } finally {
      await running.stop();
    }
  });

  it('sends nothing again after a restart', async () => {
    const running = await start(loadConfig(env), env, silentLogger);
    await settleBriefly();
    await running.stop();
    expect(fake.pushes).toHaveLength(1);
  });

  it('queues on start the alerts of an import the process died before alerting', async () => {
    const first = await start(loadConfig(env), env, silentLogger);
    const base = first.store.dataset().rounds[0]!.file;
    // Written straight to the store, as if the process died before the listeners ran.
    await first.store.applyImport(otherRound(base, '2020Q3'), new Date());
    await first.stop();
    const again = await start(loadConfig(env), env, silentLogger);
    try {
      await fake.waitFor('the caught-up alert', () => fake.delivered('k-sheng').length === 2);
      expect(content(fake.delivered('k-sheng')[1])).toContain('2020年第三季度本群关注范围内3项不合格');
    } finally {
      await again.stop();
    }
  });
});
