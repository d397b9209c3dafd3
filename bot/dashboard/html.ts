/**
 * HTML building blocks for the dashboard. Everything that comes from data goes through esc();
 * the only unescaped markup is this module's own and the SVG ECharts writes (which escapes its
 * text itself: handlers/charts/draw.ts).
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number | undefined | null): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** Markup already escaped or built here; keeps raw strings out of the templates' holes. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A tagged template: every interpolated value is escaped unless it is Html (or a list of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(String(v));
}

/** Trusted markup (this module's CSS, ECharts' SVG). */
export function raw(text: string): Html {
  return new Html(text);
}

/** YYYY-MM-DD HH:mm in Asia/Shanghai. */
export function shanghai(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
    .format(d)
    .replace('T', ' ');
}

export const CSS = `
:root{--ink:#222;--muted:#666;--line:#ddd;--fail:#c0392b;--pass:#3a8f5c;--accent:#2f6db5}
*{box-sizing:border-box}
body{margin:0;font:15px/1.6 "Noto Sans SC","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;color:var(--ink);background:#fff}
header.top{display:flex;flex-wrap:wrap;gap:1em;align-items:center;justify-content:space-between;padding:.6em 1.2em;border-bottom:2px solid var(--accent)}
header.top a{color:var(--ink);text-decoration:none;font-weight:bold}
main{max-width:1100px;margin:0 auto;padding:0 1.2em 2em}
nav.crumbs{margin:.8em 0;color:var(--muted)}
nav.crumbs a{color:var(--accent)}
h1{font-size:1.5em;margin:.4em 0}
h2{font-size:1.2em;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
.sample{background:#fdecea;border:1px solid var(--fail);color:var(--fail);padding:.5em .8em;border-radius:4px}
.rounds a,.rounds strong{margin-right:.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.95em}
th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f5f5f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.bad{color:var(--fail);font-weight:bold}
.veto{color:var(--fail);font-weight:bold}
.overdue{color:var(--fail)}
.done{color:var(--pass)}
figure{margin:.5em 0;overflow-x:auto}
figure svg{max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:.9em}
.pager a,.pager span{margin-right:1em}
.muted{color:var(--muted)}
.stats{display:flex;flex-wrap:wrap;gap:1em;margin:.5em 0;padding:0;list-style:none}
.stats li{border:1px solid var(--line);border-radius:4px;padding:.4em .8em;min-width:8em}
.stats b{display:block;font-size:1.4em}
form.login{max-width:22em;margin:4em auto;display:flex;flex-direction:column;gap:.6em}
form.login input,form.login button{font:inherit;padding:.4em}
.error{color:var(--fail)}
footer{color:var(--muted);font-size:.85em;margin-top:2em;border-top:1px solid var(--line);padding-top:.5em}
@media print{
  header.top .noprint,nav.crumbs,.rounds,.pager,form{display:none}
  body{font-size:11pt}
  a{color:inherit;text-decoration:none}
  main{max-width:none;padding:0}
  h2{break-after:avoid}
  tr,figure{break-inside:avoid}
  figure svg{max-width:100%}
  .sample{border:2px solid #000;color:#000;background:none}
}
`;

/** The page shell: title, styles, the top bar, the content. */
export function page(title: string, body: Html, opts: { logout?: boolean; siteTitle: string; logoutText: string; homeText: string }): string {
  return `<!doctype html>${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><link rel="icon" href="data:,"><style>${raw(CSS)}</style></head><body><header class="top"><a href="/">${opts.siteTitle}</a><span class="noprint"><a href="/">${opts.homeText}</a>${opts.logout ? html` · <a href="/logout">${opts.logoutText}</a>` : ''}</span></header><main>${body}</main></body></html>`.text}`;
}
