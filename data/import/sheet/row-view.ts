import { contactProblems } from '../contact-check.ts';
import { sheetText as tx } from '../text/sheet.ts';
import type { Column, ColumnKind } from './columns.ts';
import type { Problems } from '../refusal.ts';
import type { Where } from '../records.ts';
import type { ContactRecord, Text } from '../records.ts';

/** Columns a merged cell leaves empty in the rows below it: taken from the row above. */
const inheritable: ReadonlySet<ColumnKind> = new Set(['region', 'unit']);

/** One row's cells by column kind, with the row's location for problems. */
export class RowView {
  private cells: readonly string[] = [];
  private row = 0;
  /** Column letters by index, worked out once per table rather than per cell. */
  private readonly letters: string[] = [];

  constructor(
    private readonly columns: Map<ColumnKind, Column>,
    private readonly place: { file: string; sheet?: string },
    private readonly problems: Problems,
    private readonly previous: Map<ColumnKind, string>,
  ) {}

  /** Points the view at a row (one view serves a whole table). */
  at(row: number, cells: readonly string[]): this {
    this.row = row;
    this.cells = cells;
    return this;
  }

  private column(kind: ColumnKind): Column | undefined {
    return this.columns.get(kind);
  }

  private letter(col: Column): string {
    let letter = this.letters[col.index];
    if (letter === undefined) {
      letter = columnLetter(col.index);
      this.letters[col.index] = letter;
    }
    return letter;
  }

  raw(col: Column): string {
    return this.cells[col.index] ?? '';
  }

  where(col?: Column): Where {
    const w: Where = { file: this.place.file, row: this.row };
    if (this.place.sheet !== undefined) w.sheet = this.place.sheet;
    if (col) {
      w.column = this.letter(col);
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

  /**
   * Like required, for a cell read once per row by the hundred thousand (a register's region):
   * the cell's location is worked out from the row's only when a problem needs it, so a row
   * keeps one location object, not one per cell. `rowWhere` is this row's where().
   */
  requiredLazy(kind: ColumnKind, rowWhere: Where): Text | undefined {
    const col = this.column(kind);
    if (!col) return undefined;
    const text = this.value(kind, col);
    if (!text) {
      this.problems.add(this.where(col), tx.emptyCell);
      return undefined;
    }
    return new CellText(text, rowWhere, this.letter(col), col.header);
  }

  contact(): ContactRecord | undefined {
    const name = this.text('contact');
    const mobile = this.text('mobile');
    const wecomUserId = this.text('wecomUserId');
    const dingtalkUserId = this.text('dingtalkUserId');
    const fields: { mobile?: string; wecomUserId?: string; dingtalkUserId?: string } = {};
    if (mobile) fields.mobile = mobile;
    if (wecomUserId) fields.wecomUserId = wecomUserId;
    if (dingtalkUserId) fields.dingtalkUserId = dingtalkUserId;
    for (const p of contactProblems(fields)) this.problem(p.field, p.reason);
    if (!name && !mobile && !wecomUserId && !dingtalkUserId) return undefined;
    const c: ContactRecord = {};
    if (name) c.name = name;
    if (mobile) c.mobile = mobile;
    if (wecomUserId) c.wecomUserId = wecomUserId;
    if (dingtalkUserId) c.dingtalkUserId = dingtalkUserId;
    return c;
  }

  problem(kind: ColumnKind, reason: string): void {
    this.problems.add(this.where(this.column(kind)), reason);
  }

  problemAt(col: Column, reason: string): void {
    this.problems.add(this.where(col), reason);
  }
}

/** A cell's text whose location is built on demand from its row's (RowView.requiredLazy). */
class CellText implements Text {
  constructor(
    readonly text: string,
    private readonly row: Where,
    private readonly column: string,
    private readonly header: string,
  ) {}

  get where(): Where {
    return { ...this.row, column: this.column, header: this.header };
  }
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
