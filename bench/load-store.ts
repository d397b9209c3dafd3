import { silentLogger } from '../bot/logger.ts';
import { answer } from '../bot/pipeline.ts';
import { ensureSeeded } from '../data/import/seed.ts';
import { LowStore } from '../data/store.ts';
import { medianMs, peakRss, timeMs } from './lib.ts';

/**
 * One process doing what the bot does at start: open the store (seeding an empty one), then a
 * few `/rate` answers and small state writes. Prints one JSON line for bench/sheet.bench.ts.
 */
const dir = process.argv[2]!;
let store!: LowStore;
const openMs = await timeMs(async () => {
  store = await LowStore.open(dir);
  await ensureSeeded(store, new Date());
});
const deps = { store, log: silentLogger, now: () => new Date() };
const rateMs = await medianMs(() => answer(deps, '/rate', { platform: 'cli' }), 20);
let n = 0;
const writes: number[] = [];
for (let i = 0; i < 200; i++) writes.push(await timeMs(() => store.markSeen(`bench:${process.pid}:${n++}`, new Date())));
writes.sort((a, b) => a - b);
console.log(JSON.stringify({ openMs, rateMs, writeMs: writes[100], rss: process.memoryUsage().rss, peakRss: peakRss() }));
