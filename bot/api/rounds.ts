import { createHash } from 'node:crypto';
import Router from '@koa/router';
import { planRound } from '../../data/import/build-round.ts';
import { diffJson } from '../../data/import/diff.ts';
import type { InspectionStore } from '../../data/store.ts';
import { PayloadError } from '../errors.ts';
import { parseJson, readRawBody } from '../http/raw-body.ts';
import type { ImportService } from '../imports.ts';
import { requireBearer } from './auth.ts';
import { jsonPath, roundBodySchema } from './body.ts';
import { ratesFor, roundSummary } from './rates.ts';
import { bodyDraft } from './records.ts';
import { addUnitRoutes } from './units.ts';

/** A national round (400 tallies, 5,000 failures) is about 1 MB of JSON; five times that is refused. */
export const API_BODY_LIMIT = 5 * 1024 * 1024;

export interface ApiDeps {
  store: InspectionStore;
  imports: ImportService;
  token: string;
  now: () => Date;
}

/**
 * The HTTP API for inspection systems (README “Spreadsheet template and API”): every route
 * needs the bearer token. POST /api/rounds takes the same path as every import: all-or-nothing
 * validation, then ImportService.apply, so alerts fire as for a notice or a spreadsheet.
 */
export function createApiRouter(deps: ApiDeps): Router {
  const router = new Router({ prefix: '/api' });
  router.use(async (ctx, next) => {
    requireBearer(ctx, deps.token);
    await next();
  });

  // The audit trail (data/audit.ts), newest first: ?limit= 1–500, default 50.
  router.get('/audit', async (ctx) => {
    const raw = ctx.query.limit;
    const limit = raw === undefined ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new PayloadError('api: limit must be an integer from 1 to 500');
    ctx.body = { entries: await deps.store.auditLog(limit) };
  });

  router.post('/rounds', async (ctx) => {
    const raw = await readRawBody(ctx, API_BODY_LIMIT);
    const parsed = roundBodySchema.safeParse(parseJson(raw, 'api'));
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => `${jsonPath(i.path) || 'body'}: ${i.message}`);
      throw new PayloadError(`api: ${issues.join('; ')}`);
    }
    const now = deps.now();
    // The body's own bytes identify it; "replace" is how it is applied, not what it says.
    const { replace, ...round } = parsed.data;
    const source = {
      file: 'api',
      sha256: createHash('sha256').update(JSON.stringify(round)).digest('hex'),
      kind: 'api' as const,
    };
    const plan = planRound(bodyDraft(round, source), deps.store.dataset(), now);
    const outcome = await deps.imports.apply(plan.write, now, { replace: replace ?? false });
    const file = plan.write.roundFile;
    ctx.status = outcome.changed && !outcome.replaced ? 201 : 200;
    ctx.body = {
      round: outcome.roundKey,
      changed: outcome.changed,
      replaced: outcome.replaced,
      tallies: file.tallies.length,
      failures: file.failures.length,
      newRegions: plan.write.newRegions.map((r) => ({ id: r.id, name: r.name, parent: r.parent ?? null })),
      ...(outcome.diff ? { diff: diffJson(outcome.diff) } : {}),
    };
  });

  router.get('/rounds', (ctx) => {
    const data = deps.store.dataset();
    ctx.body = { rounds: data.rounds.map((v) => roundSummary(data, v)) };
  });

  router.get('/rates', (ctx) => {
    const one = (name: string) => {
      const v = ctx.query[name];
      if (Array.isArray(v)) throw new PayloadError(`api: query ${name} given more than once`);
      return v?.trim() || undefined;
    };
    ctx.body = ratesFor(deps.store.dataset(), one('region'), one('round'));
  });

  // Units and their contacts (mobile, WeCom userid, DingTalk userId): bot/api/units.ts.
  addUnitRoutes(router, deps);
  return router;
}
