import { addDays, shanghaiDate } from '../deadlines/time.ts';

/**
 * 站点无法访问 (国办秘函〔2019〕19号, domain.md §1.2): the site is watched for one week with at least
 * 20 spaced tries a day; when the tries that did not open within 15 s reach 5 % of all tries, the
 * site fails the single veto. Pure: `now` is an argument, days are Asia/Shanghai calendar dates.
 */
export const MIN_TRIES_PER_DAY = 20;
export const WEEK_DAYS = 7;
/** 5 %: `failed / tries ≥ 1/20`, kept in integers so 140 tries with 7 failures trips exactly. */
const VETO_DENOMINATOR = 20;
/** Early warning at 2 % (domain.md §1.5). */
const WARN_DENOMINATOR = 50;

/** One site's tally for one Shanghai day. `tries` counts conclusive tries only (ok + failed). */
export interface DayTally {
  date: string;
  tries: number;
  failed: number;
  /** Refused or challenged by a web application firewall: reported apart, in neither count above. */
  blocked: number;
}

export interface AvailabilityStanding {
  rule: 'unreachable';
  /** veto: the last complete week trips; warn: the week in progress is near its budget;
   *  ok: the last complete week counts and passes; unknown: not enough tries to say. */
  level: 'ok' | 'warn' | 'veto' | 'unknown';
  /** The last 7 complete Shanghai days, as the inspectors would count them. */
  week: {
    from: string;
    to: string;
    tries: number;
    failed: number;
    blocked: number;
    /** Days with fewer than 20 tries: while any remains, the week does not count. */
    shortDays: { date: string; tries: number }[];
    counts: boolean;
    tripped: boolean;
  };
  /** The 7 days ending today: failures so far and how many more would trip the veto. */
  budget: {
    from: string;
    to: string;
    failed: number;
    /** Firewall refusals in this window, reported apart. */
    blocked: number;
    /** Tries this window will have had: complete days as counted, today as planned. */
    expectedTries: number;
    /** Failures at which the window trips: ⌈5 % of expectedTries⌉. */
    threshold: number;
    remaining: number;
  };
}

/** True when `failed` of `tries` reaches 5 %. */
export function tripsVeto(tries: number, failed: number): boolean {
  return tries > 0 && failed * VETO_DENOMINATOR >= tries;
}

/** The smallest failure count that reaches 5 % of `tries`. */
export function vetoThreshold(tries: number): number {
  return Math.max(1, Math.ceil(tries / VETO_DENOMINATOR));
}

export function availabilityStanding(
  tallies: readonly DayTally[],
  now: Date,
  plannedPerDay: number,
): AvailabilityStanding {
  const byDate = new Map(tallies.map((t) => [t.date, t]));
  const today = shanghaiDate(now);
  const day = (date: string): DayTally => byDate.get(date) ?? { date, tries: 0, failed: 0, blocked: 0 };

  const weekDates = Array.from({ length: WEEK_DAYS }, (_, i) => addDays(today, i - WEEK_DAYS));
  const weekDays = weekDates.map(day);
  const week = {
    from: weekDates[0]!,
    to: weekDates[WEEK_DAYS - 1]!,
    tries: sum(weekDays, 'tries'),
    failed: sum(weekDays, 'failed'),
    blocked: sum(weekDays, 'blocked'),
    shortDays: weekDays
      .filter((d) => d.tries < MIN_TRIES_PER_DAY)
      .map((d) => ({ date: d.date, tries: d.tries })),
    counts: false,
    tripped: false,
  };
  week.counts = week.shortDays.length === 0;
  week.tripped = week.counts && tripsVeto(week.tries, week.failed);

  const windowDates = Array.from({ length: WEEK_DAYS }, (_, i) => addDays(today, i - WEEK_DAYS + 1));
  const windowDays = windowDates.map(day);
  const done = windowDays.slice(0, -1);
  const current = windowDays[WEEK_DAYS - 1]!;
  const expectedTries =
    done.reduce((n, d) => n + Math.max(d.tries, Math.min(plannedPerDay, MIN_TRIES_PER_DAY)), 0) +
    Math.max(current.tries, plannedPerDay);
  const failed = sum(windowDays, 'failed');
  const threshold = vetoThreshold(expectedTries);
  const budget = {
    from: windowDates[0]!,
    to: today,
    failed,
    blocked: sum(windowDays, 'blocked'),
    expectedTries,
    threshold,
    remaining: Math.max(0, threshold - failed),
  };

  let level: AvailabilityStanding['level'];
  if (week.tripped) level = 'veto';
  else if (failed > 0 && (failed * WARN_DENOMINATOR >= expectedTries || budget.remaining <= 2))
    level = 'warn';
  else level = week.counts ? 'ok' : 'unknown';
  return { rule: 'unreachable', level, week, budget };
}

function sum(days: readonly DayTally[], key: 'tries' | 'failed' | 'blocked'): number {
  return days.reduce((n, d) => n + d[key], 0);
}
