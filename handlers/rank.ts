import type { Dataset, RoundView } from '../data/dataset.ts';
import { type Channel, channels, type Region } from '../data/schema.ts';
import { isReply, readScope } from './args.ts';
import type { HandlerContext } from './context.ts';
import { rankRows } from './charts/figures.ts';
import { periodLabel } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { markSample } from './sample.ts';
import { channelName, t } from './text.ts';

/** /rank [网站|新媒体] [地区] [期次]: the regions below a scope, worst failure rate first. */
export function rank(args: string[], ctx: HandlerContext): Reply {
  const scope = readScope(args, ctx, { channel: true });
  if (isReply(scope)) return scope;
  const data = ctx.data;
  const { view } = scope;
  const chosen: readonly Channel[] = scope.channel ? [scope.channel] : channels;
  const lines: string[] = [];
  for (const ch of chosen) {
    if (chosen.length > 1) lines.push(t.rankSection(channelName[ch]));
    lines.push(...rankLines(data, view, scope.region, ch));
  }
  const chName = scope.channel ? channelName[scope.channel] : undefined;
  return markSample(reply(t.rankTitle(scope.region.name, periodLabel(view.round.period), chName), lines), [view]);
}

function rankLines(data: Dataset, view: RoundView, scope: Region, ch: Channel): string[] {
  const rows = rankRows(data, view, scope, ch);
  if (rows.length === 0) return [t.rankEmpty];
  // Officials look for the laggards: the regions with failures are listed, the 0% remainder is one
  // line. When no region failed, the whole list is shown (there is no "rest" to summarise).
  const failing = rows.filter((row) => row.failed > 0);
  const listed = failing.length > 0 ? failing : rows;
  const out = listed.map((row) => t.rankRow(row.position, row.region.name, row.failRate, row.failed, row.checked));
  const rest = rows.length - listed.length;
  if (rest > 0) out.push(t.rankRest(rest));
  return out;
}
