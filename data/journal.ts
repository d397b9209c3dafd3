import { type FileHandle, open, readFile, truncate } from 'node:fs/promises';
import { writeFileAtomic } from './json-file.ts';
import { storeText as tx } from './store-text.ts';

/**
 * A snapshot plus an append-only log of what changed since: the one persistence engine behind
 * the outbox (outbox.json + outbox.log) and the seen message ids (inbox.json + inbox.log).
 *
 * - `append(lines)` writes whole lines and resolves once they are fsynced. Appends made while a
 *   write is on disk ride together in the next single write + fsync (group commit).
 * - `fold(text)` writes a new snapshot atomically and then empties the log, in turn with the
 *   appends (text is produced when the fold runs, so it holds every change appended before it).
 * - `JournalFile.open` reads both back, strictly: a line that does not parse anywhere but at the
 *   very end stops the start with an error naming the file and line (skipping it would silently
 *   lose every change after it, or resend what was already sent). Only an unterminated last line
 *   — an append the crash cut short, never acknowledged because its fsync never returned — is
 *   dropped, reported through `warn`, and cut off the file so the next append starts clean.
 */
export interface JournalSpec<S, L> {
  snapshotFile: string;
  logFile: string;
  /** Parses the snapshot's text; throws (naming the file) when it is not one. */
  parseSnapshot: (text: string) => S;
  /** Parses one log line; throws when it is not one (the message joins the error). */
  parseLine: (text: string) => L;
  /** Told about a dropped torn last line. */
  warn?: (message: string) => void;
}

export interface JournalContents<S, L> {
  snapshot: S | undefined;
  lines: L[];
  /** Either file exists. */
  found: boolean;
}

export class JournalError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    cause: string,
  ) {
    super(tx.badJournalLine(file, line, cause));
    this.name = 'JournalError';
  }
}

type Op = { kind: 'append'; text: string } | { kind: 'fold'; text: () => string };

export class JournalFile {
  private handle: FileHandle | undefined;
  private pending: string[] = [];
  /** The append the next marks join: queued behind the write in progress. */
  private nextAppend: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();
  /** Lines in the log now (appended since the last fold, plus those replayed at open). */
  lineCount = 0;
  /** Disk writes so far (tests and benches). */
  readonly writes = { appends: 0, folds: 0 };

  private constructor(
    readonly snapshotFile: string,
    readonly logFile: string,
  ) {}

  /** Reads snapshot and log for the process that will write them (a torn tail is cut off). */
  static async open<S, L>(
    spec: JournalSpec<S, L>,
  ): Promise<{ file: JournalFile; contents: JournalContents<S, L> }> {
    const contents = await read(spec, true);
    const file = new JournalFile(spec.snapshotFile, spec.logFile);
    file.lineCount = contents.lines.length;
    return { file, contents };
  }

  /**
   * Reads snapshot and log without writing anything, for a look from another process while the
   * writer runs: the writer appends whole lines and replaces the snapshot atomically, so an
   * unterminated tail here is an append in progress, not an error.
   */
  static peek<S, L>(spec: JournalSpec<S, L>): Promise<JournalContents<S, L>> {
    return read(spec, false);
  }

  /** Appends whole lines (each without its newline); resolves once they are on disk. */
  append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    for (const line of lines)
      if (line.includes('\n')) throw new Error(`journal: ${this.logFile}: a line holds a newline`);
    this.pending.push(...lines.map((l) => `${l}\n`));
    if (!this.nextAppend) {
      this.nextAppend = this.enqueue(async () => {
        this.nextAppend = undefined;
        const text = this.pending.join('');
        const count = this.pending.length;
        this.pending = [];
        await this.run({ kind: 'append', text });
        this.lineCount += count;
      });
    }
    return this.nextAppend;
  }

  /** Writes the snapshot `text()` returns when its turn comes, then empties the log. */
  fold(text: () => string): Promise<void> {
    return this.enqueue(() => this.run({ kind: 'fold', text }));
  }

  /** Waits for every write queued so far and closes the log. */
  async close(): Promise<void> {
    await this.last;
    await this.handle?.close();
    this.handle = undefined;
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const run = this.last.then(fn);
    this.last = run.catch(() => undefined);
    return run;
  }

  private async run(op: Op): Promise<void> {
    if (op.kind === 'append') {
      this.handle ??= await open(this.logFile, 'a');
      await this.handle.write(op.text);
      await this.handle.datasync();
      this.writes.appends += 1;
      return;
    }
    await writeFileAtomic(this.snapshotFile, op.text());
    // A crash between the two writes leaves lines already folded in: replaying them is harmless
    // (both engines' lines are idempotent), so the snapshot goes first.
    await this.handle?.close();
    this.handle = undefined;
    await writeFileAtomic(this.logFile, '');
    this.lineCount = 0;
    this.writes.folds += 1;
  }
}

async function read<S, L>(spec: JournalSpec<S, L>, writer: boolean): Promise<JournalContents<S, L>> {
  const snapshotBytes = await readOptional(spec.snapshotFile);
  const snapshotText = snapshotBytes?.toString('utf8');
  const snapshot = snapshotText === undefined ? undefined : spec.parseSnapshot(snapshotText);
  const log = await readOptional(spec.logFile);
  const lines: L[] = [];
  if (log) {
    // Bytes, not text: the torn tail may end inside a multi-byte character, and the cut below is
    // a byte offset.
    const end = log.lastIndexOf(0x0a) + 1;
    const parts = log.subarray(0, end).toString('utf8').split('\n');
    parts.pop(); // after the last newline
    for (const [i, text] of parts.entries()) {
      try {
        lines.push(spec.parseLine(text));
      } catch (err) {
        throw new JournalError(spec.logFile, i + 1, (err as Error).message);
      }
    }
    if (end < log.length && writer) {
      (spec.warn ?? console.warn)(tx.tornJournalLine(spec.logFile, parts.length + 1, log.length - end));
      await truncate(spec.logFile, end);
    }
  }
  return { snapshot, lines, found: snapshotText !== undefined || log !== undefined };
}

async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
