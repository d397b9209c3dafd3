import { openTasks, type Task, unitNames } from '../data/deadlines/task.ts';
import { recordChange } from './audit.ts';
import type { HandlerContext } from './context.ts';
import { itemLine } from './reminders.ts';
import { contactsOf, samePerson } from './people.ts';
import { type Contact, type Reply, reply } from './reply.ts';
import type { GroupInfo, TaskService } from './services.ts';
import { currentGroup, displayName, isOperator, senderName, visibleTasks } from './task-scope.ts';
import { taskText as tx } from './text.ts';

/**
 * /done <单位或条目>: the unit's rectification report is in. Closes the unit's open tasks (or the
 * one named item), which stops their reminders, and confirms in the group. Allowed to the
 * group's admins and the unit's own contacts; anyone else is told who may.
 */
export async function done(args: string[], ctx: HandlerContext): Promise<Reply> {
  const service = ctx.services.tasks;
  if (!service) return reply(tx.notConfigured);
  const text = args.join(' ').trim();
  if (!text) return reply(tx.doneUsage);
  // In a group, only what the group follows (visibleTasks): its admins never close another group's units.
  const all = visibleTasks(ctx, service);
  const matched = match(openTasks(all), text);
  if (matched.length === 0) {
    const here = currentGroup(ctx);
    const elsewhere = here ? match(openTasks(service.tasks(ctx.data)), text) : [];
    const task = elsewhere[0];
    if (here && task) {
      // Not this group's task: say so, and who may close it (its contacts, the admins of groups that follow it).
      if (new Set(elsewhere.map((x) => x.unitName)).size > 1) return reply(tx.doneOutOfScope(text));
      const others = (ctx.services.groups?.list ?? []).filter((g) => service.follows(g, task, ctx.data));
      const names = [...new Set([...contactsOf(task), ...others.flatMap((g) => g.admins)].map(displayName))];
      return reply(tx.doneNotFollowed(here.name, task.unitName), [
        names.length > 0 ? tx.doneWhoMay(names) : tx.doneNobody(task.unitName),
      ]);
    }
    const closed = match(
      all.filter((task) => task.done),
      text,
    )[0];
    if (closed?.done)
      return reply(tx.doneAlready(closed.unitName, closed.done.at.slice(0, 10), closed.done.by));
    const units = [...new Set(openTasks(visibleTasks(ctx, service)).map((task) => task.unitName))];
    return reply(tx.doneUnknown(text), units.length > 0 ? [tx.doneOpenUnits(units)] : []);
  }
  const units = [...new Set(matched.map((task) => task.unitName))];
  if (units.length > 1) return reply(tx.doneAmbiguous(text, units));
  const task = matched[0]!;
  const allowed = whoMayClose(ctx, service, task);
  if (!isOperator(ctx) && !allowed.some((c) => samePerson(c, ctx.sender))) {
    const names = [...new Set(allowed.map(displayName))];
    return reply(tx.doneNotAllowed(task.unitName), [
      names.length > 0 ? tx.doneWhoMay(names) : tx.doneNobody(task.unitName),
    ]);
  }
  const by = senderName(ctx);
  const closed = new Set(
    await service.close(
      matched.map((m) => m.id),
      by,
      ctx.now,
    ),
  );
  const items = matched.filter((m) => closed.has(m.id));
  if (items.length > 0)
    await recordChange(ctx, 'task.closed', { unit: task.unitName, items: items.map((m) => m.failure.subject) });
  return reply(tx.doneTitle(task.unitName), [...items.map(itemLine), tx.doneStopped(items.length, by)]);
}

/** The named item alone; else every task of the named unit; else a unique partial match. */
function match(tasks: Task[], text: string): Task[] {
  const item = tasks.filter((task) => task.failure.subject === text);
  if (item.length > 0) return item;
  const unit = tasks.filter((task) => unitNames(task).includes(text));
  if (unit.length > 0) return unit;
  return tasks.filter((task) =>
    [...unitNames(task), task.failure.subject].some((name) => name.includes(text)),
  );
}

/** The unit's contacts and the admins of the groups (here: this group) that follow the task. */
function whoMayClose(ctx: HandlerContext, service: TaskService, task: Task): Contact[] {
  const group = currentGroup(ctx);
  let groups: readonly GroupInfo[];
  if (group) groups = service.follows(group, task, ctx.data) ? [group] : [];
  else if (ctx.groupId) groups = [];
  else groups = (ctx.services.groups?.list ?? []).filter((g) => service.follows(g, task, ctx.data));
  return [...contactsOf(task), ...groups.flatMap((g) => g.admins)];
}
