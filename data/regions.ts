import { distance } from 'fastest-levenshtein';
import {
  type Gazetteer,
  gazetteer,
  type Level,
  type Place,
  SUGGEST_HOME_BONUS,
  SUGGEST_LEVEL_WEIGHT,
} from './gazetteer/index.ts';
import { nameKey } from './normalize.ts';
import type { Region } from './schema.ts';

export interface Resolution {
  region: Region;
  /** Other regions the same text could mean (鲤城 → 鲤城区, alternative 泉州市). */
  alternatives: Region[];
}

/**
 * Order of regions the same text names equally well (same exactness, scope and home): the higher
 * level first, as people mean it (吉林 → 吉林省 before 吉林市; 红河 → the prefecture before 红河县).
 */
const preference: Record<Region['kind'], number> = {
  country: 0,
  province: 1,
  city: 2,
  'special-zone': 3,
  'provincial-depts': 4,
  district: 5,
};

/**
 * Suggestion weights by kind, added to the edit distance (data/gazetteer suggestScored uses the
 * same scale): people ask about cities far more than about the province (which is what a bare
 * /rate answers), so 福洲 suggests 福州市 first; the province still comes before the many districts
 * that share a character (福清市, 福安市).
 */
const suggestionWeight: Record<Region['kind'], number> = {
  city: 0,
  'special-zone': 0.1,
  'provincial-depts': 0.15,
  province: SUGGEST_LEVEL_WEIGHT.province,
  district: SUGGEST_LEVEL_WEIGHT.county,
  country: 0.5,
};

const kindOfLevel: Record<Level, Region['kind']> = {
  province: 'province',
  prefecture: 'city',
  county: 'district',
};

/** Gazetteer places as regions, built once per place (places never change). */
const placeRegions = new WeakMap<Place, Region>();

export function regionOfPlace(place: Place): Region {
  let r = placeRegions.get(place);
  if (!r) {
    r = {
      id: place.code,
      code: place.code,
      name: place.name,
      short: place.short,
      kind: place.statistical ? 'special-zone' : kindOfLevel[place.level],
      aliases: [...place.forms, ...place.former.map((f) => f.name)],
    };
    if (place.parent) r.parent = place.parent;
    placeRegions.set(place, r);
  }
  return r;
}

export interface RegionIndexOptions {
  /** The national gazetteer behind the register; `false` for the register alone. Default: gazetteer(). */
  gazetteer?: Gazetteer | false;
  /** The deployment's own region id (HOME_REGION): preferred for shared names and suggestions. */
  home?: string;
}

interface Candidate {
  r: Region;
  exact: number;
  /** 0 curated register, 1 learned by an import, 2 gazetteer. */
  source: number;
}

/**
 * Finds regions by full name, short form, alias, old name or code, and suggests the closest
 * names for a typo. Two layers: the register (Fujian's curated regions, regions learned by
 * imports) over the national gazetteer (every province, prefecture and county, data/gazetteer).
 * A register region takes the place of the gazetteer unit with its id (350102), or whose full
 * name it lists within its province (平潭综合实验区 stands for 平潭县 350128, which is therefore not
 * a child of 福州). Built once per Dataset; the gazetteer itself is loaded once per process.
 */
export class RegionIndex {
  readonly byId = new Map<string, Region>();
  /** The home region's id: `opts.home` (a name, short form, code or id) resolved, when it resolves. */
  readonly home: string | undefined;
  /**
   * Where suggestions and descriptions lean by default: the home region, or what the owner sets
   * (the Dataset: the latest round's scope when there is no home region).
   */
  near: string | undefined;
  private readonly byKey = new Map<string, Region[]>();
  private readonly children = new Map<string, Region[]>();
  private readonly gaz: Gazetteer | undefined;
  /** Gazetteer codes a register region stands for (350128 → 平潭综合实验区). */
  private readonly shadow = new Map<string, Region>();
  /** Regions by the ids they had before they were moved onto the gazetteer (Region.formerIds). */
  private readonly former = new Map<string, Region>();
  /** childrenOf() results merged from both layers; cleared by add(). */
  private readonly childCache = new Map<string, Region[]>();

  constructor(
    regions: readonly Region[],
    private readonly opts: RegionIndexOptions = {},
  ) {
    this.gaz = opts.gazetteer === false ? undefined : (opts.gazetteer ?? gazetteer());
    for (const r of regions) this.add(r);
    this.home = opts.home ? (this.get(opts.home) ?? this.resolve(opts.home)?.region)?.id : undefined;
    this.near = this.home;
  }

  /** A new index over other register regions, with the same gazetteer and home. */
  derive(regions: readonly Region[]): RegionIndex {
    return new RegionIndex(regions, this.home ? { ...this.opts, home: this.home } : this.opts);
  }

  /** Adds one region (an import learning a new one) without rebuilding the index. */
  add(r: Region): void {
    this.byId.set(r.id, r);
    for (const id of r.formerIds ?? []) this.former.set(id, r);
    for (const k of new Set([r.name, r.short, ...r.aliases, ...(r.code ? [r.code] : [])].map(nameKey))) {
      if (!k) continue;
      const list = this.byKey.get(k) ?? [];
      list.push(r);
      this.byKey.set(k, list);
    }
    if (r.parent) {
      const list = this.children.get(r.parent) ?? [];
      list.push(r);
      this.children.set(r.parent, list);
    }
    if (this.gaz && !r.learned) this.claim(r);
    this.childCache.clear();
  }

  /** Records which gazetteer units a curated region stands for. */
  private claim(r: Region): void {
    const gaz = this.gaz as Gazetteer;
    if (r.code && r.code !== r.id && gaz.byCode(r.code)) this.shadow.set(r.code, r);
    const province = this.registerProvinceCode(r);
    if (!province) return;
    for (const text of [r.name, ...r.aliases]) {
      for (const { place, how } of gaz.matches(text)) {
        if (how !== 'name' || place.code === r.id || this.byId.has(place.code)) continue;
        if (gaz.province(place).code === province) this.shadow.set(place.code, r);
      }
    }
  }

  /** The code of the province above a register region, following register parents. */
  private registerProvinceCode(r: Region): string | undefined {
    let cur: Region | undefined = r;
    for (let depth = 0; cur && depth < 10; depth++) {
      if (cur.kind === 'province') return cur.code ?? (this.gaz?.byCode(cur.id) ? cur.id : undefined);
      cur = cur.parent ? this.byId.get(cur.parent) : undefined;
    }
    return undefined;
  }

  /** The register's regions (shipped and learned); the gazetteer's are reached by name or id. */
  all(): Region[] {
    return [...this.byId.values()];
  }

  get(id: string): Region | undefined {
    const own = this.byId.get(id) ?? this.shadow.get(id) ?? this.former.get(id);
    if (own || !this.gaz) return own;
    const place = this.gaz.byCode(id);
    return place ? this.ofPlace(place) : undefined;
  }

  /** A gazetteer place as this index sees it: the register's region for it, if any. */
  private ofPlace(place: Place): Region {
    return this.byId.get(place.code) ?? this.shadow.get(place.code) ?? regionOfPlace(place);
  }

  childrenOf(id: string): Region[] {
    let list = this.childCache.get(id);
    if (list) return list;
    list = [...(this.children.get(id) ?? [])];
    const code = this.gaz ? (this.byId.get(id)?.code ?? id) : undefined;
    if (this.gaz && code && this.gaz.byCode(code)?.code === code) {
      const seen = new Set(list.map((r) => r.id));
      for (const place of this.gaz.children(code)) {
        const r = this.ofPlace(place);
        // A unit a register region stands for elsewhere (平潭县 → 平潭综合实验区 under 福建) is not listed here.
        if (seen.has(r.id) || (r.parent !== id && r.parent !== code)) continue;
        seen.add(r.id);
        list.push(r);
      }
    }
    this.childCache.set(id, list);
    return list;
  }

  parentOf(r: Region): Region | undefined {
    return r.parent ? this.get(r.parent) : undefined;
  }

  /** True when `id` is `ancestorId` or lies below it. */
  within(id: string, ancestorId: string): boolean {
    // A subscription may name a region by the id it had before it moved onto the gazetteer.
    const ancestor = this.byId.has(ancestorId) ? ancestorId : (this.former.get(ancestorId)?.id ?? ancestorId);
    let cur: Region | undefined = this.get(id);
    for (let depth = 0; cur && depth < 10; depth++) {
      if (cur.id === ancestor) return true;
      cur = this.parentOf(cur);
    }
    return false;
  }

  /** The nearest province above (or at) a region. */
  provinceOf(r: Region): Region | undefined {
    let cur: Region | undefined = r;
    while (cur && cur.kind !== 'province') cur = this.parentOf(cur);
    return cur;
  }

  /**
   * Exact resolution. Regions the text names are ordered: inside `scopeId` first (the notice's or
   * round's scope), then inside the home region, then anything but a learned region, then the
   * curated register (Fujian's nicknames: 榕城 is 福州, not 揭阳's 榕城区), then full name before
   * short form before nickname or old name, then the higher level, then code.
   * The rest are alternatives (鼓楼 → 鼓楼区 in 福州, alternatives in 南京, 徐州, 开封).
   */
  resolve(text: string, scopeId?: string): Resolution | undefined {
    const key = nameKey(text);
    if (!key) return undefined;
    const candidates: Candidate[] = (this.byKey.get(key) ?? []).map((r) => ({
      r,
      exact: exactness(r, key),
      // A gazetteer unit an import added to the register (its id is its code: 4301 长沙市) is a
      // gazetteer unit, not a name an import made up.
      source: r.learned ? (r.code !== undefined && r.id === r.code && this.gaz?.byCode(r.code) ? 2 : 1) : 0,
    }));
    if (this.gaz) {
      const found = this.gaz.matches(key);
      // A former code (350427) finds today's unit.
      if (found.length === 0 && /^\d+$/.test(key)) {
        const place = this.gaz.byCode(key);
        if (place) found.push({ place, how: 'code' });
      }
      for (const { place, how } of found) {
        const r = this.ofPlace(place);
        if (candidates.some((c) => c.r.id === r.id)) continue;
        candidates.push({
          r,
          exact: how === 'name' || how === 'code' ? 2 : how === 'short' ? 1 : 0,
          source: 2,
        });
      }
    }
    if (candidates.length === 0) return undefined;
    const inside = (r: Region, id: string | undefined) => (id && this.within(r.id, id) ? 0 : 1);
    // A learned region (met in an import) never outranks a registered or gazetteer one of the same
    // name: a round once learned 福州 under a mistyped scope, and the 福州 group stopped hearing of 福州市.
    candidates.sort(
      (a, b) =>
        inside(a.r, scopeId) - inside(b.r, scopeId) ||
        inside(a.r, this.home) - inside(b.r, this.home) ||
        Number(a.source === 1) - Number(b.source === 1) ||
        Number(a.source === 2) - Number(b.source === 2) ||
        b.exact - a.exact ||
        preference[a.r.kind] - preference[b.r.kind] ||
        a.r.id.localeCompare(b.r.id),
    );
    const [first, ...rest] = candidates as [Candidate, ...Candidate[]];
    return { region: first.r, alternatives: rest.map((c) => c.r) };
  }

  /**
   * Up to `max` regions whose names are closest to a mistyped text, nationally: the register's
   * names and the gazetteer's (homophones and pinyin included), weighted towards `near` (default:
   * this.near, the home region).
   */
  suggest(text: string, max = 3, near: string | undefined = this.near): Region[] {
    const key = nameKey(text);
    if (!key) return [];
    const best = new Map<string, { r: Region; score: number; shared: number; home: boolean }>();
    const offer = (r: Region, score: number, shared: number, home: boolean) => {
      const prev = best.get(r.id);
      if (!prev || score < prev.score || (score === prev.score && shared > prev.shared))
        best.set(r.id, { r, score, shared, home });
    };
    for (const [k, regions] of this.byKey) {
      if (/^\d+$/.test(k)) continue;
      const d = distance(key, k);
      const limit = Math.max(1, Math.floor(Math.max(key.length, k.length) / 3));
      const contains = k.length >= 2 && (k.includes(key) || key.includes(k));
      if (d <= limit || contains)
        for (const r of regions) {
          const home = near !== undefined && this.within(r.id, near);
          const score =
            (contains ? Math.min(d, 1) : d) + suggestionWeight[r.kind] - (home ? SUGGEST_HOME_BONUS : 0);
          offer(r, score, sharedChars(key, k), home);
        }
    }
    if (this.gaz) {
      const nearCode = near ? this.placeCode(near) : undefined;
      const opts = nearCode ? { home: nearCode, max: max + 8 } : { max: max + 8 };
      for (const s of this.gaz.suggestScored(key, opts))
        offer(this.ofPlace(s.place), s.score, s.shared, s.home);
    }
    return [...best.values()]
      .sort(
        (a, b) =>
          a.score - b.score ||
          Number(b.home) - Number(a.home) ||
          b.shared - a.shared ||
          preference[a.r.kind] - preference[b.r.kind] ||
          a.r.id.localeCompare(b.r.id),
      )
      .slice(0, max)
      .map((s) => s.r);
  }

  /** The gazetteer code of a region or of its nearest coded ancestor (35-pt → 35). */
  private placeCode(id: string): string | undefined {
    let cur = this.get(id);
    for (let depth = 0; cur && depth < 10; depth++, cur = this.parentOf(cur)) {
      const code = cur.code ?? cur.id;
      if (this.gaz?.byCode(code)) return code;
    }
    return undefined;
  }

  /**
   * A region named with what tells it apart: a district with its parents and code
   * ('鼓楼区（南京市，320106）'), a city outside `near`'s province with its province
   * ('海南藏族自治州（青海省）'). Ancestors inside `near`'s province (default: the home region's)
   * are named from the city down, so Fujian's answers keep '鼓楼区（福州市，350102）'.
   */
  describe(r: Region, near: string | undefined = this.near): string {
    const nearProvince = near ? this.provinceOf(this.get(near) ?? r)?.id : undefined;
    const above: string[] = [];
    for (let cur = this.parentOf(r), depth = 0; cur && depth < 10; cur = this.parentOf(cur), depth++) {
      if (cur.kind === 'country' || cur.id === nearProvince) break;
      above.unshift(cur.name);
    }
    if (r.kind === 'district') {
      const bits = [above.join(''), r.code].filter(Boolean);
      return bits.length > 0 ? `${r.name}（${bits.join('，')}）` : r.name;
    }
    if (r.kind === 'city' && above.length > 0) return `${r.name}（${above.join('')}）`;
    return r.name;
  }
}
/** How many distinct characters two keys have in common. */
function sharedChars(a: string, b: string): number {
  const inB = new Set(b);
  return new Set([...a].filter((c) => inB.has(c))).size;
}

/** Full names and short forms outrank nicknames and aliases. */
function exactness(r: Region, key: string): number {
  if (nameKey(r.name) === key) return 2;
  if (nameKey(r.short) === key) return 1;
  return 0;
}
