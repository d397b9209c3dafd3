import { existsSync } from 'node:fs';
import path from 'node:path';
import { ImportService } from '../bot/imports.ts';
import { silentLogger } from '../bot/logger.ts';
import { planSheets } from '../data/import/sheet/index.ts';
import { LowStore } from '../data/store.ts';
import { generateNational } from './generate.ts';
import { outDir } from './lib.ts';

/**
 * The national store the benches share (bench/out/national-store): the synthetic national data set
 * (bench/national.ts) imported through the spreadsheet importer, built once and reused.
 */
export const nationalStoreDir = path.join(outDir, 'national-store');

export async function ensureNationalStore(dir = nationalStoreDir): Promise<void> {
  if (existsSync(path.join(dir, 'register.json'))) return;
  const files = await generateNational(1);
  const store = await LowStore.open(dir);
  const imports = new ImportService(store, silentLogger);
  const now = new Date();
  await store.applyRegister((await planSheets([files.register], store.dataset(), { now })).register!);
  for (const f of files.rounds) await imports.apply((await planSheets([f], store.dataset(), { now })).round!.write, now);
  await store.close();
}
