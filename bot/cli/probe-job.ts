import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { openStore } from '../../data/open-store.ts';
import { replyToText } from '../../handlers/reply.ts';
import type { AdminCommand } from '../admin/server.ts';
import { Subscriptions } from '../alerts/subscriptions.ts';
import { type Groups, loadGroups } from '../groups.ts';
import { silentLogger } from '../logger.ts';
import { PgOutbox } from '../outbox/pg-queue.ts';
import { Outbox } from '../outbox/queue.ts';
import { createFetcher, openProbeStore } from '../probe/setup.ts';
import type { ProbeStore } from '../../data/probe/store.ts';
import { runWarnings, type WarnDeps, type WarnScan } from '../probe/warn.ts';
import { throughWriter } from './writer.ts';
import { type Site, siteSchema } from '../../data/schema.ts';
import { standingLines } from '../../handlers/probe.ts';
import { probeText as tx } from '../../handlers/text.ts';
import type { Config } from '../config.ts';
import { probeHomepage, readSite, siteStanding } from '../probe/run.ts';

/**
 * `npm run jobs -- probe --now <ISO> --dry-run [--sites <file.json>]`: probes each registered
 * site's homepage once and reads its columns, then prints each rule's standing from the stored
 * tallies (DATA_DIR/probe.json, read only) plus this try. The sites are the register's (the
 * store's 网站名册 with its 栏目名册); `--sites` gives a JSON array of sites instead. Writes nothing.
 */
export async function runProbeDryRun(
  config: Config,
  sitesFile: string | undefined,
  now: Date,
  out: (line: string) => void,
): Promise<number> {
  // The register and the probe store as stored, read only beside whatever writes them.
  const opened = await openStore(config, { oneShot: true, readOnly: true });
  try {
    let sites: Site[];
    if (sitesFile) {
      try {
        sites = z.array(siteSchema).parse(JSON.parse(await readFile(sitesFile, 'utf8')));
      } catch (err) {
        out(tx.badSites(sitesFile, err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message));
        return 2;
      }
    } else {
      sites = opened.store
        .dataset()
        .sites.probed()
        .map((s) => s.site);
      if (sites.length === 0) {
        out(tx.noSites);
        return 2;
      }
    }
    return await dryRun(config, sites, await openProbeStore(config, opened.pg), now, out);
  } finally {
    await opened.close();
  }
}

async function dryRun(
  config: Config,
  sites: Site[],
  store: ProbeStore,
  now: Date,
  out: (line: string) => void,
): Promise<number> {
  const fetcher = createFetcher(config);
  out(tx.dryHeader(now.toISOString()));
  // Sites are probed together (the limiter keeps each address to 2 in flight and 1 a second) and
  // printed in register order.
  const lines = await Promise.all(
    sites
      .filter((s) => s.url)
      .map(async (site) => {
        const home = await probeHomepage(fetcher, store, site, now);
        const reading = await readSite(fetcher, site, now, home.outcome === 'ok' ? home.body : undefined);
        store.setReading(site.id, reading);
        return standingLines(
          siteStanding(store, site, now, config.PROBE_PER_DAY),
          reading.homepage !== undefined,
        ).join('\n');
      }),
  );
  for (const text of lines) {
    out(text);
    out('');
  }

  return 0;
}

/**
 * `npm run jobs -- probe-warn [--now <ISO>] [--dry-run]`: the early-warning evaluation the bot runs
 * every 15 minutes (bot/probe/warn.ts), for cron and tests. It queues warnings and recoveries in
 * the outbox and records them in the probe store's journal, so it goes through the one writer:
 * inside the running bot when one runs (which then sends them), else here under the lock (the
 * next bot start sends them). `--dry-run` prints the messages and changes nothing.
 */
export async function runProbeWarn(
  config: Config,
  env: Record<string, string | undefined>,
  argv: string[],
  now: Date,
  dryRun: boolean,
  out: (line: string) => void,
): Promise<number> {
  if (dryRun) {
    const opened = await openStore(config, { oneShot: true, readOnly: true });
    try {
      const store = opened.store;
      const groups = await loadGroups(config.groupsFile, env, store.dataset());
      // What the groups follow now (/sub, /unsub), read only.
      const subscriptions = opened.pg
        ? await Subscriptions.openPg(opened.pg.pool, groups)
        : await Subscriptions.open(config.dataDir, groups);
      const scan = await runWarnings(
        {
          store,
          probes: await openProbeStore(config, opened.pg),
          groups,
          scopeOf: (g, data) => subscriptions.scopeOf(g.id, data),
          outbox: { knows: () => false, enqueueAll: async () => 0 },
          perDay: config.PROBE_PER_DAY,
          log: silentLogger,
        },
        now,
        { dryRun: true },
      );
      printScan(scan, groups, out, now, true);
      return 0;
    } finally {
      await opened.close();
    }
  }
  return throughWriter({
    dataDir: config.dataDir,
    command: 'probe-warn',
    argv,
    out,
    alone: async () => {
      const opened = await openStore(config, { oneShot: true });
      const store = opened.store;
      const groups = await loadGroups(config.groupsFile, env, store.dataset());
      const outbox = opened.pg
        ? await PgOutbox.open(opened.pg.pool, { owner: opened.pg.instanceId, hub: opened.pg.hub })
        : await Outbox.open(config.dataDir);
      const subscriptions = opened.pg
        ? await Subscriptions.openPg(opened.pg.pool, groups, opened.pg.hub)
        : await Subscriptions.open(config.dataDir, groups);
      try {
        const scan = await runWarnings(
          {
            store,
            probes: await openProbeStore(config, opened.pg),
            groups,
            scopeOf: (g, data) => subscriptions.scopeOf(g.id, data),
            outbox,
            perDay: config.PROBE_PER_DAY,
            log: silentLogger,
          },
          now,
        );
        printScan(scan, groups, out, now, false);
        return 0;
      } finally {
        if (outbox instanceof Outbox) await outbox.close();
        await opened.close();
      }
    },
  });
}

/** What `npm run jobs -- probe-warn` runs inside the bot (bot/admin/server.ts), with its own deps. */
export function probeWarnInBot(deps: WarnDeps, groups: Groups): AdminCommand {
  return async (argv, out) => {
    const at = argv.indexOf('--now');
    const now = at >= 0 ? new Date(argv[at + 1] ?? '') : new Date();
    if (Number.isNaN(now.getTime())) {
      out(tx.warnUsage);
      return 2;
    }
    printScan(await runWarnings(deps, now), groups, out, now, false);
    return 0;
  };
}

function printScan(scan: WarnScan, groups: Groups, out: (line: string) => void, now: Date, dryRun: boolean): void {
  if (dryRun) out(tx.warnDryHeader(now.toISOString()));
  for (const e of scan.events)
    if (e.groups.length === 0 && !e.quiet) out(tx.warnNoFollowers(e.site.site.name, tx.ruleName[e.rule] ?? e.rule));
  for (const m of scan.messages) {
    const g = groups.byId(m.groupId);
    out(`${tx.warnTo(g?.name ?? m.groupId, m.groupId)}\n${replyToText(m.reply)}\n`);
  }
  out(dryRun ? tx.warnTotal(scan.messages.length) : tx.warnQueued(scan.queued));
}
