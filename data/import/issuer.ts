import { wholeLineDate } from './dates.ts';
import type { Line } from './lines.ts';
import { gazetteer } from '../gazetteer/index.ts';
import type { Place, PlaceBook } from './places.ts';

/** The notice's title: possibly broken over two or three lines, which are joined. */
export interface TitleFound {
  text: string;
  raw: string;
  line: number;
}

export interface IssuerFound {
  /** The issuing office as written: 六安市政府网站和政务新媒体中心, 省人民政府办公厅. */
  name: string;
  /** Where it was found. */
  line: number;
  how: 'title' | 'signature' | 'source' | 'body' | 'option';
  /** The place the office speaks for, when its name starts with one. */
  place?: Place;
}

/** Words that end the name of an issuing office. */
export const OFFICE =
  /(?:人民政府办公厅|人民政府办公室|政府办公厅|政府办公室|人民政府|办公厅|办公室|管委会|管理委员会|委员会|网信办|政务公开办|领导小组办公室|政务服务管理局|政务管理服务局|政务服务和大数据管理局|政务服务数据管理局|数据管理局|大数据管理局|大数据发展管理局|大数据局|大数据中心|政务信息中心|信息中心|政务公开办公室|政务新媒体中心|网站和政务新媒体中心|新媒体中心|中心|[厅局委办])$/;

const CHECK_WORDS = /(检查|抽查|自查|监测|普查|测评|评估|检测|巡查|核查)/;
const CITING = /^(按照|根据|依据|依照|为贯彻|为落实|为进一步|贯彻|落实)/;

/** 二〇二〇年四月十三日 → 2020年4月13日, so a sign-off dated in characters is read too. */
export function arabicDate(text: string): string {
  const digit: Record<string, string> = {
    〇: '0',
    '○': '0',
    零: '0',
    O: '0',
    一: '1',
    二: '2',
    三: '3',
    四: '4',
    五: '5',
    六: '6',
    七: '7',
    八: '8',
    九: '9',
  };
  const m = text.match(
    /^([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$/,
  );
  if (!m) return text;
  const num = (s: string) => {
    if (s === '十') return 10;
    if (s.startsWith('十')) return 10 + Number(digit[s[1] as string]);
    if (s.endsWith('十')) return Number(digit[s[0] as string]) * 10;
    if (s.length === 3) return Number(digit[s[0] as string]) * 10 + Number(digit[s[2] as string]);
    return Number(digit[s] ?? s);
  };
  const year = [...(m[1] as string)].map((c) => digit[c]).join('');
  return `${year}年${num(m[2] as string)}月${num(m[3] as string)}日`;
}

/** A line that is a date only (2020年4月13日, 2020-04-13, 二〇二〇年四月十三日). */
export function dateLine(text: string): string | undefined {
  const t = arabicDate(text.replace(/[（(][^）)]*[）)]$/, ''));
  const iso = t.match(/^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/);
  return wholeLineDate(iso ? `${iso[1]}年${Number(iso[2])}月${Number(iso[3])}日` : t);
}

/** A page line holding the title and its metadata (…的函2025-09-30 14:46 来源:…): the title alone. */
function titleOnly(text: string): string {
  return text
    .replace(/^\s*(?:标\s*题|题\s*名)\s*[:：]\s*/, '')
    .replace(/\s*(?:\d{4}-\d{1,2}-\d{1,2}|发布时间|来源[:：]|日期[:：]).*$/, '');
}

function looksLikeTitle(text: string): boolean {
  if (CITING.test(text) || text.length > 90 || /[。;；]/.test(text)) return false;
  return (
    /关于.*(?:通报|函)$/.test(text) ||
    /关于.*通报/.test(text) ||
    (/关于/.test(text) && CHECK_WORDS.test(text)) ||
    (/\d{4}年/.test(text) && CHECK_WORDS.test(text) && /(情况|结果)(的)?(通报|报告)?$|通报$/.test(text))
  );
}

const TITLE_END = /(通报|报告|情况|结果|通知|函)$/;

/**
 * The title among the first lines: a line reading like `…关于…检查情况的通报` or `2023年…检查情况通报`,
 * joined with the lines it was broken into (`…关于2023年第二季度` / `全市…的通报`). A page title
 * (from a saved web page) is used when the text has none.
 */
export function findTitle(body: Line[], pageTitle?: string): TitleFound | undefined {
  const head = body.slice(0, 25);
  // A `…关于…通报` line beats a page heading above it (福建省…2020年第一季度检查情况).
  return titleIn(head, true) ?? titleIn(head, false) ?? fromPage(pageTitle);
}

function titleIn(head: Line[], withAbout: boolean): TitleFound | undefined {
  for (let i = 0; i < head.length; i++) {
    const l = head[i] as Line;
    if (CITING.test(l.text) || (withAbout && !l.text.includes('关于'))) continue;
    let text = titleOnly(l.text);
    let raw = titleOnly(l.raw);
    if (text.length > 90) continue;
    // Broken title: the pieces are short lines that only together end in 通报.
    for (let j = i + 1; j < Math.min(head.length, i + 3) && !TITLE_END.test(text); j++) {
      const next = head[j] as Line;
      if (next.text.length > 60 || /[。:：,，;；]$/.test(next.text)) break;
      const joined = text + next.text;
      if (!looksLikeTitle(joined) && !(TITLE_END.test(next.text) && /关于|\d{4}年/.test(joined))) {
        if (j === i + 1 && /关于/.test(text)) {
          text = joined;
          raw += next.raw;
          continue;
        }
        break;
      }
      text = joined;
      raw += next.raw;
    }
    if (looksLikeTitle(text)) {
      // 甘孜藏族自治州人民政府办公室 / 关于…的通报: the office on the line above belongs to the title.
      const above = head[i - 1];
      if (
        /^关于/.test(text) &&
        above &&
        above.text.length <= 40 &&
        OFFICE.test(above.text) &&
        !/[,，:：。]/.test(above.text)
      )
        return { text: above.text + text, raw: above.raw + raw, line: above.no };
      return { text, raw, line: l.no };
    }
  }
  return undefined;
}

function fromPage(pageTitle: string | undefined): TitleFound | undefined {
  if (pageTitle) {
    const text = pageTitle.normalize('NFKC').replace(/\s+/g, '');
    if (looksLikeTitle(text)) return { text, raw: pageTitle.trim(), line: 0 };
  }
  return undefined;
}

/** 福建省人民政府办公厅关于… → 福建省人民政府办公厅; a title without an office gives nothing. */
export function issuerInTitle(title: TitleFound, book: PlaceBook): IssuerFound | undefined {
  const before = title.text.includes('关于')
    ? (title.text.split('关于')[0] as string)
    : (title.text.match(/^(.+?)(?:\d{4}年|第[一二三四]季度)/)?.[1] ?? '');
  if (before.length < 2) return undefined;
  if (OFFICE.test(before)) return withPlace({ name: before, line: title.line, how: 'title' }, book);
  // 平城区关于…的报告: a title whose issuer is the place alone, written in full as a known place.
  const place = book.leading(before);
  return place && place.name === before ? { name: before, line: title.line, how: 'title', place } : undefined;
}

/**
 * The sign-off: an office line directly above a date line (or on the same line), searched from
 * the end of the text, skipping 抄送/印发 trailers.
 */
export function issuerInSignature(lines: Line[], book: PlaceBook): IssuerFound | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as Line;
    const same = l.text.match(/^(.{2,40}?)(\d{4}年\d{1,2}月\d{1,2}日)$/);
    if (same?.[1] && OFFICE.test(same[1]) && wholeLineDate(same[2] as string))
      return withPlace({ name: same[1], line: l.no, how: 'signature' }, book);
    if (!dateLine(l.text)) continue;
    for (let k = i - 1; k >= Math.max(0, i - 2); k--) {
      const sig = lines[k] as Line;
      if (sig.text.length <= 40 && !/[。,，:：]/.test(sig.text) && OFFICE.test(sig.text))
        return withPlace({ name: sig.text, line: sig.no, how: 'signature' }, book);
    }
  }
  return undefined;
}

/**
 * The office a page's metadata line names (来源：宁陕县信息化工作领导小组办公室, 发布机构：…), among
 * the first lines: portals print it under the title, and a copied page keeps it.
 */
export function issuerInSourceLine(lines: Line[], book: PlaceBook): IssuerFound | undefined {
  for (const l of lines.slice(0, 12)) {
    const raw = l.raw.normalize('NFKC');
    const m = raw.match(
      /(?:信息来源|来源|发布机构|发文机关|发布单位|发文单位|发布部门)\s*[:：]\s*([^\s:：|｜]+)/,
    );
    const name = m?.[1]?.replace(/(?:作者|发布时间|发布日期|日期|时间|浏览|点击|字号).*$/, '');
    if (name && name.length >= 3 && name.length <= 40 && OFFICE.test(name))
      return withPlace({ name, line: l.no, how: 'source' }, book);
  }
  return undefined;
}

const BODY_OFFICE =
  /([\u4e00-\u9fa5]{0,14}?)(人民政府办公厅|人民政府办公室|政府办公厅|政府办公室|政务服务管理局|政务管理服务局|政务服务和大数据管理局|政务服务数据管理局|大数据管理局|大数据发展管理局|大数据局|大数据中心|政务信息中心|政务公开办公室|政府网站和政务新媒体中心|网信办)(?:[\u4e00-\u9fa5]{0,12}?)(?:组织|委托|对|于|开展|牵头|通过|采取|采用)/;

/**
 * The office that ran the check, from a body sentence (`市政府办公室组织开展了…`). Sentences that
 * cite another document (按照《国务院办公厅…》, 根据…要求) are never read for it.
 */
export function issuerInBody(lines: Line[], book: PlaceBook): IssuerFound | undefined {
  for (const l of lines.slice(0, 60)) {
    for (const sentence of l.text.split(/[。;；]/)) {
      const own = sentence
        .replace(/《[^》]*》/g, '')
        .replace(/^(按照|根据|依据|依照)[^,，]*(要求|精神|规定|部署|安排)[,，]?/, '');
      if (CITING.test(own)) continue;
      const m = own.match(BODY_OFFICE);
      if (!m) continue;
      const name = `${m[1] ?? ''}${m[2]}`.replace(/^.*?(?:[,，、]|的)/, '');
      if (/国务院|国办/.test(name)) continue;
      return withPlace({ name, line: l.no, how: 'body' }, book);
    }
  }
  return undefined;
}

function withPlace(found: IssuerFound, book: PlaceBook): IssuerFound {
  const place = book.leading(found.name);
  return place ? { ...found, place } : found;
}

export type ScopeLevel = 'province' | 'city' | 'district';

/** One reading of a scope word: the level of the unit meant and how its name ends (全市: a 市). */
export interface ScopeReading {
  level: ScopeLevel;
  suffix: RegExp;
}

/**
 * What the text says about the level of its scope: 我县/本市/全省 in the body, or the level word
 * an office without a place starts with (县政府办公室, 省人民政府办公厅). `strong` when the text
 * speaks as that unit (我县, 本市, its own office): then the unit named alone is enough.
 */
export interface ScopeHint {
  word: string;
  line: number;
  strong: boolean;
  readings: ScopeReading[];
}

/**
 * The units a level word can mean. 市 is a prefecture, a county-level city (福清市) or a
 * municipality (北京市); 区 a district or an autonomous region (广西's 全区, 我区); 州 an autonomous
 * prefecture; the rest one level each.
 */
const READINGS: Record<string, ScopeReading[]> = {
  省: [{ level: 'province', suffix: /省$/ }],
  自治区: [{ level: 'province', suffix: /自治区$/ }],
  市: [
    { level: 'city', suffix: /市$/ },
    { level: 'district', suffix: /市$/ },
    { level: 'province', suffix: /市$/ },
  ],
  州: [{ level: 'city', suffix: /州$/ }],
  盟: [{ level: 'city', suffix: /盟$/ }],
  地区: [{ level: 'city', suffix: /地区$/ }],
  县: [{ level: 'district', suffix: /县$/ }],
  区: [
    { level: 'district', suffix: /区$/ },
    { level: 'province', suffix: /自治区$/ },
  ],
  旗: [{ level: 'district', suffix: /旗$/ }],
};

/**
 * The scope words of a text, strongest first: the first person (我省/我市/我州/我县/我区/本市 …,
 * the notice speaking as its own unit), then the first 全省/全市/全县 …. Words inside a cited
 * document's title (《…全省…》) are that document's.
 */
export function scopeHints(lines: Line[]): ScopeHint[] {
  const out: ScopeHint[] = [];
  const find = (re: RegExp, strong: boolean) => {
    for (const l of lines.slice(0, 80)) {
      const m = l.text.replace(/《[^》]*》/g, '').match(re);
      if (!m) continue;
      const readings = READINGS[m[2] as string];
      if (readings) out.push({ word: m[0], line: l.no, strong, readings });
      return;
    }
  };
  // 本区域/本地区 is "this area", 我市场 nothing: the word must not run on into a longer one.
  find(/(我|本)(省|自治区|市|州|盟|地区|县|区|旗)(?![场域内外级直属场民委])/, true);
  find(/(全)(省|自治区|市|州|盟|地区|县|区|旗)/, false);
  return out;
}

/** 县政府办公室 → the 县 reading, strong: an office that names its level but not its place. */
export function officeHint(office: IssuerFound): ScopeHint | undefined {
  if (office.place) return undefined;
  const m = office.name.match(/^(自治区|地区|省|市|州|盟|县|区|旗)/);
  const readings = m ? READINGS[m[1] as string] : undefined;
  return m && readings ? { word: office.name, line: office.line, strong: true, readings } : undefined;
}

const DEPTH: Record<ScopeLevel, Place['kind']> = { province: 'province', city: 'city', district: 'district' };

/**
 * The units a title names in full anywhere in it (关于2022年第三季度浙江省政府系统…的通报 →
 * 浙江省): the notice's own words about what it covers. Short forms are not taken from inside a
 * title, where they may be parts of other words.
 */
export function placesInTitle(title: string, book: PlaceBook): Place[] {
  const found = gazetteer()
    .scan(title.replace(/《[^》]*》/g, ''))
    .filter((m) => m.how === 'name' || m.text === m.place.name)
    .flatMap((m) => book.find(m.text));
  return [...new Map(found.map((p) => [p.code, p])).values()];
}

/** True when a place is a unit the hint can mean (武定县 for 县政府办公室, not 楚雄州). */
export function fitsHint(place: Place, hint: ScopeHint): boolean {
  return hint.readings.some((r) => place.kind === DEPTH[r.level] && r.suffix.test(place.name));
}

/** The places a fragment of text starts with: every 鼓楼区 alone, the one under 福州 for 福州市鼓楼区. */
function placesNamed(fragment: string, book: PlaceBook): Place[] {
  const first = book.leading(fragment);
  if (!first) return [];
  const all = book.find(first.name);
  // Qualified by its parent (福州市鼓楼区, 漳州市云霄县): that one only.
  const qualified = !fragment.startsWith(first.name) && !all.some((p) => fragment.startsWith(p.short));
  return qualified || all.length === 0 ? [first] : all;
}

/**
 * The region a notice covers when no office names it: a scope hint (我县, 全市, 县政府办公室) and
 * the regions the text names (table rows, list cells, unit and account names, names in
 * sentences). When they all lie under one place of the hinted level, that place is the scope.
 * With a strong hint (the text speaks as the unit), a unit of that level named alone — again and
 * again, no other unit of its level beside it — is the scope too (漳州市云霄县人民政府网站 in a
 * notice that says 我县). A place is never guessed across provinces: a name several places share
 * (鼓楼区) counts for each, and a tie gives nothing.
 */
export function scopeFromNamedRegions(lines: Line[], h: ScopeHint, book: PlaceBook): Place | undefined {
  const named: Array<{ options: Place[]; times: number }> = [];
  const byKey = new Map<string, { options: Place[]; times: number }>();
  for (const l of lines) {
    const text = l.text.replace(/《[^》]*》/g, '');
    for (const fragment of text.split(/[、,，;；:：。和及与()（）“”"「」|｜]/)) {
      if (fragment.length < 2) continue;
      const options = placesNamed(fragment.slice(0, 24), book);
      if (options.length === 0) continue;
      const key = options.map((p) => p.code).join(',');
      const seen = byKey.get(key);
      if (seen) {
        seen.times++;
        continue;
      }
      const entry = { options, times: 1 };
      byKey.set(key, entry);
      named.push(entry);
    }
  }
  for (const reading of h.readings) {
    const place = scopeAt(named, reading, h.strong, book);
    if (place) return place;
  }
  return undefined;
}

function scopeAt(
  named: Array<{ options: Place[]; times: number }>,
  reading: ScopeReading,
  strong: boolean,
  book: PlaceBook,
): Place | undefined {
  const kind = DEPTH[reading.level];
  const tally = new Map<string, { place: Place; n: number; times: number; self: boolean }>();
  let counted = 0;
  for (const { options, times } of named) {
    const ups = new Map<string, { place: Place; self: boolean }>();
    for (const p of options) {
      // A region below the scope's level counts for the place above it; a place of the scope's
      // own level (连云港 in 连云港卫生监督) counts for itself.
      const up = book.chain(p).find((c) => c.kind === kind);
      if (up && reading.suffix.test(up.name)) ups.set(up.code, { place: up, self: up.code === p.code });
    }
    if (ups.size === 0) continue;
    counted++;
    for (const [code, { place, self }] of ups) {
      const e = tally.get(code) ?? { place, n: 0, times: 0, self: false };
      e.n++;
      e.times += times;
      e.self ||= self;
      tally.set(code, e);
    }
  }
  const best = [...tally.values()].sort((a, b) => b.n - a.n || b.times - a.times);
  const top = best[0];
  if (!top) return undefined;
  const second = best[1];
  if (top.n >= 2) {
    if (second && second.n === top.n) return undefined;
    // Nearly every region named lies under it (a stray word may match a place elsewhere).
    return top.n >= Math.max(2, Math.ceil(counted * 0.75)) ? top.place : undefined;
  }
  // The unit itself, named alone and more than once, in a text that speaks as that unit.
  // A name several places share (鼓楼区) is none of them.
  return strong && top.self && counted === 1 && tally.size === 1 && top.times >= 2 ? top.place : undefined;
}
