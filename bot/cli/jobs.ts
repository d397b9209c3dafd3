import { ensureSeeded } from '../../data/import/seed.ts';
import { DataLock, LockHeldError } from '../../data/lock.ts';
import { openStore } from '../../data/open-store.ts';
import { replyToText } from '../../handlers/reply.ts';
import { deadlineLabel } from '../../handlers/reminders.ts';
import { probeText, jobsText as tx } from '../../handlers/text.ts';
import { loadConfig } from '../config.ts';
import { runProbeDryRun, runProbeWarn } from './probe-job.ts';
import { loadGroups } from '../groups.ts';
import { silentLogger } from '../logger.ts';
import { scanReminders } from '../reminders/job.ts';
import { openReminders } from '../reminders/setup.ts';

/**
 * `npm run jobs -- reminders [--now <ISO>] --dry-run`: prints what the reminder scan would queue
 * at that time, and changes nothing. Sending is the running bot's job: it scans every 5 minutes,
 * and the data files allow one writing process (README "Limits"), so this command only previews.
 * Exit codes: 0 previewed, 2 usage.
 */
export async function runJobs(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  const [job, ...rest] = argv;
  let now = new Date();
  let dryRun = false;
  let sitesFile: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--sites' && rest[i + 1] !== undefined) sitesFile = rest[++i];
    else if (a === '--now' && rest[i + 1] !== undefined) {
      now = new Date(rest[++i] as string);
      if (Number.isNaN(now.getTime())) return usage(out, tx.badNow(rest[i] as string));
    } else return usage(out, tx.unknownArg(String(a)));
  }
  if (job === 'probe-warn') return runProbeWarn(loadConfig(env), env, rest, now, dryRun, out);
  if (job === 'probe') {
    if (!dryRun) return usage(out, probeText.usage);
    return runProbeDryRun(loadConfig(env), sitesFile, now, out);
  }
  if (job !== 'reminders') return usage(out, job ? tx.unknownJob(job) : undefined);
  if (!dryRun) return usage(out, tx.dryRunOnly);

  const config = loadConfig(env);
  // A dry run only reads, beside whatever writes the directory. Only a directory nobody ever
  // started needs the shipped notice written first — under the lock, as any writer.
  let opened = await openStore(config, { oneShot: true, readOnly: true });
  if (opened.store.isEmpty()) {
    await opened.close();
    let lock: DataLock;
    try {
      lock = await DataLock.acquire(config.dataDir, { role: 'cli', command: 'npm run jobs' });
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      out(err.message);
      return 1;
    }
    try {
      opened = await openStore(config, { oneShot: true });
      await ensureSeeded(opened.store, now);
    } finally {
      await lock.release();
    }
  }
  const store = opened.store;
  const groups = await loadGroups(config.groupsFile, env, store.dataset());
  const reminders = await openReminders(config.dataDir);
  const scan = await scanReminders(
    { store, groups, log: silentLogger, sink: { enqueue: async () => false }, ...reminders },
    now,
    { dryRun: true },
  );
  out(tx.header(now.toISOString()));
  for (const r of scan.due) {
    if (r.deliveries.length === 0) out(tx.noFollowers(r.unitName, r.step.id));
    for (const d of r.deliveries) out(`${tx.to(d.group.name, d.group.id, r.step.id)}\n${replyToText(d.reply)}\n`);
  }
  for (const g of scan.gaps) {
    out(tx.gap(g.task.unitName, g.task.deadline ? deadlineLabel(g.task.deadline) : '', g.years));
  }
  out(tx.total(scan.due.reduce((n, r) => n + r.deliveries.length, 0)));
  return 0;
}

function usage(out: (line: string) => void, problem?: string): number {
  if (problem) out(problem);
  out(tx.usage);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runJobs(process.argv.slice(2), process.env, (l) => console.log(l));
}
