import type { Dataset } from '../../data/dataset.ts';
import type { Group } from '../groups.ts';
import { declaredScope, follows, type ScopeOf } from './audience.ts';
import type { Deadline } from '../../data/schema.ts';
import type { WorkCalendar } from './calendar.ts';
import type { PlanConfig } from './plan.ts';
import type { TaskStore } from './task-store.ts';
import { deriveTasks, type Task } from './tasks.ts';

/** What the /done, /deadline and /overdue handlers use (HandlerContext.services.tasks). */
export interface TaskService {
  readonly calendar: WorkCalendar;
  readonly plan: PlanConfig;
  tasks(data: Dataset): Task[];
  /** Whether a group follows a task's unit or region (and so sees it and gets its reminders). */
  follows(group: Group, task: Task, data: Dataset): boolean;
  /** Marks tasks submitted; returns the ids that were still open. */
  close(ids: readonly string[], by: string, at: Date): Promise<string[]>;
  setRoundDeadline(roundKey: string, deadline: Deadline, by: string, at: Date): Promise<void>;
  setUnitDeadline(roundKey: string, unitKey: string, deadline: Deadline, by: string, at: Date): Promise<void>;
}

export function createTaskService(
  store: TaskStore,
  calendar: WorkCalendar,
  plan: PlanConfig,
  scopeOf: ScopeOf = declaredScope,
): TaskService {
  return {
    calendar,
    plan,
    tasks: (data) => deriveTasks(data, store.data),
    follows: (group, task, data) => follows(group, task, data, scopeOf),
    close: (ids, by, at) => store.close(ids, by, at),
    setRoundDeadline: (roundKey, deadline, by, at) => store.setRoundDeadline(roundKey, deadline, by, at),
    setUnitDeadline: (roundKey, unitKey, deadline, by, at) => store.setUnitDeadline(roundKey, unitKey, deadline, by, at),
  };
}
