import { shanghaiTime } from '../deadlines/time.ts';

/**
 * When a site's homepage is probed: `perDay` tries a Shanghai day, one in each equal slot, at a
 * per-site offset (sites spread over the slot instead of all at :00) plus a jitter of up to ±`jitterMs`
 * that changes every try, so no two tries are exactly a slot apart (domain.md §1.5: spaced tries).
 * Deterministic from the site id and date, so a restart neither repeats nor skips a try.
 */
export interface ScheduleOptions {
  perDay: number;
  jitterMs: number;
}

export const defaultSchedule: ScheduleOptions = { perDay: 24, jitterMs: 5 * 60_000 };

export function slotsOn(siteId: string, date: string, opts: ScheduleOptions = defaultSchedule): number[] {
  const dayStart = shanghaiTime(date, '00:00').getTime();
  const slot = 86_400_000 / opts.perDay;
  const jitter = Math.min(opts.jitterMs, Math.floor(slot / 2) - 1);
  const offset = hash(siteId) % slot;
  const out: number[] = [];
  for (let k = 0; k < opts.perDay; k++) {
    const j = jitter > 0 ? (hash(`${siteId}|${date}|${k}`) % (2 * jitter + 1)) - jitter : 0;
    // Kept inside its own slot, so every day has exactly perDay tries.
    const at = Math.min(Math.max(offset + j, 0), slot - 1);
    out.push(dayStart + k * slot + at);
  }
  return out;
}

/** FNV-1a, 32 bits. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Which of a site's daily tries also reads its list pages (freshness): one fixed slot a day per
 * site, spread over the day by the site id, so the column reads do not all land at one hour.
 */
export function readSlot(siteId: string, perDay: number): number {
  return hash(`${siteId}|read`) % perDay;
}

/**
 * Every try of every site on one Shanghai day, in time order (typed arrays: 15,000 sites × 24
 * tries is 360,000 entries, about 5 MB). `site` indexes the ids the plan was made from.
 */
export interface DayPlan {
  date: string;
  at: Float64Array;
  site: Uint32Array;
  slot: Uint8Array;
}

export function dayPlan(
  siteIds: readonly string[],
  date: string,
  opts: ScheduleOptions = defaultSchedule,
): DayPlan {
  const n = siteIds.length * opts.perDay;
  const at = new Float64Array(n);
  const site = new Uint32Array(n);
  const slot = new Uint8Array(n);
  let i = 0;
  siteIds.forEach((id, s) => {
    slotsOn(id, date, opts).forEach((t, k) => {
      at[i] = t;
      site[i] = s;
      slot[i] = k;
      i++;
    });
  });
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => at[a]! - at[b]! || site[a]! - site[b]!);
  return {
    date,
    at: Float64Array.from(order, (j) => at[j]!),
    site: Uint32Array.from(order, (j) => site[j]!),
    slot: Uint8Array.from(order, (j) => slot[j]!),
  };
}

/** Index of the first try at or after `t` (the plan's length when none). */
export function firstAtOrAfter(plan: DayPlan, t: number): number {
  let lo = 0;
  let hi = plan.at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (plan.at[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
