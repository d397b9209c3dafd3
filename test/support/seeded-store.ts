import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureSeeded } from '../../data/import/seed.ts';
import { LowStore } from '../../data/store.ts';

/** A store in a fresh temporary directory, holding the shipped Fujian 2020Q1 round. */
export async function openSeededStore(): Promise<{
  store: LowStore;
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-bot-'));
  const store = await LowStore.open(dir);
  await ensureSeeded(store, new Date('2020-04-14T09:00:00+08:00'));
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An empty store in a fresh temporary directory. */
export async function openEmptyStore(): Promise<{
  store: LowStore;
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-bot-'));
  const store = await LowStore.open(dir);
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
