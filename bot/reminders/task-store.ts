import path from 'node:path';
import { z } from 'zod';
import type pg from 'pg';
import { Doc } from '../../data/doc.ts';
import { isoOf, type Queryable } from '../../data/pg/connect.ts';
import { changedKeys, type Document, PgDocument } from '../../data/pg/document.ts';
import type { PgHub } from '../../data/pg/hub.ts';
import { deadlineSchema, type Deadline } from '../../data/schema.ts';

/**
 * `$DATA_DIR/tasks.json`: what people and the reminder job changed about rectification tasks.
 * The tasks themselves are derived from the rounds (bot/reminders/tasks.ts); this file holds
 * only what cannot be derived: who closed which task, which reminders went out, and deadlines an
 * admin set. Kept apart from the bulk round files so a /done never rewrites a round.
 */
export const TASKS_VERSION = 1;

const byWhom = { at: z.string(), by: z.string() };

export const tasksFileSchema = z.object({
  version: z.literal(TASKS_VERSION),
  /** Task id → when and by whom the rectification report was marked submitted. */
  done: z.record(z.string(), z.object(byWhom)).default({}),
  /** Reminder key (task id | step key) → when it was queued and for which groups. */
  sent: z.record(z.string(), z.object({ at: z.string(), groups: z.array(z.string()) })).default({}),
  deadlines: z
    .object({
      /** Round key → deadline replacing the notice's. */
      rounds: z.record(z.string(), deadlineSchema.extend(byWhom)).default({}),
      /** `round key|unit key` → deadline for one unit, over the round's. */
      units: z.record(z.string(), deadlineSchema.extend(byWhom)).default({}),
    })
    .default({ rounds: {}, units: {} }),
});
export type TasksFile = z.infer<typeof tasksFileSchema>;

export function reminderKey(taskId: string, stepKey: string): string {
  return `${taskId}|${stepKey}`;
}

export function unitDeadlineKey(roundKey: string, unitKey: string): string {
  return `${roundKey}|${unitKey}`;
}

export const emptyTasksFile = (): TasksFile => ({ version: TASKS_VERSION, done: {}, sent: {}, deadlines: { rounds: {}, units: {} } });

/**
 * tasks.json's content in PostgreSQL (002_delivery.sql): `task_done`, `reminders_sent` and
 * `deadlines`, shared by every instance.
 */
const pgMapping = {
  lock: [0x1b5_0ac7, 0x5441] as const,
  topic: 'tasks' as const,
  schema: tasksFileSchema,
  async load(c: Queryable): Promise<TasksFile> {
    // One query after another: inside a transaction they share one client.
    const done = await c.query<{ task_id: string; at: string; by_whom: string }>('SELECT task_id, at, by_whom FROM task_done');
    const sent = await c.query<{ key: string; at: string; groups: string[] }>('SELECT key, at, groups FROM reminders_sent');
    const deadlines = await c.query<{ scope: 'round' | 'unit'; key: string; data: TasksFile['deadlines']['rounds'][string] }>(
      'SELECT scope, key, data FROM deadlines',
    );
    const file = emptyTasksFile();
    for (const r of done.rows) file.done[r.task_id] = { at: isoOf(r.at)!, by: r.by_whom };
    for (const r of sent.rows) file.sent[r.key] = { at: isoOf(r.at)!, groups: r.groups };
    for (const r of deadlines.rows) file.deadlines[r.scope === 'round' ? 'rounds' : 'units'][r.key] = r.data;
    return file;
  },
  async save(c: Queryable, before: TasksFile, after: TasksFile): Promise<void> {
    const done = changedKeys(before.done, after.done);
    for (const id of done.upsert)
      await c.query(
        `INSERT INTO task_done (task_id, at, by_whom) VALUES ($1, $2, $3)
         ON CONFLICT (task_id) DO UPDATE SET at = EXCLUDED.at, by_whom = EXCLUDED.by_whom`,
        [id, after.done[id]!.at, after.done[id]!.by],
      );
    if (done.remove.length > 0) await c.query('DELETE FROM task_done WHERE task_id = ANY($1)', [done.remove]);
    const sent = changedKeys(before.sent, after.sent);
    if (sent.upsert.length > 0)
      await c.query(
        `INSERT INTO reminders_sent (key, at, groups)
         SELECT k, a, g FROM unnest($1::text[], $2::timestamptz[], $3::jsonb[]) AS x(k, a, g)
         ON CONFLICT (key) DO UPDATE SET at = EXCLUDED.at, groups = EXCLUDED.groups`,
        [
          sent.upsert,
          sent.upsert.map((k) => after.sent[k]!.at),
          sent.upsert.map((k) => JSON.stringify(after.sent[k]!.groups)),
        ],
      );
    if (sent.remove.length > 0) await c.query('DELETE FROM reminders_sent WHERE key = ANY($1)', [sent.remove]);
    for (const scope of ['rounds', 'units'] as const) {
      const d = changedKeys(before.deadlines[scope], after.deadlines[scope]);
      const name = scope === 'rounds' ? 'round' : 'unit';
      for (const key of d.upsert)
        await c.query(
          `INSERT INTO deadlines (scope, key, data) VALUES ($1, $2, $3)
           ON CONFLICT (scope, key) DO UPDATE SET data = EXCLUDED.data`,
          [name, key, JSON.stringify(after.deadlines[scope][key])],
        );
      if (d.remove.length > 0)
        await c.query('DELETE FROM deadlines WHERE scope = $1 AND key = ANY($2)', [name, d.remove]);
    }
  },
};


export class TaskStore {
  private constructor(private readonly doc: Document<TasksFile>) {}

  /** The task marks in PostgreSQL, shared by every instance. */
  static async openPg(pool: pg.Pool, hub?: PgHub): Promise<TaskStore> {
    return new TaskStore(await PgDocument.open(pool, pgMapping, hub));
  }

  /** Reads the marks again (the reminder scan starts from what every instance recorded). */
  async reload(): Promise<void> {
    if (this.doc instanceof PgDocument) await this.doc.reload();
  }

  static async open(dataDir: string): Promise<TaskStore> {
    const doc = await Doc.open({
      file: path.join(dataDir, 'tasks.json'),
      schema: tasksFileSchema,
      version: TASKS_VERSION,
      initial: emptyTasksFile,
    });
    return new TaskStore(doc);
  }

  /** Replaces everything with a copy from another store (npm run migrate). */
  async importAll(file: TasksFile): Promise<void> {
    await this.doc.update((d) => {
      d.done = structuredClone(file.done);
      d.sent = structuredClone(file.sent);
      d.deadlines = structuredClone(file.deadlines);
    });
  }

  get data(): TasksFile {
    return this.doc.data;
  }

  /** Marks tasks submitted; returns the ids that were still open. */
  close(ids: readonly string[], by: string, at: Date): Promise<string[]> {
    return this.doc.update((d) => {
      const fresh = ids.filter((id) => d.done[id] === undefined);
      for (const id of fresh) d.done[id] = { at: at.toISOString(), by };
      return fresh;
    });
  }

  isSent(key: string): boolean {
    return this.doc.data.sent[key] !== undefined;
  }

  markSent(key: string, groups: readonly string[], at: Date): Promise<void> {
    return this.markSentAll([{ key, groups }], at);
  }

  /** Records several reminders in one write: a crash leaves all of them recorded or none. */
  markSentAll(entries: readonly { key: string; groups: readonly string[] }[], at: Date): Promise<void> {
    return this.doc.update((d) => {
      for (const e of entries) d.sent[e.key] ??= { at: at.toISOString(), groups: [...e.groups] };
    });
  }

  setRoundDeadline(roundKey: string, deadline: Deadline, by: string, at: Date): Promise<void> {
    return this.doc.update((d) => {
      d.deadlines.rounds[roundKey] = { ...deadline, by, at: at.toISOString() };
    });
  }

  setUnitDeadline(roundKey: string, unitKey: string, deadline: Deadline, by: string, at: Date): Promise<void> {
    return this.doc.update((d) => {
      d.deadlines.units[unitDeadlineKey(roundKey, unitKey)] = { ...deadline, by, at: at.toISOString() };
    });
  }
}
