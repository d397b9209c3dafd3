import {
  migrateLegacyPending,
  type PendingImportBook,
} from '../../data/pending-imports.ts';
import type { InspectionStore } from '../../data/store.ts';
import { IMPORT_PENDING_MINUTES } from '../../handlers/import.ts';

/**
 * Chat imports previewed and waiting for /apply or /cancel (handlers/import.ts) live in the store
 * (data/pending-imports.ts: lowdb's chat-imports.json, PostgreSQL's pending_imports), so a
 * restart loses none and, with several instances, /apply works on whichever answers. At the
 * bot's start a `$DATA_DIR/pending-imports.json` left by an earlier version is moved in once.
 */
export async function openPendingImports(
  store: Pick<InspectionStore, 'dataDir' | 'pendingImports'>,
  now: Date,
  log?: { info(details: object, message: string): void },
): Promise<PendingImportBook> {
  const moved = await migrateLegacyPending(store.dataDir, store.pendingImports, now, IMPORT_PENDING_MINUTES * 60_000);
  if (moved > 0) log?.info({ moved }, 'pending chat imports moved from pending-imports.json into the store');
  return store.pendingImports;
}
