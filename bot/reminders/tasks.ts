import type { Dataset } from '../../data/dataset.ts';
import type { Task } from '../../data/deadlines/task.ts';
import { type TasksFile, unitDeadlineKey } from './task-store.ts';

/** Every failure of every stored round as a task, with what tasks.json changed about it. */
export function deriveTasks(data: Dataset, state: TasksFile): Task[] {
  const byId = new Map(data.register.units.map((u) => [u.id, u] as const));
  const tasks: Task[] = [];
  for (const view of data.rounds) {
    const round = view.round;
    for (const failure of view.file.failures) {
      const name = failure.unitName ?? failure.subject;
      const unit = (failure.unitId ? byId.get(failure.unitId) : undefined) ?? data.unit(name);
      const unitKey = unit?.id ?? name;
      const task: Task = { id: failure.id, round, failure, unitKey, unitName: unit?.name ?? name };
      if (unit) task.unit = unit;
      const set = state.deadlines.units[unitDeadlineKey(round.key, unitKey)] ?? state.deadlines.rounds[round.key];
      if (set) {
        task.deadline = set.time ? { date: set.date, time: set.time } : { date: set.date };
        task.deadlineFrom = state.deadlines.units[unitDeadlineKey(round.key, unitKey)] ? 'unit' : 'round';
      } else if (round.deadline) {
        task.deadline = round.deadline;
        task.deadlineFrom = 'notice';
      }
      const done = state.done[failure.id];
      if (done) task.done = done;
      tasks.push(task);
    }
  }
  return tasks;
}
