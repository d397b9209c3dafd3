import { CalendarGapError, type WorkCalendar } from '../data/deadlines/calendar.ts';
import { type Step, standing } from '../data/deadlines/plan.ts';
import type { Task } from '../data/deadlines/task.ts';
import { shanghaiDate, weekday } from '../data/deadlines/time.ts';
import type { Deadline } from '../data/schema.ts';
import { periodLabel, shortProblem } from './format.ts';
import type { Contact } from './reply.ts';
import { channelName, taskText as tx } from './text.ts';

/** 2020年4月17日（周五）, with the time of day when the notice names one. */
export function deadlineLabel(d: Deadline): string {
  const [y, m, day] = d.date.split('-').map(Number) as [number, number, number];
  const label = tx.date(y, m, day, tx.weekdays[weekday(d.date)] ?? '');
  return d.time ? `${label}${d.time}` : label;
}

/** 【政府网站】福建省教育厅网站：栏目不更新 */
export function itemLine(task: Task): string {
  return tx.doneItem(tagOf(task), task.failure.subject, shortProblem(task.failure.problem));
}

/**
 * Beyond about three months a count of working days says nothing a person can use
 * (已逾期1651个工作日 on an old round); it is said in months or years instead.
 */
export const LONG_LATE_WORKDAYS = 60;

/** 3个多月, 5年多: whole calendar months or years from a deadline date to `now` (Shanghai). */
export function lateSpan(deadlineDate: string, now: Date): string {
  const [y0, m0, d0] = deadlineDate.split('-').map(Number) as [number, number, number];
  const [y1, m1, d1] = shanghaiDate(now).split('-').map(Number) as [number, number, number];
  const months = (y1 - y0) * 12 + (m1 - m0) - (d1 < d0 ? 1 : 0);
  return months >= 24 ? tx.spanYears(Math.floor(months / 12)) : tx.spanMonths(Math.max(1, months));
}

/**
 * The line a reminder says about the deadline, counted at the moment it is sent, with the same
 * count /deadline gives (a reminder planned for Monday and sent Tuesday says the Tuesday count).
 */
export function whenLine(deadline: Deadline, label: string, now: Date, cal: WorkCalendar): string {
  const s = standing(deadline, now, cal);
  if (s.state === 'open')
    return s.workdaysLeft === 0 ? tx.dayOfLine(label) : tx.leftLine(label, s.workdaysLeft);
  return s.workdaysLate === 0 ? tx.lateTodayLine(label) : tx.overdueLine(label, s.workdaysLate);
}

/** What /deadline and /overdue say about one task at `now`. */
export function statusText(
  task: Task,
  now: Date,
  cal: WorkCalendar,
): { text: string; overdue: boolean; gap?: number } {
  if (!task.deadline) return { text: tx.statusNoDeadline, overdue: false };
  const label = deadlineLabel(task.deadline);
  try {
    const s = standing(task.deadline, now, cal);
    if (s.state === 'open') {
      return {
        text: s.workdaysLeft === 0 ? tx.statusToday(label) : tx.statusLeft(label, s.workdaysLeft),
        overdue: false,
      };
    }
    if (s.workdaysLate === 0) return { text: tx.statusLateToday(label), overdue: true };
    if (s.workdaysLate <= LONG_LATE_WORKDAYS)
      return { text: tx.statusLate(label, s.workdaysLate), overdue: true };
    return { text: tx.statusLateLong(label, lateSpan(task.deadline.date, now)), overdue: true };
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
    return { text: tx.statusUnknownDays(label, err.year), overdue: false, gap: err.year };
  }
}

export interface ReminderInput {
  /** When it is composed (sent): the working-day count is taken here, as /deadline takes it. */
  now?: Date;
  cal?: WorkCalendar;
  /**
   * How to say that the unit has no registered contacts: the whole paragraph (the first message
   * of a scan to a group), a short mark (the others), or not at all.
   */
  noContactsNote?: 'full' | 'short';
  /** One unit's open tasks due for the same step on the same day, in notice order. */
  tasks: readonly Task[];
  step: Step;
  /** The unit's registered contacts, @-mentioned once per message. */
  contacts: Contact[];
  /** The group's admins, @-mentioned when the step escalates. */
  admins: Contact[];
}

/** One listed item of a reminder and the task it stands for. */
export interface ReminderItem {
  task: Task;
  lines: string[];
  mentions: Contact[];
}

/**
 * What a group receives for one step of one unit's tasks, before it is fitted to the platform's
 * byte limit (bot/outbox/digest.ts): a title naming the unit, the items (one line each), and the
 * deadline, escalation, where to report and how to close. One task reads as a single sentence;
 * several are numbered under one heading, the contacts @-mentioned once.
 */
export function reminderMessage({
  tasks,
  step,
  contacts,
  admins,
  now,
  cal,
  noContactsNote = 'full',
}: ReminderInput): {
  title: string;
  head: string[];
  items: ReminderItem[];
  foot: string[];
} {
  const first = tasks[0];
  if (!first) throw new Error('reminderMessage: no tasks');
  const unit = first.unitName;
  const mentions = [...contacts, ...admins];
  const deadline = first.deadline ? deadlineLabel(first.deadline) : '';
  let title: string;
  let when: string;
  if (step.kind === 'before') {
    title = tx.reminderTitleBefore(unit);
    when = tx.leftLine(deadline, step.n);
  } else if (step.kind === 'day-of') {
    title = tx.reminderTitleDayOf(unit);
    when = tx.dayOfLine(deadline);
  } else {
    title = tx.reminderTitleOverdue(unit);
    when = tx.overdueLine(deadline, step.n);
  }
  if (now && cal && first.deadline) {
    try {
      when = whenLine(first.deadline, deadline, now, cal);
    } catch (err) {
      if (!(err instanceof CalendarGapError)) throw err;
    }
  }
  const reportTo = [...new Set(tasks.flatMap((t) => (t.round.reportTo ? [t.round.reportTo] : [])))];
  const rest = [
    ...(step.escalate ? [tx.escalateLine] : []),
    ...reportTo.map((to) => tx.reportTo(to)),
    ...(contacts.length === 0
      ? [noContactsNote === 'full' ? tx.noContacts(unit) : tx.noContactsShort(unit)]
      : []),
  ];
  if (tasks.length === 1) {
    const f = first.failure;
    return {
      title,
      head: [],
      items: [
        {
          task: first,
          lines: [
            tx.reminderItem(
              periodLabel(first.round.period),
              tagOf(first),
              f.subject,
              shortProblem(f.problem),
            ),
          ],
          mentions,
        },
      ],
      foot: [when, ...rest, tx.doneHint(unit)],
    };
  }
  const periods = [...new Set(tasks.map((t) => periodLabel(t.round.period)))];
  const shared = periods.length === 1 ? periods[0] : undefined;
  return {
    title,
    head: [tx.reminderListHead(shared, tasks.length)],
    items: tasks.map((task, i) => ({
      task,
      lines: [
        tx.reminderListItem(
          i + 1,
          shared ? undefined : periodLabel(task.round.period),
          tagOf(task),
          task.failure.subject,
          shortProblem(task.failure.problem),
        ),
      ],
      mentions,
    })),
    foot: [when, ...rest, tx.doneHintList(unit, first.failure.subject)],
  };
}

function tagOf(task: Task): string {
  const f = task.failure;
  return tx.channelTag(f.channel === 'website' ? channelName.website : (f.platform ?? channelName.newmedia));
}
