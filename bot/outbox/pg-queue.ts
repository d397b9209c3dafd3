import type pg from 'pg';
import { epoch, inTransaction, iso, isoOf } from '../../data/pg/connect.ts';
import { type PgHub, notify } from '../../data/pg/hub.ts';
import type { Pace } from './pace.ts';
import {
  type Claim,
  type DrainQueue,
  KEEP_SENT_TEXT_MS,
  newEntry,
  type OutboxQueue,
  type OutboxStats,
  type OutgoingMessage,
  selectNew,
  undeclaredReason,
} from './queue.ts';
import { type Entry, entrySchema, type Status } from './schema.ts';

/** Serialises enqueues across instances, so "all items known" is decided on committed rows. */
const ENQUEUE_LOCK = [0x1b5_0ac7, 0x454e];

interface Row {
  seq: number;
  key: string;
  group_id: string;
  kind: Entry['kind'];
  reply: Entry['reply'] | null;
  items: string[];
  status: Status;
  attempts: number;
  created_at: string;
  next_at: string;
  sent_at: string | null;
  uncertain: boolean;
  last_error: Entry['lastError'] | null;
  dead: Entry['dead'] | null;
  lease_owner: string | null;
  lease_until: string | null;
}

function toEntry(r: Row): Entry {
  return entrySchema.parse({
    seq: r.seq,
    key: r.key,
    groupId: r.group_id,
    kind: r.kind,
    ...(r.reply ? { reply: r.reply } : {}),
    items: r.items,
    status: r.status,
    attempts: r.attempts,
    createdAt: isoOf(r.created_at),
    nextAt: isoOf(r.next_at),
    ...(r.sent_at ? { sentAt: isoOf(r.sent_at) } : {}),
    ...(r.uncertain ? { uncertain: true } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
    ...(r.dead ? { dead: r.dead } : {}),
  });
}

/** How often sent texts past KEEP_SENT_TEXT_MS are dropped: at most once a minute per instance. */
const TRIM_EVERY_MS = 60_000;

/**
 * The outbox in PostgreSQL (data/pg/migrations/002_delivery.sql), shared by every instance.
 * Enqueueing is idempotent by message and item key across instances. Sending instances claim a
 * robot's next message in a transaction that locks the robot's row (FOR UPDATE SKIP LOCKED: a
 * robot being claimed by another instance is skipped, not waited for), counts the robot's attempts
 * in the last window, checks its pause and that none of its messages is in flight, and moves the
 * head message to `sending` with a lease. An instance that dies leaves a lease that runs out; the
 * next claim for the robot puts the message back as uncertain (it is re-sent with the note).
 */
export class PgOutbox implements OutboxQueue, DrainQueue {
  private readonly known = new Set<string>();
  private syncedSeq = 0;
  private readonly listeners: Array<(groupId?: string) => void> = [];
  private trimmedAt = Number.NEGATIVE_INFINITY;
  /** A safety net under the notifications (each claim computes its own wake-up): an idle robot looks again this often. */
  readonly pollMs = 30_000;

  private constructor(
    private readonly pool: pg.Pool,
    readonly owner: string,
  ) {}

  static async open(pool: pg.Pool, o: { owner: string; hub?: PgHub | undefined }): Promise<PgOutbox> {
    const outbox = new PgOutbox(pool, o.owner);
    // The detail names the group whose message just finished (only its robot need look again).
    o.hub?.on('outbox', (detail) => outbox.changed(detail || undefined));
    await outbox.sync();
    return outbox;
  }

  /** `fn(groupId)`: a message of that group finished; `fn()`: anything may have become sendable. */
  onChange(fn: (groupId?: string) => void): void {
    this.listeners.push(fn);
  }

  private changed(groupId?: string): void {
    for (const fn of this.listeners) fn(groupId);
  }

  knows(key: string): boolean {
    return this.known.has(key);
  }

  /** Learns the keys queued since the last sync (by this or any instance). */
  async sync(): Promise<void> {
    const r = await this.pool.query<{ seq: number; key: string; items: string[] }>(
      'SELECT seq, key, items FROM outbox WHERE seq > $1 ORDER BY seq',
      [this.syncedSeq],
    );
    for (const row of r.rows) {
      this.known.add(row.key);
      for (const i of row.items) this.known.add(i);
      this.syncedSeq = Math.max(this.syncedSeq, row.seq);
    }
  }

  async enqueue(msg: OutgoingMessage, now: Date): Promise<boolean> {
    return (await this.enqueueAll([msg], now)) === 1;
  }

  async enqueueAll(msgs: OutgoingMessage[], now: Date): Promise<number> {
    if (msgs.length === 0) return 0;
    for (const m of msgs) entrySchema.parse(newEntry(m, 0, now));
    const added = await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', ENQUEUE_LOCK);
      const all = [...new Set(msgs.flatMap((m) => [m.key, ...(m.items ?? [])]))];
      const knownRows = await c.query<{ k: string }>(
        `SELECT k FROM unnest($1::text[]) AS k
          WHERE EXISTS (SELECT 1 FROM outbox WHERE key = k) OR EXISTS (SELECT 1 FROM outbox_items WHERE item = k)`,
        [all],
      );
      const known = new Set(knownRows.rows.map((r) => r.k));
      const fresh = selectNew(msgs, (k) => known.has(k));
      // One statement for the messages and one for their items, whatever their number (a mass
      // failure queues over a thousand messages at once).
      if (fresh.length > 0) {
        await c.query(
          `INSERT INTO outbox (key, group_id, kind, reply, items, status, attempts, created_at, next_at)
           SELECT m.key, m.group_id, m.kind, m.reply, ARRAY(SELECT jsonb_array_elements_text(m.items)),
                  'pending', 0, $1, m.next_at
             FROM jsonb_to_recordset($2::jsonb)
                  AS m(key text, group_id text, kind text, reply jsonb, items jsonb, next_at timestamptz, n int)
            ORDER BY m.n`,
          [
            iso(now),
            JSON.stringify(
              fresh.map((m, n) => ({
                key: m.key,
                group_id: m.groupId,
                kind: m.kind,
                reply: m.reply,
                items: m.items ?? [],
                next_at: iso(m.notBefore ?? now),
                n,
              })),
            ),
          ],
        );
        const items = fresh.flatMap((m) => (m.items ?? []).filter((i) => i !== m.key).map((i) => [i, m.key]));
        if (items.length > 0)
          await c.query(
            `INSERT INTO outbox_items (item, key) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (item) DO NOTHING`,
            [items.map((x) => x[0]), items.map((x) => x[1])],
          );
      }
      if (fresh.length > 0) await notify(c, 'outbox');
      return fresh;
    });
    for (const m of added) {
      this.known.add(m.key);
      for (const i of m.items ?? []) this.known.add(i);
    }
    // This instance's drain wakes at once; the others hear the notification.
    if (added.length > 0) this.changed();
    return added.length;
  }

  /**
   * Copies messages from another outbox as they stand (npm run migrate): status, attempts, times
   * and texts kept; a message caught mid-send goes back to pending, marked as possibly sent.
   */
  async importAll(entries: readonly Entry[]): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      for (const e of [...entries].sort((x, y) => x.seq - y.seq)) {
        const status = e.status === 'sending' ? 'pending' : e.status;
        await c.query(
          `INSERT INTO outbox (key, group_id, kind, reply, items, status, attempts, created_at, next_at, sent_at,
                               uncertain, last_error, dead)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            e.key,
            e.groupId,
            e.kind,
            e.reply ? JSON.stringify(e.reply) : null,
            e.items,
            status,
            e.attempts,
            e.createdAt,
            e.nextAt,
            e.sentAt ?? null,
            e.uncertain === true || e.status === 'sending',
            e.lastError ? JSON.stringify(e.lastError) : null,
            e.dead ? JSON.stringify(e.dead) : null,
          ],
        );
        const items = e.items.filter((i) => i !== e.key);
        if (items.length > 0)
          await c.query(
            'INSERT INTO outbox_items (item, key) SELECT i, $2 FROM unnest($1::text[]) AS i ON CONFLICT (item) DO NOTHING',
            [items, e.key],
          );
      }
      return entries.length;
    });
  }

  async get(key: string): Promise<Entry | undefined> {
    const r = await this.pool.query<Row>('SELECT * FROM outbox WHERE key = $1', [key]);
    return r.rows[0] ? toEntry(r.rows[0]) : undefined;
  }

  /** Every message of some groups (all when omitted), in queue order (tests, migration, the bench). */
  async entries(groupIds?: readonly string[]): Promise<Entry[]> {
    const r = groupIds
      ? await this.pool.query<Row>('SELECT * FROM outbox WHERE group_id = ANY($1) ORDER BY seq', [groupIds])
      : await this.pool.query<Row>('SELECT * FROM outbox ORDER BY seq');
    return r.rows.map(toEntry);
  }

  async stats(): Promise<OutboxStats> {
    const r = await this.pool.query<{ status: Status; n: number; oldest: string | null }>(
      `SELECT status, count(*) AS n, min(created_at) AS oldest FROM outbox GROUP BY status`,
    );
    const s: OutboxStats = { pending: 0, sending: 0, sent: 0, dead: 0 };
    let oldest: number | undefined;
    for (const row of r.rows) {
      s[row.status] = row.n;
      const t = epoch(row.oldest);
      if ((row.status === 'pending' || row.status === 'sending') && t !== undefined)
        oldest = oldest === undefined ? t : Math.min(oldest, t);
    }
    if (oldest !== undefined) s.oldestPendingAt = new Date(oldest);
    return s;
  }

  async deadLetters(groupId?: string): Promise<Entry[]> {
    const r = await this.pool.query<Row>(
      `SELECT * FROM outbox WHERE status = 'dead' AND ($1::text IS NULL OR group_id = $1) ORDER BY seq`,
      [groupId ?? null],
    );
    return r.rows.map(toEntry);
  }

  async retryDead(groupId: string | undefined, now: Date): Promise<number> {
    const n = await inTransaction(this.pool, async (c) => {
      const r = await c.query(
        `UPDATE outbox SET status = 'pending', attempts = 0, created_at = $2, next_at = $2, dead = NULL
          WHERE status = 'dead' AND ($1::text IS NULL OR group_id = $1)`,
        [groupId ?? null, iso(now)],
      );
      if ((r.rowCount ?? 0) > 0) await notify(c, 'outbox');
      return r.rowCount ?? 0;
    });
    if (n > 0) this.changed();
    return n;
  }

  /**
   * Claims the next message of one robot (the groups sharing its webhook), or says when to look
   * again: at the pace's next slot, the end of a pause, a held-back message's time, or a retry's.
   * `wakeAt` undefined: nothing to send until something is queued (a notification wakes the drain).
   */
  async claim(robot: string, groupIds: readonly string[], now: number, pace: Pace, leaseMs: number): Promise<Claim> {
    return inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO outbox_robots (robot) VALUES ($1) ON CONFLICT (robot) DO NOTHING', [robot]);
      const locked = await c.query<{ paused_until: string | null }>(
        'SELECT paused_until FROM outbox_robots WHERE robot = $1 FOR UPDATE SKIP LOCKED',
        [robot],
      );
      // Another instance is claiming for this robot this very moment: look again shortly.
      if (locked.rowCount === 0) return { wakeAt: now + 50, expired: [] };
      // Leases that ran out: the instance died (or hung) mid-send; the message may have arrived.
      const expired = await c.query<{ key: string }>(
        `UPDATE outbox SET status = 'pending', uncertain = true, lease_owner = NULL, lease_until = NULL
          WHERE group_id = ANY($1) AND status = 'sending' AND lease_until <= $2 RETURNING key`,
        [groupIds, iso(now)],
      );
      const gone = expired.rows.map((r) => r.key);
      const inflight = await c.query<{ lease_until: string }>(
        `SELECT lease_until FROM outbox WHERE group_id = ANY($1) AND status = 'sending' ORDER BY lease_until LIMIT 1`,
        [groupIds],
      );
      // One request in flight per robot, whichever instance sent it; its end notifies.
      if (inflight.rows[0]) return { wakeAt: epoch(inflight.rows[0].lease_until), expired: gone };
      const paused = epoch(locked.rows[0]!.paused_until);
      const head = await c.query<Row>(
        `SELECT * FROM outbox
          WHERE group_id = ANY($1) AND status = 'pending' AND NOT (attempts = 0 AND next_at > $2)
          ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [groupIds, iso(now)],
      );
      const held = await c.query<{ at: string | null }>(
        `SELECT min(next_at) AS at FROM outbox
          WHERE group_id = ANY($1) AND status = 'pending' AND attempts = 0 AND next_at > $2`,
        [groupIds, iso(now)],
      );
      const heldAt = epoch(held.rows[0]?.at);
      const row = head.rows[0];
      if (!row) return { wakeAt: heldAt, expired: gone };
      await c.query('DELETE FROM outbox_attempts WHERE robot = $1 AND at <= $2', [robot, iso(now - pace.windowMs)]);
      const recent = await c.query<{ at: string }>(
        'SELECT at FROM outbox_attempts WHERE robot = $1 AND at > $2 ORDER BY at DESC LIMIT $3',
        [robot, iso(now - pace.windowMs), pace.perMinute],
      );
      const slot =
        recent.rows.length < pace.perMinute ? now : epoch(recent.rows[recent.rows.length - 1]!.at)! + pace.windowMs;
      const at = Math.max(epoch(row.next_at)!, paused ?? 0, slot);
      if (at > now) return { wakeAt: Math.min(at, heldAt ?? Number.POSITIVE_INFINITY), expired: gone };
      const claimed = await c.query<Row>(
        `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_at = $2, lease_owner = $3, lease_until = $4
          WHERE key = $1 RETURNING *`,
        [row.key, iso(now), this.owner, iso(now + leaseMs)],
      );
      await c.query('INSERT INTO outbox_attempts (robot, at) VALUES ($1, $2)', [robot, iso(now)]);
      // A request started later than half the lease might still be in flight when the lease runs
      // out (the HTTP timeout is at most half of it: bot/main.ts) and another instance re-sends.
      return { entry: toEntry(claimed.rows[0]!), startBy: now + leaseMs / 2, expired: gone };
    });
  }

  /**
   * sending → sent, if this instance still holds the lease; false when it had run out. Texts of
   * messages sent more than KEEP_SENT_TEXT_MS ago are dropped (at most once a minute), as the file
   * outbox drops them: their keys and items stay, so nothing is queued twice.
   */
  async markSent(key: string, now: Date): Promise<boolean> {
    const mine = await this.finish(key, `status = 'sent', sent_at = $3, last_error = NULL`, [iso(now)]);
    if (now.getTime() - this.trimmedAt >= TRIM_EVERY_MS) {
      this.trimmedAt = now.getTime();
      await this.trimSent(now);
    }
    return mine;
  }

  /** Drops the texts of messages sent before now − KEEP_SENT_TEXT_MS; returns how many. */
  async trimSent(now: Date): Promise<number> {
    const r = await this.pool.query(
      `UPDATE outbox SET reply = NULL WHERE status = 'sent' AND reply IS NOT NULL AND sent_at < $1`,
      [iso(now.getTime() - KEEP_SENT_TEXT_MS)],
    );
    return r.rowCount ?? 0;
  }

  /** sending → pending, to be tried again at `at`; `uncertain` when it may have arrived anyway. */
  async reschedule(
    key: string,
    at: Date,
    error: { message: string; errcode?: number },
    now: Date,
    uncertain = false,
  ): Promise<boolean> {
    return this.finish(
      key,
      `status = 'pending', next_at = $3, last_error = $4, uncertain = uncertain OR $5`,
      [iso(at), JSON.stringify({ ...error, at: now.toISOString() }), uncertain],
    );
  }

  async markDead(key: string, reason: { reason: string; errcode?: number }, now: Date): Promise<boolean> {
    return this.finish(key, `status = 'dead', dead = $3`, [JSON.stringify({ ...reason, at: now.toISOString() })]);
  }

  /** Holds a robot back (a rate-limit answer) for every instance. */
  async pause(robot: string, until: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO outbox_robots (robot, paused_until) VALUES ($1, $2)
       ON CONFLICT (robot) DO UPDATE SET paused_until = GREATEST(outbox_robots.paused_until, EXCLUDED.paused_until)`,
      [robot, iso(until)],
    );
  }

  /** Waiting messages of groups no longer declared become dead letters (as the file outbox does). */
  async deadUndeclared(declared: readonly string[], now: Date): Promise<number> {
    const r = await this.pool.query(
      `UPDATE outbox
          SET status = 'dead',
              dead = jsonb_build_object('reason', $3::text || group_id || $4::text, 'at', $2::text)
        WHERE status = 'pending' AND NOT (group_id = ANY($1))`,
      // undeclaredReason(group_id), the same words as the file outbox's.
      [declared, now.toISOString(), ...undeclaredReason('\n').split('\n')],
    );
    return r.rowCount ?? 0;
  }

  /** Gives back this instance's claims (a restart under the same INSTANCE_ID), as possibly sent. */
  async recover(): Promise<number> {
    const r = await this.pool.query(
      `UPDATE outbox SET status = 'pending', uncertain = true, lease_owner = NULL, lease_until = NULL
        WHERE status = 'sending' AND lease_owner = $1`,
      [this.owner],
    );
    return r.rowCount ?? 0;
  }

  private async finish(key: string, set: string, params: unknown[]): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const r = await c.query<{ group_id: string }>(
        `UPDATE outbox SET ${set}, lease_owner = NULL, lease_until = NULL
          WHERE key = $1 AND status = 'sending' AND lease_owner = $2 RETURNING group_id`,
        [key, this.owner, ...params],
      );
      if (r.rows[0]) await notify(c, 'outbox', r.rows[0].group_id);
      return r.rowCount === 1;
    });
  }
}
