import { access, open as openFile, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { type AuditEntry, AuditLog } from './audit.ts';
import { Doc } from './doc.ts';
import { Dataset, type DatasetOptions } from './dataset.ts';
import { diffRounds, type RoundDiff } from './import/diff.ts';
import { ReplacementRefused } from './import/refusal.ts';
import { LowPendingImports, type PendingImportBook } from './pending-imports.ts';
import { fujianRegions } from './reference/fujian.ts';
import { migrateLearnedRegions } from './region-migration.ts';
import { SeenIds } from './seen.ts';
import { storeText } from './store-text.ts';
import {
  type Account,
  type RegisterFile,
  type Region,
  type RoundFile,
  registerFileSchema,
  roundFileSchema,
  SCHEMA_VERSION,
  type Site,
  siteSchema,
  type Unit,
  unitSchema,
  accountSchema,
} from './schema.ts';
import { STATE_VERSION, type StateFile, stateFileSchema } from './state.ts';

/** What an import writes: regions it learned, and the round's bulk data. */
export interface ImportWrite {
  newRegions: Region[];
  roundFile: RoundFile;
}

/**
 * What a register import writes, each upserted by id: regions it declared (new ones, or known
 * ones given a parent, 福建省 under 全国), units, sites and accounts.
 */
export interface RegisterWrite {
  newRegions: Region[];
  units: Unit[];
  sites: Site[];
  accounts: Account[];
}

export interface RegisterOutcome {
  added: number;
  updated: number;
}

export interface ApplyOutcome {
  /** False when the same round was already stored byte-for-byte: nothing was written. */
  changed: boolean;
  replaced: boolean;
  /** When a stored round was replaced: what changed. */
  diff?: RoundDiff;
}

export interface ApplyOptions {
  /**
   * Allows replacing a stored round of the same period and scope even when that drops failures
   * or regions (the CLI's --replace, the API's "replace": true). Without it such a replacement is
   * refused with ReplacementRefused and nothing is written; one that only adds or corrects goes
   * ahead.
   */
  replace?: boolean;
}

/**
 * The store behind every handler and job. The lowdb implementation below keeps one file per
 * round (bulk), one register file, and small state files; a PostgreSQL implementation would keep
 * the same verbs. Reads go to an in-memory Dataset that is swapped whole after each write.
 */
export interface InspectionStore {
  /** Local files beside the store (groups.json, calendar.json, reminders.json). */
  readonly dataDir: string;
  /** The current read model. */
  dataset(): Dataset;
  isEmpty(): boolean;
  applyImport(write: ImportWrite, at: Date, options?: ApplyOptions): Promise<ApplyOutcome>;
  /** Upserts register entries by id; entries the write does not name are kept. */
  applyRegister(write: RegisterWrite): Promise<RegisterOutcome>;
  /** Records an inbound message id; false if it was seen before (redelivery). */
  markSeen(key: string, now: Date): Promise<boolean>;
  /** Every inbound message id remembered, with when it was seen (a copy to another store). */
  seenIds(): Promise<Array<{ key: string; at: Date }>>;
  /**
   * Called after the data changed through another process (PostgreSQL: another instance or a CLI
   * import, by NOTIFY); a lowdb directory has one writer and never calls it.
   */
  onChange?(fn: () => void): void;
  /** Small state: the last import. */
  readonly state: { readonly data: StateFile };
  /** Chat imports previewed and waiting for /apply or /cancel (data/pending-imports.ts). */
  readonly pendingImports: PendingImportBook;
  /** Appends to the audit trail (data/audit.ts): who changed what, where and when. Append-only. */
  audit(entry: AuditEntry): Promise<void>;
  /** The last `limit` audit entries, newest first. */
  auditLog(limit: number): Promise<AuditEntry[]>;
  /** Finishes pending writes and releases open files (shutdown). */
  close(): Promise<void>;
}

export class LowStore implements InspectionStore {
  private current: Dataset;
  /**
   * Imports (round or register) run one after the other: each reads the current register and
   * rounds before it writes, so two interleaved imports would add a learned region twice or open
   * the same round file twice (the HTTP API and a CLI import can overlap).
   */
  private imports: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dataDir: string,
    private readonly register: Doc<typeof registerFileSchema>,
    private readonly rounds: Map<string, Doc<typeof roundFileSchema>>,
    readonly state: Doc<typeof stateFileSchema>,
    /** Absent when opened read-only. */
    private readonly seen: SeenIds | undefined,
    private readonly options: DatasetOptions,
  ) {
    this.current = this.build();
    this.pendingImports = new LowPendingImports(dataDir, () => {
      if (this.readOnly) throw new Error(`store: ${this.dataDir} was opened read-only`);
    });
  }

  /** `$DATA_DIR/chat-imports.json`, opened on first use. */
  readonly pendingImports: PendingImportBook;

  /**
   * `readOnly`: for a process that only looks (a preview, `npm run jobs`) while another owns the
   * directory: nothing is written, not even a torn journal tail cut off, and writes are refused.
   * `warn` hears of a torn last line dropped from a journal; `note` of regions learned before
   * the national gazetteer moved onto its units at start (data/region-migration.ts). `home`: HOME_REGION, the deployment's
   * own region (a bare /rate answers it; preferred when a name is shared).
   */
  static async open(
    dataDir: string,
    opts: { readOnly?: boolean; warn?: (message: string) => void; note?: (message: string) => void } & DatasetOptions = {},
  ): Promise<LowStore> {
    const register = await Doc.open({
      file: path.join(dataDir, 'register.json'),
      schema: registerFileSchema,
      version: SCHEMA_VERSION,
      bulk: { units: unitSchema, sites: siteSchema, accounts: accountSchema },
      initial: (): RegisterFile => ({
        version: SCHEMA_VERSION,
        regions: fujianRegions(),
        units: [],
        sites: [],
        accounts: [],
      }),
    });
    const rounds = new Map<string, Doc<typeof roundFileSchema>>();
    const roundDir = path.join(dataDir, 'rounds');
    for (const listed of await listJson(roundDir)) {
      const name = await migrateRoundFile(roundDir, listed);
      if (!name) continue;
      const doc = await Doc.open({
        file: path.join(roundDir, name),
        schema: roundFileSchema,
        version: SCHEMA_VERSION,
        initial: () => {
          throw new Error(`store: ${name} vanished while loading`);
        },
      });
      rounds.set(doc.data.round.key, doc);
    }
    if (!opts.readOnly) await moveLearnedRegions(register, rounds, opts.note);
    const state = await Doc.open({
      file: path.join(dataDir, 'state.json'),
      schema: stateFileSchema,
      version: STATE_VERSION,
      initial: () => ({ version: STATE_VERSION }) as const,
    });
    const seen = opts.readOnly
      ? undefined
      : await SeenIds.open(dataDir, opts.warn ? { warn: opts.warn } : {});
    return new LowStore(dataDir, register, rounds, state, seen, opts.home ? { home: opts.home } : {});
  }

  dataset(): Dataset {
    return this.current;
  }

  isEmpty(): boolean {
    return this.rounds.size === 0;
  }

  applyImport(write: ImportWrite, at: Date, options: ApplyOptions = {}): Promise<ApplyOutcome> {
    return this.serialize(() => this.writeImport(write, at, options));
  }

  applyRegister(write: RegisterWrite): Promise<RegisterOutcome> {
    return this.serialize(() => this.writeRegister(write));
  }

  get readOnly(): boolean {
    return this.seen === undefined;
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    if (this.readOnly) return Promise.reject(new Error(`store: ${this.dataDir} was opened read-only`));
    const run = this.imports.then(fn);
    this.imports = run.catch(() => undefined);
    return run;
  }

  private async writeImport(write: ImportWrite, at: Date, options: ApplyOptions): Promise<ApplyOutcome> {
    const key = write.roundFile.round.key;
    const existing = this.rounds.get(key);
    if (existing && sameRound(existing.data, write.roundFile)) {
      return { changed: false, replaced: false };
    }
    // Decided here, under the import lock, against the round as stored now (not as previewed).
    const diff = existing ? diffRounds(existing.data, write.roundFile) : undefined;
    if (diff) ReplacementRefused.check(diff, options.replace);
    // Regions first: a crash between the two writes leaves harmless extra regions, never a
    // round that points at regions the register lacks.
    const known = new Set(this.register.data.regions.map((r) => r.id));
    const fresh = write.newRegions.filter((r) => !known.has(r.id));
    // The first import also writes the shipped regions out, so that a data directory holds every
    // region its rounds refer to and does not depend on the reference data of a later version.
    if (fresh.length > 0 || !(await exists(this.register.file))) {
      await this.register.update((d) => {
        d.regions.push(...fresh);
      });
    }
    const doc =
      existing ??
      (await Doc.open({
        file: path.join(this.dataDir, 'rounds', roundFileName(key)),
        schema: roundFileSchema,
        version: SCHEMA_VERSION,
        initial: () => write.roundFile,
      }));
    await doc.replace(write.roundFile);
    this.rounds.set(key, doc);
    await this.state.update((s) => {
      s.lastImport = {
        roundKey: key,
        at: at.toISOString(),
        source: write.roundFile.round.source.file,
        changed: true,
      };
    });
    this.current = this.build();
    return diff ? { changed: true, replaced: true, diff } : { changed: true, replaced: false };
  }

  private async writeRegister(write: RegisterWrite): Promise<RegisterOutcome> {
    const incoming = validRegisterWrite(write);
    const counts: RegisterOutcome = { added: 0, updated: 0 };
    const upsert = <T extends { id: string }>(stored: readonly T[], items: readonly T[]): T[] => {
      const list = [...stored];
      const at = new Map(list.map((x, i) => [x.id, i]));
      for (const item of items) {
        const i = at.get(item.id);
        if (i === undefined) {
          at.set(item.id, list.length);
          list.push(item);
          counts.added += 1;
        } else {
          list[i] = item;
          counts.updated += 1;
        }
      }
      return list;
    };
    const d = this.register.data;
    await this.register.commit({
      ...d,
      regions: upsert(d.regions, incoming.regions),
      units: upsert(d.units, incoming.units),
      sites: upsert(d.sites, incoming.sites),
      accounts: upsert(d.accounts, incoming.accounts),
    });
    this.current = this.build();
    return counts;
  }

  markSeen(key: string, now: Date): Promise<boolean> {
    if (!this.seen) return Promise.reject(new Error(`store: ${this.dataDir} was opened read-only`));
    return this.seen.mark(key, now);
  }

  /** markSeen() decided at once; `written` resolves with the next group commit (data/replay.ts). */
  markSeenNow(key: string, now: Date): { fresh: boolean; written: Promise<void> } {
    if (!this.seen) throw new Error(`store: ${this.dataDir} was opened read-only`);
    return this.seen.markNow(key, now);
  }

  async seenIds(): Promise<Array<{ key: string; at: Date }>> {
    return this.seen?.entries() ?? [];
  }

  private trailLog: AuditLog | undefined;
  private get trail(): AuditLog {
    this.trailLog ??= AuditLog.in(this.dataDir);
    return this.trailLog;
  }

  audit(entry: AuditEntry): Promise<void> {
    if (this.readOnly) return Promise.reject(new Error(`store: ${this.dataDir} was opened read-only`));
    return this.trail.append(entry);
  }

  auditLog(limit: number): Promise<AuditEntry[]> {
    return this.trail.recent(limit);
  }

  close(): Promise<void> {
    return this.seen?.close() ?? Promise.resolve();
  }

  private build(): Dataset {
    return new Dataset(
      this.register.data,
      [...this.rounds.values()].map((d) => d.data),
      this.options,
    );
  }
}

/** A register write's entries validated (the stored ones were when they were written). */
export function validRegisterWrite(write: RegisterWrite) {
  return {
    ...registerFileSchema.pick({ regions: true, units: true, sites: true }).parse({
      regions: write.newRegions,
      units: write.units,
      sites: write.sites,
    }),
    accounts: validAccounts(write.accounts),
  };
}

const accountKeys: ReadonlySet<string> = new Set(Object.keys(accountSchema.shape));

/**
 * accountSchema over a register's accounts (150,000 at national scale) without zod's copy of each:
 * an account that is already exactly what the schema returns (its keys, non-empty id, platform and
 * name, string regionId and unitId) is kept as it is; if any is not, zod parses the whole list, so
 * a bad one is refused with zod's own message and extra keys are stripped as before.
 */
function validAccounts(items: readonly Account[]): Account[] {
  const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
  for (const a of items as readonly Record<string, unknown>[]) {
    const ok =
      typeof a === 'object' &&
      a !== null &&
      Object.getPrototypeOf(a) === Object.prototype &&
      nonEmpty(a.id) &&
      nonEmpty(a.platform) &&
      nonEmpty(a.name) &&
      typeof a.regionId === 'string' &&
      (a.unitId === undefined || typeof a.unitId === 'string');
    if (!ok) return accountSchema.array().parse(items);
    for (const k in a) if (!accountKeys.has(k)) return accountSchema.array().parse(items);
  }
  return [...items];
}

/**
 * Two imports of the same round are the same when everything but the import time matches.
 * Compared in a canonical form (schema defaults applied, keys sorted) because a stored file comes
 * back in the schema's key order while a fresh import lists keys in the order the importer set them.
 */
function sameRound(a: RoundFile, b: RoundFile): boolean {
  return canonicalRound(a) === canonicalRound(b);
}

export function canonicalRound(f: RoundFile): string {
  const parsed = roundFileSchema.parse({ ...f, round: { ...f.round, importedAt: '' } });
  return JSON.stringify(parsed, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : value,
  );
}

const SAFE_BYTE = /[A-Za-z0-9._@-]/;

/**
 * A round's file name: its key with every byte outside [A-Za-z0-9._@-] written as %XX (UTF-8),
 * so two keys never share a file (new/福建生 and new/湖南省 once both became new__.json) and the
 * key reads back with decodeURIComponent. `2020Q1@35` stays `2020Q1@35.json`.
 */
export function roundFileName(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += SAFE_BYTE.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `${out}.json`;
}

/**
 * Moves the regions imports learned before the national gazetteer (`new/…`) onto their units
 * (data/region-migration.ts), crash-safe in three writes: the register gains the units (the old
 * regions stay), then each round file that refers to an old region is rewritten, then the old
 * regions go. A crash in between leaves every reference resolvable, and the next start finishes.
 */
async function moveLearnedRegions(
  register: Doc<typeof registerFileSchema>,
  rounds: Map<string, Doc<typeof roundFileSchema>>,
  note: ((message: string) => void) | undefined,
): Promise<void> {
  const m = migrateLearnedRegions(
    register.data,
    [...rounds.values()].map((d) => d.data),
  );
  if (m.moves.length === 0) return;
  const kept = new Set(m.register.regions.map((r) => r.id));
  const before = register.data.regions;
  await register.replace({
    ...register.data,
    regions: [...before.filter((r) => !kept.has(r.id)), ...m.register.regions],
  });
  for (const file of m.rounds) await rounds.get(file.round.key)?.replace(file);
  await register.replace(m.register);
  note?.(storeText.regionsMoved(m.moves.map((x) => storeText.regionMoved(x.from, x.to, x.toName))));
}

/**
 * Renames a round file written under the old scheme (`2020Q1_35.json`) to roundFileName of the
 * key it holds, atomically; returns the name to load. When the new name is already taken by
 * another file holding the same key, the old file is kept aside as `<name>.superseded` (never
 * deleted) and skipped.
 */
async function migrateRoundFile(dir: string, name: string): Promise<string | undefined> {
  let key: unknown;
  try {
    key = (JSON.parse(await readText(path.join(dir, name))) as { round?: { key?: unknown } }).round?.key;
  } catch {
    return name; // Doc.open refuses it, naming the file
  }
  if (typeof key !== 'string') return name; // Doc.open refuses it with the schema's message
  const wanted = roundFileName(key);
  if (wanted === name) return name;
  if (await exists(path.join(dir, wanted))) {
    await rename(path.join(dir, name), path.join(dir, `${name}.superseded`));
    await syncDir(dir);
    return undefined;
  }
  await rename(path.join(dir, name), path.join(dir, wanted));
  await syncDir(dir);
  return wanted;
}

async function readText(file: string): Promise<string> {
  const handle = await openFile(file, 'r');
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await openFile(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function listJson(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
