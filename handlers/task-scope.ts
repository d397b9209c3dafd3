import { samePerson } from '../bot/reminders/audience.ts';
import type { TaskService } from '../bot/reminders/service.ts';
import type { Task } from '../bot/reminders/tasks.ts';
import type { Group } from '../bot/groups.ts';
import type { HandlerContext } from './context.ts';
import type { Contact } from './reply.ts';
import { taskText as tx } from './text.ts';

/** The declared group the message came from, if any. */
export function currentGroup(ctx: HandlerContext): Group | undefined {
  return ctx.groupId ? ctx.services.groups?.byId(ctx.groupId) : undefined;
}

/** Tasks the asker sees: in a declared group, those it follows; elsewhere (CLI), all of them. */
export function visibleTasks(ctx: HandlerContext, service: TaskService): Task[] {
  const group = currentGroup(ctx);
  const all = service.tasks(ctx.data);
  return group ? all.filter((t) => service.follows(group, t, ctx.data)) : all;
}

/**
 * `npm run ask` without `--as` is the operator at the server's shell, who can edit the data
 * files anyway; with `--as` the CLI asks as that person and is checked like a chat user.
 */
export function isOperator(ctx: HandlerContext): boolean {
  const s = ctx.sender;
  return s.platform === 'cli' && !s.name && !s.mobile && !s.wecomUserId && !s.dingtalkUserId;
}

/** Admins of the current group; without a group, of every declared group. */
export function adminsInScope(ctx: HandlerContext): Contact[] {
  const group = currentGroup(ctx);
  if (group) return group.admins;
  return ctx.groupId ? [] : (ctx.services.groups?.list.flatMap((g) => g.admins) ?? []);
}

export function isAdmin(ctx: HandlerContext): boolean {
  return isOperator(ctx) || adminsInScope(ctx).some((a) => samePerson(a, ctx.sender));
}

export function displayName(c: Contact): string {
  return c.name ?? c.mobile ?? c.wecomUserId ?? c.dingtalkUserId ?? tx.someone;
}

/**
 * The sender as people in the group know them: the name registered for them (a group's admins,
 * a unit's contacts), else the name the platform gave (DingTalk's nick), else their platform id
 * marked as such — never "someone".
 */
export function senderName(ctx: HandlerContext): string {
  const s = ctx.sender;
  const known = [
    ...(ctx.services.groups?.list.flatMap((g) => g.admins) ?? []),
    ...ctx.data.register.units.flatMap((u) => u.contacts),
  ].find((c) => c.name && samePerson(c, s));
  if (known?.name) return known.name;
  if (s.name) return s.name;
  const id =
    s.platform === 'wecom' ? s.wecomUserId : s.platform === 'dingtalk' ? s.dingtalkUserId : undefined;
  if (id) return tx.platformUser(s.platform, id);
  return displayName(s);
}
