import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createApp } from '../bot/app.ts';
import { regionPage } from '../bot/dashboard/pages.ts';
import { createDashboardRouter } from '../bot/dashboard/routes.ts';
import { silentLogger } from '../bot/logger.ts';
import { Outbox } from '../bot/outbox/queue.ts';
import { openReminders } from '../bot/reminders/setup.ts';
import { answer } from '../bot/pipeline.ts';
import { Dataset } from '../data/dataset.ts';
import { LowStore } from '../data/store.ts';
import { buildChart } from '../handlers/charts/build.ts';
import { rasterize } from '../handlers/charts/draw.ts';
import type { ChartRef } from '../handlers/charts/spec.ts';
import { fmt, machine, percentile, writeSection } from './lib.ts';
import { ensureNationalStore, nationalStoreDir } from './national-store.ts';

/**
 * Charts and the dashboard at national scale (bench/out/national-store: 全国, 31 provinces, ~370
 * cities, 8 rounds). Charts: every province's ranking and trend and the national ones, each drawn
 * from scratch (SVG, then the 2× PNG), against `/rate` for the same region in the same run. The
 * dashboard: GET of the national, a province's and a city's page through the real app on
 * 127.0.0.1, first (cold: charts drawn) and warm, against GET /healthz on the same server.
 */
await ensureNationalStore();
const store = await LowStore.open(nationalStoreDir);
const data = store.dataset();
const latest = data.rounds.at(-1)!;
const scope = data.regions.get(latest.round.scopeRegionId)!;
const provinces = data.regions.childrenOf(scope.id).filter((r) => data.tally(latest, r.id, 'website'));
const refs: Array<{ ref: ChartRef; name: string }> = [
  { ref: { kind: 'rank', regionId: scope.id, roundKey: latest.round.key }, name: scope.name },
  { ref: { kind: 'trend', regionId: scope.id, roundKey: latest.round.key }, name: scope.name },
  ...provinces.flatMap((p) => [
    { ref: { kind: 'rank', regionId: p.id, roundKey: latest.round.key } as ChartRef, name: p.name },
    { ref: { kind: 'trend', regionId: p.id, roundKey: latest.round.key } as ChartRef, name: p.name },
  ]),
];

// Warm-up: module loading, the font into HarfBuzz.
rasterize(buildChart(data, refs[0]!.ref)!.drawing, 2);

const svgMs: number[] = [];
const pngMs: number[] = [];
const totalMs: number[] = [];
const pngBytes: number[] = [];
const rateMs: number[] = [];
const deps = { store, log: silentLogger, now: () => new Date() };
for (const { ref, name } of refs) {
  // A fresh read model each time: no chart cache helps.
  const fresh = new Dataset(data.register, data.rounds.map((v) => v.file));
  let t = performance.now();
  const chart = buildChart(fresh, ref);
  const svg = performance.now() - t;
  if (!chart) continue;
  t = performance.now();
  const png = rasterize(chart.drawing, 2);
  const ras = performance.now() - t;
  svgMs.push(svg);
  pngMs.push(ras);
  totalMs.push(svg + ras);
  pngBytes.push(png.length);
  t = performance.now();
  await answer(deps, `/rate ${name}`, { platform: 'cli' });
  rateMs.push(performance.now() - t);
}

// The dashboard through the real app.
// As the bot wires it: with the rectification tasks (26,000 at this scale) and an outbox.
const reminders = await openReminders(nationalStoreDir);
const outbox = await Outbox.open(nationalStoreDir);
const app = createApp({
  store,
  log: silentLogger,
  routers: [createDashboardRouter({ store, now: () => new Date(), log: silentLogger, tasks: reminders.service, outbox })],
});
// Server time: from the first middleware in to the body set, per request (the last one measured).
let lastServerMs = 0;
app.middleware.unshift(async (_ctx, next) => {
  const t = performance.now();
  await next();
  lastServerMs = performance.now() - t;
});
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
async function timed(path: string): Promise<{ ms: number; server: number; bytes: number; status: number }> {
  const t = performance.now();
  const res = await fetch(`${base}${path}`);
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t, server: lastServerMs, bytes: body.byteLength, status: res.status };
}
// The first province and city the rounds report on (a register also holds regions no round covers).
const province = provinces.find((r) => data.roundFor(r.id))!;
const city = data.regions.childrenOf(province.id).find((r) => data.roundFor(r.id))!;
const pages = [
  { label: `national (${scope.name})`, path: '/' },
  { label: `province (${province.name})`, path: `/r/${encodeURIComponent(province.id)}` },
  { label: `city (${city.name})`, path: `/r/${encodeURIComponent(city.id)}` },
  { label: 'national, failures page 2', path: '/?page=2' },
];
const healthz: number[] = [];
for (let i = 0; i < 10; i++) await timed('/healthz'); // warm-up
for (let i = 0; i < 50; i++) healthz.push((await timed('/healthz')).ms);
/** The page's HTML built in-process, no HTTP: what the server spends on it. */
function renderMs(path: string): number {
  const id = path === '/' || path.startsWith('/?') ? scope.id : decodeURIComponent(path.slice(3));
  const region = data.regions.get(id)!;
  const t = performance.now();
  const out = regionPage({ data, region, view: data.roundFor(region.id)!, now: new Date(), page: 1, tasks: reminders.service, outbox });
  if (out.body.text.length === 0) throw new Error('empty page');
  return performance.now() - t;
}
const rows: string[] = [];
let worstBytes = 0;
for (const p of pages) {
  const cold = await timed(p.path);
  if (cold.status !== 200) throw new Error(`${p.path}: HTTP ${cold.status}`);
  const warm: number[] = [];
  const serverSide: number[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await timed(p.path);
    warm.push(r.ms);
    serverSide.push(r.server);
  }
  const built: number[] = [];
  for (let i = 0; i < 20; i++) built.push(renderMs(p.path));
  worstBytes = Math.max(worstBytes, cold.bytes);
  const h50 = percentile(healthz, 50);
  rows.push(
    `| ${p.label} | ${fmt(cold.ms, 0)} ms | ${fmt(percentile(built, 50), 1)} / ${fmt(percentile(built, 99), 1)} ms | ${fmt(percentile(serverSide, 50), 1)} / ${fmt(percentile(serverSide, 99), 1)} ms | ${fmt(percentile(warm, 50), 1)} / ${fmt(percentile(warm, 99), 1)} ms | ${fmt(percentile(warm, 50) / h50, 1)}× | ${(cold.bytes / 1024).toFixed(0)} KB |`,
  );
}
server.close();
await outbox.close();
await store.close();

const r50 = percentile(rateMs, 50);
await writeSection(
  'charts',
  `## Charts and the dashboard at national scale (bench/charts.bench.ts)

National store (bench/out/national-store: ${provinces.length} provinces, ${data.rounds.length} rounds). ${machine()}, load average
${os.loadavg()[0]?.toFixed(1)} at the end (the machine is shared: p99s swing with the other work on it; compare within a run).

**Chart render**, ${totalMs.length} charts (the national and every province's ranking and trend), each from a fresh read
model (no cache), PNG at 2× (1920 px wide):

| Measure | p50 | p99 | Baseline: \`/rate\` for the same region (p50) | Ratio (p50) |
|---|---|---|---|---|
| SVG (ECharts SSR) | ${fmt(percentile(svgMs, 50), 1)} ms | ${fmt(percentile(svgMs, 99), 1)} ms | ${fmt(r50, 2)} ms | ${fmt(percentile(svgMs, 50) / r50, 0)}× |
| PNG (font subset + resvg) | ${fmt(percentile(pngMs, 50), 1)} ms | ${fmt(percentile(pngMs, 99), 1)} ms | | |
| chart, total | ${fmt(percentile(totalMs, 50), 1)} ms | ${fmt(percentile(totalMs, 99), 1)} ms | | ${fmt(percentile(totalMs, 50) / r50, 0)}× |
| PNG size | ${(percentile(pngBytes, 50) / 1024).toFixed(0)} KB | ${(percentile(pngBytes, 99) / 1024).toFixed(0)} KB | WeCom limit 2048 KB | |

**Dashboard pages** (GET through the app on 127.0.0.1, sequential; cold = first request, charts drawn; warm = 20
requests after it). Baseline: GET /healthz on the same server, p50 ${fmt(percentile(healthz, 50), 2)} ms.

| Page | Cold (HTTP, charts drawn) | Page built in-process, p50 / p99 | Server time in Koa, p50 / p99 | Warm HTTP round trip p50 / p99 | HTTP p50 ÷ /healthz | Size (limit 200 KB) |
|---|---|---|---|---|---|---|
${rows.join('\n')}

In-process is \`regionPage()\` alone; server time adds Koa, the access check and the page shell; the round trip adds
the HTTP client in the same process. Largest page ${(worstBytes / 1024).toFixed(0)} KB. A page lists at most 100 failed items (then pages), 100 tasks, 40 bars per
channel; its SVG charts are cached per data set, so only the first view after an import draws them.
`,
);
console.log(`charts: total p50 ${fmt(percentile(totalMs, 50), 1)} ms, p99 ${fmt(percentile(totalMs, 99), 1)} ms; largest page ${(worstBytes / 1024).toFixed(0)} KB`);
