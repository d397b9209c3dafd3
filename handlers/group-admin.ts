import type { HandlerContext } from './context.ts';
import { samePerson } from './people.ts';
import type { GroupInfo } from './services.ts';

/** The declared group a command came from, if any. */
export function groupOf(ctx: HandlerContext): GroupInfo | undefined {
  return ctx.groupId ? ctx.services.groups?.byId(ctx.groupId) : undefined;
}

/**
 * Whether the sender may change the group's settings: one of its declared admins, or the
 * operator at the server's shell (`npm run ask` without `--as`, who can edit the files anyway).
 */
export function isGroupAdmin(ctx: HandlerContext, group: GroupInfo): boolean {
  return isOperator(ctx) || group.admins.some((a) => samePerson(a, ctx.sender));
}

/** `npm run ask` without `--as`: the operator at the server's shell. */
export function isOperator(ctx: HandlerContext): boolean {
  const s = ctx.sender;
  return s.platform === 'cli' && !s.name && !s.mobile && !s.wecomUserId && !s.dingtalkUserId;
}

export function adminNames(group: GroupInfo): string[] {
  return group.admins
    .map((a) => a.name ?? a.mobile ?? a.wecomUserId ?? a.dingtalkUserId ?? '')
    .filter(Boolean);
}
