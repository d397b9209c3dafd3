import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Shared by the benchmarks: timing with repeats, percentiles, and writing one section of
 * bench/RESULTS.md (between `<!-- name -->` markers) so each script owns its own section.
 */
export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const outDir = path.join(benchDir, 'out');

export async function timeMs(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median of `repeat` runs after one warm-up run. */
export async function medianMs(fn: () => unknown | Promise<unknown>, repeat = 5): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await timeMs(fn));
  return percentile(runs, 50);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] ?? Number.NaN;
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits);
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Peak resident set size of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`;
}

/** Replaces (or appends) the section `name` of bench/RESULTS.md. */
export async function writeSection(name: string, markdown: string): Promise<void> {
  const file = path.join(benchDir, 'RESULTS.md');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text =
      '# Benchmark results\n\nWritten by `npm run bench`; every figure is a ratio against a baseline measured in the same run, because the machine is shared and noisy.\n';
  }
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text =
    i >= 0 && j > i
      ? `${text.slice(0, i)}${block}${text.slice(j + end.length)}`
      : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
}
