import cron from 'node-cron';
import { type Coordinator, LocalCoordinator } from '../coordination.ts';
import { runWarnings, type WarnDeps } from './warn.ts';

/**
 * The early-warning evaluation in the running bot (PROBE=on): every 15 minutes in Asia/Shanghai
 * and once at start, one instance at a time (PostgreSQL: each slot is claimed once). Nothing is
 * lost by a missed tick: the next one evaluates the same standings, and what was announced is
 * in the outbox and the probe store's journal.
 */
export const WARN_CRON = '*/15 * * * *';
const SLOT_MS = 15 * 60_000;

export interface WarnJob {
  /** Evaluates now (after a probe round, say); never rejects: failures are logged. */
  runNow(): Promise<void>;
  nextRun(): Date | undefined;
  stop(): Promise<void>;
}

export function startWarnJob(
  deps: WarnDeps,
  clock: () => Date = () => new Date(),
  coordinator: Coordinator = new LocalCoordinator(),
): WarnJob {
  let running: Promise<void> = Promise.resolve();
  const once = () =>
    coordinator.exclusive('probe-warnings', async () => {
      await runWarnings(deps, clock());
    });
  const runNow = () => {
    running = running
      .then(once)
      .then(() => undefined)
      .catch((err) => deps.log.error({ err }, 'probe warnings failed; the next tick retries'));
    return running;
  };
  const tick = async () => {
    const now = clock();
    const slot = new Date(Math.floor(now.getTime() / SLOT_MS) * SLOT_MS).toISOString();
    try {
      if (!(await coordinator.claimSlot('probe-warnings', slot, now))) return;
    } catch (err) {
      deps.log.error({ err }, 'probe warning slot claim failed; the next tick retries');
      return;
    }
    await runNow();
  };
  let stopped = false;
  const task = cron.schedule(WARN_CRON, tick, { name: 'probe-warnings', timezone: 'Asia/Shanghai', noOverlap: true });
  void runNow();
  return {
    runNow,
    nextRun: () => (stopped ? undefined : (task.getNextRun() ?? undefined)),
    async stop() {
      stopped = true;
      await task.destroy();
      await running;
    },
  };
}
