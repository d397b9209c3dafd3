/** Chinese date phrases in notices: 2020年4月13日 → 2020-04-13. */

const pad = (n: number) => String(n).padStart(2, '0');

export function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A line that is only a date, as under a notice's signature. */
export function wholeLineDate(text: string): string | undefined {
  const m = text.match(/^(\d{4})年(\d{1,2})月(\d{1,2})日$/);
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** The first full date after 截至 (results as of). */
export function asOfDate(text: string): string | undefined {
  const m = text.match(/截(?:至|止)(?:到)?(\d{4})年(\d{1,2})月(\d{1,2})日/);
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

export interface DeadlinePhrase {
  date: string;
  time?: string;
  reportTo?: string;
}

const CN_HOURS: Record<string, number> = { 上午: 0, 下午: 12, 晚上: 12, 中午: 0 };

/**
 * The rectification deadline: 请于2020年4月17日前书面报省政府办公厅; 于4月16日12:00前报送…;
 * 10月17日下午5点前. A year left out is taken from `defaultYear` (the issued date's year).
 */
export function deadlinePhrase(
  sentence: string,
  defaultYear: number | undefined,
): DeadlinePhrase | undefined {
  const re =
    /于(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:\(星期.\)|\(周.\))?(上午|下午|中午|晚上)?(?:(\d{1,2})(?::|时|点)(\d{2})?分?)?(?:前|之前|以前)/;
  const m = sentence.match(re);
  if (!m) return undefined;
  const year = m[1] ? Number(m[1]) : defaultYear;
  if (year === undefined) return undefined;
  const date = isoDate(year, Number(m[2]), Number(m[3]));
  if (!date) return undefined;
  const out: DeadlinePhrase = { date };
  if (m[5]) {
    let hour = Number(m[5]);
    if (m[4] && hour < 12) hour += CN_HOURS[m[4]] ?? 0;
    const minute = m[6] ? Number(m[6]) : 0;
    if (hour <= 23 && minute <= 59) out.time = `${pad(hour)}:${pad(minute)}`;
  }
  const rest = sentence.slice((m.index ?? 0) + m[0].length);
  const offices = [
    ...rest.matchAll(
      /报(?:送至|送到|送|至|给|到)?([^,，。;；、报]{2,30}(?:办公厅|办公室|处|科|局|办|中心|组))/g,
    ),
  ];
  const last = offices.at(-1)?.[1];
  if (last) out.reportTo = last.replace(/^(?:书面|电子版|纸质版)/, '');
  return out;
}
