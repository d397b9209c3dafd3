import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * lowdb adapter that writes atomically and durably: the new text goes to a temporary file in the
 * same directory, is fsynced, then renamed over the old file, and the directory is fsynced. A crash
 * at any point leaves either the previous file or the new one on disk, never a torn one.
 * A missing file reads as null (lowdb's convention).
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new Error(`store: ${this.file} is not valid JSON (${(err as Error).message})`);
    }
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(data)}\n`);
  }
}

/** `mode` applies to the new file (e.g. 0o600 for a secret only its owner may read). */
export async function writeFileAtomic(file: string, text: string, mode = 0o666): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Whatever fails before the rename (open, a short write, fsync, the rename itself) must not
  // leave the temporary file behind; the target is untouched until the rename succeeds.
  try {
    const handle = await open(tmp, 'w', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
