import { sheetText as tx } from './text/sheet.ts';
import { nameKey } from '../normalize.ts';
import { shortName } from '../reference/fujian.ts';
import { RegionIndex } from '../regions.ts';
import type { Region, RegionKind } from '../schema.ts';
import type { Problems } from './refusal.ts';
import type { RegionRecord, Text } from './records.ts';

const kindWords: Array<[RegExp, RegionKind]> = [
  [/^(全国|国家)$/, 'country'],
  [/^(省|自治区|直辖市|省级)$/, 'province'],
  [/^(市|地级市|州|盟|地区|设区市|地市)$/, 'city'],
  [/^(县|区|县区|县级|县\(市、区\)|县级市|旗)$/, 'district'],
  [/^(省直部门|部门|省直)$/, 'provincial-depts'],
  [/^(特区|实验区|试验区|新区|开发区)$/, 'special-zone'],
];

const childKind: Partial<Record<RegionKind, RegionKind>> = {
  country: 'province',
  province: 'city',
  city: 'district',
};

/**
 * Region names as an import sees them: the store's regions, plus those declared in a 地区 sheet
 * or met in a results table. A learned region's id is its parent's id and its name
 * (`35/三明市`), so importing the same file twice learns the same ids. Lookups are cached per
 * text: a national register names the same few hundred regions 165,000 times.
 */
export class ImportRegions {
  private index: RegionIndex;
  /** Set when a known region was replaced (given a parent): the index is rebuilt on next use. */
  private dirty = false;
  /** Lookups per scope, then per text. */
  private readonly cache = new Map<string, Map<string, Region | undefined>>();
  readonly learned: Region[] = [];

  constructor(private readonly known: readonly Region[]) {
    this.index = new RegionIndex(known);
  }

  get regions(): RegionIndex {
    if (this.dirty) {
      const byId = new Map(this.known.map((r) => [r.id, r]));
      for (const r of this.learned) byId.set(r.id, r);
      this.index = new RegionIndex([...byId.values()]);
      this.dirty = false;
      this.cache.clear();
    }
    return this.index;
  }

  /** A region by name inside `scopeId` (when given); undefined when there is none. */
  find(text: string, scopeId?: string): Region | undefined {
    const index = this.regions;
    let cache = this.cache.get(scopeId ?? '');
    if (!cache) {
      cache = new Map();
      this.cache.set(scopeId ?? '', cache);
    }
    if (cache.has(text)) return cache.get(text);
    const found = index.resolve(text, scopeId)?.region;
    const region = found && (!scopeId || index.within(found.id, scopeId)) ? found : undefined;
    cache.set(text, region);
    return region;
  }

  /** Like find, but an unknown name is a problem at its cell, with the closest names offered. */
  require(cell: Text, scopeId: string | undefined, problems: Problems): Region | undefined {
    const region = this.find(cell.text, scopeId);
    if (region) return region;
    // Only names inside the scope can be meant: find() takes no other.
    const near = this.regions
      .suggest(cell.text, 12, scopeId)
      .filter((r) => !scopeId || this.regions.within(r.id, scopeId))
      .slice(0, 3)
      .map((r) => this.regions.describe(r, scopeId));
    problems.add(cell.where, tx.unknownRegion(cell.text, near));
    return undefined;
  }

  learn(name: string, parentId: string | undefined, kind?: RegionKind): Region {
    const existing = this.find(name, parentId);
    if (existing && (existing.parent === parentId || !parentId)) return existing;
    // A top-level region declared under a new parent (福建省 under 全国) is attached, not copied.
    const top = parentId ? this.find(name) : undefined;
    if (top && !top.parent && top.id !== parentId && !this.regions.within(parentId!, top.id)) {
      const moved: Region = { ...top, parent: parentId };
      this.learned.push(moved);
      this.dirty = true;
      this.cache.clear();
      return moved;
    }
    const parentKind = parentId ? this.regions.get(parentId)?.kind : undefined;
    // 福州新区 must not take 福州 as its short form: that name is taken.
    const short = shortName(name);
    const region: Region = {
      id: parentId ? `${parentId}/${nameKey(name)}` : `new/${nameKey(name)}`,
      name,
      short: short !== name && this.find(short) ? name : short,
      kind:
        kind ??
        (parentKind ? (childKind[parentKind] ?? 'district') : /全国/.test(name) ? 'country' : 'province'),
      aliases: [],
      learned: true,
    };
    if (parentId) region.parent = parentId;
    this.learned.push(region);
    this.regions.add(region);
    this.cache.clear();
    return region;
  }

  /**
   * Declares the rows of a 地区 sheet. Rows may name a parent declared further down, so rows are
   * taken in passes until none is left or a pass makes no progress; what is left names an
   * unknown parent.
   */
  declare(rows: readonly RegionRecord[], problems: Problems): void {
    let pending = [...rows];
    for (;;) {
      const next: RegionRecord[] = [];
      for (const row of pending) {
        const parent = row.parent ? this.find(row.parent.text) : undefined;
        if (row.parent && !parent) {
          next.push(row);
          continue;
        }
        let kind: RegionKind | undefined;
        if (row.kind) {
          kind = kindWords.find(([re]) => re.test(row.kind!.text.replace(/\s/g, '')))?.[1];
          if (!kind) problems.add(row.kind.where, tx.badRegionKind(row.kind.text));
        }
        const region = this.learn(row.name.text, parent?.id, kind);
        if (region.learned && this.learned.includes(region)) {
          if (row.code) region.code = row.code;
          if (row.short) region.short = row.short;
        }
      }
      if (next.length === 0 || next.length === pending.length) {
        for (const row of next) if (row.parent) this.require(row.parent, undefined, problems);
        return;
      }
      pending = next;
    }
  }
}
