import { wholeLineDate } from './dates.ts';
import type { Line } from './lines.ts';
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
  how: 'title' | 'signature' | 'body' | 'option';
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
  const digit: Record<string, string> = { '〇': '0', '○': '0', 零: '0', O: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
  const m = text.match(/^([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$/);
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
  return text.replace(/^\s*(?:标\s*题|题\s*名)\s*[:：]\s*/, '').replace(/\s*(?:\d{4}-\d{1,2}-\d{1,2}|发布时间|来源[:：]|日期[:：]).*$/, '');
}

function looksLikeTitle(text: string): boolean {
  if (CITING.test(text) || text.length > 90 || /[。;；]/.test(text)) return false;
  return /关于.*(?:通报|函)$/.test(text) || /关于.*通报/.test(text) || (/关于/.test(text) && CHECK_WORDS.test(text)) || (/\d{4}年/.test(text) && CHECK_WORDS.test(text) && /(情况|结果)(的)?(通报|报告)?$|通报$/.test(text));
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
      if (/^关于/.test(text) && above && above.text.length <= 40 && OFFICE.test(above.text) && !/[,，:：。]/.test(above.text))
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

const BODY_OFFICE =
  /([\u4e00-\u9fa5]{0,14}?)(人民政府办公厅|人民政府办公室|政府办公厅|政府办公室|政务服务管理局|政务管理服务局|政务服务和大数据管理局|政务服务数据管理局|大数据管理局|大数据发展管理局|大数据局|大数据中心|政务信息中心|政务公开办公室|政府网站和政务新媒体中心|网信办)(?:[\u4e00-\u9fa5]{0,12}?)(?:组织|委托|对|于|开展|牵头|通过|采取|采用)/;

/**
 * The office that ran the check, from a body sentence (`市政府办公室组织开展了…`). Sentences that
 * cite another document (按照《国务院办公厅…》, 根据…要求) are never read for it.
 */
export function issuerInBody(lines: Line[], book: PlaceBook): IssuerFound | undefined {
  for (const l of lines.slice(0, 60)) {
    for (const sentence of l.text.split(/[。;；]/)) {
      const own = sentence.replace(/《[^》]*》/g, '').replace(/^(按照|根据|依据|依照)[^,，]*(要求|精神|规定|部署|安排)[,，]?/, '');
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

/** 全省 → province, 全市/全州/全盟 → prefecture, 全县/全区 → county; the first such word in the body. */
export function scopeWord(lines: Line[]): { level: ScopeLevel; line: number } | undefined {
  for (const l of lines.slice(0, 80)) {
    // 《省人民政府办公厅关于做好全省…的通知》 is another document's scope, not this one's.
    const m = l.text.replace(/《[^》]*》/g, '').match(/全(省|自治区|市|州|盟|地区|县|区|旗)/);
    if (!m) continue;
    const w = m[1] as string;
    const level: ScopeLevel = w === '省' || w === '自治区' ? 'province' : w === '县' || w === '旗' || w === '区' ? 'district' : 'city';
    return { level, line: l.no };
  }
  return undefined;
}

/**
 * The region a notice covers when no office names it: the body's 全省/全市 and the regions it
 * names (table rows, list cells, names in sentences). When they all lie under one place of that
 * level, that place is the scope.
 */
export function scopeFromNamedRegions(lines: Line[], level: ScopeLevel, book: PlaceBook): Place | undefined {
  const named: Place[][] = [];
  const seen = new Set<string>();
  for (const l of lines) {
    const text = l.text.replace(/《[^》]*》/g, '');
    for (const fragment of text.split(/[、,，;；:：。和及与()（）“”"「」]/)) {
      if (fragment.length < 2 || fragment.length > 24) continue;
      const first = book.leading(fragment);
      if (!first) continue;
      const all = book.find(first.name).length > 0 ? book.find(first.name) : [first];
      const key = first.name;
      if (seen.has(key)) continue;
      seen.add(key);
      named.push(all);
    }
  }
  const depth: Record<ScopeLevel, number> = { province: 0, city: 1, district: 2 };
  const tally = new Map<string, { place: Place; n: number }>();
  let counted = 0;
  for (const options of named) {
    const parents = new Set<string>();
    for (const p of options) {
      const chain = book.chain(p);
      // A region below the scope's level counts for the place above it; a place of the scope's
      // own level (连云港 in 连云港卫生监督) counts for itself.
      if (chain.length - 1 < depth[level]) continue;
      const up = chain[depth[level]];
      if (up && up.kind === (level === 'district' ? 'district' : level)) parents.add(up.code);
    }
    if (parents.size === 0) continue;
    counted++;
    for (const code of parents) {
      const e = tally.get(code) ?? { place: book.byCode.get(code) as Place, n: 0 };
      e.n++;
      tally.set(code, e);
    }
  }
  const best = [...tally.values()].sort((a, b) => b.n - a.n);
  const top = best[0];
  if (!top || top.n < 2) return undefined;
  if (best[1] && best[1].n === top.n) return undefined;
  // Nearly every region named lies under it (a stray word may match a place elsewhere).
  return top.n >= Math.max(2, Math.ceil(counted * 0.75)) ? top.place : undefined;
}
