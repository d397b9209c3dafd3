import type { Reply } from '../../handlers/reply.ts';
import { Journal, toRow } from './journal.ts';
import { type Pace, Pacer } from './pace.ts';
import { type Entry, type Kind, move } from './schema.ts';

/** What a feature hands the outbox: alerts, reminders (issue 6), late command replies. */
export interface OutgoingMessage {
  /** Idempotency key, e.g. `alert|2020Q1@35|fz|…|1/2`; enqueueing it again does nothing. */
  key: string;
  groupId: string;
  kind: Kind;
  reply: Reply;
  /** Finer keys this message covers; a message whose items are all known is not queued. */
  items?: string[];
  /** Hold the message until then (default: send as soon as the robot's pace allows). */
  notBefore?: Date;
}

export interface OutboxStats {
  pending: number;
  sending: number;
  sent: number;
  dead: number;
  /** Creation time of the oldest message not yet sent or dead. */
  oldestPendingAt?: Date;
}

/**
 * What /status reads: the running bot's outbox (files or PostgreSQL), or a read-only look at its
 * files (readOutbox).
 */
export interface OutboxReport {
  stats(): OutboxStats | Promise<OutboxStats>;
  /** Dead letters, optionally of one group, oldest first. */
  deadLetters(groupId?: string): Entry[] | Promise<Entry[]>;
}

/**
 * The outbox as features and handlers use it: Outbox (files, one process) or PgOutbox
 * (PostgreSQL, shared by every instance: bot/outbox/pg-queue.ts).
 */
export interface OutboxQueue extends OutboxReport {
  /** Called after anything becomes sendable (the drain wakes up). */
  onChange(fn: () => void): void;
  /** True when a message or item key was queued before (PgOutbox: as of its last sync). */
  knows(key: string): boolean;
  /** Catches `knows` up with what other instances queued; nothing to do for one process. */
  sync?(): Promise<void>;
  /** Queues one message; false when its key (or all its items) was queued before. */
  enqueue(msg: OutgoingMessage, now: Date): Promise<boolean>;
  /** Queues several messages in one write (all or none); returns how many were new. */
  enqueueAll(msgs: OutgoingMessage[], now: Date): Promise<number>;
  /** dead → pending for a group's dead letters (or all), after the configuration was fixed. */
  retryDead(groupId: string | undefined, now: Date): Promise<number>;
}

/** What a claim found: a message to send now, or when to look again. */
export type Claim =
  | {
      entry: Entry;
      /** The send must start by then (epoch ms) or not at all: the claim would run out before it ends. */
      startBy?: number;
      wakeAt?: undefined;
      /** Messages whose claim had run out (an instance died mid-send); they are sendable again. */
      expired: string[];
    }
  | { entry?: undefined; wakeAt: number | undefined; expired: string[] };

/**
 * What the drain (bot/outbox/drain.ts) needs of a queue: Outbox (files, one process) and
 * PgOutbox (PostgreSQL, several instances). A claim decides, for one robot (the groups sharing
 * its webhook), whether its next message may go now — one request in flight per robot, the
 * robot's pace and pause, messages held back — and moves it to `sending`; the drain then reports
 * how the attempt ended.
 */
export interface DrainQueue {
  /** `fn(groupId)`: a message of that group finished; `fn()`: anything may have become sendable. */
  onChange(fn: (groupId?: string) => void): void;
  /**
   * At start: messages this process (or this INSTANCE_ID) left in `sending` go back to pending,
   * marked as possibly sent. Returns how many.
   */
  recover(): Promise<number>;
  /** Waiting messages of groups not in `declared` become dead letters; returns how many. */
  deadUndeclared(declared: readonly string[], now: Date): Promise<number>;
  claim(robot: string, groupIds: readonly string[], now: number, pace: Pace, leaseMs: number): Promise<Claim>;
  /** sending → sent; false when the claim had run out (another instance may send it again). */
  markSent(key: string, now: Date): Promise<boolean>;
  /** sending → pending, to be tried again at `at`; `uncertain` when it may have arrived anyway. */
  reschedule(
    key: string,
    at: Date,
    error: { message: string; errcode?: number },
    now: Date,
    uncertain?: boolean,
  ): Promise<boolean>;
  /** pending|sending → dead, with the reason a person needs to fix it. */
  markDead(key: string, reason: { reason: string; errcode?: number }, now: Date): Promise<boolean>;
  /** Holds a robot back until `until` (a rate-limit answer). */
  pause(robot: string, until: Date): Promise<void>;
  /** An idle robot looks again this often by itself (a claim another instance holds may run out). */
  readonly pollMs?: number | undefined;
}

/**
 * The messages of a batch not queued before, in order: a message is left out when its key is
 * known, or when it covers items and every one of them is known — counting the keys and items of
 * the batch's earlier messages. `known` is what the queue holds (both outboxes decide alike).
 */
export function selectNew(msgs: readonly OutgoingMessage[], known: (key: string) => boolean): OutgoingMessage[] {
  const batch = new Set<string>();
  const seen = (k: string) => batch.has(k) || known(k);
  const fresh: OutgoingMessage[] = [];
  for (const m of msgs) {
    const items = m.items ?? [];
    if (seen(m.key) || (items.length > 0 && items.every(seen))) continue;
    batch.add(m.key);
    for (const i of items) batch.add(i);
    fresh.push(m);
  }
  return fresh;
}

/** A message as it is first queued: pending, never tried, held until `notBefore` if given. */
export function newEntry(m: OutgoingMessage, seq: number, now: Date): Entry {
  return {
    seq,
    key: m.key,
    groupId: m.groupId,
    kind: m.kind,
    reply: m.reply,
    items: m.items ?? [],
    status: 'pending',
    attempts: 0,
    createdAt: now.toISOString(),
    nextAt: (m.notBefore ?? now).toISOString(),
  };
}

/** Sent messages keep their text this long (for inspection), then only key and items remain. */
export const KEEP_SENT_TEXT_MS = 7 * 24 * 3600_000;

/** Why a message of a group no longer in groups.json cannot be sent. */
export const undeclaredReason = (groupId: string) => `outbox: group ${groupId} is not declared`;

/**
 * The outbox in `dataDir` as it stands, read without writing (no fold, no recovery, no drain),
 * for `npm run ask -- /status` beside a running bot; undefined when there is no outbox yet.
 */
export async function readOutbox(dataDir: string): Promise<OutboxReport | undefined> {
  const state = await Journal.peek(dataDir);
  if (!state) return undefined;
  return {
    stats: () => statsOf(state.entries),
    deadLetters: (groupId) => deadOf(state.entries, groupId),
  };
}

function statsOf(entries: readonly Entry[]): OutboxStats {
  const s: OutboxStats = { pending: 0, sending: 0, sent: 0, dead: 0 };
  let oldest: string | undefined;
  for (const e of entries) {
    s[e.status]++;
    if ((e.status === 'pending' || e.status === 'sending') && (!oldest || e.createdAt < oldest))
      oldest = e.createdAt;
  }
  if (oldest) s.oldestPendingAt = new Date(oldest);
  return s;
}

function deadOf(entries: readonly Entry[], groupId?: string): Entry[] {
  return entries.filter((e) => e.status === 'dead' && (!groupId || e.groupId === groupId));
}

/**
 * The persistent outbox ($DATA_DIR/outbox.json + outbox.log, bot/outbox/journal.ts). Every change
 * is on disk (fsynced) before the call resolves, so a message exists before anyone tries to send
 * it and a status change is recorded before the next step. Changes are serialized; status moves
 * follow schema.ts `transitions`.
 */
export class Outbox implements OutboxQueue, DrainQueue {
  private readonly known = new Set<string>();
  private readonly listeners: Array<(groupId?: string) => void> = [];
  /** Attempts per robot in the last window (rebuilt from sent times on a robot's first claim). */
  private pacer: Pacer | undefined;
  private readonly paced = new Set<string>();
  private readonly pausedUntil = new Map<string, number>();

  private constructor(private readonly journal: Journal) {
    for (const e of journal.state.entries) this.remember(e);
  }

  /** `warn` hears of a torn last line dropped from outbox.log (data/journal.ts). */
  static async open(dataDir: string, opts: { warn?: (message: string) => void } = {}): Promise<Outbox> {
    return new Outbox(await Journal.open(dataDir, opts));
  }

  /** Waits for pending writes and closes the log (shutdown). */
  close(): Promise<void> {
    return this.journal.close();
  }

  /** Called after anything becomes sendable (the drain wakes up). */
  onChange(fn: (groupId?: string) => void): void {
    this.listeners.push(fn);
  }

  /** True when a message key or an item key has been queued before (whatever became of it). */
  knows(key: string): boolean {
    return this.known.has(key);
  }

  /** Queues one message; false when its key (or all its items) was queued before. */
  async enqueue(msg: OutgoingMessage, now: Date): Promise<boolean> {
    return (await this.enqueueAll([msg], now)) === 1;
  }

  /** Queues several messages in one write (all or none); returns how many were new. */
  async enqueueAll(msgs: OutgoingMessage[], now: Date): Promise<number> {
    if (selectNew(msgs, (k) => this.known.has(k)).length === 0) return 0;
    const added = await this.journal.commit(() => {
      // Decided inside the serialized section, so concurrent enqueues of one key add it once.
      let seq = this.journal.state.nextSeq;
      const fresh = selectNew(msgs, (k) => this.known.has(k)).map((m) => newEntry(m, seq++, now));
      return { rows: fresh.map((e) => toRow(e)), result: fresh };
    });
    for (const e of added) this.remember(e);
    if (added.length > 0) this.changed();
    return added.length;
  }

  /** Messages waiting to be sent, oldest first. */
  pending(): Entry[] {
    return this.journal.state.entries.filter((e) => e.status === 'pending');
  }

  get(key: string): Entry | undefined {
    return this.journal.get(key);
  }

  /** Dead letters, optionally of one group, oldest first. */
  deadLetters(groupId?: string): Entry[] {
    return deadOf(this.journal.state.entries, groupId);
  }

  /** When a group's messages were sent since `since` (epoch ms), to rebuild pacing on start. */
  sentSince(groupId: string, since: number): number[] {
    return this.journal.state.entries
      .filter((e) => e.groupId === groupId && e.sentAt !== undefined)
      .map((e) => Date.parse(e.sentAt!))
      .filter((t) => t >= since);
  }

  stats(): OutboxStats {
    return statsOf(this.journal.state.entries);
  }

  /**
   * After a restart: a message left in `sending` may have reached the platform before the
   * process died. It goes back to pending marked `uncertain` (at-least-once; see README).
   */
  async recover(): Promise<number> {
    const n = await this.journal.changeAll(
      (e) => e.status === 'sending',
      (e) => {
        move(e, 'pending');
        e.uncertain = true;
      },
    );
    if (n > 0) this.changed();
    return n;
  }

  /**
   * The robot's next message, moved to `sending` (on disk before the HTTP call), or when to look
   * again: its pace's next slot, the end of its pause, a retry's or a held-back message's time.
   * One process sends for the robot, so its pace and pause are kept here; a message in `sending`
   * is this process's request in flight. A message held back (notBefore) lets later ones pass;
   * one being retried keeps its place.
   */
  async claim(robot: string, groupIds: readonly string[], now: number, pace: Pace): Promise<Claim> {
    if (!this.pacer || this.pacer.perMinute !== pace.perMinute || this.pacer.windowMs !== pace.windowMs) {
      this.pacer = new Pacer(pace.perMinute, pace.windowMs);
      this.paced.clear();
    }
    if (!this.paced.has(robot)) {
      // After a restart the robot's recent sends still count against its pace.
      for (const id of groupIds) for (const at of this.sentSince(id, now - pace.windowMs)) this.pacer.record(robot, at);
      this.paced.add(robot);
    }
    const ids = new Set(groupIds);
    let head: Entry | undefined;
    let held = Number.POSITIVE_INFINITY;
    for (const e of this.journal.state.entries) {
      if (!ids.has(e.groupId)) continue;
      if (e.status === 'sending') return { wakeAt: undefined, expired: [] };
      if (e.status !== 'pending') continue;
      const at = Date.parse(e.nextAt);
      if (e.attempts === 0 && at > now) held = Math.min(held, at);
      else head ??= e;
    }
    if (!head) return { wakeAt: Number.isFinite(held) ? held : undefined, expired: [] };
    const at = Math.max(Date.parse(head.nextAt), this.pausedUntil.get(robot) ?? 0, this.pacer.nextSlot(robot, now));
    if (at > now) return { wakeAt: Math.min(at, held), expired: [] };
    this.pacer.record(robot, now);
    return { entry: await this.begin(head.key, new Date(now)), expired: [] };
  }

  /** Holds a robot back (a rate-limit answer). */
  async pause(robot: string, until: Date): Promise<void> {
    this.pausedUntil.set(robot, Math.max(this.pausedUntil.get(robot) ?? 0, until.getTime()));
  }

  /** Waiting messages of groups no longer declared become dead letters. */
  async deadUndeclared(declared: readonly string[], now: Date): Promise<number> {
    const known = new Set(declared);
    return this.journal.changeAll(
      (e) => e.status === 'pending' && !known.has(e.groupId),
      (e) => {
        move(e, 'dead');
        e.dead = { reason: undeclaredReason(e.groupId), at: now.toISOString() };
      },
    );
  }

  /** pending → sending, persisted before the HTTP call. */
  begin(key: string, now: Date): Promise<Entry> {
    return this.journal.change(key, (e) => {
      move(e, 'sending');
      e.attempts++;
      e.nextAt = now.toISOString();
    });
  }

  /** sending → sent; texts of messages sent more than KEEP_SENT_TEXT_MS ago are dropped. */
  async markSent(key: string, now: Date): Promise<boolean> {
    await this.journal.change(key, (e) => {
      move(e, 'sent');
      e.sentAt = now.toISOString();
      delete e.lastError;
    });
    const cutoff = now.getTime() - KEEP_SENT_TEXT_MS;
    await this.journal.changeAll(
      (e) => e.status === 'sent' && e.reply !== undefined && Date.parse(e.sentAt ?? '') < cutoff,
      (e) => {
        delete e.reply;
      },
    );
    return true;
  }

  /** sending → pending, to be tried again at `at`; `uncertain` when it may have arrived anyway. */
  async reschedule(
    key: string,
    at: Date,
    error: { message: string; errcode?: number },
    now: Date,
    uncertain = false,
  ): Promise<boolean> {
    await this.journal.change(key, (e) => {
      move(e, 'pending');
      if (uncertain) e.uncertain = true;
      e.nextAt = at.toISOString();
      e.lastError = { ...error, at: now.toISOString() };
    });
    return true;
  }

  /** pending|sending → dead, with the reason a person needs to fix it. */
  async markDead(key: string, reason: { reason: string; errcode?: number }, now: Date): Promise<boolean> {
    await this.journal.change(key, (e) => {
      move(e, 'dead');
      e.dead = { ...reason, at: now.toISOString() };
    });
    return true;
  }

  /** dead → pending for a group's dead letters (or all), after the configuration was fixed. */
  async retryDead(groupId: string | undefined, now: Date): Promise<number> {
    const n = await this.journal.changeAll(
      (e) => e.status === 'dead' && (!groupId || e.groupId === groupId),
      (e) => {
        move(e, 'pending');
        e.attempts = 0;
        e.createdAt = now.toISOString();
        e.nextAt = now.toISOString();
        delete e.dead;
      },
    );
    if (n > 0) this.changed();
    return n;
  }

  private remember(e: Entry): void {
    this.known.add(e.key);
    for (const i of e.items) this.known.add(i);
  }

  private changed(groupId?: string): void {
    for (const fn of this.listeners) fn(groupId);
  }
}
