/**
 * Wall-clock helpers for Asia/Shanghai. China has kept UTC+8 all year since 1991 (no daylight
 * saving), so a fixed offset is exact and keeps these functions pure: no Intl, no host timezone.
 */
const OFFSET_MS = 8 * 3600_000;

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a Shanghai wall-clock time: ('2020-04-17', '09:00') → 2020-04-17T01:00Z. */
export function shanghaiTime(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

/** Day of the week, 0 = Sunday, of a YYYY-MM-DD date. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The date `n` calendar days after `date` (n may be negative). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function isClockTime(text: string): boolean {
  const m = text.match(/^(\d{2}):(\d{2})$/);
  return m !== null && Number(m[1]) < 24 && Number(m[2]) < 60;
}
