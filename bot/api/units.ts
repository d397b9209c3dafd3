import type Router from '@koa/router';
import { z } from 'zod';
import type { Dataset } from '../../data/dataset.ts';
import { planUnits } from '../../data/import/units.ts';
import type { Unit } from '../../data/schema.ts';
import type { InspectionStore } from '../../data/store.ts';
import { PayloadError } from '../errors.ts';
import { parseJson, readRawBody } from '../http/raw-body.ts';
import type { ImportService } from '../imports.ts';
import { jsonPath } from './body.ts';
import { NotFoundError } from './rates.ts';

/** 10,000 units with a few contacts each is well under a megabyte; twice that is refused. */
export const UNITS_BODY_LIMIT = 2 * 1024 * 1024;

const text = z.string().trim().min(1);
/** An optional field may be null or "" (a spreadsheet export's empty cell): the same as absent. */
const optional = z
  .union([z.string().trim().max(200), z.null()])
  .optional()
  .transform((v) => v || undefined);

const contactBody = z
  .object({ name: optional, mobile: optional, wecomUserId: optional, dingtalkUserId: optional })
  .strict();

/** POST /api/units (README “Units and contacts”): each unit named within its region. */
export const unitsBodySchema = z
  .object({
    units: z
      .array(
        z
          .object({
            name: text.max(200),
            region: text.max(100),
            aliases: z.array(text.max(200)).max(50).optional(),
            contacts: z.array(contactBody).max(100).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();

/** A unit as the API shows it: its region by id and name, and every contact's mobile and platform ids. */
export function unitJson(data: Dataset, u: Unit) {
  return {
    id: u.id,
    name: u.name,
    region: u.regionId ? { id: u.regionId, name: data.regions.get(u.regionId)?.name ?? u.regionId } : null,
    aliases: u.aliases,
    contacts: u.contacts.map((c) => ({
      name: c.name ?? null,
      mobile: c.mobile ?? null,
      wecomUserId: c.wecomUserId ?? null,
      dingtalkUserId: c.dingtalkUserId ?? null,
    })),
  };
}

/**
 * The register's units and their contacts over HTTP, beside the spreadsheet (same ids, same
 * rules for mobiles and platform ids, same audit): GET lists and reads them, POST upserts them
 * through ImportService.applyRegister, recorded as `register.imported` by `api`.
 */
export function addUnitRoutes(
  router: Router,
  deps: { store: InspectionStore; imports: ImportService; now: () => Date },
): void {
  router.get('/units', (ctx) => {
    const data = deps.store.dataset();
    const one = (name: string) => {
      const v = ctx.query[name];
      if (Array.isArray(v)) throw new PayloadError(`api: query ${name} given more than once`);
      return v?.trim() || undefined;
    };
    const regionText = one('region');
    const q = one('q');
    if (regionText && regionText.length > 100) throw new PayloadError('api: region is longer than 100 characters');
    if (q && q.length > 100) throw new PayloadError('api: q is longer than 100 characters');
    let regionId: string | undefined;
    if (regionText) {
      const region = data.regions.resolve(regionText)?.region;
      if (!region) {
        const near = data.regions.suggest(regionText).map((r) => r.name);
        throw new NotFoundError(`api: region ${regionText} not found${near.length > 0 ? `; did you mean ${near.join(', ')}` : ''}`);
      }
      regionId = region.id;
    }
    const units = data.register.units.filter(
      (u) =>
        (!regionId || (u.regionId !== undefined && data.regions.within(u.regionId, regionId))) &&
        (!q || u.name.includes(q) || u.aliases.some((a) => a.includes(q))),
    );
    ctx.body = { units: units.map((u) => unitJson(data, u)) };
  });

  router.get('/units/:id', (ctx) => {
    const data = deps.store.dataset();
    const unit = data.register.units.find((u) => u.id === ctx.params.id);
    if (!unit) throw new NotFoundError(`api: unit ${ctx.params.id} not found`);
    ctx.body = unitJson(data, unit);
  });

  router.post('/units', async (ctx) => {
    const raw = await readRawBody(ctx, UNITS_BODY_LIMIT);
    const parsed = unitsBodySchema.safeParse(parseJson(raw, 'api'));
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => `${jsonPath(i.path) || 'body'}: ${i.message}`);
      throw new PayloadError(`api: ${issues.join('; ')}`);
    }
    const now = deps.now();
    // Refused all together (400, every problem with its JSON path) before anything is written.
    const { write, units } = planUnits(parsed.data.units, deps.store.dataset());
    const outcome = await deps.imports.applyRegister(write, now, { by: { platform: 'api' }, source: 'api' });
    const data = deps.store.dataset();
    const c = outcome.changes.units;
    ctx.status = c.added > 0 ? 201 : 200;
    ctx.body = {
      added: c.added,
      changed: c.changed,
      unchanged: units.length - c.added - c.changed,
      contacts: outcome.changes.contacts,
      units: units.map((u) => unitJson(data, data.register.units.find((x) => x.id === u.id) ?? u)),
    };
  });
}
