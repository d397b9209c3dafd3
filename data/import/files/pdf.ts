import { PDFParse } from 'pdf-parse';

export interface PdfText {
  text: string;
  pages: number;
  title?: string;
}

/**
 * The text layer of a PDF (pdf-parse, i.e. Mozilla's pdf.js, run in-process with no network).
 * Pages are joined without pdf-parse's page markers; printed page numbers (— 3 —, 第3页) are
 * dropped; prose lines the page width broke are joined again (a line as long as the widest
 * lines that does not end a sentence continues on the next). A PDF without a text layer (a scan)
 * gives no text and is refused by the caller.
 */
export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const result = await parser.getText();
    const lines = result.pages
      .flatMap((p) => p.text.split(/\r?\n/))
      // pdf.js puts a space between Chinese and Latin runs (关于 2020 年): the text had none.
      .map((l) => l.replace(/\s+$/, '').replace(/(?<=[\u4e00-\u9fa5])[ \u00a0]+(?=[\w%.])|(?<=[\w%.])[ \u00a0]+(?=[\u4e00-\u9fa5])/g, ''))
      .filter((l) => !PAGE_NUMBER.test(l.trim()));
    const info = await parser.getInfo().catch(() => undefined);
    const title = typeof info?.info?.Title === 'string' ? info.info.Title.trim() : '';
    // A table row comes out as one line with its cells tab-separated: one cell per line, as a
    // table copied from a portal reads.
    const text = unwrap(lines)
      .flatMap((l) => (l.includes('\t') && l.split('\t').every((c) => c.trim().length <= 40) ? l.split('\t') : [l]))
      .join('\n');
    return { text, pages: result.total, ...(title ? { title } : {}) };
  } finally {
    await parser.destroy();
  }
}

const PAGE_NUMBER = /^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*\/\s*\d+)$/;
const SENTENCE_END = /[。：:；;！!？?”」）)]$/;

/** Joins lines the layout wrapped: long lines that stop mid-sentence run on into the next. */
export function unwrap(lines: string[]): string[] {
  const widths = lines
    .map((l) => width(l))
    .filter((w) => w >= 10)
    .sort((a, b) => a - b);
  if (widths.length === 0) return lines;
  const wide = widths[Math.floor(widths.length * 0.9)] as number;
  const out: string[] = [];
  let open = false;
  for (const line of lines) {
    if (open && line.trim() !== '' && out.length > 0) out[out.length - 1] += line.trim();
    else out.push(line);
    const last = out.at(-1) as string;
    open = width(line) >= wide * 0.85 && width(line) >= 20 && !SENTENCE_END.test(last.trim());
  }
  return out;
}

/** Display width: CJK characters count double, spaces are ignored. */
function width(line: string): number {
  let w = 0;
  for (const ch of line.replace(/\s+/g, '')) w += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
  return w;
}
