import type { TaskService } from '../../handlers/services.ts';
import { declaredScope, follows, type ScopeOf } from './audience.ts';
import type { WorkCalendar } from '../../data/deadlines/calendar.ts';
import type { PlanConfig } from '../../data/deadlines/plan.ts';
import type { TaskStore } from './task-store.ts';
import { deriveTasks } from './tasks.ts';

export type { TaskService } from '../../handlers/services.ts';

/** The task service handlers use (handlers/services.ts), over tasks.json and the stored rounds. */
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
