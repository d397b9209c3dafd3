import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The audit trail (issue 13): every write — an import by any door, /sub, /unsub, /done,
 * /deadline set, /retry, the API — recorded append-only: who (platform and user id), where (the
 * group), when, and what changed. Entries are never edited or removed.
 */
export const auditEntrySchema = z.object({
  at: z.string(),
  /** Who: `wecom`, `dingtalk`, `cli` (the server's shell), `api` (the inspection system's token). */
  platform: z.string(),
  userId: z.string().optional(),
  name: z.string().optional(),
  /** The declared group the change was made in, if any. */
  group: z.string().optional(),
  /** round.imported, subscription.added, task.closed, deadline.set, outbox.retried … */
  action: z.string(),
  /** What changed, in a few fields (names and keys, never message bodies). */
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `$DATA_DIR/audit.log`: one JSON line per entry, each appended and fsynced before the call resolves. */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  constructor(private readonly file: string) {}

  static in(dataDir: string): AuditLog {
    return new AuditLog(path.join(dataDir, 'audit.log'));
  }

  append(entry: AuditEntry): Promise<void> {
    const line = `${JSON.stringify(auditEntrySchema.parse(entry))}\n`;
    const run = this.tail.then(async () => {
      const fh = await open(this.file, 'a', 0o640);
      try {
        await fh.write(line);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** The last `limit` entries, newest first; a torn last line (a crash mid-append) is skipped. */
  async recent(limit: number): Promise<AuditEntry[]> {
    await this.tail;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: AuditEntry[] = [];
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
      const line = lines[i];
      if (!line) continue;
      try {
        out.push(auditEntrySchema.parse(JSON.parse(line)));
      } catch {
        // a line cut off by a crash: skipped, never repaired in place (append-only)
      }
    }
    return out;
  }
}
