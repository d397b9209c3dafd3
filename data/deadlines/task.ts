import type { Deadline, Failure, Round, Unit } from '../schema.ts';

/**
 * A rectification task: one failed item of a round, owed by its responsible unit by the round's
 * deadline. Tasks are derived from the stored rounds on every read rather than copied into
 * state, so a re-imported or corrected notice changes them with no reconciliation step, and a
 * failure's stable id (data/schema.ts) keeps /done marks and sent reminders attached across
 * re-imports. Only the changes people make live in tasks.json (bot/reminders/task-store.ts); derived by bot/reminders/tasks.ts.
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

export function openTasks(tasks: readonly Task[]): Task[] {
  return tasks.filter((t) => !t.done);
}

/** The names a task's unit goes by: its name and the register's aliases. */
export function unitNames(task: Task): string[] {
  return [task.unitName, ...(task.unit?.aliases ?? [])];
}
