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
 * once. Calendar gaps are logged once per task and year, not on every tick. The clock is
 * injectable for demos.
 */
export function startReminderJob(
  deps: ReminderJobDeps,
  clock: () => Date = () => new Date(),
  coordinator: Coordinator = new LocalCoordinator(),
): ReminderJob {
  const warned = new Set<string>();
  let running: Promise<void> = Promise.resolve();
  // One instance scans at a time, from the marks every instance recorded (PostgreSQL).
  const scanOnce = () => coordinator.exclusive('reminders', scanLatest);
  const scanLatest = async () => {
    await deps.tasks.reload();
    const scan = await scanReminders(deps, clock());
    for (const gap of scan.gaps) {
      const key = `${gap.task.id}|${gap.years.join(',')}`;
      if (warned.has(key)) continue;
      warned.add(key);
      deps.log.warn(
        { task: gap.task.id, unit: gap.task.unitName, deadline: gap.task.deadline, years: gap.years },
        'reminders: no holiday arrangement for these years; add them to calendar.json (README "Deadline reminders")',
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
