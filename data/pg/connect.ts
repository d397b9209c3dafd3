import pg from 'pg';

/**
 * Connections to the PostgreSQL store. `schema` puts every table of this bot in its own schema
 * (each test gets one; a deployment may share a database with other applications); the schema
 * is created when missing. Timestamps travel as ISO strings in UTC, parsed by the callers.
 */
export interface PgOptions {
  url: string;
  schema?: string;
  /** Pool size; each instance needs a few (the listener and the leader locks use their own). */
  max?: number;
  /** Names the connections in pg_stat_activity. */
  applicationName?: string;
  /** Let the process exit while the pool's connections are idle (one-shot commands). */
  allowExitOnIdle?: boolean;
}

// timestamptz → the server's ISO text, not a Date in the process's zone (callers parse what they need).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => v);
// bigint (count(*), sequences) → number: every value we count fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The connection settings for one client or pool (search_path pinned to the schema). */
export function clientConfig(o: PgOptions): pg.ClientConfig {
  const config: pg.ClientConfig = {
    connectionString: o.url,
    application_name: o.applicationName ?? 'inspection-bot',
  };
  // UTC sessions: timestamps come back as `2020-04-14 01:00:00+00`, whatever the server's zone.
  const options = ['-c TimeZone=UTC'];
  if (o.schema) options.push(`-c search_path=${quoteIdent(o.schema).replaceAll(' ', '\\ ')}`);
  config.options = options.join(' ');
  return config;
}

export async function openPool(o: PgOptions): Promise<pg.Pool> {
  if (o.schema) {
    const c = new pg.Client({ connectionString: o.url });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(o.schema)}`);
    } catch (err) {
      // Two instances creating it at once: the loser sees a unique violation; the schema exists.
      if ((err as { code?: string }).code !== '23505') throw err;
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({ ...clientConfig(o), max: o.max ?? 10, allowExitOnIdle: o.allowExitOnIdle ?? false });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in a transaction on one client of the pool; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await fn(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** Timestamps as bound parameters: ISO text with its zone, read by timestamptz exactly. */
export function iso(t: Date | number): string {
  return (typeof t === 'number' ? new Date(t) : t).toISOString();
}

/** A timestamptz column read back (server text such as `2020-04-14 01:00:00+00`) as epoch ms. */
export function epoch(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  return Date.parse(v.includes('T') ? v : `${v.replace(' ', 'T')}${/[+-]\d\d$/.test(v) ? ':00' : ''}`);
}

/** …and as ISO text, as the lowdb files keep times. */
export function isoOf(v: string | null | undefined): string | undefined {
  const t = epoch(v);
  return t === undefined ? undefined : new Date(t).toISOString();
}
