import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanReminders } from '../../../bot/reminders/job.ts';
import { planReminders } from '../../../data/deadlines/plan.ts';
import { openTaskWorld, type TaskWorld } from '../../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

const scan = (iso: string, opts: { dryRun?: boolean } = {}) => scanReminders(world.deps(), new Date(iso), opts);
const titles = (groupId?: string) => world.outbox.messages.filter((m) => !groupId || m.groupId === groupId).map((m) => m.reply.title);

describe('scanReminders(now)', () => {
  it('sends nothing before the first reminder is due', async () => {
    await scan('2020-04-13T18:00:00+08:00');
    expect(world.outbox.messages).toEqual([]);
  });

  it('reminds every group that follows the unit or its region, @-mentioning the unit’s contacts', async () => {
    await scan('2020-04-14T09:00:00+08:00');
    expect(titles('fj')).toEqual(['整改提醒：福建省教育厅', '整改提醒：福建省民政厅', '整改提醒：平潭综合实验区管委会']);
    expect(titles('pt')).toEqual(['整改提醒：平潭综合实验区管委会']);
    const pt = world.outbox.messages.find((m) => m.groupId === 'pt')!;
    expect(pt.reply.lines).toEqual([
      '2020年第一季度检查发现【微信公众号】平潭政务：内容不更新',
      '整改情况报送截止2020年4月17日（周五），还剩3个工作日。',
      '报送至：省政府办公厅。',
      '报送后请在群里发送：/done 平潭综合实验区管委会',
    ]);
    expect(pt.reply.mentions).toEqual([{ name: '张三', wecomUserId: 'zhangsan' }]);
  });

  it('tells the group whom to add when the unit has no contacts', async () => {
    await scan('2020-04-14T09:00:00+08:00');
    const mzt = world.outbox.messages.find((m) => m.reply.title === '整改提醒：福建省民政厅')!;
    expect(mzt.reply.mentions).toEqual([]);
    expect(mzt.reply.lines).toContain(
      '福建省民政厅尚未登记联系人，本提醒无法@到责任人。请管理员把福建省民政厅负责整改的同志拉进本群，并在单位名册中登记其手机号或企业微信、钉钉账号。',
    );
  });

  it('sends each reminder once across a restart at every step of the plan', async () => {
    const steps = planReminders({ date: '2020-04-17' }, world.calendar).steps;
    for (const step of steps) {
      const moment = new Date(step.at.getTime() + 60_000).toISOString();
      await scan(moment);
      await world.restart();
      await scan(moment);
    }
    // 13 steps × (3 tasks in 省政府办公厅群 + 1 in 平潭整改群), none twice.
    expect(world.outbox.messages).toHaveLength(13 * 4);
    expect(new Set(world.outbox.messages.map((m) => m.key)).size).toBe(13 * 4);
  });

  it('does not ping twice when the process died after queueing but before recording', async () => {
    const first = await scan('2020-04-16T09:00:00+08:00', { dryRun: true });
    const d = first.due[0]!.deliveries[0]!;
    // The previous process queued this one, then crashed before writing tasks.json.
    await world.outbox.enqueue({ key: d.outboxKey, groupId: d.group.id, reply: d.reply });
    await world.restart();
    await scan('2020-04-16T09:01:00+08:00');
    expect(world.outbox.messages.filter((m) => m.key === d.outboxKey)).toHaveLength(1);
    expect((await scan('2020-04-16T09:10:00+08:00')).due).toEqual([]);
  });

  it('catches up after downtime with only the latest missed reminder of each task, once', async () => {
    await scan('2020-04-13T18:00:00+08:00');
    // Down from Monday evening until Wednesday after the deadline week (overdue-3 is due).
    await world.restart();
    await scan('2020-04-22T10:30:00+08:00');
    await scan('2020-04-22T10:35:00+08:00');
    expect(titles('pt')).toEqual(['整改逾期：平潭综合实验区管委会']);
    expect(world.outbox.messages.find((m) => m.groupId === 'pt')!.reply.lines[1]).toBe(
      '整改情况报送截止2020年4月17日（周五），已逾期3个工作日。',
    );
    expect(world.outbox.messages).toHaveLength(4);
  });

  it('@-mentions the group’s admins as well after 2 overdue working days', async () => {
    await scan('2020-04-21T09:00:00+08:00');
    await scan('2020-04-22T09:00:00+08:00');
    const [day2, day3] = world.outbox.messages.filter((m) => m.groupId === 'pt').map((m) => m.reply);
    expect(day2!.mentions).toEqual([{ name: '张三', wecomUserId: 'zhangsan' }]);
    expect(day3!.mentions).toEqual([
      { name: '张三', wecomUserId: 'zhangsan' },
      { name: '林科长', wecomUserId: 'linkz' },
    ]);
    expect(day3!.lines).toContain('逾期多日，请管理员督办。');
  });

  it('stops reminding a task once it is marked done', async () => {
    await scan('2020-04-14T09:00:00+08:00');
    const pt = world.store.dataset().rounds[0]!.file.failures.find((f) => f.subject === '平潭政务')!;
    await world.tasks.close([pt.id], '张三', new Date('2020-04-15T10:00:00+08:00'));
    await scan('2020-04-16T09:00:00+08:00');
    expect(titles('pt')).toEqual(['整改提醒：平潭综合实验区管委会']);
    expect(titles('fj')).toHaveLength(5);
  });

  it('starts over when an admin moves the deadline', async () => {
    await scan('2020-04-17T09:00:00+08:00');
    await world.tasks.setRoundDeadline('2020Q1@35', { date: '2020-04-24' }, '王主任', new Date('2020-04-17T10:00:00+08:00'));
    await scan('2020-04-21T09:00:00+08:00');
    expect(titles('pt')).toEqual(['今日截止：平潭综合实验区管委会', '整改提醒：平潭综合实验区管委会']);
    expect(world.outbox.messages.at(-1)!.reply.lines[1]).toBe('整改情况报送截止2020年4月24日（周五），还剩3个工作日。');
  });

  it('never pings about an old round once its last reminder has passed (the 2020 seed in a later year)', async () => {
    await scan('2025-06-03T09:00:00+08:00');
    expect(world.outbox.messages).toEqual([]);
  });

  it('in a dry run lists what it would send and changes nothing', async () => {
    const dry = await scan('2020-04-14T09:00:00+08:00', { dryRun: true });
    expect(dry.due.flatMap((r) => r.deliveries.map((d) => d.group.id))).toEqual(['fj', 'fj', 'fj', 'pt']);
    expect(world.outbox.messages).toEqual([]);
    expect(world.tasks.data.sent).toEqual({});
  });
});

describe('scanReminders(now) with subscriptions', () => {
  it('reminds the groups that follow a unit by /sub rather than by groups.json', async () => {
    const scopeOf = () => ({ regions: [], units: ['福建省民政厅'] });
    await scanReminders({ ...world.deps(), scopeOf }, new Date('2020-04-14T09:00:00+08:00'));
    expect(titles('fj')).toEqual(['整改提醒：福建省民政厅']);
    expect(titles('pt')).toEqual(['整改提醒：福建省民政厅']);
  });
});

describe('scanReminders(now) without followers', () => {
  it('queues nothing and keeps the reminder due for a group added later', async () => {
    const deps = { ...world.deps(), groups: { list: [], byId: () => undefined, byConversation: () => undefined } };
    const result = await scanReminders(deps, new Date('2020-04-14T09:00:00+08:00'));
    expect(result.due.map((r) => r.deliveries.length)).toEqual([0, 0, 0]);
    expect(world.outbox.messages).toEqual([]);
    expect(world.tasks.data.sent).toEqual({});
  });
});
