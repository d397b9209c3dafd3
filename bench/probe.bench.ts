import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import axios from 'axios';
import { LocalCoordinator } from '../bot/coordination.ts';
import { silentLogger } from '../bot/logger.ts';
import type { Clock } from '../bot/outbox/clock.ts';
import { PoliteFetcher } from '../bot/probe/fetch.ts';
import { PoliteLimiter } from '../bot/probe/limiter.ts';
import { ProbeLoop, type TryEvent } from '../bot/probe/loop.ts';
import { PER_ADDRESS, probeUserAgent } from '../bot/probe/setup.ts';
import { openPool, quoteIdent } from '../data/pg/connect.ts';
import { PgProbeStore } from '../data/pg/probe-store.ts';
import { FileProbeStore } from '../data/probe/store.ts';
import type { Site } from '../data/schema.ts';
import { benchDir, fmt, machine, mb, peakRss, percentile, writeSection } from './lib.ts';

/**
 * 15,000 registered sites probed for one simulated day by the bot's own schedule (bot/probe/loop.ts)
 * against the tests' fixture web server (test/support/probe-sites.ts) running in a child process
 * on PROBE_HOSTS loopback addresses (hosting platforms: the per-address limits apply to each).
 *
 * The day is compressed: the loop's clock runs PROBE_DAY_S real seconds for 24 simulated hours
 * (default 900 s: ×96), and its timers fire after 1/96 of their delay. The limiter's 1 s per
 * address is counted on that clock too (1 simulated second); the 15 s try limit stays real. So the
 * schedule asks 96× the real-time rate: 15,000 × 24 tries and a daily reading of 2 columns per
 * site (robots.txt + 2 list pages) in 15 minutes, ~450 requests a second. (A day in 5 minutes
 * asks ~1,350/s, more than this shared 2-core machine's bare axios GETs manage with the prober
 * beside them: the loop then falls behind and the drift measures the overload.)
 *
 * Baseline, same run, same server and concurrency: bare axios GETs of the same homepages, as fast
 * as they go, without schedule, limiter, classification or store. Bounded: the day ends by itself.
 */
const SITES = Number(process.env.PROBE_SITES ?? 15_000);
const HOSTS = Number(process.env.PROBE_HOSTS ?? 200);
const DAY_S = Number(process.env.PROBE_DAY_S ?? 900);
const CONCURRENCY = Number(process.env.PROBE_CONCURRENCY ?? 32);
const PER_DAY = 24;
const BASELINE_S = 15;
const today = '2024-05-15';
const dayStart = Date.parse(`${today}T00:00:00+08:00`);
const speed = 86_400 / DAY_S;

// --- the fixture server, in its own process --------------------------------------------------
const child: ChildProcess = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(benchDir, 'servers', 'probe-sites.ts')],
  {
    env: { ...process.env, PROBE_HOSTS: String(HOSTS), PROBE_TODAY: today },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const lines = createInterface({ input: child.stdout! });
const nextLine = () =>
  new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`probe-sites exited with ${code}`)));
  });
const { bases } = JSON.parse(await nextLine()) as { bases: string[] };

// Site i lives on platform i % HOSTS under its own host name; most are healthy, some are not.
const addressOf = new Map<string, string>();
const sites: Site[] = Array.from({ length: SITES }, (_, i) => {
  const base = new URL(bases[i % HOSTS]!);
  const host = `s${i}.bench.test`;
  addressOf.set(host, base.hostname);
  const origin = `http://${host}:${base.port}`;
  const home = i % 50 === 0 ? '/error500' : i % 50 === 1 ? '/waf412' : i % 10 === 2 ? '/home-stale' : '/';
  return {
    id: `site-${i}`,
    name: `站点${i}`,
    url: `${origin}${home}`,
    regionId: '350100',
    kind: 'department',
    columns: [
      { name: '工作动态', url: `${origin}/col/news` },
      { name: '通知公告', url: `${origin}/col/gbk` },
    ],
  };
});
const resolve = async (host: string) => {
  const a = addressOf.get(host);
  if (!a) throw new Error(`bench: unknown host ${host}`);
  return a;
};

// --- baseline: bare fetches ------------------------------------------------------------------
async function baseline(): Promise<{ rate: number; p99: number; requests: number }> {
  const http = axios.create({ responseType: 'arraybuffer', validateStatus: () => true, proxy: false });
  const until = performance.now() + BASELINE_S * 1000;
  let n = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const site = sites[n++ % SITES]!;
        const u = new URL(site.url!);
        const t = performance.now();
        await http.get(`http://${addressOf.get(u.hostname)}:${u.port}${u.pathname}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rate: latencies.length / BASELINE_S, p99: percentile(latencies, 99), requests: latencies.length };
}

// --- the simulated day -----------------------------------------------------------------------
/** The loop's clock: a simulated day in DAY_S real seconds. */
function compressed(startReal: number): Clock {
  return {
    now: () => dayStart + (performance.now() - startReal) * speed,
    setTimeout: (fn, ms) => setTimeout(fn, ms / speed),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
}

async function day(dir: string) {
  const store = await FileProbeStore.open(dir);
  const startReal = performance.now();
  const clock = compressed(startReal);
  const limiter = new PoliteLimiter({
    global: CONCURRENCY,
    ...PER_ADDRESS,
    now: () => clock.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms / speed)),
  });
  const fetcher = new PoliteFetcher({
    userAgent: probeUserAgent('ops@example.gov.cn'),
    limiter,
    resolve,
    // Try durations stay real: the 15 s limit and "slow" are real seconds.
  });
  const events: TryEvent[] = [];
  const lateReal: number[] = [];
  const perSecond = new Map<number, number>();
  const loop = new ProbeLoop({
    sites: () => sites,
    store,
    fetcher,
    coordinator: new LocalCoordinator(),
    log: silentLogger,
    clock,
    schedule: { perDay: PER_DAY, jitterMs: 5 * 60_000 },
    // Every 30 simulated minutes (≈6 s real): a real bot writes every minute.
    flushEveryMs: 30 * 60_000,
    onTry: (t) => {
      events.push(t);
      lateReal.push(Math.max(0, t.started - t.scheduled) / speed);
      const s = Math.floor((performance.now() - startReal) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    },
  });
  let maxActive = 0;
  const sampler = setInterval(() => {
    maxActive = Math.max(maxActive, limiter.active);
  }, 50);
  loop.start();
  await new Promise((r) => setTimeout(r, DAY_S * 1000));
  const stopAt = performance.now();
  await loop.stop();
  clearInterval(sampler);
  const seconds = (stopAt - startReal) / 1000;
  return { store, events, lateReal, perSecond, seconds, maxActive, skipped: loop.skipped };
}

/** Bytes of one week of tallies in a FileProbeStore (probe.json holds 14 days). */
async function fileWeek(dayTallies: Map<string, { tries: number; failed: number; blocked: number }>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-probe-file-'));
  try {
    const sizeOf = async (days: number) => {
      const s = await FileProbeStore.open(dir);
      for (let d = 0; d < days; d++) {
        const date = new Date(Date.parse(`${today}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
        for (const [id, t] of dayTallies) {
          for (let i = 0; i < t.tries - t.failed; i++) s.record(id, date, 'ok');
          for (let i = 0; i < t.failed; i++) s.record(id, date, 'failed');
          for (let i = 0; i < t.blocked; i++) s.record(id, date, 'blocked');
        }
      }
      await s.flush(today);
      return (await stat(path.join(dir, 'probe.json'))).size;
    };
    const one = await sizeOf(1);
    await rm(path.join(dir, 'probe.json'));
    const seven = await sizeOf(7);
    return { perWeek: seven, perDay: one };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL: a week of the day's tries written as the loop writes them (a flush every minute). */
async function pgWeek(
  url: string,
  dayTallies: Map<string, { tries: number; failed: number; blocked: number }>,
) {
  const schema = `bench_probe_${Date.now().toString(36)}`;
  const pool = await openPool({ url, schema, max: 4 });
  try {
    const store = await PgProbeStore.open(pool);
    const flushMs: number[] = [];
    // Each try lands in one of 24 hourly slots; a day is written in 24 flushes of an hour's tries
    // (the loop flushes each minute; each site has one try an hour, so a site's row changes once
    // an hour either way).
    for (let d = 0; d < 7; d++) {
      const date = new Date(Date.parse(`${today}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
      for (let h = 0; h < PER_DAY; h++) {
        for (const [id, t] of dayTallies) {
          if (h < t.tries) store.record(id, date, h < t.failed ? 'failed' : 'ok');
          if (h < t.blocked) store.record(id, date, 'blocked');
        }
        const t0 = performance.now();
        await store.flush(date);
        flushMs.push(performance.now() - t0);
      }
    }
    const size = async () =>
      Number(
        (await pool.query<{ n: string }>(`SELECT pg_total_relation_size('probe_tallies') AS n`)).rows[0]!.n,
      );
    const before = await size();
    await pool.query('VACUUM FULL probe_tallies');
    const after = await size();
    const rows = Number(
      (await pool.query<{ n: string }>('SELECT count(*) AS n FROM probe_tallies')).rows[0]!.n,
    );
    return { before, after, rows, flushP50: percentile(flushMs, 50), flushP99: percentile(flushMs, 99) };
  } finally {
    await pool.end();
    const c = await openPool({ url, max: 1 });
    await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await c.end();
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-probe-'));
try {
  console.log(`baseline: bare GETs for ${BASELINE_S} s, ${CONCURRENCY} at a time`);
  const before = await baseline();
  console.log(`  ${fmt(before.rate, 0)} req/s`);
  console.log(`simulated day: ${SITES} sites × ${PER_DAY} tries in ${DAY_S} s (×${fmt(speed, 0)})`);
  const rssBefore = process.memoryUsage().rss;
  const run = await day(dir);
  const rssPeak = peakRss();
  // The machine is shared: the baseline again after the day, and the ratios against the mean.
  console.log('baseline again, after the day');
  const after = await baseline();
  console.log(`  ${fmt(after.rate, 0)} req/s`);
  const base = {
    rate: (before.rate + after.rate) / 2,
    p99: Math.max(before.p99, after.p99),
    requests: before.requests + after.requests,
  };
  child.kill('SIGTERM');
  // The fixture counts every request since it started: the baseline's are taken off.
  const served = (JSON.parse(await nextLine()) as { requests: number }).requests - base.requests;

  const tries = run.events.length;
  const scheduled = SITES * PER_DAY;
  const reads = run.events.filter((e) => e.read).length;
  const rate = served / run.seconds;
  const triesRate = tries / run.seconds;
  // Sustained: the median of the per-second counts, the first and last 10 s left out.
  const steady = [...run.perSecond.entries()]
    .filter(([s]) => s >= 10 && s < run.seconds - 10)
    .map(([, n]) => n);
  const sustained = percentile(steady, 50);
  const lowest = percentile(steady, 1);
  const p50 = percentile(run.lateReal, 50);
  const p99 = percentile(run.lateReal, 99);
  const max = run.lateReal.reduce((m, v) => Math.max(m, v), 0);
  const outcomes = { ok: 0, failed: 0, blocked: 0 };
  for (const e of run.events) outcomes[e.outcome]++;
  const dayTallies = new Map<string, { tries: number; failed: number; blocked: number }>();
  for (const s of sites) {
    const t = run.store.tallies(s.id).find((d) => d.date === today);
    if (t) dayTallies.set(s.id, t);
  }
  const counted = [...dayTallies.values()].reduce((n, t) => n + t.tries + t.blocked, 0);
  const probeJson = (await stat(path.join(dir, 'probe.json'))).size;
  const file = await fileWeek(dayTallies);
  const pgUrl = process.env.DATABASE_URL;
  const pg = pgUrl ? await pgWeek(pgUrl, dayTallies) : undefined;

  const realRate = (scheduled + SITES * 3) / 86_400;
  const rows = [
    `Machine: ${machine()}. ${SITES.toLocaleString('en')} sites on ${HOSTS} loopback addresses (hosting platforms, ${SITES / HOSTS} sites each), fixture server (test/support/probe-sites.ts) in a child process; global cap ${CONCURRENCY} in flight, per address 2 in flight and 1 start per simulated second.`,
    '',
    `**Simulated day.** The loop's clock (an injected \`Clock\`) runs 24 h in ${DAY_S} s of real time (×${fmt(speed, 0)}): \`now()\` is the day's 00:00 Asia/Shanghai plus real elapsed time × ${fmt(speed, 0)}, timers fire after 1/${fmt(speed, 0)} of their delay, and the limiter's spacing is counted on the same clock. The 15 s try limit is real. Each site: ${PER_DAY} homepage tries at its slot times, and once a day robots.txt + 2 list pages (\`工作动态\`, GBK \`通知公告\`). Homepages: 2 % answer 500, 2 % a 瑞数-style 412, 10 % a stale homepage, the rest healthy.`,
    '',
    '| | value |',
    '|---|---|',
    `| tries scheduled / made / tallied | ${scheduled.toLocaleString('en')} / ${tries.toLocaleString('en')} / ${counted.toLocaleString('en')} (ok ${outcomes.ok.toLocaleString('en')}, failed ${outcomes.failed.toLocaleString('en')}, blocked ${outcomes.blocked.toLocaleString('en')}) |`,
    `| daily readings made | ${reads.toLocaleString('en')} of ${SITES.toLocaleString('en')} |`,
    `| tries skipped, more than 5 min behind their slot (overload; bounded queue of 1,000) | ${run.skipped.toLocaleString('en')} |`,
    `| requests served by the fixture | ${served.toLocaleString('en')} in ${fmt(run.seconds, 1)} s |`,
    `| **probes per second sustained** (homepage tries; median / lowest 1 % of 1-s buckets) | **${fmt(sustained, 0)}** / ${fmt(lowest, 0)} (all requests: ${fmt(rate, 0)}/s) |`,
    `| baseline: bare GETs, same server and concurrency, no schedule/limiter/store (${BASELINE_S} s before and after the day) | ${fmt(base.rate, 0)} req/s (before ${fmt(before.rate, 0)}, after ${fmt(after.rate, 0)}; p99 ${fmt(base.p99, 1)} ms) |`,
    `| schedule's share of the baseline's capacity | ${fmt(rate / base.rate, 2)}× |`,
    `| real time needs (15,000 sites: ${scheduled.toLocaleString('en')} tries + ${(SITES * 3).toLocaleString('en')} reading requests a day) | ${fmt(realRate, 1)} req/s → baseline is ${fmt(base.rate / realRate, 0)}× that, this run kept ${fmt(triesRate / (scheduled / 86_400), 0)}× it |`,
    `| **schedule drift** (request start − scheduled time), real ms: p50 / p99 / max | ${fmt(p50, 1)} / **${fmt(p99, 1)}** / ${fmt(max, 1)} ms (simulated: ${fmt((p50 * speed) / 1000, 1)} / ${fmt((p99 * speed) / 1000, 1)} / ${fmt((max * speed) / 1000, 1)} s) |`,
    `| most requests in flight | ${run.maxActive} (cap ${CONCURRENCY}) |`,
    `| RSS: before the day / peak | ${mb(rssBefore)} / ${mb(rssPeak)} |`,
    `| probe.json after the day (tallies + 15,000 readings) | ${mb(probeJson)} |`,
    `| **tallies, file store**: growth per week (7 days × ${SITES.toLocaleString('en')} sites, one row per site and day) | ${fmt(file.perWeek / 1024 / 1024, 1)} MB/week (${fmt(file.perWeek / 7 / SITES, 0)} B per site-day; kept 14 days, so at most ${fmt((2 * file.perWeek) / 1024 / 1024, 1)} MB) |`,
    pg
      ? `| **tallies, PostgreSQL** (probe_tallies, ${pg.rows.toLocaleString('en')} rows after 7 days written in hourly flushes) | ${fmt(pg.before / 1024 / 1024, 1)} MB/week as written, ${fmt(pg.after / 1024 / 1024, 1)} MB after VACUUM FULL (${fmt(pg.after / pg.rows, 0)} B per row with its index); flush of ${SITES.toLocaleString('en')} rows p50 ${fmt(pg.flushP50, 0)} ms, p99 ${fmt(pg.flushP99, 0)} ms |`
      : '| tallies, PostgreSQL | not measured (DATABASE_URL unset) |',
    '',
    `Drift is how late a try's request went out after its slot on the loop's clock, converted to real milliseconds; at real speed the same lateness in real time would be the queueing of the limiter and the event loop, which this compressed run keeps at ${fmt(p99, 0)} ms p99 while asking ${fmt(speed, 0)}× the real rate. A simulated second is ${fmt(1000 / speed, 1)} ms real, and Node timers fire no sooner than 1 ms, so the simulated figures carry ±${fmt(speed / 1000, 1)} s of timer granularity.`,
  ];
  await writeSection('probe', `## Probing: 15,000 sites, one simulated day\n\n${rows.join('\n')}`);
  console.log(rows.join('\n'));
} finally {
  if (child.exitCode === null) child.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
