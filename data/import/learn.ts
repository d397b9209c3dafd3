import { nameKey } from '../normalize.ts';
import { RegionIndex } from '../regions.ts';
import { shortName } from '../reference/fujian.ts';
import type { Region, RegionKind } from '../schema.ts';
import type { Place, PlaceBook } from './places.ts';

/**
 * Resolves region names during an import and learns the ones neither the store nor the national
 * gazetteer knows. A name the gazetteer knows (长沙市, 红河州, 沙县) is its real unit, under its real
 * parent, whatever the notice's issuer; only names it does not know (市直部门, a development zone
 * the NBS does not list) are created under the notice's scope region, marked `learned`, and listed
 * in the report. Learned ids are derived from the names, so importing the same notice twice learns
 * the same regions.
 */
export class RegionLearner {
  private readonly index: RegionIndex;
  readonly learned: Region[] = [];

  /** `known`: the store's region index (its register regions, gazetteer and home region). */
  constructor(known: RegionIndex | readonly Region[]) {
    this.index = known instanceof RegionIndex ? known.derive(known.all()) : new RegionIndex(known);
  }

  get regions(): RegionIndex {
    return this.index;
  }

  /**
   * The region a text names, preferring the scope. A register region of another province (福建's
   * 省直部门 or 平潭 for a 湖南 notice's 省直部门 row) is not an answer: the text then names the
   * scope's own unit, which is learned.
   */
  resolve(text: string, scopeId?: string): Region | undefined {
    const res = this.index.resolve(text, scopeId);
    if (!res || !scopeId || this.index.within(res.region.id, scopeId)) return res?.region;
    const scope = this.index.get(scopeId);
    if (!scope || scope.kind === 'country') return res.region;
    const gazetteerUnit = (r: Region) => r.code !== undefined && r.code === r.id;
    // A unit outside the scope only when the name means that one unit: 鼓楼区 in a 济南 notice is
    // none of the four 鼓楼区 elsewhere (it is learned under the scope instead), never a guess.
    const shared = res.alternatives.some((a) => gazetteerUnit(a) && nameKey(a.name) === nameKey(res.region.name));
    return gazetteerUnit(res.region) && !shared ? res.region : undefined;
  }

  /** The longest known region name a text starts with: 福州市退役军人事务局 → 福州市. */
  prefixOf(text: string, scopeId?: string): Region | undefined {
    const key = nameKey(text);
    for (let len = Math.min(key.length - 1, 12); len >= 2; len--) {
      const r = this.index.resolve(key.slice(0, len), scopeId)?.region;
      if (r && (!scopeId || this.index.within(r.id, scopeId))) return r;
    }
    return undefined;
  }

  /**
   * The region for a place of the national gazetteer: the store's own when it has that code,
   * otherwise learned with its code as id under its real parent (learned too, if need be).
   */
  fromPlace(place: Place, book: PlaceBook): Region {
    let parent: Region | undefined;
    for (const p of book.chain(place)) {
      const known = this.index.resolve(p.code)?.region;
      if (known) {
        parent = known;
        continue;
      }
      const region: Region = { id: p.code, code: p.code, name: p.name, short: p.short, kind: p.kind, aliases: [], learned: true };
      if (parent) region.parent = parent.id;
      this.learned.push(region);
      this.index.add(region);
      parent = region;
    }
    return parent as Region;
  }

  /**
   * A name the store does not know, found in the national gazetteer below the notice's scope
   * (九江市 in a 江西 notice, 金安区 in a 六安 notice): learned under its real parent.
   */
  placeWithin(name: string, scope: Region, book: PlaceBook): Region | undefined {
    if (!scope.code) return undefined;
    const top = book.byCode.get(scope.code);
    if (!top) return undefined;
    const key = name.normalize('NFKC').replace(/\s+/g, '');
    const inside = book.find(key).filter((p) => p.code !== top.code && book.within(p, top));
    const pick = inside.length === 1 ? inside[0] : inside.find((p) => p.kind !== 'district');
    return pick ? this.fromPlace(pick, book) : undefined;
  }

  learn(name: string, parentId: string | undefined): Region {
    const existing = this.resolve(name, parentId);
    if (existing) return existing;
    const id = parentId ? `${parentId}/${nameKey(name)}` : `new/${nameKey(name)}`;
    const parentKind = parentId ? this.index.get(parentId)?.kind : undefined;
    // Departments (市直部门) and zones (开发区, 起步区) are what they say; otherwise, below a city
    // everything is county level, 福清市 included.
    const own = kindOf(name);
    const kind =
      own === 'provincial-depts' || own === 'special-zone'
        ? own
        : parentKind === 'city' || parentKind === 'district'
          ? 'district'
          : own;
    const region: Region = { id, name, short: shortName(name), kind, aliases: [], learned: true };
    if (parentId) region.parent = parentId;
    this.learned.push(region);
    this.index.add(region);
    return region;
  }
}

function kindOf(name: string): RegionKind {
  if (/国$|^全国/.test(name)) return 'country';
  if (/(省|自治区)$/.test(name)) return 'province';
  if (/部门|省直|市直|单位$/.test(name)) return 'provincial-depts';
  if (/(试验区|实验区|示范区|合作区|新区|开发区|高新区|园区|起步区|管理区|管委会)$/.test(name)) return 'special-zone';
  if (/(市|州|盟|地区)$/.test(name) && !/(区|县)$/.test(name)) return 'city';
  return 'district';
}
