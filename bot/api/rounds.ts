import { createHash } from 'node:crypto';
import Router from '@koa/router';
import { buildRound } from '../../data/import/sheet/build-round.ts';
import { Problems } from '../../data/import/sheet/problems.ts';
import { ImportRegions } from '../../data/import/sheet/regions.ts';
import type { InspectionStore } from '../../data/store.ts';
import { PayloadError } from '../errors.ts';
import { parseJson, readRawBody } from '../http/raw-body.ts';
import type { ImportService } from '../imports.ts';
import { requireBearer } from './auth.ts';
import { jsonPath, roundBodySchema } from './body.ts';
import { ratesFor, roundSummary } from './rates.ts';
import { bodyRecords } from './records.ts';

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

  router.post('/rounds', async (ctx) => {
    const raw = await readRawBody(ctx, API_BODY_LIMIT);
    const parsed = roundBodySchema.safeParse(parseJson(raw, 'api'));
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => `${jsonPath(i.path) || 'body'}: ${i.message}`);
      throw new PayloadError(`api: ${issues.join('; ')}`);
    }
    const { records, meta } = bodyRecords(parsed.data);
    const data = deps.store.dataset();
    const problems = new Problems();
    const now = deps.now();
    const source = { file: 'api', sha256: createHash('sha256').update(raw).digest('hex'), kind: 'api' as const };
    const write = buildRound(records, meta, new ImportRegions(data.register.regions), data, source, now, problems);
    problems.throwIfAny();
    const outcome = await deps.imports.apply(write!, now);
    const file = write!.roundFile;
    ctx.status = outcome.changed && !outcome.replaced ? 201 : 200;
    ctx.body = {
      round: outcome.roundKey,
      changed: outcome.changed,
      replaced: outcome.replaced,
      tallies: file.tallies.length,
      failures: file.failures.length,
      newRegions: write!.newRegions.map((r) => ({ id: r.id, name: r.name, parent: r.parent ?? null })),
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
  return router;
}
