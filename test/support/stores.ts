import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PgHub } from '../../data/pg/hub.ts';
import { PgStore } from '../../data/pg/store.ts';
import { ensureSeeded } from '../../data/import/seed.ts';
import { type InspectionStore, LowStore } from '../../data/store.ts';
import { freshSchema, withPostgres } from './postgres.ts';

/** One store, with a way to open it again (a restart) and to throw it all away. */
export interface OpenedStore {
  store: InspectionStore;
  /** The same data opened again, as after a restart (or by another instance, for PostgreSQL). */
  reopen(): Promise<InspectionStore>;
  cleanup(): Promise<void>;
}

export interface StoreKind {
  name: 'lowdb' | 'postgres';
  /** An empty store. */
  open(): Promise<OpenedStore>;
}

const lowdb: StoreKind = {
  name: 'lowdb',
  async open() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-bot-'));
    const opened: InspectionStore[] = [await LowStore.open(dir)];
    return {
      store: opened[0]!,
      reopen: async () => {
        const s = await LowStore.open(dir);
        opened.push(s);
        return s;
      },
      cleanup: async () => {
        for (const s of opened) await s.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: StoreKind = {
  name: 'postgres',
  async open() {
    const db = await freshSchema();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-bot-'));
    const opened: InspectionStore[] = [await PgStore.open({ pool: db.pool, dataDir: dir })];
    return {
      store: opened[0]!,
      reopen: async () => {
        const s = await PgStore.open({ pool: db.pool, dataDir: dir });
        opened.push(s);
        return s;
      },
      cleanup: async () => {
        for (const s of opened) await s.close();
        await db.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Every store the interface suite runs against: lowdb always, PostgreSQL when there is one. */
export const storeKinds: StoreKind[] = withPostgres ? [lowdb, postgres] : [lowdb];

/** The store holding the shipped Fujian 2020Q1 round. */
export async function seedStore(store: InspectionStore): Promise<InspectionStore> {
  await ensureSeeded(store, new Date('2020-04-14T09:00:00+08:00'));
  return store;
}

/** Two PostgreSQL instances on one schema, each listening for the other's writes. */
export async function twoPgInstances(): Promise<{
  a: PgStore;
  b: PgStore;
  cleanup: () => Promise<void>;
}> {
  const db = await freshSchema();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-bot-'));
  const hubs = [await PgHub.open({ url: db.url, schema: db.schema }), await PgHub.open({ url: db.url, schema: db.schema })];
  const a = await PgStore.open({ pool: db.pool, dataDir: dir, hub: hubs[0]! });
  const b = await PgStore.open({ pool: db.pool, dataDir: dir, hub: hubs[1]! });
  return {
    a,
    b,
    cleanup: async () => {
      await a.close();
      await b.close();
      for (const h of hubs) await h.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
