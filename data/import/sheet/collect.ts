import { sheetText as tx } from '../text/sheet.ts';
import { type Layout, readLayout, requiredColumns, type TableKind } from './columns.ts';
import type { Problems } from '../refusal.ts';
import { columnLetter } from './row-view.ts';
import { emptyRecords, type Records } from '../records.ts';
import { TableReader } from './rows.ts';
import type { SheetRow } from './source.ts';

/** How far down a sheet the header may sit (title rows such as “附件1 …” come first). */
const HEADER_SEARCH_ROWS = 10;

export interface TableSummary {
  file: string;
  sheet?: string;
  kind: TableKind | 'ignored';
  headerRow?: number;
  rows: number;
  ignoredHeaders: string[];
}

interface TableState {
  summary: TableSummary;
  seen: number;
  layout?: Layout;
  reader?: TableReader;
}

/**
 * Routes streamed rows to a reader per table. The first row within the top ten whose cells
 * are known headers is the header; a table without one (a cover or instructions sheet) is
 * listed as ignored, not refused.
 */
export class Collector {
  readonly records: Records = emptyRecords();
  private readonly tables = new Map<string, TableState>();
  /** The table the previous row belonged to: rows come a table at a time. */
  private last: { file: string; sheet?: string; state: TableState } | undefined;

  constructor(private readonly problems: Problems) {}

  row(r: SheetRow): void {
    const last = this.last;
    const state = last && last.file === r.file && last.sheet === r.sheet ? last.state : this.table(r);
    if (state.reader) {
      if (r.cells.some((c) => c !== '')) {
        state.summary.rows += 1;
        state.reader.read(r.row, r.cells);
      }
      return;
    }
    this.header(r, state);
  }

  private table(r: SheetRow): TableState {
    const key = `${r.file}\u0000${r.sheet ?? ''}`;
    let state = this.tables.get(key);
    if (!state) {
      const summary: TableSummary = { file: r.file, kind: 'ignored', rows: 0, ignoredHeaders: [] };
      if (r.sheet !== undefined) summary.sheet = r.sheet;
      state = { summary, seen: 0 };
      this.problems.noteTable(r.file, r.sheet);
      this.tables.set(key, state);
    }
    this.last = { file: r.file, state };
    if (r.sheet !== undefined) this.last.sheet = r.sheet;
    return state;
  }

  private header(r: SheetRow, state: TableState): void {
    if (r.cells.every((c) => c === '')) return;
    state.seen += 1;
    if (state.seen > HEADER_SEARCH_ROWS) return;
    const layout = readLayout(r.cells);
    if (!layout) return;
    state.layout = layout;
    state.summary.kind = layout.kind;
    state.summary.headerRow = r.row;
    state.summary.ignoredHeaders = layout.ignored;
    const at: { file: string; sheet?: string } = { file: r.file };
    if (r.sheet !== undefined) at.sheet = r.sheet;
    for (const kind of requiredColumns(layout.kind)) {
      if (layout.columns.some((c) => c.kind === kind)) continue;
      const where = { ...at, row: r.row, column: columnLetter(r.cells.length) };
      this.problems.add(where, tx.missingColumn(tx.columnNames[kind] ?? kind, tx.tableNames[layout.kind]));
    }
    state.reader = new TableReader(layout, at, this.problems, this.records);
  }

  summaries(): TableSummary[] {
    return [...this.tables.values()].map((s) => s.summary);
  }
}
