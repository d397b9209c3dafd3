import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CalendarGapError, mergeCalendar, shippedCalendar, WorkCalendar } from '../../../data/deadlines/calendar.ts';
import { loadCalendar } from '../../../bot/reminders/calendar-file.ts';
import { ConfigError } from '../../../bot/errors.ts';

const cal = new WorkCalendar(shippedCalendar());

describe('WorkCalendar (chinese-days table)', () => {
  it('covers 2004 to 2026, the years the State Council has published', () => {
    expect(cal.coverage).toEqual({ from: 2004, to: 2026 });
  });

  it('takes the 国庆 week off and works the 调休 Sunday before and Saturday after it', () => {
    for (const d of ['2020-10-01', '2020-10-05', '2020-10-08']) expect(cal.day(d).work).toBe(false);
    expect(cal.day('2020-09-27')).toEqual({ work: true, name: '国庆节' });
    expect(cal.day('2020-10-10')).toEqual({ work: true, name: '国庆节' });
  });

  it('follows the weekday on ordinary days', () => {
    expect(cal.isWorkday('2020-04-17')).toBe(true);
    expect(cal.isWorkday('2020-04-18')).toBe(false);
  });

  it('shifts by working days across a holiday: the working day before 2020-10-09 is 2020-09-30', () => {
    expect(cal.shiftWorkdays('2020-10-09', -1)).toBe('2020-09-30');
    expect(cal.shiftWorkdays('2020-09-30', 1)).toBe('2020-10-09');
    expect(cal.shiftWorkdays('2020-10-09', 1)).toBe('2020-10-10');
  });

  it('counts working days after one date up to and including another', () => {
    expect(cal.workdaysBetween('2020-04-15', '2020-04-17')).toBe(2);
    expect(cal.workdaysBetween('2020-04-17', '2020-04-17')).toBe(0);
    expect(cal.workdaysBetween('2020-09-30', '2020-10-10')).toBe(2);
  });

  it('throws CalendarGapError for a year it does not know instead of guessing from the weekday', () => {
    expect(() => cal.isWorkday('2027-03-03')).toThrow(CalendarGapError);
    expect(() => cal.shiftWorkdays('2026-12-31', 1)).toThrow(/2027/);
  });
});

describe('mergeCalendar()', () => {
  it('makes a declared year known with its holidays and make-up days', () => {
    const merged = mergeCalendar(shippedCalendar(), {
      years: [2027],
      holidays: { '2027-01-01': '元旦' },
      workdays: { '2027-02-06': '春节' },
    });
    if ('problems' in merged) throw new Error(merged.problems.join('; '));
    expect(merged.isWorkday('2027-01-01')).toBe(false);
    expect(merged.isWorkday('2027-02-06')).toBe(true);
    expect(merged.isWorkday('2027-03-03')).toBe(true);
    expect(merged.coverage.to).toBe(2027);
  });

  it('corrects a shipped day', () => {
    const merged = mergeCalendar(shippedCalendar(), { years: [], holidays: {}, workdays: { '2020-10-08': '加班' } });
    if ('problems' in merged) throw new Error(merged.problems.join('; '));
    expect(merged.isWorkday('2020-10-08')).toBe(true);
  });

  it('refuses dates of an undeclared year and a day that is both off and on', () => {
    const merged = mergeCalendar(shippedCalendar(), {
      years: [],
      holidays: { '2028-01-01': '元旦', '2026-05-06': '劳动节' },
      workdays: { '2026-05-06': '劳动节' },
    });
    expect(merged).toEqual({
      problems: [
        '2026-05-06: listed as both holiday and working day',
        '2028-01-01: year 2028 is not in "years" and not shipped',
      ],
    });
  });
});

describe('loadCalendar(dataDir)', () => {
  const withFile = async (text: string | undefined, fn: (dir: string) => Promise<void>) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'calendar-'));
    try {
      if (text !== undefined) await writeFile(path.join(dir, 'calendar.json'), text);
      await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('uses the shipped table when DATA_DIR has no calendar.json', () =>
    withFile(undefined, async (dir) => {
      expect((await loadCalendar(dir)).coverage).toEqual({ from: 2004, to: 2026 });
    }));

  it('merges calendar.json over the shipped table', () =>
    withFile(JSON.stringify({ years: [2027], holidays: { '2027-01-01': '元旦' } }), async (dir) => {
      expect((await loadCalendar(dir)).isWorkday('2027-01-01')).toBe(false);
    }));

  it('stops with a ConfigError naming the file and the problem', () =>
    withFile(JSON.stringify({ holidays: { '2029-01-01': '元旦' } }), async (dir) => {
      await expect(loadCalendar(dir)).rejects.toThrow(ConfigError);
      await expect(loadCalendar(dir)).rejects.toThrow(/calendar\.json: 2029-01-01: year 2029/);
    }));

  it('rejects a file that is not JSON', () =>
    withFile('{ years: ', async (dir) => {
      await expect(loadCalendar(dir)).rejects.toThrow(/calendar\.json: not valid JSON/);
    }));
});
