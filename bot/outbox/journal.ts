import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../data/json-file.ts';
import { type Entry, entrySchema, OUTBOX_VERSION, type OutboxFile, outboxFileSchema } from './schema.ts';

/**
 * The outbox on disk: a snapshot (outbox.json, written atomically) plus an append-only log of
 * the rows changed since (outbox.log, one JSON line per row, fsynced before a change counts).
 * A status change costs one short appended line instead of rewriting every message, so a queue
 * of thousands of messages stays cheap; the log is folded into the snapshot now and then.
 *
 * Replaying is idempotent (each line is the row's whole new state), so a crash between writing a
 * snapshot and emptying the log only replays lines already folded in. A torn last line (a crash
 * mid-append, never acknowledged) is ignored.
 */
export interface Row {
  /** The row without its text; `reply` travels only when it changes. */
  entry: Omit<Entry, 'reply'>;
  reply?: Entry['reply'];
  /** The text was dropped (sent long ago). */
  dropReply?: true;
}

const FOLD_AFTER_LINES = 5_000;

export class Journal {
  private lines = 0;
  private found = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Row position by key; rows are never removed, so positions hold. */
  private readonly index = new Map<string, number>();

  private constructor(
    private readonly dir: string,
    readonly state: OutboxFile,
  ) {
    for (const [i, e] of state.entries.entries()) this.index.set(e.key, i);
  }

  get snapshotFile(): string {
    return path.join(this.dir, 'outbox.json');
  }
  get logFile(): string {
    return path.join(this.dir, 'outbox.log');
  }

  static async open(dir: string): Promise<Journal> {
    const journal = await Journal.load(dir);
    if (journal.lines > 0) await journal.fold();
    return journal;
  }

  /**
   * The state as of now, read without writing anything (no fold), or undefined when there is
   * no outbox in `dir`. For a look from another process while the bot runs: the bot only
   * appends whole lines and replaces the snapshot atomically, so this sees a state it had, at
   * most a moment old. Never write through what this returns.
   */
  static async peek(dir: string): Promise<OutboxFile | undefined> {
    const journal = await Journal.load(dir);
    return journal.found ? journal.state : undefined;
  }

  /** Snapshot plus replayed log; `found` when either file exists. */
  private static async load(dir: string): Promise<Journal> {
    const snapshot = await readText(path.join(dir, 'outbox.json'));
    const state: OutboxFile = snapshot
      ? parseSnapshot(snapshot, path.join(dir, 'outbox.json'))
      : { version: OUTBOX_VERSION, nextSeq: 0, entries: [] };
    const journal = new Journal(dir, state);
    const log = await readText(journal.logFile);
    journal.found = snapshot !== undefined || log !== undefined;
    for (const line of (log ?? '').split('\n')) {
      if (!line.trim()) continue;
      let row: Row;
      try {
        row = JSON.parse(line) as Row;
      } catch {
        break; // a torn last line: its append never completed, so nobody was told it did
      }
      journal.apply(row);
      journal.lines++;
    }
    return journal;
  }

  /** Appends rows (one write, one fsync), then applies them to `state`. Invalid rows never reach disk. */
  async append(rows: Row[]): Promise<void> {
    for (const row of rows) entrySchema.parse({ ...row.entry, ...(row.reply ? { reply: row.reply } : {}) });
    const text = rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    const handle = await open(this.logFile, 'a');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    for (const row of rows) this.apply(row);
    this.lines += rows.length;
    if (this.lines >= FOLD_AFTER_LINES) await this.fold();
  }

  /** Writes the whole state as the snapshot, then empties the log. */
  async fold(): Promise<void> {
    await writeFileAtomic(this.snapshotFile, `${JSON.stringify(this.state)}\n`);
    await rm(this.logFile, { force: true });
    this.lines = 0;
  }

  /**
   * Runs `fn` after every earlier change (changes are serialized), appends the rows it returns,
   * and resolves with its result.
   */
  commit<R>(fn: () => { rows: Row[]; result: R }): Promise<R> {
    const run = this.queue.then(async () => {
      const { rows, result } = fn();
      if (rows.length > 0) await this.append(rows);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Changes one row: `fn` edits a copy, which is written, then becomes the row. */
  change(key: string, fn: (draft: Entry) => void): Promise<Entry> {
    return this.commit(() => {
      const current = this.get(key);
      if (!current) throw new Error(`outbox: no message with key ${key}`);
      const draft = { ...current };
      fn(draft);
      return { rows: [toRow(draft, current)], result: { ...draft } };
    });
  }

  /** Changes every row `select` picks; resolves with how many. */
  changeAll(select: (e: Entry) => boolean, fn: (draft: Entry) => void): Promise<number> {
    return this.commit(() => {
      const rows = this.state.entries.filter(select).map((current) => {
        const draft = { ...current };
        fn(draft);
        return toRow(draft, current);
      });
      return { rows, result: rows.length };
    });
  }

  /** The current row for a key. */
  get(key: string): Entry | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.state.entries[at];
  }

  private apply(row: Row): void {
    const entry = entrySchema.parse({ ...row.entry, ...(row.reply ? { reply: row.reply } : {}) });
    const at = this.index.get(entry.key);
    if (at === undefined) {
      this.index.set(entry.key, this.state.entries.length);
      this.state.entries.push(entry);
      this.state.nextSeq = Math.max(this.state.nextSeq, entry.seq + 1);
      return;
    }
    const previous = this.state.entries[at]!;
    if (!row.reply && !row.dropReply && previous.reply) entry.reply = previous.reply;
    this.state.entries[at] = entry;
  }
}

function parseSnapshot(text: string, file: string): OutboxFile {
  const raw = JSON.parse(text) as { version?: unknown };
  if (typeof raw.version === 'number' && raw.version > OUTBOX_VERSION) {
    throw new Error(
      `outbox: ${file} has version ${raw.version}, newer than this bot understands (${OUTBOX_VERSION})`,
    );
  }
  const parsed = outboxFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`outbox: ${file} does not match the schema: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A row for the log: the text only when new or changed. */
export function toRow(next: Entry, previous?: Entry): Row {
  const { reply, ...entry } = next;
  if (!previous) return reply ? { entry, reply } : { entry };
  if (previous.reply && !reply) return { entry, dropReply: true };
  return { entry };
}
