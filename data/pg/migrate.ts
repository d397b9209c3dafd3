import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** The schema migrations, applied in name order: `NNN_what.sql`. */
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Advisory lock key of the migration step ('inspection-bot migrate' as two int4s). */
const LOCK = [0x1b5_0ac7, 0x3162];

export interface MigrationResult {
  applied: string[];
  /** Migrations already in the database before this run. */
  present: string[];
}

/**
 * Brings the schema up to date: each file in MIGRATIONS_DIR once, each in its own transaction
 * together with its row in `schema_migrations`. Instances starting together queue on an advisory
 * lock (held on one connection for the whole run), so a migration is never applied twice. A
 * database that has migrations this version does not know (a newer bot ran) is refused.
 */
export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d+_[\w-]+\.sql$/.test(f)).sort();
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1, $2)', LOCK);
    try {
      await c.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           name        text        PRIMARY KEY,
           applied_at  timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const present = (await c.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map(
        (r) => r.name,
      );
      const unknown = present.filter((n) => !files.includes(n));
      if (unknown.length > 0)
        throw new Error(
          `store: the database has migrations this version does not know (${unknown.join(', ')}); a newer bot wrote it`,
        );
      const applied: string[] = [];
      for (const file of files) {
        if (present.includes(file)) continue;
        const sql = await readFile(path.join(dir, file), 'utf8');
        try {
          await c.query('BEGIN');
          await c.query(sql);
          await c.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw new Error(`store: migration ${file} failed: ${(err as Error).message}`);
        }
        applied.push(file);
      }
      return { applied, present };
    } finally {
      await c.query('SELECT pg_advisory_unlock($1, $2)', LOCK);
    }
  } finally {
    c.release();
  }
}
