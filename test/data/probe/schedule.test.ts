import { describe, expect, it } from 'vitest';
import { slotsOn } from '../../../data/probe/schedule.ts';

describe('slotsOn()', () => {
  it('gives 24 tries in the Shanghai day, one in each hour slot', () => {
    const slots = slotsOn('site-1', '2024-05-15');
    const start = Date.parse('2024-05-15T00:00:00+08:00');
    expect(slots).toHaveLength(24);
    slots.forEach((t, k) => {
      expect(t).toBeGreaterThanOrEqual(start + k * 3_600_000);
      expect(t).toBeLessThan(start + (k + 1) * 3_600_000);
    });
  });
  it('is the same after a restart, and differs between sites and days', () => {
    expect(slotsOn('site-1', '2024-05-15')).toEqual(slotsOn('site-1', '2024-05-15'));
    expect(slotsOn('site-2', '2024-05-15')[0]).not.toBe(slotsOn('site-1', '2024-05-15')[0]);
    const gaps = slotsOn('site-1', '2024-05-15').map((t, i, a) => (i ? t - a[i - 1]! : 3_600_000));
    expect(new Set(gaps).size).toBeGreaterThan(1); // jittered, not exactly an hour apart
  });
});
