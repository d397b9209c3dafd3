import { createHash } from 'node:crypto';
import pg from 'pg';
import { clientConfig, iso, type PgOptions } from './connect.ts';

/** A role one instance holds at a time (a long connection): started when won, stopped when lost. */
export interface Role {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Leadership {
  /** True while this instance holds the role. */
  holding(): boolean;
  /** Gives the role up (stopping it if held) and stops trying. */
  stop(): Promise<void>;
}

/**
 * What several instances agree on (bot/coordination.ts has the one-process version):
 * mutual exclusion, one run per job slot, one holder per long connection.
 */
export interface Coordinator {
  readonly instanceId: string;
  /** Runs `fn` while no other instance runs a section of the same name (waits its turn). */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** True for exactly one caller per (job, slot) across instances. */
  claimSlot(job: string, slot: string, now: Date): Promise<boolean>;
  /** Holds `name` on one instance at a time; the others wait to take over. */
  lead(name: string, role: Role, onChange?: (holding: boolean) => void): Leadership;
}

/** Two int4 advisory lock keys for a name (namespace, hash). */
export function lockKey(name: string): [number, number] {
  return [0x1b5_0ac7, createHash('sha256').update(name).digest().readInt32BE(0)];
}

/**
 * Coordination through PostgreSQL: advisory locks (released by the server when the holder's
 * connection ends, so a killed instance hands over without a timeout of ours) and `job_slots` rows.
 */
export class PgCoordinator implements Coordinator {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgOptions,
    readonly instanceId: string,
    /** How often a standby instance tries to take a role over. */
    private readonly retryMs = 1000,
  ) {}

  async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    const key = lockKey(name);
    try {
      await c.query('SELECT pg_advisory_lock($1, $2)', key);
      try {
        return await fn();
      } finally {
        await c.query('SELECT pg_advisory_unlock($1, $2)', key);
      }
    } finally {
      c.release();
    }
  }

  async claimSlot(job: string, slot: string, now: Date): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO job_slots (job, slot, owner, at) VALUES ($1, $2, $3, $4) ON CONFLICT (job, slot) DO NOTHING`,
      [job, slot, this.instanceId, iso(now)],
    );
    // Old slots are of no use once their time has passed.
    await this.pool.query('DELETE FROM job_slots WHERE job = $1 AND at < $2', [
      job,
      iso(now.getTime() - 7 * 24 * 3600_000),
    ]);
    return r.rowCount === 1;
  }

  lead(name: string, role: Role, onChange?: (holding: boolean) => void): Leadership {
    const key = lockKey(`lead:${name}`);
    let stopped = false;
    let holding = false;
    let wake: (() => void) | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    const run = async () => {
      while (!stopped) {
        const c = new pg.Client({
          ...clientConfig({ ...this.options, applicationName: `inspection-bot ${this.instanceId} lead` }),
          keepAlive: true,
        });
        let lost!: () => void;
        const gone = new Promise<void>((resolve) => {
          lost = resolve;
        });
        c.on('error', () => lost());
        c.on('end', () => lost());
        try {
          await c.connect();
          const won = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', key)).rows[0]!.ok;
          if (won && !stopped) {
            holding = true;
            onChange?.(true);
            try {
              await role.start();
            } catch {
              // The role failed to start: give it up so another instance (or a later try) takes it.
            }
            // Hold until the connection is lost or we are told to stop; a lost connection means
            // the lock is gone too (the server released it), so the role stops here at once.
            const check = setInterval(() => {
              c.query('SELECT 1').catch(() => lost());
            }, 2000);
            await Promise.race([gone, new Promise<void>((resolve) => (wake = resolve))]);
            clearInterval(check);
            holding = false;
            onChange?.(false);
            await role.stop().catch(() => undefined);
          }
        } catch {
          // Database unreachable: try again.
        } finally {
          await c.end().catch(() => undefined);
        }
        if (!stopped) await pause(this.retryMs);
      }
    };
    const loop = run();
    return {
      holding: () => holding,
      async stop() {
        stopped = true;
        wake?.();
        await loop;
      },
    };
  }
}
