import cron from 'node-cron';
import type { Coordinator } from './coordination.ts';
import type { Logger } from './logger.ts';

/** A job that runs on a cron schedule and on demand, one run at a time. */
export interface ClaimedSchedule {
  /** Runs now (after an import, say); resolves when done. Never rejects: failures are logged. */
  runNow(): Promise<void>;
  /** When the next scheduled run starts (for /status); undefined once stopped. */
  nextRun(): Date | undefined;
  /** Stops the schedule and waits for a running run. */
  stop(): Promise<void>;
}

export interface ClaimedScheduleOptions {
  /** Names the job's slot claims and its exclusive lock, and the cron task. */
  name: string;
  /** Cron expression in Asia/Shanghai. */
  cron: string;
  /** A scheduled tick's slot: one instance claims it, the others skip it. */
  slotMs: number;
  run: () => Promise<unknown>;
  clock: () => Date;
  coordinator: Coordinator;
  log: Pick<Logger, 'error'>;
}

/**
 * Schedules `run` in Asia/Shanghai and runs it once at start, so a restart catches up at once.
 * Runs are serialised within the process and exclusive across instances (`coordinator.exclusive`);
 * each scheduled tick's slot runs on one instance only (`coordinator.claimSlot`). The reminder
 * scan and the probe warnings share this: a missed tick loses nothing, the next one looks again.
 */
export function startClaimedSchedule(o: ClaimedScheduleOptions): ClaimedSchedule {
  let running: Promise<void> = Promise.resolve();
  const runNow = () => {
    running = running
      .then(() => o.coordinator.exclusive(o.name, o.run))
      .then(() => undefined)
      .catch((err) => o.log.error({ err }, `${o.name} failed; the next tick retries`));
    return running;
  };
  const tick = async () => {
    const now = o.clock();
    const slot = new Date(Math.floor(now.getTime() / o.slotMs) * o.slotMs).toISOString();
    try {
      if (!(await o.coordinator.claimSlot(o.name, slot, now))) return;
    } catch (err) {
      o.log.error({ err }, `${o.name} slot claim failed; the next tick retries`);
      return;
    }
    await runNow();
  };
  let stopped = false;
  const task = cron.schedule(o.cron, tick, { name: o.name, timezone: 'Asia/Shanghai', noOverlap: true });
  void runNow();
  return {
    runNow,
    // node-cron computes it in the cron's timezone from the wall clock it ticks on.
    nextRun: () => (stopped ? undefined : (task.getNextRun() ?? undefined)),
    async stop() {
      stopped = true;
      await task.destroy();
      await running;
    },
  };
}
