import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanReminders } from '../../bot/reminders/job.ts';
import type { HandlerContext } from '../../handlers/context.ts';
import { senderName } from '../../handlers/task-scope.ts';
import { openTaskWorld, people, type TaskWorld } from '../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

const at = '2020-04-15T10:00:00+08:00';

describe('/done <单位或条目>', () => {
  it('lets the unit’s own contact close its tasks, confirming in the group', async () => {
    expect(await world.say('/done 平潭综合实验区管委会', { at, as: people.zhang, group: 'pt' })).toBe(
      [
        '已记录：平潭综合实验区管委会整改情况已报送',
        '【微信公众号】平潭政务：内容不更新',
        '由张三（wecom:zhangsan）确认，已停止这1项的提醒。',
      ].join('\n'),
    );
  });

  it('lets a group admin close a task the group follows, named by its item', async () => {
    const text = await world.say('/done 平潭政务', { at, as: people.lin, group: 'pt' });
    expect(text.split('\n')[0]).toBe('已记录：平潭综合实验区管委会整改情况已报送');
  });

  it('accepts a unit’s alias and a unique part of its name', async () => {
    expect(await world.say('/done 省教育厅', { at, as: people.wang, group: 'fj' })).toMatch(
      /^已记录：福建省教育厅/,
    );
    expect(await world.say('/done 民政', { at, as: people.wang, group: 'fj' })).toMatch(
      /^已记录：福建省民政厅/,
    );
  });

  it('tells someone not allowed who may', async () => {
    expect(await world.say('/done 平潭综合实验区管委会', { at, as: people.stranger, group: 'pt' })).toBe(
      [
        '只有本群管理员或平潭综合实验区管委会登记的联系人可以标记整改已报送。',
        '可以标记的人：张三、林科长',
      ].join('\n'),
    );
    expect(world.tasks.data.done).toEqual({});
  });

  it('tells the admin of a group that does not follow the unit that the group does not, and who may', async () => {
    const text = await world.say('/done 福建省教育厅', { at, as: people.lin, group: 'pt' });
    expect(text).toBe(
      [
        '平潭整改群未关注福建省教育厅，不能在本群标记。请由关注该单位的群的管理员或福建省教育厅登记的联系人标记。',
        '可以标记的人：陈老师、王主任',
      ].join('\n'),
    );
    expect(world.tasks.data.done).toEqual({});
  });

  it('does not claim the group has no admins when it only does not follow a unit without contacts', async () => {
    const text = await world.say('/done 福建省民政厅', { at, as: people.lin, group: 'pt' });
    expect(text).toBe(
      [
        '平潭整改群未关注福建省民政厅，不能在本群标记。请由关注该单位的群的管理员或福建省民政厅登记的联系人标记。',
        '可以标记的人：王主任',
      ].join('\n'),
    );
  });

  it('confirms with the name registered for the sender, not the platform id', async () => {
    // 张三 writes from WeCom: the message carries only his userid; the register knows his name.
    const text = await world.say('/done 平潭政务', { at, as: { wecomUserId: 'zhangsan' }, group: 'pt' });
    expect(text.split('\n').at(-1)).toBe('由张三（wecom:zhangsan）确认，已停止这1项的提醒。');
  });

  it('names a sender nobody registered by their platform id, marked as such, never （未署名）', async () => {
    const ctx = {
      data: world.store.dataset(),
      services: {},
      sender: { platform: 'wecom' as const, wecomUserId: 'wx-new' },
    } as unknown as HandlerContext;
    expect(senderName(ctx)).toBe('未登记姓名（wecom:wx-new）');
    expect(
      senderName({ ...ctx, sender: { platform: 'dingtalk', dingtalkUserId: 'u1', name: '钉钉昵称' } }),
    ).toBe('钉钉昵称（dingtalk:u1）');
  });

  it('says whom to register when nobody may close the task', async () => {
    const text = await world.say('/done 福建省民政厅', { at, as: people.stranger, group: 'unknown-chat' });
    expect(text.split('\n')[1]).toBe(
      '本群未登记管理员，福建省民政厅也未登记联系人。请在 groups.json 的 admins 或单位名册中登记后再试。',
    );
  });

  it('stops the task’s reminders', async () => {
    await world.say('/done 平潭政务', { at, as: people.zhang, group: 'pt' });
    await scanReminders(world.deps(), new Date('2020-04-16T09:00:00+08:00'));
    expect(world.outbox.messages.map((m) => m.reply.title)).not.toContain('整改提醒：平潭综合实验区管委会');
  });

  it('answers a second /done with who closed it and when', async () => {
    await world.say('/done 平潭政务', { at, as: people.zhang, group: 'pt' });
    expect(await world.say('/done 平潭政务', { at, as: people.lin, group: 'pt' })).toBe(
      '平潭综合实验区管委会已于2020-04-15由张三（wecom:zhangsan）标记为已报送。',
    );
  });

  it('asks for the full name when the text fits several units', async () => {
    expect(await world.say('/done 福建省', { at, as: people.wang, group: 'fj' })).toBe(
      '“福建省”对应多个单位：福建省教育厅、福建省民政厅。请写出单位全称。',
    );
  });

  it('lists the open units when nothing matches', async () => {
    expect(await world.say('/done 福州市', { at, as: people.wang, group: 'fj' })).toBe(
      [
        '未找到未完成的整改任务“福州市”。',
        '未完成的单位：福建省教育厅、福建省民政厅、平潭综合实验区管委会',
      ].join('\n'),
    );
  });

  it('shows its usage without an argument', async () => {
    expect(await world.say('/done', { at, as: people.wang, group: 'fj' })).toBe(
      '用法：/done <单位或条目>，例：/done 福建省教育厅',
    );
  });
});
