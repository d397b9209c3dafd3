import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../bot/logger.ts';
import { answer, type PipelineDeps } from '../bot/pipeline.ts';
import { parseNotice } from '../data/import/notice.ts';
import { LowStore } from '../data/store.ts';
import { fmt, machine, mb, medianMs, outDir, peakRss, percentile, timeMs, writeSection } from './lib.ts';
import { syntheticNationalNotice } from './synthetic-notice.ts';

/**
 * The notice importer and /rate on a national-size round (issue 2): about 3,000 regions,
 * 15,000 sites, 150,000 accounts. Baselines measured in the same run: a bare read of the same
 * file (read + split into trimmed lines), and /help through the same pipeline.
 */
const notice = syntheticNationalNotice(3000);
await mkdir(outDir, { recursive: true });
const file = path.join(outDir, 'national-notice.txt');
await writeFile(file, notice.text);
const sender = { platform: 'cli' as const };

const bareRead = await medianMs(async () => {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean).length;
});

const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-notice-'));
const store = await LowStore.open(dir);
const parse = await medianMs(async () =>
  parseNotice(
    { text: await readFile(file, 'utf8'), file: 'national-notice.txt' },
    store.dataset(),
    new Date(),
  ),
);
const plan = parseNotice(
  { text: await readFile(file, 'utf8'), file: 'national-notice.txt' },
  store.dataset(),
  new Date(),
);
const apply = await timeMs(() => store.applyImport(plan.write, new Date()));
const reapply = await medianMs(() => store.applyImport(plan.write, new Date()), 3);

const deps: PipelineDeps = { store, log: silentLogger, now: () => new Date() };
const sample = Array.from(
  { length: 500 },
  (_, i) => notice.regions[(i * 7919) % notice.regions.length] as string,
);
const rateTimes: number[] = [];
const helpTimes: number[] = [];
for (const region of sample.slice(0, 50)) await answer(deps, `/rate ${region}`, sender);
for (const region of sample) rateTimes.push(await timeMs(() => answer(deps, `/rate ${region}`, sender)));
for (let i = 0; i < sample.length; i++) helpTimes.push(await timeMs(() => answer(deps, '/help', sender)));
const nationalRate = await timeMs(() => answer(deps, '/rate', sender));
const rss = peakRss();
await rm(dir, { recursive: true, force: true });

const p50 = percentile(rateTimes, 50);
const p99 = percentile(rateTimes, 99);
const h50 = percentile(helpTimes, 50);
const lines = notice.text.split('\n').length;
const md = `## Notice importer and /rate at national size (bench/notice.bench.ts)

Synthetic national notice: ${notice.regions.length} regions, ${notice.sites} sites, ${notice.accounts} accounts,
${notice.failedSites + notice.failedAccounts} failed items, ${lines} lines. ${machine()}.

| Measure | Result | Baseline (same run) | Ratio |
|---|---|---|---|
| parse the notice (median of 5) | ${fmt(parse)} ms | bare read + split of the same file: ${fmt(bareRead)} ms | ${fmt(parse / bareRead, 1)}× |
| apply (first write: register + round file) | ${fmt(apply)} ms | parse: ${fmt(parse)} ms | ${fmt(apply / parse, 2)}× |
| re-apply the same round (no write) | ${fmt(reapply)} ms | | |
| \`/rate <region>\` p50 / p99 over ${sample.length} regions | ${fmt(p50, 3)} / ${fmt(p99, 3)} ms | \`/help\` p50: ${fmt(h50, 3)} ms | ${fmt(p50 / h50, 1)}× |
| \`/rate\` (whole country) | ${fmt(nationalRate, 3)} ms | | |
| peak RSS, everything loaded | ${mb(rss)} | | |
`;
console.log(md);
await writeSection('notice', md);
