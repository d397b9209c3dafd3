import type { RegionTally } from '../data/dataset.ts';
import { trendOf } from '../data/history.ts';
import { channels } from '../data/schema.ts';
import { isReply, readScope } from './args.ts';
import type { HandlerContext } from './context.ts';
import { counted, passRateOf, percent, periodLabel, statedRateText } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { markSample } from './sample.ts';
import { channelName, historyText as hx, t } from './text.ts';

/** /trend [地区]: both channels' pass rates over the last rounds of the series, oldest first. */
export function trend(args: string[], ctx: HandlerContext): Reply {
  const scope = readScope(args, ctx);
  if (isReply(scope)) return scope;
  const data = ctx.data;
  const region = scope.region;
  const points = trendOf(data, scope.view, region.id);
  const lines: string[] = scope.note ? [scope.note] : [];
  const allSample = points.every((p) => data.isSample(p.view));
  points.forEach((p, i) => {
    const before = points[i - 1];
    const parts = channels.map((ch) => {
      const now = p[ch];
      if (!now) return hx.trendMissing(channelName[ch]);
      return hx.trendCell(channelName[ch], rateText(now), now.failed, now.checked, arrow(now, before?.[ch]));
    });
    // A sample round among real ones is marked on its own row; an all-sample answer in its title.
    const label = periodLabel(p.view.round.period);
    const sampleRow = data.isSample(p.view) && !allSample;
    lines.push(hx.trendRow(sampleRow ? `${label}${t.sampleTag}` : label, parts));
  });
  const first = points[0];
  const last = points.at(-1);
  if (points.length < 2 || !first || !last) lines.push(hx.trendSingle);
  else {
    for (const ch of channels) {
      const a = first[ch];
      const b = last[ch];
      if (!a || !b) continue;
      lines.push(hx.trendSummary(channelName[ch], rateText(a), rateText(b), points.length));
    }
  }
  const answer = reply(hx.trendTitle(region.name), lines);
  return allSample ? markSample(answer, points.map((p) => p.view)) : answer;
}

/** The pass rate from the counts, or the notice's own rate when it stated no counts. */
function rateText(t: RegionTally): string {
  if (counted(t)) return percent(t.checked - t.failed, t.checked);
  return t.rate ? statedRateText(t.rate).replace(/^合格率/, '') : '—';
}

function arrow(now: RegionTally, before: RegionTally | undefined): string {
  const a = passRateOf(now);
  const b = before && passRateOf(before);
  if (a === undefined || b === undefined || Math.abs(a - b) < 0.005) return hx.same;
  return a > b ? hx.up : hx.down;
}
