import { createRequire } from 'node:module';
import { z } from 'zod';
import { addDays, weekday } from './time.ts';

/**
 * Chinese working days: weekends and public holidays are off, 调休 make-up days (often a
 * Saturday or Sunday) are on. The State Council publishes each year's arrangement in the
 * preceding November or December, so a year is either fully known or not known at all: for a
 * date in an unknown year the calendar throws CalendarGapError instead of guessing from the
 * weekday.
 */
export interface DayInfo {
  work: boolean;
  /** Holiday or make-up day name (国庆节, 春节); absent for ordinary days. */
  name?: string;
}

export class CalendarGapError extends Error {
  readonly code = 'calendar_gap';
  constructor(readonly year: number) {
    super(`calendar: no holiday arrangement for ${year}; add it to calendar.json in DATA_DIR`);
    this.name = 'CalendarGapError';
  }
}

/** Special days of known years; every other day of a known year follows the weekday. */
export interface CalendarData {
  years: Set<number>;
  holidays: Map<string, string>;
  workdays: Map<string, string>;
}

export class WorkCalendar {
  constructor(private readonly data: CalendarData) {}

  /** First and last known year. */
  get coverage(): { from: number; to: number } {
    const years = [...this.data.years].sort((a, b) => a - b);
    return { from: years[0] ?? 0, to: years.at(-1) ?? 0 };
  }

  knows(date: string): boolean {
    return this.data.years.has(Number(date.slice(0, 4)));
  }

  day(date: string): DayInfo {
    if (!this.knows(date)) throw new CalendarGapError(Number(date.slice(0, 4)));
    const holiday = this.data.holidays.get(date);
    if (holiday !== undefined) return { work: false, name: holiday };
    const makeUp = this.data.workdays.get(date);
    if (makeUp !== undefined) return { work: true, name: makeUp };
    const wd = weekday(date);
    return { work: wd !== 0 && wd !== 6 };
  }

  isWorkday(date: string): boolean {
    return this.day(date).work;
  }

  /** The n-th working day after `date` (n > 0) or before it (n < 0), not counting `date` itself. */
  shiftWorkdays(date: string, n: number): string {
    const step = n > 0 ? 1 : -1;
    let cur = date;
    for (let left = Math.abs(n); left > 0; ) {
      cur = addDays(cur, step);
      if (this.isWorkday(cur)) left--;
    }
    return cur;
  }

  /** Working days in (from, to]: after `from`, up to and including `to`; 0 when to ≤ from. */
  workdaysBetween(from: string, to: string): number {
    let count = 0;
    for (let cur = addDays(from, 1); cur <= to; cur = addDays(cur, 1)) if (this.isWorkday(cur)) count++;
    return count;
  }
}

/** `$DATA_DIR/calendar.json`: an admin's additions, merged over the shipped table. */
export const calendarFileSchema = z.object({
  /** Years whose whole arrangement this file supplies (the State Council notice for that year). */
  years: z.array(z.number().int().min(2000).max(2100)).default([]),
  holidays: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.string()).default({}),
  workdays: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.string()).default({}),
});
export type CalendarFile = z.infer<typeof calendarFileSchema>;

const shippedSchema = z.object({
  holidays: z.record(z.string(), z.string()),
  workdays: z.record(z.string(), z.string()),
});

/** The table shipped in the chinese-days package ("English,中文,days" per date). */
export function shippedCalendar(): CalendarData {
  const raw = shippedSchema.parse(createRequire(import.meta.url)('chinese-days/dist/chinese-days.json'));
  const name = (v: string) => v.split(',')[1] ?? v;
  const holidays = new Map(Object.entries(raw.holidays).map(([d, v]) => [d, name(v)] as const));
  const workdays = new Map(Object.entries(raw.workdays).map(([d, v]) => [d, name(v)] as const));
  const years = new Set([...holidays.keys(), ...workdays.keys()].map((d) => Number(d.slice(0, 4))));
  return { years, holidays, workdays };
}

/**
 * Merges an admin's file over the shipped table. A date in the file must belong to a known or
 * declared year; a date listed both as holiday and as working day is refused. Returns the
 * problems instead of a calendar when there are any.
 */
export function mergeCalendar(base: CalendarData, extra: CalendarFile): WorkCalendar | { problems: string[] } {
  const years = new Set([...base.years, ...extra.years]);
  const holidays = new Map(base.holidays);
  const workdays = new Map(base.workdays);
  const problems: string[] = [];
  for (const [date, name] of Object.entries(extra.holidays)) {
    if (extra.workdays[date] !== undefined) problems.push(`${date}: listed as both holiday and working day`);
    workdays.delete(date);
    holidays.set(date, name);
  }
  for (const [date, name] of Object.entries(extra.workdays)) {
    holidays.delete(date);
    workdays.set(date, name);
  }
  for (const date of [...Object.keys(extra.holidays), ...Object.keys(extra.workdays)]) {
    const year = Number(date.slice(0, 4));
    if (!years.has(year)) problems.push(`${date}: year ${year} is not in "years" and not shipped`);
  }
  return problems.length > 0 ? { problems } : new WorkCalendar({ years, holidays, workdays });
}
