import type { Group } from '../bot/groups.ts';
import type { HandlerContext } from './context.ts';
import type { Contact } from './reply.ts';

/** The declared group a command came from, if any. */
export function groupOf(ctx: HandlerContext): Group | undefined {
  return ctx.groupId ? ctx.services.groups?.byId(ctx.groupId) : undefined;
}

/** Same person: the same user id on the sender's platform, or the same mobile. */
export function isSamePerson(a: Contact, b: Contact): boolean {
  return Boolean(
    (a.wecomUserId && a.wecomUserId === b.wecomUserId) ||
      (a.dingtalkUserId && a.dingtalkUserId === b.dingtalkUserId) ||
      (a.mobile && a.mobile === b.mobile),
  );
}

/**
 * Whether the sender may change the group's settings: one of its declared admins, or the
 * operator at the server's shell (`npm run ask` without `--as`, who can edit the files anyway).
 */
export function isGroupAdmin(ctx: HandlerContext, group: Group): boolean {
  return isOperator(ctx) || group.admins.some((a) => isSamePerson(a, ctx.sender));
}

/** `npm run ask` without `--as`: the operator at the server's shell. */
export function isOperator(ctx: HandlerContext): boolean {
  const s = ctx.sender;
  return s.platform === 'cli' && !s.name && !s.mobile && !s.wecomUserId && !s.dingtalkUserId;
}

export function adminNames(group: Group): string[] {
  return group.admins
    .map((a) => a.name ?? a.mobile ?? a.wecomUserId ?? a.dingtalkUserId ?? '')
    .filter(Boolean);
}
