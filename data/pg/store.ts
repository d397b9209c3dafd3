import { type AuditEntry, auditEntrySchema } from '../audit.ts';
import type pg from 'pg';
import { Dataset, type DatasetOptions } from '../dataset.ts';
import { diffRounds } from '../import/diff.ts';
import { ReplacementRefused } from '../import/refusal.ts';
import { fujianRegions } from '../reference/fujian.ts';
import {
  accountSchema,
  type RegisterFile,
  regionSchema,
  type RoundFile,
  roundFileSchema,
  SCHEMA_VERSION,
  siteSchema,
  unitSchema,
} from '../schema.ts';
import { SEEN_TTL_MS } from '../seen.ts';
import { STATE_VERSION, type StateFile, stateFileSchema } from '../state.ts';
import {
  type ApplyOptions,
  type ApplyOutcome,
  canonicalRound,
  type ImportWrite,
  type InspectionStore,
  type RegisterOutcome,
  type RegisterWrite,
  validRegisterWrite,
} from '../store.ts';
import { epoch, inTransaction, iso, isoOf } from './connect.ts';
import { type PgHub, notify } from './hub.ts';
import { migrate } from './migrate.ts';
import { PgPendingImports } from './pending-imports.ts';
import type { PendingImportBook } from '../pending-imports.ts';

/** Advisory lock serialising writes of the register, rounds and state across instances. */
const WRITE_LOCK = [0x1b5_0ac7, 0x5754];

type Kind = 'region' | 'unit' | 'site' | 'account';
const kinds: Record<Kind, { list: keyof Omit<RegisterFile, 'version'>; schema: { parse(v: unknown): unknown } }> = {
  region: { list: 'regions', schema: regionSchema },
  unit: { list: 'units', schema: unitSchema },
  site: { list: 'sites', schema: siteSchema },
  account: { list: 'accounts', schema: accountSchema },
};

/** Rows per INSERT of a register import (parameters stay far below PostgreSQL's 65,535). */
const BATCH = 5_000;

export interface PgStoreOptions {
  pool: pg.Pool;
  /** Local files the bot still reads from disk (groups.json, calendar.json, reminders.json). */
  dataDir: string;
  /** Reload on other instances' writes (LISTEN/NOTIFY); without it the store sees only its own. */
  hub?: PgHub;
  /** HOME_REGION: the deployment's own region (data/dataset.ts DatasetOptions). */
  home?: string;
}

/**
 * The InspectionStore in PostgreSQL (data/pg/migrations/001_store.sql). Reads go to the same
 * in-memory Dataset as LowStore's, swapped whole after a write; every write is one transaction
 * that takes an advisory lock (so imports from several instances or a CLI run one at a time),
 * bumps a revision and notifies the other instances, which reload only the rows with a newer
 * revision. Documents are validated by the same zod schemas on the way in and out.
 */
export class PgStore implements InspectionStore {
  readonly state: { data: StateFile } = { data: { version: STATE_VERSION } };
  private current!: Dataset;
  private rev = 0;
  private readonly items: Record<Kind, Map<string, { ord: number; item: unknown }>> = {
    region: new Map(),
    unit: new Map(),
    site: new Map(),
    account: new Map(),
  };
  private readonly rounds = new Map<string, RoundFile>();
  private reloading: Promise<void> = Promise.resolve();
  private marks = 0;
  private readonly listeners: Array<() => void> = [];
  /** The `pending_imports` table (004_pending_imports.sql), read afresh on every call. */
  readonly pendingImports: PendingImportBook;

  private constructor(
    readonly pool: pg.Pool,
    readonly dataDir: string,
    private readonly options: DatasetOptions,
  ) {
    this.pendingImports = new PgPendingImports(pool);
  }

  static async open(o: PgStoreOptions): Promise<PgStore> {
    await migrate(o.pool);
    const store = new PgStore(o.pool, o.dataDir, o.home ? { home: o.home } : {});
    o.hub?.on('store', () => {
      void store.reload();
    });
    await store.reload();
    return store;
  }

  dataset(): Dataset {
    return this.current;
  }

  isEmpty(): boolean {
    return this.rounds.size === 0;
  }

  /** Called after the data changed, here or (through NOTIFY) on another instance. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Reads the rows changed since the last look and swaps in a new Dataset (one at a time). */
  reload(): Promise<void> {
    const run = this.reloading.then(() => this.readChanges());
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async readChanges(): Promise<void> {
    const since = this.rev;
    const [items, rounds, docs] = await Promise.all([
      this.pool.query<{ kind: Kind; id: string; ord: number; rev: number; data: unknown }>(
        'SELECT kind, id, ord, rev, data FROM register_items WHERE rev > $1',
        [since],
      ),
      this.pool.query<{ key: string; rev: number; data: unknown }>('SELECT key, rev, data FROM rounds WHERE rev > $1', [
        since,
      ]),
      this.pool.query<{ name: string; rev: number; data: unknown }>(
        'SELECT name, rev, data FROM documents WHERE rev > $1',
        [since],
      ),
    ]);
    if (since > 0 && items.rowCount === 0 && rounds.rowCount === 0 && docs.rowCount === 0) return;
    let rev = since;
    for (const r of items.rows) {
      const spec = kinds[r.kind];
      let item: unknown;
      try {
        item = spec.schema.parse(r.data);
      } catch (err) {
        throw new Error(`store: register_items ${r.kind} ${r.id} does not match the schema: ${(err as Error).message}`);
      }
      this.items[r.kind].set(r.id, { ord: r.ord, item });
      rev = Math.max(rev, r.rev);
    }
    for (const r of rounds.rows) {
      const parsed = roundFileSchema.safeParse(r.data);
      if (!parsed.success) throw new Error(`store: round ${r.key} does not match the schema: ${parsed.error.message}`);
      this.rounds.set(r.key, parsed.data);
      rev = Math.max(rev, r.rev);
    }
    for (const r of docs.rows) {
      if (r.name === 'state') this.state.data = stateFileSchema.parse(r.data);
      rev = Math.max(rev, r.rev);
    }
    this.rev = rev;
    this.current = new Dataset(this.register(), [...this.rounds.values()], this.options);
    if (since > 0) for (const fn of this.listeners) fn();
  }

  /** The register as lists in order of first arrival; the shipped regions until the first write. */
  private register(): RegisterFile {
    const list = <T>(kind: Kind) =>
      [...this.items[kind].values()].sort((a, b) => a.ord - b.ord).map((x) => x.item as T);
    return {
      version: SCHEMA_VERSION,
      regions: this.items.region.size > 0 ? list('region') : fujianRegions(),
      units: list('unit'),
      sites: list('site'),
      accounts: list('account'),
    };
  }

  async applyImport(write: ImportWrite, at: Date, options: ApplyOptions = {}): Promise<ApplyOutcome> {
    const round = roundFileSchema.parse(write.roundFile);
    const key = round.round.key;
    const canonical = canonicalRound(round);
    return this.write(async (c, rev) => {
      const existing = await c.query<{ canonical: string; data: RoundFile }>(
        'SELECT canonical, data FROM rounds WHERE key = $1',
        [key],
      );
      const stored = existing.rows[0];
      if (stored?.canonical === canonical) return { changed: false, replaced: false };
      // Decided inside the write transaction, against the round as stored now (README “Replacing a round”).
      const diff = stored ? diffRounds(roundFileSchema.parse(stored.data), round) : undefined;
      if (diff) ReplacementRefused.check(diff, options.replace);
      // Regions first (learned ones only when unknown), in the same transaction as the round.
      await this.ensureRegions(c, rev);
      await upsert(c, 'region', write.newRegions.map((r) => regionSchema.parse(r)), rev, false);
      await c.query(
        `INSERT INTO rounds (key, rev, canonical, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET rev = EXCLUDED.rev, canonical = EXCLUDED.canonical, data = EXCLUDED.data`,
        [key, rev, canonical, JSON.stringify(round)],
      );
      const state: StateFile = {
        version: STATE_VERSION,
        lastImport: { roundKey: key, at: at.toISOString(), source: round.round.source.file, changed: true },
      };
      await c.query(
        `INSERT INTO documents (name, rev, data) VALUES ('state', $1, $2)
         ON CONFLICT (name) DO UPDATE SET rev = EXCLUDED.rev, data = EXCLUDED.data`,
        [rev, JSON.stringify(state)],
      );
      const replaced = existing.rowCount !== 0;
      // The import's audit entry (who, where, what) is written once for every door by
      // ImportService.apply through audit(); writing one here too recorded each import twice.
      return diff ? { changed: true, replaced, diff } : { changed: true, replaced };
    });
  }

  async applyRegister(write: RegisterWrite): Promise<RegisterOutcome> {
    const incoming = validRegisterWrite(write);
    return this.write(async (c, rev) => {
      await this.ensureRegions(c, rev);
      const counts: RegisterOutcome = { added: 0, updated: 0 };
      for (const [kind, list] of [
        ['region', incoming.regions],
        ['unit', incoming.units],
        ['site', incoming.sites],
        ['account', incoming.accounts],
      ] as const) {
        const n = await upsert(c, kind, list, rev, true);
        counts.added += n.added;
        counts.updated += n.updated;
      }
      // Audited once, with who and what changed, by ImportService.applyRegister for every door.
      return counts;
    });
  }

  /** The shipped regions go into the database with its first write (as LowStore writes them out). */
  private async ensureRegions(c: pg.PoolClient, rev: number): Promise<void> {
    const any = await c.query(`SELECT 1 FROM register_items WHERE kind = 'region' LIMIT 1`);
    if (any.rowCount === 0) await upsert(c, 'region', fujianRegions(), rev, false);
  }

  /**
   * One write: a transaction holding the write lock, with a fresh revision for every row it
   * touches, a notification to the other instances on commit, and the new rows read back here.
   */
  private async write<T>(fn: (c: pg.PoolClient, rev: number) => Promise<T>): Promise<T> {
    const result = await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', WRITE_LOCK);
      const rev = (await c.query<{ rev: number }>(`SELECT nextval('store_rev') AS rev`)).rows[0]!.rev;
      const out = await fn(c, rev);
      await notify(c, 'store', String(rev));
      return out;
    });
    await this.reload();
    return result;
  }

  async markSeen(key: string, now: Date): Promise<boolean> {
    const cutoff = new Date(now.getTime() - SEEN_TTL_MS);
    // New, or seen so long ago that it was forgotten: this instance answers it. Of two instances
    // racing on one id, the second waits for the first's row and then finds it current.
    const r = await this.pool.query(
      `INSERT INTO seen_messages (key, seen_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE seen_messages.seen_at < $3
       RETURNING key`,
      [key, iso(now), iso(cutoff)],
    );
    if (++this.marks % 500 === 0)
      await this.pool.query('DELETE FROM seen_messages WHERE seen_at < $1', [iso(cutoff)]);
    return r.rowCount === 1;
  }

  async seenIds(): Promise<Array<{ key: string; at: Date }>> {
    const r = await this.pool.query<{ key: string; seen_at: string }>(
      'SELECT key, seen_at FROM seen_messages ORDER BY seen_at',
    );
    return r.rows.map((x) => ({ key: x.key, at: new Date(epoch(x.seen_at)!) }));
  }

  /** The audit table (001_store.sql): `action`, and who/where/what in `detail`. */
  async audit(entry: AuditEntry): Promise<void> {
    const { at, action, ...rest } = auditEntrySchema.parse(entry);
    await this.pool.query('INSERT INTO audit (at, action, detail) VALUES ($1, $2, $3)', [at, action, JSON.stringify(rest)]);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    // timestamptz comes back as the server's text (data/pg/connect.ts), read here as ISO.
    const r = await this.pool.query<{ at: string; action: string; detail: Record<string, unknown> }>(
      'SELECT at, action, detail FROM audit ORDER BY id DESC LIMIT $1',
      [limit],
    );
    // Rows the store wrote itself (round.imported …) carry their counts only: platform 'store'.
    return r.rows.map((row) => {
      const d = row.detail ?? {};
      const at = isoOf(row.at)!;
      const entry = auditEntrySchema.safeParse({ ...d, at, action: row.action });
      return entry.success ? entry.data : { at, platform: 'store', action: row.action, detail: d };
    });
  }

  async close(): Promise<void> {
    await this.reloading;
  }
}

/**
 * Upserts register items by id in batches; `replace` false keeps an existing row as it is (a
 * learned region never overwrites a known one). Counts new and changed rows.
 */
async function upsert(
  c: pg.PoolClient,
  kind: Kind,
  list: readonly { id: string }[],
  rev: number,
  replace: boolean,
): Promise<RegisterOutcome> {
  const counts: RegisterOutcome = { added: 0, updated: 0 };
  // One row per id (a later entry for the same id wins, as in LowStore): ON CONFLICT may not touch
  // a row twice in one statement.
  const byId = new Map<string, { id: string }>();
  for (const x of list) byId.set(x.id, x);
  if (byId.size < list.length) counts.updated += list.length - byId.size;
  const unique = [...byId.values()];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    const r = await c.query<{ inserted: boolean }>(
      `INSERT INTO register_items (kind, id, ord, rev, data)
       SELECT $1, x.id, nextval('register_ord'), $2, x.data
         FROM unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS x(id, data, n) ORDER BY x.n
       ON CONFLICT (kind, id) DO ${replace ? 'UPDATE SET rev = EXCLUDED.rev, data = EXCLUDED.data' : 'NOTHING'}
       RETURNING (xmax = 0) AS inserted`,
      [kind, rev, batch.map((x) => x.id), batch.map((x) => JSON.stringify(x))],
    );
    for (const row of r.rows) {
      if (row.inserted) counts.added += 1;
      else counts.updated += 1;
    }
  }
  return counts;
}
