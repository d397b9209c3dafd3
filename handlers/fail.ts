import { streakOf } from '../data/history.ts';
import { isReply, readScope } from './args.ts';
import type { HandlerContext } from './context.ts';
import { periodLabel } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { markSample } from './sample.ts';
import { t } from './text.ts';

/** /fail [地区] [期次]: the failed items in a region's subtree, with problem and responsible unit. */
export function fail(args: string[], ctx: HandlerContext): Reply {
  const scope = readScope(args, ctx);
  if (isReply(scope)) return scope;
  const data = ctx.data;
  const { view, region } = scope;
  const unitNames = scope.unit ? new Set([scope.unit, ...(data.unit(scope.unit)?.aliases ?? [])]) : undefined;
  const failures = data
    .failures(view, region.id)
    .filter((f) => !unitNames || (f.unitName !== undefined && unitNames.has(f.unitName)));
  const lines: string[] = scope.note ? [scope.note] : [];
  const who = scope.unit ?? region.name;
  const title = t.failTitle(who, periodLabel(view.round.period));
  if (failures.length === 0) {
    lines.push(scope.unit ? t.failNoneUnit(scope.unit) : t.failNone(region.name));
  }
  const ordered = [...failures].sort((a, b) =>
    a.channel === b.channel ? 0 : a.channel === 'website' ? -1 : 1,
  );
  for (const [i, f] of ordered.entries()) {
    const marked = f.veto && !f.problem.includes('单项否决') ? `${f.problem}${t.vetoMark}` : f.problem;
    const streak = streakOf(data, view, f);
    const problem =
      streak.rounds >= 2 ? `${marked}${t.failingSince(periodLabel(streak.since.round.period))}` : marked;
    lines.push(
      f.channel === 'website'
        ? t.failWebsite(i + 1, f.subject, problem, f.unitName)
        : t.failAccount(i + 1, f.platform ?? '政务新媒体', f.subject, problem, f.unitName),
    );
  }
  const mentions = view.file.mentions.length;
  if (mentions > 0 && !scope.unit && region.id === view.round.scopeRegionId) lines.push(t.mentionsNote(mentions));
  return markSample(reply(title, lines), [view]);
}
