import type { Clock } from '../../bot/outbox/clock.ts';

/**
 * A virtual clock: time moves only when a test says so, and timers fire in time order as it
 * moves. Lets a test (or the bench) drain an hour of rate-limited sending in milliseconds.
 */
export class FakeClock implements Clock {
  private timers: Array<{ id: number; at: number; fn: () => void }> = [];
  private nextId = 1;

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.current + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** When the earliest timer fires, if any. */
  nextTimer(): number | undefined {
    return this.timers.reduce<number | undefined>(
      (min, t) => (min === undefined || t.at < min ? t.at : min),
      undefined,
    );
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.runUntil(this.current + ms);
  }

  /** Moves to the earliest timer and fires it (and any due at the same instant); false if none. */
  step(): boolean {
    const at = this.nextTimer();
    if (at === undefined) return false;
    this.runUntil(Math.max(at, this.current));
    return true;
  }

  private runUntil(until: number): void {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = Math.max(this.current, until);
  }
}
