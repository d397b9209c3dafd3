import path from 'node:path';
import { z } from 'zod';
import { Doc } from '../../data/doc.ts';
import type { PendingImport, PendingImportBook } from '../../handlers/services.ts';

/**
 * Chat imports previewed and waiting for /apply or /cancel (handlers/import.ts), in
 * $DATA_DIR/pending-imports.json (atomic writes), so a restart does not lose them. Lapsed ones
 * are dropped when the next is kept.
 */
export const PENDING_IMPORTS_VERSION = 1 as const;

const pendingFileSchema = z.object({
  name: z.string(),
  format: z.enum(['txt', 'docx', 'pdf', 'html', 'xlsx', 'csv']),
  title: z.string().optional(),
  published: z.string().optional(),
  kept: z.string().optional(),
});
const pendingSchema = z.object({
  text: z.string(),
  at: z.string(),
  drops: z.boolean(),
  roundKey: z.string(),
  file: pendingFileSchema.optional(),
});
const fileSchema = z.object({
  version: z.literal(PENDING_IMPORTS_VERSION),
  pending: z.record(z.string(), pendingSchema),
});

/** How long a kept import is worth keeping on disk at all (well past its 30 minutes). */
const KEEP_MS = 24 * 3600_000;

export async function openPendingImports(dataDir: string): Promise<PendingImportBook> {
  const doc = await Doc.open({
    file: path.join(dataDir, 'pending-imports.json'),
    schema: fileSchema,
    version: PENDING_IMPORTS_VERSION,
    initial: () => ({ version: PENDING_IMPORTS_VERSION, pending: {} }),
  });
  return {
    get: (key) => doc.data.pending[key],
    put: (key, pending: PendingImport) =>
      doc.update((d) => {
        const now = Date.parse(pending.at);
        for (const [k, p] of Object.entries(d.pending))
          if (now - Date.parse(p.at) > KEEP_MS) delete d.pending[k];
        d.pending[key] = pending;
      }),
    remove: (key) =>
      doc.update((d) => {
        delete d.pending[key];
      }),
  };
}
