import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FileProbeStore } from '../../data/probe/store.ts';
import { openStore } from '../../data/open-store.ts';
import { type Site, siteSchema } from '../../data/schema.ts';
import { standingLines } from '../../handlers/probe.ts';
import { probeText as tx } from '../../handlers/text.ts';
import type { Config } from '../config.ts';
import { PoliteFetcher } from '../probe/fetch.ts';
import { PoliteLimiter } from '../probe/limiter.ts';
import { probeHomepage, readSite, siteStanding } from '../probe/run.ts';

/**
 * `npm run jobs -- probe --now <ISO> --dry-run [--sites <file.json>]`: probes each registered
 * site's homepage once and reads its columns, then prints each rule's standing from the stored
 * tallies (DATA_DIR/probe.json, read only) plus this try. The sites are the register's (the
 * store's 网站名册 with its 栏目名册); `--sites` gives a JSON array of sites instead. Writes nothing.
 */
export async function runProbeDryRun(
  config: Config,
  sitesFile: string | undefined,
  now: Date,
  out: (line: string) => void,
): Promise<number> {
  let sites: Site[];
  if (sitesFile) {
    try {
      sites = z.array(siteSchema).parse(JSON.parse(await readFile(sitesFile, 'utf8')));
    } catch (err) {
      out(tx.badSites(sitesFile, err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message));
      return 2;
    }
  } else {
    // The register as stored, read only beside whatever writes it (the running bot).
    const opened = await openStore(config, { oneShot: true, readOnly: true });
    try {
      sites = opened.store
        .dataset()
        .sites.probed()
        .map((s) => s.site);
    } finally {
      await opened.close();
    }
    if (sites.length === 0) {
      out(tx.noSites);
      return 2;
    }
  }
  const store = await FileProbeStore.open(config.dataDir);
  const contact = config.PROBE_CONTACT ? `; +${config.PROBE_CONTACT}` : '';
  const fetcher = new PoliteFetcher({
    userAgent: `Mozilla/5.0 (compatible; inspection-bot/0.1${contact})`,
    limiter: new PoliteLimiter({ global: config.PROBE_CONCURRENCY, perHost: 2, spacingMs: 1000 }),
  });
  out(tx.dryHeader(now.toISOString()));
  // Sites are probed together (the limiter keeps each address to 2 in flight and 1 a second) and
  // printed in register order.
  const lines = await Promise.all(
    sites
      .filter((s) => s.url)
      .map(async (site) => {
        const home = await probeHomepage(fetcher, store, site, now);
        const reading = await readSite(fetcher, site, now, home.outcome === 'ok' ? home.body : undefined);
        store.setReading(site.id, reading);
        return standingLines(
          siteStanding(store, site, now, config.PROBE_PER_DAY),
          reading.homepage !== undefined,
        ).join('\n');
      }),
  );
  for (const text of lines) {
    out(text);
    out('');
  }

  return 0;
}
