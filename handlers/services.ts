import type { Dataset } from '../data/dataset.ts';
import type { WorkCalendar } from '../data/deadlines/calendar.ts';
import type { PlanConfig } from '../data/deadlines/plan.ts';
import type { Task } from '../data/deadlines/task.ts';
import { nameKey } from '../data/normalize.ts';
import type { Deadline, Region } from '../data/schema.ts';
import type { Contact } from './reply.ts';

/**
 * What handlers ask of the running process, as narrow interfaces: the bot (bot/) implements them
 * with its groups file, subscriptions document, outbox and task store; tests and `npm run ask`
 * pass what they use. Handlers never import bot/.
 */

/** A declared chat group as a handler sees it (bot/groups.ts loads and validates them). */
export interface GroupInfo {
  id: string;
  name: string;
  platform: 'dingtalk' | 'wecom';
  /** What groups.json declares it follows (region names and unit names). */
  follows: { regions: string[]; units: string[] };
  admins: Contact[];
  /** Sends a short all-clear when a round has nothing in its scope. */
  allClear: boolean;
}

export interface GroupDirectory {
  readonly list: readonly GroupInfo[];
  byId(id: string): GroupInfo | undefined;
}

/** What a group follows: region ids (a region covers its sub-regions) and unit names. */
export interface FollowScope {
  regions: string[];
  units: string[];
}

/** What `/sub 福州` or `/sub 福建省教育厅` names. */
export type Target = { kind: 'region'; region: Region } | { kind: 'unit'; name: string };

/** What each group follows, changed by /sub and /unsub (bot/alerts/subscriptions.ts). */
export interface SubscriptionBook {
  scopeOf(groupId: string, data: Dataset): FollowScope;
  /** True when the group did not follow the target before. */
  add(groupId: string, target: Target, data: Dataset): Promise<boolean>;
  /** True when the group followed the target. */
  remove(groupId: string, target: Target, data: Dataset): Promise<boolean>;
}

/**
 * What `/sub 福州` or `/sub 福建省教育厅` means: a region first (preferring the latest round's
 * province for shared names), then a unit known to the register or named in any round.
 */
export function resolveTarget(text: string, data: Dataset): Target | undefined {
  const region = data.regions.resolve(text, data.rounds.at(-1)?.round.scopeRegionId);
  if (region) return { kind: 'region', region: region.region };
  const unit = data.unit(text);
  if (unit) return { kind: 'unit', name: unit.name };
  const key = nameKey(text);
  for (const view of data.rounds) {
    const f = view.file.failures.find((x) => x.unitName && nameKey(x.unitName) === key);
    if (f?.unitName) return { kind: 'unit', name: f.unitName };
  }
  return undefined;
}

export interface OutboxCounts {
  pending: number;
  sending: number;
  sent: number;
  dead: number;
  /** Creation time of the oldest message not yet sent or dead. */
  oldestPendingAt?: Date;
}

/** A message the outbox gave up on, as /status lists it. */
export interface DeadLetter {
  key: string;
  groupId: string;
  reply?: { title: string };
  dead?: { reason: string; errcode?: number };
}

/** What /status reads of the outbox: the running bot's, or a read-only look at its files. */
export interface OutboxView {
  stats(): OutboxCounts | Promise<OutboxCounts>;
  /** Dead letters, optionally of one group, oldest first. */
  deadLetters(groupId?: string): DeadLetter[] | Promise<DeadLetter[]>;
}

/** The running bot's outbox: /retry re-queues dead letters. */
export interface OutboxDesk extends OutboxView {
  /** Dead letters of one group (or all) back to pending; returns how many. */
  retryDead(groupId: string | undefined, now: Date): Promise<number>;
}

/** Rectification tasks: what /done, /deadline and /overdue use (bot/reminders/service.ts). */
export interface TaskService {
  readonly calendar: WorkCalendar;
  readonly plan: PlanConfig;
  tasks(data: Dataset): Task[];
  /** Whether a group follows a task's unit or region (and so sees it and gets its reminders). */
  follows(group: GroupInfo, task: Task, data: Dataset): boolean;
  /** Marks tasks submitted; returns the ids that were still open. */
  close(ids: readonly string[], by: string, at: Date): Promise<string[]>;
  setRoundDeadline(roundKey: string, deadline: Deadline, by: string, at: Date): Promise<void>;
  setUnitDeadline(roundKey: string, unitKey: string, deadline: Deadline, by: string, at: Date): Promise<void>;
}

/** A background job's next run. */
export interface ScheduledJob {
  /** As shown to users (handlers/text.ts statusText). */
  name: string;
  at: Date;
}

/** A notice pasted in a chat, previewed and waiting for /apply or /cancel (handlers/import.ts). */
export interface PendingImport {
  /**
   * The notice's text as pasted or as read from the file sent; /apply reads it again against the
   * data as it then stands. Empty for a spreadsheet (its file is kept, see `file.kept`).
   */
  text: string;
  /** When it was previewed (ISO); it lapses IMPORT_PENDING_MINUTES later. */
  at: string;
  /** Replacing the stored round would drop failures or regions: /apply needs `replace`. */
  drops: boolean;
  /** The round it previewed (a spreadsheet holding only a register: its file name), for the answers. */
  roundKey: string;
  /** Sent as a file in the chat (not pasted): what /apply needs to read it again. */
  file?: PendingFile;
}

/** A file sent in the chat and previewed (PendingImport.file). */
export interface PendingFile {
  /** The file's name as sent: the round's source, and what the answers call it. */
  name: string;
  /** How it was read: a notice's text (.txt/.docx/.pdf/.html) or a spreadsheet (.xlsx/.csv). */
  format: 'txt' | 'docx' | 'pdf' | 'html' | 'xlsx' | 'csv';
  /** The document's or page's title and publication date, when the notice's text has none. */
  title?: string;
  published?: string;
  /** A spreadsheet's bytes stay in the bot's keeping (ChatFiles) under this id until /apply or /cancel. */
  kept?: string;
}

/**
 * A file a chat message carries (a DingTalk robot file or a quoted one, a WeCom 智能机器人 file):
 * `handle` is what the platform needs to fetch it (download code and robot, or URL and key),
 * opaque to handlers.
 */
export interface ChatFileRef {
  platform: 'dingtalk' | 'wecom';
  /** The name, when the message says it (DingTalk fileName); WeCom's comes with the download. */
  name?: string;
  handle: Readonly<Record<string, string>>;
}

/** A chat file downloaded (and decrypted) into the bot's keeping, under its own name. */
export interface KeptFile {
  id: string;
  /** Absolute path; its base name is the file's name as sent (sanitized). */
  path: string;
  name: string;
  size: number;
}

/** Why a chat file could not be fetched; handlers/text.ts says each in Chinese. */
export type ChatFileProblem =
  /** Larger than the bot takes (`limit` bytes). */
  | 'too_large'
  /** The download did not finish in time. */
  | 'timeout'
  /** The platform no longer knows the file (code or link expired or invalid): send it again. */
  | 'expired'
  /** The platform could not be reached or failed (network, 5xx): try again later. */
  | 'unavailable'
  /** The platform refused the bot's credentials or permission: the operator must fix them. */
  | 'refused'
  /** The bytes do not decrypt with the key the platform gave (WeCom). */
  | 'undecryptable'
  /** This transport or configuration cannot fetch files (no key, no app credentials). */
  | 'unsupported';

export class ChatFileError extends Error {
  constructor(
    readonly problem: ChatFileProblem,
    /** For the log (never shown: it may name hosts). */
    detail: string,
    readonly limit?: number,
  ) {
    super(detail);
    this.name = 'ChatFileError';
  }
}

/** Fetches the files chat messages carry and keeps them until an import is applied or dropped. */
export interface ChatFiles {
  /** Largest file taken, in bytes (refused before more is read). */
  readonly maxBytes: number;
  /** Downloads (and decrypts) a file; throws ChatFileError. */
  fetch(ref: ChatFileRef): Promise<KeptFile>;
  /** A kept file, or undefined when it is gone (dropped, swept, or kept by another instance). */
  find(id: string): Promise<KeptFile | undefined>;
  /** Drops a kept file (nothing when it is gone already). */
  drop(id: string): Promise<void>;
}

/** Pending chat imports, one per sender and chat, kept across restarts (bot/imports/pending.ts). */
export interface PendingImportBook {
  get(key: string): PendingImport | undefined;
  put(key: string, pending: PendingImport): Promise<void>;
  remove(key: string): Promise<void>;
}
