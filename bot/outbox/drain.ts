import * as metrics from '../metrics.ts';
import { resentNote } from '../../handlers/text.ts';
import { PlatformError } from '../errors.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import type { Pusher } from '../platforms/platform.ts';
import type { Clock } from './clock.ts';
import { Pacer, robotOf } from './pace.ts';
import { defaultPolicy, planRetry, type RetryPolicy } from './plan.ts';
import type { Outbox } from './queue.ts';
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

export interface DrainDeps {
  outbox: Outbox;
  groups: Groups;
  pushers: Partial<Record<Group['platform'], Pusher>>;
  clock: Clock;
  log: Logger;
  pacer?: Pacer;
  policy?: RetryPolicy;
  /** In [0, 1); jitter for backoff. */
  random?: () => number;
}

/**
 * Sends what the outbox holds. Each robot has at most one request in flight and sends its
 * messages in queue order (parts 1/3, 2/3, 3/3 arrive in order); a message being retried keeps
 * its place. Robots are paced by the Pacer and paused as a whole after a rate-limit code.
 *
 * Delivery is at-least-once: `sending` is on disk before the request and `sent` right after the
 * answer. A crash between the two (or a timeout after the platform accepted the message) leaves
 * a message that may have arrived; it is sent again with a note saying so (handlers/text.ts).
 */
export class Drain {
  private readonly pacer: Pacer;
  private readonly busy = new Set<string>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly inflight = new Set<Promise<void>>();
  private timer: unknown;
  private wakeAt: number | undefined;
  private running = false;

  constructor(private readonly deps: DrainDeps) {
    this.pacer = deps.pacer ?? new Pacer();
    deps.outbox.onChange(() => this.kick());
  }

  /** Resumes after a restart: interrupted messages go back to pending, pacing history is rebuilt. */
  async start(): Promise<void> {
    const uncertain = await this.deps.outbox.recover();
    if (uncertain > 0)
      this.deps.log.warn({ uncertain }, 'outbox: messages interrupted mid-send will be sent again');
    const now = this.deps.clock.now();
    for (const group of this.deps.groups.list) {
      for (const at of this.deps.outbox.sentSince(group.id, now - this.pacer.windowMs)) {
        this.pacer.record(robotOf(group), at);
      }
    }
    this.running = true;
    this.kick();
  }

  /** Stops scheduling and waits for requests in flight to be answered and recorded. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeAt = undefined;
    await this.idle();
  }

  /** Resolves when no request is in flight. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /** Look at the queue again as soon as possible. */
  kick(): void {
    if (this.running) this.schedule(this.deps.clock.now());
  }

  /** When the drain next wakes up by itself (for /status). */
  nextWake(): Date | undefined {
    return this.wakeAt === undefined ? undefined : new Date(this.wakeAt);
  }

  private schedule(at: number): void {
    if (this.timer !== undefined && this.wakeAt !== undefined && this.wakeAt <= at) return;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = this.deps.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.wakeAt = undefined;
        this.pump();
      },
      Math.max(0, at - this.deps.clock.now()),
    );
  }

  /** Starts every send that is due and allowed; schedules a wake-up for the earliest other one. */
  private pump(): void {
    if (!this.running) return;
    const now = this.deps.clock.now();
    const heads = new Map<string, { entry: Entry; group: Group | undefined }>();
    for (const entry of this.deps.outbox.pending()) {
      const group = this.deps.groups.byId(entry.groupId);
      const robot = group ? robotOf(group) : `undeclared:${entry.groupId}`;
      if (heads.has(robot) || this.busy.has(robot)) continue;
      // A message held back (notBefore) lets later ones pass; one being retried does not.
      if (entry.attempts === 0 && Date.parse(entry.nextAt) > now) continue;
      heads.set(robot, { entry, group });
    }
    let next = Number.POSITIVE_INFINITY;
    for (const [robot, { entry, group }] of heads) {
      const at = Math.max(
        Date.parse(entry.nextAt),
        this.pausedUntil.get(robot) ?? 0,
        this.pacer.nextSlot(robot, now),
      );
      if (at > now) next = Math.min(next, at);
      else this.launch(robot, entry.key, group, now);
    }
    for (const entry of this.deps.outbox.pending()) {
      if (entry.attempts === 0 && Date.parse(entry.nextAt) > now)
        next = Math.min(next, Date.parse(entry.nextAt));
    }
    if (next < Number.POSITIVE_INFINITY) this.schedule(next);
  }

  private launch(robot: string, key: string, group: Group | undefined, now: number): void {
    this.busy.add(robot);
    this.pacer.record(robot, now);
    const run = this.attempt(robot, key, group)
      .catch((err: unknown) =>
        this.deps.log.error({ err, key }, 'outbox: could not record a send; it resumes after a restart'),
      )
      .finally(() => {
        this.busy.delete(robot);
        this.inflight.delete(run);
        this.pump();
      });
    this.inflight.add(run);
  }

  private async attempt(robot: string, key: string, group: Group | undefined): Promise<void> {
    const { outbox, clock, log } = this.deps;
    const entry = await outbox.begin(key, new Date(clock.now()));
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
          key,
          { reason: plan.reason, ...(errcode === undefined ? {} : { errcode }) },
          new Date(now),
        );
        log.error({ key, group: entry.groupId, errcode, reason: plan.reason }, 'outbox: dead letter');
        return;
      }
      if (plan.rateLimited) this.pausedUntil.set(robot, plan.at);
      const message = err instanceof Error ? err.message : String(err);
      await outbox.reschedule(
        key,
        new Date(plan.at),
        { message, ...(errcode === undefined ? {} : { errcode }) },
        new Date(now),
        mayHaveArrived(message),
      );
      log.warn(
        {
          key,
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
    await outbox.markSent(key, new Date(clock.now()));
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
