import { BLANK_COLUMNS_VETO, LONG_STALE_COLUMNS_VETO, type Level, STALE_COLUMNS_VETO } from './freshness.ts';
import type { SiteStanding } from './standing.ts';

/**
 * How close each veto rule of a site is to tripping, as a number: 0 nothing against it, 1 the veto
 * reached (above 1: past it). What /watch ranks by and what the early warnings watch:
 *
 * - 站点无法访问: failures this window / the failures that would trip it (the remaining budget);
 * - 首页不更新: days since the newest item / 14;
 * - 栏目不更新: stale 动态 and 通知公告 columns / 5 (the nearest column about to go stale counted
 *   as the fraction of its period gone), or stale columns of any period / 10, whichever is nearer;
 * - 空白栏目: blank columns / 5.
 *
 * Pure: read from a SiteStanding computed at a given time.
 */
export const ruleIds = ['unreachable', 'homepage-stale', 'columns-stale', 'columns-blank'] as const;
export type RuleId = (typeof ruleIds)[number];

export interface RuleNearness {
  rule: RuleId;
  level: Level;
  /** 0 … 1 (tripped) and beyond. */
  nearness: number;
}

export function ruleNearness(s: SiteStanding): RuleNearness[] {
  const a = s.availability;
  const availability = a.week.tripped
    ? Math.max(1, a.week.failed / Math.max(1, Math.ceil(a.week.tries / 20)))
    : a.budget.failed / Math.max(1, a.budget.threshold);

  const h = s.homepage;
  const homepage = h.level === 'unknown' ? 0 : h.age === undefined ? 1 : h.age / h.period;

  const c = s.columns;
  const nearest = Math.max(
    0,
    ...c.columns
      .filter((x) => x.kind !== 'other' && x.state === 'nearing' && x.age !== undefined && x.period)
      .map((x) => x.age! / x.period!),
  );
  const columns = Math.max(
    (c.stale + (c.stale < STALE_COLUMNS_VETO ? nearest : 0)) / STALE_COLUMNS_VETO,
    c.longStale / LONG_STALE_COLUMNS_VETO,
  );

  const blank = s.blank.blank / BLANK_COLUMNS_VETO;
  return [
    { rule: 'unreachable', level: a.level, nearness: availability },
    { rule: 'homepage-stale', level: h.level, nearness: homepage },
    { rule: 'columns-stale', level: c.level, nearness: columns },
    { rule: 'columns-blank', level: s.blank.level, nearness: blank },
  ];
}

const rank: Record<Level, number> = { veto: 3, warn: 2, ok: 1, unknown: 0 };

/** Orders rules (or sites by their nearest rule): vetoes first, then warnings, then nearness. */
export function compareNearness(a: RuleNearness, b: RuleNearness): number {
  return rank[b.level] - rank[a.level] || b.nearness - a.nearness;
}

/** A site's rules, nearest a veto first. */
export function nearestRules(s: SiteStanding): RuleNearness[] {
  return ruleNearness(s).sort(compareNearness);
}

/** The level a site stands at: its worst rule's. */
export function worstLevel(rules: readonly RuleNearness[]): Level {
  return rules.reduce<Level>((w, r) => (rank[r.level] > rank[w] ? r.level : w), 'unknown');
}
