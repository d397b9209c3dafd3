import { type Place, type PlaceBook, places } from './import/places.ts';
import { nameKey } from './normalize.ts';
import type { RegisterFile, Region, RoundFile } from './schema.ts';

/** One region moved onto the gazetteer (or re-identified under a moved parent). */
export interface RegionMove {
  from: string;
  to: string;
  name: string;
  /** The unit it now is, as the gazetteer names it (长沙市), or its own name when only its parent moved. */
  toName: string;
}

export interface RegionMigration {
  register: RegisterFile;
  /** Only the round files that changed. */
  rounds: RoundFile[];
  moves: RegionMove[];
}

/** Ids imports made before the national gazetteer existed: `new/湖南省`, `new/湖南省/长沙市`. */
export const isPreGazetteerId = (id: string) => id.startsWith('new/');

/**
 * Regions an import learned before the national gazetteer existed (ids `new/…`: a notice's
 * issuer and the regions it named, all learned as new) are moved onto their gazetteer units
 * when one matches: `new/湖南省` → 43 湖南省, `new/湖南省/长沙市` → 4301 长沙市 under it. A name is
 * matched below its (moved) parent only; a top-level name must mean one unit of the whole country
 * (鼓楼区 alone, four of them, stays where it is: never guessed across provinces). A learned
 * region the gazetteer does not know (省直部门, a zone) keeps its name and follows its parent
 * (`new/湖南省/省直部门` → `43/省直部门`, the id an import gives it today).
 *
 * History is kept: every reference to a moved region (rounds' scope, tally and failure rows,
 * units, sites, accounts) is rewritten, while round keys and failure ids — what alerts already
 * sent, /done marks and sent reminders are attached to — stay as they were. Pure: the store
 * writes the result (data/store.ts, at start).
 */
export function migrateLearnedRegions(register: RegisterFile, rounds: readonly RoundFile[]): RegionMigration {
  const old = register.regions.filter((r) => isPreGazetteerId(r.id));
  if (old.length === 0) return { register, rounds: [], moves: [] };
  const book = places();
  // Copies: the stored register is not touched until the store writes the result.
  const byId = new Map(register.regions.map((r) => [r.id, { ...r, aliases: [...r.aliases] }]));
  const moved = new Map<string, string>();
  const moves: RegionMove[] = [];
  // Parents before children: `new/a` before `new/a/b`.
  const depth = (r: Region) => r.id.split('/').length;
  for (const r of [...old].sort((a, b) => depth(a) - depth(b))) {
    const parentId = r.parent === undefined ? undefined : (moved.get(r.parent) ?? r.parent);
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    const place = r.kind === 'country' ? undefined : placeFor(r, parent, book);
    let target: Region | undefined;
    if (place) {
      target = byId.get(place.code) ?? byCode(byId, place.code);
      if (!target) {
        for (const region of chainRegions(place, book, byId, r)) byId.set(region.id, region);
        target = byId.get(place.code) as Region;
      } else if (nameKey(target.name) !== nameKey(r.name) && !target.aliases.includes(r.name)) {
        target.aliases = [...target.aliases, r.name];
      }
    } else if (parentId !== r.parent && parentId !== undefined) {
      // Not a gazetteer unit, under a moved parent: the id an import under that parent gives it.
      const id = `${parentId}/${nameKey(r.name)}`;
      target = byId.get(id) ?? { ...r, id, parent: parentId };
      byId.set(id, target);
    }
    if (!target || target.id === r.id) continue;
    target.formerIds = [...new Set([...(target.formerIds ?? []), ...(r.formerIds ?? []), r.id])];
    moved.set(r.id, target.id);
    moves.push({ from: r.id, to: target.id, name: r.name, toName: target.name });
  }
  if (moves.length === 0) return { register, rounds: [], moves: [] };
  const to = (id: string) => moved.get(id) ?? id;
  const regions = [...byId.values()]
    .filter((r) => !moved.has(r.id))
    .map((r) => (r.parent !== undefined && moved.has(r.parent) ? { ...r, parent: to(r.parent) } : r));
  const next: RegisterFile = {
    ...register,
    regions,
    units: register.units.map((u) =>
      u.regionId !== undefined && moved.has(u.regionId) ? { ...u, regionId: to(u.regionId) } : u,
    ),
    sites: register.sites.map((s) => (moved.has(s.regionId) ? { ...s, regionId: to(s.regionId) } : s)),
    accounts: register.accounts.map((a) => (moved.has(a.regionId) ? { ...a, regionId: to(a.regionId) } : a)),
  };
  const changed: RoundFile[] = [];
  for (const file of rounds) {
    const touches =
      moved.has(file.round.scopeRegionId) ||
      file.tallies.some((t) => moved.has(t.regionId)) ||
      file.failures.some((f) => moved.has(f.regionId));
    if (!touches) continue;
    changed.push({
      ...file,
      round: { ...file.round, scopeRegionId: to(file.round.scopeRegionId) },
      tallies: file.tallies.map((t) => ({ ...t, regionId: to(t.regionId) })),
      failures: file.failures.map((f) => ({ ...f, regionId: to(f.regionId) })),
    });
  }
  return { register: next, rounds: changed, moves };
}

/** The gazetteer unit a learned region names: below its parent when that is placed, else the one unit of the country. */
function placeFor(r: Region, parent: Region | undefined, book: PlaceBook): Place | undefined {
  const names = [r.name, ...r.aliases];
  const options = [...new Map(names.flatMap((n) => book.find(nameKey(n))).map((p) => [p.code, p])).values()];
  if (parent?.code) {
    const top = book.byCode.get(parent.code);
    if (!top) return undefined;
    const inside = options.filter((p) => p.code !== top.code && book.within(p, top));
    return inside.length === 1 ? inside[0] : undefined;
  }
  if (parent) return undefined; // under a region the gazetteer does not know (a learned zone)
  return options.length === 1 ? options[0] : undefined;
}

function byCode(regions: Map<string, Region>, code: string): Region | undefined {
  for (const r of regions.values()) if (r.code === code) return r;
  return undefined;
}

/** The place and any unit above it the register lacks, as learned regions (top first). */
function chainRegions(place: Place, book: PlaceBook, byId: Map<string, Region>, was: Region): Region[] {
  const out: Region[] = [];
  let parentId: string | undefined;
  for (const p of book.chain(place)) {
    const known = byId.get(p.code) ?? byCode(byId, p.code);
    if (known) {
      parentId = known.id;
      continue;
    }
    const region: Region = {
      id: p.code,
      code: p.code,
      name: p.name,
      short: p.short,
      kind: p.kind,
      aliases: [],
      learned: true,
    };
    if (p.code === place.code && nameKey(was.name) !== nameKey(p.name)) region.aliases = [was.name];
    if (parentId !== undefined) region.parent = parentId;
    out.push(region);
    parentId = region.id;
  }
  return out;
}
