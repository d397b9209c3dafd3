import path from 'node:path';
import { z } from 'zod';
import type { Dataset } from '../../data/dataset.ts';
import { Doc } from '../../data/doc.ts';
import type pg from 'pg';
import type { Queryable } from '../../data/pg/connect.ts';
import { changedKeys, type Document, PgDocument } from '../../data/pg/document.ts';
import type { PgHub } from '../../data/pg/hub.ts';
import type { SubscriptionBook, Target } from '../../handlers/services.ts';
import type { Group, Groups } from '../groups.ts';


/**
 * What each group follows. Until a group's admins change it, a group follows what groups.json
 * declares; the first /sub or /unsub copies that into $DATA_DIR/subscriptions.json, which from
 * then on is the group's list. Regions are stored by id (a city covers its districts, the
 * province covers everything: RegionIndex.within); units by name.
 */
export const SUBSCRIPTIONS_VERSION = 1;

const scopeSchema = z.object({ regions: z.array(z.string()), units: z.array(z.string()) });
const fileSchema = z.object({
  version: z.literal(SUBSCRIPTIONS_VERSION),
  groups: z.record(z.string(), scopeSchema),
  /** The last import whose alerts were queued (state.json lastImport), to catch up after a crash. */
  scanned: z.object({ roundKey: z.string(), at: z.string() }).optional(),
});

export type Scope = z.infer<typeof scopeSchema>;
export type SubscriptionsFile = z.infer<typeof fileSchema>;

/**
 * The same document in PostgreSQL (002_delivery.sql): one `subscriptions` row per group that
 * changed its list, and `scanned` in `documents`. Shared by every instance.
 */
const pgMapping = {
  lock: [0x1b5_0ac7, 0x5355] as const,
  topic: 'subscriptions' as const,
  schema: fileSchema,
  async load(c: Queryable): Promise<SubscriptionsFile> {
    const rows = await c.query<{ group_id: string; regions: string[]; units: string[] }>(
      'SELECT group_id, regions, units FROM subscriptions ORDER BY group_id',
    );
    const scanned = await c.query<{ data: { roundKey: string; at: string } }>(
      `SELECT data FROM documents WHERE name = 'scanned'`,
    );
    return {
      version: SUBSCRIPTIONS_VERSION,
      groups: Object.fromEntries(rows.rows.map((r) => [r.group_id, { regions: r.regions, units: r.units }])),
      ...(scanned.rows[0] ? { scanned: scanned.rows[0].data } : {}),
    };
  },
  async save(c: Queryable, before: SubscriptionsFile, after: SubscriptionsFile): Promise<void> {
    const { upsert, remove } = changedKeys(before.groups, after.groups);
    for (const id of upsert) {
      const scope = after.groups[id]!;
      await c.query(
        `INSERT INTO subscriptions (group_id, regions, units) VALUES ($1, $2, $3)
         ON CONFLICT (group_id) DO UPDATE SET regions = EXCLUDED.regions, units = EXCLUDED.units`,
        [id, JSON.stringify(scope.regions), JSON.stringify(scope.units)],
      );
    }
    if (remove.length > 0) await c.query('DELETE FROM subscriptions WHERE group_id = ANY($1)', [remove]);
    if (after.scanned && JSON.stringify(after.scanned) !== JSON.stringify(before.scanned))
      await c.query(
        `INSERT INTO documents (name, rev, data) VALUES ('scanned', 0, $1)
         ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data`,
        [JSON.stringify(after.scanned)],
      );
  },
};

export class Subscriptions implements SubscriptionBook {
  private constructor(
    private readonly doc: Document<SubscriptionsFile>,
    private readonly groups: Groups,
  ) {}

  static async open(dataDir: string, groups: Groups): Promise<Subscriptions> {
    const doc = await Doc.open({
      file: path.join(dataDir, 'subscriptions.json'),
      schema: fileSchema,
      version: SUBSCRIPTIONS_VERSION,
      initial: () => ({ version: SUBSCRIPTIONS_VERSION as typeof SUBSCRIPTIONS_VERSION, groups: {} }),
    });
    return new Subscriptions(doc, groups);
  }

  /** The subscriptions in PostgreSQL, shared by every instance (reloaded when another one changes them). */
  static async openPg(pool: pg.Pool, groups: Groups, hub?: PgHub): Promise<Subscriptions> {
    return new Subscriptions(await PgDocument.open(pool, pgMapping, hub), groups);
  }

  /** Reads the stored lists again (before a scan that must see other instances' changes). */
  async reload(): Promise<void> {
    if (this.doc instanceof PgDocument) await this.doc.reload();
  }

  /** The group's scope: its stored list, or what groups.json declares (names resolved to ids). */
  scopeOf(groupId: string, data: Dataset): Scope {
    const stored = this.doc.data.groups[groupId];
    if (stored) return structuredClone(stored);
    const group = this.groups.byId(groupId);
    return group ? declaredScope(group, data) : { regions: [], units: [] };
  }

  /** Everything stored, to copy to another store (npm run migrate). */
  exportAll(): SubscriptionsFile {
    return structuredClone(this.doc.data);
  }

  /** Replaces everything stored with a copy from another store (npm run migrate). */
  async importAll(file: SubscriptionsFile): Promise<void> {
    await this.doc.update((d) => {
      d.groups = structuredClone(file.groups);
      if (file.scanned) d.scanned = { ...file.scanned };
    });
  }

  /** The last import whose alerts were queued, if any. */
  scanned(): { roundKey: string; at: string } | undefined {
    return this.doc.data.scanned;
  }

  async markScanned(scan: { roundKey: string; at: string }): Promise<void> {
    await this.doc.update((d) => {
      d.scanned = { roundKey: scan.roundKey, at: scan.at };
    });
  }

  /** Adds a region or unit; false when the group already followed it. */
  add(groupId: string, target: Target, data: Dataset): Promise<boolean> {
    return this.change(groupId, data, (scope) => {
      const list = target.kind === 'region' ? scope.regions : scope.units;
      const value = target.kind === 'region' ? target.region.id : target.name;
      if (list.includes(value)) return false;
      list.push(value);
      return true;
    });
  }

  /** Removes a region or unit; false when the group did not follow it. */
  remove(groupId: string, target: Target, data: Dataset): Promise<boolean> {
    return this.change(groupId, data, (scope) => {
      const list = target.kind === 'region' ? scope.regions : scope.units;
      const value = target.kind === 'region' ? target.region.id : target.name;
      const at = list.indexOf(value);
      if (at < 0) return false;
      list.splice(at, 1);
      return true;
    });
  }

  /**
   * Applies `fn` to the group's list as stored when the write runs (not as this instance last
   * saw it), so two changes at once — two instances, or two admins — both count.
   */
  private async change(groupId: string, data: Dataset, fn: (scope: Scope) => boolean): Promise<boolean> {
    if (!fn(this.scopeOf(groupId, data))) return false;
    return this.doc.update((d) => {
      const stored = d.groups[groupId];
      const group = this.groups.byId(groupId);
      const scope = stored ? structuredClone(stored) : group ? declaredScope(group, data) : { regions: [], units: [] };
      if (!fn(scope)) return false;
      d.groups[groupId] = scope;
      return true;
    });
  }
}

function declaredScope(group: Group, data: Dataset): Scope {
  const regions = group.follows.regions
    .map((name) => data.regions.resolve(name)?.region.id)
    .filter((id): id is string => id !== undefined);
  return { regions: [...new Set(regions)], units: [...group.follows.units] };
}
