import { sheetText as tx } from '../../../handlers/text.ts';
import type { Column, ColumnKind } from './columns.ts';
import { columnLetter, type Problems, type Where } from './problems.ts';
import type { ContactRecord, Text } from './records.ts';

/** Columns a merged cell leaves empty in the rows below it: taken from the row above. */
const inheritable: ReadonlySet<ColumnKind> = new Set(['region', 'unit']);

/** One row's cells by column kind, with the row's location for problems. */
export class RowView {
  constructor(
    private readonly columns: Map<ColumnKind, Column>,
    private readonly cells: readonly string[],
    private readonly row: number,
    private readonly at: { file: string; sheet?: string },
    private readonly problems: Problems,
    private readonly previous: Map<ColumnKind, string>,
  ) {}

  private column(kind: ColumnKind): Column | undefined {
    return this.columns.get(kind);
  }

  raw(col: Column): string {
    return this.cells[col.index] ?? '';
  }

  where(col?: Column): Where {
    const w: Where = { file: this.at.file, row: this.row };
    if (this.at.sheet !== undefined) w.sheet = this.at.sheet;
    if (col) {
      w.column = columnLetter(col.index);
      w.header = col.header;
    }
    return w;
  }

  /** A cell's text; an empty region or unit cell takes the value above it (merged cells). */
  private value(kind: ColumnKind, col: Column): string {
    const text = this.raw(col);
    if (!inheritable.has(kind)) return text;
    if (text === '') return this.previous.get(kind) ?? '';
    this.previous.set(kind, text);
    return text;
  }

  /** The cell with its location (kept for names resolved later: regions). */
  cell(kind: ColumnKind): Text | undefined {
    const col = this.column(kind);
    if (!col) return undefined;
    return { text: this.value(kind, col), where: this.where(col) };
  }

  text(kind: ColumnKind): string | undefined {
    const col = this.column(kind);
    return col ? this.value(kind, col) || undefined : undefined;
  }

  /** A cell that must not be empty: its text, or undefined after reporting the empty cell. */
  need(kind: ColumnKind): string | undefined {
    const col = this.column(kind);
    if (!col) return undefined;
    const text = this.value(kind, col);
    if (!text) this.problems.add(this.where(col), tx.emptyCell);
    return text || undefined;
  }

  required(kind: ColumnKind, inherit = true): Text | undefined {
    const col = this.column(kind);
    if (!col) return undefined;
    const text = inherit ? this.value(kind, col) : this.raw(col);
    if (!text) {
      this.problems.add(this.where(col), tx.emptyCell);
      return undefined;
    }
    return { text, where: this.where(col) };
  }

  contact(): ContactRecord | undefined {
    const name = this.text('contact');
    const mobile = this.text('mobile');
    if (mobile && !/^[\d+\-() ]{5,20}$/.test(mobile)) this.problem('mobile', tx.badMobile(mobile));
    if (!name && !mobile) return undefined;
    const c: ContactRecord = {};
    if (name) c.name = name;
    if (mobile) c.mobile = mobile;
    return c;
  }

  problem(kind: ColumnKind, reason: string): void {
    this.problems.add(this.where(this.column(kind)), reason);
  }

  problemAt(col: Column, reason: string): void {
    this.problems.add(this.where(col), reason);
  }
}
