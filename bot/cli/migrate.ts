import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../data/json-file.ts';
import { openStore } from '../../data/open-store.ts';
import type { InspectionStore } from '../../data/store.ts';
import { migrateText as tx } from '../../handlers/text.ts';
import { Subscriptions, type SubscriptionsFile } from '../alerts/subscriptions.ts';
import { loadConfig } from '../config.ts';
import { makeGroups } from '../groups.ts';
import { Journal } from '../outbox/journal.ts';
import { PgOutbox } from '../outbox/pg-queue.ts';
import { type Entry, OUTBOX_VERSION } from '../outbox/schema.ts';
import { type TasksFile, TaskStore } from '../reminders/task-store.ts';

/**
 * `npm run migrate -- --to postgres [--from DIR]` copies a lowdb data directory (default DATA_DIR)
 * into the database at DATABASE_URL; `--to lowdb [--into DIR]` copies the database back into a
 * directory — the way out. Everything is copied: the register, every round (the last import
 * stays the last), message ids seen in the last 48 hours, subscriptions, task marks and the
 * outbox with each message's status. The target must be empty, so nothing is ever overwritten;
 * stop the bot before copying. Exit codes: 0 copied, 1 refused, 2 usage.
 */
export async function runMigrate(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  let to: string | undefined;
  let dirArg: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--to' && argv[i + 1]) to = argv[++i];
    else if (a.startsWith('--to=')) to = a.slice(5);
    else if ((a === '--from' || a === '--into') && argv[i + 1]) dirArg = argv[++i];
    else if (a.startsWith('--from=') || a.startsWith('--into=')) dirArg = a.slice(a.indexOf('=') + 1);
    else {
      out(tx.unknownArg(a));
      out(tx.usage);
      return 2;
    }
  }
  if (to !== 'postgres' && to !== 'lowdb') {
    out(tx.usage);
    return 2;
  }
  const config = loadConfig({ ...env, STORE: 'lowdb' });
  if (!config.DATABASE_URL) {
    out(tx.needUrl);
    return 1;
  }
  const dir = dirArg ? path.resolve(env.INIT_CWD ?? process.cwd(), dirArg) : config.dataDir;
  const pg = await openStore(
    { STORE: 'postgres', DATABASE_URL: config.DATABASE_URL, DATABASE_SCHEMA: config.DATABASE_SCHEMA, dataDir: dir },
    { oneShot: true },
  );
  const db = pg.pg!;
  const groups = makeGroups([]);
  try {
    const pgSide = {
      store: pg.store,
      subscriptions: await Subscriptions.openPg(db.pool, groups),
      tasks: await TaskStore.openPg(db.pool),
      outbox: await PgOutbox.open(db.pool, { owner: 'migrate' }),
    };
    if (to === 'postgres') {
      const problems = await pgContents(pgSide);
      if (problems) {
        out(tx.targetNotEmpty(tx.database, problems));
        return 1;
      }
      const low = await openStore({ STORE: 'lowdb', dataDir: dir });
      const counts = await copy(
        {
          store: low.store,
          subscriptions: (await Subscriptions.open(dir, groups)).exportAll(),
          tasks: (await TaskStore.open(dir)).data,
          outbox: (await Journal.peek(dir))?.entries ?? [],
        },
        {
          store: pgSide.store,
          subscriptions: (f) => pgSide.subscriptions.importAll(f),
          tasks: (f) => pgSide.tasks.importAll(f),
          outbox: (entries) => pgSide.outbox.importAll(entries),
        },
      );
      await low.close();
      report(out, tx.database, counts);
      return 0;
    }
    const found = await dirContents(dir);
    if (found) {
      out(tx.targetNotEmpty(tx.directory(dir), found));
      return 1;
    }
    const low = await openStore({ STORE: 'lowdb', dataDir: dir });
    try {
      const counts = await copy(
        {
          store: pgSide.store,
          subscriptions: pgSide.subscriptions.exportAll(),
          tasks: pgSide.tasks.data,
          outbox: await pgSide.outbox.entries(),
        },
        {
          store: low.store,
          subscriptions: async (f) => (await Subscriptions.open(dir, groups)).importAll(f),
          tasks: async (f) => (await TaskStore.open(dir)).importAll(f),
          outbox: (entries) => writeOutbox(dir, entries),
        },
      );
      report(out, tx.directory(dir), counts);
    } finally {
      await low.close();
    }
    return 0;
  } finally {
    await pg.close();
  }
}

interface Source {
  store: InspectionStore;
  subscriptions: SubscriptionsFile;
  tasks: TasksFile;
  outbox: Entry[];
}

interface Target {
  store: InspectionStore;
  subscriptions: (f: SubscriptionsFile) => Promise<void>;
  tasks: (f: TasksFile) => Promise<void>;
  outbox: (entries: Entry[]) => Promise<unknown>;
}

type Counts = Record<keyof typeof tx.what, number>;

async function copy(from: Source, to: Target): Promise<Counts> {
  const data = from.store.dataset();
  const reg = data.register;
  await to.store.applyRegister({ newRegions: reg.regions, units: reg.units, sites: reg.sites, accounts: reg.accounts });
  // Every round, the last import last (so the copy's "last import" is the original's).
  const last = from.store.state.data.lastImport;
  const files = data.rounds.map((v) => v.file);
  const ordered = [...files.filter((f) => f.round.key !== last?.roundKey), ...files.filter((f) => f.round.key === last?.roundKey)];
  for (const f of ordered) {
    const at = f.round.key === last?.roundKey ? new Date(last.at) : new Date(f.round.importedAt);
    await to.store.applyImport({ newRegions: [], roundFile: f }, at);
  }
  const seen = await from.store.seenIds();
  for (const { key, at } of seen) await to.store.markSeen(key, at);
  // Chat imports waiting for /apply, each at its own time (so none is dropped as old on the way).
  const pending = await from.store.pendingImports.all();
  for (const p of pending) await to.store.pendingImports.put(p.key, p.pending, new Date(p.pending.at));
  // The audit trail, oldest first, so the copy reads newest first as the original does.
  const trail = (await from.store.auditLog(Number.MAX_SAFE_INTEGER)).reverse();
  for (const entry of trail) await to.store.audit(entry);
  await to.subscriptions(from.subscriptions);
  await to.tasks(from.tasks);
  await to.outbox(from.outbox);
  return {
    regions: reg.regions.length,
    units: reg.units.length,
    sites: reg.sites.length,
    accounts: reg.accounts.length,
    rounds: files.length,
    seen: seen.length,
    subscriptions: Object.keys(from.subscriptions.groups).length,
    tasks:
      Object.keys(from.tasks.done).length +
      Object.keys(from.tasks.sent).length +
      Object.keys(from.tasks.deadlines.rounds).length +
      Object.keys(from.tasks.deadlines.units).length,
    outbox: from.outbox.length,
    pendingImports: pending.length,
    audit: trail.length,
  };
}

function report(out: (line: string) => void, where: string, counts: Counts): void {
  out(tx.copied(where));
  for (const k of Object.keys(tx.what) as Array<keyof typeof tx.what>) out(tx.line(tx.what[k], counts[k]));
}

/** What the database already holds, or undefined when it is empty. */
async function pgContents(side: {
  store: InspectionStore;
  subscriptions: Subscriptions;
  tasks: TaskStore;
  outbox: PgOutbox;
}): Promise<string | undefined> {
  const found: string[] = [];
  if (!side.store.isEmpty()) found.push(tx.what.rounds);
  if (Object.keys(side.subscriptions.exportAll().groups).length > 0) found.push(tx.what.subscriptions);
  const t = side.tasks.data;
  if (Object.keys(t.done).length + Object.keys(t.sent).length > 0) found.push(tx.what.tasks);
  const st = await side.outbox.stats();
  if (st.pending + st.sending + st.sent + st.dead > 0) found.push(tx.what.outbox);
  if ((await side.store.seenIds()).length > 0) found.push(tx.what.seen);
  if ((await side.store.pendingImports.all()).length > 0) found.push(tx.what.pendingImports);
  if ((await side.store.auditLog(1)).length > 0) found.push(tx.what.audit);
  return found.length > 0 ? found.join('、') : undefined;
}

const STORE_FILES = ['register.json', 'rounds', 'state.json', 'chat-imports.json', 'audit.log', 'outbox.json', 'outbox.log', 'tasks.json', 'subscriptions.json', 'inbox.json', 'inbox.log'];

async function dirContents(dir: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const found = names.filter((n) => STORE_FILES.includes(n));
  return found.length > 0 ? found.join('、') : undefined;
}

/** A fresh outbox.json with the copied messages; one caught mid-send goes back as possibly sent. */
async function writeOutbox(dir: string, entries: Entry[]): Promise<void> {
  if (entries.length === 0) return;
  const copied = entries.map((e) => (e.status === 'sending' ? { ...e, status: 'pending' as const, uncertain: true } : e));
  const nextSeq = Math.max(...copied.map((e) => e.seq)) + 1;
  await writeFileAtomic(
    path.join(dir, 'outbox.json'),
    `${JSON.stringify({ version: OUTBOX_VERSION, nextSeq, entries: copied })}\n`,
  );
}


if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runMigrate(process.argv.slice(2), process.env, (l) => console.log(l));
}
