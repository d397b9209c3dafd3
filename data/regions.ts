import { distance } from 'fastest-levenshtein';
import { nameKey } from './normalize.ts';
import type { Region } from './schema.ts';

export interface Resolution {
  region: Region;
  /** Other regions the same text could mean (鲤城 → 鲤城区, alternative 泉州市). */
  alternatives: Region[];
}

/** Kinds preferred when a text names several regions: a district name beats a city nickname. */
const preference: Record<Region['kind'], number> = {
  district: 0,
  'special-zone': 1,
  'provincial-depts': 2,
  city: 3,
  province: 4,
  country: 5,
};

/**
 * Order of suggestions at the same edit distance and overlap: people ask about cities far more
 * than about the province (which is what a bare /rate answers), so 福洲 suggests 福州市 first;
 * the province still comes before the many districts that share a character (福清市, 福安市).
 */
const suggestionOrder: Record<Region['kind'], number> = {
  city: 0,
  'special-zone': 1,
  'provincial-depts': 2,
  province: 3,
  district: 4,
  country: 5,
};

/**
 * Finds regions by full name, short form, alias, old name or code, and suggests the closest
 * names for a typo. Built once per Dataset.
 */
export class RegionIndex {
  readonly byId = new Map<string, Region>();
  private readonly byKey = new Map<string, Region[]>();
  private readonly children = new Map<string, Region[]>();

  constructor(regions: readonly Region[]) {
    for (const r of regions) this.add(r);
  }

  /** Adds one region (an import learning a new one) without rebuilding the index. */
  add(r: Region): void {
    this.byId.set(r.id, r);
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
  }

  all(): Region[] {
    return [...this.byId.values()];
  }

  get(id: string): Region | undefined {
    return this.byId.get(id);
  }

  childrenOf(id: string): Region[] {
    return this.children.get(id) ?? [];
  }

  parentOf(r: Region): Region | undefined {
    return r.parent ? this.byId.get(r.parent) : undefined;
  }

  /** True when `id` is `ancestorId` or lies below it. */
  within(id: string, ancestorId: string): boolean {
    let cur: Region | undefined = this.byId.get(id);
    for (let depth = 0; cur && depth < 10; depth++) {
      if (cur.id === ancestorId) return true;
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

  /** Exact resolution; `scopeId` prefers regions inside that scope when a name is shared. */
  resolve(text: string, scopeId?: string): Resolution | undefined {
    const key = nameKey(text);
    let candidates = this.byKey.get(key);
    if (!candidates) return undefined;
    if (scopeId) {
      const inside = candidates.filter((r) => this.within(r.id, scopeId));
      if (inside.length > 0) candidates = inside;
    }
    // A learned region (met in an import) never outranks a registered one of the same name: a
    // round once learned 福州 under a mistyped scope, and the 福州 group stopped hearing of 福州市.
    const sorted = [...candidates].sort(
      (a, b) =>
        Number(Boolean(a.learned)) - Number(Boolean(b.learned)) ||
        exactness(b, key) - exactness(a, key) ||
        preference[a.kind] - preference[b.kind],
    );
    const [region, ...alternatives] = sorted as [Region, ...Region[]];
    return { region, alternatives };
  }

  /** Up to `max` regions whose names are closest to a mistyped text. */
  suggest(text: string, max = 3): Region[] {
    const key = nameKey(text);
    if (!key) return [];
    const scored: Array<{ r: Region; d: number; shared: number }> = [];
    for (const [k, regions] of this.byKey) {
      if (/^\d+$/.test(k)) continue;
      const d = distance(key, k);
      const limit = Math.max(1, Math.floor(Math.max(key.length, k.length) / 3));
      const contains = k.length >= 2 && (k.includes(key) || key.includes(k));
      if (d <= limit || contains)
        for (const r of regions)
          scored.push({ r, d: contains ? Math.min(d, 1) : d, shared: sharedChars(key, k) });
    }
    scored.sort(
      (a, b) => a.d - b.d || b.shared - a.shared || suggestionOrder[a.r.kind] - suggestionOrder[b.r.kind],
    );
    const out: Region[] = [];
    for (const { r } of scored) {
      if (!out.includes(r)) out.push(r);
      if (out.length >= max) break;
    }
    return out;
  }

  /** "鼓楼区（福州市，350102）": a region named with its parent, for disambiguation. */
  describe(r: Region): string {
    const parent = this.parentOf(r);
    const bits = [
      r.kind === 'district' && parent ? parent.name : undefined,
      r.code && r.kind === 'district' ? r.code : undefined,
    ].filter(Boolean);
    return bits.length > 0 ? `${r.name}（${bits.join('，')}）` : r.name;
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
