import type { Dataset } from '../data/dataset.ts';
import type { InspectionStore } from '../data/store.ts';
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
}
