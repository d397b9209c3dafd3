import type { Dataset, RoundView } from '../data/dataset.ts';
import { isSampleRound } from '../data/sample.ts';
import type { Round } from '../data/schema.ts';
import { periodLabel } from './format.ts';
import type { Reply } from './reply.ts';
import { t } from './text.ts';

/**
 * Marks an answer drawn from the shipped sample notice: 【示例数据】 in the title (the line a
 * notification shows) and a first line saying where the data comes from. Every handler that
 * answers from rounds passes its reply through here with the rounds it used.
 */
export function markSample(r: Reply, rounds: ReadonlyArray<Round | RoundView>): Reply {
  const sample = rounds.map((x) => ('round' in x ? x.round : x)).find((round) => isSampleRound(round));
  if (!sample) return r;
  const label = `${sample.issuer}${periodLabel(sample.period)}`;
  return { ...r, title: t.sampleTitle(r.title), lines: [t.sampleLine(label), ...r.lines] };
}

/** A region's name for lists of regions with data: 福建省（示例数据） for the sample's scope. */
export function scopeLabel(data: Dataset, regionId: string): string {
  const region = data.regions.get(regionId);
  const name = region ? region.name : regionId;
  const onlySample = data.rounds
    .filter((v) => v.round.scopeRegionId === regionId)
    .every((v) => data.isSample(v));
  return onlySample ? `${name}${t.sampleTag}` : name;
}
