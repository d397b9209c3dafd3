import type { AxiosInstance } from 'axios';
import type { PgConnection } from '../../data/open-store.ts';
import type { InspectionStore } from '../../data/store.ts';
import { type Coordinator, LocalCoordinator } from '../coordination.ts';
import { alertRound } from '../alerts/listener.ts';
import { Subscriptions } from '../alerts/subscriptions.ts';
import type { ChartImages } from '../charts/images.ts';
import type { Config } from '../config.ts';
import type { Groups } from '../groups.ts';
import type { ImportService } from '../imports.ts';
import type { Logger } from '../logger.ts';
import { createDingtalkPusher } from '../platforms/dingtalk/index.ts';
import { createWecomPusher } from '../platforms/wecom/index.ts';
import { type Clock, systemClock } from './clock.ts';
import { Drain } from './drain.ts';
import { PgOutbox } from './pg-queue.ts';
import { Outbox } from './queue.ts';

export interface DeliveryDeps {
  config: Config;
  store: InspectionStore;
  groups: Groups;
  imports: ImportService;
  http: AxiosInstance;
  log: Logger;
  clock?: Clock;
  /** Chart pictures for chart messages (bot/charts/images.ts). */
  charts?: ChartImages;
  /** With STORE=postgres: the outbox and subscriptions live there, shared by every instance. */
  pg?: PgConnection | undefined;
  coordinator?: Coordinator;
}

/**
 * Alerts and the outbox, wired: $DATA_DIR/outbox.json and subscriptions.json, a pusher per
 * platform (group-robot pushes work whatever the inbound mode), the drain, and the alert
 * listener on every import. `start` resumes sending; `stop` waits for requests in flight.
 */
export async function openDelivery(deps: DeliveryDeps) {
  const clock = deps.clock ?? systemClock;
  const coordinator = deps.coordinator ?? new LocalCoordinator();
  const pg = deps.pg;
  const pgOutbox = pg ? await PgOutbox.open(pg.pool, { owner: pg.instanceId, hub: pg.hub }) : undefined;
  const outbox =
    pgOutbox ?? (await Outbox.open(deps.config.dataDir, { warn: (message) => deps.log.warn(message) }));
  const subscriptions = pg
    ? await Subscriptions.openPg(pg.pool, deps.groups, pg.hub)
    : await Subscriptions.open(deps.config.dataDir, deps.groups);
  const pushers = {
    wecom: createWecomPusher({ config: deps.config, http: deps.http, ...(deps.charts ? { charts: deps.charts } : {}) }),
    dingtalk: createDingtalkPusher({ config: deps.config, http: deps.http, ...(deps.charts ? { charts: deps.charts } : {}) }),
  };
  const pace = { perMinute: deps.config.OUTBOX_PER_MINUTE, windowMs: deps.config.OUTBOX_WINDOW_MS };
  // One drain for both stores: the queue decides pace and claims (in memory, or in the database
  // for every instance).
  const drain = new Drain({
    outbox,
    groups: deps.groups,
    pushers,
    clock,
    log: deps.log,
    pace,
    leaseMs: deps.config.OUTBOX_LEASE_MS,
  });
  const alertDeps = {
    store: deps.store,
    groups: deps.groups,
    subscriptions,
    outbox,
    pushers,
    clock,
    log: deps.log,
    ...(deps.charts ? { charts: deps.charts } : {}),
  };
  /**
   * Queues a round's alerts, then notes the import as scanned (both idempotent). One instance at a
   * time, on subscriptions as every instance last changed them.
   */
  const scan = (roundKey: string) =>
    coordinator.exclusive('alerts', async () => {
      await subscriptions.reload();
      await alertRound(alertDeps, roundKey);
      const last = deps.store.state.data.lastImport;
      if (last?.roundKey === roundKey) await subscriptions.markScanned(last);
    });
  /** An import whose alerts were never queued (a crash, or an import by another process) is scanned. */
  const catchUp = (seeded: boolean) =>
    coordinator.exclusive('alerts', async () => {
      await subscriptions.reload();
      const last = deps.store.state.data.lastImport;
      const scanned = subscriptions.scanned();
      if (!last || (scanned?.roundKey === last.roundKey && scanned.at === last.at)) return;
      if (seeded) await subscriptions.markScanned(last);
      else {
        // Every round imported since the last scan (two imports by another process in quick
        // succession are both caught up), the last import last; each scan queues only what is missing.
        const since = scanned ? Date.parse(scanned.at) : Number.POSITIVE_INFINITY;
        const keys = deps.store
          .dataset()
          .rounds.filter((v) => v.round.key !== last.roundKey && Date.parse(v.round.importedAt) > since)
          .map((v) => v.round.key);
        for (const key of [...keys, last.roundKey]) await alertRound(alertDeps, key);
        await subscriptions.markScanned(last);
      }
    });
  deps.imports.onImported((event) => scan(event.roundKey));
  return {
    outbox,
    subscriptions,
    /** One per platform; the reminder job fits its messages to them (digest.fitsPusher). */
    pushers,
    /** Sends what the outbox holds; `drain.nextWake()` is its next run for /status. */
    drain,
    /**
     * Resumes sending. An import whose alerts were never queued (the process died between
     * writing the round and queueing) is scanned now. `seeded`: the shipped round was imported
     * on this start; it is noted as scanned without alerting anyone. On PostgreSQL an import by
     * another process (npm run import, another instance's API) is caught up when it is notified.
     */
    async start(seeded: boolean): Promise<void> {
      await catchUp(seeded);
      deps.store.onChange?.(() => {
        catchUp(false).catch((err: unknown) => deps.log.error({ err }, 'alerts: catch-up scan failed'));
      });
      await drain.start();
    },
    stop: () => drain.stop(),
  };
}
