import { isTraditional, toSimplified } from './script.ts';

/** One line of an imported text: its 1-based number, the text as written, and a normalised form. */
export interface Line {
  no: number;
  /** As written, trimmed: what is stored (the problem "as written"). */
  raw: string;
  /** NFKC (full-width brackets, colons, digits and ％ made half-width), inner spaces removed: what is parsed. */
  text: string;
}

/** Splits a document into its non-empty lines, keeping their line numbers for error messages. */
export function toLines(doc: string): Line[] {
  const out: Line[] = [];
  const parts = doc.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  // A notice in traditional characters is parsed in simplified ones (data/import/script.ts).
  const simplified = isTraditional(doc) ? toSimplified(parts.join('\n')).split('\n') : parts;
  parts.forEach((part, i) => {
    const raw = part.trim();
    if (raw === '') return;
    const parsed = (simplified[i] ?? part).trim();
    out.push({ no: i + 1, raw, text: parsed.normalize('NFKC').replace(/[\s\u3000]+/g, '') });
  });
  return out;
}

/** `^\d+$` — a sequence-number cell. */
export function isInteger(text: string): boolean {
  return /^\d+$/.test(text);
}
