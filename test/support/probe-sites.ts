import http from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';

/**
 * A local web server of government-like sites for the prober's tests (127.0.0.1 only): a healthy
 * portal, slow pages, 500s, a 瑞数-style 412, a 加速乐-style JS challenge, GBK list pages, a
 * redirect loop, stale, blank and undated columns, and a robots.txt. Dates are written relative
 * to `today` (YYYY-MM-DD, Shanghai) so the tests' injected clock decides what is fresh.
 */
export interface ProbeSites {
  base: string;
  /** Requests seen, in order, with the most in flight at once. */
  seen: string[];
  maxInFlight: number;
  close(): Promise<void>;
}

export function daysBefore(today: string, n: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

const list = (rows: string[]) =>
  `<html><head><meta charset="utf-8"><title>栏目</title></head><body><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/x">机构</a></li></ul></div><div class="main"><ul class="list">${rows.join('')}</ul></div><div class="footer"><p>版权所有 福州市人民政府</p></div></body></html>`;
const row = (title: string, date?: string, href = '/item/1') =>
  `<li><a href="${href}">${title}</a>${date ? `<span>${date}</span>` : ''}</li>`;

/** `host`: a loopback address to listen on (the bench spreads sites over many, as hosting platforms). */
export async function startProbeSites(
  today: string,
  slowMs = 1_000,
  host = '127.0.0.1',
): Promise<ProbeSites> {
  if (!host.startsWith('127.')) throw new Error(`probe sites listen on loopback only, not ${host}`);
  let inFlight = 0;
  const state = { seen: [] as string[], maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    state.seen.push(url);
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const html = (body: string, status = 200) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    const path = url.split('?')[0]!;
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('User-agent: *\nDisallow: /private/\n');
    }
    if (path === '/' || path === '/home')
      return html(
        list([row('我市召开常务会议', daysBefore(today, 2)), row('市领导调研', daysBefore(today, 5))]),
      );
    if (path === '/home-stale')
      return html(list([row('旧闻一', daysBefore(today, 13)), row('旧闻二', daysBefore(today, 30))]));
    if (path === '/slow') {
      const t = setTimeout(() => html(list([row('慢', daysBefore(today, 1))])), slowMs);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (path === '/error500') return html('<h1>Internal Server Error</h1>', 500);
    if (path === '/maintenance') return html('<html><body><h1>网站维护中，请稍后访问</h1></body></html>');
    if (path === '/empty') return html('');
    if (path === '/waf412')
      return html(
        '<html><head><script>$_ts=window["$_ts"];if(!$_ts)$_ts={};</script></head><body></body></html>',
        412,
      );
    if (path === '/challenge')
      return html(
        '<script>document.cookie="__jsl_clearance=1700000000.1|0|abc";location.href=location.pathname+location.search</script>',
      );
    if (path === '/loop') {
      res.writeHead(302, { location: '/loop2' });
      return res.end();
    }
    if (path === '/loop2') {
      res.writeHead(302, { location: '/loop' });
      return res.end();
    }
    if (path === '/col/news')
      return html(list([row('工作动态一', daysBefore(today, 3)), row('工作动态二', daysBefore(today, 9))]));
    if (path === '/col/news-10')
      return html(list([row('动态', daysBefore(today, 10)), row('动态二', daysBefore(today, 40))]));
    if (path === '/col/stale-news')
      return html(list([row('旧动态', daysBefore(today, 20).replace(/-/g, '/'))]));
    if (path === '/col/stale-notice') {
      const [y, m, d] = daysBefore(today, 200).split('-');
      return html(list([row('旧通知', `${y}年${Number(m)}月${Number(d)}日`)]));
    }
    if (path === '/col/short') return html(list([row('短日期条目', `[${daysBefore(today, 1).slice(5)}]`)]));
    if (path === '/col/blank')
      return html(list([]).replace('<ul class="list"></ul>', '<div class="list"><p>暂无信息</p></div>'));
    if (path === '/col/empty-list') return html(list([]));
    if (path === '/col/undated')
      return html(list([row('无日期一', undefined, '/item/nodate'), row('无日期二'), row('无日期三')]));
    if (path === '/col/pubdate')
      return html(list([row('只在文章页有日期', undefined, '/item/dated'), row('其二'), row('其三')]));
    if (path === '/item/dated')
      return html(
        `<html><head><meta name="PubDate" content="${daysBefore(today, 4)} 10:00"></head><body>正文</body></html>`,
      );
    if (path === '/item/nodate' || path === '/item/1') return html('<html><body>正文</body></html>');
    if (path === '/col/gbk') {
      const page = list([row('福州市政策文件', daysBefore(today, 6).replace(/-/g, '.'))]).replace(
        'charset="utf-8"',
        'charset="gbk"',
      );
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(iconv.encode(page, 'gbk'));
    }
    if (path.startsWith('/private/')) return html(list([row('不该读到', daysBefore(today, 1))]));
    html('<title>404 Not Found</title>', 404);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://${host}:${port}`,
    get seen() {
      return state.seen;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
