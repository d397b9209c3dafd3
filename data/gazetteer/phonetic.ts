import table from './pinyin.json' with { type: 'json' };

/**
 * Pinyin for "did you mean": most typos in chat are homophones picked from the input method
 * (长砂 for 长沙, 福洲 for 福州), and some people type the pinyin itself (`/rate changsha`).
 * Readings come from pinyin.json (toneless, from pinyin-pro by data/gazetteer/derive-pinyin.ts):
 * every GB 2312 character and every character of the gazetteer, plus the names read differently
 * in context (厦门 xia men, 六安 lu an). Built on the first suggestion (a few ms, under 1 MB).
 */
export class Phonetic {
  private readonly reading = new Map<string, string>();
  private readonly names = new Map<string, string>(Object.entries(table.names));

  constructor() {
    for (const [r, chars] of Object.entries(table.readings)) for (const c of chars) this.reading.set(c, r);
  }

  /** 'chang sha' for 长沙 (and for 长砂); a character without a reading stays as it is. */
  of(text: string): string {
    const known = this.names.get(text);
    if (known) return known;
    const out: string[] = [];
    for (const c of text) out.push(this.reading.get(c) ?? c);
    return out.join(' ');
  }
}

/** True when a text is written in Latin letters: pinyin typed instead of characters. */
export function isLatin(text: string): boolean {
  return /^[a-z][a-z' ]*$/i.test(text);
}
