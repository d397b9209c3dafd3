import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { gazetteer } from '../data/gazetteer/index.ts';

/**
 * One process for bench/gazetteer.bench.ts: imports the gazetteer module, then with `load` builds
 * the gazetteer (and with `suggest` also its pinyin index), collects garbage and prints one JSON
 * line: RSS, heap used and the time the build took. Run without arguments it is the baseline.
 */
v8.setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const mode = process.argv[2] ?? 'none';
let ms = 0;
if (mode === 'load' || mode === 'suggest') {
  const start = performance.now();
  gazetteer();
  ms = performance.now() - start;
}
let suggestMs = 0;
if (mode === 'suggest') {
  const start = performance.now();
  gazetteer().suggest('长砂');
  suggestMs = performance.now() - start;
}
for (let i = 0; i < 3; i++) gc();
const { rss, heapUsed } = process.memoryUsage();
console.log(JSON.stringify({ mode, rss, heapUsed, ms, suggestMs }));
