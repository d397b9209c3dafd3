import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../bot/cli/progress.ts';

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progressBar()', () => {
  it('draws bytes read, share and rows on one redrawn line, then ends the line', () => {
    const { stream, writes } = fakeTerminal(true);
    let t = 0;
    const bar = progressBar(stream, () => t);
    bar.update({ bytes: 500_000, totalBytes: 2_000_000, rows: 12_345 });
    t = 50;
    bar.update({ bytes: 600_000, totalBytes: 2_000_000, rows: 13_000 });
    t = 200;
    bar.update({ bytes: 2_000_000, totalBytes: 2_000_000, rows: 50_000 });
    bar.done();
    expect(writes).toEqual([
      `\r[########----------------------]  25%  0.5/2.0 MB  12,345 行`,
      `\r[##############################] 100%  2.0/2.0 MB  50,000 行`,
      '\n',
    ]);
  });

  it('stays silent for small files and when stderr is not a terminal', () => {
    for (const [tty, total] of [
      [true, 10_000],
      [false, 5_000_000],
    ] as const) {
      const { stream, writes } = fakeTerminal(tty);
      const bar = progressBar(stream, () => 0);
      bar.update({ bytes: total, totalBytes: total, rows: 10 });
      bar.done();
      expect(writes).toEqual([]);
    }
  });
});
