import type pg from 'pg';
import type { z } from 'zod';
import { inTransaction, type Queryable } from './connect.ts';
import { type PgHub, notify, type Topic } from './hub.ts';

/** How one document maps to its tables: read it whole, write what changed between two versions. */
export interface DocumentMapping<T> {
  /** Advisory lock key (two int4s) serialising writers across instances. */
  lock: readonly [number, number];
  topic: Topic;
  schema: z.ZodType<T>;
  load(c: Queryable): Promise<T>;
  save(c: Queryable, before: T, after: T): Promise<void>;
}

/**
 * A small document (subscriptions, task marks) kept in PostgreSQL tables with the same surface
 * as a lowdb Doc: `data` to read (the last version this instance saw) and `update(fn)` to change
 * it. An update runs in a transaction that holds the document's advisory lock and applies `fn`
 * to the rows as committed, so updates from several instances never overwrite each other; the
 * other instances reload when notified.
 */
/** What a feature needs of its document: lowdb's Doc and PgDocument both have it. */
export interface Document<T> {
  readonly data: T;
  update<R>(fn: (draft: T) => R): Promise<R>;
}

export class PgDocument<T> implements Document<T> {
  private current: T;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly mapping: DocumentMapping<T>,
    initial: T,
  ) {
    this.current = initial;
  }

  static async open<T>(pool: pg.Pool, mapping: DocumentMapping<T>, hub?: PgHub): Promise<PgDocument<T>> {
    const doc = new PgDocument(pool, mapping, mapping.schema.parse(await mapping.load(pool)));
    hub?.on(mapping.topic, () => {
      void doc.reload();
    });
    return doc;
  }

  get data(): T {
    return this.current;
  }

  /** Reads the document again (after another instance's write, or before a job that must be current). */
  reload(): Promise<void> {
    const run = this.reloading.then(async () => {
      this.current = this.mapping.schema.parse(await this.mapping.load(this.pool));
    });
    this.reloading = run.catch(() => undefined);
    return run;
  }

  async update<R>(fn: (draft: T) => R): Promise<R> {
    const { result, after } = await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [...this.mapping.lock]);
      const before = this.mapping.schema.parse(await this.mapping.load(c));
      const draft = structuredClone(before);
      const result = fn(draft);
      const parsed = this.mapping.schema.safeParse(draft);
      if (!parsed.success) throw new Error(`store: update rejected: ${parsed.error.issues[0]?.message}`);
      await this.mapping.save(c, before, parsed.data);
      await notify(c, this.mapping.topic);
      return { result, after: parsed.data };
    });
    this.current = after;
    return result;
  }
}

/** Keys whose value differs between two records (added or changed), and keys removed. */
export function changedKeys<V>(
  before: Record<string, V>,
  after: Record<string, V>,
): { upsert: string[]; remove: string[] } {
  const upsert = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const remove = Object.keys(before).filter((k) => !(k in after));
  return { upsert, remove };
}
