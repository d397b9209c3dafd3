import { apiRequests } from './metrics.ts';
import { createServer, type Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { InspectionStore } from '../data/store.ts';
import { AppError } from '../data/errors.ts';
import { answerClientError } from './http/client-error.ts';
import type { Logger } from './logger.ts';

export interface AppDeps {
  store: InspectionStore;
  log: Logger;
  /** Platform and API routers (bot/platforms/*, bot/api/*), mounted as given. */
  routers?: Router[];
  /** How long a request body may take to arrive (bot/http/raw-body.ts); tests shorten it. */
  bodyTimeoutMs?: number;
}

/**
 * Node's own limits, as a backstop behind readRawBody's: headers within 10 s, the whole request
 * within 15 s, checked every second (Node's defaults are 300 s, checked every 30 s: a body sent
 * a byte at a time was held 327 s).
 */
export const SERVER_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  connectionsCheckingInterval: 1_000,
};

/** Listens with SERVER_LIMITS; resolves once listening. */
export function listen(app: Koa, port: number, host: string): Promise<Server> {
  const server = createServer(SERVER_LIMITS, app.callback());
  // A request the parser refuses (Chinese unencoded in a URL …) gets a body that says why.
  server.on('clientError', answerClientError);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * The HTTP face of the bot. One middleware decides what a client sees of an error:
 * AppError (BotError, ImportRefused, …) with expose → its status, code, message and details; anything else → logged, 500, generic body.
 */
/** Which part of the bot a path belongs to, for the request counter (a bounded label set). */
function routeGroup(path: string): string {
  const first = path.split('/')[1] ?? '';
  return ['api', 'dingtalk', 'wecom', 'metrics', 'healthz', 'charts'].includes(first) ? first : 'other';
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  // One log line per API call (method, path without its query, status, time; never the body or token).
  app.use(async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routeGroup(ctx.path);
      apiRequests.inc({ route, status: String(ctx.status) });
      if (route === 'api')
        deps.log.info(
          { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
          'api call',
        );
    }
  });
  app.use(async (ctx, next) => {
    if (deps.bodyTimeoutMs !== undefined) ctx.state.bodyTimeoutMs = deps.bodyTimeoutMs;
    try {
      await next();
    } catch (err) {
      if (err instanceof AppError && err.expose) {
        ctx.status = err.status;
        const details = err.details;
        ctx.body =
          details === undefined
            ? { error: err.code, message: err.message }
            : { error: err.code, message: err.message, details };
        deps.log.warn(
          { path: ctx.path, status: err.status, code: err.code, msg: err.message },
          'request refused',
        );
      } else {
        deps.log.error({ err, path: ctx.path }, 'request failed');
        ctx.status = 500;
        ctx.body = { error: 'internal', message: 'internal error' };
      }
    }
  });
  const router = new Router();
  router.get('/healthz', (ctx) => {
    const data = deps.store.dataset();
    const latest = data.rounds.at(-1)?.round;
    ctx.body = { ok: true, rounds: data.rounds.length, latest: latest?.key ?? null };
  });
  app.use(router.routes()).use(router.allowedMethods());
  for (const r of deps.routers ?? []) app.use(r.routes()).use(r.allowedMethods());
  return app;
}
