import { CalendarGapError, type WorkCalendar } from '../bot/reminders/calendar.ts';
import { type Step, standing } from '../bot/reminders/plan.ts';
import type { Task } from '../bot/reminders/tasks.ts';
import { weekday } from '../bot/reminders/time.ts';
import type { Deadline } from '../data/schema.ts';
import { periodLabel, shortProblem } from './format.ts';
import { type Contact, type Reply, reply } from './reply.ts';
import { channelName, taskText as tx } from './text.ts';

/** 2020年4月17日（周五）, with the time of day when the notice names one. */
export function deadlineLabel(d: Deadline): string {
  const [y, m, day] = d.date.split('-').map(Number) as [number, number, number];
  const label = tx.date(y, m, day, tx.weekdays[weekday(d.date)] ?? '');
  return d.time ? `${label}${d.time}` : label;
}

/** 【政府网站】福建省教育厅网站：栏目不更新 */
export function itemLine(task: Task): string {
  const f = task.failure;
  const tag = tx.channelTag(f.channel === 'website' ? channelName.website : (f.platform ?? channelName.newmedia));
  return tx.doneItem(tag, f.subject, shortProblem(f.problem));
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
      return { text: s.workdaysLeft === 0 ? tx.statusToday(label) : tx.statusLeft(label, s.workdaysLeft), overdue: false };
    }
    return { text: s.workdaysLate === 0 ? tx.statusLateToday(label) : tx.statusLate(label, s.workdaysLate), overdue: true };
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
    return { text: tx.statusUnknownDays(label, err.year), overdue: false, gap: err.year };
  }
}

export interface ReminderInput {
  task: Task;
  step: Step;
  /** The unit's registered contacts, @-mentioned. */
  contacts: Contact[];
  /** The group's admins, @-mentioned when the step escalates. */
  admins: Contact[];
}

/** The reminder a group receives for one step of one task. */
export function reminderReply({ task, step, contacts, admins }: ReminderInput): Reply {
  const deadline = task.deadline ? deadlineLabel(task.deadline) : '';
  const f = task.failure;
  const tag = tx.channelTag(f.channel === 'website' ? channelName.website : (f.platform ?? channelName.newmedia));
  const lines = [tx.reminderItem(periodLabel(task.round.period), tag, f.subject, shortProblem(f.problem))];
  let title: string;
  if (step.kind === 'before') {
    title = tx.reminderTitleBefore(task.unitName);
    lines.push(tx.leftLine(deadline, step.n));
  } else if (step.kind === 'day-of') {
    title = tx.reminderTitleDayOf(task.unitName);
    lines.push(tx.dayOfLine(deadline));
  } else {
    title = tx.reminderTitleOverdue(task.unitName);
    lines.push(tx.overdueLine(deadline, step.n));
  }
  if (step.escalate) lines.push(tx.escalateLine);
  if (task.round.reportTo) lines.push(tx.reportTo(task.round.reportTo));
  if (contacts.length === 0) lines.push(tx.noContacts(task.unitName));
  lines.push(tx.doneHint(task.unitName));
  return reply(title, lines, [...contacts, ...admins]);
}
