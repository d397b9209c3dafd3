import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMigrate } from '../bot/cli/migrate.ts';
import { openPool, quoteIdent } from '../data/pg/connect.ts';
import { answersOf, type Answered, drive, Messages, SECRET, server, stop, summary } from './dingtalk-load.ts';
import { fmt, machine, writeSection } from './lib.ts';
import { ensureNationalStore, nationalStoreDir } from './national-store.ts';
import { sampleCities } from './national.ts';

/**
 * `/rate` through signed DingTalk HTTP callbacks on one bot instance against two, both on one
 * PostgreSQL database holding the national store (copied in with `npm run migrate`). The load
 * generator (autocannon, in this process) spreads its connections over the instances in turn, as a
 * round-robin balancer would; the one-instance runs get the same connections. One and two take
 * turns, BENCH_ROUNDS (default 3) times BENCH_SECONDS (default 5) each, after a warm-up. CPU time
 * of every process taking part is read from /proc around each run, to say what bounds the figures.
 * Needs DATABASE_URL (`eval "$(.ci/setup-postgres)"`; PG_TEST_DIR lets it count the server's CPU).
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('rate-instances bench: DATABASE_URL is not set (eval "$(.ci/setup-postgres)")');
const seconds = Number(process.env.BENCH_SECONDS ?? '5');
const connections = Number(process.env.BENCH_CONNECTIONS ?? '20');
const rounds = Number(process.env.BENCH_ROUNDS ?? '3');

await ensureNationalStore();
const schema = `bench_rate_${Date.now().toString(36)}`;
const copied: string[] = [];
const code = await runMigrate(['--to', 'postgres', '--from', nationalStoreDir], { DATABASE_URL: url, DATABASE_SCHEMA: schema }, (l) =>
  copied.push(l),
);
if (code !== 0) throw new Error(`rate-instances bench: migrate failed: ${copied.join('\n')}`);
console.log(copied.join('\n'));

/** CPU seconds (user + system) used so far by a process, from /proc/<pid>/stat. */
const TICK = 100; // USER_HZ on Linux
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}
/** The PostgreSQL server's processes (the postmaster and its children), when it runs here. */
function postgresPids(): number[] {
  const dir = process.env.PG_TEST_DIR;
  if (!dir) return [];
  let master: number;
  try {
    master = Number(readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const pids = [master];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === master) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
/** Busy and total CPU seconds of the whole machine (every process, other work included). */
function machineCpu(): { busy: number; total: number } {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = v.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICK, total: total / TICK };
}

const dirs: string[] = [];
const receiver = await server('session-receiver.ts');
const bot = async (id: string) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `bench-rate-${id}-`));
  dirs.push(dataDir);
  return server('bot.ts', {
    PORT: '0',
    HOST: '127.0.0.1',
    STORE: 'postgres',
    DATABASE_URL: url,
    DATABASE_SCHEMA: schema,
    INSTANCE_ID: id,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DINGTALK_MODE: 'http',
    DINGTALK_APP_SECRET: SECRET,
    DINGTALK_OAPI_BASE: `http://127.0.0.1:${receiver.port}`,
    WECOM_MODE: 'off',
  });
};
const a = await bot('bench-a');
const b = await bot('bench-b');
const messages = new Messages(receiver.port, sampleCities());
const opts = { connections, seconds };
await drive([a.port], 'warma', messages, opts);
await drive([b.port], 'warmb', messages, opts);

interface Cpu {
  bots: number;
  postgres: number;
  load: number;
  machine: number;
  wall: number;
}
async function measured(ports: number[], label: string): Promise<Answered & { cpu: Cpu }> {
  const pg = postgresPids();
  const before = {
    bots: cpuOf(a.child.pid!) + cpuOf(b.child.pid!),
    pg: pg.reduce((s, p) => s + cpuOf(p), 0),
    load: cpuOf(process.pid) + cpuOf(receiver.child.pid!),
    machine: machineCpu(),
    at: Date.now(),
  };
  const d: Answered = await drive(ports, label, messages, opts);
  const wall = (Date.now() - before.at) / 1000;
  const after = machineCpu();
  const cpu = {
    bots: (cpuOf(a.child.pid!) + cpuOf(b.child.pid!) - before.bots) / wall,
    postgres: (pg.reduce((s, p) => s + cpuOf(p), 0) - before.pg) / wall,
    load: (cpuOf(process.pid) + cpuOf(receiver.child.pid!) - before.load) / wall,
    machine: (after.busy - before.machine.busy) / wall,
    wall,
  };
  d.answers = await answersOf(receiver.port, label, d.completed, before.at, seconds);
  return { ...d, cpu };
}

const one: Array<Answered & { cpu: Cpu }> = [];
const two: Array<Answered & { cpu: Cpu }> = [];
for (let r = 0; r < rounds; r++) {
  one.push(await measured([a.port], `one${r}`));
  two.push(await measured([a.port, b.port], `two${r}`));
  console.log('turn', r, one.at(-1)!.completed.size, two.at(-1)!.completed.size);
}
await stop(a.child);
await stop(b.child);
await stop(receiver.child);
const pool = await openPool({ url, max: 1 });
await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
await pool.end();
for (const d of dirs) await rm(d, { recursive: true, force: true });

const s1 = summary(one);
const s2 = summary(two);
const cpuAvg = (xs: Array<{ cpu: Cpu }>, k: keyof Cpu) => xs.reduce((s, x) => s + x.cpu[k], 0) / xs.length;
const cores = os.cpus().length;
const cpuCell = (xs: Array<{ cpu: Cpu }>) =>
  `bots ${fmt(cpuAvg(xs, 'bots'), 2)}, PostgreSQL ${fmt(cpuAvg(xs, 'postgres'), 2)}, load generator + receiver ${fmt(cpuAvg(xs, 'load'), 2)}; whole machine ${fmt(cpuAvg(xs, 'machine'), 2)} of ${cores}`;
const ratio = s2.perSecond / s1.perSecond;
/** What bounds the figures, read from the CPU counts of the runs. */
function limits(): string {
  const ours = (xs: Array<{ cpu: Cpu }>) => cpuAvg(xs, 'bots') + cpuAvg(xs, 'postgres') + cpuAvg(xs, 'load');
  const machineBusy = Math.max(cpuAvg(one, 'machine'), cpuAvg(two, 'machine'));
  const others = machineBusy - Math.max(ours(one), ours(two));
  const lines = [
    `What limits it: the machine has ${cores} cores, and everything runs on them — the bot instances, PostgreSQL,
the load generator and the webhook receiver. A second instance adds a second Node event loop, so it can only
help as far as a core is left over for it, and each callback also commits three small writes to PostgreSQL
(its sign, the sign bound to its msgId, and its msgId: a redelivery to either instance is answered once, a
replayed sign refused), so on ${cores} cores two instances cannot reach 2×.`,
  ];
  if (machineBusy > cores * 0.9 && others > 0.5)
    lines.push(`In this run the machine was saturated by other work: this bench's processes had
${fmt(ours(one), 2)} (one instance) and ${fmt(ours(two), 2)} (two) of the ${fmt(machineBusy, 2)} busy cores, so the
absolute figures are bound by the CPU share they got, not by the bot; the turns alternate, so the ratio
compares the two set-ups under the same conditions.`);
  else
    lines.push(`The bots used ${fmt(cpuAvg(one, 'bots'), 2)} cores with one instance and ${fmt(cpuAvg(two, 'bots'), 2)} with two;
PostgreSQL ${fmt(cpuAvg(one, 'postgres'), 2)} and ${fmt(cpuAvg(two, 'postgres'), 2)}.`);
  lines.push(`On machines with a core per instance and the database elsewhere, the instances share
nothing but PostgreSQL.`);
  return lines.join('\n');
}
const loadAvg = os.loadavg()[0]!;
const md = `## \`/rate\` on one bot instance and on two, one PostgreSQL (bench/rate-instances.bench.ts)

National store (${sampleCities().length} cities queried in turn) copied into PostgreSQL with \`npm run migrate\`; bot
instances (\`STORE=postgres\`, DingTalk HTTP mode) in child processes on that one database; signed callbacks from
autocannon, ${connections} connections spread over the instances in turn (the client alternating, as a round-robin
balancer would); the session-webhook receiver in another process. One instance and two take turns, ${rounds} runs of
${seconds} s each after a warm-up. ${machine()}, load average ${fmt(loadAvg, 1)} at the end.

| Measure | 1 instance | 2 instances | 2 ÷ 1 |
|---|---|---|---|
| throughput (2xx per second, all runs) | ${fmt(s1.perSecond, 0)} req/s | ${fmt(s2.perSecond, 0)} req/s | **${fmt(ratio)}×** |
| latency p50 / p99 of the HTTP answer (median of the runs; worst p99) | ${s1.p50} / ${s1.p99} ms (${s1.worstP99}) | ${s2.p50} / ${s2.p99} ms (${s2.worstP99}) | |
| request → answer delivered, p50 / p99 (median of the runs) | ${s1.answerP50} / ${s1.answerP99} ms | ${s2.answerP50} / ${s2.answerP99} ms | |
| non-2xx / errors | ${s1.non2xx} / ${s1.errors} | ${s2.non2xx} / ${s2.errors} | |
| answers matched to completed requests by msgId; answered twice | ${s1.answered} of ${s1.completed}; ${s1.doubled} | ${s2.answered} of ${s2.completed}; ${s2.doubled} | |
| CPU in use during the runs (cores) | ${cpuCell(one)} | ${cpuCell(two)} | |

${limits()}`;
console.log(md);
await writeSection('rate-instances', md);
