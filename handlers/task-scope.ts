import type { Task } from '../data/deadlines/task.ts';
import type { HandlerContext } from './context.ts';
import { samePerson } from './people.ts';
import type { Contact } from './reply.ts';
import type { GroupInfo, TaskService } from './services.ts';
import { taskText as tx } from './text.ts';

/** The declared group the message came from, if any. */
export function currentGroup(ctx: HandlerContext): GroupInfo | undefined {
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

/**
 * The groups whose follows bound what the sender may change (/deadline set, /done): the current
 * group; outside a group (a private chat, `npm run ask --as`), the groups the sender administers;
 * undefined for the operator, who may change everything.
 */
export function groupsInScope(ctx: HandlerContext): GroupInfo[] | undefined {
  if (isOperator(ctx)) return undefined;
  const group = currentGroup(ctx);
  if (group) return [group];
  if (ctx.groupId) return [];
  return (ctx.services.groups?.list ?? []).filter((g) => g.admins.some((a) => samePerson(a, ctx.sender)));
}

/** Tasks the sender may change: those some group in scope follows (all of them for the operator). */
export function tasksInScope(ctx: HandlerContext, service: TaskService): Task[] {
  const groups = groupsInScope(ctx);
  const all = service.tasks(ctx.data);
  return groups === undefined ? all : all.filter((t) => groups.some((g) => service.follows(g, t, ctx.data)));
}

/**
 * Who did it, as recorded with a change: the platform user id (which the platform vouches for)
 * with the display name (which the sender chose): `张三（wecom:zhangsan）`.
 */
export function actorOf(c: HandlerContext['sender']): string {
  const id =
    c.platform === 'wecom'
      ? c.wecomUserId
      : c.platform === 'dingtalk'
        ? (c.dingtalkUserId ?? c.mobile)
        : undefined;
  if (!id) return displayName(c);
  return c.name ? tx.actor(c.name, `${c.platform}:${id}`) : `${c.platform}:${id}`;
}

export function displayName(c: Contact): string {
  return c.name ?? c.mobile ?? c.wecomUserId ?? c.dingtalkUserId ?? tx.someone;
}

/**
 * The sender as recorded with a change and shown in its confirmation: the name registered for
 * them (a group's admins, a unit's contacts), else the name the platform gave (DingTalk's nick),
 * with the platform user id — `张三（wecom:zhangsan）`; never "（未署名）" when an id is known.
 */
export function senderName(ctx: HandlerContext): string {
  const s = ctx.sender;
  const known = [
    ...(ctx.services.groups?.list.flatMap((g) => g.admins) ?? []),
    ...ctx.data.register.units.flatMap((u) => u.contacts),
  ].find((c) => c.name && samePerson(c, s));
  const name = known?.name ?? s.name;
  const actor = actorOf(name ? { ...s, name } : s);
  return name || actor === displayName(s) ? actor : tx.actor(tx.unnamed, actor);
}
