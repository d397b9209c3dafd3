import { hostname } from 'node:os';
import type pg from 'pg';
import { openPool } from './pg/connect.ts';
import { PgHub } from './pg/hub.ts';
import { PgStore } from './pg/store.ts';
import { type InspectionStore, LowStore } from './store.ts';

/** Which store (README "Configuration"): lowdb files in DATA_DIR, or PostgreSQL at DATABASE_URL. */
export interface StoreSettings {
  STORE: 'lowdb' | 'postgres';
  DATABASE_URL?: string | undefined;
  /** The schema holding the bot's tables (default: the connection's, normally `public`). */
  DATABASE_SCHEMA?: string | undefined;
  dataDir: string;
  /** Names this process in the database (leases, job slots, pg_stat_activity). */
  instanceId?: string;
  /** The deployment's own region (bot/config.ts): a bare /rate answers it. */
  HOME_REGION?: string | undefined;
}

export interface OpenOptions {
  /**
   * A one-shot command (npm run import/ask/jobs): no listener, and the pool lets the process
   * exit once idle, so the command ends without an explicit close.
   */
  oneShot?: boolean;
  /** lowdb: open without writing anything (a process that only looks). */
  readOnly?: boolean;
  /** Hears of a torn journal line dropped at start (lowdb). */
  warn?: (message: string) => void;
  /** Hears of regions learned before the gazetteer moved onto its units at start (lowdb). */
  note?: (message: string) => void;
}

/** The PostgreSQL side of an open store, for the delivery layer (outbox, tasks, leader locks). */
export interface PgConnection {
  url: string;
  schema: string | undefined;
  pool: pg.Pool;
  /** Undefined for a one-shot command. */
  hub: PgHub | undefined;
  instanceId: string;
}

export interface OpenStore {
  store: InspectionStore;
  pg?: PgConnection;
  /** Closes the store, then the connections. */
  close(): Promise<void>;
}

/**
 * Opens the configured store. PostgreSQL: a pool, the migrations (data/pg/migrations, applied
 * once under an advisory lock), and a listener that reloads when another instance writes.
 */
export async function openStore(s: StoreSettings, o: OpenOptions = {}): Promise<OpenStore> {
  if (s.STORE === 'lowdb') {
    const store = await LowStore.open(s.dataDir, {
      ...(o.readOnly ? { readOnly: true } : {}),
      ...(o.warn ? { warn: o.warn } : {}),
      ...(o.note ? { note: o.note } : {}),
      ...(s.HOME_REGION ? { home: s.HOME_REGION } : {}),
    });
    return { store, close: () => store.close() };
  }
  if (!s.DATABASE_URL) throw new Error('store: STORE=postgres needs DATABASE_URL');
  const instanceId = s.instanceId ?? `${hostname()}:${process.pid}`;
  const options = { url: s.DATABASE_URL, schema: s.DATABASE_SCHEMA, applicationName: `inspection-bot ${instanceId}` };
  const pool = await openPool({ ...options, max: 10, allowExitOnIdle: o.oneShot === true });
  let hub: PgHub | undefined;
  try {
    if (!o.oneShot) hub = await PgHub.open(options);
    const opened = hub;
    const store = await PgStore.open({
      pool,
      dataDir: s.dataDir,
      ...(opened ? { hub: opened } : {}),
      ...(s.HOME_REGION ? { home: s.HOME_REGION } : {}),
    });
    return {
      store,
      pg: { url: s.DATABASE_URL, schema: s.DATABASE_SCHEMA, pool, hub: opened, instanceId },
      async close() {
        await store.close();
        await opened?.close();
        await pool.end();
      },
    };
  } catch (err) {
    await hub?.close();
    await pool.end();
    throw err;
  }
}
