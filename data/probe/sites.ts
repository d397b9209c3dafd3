import { distance } from 'fastest-levenshtein';
import { nameKey } from '../normalize.ts';
import type { RegionIndex } from '../regions.ts';
import type { Region, RegisterFile, Site, Unit } from '../schema.ts';
import { type ColumnKind, kindFromName, periodOf } from './freshness.ts';

/**
 * The register's websites as probing sees them: each with its unit (and so its contacts), its
 * region, its homepage and the columns to watch with their kind and period settled (the name's
 * default unless the register sets one). Built once per Dataset, read by the prober, /probe,
 * /watch and the early warnings.
 */
export interface WatchedColumn {
  name: string;
  url: string;
  kind: ColumnKind;
  /** Days it may go without a new item; undefined for an 'other' column without one. */
  periodDays?: number;
  /** True when the register set the kind or period rather than the name implying them. */
  set: boolean;
}

export interface RegisteredSite {
  site: Site;
  unit?: Unit;
  region?: Region;
  /** The homepage probed for 站点无法访问 and 首页不更新; sites without one are not probed. */
  homepage?: string;
  columns: WatchedColumn[];
}

export class SiteDirectory {
  readonly list: readonly RegisteredSite[];
  private readonly byId = new Map<string, RegisteredSite>();
  private readonly byName = new Map<string, RegisteredSite[]>();
  private readonly byUnit = new Map<string, RegisteredSite[]>();

  constructor(
    register: Pick<RegisterFile, 'sites' | 'units'>,
    private readonly regions: RegionIndex,
  ) {
    const units = new Map(register.units.map((u) => [u.id, u]));
    this.list = register.sites.map((site) => {
      const entry: RegisteredSite = {
        site,
        columns: (site.columns ?? []).map((c) => {
          const kind = c.kind ?? kindFromName(c.name);
          const col: WatchedColumn = {
            name: c.name,
            url: c.url,
            kind,
            set: c.kind !== undefined || c.periodDays !== undefined,
          };
          const period = periodOf(kind, c.periodDays);
          if (period !== undefined) col.periodDays = period;
          return col;
        }),
      };
      const unit = site.unitId ? units.get(site.unitId) : undefined;
      if (unit) entry.unit = unit;
      const region = regions.get(site.regionId);
      if (region) entry.region = region;
      if (site.url) entry.homepage = site.url;
      return entry;
    });
    for (const s of this.list) {
      this.byId.set(s.site.id, s);
      push(this.byName, nameKey(s.site.name), s);
      if (s.site.siteCode) push(this.byName, nameKey(s.site.siteCode), s);
      if (s.unit) push(this.byUnit, s.unit.id, s);
    }
  }

  get(id: string): RegisteredSite | undefined {
    return this.byId.get(id);
  }

  /** Sites with a homepage to probe. */
  probed(): RegisteredSite[] {
    return this.list.filter((s) => s.homepage);
  }

  /** Sites registered under this name (or 网站标识码); several regions may share a name. */
  named(text: string): RegisteredSite[] {
    return this.byName.get(nameKey(text)) ?? [];
  }

  /** A unit's sites. */
  ofUnit(unitId: string): RegisteredSite[] {
    return this.byUnit.get(unitId) ?? [];
  }

  /** Sites in a region's subtree. */
  within(regionId: string): RegisteredSite[] {
    return this.list.filter((s) => this.regions.within(s.site.regionId, regionId));
  }

  /** Site names close to a mistyped one, nearest first. */
  suggest(text: string, n = 3): string[] {
    const key = nameKey(text);
    const limit = Math.max(1, Math.floor([...key].length / 3));
    return [...this.byName.keys()]
      .map((k) => ({ k, d: distance(key, k) }))
      .filter((x) => x.d <= limit || (key.length >= 2 && x.k.includes(key)))
      .sort((a, b) => a.d - b.d)
      .slice(0, n)
      .map((x) => this.byName.get(x.k)![0]!.site.name);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
