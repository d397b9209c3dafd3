import type { OpenStore, PgConnection } from '../../data/open-store.ts';
import { PgProbeStore } from '../../data/pg/probe-store.ts';
import { FileProbeStore, type ProbeStore } from '../../data/probe/store.ts';
import type { Site } from '../../data/schema.ts';
import type { ProbeService } from '../../handlers/services.ts';
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

export interface Probing {
  /** Where tallies and readings are kept: /probe, /watch and the warnings read standings here. */
  store: ProbeStore;
  /** The schedule, when PROBE=on. */
  loop: ProbeLoop | undefined;
  /** Stops the schedule (tries in flight finish) and writes the tallies. */
  stop(): Promise<void>;
}

/**
 * The probe store beside the inspection store (probe.json in DATA_DIR, or PostgreSQL tables for
 * STORE=postgres) and, with PROBE=on, the schedule probing every registered site.
 */
export async function openProbing(deps: {
  config: Config;
  opened: Pick<OpenStore, 'pg'>;
  coordinator: Coordinator;
  sites: () => readonly Site[];
  log: Logger;
}): Promise<Probing> {
  const { config, opened, log } = deps;
  const store: ProbeStore = opened.pg
    ? await PgProbeStore.open(opened.pg.pool)
    : await FileProbeStore.open(config.dataDir);
  if (config.PROBE !== 'on') return { store, loop: undefined, stop: async () => undefined };
  const loop = new ProbeLoop({
    sites: deps.sites,
    store,
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
  return { store, loop, stop: () => loop.stop() };
}

/**
 * The probe store alone, for the doors that only read standings or evaluate warnings (`npm run
 * ask`, `npm run jobs -- probe-warn`): the same store the bot's probing writes.
 */
export async function openProbeStore(config: Config, pg?: Pick<PgConnection, 'pool'>): Promise<ProbeStore> {
  return pg ? PgProbeStore.open(pg.pool) : FileProbeStore.open(config.dataDir);
}

/** What /probe and /watch read (handlers/services.ts ProbeService). */
export function probeService(config: Config, store: ProbeStore): ProbeService {
  return { enabled: config.PROBE === 'on', perDay: config.PROBE_PER_DAY, store };
}
