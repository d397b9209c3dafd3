import { addDays, isIsoDate, shanghaiDate } from '../deadlines/time.ts';

/**
 * Publication dates as government list pages write them: 2024-05-01, 2024/05/01, 2024.05.01,
 * 2024年5月1日, and the short [05-01] / 05-01 whose year is inferred from the day the page was read
 * (the latest year that does not put the item in the future). Results are YYYY-MM-DD.
 */
const FULL = /(?<![\d.])((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)/g;
const SHORT = /(?:[[【(（]\s*(\d{1,2})[-/.](\d{1,2})\s*[\]】)）]|^\s*(\d{1,2})[-/.](\d{1,2})\s*$)/;
/** A date may run ahead of Shanghai time by a day (clocks, timezones of the CMS); beyond that it is a typo. */
const FUTURE_TOLERANCE_DAYS = 1;

export function datesIn(text: string, now: Date): string[] {
  const today = shanghaiDate(now);
  const latest = addDays(today, FUTURE_TOLERANCE_DAYS);
  const found: string[] = [];
  for (const m of text.matchAll(FULL)) {
    const d = iso(Number(m[1]), Number(m[2]), Number(m[3]));
    if (d && d <= latest) found.push(d);
  }
  if (found.length > 0) return found;
  const s = text.match(SHORT);
  if (s) {
    const month = Number(s[1] ?? s[3]);
    const day = Number(s[2] ?? s[4]);
    const year = Number(today.slice(0, 4));
    for (const y of [year, year - 1]) {
      const d = iso(y, month, day);
      if (d && d <= latest) return [d];
    }
  }
  return [];
}

/** The newest date in a piece of text, or undefined. */
export function newestDate(text: string, now: Date): string | undefined {
  const all = datesIn(text, now);
  return all.length ? [...all].sort().at(-1) : undefined;
}

/** `<meta name="PubDate" content="2024-05-01 10:00">` of an article page (TRS/大汉 CMSes write it). */
export function pubDateMeta(html: string, now: Date): string | undefined {
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/\bname\s*=\s*["']?(?:PubDate|publishdate|pubdate|ArticlePubDate)["'\s>]/i.test(tag)) continue;
    const content = tag.match(/\bcontent\s*=\s*["']([^"']*)["']/i)?.[1];
    if (content) {
      const d = newestDate(content, now);
      if (d) return d;
    }
  }
  return undefined;
}

/** Whole days from `date` to the Shanghai day of `now` (0 on the same day). */
export function ageInDays(date: string, now: Date): number {
  return Math.round(
    (Date.parse(`${shanghaiDate(now)}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000,
  );
}

function iso(y: number, m: number, d: number): string | undefined {
  const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isIsoDate(text) ? text : undefined;
}
