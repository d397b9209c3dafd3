/**
 * Cell values as text. Spreadsheet programs hand over numbers, dates, rich text, formulas
 * with a cached result and hyperlinks; CSV hands over strings. Text is kept as written (names and
 * problems are stored that way), trimmed, with runs of spaces (the ideographic one too) made one;
 * the readers below normalise (NFKC) what they parse, so full-width digits (５７) read as 57.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return clean(value);
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(10)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as {
      richText?: Array<{ text: string }>;
      result?: unknown;
      text?: unknown;
      error?: string;
    };
    if (Array.isArray(v.richText)) return clean(v.richText.map((r) => r.text).join(''));
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
    if (typeof v.error === 'string') return clean(v.error);
  }
  return clean(String(value));
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A count cell: 435, 1,234, 57个. Undefined when the cell is not a whole non-negative number. */
export function readCount(text: string): number | undefined {
  const m = text
    .normalize('NFKC')
    .replace(/[,\s]/g, '')
    .match(/^(\d+)(?:\.0+)?个?$/);
  return m ? Number(m[1]) : undefined;
}

/** A rate cell as written: 0.46%, 99.54, 0.0046. Undefined when it is not a number. */
export interface RateCell {
  value: number;
  /** Decimals as written, to compare at the precision the office used. */
  decimals: number;
  percentSign: boolean;
}

export function readRate(text: string): RateCell | undefined {
  const m = text
    .normalize('NFKC')
    .replace(/[,\s]/g, '')
    .match(/^(\d+)(?:\.(\d+))?(%)?$/);
  if (!m) return undefined;
  return { value: Number(`${m[1]}.${m[2] ?? '0'}`), decimals: m[2]?.length ?? 0, percentSign: m[3] === '%' };
}

/**
 * Does a stated rate match numerator/denominator at the precision it was written in? A cell
 * without a % sign may be a percentage (0.46) or a fraction from a %-formatted cell (0.0046).
 */
export function rateMatches(cell: RateCell, numerator: number, denominator: number): boolean {
  if (denominator === 0) return cell.value === 0;
  const exact = (numerator / denominator) * 100;
  const tolerance = 0.5 * 10 ** -cell.decimals + 1e-9;
  if (Math.abs(cell.value - exact) <= tolerance) return true;
  return !cell.percentSign && Math.abs(cell.value * 100 - exact) <= tolerance * 100;
}

/** Rows a table ends with that sum the others up: 合计, 总计, 全省合计. */
export function isTotalRow(text: string): boolean {
  return /^(合计|总计|小计|全省合计|全市合计|全国合计|总体)$/.test(text.replace(/\s/g, ''));
}
