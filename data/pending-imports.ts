import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Doc } from './doc.ts';

/**
 * Chat imports previewed and waiting for /apply or /cancel (handlers/import.ts), kept in the store
 * so that a restart loses none and, on PostgreSQL, a preview on one instance is applied on
 * another. One per (platform, chat, user): the admin who saw a preview is the one who confirms
 * it, and two admins previewing in the same group at once do not overwrite each other. The
 * lowdb store keeps them in `$DATA_DIR/chat-imports.json`, PostgreSQL in `pending_imports`
 * (data/pg/migrations/004_pending_imports.sql); both behind PendingImportBook.
 */
export const pendingImportSchema = z.object({
  /** The notice's text as pasted or read from a file; /apply reads it again against the data as it then stands. */
  text: z.string(),
  /** When it was previewed (ISO). */
  at: z.string(),
  /** When it lapses (ISO): `at` plus the chat's confirmation window, from the caller's clock. */
  expiresAt: z.string(),
  /** Replacing the stored round would drop failures or regions: /apply needs `replace`. */
  drops: z.boolean(),
  /** The round it previewed, for the answers. */
  roundKey: z.string(),
  /** The sender's name as the chat shows it (another admin's /apply names whose preview is waiting). */
  by: z.string().optional(),
  /**
   * A file message it came from: its name, and (a spreadsheet) its bytes in base64; how a notice's
   * text was read (`format`) and what the file said of it (`title`, `published`), for /apply's read.
   */
  file: z
    .object({
      name: z.string(),
      base64: z.string().optional(),
      format: z.enum(['txt', 'docx', 'pdf', 'html', 'xlsx', 'csv']).optional(),
      title: z.string().optional(),
      published: z.string().optional(),
    })
    .optional(),
});
export type PendingImport = z.infer<typeof pendingImportSchema>;

/** Whose pending import: the platform, the chat (declared group or the platform's chat id) and the sender's id. */
export interface PendingKey {
  platform: string;
  chat: string;
  user: string;
}

/** Pending chat imports in the store (lowdb or PostgreSQL). */
export interface PendingImportBook {
  /** The sender's pending import in this chat, lapsed or not (the caller says which, by its clock). */
  get(key: PendingKey): Promise<PendingImport | undefined>;
  /** Every pending import in one chat, newest first (lapsed ones included). */
  inChat(platform: string, chat: string): Promise<Array<{ key: PendingKey; pending: PendingImport }>>;
  /**
   * Keeps `pending` under `key`, replacing the sender's earlier one; drops those that lapsed more
   * than PENDING_KEEP_MS before `now` (kept that long so /apply can say "lapsed", not "nothing").
   */
  put(key: PendingKey, pending: PendingImport, now: Date): Promise<void>;
  /** Drops it; false when there was none. */
  remove(key: PendingKey): Promise<boolean>;
  /** Every one kept, oldest first (npm run migrate copies them). */
  all(): Promise<Array<{ key: PendingKey; pending: PendingImport }>>;
}

/** How long a lapsed import is kept after its expiry before it is dropped for good. */
export const PENDING_KEEP_MS = 24 * 3600_000;

export const CHAT_IMPORTS_FILE = 'chat-imports.json';
export const CHAT_IMPORTS_VERSION = 1 as const;

const entrySchema = z.object({
  platform: z.string(),
  chat: z.string(),
  user: z.string(),
  pending: pendingImportSchema,
});
const fileSchema = z.object({
  version: z.literal(CHAT_IMPORTS_VERSION),
  pending: z.array(entrySchema),
});

function same(a: PendingKey, b: PendingKey): boolean {
  return a.platform === b.platform && a.chat === b.chat && a.user === b.user;
}

function keyOf(e: PendingKey): PendingKey {
  return { platform: e.platform, chat: e.chat, user: e.user };
}

/** Whether a pending import lapsed so long before `now` that it is dropped. */
export function stale(pending: PendingImport, now: Date): boolean {
  return now.getTime() - Date.parse(pending.expiresAt) > PENDING_KEEP_MS;
}

/**
 * The lowdb store's book: one document, written atomically on every change (the bot is the data
 * directory's one writer). Opened on first use, so a read-only store writes nothing.
 */
export class LowPendingImports implements PendingImportBook {
  private doc: Promise<Doc<typeof fileSchema>> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly writable: () => void,
  ) {}

  private open(): Promise<Doc<typeof fileSchema>> {
    this.doc ??= Doc.open({
      file: path.join(this.dataDir, CHAT_IMPORTS_FILE),
      schema: fileSchema,
      version: CHAT_IMPORTS_VERSION,
      initial: () => ({ version: CHAT_IMPORTS_VERSION, pending: [] }),
    });
    return this.doc;
  }

  async get(key: PendingKey): Promise<PendingImport | undefined> {
    return (await this.open()).data.pending.find((e) => same(e, key))?.pending;
  }

  async inChat(platform: string, chat: string): Promise<Array<{ key: PendingKey; pending: PendingImport }>> {
    return (await this.open()).data.pending
      .filter((e) => e.platform === platform && e.chat === chat)
      .map((e) => ({ key: keyOf(e), pending: e.pending }))
      .sort((a, b) => Date.parse(b.pending.at) - Date.parse(a.pending.at));
  }

  async all(): Promise<Array<{ key: PendingKey; pending: PendingImport }>> {
    return (await this.open()).data.pending
      .map((e) => ({ key: keyOf(e), pending: e.pending }))
      .sort((a, b) => Date.parse(a.pending.at) - Date.parse(b.pending.at));
  }

  async put(key: PendingKey, pending: PendingImport, now: Date): Promise<void> {
    this.writable();
    const entry = entrySchema.parse({ ...keyOf(key), pending });
    await (await this.open()).update((d) => {
      d.pending = d.pending.filter((e) => !same(e, key) && !stale(e.pending, now));
      d.pending.push(entry);
    });
  }

  async remove(key: PendingKey): Promise<boolean> {
    this.writable();
    const doc = await this.open();
    if (!doc.data.pending.some((e) => same(e, key))) return false;
    await doc.update((d) => {
      d.pending = d.pending.filter((e) => !same(e, key));
    });
    return true;
  }
}

/** Where pending imports were kept before they moved into the store (one file, whatever the store). */
export const LEGACY_PENDING_FILE = 'pending-imports.json';

const legacySchema = z.object({
  version: z.literal(1),
  pending: z.record(z.string(), z.object({ text: z.string(), at: z.string(), drops: z.boolean(), roundKey: z.string() })),
});

/**
 * Moves `$DATA_DIR/pending-imports.json` (keys `platform:chat:user`) into the store once, at the
 * bot's start: each entry not yet dropped for age goes into `book` unless the sender already has
 * a newer one there, then the file is renamed `pending-imports.json.migrated` (kept, never
 * deleted), so the next start finds nothing to move. `windowMs` gives the old entries their
 * expiry (they had none of their own). Returns how many it moved.
 */
export async function migrateLegacyPending(
  dataDir: string,
  book: PendingImportBook,
  now: Date,
  windowMs: number,
): Promise<number> {
  const file = path.join(dataDir, LEGACY_PENDING_FILE);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let parsed: z.infer<typeof legacySchema>;
  try {
    parsed = legacySchema.parse(JSON.parse(raw));
  } catch (err) {
    throw new Error(`store: ${file} does not match the schema: ${(err as Error).message}`);
  }
  let moved = 0;
  for (const [k, old] of Object.entries(parsed.pending)) {
    // platform and chat never hold a colon; a DingTalk user id may ($:LWCP_v1:$…): it is the rest.
    const [platform, chat, ...user] = k.split(':');
    if (!platform || chat === undefined || user.length === 0) continue;
    const key = { platform, chat, user: user.join(':') };
    const pending: PendingImport = { ...old, expiresAt: new Date(Date.parse(old.at) + windowMs).toISOString() };
    if (stale(pending, now)) continue;
    const present = await book.get(key);
    if (present && Date.parse(present.at) >= Date.parse(pending.at)) continue;
    await book.put(key, pending, now);
    moved += 1;
  }
  try {
    await rename(file, `${file}.migrated`);
  } catch (err) {
    // Another instance sharing the directory moved it first: the rows are upserts, nothing doubles.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return moved;
}
