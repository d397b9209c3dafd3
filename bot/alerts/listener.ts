import type { InspectionStore } from '../../data/store.ts';
import type { Group, Groups } from '../groups.ts';
import type { ImportListener } from '../imports.ts';
import type { Logger } from '../logger.ts';
import type { Pusher } from '../platforms/platform.ts';
import type { Clock } from '../outbox/clock.ts';
import { fitsPusher } from '../outbox/digest.ts';
import type { OutboxQueue } from '../outbox/queue.ts';
import type { ChartImages } from '../charts/images.ts';
import { chartUnderAlerts } from './chart.ts';
import { composeAlerts } from './compose.ts';
import type { Subscriptions } from './subscriptions.ts';

export interface AlertDeps {
  store: Pick<InspectionStore, 'dataset'>;
  groups: Groups;
  subscriptions: Subscriptions;
  outbox: OutboxQueue;
  pushers: Partial<Record<Group['platform'], Pusher>>;
  clock: Clock;
  log: Logger;
  /** For groups that opted in to a chart under their alerts (bot/alerts/chart.ts). */
  charts?: ChartImages;
}

/**
 * Queues the alerts a round owes every group, in one outbox write. An idempotent scan: what was
 * queued before (by item key) is skipped, so importing a round again, or running this after a
 * crash, queues only what is missing.
 */
export async function alertRound(deps: AlertDeps, roundKey: string): Promise<number> {
  // What other instances queued counts as known (PostgreSQL); the scan runs on one instance at a time.
  await deps.outbox.sync?.();
  const data = deps.store.dataset();
  const view = data.rounds.find((v) => v.round.key === roundKey);
  if (!view) return 0;
  const messages = deps.groups.list.flatMap((group) => {
    const pusher = deps.pushers[group.platform];
    if (!pusher) {
      deps.log.warn(
        { group: group.id, platform: group.platform },
        'alerts: no pusher for the platform; group skipped',
      );
      return [];
    }
    const scope = deps.subscriptions.scopeOf(group.id, data);
    const alerts = composeAlerts({
      data,
      view,
      group,
      scope,
      fits: fitsPusher(pusher),
      known: (key) => deps.outbox.knows(key),
    });
    const chart = chartUnderAlerts({ data, view, group, scope, alerts, charts: deps.charts, log: deps.log, now: new Date(deps.clock.now()), known: (key) => deps.outbox.knows(key) });
    return chart ? [...alerts, chart] : alerts;
  });
  const queued = await deps.outbox.enqueueAll(messages, new Date(deps.clock.now()));
  if (queued > 0) deps.log.info({ round: roundKey, queued }, 'alerts: queued');
  return queued;
}

/** The ImportService listener: every import (notice, spreadsheet, API) alerts the same way. */
export function createAlertListener(deps: AlertDeps): ImportListener {
  return async (event) => {
    await alertRound(deps, event.roundKey);
  };
}
