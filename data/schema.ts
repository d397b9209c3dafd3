import { z } from 'zod';

/**
 * The stored data model. Files are validated with these schemas when loaded (data/store.ts);
 * counts are stored, rates are always derived (domain.md §6).
 */
export const SCHEMA_VERSION = 1;

export const regionKinds = ['country', 'province', 'city', 'provincial-depts', 'district', 'special-zone'] as const;
export type RegionKind = (typeof regionKinds)[number];

export const regionSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Short form used in tables and chat: 福州, 平潭, 省直. */
  short: z.string().min(1),
  kind: z.enum(regionKinds),
  parent: z.string().optional(),
  /** Administrative code when known (3501, 350102). */
  code: z.string().optional(),
  /** Other names: nicknames, old names (沙县, 龙海市), table spellings (省直部门（含二级网站）). */
  aliases: z.array(z.string()).default([]),
  /** True when created by an import rather than shipped reference data. */
  learned: z.boolean().optional(),
  /**
   * Ids this region had before it was moved onto its gazetteer unit (`new/湖南省`, learned before
   * the national gazetteer): a subscription or reference by the old id still finds it.
   */
  formerIds: z.array(z.string()).optional(),
});
export type Region = z.infer<typeof regionSchema>;

export const contactSchema = z.object({
  name: z.string().optional(),
  mobile: z.string().optional(),
  wecomUserId: z.string().optional(),
  dingtalkUserId: z.string().optional(),
});

export const unitSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  regionId: z.string().optional(),
  aliases: z.array(z.string()).default([]),
  contacts: z.array(contactSchema).default([]),
});
export type Unit = z.infer<typeof unitSchema>;

/**
 * A column of a site, for 栏目不更新 and 空白栏目 (domain.md §1.2): its list page and its kind
 * (news: 动态/要闻, 14 days; notice: 通知公告/政策文件, 183 days; other: its own period, if any).
 * The kind defaults from the name (data/probe/freshness.ts kindFromName) and may be set by hand.
 */
export const columnSchema = z.object({
  name: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  kind: z.enum(['news', 'notice', 'other']).optional(),
  periodDays: z.number().int().min(1).max(3660).optional(),
});
export type SiteColumn = z.infer<typeof columnSchema>;

export const siteSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  url: z.string().optional(),
  /** 网站标识码, 10 characters (domain.md §2.2). */
  siteCode: z.string().optional(),
  regionId: z.string(),
  unitId: z.string().optional(),
  kind: z.enum(['portal', 'department']).default('department'),
  /** Columns to watch; absent on registers written before probing (schema stays version 1). */
  columns: z.array(columnSchema).optional(),
});
export type Site = z.infer<typeof siteSchema>;

export const accountSchema = z.object({
  id: z.string().min(1),
  platform: z.string().min(1),
  name: z.string().min(1),
  regionId: z.string(),
  unitId: z.string().optional(),
});
export type Account = z.infer<typeof accountSchema>;

export const channels = ['website', 'newmedia'] as const;
export type Channel = (typeof channels)[number];

export const deadlineSchema = z.object({
  /** YYYY-MM-DD, Asia/Shanghai. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** HH:MM when the notice names a time of day. */
  time: z
    .string()
    .regex(/^\d{2}:\d{2}$/)
    .optional(),
});
export type Deadline = z.infer<typeof deadlineSchema>;

export const roundSchema = z.object({
  /** Unique key: `${period}@${scopeRegionId}`. */
  key: z.string(),
  /** The period as people say it: 2020Q1, or 2023-09 for a monthly notice. */
  period: z.string().regex(/^\d{4}(Q[1-4]|-\d{2}|H[12])$/),
  /** The region the notice covers (its issuer's province or city). */
  scopeRegionId: z.string(),
  title: z.string(),
  docNumber: z.string().optional(),
  issuer: z.string(),
  issuedOn: z.string().optional(),
  resultsAsOf: z.string().optional(),
  deadline: deadlineSchema.optional(),
  reportTo: z.string().optional(),
  source: z.object({ file: z.string(), sha256: z.string(), kind: z.enum(['notice', 'sheet', 'api']) }),
  importedAt: z.string(),
});
export type Round = z.infer<typeof roundSchema>;

/** A pass or failure rate as the notice states it (99.54% with its two decimals; 低于95% as a bound). */
export const statedRateSchema = z.object({
  kind: z.enum(['pass', 'fail']),
  value: z.number().min(0).max(100),
  decimals: z.number().int().nonnegative(),
  bound: z.enum(['below', 'above']).optional(),
});
export type StatedRate = z.infer<typeof statedRateSchema>;

/**
 * One region's results for one channel. Counts are what the notice states (or what follows from
 * them exactly, listed in `derived`); a notice that states only a rate has a rate and no counts —
 * counts are never invented from a rate.
 */
export const tallySchema = z.object({
  regionId: z.string(),
  channel: z.enum(channels),
  total: z.number().int().nonnegative().optional(),
  checked: z.number().int().nonnegative().optional(),
  failed: z.number().int().nonnegative().optional(),
  /** The rate as stated, when the notice states one without counts to compute it from. */
  rate: statedRateSchema.optional(),
  /** Counts computed from others (合格11 of 检查14 → 不合格3), not stated. */
  derived: z.array(z.enum(['total', 'checked', 'failed'])).optional(),
  /** Per-platform figures stated in prose (微信公众号182个, 今日头条合格率69.81%). */
  platforms: z
    .array(z.object({ platform: z.string(), total: z.number().int().nonnegative().optional(), rate: statedRateSchema.optional() }))
    .optional(),
});
export type Tally = z.infer<typeof tallySchema>;

export const failureSchema = z.object({
  /** Stable across re-imports: hash of round, channel, region, subject. */
  id: z.string(),
  channel: z.enum(channels),
  regionId: z.string(),
  /** The region as written in the notice. */
  regionText: z.string(),
  unitName: z.string().optional(),
  unitId: z.string().optional(),
  /** Website name, or account name for new media. */
  subject: z.string(),
  platform: z.string().optional(),
  problem: z.string(),
  problemCode: z.string(),
  veto: z.boolean(),
});
export type Failure = z.infer<typeof failureSchema>;

export const mentionSchema = z.object({
  kind: z.enum(['praised', 'criticised']),
  channel: z.enum(channels).optional(),
  name: z.string(),
  text: z.string(),
});
export type Mention = z.infer<typeof mentionSchema>;

/** One file per round: the bulk data, written once per import. */
export const roundFileSchema = z.object({
  version: z.literal(SCHEMA_VERSION),
  round: roundSchema,
  tallies: z.array(tallySchema),
  failures: z.array(failureSchema),
  mentions: z.array(mentionSchema).default([]),
});
export type RoundFile = z.infer<typeof roundFileSchema>;

/** The register: regions, units, sites, accounts. */
export const registerFileSchema = z.object({
  version: z.literal(SCHEMA_VERSION),
  regions: z.array(regionSchema),
  units: z.array(unitSchema).default([]),
  sites: z.array(siteSchema).default([]),
  accounts: z.array(accountSchema).default([]),
});
export type RegisterFile = z.infer<typeof registerFileSchema>;
