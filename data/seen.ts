import { type FileHandle, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './json-file.ts';
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
  private pending: string[] = [];
  private next: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();
  private journalLines = 0;
  private expiredSinceSnapshot = 0;
  private journal: FileHandle | undefined;
  /** Disk writes so far: journal appends and snapshots (for tests and the bench). */
  readonly writes = { appends: 0, snapshots: 0 };

  private constructor(
    private readonly snapshotFile: string,
    private readonly journalFile: string,
    private snapshotOnDisk: boolean,
  ) {}

  static async open(dataDir: string): Promise<SeenIds> {
    const snapshotFile = path.join(dataDir, 'inbox.json');
    const journalFile = path.join(dataDir, 'inbox.log');
    const snapshot = await readOptional(snapshotFile);
    const ids = new SeenIds(snapshotFile, journalFile, snapshot !== undefined);
    if (snapshot !== undefined) {
      const parsed = inboxFileSchema.safeParse(JSON.parse(snapshot));
      if (!parsed.success) throw new Error(`store: ${snapshotFile} does not match the schema`);
      for (const [k, at] of Object.entries(parsed.data.seen)) ids.remember(k, Date.parse(at));
    }
    // A torn last line (a crash mid-append) has no tab or no valid time: skipped.
    for (const line of (await readOptional(journalFile))?.split('\n') ?? []) {
      const tab = line.indexOf('\t');
      const at = tab > 0 ? Date.parse(line.slice(0, tab)) : Number.NaN;
      if (Number.isNaN(at)) continue;
      ids.remember(line.slice(tab + 1), at);
      ids.journalLines += 1;
    }
    return ids;
  }

  async mark(key: string, now: Date): Promise<boolean> {
    const t = now.getTime();
    const at = this.seen.get(key);
    if (at !== undefined && at >= t - SEEN_TTL_MS) return false;
    this.remember(key, t);
    this.pending.push(`${now.toISOString()}\t${key}\n`);
    try {
      await this.flush();
    } catch (err) {
      if (this.seen.get(key) === t) this.seen.delete(key);
      throw err;
    }
    return true;
  }

  private remember(key: string, t: number): void {
    this.seen.delete(key);
    this.seen.set(key, t);
    this.latest = Math.max(this.latest, t);
  }

  /** The write this mark rides on: the one queued behind the write in progress, or a new one. */
  private flush(): Promise<void> {
    if (!this.next) {
      const run = this.last.then(() => {
        this.next = undefined;
        return this.write();
      });
      this.next = run;
      this.last = run.catch(() => undefined);
    }
    return this.next;
  }

  private async write(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    this.expire();
    const live = this.seen.size;
    if (!this.snapshotOnDisk || this.journalLines + lines.length > 2 * live + 1000 || this.expiredSinceSnapshot > live / 2) {
      await this.snapshot();
      return;
    }
    this.journal ??= await open(this.journalFile, 'a');
    await this.journal.write(lines.join(''));
    await this.journal.datasync();
    this.journalLines += lines.length;
    this.writes.appends += 1;
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

  /** Every live id into inbox.json, then an empty journal (a crash in between only repeats ids). */
  private async snapshot(): Promise<void> {
    const seen: Record<string, string> = {};
    for (const [k, at] of this.seen) seen[k] = new Date(at).toISOString();
    await writeFileAtomic(this.snapshotFile, `${JSON.stringify({ version: INBOX_VERSION, seen })}\n`);
    await this.journal?.close();
    this.journal = undefined;
    await writeFileAtomic(this.journalFile, '');
    this.snapshotOnDisk = true;
    this.journalLines = 0;
    this.expiredSinceSnapshot = 0;
    this.writes.snapshots += 1;
  }

  /** Closes the journal file (tests, shutdown). */
  async close(): Promise<void> {
    await this.last;
    await this.journal?.close();
    this.journal = undefined;
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
