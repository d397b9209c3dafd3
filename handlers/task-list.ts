import { openTasks } from '../data/deadlines/task.ts';
import type { HandlerContext } from './context.ts';
import { periodLabel } from './format.ts';
import { statusText } from './reminders.ts';
import { type Reply, reply } from './reply.ts';
import { markSample } from './sample.ts';
import type { TaskService } from './services.ts';
import { visibleTasks } from './task-scope.ts';
import { taskText as tx } from './text.ts';

/**
 * The open tasks the asker sees, with working days left or late at ctx.now, earliest deadline
 * first, under one heading per round when there are several. `only: 'overdue'` keeps late ones.
 */
export function taskListReply(ctx: HandlerContext, service: TaskService, only?: 'overdue'): Reply {
  const rows = openTasks(visibleTasks(ctx, service))
    .map((task) => ({ task, status: statusText(task, ctx.now, service.calendar) }))
    .filter((r) => only !== 'overdue' || r.status.overdue)
    .sort(
      (a, b) =>
        a.task.round.key.localeCompare(b.task.round.key) ||
        (a.task.deadline?.date ?? '9999').localeCompare(b.task.deadline?.date ?? '9999') ||
        a.task.unitName.localeCompare(b.task.unitName, 'zh'),
    );
  const title = only === 'overdue' ? tx.overdueTitle(rows.length) : tx.deadlineTitle(rows.length);
  if (rows.length === 0) return reply(only === 'overdue' ? tx.overdueNone : tx.deadlineNone);
  const lines: string[] = [];
  const rounds = new Set(rows.map((r) => r.task.round.key));
  let round = '';
  for (const [i, { task, status }] of rows.entries()) {
    if (rounds.size > 1 && task.round.key !== round) lines.push(tx.roundHeading(periodLabel(task.round.period)));
    round = task.round.key;
    lines.push(tx.taskLine(i + 1, task.unitName, task.failure.subject, status.text));
  }
  const gaps = [...new Set(rows.flatMap((r) => (r.status.gap ? [r.status.gap] : [])))].sort();
  if (gaps.length > 0) lines.push(tx.calendarGap(gaps));
  return markSample(
    reply(title, lines),
    rows.map((r) => r.task.round),
  );
}
