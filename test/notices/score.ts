import * as OpenCC from 'opencc-js/t2cn';
import type { ChannelFacts, Facts, FailureFact, RegionRow } from './facts.ts';
import { factChannels } from './facts.ts';

/**
 * Compares the facts a notice states (hand-written) with the facts the importer produced, one
 * fact at a time. What counts as one fact:
 *   - title, period, issuer: one each;
 *   - each stated field (total, checked, failed, passRate) of each channel;
 *   - each stated field of each region row (a row the importer lacks misses all of its fields);
 *   - each failure: its name (in its channel) is one fact, and its platform, region and problem
 *     one more each when stated;
 *   - each mention: matched when the importer kept it as a mention and did not make it a failure;
 *   - the deadline's date, and its time when stated.
 * Failures the importer produced that the text does not name (and that are not one of its
 * mentions, already missed) are spurious: each adds one to the denominator, so inventing
 * failures lowers the score. score = matched / (stated + spurious).
 */
export interface NoticeScore {
  name: string;
  stated: number;
  matched: number;
  spurious: number;
  score: number;
  /** One line per missed or spurious fact, in the order above. */
  misses: string[];
  /** Set when the importer refused the notice: its message (with the line it named). */
  refused?: string;
}

export type ImportOutcome = { facts: Facts } | { refused: string };

export function scoreNotice(name: string, expected: Facts, outcome: ImportOutcome): NoticeScore {
  const t = new Tally();
  const actual: Facts = 'facts' in outcome ? outcome.facts : {};

  if (expected.title !== undefined)
    t.check('title', sameText(expected.title, actual.title), expected.title, actual.title);
  if (expected.period !== undefined)
    t.check('period', expected.period === actual.period, expected.period, actual.period);
  if (expected.issuer !== undefined)
    t.check('issuer', sameRegion(expected.issuer, actual.issuer), expected.issuer, actual.issuer);

  for (const channel of factChannels) {
    const want = expected.channels?.[channel];
    if (want) compareCounts(t, `channels.${channel}`, want, actual.channels?.[channel]);
  }

  const rows = [...(actual.regions ?? [])];
  for (const row of expected.regions ?? []) {
    const i = rows.findIndex((r) => r.channel === row.channel && sameRegion(row.region, r.region));
    const found = i >= 0 ? rows.splice(i, 1)[0] : undefined;
    compareCounts(t, `regions[${row.region} ${row.channel}]`, rowCounts(row), found && rowCounts(found));
  }

  const produced = [...(actual.failures ?? [])];
  for (const f of expected.failures ?? []) compareFailure(t, f, takeFailure(produced, f));
  const mentioned = actual.mentions ?? [];
  for (const m of expected.mentions ?? []) {
    const asFailure = (actual.failures ?? []).find((f) => sameName(f.name, m));
    if (asFailure) t.miss(`mention ${m}: read as a failure`);
    else if (mentioned.some((a) => sameName(a, m))) t.hit();
    else t.miss(`mention ${m}: not found`);
  }
  for (const f of produced) {
    if ((expected.mentions ?? []).some((m) => sameName(f.name, m))) continue;
    t.spurious += 1;
    t.misses.push(`spurious failure: ${f.channel} ${f.name}${f.platform ? ` (${f.platform})` : ''}`);
  }

  if (expected.deadline) {
    const got = actual.deadline;
    t.check('deadline.date', got?.date === expected.deadline.date, expected.deadline.date, got?.date);
    if (expected.deadline.time !== undefined)
      t.check('deadline.time', got?.time === expected.deadline.time, expected.deadline.time, got?.time);
  }

  const denominator = t.stated + t.spurious;
  const base = { name, stated: t.stated, matched: t.matched, spurious: t.spurious };
  if ('refused' in outcome) {
    const misses = [`refused: ${outcome.refused}`, `all ${t.stated} stated facts missed`];
    return { ...base, score: 0, misses, refused: outcome.refused };
  }
  return { ...base, score: denominator === 0 ? 1 : t.matched / denominator, misses: t.misses };
}

export interface CorpusScore {
  notices: NoticeScore[];
  stated: number;
  matched: number;
  spurious: number;
  /** matched / (stated + spurious) over the whole corpus: every fact weighs the same. */
  score: number;
}

export function scoreCorpus(notices: NoticeScore[]): CorpusScore {
  const stated = notices.reduce((n, s) => n + s.stated, 0);
  const matched = notices.reduce((n, s) => n + s.matched, 0);
  const spurious = notices.reduce((n, s) => n + s.spurious, 0);
  return {
    notices,
    stated,
    matched,
    spurious,
    score: stated + spurious === 0 ? 1 : matched / (stated + spurious),
  };
}

class Tally {
  stated = 0;
  matched = 0;
  spurious = 0;
  readonly misses: string[] = [];

  hit(): void {
    this.stated += 1;
    this.matched += 1;
  }

  miss(line: string): void {
    this.stated += 1;
    this.misses.push(line);
  }

  check(label: string, ok: boolean, want: unknown, got: unknown): void {
    if (ok) this.hit();
    else this.miss(`${label}: expected ${show(want)}, got ${show(got)}`);
  }
}

const countKeys = ['total', 'checked', 'failed'] as const;

function compareCounts(t: Tally, label: string, want: ChannelFacts, got: ChannelFacts | undefined): void {
  if (!got) {
    const keys = [...countKeys, 'passRate' as const].filter((k) => want[k] !== undefined);
    for (const k of keys) t.miss(`${label}.${k}: expected ${show(want[k])}, got nothing`);
    return;
  }
  for (const k of countKeys) {
    if (want[k] !== undefined) t.check(`${label}.${k}`, got[k] === want[k], want[k], got[k]);
  }
  if (want.passRate !== undefined)
    t.check(`${label}.passRate`, sameRate(want.passRate, got.passRate), want.passRate, got.passRate);
}

function rowCounts(r: RegionRow): ChannelFacts {
  const { total, checked, failed, passRate } = r;
  return { total, checked, failed, passRate };
}

/** The produced failure that best answers an expected one (same channel and name; same platform first). */
function takeFailure(produced: FailureFact[], want: FailureFact): FailureFact | undefined {
  const same = (f: FailureFact) => f.channel === want.channel && sameName(f.name, want.name);
  let i = produced.findIndex((f) => same(f) && samePlatform(want.platform, f.platform));
  if (i < 0) i = produced.findIndex(same);
  return i >= 0 ? produced.splice(i, 1)[0] : undefined;
}

function compareFailure(t: Tally, want: FailureFact, got: FailureFact | undefined): void {
  const label = `failure ${want.channel} ${want.name}`;
  if (!got) {
    const fields = (['platform', 'region', 'problem'] as const).filter((k) => want[k] !== undefined);
    t.stated += 1 + fields.length;
    t.misses.push(`${label}: not found${fields.length > 0 ? ` (nor its ${fields.join(', ')})` : ''}`);
    return;
  }
  t.hit();
  if (want.platform !== undefined)
    t.check(`${label}.platform`, samePlatform(want.platform, got.platform), want.platform, got.platform);
  if (want.region !== undefined)
    t.check(`${label}.region`, sameRegion(want.region, got.region), want.region, got.region);
  if (want.problem !== undefined)
    t.check(`${label}.problem`, sameProblem(want.problem, got.problem), want.problem, got.problem);
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------
// Equivalences. Kept deliberately narrow: what two people would call the same fact, no more.

/** Traditional to simplified characters (OpenCC): some portals and mirrors serve a big5 copy. */
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

/**
 * Width, spacing, traditional or simplified characters, the quotes around a name and a page's
 * bullet before a heading (●, •) do not matter.
 */
export function textKey(s: string): string {
  return toSimplified(s.normalize('NFKC'))
    .replace(/[\s\u3000]+/g, '')
    .replace(/^[●•·◆■▪]+/, '')
    .replace(/^[“”"‘’'「」『』《》]+|[“”"‘’'「」『』《》]+$/g, '');
}

export function sameText(a: string, b: string | undefined): boolean {
  return b !== undefined && textKey(a) === textKey(b);
}

/** Names of sites and accounts: equal after textKey. */
export function sameName(a: string, b: string | undefined): boolean {
  return sameText(a, b);
}

const REGION_SUFFIX = /(特别行政区|自治区|自治州|自治县|自治旗|新区|特区|地区|省|市|州|盟|县|区|旗)$/;

/** A region's name without its level: 长沙市 → 长沙, 黔东南苗族侗族自治州 → 黔东南苗族侗族, 黔东南州 → 黔东南. */
export function regionKey(s: string): string {
  const k = textKey(s);
  const stripped = k.replace(REGION_SUFFIX, '');
  return stripped.length >= 2 ? stripped : k;
}

/**
 * One region written two ways: the full name and a short form (黔东南苗族侗族自治州 and 黔东南州,
 * 湘西土家族苗族自治州 and 湘西自治州, 长沙市 and 长沙). Keys are equal, or the shorter (two
 * characters or more) begins the longer.
 */
export function sameRegion(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const [x, y] = [regionKey(a), regionKey(b)].sort((p, q) => p.length - q.length) as [string, string];
  return x === y || (x.length >= 2 && y.startsWith(x));
}

/** A rate as printed: right when rounding or truncating the exact rate to the printed digits gives it. */
export function sameRate(printed: number, got: number | undefined): boolean {
  if (got === undefined || !Number.isFinite(got)) return false;
  const decimals = (String(printed).split('.')[1] ?? '').length;
  const unit = 10 ** -decimals;
  const eps = 1e-9;
  const rounded = Math.abs(got - printed) <= unit / 2 + eps;
  const truncated = got + eps >= printed && got < printed + unit - eps;
  return rounded || truncated;
}

/** Platforms by family: 微信 / 微信公众号 / 政务微信 are one, 微博 / 新浪微博 / 政务微博 another. */
export function platformKey(s: string): string {
  const k = textKey(s);
  if (/视频号/.test(k)) return 'wechat-channels';
  if (/微信|公众号/.test(k)) return 'wechat';
  if (/微博/.test(k)) return 'weibo';
  if (/抖音/.test(k)) return 'douyin';
  if (/头条/.test(k)) return 'toutiao';
  if (/快手/.test(k)) return 'kuaishou';
  if (/小程序/.test(k)) return 'miniprogram';
  if (/百家号/.test(k)) return 'baijiahao';
  if (/(客户端|APP)$/i.test(k)) return 'app';
  return k;
}

function samePlatform(want: string | undefined, got: string | undefined): boolean {
  if (want === undefined) return true;
  return got !== undefined && platformKey(want) === platformKey(got);
}

/** The problem as written, or the importer's wording of it: one contains the other. */
function sameProblem(want: string, got: string | undefined): boolean {
  if (got === undefined) return false;
  const a = textKey(want);
  const b = textKey(got);
  return a.length > 0 && b.length > 0 && (a.includes(b) || b.includes(a));
}
