import path from 'node:path';
import { Doc } from '../../data/doc.ts';
import type { Reply } from '../../handlers/reply.ts';
import { type Entry, type Kind, move, OUTBOX_VERSION, outboxFileSchema } from './schema.ts';

/** What a feature hands the outbox: alerts, reminders (issue 6), late command replies. */
export interface OutgoingMessage {
  /** Idempotency key, e.g. `alert|2020Q1@35|fz|1/2`; enqueueing it again does nothing. */
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

/** Sent messages keep their text this long (for inspection), then only key and items remain. */
const KEEP_SENT_TEXT_MS = 7 * 24 * 3600_000;

/**
 * The persistent outbox. Every write goes through Doc.update (serialized, atomic, fsynced), so
 * a message exists on disk before anyone tries to send it, and a status change is on disk before
 * the next step. Status moves follow schema.ts `transitions`.
 */
export class Outbox {
  private readonly known = new Set<string>();
  private readonly listeners: Array<() => void> = [];

  private constructor(private readonly doc: Doc<typeof outboxFileSchema>) {
    for (const e of doc.data.entries) this.remember(e);
  }

  static async open(dataDir: string): Promise<Outbox> {
    const doc = await Doc.open({
      file: path.join(dataDir, 'outbox.json'),
      schema: outboxFileSchema,
      version: OUTBOX_VERSION,
      initial: () => ({ version: OUTBOX_VERSION as typeof OUTBOX_VERSION, nextSeq: 0, entries: [] }),
    });
    return new Outbox(doc);
  }

  /** Called after anything becomes sendable (the drain wakes up). */
  onChange(fn: () => void): void {
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

  /** Queues several messages in one atomic write; returns how many were new. */
  async enqueueAll(msgs: OutgoingMessage[], now: Date): Promise<number> {
    if (!msgs.some((m) => this.isNew(m))) return 0;
    const added: Entry[] = [];
    const learned: string[] = [];
    try {
      await this.doc.update((d) => {
        // Decided inside the serialized write, so concurrent enqueues of one key add it once.
        for (const m of msgs) {
          if (!this.isNew(m)) continue;
          const entry: Entry = {
            seq: d.nextSeq++,
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
          d.entries.push(entry);
          added.push(entry);
          learned.push(...this.remember(entry));
        }
      });
    } catch (err) {
      for (const k of learned) this.known.delete(k);
      throw err;
    }
    if (added.length > 0) this.changed();
    return added.length;
  }

  /** Messages waiting to be sent, oldest first. */
  pending(): Entry[] {
    return this.doc.data.entries.filter((e) => e.status === 'pending');
  }

  get(key: string): Entry | undefined {
    return this.doc.data.entries.find((e) => e.key === key);
  }

  /** Dead letters, optionally of one group, oldest first. */
  deadLetters(groupId?: string): Entry[] {
    return this.doc.data.entries.filter((e) => e.status === 'dead' && (!groupId || e.groupId === groupId));
  }

  /** When a group's messages were sent since `since` (epoch ms), to rebuild pacing on start. */
  sentSince(groupId: string, since: number): number[] {
    return this.doc.data.entries
      .filter((e) => e.groupId === groupId && e.sentAt !== undefined)
      .map((e) => Date.parse(e.sentAt!))
      .filter((t) => t >= since);
  }

  stats(): OutboxStats {
    const s: OutboxStats = { pending: 0, sending: 0, sent: 0, dead: 0 };
    let oldest: string | undefined;
    for (const e of this.doc.data.entries) {
      s[e.status]++;
      if ((e.status === 'pending' || e.status === 'sending') && (!oldest || e.createdAt < oldest))
        oldest = e.createdAt;
    }
    if (oldest) s.oldestPendingAt = new Date(oldest);
    return s;
  }

  /**
   * After a restart: a message left in `sending` may have reached the platform before the
   * process died. It goes back to pending marked `uncertain` (at-least-once; see README).
   */
  async recover(): Promise<number> {
    const n = await this.doc.update((d) => {
      let count = 0;
      for (const e of d.entries) {
        if (e.status !== 'sending') continue;
        move(e, 'pending');
        e.uncertain = true;
        count++;
      }
      return count;
    });
    if (n > 0) this.changed();
    return n;
  }

  /** pending → sending, persisted before the HTTP call. */
  begin(key: string, now: Date): Promise<Entry> {
    return this.doc.update((d) => {
      const e = find(d.entries, key);
      move(e, 'sending');
      e.attempts++;
      e.nextAt = now.toISOString();
      return structuredClone(e);
    });
  }

  /** sending → sent; texts of long-sent messages are dropped in the same write. */
  markSent(key: string, now: Date): Promise<void> {
    return this.doc.update((d) => {
      const e = find(d.entries, key);
      move(e, 'sent');
      e.sentAt = now.toISOString();
      delete e.lastError;
      const cutoff = now.getTime() - KEEP_SENT_TEXT_MS;
      for (const old of d.entries)
        if (old.status === 'sent' && Date.parse(old.sentAt ?? '') < cutoff) delete old.reply;
    });
  }

  /** sending → pending, to be tried again at `at`; `uncertain` when it may have arrived anyway. */
  reschedule(
    key: string,
    at: Date,
    error: { message: string; errcode?: number },
    now: Date,
    uncertain = false,
  ): Promise<void> {
    return this.doc.update((d) => {
      const e = find(d.entries, key);
      move(e, 'pending');
      if (uncertain) e.uncertain = true;
      e.nextAt = at.toISOString();
      e.lastError = { ...error, at: now.toISOString() };
    });
  }

  /** pending|sending → dead, with the reason a person needs to fix it. */
  markDead(key: string, reason: { reason: string; errcode?: number }, now: Date): Promise<void> {
    return this.doc.update((d) => {
      const e = find(d.entries, key);
      move(e, 'dead');
      e.dead = { ...reason, at: now.toISOString() };
    });
  }

  /** dead → pending for a group's dead letters (or all), after the configuration was fixed. */
  async retryDead(groupId: string | undefined, now: Date): Promise<number> {
    const n = await this.doc.update((d) => {
      let count = 0;
      for (const e of d.entries) {
        if (e.status !== 'dead' || (groupId && e.groupId !== groupId)) continue;
        move(e, 'pending');
        e.attempts = 0;
        e.createdAt = now.toISOString();
        e.nextAt = now.toISOString();
        delete e.dead;
        count++;
      }
      return count;
    });
    if (n > 0) this.changed();
    return n;
  }

  private isNew(m: OutgoingMessage): boolean {
    if (this.known.has(m.key)) return false;
    const items = m.items ?? [];
    return items.length === 0 || items.some((i) => !this.known.has(i));
  }

  /** Adds the entry's keys to the index; returns those not there before. */
  private remember(e: Entry): string[] {
    const fresh = [e.key, ...e.items].filter((k) => !this.known.has(k));
    for (const k of fresh) this.known.add(k);
    return fresh;
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}

function find(entries: Entry[], key: string): Entry {
  const e = entries.find((x) => x.key === key);
  if (!e) throw new Error(`outbox: no message with key ${key}`);
  return e;
}
