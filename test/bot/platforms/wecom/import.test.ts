import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as oracle from '@wecom/crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../bot/config.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { start } from '../../../../bot/main.ts';
import { SEED_NOTICE } from '../../../../data/import/seed.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';
import { KEY, signedPost, TOKEN, textMessage } from './helpers.ts';

/**
 * Import from the group, end to end on the WeCom fake and the real bot (bot/main.ts start): the
 * admin pastes a notice in the group → the passive reply is the preview → /apply → /rate answers
 * the new round → the round's alert reaches the group's robot on the fake.
 */
const Q2 = readFileSync(SEED_NOTICE, 'utf8')
  .replaceAll('第一季度', '第二季度')
  .replaceAll('3月底', '6月底')
  .replaceAll('2020年4月', '2020年7月');

let dir: string;
let fake: FakeWecom;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'chat-import-'));
  fake = await FakeWecom.start({ keys: ['robot-fj'] });
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a notice pasted in a WeCom group', () => {
  it('is previewed, applied with /apply, answered by /rate and alerted to the group robot', async () => {
    const groupsFile = path.join(dir, 'groups.json');
    await writeFile(
      groupsFile,
      JSON.stringify({
        groups: [
          {
            id: 'fj',
            name: '省政府办公厅群',
            platform: 'wecom',
            robot: { key: 'env:FJ_KEY' },
            chatId: 'wrFUZHOU',
            follows: { regions: ['福建省'], units: [] },
            admins: [{ name: '张三', wecomUserId: 'zhangsan' }],
          },
        ],
      }),
    );
    const env = {
      DATA_DIR: dir,
      GROUPS_FILE: groupsFile,
      PORT: '0',
      HOST: '127.0.0.1',
      WECOM_MODE: 'callback',
      WECOM_TOKEN: TOKEN,
      WECOM_ENCODING_AES_KEY: KEY,
      WECOM_API_BASE: fake.url,
      FJ_KEY: 'robot-fj',
    };
    const running = await start(loadConfig(env), env, silentLogger);
    const base = `http://127.0.0.1:${running.port}`;
    async function say(text: string): Promise<string> {
      const req = signedPost(textMessage(text));
      const res = await fetch(`${base}/wecom?${req.query}`, { method: 'POST', body: req.body });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { encrypt: string };
      return (JSON.parse(oracle.decrypt(KEY, body.encrypt).message) as { stream: { content: string } }).stream.content;
    }
    try {
      const preview = await say(Q2);
      // Chat text is escaped before it is sent: an @ in the round key would mention someone.
      expect(preview).toContain('导入预览：2020Q2＠35');
      expect(preview).toContain('1. 省直部门　福建省教育厅：栏目不更新（单项否决）［单项否决］');
      expect(preview).toContain('30分钟内发送 /apply 导入，发送 /cancel 放弃。');
      expect(fake.delivered('robot-fj')).toEqual([]);

      expect(await say('/apply')).toContain('已导入 2020Q2＠35，告警和整改提醒随后发出。');
      expect(await say('/rate')).toContain('2020年第二季度');
      await fake.waitFor('the alert', () => fake.delivered('robot-fj').length > 0, 10_000);
      expect(JSON.stringify(fake.delivered('robot-fj'))).toContain('福建省教育厅');
    } finally {
      await running.stop();
    }
  }, 30_000);
});
