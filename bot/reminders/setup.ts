import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { PgHub } from '../../data/pg/hub.ts';
import { ConfigError } from '../errors.ts';
import type { WorkCalendar } from '../../data/deadlines/calendar.ts';
import { loadCalendar } from './calendar-file.ts';
import { type PlanConfig, planConfigSchema } from '../../data/deadlines/plan.ts';
import { createTaskService, type TaskService } from './service.ts';
import { TaskStore } from './task-store.ts';

export const PLAN_FILE = 'reminders.json';

export interface Reminders {
  tasks: TaskStore;
  calendar: WorkCalendar;
  plan: PlanConfig;
  service: TaskService;
}

/**
 * Everything the reminder feature reads from DATA_DIR: tasks.json (state), calendar.json
 * (holiday additions) and reminders.json (the plan, every field optional). Shared by the bot,
 * `npm run ask` and `npm run jobs`.
 */
export async function openReminders(dataDir: string, pg?: { pool: pg.Pool; hub?: PgHub | undefined }): Promise<Reminders> {
  // With STORE=postgres the task marks live in the database; calendar and plan stay files.
  const [tasks, calendar, plan] = await Promise.all([
    pg ? TaskStore.openPg(pg.pool, pg.hub) : TaskStore.open(dataDir),
    loadCalendar(dataDir),
    loadPlan(dataDir),
  ]);
  return { tasks, calendar, plan, service: createTaskService(tasks, calendar, plan) };
}

export async function loadPlan(dataDir: string): Promise<PlanConfig> {
  const file = path.join(dataDir, PLAN_FILE);
  let raw: unknown = {};
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError([`${file}: ${(err as Error).message}`]);
    }
  }
  const parsed = planConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}
