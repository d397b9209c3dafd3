import type { Dataset, RegionTally, RoundView } from './dataset.ts';
import { nameKey } from './normalize.ts';
import type { Failure } from './schema.ts';

/** The same site or account across rounds: channel, platform and name (regions get renamed). */
export function subjectKey(f: Failure): string {
  return `${f.channel}|${f.platform ?? ''}|${nameKey(f.subject)}`;
}

export interface Streak {
  /** Consecutive rounds of the series, this one included, in which the item failed. */
  rounds: number;
  /** The first of them. */
  since: RoundView;
}

export interface TrendPoint {
  view: RoundView;
  website?: RegionTally;
  newmedia?: RegionTally;
}

const failedKeys = new WeakMap<RoundView, Set<string>>();

/** The subject keys that failed in a round, computed once per round view. */
function keysOf(view: RoundView): Set<string> {
  let keys = failedKeys.get(view);
  if (!keys) {
    keys = new Set(view.file.failures.map(subjectKey));
    failedKeys.set(view, keys);
  }
  return keys;
}

/**
 * How long an item of `view` has been failing: walks back through the round's series (same
 * scope, same kind of period; Dataset.previousRound) while the previous round lists it too.
 */
export function streakOf(data: Dataset, view: RoundView, f: Failure): Streak {
  const key = subjectKey(f);
  let since = view;
  let rounds = 1;
  for (let prev = data.previousRound(view, view.round.scopeRegionId); prev; prev = data.previousRound(prev, prev.round.scopeRegionId)) {
    if (!keysOf(prev).has(key)) break;
    since = prev;
    rounds += 1;
  }
  return { rounds, since };
}

/** A region's failures in `view` that also failed in the round before, longest streak first. */
export function repeatedFailures(data: Dataset, view: RoundView, regionId: string): Array<{ failure: Failure } & Streak> {
  return data
    .failures(view, regionId)
    .map((failure) => ({ failure, ...streakOf(data, view, failure) }))
    .filter((x) => x.rounds >= 2)
    .sort((a, b) => b.rounds - a.rounds);
}

/** A region's numbers over the last `max` rounds of the series ending at `view`, oldest first. */
export function trendOf(data: Dataset, view: RoundView, regionId: string, max = 8): TrendPoint[] {
  const points: TrendPoint[] = [];
  for (let v: RoundView | undefined = view; v && points.length < max; v = data.previousRound(v, regionId)) {
    const point: TrendPoint = { view: v };
    const website = data.tally(v, regionId, 'website');
    const newmedia = data.tally(v, regionId, 'newmedia');
    if (website) point.website = website;
    if (newmedia) point.newmedia = newmedia;
    points.push(point);
  }
  return points.reverse();
}
