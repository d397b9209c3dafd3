import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Subscriptions } from '../bot/alerts/subscriptions.ts';
import { makeGroups } from '../bot/groups.ts';
import { PgOutbox } from '../bot/outbox/pg-queue.ts';
import { Outbox } from '../bot/outbox/queue.ts';
import { TaskStore } from '../bot/reminders/task-store.ts';
import { openPool, quoteIdent } from '../data/pg/connect.ts';
import { PgStore } from '../data/pg/store.ts';
import { LowStore } from '../data/store.ts';
import { reply } from '../handlers/reply.ts';
import { dataset, wecomGroup } from '../test/support/alert-world.ts';
import { fmt, machine, percentile, writeSection } from './lib.ts';

/**
 * Small writes on PostgreSQL against the same writes on lowdb files, one after another (latency,
 * not throughput): a message id marked seen, an outbox message queued, a /done, a /sub.
 * Needs DATABASE_URL (`eval "$(.ci/setup-postgres)"`); the server runs with its defaults (fsync on,
 * synchronous commit).
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('pg-writes bench: DATABASE_URL is not set (eval "$(.ci/setup-postgres)")');
const N = Number(process.env.PG_WRITES_N ?? 300);
const data = dataset([]);
const groups = makeGroups([wecomGroup('fz', ['福州'])]);
const regions = data.regions.all().filter((r) => r.kind === 'district').slice(0, N);

async function timings(fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

const schema = `bench_writes_${Date.now().toString(36)}`;
const pool = await openPool({ url, schema, max: 4 });
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-writes-'));
const rows: string[] = [];
try {
  const pg = await PgStore.open({ pool, dataDir: dir });
  const low = await LowStore.open(dir);
  const pgOutbox = await PgOutbox.open(pool, { owner: 'bench' });
  const lowOutbox = await Outbox.open(dir);
  const pgTasks = await TaskStore.openPg(pool);
  const lowTasks = await TaskStore.open(dir);
  const pgSubs = await Subscriptions.openPg(pool, groups);
  const lowSubs = await Subscriptions.open(dir, groups);
  const now = new Date();
  const cases: Array<[string, (i: number) => Promise<unknown>, (i: number) => Promise<unknown>]> = [
    ['message id marked seen (redelivery dedupe)', (i) => pg.markSeen(`wecom:m${i}`, now), (i) => low.markSeen(`wecom:m${i}`, now)],
    [
      'outbox message queued',
      (i) => pgOutbox.enqueue({ key: `k${i}`, groupId: 'fz', kind: 'alert', reply: reply(`消息${i}`) }, now),
      (i) => lowOutbox.enqueue({ key: `k${i}`, groupId: 'fz', kind: 'alert', reply: reply(`消息${i}`) }, now),
    ],
    ['/done (a task closed)', (i) => pgTasks.close([`t${i}`], 'bench', now), (i) => lowTasks.close([`t${i}`], 'bench', now)],
    [
      '/sub or /unsub (a region added or removed)',
      // Each region added, then removed again, so every call writes.
      (i) => (Math.floor(i / regions.length) % 2 ? pgSubs.remove : pgSubs.add).call(pgSubs, 'fz', { kind: 'region', region: regions[i % regions.length]! }, data),
      (i) => (Math.floor(i / regions.length) % 2 ? lowSubs.remove : lowSubs.add).call(lowSubs, 'fz', { kind: 'region', region: regions[i % regions.length]! }, data),
    ],
  ];
  for (const [label, onPg, onLow] of cases) {
    const p = await timings(onPg);
    const l = await timings(onLow);
    rows.push(
      `| ${label} | ${fmt(percentile(p, 50))} ms | ${fmt(percentile(p, 99))} ms | ${fmt(percentile(l, 50))} ms | ${fmt(percentile(l, 99))} ms | ${fmt(percentile(p, 50) / percentile(l, 50))}× |`,
    );
    console.log(label, percentile(p, 50), percentile(l, 50));
  }
  await lowOutbox.close();
  await low.close();
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await pool.end();
  await rm(dir, { recursive: true, force: true });
}

await writeSection(
  'pg-writes',
  `## Small writes on PostgreSQL (bench/pg-writes.bench.ts)

${N} writes of each kind one after another, each awaited (latency), on a local PostgreSQL 15 (defaults:
fsync on, synchronous commit) and on lowdb files (fsynced journal appends or atomic rewrites) in the same
run. ${machine()}.

| Write | PostgreSQL p50 | PostgreSQL p99 | lowdb p50 | lowdb p99 | PostgreSQL ÷ lowdb (p50) |
|---|---|---|---|---|---|
${rows.join('\n')}

/done and /sub on PostgreSQL lock their document, read it and write the changed rows in one
transaction (so instances never overwrite each other); lowdb rewrites the small file.`,
);
