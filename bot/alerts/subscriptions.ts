import path from 'node:path';
import { z } from 'zod';
import type { Dataset } from '../../data/dataset.ts';
import { Doc } from '../../data/doc.ts';
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

export class Subscriptions implements SubscriptionBook {
  private constructor(
    private readonly doc: Doc<typeof fileSchema>,
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

  /** The group's scope: its stored list, or what groups.json declares (names resolved to ids). */
  scopeOf(groupId: string, data: Dataset): Scope {
    const stored = this.doc.data.groups[groupId];
    if (stored) return structuredClone(stored);
    const group = this.groups.byId(groupId);
    return group ? declaredScope(group, data) : { regions: [], units: [] };
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

  private async change(groupId: string, data: Dataset, fn: (scope: Scope) => boolean): Promise<boolean> {
    const scope = this.scopeOf(groupId, data);
    if (!fn(scope)) return false;
    await this.doc.update((d) => {
      d.groups[groupId] = scope;
    });
    return true;
  }
}

function declaredScope(group: Group, data: Dataset): Scope {
  const regions = group.follows.regions
    .map((name) => data.regions.resolve(name)?.region.id)
    .filter((id): id is string => id !== undefined);
  return { regions: [...new Set(regions)], units: [...group.follows.units] };
}
