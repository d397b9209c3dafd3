import { shanghaiDate } from '../../data/deadlines/time.ts';
import { classifyTry, type TryVerdict } from '../../data/probe/classify.ts';
import { pubDateMeta } from '../../data/probe/dates.ts';
import { type ColumnReading, kindFromName } from '../../data/probe/freshness.ts';
import { newestOnHomepage, readListPage } from '../../data/probe/list-page.ts';
import type { ProbeStore, SiteReading } from '../../data/probe/store.ts';
import type { Site } from '../../data/schema.ts';
import type { PoliteFetcher } from './fetch.ts';

/**
 * One probe of a homepage (availability) and one daily reading of a site's homepage and columns
 * (freshness). Only the site's registered URLs and the robots.txt of their origins are fetched;
 * the one exception is the PubDate fallback, which reads the newest item's page of a registered
 * column when no item on the list carries a date, and only on the column's own origin.
 */
export { siteStanding, type SiteStanding } from '../../data/probe/standing.ts';

/**
 * One try, tallied for the Shanghai day of `now` (the scheduler passes the slot's time, so a try
 * due at 23:59:59 counts for its own day). A try cut short by `signal` (probing stops) is not a
 * try: it is returned with `aborted` and tallied nowhere. `onStart` hears when the request goes out.
 */
export async function probeHomepage(
  fetcher: PoliteFetcher,
  store: ProbeStore,
  site: Site,
  now: Date,
  opts: { signal?: AbortSignal; onStart?: () => void } = {},
): Promise<TryVerdict & { body?: string; elapsedMs: number; aborted?: boolean }> {
  if (!site.url) return { outcome: 'failed', reason: 'other', elapsedMs: 0 };
  const res = await fetcher.get(site.url, opts.signal, opts.onStart);
  const verdict = classifyTry(res);
  if (res.aborted) return { ...verdict, elapsedMs: res.elapsedMs, aborted: true };
  store.record(site.id, shanghaiDate(now), verdict.outcome);
  return { ...verdict, body: res.body, elapsedMs: res.elapsedMs };
}

export async function readSite(
  fetcher: PoliteFetcher,
  site: Site,
  now: Date,
  homepageBody?: string,
  signal?: AbortSignal,
): Promise<SiteReading> {
  let homepage: SiteReading['homepage'];
  if (homepageBody !== undefined) homepage = { newest: newestOnHomepage(homepageBody, now) };
  const columns: ColumnReading[] = [];
  for (const c of site.columns ?? []) {
    const base = { name: c.name, kind: c.kind ?? kindFromName(c.name), periodDays: c.periodDays };
    if (!(await fetcher.allowed(c.url, now, signal))) {
      columns.push({ ...base, unreadable: 'robots' });
      continue;
    }
    const res = await fetcher.get(c.url, signal);
    const verdict = classifyTry(res);
    if (verdict.outcome !== 'ok' || res.body === undefined) {
      columns.push({ ...base, unreadable: verdict.reason });
      continue;
    }
    const list = readListPage(res.body, now);
    let newest = list.newest;
    if (!list.blank && !newest && list.firstLink) {
      const link = sameOrigin(list.firstLink, c.url);
      if (link && (await fetcher.allowed(link, now, signal))) {
        const item = await fetcher.get(link, signal);
        if (item.body && classifyTry(item).outcome === 'ok') newest = pubDateMeta(item.body, now);
      }
    }
    columns.push({ ...base, read: { blank: list.blank, newest, items: list.items } });
  }
  return { at: now.toISOString(), homepage, columns };
}

function sameOrigin(href: string, base: string): string | undefined {
  try {
    const u = new URL(href, base);
    return u.origin === new URL(base).origin ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
