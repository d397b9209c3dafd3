import { isTraditional, toSimplified } from './script.ts';

/** One line of an imported text: its 1-based number, the text as written, and a normalised form. */
export interface Line {
  no: number;
  /** As written, trimmed: what is stored (the problem "as written"). */
  raw: string;
  /** NFKC (full-width brackets, colons, digits and ％ made half-width), inner spaces removed: what is parsed. */
  text: string;
  /** For a text in traditional characters: `text` before it was made simplified. */
  written?: string;
}

/**
 * A pronunciation a converted copy put after a character, inside the word (政務(wù)新媒體,
 * 發(fā)現(xiàn)): lower-case pinyin with its tone mark, in brackets, right after a Chinese character.
 */
const PINYIN_GLOSS =
  /(?<=[\u4e00-\u9fff])[(（](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}[)）]/g;

/** Splits a document into its non-empty lines, keeping their line numbers for error messages. */
export function toLines(doc: string): Line[] {
  const out: Line[] = [];
  const parts = doc
    .replace(/^\uFEFF/, '')
    .replace(PINYIN_GLOSS, '')
    .split(/\r\n|\r|\n/);
  // A notice in traditional characters is parsed in simplified ones (data/import/script.ts).
  const simplified = isTraditional(doc) ? toSimplified(parts.join('\n')).split('\n') : parts;
  parts.forEach((part, i) => {
    const raw = part.trim();
    if (raw === '') return;
    const parsed = (simplified[i] ?? part).trim();
    const line: Line = { no: i + 1, raw, text: parsed.normalize('NFKC').replace(/[\s\u3000]+/g, '') };
    if (simplified !== parts) line.written = raw.normalize('NFKC').replace(/[\s\u3000]+/g, '');
    out.push(line);
  });
  return out;
}

/**
 * A name found in a line's parsed text, as the line writes it: for a notice in traditional
 * characters, the same characters in the original (the conversion keeps one character for one).
 */
export function asWritten(line: Line | undefined, name: string): string {
  if (!line?.written || line.written.length !== line.text.length) return name;
  const at = line.text.indexOf(name);
  return at < 0 ? name : line.written.slice(at, at + name.length);
}

/** `^\d+$` — a sequence-number cell. */
export function isInteger(text: string): boolean {
  return /^\d+$/.test(text);
}
