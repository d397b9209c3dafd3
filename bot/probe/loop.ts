import { setMaxListeners } from 'node:events';
import { shanghaiDate } from '../../data/deadlines/time.ts';
import {
  type DayPlan,
  dayPlan,
  defaultSchedule,
  firstAtOrAfter,
  readSlot,
  type ScheduleOptions,
} from '../../data/probe/schedule.ts';
import type { ProbeStore } from '../../data/probe/store.ts';
import type { Site } from '../../data/schema.ts';
import type { Coordinator } from '../coordination.ts';
import type { Logger } from '../logger.ts';
import { type Clock, systemClock } from '../outbox/clock.ts';
import type { PoliteFetcher } from './fetch.ts';
import { probeHomepage, readSite } from './run.ts';

/**
 * The probing schedule of the running bot (README "Probing"). Every registered site's homepage
 * is tried `perDay` times a Shanghai day at the times data/probe/schedule.ts gives it (a per-site
 * offset in each slot, plus jitter); one of those tries a day also reads the site's list pages.
 * All requests go through the polite fetcher (per-address and global limits, robots.txt).
 *
 * - **Restarts.** The schedule is a function of the site id and the date, and the loop starts at
 *   the clock: tries whose time passed while the bot was down are not made up (no burst at start,
 *   no try twice), nor are tries more than a window late; the day's reading is skipped only if
 *   the store already has one from today.
 * - **Several instances** (PostgreSQL): the day is cut into windows of `windowMs`; the instance
 *   that claims a window (Coordinator.claimSlot, one row per window) makes every try due in it.
 * - **Stopping** (SIGTERM): no new try starts; tries in flight get `stopGraceMs` to finish and are
 *   tallied; those still running then are cut and tallied nowhere (a cut try says nothing about
 *   the site). The tallies are written before stop() returns.
 * - **Time** is the injected clock's: tests play a day on a virtual clock, the bench a compressed one.
 */
export interface ProbeLoopOptions {
  /** The sites to probe, read at every window (a register import changes the plan at once). */
  sites: () => readonly Site[];
  store: ProbeStore;
  fetcher: PoliteFetcher;
  coordinator: Coordinator;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  clock?: Clock;
  schedule?: ScheduleOptions;
  /** The unit of work claimed among instances. */
  windowMs?: number;
  /** How often the tallies are written (and, on PostgreSQL, other instances' counts read). */
  flushEveryMs?: number;
  /** How long stop() lets tries in flight finish before cutting them (real time). */
  stopGraceMs?: number;
  /** Hears of every try made (metrics, the bench). */
  onTry?: (t: TryEvent) => void;
  /**
   * Most tries launched and not finished (running or queued at the limiter). When the fetcher
   * cannot keep up, the loop waits for one to end instead of queueing without bound, so memory
   * stays flat and the tries that fall more than a window behind are skipped, not piled up.
   */
  maxPending?: number;
}

export interface TryEvent {
  siteId: string;
  /** When the schedule had the try, and when its request went out (clock ms). */
  scheduled: number;
  started: number;
  outcome: 'ok' | 'failed' | 'blocked';
  reason: string;
  /** This try also read the site's list pages. */
  read: boolean;
}

interface Due {
  at: number;
  site: Site;
  slot: number;
}

const WINDOW_MS = 10_000;
const FLUSH_EVERY_MS = 60_000;
const STOP_GRACE_MS = 3_000;
/** Longest sleep between looks at the register (a site added starts within this). */
const RECHECK_MS = 60_000;
const MAX_PENDING = 1_000;
/** A try this far behind its slot (the schedule's own jitter) is skipped rather than made late. */
const SKIP_LATE_MS = 5 * 60_000;

export class ProbeLoop {
  private readonly clock: Clock;
  private readonly schedule: ScheduleOptions;
  private readonly windowMs: number;
  private stopped = false;
  private main: Promise<void> | undefined;
  private sleeper: { handle: unknown; wake: () => void } | undefined;
  private flushTimer: unknown;
  private flushing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Site → the Shanghai day whose reading this loop started (one reading a day, even when tries overlap). */
  private readonly readingOn = new Map<string, string>();
  private readonly abort = new AbortController();
  private idleWaiters: Array<() => void> = [];
  /** The loop, waiting for a try to end while maxPending are launched. */
  private roomWaiter: (() => void) | undefined;
  private readonly maxPending: number;
  private stopping: Promise<void> | undefined;
  // The plan: the sites it was made from, by index and id, and the days planned so far.
  private planned:
    | { from: readonly Site[]; key: string; list: Site[]; plans: Map<string, DayPlan> }
    | undefined;

  constructor(private readonly opts: ProbeLoopOptions) {
    this.clock = opts.clock ?? systemClock;
    this.schedule = opts.schedule ?? defaultSchedule;
    this.windowMs = opts.windowMs ?? WINDOW_MS;
    this.maxPending = Math.max(1, opts.maxPending ?? MAX_PENDING);
    // Every try in flight or queued at the limiter listens for the stop (removed when it ends).
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts at the clock's now: tries due from now on. */
  start(): void {
    if (this.main) return;
    this.main = this.run(this.clock.now()).catch((err) => this.opts.log.error({ err }, 'probe loop failed'));
    this.armFlush();
  }

  /** Tries in flight now. */
  get active(): number {
    return this.inFlight.size;
  }

  /** Tries skipped because the loop was more than a window behind them (overload). */
  skipped = 0;

  /** The next try's time (for /status), undefined once stopped or when nothing is registered. */
  nextTry(): Date | undefined {
    if (this.stopped) return undefined;
    const next = this.nextAt(this.clock.now());
    return next === undefined ? undefined : new Date(next);
  }

  /**
   * Resolves once the loop waits on the clock with no try in flight and no write under way:
   * a test moves a virtual clock one timer at a time and waits for this in between.
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  /** Stops the schedule, lets tries in flight finish (or cuts them after the grace), writes the tallies. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.flushTimer);
    this.sleeper?.wake();
    this.roomWaiter?.();
    await this.main;
    const cut = setTimeout(() => this.abort.abort(), this.opts.stopGraceMs ?? STOP_GRACE_MS);
    await Promise.allSettled([...this.inFlight]);
    clearTimeout(cut);
    await this.flushing;
    await this.flushNow();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(from: number): Promise<void> {
    // Every try at or after `cursor` is still to be made (or skipped, if another instance has it).
    let cursor = from;
    while (!this.stopped) {
      const now = this.clock.now();
      // Tries more than a window in the past are not made up: a site the register added while the
      // loop slept starts at its next slot, not with the slots it would have had since.
      cursor = Math.max(cursor, now - this.windowMs);
      const next = this.nextAt(cursor);
      if (next === undefined) {
        await this.sleepUntil(now + RECHECK_MS);
        cursor = Math.max(cursor, now);
        continue;
      }
      const windowStart = Math.floor(next / this.windowMs) * this.windowMs;
      const windowEnd = windowStart + this.windowMs;
      // Claim a moment ahead, so the window's first try is not late by a round trip.
      const claimAt = windowStart - Math.min(1000, this.windowMs / 10);
      if (claimAt > now) {
        // Wake at least once a minute to see new sites (a far window may have moved nearer).
        await this.sleepUntil(Math.min(claimAt, now + RECHECK_MS));
        if (this.clock.now() < claimAt) continue;
      }
      if (this.stopped) break;
      const due = this.dueBetween(Math.max(cursor, windowStart), windowEnd);
      cursor = windowEnd;
      if (due.length === 0) continue;
      let claimed = false;
      try {
        claimed = await this.opts.coordinator.claimSlot(
          'probe',
          new Date(windowStart).toISOString(),
          new Date(this.clock.now()),
        );
      } catch (err) {
        this.opts.log.error({ err }, 'probe window claim failed; its tries are skipped');
      }
      if (!claimed) continue;
      for (const d of due) {
        if (d.at > this.clock.now()) await this.sleepUntil(d.at);
        while (this.inFlight.size >= this.maxPending && !this.stopped) {
          await new Promise<void>((resolve) => {
            this.roomWaiter = resolve;
          });
        }
        if (this.stopped) break;
        // Behind by more than the schedule's jitter (the fetcher could not keep up): skipped, like
        // tries missed while the bot was down, so an overload does not push the whole day later.
        if (this.clock.now() - d.at > SKIP_LATE_MS) {
          this.skipped++;
          continue;
        }
        this.launch(d);
      }
    }
  }

  private launch(d: Due): void {
    const run = this.attempt(d)
      .catch((err) => this.opts.log.error({ err, site: d.site.id }, 'probe failed'))
      .finally(() => {
        this.inFlight.delete(run);
        const waiter = this.roomWaiter;
        this.roomWaiter = undefined;
        waiter?.();
        this.checkIdle();
      });
    this.inFlight.add(run);
  }

  private async attempt(d: Due): Promise<void> {
    const { store, fetcher } = this.opts;
    const signal = this.abort.signal;
    const slotTime = new Date(d.at);
    let started = Number.NaN;
    const home = await probeHomepage(fetcher, store, d.site, slotTime, {
      signal,
      onStart: () => {
        started = this.clock.now();
      },
    });
    if (home.aborted) return;
    // The day's reading of list pages: at the site's read slot, or the first try after it when
    // the bot was down then (a reading from today in the store means it was done).
    let read = false;
    const today = shanghaiDate(slotTime);
    const previous = store.reading(d.site.id);
    if (
      d.slot >= readSlot(d.site.id, this.schedule.perDay) &&
      (!previous || shanghaiDate(new Date(previous.at)) !== today) &&
      // Another try of the site (late, in the limiter's queue) may be reading it right now.
      this.readingOn.get(d.site.id) !== today
    ) {
      this.readingOn.set(d.site.id, today);
      const reading = await readSite(
        fetcher,
        d.site,
        new Date(this.clock.now()),
        home.outcome === 'ok' ? home.body : undefined,
        signal,
      );
      if (signal.aborted) this.readingOn.delete(d.site.id);
      else {
        // A homepage that did not open this time keeps what the last reading saw on it.
        if (!reading.homepage && previous?.homepage) reading.homepage = previous.homepage;
        store.setReading(d.site.id, reading);
        read = true;
      }
    }
    this.opts.onTry?.({
      siteId: d.site.id,
      scheduled: d.at,
      started,
      outcome: home.outcome,
      reason: home.reason,
      read,
    });
  }

  /** The plan's sites, made again when the register's list of probed sites changes. */
  private plan(): NonNullable<ProbeLoop['planned']> {
    const sites = this.opts.sites();
    if (this.planned?.from === sites) return this.planned;
    const list = sites.filter((s) => s.url);
    const key = list.map((s) => s.id).join('\n');
    if (this.planned?.key === key) {
      this.planned = { ...this.planned, from: sites, list };
      return this.planned;
    }
    this.planned = { from: sites, key, list, plans: new Map() };
    return this.planned;
  }

  private day(date: string): { plan: DayPlan; list: Site[] } {
    const p = this.plan();
    let plan = p.plans.get(date);
    if (!plan) {
      plan = dayPlan(
        p.list.map((s) => s.id),
        date,
        this.schedule,
      );
      // Today and tomorrow are all a loop needs.
      for (const d of p.plans.keys()) if (d < date) p.plans.delete(d);
      p.plans.set(date, plan);
    }
    return { plan, list: p.list };
  }

  /** The time of the first try at or after `t` (looks a day ahead). */
  private nextAt(t: number): number | undefined {
    if (this.plan().list.length === 0) return undefined;
    for (let d = 0; d < 2; d++) {
      const date = shanghaiDate(new Date(t + d * 86_400_000));
      const { plan } = this.day(date);
      const i = firstAtOrAfter(plan, t);
      if (i < plan.at.length) return plan.at[i];
    }
    return undefined;
  }

  /** Tries due in [from, to), in time order. */
  private dueBetween(from: number, to: number): Due[] {
    const out: Due[] = [];
    let t = from;
    while (t < to) {
      const date = shanghaiDate(new Date(t));
      const { plan, list } = this.day(date);
      for (let i = firstAtOrAfter(plan, t); i < plan.at.length && plan.at[i]! < to; i++)
        out.push({ at: plan.at[i]!, site: list[plan.site[i]!]!, slot: plan.slot[i]! });
      // The next Shanghai day starts 24 h after this one's midnight.
      const nextDay = Date.parse(`${date}T00:00:00+08:00`) + 86_400_000;
      t = nextDay;
    }
    return out;
  }

  private sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const wake = () => {
        if (this.sleeper?.handle !== handle) return;
        this.clock.clearTimeout(handle);
        this.sleeper = undefined;
        resolve();
      };
      const handle = this.clock.setTimeout(wake, Math.max(0, at - this.clock.now()));
      this.sleeper = { handle, wake };
      this.checkIdle();
    });
  }

  private armFlush(): void {
    if (this.stopped) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushing = this.flushNow().finally(() => {
        this.flushing = undefined;
        this.armFlush();
        this.checkIdle();
      });
    }, this.opts.flushEveryMs ?? FLUSH_EVERY_MS);
  }

  private async flushNow(): Promise<void> {
    try {
      await this.opts.store.flush(shanghaiDate(new Date(this.clock.now())));
    } catch (err) {
      this.opts.log.error({ err }, 'probe tallies could not be written; the next flush retries');
    }
  }

  private checkIdle(): void {
    const waiting = this.stopped || this.sleeper !== undefined;
    if (!waiting || this.inFlight.size > 0 || this.flushing) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
