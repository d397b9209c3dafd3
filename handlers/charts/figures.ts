import type { Dataset, RegionTally, RoundView } from '../../data/dataset.ts';
import { type TrendPoint, trendOf } from '../../data/history.ts';
import type { Channel, Region, Round } from '../../data/schema.ts';
import { isSampleRound } from '../../data/sample.ts';
import { counted, passRateOf, percent, statedRateText } from '../format.ts';

/**
 * The numbers every picture shows, computed once and shared by /rank, /chart and the dashboard,
 * so a bar in a chart and a line of /rate or /rank can never disagree. Rates come from
 * handlers/format.ts `percent` exactly as /rate prints them.
 */

export interface RankRow {
  region: Region;
  total: number | undefined;
  checked: number;
  failed: number;
  /** failed / checked, for ordering and bar length. */
  rate: number;
  /** Failure rate as /rate and /rank print it (“0.91%”, “<0.01%”). */
  failRate: string;
  /** Pass rate as /rate prints it. */
  passRate: string;
  /** Position: ties share one (1, 2, 2, 4). */
  position: number;
  /** True when the region's numbers are summed from its own sub-regions (the notice lists only those). */
  summed: boolean;
}

/**
 * The children of `scope` with checked items in `view`, worst failure rate first (then more
 * failures, then name), each with its numbers for one channel — the order /rank lists them.
 */
export function rankRows(data: Dataset, view: RoundView, scope: Region, ch: Channel): RankRow[] {
  const rows = data.regions
    .childrenOf(scope.id)
    .map((r) => ({ r, tally: data.tally(view, r.id, ch) }))
    // A region whose notice gave only a rate has no counts to rank by.
    .flatMap((x) => (x.tally && counted(x.tally) && x.tally.checked > 0 ? [{ r: x.r, tally: x.tally }] : []))
    .map(({ r, tally }) => ({ r, tally, rate: tally.failed / tally.checked }))
    .sort(
      (a, b) =>
        b.rate - a.rate || b.tally.failed - a.tally.failed || a.r.name.localeCompare(b.r.name, 'zh'),
    );
  let position = 0;
  let previous = Number.NaN;
  return rows.map((x, i) => {
    if (x.rate !== previous) position = i + 1;
    previous = x.rate;
    return {
      region: x.r,
      total: x.tally.total,
      checked: x.tally.checked,
      failed: x.tally.failed,
      rate: x.rate,
      failRate: percent(x.tally.failed, x.tally.checked),
      passRate: percent(x.tally.checked - x.tally.failed, x.tally.checked),
      position,
      summed: x.tally.summed,
    };
  });
}

export interface TrendRow {
  period: string;
  roundKey: string;
  sample: boolean;
  website?: TrendCell;
  newmedia?: TrendCell;
}

export interface TrendCell {
  total: number | undefined;
  checked: number | undefined;
  failed: number | undefined;
  /** Pass rate in percentage points (the line's height); undefined when nothing was checked. */
  value: number | undefined;
  /** Pass rate as /trend prints it. */
  passRate: string;
}

/** A region's pass rates over the last rounds of the series ending at `view`, oldest first (/trend). */
export function trendRows(data: Dataset, view: RoundView, regionId: string, max = 8): TrendRow[] {
  return trendOf(data, view, regionId, max).map((p: TrendPoint) => {
    const row: TrendRow = { period: p.view.round.period, roundKey: p.view.round.key, sample: isSample(p.view.round) };
    for (const ch of ['website', 'newmedia'] as const) {
      const t = p[ch];
      if (t) row[ch] = { total: t.total, checked: t.checked, failed: t.failed, value: passRateOf(t), passRate: cellRate(t) };
    }
    return row;
  });
}

/** The pass rate /trend prints: from the counts, or the notice's own rate when it gave no counts. */
function cellRate(t: RegionTally): string {
  if (counted(t)) return percent(t.checked - t.failed, t.checked);
  return t.rate ? statedRateText(t.rate).replace(/^合格率/, '') : '—';
}

/** The shipped Fujian demo notice: every picture drawn from it says 示例数据. */
export function isSample(round: Round): boolean {
  return isSampleRound(round);
}
