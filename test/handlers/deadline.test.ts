import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_LINE } from '../support/sample.ts';
import { openTaskWorld, people, type TaskWorld } from '../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

describe('/deadline', () => {
  it('lists the open tasks a group follows with working days left', async () => {
    expect(await world.say('/deadline', { at: '2020-04-15T09:00:00+08:00', group: 'fj' })).toBe(
      [
        '【示例数据】未完成的整改任务（3项）',
        SAMPLE_LINE,
        '1. 福建省教育厅：截止2020年4月17日（周五），还剩2个工作日',
        '2. 福建省民政厅：截止2020年4月17日（周五），还剩2个工作日',
        '3. 平潭综合实验区管委会（平潭政务）：截止2020年4月17日（周五），还剩2个工作日',
      ].join('\n'),
    );
    expect(await world.say('/deadline', { at: '2020-04-17T09:00:00+08:00', group: 'pt' })).toBe(
      [
        '【示例数据】未完成的整改任务（1项）',
        SAMPLE_LINE,
        '1. 平潭综合实验区管委会（平潭政务）：今天截止（2020年4月17日（周五））',
      ].join('\n'),
    );
  });

  it('leaves out tasks already reported', async () => {
    await world.say('/done 平潭政务', { at: '2020-04-15T09:00:00+08:00', as: people.zhang, group: 'pt' });
    expect(await world.say('/deadline', { at: '2020-04-15T09:00:00+08:00', group: 'pt' })).toBe(
      '没有未完成的整改任务。',
    );
  });
});

describe('/deadline set <期次> [单位] <日期> [时间]', () => {
  it('lets an admin move a round’s deadline, with a time of day', async () => {
    const text = await world.say('/deadline set 2020Q1 2020-04-24 17:00', {
      at: '2020-04-15T09:00:00+08:00',
      as: people.wang,
      group: 'fj',
    });
    expect(text).toBe(
      [
        '已将2020年第一季度整改情况报送截止时间设为2020年4月24日（周五）17:00。',
        '提醒将按新的截止时间重新安排。',
      ].join('\n'),
    );
    expect(await world.say('/deadline', { at: '2020-04-20T09:00:00+08:00', group: 'pt' })).toBe(
      [
        '【示例数据】未完成的整改任务（1项）',
        SAMPLE_LINE,
        '1. 平潭综合实验区管委会（平潭政务）：截止2020年4月24日（周五）17:00，还剩4个工作日',
      ].join('\n'),
    );
  });

  it('moves one unit’s deadline only, listing the earliest deadline first', async () => {
    await world.say('/deadline set 2020Q1 平潭综合实验区管委会 2020-04-20', {
      at: '2020-04-15T09:00:00+08:00',
      as: people.lin,
      group: 'pt',
    });
    const list = await world.say('/deadline', { at: '2020-04-15T09:00:00+08:00', group: 'fj' });
    expect(list.split('\n').slice(2)).toEqual([
      '1. 福建省教育厅：截止2020年4月17日（周五），还剩2个工作日',
      '2. 福建省民政厅：截止2020年4月17日（周五），还剩2个工作日',
      '3. 平潭综合实验区管委会（平潭政务）：截止2020年4月20日（周一），还剩3个工作日',
    ]);
  });

  it('never lets an admin of one group move a unit only another group follows', async () => {
    const as = { as: people.lin, group: 'pt', at: '2020-04-15T09:00:00+08:00' };
    expect(await world.say('/deadline set 2020Q1 福建省教育厅 2020-05-30', as)).toBe(
      '本群关注范围内没有2020年第一季度“福建省教育厅”的整改任务；其他单位的截止时间请由关注它的群设置。',
    );
    expect(world.tasks.data.deadlines.units).toEqual({});
  });

  it("moves only the group's own units when a group admin sets the round's deadline", async () => {
    const text = await world.say('/deadline set 2020Q1 2020-04-24', {
      as: people.lin,
      group: 'pt',
      at: '2020-04-15T09:00:00+08:00',
    });
    expect(text.split('\n')[0]).toBe(
      '已将本群关注的平潭综合实验区管委会的2020年第一季度整改情况报送截止时间设为2020年4月24日（周五）。',
    );
    const list = await world.say('/deadline', { at: '2020-04-15T09:00:00+08:00', group: 'fj' });
    expect(list.split('\n').slice(2)).toEqual([
      '1. 福建省教育厅：截止2020年4月17日（周五），还剩2个工作日',
      '2. 福建省民政厅：截止2020年4月17日（周五），还剩2个工作日',
      '3. 平潭综合实验区管委会（平潭政务）：截止2020年4月24日（周五），还剩7个工作日',
    ]);
  });

  it('records who set it by platform user id', async () => {
    await world.say('/deadline set 2020Q1 平潭综合实验区管委会 2020-04-20', {
      at: '2020-04-15T09:00:00+08:00',
      as: people.lin,
      group: 'pt',
    });
    expect(Object.values(world.tasks.data.deadlines.units).map((d) => d.by)).toEqual([
      '林科长（wecom:linkz）',
    ]);
  });

  it('refuses anyone but an admin', async () => {
    expect(
      await world.say('/deadline set 2020Q1 2020-04-24', {
        at: '2020-04-15T09:00:00+08:00',
        as: people.zhang,
        group: 'pt',
      }),
    ).toBe('只有群管理员可以设置截止日期。');
  });

  it('warns when the new date is in a year the calendar does not know', async () => {
    const text = await world.say('/deadline set 2020Q1 2027-01-15', {
      at: '2020-04-15T09:00:00+08:00',
      as: people.wang,
      group: 'fj',
    });
    expect(text).toContain(
      '日历缺少2027年的节假日安排，相关提醒暂停。请管理员在数据目录的 calendar.json 中补充（见 README“Deadline reminders”）。',
    );
    expect(await world.say('/deadline', { at: '2020-04-15T09:00:00+08:00', group: 'pt' })).toBe(
      [
        '【示例数据】未完成的整改任务（1项）',
        SAMPLE_LINE,
        '1. 平潭综合实验区管委会（平潭政务）：截止2027年1月15日（周五）；2027年节假日安排未录入，无法计算工作日',
        '日历缺少2027年的节假日安排，相关提醒暂停。请管理员在数据目录的 calendar.json 中补充（见 README“Deadline reminders”）。',
      ].join('\n'),
    );
  });

  it('explains bad input', async () => {
    const as = { as: people.wang, group: 'fj', at: '2020-04-15T09:00:00+08:00' };
    expect(await world.say('/deadline set 2020Q1 2020-02-30', as)).toBe(
      '无法识别的日期“2020-02-30”，请写成 2020-04-17。',
    );
    expect(await world.say('/deadline set 2020Q1 2020-04-20 25:00', as)).toBe(
      '无法识别的时间“25:00”，请写成 17:00。',
    );
    expect(await world.say('/deadline set 2019Q4 2020-04-20', as)).toBe(
      ['没有2019年第四季度的检查通报。', '已有期次：2020Q1'].join('\n'),
    );
    expect(await world.say('/deadline set 2020Q1 福州市 2020-04-20', as)).toBe(
      '2020年第一季度没有“福州市”的整改任务。',
    );
  });
});
