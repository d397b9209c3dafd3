import { remindersQueued } from '../metrics.ts';
import type { Dataset } from '../../data/dataset.ts';
import type { InspectionStore } from '../../data/store.ts';
import { createHash } from 'node:crypto';
import { reminderMessage } from '../../handlers/reminders.ts';
import { taskText as tx, resentNote } from '../../handlers/text.ts';
import { type Reply, replyToText } from '../../handlers/reply.ts';
import { digest, type Fits } from '../outbox/digest.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import { contactsOf } from '../../handlers/people.ts';
import { declaredScope, followers, type ScopeOf } from './audience.ts';
import type { WorkCalendar } from '../../data/deadlines/calendar.ts';
import { currentStep, type PlanConfig, planReminders, type Step } from '../../data/deadlines/plan.ts';
import { reminderKey, type TaskStore } from './task-store.ts';
import { openTasks, type Task } from '../../data/deadlines/task.ts';
import { deriveTasks } from './tasks.ts';

/**
 * Where reminders go: the outbox (bot/outbox/queue.ts) persists a message before sending it and
 * refuses a key it has seen, or a message whose `items` it has all seen, answering false.
 * Narrowed to the one verb this job needs.
 */
export interface ReminderSink {
  enqueue(
    msg: { key: string; groupId: string; reply: Reply; kind: 'reminder'; items?: string[] },
    now: Date,
  ): Promise<boolean>;
}

/** Whether a group's platform sends a reply whole (bot/outbox/digest.ts fitsPusher). */
export type FitsFor = (group: Group) => Fits;

/**
 * Without a pusher at hand (npm run jobs, tests): the reply's text within WeCom's markdown limit,
 * the stricter of the two platforms (protocols.md §1.2), less room for the re-sent note.
 */
export const WECOM_MARKDOWN_BYTES = 4096;
export const textFits: FitsFor = () => (reply) =>
  Buffer.byteLength(`${replyToText(reply)}\n${resentNote}`, 'utf8') <= WECOM_MARKDOWN_BYTES;

export interface Delivery {
  group: Group;
  /**
   * Outbox key of one message: `reminder:<unit>|<step>@<date>:<group>|<task ids>|<k>/<n>`, the
   * task ids sorted and hashed. Stable for the same unit, step, day, group and tasks.
   */
  outboxKey: string;
  /** Per-task keys the message covers (`reminder:<task>|<step>@<date>:<group>`). */
  items: string[];
  reply: Reply;
}

export interface DueReminder {
  /** Sent-log keys in tasks.json, one per task (task id | step key). */
  keys: string[];
  /** One unit's open tasks whose current step is `step`, in notice order. */
  tasks: Task[];
  unitName: string;
  step: Step;
  /** Empty when no group follows the unit or region; several parts to a group when too long. */
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
  fits?: FitsFor;
}

/** Per-task outbox item key: one step of one task in one group. */
export const reminderItemKey = (sentKey: string, groupId: string) => `reminder:${sentKey}:${groupId}`;

/**
 * Every reminder due at `now` and not yet sent: each open task's current step, merged per unit,
 * step and deadline into one message per group (split only when it exceeds the platform limit).
 */
export function dueReminders(input: DueInput): ReminderScan {
  const gaps: ReminderScan['gaps'] = [];
  const batches = new Map<string, { unitKey: string; step: Step; tasks: Task[] }>();
  for (const task of openTasks(input.tasks)) {
    if (!task.deadline) continue;
    const plan = planReminders(task.deadline, input.calendar, input.plan);
    if (plan.gaps.length > 0) gaps.push({ task, years: plan.gaps });
    const step = currentStep(plan, input.now);
    if (!step) continue;
    if (input.isSent(reminderKey(task.id, step.key))) continue;
    // The same step on the same day of the same deadline: one message says it for all of them.
    const id = JSON.stringify([task.unitKey, step.key, task.deadline.time ?? '', task.round.reportTo ?? '']);
    const batch = batches.get(id);
    if (batch) batch.tasks.push(task);
    else batches.set(id, { unitKey: task.unitKey, step, tasks: [task] });
  }
  const scopeOf = input.scopeOf ?? declaredScope;
  const fitsFor = input.fits ?? textFits;
  // The "no contacts registered" paragraph is said once per group per scan (a morning's
  // reminders); later messages of the same scan carry a short mark.
  const toldNoContacts = new Set<string>();
  const due = [...batches.values()].map(({ unitKey, step, tasks }): DueReminder => {
    const groups = new Map<string, { group: Group; tasks: Task[] }>();
    for (const task of tasks) {
      for (const group of followers(input.groups, task, input.data, scopeOf)) {
        const entry = groups.get(group.id) ?? { group, tasks: [] };
        entry.tasks.push(task);
        groups.set(group.id, entry);
      }
    }
    const deliveries = [...groups.values()].flatMap(({ group, tasks: theirs }) => {
      const noContacts = contactsOf(theirs[0] as Task).length === 0;
      const note = noContacts && toldNoContacts.has(group.id) ? 'short' : 'full';
      if (noContacts) toldNoContacts.add(group.id);
      return deliver(group, unitKey, step, theirs, fitsFor(group), {
        now: input.now,
        cal: input.calendar,
        note,
      });
    });
    const first = tasks[0] as Task;
    return {
      keys: tasks.map((t) => reminderKey(t.id, step.key)),
      tasks,
      unitName: first.unitName,
      step,
      deliveries,
    };
  });
  return { due, gaps };
}

/** One group's message(s) for one unit's tasks at one step. */
function deliver(
  group: Group,
  unitKey: string,
  step: Step,
  tasks: Task[],
  fits: Fits,
  at: { now: Date; cal: WorkCalendar; note: 'full' | 'short' },
): Delivery[] {
  const message = reminderMessage({
    tasks,
    step,
    now: at.now,
    cal: at.cal,
    noContactsNote: at.note,
    contacts: contactsOf(tasks[0] as Task),
    admins: step.escalate ? group.admins : [],
  });
  const parts = digest(
    {
      title: message.title,
      head: message.head,
      items: message.items.map((i) => ({
        lines: i.lines,
        mentions: i.mentions,
        keys: [reminderItemKey(reminderKey(i.task.id, step.key), group.id)],
      })),
      foot: message.foot,
    },
    fits,
    tx.reminderPart,
  );
  const ids = createHash('sha256')
    .update(
      tasks
        .map((t) => t.id)
        .sort()
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 12);
  return parts.map((p, k) => ({
    group,
    outboxKey: `reminder:${unitKey}|${step.key}:${group.id}|${ids}|${k + 1}/${parts.length}`,
    items: p.keys,
    reply: p.reply,
  }));
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
  /** Whether a reply fits a group's platform; the WeCom markdown limit on the text by default. */
  fits?: FitsFor;
}

/**
 * The idempotent scan: queue every due message, then record each of its tasks as sent. A crash between the two
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
    fits: deps.fits ?? textFits,
  });
  if (opts.dryRun) return scan;
  for (const r of scan.due) {
    if (r.deliveries.length === 0) {
      deps.log.info(
        { tasks: r.tasks.map((t) => t.id), unit: r.unitName },
        'reminders: no group follows this unit or region',
      );
      continue;
    }
    for (const d of r.deliveries) {
      const queued = await deps.sink.enqueue(
        { key: d.outboxKey, groupId: d.group.id, reply: d.reply, kind: 'reminder', items: d.items },
        now,
      );
      if (queued) remindersQueued.inc();
    }
    // Every task of the message is recorded in one write: all sent, or none (and re-queued by
    // the next scan under the same key, which the outbox refuses).
    await deps.tasks.markSentAll(
      r.tasks.map((_task, i) => ({
        key: r.keys[i] as string,
        groups: [
          ...new Set(
            r.deliveries
              .filter((d) => d.items.includes(reminderItemKey(r.keys[i] as string, d.group.id)))
              .map((d) => d.group.id),
          ),
        ],
      })),
      now,
    );
    deps.log.info(
      { unit: r.unitName, tasks: r.tasks.length, step: r.step.key, messages: r.deliveries.length },
      'reminder queued',
    );
  }
  return scan;
}
