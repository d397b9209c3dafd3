import Router from '@koa/router';
import Koa from 'koa';
import type { InspectionStore } from '../data/store.ts';
import { AppError } from '../data/errors.ts';
import type { Logger } from './logger.ts';

export interface AppDeps {
  store: InspectionStore;
  log: Logger;
  /** Platform and API routers (bot/platforms/*, bot/api/*), mounted as given. */
  routers?: Router[];
}

/**
 * The HTTP face of the bot. One middleware decides what a client sees of an error:
 * AppError (BotError, ImportRefused, …) with expose → its status, code, message and details; anything else → logged, 500, generic body.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.use(async (ctx, next) => {
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
