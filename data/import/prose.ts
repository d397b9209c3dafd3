import type { Channel } from '../schema.ts';
import { asWritten, type Line } from './lines.ts';
import { places } from './places.ts';
import { canonicalPlatform } from './problems.ts';

/** A pass or failure rate as the notice states it: 99.54% kept with its two decimals. */
export interface StatedRate {
  kind: 'pass' | 'fail';
  value: number;
  decimals: number;
  /** 低于95%: a bound, not a value. */
  bound?: 'below' | 'above';
}

/** Per-platform figures stated in prose: 微信公众号182个; 今日头条合格率69.81%. */
export interface PlatformFigures {
  platform: string;
  total?: number;
  rate?: StatedRate;
}

/**
 * Results stated in sentences, for one channel: 全省正在运行政府网站842个，其中合格826个，不合格16个，
 * 合格率为98.1%; 抽查政务新媒体591个; 149个政务新媒体全部合格; 检查合格率为95.7%.
 */
export interface ProseTally {
  channel: Channel;
  line: number;
  total?: number;
  checked?: number;
  passed?: number;
  failed?: number;
  rate?: StatedRate;
  /** 检查覆盖面100% / 全覆盖 / 普查 / 全面检查: everything running was checked. */
  fullCoverage: boolean;
  /** 全部合格 / 均为合格 / 未发现不合格. */
  allPassed: boolean;
  /** 8家政府网站不同程度存在问题: failures if the stated rate says so. */
  withProblems?: number;
  platforms: PlatformFigures[];
}

/** A region's rate stated in prose (福州、厦门合格率均为100%; 周口低于95%). */
export interface ProseRegionRate {
  channel?: Channel;
  region: string;
  rate: StatedRate;
  line: number;
}

export interface ProseName {
  channel?: Channel;
  name: string;
  platform?: string;
  problem?: string;
  line: number;
  sentence: string;
}

export interface ProseFindings {
  tallies: Map<Channel, ProseTally>;
  regionRates: ProseRegionRate[];
  failures: ProseName[];
  praised: ProseName[];
  criticised: ProseName[];
}

interface Sentence {
  text: string;
  line: number;
  /** The channel the surrounding heading or sentences speak of. */
  context?: Channel;
  /** What the section heading over it says of what it names: 典型做法 praises, 存在问题 blames. */
  tone?: Tone;
  /** The numbered sub-heading it falls under, numbering left out: （一）未提供有效互动功能 → 未提供有效互动功能. */
  heading?: string;
}

type Tone = 'praise' | 'blame';
const PRAISE_HEADING = /典型|亮点|做法|经验|成效|表扬|好的|优秀|先进/;
const BLAME_HEADING = /问题|不足|差距|短板|批评|薄弱|有待|不到位|不规范|不及时|不强|不够/;

const NEWMEDIA_WORDS = /政务新媒体|新媒体|公众号|微博|账号|政务微信|抖音|头条号|今日头条|视频号|快手|客户端/;
const WEBSITE_WORDS = /政府网站|门户网站|网站/;

function channelOf(text: string): Channel | undefined {
  const w = text.search(WEBSITE_WORDS);
  const m = text.search(NEWMEDIA_WORDS);
  if (w < 0 && m < 0) return undefined;
  if (w < 0) return 'newmedia';
  if (m < 0) return 'website';
  return undefined;
}

/** A heading that names one channel: （一）网站抽查情况 / 2.政务新媒体方面 / 政府网站检查情况. */
const HEADING = /^(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）.、．]\s*)?[^,，。;；]{0,16}(?:方面|情况|检查|抽查|监测|结果)[:：]?$/;
const TOP_HEADING = /^[一二三四五六七八九十]{1,2}[、.．]/;
const SUB_HEADING = /^[(（][一二三四五六七八九十\d]{1,2}[)）]/;

function sentences(lines: Line[]): Sentence[] {
  const out: Sentence[] = [];
  let heading: Channel | undefined;
  let tone: Tone | undefined;
  let sub: string | undefined;
  for (const l of lines) {
    const parts = l.text.split(/(?<=[。;；!！])/);
    let context = heading;
    for (const [k, part] of parts.entries()) {
      const text = part.replace(/[。;；!！]$/, '');
      if (!text) continue;
      const lead = text.split(/[:：]/)[0] as string;
      const headed = k === 0 && lead.length <= 24 && (HEADING.test(lead) || TOP_HEADING.test(lead) || SUB_HEADING.test(lead));
      if (headed && (HEADING.test(lead) || TOP_HEADING.test(lead))) {
        const ch = channelOf(lead);
        if (ch || TOP_HEADING.test(lead)) {
          heading = ch;
          context = ch;
        }
      }
      if (headed) {
        const t = PRAISE_HEADING.test(lead) ? 'praise' : BLAME_HEADING.test(lead) ? 'blame' : undefined;
        if (t || TOP_HEADING.test(lead)) tone = t;
        if (TOP_HEADING.test(lead)) sub = undefined;
        if (SUB_HEADING.test(lead) && text === lead) sub = lead.replace(SUB_HEADING, '');
      }
      out.push({
        text,
        line: l.no,
        ...(context ? { context } : {}),
        ...(tone ? { tone } : {}),
        ...(sub ? { heading: sub } : {}),
      });
      const runs = channelRuns(text, context);
      const last = runs.at(-1)?.channel;
      if (last) context = last;
    }
  }
  return out;
}

const KEYWORDS: Array<[RegExp, Channel]> = [
  [/政务新媒体|新媒体|公众号|微博|账号|政务微信|抖音|今日头条|头条号|视频号|快手|移动客户端/g, 'newmedia'],
  [/政府网站|门户网站|网站/g, 'website'],
];

/**
 * Splits a sentence into runs that each speak of one channel; words before the first channel word
 * belong to the first run (全市48家政府网站…), a sentence without one to the context's channel.
 * `政府网站和政务新媒体` named together opens a run for both (channel `both`).
 */
export function channelRuns(
  text: string,
  context?: Channel,
): Array<{ channel: Channel; text: string; both?: boolean }> {
  const marks: Array<{ at: number; end: number; channel: Channel }> = [];
  for (const [re, channel] of KEYWORDS) {
    for (const m of text.matchAll(re)) {
      const at = m.index;
      const end = at + m[0].length;
      if (!marks.some((x) => at < x.end && end > x.at)) marks.push({ at, end, channel });
    }
  }
  marks.sort((a, b) => a.at - b.at);
  if (marks.length === 0) return context ? [{ channel: context, text }] : [];
  const runs: Array<{ channel: Channel; text: string; both?: boolean }> = [];
  let k = 0;
  while (k < marks.length) {
    const cur = marks[k] as { at: number; channel: Channel };
    let j = k + 1;
    let both = false;
    for (;;) {
      const next = marks[j];
      if (!next) break;
      if (both) break;
      if (next.channel === cur.channel) {
        j++;
        continue;
      }
      // 政府网站和政务新媒体 / 政府网站、政务新媒体: both channels, one statement.
      const gap = text.slice((marks[j - 1] as { end: number }).end, next.at);
      if (/^(和|与|及|、|以及)$/.test(gap) && runs.length === 0 && !/\d/.test(text.slice(0, cur.at))) {
        both = true;
        j++;
        continue;
      }
      break;
    }
    const start = k === 0 ? 0 : cur.at;
    const run = { channel: cur.channel, text: text.slice(start, marks[j]?.at ?? text.length) };
    runs.push(both ? { ...run, both: true } : run);
    k = j;
  }
  // 其中1个网站不合格 / 县政府网站及8个政府系统政务新媒体: a count just before a channel noun (and
  // its 政府系统) belongs to that noun's run.
  for (let i = 1; i < runs.length; i++) {
    const prev = runs[i - 1] as { text: string };
    const m = prev.text.match(/(?:其中|有|共)?\d+(?:个|家)(?:政府系统)?$/);
    if (!m || m.index === undefined || m.index === 0) continue;
    prev.text = prev.text.slice(0, m.index);
    (runs[i] as { text: string }).text = m[0] + (runs[i] as { text: string }).text;
  }
  // 对134家政府网站、381家政务新媒体进行了全面检查: the verb after the last one is every one's.
  for (let i = runs.length - 2; i >= 0; i--) {
    const cur = runs[i] as { text: string };
    const next = runs[i + 1] as { text: string };
    if (!/\d+(?:个|家)[\u4e00-\u9fa5]{0,8}[、和及与]$/.test(cur.text)) continue;
    const tail = next.text.match(/^\d+(?:个|家)[^,，;；。\d]{0,12}?(?:政府网站|网站|政务新媒体|新媒体|账号)((?:进行了?|开展了?)[^,，;；。]{0,12})/)?.[1];
    if (tail) cur.text = cur.text.replace(/[、和及与]$/, '') + tail;
  }
  // 经对55家政府网站和419个政务新媒体全覆盖检查，合格率均为100%: a rate stated with 均 after the
  // last channel is every channel's that states none.
  const shared = runs.at(-1)?.text.match(/[,，]?(?:总体|检查|抽查)?合格率均(?:为|达到?|是)?\d+(?:\.\d+)?%/);
  if (shared && runs.length > 1)
    for (const r of runs.slice(0, -1)) if (!/合格率/.test(r.text) && /\d+(?:个|家)/.test(r.text)) r.text += shared[0];
  return runs;
}

const NOUN =
  '(?:政府系统)?(?:政府网站|门户网站|网站|政务新媒体账号|政务新媒体|新媒体账号|新媒体|账号|政务微信|微信公众号|公众号|政务微博|微博|政务抖音|抖音号?|今日头条|头条号|移动客户端)';
/** A channel noun, or several named together (政务微信、政务微博), or none. */
const CH = `(?:${NOUN}(?:[、和及与]${NOUN})*)?`;
const FAILED_AFTER = new RegExp(`^(?:个|家)${CH}(?:均|都|检查|抽查|为|被判定为|被认定为|评定为)*(?:不合格|存在(?:突出|严重|较大)问题|问题突出|未通过)`);
const FAILED_BEFORE = new RegExp(
  `(?:不合格|存在(?:突出|严重)问题|发现(?:突出|严重)?问题)(?:的)?${CH}(?:数量?|总数)?(?:共|共有|有|为|是|计|共计|达)*$`,
);
const PASSED_AFTER = new RegExp(`^(?:个|家)${CH}(?:均|都|检查|抽查|为|被判定为|评定为)*合格`);
const PASSED_BEFORE = new RegExp(`(?<!不)合格(?:的)?${CH}(?:数量?|总数)?(?:共|共有|有|为|是|计|共计|达)*$`);
const CHECKED_BEFORE = new RegExp(
  `(?:检查|抽查|抽检|监测|检测|普查(?!工作)|巡查|核查|检查了|抽查了|抽取|随机抽取)(?:了)?(?:[^,，:：]{0,24}?)${CH}(?:共|共计|合计|总计)?(?:为)?$`,
);
const CHECKED_AFTER = new RegExp(
  `^(?:个|家)${CH}(?:进行了?|开展了?|实施了?)?(?:[^,，。;；\\d]{0,30}?)(?:全面|随机|全覆盖)?(?:检查|抽查|抽检|监测|普查|测评)(?!率|比例|覆盖)`,
);
const SCOPE_BEFORE = /(?:抽查|检查|普查|监测)(?:对象|范围)(?:为|是)/;
const TOTAL_BEFORE =
  /(?:正在运行|在运行|正常运行|运行中|运行|开通运行|共有|现有|共开设|开设|备案|注册|纳入[^,，。]{0,30}?(?:监管|系统|管理|名录)|全省共|全市共|全州共|总数|总量|共计|总计|合计|^全(?:省|市|州|区|县|盟)|^共)(?:的)?(?:[^,，:：]{0,20}?)$/;
const RATE = /((?:不)?合格率|达标率|合格比例)(?:为|是|达到?|达|仅为?|均为|均达到?|约为|分别为|总体为)?(\d+(?:\.(\d+))?)%/;
const RATE_AFTER = /(\d+(?:\.(\d+))?)%的((?:不)?合格率)/;
const COVERAGE = /覆盖面(?:达到?|为)?100%|覆盖(?:全省|全市|全州|全县|全区)?(?:所有|全部)|(?:检查|抽查|检测|监测)(?:比例|覆盖率)(?:为|达到?)?100%|覆盖率(?:为|达到?)?100%|全覆盖|全部检查|全面检查|普查(?!工作)|100%的抽查比例|抽查比例为?100%|(?:检查|抽查|检测|监测)率(?:为|达到?)?100%/;
const ALL_PASSED =
  /(?:全部|均为?|全都|都|全部为|均已)(?:检查)?合格|未发现(?:不合格|单项否决)|无不合格|没有不合格|不存在不合格|均达到合格|达到合格水平|均未出现.{0,6}单项否决/;

function num(s: string): number {
  return Number(s.replace(/,/g, ''));
}

function stated(kindWord: string, value: string, decimals: string | undefined): StatedRate {
  return { kind: kindWord.startsWith('不') ? 'fail' : 'pass', value: Number(value), decimals: decimals?.length ?? 0 };
}

const PART =
  '(?:(?!的|存在|发现|问题|合格|检查|抽查|运行|对|共|有|其中|分别)[^、，,。:：;；\\d]){0,14}?(?:网站|新媒体|账号|微信|微博|公众号)';
const ENUM_COUNT_FIRST = new RegExp(`(?:\\d+(?:个|家)${PART}[、和及与]){1,12}\\d+(?:个|家)${PART}`, 'g');
const ENUM_COUNT_AFTER = new RegExp(`(?:${PART}\\d+(?:个|家)[、和及与]){1,12}${PART}\\d+(?:个|家)`, 'g');

/**
 * Counts stated in parts (1个州政府网站、19个州政府部门网站、18个县级政府网站; 州政府部门网站2个、县级政府
 * 网站9个) read as their sum, so the part after them (进行全覆盖检查, 存在突出问题) gives its role to
 * the whole. Parts that are themselves results (合格…、不合格…) are not summed.
 */
export function sumEnumerations(text: string): string {
  const fold = (countFirst: boolean) => (all: string) => {
    if (/合格|检查|抽查|监测|不更新|未更新/.test(all)) return all;
    const items = all.split(/[、和及与]/);
    // Parts of one channel only: 政府网站42个、政务新媒体135个 are two channels, not a sum.
    const kinds = new Set(items.map((i) => (/网站/.test(i) ? 'website' : 'newmedia')));
    if (kinds.size > 1) return all;
    // A platform breakdown (微信公众号218个、新浪微博67个) stays as written: per-platform totals.
    if (items.every((i) => canonicalPlatform(i.replace(/\d+(?:个|家)/, '')))) return all;
    const sum = [...all.matchAll(/(\d+)(?:个|家)/g)].reduce((n, m) => n + Number(m[1]), 0);
    const noun = kinds.has('website') ? '网站' : '新媒体';
    return countFirst ? `${sum}个${noun}` : `${noun}${sum}个`;
  };
  return text.replace(ENUM_COUNT_FIRST, fold(true)).replace(ENUM_COUNT_AFTER, fold(false));
}

/** The figures of one run of text about one channel. */
function readRun(text: string, t: ProseTally, subBreakdown: boolean, inherited = ''): string {
  let firstLeft = '';
  // A copy that dropped the measure word (备案的51政府网站, 133政务新媒体账号) still states a count.
  const counts = [...text.matchAll(/(\d[\d,]*)(?=个|家|(?:政府)?网站|政务新媒体)/g)];
  counts.forEach((m, k) => {
    const at = m.index;
    const prev = counts[k - 1];
    const prevEnd = prev ? (prev.index ?? 0) + prev[0].length : 0;
    let left = text.slice(prevEnd, at).replace(/^(?:个|家)/, '');
    // 检查政府网站552个、政务新媒体300个: the second channel shares the first one's verb.
    if (k === 0 && inherited && new RegExp(`^[、和及与,，]?${CH}$`).test(left)) left = inherited + left;
    if (k === 0) firstLeft = left.replace(new RegExp(`${CH}$`), '');
    const nextAt = counts[k + 1]?.index ?? text.length;
    const right = text.slice(at + m[0].length, nextAt);
    // What follows up to the clause's end, asides in brackets left out: 1699个政务新媒体(其中微信
    // 公众号868个…)进行了全覆盖检查.
    const clause = (text.slice(at + m[0].length).replace(/\([^()]*\)/g, '').split(/[,，;；。]/)[0] ?? '');
    // 48家政府网站47家合格: the first count is what was checked, the second what passed of it.
    const next = counts[k + 1];
    const ofWhich =
      next !== undefined &&
      new RegExp(`^(?:个|家)${CH}(?:中|里)?(?:其中)?$`).test(right) &&
      PASSED_AFTER.test(text.slice((next.index ?? 0) + next[0].length));
    const value = num(m[1] as string);
    // 其中微信公众号182个: a platform's own total.
    const platform = left.match(/(?:^|[、,，:：])(?:其中)?([\u4e00-\u9fa5A-Za-z]{2,8}?)(?:账号)?(?:共|有)?$/)?.[1];
    if (platform && canonicalPlatform(platform) && !/不合格|合格/.test(left)) {
      const canon = canonicalPlatform(platform) as string;
      const entry = t.platforms.find((p) => p.platform === canon);
      if (entry) entry.total ??= value;
      else t.platforms.push({ platform: canon, total: value });
      return;
    }
    // 发现2家存在问题: problems found, counted as failed (not 被抽查出一定的问题).
    const foundProblems = /发现(?:了)?$/.test(left) && new RegExp(`^(?:个|家)${CH}(?:存在|有)问题`).test(right);
    // 8家政府网站不同程度存在问题: failed only if the stated rate agrees (proseTally checks).
    if (!foundProblems && new RegExp(`^(?:个|家)${CH}(?:不同程度|均)?(?:地)?存在(?:一定)?问题`).test(right)) {
      t.withProblems ??= value;
      return;
    }
    if (FAILED_AFTER.test(right) || FAILED_BEFORE.test(left) || foundProblems) {
      t.failed ??= value;
      return;
    }
    if (PASSED_AFTER.test(right) || PASSED_BEFORE.test(left)) {
      t.passed ??= value;
      return;
    }
    const localLeft = left.split(/[,，:：]/).at(-1) ?? left;
    const isChecked =
      // 检查发现32个政府网站出现错别字: what the check found, not what it checked.
      (!/发现(?:了)?$/.test(localLeft) &&
        (CHECKED_AFTER.test(right) || CHECKED_AFTER.test(clause) || CHECKED_BEFORE.test(localLeft))) ||
      SCOPE_BEFORE.test(left) ||
      ofWhich;
    const isTotal = TOTAL_BEFORE.test(localLeft) || (k === 0 && /^[,，]?$/.test(localLeft.replace(/^(?:本次|本季度|共|全)/, '')) && new RegExp(`^(?:个|家)${CH}`).test(right) && /^(?:个|家)\S*?(?:中|里)?[,，]?/.test(right));
    if (subBreakdown && !isChecked) return;
    if (isChecked) {
      t.checked ??= value;
      if (/普查(?!工作)|(?:检查|检测|监测)范围|全面检查|全覆盖/.test(left + clause)) t.total ??= value;
    }
    if (isTotal && !isChecked) t.total ??= value;
    if (isTotal && isChecked && (ofWhich || /运行|备案|现有|共有|纳入/.test(localLeft))) t.total ??= value;
    // 政务新媒体3个，分别是…: a channel named, then its count, opening the sentence: what there is.
    if (k === 0 && !isChecked && new RegExp(`^${NOUN}$`).test(localLeft) && /^(?:个|家)(?:[,，]|$)/.test(right)) t.total ??= value;
  });
  const rate = text.match(RATE) ?? undefined;
  const platformRates = text.match(/((?:[\u4e00-\u9fa5A-Za-z]{2,8}[、和及与]){1,8}[\u4e00-\u9fa5A-Za-z]{2,8})(?:的)?(?:账号)?((?:不)?合格率)分别(?:为|是)((?:\d+(?:\.\d+)?%[、,，和]?){2,})/);
  if (platformRates) {
    const names = (platformRates[1] as string).split(/[、和及与]/).map((n) => n.replace(/^(?:其中|包括|分别是)/, ''));
    const values = [...(platformRates[3] as string).matchAll(/(\d+(?:\.(\d+))?)%/g)];
    if (names.length === values.length && names.every((n) => canonicalPlatform(n))) {
      names.forEach((n, i) => {
        const v = values[i] as RegExpMatchArray;
        const canon = canonicalPlatform(n) as string;
        const r = stated(platformRates[2] as string, v[1] as string, v[2]);
        const entry = t.platforms.find((p) => p.platform === canon);
        if (entry) entry.rate ??= r;
        else t.platforms.push({ platform: canon, rate: r });
      });
    }
  }
  if (rate && !(platformRates && (rate.index ?? 0) >= (platformRates.index ?? 0))) {
    // 合格率低于95%: a line, not the channel's rate.
    if (!/(低于|不足|高于|超过)$/.test(text.slice(0, rate.index ?? 0)))
      t.rate ??= stated(rate[1] as string, rate[2] as string, rate[3]);
  } else if (!rate) {
    const after = text.match(RATE_AFTER);
    if (after) t.rate ??= stated(after[3] as string, after[1] as string, after[2]);
    // 政务新媒体100%合格
    const plain = text.match(/(\d+(?:\.(\d+))?)%(?:的)?(?:政府网站|网站|政务新媒体|新媒体|账号)?(?:均|都)?合格(?!率)/);
    if (plain && !after) t.rate ??= stated('合格率', plain[1] as string, plain[2]);
  }
  if (ALL_PASSED.test(text) && !/(个别|部分|少数|一些)/.test(text.split(ALL_PASSED)[0] ?? '')) t.allPassed = true;
  return firstLeft;
}

/** Overall numbers in prose, per channel; the first figure found for each field wins. */
function proseTallies(all: Sentence[]): Map<Channel, ProseTally> {
  const out = new Map<Channel, ProseTally>();
  const get = (channel: Channel, line: number) => {
    let t = out.get(channel);
    if (!t) {
      t = { channel, line, fullCoverage: false, allPassed: false, platforms: [] };
      out.set(channel, t);
    }
    return t;
  };
  // Coverage stated for one channel (检查政府网站552家，覆盖全省所有政府网站) is that channel's; a
  // sentence for no channel or both covers every channel that states no sample (占…总数的34.96%).
  let coverage = false;
  const covered = new Set<Channel>();
  const sampled = new Set<Channel>();
  for (const s of all) {
    const runs0 = channelRuns(s.text, undefined);
    // 检查政府网站42个、政务新媒体135个，检查比例100%: the sentence's coverage is each channel's in it.
    const sentenceCovers = COVERAGE.test(s.text);
    for (const run of runs0) {
      const chs: Channel[] = run.both ? ['website', 'newmedia'] : [run.channel];
      for (const ch of chs) {
        if (sentenceCovers) covered.add(ch);
        const share = run.text.match(/(?:占[^,，。]{0,16}?(?:总数|总量)的?|(?:抽查|检查)比例(?:为|达)?)(\d+(?:\.\d+)?)%/);
        if (share && Number(share[1]) < 100) sampled.add(ch);
      }
    }
    if (runs0.length === 0 && COVERAGE.test(s.text)) coverage = true;
    if (!/\d|合格/.test(s.text)) continue;
    // Region-by-region figures (福州市…合格率100%) are not the overall result.
    if (regionLead(s.text)) continue;
    const sub = /^其中/.test(s.text);
    let inherited = '';
    // 未发现不合格政府网站: the channel named after it passed in full, whatever run it falls in.
    let text = s.text;
    for (const m of text.matchAll(new RegExp(`(?:未发现|没有|无|不存在)(?:检查)?不合格(?:的)?(${NOUN}(?:[、和及与]${NOUN})*)`, 'g'))) {
      const named = m[1] as string;
      const chs: Channel[] = [];
      if (WEBSITE_WORDS.test(named)) chs.push('website');
      if (NEWMEDIA_WORDS.test(named)) chs.push('newmedia');
      for (const ch of chs) get(ch, s.line).allPassed = true;
      text = text.replace(m[0], '');
    }
    for (const run of channelRuns(sumEnumerations(text), s.context)) {
      if (!/\d|合格/.test(run.text)) continue;
      const channels: Channel[] = run.both ? ['website', 'newmedia'] : [run.channel];
      for (const channel of channels) {
        const probe: ProseTally = { channel, line: s.line, fullCoverage: false, allPassed: false, platforms: [] };
        const lead = readRun(run.text, probe, sub || /^[,，]?其中/.test(run.text), inherited);
        if (channel === channels[0]) inherited = lead || inherited;
        if (run.both) {
          // Figures stated for both together are not either channel's; only 全部合格 is.
          if (probe.allPassed) get(channel, s.line).allPassed = true;
          continue;
        }
        const has =
          probe.total !== undefined ||
          probe.checked !== undefined ||
          probe.passed !== undefined ||
          probe.failed !== undefined ||
          probe.rate !== undefined ||
          probe.allPassed ||
          probe.withProblems !== undefined ||
          probe.platforms.length > 0;
        if (!has) continue;
        const t = get(channel, s.line);
        t.total ??= probe.total;
        t.checked ??= probe.checked;
        t.passed ??= probe.passed;
        t.failed ??= probe.failed;
        t.rate ??= probe.rate;
        t.withProblems ??= probe.withProblems;
        t.allPassed ||= probe.allPassed;
        for (const p of probe.platforms) {
          const e = t.platforms.find((x) => x.platform === p.platform);
          if (!e) t.platforms.push(p);
          else {
            e.total ??= p.total;
            e.rate ??= p.rate;
          }
        }
      }
    }
  }
  for (const t of out.values()) {
    t.fullCoverage = !sampled.has(t.channel) && (covered.has(t.channel) || coverage);
    if (t.total === undefined) delete t.total;
    if (t.checked === undefined) delete t.checked;
    if (t.passed === undefined) delete t.passed;
    if (t.failed === undefined) delete t.failed;
    if (t.rate === undefined) delete t.rate;
  }
  return out;
}

/** A sentence that opens with regions, not with the whole: 福州、厦门等5个设区市合格率为100%. */
function regionLead(text: string): boolean {
  const m = [...text.matchAll(REGION_RATE)].find((x) => regionNames(x[1] as string) !== undefined);
  return m?.index !== undefined && /^(?:其中|另外|此外)?[,，]?$/.test(text.slice(0, m.index));
}

/**
 * Regions named before a rate: 福州、厦门合格率均为100%; 广州、深圳…揭阳等18个地级以上市合格率均达100%;
 * 哈尔滨市…大兴安岭地区8个市(地)网站合格率达100%; 襄阳、黄石…潜江抽查合格率100%; 周口低于95%.
 */
const REGION_RATE =
  /((?:[\u4e00-\u9fa5]{2,12}[、和及]){0,40}[\u4e00-\u9fa5]{2,12}?)(?:等)?(?:\d+个[\u4e00-\u9fa5()（）]{0,10}?)?(?:的)?(政府网站|政务新媒体账号|政务新媒体|网站|新媒体|账号)?(?:检查|抽查)?((?:不)?合格率)(?:均|都)?(?:为|达到?|是)?(低于|不足|高于|超过)?(\d+(?:\.(\d+))?)%/g;

/** A region, or a group notices rate like one (市政府部门, 省直单位, 示范区). */
const REGION_LIKE = /(?:市|州|县|区|盟|旗|部门|单位|市直|省直|县直|机构)$/;

/**
 * The names of a list before a rate, when every one is a region: a place of the gazetteer by its
 * full or short name (广州, 襄阳, 大兴安岭地区), or a name ending like one (示范区, 市直部门). Not
 * the whole (全省, 其他市州, 各县区).
 */
function regionNames(list: string): string[] | undefined {
  const names = list.replace(/^(?:其中|另外|此外|但|而|同时)/, '').split(/[、和及]/);
  const book = places();
  const ok = (n: string) =>
    n.length >= 2 && !/^(?:全|其他|其余|各|所有|部分|个别|总体|整体)/.test(n) && (REGION_LIKE.test(n) || book.find(n).length > 0);
  return names.every(ok) ? names : undefined;
}

/** The channel the words before `at` last named (…政府网站进行全覆盖检查,总体合格率…,广州…). */
function channelBefore(text: string, at: number): Channel | undefined {
  let last: { at: number; channel: Channel } | undefined;
  for (const [re, channel] of KEYWORDS)
    for (const m of text.slice(0, at).matchAll(re)) if (!last || m.index > last.at) last = { at: m.index, channel };
  return last?.channel;
}

/** Rates stated for named regions: lists at 100%, a region below a line. */
function regionRates(all: Sentence[]): ProseRegionRate[] {
  const out: ProseRegionRate[] = [];
  for (const s of all) {
    for (const m of s.text.matchAll(REGION_RATE)) {
      const names = regionNames(m[1] as string);
      if (!names) continue;
      const rate = stated(m[3] as string, m[5] as string, m[6]);
      const bound = m[4] ? (/低于|不足/.test(m[4]) ? 'below' : 'above') : undefined;
      const channel = m[2] ? (/网站/.test(m[2]) ? 'website' : 'newmedia') : (channelBefore(s.text, m.index) ?? s.context);
      for (const region of names)
        out.push({
          region,
          rate: bound ? { ...rate, bound } : rate,
          line: s.line,
          ...(channel ? { channel } : {}),
        });
    }
  }
  return out;
}

/** A name list: 、，和及 separate; 等N个 and quotes removed; 账号（平台） kept apart. */
function splitNames(list: string): Array<{ name: string; platform?: string; problem?: string }> {
  const cleaned = list
    .replace(/等\d*(?:个|家)?(?:单位|网站|账号|政务新媒体|新媒体)?.*$/, '')
    .replace(/(?:的)?(?:政府网站|政务新媒体|网站|账号)?(?:均|都)?(?:检查)?不合格.*$/, '');
  const out: Array<{ name: string; platform?: string; problem?: string }> = [];
  for (const piece of cleaned.split(/[、,，;；]|(?<=[)）”"])(?:和|及)|(?:和|及|与)(?=[“"])|(?<=[”"])(?=[“"])/)) {
    let item = piece.trim().replace(/^(?:分别是|分别为|是|为|包括|有|:|：)/, '');
    let platform: string | undefined;
    let problem: string | undefined;
    // 宝鸡市卫生健康委员会“健康宝鸡公众服务”微信服务号: the account is the quoted name, its
    // unit before it, its platform after it (a closing quote may be missing).
    const quoted = item.match(/^[^“"]{2,40}[“"]([^”"]{2,40})(?:[”"](.*))?$/);
    if (quoted?.[1]) {
      item = quoted[1];
      const after = (quoted[2] ?? '').trim();
      if (after && canonicalPlatform(after.replace(/[(（].*$/, ''))) platform = canonicalPlatform(after.replace(/[(（].*$/, ''));
    }
    const br = item.match(/^(.+?)[(（]([^)）]+)[)）]$/);
    if (br?.[1] && br[2]) {
      item = br[1];
      if (canonicalPlatform(br[2])) platform = canonicalPlatform(br[2]);
      else problem = br[2];
    }
    const trailing = item.match(/^(.+?)(微信公众号|新浪微博|政务微博|微博|抖音号|抖音|今日头条|头条号|快手号|视频号)$/);
    if (!platform && trailing?.[1] && trailing[1].length >= 2) platform = canonicalPlatform(trailing[2] as string);
    item = item.replace(/^[“"《「]|[”"》」]$/g, '').replace(/^[“"]|[”"]$/g, '').trim();
    if (item.length < 2 || item.length > 40 || /\d+(?:个|家)/.test(item)) continue;
    if (/^(其他|其余|部分|个别|少数|一些|全市|全省|全州|全部)/.test(item)) continue;
    out.push({ name: item, ...(platform ? { platform } : {}), ...(problem ? { problem } : {}) });
  }
  return out;
}

/** 不合格网站为：…; 以下3个账号不合格：…; 不合格的政务新媒体有：… — a list after a colon. */
const LIST_AFTER =
  /不合格(?:的)?(?:政府网站|网站|政务新媒体账号|政务新媒体|新媒体|账号)?\d+(?:个|家)(?:政府网站|网站|政务新媒体账号|政务新媒体|新媒体|账号)?[,，]?(?:分别|具体|名单)?(?:是|为|有|包括|如下)[:：]?(.+)$|(?:检查|抽查)?不合格(?:的)?(?:\d+(?:个|家))?(?:政府网站|网站|政务新媒体账号|政务新媒体|新媒体|账号)?(?:分别)?(?:是|为|有|包括|如下)?[:：](.+)$|(?:以下|下列)(?:\d+(?:个|家))?(?:政府网站|网站|政务新媒体账号|政务新媒体|新媒体|账号)(?:检查|抽查)?不合格[:：](.+)$|不合格(?:的)?(?:政府网站|网站|政务新媒体|新媒体|账号)(?:分别)?(?:是|为|有|包括)(.+)$/;
/** A和B网站不合格; 金开区管委网站不合格; X微信公众号、Y微博检查不合格. */
const NAMED_BEFORE =
  /(?:^|[,，:：])((?:(?!如|例如|比如|其中)[^,，:：。]){2,80}?)(?:等\d*(?:个|家)?(?:单位|网站|账号|政务新媒体|新媒体)?)?(?:的)?(?:(政府网站|门户网站|网站|政务新媒体账号|政务新媒体|新媒体账号|账号)?)(?:均|都)?(?:检查|抽查)?(?:为|被判定为|被认定为|评定为)?(?:不合格|存在(?:突出|严重)问题)/;
const PRAISE = /对(.+?)(?:等(?:\d+个)?(?:单位|网站|账号|政务新媒体)?)?(?:予以|给予|进行)?通报表扬/;
const CRITICISE = /对(.+?)(?:等(?:\d+个)?(?:单位|网站|账号|政务新媒体)?)?(?:予以|给予|进行)?通报批评/;
const EXAMPLE = /(?:^|[,，(（])(?:如|例如|比如|诸如)[:：]?/;

const PLATFORM_NOUN =
  '(?:微信公众号|公众号|政务微信|微信|政务微博|新浪微博|微博|抖音号|抖音|今日头条号|今日头条|头条号|快手号|快手|视频号|百家号|账号|移动客户端|客户端|APP|App|小程序|网站|网)';
const QUOTED = /“([^”“]{2,160})”/g;
const BEFORE_QUOTE = new RegExp(`${PLATFORM_NOUN}(?:名为|为|是)?$`);
const AFTER_QUOTE = new RegExp(`^(?:等\\d*个?)?${PLATFORM_NOUN}`);
const UNIT_QUOTED =
  /(?<=(?:^|[,，、:：;；]|以及|和)[\u4e00-\u9fa5]{2,24}(?:局|委|厅|办|办公室|中心|政府|办事处|街道|镇|乡|所|院|队))“([^”“、,，]{2,20})”(?=[、,，;；。]|$|等)/g;
const SITE_WITH_URL = /([\u4e00-\u9fa5·A-Za-z0-9]{2,20}?(?:网站|网))\((?:https?:\/\/)?[\w.-]+\.[a-z]{2,}[^)]*\)/g;
const LISTED_SITES =
  /((?:[\u4e00-\u9fa5·]{2,16}?网站[、和及])+[\u4e00-\u9fa5·]{2,16}?网站)(?=未|存在|出现|没有|不|均|等|被)/g;
const ACCOUNT_THEN_PLATFORM =
  /(?:^|[,，、。:：;；]|的)([\u4e00-\u9fa5A-Za-z0-9·]{2,12}?)(微信公众号|政务微博|新浪微博|抖音号|头条号|快手号)(?=出现|存在|未|发布|内容|长期|超过|没有|不|等|被|、|,|，)/g;
const GENERIC = /^(?:部分|个别|一些|少数|多数|有的|全省|全市|全州|全县|全区|各级|各地|各类|各|该|本|其|我省|我市|政府|门户|政务|市直|省直|县级|市级|省级|乡镇|基层|其他|其余|相关|有关|同类|此类|上述|以上|下列|以下)/;
const NOT_A_NAME = /僵尸|空壳|睡眠|休眠|三审三校|意识|自信|维护|找错|审核|制度|机制|读网|指标|互联网|放管服|一网通办|最多跑一次|工作要求|问题|情况|通知|意见|办法|规定|标准/;
const PRAISE_WORDS = /表扬|好的做法|亮点|创新|成效|较好|优秀|典型经验|值得|推广|学习借鉴|效果明显|受到/;
const BLAME_WORDS = /问题|不合格|未|没有|不及时|不规范|错误|瞒报|漏报|违规|私自|僵尸|不更新|批评|整改/;

/**
 * Sites and accounts a sentence names in passing — examples (如…), praise, problems below the
 * veto line: quoted names next to a platform (微信公众号“A、B”, “A”微信公众号, “南昌市人民政府”网),
 * sites with their address (如法网（www.rufa.gov.cn）), lists of sites (A网站、B网站未纳入…),
 * an account and its platform (三元警方微信公众号出现…). These are mentions, never failures.
 */
function namedInPassing(text: string): Array<{ name: string; platform?: string }> {
  const out: Array<{ name: string; platform?: string }> = [];
  const push = (name: string, platform?: string) => {
    const n = name.trim().replace(/^[“"]|[”"]$/g, '');
    if (n.length < 2 || n.length > 30 || GENERIC.test(n) || NOT_A_NAME.test(n) || /^[\d.%]+$/.test(n)) return;
    if (out.some((o) => o.name === n)) return;
    const canon = platform ? canonicalPlatform(platform) : undefined;
    out.push({ name: n, ...(canon ? { platform: canon } : {}) });
  };
  const plain = text.replace(/《[^》]*》/g, '');
  // Quotes in a row (“A”、“B”微信公众号) share the platform named before the first or after the last.
  const quotes = [...plain.matchAll(QUOTED)];
  for (let i = 0; i < quotes.length; ) {
    let j = i;
    while (
      j + 1 < quotes.length &&
      /^[、,，和及与]?$/.test(plain.slice((quotes[j]?.index ?? 0) + (quotes[j]?.[0].length ?? 0), quotes[j + 1]?.index))
    )
      j++;
    const first = quotes[i] as RegExpMatchArray;
    const last = quotes[j] as RegExpMatchArray;
    const at = first.index ?? 0;
    const end = (last.index ?? 0) + last[0].length;
    const before = plain.slice(Math.max(0, at - 8), at).match(BEFORE_QUOTE)?.[0];
    const after = plain.slice(end, end + 8).match(AFTER_QUOTE)?.[0];
    if (before || after) {
      const platform = (before ?? after ?? '').replace(/^等\d*个?/, '').replace(/(?:名为|为|是)$/, '');
      for (const q of quotes.slice(i, j + 1)) for (const name of (q[1] as string).split(/[、,，]/)) push(name, platform);
    }
    i = j + 1;
  }
  // A list cut off with the text (微博“A、B、C…): every name but the last, which may be cut.
  const open = plain.match(/“([^”“]{2,160})$/);
  if (open?.[1] && BEFORE_QUOTE.test(plain.slice(Math.max(0, (open.index ?? 0) - 8), open.index))) {
    const platform = plain.slice(Math.max(0, (open.index ?? 0) - 8), open.index).match(BEFORE_QUOTE)?.[0];
    for (const name of open[1].split(/[、,，]/).slice(0, -1)) push(name, platform);
  }
  // 省司法厅“福建司法”、清流县文体和旅游局“清流文旅”: an account named after the unit that runs it.
  for (const m of plain.matchAll(UNIT_QUOTED)) push(m[1] as string);
  for (const m of plain.matchAll(SITE_WITH_URL)) push(m[1] as string);
  for (const m of plain.matchAll(LISTED_SITES)) for (const name of (m[1] as string).split(/、|(?<=网站)[和及]/)) push(name);
  for (const m of plain.matchAll(ACCOUNT_THEN_PLATFORM)) push(m[1] as string, m[2] as string);
  return out;
}

/** How a unit, site or account name ends: 市公安局, 区卫生健康委, 龙塔街道, 寿县人民政府, 省公共资源交易网. */
const UNIT_END =
  /(?:局|委|厅|办|办公室|中心|所|院|站|馆|队|处|社|街道|办事处|镇|乡|苏木|政府|管委会|管委|委员会|开发区|园区|网站|网|市|区|县|旗|州|盟|地区)$/;
/** Where the words after a name begin (…潘集区人民政府在本次检查中, …等网站存在, 省水务厅网站的…). */
const AFTER_NAME =
  /等|在|的|首页|存在|出现|分别|持续|以|对|得分|运行|未|不|针对|基于|推出|升级|领导|依申请|政策|均|多个|长期|发布|开展|办理|表现|予以|受到|获得|有|被|较|重点领域|栏目|-|—|网站(?=运行|得分|更新|建设|管理|内容|表现|均|都)/g;

/** A name cut where the words about it begin (…事务局重点领域信息-养老服务 → …事务局), or undefined. */
function cutName(item: string): string | undefined {
  for (const m of item.matchAll(AFTER_NAME)) {
    const head = item.slice(0, m.index);
    if (head.length >= 2 && UNIT_END.test(head)) return head;
  }
  return undefined;
}
/** Words that open a clause before the names it is about: 如…, 总体上，…, 其中…, 通过检查发现，…. */
const CLAUSE_LEAD = /^(?:如|例如|比如|其中|另外|此外|同时|总体上|总的来看|总体来看|以及|还有|(?:通过|经)?(?:检查|抽查|监测)(?:中)?发现)[:：]?/;
/** …较好的有A、B、C: the names after it are the subject. */
const PRAISED_ARE = /(?:较好|较高|靠前|突出|优秀|先进|较为及时)的(?:有|是|为|包括)[:：]?/;
const STRONG_PRAISE =
  /问题较少|较好|良好|较为及时|及时准确|显著|明显提升|得分\d+分以上|得分超过\d+分|得分靠前|排名靠前|表现突出|成效明显|值得|表扬|优秀|走在前列/;
const STRONG_BLAME = /存在|出现|缺失|缺乏|未|无(?:信息)?更新|扣分|不到位|不及时|不规范|不更新|长期|空白|错误|差|违规|瞒报|漏报|被.{0,8}通报/;

/**
 * The names a clause opens with, when they are units, sites or accounts: 市公安局、市林业局…潘集区人民
 * 政府在本次检查中…; 宜昌市民宗委、宜昌市卫健委等网站存在…; 澄迈县人民政府网站首页的…; 西城区推出….
 * A list holds two names or more, most of them ending like a unit (局, 委, 街道, 政府, 网站…); one name
 * alone must end like one. The last name is cut where the words about it begin.
 */
function clauseSubjects(clause: string, tone: Tone, inProblems: boolean): string[] {
  const example = /^(?:如|例如|比如)/.test(clause);
  let text = clause.replace(/^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]是)/, '').replace(CLAUSE_LEAD, '');
  if (/不合格/.test(text)) return [];
  const are = text.match(PRAISED_ARE);
  if (are?.index !== undefined) text = text.slice(are.index + are[0].length);
  if (/^[“"《]/.test(text)) return [];
  // The list runs until a name with words about it (…潘集区人民政府在本次检查中…); a name whose
  // column follows it (A局重点领域信息-养老服务、B苏木-最新公开…) does not end it.
  const items: string[] = [];
  let cut: string | undefined;
  let last = '';
  const pieces = text.split(/、|(?<=网站)[和及与](?=[\u4e00-\u9fa5]{2,}网站)/);
  for (const [i, piece] of pieces.entries()) {
    last = piece;
    const atEnd = i === pieces.length - 1;
    if (!atEnd && UNIT_END.test(piece)) {
      items.push(piece);
      continue;
    }
    const c = cutName(piece);
    if (c !== undefined) {
      if (!atEnd && /^(?:-|—|重点领域|栏目)/.test(piece.slice(c.length))) {
        items.push(c);
        continue;
      }
      cut = c;
      break;
    }
    // The clause is one unit's name (…,如市应急管理局).
    if (example && atEnd && items.length === 0 && UNIT_END.test(piece) && /^[\u4e00-\u9fa5()（）·]{2,24}$/.test(piece)) {
      cut = piece;
      break;
    }
    // A name not ending like a unit (信用淮南) inside a list, or a list that is the whole clause.
    if (/^[\u4e00-\u9fa5()（）·]{2,20}$/.test(piece) && (!atEnd || items.length > 0)) {
      if (atEnd) cut = piece;
      else items.push(piece);
      if (atEnd) break;
      continue;
    }
    return [];
  }
  if (cut === undefined) return [];
  const names = [...items, cut].map((n) => n.trim());
  const ok = (n: string) =>
    /^[\u4e00-\u9fa5()（）·]{2,24}$/.test(n) && !GENERIC.test(n) && !NOT_A_NAME.test(n) && !/^(?:我|本|该|各|全|对|在|由|经|从|向|将|把|按|于|为|据|其)|^(?:省|市|县|区)政府(?:门户)?网站$/.test(n);
  if (!names.every(ok)) return [];
  const unitLike = names.filter((n) => UNIT_END.test(n)).length;
  if (names.length === 1) {
    // One unit alone: not the office that ran the check (省政府办公厅组织…, 我局…).
    if (/(?:办公厅|办公室|政务服务|数据局|信息中心)$/.test(names[0] as string)) return [];
    // One name alone is a site (…网站, …网) whatever is said of it, a unit only when praised.
    const one = names[0] as string;
    // A unit whose column is named after it (卫生健康委员会-政府信息公开年报) is a unit found wanting.
    const column = last.startsWith(one) && /^(?:-|—|重点领域|栏目)/.test(last.slice(one.length));
    // …如市应急管理局; 市司法局未将…, in a section on problems: a unit criticised.
    const blamed = tone === 'blame' && (example || inProblems);
    return /网站$|网$/.test(one) || (unitLike === 1 && (tone === 'praise' || column || blamed)) ? names : [];
  }
  if (unitLike * 2 < names.length + 1 || !UNIT_END.test(cut)) return [];
  // 高碑店市、清苑区、蠡县网站运行…: the 网站 after the last name is every name's.
  if (/网站$/.test(cut) && !items.some((n) => /网站$/.test(n))) names[names.length - 1] = cut.replace(/网站$/, '');
  return names;
}

/** The names a sentence is about and what it says of them: praise (问题较少, 较好) or blame (存在…). */
function subjectsOf(s: Sentence): { tone: Tone; names: string[] } | undefined {
  const plain = s.text.replace(/《[^》]*》/g, '').replace(/“[^”]*”/g, (q) => q.replace(/[,，、]/g, '·'));
  // 未发现…问题 says nothing against what it names.
  const said = plain.replace(/(?:未|没有|均未)(?:发现|出现)[^,，。;；]*/g, '');
  const tone: Tone | undefined = STRONG_PRAISE.test(said)
    ? 'praise'
    : STRONG_BLAME.test(said) || BLAME_WORDS.test(said)
      ? 'blame'
      : s.tone;
  if (!tone) return undefined;
  const names: string[] = [];
  for (const clause of plain.split(/[,，:：]/)) {
    const found = clauseSubjects(clause, tone, s.tone === 'blame');
    // A clause of praise after a list (…满城区、蠡县网站运行管理情况较好) is every list's in the sentence.
    for (const n of found) if (!names.includes(n)) names.push(n);
  }
  return names.length > 0 ? { tone, names } : undefined;
}

/** Named failures (不合格网站为：…, A和B网站不合格) and mentions (通报表扬 / 批评, 如…), never mixed. */
function proseNames(all: Sentence[]): Pick<ProseFindings, 'failures' | 'praised' | 'criticised'> {
  const failures: ProseName[] = [];
  const praised: ProseName[] = [];
  const criticised: ProseName[] = [];
  const add = (to: ProseName[], s: Sentence, names: ReturnType<typeof splitNames>, channel?: Channel) => {
    for (const n of names) {
      if (to.some((x) => x.name === n.name && x.platform === n.platform)) continue;
      to.push({ ...n, line: s.line, sentence: s.text, ...(channel ? { channel } : {}) });
    }
  };
  const pending: Array<{ s: Sentence; channel?: Channel; subjects: { tone: Tone; names: string[] }; named: string[] }> = [];
  for (const s of all) {
    const runs = channelRuns(s.text, s.context);
    const channel = runs.find((r) => /不合格/.test(r.text))?.channel ?? runs[0]?.channel ?? s.context;
    const p = s.text.match(PRAISE);
    if (p?.[1]) {
      add(praised, s, splitNames(p[1]), channel);
      continue;
    }
    const c = s.text.match(CRITICISE);
    if (c?.[1]) {
      add(criticised, s, splitNames(c[1]), channel);
      continue;
    }
    // 如… / 例如…: examples of a problem are mentions, never failures.
    const ex = s.text.match(EXAMPLE);
    const own = ex ? s.text.slice(0, ex.index) : s.text;
    const named = namedInPassing(s.text);
    if (named.length > 0) add(PRAISE_WORDS.test(s.text) && !BLAME_WORDS.test(s.text) ? praised : criticised, s, named, channel);
    const subjects = subjectsOf(s);
    if (subjects) pending.push({ s, channel, subjects, named: named.map((n) => n.name) });
    if (!/不合格|突出问题|严重问题/.test(own)) continue;
    if (/(?:未发现|没有|无|不存在)(?:检查)?不合格/.test(own)) continue;
    const list = own.match(LIST_AFTER);
    const listed = list?.[1] ?? list?.[2] ?? list?.[3] ?? list?.[4];
    if (listed && !/^\d+(?:个|家)/.test(listed)) {
      const listChannel = channelRuns(own.slice(0, list?.index ?? 0) + own.slice(list?.index ?? 0, (list?.index ?? 0) + 20), s.context).at(-1)?.channel ?? channel;
      add(failures, s, splitNames(listed), listChannel);
      continue;
    }
    const before = own.match(NAMED_BEFORE);
    if (before?.[1]) {
      const named = before;
      const subject = before[1].replace(/^.*?(?:其中|另有|此外|还有|以及)/, '');
      if (/\d+(?:个|家)|合格率|%|全部|均为|部分|个别|少数|一些|其余|全市|全省|本次|本季度|检查发现|抽查发现|发现/.test(subject)) continue;
      // A sentence about what to do with failures (将对以上不合格…, 并对上季度不合格…) names none.
      if (/^(?:并|对|将|请|要|已|由|经|均|凡)|将对|对以上|对上述|以上|上述|要求|应当|督促|责令|限期|及时|纳入|上季度|上一季度|上期/.test(subject)) continue;
      // 而被判定…, 列为…, 复查了在…抽查中…: clauses, not names.
      if (/被|判定|列为|认定|复查|复核|检查中|抽查中|中$|了/.test(subject)) continue;
      const noun = named[2] ?? '';
      const items = splitNames(subject).map((n) =>
        noun && !n.platform && !/(网站|网|号|微博|公众号)$/.test(n.name) ? { ...n, name: `${n.name}${noun === '政府网站' || noun === '门户网站' ? '网站' : noun.includes('账号') ? '' : noun}` } : n,
      );
      const ch: Channel | undefined = noun ? (/网站/.test(noun) ? 'website' : 'newmedia') : channel;
      add(failures, s, items, ch);
    }
  }
  // The names sentences are about, once every failure is known: a name declared failed is no mention.
  for (const { s, channel, subjects, named } of pending) {
    const fresh = subjects.names
      .filter((n) => !named.includes(n) && !failures.some((f) => f.name === n))
      .map((name) => ({ name }));
    add(subjects.tone === 'praise' ? praised : criticised, s, fresh, channel);
  }
  return { failures, praised, criticised };
}

/** A list's verdict at the end of its sentence: …等政务新媒体超过10天未更新，不合格. */
const VERDICT_TAIL = /[,，](?:均|都|全部)?(?:被)?(?:判定为|认定为|视为|评定为|定为|为|属于)?不合格$/;
/** An item's own note in brackets that is no platform: (最后更新时间1月26日). */
const DATED_NOTE = /[(（][^()（）]*(?:更新|发布|时间|\d+月\d+日|\d{4}[-./年])[^()（）]*[)）]$/;

/** The names of a 、-list, each stripped of its quotes and its dated note; the platform in brackets kept. */
function verdictItems(list: string): Array<{ name: string; platform?: string }> {
  const out: Array<{ name: string; platform?: string }> = [];
  for (const piece of list.split('、')) {
    let item = piece.trim().replace(DATED_NOTE, '');
    let platform: string | undefined;
    const br = item.match(/^(.+?)[(（]([^()（）]+)[)）]$/);
    if (br?.[1] && br[2] && canonicalPlatform(br[2])) {
      item = br[1];
      platform = canonicalPlatform(br[2]);
    }
    item = item.replace(/^[“"「]+|[”"」]+$/g, '').trim();
    if (!/^[\u4e00-\u9fa5A-Za-z0-9·()（）]{2,40}$/.test(item) || GENERIC.test(item)) return [];
    out.push({ name: item, ...(platform ? { platform } : {}) });
  }
  return out;
}

/**
 * Lists that end in their verdict: 超过10天没有更新的微博：A(最后更新时间1月11日)、B(…)等政务新媒体超过
 * 10天未更新，不合格 — every name failed, with the words between the list and the verdict as its
 * problem and the platform the words before the colon name. A list just before it in the same
 * paragraph, cut from it by a semicolon (“C(…)、D(…)；超过10天…), shares the verdict.
 */
function verdictLists(all: Sentence[]): ProseName[] {
  const out: ProseName[] = [];
  all.forEach((s, i) => {
    if (!VERDICT_TAIL.test(s.text)) return;
    const body = s.text.replace(VERDICT_TAIL, '');
    const m = body.match(/^(?:(.*)[:：])?([^:：]*?、[^:：]*?)等\d*(?:个|家)?((?:政府网站|网站|政务新媒体账号|政务新媒体|新媒体|账号|公众号|微博)?)([^、]{2,30})$/);
    if (!m) return;
    const items = verdictItems(m[2] as string);
    if (items.length < 2) return;
    const problem = (m[4] as string).replace(/^(?:均|都|存在|出现)/, '');
    const head = m[1] ?? '';
    const headPlatform = canonicalPlatform(head.match(/(微信公众号|公众号|微信|新浪微博|微博|抖音号?|今日头条|头条号|快手号?|视频号)$/)?.[1] ?? '');
    const channel: Channel = (m[3] ?? '') !== '' ? (/网站/.test(m[3] as string) ? 'website' : 'newmedia') : (s.context ?? 'newmedia');
    const push = (list: Array<{ name: string; platform?: string }>, sentence: Sentence, platform?: string) => {
      for (const it of list) {
        const p = it.platform ?? platform;
        if (out.some((o) => o.name === it.name && o.platform === p)) continue;
        out.push({ name: it.name, ...(p ? { platform: p } : {}), problem, channel, line: sentence.line, sentence: sentence.text });
      }
    };
    // The list before the semicolon, in the same paragraph, with no verdict of its own.
    const prev = all[i - 1];
    if (prev && prev.line === s.line && !/不合格|合格/.test(prev.text)) {
      const tail = prev.text.split(/[,，:：]/).at(-1) ?? '';
      const earlier = verdictItems(tail);
      if (earlier.length >= 2 && DATED_NOTE.test(tail.split('、')[0]?.trim() ?? '') === DATED_NOTE.test((m[2] as string).split('、')[0]?.trim() ?? '')) push(earlier, prev);
    }
    push(items, s, headPlatform);
  });
  return out;
}

const ACCOUNT_PLATFORM =
  '(微信服务号|微信订阅号|微信公众号|微信视频号|视频号|公众号|服务号|订阅号|政务微博|新浪微博|微博|抖音号|抖音|今日头条|头条号|快手号|快手|移动客户端|小程序)';

/**
 * Failures the notice lists before it says what each did wrong: a sub-heading naming a problem
 * (（一）未提供有效互动功能。) over sentences that name a listed failure (…“金台生态环境”微信订阅号，
 * 未提供…) gives that failure its problem, and the platform written after its name there.
 */
function problemsFromHeadings(all: Sentence[], failures: ProseName[]): void {
  for (const f of failures) {
    if (f.problem && f.platform) continue;
    const quoted = `“${f.name}”`;
    for (const s of all) {
      if (!s.heading || s.heading.length < 4 || s.text === f.sentence || !s.text.includes(quoted)) continue;
      if (/^(?:政府网站|网站|政务新媒体|新媒体)(?:方面|情况|检查|检查情况)?$|合格/.test(s.heading)) continue;
      f.problem ??= s.heading;
      const after = s.text.slice(s.text.indexOf(quoted) + quoted.length).match(new RegExp(`^${ACCOUNT_PLATFORM}`))?.[1];
      if (!f.platform && after) {
        const canon = canonicalPlatform(after);
        if (canon) f.platform = canon;
      }
      break;
    }
  }
}

/**
 * Reasons after the count failed: 11个不合格：部分单位未按时更新；“杨陵文旅”微信视频号未按照…完成注销
 * 工作 — a reason that opens with a quoted account names a failure, the reason its problem.
 */
function reasonLists(all: Sentence[]): ProseName[] {
  const out: ProseName[] = [];
  all.forEach((s, i) => {
    const colon = s.text.match(/\d+(?:个|家)[^,，。;；:：\d]{0,12}?不合格[:：]/);
    if (colon?.index === undefined) return;
    const parts = [{ s, text: s.text.slice(colon.index + colon[0].length) }];
    for (const next of all.slice(i + 1)) {
      if (next.line !== s.line) break;
      parts.push({ s: next, text: next.text });
    }
    for (const { s: at, text } of parts) {
      const m = text.match(new RegExp(`^[“"]([^”"]{2,30})[”"]${ACCOUNT_PLATFORM}?(.{4,})$`));
      if (!m?.[1] || !m[3] || GENERIC.test(m[1])) continue;
      const platform = m[2] ? canonicalPlatform(m[2]) : undefined;
      out.push({
        name: m[1],
        ...(platform ? { platform } : {}),
        problem: m[3],
        channel: at.context ?? (platform ? 'newmedia' : 'website'),
        line: at.line,
        sentence: at.text,
      });
    }
  });
  return out;
}

/** A heading over a list of names: 一、出现单项否决情形的政务新媒体名单 / 二、出现扣分情形的…名单. */
const LIST_HEADING = /名单|清单|名录|情况如下|具体如下/;
const VETO_WORDS = /单项否决|不合格/;
const MENTION_WORDS = /扣分|存在问题|问题|提醒|表述|批评|整改|表扬|优秀|典型/;
const NUMBERED = /^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[.、．](?!\d))/;

/**
 * Lists laid out under headings rather than in sentences: a heading that says 单项否决 / 不合格
 * opens a list of failures, one that says 扣分 / 存在问题 a list of mentions; a sub-heading
 * (未提供有效互动功能（3个）) gives the problem of the names below it; each name line holds names
 * separated by 、 with the platform in brackets (徐圩警方（新浪微博）).
 */
function listSections(lines: Line[]): { failures: ProseName[]; mentions: ProseName[] } {
  const failures: ProseName[] = [];
  const mentions: ProseName[] = [];
  let mode: 'failures' | 'mentions' | undefined;
  let channel: Channel | undefined;
  let problem: string | undefined;
  for (const l of lines) {
    const t = l.text;
    const short = t.length <= 60 && !/[。;；]$/.test(t);
    if (short && LIST_HEADING.test(t) && (NUMBERED.test(t) || t.length <= 40)) {
      mode = VETO_WORDS.test(t) && !/扣分/.test(t) ? 'failures' : MENTION_WORDS.test(t) ? 'mentions' : undefined;
      channel = channelOf(t) ?? channel;
      problem = undefined;
      continue;
    }
    if (NUMBERED.test(t) && /^[一二三四五六七八九十]{1,2}[、.．]/.test(t)) {
      mode = undefined;
      continue;
    }
    if (!mode) continue;
    // 未提供有效互动功能（3个） / （一）内容更新不及时（2个）: the problem of the names that follow.
    const sub = t.match(/^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.、．])?([^、,，(（]{2,40}?)(?:[(（]\d+个[)）])?$/);
    if (sub?.[1] && (/[(（]\d+个[)）]$/.test(t) || NUMBERED.test(t))) {
      problem = sub[1];
      continue;
    }
    if (/[。;；]$/.test(t) || t.length > 400) {
      mode = undefined;
      continue;
    }
    const names = splitNames(l.raw.normalize('NFKC'));
    if (names.length === 0) continue;
    const to = mode === 'failures' ? failures : mentions;
    for (const n of names) {
      if (to.some((x) => x.name === n.name && x.platform === n.platform && x.problem === (n.problem ?? problem))) continue;
      const entry: ProseName = { ...n, line: l.no, sentence: t, ...(channel ? { channel } : {}) };
      if (!entry.problem && problem) entry.problem = problem;
      to.push(entry);
    }
  }
  return { failures, mentions };
}

export function readProse(body: Line[]): ProseFindings {
  const all = sentences(body);
  const names = proseNames(all);
  const lists = listSections(body);
  const verdicts = [...verdictLists(all), ...reasonLists(all)];
  const failed = new Set([...verdicts, ...names.failures, ...lists.failures].map((f) => f.name));
  problemsFromHeadings(all, [...verdicts, ...names.failures, ...lists.failures]);
  const byNo = new Map(body.map((l) => [l.no, l]));
  // Names are kept as the notice writes them (traditional characters stay traditional).
  const written = (list: ProseName[]) =>
    list.map((n) => ({ ...n, name: asWritten(byNo.get(n.line), n.name) }));
  return {
    tallies: proseTallies(all),
    regionRates: regionRates(all),
    failures: written([
      ...verdicts,
      ...names.failures.filter((f) => !verdicts.some((v) => v.name === f.name)),
      ...lists.failures.filter((f) => !names.failures.some((n) => n.name === f.name) && !verdicts.some((v) => v.name === f.name)),
    ]),
    // A name the notice declares failed is a failure, not also a mention where it is named again.
    praised: written(names.praised.filter((n) => !failed.has(n.name))),
    criticised: written([...names.criticised, ...lists.mentions].filter((n) => !failed.has(n.name))),
  };
}
