import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_NOTICE } from '../sample.ts';
import type { InspectionStore } from '../store.ts';
import { parseNotice } from './notice.ts';
import { ImportService } from './service.ts';

/** The shipped notice: Fujian 2020 Q1 (../shared/seed), the bot's default data (data/sample.ts). */
export const SEED_NOTICE = SAMPLE_NOTICE;

/**
 * Imports the shipped notice through the ordinary door (parseNotice → the builder →
 * ImportService.apply) when the store holds no round, so `npm start` answers on a fresh machine.
 * Pass the bot's ImportService so its listeners (alerts, reminders) hear of it; without one the
 * round is written with no listener. Returns the round key when it imported, else undefined.
 */
export async function ensureSeeded(
  store: InspectionStore,
  now: Date,
  imports: ImportService = new ImportService(store, { error: () => undefined }),
): Promise<string | undefined> {
  if (!store.isEmpty()) return undefined;
  const text = await readFile(SEED_NOTICE, 'utf8');
  const plan = parseNotice({ text, file: path.basename(SEED_NOTICE) }, store.dataset(), now);
  const outcome = await imports.apply(plan.write, now);
  return outcome.roundKey;
}
