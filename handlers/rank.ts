import type { Dataset, RoundView } from '../data/dataset.ts';
import { type Channel, channels, type Region } from '../data/schema.ts';
import { isReply, readScope } from './args.ts';
import type { HandlerContext } from './context.ts';
import { percent, periodLabel } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { channelName, t } from './text.ts';

/** Rows listed before the zero-failure remainder is summarised in one line. */
const MAX_ROWS = 20;

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
  return reply(t.rankTitle(scope.region.name, periodLabel(view.round.period)), lines);
}

function rankLines(data: Dataset, view: RoundView, scope: Region, ch: Channel): string[] {
  const rows = data.regions
    .childrenOf(scope.id)
    .map((r) => ({ r, tally: data.tally(view, r.id, ch) }))
    .filter((x) => x.tally && x.tally.checked > 0)
    .map((x) => ({ r: x.r, failed: x.tally!.failed, checked: x.tally!.checked, rate: x.tally!.failed / x.tally!.checked }))
    .sort((a, b) => b.rate - a.rate || b.failed - a.failed || a.r.name.localeCompare(b.r.name, 'zh'));
  if (rows.length === 0) return [t.rankEmpty];
  const out: string[] = [];
  let position = 0;
  let previousRate = Number.NaN;
  let zeros = 0;
  for (const [i, row] of rows.entries()) {
    if (row.rate !== previousRate) position = i + 1;
    previousRate = row.rate;
    if (i >= MAX_ROWS && row.failed === 0) {
      zeros++;
      continue;
    }
    out.push(t.rankRow(position, row.r.name, percent(row.failed, row.checked), row.failed, row.checked));
  }
  if (zeros > 0) out.push(t.rankRest(zeros));
  return out;
}
