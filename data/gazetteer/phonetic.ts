import { createRequire } from 'node:module';

/**
 * Pinyin for "did you mean": most typos in chat are homophones picked from the input method
 * (长砂 for 长沙, 福洲 for 福州), and some people type the pinyin itself (`/rate changsha`). Readings
 * come from `pinyin-pro` (toneless; one reading per character, the library's default), loaded on
 * the first suggestion only: the library and the table of the gazetteer's ~1,300 characters cost
 * about 90 ms and 9 MB once (bench/RESULTS.md, gazetteer section).
 */
type PinyinFn = typeof import('pinyin-pro').pinyin;

let lib: PinyinFn | undefined;

function pinyinFn(): PinyinFn {
  lib ??= (createRequire(import.meta.url)('pinyin-pro') as { pinyin: PinyinFn }).pinyin;
  return lib;
}

export class Phonetic {
  private readonly reading = new Map<string, string>();

  /** Reads every character of `texts` in one call (17 ms for the national list). */
  constructor(texts: Iterable<string>) {
    const chars = [...new Set([...texts].join(''))].filter(isHan);
    const readings = pinyinFn()(chars.join(''), { toneType: 'none', type: 'array' });
    chars.forEach((c, i) => {
      const r = readings[i];
      if (r) this.reading.set(c, r);
    });
  }

  /** 'chang sha' for 长沙 (and for 长砂); characters that are not Han stay as they are. */
  of(text: string): string {
    const out: string[] = [];
    for (const c of text) {
      if (!isHan(c)) {
        out.push(c);
        continue;
      }
      let r = this.reading.get(c);
      if (r === undefined) {
        r = pinyinFn()(c, { toneType: 'none' });
        this.reading.set(c, r);
      }
      out.push(r);
    }
    return out.join(' ');
  }
}

export function isHan(c: string): boolean {
  return /\p{Script=Han}/u.test(c);
}

/** True when a text is written in Latin letters: pinyin typed instead of characters. */
export function isLatin(text: string): boolean {
  return /^[a-z][a-z' ]*$/i.test(text);
}
