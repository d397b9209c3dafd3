import type { HandlerContext } from './context.ts';
import { type Reply, reply } from './reply.ts';
import { taskListReply } from './task-list.ts';
import { taskText as tx } from './text.ts';

/** /overdue: open tasks past their deadline, with working days late. */
export function overdue(_args: string[], ctx: HandlerContext): Reply {
  const service = ctx.services.tasks;
  if (!service) return reply(tx.notConfigured);
  return taskListReply(ctx, service, 'overdue');
}
