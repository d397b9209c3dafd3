import type { Dataset } from '../data/dataset.ts';
import type { ImportService } from '../data/import/service.ts';
import type { InspectionStore } from '../data/store.ts';
import type { Contact } from './reply.ts';
import type {
  ChatFileRef,
  ChatFiles,
  GroupDirectory,
  OutboxDesk,
  OutboxView,
  PendingImportBook,
  ProbeService,
  ScheduledJob,
  SubscriptionBook,
  TaskService,
} from './services.ts';

export type { ScheduledJob } from './services.ts';

export type PlatformName = 'dingtalk' | 'wecom' | 'cli' | 'api';

/** What /apply needs of the import service: a round's and a register's entry points (alerts, reminder tasks and audit follow). */
export type NoticeImporter = Pick<ImportService, 'apply' | 'applyRegister'>;

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
  /** The declared group the message came from, when known (GROUPS_FILE). */
  groupId?: string;
  /** The message as received (before command parsing): the notice text of a chat import. */
  text?: string;
  /** The platform's id of the chat (WeCom chatid, DingTalk conversationId), for /whoami. */
  conversationId?: string;
  /** A file the message carries (sent to the bot, or quoted with an @): an import to preview. */
  file?: ChatFileRef;
  /** Stateful services (subscriptions, outbox, tasks …); see Services. */
  services: Services;
}

/**
 * Services a handler may call. Each is optional so that `npm run ask` and tests wire only what
 * they use; a handler whose service is missing answers that the feature is not configured.
 * Features add their service here (one field each).
 */
export interface Services {
  groups?: GroupDirectory;
  /** Rectification tasks and their deadlines (/done, /deadline, /overdue). */
  tasks?: TaskService;
  /** What each group follows, changed by /sub and /unsub (bot/alerts/subscriptions.ts). */
  subscriptions?: SubscriptionBook;
  /** Outgoing pushes: /status reads it, /retry re-queues dead letters (bot/outbox/queue.ts). */
  outbox?: OutboxDesk;
  /**
   * A read-only look at the outbox files, for /status where `outbox` is not opened (`npm run
   * ask`: the running bot is the outbox's only writer). /retry needs `outbox`.
   */
  outboxReport?: OutboxView;
  /** The one import entry point (data/import/service.ts ImportService): /apply writes through it. */
  imports?: NoticeImporter;
  /** Chat imports previewed and waiting for /apply or /cancel. */
  pendingImports?: PendingImportBook;
  /** Site probing (issue 16): /probe and /watch read its store. */
  probe?: ProbeService;
  /** Downloads the files chat messages carry, and keeps a spreadsheet's until /apply (bot/imports/chat-files.ts). */
  chatFiles?: ChatFiles;
  /** Background jobs and when each next runs by itself (outbox drain, reminder scan), for /status. */
  jobs?: { upcoming(): ScheduledJob[] };
}
