import path from 'node:path';
import { z } from 'zod';
import { Doc } from '../../data/doc.ts';
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

export class TaskStore {
  private constructor(private readonly doc: Doc<typeof tasksFileSchema>) {}

  static async open(dataDir: string): Promise<TaskStore> {
    const doc = await Doc.open({
      file: path.join(dataDir, 'tasks.json'),
      schema: tasksFileSchema,
      version: TASKS_VERSION,
      initial: emptyTasksFile,
    });
    return new TaskStore(doc);
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
