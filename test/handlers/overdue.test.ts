import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_LINE } from '../support/sample.ts';
import { openTaskWorld, people, type TaskWorld } from '../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

describe('/overdue', () => {
  it('has nothing to list before the deadline', async () => {
    expect(await world.say('/overdue', { at: '2020-04-17T18:00:00+08:00', group: 'fj' })).toBe(
      '没有逾期的整改任务。',
    );
  });

  it('lists late tasks with working days late, counting the 调休 Sunday', async () => {
    await world.say('/done 福建省教育厅', { at: '2020-04-17T15:00:00+08:00', as: people.chen, group: 'fj' });
    expect(await world.say('/overdue', { at: '2020-04-27T09:00:00+08:00', group: 'fj' })).toBe(
      [
        '【示例数据】逾期的整改任务（2项）',
        SAMPLE_LINE,
        '1. 福建省民政厅：截止2020年4月17日（周五），已逾期7个工作日',
        '2. 平潭综合实验区管委会（平潭政务）：截止2020年4月17日（周五），已逾期7个工作日',
      ].join('\n'),
    );
  });

  it('is the same list from the command line without a group', async () => {
    const text = await world.say('/overdue', { at: '2020-04-20T09:00:00+08:00', as: { platform: 'cli' } });
    expect(text.split('\n')).toHaveLength(5);
  });
});
