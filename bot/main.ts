import { readFileSync } from 'node:fs';
import * as metrics from './metrics.ts';
import { Agent as HttpAgent, type Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import path from 'node:path';
import axios from 'axios';
import { ensureSeeded } from '../data/import/seed.ts';
import { DataLock, LockHeldError } from '../data/lock.ts';
import { openStore } from '../data/open-store.ts';
import { PgCoordinator } from '../data/pg/coordinator.ts';
import { type Leadership, LocalCoordinator } from './coordination.ts';
import { startAdmin } from './admin/server.ts';
import { askInBot } from './cli/ask.ts';
import { importCommand } from './cli/import.ts';
import { createApiRouter } from './api/rounds.ts';
import { createApp, listen } from './app.ts';
import { openCharts } from './charts/setup.ts';
import { createDashboardRouter } from './dashboard/routes.ts';
import { type Config, loadConfig, repoRoot } from './config.ts';
import { ConfigError } from './errors.ts';
import { loadGroups } from './groups.ts';
import { statusText } from '../handlers/text.ts';
import { createChatFiles } from './imports/chat-files.ts';
import { openPendingImports } from './imports/pending.ts';
import { ImportService } from './imports.ts';
import { JobBoard } from './jobs.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDelivery } from './outbox/setup.ts';
import { createFileSources, createPlatforms } from './platforms/index.ts';
import { fitsPusher } from './outbox/digest.ts';
import { textFits } from './reminders/job.ts';
import { startReminderJob } from './reminders/schedule.ts';
import type { Dataset } from '../data/dataset.ts';
import { probeWarnInBot } from './cli/probe-job.ts';
import type { Group } from './groups.ts';
import { startWarnJob } from './probe/warn-job.ts';
import { openReminders } from './reminders/setup.ts';
import { openProbing, probeService } from './probe/setup.ts';

/**
 * Composition root: the data directory's lock → store → groups → platforms → HTTP app → the
 * admin door for the CLI. The bot is the directory's one writer (README “One writer”): a second
 * bot, or a CLI writing on its own, is refused while it runs.
 */
export async function start(config: Config, env: Record<string, string | undefined>, log: Logger) {
  // The lowdb files have no guard of their own, so the directory is locked. With STORE=postgres
  // every piece of state is in the database, which orders all writers (transactions, advisory
  // locks): instances and CLIs write it side by side, and no directory lock is taken.
  const lock =
    config.STORE === 'postgres'
      ? undefined
      : await DataLock.acquire(config.dataDir, { role: 'bot', command: 'npm start' });
  const cleanups: Array<() => Promise<void>> = lock ? [() => lock.release()] : [];
  try {
    return await startLocked(config, env, log, lock, cleanups);
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw err;
  }
}

async function startLocked(
  config: Config,
  env: Record<string, string | undefined>,
  log: Logger,
  lock: DataLock | undefined,
  cleanups: Array<() => Promise<void>>,
) {
  const opened = await openStore(
    { ...config, ...(config.INSTANCE_ID ? { instanceId: config.INSTANCE_ID } : {}) },
    { warn: (message) => log.warn(message), note: (message) => log.info(message) },
  );
  cleanups.push(() => opened.close());
  const store = opened.store;
  // Several instances on PostgreSQL agree through it (one scan per slot, one holder per long
  // connection); one process on a data directory agrees with itself.
  const coordinator = opened.pg
    ? new PgCoordinator(opened.pg.pool, opened.pg, opened.pg.instanceId)
    : new LocalCoordinator();
  // Instances starting together on an empty database import the shipped notice once.
  const seeded = await coordinator.exclusive('seed', () => ensureSeeded(store, new Date()));
  if (seeded) log.info({ round: seeded }, 'empty store: imported the shipped Fujian 2020Q1 notice');
  const groups = await loadGroups(config.groupsFile, env, store.dataset());
  // Keep-alive: every answer to a DingTalk session webhook or WeCom response_url is an outbound
  // request; a fresh TCP (and TLS) connection for each cost more than the /rate answer itself.
  const http = axios.create({
    // A push must end well within its outbox claim (OUTBOX_LEASE_MS, STORE=postgres).
    timeout: Math.min(10_000, Math.floor(config.OUTBOX_LEASE_MS / 2)),
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
  });
  const reminders = await openReminders(config.dataDir, opened.pg);
  const imports = new ImportService(store, log, (outcome, seconds) => {
    metrics.imports.inc({ outcome });
    metrics.importSeconds.observe(seconds);
  });
  // Alerts and the outbox (README "Alerts and the outbox"): listener on imports, drain per robot.
  // Charts (README "Charts"): pictures for /chart and chart pushes, links served at /charts/.
  const charts = await openCharts(config, store);
  const delivery = await openDelivery({
    config,
    store,
    groups,
    imports,
    http,
    log,
    charts: charts.images,
    pg: opened.pg,
    coordinator,
  });
  cleanups.push(() => delivery.stop());
  // What /status lists as next scheduled work; the reminder job joins when it starts below.
  const jobs = new JobBoard();
  jobs.add(statusText.drainJob, () => delivery.drain.nextWake());
  // Site probing (README "Site probing"): the probe store always (/probe and /watch read standings
  // from it), and with PROBE=on the schedule that probes every registered site's homepage and
  // columns, and the early warnings evaluated every 15 minutes (bot/probe/warn-job.ts, below).
  const probing = await openProbing({
    config,
    opened,
    coordinator,
    sites: () => store.dataset().register.sites,
    log,
  });
  cleanups.push(() => probing.stop());
  const probes = probing.store;
  const services = {
    probe: probeService(config, probes),
    groups,
    tasks: reminders.service,
    subscriptions: delivery.subscriptions,
    outbox: delivery.outbox,
    jobs,
    // Import from the group (README "Import from the group"): /apply writes through `imports`.
    imports,
    pendingImports: await openPendingImports(store, new Date(), log),
    // Notices and spreadsheets sent as files (README "Import from the group"), downloaded here.
    chatFiles: createChatFiles({
      dir: path.join(config.dataDir, 'chat-files'),
      sources: createFileSources({ config, http }),
      log,
    }),
  };
  const pipeline = { store, log, now: () => new Date(), services };
  // Answers a reply channel cannot carry go to the group robot through the outbox.
  const platforms = createPlatforms({
    config,
    pipeline,
    groups,
    log,
    http,
    replies: delivery.outbox,
    charts: charts.images,
  });
  const routers = platforms.flatMap((p) => (p.router ? [p.router] : []));
  routers.push(charts.router);
  // The dashboard at / (README "Dashboard"): read-only, DASHBOARD_TOKEN or this machine only.
  routers.push(
    createDashboardRouter({
      store,
      token: config.DASHBOARD_TOKEN,
      now: () => new Date(),
      tasks: reminders.service,
      outbox: delivery.outbox,
      log,
    }),
  );
  // Prometheus text at /metrics: loopback, or METRICS_TOKEN from elsewhere (bot/metrics.ts).
  metrics.observeOutbox(delivery.outbox);
  routers.push(metrics.createMetricsRouter({ token: config.METRICS_TOKEN }));
  // The inspection-system API is off unless API_TOKEN is set (bot/api/rounds.ts).
  if (config.API_TOKEN)
    routers.push(createApiRouter({ store, imports, token: config.API_TOKEN, now: () => new Date() }));
  const app = createApp({ store, log, routers });
  const server: Server = await listen(app, config.PORT, config.HOST);
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  // Long connections: one instance holds each (PostgreSQL: an advisory lock on a connection of its
  // own; when the holder dies the server releases it and a standby connects within a second).
  const leaderships: Leadership[] = [];
  for (const p of platforms) {
    if (!p.start) continue;
    if (!opened.pg) await p.start();
    else {
      const name = p.connection ?? 'long-connection';
      leaderships.push(
        coordinator.lead(
          name,
          { start: () => p.start!(), stop: () => p.stop?.() ?? Promise.resolve() },
          (holding) =>
            log.info(
              { connection: name, holding },
              holding ? 'long connection: this instance holds it' : 'long connection: released',
            ),
        ),
      );
    }
  }
  await delivery.start(Boolean(seeded));
  // Deadline reminders (README "Deadline reminders"): a scan now, every 5 minutes, and after each import.
  const reminderJob = startReminderJob(
    {
      store,
      groups,
      tasks: reminders.tasks,
      calendar: reminders.calendar,
      plan: reminders.plan,
      sink: delivery.outbox,
      scopeOf: (group, data) => delivery.subscriptions.scopeOf(group.id, data),
      fits: (group) => {
        const pusher = delivery.pushers[group.platform];
        return pusher ? fitsPusher(pusher) : textFits(group);
      },
      log,
    },
    undefined,
    coordinator,
  );
  // After an import the tasks change: one scan per import, by whichever instance claims it (an
  // import by another process reaches every instance through the store's notification; the others
  // leave the scan to the one that claimed it). Scans are idempotent; the claim saves the CPU.
  const scanAfterImport = async () => {
    const last = store.state.data.lastImport;
    const claimed = last
      ? await coordinator
          .claimSlot('reminders:import', `${last.roundKey}|${last.at}`, new Date())
          .catch((err: unknown) => {
            log.error({ err }, 'reminder scan claim failed; scanning anyway');
            return true;
          })
      : true;
    if (claimed) await reminderJob.runNow();
  };
  imports.onImported(() => scanAfterImport());
  store.onChange?.(() => void scanAfterImport());
  jobs.add(statusText.reminderJob, () => reminderJob.nextRun());
  cleanups.push(() => reminderJob.stop());
  const warnDeps = {
    store,
    probes,
    groups,
    scopeOf: (group: Group, data: Dataset) => delivery.subscriptions.scopeOf(group.id, data),
    outbox: delivery.outbox,
    perDay: config.PROBE_PER_DAY,
    fits: (group: Group) => {
      const pusher = delivery.pushers[group.platform];
      return pusher ? fitsPusher(pusher) : textFits(group);
    },
    log,
  };
  const warnJob = config.PROBE === 'on' ? startWarnJob(warnDeps, undefined, coordinator) : undefined;
  if (warnJob) {
    jobs.add(statusText.probeWarnJob, () => warnJob.nextRun());
    cleanups.push(() => warnJob.stop());
  }
  if (probing.loop) {
    const loop = probing.loop;
    jobs.add(statusText.probeJob, () => loop.nextTry());
  }
  // The CLI's way in (bot/admin/server.ts): `npm run import … --apply` and `npm run ask` run here.
  // On PostgreSQL a CLI writes to the database itself and the instances hear of it (NOTIFY).
  const admin = lock
    ? await startAdmin({
        dataDir: config.dataDir,
        store,
        log,
        port: config.ADMIN_PORT,
        commands: {
          import: (argv, out) => importCommand(argv, { store, imports, cwd: process.cwd() }, out),
          ask: askInBot(pipeline),
          ...(warnJob ? { 'probe-warn': probeWarnInBot(warnDeps, groups) } : {}),
        },
      })
    : undefined;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, pid: process.pid, dataDir: config.dataDir, groups: groups.list.length }, 'inspection-bot listening');
  return {
    server,
    store,
    imports,
    port,
    /** Probe store and schedule (tests look at the loop). */
    probing,
    /** What handlers see (for tests that ask the running bot). */
    pipeline,
    adminPort: admin?.port,
    /**
     * Stops in the order that loses nothing: stop taking requests (the port is released once the
     * requests in flight are answered; idle keep-alive connections are closed at once, busy ones
     * cut after STOP_GRACE_MS), close the admin door and long connections, let the reminder scan
     * and the outbox finish or hand back what they hold (a message being sent stays `sending` and
     * is retried at the next start), then close the store (journals flushed) and release the lock.
     */
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
      await admin?.stop();
      await reminderJob.stop();
      await warnJob?.stop();
      // Tries in flight finish (at most a few seconds), then the tallies are written.
      await probing.stop();
      await delivery.stop();
      for (const l of leaderships) await l.stop();
      for (const p of platforms) if (!opened.pg || !p.start) await p.stop?.();
      await closed;
      clearTimeout(cut);
      metrics.observeOutbox(undefined);
      await opened.close();
      await lock?.release();
    },
  };
}

/** How long requests in flight get to finish at shutdown before their connections are cut. */
const STOP_GRACE_MS = 4000;
/** SIGTERM stops the bot within 10 s (issue 13): past this the process exits whatever hangs. */
const STOP_DEADLINE_MS = 9000;

/**
 * `npm start` as a service: npm (11) passes a SIGTERM on to the script's shell and exits at once,
 * and the shell may not pass it on, which left the bot running, holding its port. So when npm
 * started the bot, the bot watches the processes that launched it (its parent, and the
 * parent's parent when that is npm's shell) and stops the same way as on SIGTERM when one of
 * them is gone. Linux (/proc); elsewhere only the parent is watched.
 */
function watchLauncher(onGone: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parentOf = (pid: number): number | undefined => {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined;
    }
  };
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const timer = setInterval(() => {
    if (process.ppid !== parent || (grandparent !== undefined && parentOf(parent) !== grandparent)) {
      clearInterval(timer);
      onGone();
    }
  }, 250);
  timer.unref();
}

/** Reads ./.env when present (kept out of git); the environment wins over the file. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile(path.join(repoRoot, '.env'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function main() {
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(2);
  }
  const log = createLogger(config.LOG_LEVEL);
  try {
    const running = await start(config, process.env, log);
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        log.error({ signal, ms: STOP_DEADLINE_MS }, 'shutdown did not finish in time; exiting');
        process.exit(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      running.stop().then(
        () => {
          log.info({ signal }, 'stopped');
          log.flush?.();
          process.exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    watchLauncher(() => shutdown('launcher exited'));
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGHUP', () => shutdown('SIGHUP'));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof LockHeldError) {
      console.error(err.message);
      process.exit(2);
    }
    log.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
