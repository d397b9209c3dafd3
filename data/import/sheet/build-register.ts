import { sheetText as tx } from '../text/sheet.ts';
import type { Dataset } from '../../dataset.ts';
import { nameKey } from '../../normalize.ts';
import type { Account, Region, Site, SiteColumn, Unit } from '../../schema.ts';
import type { RegisterWrite } from '../../store.ts';
import { describeWhere, type Problems, type Where } from '../refusal.ts';
import type { ContactRecord, Records } from '../records.ts';
import type { ImportRegions } from '../import-regions.ts';

/**
 * cyrb53 (a public-domain 53-bit string hash) in base 36: ids for 150,000 accounts
 * without a crypto hash per row. With 53 bits, two of 150,000 ids collide with odds near 1 in
 * 800,000, and a collision is not silent: the import refuses it as a duplicate row.
 */
function hash53(...parts: string[]): string {
  let h1 = 0xdeadbeef | 0;
  let h2 = 0x41c6ce57 | 0;
  for (let p = 0; p < parts.length; p++) {
    const text = parts[p]!;
    // A 0 between parts, as if joined with U+0000.
    if (p > 0) {
      h1 = Math.imul(h1, 2654435761);
      h2 = Math.imul(h2, 1597334677);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // Two integer halves: integer-to-string is several times faster than a 53-bit double's.
  return `${(h2 & 0x1fffff).toString(36)}${(h1 >>> 0).toString(36).padStart(7, '0')}`;
}

/** nameKey, skipping the Unicode work for a name of ideographs, digits and lower-case letters. */
function key(text: string): string {
  return /^[\u4e00-\u9fff0-9a-z_.-]*$/.test(text) ? text : nameKey(text);
}

/** Ids derive from what identifies the thing, so a re-import updates rather than duplicates. */
export const registerIds = {
  unit: (regionId: string, name: string) => `u-${hash53(regionId, key(name))}`,
  site: (regionId: string, name: string, siteCode?: string) =>
    siteCode ? `s-${siteCode}` : `s-${hash53(regionId, key(name))}`,
  account: (regionId: string, platform: string, name: string) =>
    `a-${hash53(regionId, key(platform), key(name))}`,
};

/**
 * Turns register rows (sites and accounts, with their unit and contact) into a RegisterWrite.
 * Regions must be known or declared in the same import; a site or account listed twice is a
 * problem at its second row. Units are created from 单位名称, contacts merged per unit.
 */
export function buildRegister(
  records: Records,
  regions: ImportRegions,
  data: Dataset,
  scopeId: string | undefined,
  problems: Problems,
): RegisterWrite {
  const units = new Map<string, Unit>();
  const stored = new Map(data.register.units.map((u) => [u.id, u]));
  // The unit a (region, 单位名称) names, per region then per name: no key string built per row.
  const unitsByRegion = new Map<Region, Map<string, Unit>>();
  const unitFor = (
    region: Region,
    name: string | undefined,
    contact: ContactRecord | undefined,
  ): string | undefined => {
    if (!name) return undefined;
    let byName = unitsByRegion.get(region);
    if (!byName) {
      byName = new Map();
      unitsByRegion.set(region, byName);
    }
    let unit = byName.get(name);
    if (!unit) {
      const id = registerIds.unit(region.id, name);
      unit = units.get(id);
      if (!unit) {
        const before = stored.get(id);
        unit = before
          ? structuredClone(before)
          : { id, name, regionId: region.id, aliases: [], contacts: [] };
        units.set(id, unit);
      }
      byName.set(name, unit);
    }
    // One person per name or mobile: a later row adds the platform ids an earlier one lacked.
    const same = contact
      ? unit.contacts.find(
          (c) =>
            (c.name === contact.name && c.mobile === contact.mobile) ||
            (contact.mobile && c.mobile === contact.mobile),
        )
      : undefined;
    if (same && contact) {
      if (contact.wecomUserId) same.wecomUserId = contact.wecomUserId;
      if (contact.dingtalkUserId) same.dingtalkUserId = contact.dingtalkUserId;
    } else if (contact) {
      unit.contacts.push({ ...contact });
    }
    return unit.id;
  };

  const sites: Site[] = [];
  const seenSites = new Map<string, Where>();
  // A register re-imported without its 栏目名册 keeps the columns stored for each site.
  const storedSites = new Map(data.register.sites.map((s) => [s.id, s]));
  for (const row of records.sites) {
    const region = regions.require(row.region, scopeId, problems);
    if (!region) continue;
    const id = registerIds.site(region.id, row.name, row.siteCode);
    const first = seenSites.get(id);
    if (first) {
      problems.add(row.where, tx.duplicateRow(describeWhere(first)));
      continue;
    }
    seenSites.set(id, row.where);
    const site: Site = { id, name: row.name, regionId: region.id, kind: row.kind ?? 'department' };
    if (row.url) site.url = row.url;
    if (row.siteCode) site.siteCode = row.siteCode;
    const unitId = unitFor(region, row.unit, row.contact);
    if (unitId) site.unitId = unitId;
    const columns = storedSites.get(id)?.columns;
    if (columns) site.columns = columns;
    sites.push(site);
  }

  attachColumns(records.siteColumns, sites, storedSites, regions, data, scopeId, problems);

  const accounts: Account[] = [];
  const seenAccounts = new Map<string, Where>();
  for (const row of records.accounts) {
    const region = regions.require(row.region, scopeId, problems);
    if (!region) continue;
    const id = registerIds.account(region.id, row.platform, row.name);
    const first = seenAccounts.get(id);
    if (first) {
      problems.add(row.where, tx.duplicateRow(describeWhere(first)));
      continue;
    }
    seenAccounts.set(id, row.where);
    const account: Account = { id, platform: row.platform, name: row.name, regionId: region.id };
    const unitId = unitFor(region, row.unit, row.contact);
    if (unitId) account.unitId = unitId;
    accounts.push(account);
  }
  return { newRegions: [...regions.learned], units: [...units.values()], sites, accounts };
}

/**
 * 栏目名册 rows onto their sites: a site named by 网站标识码, or by 部门/地区 + 网站名称, or by its
 * name alone when only one registered site (in this import or stored) bears it. The columns listed
 * for a site replace its stored ones; a column listed twice for a site is refused at its second row.
 * A stored site that gains columns is written again with them.
 */
function attachColumns(
  rows: Records['siteColumns'],
  sites: Site[],
  stored: ReadonlyMap<string, Site>,
  regions: ImportRegions,
  data: Dataset,
  scopeId: string | undefined,
  problems: Problems,
): void {
  if (rows.length === 0) return;
  const inImport = new Map(sites.map((s) => [s.id, s]));
  const byName = new Map<string, Site[]>();
  for (const s of [...sites, ...stored.values()]) {
    const k = nameKey(s.name);
    const list = byName.get(k) ?? [];
    if (!list.some((x) => x.id === s.id)) list.push(s);
    byName.set(k, list);
  }
  const listed = new Map<string, { site: Site; columns: SiteColumn[]; seen: Map<string, Where> }>();
  for (const row of rows) {
    let site: Site | undefined;
    if (row.siteCode) site = inImport.get(`s-${row.siteCode}`) ?? stored.get(`s-${row.siteCode}`);
    if (!site && row.region) {
      const region = regions.require(row.region, scopeId, problems);
      if (!region) continue;
      const id = registerIds.site(region.id, row.site);
      site = inImport.get(id) ?? stored.get(id);
      site ??= (byName.get(nameKey(row.site)) ?? []).find((s) => data.regions.within(s.regionId, region.id));
    }
    if (!site && !row.region && !row.siteCode) {
      const named = byName.get(nameKey(row.site)) ?? [];
      if (named.length > 1) {
        const where = named.map((s) => data.regions.get(s.regionId)?.name ?? s.regionId);
        problems.add(row.where, tx.ambiguousColumnSite(row.site, where));
        continue;
      }
      site = named[0];
    }
    if (!site) {
      problems.add(row.where, tx.unknownColumnSite(row.site));
      continue;
    }
    let entry = listed.get(site.id);
    if (!entry) {
      entry = { site, columns: [], seen: new Map() };
      listed.set(site.id, entry);
    }
    const first = entry.seen.get(nameKey(row.name));
    if (first) {
      problems.add(row.where, tx.duplicateRow(describeWhere(first)));
      continue;
    }
    entry.seen.set(nameKey(row.name), row.where);
    const column: SiteColumn = { name: row.name, url: row.url };
    if (row.kind) column.kind = row.kind;
    if (row.periodDays !== undefined) column.periodDays = row.periodDays;
    entry.columns.push(column);
  }
  for (const { site, columns } of listed.values()) {
    const own = inImport.get(site.id);
    if (own) own.columns = columns;
    else sites.push({ ...structuredClone(site), columns });
  }
}
