import * as metrics from '../metrics.ts';
import { resentNote } from '../../handlers/text.ts';
import { PlatformError } from '../errors.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import type { Pusher } from '../platforms/platform.ts';
import type { Clock } from './clock.ts';
import { DEFAULT_PER_MINUTE, type Pace, robotOf } from './pace.ts';
import { defaultPolicy, planRetry, type RetryPolicy } from './plan.ts';
import type { DrainQueue } from './queue.ts';
import type { Entry } from './schema.ts';

/**
 * Transport errors after which the platform may have accepted the message: a timeout or a
 * connection cut mid-answer (bot/platforms/platform.ts httpFailure names the code). The re-send
 * then carries the note; a refused connection or an errcode means nothing arrived.
 */
const AMBIGUOUS = /\((ECONNABORTED|ETIMEDOUT|ECONNRESET|ERR_CANCELED)\)|socket hang up/;

/** True when a send that failed with this error message may have reached the chat anyway. */
export function mayHaveArrived(message: string): boolean {
  return AMBIGUOUS.test(message);
}

/** How long a claim holds a message (PostgreSQL): well beyond a push's HTTP timeout. */
export const DEFAULT_LEASE_MS = 30_000;
/** After a failed claim (the database away), a robot looks again this much later. */
const CLAIM_RETRY_MS = 1000;

export interface DrainDeps {
  /** The file outbox (queue.ts) or PostgreSQL's (pg-queue.ts), shared by every instance. */
  outbox: DrainQueue;
  groups: Groups;
  pushers: Partial<Record<Group['platform'], Pusher>>;
  clock: Clock;
  log: Logger;
  /** Per robot: at most perMinute attempts in any window (default 15 a minute). */
  pace?: Partial<Pace>;
  /** How long a claim holds a message on PostgreSQL (the file outbox's claims last as the process). */
  leaseMs?: number;
  policy?: RetryPolicy;
  /** In [0, 1); jitter for backoff. */
  random?: () => number;
}

/**
 * Sends what the outbox holds, on either store. One loop per robot (the groups sharing a webhook)
 * claims the robot's next message from the queue — which decides pace, pause, retries and the
 * one-request-in-flight rule, in memory for one process or in the database for every instance —
 * sends it, and records how it ended. Each robot sends its messages in queue order (parts 1/3,
 * 2/3, 3/3 arrive in order); a message being retried keeps its place; after a rate-limit code
 * the robot is paused as a whole.
 *
 * Delivery is at-least-once: `sending` is recorded before the request and `sent` right after the
 * answer. A crash between the two (or a timeout after the platform accepted the message, or a
 * claim that ran out on another instance) leaves a message that may have arrived; it is sent
 * again with a note saying so (handlers/text.ts).
 */
export class Drain {
  private readonly pace: Pace;
  private readonly leaseMs: number;
  private running = false;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly robotOfGroup = new Map<string, string>();
  /** Sleeping robots: how to wake each, and when it wakes by itself (for /status). */
  private readonly wakers = new Map<string, () => void>();
  private readonly wakeAt = new Map<string, number>();
  /** Robots told to look again while they were busy: they claim again instead of sleeping. */
  private readonly dirty = new Set<string>();
  /** Robots not asleep (claiming or sending), and who waits for them all to be (idle()). */
  private readonly awake = new Set<string>();
  private settled: Array<() => void> = [];
  /** The sweep of messages for undeclared groups, when one runs. */
  private sweeping: Promise<void> | undefined;
  private sweepAgain = false;

  constructor(private readonly deps: DrainDeps) {
    this.pace = {
      perMinute: deps.pace?.perMinute ?? DEFAULT_PER_MINUTE,
      windowMs: deps.pace?.windowMs ?? 60_000,
    };
    if (!Number.isInteger(this.pace.perMinute) || this.pace.perMinute < 1)
      throw new RangeError(`outbox: perMinute ${this.pace.perMinute} must be ≥ 1`);
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    for (const g of deps.groups.list) this.robotOfGroup.set(g.id, robotOf(g));
    deps.outbox.onChange((groupId) => this.kick(groupId));
  }

  /**
   * Resumes after a restart: messages interrupted mid-send go back to pending (marked as possibly
   * sent), messages of groups no longer declared become dead letters, every robot starts.
   */
  async start(): Promise<void> {
    const { outbox, log, groups } = this.deps;
    const uncertain = await outbox.recover();
    if (uncertain > 0) log.warn({ uncertain }, 'outbox: messages interrupted mid-send will be sent again');
    await this.sweep();
    this.running = true;
    const robots = new Map<string, Group[]>();
    for (const g of groups.list) robots.set(robotOf(g), [...(robots.get(robotOf(g)) ?? []), g]);
    for (const [robot, list] of robots) {
      this.awake.add(robot);
      this.loops.set(robot, this.loop(robot, list));
    }
  }

  /** Stops claiming and waits for requests in flight to be answered and recorded. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of [...this.wakers.values()]) wake();
    await Promise.all(this.loops.values());
    this.loops.clear();
    await this.sweeping;
  }

  /** Resolves when every robot is asleep: no claim or request in flight. */
  async idle(): Promise<void> {
    while (this.awake.size > 0 || this.sweeping) await new Promise<void>((resolve) => this.settled.push(resolve));
  }

  /**
   * Look at the queue again now: every robot (something was queued or put back), or only the
   * robot of `groupId` (one of its messages finished, here or on another instance).
   */
  kick(groupId?: string): void {
    if (!this.running) return;
    // A group of no robot here (another configuration's, or a reconnected listener): all look.
    const robot = groupId === undefined ? undefined : this.robotOfGroup.get(groupId);
    const robots = robot === undefined ? [...this.loops.keys()] : [robot];
    for (const r of robots) {
      const wake = this.wakers.get(r);
      if (wake) wake();
      else this.dirty.add(r);
    }
    // Something new may be for a group this configuration does not declare.
    if (groupId === undefined) void this.sweep();
  }

  /** When the drain next wakes up by itself (for /status). */
  nextWake(): Date | undefined {
    const times = [...this.wakeAt.values()];
    return times.length === 0 ? undefined : new Date(Math.min(...times));
  }

  private sweep(): Promise<void> {
    if (this.sweeping) {
      this.sweepAgain = true;
      return this.sweeping;
    }
    const run = async () => {
      do {
        this.sweepAgain = false;
        const declared = this.deps.groups.list.map((g) => g.id);
        const n = await this.deps.outbox.deadUndeclared(declared, new Date(this.deps.clock.now()));
        if (n > 0) this.deps.log.error({ undeclared: n }, 'outbox: dead letters for groups no longer declared');
      } while (this.sweepAgain);
    };
    this.sweeping = run()
      .catch((err: unknown) => this.deps.log.error({ err }, 'outbox: could not dead-letter undeclared groups'))
      .finally(() => {
        this.sweeping = undefined;
        this.settle();
      });
    return this.sweeping;
  }

  private async loop(robot: string, groups: Group[]): Promise<void> {
    const { outbox, clock, log } = this.deps;
    const ids = groups.map((g) => g.id);
    const byId = new Map(groups.map((g) => [g.id, g]));
    while (this.running) {
      this.dirty.delete(robot);
      let wakeAt: number | undefined;
      try {
        const claim = await outbox.claim(robot, ids, clock.now(), this.pace, this.leaseMs);
        if (claim.expired.length > 0)
          log.warn({ robot, keys: claim.expired }, 'outbox: a claim ran out (instance gone); sending again');
        if (claim.entry) {
          await this.attempt(robot, claim.entry, byId.get(claim.entry.groupId), claim.startBy).catch((err: unknown) =>
            log.error({ err, key: claim.entry.key }, 'outbox: could not record a send; it resumes after a restart'),
          );
          continue;
        }
        wakeAt = claim.wakeAt;
      } catch (err) {
        log.error({ err, robot }, 'outbox: claim failed; trying again shortly');
        wakeAt = clock.now() + CLAIM_RETRY_MS;
      }
      if (this.dirty.has(robot)) continue;
      await this.sleep(robot, wakeAt);
    }
    this.awake.delete(robot);
    this.settle();
  }

  /** Sleeps until `until` (undefined: until kicked), or the queue's poll, whichever is first. */
  private sleep(robot: string, until: number | undefined): Promise<void> {
    if (!this.running) return Promise.resolve();
    const { clock } = this.deps;
    const poll = this.deps.outbox.pollMs;
    const at = Math.min(until ?? Number.POSITIVE_INFINITY, poll === undefined ? Number.POSITIVE_INFINITY : clock.now() + poll);
    return new Promise((resolve) => {
      let timer: unknown;
      const wake = () => {
        if (timer !== undefined) clock.clearTimeout(timer);
        this.wakers.delete(robot);
        this.wakeAt.delete(robot);
        this.awake.add(robot);
        resolve();
      };
      if (Number.isFinite(at)) timer = clock.setTimeout(wake, Math.max(0, at - clock.now()));
      if (until !== undefined) this.wakeAt.set(robot, until);
      this.wakers.set(robot, wake);
      this.awake.delete(robot);
      this.settle();
    });
  }

  private settle(): void {
    if (this.awake.size > 0 || this.sweeping) return;
    const waiting = this.settled;
    this.settled = [];
    for (const resolve of waiting) resolve();
  }

  private async attempt(robot: string, entry: Entry, group: Group | undefined, startBy?: number): Promise<void> {
    const { outbox, clock, log } = this.deps;
    if (startBy !== undefined && clock.now() > startBy) {
      // The process was held up between the claim and the request (a long computation on the
      // event loop): sent now, the request could outlive the claim and another instance send it
      // too. Nothing went out; the message keeps its place and is claimed again.
      await outbox.reschedule(
        entry.key,
        new Date(clock.now()),
        { message: 'outbox: the claim ran short before the request started; not sent' },
        new Date(clock.now()),
      );
      log.warn({ key: entry.key, group: entry.groupId }, 'outbox: claim ran short before sending; claiming again');
      return;
    }
    try {
      await this.send(entry, group);
    } catch (err) {
      const now = clock.now();
      const plan = planRetry(
        {
          err,
          attempts: entry.attempts,
          createdAt: Date.parse(entry.createdAt),
          now,
          random: (this.deps.random ?? Math.random)(),
        },
        this.deps.policy ?? defaultPolicy,
      );
      const errcode = err instanceof PlatformError ? err.errcode : undefined;
      if (plan.kind === 'dead') {
        await outbox.markDead(
          entry.key,
          { reason: plan.reason, ...(errcode === undefined ? {} : { errcode }) },
          new Date(now),
        );
        log.error({ key: entry.key, group: entry.groupId, errcode, reason: plan.reason }, 'outbox: dead letter');
        return;
      }
      if (plan.rateLimited) await outbox.pause(robot, new Date(plan.at));
      const message = err instanceof Error ? err.message : String(err);
      await outbox.reschedule(
        entry.key,
        new Date(plan.at),
        { message, ...(errcode === undefined ? {} : { errcode }) },
        new Date(now),
        mayHaveArrived(message),
      );
      log.warn(
        {
          key: entry.key,
          group: entry.groupId,
          errcode,
          reason: message,
          attempts: entry.attempts,
          retryAt: new Date(plan.at),
        },
        'outbox: send failed, will retry',
      );
      return;
    }
    if (!(await outbox.markSent(entry.key, new Date(clock.now()))))
      log.warn(
        { key: entry.key },
        'outbox: sent after its claim ran out; another instance may send it again (with the note)',
      );
  }

  private async send(entry: Entry, group: Group | undefined): Promise<void> {
    if (!group) throw new PlatformError(`outbox: group ${entry.groupId} is not declared`, false);
    const pusher = this.deps.pushers[group.platform];
    if (!pusher) throw new PlatformError(`outbox: no ${group.platform} pusher is configured`, false);
    if (!entry.reply) throw new PlatformError(`outbox: message ${entry.key} has no text`, false);
    const reply = entry.uncertain
      ? { ...entry.reply, lines: [...entry.reply.lines, resentNote] }
      : entry.reply;
    const started = performance.now();
    try {
      await pusher.send(group, pusher.render(reply).body);
      metrics.pushes.inc({ platform: group.platform, errcode: '0' });
      this.deps.log.info(
        { platform: group.platform, group: group.id, kind: entry.kind, errcode: 0, ms: Math.round(performance.now() - started) },
        'push sent',
      );
    } catch (err) {
      const errcode = err instanceof PlatformError && err.errcode !== undefined ? String(err.errcode) : 'http';
      metrics.pushes.inc({ platform: group.platform, errcode });
      this.deps.log.info(
        { platform: group.platform, group: group.id, kind: entry.kind, errcode, ms: Math.round(performance.now() - started) },
        'push failed',
      );
      throw err;
    }
  }
}
