import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_NOTICE } from '../sample.ts';
import type { InspectionStore } from '../store.ts';
import { parseNotice } from './notice.ts';

/** The shipped notice: Fujian 2020 Q1 (../shared/seed), the bot's default data (data/sample.ts). */
export const SEED_NOTICE = SAMPLE_NOTICE;

/**
 * Imports the shipped notice through the ordinary importer when the store holds no round, so
 * `npm start` answers on a fresh machine. Returns the round key when it imported, else undefined.
 */
export async function ensureSeeded(store: InspectionStore, now: Date): Promise<string | undefined> {
  if (!store.isEmpty()) return undefined;
  const text = await readFile(SEED_NOTICE, 'utf8');
  const plan = parseNotice({ text, file: path.basename(SEED_NOTICE) }, store.dataset(), now);
  await store.applyImport(plan.write, now);
  return plan.write.roundFile.round.key;
}
