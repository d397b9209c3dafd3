import { CalendarGapError } from '../data/deadlines/calendar.ts';
import type { Task } from '../data/deadlines/task.ts';
import { isClockTime, isIsoDate } from '../data/deadlines/time.ts';
import type { Deadline } from '../data/schema.ts';
import { recordChange } from './audit.ts';
import type { HandlerContext } from './context.ts';
import { parsePeriod, periodLabel } from './format.ts';
import { deadlineLabel } from './reminders.ts';
import { type Reply, reply } from './reply.ts';
import type { TaskService } from './services.ts';
import { groupsInScope, isAdmin, senderName, tasksInScope } from './task-scope.ts';
import { taskListReply } from './task-list.ts';
import { t, taskText as tx } from './text.ts';

/**
 * /deadline: open tasks with working days left.
 * /deadline set <期次> [单位] <日期> [时间]: an admin moves a round's or one unit's deadline.
 */
export function deadline(args: string[], ctx: HandlerContext): Reply | Promise<Reply> {
  const service = ctx.services.tasks;
  if (!service) return reply(tx.notConfigured);
  if (args[0]?.toLowerCase() === 'set' || args[0] === '设置') return setDeadline(args.slice(1), ctx);
  return taskListReply(ctx, service);
}

async function setDeadline(args: string[], ctx: HandlerContext): Promise<Reply> {
  const service = ctx.services.tasks!;
  if (!isAdmin(ctx)) return reply(tx.setNotAllowed);
  const period = args[0] ? parsePeriod(args[0]) : undefined;
  if (!period) return reply(tx.setUsage);
  const rest = args.slice(1);
  const time = rest.length > 0 && rest.at(-1)!.includes(':') ? rest.pop() : undefined;
  const date = rest.pop();
  if (!date) return reply(tx.setUsage);
  if (!isIsoDate(date)) return reply(tx.setBadDate(date));
  if (time !== undefined && !isClockTime(time)) return reply(tx.setBadTime(time));
  const rounds = ctx.data.rounds.filter((v) => v.round.period === period);
  if (rounds.length === 0) {
    return reply(tx.setNoRound(periodLabel(period)), [
      t.availablePeriods([...new Set(ctx.data.rounds.map((v) => v.round.period))]),
    ]);
  }
  const value: Deadline = time ? { date, time } : { date };
  const by = senderName(ctx);
  const unitText = rest.join(' ');
  const lines = [tx.setRemindersFollow, ...calendarWarning(ctx, value)];
  const keys = new Set(rounds.map((v) => v.round.key));
  const inRounds = (task: Task) => keys.has(task.round.key);
  const all = service.tasks(ctx.data).filter(inRounds);
  // Only units and regions the group follows: an admin of one group never moves another's deadline.
  const mine = tasksInScope(ctx, service).filter(inRounds);
  if (!unitText) {
    if (groupsInScope(ctx) === undefined || mine.length === all.length) {
      for (const v of rounds) await service.setRoundDeadline(v.round.key, value, by, ctx.now);
      await recordChange(ctx, 'deadline.set', { period, deadline: deadlineLabel(value) });
      return reply(tx.setRoundDone(periodLabel(period), deadlineLabel(value)), lines);
    }
    if (mine.length === 0) return reply(tx.setNothingInScope(periodLabel(period)));
    await setUnits(service, mine, value, by, ctx.now);
    await recordChange(ctx, 'deadline.set', {
      period,
      units: [...new Set(mine.map((task) => task.unitName))],
      deadline: deadlineLabel(value),
    });
    const units = [...new Set(mine.map((task) => task.unitName))];
    return reply(tx.setUnitsDone(periodLabel(period), units, deadlineLabel(value)), lines);
  }
  const matched = byUnit(mine, unitText);
  const units = [...new Set(matched.map((task) => task.unitName))];
  if (units.length === 0) {
    const elsewhere = byUnit(all, unitText).length > 0;
    return reply(
      elsewhere
        ? tx.setOutOfScope(periodLabel(period), unitText)
        : tx.setUnknownUnit(periodLabel(period), unitText),
    );
  }
  if (units.length > 1) return reply(tx.doneAmbiguous(unitText, units));
  await setUnits(service, matched, value, by, ctx.now);
  await recordChange(ctx, 'deadline.set', { period, units, deadline: deadlineLabel(value) });
  return reply(tx.setUnitDone(periodLabel(period), units[0]!, deadlineLabel(value)), lines);
}

/** The tasks of the unit named exactly (or by an alias), else of units whose name contains the text. */
function byUnit(tasks: Task[], unitText: string): Task[] {
  const exact = tasks.filter((task) => task.unitName === unitText || task.unit?.aliases.includes(unitText));
  return exact.length > 0 ? exact : tasks.filter((task) => task.unitName.includes(unitText));
}

/** One deadline per round and unit among `tasks`. */
async function setUnits(
  service: TaskService,
  tasks: Task[],
  value: Deadline,
  by: string,
  now: Date,
): Promise<void> {
  const targets = new Map(tasks.map((task) => [`${task.round.key} ${task.unitKey}`, task] as const));
  for (const task of targets.values())
    await service.setUnitDeadline(task.round.key, task.unitKey, value, by, now);
}

function calendarWarning(ctx: HandlerContext, value: Deadline): string[] {
  try {
    ctx.services.tasks!.calendar.day(value.date);
    return [];
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
    return [tx.calendarGap([err.year])];
  }
}
