import { createHash } from 'node:crypto';
import { sheetText as tx } from '../../../handlers/text.ts';
import type { Dataset } from '../../dataset.ts';
import { nameKey } from '../../normalize.ts';
import type { Account, Region, Site, Unit } from '../../schema.ts';
import type { RegisterWrite } from '../../store.ts';
import { describeWhere, type Problems, type Where } from './problems.ts';
import type { ContactRecord, Records } from './records.ts';
import type { ImportRegions } from './regions.ts';

function hashId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 12)}`;
}

/** Ids derive from what identifies the thing, so a re-import updates rather than duplicates. */
export const registerIds = {
  unit: (regionId: string, name: string) => hashId('u', regionId, nameKey(name)),
  site: (regionId: string, name: string, siteCode?: string) =>
    siteCode ? `s-${siteCode}` : hashId('s', regionId, nameKey(name)),
  account: (regionId: string, platform: string, name: string) =>
    hashId('a', regionId, nameKey(platform), nameKey(name)),
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
  const unitFor = (
    region: Region,
    name: string | undefined,
    contact: ContactRecord | undefined,
  ): string | undefined => {
    if (!name) return undefined;
    const id = registerIds.unit(region.id, name);
    let unit = units.get(id);
    if (!unit) {
      const before = stored.get(id);
      unit = before ? structuredClone(before) : { id, name, regionId: region.id, aliases: [], contacts: [] };
      units.set(id, unit);
    }
    if (contact && !unit.contacts.some((c) => c.name === contact.name && c.mobile === contact.mobile)) {
      unit.contacts.push({ ...contact });
    }
    return id;
  };

  const sites: Site[] = [];
  const seenSites = new Map<string, Where>();
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
    sites.push(site);
  }

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
