import type pg from 'pg';
import {
  PENDING_KEEP_MS,
  type PendingImport,
  type PendingImportBook,
  type PendingKey,
  pendingImportSchema,
} from '../pending-imports.ts';
import { iso } from './connect.ts';

/**
 * Pending chat imports in PostgreSQL (004_pending_imports.sql). Every call reads or writes the
 * table itself (no copy in memory), so whichever instance answers /apply sees the preview another
 * instance kept. Rows are validated by the lowdb store's schema on the way in and out.
 */
export class PgPendingImports implements PendingImportBook {
  constructor(private readonly pool: pg.Pool) {}

  async get(key: PendingKey): Promise<PendingImport | undefined> {
    const r = await this.pool.query<{ data: unknown }>(
      'SELECT data FROM pending_imports WHERE platform = $1 AND chat = $2 AND user_id = $3',
      [key.platform, key.chat, key.user],
    );
    return r.rows[0] ? parse(r.rows[0].data, key) : undefined;
  }

  async inChat(platform: string, chat: string): Promise<Array<{ key: PendingKey; pending: PendingImport }>> {
    const r = await this.pool.query<{ user_id: string; data: unknown }>(
      'SELECT user_id, data FROM pending_imports WHERE platform = $1 AND chat = $2 ORDER BY at DESC',
      [platform, chat],
    );
    return r.rows.map((row) => {
      const key = { platform, chat, user: row.user_id };
      return { key, pending: parse(row.data, key) };
    });
  }

  async all(): Promise<Array<{ key: PendingKey; pending: PendingImport }>> {
    const r = await this.pool.query<{ platform: string; chat: string; user_id: string; data: unknown }>(
      'SELECT platform, chat, user_id, data FROM pending_imports ORDER BY at',
    );
    return r.rows.map((row) => {
      const key = { platform: row.platform, chat: row.chat, user: row.user_id };
      return { key, pending: parse(row.data, key) };
    });
  }

  async put(key: PendingKey, pending: PendingImport, now: Date): Promise<void> {
    const p = pendingImportSchema.parse(pending);
    await this.pool.query('DELETE FROM pending_imports WHERE expires_at < $1', [iso(now.getTime() - PENDING_KEEP_MS)]);
    await this.pool.query(
      `INSERT INTO pending_imports (platform, chat, user_id, at, expires_at, data) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (platform, chat, user_id)
       DO UPDATE SET at = EXCLUDED.at, expires_at = EXCLUDED.expires_at, data = EXCLUDED.data`,
      [key.platform, key.chat, key.user, p.at, p.expiresAt, JSON.stringify(p)],
    );
  }

  async remove(key: PendingKey): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM pending_imports WHERE platform = $1 AND chat = $2 AND user_id = $3', [
      key.platform,
      key.chat,
      key.user,
    ]);
    return r.rowCount === 1;
  }
}

function parse(data: unknown, key: PendingKey): PendingImport {
  const r = pendingImportSchema.safeParse(data);
  if (!r.success)
    throw new Error(`store: pending_imports ${key.platform}/${key.chat}/${key.user} does not match the schema: ${r.error.message}`);
  return r.data;
}
