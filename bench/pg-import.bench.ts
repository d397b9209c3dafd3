import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImportService } from '../bot/imports.ts';
import { silentLogger } from '../bot/logger.ts';
import { planSheets } from '../data/import/sheet/index.ts';
import { openPool, quoteIdent } from '../data/pg/connect.ts';
import { PgStore } from '../data/pg/store.ts';
import type { ImportWrite, InspectionStore, RegisterWrite } from '../data/store.ts';
import { LowStore } from '../data/store.ts';
import { generateNational } from './generate.ts';
import { fmt, machine, timeMs, writeSection } from './lib.ts';

/**
 * The national import into PostgreSQL against the same import into lowdb files, in one run: the
 * synthetic national data set the other benches use (bench/national.ts, scale 1: register.xlsx
 * with 15,000 sites and 150,000 accounts, then 8 quarterly rounds), parsed once, then written into
 * an empty store of each kind in turns (lowdb, PostgreSQL, lowdb, …) so that other load on the
 * machine falls on both alike; then each store opened again from scratch (what an instance does at
 * start). Needs DATABASE_URL (`eval "$(.ci/setup-postgres)"`). BENCH_TURNS (default 3) bounds it.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('pg-import bench: DATABASE_URL is not set (eval "$(.ci/setup-postgres)")');
const TURNS = Number(process.env.BENCH_TURNS ?? 3);

const files = await generateNational(1);
const now = new Date();

// Parsing is the same work for both stores: done once, timed, outside the comparison.
const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-pg-import-'));
let register!: RegisterWrite;
const rounds: ImportWrite[] = [];
const parseMs = await timeMs(async () => {
  const plan = await LowStore.open(path.join(scratch, 'plan'));
  register = (await planSheets([files.register], plan.dataset(), { now })).register!;
  await plan.applyRegister(register);
  for (const f of files.rounds) rounds.push((await planSheets([f], plan.dataset(), { now })).round!.write);
  await plan.close();
});
const counts = {
  units: register.units.length,
  sites: register.sites.length,
  accounts: register.accounts.length,
  failures: rounds.reduce((n, r) => n + r.roundFile.failures.length, 0),
};
console.log('parsed', counts, `${fmt(parseMs, 0)} ms`);

interface Timing {
  register: number;
  rounds: number;
  total: number;
  open: number;
}

/** Writes the register and every round into `store` as the importer does; then opens it again. */
async function importInto(
  store: InspectionStore,
  reopen: () => Promise<InspectionStore>,
): Promise<Timing> {
  const imports = new ImportService(store, silentLogger);
  const registerMs = await timeMs(() => store.applyRegister(register));
  const roundsMs = await timeMs(async () => {
    for (const write of rounds) await imports.apply(write, now);
  });
  if (store.dataset().rounds.length !== rounds.length) throw new Error('pg-import bench: a round is missing');
  let again!: InspectionStore;
  const openMs = await timeMs(async () => {
    again = await reopen();
  });
  if (again.dataset().register.accounts.length !== counts.accounts)
    throw new Error('pg-import bench: the reopened store lacks accounts');
  await again.close();
  await store.close();
  return { register: registerMs, rounds: roundsMs, total: registerMs + roundsMs, open: openMs };
}

const pool = await openPool({ url, max: 4 });
const low: Timing[] = [];
const pg: Timing[] = [];
try {
  for (let turn = 0; turn < TURNS; turn++) {
    const dir = path.join(scratch, `low-${turn}`);
    low.push(await importInto(await LowStore.open(dir), () => LowStore.open(dir)));
    console.log('lowdb', low.at(-1));
    const schema = `bench_import_${Date.now().toString(36)}`;
    const own = await openPool({ url, schema, max: 4 });
    const dataDir = path.join(scratch, `pg-${turn}`);
    try {
      pg.push(
        await importInto(await PgStore.open({ pool: own, dataDir }), () => PgStore.open({ pool: own, dataDir })),
      );
      console.log('postgres', pg.at(-1));
    } finally {
      await own.end();
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    }
  }
} finally {
  await pool.end();
  await rm(scratch, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (label: string, pick: (t: Timing) => number) => {
  const l = median(low.map(pick));
  const p = median(pg.map(pick));
  return `| ${label} | ${fmt(p, 0)} ms | ${fmt(l, 0)} ms | ${fmt(p / l)}× |`;
};
const md = `## National import: PostgreSQL against lowdb (bench/pg-import.bench.ts)

The synthetic national data set (bench/national.ts, scale 1): a register of ${counts.units} units,
${counts.sites} sites and ${counts.accounts} accounts, then 8 quarterly rounds with ${counts.failures} failed
items in all. Parsed once (${fmt(parseMs / 1000, 1)} s: register.xlsx and the 8 round files), then written into
an empty store of each kind, ${TURNS} turns taking turns (lowdb, PostgreSQL, …); medians. PostgreSQL 15 local,
defaults (fsync on); lowdb files fsynced. ${machine()}.

| Step | PostgreSQL | lowdb | PostgreSQL ÷ lowdb |
|---|---|---|---|
${row('register (units, sites, accounts)', (t) => t.register)}
${row('8 rounds, one import each', (t) => t.rounds)}
${row('national import, in all', (t) => t.total)}
${row('open the national store (an instance starting)', (t) => t.open)}

Both stores validate every item with the same schemas and build the same in-memory Dataset after the
write (what answers \`/rate\`). PostgreSQL writes the register in batches of 5,000 rows
(\`INSERT … SELECT FROM unnest\`), each round as one row, each in one transaction under the store's
write lock, and then reads back the rows with a newer revision; lowdb rewrites its JSON files.
Opening reads every row and builds the Dataset. Where PostgreSQL's time goes: the register's one
transaction upserting about 176,000 jsonb rows is most of it, and reading them back to rebuild the
Dataset about as long as opening the store. Not done yet: a bulk path (COPY into a staging table and one
upsert from it, and no read-back of the rows this instance just wrote) to narrow the gap. An import is
rare (a round a quarter); what instances do all day is in \`pg-writes\` and \`rate-instances\`.`;
console.log(md);
await writeSection('pg-import', md);
