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
