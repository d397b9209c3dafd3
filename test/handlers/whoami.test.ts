import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGroups } from '../../bot/groups.ts';
import { silentLogger } from '../../bot/logger.ts';
import { answer } from '../../bot/pipeline.ts';
import { replyToText } from '../../handlers/reply.ts';
import { openSeededStore } from '../support/seeded-store.ts';
import { wecomGroup } from '../support/alert-world.ts';

let seeded: Awaited<ReturnType<typeof openSeededStore>>;
beforeAll(async () => {
  seeded = await openSeededStore();
});
afterAll(() => seeded.cleanup());

const groups = makeGroups([wecomGroup('fz', ['福州'], { chatId: 'wrFZ001' } as never)]);
const ask = async (text: string, sender: Parameters<typeof answer>[2], groupId?: string, chat?: string) =>
  replyToText(
    await answer(
      {
        store: seeded.store,
        log: silentLogger,
        now: () => new Date('2020-04-14T10:00:00+08:00'),
        services: { groups },
      },
      text,
      sender,
      groupId,
      chat,
    ),
  );

describe('/whoami', () => {
  it('tells a WeCom user their userid and an undeclared chat its chatid', async () => {
    expect(await ask('/whoami', { platform: 'wecom', wecomUserId: 'lisi' }, undefined, 'wrNEW42')).toBe(
      [
        '您的账号',
        '平台：企业微信',
        '企业微信 userid：lisi',
        '本群 chatid：wrNEW42',
        '本群尚未在 groups.json 中登记；请把上面的会话ID告诉运维人员（见 README“Groups”）。',
        '要让提醒@到您，请把上面的账号交给管理员，登记到单位名册（企业微信账号、钉钉账号列）或 groups.json 的 admins。',
      ].join('\n'),
    );
  });

  it('tells a DingTalk user their userId and name, and whether they administer the declared group', async () => {
    const text = await ask(
      '我是谁',
      { platform: 'dingtalk', dingtalkUserId: 'manager1', name: '张三' },
      'fz',
      'cidFZ',
    );
    expect(text.split('\n')).toEqual([
      '您的账号',
      '平台：钉钉',
      '姓名：张三',
      '钉钉 userId：manager1',
      '本群 conversationId：cidFZ',
      '本群已登记：fz群（fz）',
      '您不是本群管理员；管理员：王管理。',
      '要让提醒@到您，请把上面的账号交给管理员，登记到单位名册（企业微信账号、钉钉账号列）或 groups.json 的 admins。',
    ]);
    expect(await ask('/whoami', { platform: 'wecom', wecomUserId: 'admin-fz' }, 'fz', 'wrFZ001')).toContain(
      '您是本群管理员。',
    );
  });
});
