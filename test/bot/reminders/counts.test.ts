import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanReminders } from '../../../bot/reminders/job.ts';
import { openTaskWorld, people, type TaskWorld } from '../../support/task-world.ts';

/** Issue 13's Why-list: a late reminder counts as /deadline does; the no-contacts paragraph once. */
let world: TaskWorld;
afterEach(() => world.cleanup());

describe('scanReminders() and /deadline', () => {
  beforeEach(async () => {
    world = await openTaskWorld();
  });

  it('says the same working days left as /deadline when the reminder goes out after its morning', async () => {
    // The "3 working days before" step falls on Tue 2020-04-14 09:00; the bot was down until Wed 10:00
    // (before the "1 day before" step on Thu), so the step goes out late.
    const at = '2020-04-15T10:00:00+08:00';
    await scanReminders(world.deps(), new Date(at));
    const pt = world.outbox.messages.find((m) => m.groupId === 'pt')!;
    expect(pt.reply.lines).toContain('整改情况报送截止2020年4月17日（周五），还剩2个工作日。');
    expect(await world.say('/deadline', { at, as: people.lin, group: 'pt' })).toMatch(
      /\n1\. 平潭综合实验区管委会（平潭政务）：截止2020年4月17日（周五），还剩2个工作日$/,
    );
  });

  it('summarises a deadline years past instead of counting 1651 working days', async () => {
    const text = await world.say('/deadline', {
      at: '2026-12-01T10:00:00+08:00',
      as: people.wang,
      group: 'fj',
    });
    expect(text).toContain('\n1. 福建省教育厅：截止2020年4月17日（周五），已逾期6年多\n');
    const months = await world.say('/overdue', {
      at: '2020-09-01T10:00:00+08:00',
      as: people.wang,
      group: 'fj',
    });
    expect(months).toContain('\n1. 福建省教育厅：截止2020年4月17日（周五），已逾期4个多月\n');
    const days = await world.say('/overdue', {
      at: '2020-04-22T10:00:00+08:00',
      as: people.wang,
      group: 'fj',
    });
    expect(days).toContain('\n1. 福建省教育厅：截止2020年4月17日（周五），已逾期3个工作日\n');
  });
});

describe('scanReminders() without registered contacts', () => {
  beforeEach(async () => {
    world = await openTaskWorld({ withUnits: false });
  });

  it('says the "尚未登记联系人" paragraph once per group per morning, a short mark in the other messages', async () => {
    await scanReminders(world.deps(), new Date('2020-04-14T09:00:00+08:00'));
    const fj = world.outbox.messages.filter((m) => m.groupId === 'fj').map((m) => m.reply.lines.join('\n'));
    expect(fj).toHaveLength(3);
    expect(fj.filter((text) => text.includes('本提醒无法@到责任人'))).toHaveLength(1);
    expect(fj[1]).toContain('（福建省民政厅尚未登记联系人，未能@到责任人，见本轮第一条提醒。）');
    expect(fj[2]).toContain('（平潭综合实验区管委会尚未登记联系人，未能@到责任人，见本轮第一条提醒。）');
  });
});
