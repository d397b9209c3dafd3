import type { Dataset } from '../data/dataset.ts';
import type { InspectionStore } from '../data/store.ts';
import type { Subscriptions } from '../bot/alerts/subscriptions.ts';
import type { Groups } from '../bot/groups.ts';
import type { Outbox } from '../bot/outbox/queue.ts';
import type { TaskService } from '../bot/reminders/service.ts';
import type { Contact } from './reply.ts';

export type PlatformName = 'dingtalk' | 'wecom' | 'cli' | 'api';

/** Who sent a command, in platform-neutral terms. */
export interface Sender extends Contact {
  platform: PlatformName;
}

/** Everything a handler may read. Handlers are pure over this: no HTTP, Koa, axios or lowdb. */
export interface HandlerContext {
  data: Dataset;
  store: InspectionStore;
  now: Date;
  sender: Sender;
  /** The declared group the message came from, when known (bot/groups.ts). */
  groupId?: string;
  /** Stateful services (subscriptions, outbox, tasks …); see Services. */
  services: Services;
}

/**
 * Services a handler may call. Each is optional so that `npm run ask` and tests wire only what
 * they use; a handler whose service is missing answers that the feature is not configured.
 * Features add their service here (one field each).
 */
export interface Services {
  groups?: Groups;
  /** Rectification tasks and their deadlines (/done, /deadline, /overdue). */
  tasks?: TaskService;
  /** What each group follows, changed by /sub and /unsub (bot/alerts/subscriptions.ts). */
  subscriptions?: Subscriptions;
  /** Outgoing pushes: /status reads it, /retry re-queues dead letters (bot/outbox/queue.ts). */
  outbox?: Outbox;
  /** When background work next runs (outbox drain, scheduled jobs), for /status. */
  schedule?: { upcoming(now: Date): Array<{ name: string; at: Date }> };
}
