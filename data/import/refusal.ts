import { AppError } from '../errors.ts';
import { diffJson, dropsData, type RoundDiff } from './diff.ts';
import type { Where } from './records.ts';
import { replaceText } from './text/replace.ts';
import { sheetText as tx } from './text/sheet.ts';

export type { Where } from './records.ts';

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

  /** Throws ImportRefused when anything was collected: the import is all or nothing. */
  throwIfAny(): void {
    if (this.empty) return;
    const order = (w: Where) =>
      [w.file ?? '', w.sheet ?? '', String(w.row ?? w.line ?? 0).padStart(9, '0'), w.column?.padStart(3) ?? ''].join(
        '\u0000',
      );
    const sorted = [...this.list].sort((a, b) =>
      order(a.where) < order(b.where) ? -1 : order(a.where) > order(b.where) ? 1 : 0,
    );
    throw new ImportRefused(sorted, this.count);
  }
}

/**
 * An import refused: nothing was written. Every door (notice, spreadsheet, API, seed) refuses
 * with this one error, listing every problem found, each with its place; the CLI prints the
 * message, the API answers 400 with it and the problems in `details`.
 */
export class ImportRefused extends AppError {
  constructor(
    readonly problems: Problem[],
    readonly total: number = problems.length,
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

  /** Each problem as one line, place first: "第38行：“3O”不是一个数字。". */
  get lines(): string[] {
    return this.problems.map(describeProblem);
  }

  /** Every listed problem as { where, reason } (the API's 400 body). */
  override get details(): unknown {
    return { problems: this.problems.map((p) => ({ where: describeWhere(p.where), reason: p.reason })), total: this.total };
  }

  /** The first problem's line of text, when it names one (a notice). */
  get line(): number | undefined {
    return this.problems[0]?.where.line;
  }
}

/**
 * A notice reader's refusal at one line, where reading cannot go on (not a notice, a table cut
 * off): the same ImportRefused, with one problem.
 */
export class ImportError extends ImportRefused {
  constructor(reason: string, line?: number) {
    super([{ where: line === undefined ? {} : { line }, reason }]);
  }
}

/**
 * A notice whose issuer or region could not be found (or an `--issuer` that names no region):
 * each door adds how to give `--issuer` there (the CLI's argument, the chat's `/import --issuer`).
 */
export class IssuerNotFound extends ImportError {}

/**
 * A replacement of a stored round that would drop failures or regions, given without `replace`:
 * nothing was written (409 from the API). `diff` says what would have gone.
 */
export class ReplacementRefused extends AppError {
  constructor(readonly diff: RoundDiff) {
    super(
      replaceText.refused(diff.key, diff.droppedFailures.length, diff.droppedTallies.length),
      'replace_refused',
      409,
      true,
    );
  }

  override get details(): unknown {
    return diffJson(this.diff);
  }

  static check(diff: RoundDiff, replace: boolean | undefined): void {
    if (dropsData(diff) && !replace) throw new ReplacementRefused(diff);
  }
}

/** "人员.xlsx 汇总 第5行 C列（检查网站数）：不是整数：“四十”" or "tallies[3].region：…". */
export function describeWhere(w: Where): string {
  if (w.path !== undefined) return w.path;
  const parts = [w.file, w.sheet].filter((p): p is string => Boolean(p));
  if (w.row !== undefined) parts.push(tx.row(w.row));
  else if (w.line !== undefined) parts.push(tx.row(w.line));
  if (w.column !== undefined) parts.push(tx.column(w.column, w.header));
  return parts.join(' ');
}

export function describeProblem(p: Problem): string {
  const where = describeWhere(p.where);
  return where ? `${where}：${p.reason}` : p.reason;
}
