import { PlatformError } from '../errors.ts';

/**
 * What to do after a failed send: try again at a time, or give up into the dead letters.
 * Pure: time and randomness are arguments (style.md habit 7).
 */

/**
 * Rate-limit errcodes: WeCom 45009 (20/min per robot, protocols.md §1.3), DingTalk 130101 (older)
 * and 410100 (current) with a possible 10-minute block (§4.4, §7.11). Whatever the pusher says
 * about them, they are retried, never dead-lettered, and pause the whole robot.
 */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([45009, 130101, 410100]);

export interface RetryPolicy {
  /** First backoff after a network error, timeout, 5xx or retryable errcode. */
  baseMs: number;
  /** Longest backoff. DingTalk may block a throttled robot for 10 minutes (§4.4). */
  capMs: number;
  /** Least wait after a rate-limit code: a minute plus margin (§1.3). */
  rateLimitMs: number;
  /** A message still failing this long after it was queued goes to the dead letters. */
  giveUpAfterMs: number;
}

export const defaultPolicy: RetryPolicy = {
  baseMs: 5_000,
  capMs: 10 * 60_000,
  rateLimitMs: 65_000,
  giveUpAfterMs: 48 * 3600_000,
};

export type Plan =
  | { kind: 'retry'; at: number; rateLimited: boolean }
  | { kind: 'dead'; reason: string; errcode?: number };

export interface Failure {
  err: unknown;
  /** Attempts made so far, including the one that just failed (1 after the first). */
  attempts: number;
  createdAt: number;
  now: number;
  /** In [0, 1). */
  random: number;
}

export function planRetry(f: Failure, policy: RetryPolicy = defaultPolicy): Plan {
  const errcode = f.err instanceof PlatformError ? f.err.errcode : undefined;
  const message = describe(f.err);
  const rateLimited = errcode !== undefined && RATE_LIMIT_CODES.has(errcode);
  if (!rateLimited && f.err instanceof PlatformError && !f.err.retryable) {
    return errcode === undefined
      ? { kind: 'dead', reason: message }
      : { kind: 'dead', reason: message, errcode };
  }
  if (f.now - f.createdAt >= policy.giveUpAfterMs) {
    const reason = `gave up after ${f.attempts} attempts: ${message}`;
    return errcode === undefined ? { kind: 'dead', reason } : { kind: 'dead', reason, errcode };
  }
  const exponent = Math.min(f.attempts - 1, 20);
  const asked = f.err instanceof PlatformError ? (f.err.retryAfterMs ?? 0) : 0;
  if (rateLimited) {
    // Never sooner than a minute (or what the platform asked for); doubling while it persists.
    const floor = Math.max(policy.rateLimitMs, asked);
    const wait = Math.min(Math.max(policy.capMs, floor), floor * 2 ** exponent);
    return { kind: 'retry', at: f.now + wait + Math.floor(f.random * 0.2 * floor), rateLimited: true };
  }
  // Exponential with "equal jitter": half fixed, half random, so robots do not retry in step.
  // A platform that asked for a pause (DingTalk's gateway block) gets at least that.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return {
    kind: 'retry',
    at: f.now + Math.max(asked, Math.floor(ceiling / 2 + f.random * (ceiling / 2))),
    rateLimited: false,
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
