import { BotError } from '../../../bot/errors.ts';
import { sheetText as tx } from '../../../handlers/text.ts';

/** Where a value came from: a spreadsheet cell, or a field of an API body. */
export interface Where {
  /** File name (CSV) or workbook name. */
  file?: string;
  sheet?: string;
  /** 1-based row as the spreadsheet program shows it. */
  row?: number;
  /** Column letter (A, B, … AA) and the header above it. */
  column?: string;
  header?: string;
  /** JSON path for API bodies: tallies[3].region. */
  path?: string;
}

export interface Problem {
  where: Where;
  reason: string;
}

/** How many problems an import reports in full; the rest are counted. */
export const PROBLEM_LIMIT = 200;

/** Collects every problem of an import so that the office fixes the file once, not row by row. */
export class Problems {
  readonly list: Problem[] = [];
  count = 0;
  private readonly seen = new Set<string>();
  private readonly tables: string[] = [];

  /** Records the order tables were read in, the order problems are listed in. */
  noteTable(file: string, sheet?: string): void {
    this.tables.push(`${file}\u0000${sheet ?? ''}`);
  }

  add(where: Where, reason: string): void {
    // One cell can break two rules' worth of rows (both channels of a duplicated region): say it once.
    const key = `${describeWhere(where)}\u0000${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.count += 1;
    if (this.list.length < PROBLEM_LIMIT) this.list.push({ where, reason });
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** Throws SheetImportError when anything was collected: the import is all or nothing. */
  throwIfAny(): void {
    if (this.empty) return;
    const order = (w: Where) =>
      [w.file ?? '', w.sheet ?? '', String(w.row ?? 0).padStart(9, '0'), w.column?.padStart(3) ?? ''].join(
        '\u0000',
      );
    const sorted = [...this.list].sort((a, b) =>
      order(a.where) < order(b.where) ? -1 : order(a.where) > order(b.where) ? 1 : 0,
    );
    throw new SheetImportError(sorted, this.count);
  }
}

/** A spreadsheet or API body with bad rows: nothing was written. */
export class SheetImportError extends BotError {
  constructor(
    readonly problems: Problem[],
    readonly total: number,
  ) {
    super(
      [
        tx.refused(total),
        ...problems.slice(0, 20).map(describeProblem),
        ...(total > 20 ? [tx.more(total - 20)] : []),
      ].join('\n'),
      'bad_import',
      400,
      true,
    );
  }
}

/** "人员.xlsx 汇总 第5行 C列（检查网站数）：不是整数：“四十”" or "tallies[3].region：…". */
export function describeWhere(w: Where): string {
  if (w.path !== undefined) return w.path;
  const parts = [w.file, w.sheet].filter((p): p is string => Boolean(p));
  if (w.row !== undefined) parts.push(tx.row(w.row));
  if (w.column !== undefined) parts.push(tx.column(w.column, w.header));
  return parts.join(' ');
}

export function describeProblem(p: Problem): string {
  return `${describeWhere(p.where)}：${p.reason}`;
}

/** A, B, … Z, AA, AB: the column letter of a 0-based index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}
