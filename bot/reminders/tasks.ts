import type { Dataset } from '../../data/dataset.ts';
import type { Deadline, Failure, Round, Unit } from '../../data/schema.ts';
import { type TasksFile, unitDeadlineKey } from './task-store.ts';

/**
 * A rectification task: one failed item of a round, owed by its responsible unit by the round's
 * deadline. Tasks are derived from the stored rounds on every read rather than copied into
 * state, so a re-imported or corrected notice changes them with no reconciliation step, and a
 * failure's stable id (data/schema.ts) keeps /done marks and sent reminders attached across
 * re-imports. Only the changes people make live in tasks.json (bot/reminders/task-store.ts).
 */
export interface Task {
  /** The failure's id. */
  id: string;
  round: Round;
  failure: Failure;
  /** Unit id when the register knows the unit, else the name as the notice wrote it. */
  unitKey: string;
  unitName: string;
  unit?: Unit;
  deadline?: Deadline;
  deadlineFrom?: 'notice' | 'round' | 'unit';
  done?: { at: string; by: string };
}

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

export function openTasks(tasks: readonly Task[]): Task[] {
  return tasks.filter((t) => !t.done);
}

/** The names a task's unit goes by: its name and the register's aliases. */
export function unitNames(task: Task): string[] {
  return [task.unitName, ...(task.unit?.aliases ?? [])];
}
