import path from 'node:path';
import { type JournalContents, JournalFile, type JournalSpec } from '../../data/journal.ts';
import { type Entry, entrySchema, OUTBOX_VERSION, type OutboxFile, outboxFileSchema } from './schema.ts';

/**
 * The outbox on disk: a snapshot (outbox.json, written atomically) plus an append-only log of
 * the rows changed since (outbox.log, one JSON line per row, fsynced before a change counts).
 * A status change costs one short appended line instead of rewriting every message, so a queue
 * of thousands of messages stays cheap; the log is folded into the snapshot now and then.
 *
 * Replaying is idempotent (each line is the row's whole new state), so a crash between writing a
 * snapshot and emptying the log only replays lines already folded in. The files are kept by
 * data/journal.ts (the same engine as the seen ids): a bad line stops the start naming file and
 * line; only a torn last line (a crash mid-append, never acknowledged) is dropped, with a warning.
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
  private queue: Promise<unknown> = Promise.resolve();
  /** Row position by key; rows are never removed, so positions hold. */
  private readonly index = new Map<string, number>();

  private constructor(
    private readonly file: JournalFile | undefined,
    readonly state: OutboxFile,
  ) {
    for (const [i, e] of state.entries.entries()) this.index.set(e.key, i);
  }

  get snapshotFile(): string {
    return snapshotFile(this.dir);
  }
  get logFile(): string {
    return logFile(this.dir);
  }
  private get dir(): string {
    if (!this.file) throw new Error('outbox: a peeked journal has no files to write');
    return path.dirname(this.file.snapshotFile);
  }

  /** Opens the outbox for writing; a log left from the last run is folded into the snapshot. */
  static async open(dir: string, opts: { warn?: (message: string) => void } = {}): Promise<Journal> {
    const { file, contents } = await JournalFile.open(spec(dir, opts.warn));
    const journal = Journal.replay(file, contents);
    if (contents.lines.length > 0) await journal.fold();
    return journal;
  }

  /**
   * The state as of now, read without writing anything (no fold), or undefined when there is
   * no outbox in `dir`. For a look from another process while the bot runs: the bot only
   * appends whole lines and replaces the snapshot atomically, so this sees a state it had, at
   * most a moment old. Never write through what this returns.
   */
  static async peek(dir: string): Promise<OutboxFile | undefined> {
    const contents = await JournalFile.peek(spec(dir));
    return contents.found ? Journal.replay(undefined, contents).state : undefined;
  }

  private static replay(file: JournalFile | undefined, contents: JournalContents<OutboxFile, Row>): Journal {
    const state = contents.snapshot ?? { version: OUTBOX_VERSION, nextSeq: 0, entries: [] };
    const journal = new Journal(file, state);
    for (const row of contents.lines) journal.apply(row);
    return journal;
  }

  /** Appends rows (one write, one fsync), then applies them to `state`. Invalid rows never reach disk. */
  async append(rows: Row[]): Promise<void> {
    for (const row of rows) entrySchema.parse({ ...row.entry, ...(row.reply ? { reply: row.reply } : {}) });
    await this.writer().append(rows.map((r) => JSON.stringify(r)));
    for (const row of rows) this.apply(row);
    if (this.writer().lineCount >= FOLD_AFTER_LINES) await this.fold();
  }

  /** Writes the whole state as the snapshot, then empties the log. */
  fold(): Promise<void> {
    return this.writer().fold(() => `${JSON.stringify(this.state)}\n`);
  }

  /** Waits for pending writes and closes the log file. */
  close(): Promise<void> {
    return this.file?.close() ?? Promise.resolve();
  }

  private writer(): JournalFile {
    if (!this.file) throw new Error('outbox: a peeked journal is read-only');
    return this.file;
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

const snapshotFile = (dir: string) => path.join(dir, 'outbox.json');
const logFile = (dir: string) => path.join(dir, 'outbox.log');

function spec(dir: string, warn?: (message: string) => void): JournalSpec<OutboxFile, Row> {
  return {
    snapshotFile: snapshotFile(dir),
    logFile: logFile(dir),
    parseSnapshot: (text) => parseSnapshot(text, snapshotFile(dir)),
    parseLine,
    ...(warn ? { warn } : {}),
  };
}

/** One log line: a row whose entry (with its text, when it carries one) matches the schema. */
function parseLine(text: string): Row {
  const row = JSON.parse(text) as Row;
  if (typeof row !== 'object' || row === null || typeof row.entry !== 'object')
    throw new Error('not an outbox row');
  const parsed = entrySchema.safeParse({ ...row.entry, ...(row.reply ? { reply: row.reply } : {}) });
  if (!parsed.success)
    throw new Error(
      `not an outbox row: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
    );
  return row;
}

function parseSnapshot(text: string, file: string): OutboxFile {
  let raw: { version?: unknown };
  try {
    raw = JSON.parse(text) as { version?: unknown };
  } catch (err) {
    throw new Error(`outbox: ${file} is not valid JSON (${(err as Error).message})`);
  }
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

/** A row for the log: the text only when new or changed. */
export function toRow(next: Entry, previous?: Entry): Row {
  const { reply, ...entry } = next;
  if (!previous) return reply ? { entry, reply } : { entry };
  if (previous.reply && !reply) return { entry, dropReply: true };
  return { entry };
}
