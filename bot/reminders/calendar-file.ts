import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { calendarFileSchema, mergeCalendar, shippedCalendar, type WorkCalendar } from '../../data/deadlines/calendar.ts';

export const CALENDAR_FILE = 'calendar.json';

/**
 * The working-day calendar: the chinese-days table, with `$DATA_DIR/calendar.json` merged over
 * it when present (README "Deadline reminders"). A broken file stops the bot with a ConfigError
 * listing every problem, rather than silently counting the wrong days.
 */
export async function loadCalendar(dataDir: string): Promise<WorkCalendar> {
  const file = path.join(dataDir, CALENDAR_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = '{}';
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid JSON (${(err as Error).message})`]);
  }
  const parsed = calendarFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`));
  }
  const merged = mergeCalendar(shippedCalendar(), parsed.data);
  if ('problems' in merged) throw new ConfigError(merged.problems.map((p) => `${file}: ${p}`));
  return merged;
}
