import type { Dataset, RoundView } from '../data/dataset.ts';
import type { Channel, Region } from '../data/schema.ts';
import type { HandlerContext } from './context.ts';
import { parseChannel, parsePeriod, periodLabel } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { scopeLabel } from './sample.ts';
import { t } from './text.ts';

export interface Scope {
  region: Region;
  /** Sentence noting other regions the text could mean, if any. */
  note?: string;
  period?: string;
  channel?: Channel;
  view: RoundView;
}

/**
 * Reads `[地区] [期次]` (and `[网站|新媒体]` where allowed) in any order. Returns a Reply instead
 * when the user needs to hear something: an unknown region with suggestions, no data.
 */
export function readScope(args: string[], ctx: HandlerContext, opts: { channel?: boolean } = {}): Scope | Reply {
  const data = ctx.data;
  let regionText: string | undefined;
  let period: string | undefined;
  let channel: Channel | undefined;
  for (const arg of args) {
    const p = parsePeriod(arg);
    const c = opts.channel ? parseChannel(arg) : undefined;
    if (p && !period) period = p;
    else if (c && !channel) channel = c;
    else if (!regionText) regionText = arg;
    else return reply(t.badArgument(arg));
  }
  if (data.rounds.length === 0) return reply(t.noRounds);

  // Shared and mistyped names lean towards the home region, or without one the latest round's.
  const near = nearRegion(data);
  let region: Region;
  let note: string | undefined;
  if (regionText) {
    const res = data.regions.resolve(regionText, near);
    if (!res) return unknownRegion(regionText, data);
    region = res.region;
    if (res.alternatives.length > 0) {
      note = t.ambiguousRegion(regionText, res.alternatives.map((r) => data.regions.describe(r, near)));
    }
  } else if (data.home) {
    region = data.home;
  } else {
    const latest = period ? data.rounds.filter((v) => v.round.period === period).at(-1) : data.rounds.at(-1);
    const scopeId = (latest ?? data.rounds.at(-1)!).round.scopeRegionId;
    region = data.regions.get(scopeId)!;
  }

  const view = findView(data, region, period);
  if (!view) {
    const periods = [...new Set(ancestry(data, region).flatMap((r) => data.roundsFor(r.id).map((v) => v.round.period)))];
    if (periods.length === 0) return noData(region, data, note);
    return reply(t.noRoundForRegion(region.name, period ? periodLabel(period) : undefined), [t.availablePeriods(periods)]);
  }
  const scope: Scope = { region, view };
  if (note) scope.note = note;
  if (period) scope.period = period;
  if (channel) scope.channel = channel;
  return scope;
}

/** The region names lean towards: HOME_REGION, else the latest round's scope. */
export function nearRegion(data: Dataset): string | undefined {
  return data.regions.near;
}

/** A region and the regions above it. */
function ancestry(data: Dataset, region: Region): Region[] {
  const out: Region[] = [];
  for (let cur: Region | undefined = region; cur && out.length < 10; cur = data.regions.parentOf(cur)) out.push(cur);
  return out;
}

/** 该地区暂无检查数据, with the regions that have data (never a list of the sample's places). */
function noData(region: Region, data: Dataset, note: string | undefined): Reply {
  const near = nearRegion(data);
  const scopes = data.scopes().map((r) => scopeLabel(data, r.id));
  const lines = [...(note ? [note] : []), t.regionsWithData(scopes), t.importHint];
  return reply(t.noDataForRegion(data.regions.describe(region, near)), lines);
}

/** The round for a region, falling back to its parent city when the region is not listed. */
function findView(data: Dataset, region: Region, period?: string): RoundView | undefined {
  let cur: Region | undefined = region;
  while (cur) {
    const view = data.roundFor(cur.id, period);
    if (view) return view;
    cur = data.regions.parentOf(cur);
  }
  return undefined;
}

export function unknownRegion(text: string, data: Dataset): Reply {
  const near = nearRegion(data);
  const suggestions = data.regions.suggest(text, 3, near).map((r) => data.regions.describe(r, near));
  return reply(t.unknownRegion(text), [suggestions.length > 0 ? t.didYouMean(suggestions) : t.noSuggestion]);
}

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 'title' in x && 'lines' in x;
}
