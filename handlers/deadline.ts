import { CalendarGapError } from '../bot/reminders/calendar.ts';
import { isClockTime, isIsoDate } from '../bot/reminders/time.ts';
import type { Deadline } from '../data/schema.ts';
import type { HandlerContext } from './context.ts';
import { parsePeriod, periodLabel } from './format.ts';
import { deadlineLabel } from './reminders.ts';
import { type Reply, reply } from './reply.ts';
import { isAdmin, senderName } from './task-scope.ts';
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
  if (!unitText) {
    for (const v of rounds) await service.setRoundDeadline(v.round.key, value, by, ctx.now);
    return reply(tx.setRoundDone(periodLabel(period), deadlineLabel(value)), lines);
  }
  const keys = new Set(rounds.map((v) => v.round.key));
  const tasks = service.tasks(ctx.data).filter((task) => keys.has(task.round.key));
  const exact = tasks.filter((task) => task.unitName === unitText || task.unit?.aliases.includes(unitText));
  const matched = exact.length > 0 ? exact : tasks.filter((task) => task.unitName.includes(unitText));
  const units = [...new Set(matched.map((task) => task.unitName))];
  if (units.length === 0) return reply(tx.setUnknownUnit(periodLabel(period), unitText));
  if (units.length > 1) return reply(tx.doneAmbiguous(unitText, units));
  const targets = new Map(matched.map((task) => [`${task.round.key} ${task.unitKey}`, task] as const));
  for (const task of targets.values())
    await service.setUnitDeadline(task.round.key, task.unitKey, value, by, ctx.now);
  return reply(tx.setUnitDone(periodLabel(period), units[0]!, deadlineLabel(value)), lines);
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
