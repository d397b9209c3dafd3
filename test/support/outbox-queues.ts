import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { PgOutbox } from '../../bot/outbox/pg-queue.ts';
import { type DrainQueue, Outbox, type OutboxQueue, type OutboxStats } from '../../bot/outbox/queue.ts';
import type { Entry } from '../../bot/outbox/schema.ts';
import { migrate } from '../../data/pg/migrate.ts';
import { freshSchema, withPostgres } from './postgres.ts';

/**
 * The two outbox queues the drain runs on — files (one process) and PostgreSQL (every instance) —
 * behind one test surface, so the drain's tests run against both.
 */
export interface OpenedQueue {
  outbox: DrainQueue & OutboxQueue;
  /** The same queue opened again, as after a restart (PostgreSQL: under the same INSTANCE_ID). */
  reopen(): Promise<DrainQueue & OutboxQueue>;
  stats(): Promise<OutboxStats>;
  get(key: string): Promise<Entry | undefined>;
  deadLetters(groupId?: string): Promise<Entry[]>;
  /** When the group's messages were sent (epoch ms), in queue order. */
  sentTimes(groupId: string): Promise<number[]>;
  /** PostgreSQL only: the pool, for a second instance's queue. */
  pool?: pg.Pool;
  cleanup(): Promise<void>;
}

export interface QueueKind {
  name: 'lowdb' | 'postgres';
  open(): Promise<OpenedQueue>;
}

const lowdb: QueueKind = {
  name: 'lowdb',
  async open() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-'));
    const opened: Outbox[] = [await Outbox.open(dir)];
    const last = () => opened.at(-1)!;
    return {
      outbox: opened[0]!,
      async reopen() {
        opened.push(await Outbox.open(dir));
        return last();
      },
      stats: async () => last().stats(),
      get: async (key) => last().get(key),
      deadLetters: async (groupId) => last().deadLetters(groupId),
      sentTimes: async (groupId) => last().sentSince(groupId, 0),
      async cleanup() {
        for (const o of opened) await o.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: QueueKind = {
  name: 'postgres',
  async open() {
    const db = await freshSchema();
    await migrate(db.pool);
    const outbox = await PgOutbox.open(db.pool, { owner: 'instance-1' });
    return {
      outbox,
      reopen: () => PgOutbox.open(db.pool, { owner: 'instance-1' }),
      stats: () => outbox.stats(),
      get: (key) => outbox.get(key),
      deadLetters: (groupId) => outbox.deadLetters(groupId),
      sentTimes: async (groupId) =>
        (await outbox.entries([groupId])).flatMap((e) => (e.sentAt ? [Date.parse(e.sentAt)] : [])),
      pool: db.pool,
      cleanup: () => db.drop(),
    };
  },
};

/** Every queue the drain's tests run on: files always, PostgreSQL when there is one. */
export const queueKinds: QueueKind[] = withPostgres ? [lowdb, postgres] : [lowdb];
