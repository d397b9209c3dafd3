import type { Deadline } from '../schema.ts';
import { periodIn } from './period.ts';
import type { Problems } from './refusal.ts';
import type { Text } from './records.ts';
import { sheetText as tx } from './text/sheet.ts';

/** 2020Q1, 2020q1, 2020年第一季度, 2020年一季度, 2020H2, 2020年下半年, 2023-09, 2023年9月. */
export function readPeriod(text: string): string | undefined {
  const t = text.normalize('NFKC').replace(/\s/g, '');
  let m = t.match(/^(\d{4})[-_]?[qQ]([1-4])$/);
  if (m) return `${m[1]}Q${m[2]}`;
  m = t.match(/^(\d{4})[hH]([12])$/);
  if (m) return `${m[1]}H${m[2]}`;
  m = t.match(/^(\d{4})-(\d{1,2})$/);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return `${m[1]}-${m[2]!.padStart(2, '0')}`;
  return periodIn(t);
}

/** 2020-04-17, 2020/4/17, 2020年4月17日, or an Excel day number (43938); undefined otherwise. */
export function readDate(text: string): string | undefined {
  // A date cell read without its style (the streaming reader) is Excel's day count from 1899-12-30.
  const serial = text.match(/^(\d{5})(?:\.\d+)?$/);
  if (serial && Number(serial[1]) > 20_000 && Number(serial[1]) < 80_000) {
    return new Date(Date.UTC(1899, 11, 30) + Number(serial[1]) * 86_400_000).toISOString().slice(0, 10);
  }
  const m = text.normalize('NFKC').match(/^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?$/);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function readDeadline(cell: Text, problems: Problems): Deadline | undefined {
  const m = cell.text.normalize('NFKC').match(/^(\S+?)(?:[ T](\d{1,2}):(\d{2}))?$/);
  const date = m?.[1] ? readDate(m[1]) : undefined;
  if (!m || !date || (m[2] && Number(m[2]) > 23)) {
    problems.add(cell.where, tx.badDate(cell.text));
    return undefined;
  }
  return m[2] ? { date, time: `${m[2].padStart(2, '0')}:${m[3]}` } : { date };
}

export function optionalDate(cell: Text | undefined, problems: Problems): string | undefined {
  if (!cell) return undefined;
  const date = readDate(cell.text);
  if (!date) problems.add(cell.where, tx.badDate(cell.text));
  return date;
}
