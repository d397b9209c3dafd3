import type { Dataset } from '../data/dataset.ts';
import { compareNearness, nearestRules, type RuleId, type RuleNearness, worstLevel } from '../data/probe/nearness.ts';
import type { RegisteredSite } from '../data/probe/sites.ts';
import { type SiteStanding, siteStanding } from '../data/probe/standing.ts';
import { nearRegion, resolveCompound } from './args.ts';
import type { HandlerContext } from './context.ts';
import { type Reply, reply } from './reply.ts';
import type { ProbeService } from './services.ts';
import { shanghai } from './status.ts';
import { probeText as tx, t } from './text.ts';

/** Chinese order of names; one collator (a localeCompare with a locale builds one per call). */
export const compareNames = new Intl.Collator('zh').compare;

/** Sites listed one line each before "…另有N个". */
export const SUMMARY_LIMIT = 10;

/** The lines of one site's standing, rule by rule, with the numbers behind each. */
export function standingLines(s: SiteStanding, hasReading: boolean): string[] {
  const a = s.availability;
  return [
    tx.site(s.site.name, s.site.url ?? ''),
    tx.unreachable(a.level, a.week, a.week.shortDays, a.budget),
    tx.homepage(s.homepage.level, s.homepage.newest, s.homepage.age, !hasReading, s.homepage.via === 'columns'),
    tx.columns(
      s.columns.level,
      s.columns.stale,
      s.columns.nearing,
      s.columns.longStale,
      s.columns.columns
        .filter((c) => c.state !== 'fresh' && c.state !== 'unrated')
        .map((c) => tx.columnLine(c.name, c.state, c.age, c.period, c.daysLeft, c.unreadable)),
    ),
    tx.blank(s.blank.level, s.blank.blank, s.blank.names),
  ];
}

/** One rule's standing as one line: what it is and how far from its veto. */
export function ruleReason(s: SiteStanding, rule: RuleId): string {
  switch (rule) {
    case 'unreachable':
      return tx.reasonUnreachable(s.availability.level, s.availability.week, s.availability.budget);
    case 'homepage-stale':
      return tx.reasonHomepage(s.homepage.level, s.homepage.age, s.homepage.daysLeft);
    case 'columns-stale':
      return tx.reasonColumns(
        s.columns.stale,
        s.columns.longStale,
        s.columns.columns
          .filter((c) => c.state === 'nearing' && c.age !== undefined)
          .sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0))
          .slice(0, 3)
          .map((c) => tx.reasonNearing(c.name, c.age!, c.daysLeft ?? 0)),
      );
    case 'columns-blank':
      return tx.reasonBlank(s.blank.blank, s.blank.names);
  }
}

/** Whether the probe store holds anything about the site (a try or a reading). */
export function probedBefore(probe: Pick<ProbeService, 'store'>, site: RegisteredSite): boolean {
  return probe.store.tallies(site.site.id).length > 0 || probe.store.reading(site.site.id) !== undefined;
}

/** What a /probe or /watch argument names: a site, a unit's sites, or a region's. */
interface Target {
  label: string;
  sites: RegisteredSite[];
  /** A single site asked for by name (or a unit's only site): shown in full. */
  single: boolean;
  /** No scope given and none to take: every registered site. */
  all?: boolean;
  note?: string;
}

/**
 * The target's sites with a homepage, those probed so far and the lines that head the answer; or
 * the answer itself when there is nothing to show (no site, probing off, not run yet).
 */
function probedSites(target: Target, ctx: HandlerContext) {
  const svc = ctx.services.probe;
  const probed = target.sites.filter((s) => s.homepage);
  if (probed.length === 0) return reply(target.all ? tx.noSitesAtAll : tx.noSitesIn(target.label));
  const seen = svc ? probed.filter((s) => probedBefore(svc, s)) : [];
  if (!svc || (seen.length === 0 && !svc.enabled)) return reply(tx.off);
  if (seen.length === 0) return reply(tx.notYet(target.label));
  const head = [...(target.note ? [target.note] : []), ...(svc.enabled ? [] : [tx.offWithData])];
  return { svc, probed, seen, head };
}

/**
 * `/probe [站点|单位|地区]`: one site's standing on each rule with the numbers behind it, or a
 * unit's or region's sites one line each, nearest a veto first.
 */
export function probe(args: string[], ctx: HandlerContext): Reply {
  const target = readTarget(args, ctx, true);
  if ('title' in target) return target;
  const found = probedSites(target, ctx);
  if ('title' in found) return found;
  const { svc, probed, head } = found;

  if (target.single && probed.length === 1) {
    const site = probed[0]!;
    const s = siteStanding(svc.store, site.site, ctx.now, svc.perDay);
    const reading = svc.store.reading(site.site.id);
    const [, ...rules] = standingLines(s, reading?.homepage !== undefined);
    const about = tx.siteUnit(site.unit?.name, site.region?.name);
    return reply(tx.probeTitle(site.site.name), [
      ...head,
      site.homepage!,
      ...(about ? [about] : []),
      ...rules,
      ...(reading ? [tx.readAt(shanghai(new Date(reading.at)))] : []),
    ]);
  }

  const ranked = rank(svc, probed, ctx.now);
  const lines = ranked.slice(0, SUMMARY_LIMIT).map((r, i) => summaryLine(i + 1, r));
  if (ranked.length > SUMMARY_LIMIT) lines.push(tx.more(ranked.length - SUMMARY_LIMIT));
  return reply(tx.probeSummaryTitle(target.label, probed.length), [...head, ...lines]);
}

/** `/watch [地区]`: the sites nearest a veto in the scope, each with its reason in one line. */
export function watch(args: string[], ctx: HandlerContext): Reply {
  const target = readTarget(args, ctx, false);
  if ('title' in target) return target;
  const found = probedSites(target, ctx);
  if ('title' in found) return found;
  const { svc, seen, head } = found;
  const ranked = rank(svc, seen, ctx.now);
  const near = ranked.filter((r) => r.level === 'warn' || r.level === 'veto');
  const title = tx.watchTitle(target.label);
  if (near.length === 0) {
    const first = ranked[0]!;
    const lines = [...head, tx.watchNone(seen.length)];
    if (first.rules[0]!.nearness > 0)
      lines.push(tx.watchNearest(first.standing.site.name, ruleReason(first.standing, first.rules[0]!.rule)));
    return reply(title, lines);
  }
  const lines = near.slice(0, SUMMARY_LIMIT).map((r, i) => summaryLine(i + 1, r));
  if (near.length > SUMMARY_LIMIT) lines.push(tx.more(near.length - SUMMARY_LIMIT));
  return reply(title, [...head, ...lines, tx.watchFoot]);
}

interface Ranked {
  standing: SiteStanding;
  rules: RuleNearness[];
  level: RuleNearness['level'];
  probed: boolean;
}

function rank(svc: ProbeService, sites: RegisteredSite[], now: Date): Ranked[] {
  return sites
    .map((site) => {
      const standing = siteStanding(svc.store, site.site, now, svc.perDay);
      const rules = nearestRules(standing);
      return { standing, rules, level: worstLevel(rules), probed: probedBefore(svc, site) };
    })
    .sort(
      (a, b) =>
        Number(b.probed) - Number(a.probed) ||
        compareNearness(a.rules[0]!, b.rules[0]!) ||
        compareNames(a.standing.site.name, b.standing.site.name),
    );
}

function summaryLine(n: number, r: Ranked): string {
  if (!r.probed) return tx.unprobedLine(n, r.standing.site.name);
  const first = r.rules[0]!;
  const others = r.rules.slice(1).filter((x) => x.level === 'warn' || x.level === 'veto').length;
  return tx.summaryLine(n, r.standing.site.name, tx.levelMark(first.level), ruleReason(r.standing, first.rule), others);
}

/**
 * Reads the argument: a site by name or 网站标识码, a unit by name or alias, a region (as /rate
 * reads it, 福州市鼓楼区 included); nothing: the group's follows, else the home region, else every
 * registered site. An unknown name gets the nearest site and region names.
 */
function readTarget(args: string[], ctx: HandlerContext, sitesAndUnits: boolean): Target | Reply {
  const data = ctx.data;
  const text = args.join('').trim();
  if (!text) return defaultTarget(ctx);
  const named = data.sites.named(text);
  if (named.length > 0) {
    const target: Target = { label: named[0]!.site.name, sites: named, single: named.length === 1 };
    if (named.length > 1) target.note = tx.sameName(named[0]!.site.name, named.length);
    return target;
  }
  const unit = data.unit(text);
  if (unit) {
    const sites = data.sites.ofUnit(unit.id);
    return { label: unit.name, sites, single: sitesAndUnits && sites.filter((s) => s.homepage).length === 1 };
  }
  const near = nearRegion(data);
  const res = data.regions.resolve(text, near) ?? resolveCompound(data, text, near);
  if (res) {
    const target: Target = { label: res.region.name, sites: data.sites.within(res.region.id), single: false };
    if (res.alternatives.length > 0)
      target.note = t.ambiguousRegion(text, res.alternatives.map((r) => data.regions.describe(r, near)));
    return target;
  }
  const close = [
    ...data.sites.suggest(text, 3),
    ...data.regions.suggest(text, 3, near).map((r) => data.regions.describe(r, near)),
  ];
  return reply(tx.unknownTarget(text), [close.length > 0 ? t.didYouMean(close.slice(0, 5)) : tx.unknownHint]);
}

function defaultTarget(ctx: HandlerContext): Target {
  const data = ctx.data;
  const group = ctx.groupId ? ctx.services.groups?.byId(ctx.groupId) : undefined;
  const scope = group && ctx.services.subscriptions?.scopeOf(group.id, data);
  if (group && scope && (scope.regions.length > 0 || scope.units.length > 0))
    return { label: group.name, sites: followedSites(data, scope), single: false };
  if (data.home) return { label: data.home.name, sites: data.sites.within(data.home.id), single: false };
  return { label: tx.allSites, sites: [...data.sites.list], single: false, all: true };
}

/** The sites a group follows: in a followed region, or of a followed unit. */
export function followedSites(data: Dataset, scope: { regions: string[]; units: string[] }): RegisteredSite[] {
  const unitIds = new Set(scope.units.flatMap((name) => data.unit(name)?.id ?? []));
  return data.sites.list.filter(
    (s) =>
      scope.regions.some((id) => data.regions.within(s.site.regionId, id)) ||
      (s.unit !== undefined && unitIds.has(s.unit.id)),
  );
}
