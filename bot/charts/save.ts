import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset } from '../../data/dataset.ts';
import { chartFor, chartPng } from '../../handlers/charts/build.ts';
import type { ChartRef } from '../../handlers/charts/spec.ts';
import { repoRoot } from '../config.ts';

/** `npm run ask -- "/chart …"`: writes the chart's PNG (atomically) and returns its absolute path. */
export async function saveChart(data: Dataset, ref: ChartRef, out?: string): Promise<string> {
  const chart = chartFor(data, ref);
  if (!chart) throw new Error(`chart ${ref.kind} ${ref.regionId} ${ref.roundKey}: no data`);
  const file = path.resolve(out ?? path.join(repoRoot, 'var', 'charts', fileName(data, ref)));
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, chartPng(data, chart));
  await rename(tmp, file);
  return file;
}

/** chart-rank-福建省-2020Q1.png, chart-trend-福州市-2020Q1.png … */
export function fileName(data: Dataset, ref: ChartRef): string {
  const region = data.regions.get(ref.regionId)?.name ?? ref.regionId;
  const period = ref.roundKey.split('@')[0] ?? ref.roundKey;
  const channel = ref.kind === 'rank' && ref.channel ? `-${ref.channel}` : '';
  return `chart-${ref.kind}-${region}-${period}${channel}.png`.replace(/[\\/:*?"<>|\s]/g, '_');
}
