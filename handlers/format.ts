import type { Channel, StatedRate } from '../data/schema.ts';

/** A tally whose checked and failed counts are both known (a notice may state only a rate). */
export function counted<T extends { checked?: number; failed?: number }>(
  t: T,
): t is T & { checked: number; failed: number } {
  return t.checked !== undefined && t.failed !== undefined;
}

/** The pass rate in points: from the counts, else the notice's stated rate (a bound is no rate). */
export function passRateOf(t: { checked?: number; failed?: number; rate?: StatedRate }): number | undefined {
  if (counted(t)) return passRate(t.checked, t.failed);
  if (!t.rate || t.rate.bound) return undefined;
  return t.rate.kind === 'pass' ? t.rate.value : 100 - t.rate.value;
}

export { percent, periodLabel, statedRateText } from '../data/labels.ts';

/** Pass rate in percentage points, or undefined when nothing was checked. */
export function passRate(checked: number, failed: number): number | undefined {
  return checked === 0 ? undefined : ((checked - failed) / checked) * 100;
}

const chineseDigits: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };

/** Reads 2020Q1, 2020q1, 2020年第一季度, 2020年一季度, 2020-03, 2020年3月; undefined otherwise. */
export function parsePeriod(text: string): string | undefined {
  const t = text.trim();
  let m = t.match(/^(\d{4})[-_ ]?[qQ]([1-4])$/);
  if (m) return `${m[1]}Q${m[2]}`;
  m = t.match(/^(\d{4})年?第?([一二三四1-4])季度?$/);
  if (m) return `${m[1]}Q${chineseDigits[m[2]!] ?? m[2]}`;
  m = t.match(/^(\d{4})[-年.](\d{1,2})月?$/);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return `${m[1]}-${m[2]!.padStart(2, '0')}`;
  m = t.match(/^(\d{4})[hH]([12])$/);
  if (m) return `${m[1]}H${m[2]}`;
  return undefined;
}

const channelWords: Record<string, Channel> = {
  网站: 'website',
  政府网站: 'website',
  website: 'website',
  web: 'website',
  新媒体: 'newmedia',
  政务新媒体: 'newmedia',
  newmedia: 'newmedia',
  media: 'newmedia',
};

export function parseChannel(text: string): Channel | undefined {
  return channelWords[text.trim().toLowerCase()];
}

/** Strips the veto marker: 栏目不更新（单项否决） → 栏目不更新. */
export function shortProblem(problem: string): string {
  return problem.replace(/[（(]\s*单项否决\s*[)）]/g, '').trim();
}
