import type { Dataset, RegionTally, RoundView } from '../data/dataset.ts';
import { importText } from '../data/import/text/notice.ts';
import { channels, type Channel, type Region } from '../data/schema.ts';
import { isReply, readScope } from './args.ts';
import type { HandlerContext } from './context.ts';
import { counted, passRateOf, percent, periodLabel, shortProblem, statedRateText } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { markSample } from './sample.ts';
import { channelName, scaleText, t } from './text.ts';

/** Vetoes named in a /rate answer; the rest are counted. */
const VETO_LIMIT = 10;

/** /rate [地区] [期次]: both channels' numbers, the change since the last round, the vetoes. */
export function rate(args: string[], ctx: HandlerContext): Reply {
  const scope = readScope(args, ctx);
  if (isReply(scope)) return scope;
  const data = ctx.data;
  const { view } = scope;
  const lines: string[] = [];
  if (scope.note) lines.push(scope.note);
  if (scope.unit) lines.push(t.unitRegion(scope.unit, scope.region.name));

  // A district the notice does not list on its own is answered with its nearest listed ancestor.
  const shown = listedAncestor(data, view, scope.region);
  if (shown.id !== scope.region.id) {
    lines.push(t.notListed(data.regions.describe(scope.region), shown.name));
  }

  const tallies = new Map<Channel, RegionTally | undefined>();
  for (const ch of channels) {
    const tally = data.tally(view, shown.id, ch);
    tallies.set(ch, tally);
    if (!tally) {
      lines.push(t.channelMissing(channelName[ch]));
      continue;
    }
    const line = counted(tally)
      ? t.channelLine(
          channelName[ch],
          tally.total,
          tally.checked,
          tally.failed,
          percent(tally.checked - tally.failed, tally.checked),
          percent(tally.failed, tally.checked),
        )
      : t.channelRateOnly(
          channelName[ch],
          tally.total,
          tally.checked,
          tally.rate ? statedRateText(tally.rate) : '—',
        );
    lines.push(tally.summed ? `${line}${t.summedFromChildren}` : line);
  }

  lines.push(changeLine(data, view, shown, tallies));

  const failed = data.failures(view, shown.id);
  const vetoes = failed.filter((f) => f.veto);
  // A failure a notice names without its problem (名单 only) is a failure whose veto is unknown:
  // never 单项否决：无 for it, and no veto item invented either.
  const unstated = failed.filter((f) => !f.veto && f.problem === importText.problemNotStated).length;
  // A national round has thousands: name the first few and point to /fail (a chat message has a size limit).
  const named = vetoes
    .slice(0, VETO_LIMIT)
    .map((f) =>
      f.channel === 'website'
        ? `${f.subject}（${shortProblem(f.problem)}）`
        : `${f.subject}（${f.platform ?? channelName.newmedia}，${shortProblem(f.problem)}）`,
    );
  if (vetoes.length > VETO_LIMIT) named.push(scaleText.vetoMore(vetoes.length));
  if (unstated > 0) named.push(t.vetoUnstated(unstated));
  lines.push(
    vetoes.length > 0
      ? t.vetoLine(named)
      : unstated > 0
        ? t.vetoLine([t.vetoUnstatedOnly(unstated)])
        : t.vetoNone,
  );

  const r = view.round;
  const deadline = r.deadline
    ? `${r.deadline.date}${r.deadline.time ? ` ${r.deadline.time}` : ''}`
    : undefined;
  lines.push(t.sourceLine(r.issuer, r.issuedOn, deadline));
  return markSample(reply(t.rateTitle(shown.name, periodLabel(r.period)), lines), [view]);
}

function listedAncestor(data: Dataset, view: RoundView, region: Region): Region {
  let cur: Region | undefined = region;
  while (cur) {
    if (data.tally(view, cur.id, 'website') || data.tally(view, cur.id, 'newmedia')) return cur;
    cur = data.regions.parentOf(cur);
  }
  return region;
}

function changeLine(
  data: Dataset,
  view: RoundView,
  region: Region,
  now: Map<Channel, RegionTally | undefined>,
): string {
  const prev = data.previousRound(view, region.id);
  if (!prev) return t.noPrevious;
  const parts: string[] = [];
  for (const ch of channels) {
    const a = now.get(ch);
    const b = data.tally(prev, region.id, ch);
    const ra = a && passRateOf(a);
    const rb = b && passRateOf(b);
    if (ra === undefined || rb === undefined) continue;
    const diff = Math.round((ra - rb) * 100) / 100;
    if (diff > 0) parts.push(t.changeUp(channelName[ch], diff.toFixed(2)));
    else if (diff < 0) parts.push(t.changeDown(channelName[ch], (-diff).toFixed(2)));
    else parts.push(t.changeSame(channelName[ch]));
  }
  return parts.length > 0 ? t.changeLine(periodLabel(prev.round.period), parts) : t.noPrevious;
}
