import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sender } from '../../handlers/context.ts';
import { wecomGroup } from '../support/alert-world.ts';
import { openChat } from '../support/chat.ts';

const admin: Sender = { platform: 'wecom', name: '王管理', wecomUserId: 'admin-fz' };
const member: Sender = { platform: 'wecom', name: '张三', wecomUserId: 'zhangsan' };
const operator: Sender = { platform: 'cli' };

let chat: Awaited<ReturnType<typeof openChat>>;
beforeAll(async () => {
  chat = await openChat([
    wecomGroup('fz', ['福州'], { name: '福州检查群' }),
    wecomGroup('bare', [], { admins: [] }),
  ]);
});
afterAll(() => chat.cleanup());

describe('/subs', () => {
  it('lists what the group follows, as declared', async () => {
    expect(await chat.say('/subs', member, 'fz')).toBe(
      ['福州检查群的订阅', '关注地区：福州市', '关注单位：无', '本期关注范围内无不合格项时不另行通知。'].join(
        '\n',
      ),
    );
  });

  it('asks to be used in a declared group', async () => {
    expect(await chat.say('/subs', member)).toBe('请在已登记的群里使用订阅命令。');
  });
});

describe('/sub and /unsub', () => {
  it('lets an admin follow a region, covering its districts', async () => {
    const text = await chat.say('/sub 平潭', admin, 'fz');
    expect(text).toContain('已关注平潭综合实验区。');
    expect(text).toContain('关注地区：福州市、平潭综合实验区');
    expect(await chat.say('/sub 福建', admin, 'fz')).toContain('已关注福建省（含下辖地区）。');
  });

  it('lets an admin follow a unit named in a notice', async () => {
    expect(await chat.say('关注 福建省教育厅', admin, 'fz')).toContain('已关注单位“福建省教育厅”。');
  });

  it('says so when the group already follows it', async () => {
    expect(await chat.say('/sub 平潭', admin, 'fz')).toMatch(
      /^福州检查群的订阅\n本群已关注平潭综合实验区，无需重复订阅。/,
    );
  });

  it('lets an admin stop following, and says when the group did not follow it', async () => {
    expect(await chat.say('/unsub 福建', admin, 'fz')).toContain('已取消关注福建省。');
    expect(await chat.say('/unsub 厦门', admin, 'fz')).toContain('本群未关注厦门市。');
  });

  it('politely refuses anyone but the group admins, naming them', async () => {
    expect(await chat.say('/sub 厦门', member, 'fz')).toBe(
      '抱歉，只有本群管理员可以修改订阅。\n如需调整，请联系：王管理。',
    );
    expect(await chat.say('/unsub 福州', member, 'fz')).toContain('只有本群管理员');
    expect(await chat.say('/sub 厦门', member, 'bare')).toContain('本群尚未登记管理员');
  });

  it('lets the operator at the shell change a group', async () => {
    expect(await chat.say('/sub 厦门', operator, 'bare')).toContain('已关注厦门市（含下辖地区）。');
  });

  it('suggests close names for an unknown region and changes nothing', async () => {
    const text = await chat.say('/sub 福洲', admin, 'fz');
    expect(text).toContain('未找到地区“福洲”');
    expect(text).toContain('福州');
    expect(await chat.say('/subs', admin, 'fz')).toContain('关注地区：福州市、平潭综合实验区');
  });

  it('explains its usage without an argument', async () => {
    expect(await chat.say('/sub', admin, 'fz')).toBe(
      '用法：/sub <地区或单位>，例：/sub 福州　/sub 福建省教育厅',
    );
  });
});
