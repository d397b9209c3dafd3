import type { Dataset, RoundView } from '../data/dataset.ts';
import type { Resolution } from '../data/regions.ts';
import type { Channel, Region } from '../data/schema.ts';
import type { HandlerContext } from './context.ts';
import { parseChannel, parsePeriod, periodLabel } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { scopeLabel } from './sample.ts';
import { t } from './text.ts';

export interface Scope {
  region: Region;
  /** When the text named a responsible unit (/fail 福建省教育厅): its name; region is its region. */
  unit?: string;
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
export function readScope(
  args: string[],
  ctx: HandlerContext,
  opts: { channel?: boolean } = {},
): Scope | Reply {
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
  let unit: string | undefined;
  if (regionText) {
    const res = data.regions.resolve(regionText, near) ?? resolveCompound(data, regionText, near);
    if (res) {
      region = res.region;
      if (res.alternatives.length > 0) {
        note = t.ambiguousRegion(regionText, res.alternatives.map((r) => data.regions.describe(r, near)));
      }
    } else {
      const named = unitNamed(data, regionText);
      if (!named) return unknownRegion(regionText, data);
      unit = named.name;
      region = named.region;
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
  if (unit) scope.unit = unit;
  if (period) scope.period = period;
  if (channel) scope.channel = channel;
  return scope;
}

/**
 * A region written with its parent (福州市鼓楼区, 福建省福州市, 三明市沙县): a prefix that is a
 * region and a rest that is a region inside it. The longest such prefix wins.
 */
export function resolveCompound(data: Dataset, text: string, scopeId?: string): Resolution | undefined {
  const chars = [...text.trim()];
  for (let i = chars.length - 2; i >= 2; i--) {
    const head = data.regions.resolve(chars.slice(0, i).join(''), scopeId);
    if (!head) continue;
    const restText = chars.slice(i).join('');
    const rest =
      data.regions.resolve(restText, head.region.id) ?? resolveCompound(data, restText, head.region.id);
    if (rest && data.regions.within(rest.region.id, head.region.id))
      return { region: rest.region, alternatives: [] };
  }
  return undefined;
}

/**
 * A responsible unit named instead of a region (/fail 福建省教育厅): by its register name or
 * alias, else by the name failures carry. Its region is the register's, else the region of its
 * failures in the latest round.
 */
function unitNamed(data: Dataset, text: string): { name: string; region: Region } | undefined {
  const unit = data.unit(text);
  if (unit?.regionId) {
    const region = data.regions.get(unit.regionId);
    if (region) return { name: unit.name, region };
  }
  for (const view of [...data.rounds].reverse()) {
    const f = view.file.failures.find((x) => x.unitName === text);
    const region = f ? data.regions.get(f.regionId) : undefined;
    if (f && region) return { name: unit?.name ?? text, region };
  }
  return undefined;
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
