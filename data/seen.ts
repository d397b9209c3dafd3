import path from 'node:path';
import { JournalFile } from './journal.ts';
import { INBOX_VERSION, inboxFileSchema } from './state.ts';

/** How long a delivered message id is remembered (platforms redeliver within minutes to hours). */
export const SEEN_TTL_MS = 48 * 3600_000;

/**
 * Inbound message ids already handled (redelivery dedupe). In memory a Map in marking order;
 * on disk a snapshot (inbox.json, `{version, seen: {id: ISO time}}`) plus a journal (inbox.log,
 * one `ISO time<TAB>id` line per mark). A mark appends one line, and every mark made while a
 * write is on disk joins the next single append + fsync (group commit), so a burst of messages
 * costs a few small appends. The old design rewrote the whole 48-hour file, fsynced, for every
 * message: each message cost more than the one before, and a burst queued up behind the disk.
 * The journal is folded into the snapshot when it has grown to twice the live ids, or when half of
 * them have expired.
 *
 * The check-and-set is synchronous, so two racing deliveries of one id cannot both count as new;
 * mark() resolves once the id is on disk, and forgets the id again if that write fails.
 */
export class SeenIds {
  private readonly seen = new Map<string, number>();
  private latest = 0;
  private expiredSinceSnapshot = 0;

  private constructor(
    private readonly file: JournalFile,
    private snapshotOnDisk: boolean,
  ) {}

  /** Disk writes so far: journal appends and snapshots (for tests and the bench). */
  get writes(): { appends: number; snapshots: number } {
    return { appends: this.file.writes.appends, snapshots: this.file.writes.folds };
  }

  static async open(dataDir: string, opts: { warn?: (message: string) => void } = {}): Promise<SeenIds> {
    const snapshotFile = path.join(dataDir, 'inbox.json');
    const { file, contents } = await JournalFile.open({
      snapshotFile,
      logFile: path.join(dataDir, 'inbox.log'),
      parseSnapshot: (text) => {
        const parsed = inboxFileSchema.safeParse(parseJsonOr(text, snapshotFile));
        if (!parsed.success) throw new Error(`store: ${snapshotFile} does not match the schema`);
        return parsed.data;
      },
      parseLine: (line) => {
        const tab = line.indexOf('\t');
        const at = tab > 0 ? Date.parse(line.slice(0, tab)) : Number.NaN;
        if (Number.isNaN(at) || tab === line.length - 1) throw new Error('应为“ISO时间<TAB>消息id”');
        return { key: line.slice(tab + 1), at };
      },
      ...(opts.warn ? { warn: opts.warn } : {}),
    });
    const ids = new SeenIds(file, contents.snapshot !== undefined);
    for (const [k, at] of Object.entries(contents.snapshot?.seen ?? {})) ids.remember(k, Date.parse(at));
    for (const { key, at } of contents.lines) ids.remember(key, at);
    return ids;
  }

  /** Every id remembered, with when it was marked (a copy to another store: npm run migrate). */
  entries(): Array<{ key: string; at: Date }> {
    return [...this.seen].map(([key, at]) => ({ key, at: new Date(at) }));
  }

  async mark(key: string, now: Date): Promise<boolean> {
    const { fresh, written } = this.markNow(key, now);
    await written;
    return fresh;
  }

  /**
   * mark() whose answer is known at once (the check-and-set is synchronous); `written` resolves
   * when the id is on disk, with the next group commit, and rejects (forgetting the id) if that
   * write fails. An id marked longer than `ttlMs` ago counts as new and is marked again.
   */
  markNow(key: string, now: Date, ttlMs = SEEN_TTL_MS): { fresh: boolean; written: Promise<void> } {
    const t = now.getTime();
    const at = this.seen.get(key);
    if (at !== undefined && at >= t - ttlMs) return { fresh: false, written: Promise.resolve() };
    this.remember(key, t);
    const written = this.write(`${now.toISOString()}\t${key}`).catch((err: unknown) => {
      if (this.seen.get(key) === t) this.seen.delete(key);
      throw err;
    });
    return { fresh: true, written };
  }

  private remember(key: string, t: number): void {
    this.seen.delete(key);
    this.seen.set(key, t);
    this.latest = Math.max(this.latest, t);
  }

  /**
   * One line into the journal (riding on the next group commit), or — when the journal has grown
   * to twice the live ids, or half of them expired, or there is no snapshot yet — a fold, whose
   * snapshot holds this id and every other one marked so far.
   */
  private write(line: string): Promise<void> {
    this.expire();
    const live = this.seen.size;
    if (
      !this.snapshotOnDisk ||
      this.file.lineCount > 2 * live + 1000 ||
      this.expiredSinceSnapshot > live / 2
    ) {
      this.snapshotOnDisk = true;
      this.expiredSinceSnapshot = 0;
      return this.file.fold(() => this.snapshotText());
    }
    return this.file.append([line]);
  }

  /** Ids are in marking order, so the expired ones are at the front. */
  private expire(): void {
    const cutoff = this.latest - SEEN_TTL_MS;
    for (const [k, at] of this.seen) {
      if (at >= cutoff) break;
      this.seen.delete(k);
      this.expiredSinceSnapshot += 1;
    }
  }

  /** Every live id, as inbox.json. */
  private snapshotText(): string {
    const seen: Record<string, string> = {};
    for (const [k, at] of this.seen) seen[k] = new Date(at).toISOString();
    return `${JSON.stringify({ version: INBOX_VERSION, seen })}\n`;
  }

  /** Finishes pending writes and closes the journal file (tests, shutdown). */
  close(): Promise<void> {
    return this.file.close();
  }
}

function parseJsonOr(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`store: ${file} is not valid JSON (${(err as Error).message})`);
  }
}
