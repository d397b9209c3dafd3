import type { AxiosInstance } from 'axios';
import type { InspectionStore } from '../../data/store.ts';
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
import { Pacer } from './pace.ts';
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
}

/**
 * Alerts and the outbox, wired: $DATA_DIR/outbox.json and subscriptions.json, a pusher per
 * platform (group-robot pushes work whatever the inbound mode), the drain, and the alert
 * listener on every import. `start` resumes sending; `stop` waits for requests in flight.
 */
export async function openDelivery(deps: DeliveryDeps) {
  const clock = deps.clock ?? systemClock;
  const outbox = await Outbox.open(deps.config.dataDir, { warn: (message) => deps.log.warn(message) });
  const subscriptions = await Subscriptions.open(deps.config.dataDir, deps.groups);
  const pushers = {
    wecom: createWecomPusher({ config: deps.config, http: deps.http, ...(deps.charts ? { charts: deps.charts } : {}) }),
    dingtalk: createDingtalkPusher({ config: deps.config, http: deps.http, ...(deps.charts ? { charts: deps.charts } : {}) }),
  };
  const drain = new Drain({
    outbox,
    groups: deps.groups,
    pushers,
    clock,
    log: deps.log,
    pacer: new Pacer(deps.config.OUTBOX_PER_MINUTE),
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
  /** Queues a round's alerts, then notes the import as scanned (both idempotent). */
  const scan = async (roundKey: string) => {
    await alertRound(alertDeps, roundKey);
    const last = deps.store.state.data.lastImport;
    if (last?.roundKey === roundKey) await subscriptions.markScanned(last);
  };
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
     * on this start; it is noted as scanned without alerting anyone.
     */
    async start(seeded: boolean): Promise<void> {
      const last = deps.store.state.data.lastImport;
      const scanned = subscriptions.scanned();
      if (last && (scanned?.roundKey !== last.roundKey || scanned.at !== last.at)) {
        if (seeded) await subscriptions.markScanned(last);
        else await scan(last.roundKey);
      }
      await drain.start();
    },
    async stop(): Promise<void> {
      await drain.stop();
      await outbox.close();
    },
  };
}
