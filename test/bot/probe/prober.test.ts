import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileProbeStore } from '../../../data/probe/store.ts';
import type { Site } from '../../../data/schema.ts';
import { PoliteFetcher } from '../../../bot/probe/fetch.ts';
import { PoliteLimiter } from '../../../bot/probe/limiter.ts';
import { probeHomepage, readSite, siteStanding } from '../../../bot/probe/run.ts';
import { type ProbeSites, startProbeSites } from '../../support/probe-sites.ts';

const today = '2024-05-15';
const now = new Date('2024-05-15T10:00:00+08:00');
let sites: ProbeSites;
let fetcher: PoliteFetcher;

beforeAll(async () => {
  sites = await startProbeSites(today, 2_000);
  // The 15 s limit is shortened to 500 ms so the slow page needs no 15 s wait; classification
  // treats the aborted try exactly as a 15 s timeout.
  fetcher = new PoliteFetcher({
    userAgent: 'inspection-bot/0.1 (+mailto:ops@example.gov.cn)',
    limiter: new PoliteLimiter({ global: 8, perHost: 2, spacingMs: 0 }),
    limitMs: 500,
    maxRedirects: 5,
  });
});
afterAll(() => sites.close());

const site = (path: string, columns: Site['columns'] = []): Site => ({
  id: `s${path}`,
  name: `站点${path}`,
  url: `${sites.base}${path}`,
  regionId: '350100',
  kind: 'portal',
  columns,
});

describe('probeHomepage()', () => {
  it('classes each kind of answer as inspectors would, and tallies it for the Shanghai day', async () => {
    const store = FileProbeStore.memory();
    const cases: [string, string, string][] = [
      ['/', 'ok', 'ok'],
      ['/slow', 'failed', 'timeout'],
      ['/error500', 'failed', 'status'],
      ['/maintenance', 'failed', 'error-page'],
      ['/empty', 'failed', 'empty'],
      ['/loop', 'failed', 'redirect-loop'],
      ['/waf412', 'blocked', 'waf-status'],
      ['/challenge', 'blocked', 'waf-challenge'],
    ];
    for (const [path, outcome, reason] of cases) {
      const v = await probeHomepage(fetcher, store, site(path), now);
      expect({ path, outcome: v.outcome, reason: v.reason }).toEqual({ path, outcome, reason });
    }
    expect(store.tallies('s/')).toEqual([{ date: today, tries: 1, failed: 0, blocked: 0 }]);
    expect(store.tallies('s/waf412')).toEqual([{ date: today, tries: 0, failed: 0, blocked: 1 }]);
  });

  it('fails a try on a refused connection', async () => {
    const store = FileProbeStore.memory();
    const dead: Site = {
      id: 'dead',
      name: '停用站',
      url: 'http://127.0.0.1:9/',
      regionId: '350100',
      kind: 'portal',
    };
    expect((await probeHomepage(fetcher, store, dead, now)).outcome).toBe('failed');
  });

  it('connects to the address the limits were counted on, by the site’s host name', async () => {
    const resolved: string[] = [];
    const byName = new PoliteFetcher({
      userAgent: 'inspection-bot/0.1',
      limiter: new PoliteLimiter({ global: 2, perHost: 2, spacingMs: 0 }),
      limitMs: 2_000,
      // portal.example.gov.cn is no real name here: only the address it resolved to is dialled.
      resolve: async (host) => {
        resolved.push(host);
        return '127.0.0.1';
      },
    });
    const store = FileProbeStore.memory();
    const named: Site = {
      ...site('/'),
      id: 'named',
      url: sites.base.replace('127.0.0.1', 'portal.example.gov.cn'),
    };
    const v = await probeHomepage(byName, store, named, now);
    expect({ outcome: v.outcome, reason: v.reason }).toEqual({ outcome: 'ok', reason: 'ok' });
    expect(resolved).toEqual(['portal.example.gov.cn']);
  });

  it('keeps at most 2 requests in flight to one address', async () => {
    const store = FileProbeStore.memory();
    const before = sites.maxInFlight;
    await Promise.all(Array.from({ length: 6 }, () => probeHomepage(fetcher, store, site('/slow'), now)));
    expect(sites.maxInFlight).toBeLessThanOrEqual(Math.max(2, before));
    expect(store.tallies('s/slow')[0]).toMatchObject({ tries: 6, failed: 6 });
  });
});

describe('readSite()', () => {
  it('reads every column: fresh, nearing, stale, blank, undated, PubDate, GBK, short dates, robots.txt', async () => {
    const s = site('/', [
      { name: '工作动态', url: `${sites.base}/col/news` },
      { name: '部门动态', url: `${sites.base}/col/news-10` },
      { name: '要闻', url: `${sites.base}/col/stale-news` },
      { name: '通知公告', url: `${sites.base}/col/stale-notice` },
      { name: '政策文件', url: `${sites.base}/col/gbk` },
      { name: '基层动态', url: `${sites.base}/col/short` },
      { name: '专题专栏', url: `${sites.base}/col/blank` },
      { name: '人事信息', url: `${sites.base}/col/empty-list` },
      { name: '图片新闻', url: `${sites.base}/col/undated` },
      { name: '乡镇动态', url: `${sites.base}/col/pubdate` },
      { name: '内部动态', url: `${sites.base}/private/news` },
    ]);
    const home = await fetcher.get(s.url!);
    const reading = await readSite(fetcher, s, now, home.body);
    expect(reading.homepage).toEqual({ newest: '2024-05-13' });
    const byName = Object.fromEntries(reading.columns.map((c) => [c.name, c]));
    expect(byName['工作动态']!.read).toEqual({ blank: false, newest: '2024-05-12', items: 2 });
    expect(byName['要闻']!.read?.newest).toBe('2024-04-25');
    expect(byName['通知公告']).toMatchObject({ kind: 'notice', read: { newest: '2023-10-28' } });
    expect(byName['政策文件']!.read?.newest).toBe('2024-05-09');
    expect(byName['基层动态']!.read?.newest).toBe('2024-05-14');
    expect(byName['专题专栏']!.read?.blank).toBe(true);
    expect(byName['人事信息']!.read?.blank).toBe(true);
    expect(byName['图片新闻']!.read).toEqual({ blank: false, newest: undefined, items: 3 });
    expect(byName['乡镇动态']!.read?.newest).toBe('2024-05-11');
    expect(byName['内部动态']).toMatchObject({ unreadable: 'robots' });
    expect(sites.seen).not.toContain('/private/news');

    const store = FileProbeStore.memory();
    store.setReading(s.id, reading);
    const standing = siteStanding(store, s, now, 24);
    expect(standing.homepage.level).toBe('ok');
    // stale: 要闻 (20 d), 通知公告 (200 d), 图片新闻 (undated) → 3; nearing: 部门动态 at 10 days.
    expect(standing.columns).toMatchObject({ level: 'warn', stale: 3, nearing: 1 });
    expect(standing.blank).toMatchObject({ level: 'ok', blank: 2 });
  });

  it('sends a User-Agent naming the bot and its contact', async () => {
    const seen: string[] = [];
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers['user-agent']));
      res.end('<title>ok</title><p>页面</p>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await fetcher.get(`http://127.0.0.1:${port}/`);
    server.close();
    expect(seen[0]).toBe('inspection-bot/0.1 (+mailto:ops@example.gov.cn)');
  });
});
