import type { Dataset } from '../data/dataset.ts';
import type { WorkCalendar } from '../data/deadlines/calendar.ts';
import type { PlanConfig } from '../data/deadlines/plan.ts';
import type { Task } from '../data/deadlines/task.ts';
import { nameKey } from '../data/normalize.ts';
import type { ProbeStore } from '../data/probe/store.ts';
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

/** Pending chat imports live in the store, one per (platform, chat, sender): data/pending-imports.ts. */
export type { PendingImport, PendingImportBook, PendingKey } from '../data/pending-imports.ts';

/** Site probing as /probe and /watch read it (issue 16): the probe store and how probing is set. */
export interface ProbeService {
  /** PROBE=on: the bot probes the register's sites. */
  readonly enabled: boolean;
  /** Tries planned per site and Shanghai day (PROBE_PER_DAY), for the week's budget. */
  readonly perDay: number;
  readonly store: Pick<ProbeStore, 'tallies' | 'reading'>;
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

/** A chat file downloaded (and decrypted) to a private temporary place, under its own name. */
export interface KeptFile {
  id: string;
  /** Absolute path; its base name is the file's name as sent (made safe). */
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

/**
 * Fetches the files chat messages carry into a private temporary folder (bot/imports/chat-files.ts).
 * A spreadsheet's bytes wait for /apply in the pending import itself (so any instance can apply
 * it); /apply puts them back in a file with materialize().
 */
export interface ChatFiles {
  /** Largest file downloaded, in bytes (refused before more is read). */
  readonly maxBytes: number;
  /** Downloads (and decrypts) a file; throws ChatFileError. */
  fetch(ref: ChatFileRef): Promise<KeptFile>;
  /** Writes bytes kept with a pending import back to a file of that name, for the readers. */
  materialize(name: string, bytes: Buffer): Promise<KeptFile>;
  /** Removes a fetched or materialized file (nothing when it is gone already). */
  drop(id: string): Promise<void>;
}
