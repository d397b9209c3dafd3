import type { ReadProgress } from '../../data/import/sheet/source.ts';

/** Files smaller than this read in well under a second: no bar. */
export const PROGRESS_MIN_BYTES = 1_000_000;
const WIDTH = 30;
const REDRAW_MS = 100;

/**
 * A one-line progress bar on a terminal (stderr), redrawn at most ten times a second:
 * `[##########--------------------]  34%  12.1/35.6 MB  52,310 行`. Silent when not a TTY.
 */
export function progressBar(stream: NodeJS.WriteStream, now: () => number = Date.now) {
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const draw = (p: ReadProgress) => {
    const share = p.totalBytes === 0 ? 1 : Math.min(1, p.bytes / p.totalBytes);
    const filled = Math.round(share * WIDTH);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${mb(p.bytes)}/${mb(p.totalBytes)} MB  ${p.rows.toLocaleString('en-US')} 行`;
    stream.write(`\r${line}`);
    drawn = true;
  };
  return {
    update(p: ReadProgress): void {
      if (!stream.isTTY || p.totalBytes < PROGRESS_MIN_BYTES) return;
      const t = now();
      if (t - last < REDRAW_MS && p.bytes < p.totalBytes) return;
      last = t;
      draw(p);
    },
    done(): void {
      if (drawn) stream.write('\n');
    },
  };
}
