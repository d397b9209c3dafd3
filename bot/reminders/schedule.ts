import cron from 'node-cron';
import { type Coordinator, LocalCoordinator } from '../coordination.ts';
import { type ReminderJobDeps, scanReminders } from './job.ts';

/** Every 5 minutes: reminders fall due at the plan's morning time; a scan finds them within 5 min. */
export const REMINDER_CRON = '*/5 * * * *';
const SLOT_MS = 5 * 60_000;

export interface ReminderJob {
  /** Scans now (after an import, say); resolves when done. Never rejects: failures are logged. */
  runNow(): Promise<void>;
  /** When the next scheduled scan starts (for /status); undefined once stopped. */
  nextRun(): Date | undefined;
  /** Stops the schedule and waits for a running scan. */
  stop(): Promise<void>;
}

/**
 * Schedules the scan in Asia/Shanghai and runs it once at start, so a restart catches up at
 * once. A calendar gap is logged once per missing year with the number of tasks it holds up
 * (again only when that number changes), not per task nor on every tick. The clock is
 * injectable for demos.
 */
export function startReminderJob(
  deps: ReminderJobDeps,
  clock: () => Date = () => new Date(),
  coordinator: Coordinator = new LocalCoordinator(),
): ReminderJob {
  const warned = new Map<number, string>();
  let running: Promise<void> = Promise.resolve();
  // One instance scans at a time, from the marks every instance recorded (PostgreSQL).
  const scanOnce = () => coordinator.exclusive('reminders', scanLatest);
  const scanLatest = async () => {
    await deps.tasks.reload();
    const scan = await scanReminders(deps, clock());
    // One line per missing year (with how many tasks it holds up), not one per task: a year's
    // gap holds up every task due in it. Repeated only when that count changes.
    const byYear = new Map<number, typeof scan.gaps>();
    for (const gap of scan.gaps) for (const year of gap.years) byYear.set(year, [...(byYear.get(year) ?? []), gap]);
    for (const [year, gaps] of [...byYear].sort(([a], [b]) => a - b)) {
      const key = `${year}|${gaps.length}`;
      if (warned.get(year) === key) continue;
      warned.set(year, key);
      deps.log.warn(
        {
          year,
          tasks: gaps.length,
          units: new Set(gaps.map((g) => g.task.unitName)).size,
          examples: gaps.slice(0, 3).map((g) => ({ task: g.task.id, unit: g.task.unitName, deadline: g.task.deadline })),
        },
        'reminders: no holiday arrangement for this year; its tasks get no working-day reminders until it is added to calendar.json (README "Deadline reminders")',
      );
    }
  };
  const runNow = () => {
    running = running.then(scanOnce).catch((err) => deps.log.error({ err }, 'reminder scan failed; the next tick retries'));
    return running;
  };
  // A scheduled tick's slot (its 5 minutes) runs on one instance; the others skip it.
  const tick = async () => {
    const now = clock();
    const slot = new Date(Math.floor(now.getTime() / SLOT_MS) * SLOT_MS).toISOString();
    try {
      if (!(await coordinator.claimSlot('reminders', slot, now))) return;
    } catch (err) {
      deps.log.error({ err }, 'reminder slot claim failed; the next tick retries');
      return;
    }
    await runNow();
  };
  let stopped = false;
  const task = cron.schedule(REMINDER_CRON, tick, { name: 'reminders', timezone: 'Asia/Shanghai', noOverlap: true });
  void runNow();
  return {
    runNow,
    // node-cron computes it in REMINDER_CRON's timezone from the wall clock it ticks on.
    nextRun: () => (stopped ? undefined : (task.getNextRun() ?? undefined)),
    async stop() {
      stopped = true;
      await task.destroy();
      await running;
    },
  };
}
