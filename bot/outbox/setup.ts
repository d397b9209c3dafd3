import type { AxiosInstance } from 'axios';
import type { InspectionStore } from '../../data/store.ts';
import { alertRound, createAlertListener } from '../alerts/listener.ts';
import { Subscriptions } from '../alerts/subscriptions.ts';
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
import { statusText } from '../../handlers/text.ts';

export interface DeliveryDeps {
  config: Config;
  store: InspectionStore;
  groups: Groups;
  imports: ImportService;
  http: AxiosInstance;
  log: Logger;
  clock?: Clock;
}

/** A just-imported round whose alerts a crash may have cut short is scanned again at start. */
const CATCH_UP_MS = 24 * 3600_000;

/**
 * Alerts and the outbox, wired: $DATA_DIR/outbox.json and subscriptions.json, a pusher per
 * platform (group-robot pushes work whatever the inbound mode), the drain, and the alert
 * listener on every import. `start` resumes sending; `stop` waits for requests in flight.
 */
export async function openDelivery(deps: DeliveryDeps) {
  const clock = deps.clock ?? systemClock;
  const outbox = await Outbox.open(deps.config.dataDir);
  const subscriptions = await Subscriptions.open(deps.config.dataDir, deps.groups);
  const pushers = {
    wecom: createWecomPusher({ config: deps.config, http: deps.http }),
    dingtalk: createDingtalkPusher({ config: deps.config, http: deps.http }),
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
  };
  deps.imports.onImported(createAlertListener(alertDeps));
  return {
    outbox,
    subscriptions,
    drain,
    /** For /status: when the drain next sends by itself. */
    upcoming: (): Array<{ name: string; at: Date }> => {
      const at = drain.nextWake();
      return at ? [{ name: statusText.drainJob, at }] : [];
    },
    /**
     * Resumes sending. `catchUp`: scan the last import again if it is recent (a crash between
     * writing a round and queueing its alerts); off right after seeding the shipped round.
     */
    async start(catchUp: boolean): Promise<void> {
      const last = deps.store.state.data.lastImport;
      if (catchUp && last && clock.now() - Date.parse(last.at) < CATCH_UP_MS) {
        await alertRound(alertDeps, last.roundKey);
      }
      await drain.start();
    },
    stop: () => drain.stop(),
  };
}
