import type { PgConnection } from '../../data/open-store.ts';
import { PgProbeStore } from '../../data/pg/probe-store.ts';
import { FileProbeStore, type ProbeStore } from '../../data/probe/store.ts';
import type { Site } from '../../data/schema.ts';
import type { Config } from '../config.ts';
import type { Coordinator } from '../coordination.ts';
import type { Logger } from '../logger.ts';
import * as metrics from '../metrics.ts';
import { type Clock, systemClock } from '../outbox/clock.ts';
import { PoliteFetcher } from './fetch.ts';
import { PoliteLimiter } from './limiter.ts';
import { ProbeLoop } from './loop.ts';

/** Per resolved address: at most 2 requests in flight and one start a second (issue 16). */
export const PER_ADDRESS = { perHost: 2, spacingMs: 1000 } as const;

/** The User-Agent of every probe: the bot by name, and whom a site's operator can reach. */
export function probeUserAgent(contact: string | undefined): string {
  return `Mozilla/5.0 (compatible; inspection-bot/0.1; +${contact || 'no contact configured'})`;
}

export function createFetcher(
  config: Pick<Config, 'PROBE_CONTACT' | 'PROBE_CONCURRENCY'>,
  clock: Clock = systemClock,
): PoliteFetcher {
  return new PoliteFetcher({
    userAgent: probeUserAgent(config.PROBE_CONTACT),
    limiter: new PoliteLimiter({ global: config.PROBE_CONCURRENCY, ...PER_ADDRESS, now: () => clock.now() }),
    clock: () => clock.now(),
  });
}

/**
 * The probe store the bot, `npm run ask` and `npm run jobs` share: `DATA_DIR/probe.json`
 * (data/probe/store.ts), or with STORE=postgres the tables of data/pg/probe-store.ts on the
 * store's pool. One place to open it for every door.
 */
export async function openProbeStore(
  config: Pick<Config, 'dataDir'>,
  pg?: Pick<PgConnection, 'pool'>,
): Promise<ProbeStore> {
  return pg ? PgProbeStore.open(pg.pool) : FileProbeStore.open(config.dataDir);
}

/**
 * With PROBE=on, the schedule probing every registered site into `store` (README "Site probing");
 * undefined when probing is off.
 */
export function startProbeLoop(deps: {
  config: Config;
  store: ProbeStore;
  coordinator: Coordinator;
  sites: () => readonly Site[];
  log: Logger;
}): ProbeLoop | undefined {
  const { config, log } = deps;
  if (config.PROBE !== 'on') return undefined;
  const loop = new ProbeLoop({
    sites: deps.sites,
    store: deps.store,
    fetcher: createFetcher(config),
    coordinator: deps.coordinator,
    log,
    schedule: { perDay: config.PROBE_PER_DAY, jitterMs: 5 * 60_000 },
    onTry: (t) => {
      metrics.probeTries.inc({ outcome: t.outcome, reason: t.reason });
      metrics.probeLateSeconds.observe(Math.max(0, t.started - t.scheduled) / 1000);
    },
  });
  loop.start();
  log.info(
    {
      sites: deps.sites().filter((s) => s.url).length,
      perDay: config.PROBE_PER_DAY,
      concurrency: config.PROBE_CONCURRENCY,
    },
    'probing: on',
  );
  return loop;
}
