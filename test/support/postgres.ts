import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPool, quoteIdent } from '../../data/pg/connect.ts';

/**
 * The PostgreSQL the tests use: DATABASE_URL (`.ci/setup-postgres` prints one). Tests that need it
 * run whenever it is set; in CI (CI=1, or the setup's PG_TEST_DIR) a missing DATABASE_URL fails
 * them instead of leaving them out (test/support/global-setup.ts says how to get one locally).
 */
export const DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;
export const IN_CI = Boolean(process.env.CI?.trim() || process.env.PG_TEST_DIR?.trim());

/** Whether PostgreSQL-backed variants of the tests are generated. */
export const withPostgres = DATABASE_URL !== undefined || IN_CI;

export function databaseUrl(): string {
  if (!DATABASE_URL)
    throw new Error('DATABASE_URL is not set: run `eval "$(.ci/setup-postgres)"` (README "Running the tests")');
  return DATABASE_URL;
}

/** A fresh schema of its own for one test (tests stay independent and can run in parallel). */
export async function freshSchema(): Promise<{
  url: string;
  schema: string;
  pool: pg.Pool;
  drop: () => Promise<void>;
}> {
  const url = databaseUrl();
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const pool = await openPool({ url, schema, max: 8 });
  return {
    url,
    schema,
    pool,
    drop: async () => {
      await pool.end();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
