import { importText as tx } from './text/notice.ts';
import { ImportError } from './refusal.ts';
import { type Column, type ColumnKind, numericKinds, readHeader } from './headers.ts';
import { isInteger, type Line } from './lines.ts';
import type { Section } from './sections.ts';

/** A number cell: 435, 0.46%, 4%, 0; a dash for "not applicable". */
export interface NumberCell {
  value: number | null;
  /** Decimals as written, for comparing a stated rate at its own precision. */
  decimals: number;
  line: number;
}

export interface TallyRow {
  name: string;
  line: number;
  /** 合计 / 总计 row. */
  total: boolean;
  cells: Partial<Record<ColumnKind, NumberCell>>;
}

export interface TallyTable {
  kind: 'tally';
  columns: Column[];
  rows: TallyRow[];
}

export interface ListRow {
  seq?: number;
  line: number;
  cells: Partial<Record<ColumnKind, Line>>;
  /** Columns this row left empty (merged cells) and took from the row above. */
  inherited: ColumnKind[];
}

export interface ListTable {
  kind: 'list';
  columns: Column[];
  rows: ListRow[];
}

const TOTAL_ROW = /^(合计|总计|小计|全省合计|全市合计|全省|全市|总体)$/;
const NUMBER = /^(\d+(?:\.(\d+))?)(%)?$/;
const DASH = /^[-—–/\\]+$/;

function numberCell(line: Line): NumberCell | undefined {
  if (DASH.test(line.text)) return { value: null, decimals: 0, line: line.no };
  const m = line.text.replace(/,/g, '').match(NUMBER);
  if (!m) return undefined;
  return { value: Number(m[1]), decimals: m[2]?.length ?? 0, line: line.no };
}

/** A cell that was meant as a number but is not one: 4O, 五十, 12.3.4. */
function brokenNumber(text: string): boolean {
  return /\d/.test(text) && /^[\d.,%OoIlSs一二三四五六七八九十百零〇]+$/.test(text);
}

function header(section: Section): { columns: Column[]; next: number } {
  const { columns, next } = readHeader(section.lines, 0, section.lines.length);
  const at = section.title?.no ?? section.startLine;
  if (columns.length === 0) throw new ImportError(tx.noHeader, section.lines[0]?.no ?? at);
  return { columns, next };
}

/**
 * A region table (附件1/3 of the seed): 序号, region, then one number per numeric column.
 * Region names broken over lines are joined (平潭综合 / 实验区). A row cut short, or a number that
 * does not parse, is refused with its line.
 */
export function readTallyTable(section: Section, endOfText: boolean): TallyTable {
  const { columns, next } = header(section);
  const numeric = columns.filter((c) => numericKinds.has(c.kind));
  if (numeric.length === 0) throw new ImportError(tx.noNumberColumns, columns[0]?.line);
  const hasSeq = columns[0]?.kind === 'seq';
  const lines = section.lines;
  const rows: TallyRow[] = [];
  let i = next;
  while (i < lines.length) {
    const start = lines[i] as Line;
    if (hasSeq && isInteger(start.text)) i++;
    const nameParts: Line[] = [];
    while (i < lines.length) {
      const l = lines[i] as Line;
      if (numberCell(l)) break;
      if (brokenNumber(l.text)) throw new ImportError(tx.badNumber(l.raw), l.no);
      nameParts.push(l);
      i++;
    }
    if (nameParts.length === 0) throw new ImportError(tx.rowWithoutName, start.no);
    const name = nameParts.map((l) => l.text).join('');
    const cells: TallyRow['cells'] = {};
    for (const col of numeric) {
      const l = lines[i];
      const cell = l ? numberCell(l) : undefined;
      if (!l || !cell) {
        if (!l && endOfText) throw new ImportError(tx.cutOff(name), lines[i - 1]?.no ?? start.no);
        if (l && brokenNumber(l.text)) throw new ImportError(tx.badNumber(l.raw), l.no);
        throw new ImportError(tx.rowTooShort(name, numeric.length), l?.no ?? lines[i - 1]?.no ?? start.no);
      }
      cells[col.kind] = cell;
      i++;
    }
    rows.push({ name, line: (nameParts[0] as Line).no, total: TOTAL_ROW.test(name), cells });
    if (TOTAL_ROW.test(name)) break;
  }
  return { kind: 'tally', columns, rows };
}

const NAME_KINDS: ColumnKind[] = ['region', 'unit', 'site', 'account'];
/** Columns a merged cell may leave empty; the subject (site or account) never is. */
const INHERITABLE: ColumnKind[] = ['region', 'unit', 'platform', 'problem'];

/**
 * A list of failed sites or accounts (附件2/4). Rows are delimited by their 序号. A row with fewer
 * cells than columns lost some to merged cells: platform and problem cells are recognised by
 * their words, the remaining names fill the columns from the subject backwards, and what is still
 * empty is inherited from the row above (and reported).
 */
export function readListTable(
  section: Section,
  endOfText: boolean,
  opts: {
    isPlatform: (t: string) => boolean;
    looksLikeProblem: (t: string) => boolean;
    isRegion: (t: string) => boolean;
  },
): ListTable {
  const { columns, next } = header(section);
  const hasSeq = columns[0]?.kind === 'seq';
  const dataCols = columns.filter((c) => c.kind !== 'seq');
  const lines = section.lines;
  const groups: Array<{ seq?: number; cells: Line[] }> = [];
  if (hasSeq) {
    let expected = 1;
    for (let i = next; i < lines.length; i++) {
      const l = lines[i] as Line;
      if (l.text === String(expected)) {
        groups.push({ seq: expected, cells: [] });
        expected++;
      } else {
        const g = groups.at(-1);
        if (!g) throw new ImportError(tx.rowWithoutSeq, l.no);
        g.cells.push(l);
      }
    }
  } else {
    const rest = lines.slice(next);
    for (let i = 0; i < rest.length; i += dataCols.length)
      groups.push({ cells: rest.slice(i, i + dataCols.length) });
  }
  const subjectKind: ColumnKind = dataCols.some((c) => c.kind === 'account')
    ? 'account'
    : dataCols.some((c) => c.kind === 'site')
      ? 'site'
      : 'unit';
  const rows: ListRow[] = [];
  groups.forEach((g, k) => {
    const atLine = g.cells[0]?.no ?? lines[next]?.no ?? section.startLine;
    if (g.cells.length === 0) {
      if (endOfText && k === groups.length - 1)
        throw new ImportError(tx.cutOffList(g.seq), lines.at(-1)?.no ?? atLine);
      throw new ImportError(tx.emptyRow(g.seq), atLine);
    }
    const row: ListRow = { line: atLine, cells: {}, inherited: [] };
    if (g.seq !== undefined) row.seq = g.seq;
    if (g.cells.length >= dataCols.length) {
      if (g.cells.length > dataCols.length)
        throw new ImportError(tx.rowTooLong(g.seq, dataCols.length), atLine);
      dataCols.forEach((c, idx) => {
        row.cells[c.kind] = g.cells[idx] as Line;
      });
    } else {
      assignShortRow(row, g.cells, dataCols, subjectKind, opts);
    }
    if (!row.cells[subjectKind]) throw new ImportError(tx.rowWithoutSubject(g.seq), atLine);
    const above = rows.at(-1);
    for (const kind of INHERITABLE) {
      if (row.cells[kind] || !dataCols.some((c) => c.kind === kind)) continue;
      const from = above?.cells[kind];
      if (!from) throw new ImportError(tx.missingCell(g.seq, columnLabel(dataCols, kind)), atLine);
      row.cells[kind] = from;
      row.inherited.push(kind);
    }
    rows.push(row);
  });
  return { kind: 'list', columns, rows };
}

function assignShortRow(
  row: ListRow,
  cells: Line[],
  dataCols: Column[],
  subjectKind: ColumnKind,
  opts: {
    isPlatform: (t: string) => boolean;
    looksLikeProblem: (t: string) => boolean;
    isRegion: (t: string) => boolean;
  },
): void {
  const has = (k: ColumnKind) => dataCols.some((c) => c.kind === k);
  const names: Line[] = [];
  cells.forEach((cell, idx) => {
    if (has('problem') && !row.cells.problem && idx > 0 && opts.looksLikeProblem(cell.text))
      row.cells.problem = cell;
    else if (has('platform') && !row.cells.platform && opts.isPlatform(cell.text)) row.cells.platform = cell;
    else names.push(cell);
  });
  const nameCols = dataCols.filter((c) => NAME_KINDS.includes(c.kind)).map((c) => c.kind);
  // A leading cell that is a region name, followed by more names, is the region.
  if (names.length > 1 && nameCols[0] === 'region' && opts.isRegion((names[0] as Line).text)) {
    row.cells.region = names.shift() as Line;
    nameCols.shift();
  }
  // Fill from the subject backwards: a lone name is the site or account.
  const order = nameCols.slice(0, nameCols.indexOf(subjectKind) + 1);
  const tail = order.slice(Math.max(0, order.length - names.length));
  tail.forEach((kind, idx) => {
    row.cells[kind] = names[idx] as Line;
  });
}

function columnLabel(cols: Column[], kind: ColumnKind): string {
  return cols.find((c) => c.kind === kind)?.header ?? kind;
}
