import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { storeText as tx } from './store-text.ts';

/**
 * The one-writer lock of a data directory: `$DATA_DIR/writer.lock`, a small JSON file naming the
 * process that writes the directory (the running bot, or a CLI when no bot runs). Every document
 * in the directory is cached in memory and rewritten whole by its writer, so a second writing
 * process would silently undo the first one's writes; the lock makes that impossible.
 *
 * - Taken atomically: the holder's record is written to a temporary file and hard-linked to the
 *   lock's name, which fails when the name exists — so the lock is never seen half-written.
 * - A stale lock (its process is gone: a crash, a kill -9, a reboot, or a pid reused by another
 *   process) is detected on the same host and taken over. Two processes taking over at once are
 *   ordered by a short-lived `writer.lock.takeover` file.
 * - A lock held by a live process, or by a process on another host (a shared volume; its pid
 *   cannot be checked from here), is refused with a message naming the holder.
 */
export interface LockHolder {
  role: 'bot' | 'cli';
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  startedAt: string;
  /** What the holder runs (`npm run import`), for the refusal message. */
  command?: string;
  /** The holder's start time in clock ticks since boot (/proc/<pid>/stat), to tell a reused pid. */
  procStart?: string;
}

export class LockHeldError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {
    super(tx.lockHeld(file, tx.lockHolder(holder)));
    this.name = 'LockHeldError';
  }
}

export const LOCK_FILE = 'writer.lock';
/** A takeover guard older than this was left by a process that died while taking over. */
const TAKEOVER_STALE_MS = 10_000;
/** Locks this process holds or is linking right now, as `file|startedAt` (see isAlive). */
const heldHere = new Set<string>();
const heldKey = (file: string, startedAt: string) => `${file}|${startedAt}`;

export class DataLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {}

  static fileOf(dataDir: string): string {
    return path.join(dataDir, LOCK_FILE);
  }

  /** Takes the lock of `dataDir` for this process, or throws LockHeldError naming the holder. */
  static async acquire(
    dataDir: string,
    who: { role: LockHolder['role']; command?: string },
    now = new Date(),
  ): Promise<DataLock> {
    await mkdir(dataDir, { recursive: true });
    const file = DataLock.fileOf(dataDir);
    const procStart = procStartOf(process.pid);
    const holder: LockHolder = {
      role: who.role,
      pid: process.pid,
      host: os.hostname(),
      startedAt: now.toISOString(),
      ...(who.command ? { command: who.command } : {}),
      ...(procStart ? { procStart } : {}),
    };
    const text = `${JSON.stringify(holder)}\n`;
    for (let attempt = 0; attempt < 50; attempt++) {
      // Marked as held before the link: between the link and the next line another acquirer in
      // this process could read the new lock and, finding it unmarked, call it stale.
      const mark = heldKey(file, holder.startedAt);
      heldHere.add(mark);
      if (await linkNew(file, text)) return new DataLock(file, holder);
      heldHere.delete(mark);
      const current = await readHolder(file);
      if (current === undefined) continue; // released in between: try again
      if (isAlive(current.holder, file)) throw new LockHeldError(file, current.holder);
      await takeOver(file, current.text);
    }
    // Only a pathological race gets here (the lock changing hands 50 times in a row).
    const last = await readHolder(file);
    if (last) throw new LockHeldError(file, last.holder);
    throw new Error(`lock: could not take ${file}`);
  }

  /** Who holds the lock of `dataDir`, and whether that process is alive; undefined when nobody. */
  static async holder(dataDir: string): Promise<{ holder: LockHolder; alive: boolean } | undefined> {
    const file = DataLock.fileOf(dataDir);
    const current = await readHolder(file);
    return current && { holder: current.holder, alive: isAlive(current.holder, file) };
  }

  /** Gives the lock up (only if it is still this process's: a takeover may have happened). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    heldHere.delete(heldKey(this.file, this.holder.startedAt));
    const current = await readHolder(this.file);
    if (
      current &&
      current.holder.pid === this.holder.pid &&
      current.holder.startedAt === this.holder.startedAt
    )
      await rm(this.file, { force: true });
  }
}

/** True when this process created the lock file with `text`; false when it already existed. */
async function linkNew(file: string, text: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, file);
    await syncDir(path.dirname(file));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readHolder(file: string): Promise<{ holder: LockHolder; text: string } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (
      typeof holder.pid !== 'number' ||
      typeof holder.host !== 'string' ||
      typeof holder.startedAt !== 'string'
    )
      throw new Error('not a lock');
    return { holder, text };
  } catch {
    // Lock files are linked whole, never written in place: an unreadable one was damaged by hand
    // or by the disk, and guessing would risk two writers.
    throw new Error(tx.badLockFile(file));
  }
}

/**
 * Whether the holder still runs. On another host it cannot be checked, so it counts as alive.
 * Here: the pid must exist (EPERM means it exists under another user) and, where /proc tells,
 * have the same start time — a pid reused after a crash (a container restarting its bot as the
 * same pid, or this very process) is a different process.
 */
function isAlive(holder: LockHolder, file: string): boolean {
  if (holder.host !== os.hostname()) return true;
  // This process: alive only if it holds that very lock now (two bots started in one process, as
  // tests do); otherwise an earlier process that had the same pid.
  if (holder.pid === process.pid) return heldHere.has(heldKey(file, holder.startedAt));
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.procStart === undefined) return true;
  const now = procStartOf(holder.pid);
  return now === undefined || now === holder.procStart;
}

/** Removes the stale lock whose text was `staleText`, unless someone else got there first. */
async function takeOver(file: string, staleText: string): Promise<void> {
  const guard = `${file}.takeover`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = await stat(guard).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > TAKEOVER_STALE_MS) await rm(guard, { force: true });
    else await new Promise((r) => setTimeout(r, 20));
    return;
  }
  try {
    await handle.close();
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === staleText) await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/** Field 22 of /proc/<pid>/stat (start time after boot), or undefined where there is no /proc. */
function procStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
