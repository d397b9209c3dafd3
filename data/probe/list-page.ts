import { type HTMLElement, parse } from 'node-html-parser';
import { newestDate, pubDateMeta } from './dates.ts';

/**
 * Reads a column's list page: its items (the largest run of sibling list rows that carry a link,
 * outside navigation, header and footer), the newest item date, and whether the column is blank
 * (no items, or only 暂无信息). An item without a date counts as not updated (2015 census rule);
 * when no item carries a date, the caller may read the newest item's page for its PubDate meta.
 */
export interface ListPage {
  items: number;
  datedItems: number;
  newest?: string;
  /** Link of the first item, for the PubDate fallback. */
  firstLink?: string;
  blank: boolean;
}

const CHROME =
  /(?:^|[\s_-])(?:nav|menu|header|head|top|footer|foot|bottom|banner|breadcrumb|crumb|topbar|sidebar|links?|friend|yqlj|dh|daohang|weizhi)(?:$|[\s_\d-])/i;
const EMPTY_TEXT =
  /暂无(?:信息|数据|内容|记录|相关信息|文章)|没有(?:找到)?(?:相关)?(?:信息|记录|数据)|无相关信息/;

export function readListPage(html: string, now: Date): ListPage {
  const { candidates, body } = rowsOf(html);
  return pickList(candidates, body, now);
}

/**
 * 首页不更新: the newest dated item anywhere in the homepage's lists (outside navigation, header
 * and footer); undefined when no item carries a date.
 */
export function newestOnHomepage(html: string, now: Date): string | undefined {
  const { candidates } = rowsOf(html);
  let newest: string | undefined;
  for (const rows of candidates.values())
    for (const r of rows) {
      const d = newestDate(r.text, now);
      if (d && (!newest || d > newest)) newest = d;
    }
  return newest;
}

function rowsOf(html: string) {
  const root = parse(html, { blockTextElements: { script: false, style: false, noscript: false } });
  const body = root.querySelector('body') ?? root;
  const candidates = new Map<HTMLElement, HTMLElement[]>();
  for (const row of body.querySelectorAll('li, tr, dd, p, div')) {
    const parent = row.parentNode as HTMLElement | null;
    if (!parent || inChrome(row)) continue;
    const a = row.querySelector('a');
    if (!a || a.text.trim().length < 2) continue;
    if (row.tagName === 'DIV' || row.tagName === 'P') {
      // A div/p counts as a row only when it is a leaf-ish item: one link and a little text.
      if (row.querySelectorAll('a').length !== 1 || row.querySelectorAll('li, tr, div').length > 2) continue;
    }
    const list = candidates.get(parent) ?? [];
    list.push(row);
    candidates.set(parent, list);
  }
  return { candidates, body };
}

function pickList(candidates: Map<HTMLElement, HTMLElement[]>, body: HTMLElement, now: Date): ListPage {
  let best: HTMLElement[] = [];
  let bestDated = -1;
  for (const rows of candidates.values()) {
    const dated = rows.filter((r) => newestDate(r.text, now) !== undefined).length;
    if (dated > bestDated || (dated === bestDated && rows.length > best.length)) {
      best = rows;
      bestDated = dated;
    }
  }
  // A run of undated links only counts as the column's list when it looks like one (3+ rows);
  // otherwise it is likely a stray link group and the page is judged by its text.
  if (bestDated <= 0 && best.length < 3) best = [];
  const dates = best.map((r) => newestDate(r.text, now)).filter((d): d is string => d !== undefined);
  const newest = dates.length ? [...dates].sort().at(-1) : undefined;
  const items = best.length;
  const blank = items === 0 || (EMPTY_TEXT.test(body.text) && dates.length === 0 && items <= 1);
  return {
    items: blank ? 0 : items,
    datedItems: dates.length,
    newest: blank ? undefined : newest,
    firstLink: blank ? undefined : best[0]?.querySelector('a')?.getAttribute('href'),
    blank,
  };
}

/** The newest date a page's item carries in its PubDate meta (fallback for undated lists). */
export { pubDateMeta };

function inChrome(el: HTMLElement): boolean {
  for (let n: HTMLElement | null = el; n?.tagName; n = n.parentNode as HTMLElement | null) {
    if (['NAV', 'HEADER', 'FOOTER', 'SELECT'].includes(n.tagName)) return true;
    const tag = `${n.getAttribute?.('class') ?? ''} ${n.getAttribute?.('id') ?? ''}`;
    if (tag.trim() && CHROME.test(tag)) return true;
  }
  return false;
}
