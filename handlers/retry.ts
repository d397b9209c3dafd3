import { recordChange } from './audit.ts';
import type { HandlerContext } from './context.ts';
import { adminNames, groupOf, isGroupAdmin, isOperator } from './group-admin.ts';
import { type Reply, reply } from './reply.ts';
import { statusText as s, subText } from './text.ts';

/**
 * /retry: puts the group's dead letters back in the queue once their cause is fixed (a new robot
 * key, a corrected signature secret or keyword). Admins only; the operator at the shell, outside
 * any group, retries every group's.
 */
export async function retry(_args: string[], ctx: HandlerContext): Promise<Reply> {
  const outbox = ctx.services.outbox;
  if (!outbox) return reply(s.noOutbox);
  const group = groupOf(ctx);
  if (ctx.groupId && !group) return reply(s.retryNeedGroup);
  if (group && !isGroupAdmin(ctx, group)) {
    const names = adminNames(group);
    return reply(s.retryNotAdmin, [names.length > 0 ? subText.askAdmins(names) : subText.noAdmins]);
  }
  if (!group && !isOperator(ctx)) return reply(s.retryNeedGroup);
  const n = await outbox.retryDead(group?.id, ctx.now);
  if (n > 0) await recordChange(ctx, 'outbox.retried', { messages: n });
  return reply(n > 0 ? s.retried(n) : s.nothingToRetry);
}
