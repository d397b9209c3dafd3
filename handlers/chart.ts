import { channels } from '../data/schema.ts';
import { isReply, readScope } from './args.ts';
import { chartText as ct } from './chart-text.ts';
import { chartFor } from './charts/build.ts';
import type { ChartRef } from './charts/spec.ts';
import type { HandlerContext } from './context.ts';
import { periodLabel } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { markSample } from './sample.ts';
import { channelName } from './text.ts';

const TREND_WORDS = new Set(['trend', '走势', '趋势', '历史']);

/**
 * /chart [地区] [网站|新媒体] [期次]: the region's sub-regions ranked by failure rate this round, as a
 * picture; /chart trend [地区]: pass rates across rounds. The reply's lines are the picture's text
 * alternative (the same numbers), and `chart` names what to draw; the platforms send the image.
 */
export function chart(args: string[], ctx: HandlerContext): Reply {
  const first = args[0]?.toLowerCase();
  if (first && TREND_WORDS.has(first)) return trendChart(args.slice(1), ctx);
  const scope = readScope(args, ctx, { channel: true });
  if (isReply(scope)) return scope;
  const data = ctx.data;
  const { view } = scope;
  let region = scope.region;
  const lines: string[] = scope.note ? [scope.note] : [];
  // A county has no sub-regions to rank: show its city's ranking with the county marked.
  const hasChildren = (id: string) =>
    channels.some((ch) => data.regions.childrenOf(id).some((c) => (data.tally(view, c.id, ch)?.checked ?? 0) > 0));
  // A region without ranked sub-regions (a county; a city whose notice lists no districts) is
  // shown in the ranking above it, marked.
  let highlight: string | undefined;
  while (!hasChildren(region.id)) {
    const parent = data.regions.parentOf(region);
    if (!parent) return reply(ct.noData(scope.region.name), [ct.seeText(`/rate ${scope.region.name}`)]);
    highlight = region.id;
    region = parent;
  }
  if (highlight) lines.push(ct.highlighted(data.regions.get(highlight)?.name ?? scope.region.name));
  const ref: ChartRef = { kind: 'rank', regionId: region.id, roundKey: view.round.key };
  if (scope.channel) ref.channel = scope.channel;
  if (highlight) ref.highlight = highlight;
  const drawn = chartFor(data, ref);
  if (!drawn?.rank) return reply(ct.noData(region.name), [ct.seeText(`/rate ${region.name}`)]);
  for (const ch of scope.channel ? [scope.channel] : channels) {
    const rows = drawn.rank[ch]?.rows ?? [];
    const worst = rows[0];
    if (!worst) continue;
    lines.push(
      worst.failed === 0
        ? ct.summaryAllPass(channelName[ch], rows.length)
        : ct.summaryRank(channelName[ch], rows.length, worst.region.name, worst.failRate, worst.failed, worst.checked),
    );
  }
  lines.push(ct.seeText(`/rank ${scope.channel ? `${scope.channel === 'website' ? '网站' : '新媒体'} ` : ''}${region.name} ${view.round.period}`));
  return { ...markSample(reply(drawn.title, lines), [view]), chart: ref };
}

function trendChart(args: string[], ctx: HandlerContext): Reply {
  const scope = readScope(args, ctx);
  if (isReply(scope)) return scope;
  const ref: ChartRef = { kind: 'trend', regionId: scope.region.id, roundKey: scope.view.round.key };
  const drawn = chartFor(ctx.data, ref);
  if (!drawn?.trend) return reply(ct.noData(scope.region.name));
  const lines: string[] = scope.note ? [scope.note] : [];
  for (const row of drawn.trend) {
    const parts = channels.map((ch) => ct.trendCell(channelName[ch], row[ch]?.passRate ?? '—'));
    lines.push(ct.summaryTrend(periodLabel(row.period), parts));
  }
  if (drawn.trend.length === 1) lines.push(ct.trendOne);
  lines.push(ct.seeText(`/trend ${scope.region.name}`));
  const rounds = drawn.trend.flatMap((row) => ctx.data.rounds.filter((v) => v.round.key === row.roundKey));
  return { ...markSample(reply(drawn.title, lines), rounds), chart: ref };
}
