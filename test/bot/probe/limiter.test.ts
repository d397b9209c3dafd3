import { describe, expect, it } from 'vitest';
import { PoliteLimiter } from '../../../bot/probe/limiter.ts';

/** A virtual clock: sleeping advances it, so spacing is checked without real waits. */
function virtualClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

describe('PoliteLimiter.run()', () => {
  it('starts requests to one address at least 1 s apart', async () => {
    const clock = virtualClock();
    const limiter = new PoliteLimiter({ global: 10, perHost: 2, spacingMs: 1000, ...clock });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, () => limiter.run('10.0.0.1', async () => void starts.push(clock.now()))),
    );
    const sorted = [...starts].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('keeps at most 2 in flight per address and the global cap overall', async () => {
    const limiter = new PoliteLimiter({ global: 3, perHost: 2, spacingMs: 0 });
    const inFlight = new Map<string, number>();
    let peakPerHost = 0;
    let peakGlobal = 0;
    let global = 0;
    const task = (ip: string) =>
      limiter.run(ip, async () => {
        inFlight.set(ip, (inFlight.get(ip) ?? 0) + 1);
        global++;
        peakPerHost = Math.max(peakPerHost, inFlight.get(ip)!);
        peakGlobal = Math.max(peakGlobal, global);
        await new Promise((r) => setImmediate(r));
        inFlight.set(ip, inFlight.get(ip)! - 1);
        global--;
      });
    await Promise.all(['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd'].map(task));
    expect(peakPerHost).toBe(2);
    expect(peakGlobal).toBe(3);
  });
});
