import type { Dataset, RoundView } from '../../data/dataset.ts';
import { channels } from '../../data/schema.ts';
import { chartFor } from '../../handlers/charts/build.ts';
import type { ChartRef } from '../../handlers/charts/spec.ts';
import type { ChartImages } from '../charts/images.ts';
import type { Group } from '../groups.ts';
import type { Logger } from '../logger.ts';
import type { OutgoingMessage } from '../outbox/queue.ts';
import type { Scope } from './subscriptions.ts';

export interface ChartUnderAlertsInput {
  data: Dataset;
  view: RoundView;
  group: Group;
  scope: Scope;
  /** The alert messages this scan queues for the group. */
  alerts: OutgoingMessage[];
  charts: ChartImages | undefined;
  log: Logger;
  now: Date;
  known: (key: string) => boolean;
}

/**
 * The chart a group that opted in (`"chart": true` in groups.json) gets under the alerts of a new
 * round: the ranking of the first region it follows that has ranked sub-regions in the round
 * (else the round's whole scope). Once per round and group (key `chart|<round>|<group>`), only
 * when the scan queues alerts for it, after them in the robot's order. DingTalk needs a link, so
 * without PUBLIC_BASE_URL the chart is skipped with a warning.
 */
export function chartUnderAlerts(i: ChartUnderAlertsInput): OutgoingMessage | undefined {
  if (!i.group.chart || i.alerts.length === 0) return undefined;
  const key = `chart|${i.view.round.key}|${i.group.id}`;
  if (i.known(key)) return undefined;
  if (!i.charts) return undefined;
  const ranked = (id: string) =>
    channels.some((ch) => i.data.regions.childrenOf(id).some((c) => (i.data.tally(i.view, c.id, ch)?.checked ?? 0) > 0));
  const regionId = i.scope.regions.find(ranked) ?? i.view.round.scopeRegionId;
  const ref: ChartRef = { kind: 'rank', regionId, roundKey: i.view.round.key };
  const chart = chartFor(i.data, ref);
  if (!chart) return undefined;
  if (i.group.platform === 'dingtalk' && !i.charts.url(ref, i.now)) {
    i.log.warn({ group: i.group.id }, 'alerts: chart skipped: DingTalk shows pictures by link and PUBLIC_BASE_URL is unset');
    return undefined;
  }
  return { key, groupId: i.group.id, kind: 'alert', reply: { title: chart.title, lines: [], mentions: [], chart: ref }, items: [key] };
}
