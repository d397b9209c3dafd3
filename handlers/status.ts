import type { HandlerContext } from './context.ts';
import { periodLabel } from './format.ts';
import { groupOf } from './group-admin.ts';
import { type Reply, reply } from './reply.ts';
import type { DeadLetter } from './services.ts';
import { statusText as s } from './text.ts';

/** Dead letters listed by name; the rest are counted. */
const MAX_DEAD_SHOWN = 5;

/** /status: outbox depth and oldest pending age, dead letters, last import, next scheduled work. */
export async function status(_args: string[], ctx: HandlerContext): Promise<Reply> {
  const lines: string[] = [];
  const outbox = ctx.services.outbox ?? ctx.services.outboxReport;
  if (outbox) {
    const st = await outbox.stats();
    const waiting = st.pending + st.sending;
    lines.push(
      waiting > 0 && st.oldestPendingAt
        ? s.queue(waiting, age(ctx.now.getTime() - st.oldestPendingAt.getTime()))
        : s.queueEmpty,
    );
    lines.push(s.sent(st.sent));
    const group = groupOf(ctx);
    const dead = await outbox.deadLetters(group?.id);
    if (dead.length === 0) lines.push(group ? s.noDeadHere : s.noDead);
    else {
      lines.push(s.deadHeading(dead.length));
      for (const e of dead.slice(0, MAX_DEAD_SHOWN)) lines.push(deadLine(e, !group));
      if (dead.length > MAX_DEAD_SHOWN) lines.push(s.deadMore(dead.length - MAX_DEAD_SHOWN));
      lines.push(s.retryHint);
    }
    if (!ctx.services.outbox) lines.push(s.readOnly);
  } else lines.push(s.noOutbox);

  const last = ctx.store.state.data.lastImport;
  lines.push(
    last ? s.lastImport(roundName(ctx, last.roundKey), shanghai(new Date(last.at)), last.source) : s.noImport,
  );

  const upcoming = [...(ctx.services.jobs?.upcoming() ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime());
  if (upcoming.length === 0) lines.push(s.noJobs);
  else lines.push(s.jobs(upcoming.map((j) => s.job(j.name, shanghai(j.at)))));
  return reply(s.title, lines);
}

/** 福建省2020年第一季度 for the stored round 2020Q1@35; the key itself for a round no longer stored. */
export function roundName(ctx: HandlerContext, key: string): string {
  const view = ctx.data.rounds.find((v) => v.round.key === key);
  if (!view) return key;
  const scope = ctx.data.regions.get(view.round.scopeRegionId);
  return `${scope?.name ?? ''}${periodLabel(view.round.period)}`;
}

function deadLine(e: DeadLetter, withGroup: boolean): string {
  const hint = e.dead?.errcode !== undefined ? s.hints[e.dead.errcode] : undefined;
  return s.deadLine(
    e.reply?.title ?? e.key,
    withGroup ? e.groupId : undefined,
    hint ?? s.noHint,
    e.dead?.reason ?? '',
  );
}

/** 2020-04-14 09:00 in Asia/Shanghai. */
export function shanghai(d: Date): string {
  return d.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false }).slice(0, 16);
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return s.minutes(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return s.hours(hours, minutes % 60);
  return s.days(Math.floor(hours / 24), hours % 24);
}
