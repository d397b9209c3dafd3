import { type ClaimedSchedule, startClaimedSchedule } from '../claimed-schedule.ts';
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

/** Evaluates now with runNow (after a probe round, say); never rejects: failures are logged. */
export type WarnJob = ClaimedSchedule;

export function startWarnJob(
  deps: WarnDeps,
  clock: () => Date = () => new Date(),
  coordinator: Coordinator = new LocalCoordinator(),
): WarnJob {
  return startClaimedSchedule({
    name: 'probe-warnings',
    cron: WARN_CRON,
    slotMs: SLOT_MS,
    run: () => runWarnings(deps, clock()),
    clock,
    coordinator,
    log: deps.log,
  });
}
