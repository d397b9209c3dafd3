import { describe, expect, it } from 'vitest';
import { backoffDelay, FirstConnection } from '../../../bot/platforms/reconnect.ts';

describe('backoffDelay()', () => {
  it('doubles from the base and stays within [ceiling/2, ceiling]', () => {
    const b = { baseMs: 1000, maxMs: 60_000 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, b, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(3, b, () => 0)).toBe(4000);
    expect(backoffDelay(3, b, () => 0.5)).toBe(6000);
  });

  it('caps at the maximum, however many attempts', () => {
    expect(backoffDelay(500, { baseMs: 1000, maxMs: 60_000 }, () => 1)).toBe(60_000);
  });
});

describe('FirstConnection', () => {
  it('resolves every waiter when the connection is made', async () => {
    const first = new FirstConnection();
    const a = first.wait(10_000, () => {});
    const b = first.wait(10_000, () => {});
    first.settle();
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
  });

  it('rejects with the error of a connection that cannot succeed (wrong credentials)', async () => {
    const first = new FirstConnection();
    const waiting = first.wait(10_000, () => {});
    first.settle(new Error('invalid secret'));
    await expect(waiting).rejects.toThrow('invalid secret');
  });

  it('gives up waiting after the time given, says so, and ignores a later settle', async () => {
    const first = new FirstConnection();
    const said: string[] = [];
    await first.wait(5, () => said.push('still connecting'));
    expect(said).toEqual(['still connecting']);
    expect(() => first.settle(new Error('late'))).not.toThrow();
  });
});
