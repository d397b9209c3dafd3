import { createHash } from 'node:crypto';
import type { Group } from '../groups.ts';

/**
 * Per-robot pacing: at most `perMinute` attempts in any sliding window of a minute. Both
 * platforms allow 20 messages per minute per robot (protocols.md §1.3, §4.4); whether WeCom counts
 * a sliding or a clock minute is undocumented (§9.1), and a sliding count under 20 is safe for both.
 */
export const DEFAULT_PER_MINUTE = 15;
const WINDOW_MS = 60_000;

/** The pace a robot keeps: at most `perMinute` attempts in any window of `windowMs`. */
export interface Pace {
  perMinute: number;
  windowMs: number;
}

export class Pacer {
  private readonly history = new Map<string, number[]>();

  constructor(
    readonly perMinute = DEFAULT_PER_MINUTE,
    readonly windowMs = WINDOW_MS,
  ) {
    if (!Number.isInteger(perMinute) || perMinute < 1)
      throw new RangeError(`outbox: perMinute ${perMinute} must be ≥ 1`);
  }

  /** The earliest time `robot` may make another attempt; `now` or earlier means at once. */
  nextSlot(robot: string, now: number): number {
    const h = this.recent(robot, now);
    return h.length < this.perMinute ? now : h[h.length - this.perMinute]! + this.windowMs;
  }

  /** Counts an attempt (failed attempts count too: the platform may have counted them). */
  record(robot: string, at: number): void {
    const h = this.history.get(robot) ?? [];
    h.push(at);
    this.history.set(robot, h);
  }

  private recent(robot: string, now: number): number[] {
    const h = (this.history.get(robot) ?? []).filter((t) => now - t < this.windowMs);
    this.history.set(robot, h);
    return h;
  }
}

/**
 * The robot a group pushes through. Two groups configured with the same webhook share one
 * robot and so one rate limit; the id is a digest, never the key or token itself.
 */
export function robotOf(group: Group): string {
  const credential = group.robot
    ? 'key' in group.robot
      ? group.robot.key
      : group.robot.accessToken
    : group.id;
  return `${group.platform}:${createHash('sha256').update(credential).digest('hex').slice(0, 12)}`;
}
