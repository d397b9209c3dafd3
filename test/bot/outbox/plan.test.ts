import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../../bot/errors.ts';
import { defaultPolicy, planRetry } from '../../../bot/outbox/plan.ts';
import { WecomError } from '../../../bot/platforms/wecom/send.ts';

const now = Date.parse('2020-04-14T09:00:00+08:00');
const base = { createdAt: now, now, random: 0.5 };

describe('outbox.planRetry()', () => {
  it('retries a network error after a few seconds, doubling with each attempt up to the cap', () => {
    const err = new PlatformError('wecom.send: network error (ECONNREFUSED)', true);
    const waits = [1, 2, 3, 4, 12].map((attempts) => {
      const plan = planRetry({ ...base, err, attempts });
      if (plan.kind !== 'retry') throw new Error('expected a retry');
      return plan.at - now;
    });
    // equal jitter at random 0.5: three quarters of 5 s × 2^(n-1)
    expect(waits).toEqual([3750, 7500, 15_000, 30_000, 450_000]);
  });

  it('spreads retries with jitter between half and all of the backoff', () => {
    const err = new PlatformError('HTTP 502', true);
    const at = (random: number) =>
      (planRetry({ ...base, err, attempts: 3, random }) as { at: number }).at - now;
    expect(at(0)).toBe(10_000);
    expect(at(0.999)).toBeLessThan(20_000);
    expect(at(0.999)).toBeGreaterThan(19_900);
  });

  it.each([45009, 130101, 410100])(
    'waits at least a minute after rate-limit errcode %i and flags it',
    (errcode) => {
      const plan = planRetry({
        ...base,
        err: new PlatformError(`errcode ${errcode}`, true, errcode),
        attempts: 1,
        random: 0,
      });
      expect(plan).toEqual({ kind: 'retry', at: now + defaultPolicy.rateLimitMs, rateLimited: true });
      expect(defaultPolicy.rateLimitMs).toBeGreaterThanOrEqual(60_000);
    },
  );

  it('retries a rate-limit code even if the pusher called it permanent', () => {
    const plan = planRetry({ ...base, err: new PlatformError('410100 限流', false, 410100), attempts: 1 });
    expect(plan.kind).toBe('retry');
  });

  it('keeps doubling a persisting rate limit up to the 10-minute DingTalk block', () => {
    const err = new PlatformError('130101', true, 130101);
    const wait = (attempts: number) =>
      (planRetry({ ...base, err, attempts, random: 0 }) as { at: number }).at - now;
    expect([1, 2, 3, 4, 5, 9].map(wait)).toEqual([65_000, 130_000, 260_000, 520_000, 600_000, 600_000]);
  });

  it('honours a longer wait asked for by the platform error', () => {
    const err = new WecomError('45009', true, 45009, 90_000);
    expect((planRetry({ ...base, err, attempts: 1, random: 0 }) as { at: number }).at).toBe(now + 90_000);
  });

  it('waits at least as long as a retryable error that is not a rate limit asks (DingTalk gateway block)', () => {
    const err = new PlatformError('dingtalk: gateway blocked (status 1111)', true, undefined, 60_000);
    expect((planRetry({ ...base, err, attempts: 1, random: 0 }) as { at: number }).at).toBe(now + 60_000);
  });

  it.each([
    [93000, 'invalid webhook url'],
    [310000, 'sign not match'],
    [300005, 'token is not exist'],
  ])('dead-letters permanent errcode %i with its reason', (errcode, text) => {
    const plan = planRetry({
      ...base,
      err: new PlatformError(`send: errcode ${errcode} (${text})`, false, errcode),
      attempts: 1,
    });
    expect(plan).toEqual({ kind: 'dead', reason: `send: errcode ${errcode} (${text})`, errcode });
  });

  it('gives up on a message still failing two days after it was queued', () => {
    const err = new PlatformError('HTTP 503', true);
    const plan = planRetry({ ...base, err, attempts: 300, now: now + defaultPolicy.giveUpAfterMs });
    expect(plan).toEqual({ kind: 'dead', reason: 'gave up after 300 attempts: HTTP 503' });
  });

  it('retries an error that is not a PlatformError (a bug, a disk hiccup)', () => {
    expect(planRetry({ ...base, err: new TypeError('boom'), attempts: 1 }).kind).toBe('retry');
  });
});
