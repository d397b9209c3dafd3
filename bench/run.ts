import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { benchDir } from './lib.ts';

/**
 * `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones) in its own process, so
 * each measures its own peak memory, one after another. Each writes its section of RESULTS.md.
 */
const only = process.argv.slice(2);
const scripts = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n▶ ${script}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, script)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
