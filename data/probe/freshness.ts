import { ageInDays } from './dates.ts';

/**
 * 首页不更新 and 栏目不更新 (domain.md §1.2): the homepage with no new item in 2 weeks; 5 or more
 * stale columns, counting 动态/要闻 with nothing in 2 weeks and 通知公告/政策文件 with nothing in
 * 6 months (183 days); 10 or more columns that should update and have not within their own period;
 * 5 or more blank columns. Each rule warns before it trips. Pure: `now` is an argument.
 */
export const columnKinds = ['news', 'notice', 'other'] as const;
export type ColumnKind = (typeof columnKinds)[number];

export const KIND_PERIOD_DAYS: Record<Exclude<ColumnKind, 'other'>, number> = { news: 14, notice: 183 };
export const HOMEPAGE_PERIOD_DAYS = 14;
export const STALE_COLUMNS_VETO = 5;
export const LONG_STALE_COLUMNS_VETO = 10;
export const BLANK_COLUMNS_VETO = 5;

const NEWS_NAME = /动态|要闻|新闻|头条|快讯|资讯|简报|工作信息|政务信息|图片报道|热点/;
const NOTICE_NAME = /通知|公告|公示|政策|文件|法规|规章|规划|决定|意见|办法/;

/** The kind a column's name implies: 工作动态 → news, 通知公告 → notice, 机构职能 → other. */
export function kindFromName(name: string): ColumnKind {
  if (NOTICE_NAME.test(name) && !/动态|要闻|新闻/.test(name)) return 'notice';
  if (NEWS_NAME.test(name)) return 'news';
  return 'other';
}

/** Days a column may go without a new item; undefined when it has none (an 'other' column left unset). */
export function periodOf(kind: ColumnKind, override?: number): number | undefined {
  if (override !== undefined) return override;
  return kind === 'other' ? undefined : KIND_PERIOD_DAYS[kind];
}

/** Warn this many days before a period runs out: 10 days into a 2-week period, ~5 months into 6. */
export function warnAfter(period: number): number {
  return period - Math.max(4, Math.ceil(period / 6));
}

export interface ColumnReading {
  name: string;
  kind: ColumnKind;
  periodDays?: number;
  /** When the page could be read: blank (no items / 暂无信息) and the newest dated item. */
  read?: { blank: boolean; newest?: string; items: number };
  /** Why the page could not be read (status, robots.txt…): such a column is left out of the counts. */
  unreadable?: string;
}

export type ColumnState = 'fresh' | 'nearing' | 'stale' | 'blank' | 'unread' | 'unrated';

export interface ColumnStanding {
  name: string;
  kind: ColumnKind;
  period?: number;
  state: ColumnState;
  /** Days since the newest dated item; undefined when no item carries a date. */
  age?: number;
  newest?: string;
  /** Days left before it goes stale (nearing only). */
  daysLeft?: number;
  unreadable?: string;
}

export function columnStanding(col: ColumnReading, now: Date): ColumnStanding {
  const period = periodOf(col.kind, col.periodDays);
  const base = { name: col.name, kind: col.kind, period };
  if (!col.read) return { ...base, state: 'unread', unreadable: col.unreadable };
  if (col.read.blank) return { ...base, state: 'blank' };
  const age = col.read.newest ? ageInDays(col.read.newest, now) : undefined;
  const extra = { age, newest: col.read.newest };
  if (period === undefined) return { ...base, ...extra, state: 'unrated' };
  if (age === undefined || age >= period) return { ...base, ...extra, state: 'stale' };
  if (age >= warnAfter(period)) return { ...base, ...extra, state: 'nearing', daysLeft: period - age };
  return { ...base, ...extra, state: 'fresh' };
}

export type Level = 'ok' | 'warn' | 'veto' | 'unknown';

export interface HomepageStanding {
  rule: 'homepage-stale';
  level: Level;
  newest?: string;
  age?: number;
  period: number;
  daysLeft?: number;
  /**
   * 'columns' when the homepage carries no dated item (a navigation page) and is judged, as the indicator
   * says, by its second-level pages: the newest item of any column read.
   */
  via?: 'columns';
}

/**
 * 首页不更新: `read.newest` is the homepage's newest dated item, undefined when none is dated. A homepage
 * with no dated item is a navigation page or one of undated items; the indicator judges the first by its
 * second-level pages ("fail when no second-level page has an update") and counts undated items as not
 * updated, so such a homepage takes the newest item of its columns when any was read, and is stale when
 * none was.
 */
export function homepageStanding(
  read: { newest?: string } | undefined,
  now: Date,
  columns: readonly ColumnReading[] = [],
): HomepageStanding {
  const period = HOMEPAGE_PERIOD_DAYS;
  if (!read) return { rule: 'homepage-stale', level: 'unknown', period };
  let newest = read.newest;
  let via: 'columns' | undefined;
  if (!newest) {
    const second = columns
      .map((c) => (c.read && !c.read.blank ? c.read.newest : undefined))
      .filter((d): d is string => d !== undefined)
      .sort()
      .at(-1);
    if (!second) return { rule: 'homepage-stale', level: 'veto', period };
    newest = second;
    via = 'columns';
  }
  const age = ageInDays(newest, now);
  const level: Level = age >= period ? 'veto' : age >= warnAfter(period) ? 'warn' : 'ok';
  return {
    rule: 'homepage-stale',
    level,
    newest,
    age,
    period,
    daysLeft: Math.max(0, period - age),
    ...(via ? { via } : {}),
  };
}

export interface ColumnsStanding {
  rule: 'columns-stale';
  level: Level;
  /** Stale 动态/要闻 and 通知公告/政策文件 columns: 5 trip the veto. */
  stale: number;
  /** Of those kinds, the ones within their warning days. */
  nearing: number;
  /** Columns of any kind with a period, stale: 10 trip the veto. */
  longStale: number;
  threshold: number;
  columns: ColumnStanding[];
}

export function columnsStanding(cols: readonly ColumnReading[], now: Date): ColumnsStanding {
  const columns = cols.map((c) => columnStanding(c, now));
  const core = columns.filter((c) => c.kind !== 'other');
  const stale = core.filter((c) => c.state === 'stale').length;
  const nearing = core.filter((c) => c.state === 'nearing').length;
  const longStale = columns.filter((c) => c.state === 'stale').length;
  const longNearing = columns.filter((c) => c.state === 'nearing').length;
  const unread = columns.some((c) => c.state === 'unread');
  let level: Level;
  if (stale >= STALE_COLUMNS_VETO || longStale >= LONG_STALE_COLUMNS_VETO) level = 'veto';
  else if (
    stale + nearing >= STALE_COLUMNS_VETO ||
    stale === STALE_COLUMNS_VETO - 1 ||
    longStale + longNearing >= LONG_STALE_COLUMNS_VETO ||
    nearing > 0
  )
    level = 'warn';
  else level = columns.length === 0 || (unread && core.length === 0) ? 'unknown' : 'ok';
  return { rule: 'columns-stale', level, stale, nearing, longStale, threshold: STALE_COLUMNS_VETO, columns };
}

export interface BlankStanding {
  rule: 'columns-blank';
  level: Level;
  blank: number;
  threshold: number;
  names: string[];
}

export function blankStanding(cols: readonly ColumnReading[], now: Date): BlankStanding {
  const blank = cols.map((c) => columnStanding(c, now)).filter((c) => c.state === 'blank');
  const n = blank.length;
  const level: Level =
    n >= BLANK_COLUMNS_VETO ? 'veto' : n >= BLANK_COLUMNS_VETO - 2 ? 'warn' : cols.length ? 'ok' : 'unknown';
  return {
    rule: 'columns-blank',
    level,
    blank: n,
    threshold: BLANK_COLUMNS_VETO,
    names: blank.map((c) => c.name),
  };
}
