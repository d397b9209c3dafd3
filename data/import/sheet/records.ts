import type { Channel } from '../../schema.ts';
import type { Where } from './problems.ts';

/**
 * What the rows of an import say, before any name is resolved: the sheet readers (rows.ts)
 * and the HTTP API (bot/api) both produce these, and build.ts turns them into store writes the
 * same way, so both paths refuse the same mistakes.
 */
export interface Text {
  text: string;
  where: Where;
}

export interface MetaRecord {
  key: string;
  value: Text;
}

export interface RegionRecord {
  name: Text;
  parent?: Text;
  code?: string;
  short?: string;
  kind?: Text;
}

export interface TallyRecord {
  region: Text;
  parent?: Text;
  channel: Channel;
  total: number;
  checked: number;
  failed: number;
  /** A 合计 row: checked against the sum of the others, not stored. */
  sum: boolean;
  where: Where;
}

export interface FailureRecord {
  channel: Channel;
  region: Text;
  unit?: string;
  subject: string;
  platform?: string;
  problem: string;
  where: Where;
}

export interface ContactRecord {
  name?: string;
  mobile?: string;
}

export interface SiteRecord {
  region: Text;
  unit?: string;
  name: string;
  url?: string;
  siteCode?: string;
  kind?: 'portal' | 'department';
  contact?: ContactRecord;
  where: Where;
}

export interface AccountRecord {
  region: Text;
  unit?: string;
  platform: string;
  name: string;
  contact?: ContactRecord;
  where: Where;
}

export interface Records {
  meta: MetaRecord[];
  regions: RegionRecord[];
  tallies: TallyRecord[];
  failures: FailureRecord[];
  sites: SiteRecord[];
  accounts: AccountRecord[];
}

export function emptyRecords(): Records {
  return { meta: [], regions: [], tallies: [], failures: [], sites: [], accounts: [] };
}
