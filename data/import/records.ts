import type { Channel, Mention, Region, Round, StatedRate, Tally } from '../schema.ts';

/**
 * The import contract. Every door — a notice's text, spreadsheets, the HTTP API, the shipped
 * seed — reads its input into these records, each remembering where it came from; one builder
 * (build-round.ts) turns them into a round plan, and one ImportService.apply writes it. So every
 * door refuses the same mistakes, and reports them the same way (refusal.ts): all at once, each
 * naming its line, cell or JSON path.
 */

/** Where a value came from: a line of a notice, a spreadsheet cell, or a field of an API body. */
export interface Where {
  /** File name (CSV, notice) or workbook name. */
  file?: string;
  sheet?: string;
  /** 1-based row as the spreadsheet program shows it. */
  row?: number;
  /** 1-based line of a notice's text. */
  line?: number;
  /** Column letter (A, B, … AA) and the header above it. */
  column?: string;
  header?: string;
  /** JSON path for API bodies: tallies[3].region. */
  path?: string;
}

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
  /** Counts the source states; a notice may state only a rate (then `rate` is set, counts absent). */
  total?: number;
  checked?: number;
  failed?: number;
  /** The rate as the notice states it. */
  rate?: StatedRate;
  /** Counts computed from others (合格11 of 检查14 → 不合格3), not stated. */
  derived?: Array<'total' | 'checked' | 'failed'>;
  /** Per-platform figures stated in prose. */
  platforms?: Tally['platforms'];
  /** A 合计 row: checked against the sum of the others, not stored. */
  sum: boolean;
  where: Where;
  /**
   * Set when the reader already placed the row (a notice's table is read in the notice's own
   * terms: its 合计 row is the scope); the builder then only checks the region exists.
   */
  regionId?: string;
}

export interface FailureRecord {
  channel: Channel;
  region: Text;
  unit?: string;
  subject: string;
  platform?: string;
  problem: string;
  where: Where;
  /** Set when the reader placed the item (a notice maps 福建省 to its 省直部门, or a unit to its region). */
  regionId?: string;
}

/** A name a notice praises or criticises: kept apart from failures, never counted as one. */
export type MentionRecord = Mention & { where?: Where };

export interface ContactRecord {
  name?: string;
  mobile?: string;
  /** 企业微信 userid and 钉钉 userId (staffId): what a mention needs to notify. */
  wecomUserId?: string;
  dingtalkUserId?: string;
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

/** A column of a registered site to watch for freshness (栏目名册): the site by code or region + name. */
export interface SiteColumnRecord {
  site: string;
  siteCode?: string;
  region?: Text;
  name: string;
  url: string;
  kind?: 'news' | 'notice' | 'other';
  periodDays?: number;
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
  siteColumns: SiteColumnRecord[];
  accounts: AccountRecord[];
}

export function emptyRecords(): Records {
  return { meta: [], regions: [], tallies: [], failures: [], sites: [], siteColumns: [], accounts: [] };
}

/** The round's description: from a notice, a 说明 sheet (项目 | 内容), the API body, or CLI options. */
export interface RoundMeta {
  period?: Text;
  scope?: Text;
  title?: string;
  issuer?: string;
  docNumber?: string;
  issuedOn?: Text;
  resultsAsOf?: Text;
  deadline?: Text;
  reportTo?: string;
}

export interface RoundSource {
  file: string;
  sha256: string;
  kind: Round['source']['kind'];
}

/**
 * One round as a door read it, before the builder resolves names and checks the whole: the
 * intermediate record every import produces.
 */
export interface RoundDraft {
  source: RoundSource;
  meta: RoundMeta;
  /** Set when the reader placed the scope itself (a notice: the issuer's region). */
  scopeId?: string;
  tallies: TallyRecord[];
  failures: FailureRecord[];
  mentions: MentionRecord[];
  /** Regions the reader learned and placed records in (a notice from a province the store lacks). */
  learned: Region[];
  /** What the reader inferred (merged cells inherited, regions mapped). */
  notes: string[];
  /** Disagreements the office should look at; the import still goes ahead. */
  warnings: string[];
  /**
   * A list may name more failures than a region's tally counts: refused for spreadsheets and the
   * API (the sender can fix it), a warning for a published notice (the reader says so).
   */
  listedMayExceedTallies?: boolean;
}

export function emptyDraft(source: RoundSource): RoundDraft {
  return { source, meta: {}, tallies: [], failures: [], mentions: [], learned: [], notes: [], warnings: [] };
}
