import { resentNote } from '../../handlers/text.ts';
import { PlatformError } from '../errors.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import type { Pusher } from '../platforms/platform.ts';
import type { Clock } from './clock.ts';
import { mayHaveArrived } from './drain.ts';
import { DEFAULT_PER_MINUTE, robotOf } from './pace.ts';
import type { Pace, PgOutbox } from './pg-queue.ts';
import { defaultPolicy, planRetry, type RetryPolicy } from './plan.ts';
import type { Entry } from './schema.ts';

/** How long a claim holds a message: well beyond a push's HTTP timeout. */
export const DEFAULT_LEASE_MS = 30_000;
/** A drain with nothing to wait for still looks every so often (an instance died holding a lease). */
const IDLE_POLL_MS = 5_000;

export interface SharedDrainDeps {
  outbox: PgOutbox;
  groups: Groups;
  pushers: Partial<Record<Group['platform'], Pusher>>;
  clock: Clock;
  log: Logger;
  pace?: Partial<Pace>;
  leaseMs?: number;
  policy?: RetryPolicy;
  random?: () => number;
}

/**
 * The drain of several instances on one PostgreSQL outbox (bot/outbox/pg-queue.ts): every instance
 * runs one loop per robot, and each loop claims its robot's next message in the database, so the
 * robot's pace, pause and one-request-in-flight rule hold across instances. What it sends and how
 * it handles failures is the single-process Drain's (plan.ts, the re-send note); only where the
 * queue's state lives differs.
 */
export class SharedDrain {
  private running = false;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly wakers = new Map<string, () => void>();
  private readonly robotOfGroup = new Map<string, string>();
  private readonly wakeAt = new Map<string, number>();
  private readonly pace: Pace;
  private readonly leaseMs: number;

  constructor(private readonly deps: SharedDrainDeps) {
    this.pace = { perMinute: deps.pace?.perMinute ?? DEFAULT_PER_MINUTE, windowMs: deps.pace?.windowMs ?? 60_000 };
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    deps.outbox.onChange((groupId) => this.kick(groupId));
    for (const g of deps.groups.list) this.robotOfGroup.set(g.id, robotOf(g));
  }

  async start(): Promise<void> {
    const released = await this.deps.outbox.release();
    if (released > 0)
      this.deps.log.warn({ released }, 'outbox: messages this instance left mid-send will be sent again');
    const undeclared = await this.deps.outbox.deadUndeclared(
      this.deps.groups.list.map((g) => g.id),
      new Date(this.deps.clock.now()),
    );
    if (undeclared > 0) this.deps.log.error({ undeclared }, 'outbox: dead letters for groups no longer declared');
    this.running = true;
    const robots = new Map<string, Group[]>();
    for (const g of this.deps.groups.list) {
      const robot = robotOf(g);
      robots.set(robot, [...(robots.get(robot) ?? []), g]);
    }
    for (const [robot, groups] of robots) this.loops.set(robot, this.loop(robot, groups));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await Promise.all(this.loops.values());
    this.loops.clear();
  }

  /**
   * Look at the queue again now: every robot (something was queued or retried), or only the
   * robot of `groupId` (one of its messages finished, here or on another instance).
   */
  kick(groupId?: string): void {
    const robot = groupId === undefined ? undefined : this.robotOfGroup.get(groupId);
    if (robot !== undefined) this.wakers.get(robot)?.();
    else for (const wake of [...this.wakers.values()]) wake();
  }

  /** When some robot next wakes up by itself (for /status). */
  nextWake(): Date | undefined {
    const times = [...this.wakeAt.values()];
    return times.length === 0 ? undefined : new Date(Math.min(...times));
  }

  private async loop(robot: string, groups: Group[]): Promise<void> {
    const ids = groups.map((g) => g.id);
    const byId = new Map(groups.map((g) => [g.id, g]));
    while (this.running) {
      let wakeAt: number | undefined;
      try {
        const claim = await this.deps.outbox.claim(robot, ids, this.deps.clock.now(), this.pace, this.leaseMs);
        if (claim.expired.length > 0)
          this.deps.log.warn({ robot, keys: claim.expired }, 'outbox: a claim ran out (instance gone); sending again');
        if (claim.entry) {
          await this.attempt(robot, claim.entry, byId.get(claim.entry.groupId));
          continue;
        }
        wakeAt = claim.wakeAt;
      } catch (err) {
        this.deps.log.error({ err, robot }, 'outbox: claim failed; trying again shortly');
        wakeAt = this.deps.clock.now() + 1000;
      }
      await this.sleep(robot, Math.min(wakeAt ?? Number.POSITIVE_INFINITY, this.deps.clock.now() + IDLE_POLL_MS));
    }
  }

  private sleep(robot: string, until: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeAt.set(robot, until);
      const done = () => {
        this.deps.clock.clearTimeout(timer);
        if (this.wakers.get(robot) === done) this.wakers.delete(robot);
        this.wakeAt.delete(robot);
        resolve();
      };
      const timer = this.deps.clock.setTimeout(done, Math.max(0, until - this.deps.clock.now()));
      this.wakers.set(robot, done);
    });
  }

  private async attempt(robot: string, entry: Entry, group: Group | undefined): Promise<void> {
    const { outbox, clock, log } = this.deps;
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
        await outbox.markDead(entry.key, { reason: plan.reason, ...(errcode === undefined ? {} : { errcode }) }, new Date(now));
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
        { key: entry.key, group: entry.groupId, errcode, reason: message, attempts: entry.attempts, retryAt: new Date(plan.at) },
        'outbox: send failed, will retry',
      );
      return;
    }
    if (!(await outbox.markSent(entry.key, new Date(clock.now()))))
      log.warn({ key: entry.key }, 'outbox: sent after its claim ran out; another instance may send it again (with the note)');
  }

  private async send(entry: Entry, group: Group | undefined): Promise<void> {
    if (!group) throw new PlatformError(`outbox: group ${entry.groupId} is not declared`, false);
    const pusher = this.deps.pushers[group.platform];
    if (!pusher) throw new PlatformError(`outbox: no ${group.platform} pusher is configured`, false);
    if (!entry.reply) throw new PlatformError(`outbox: message ${entry.key} has no text`, false);
    const reply = entry.uncertain ? { ...entry.reply, lines: [...entry.reply.lines, resentNote] } : entry.reply;
    await pusher.send(group, pusher.render(reply).body);
  }
}
