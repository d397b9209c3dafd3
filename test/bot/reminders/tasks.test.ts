import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyTasksFile, TaskStore } from '../../../bot/reminders/task-store.ts';
import { deriveTasks } from '../../../bot/reminders/tasks.ts';
import { openTaskWorld, type TaskWorld } from '../../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

const summary = (state = emptyTasksFile()) =>
  deriveTasks(world.store.dataset(), state).map((t) => `${t.unitKey} ${t.deadline?.date}${t.deadline?.time ? ` ${t.deadline.time}` : ''} ${t.deadlineFrom}${t.done ? ' done' : ''}`);

describe('deriveTasks(data, state)', () => {
  it('makes one task per failed item, owed by its unit from the register, due by the notice’s deadline', () => {
    expect(summary()).toEqual(['fj-jyt 2020-04-17 notice', 'fj-mzt 2020-04-17 notice', 'pt-gwh 2020-04-17 notice']);
  });

  it('keys a task by the failure’s stable id', () => {
    const ids = world.store.dataset().rounds[0]!.file.failures.map((f) => f.id);
    expect(deriveTasks(world.store.dataset(), emptyTasksFile()).map((t) => t.id)).toEqual(ids);
  });

  it('takes a round’s deadline set by an admin over the notice’s, and a unit’s over the round’s', () => {
    const state = emptyTasksFile();
    state.deadlines.rounds['2020Q1@35'] = { date: '2020-04-24', by: '王主任', at: '2020-04-15T02:00:00Z' };
    state.deadlines.units['2020Q1@35|pt-gwh'] = { date: '2020-04-20', time: '17:00', by: '林科长', at: '2020-04-15T02:00:00Z' };
    expect(summary(state)).toEqual(['fj-jyt 2020-04-24 round', 'fj-mzt 2020-04-24 round', 'pt-gwh 2020-04-20 17:00 unit']);
  });

  it('marks the tasks reported done', () => {
    const state = emptyTasksFile();
    const id = world.store.dataset().rounds[0]!.file.failures[1]!.id;
    state.done[id] = { at: '2020-04-16T02:00:00Z', by: '王主任' };
    expect(summary(state)[1]).toBe('fj-mzt 2020-04-17 notice done');
  });

  it('names the unit as the notice wrote it when the register does not know it', async () => {
    const bare = await openTaskWorld({ withUnits: false });
    try {
      const tasks = deriveTasks(bare.store.dataset(), emptyTasksFile());
      expect(tasks.map((t) => [t.unitKey, t.unit])).toEqual([
        ['福建省教育厅', undefined],
        ['福建省民政厅', undefined],
        ['平潭综合实验区管委会', undefined],
      ]);
    } finally {
      await bare.cleanup();
    }
  });
});

describe('TaskStore', () => {
  it('closes a task once and keeps the first closer', async () => {
    const at = new Date('2020-04-16T10:00:00+08:00');
    expect(await world.tasks.close(['a', 'b'], '张三', at)).toEqual(['a', 'b']);
    expect(await world.tasks.close(['b', 'c'], '林科长', at)).toEqual(['c']);
    expect(world.tasks.data.done['b']).toEqual({ at: '2020-04-16T02:00:00.000Z', by: '张三' });
  });

  it('keeps what it recorded across a restart', async () => {
    await world.tasks.markSent('a|before-3@2020-04-14', ['fj'], new Date('2020-04-14T09:00:00+08:00'));
    await world.tasks.setUnitDeadline('2020Q1@35', 'pt-gwh', { date: '2020-04-20' }, '林科长', new Date('2020-04-15T09:00:00+08:00'));
    const reopened = await TaskStore.open(world.dir);
    expect(reopened.isSent('a|before-3@2020-04-14')).toBe(true);
    expect(reopened.data.deadlines.units['2020Q1@35|pt-gwh']?.date).toBe('2020-04-20');
  });
});
