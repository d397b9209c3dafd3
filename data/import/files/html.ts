import { type HTMLElement, NodeType, parse, type Node } from 'node-html-parser';
import { decodeText } from './text.ts';

export interface HtmlText {
  text: string;
  /** The article's title from the page (ArticleTitle meta, the heading, or <title>). */
  title?: string;
  /** The page's publication date, ISO (PubDate meta or 发布时间：… on the page). */
  published?: string;
  /** The portal the page belongs to (SiteName meta, or the site part of <title>): 武定县人民政府. */
  site?: string;
}

/** Chrome that is never the notice: menus, breadcrumbs, share bars, footers. */
const DROP_TAGS = 'script,style,noscript,iframe,nav,header,footer,aside,form,select,button,input,textarea,object,svg';
const CHROME =
  /(^|[-_\s])(nav|navi|navbar|menu|submenu|header|head|top|topbar|footer|foot|bottom|copyright|crumb|crumbs|breadcrumb|bread|position|location|dqwz|share|bdshare|sidebar|side|left|right|related|xgxx|xglj|link|links|friendlink|yqlj|print|toolbar|tools|search|login|gotop|qrcode|ewm|fontsize|zihao|pager|pagination|prev|next|comment)([-_\s]|\d|$)/i;
/** Containers portal systems (TRS, 大汉, 博思 …) put the article body in. */
const CONTENT =
  /(^|[-_\s])(TRS_Editor|TRS_UEDITOR|zoom|Zoom|UCAP-CONTENT|article|article-content|articleContent|art_con|artCon|content|con|contents|main-text|maintext|detail|details|xxgk_content|pages_content|view|wzcon|txt|text|Custom_UnionStyle|nr|zw|zwnr|body-text|info-cont|news_content|news-content)([-_\s]|\d|$)/;
const BLOCK = new Set([
  'p', 'div', 'br', 'tr', 'td', 'th', 'li', 'ul', 'ol', 'table', 'tbody', 'thead', 'section', 'article',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'dd', 'dt', 'dl', 'center', 'caption',
]);

/**
 * The notice text of a page saved from a government portal: the charset from its meta tag (or
 * sniffed), navigation and page chrome removed, the article container chosen (a known content
 * class, else the block with the most Chinese text and fewest links), one paragraph or table cell
 * per line. The page's title and publication date are returned for notices whose text lacks them.
 */
export function htmlText(bytes: Uint8Array): HtmlText {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const charset = head.match(/charset\s*=\s*["']?([\w-]+)/i)?.[1];
  const { text: source } = decodeText(bytes, charset);
  const root = parse(source, { comment: false, blockTextElements: { script: false, style: false, pre: true } });
  const title = pageTitle(root);
  const published = pageDate(root);
  const site = pageSite(root);
  for (const el of root.querySelectorAll(DROP_TAGS)) el.remove();
  for (const el of root.querySelectorAll('[class],[id]')) {
    const marks = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    if (!CHROME.test(marks) || CONTENT.test(marks)) continue;
    // Menus and footers go; a big block marked 'left'/'side' that is mostly prose stays.
    const n = chinese(el.text);
    if (n < 400 || linkedChinese(el) > n / 2) el.remove();
  }
  const main = contentOf(root);
  const lines: string[] = [];
  toLines(main, lines);
  const text = lines
    .map((l) => l.replace(/[ \t\u00a0\u3000]+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
  return { text, ...(title ? { title } : {}), ...(published ? { published } : {}), ...(site ? { site } : {}) };
}

function linkedChinese(el: HTMLElement): number {
  return el.querySelectorAll('a').reduce((k, a) => k + chinese(a.text), 0);
}

function chinese(text: string): number {
  return (text.match(/[\u4e00-\u9fa5]/g) ?? []).length;
}

function meta(root: HTMLElement, names: string[]): string | undefined {
  for (const name of names) {
    const el = root.querySelector(`meta[name="${name}"]`) ?? root.querySelector(`meta[property="${name}"]`);
    const v = el?.getAttribute('content')?.trim();
    if (v) return v;
  }
  return undefined;
}

function pageTitle(root: HTMLElement): string | undefined {
  const fromMeta = meta(root, ['ArticleTitle', 'articletitle', 'og:title', 'title']);
  if (fromMeta) return fromMeta;
  const heading = root
    .querySelectorAll('h1,h2')
    .map((h) => h.text.trim())
    .find((t) => /关于|通报|情况/.test(t));
  if (heading) return heading;
  const title = root.querySelector('title')?.text.trim();
  if (!title) return undefined;
  const parts = title.split(/\s*[_|｜]\s*|\s+[-—]\s+/).filter((p) => p.trim() !== '');
  return parts.find((p) => /关于|通报/.test(p)) ?? parts.sort((a, b) => b.length - a.length)[0];
}

/**
 * The portal's name: the SiteName meta government portals carry (政府网站发展指引, 国办发〔2017〕47号),
 * else the part of <title> naming a government or its site (…通报_武定县人民政府).
 */
function pageSite(root: HTMLElement): string | undefined {
  const fromMeta = meta(root, ['SiteName', 'sitename', 'og:site_name']);
  if (fromMeta) return fromMeta;
  const title = root.querySelector('title')?.text.trim();
  if (!title) return undefined;
  const parts = title.split(/\s*[_|｜]\s*|\s+[-—]\s+/).map((p) => p.trim());
  return parts.slice(1).find((p) => /(人民政府|政府|门户网站|政府网|政务网|政务服务网|办公厅|办公室)$/.test(p));
}

function pageDate(root: HTMLElement): string | undefined {
  const fromMeta = meta(root, ['PubDate', 'pubdate', 'publishdate', 'firstpublishedtime', 'article:published_time']);
  const text = fromMeta ?? root.text.match(/(?:发布|发文|成文|印发)(?:时间|日期)\s*[:：]?\s*(\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2})/)?.[1];
  const m = text?.match(/(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})/);
  if (!m) return undefined;
  return `${m[1]}-${(m[2] as string).padStart(2, '0')}-${(m[3] as string).padStart(2, '0')}`;
}

function contentOf(root: HTMLElement): HTMLElement {
  const body = root.querySelector('body') ?? root;
  // Text outside links: what a reader reads.
  const total = chinese(body.text) - linkedChinese(body);
  const scored: Array<{ el: HTMLElement; score: number; size: number }> = [];
  for (const el of body.querySelectorAll('div,td,article,section,main')) {
    const n = chinese(el.text);
    if (n < 50) continue;
    const linked = linkedChinese(el);
    const marks = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    // A known container wins when it holds most of the page's text.
    const bonus = CONTENT.test(marks) && n >= total * 0.4 ? 1.2 : 1;
    scored.push({ el, score: (n - 2 * linked) * bonus, size: el.text.length });
  }
  const top = Math.max(0, ...scored.map((s) => s.score));
  if (top < total * 0.3) return body;
  // The innermost block that keeps nearly all of the best block's text.
  const near = scored.filter((s) => s.score >= top * 0.95).sort((a, b) => a.size - b.size);
  return near[0]?.el ?? body;
}

function toLines(node: Node, out: string[]): void {
  if (node.nodeType === NodeType.TEXT_NODE) {
    const t = node.text.replace(/\s+/g, ' ');
    if (t.trim() === '') return;
    if (out.length === 0) out.push('');
    out[out.length - 1] += t;
    return;
  }
  if (node.nodeType !== NodeType.ELEMENT_NODE) return;
  const tag = (node as HTMLElement).rawTagName?.toLowerCase() ?? '';
  const block = BLOCK.has(tag);
  if (block) out.push('');
  for (const child of node.childNodes) toLines(child, out);
  if (block) out.push('');
}
