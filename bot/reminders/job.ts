import type { Dataset } from '../../data/dataset.ts';
import type { InspectionStore } from '../../data/store.ts';
import type { Reply } from '../../handlers/reply.ts';
import { reminderReply } from '../../handlers/reminders.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import { contactsOf, declaredScope, followers, type ScopeOf } from './audience.ts';
import type { WorkCalendar } from './calendar.ts';
import { currentStep, type PlanConfig, planReminders, type Step } from './plan.ts';
import { reminderKey, type TaskStore } from './task-store.ts';
import { deriveTasks, openTasks, type Task } from './tasks.ts';

/**
 * Where reminders go: the outbox (bot/outbox/queue.ts) persists a message before sending it and
 * refuses a key it has seen, answering false. Narrowed to the one verb this job needs.
 */
export interface ReminderSink {
  enqueue(msg: { key: string; groupId: string; reply: Reply; kind: 'reminder' }, now: Date): Promise<boolean>;
}

export interface Delivery {
  group: Group;
  /** Outbox key: one reminder step of one task in one group, sent once ever. */
  outboxKey: string;
  reply: Reply;
}

export interface DueReminder {
  /** Sent-log key in tasks.json. */
  key: string;
  task: Task;
  step: Step;
  /** Empty when no group follows the task's unit or region. */
  deliveries: Delivery[];
}

export interface ReminderScan {
  due: DueReminder[];
  /** Tasks whose plan needs a year the calendar does not know. */
  gaps: { task: Task; years: number[] }[];
}

export interface DueInput {
  data: Dataset;
  tasks: readonly Task[];
  groups: Groups;
  calendar: WorkCalendar;
  plan: PlanConfig;
  now: Date;
  isSent: (key: string) => boolean;
  scopeOf?: ScopeOf;
}

/** Every reminder due at `now` and not yet sent: at most one per open task (its current step). */
export function dueReminders(input: DueInput): ReminderScan {
  const due: DueReminder[] = [];
  const gaps: ReminderScan['gaps'] = [];
  for (const task of openTasks(input.tasks)) {
    if (!task.deadline) continue;
    const plan = planReminders(task.deadline, input.calendar, input.plan);
    if (plan.gaps.length > 0) gaps.push({ task, years: plan.gaps });
    const step = currentStep(plan, input.now);
    if (!step) continue;
    const key = reminderKey(task.id, step.key);
    if (input.isSent(key)) continue;
    const deliveries = followers(input.groups, task, input.data, input.scopeOf ?? declaredScope).map((group) => ({
      group,
      outboxKey: `reminder:${key}:${group.id}`,
      reply: reminderReply({ task, step, contacts: contactsOf(task), admins: step.escalate ? group.admins : [] }),
    }));
    due.push({ key, task, step, deliveries });
  }
  return { due, gaps };
}

export interface ReminderJobDeps {
  store: Pick<InspectionStore, 'dataset'>;
  tasks: TaskStore;
  groups: Groups;
  calendar: WorkCalendar;
  plan: PlanConfig;
  sink: ReminderSink;
  log: Logger;
  /** What each group follows; groups.json's declaration by default. */
  scopeOf?: ScopeOf;
}

/**
 * The idempotent scan: queue every due reminder, then record it as sent. A crash between the two
 * re-queues on the next scan and the outbox drops the repeated key, so nobody is pinged twice.
 * A dry run computes the same list and changes nothing.
 */
export async function scanReminders(
  deps: ReminderJobDeps,
  now: Date,
  opts: { dryRun?: boolean } = {},
): Promise<ReminderScan> {
  const data = deps.store.dataset();
  const scan = dueReminders({
    data,
    tasks: deriveTasks(data, deps.tasks.data),
    groups: deps.groups,
    calendar: deps.calendar,
    plan: deps.plan,
    now,
    isSent: (key) => deps.tasks.isSent(key),
    scopeOf: deps.scopeOf ?? declaredScope,
  });
  if (opts.dryRun) return scan;
  for (const r of scan.due) {
    if (r.deliveries.length === 0) {
      deps.log.info({ task: r.task.id, unit: r.task.unitName }, 'reminders: no group follows this unit or region');
      continue;
    }
    for (const d of r.deliveries) {
      await deps.sink.enqueue({ key: d.outboxKey, groupId: d.group.id, reply: d.reply, kind: 'reminder' }, now);
    }
    await deps.tasks.markSent(r.key, r.deliveries.map((d) => d.group.id), now);
    deps.log.info({ task: r.task.id, step: r.step.key, groups: r.deliveries.length }, 'reminder queued');
  }
  return scan;
}
