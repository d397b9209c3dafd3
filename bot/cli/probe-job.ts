import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FileProbeStore } from '../../data/probe/store.ts';
import { siteSchema } from '../../data/schema.ts';
import { standingLines } from '../../handlers/probe.ts';
import { probeText as tx } from '../../handlers/text.ts';
import type { Config } from '../config.ts';
import { PoliteFetcher } from '../probe/fetch.ts';
import { PoliteLimiter } from '../probe/limiter.ts';
import { probeHomepage, readSite, siteStanding } from '../probe/run.ts';

/**
 * `npm run jobs -- probe --now <ISO> --dry-run --sites <file.json>`: probes each site's homepage
 * once and reads its columns, then prints each rule's standing from the stored tallies (DATA_DIR/
 * probe.json, read only) plus this try. Writes nothing.
 */
export async function runProbeDryRun(
  config: Config,
  sitesFile: string | undefined,
  now: Date,
  out: (line: string) => void,
): Promise<number> {
  if (!sitesFile) {
    out(tx.noSites);
    return 2;
  }
  let sites: z.infer<typeof siteSchema>[];
  try {
    sites = z.array(siteSchema).parse(JSON.parse(await readFile(sitesFile, 'utf8')));
  } catch (err) {
    out(tx.badSites(sitesFile, err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message));
    return 2;
  }
  const store = await FileProbeStore.open(config.dataDir);
  const contact = config.PROBE_CONTACT ? `; +${config.PROBE_CONTACT}` : '';
  const fetcher = new PoliteFetcher({
    userAgent: `Mozilla/5.0 (compatible; inspection-bot/0.1${contact})`,
    limiter: new PoliteLimiter({ global: config.PROBE_CONCURRENCY, perHost: 2, spacingMs: 1000 }),
  });
  out(tx.dryHeader(now.toISOString()));
  for (const site of sites.filter((s) => s.url)) {
    const home = await probeHomepage(fetcher, store, site, now);
    const reading = await readSite(fetcher, site, now, home.outcome === 'ok' ? home.body : undefined);
    store.setReading(site.id, reading);
    out(
      standingLines(
        siteStanding(store, site, now, config.PROBE_PER_DAY),
        reading.homepage !== undefined,
      ).join('\n'),
    );
    out('');
  }

  return 0;
}
