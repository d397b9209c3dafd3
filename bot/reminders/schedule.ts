import { type ClaimedSchedule, startClaimedSchedule } from '../claimed-schedule.ts';
import { type Coordinator, LocalCoordinator } from '../coordination.ts';
import { type ReminderJobDeps, scanReminders } from './job.ts';

/** Every 5 minutes: reminders fall due at the plan's morning time; a scan finds them within 5 min. */
export const REMINDER_CRON = '*/5 * * * *';
const SLOT_MS = 5 * 60_000;

/** The reminder scan: runNow after an import, nextRun for /status, stop waits for a running scan. */
export type ReminderJob = ClaimedSchedule;

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
  return startClaimedSchedule({
    name: 'reminders',
    cron: REMINDER_CRON,
    slotMs: SLOT_MS,
    run: scanLatest,
    clock,
    coordinator,
    log: deps.log,
  });
}
