import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { InspectionStore } from '../../data/store.ts';
import { chartText } from '../../handlers/chart-text.ts';
import { chartFor, chartPng } from '../../handlers/charts/build.ts';
import type { ChartLinks } from './links.ts';

/**
 * GET /charts/<id>.png: a chart link (bot/charts/links.ts) as DingTalk's servers and clients fetch
 * it. 404 for an id that is not ours or whose round is gone, 410 once expired; never a 5xx for a
 * bad id. Public by design (the id is the capability), like the picture in the chat.
 */
export function createChartRouter(o: { store: InspectionStore; links: ChartLinks; now: () => Date }): Router {
  const r = new Router();
  r.get('/charts/:file', (ctx) => {
    const file = ctx.params.file ?? '';
    const check = file.endsWith('.png') ? o.links.check(file.slice(0, -4), o.now()) : ({ ok: false, why: 'bad' } as const);
    const data = o.store.dataset();
    const chart = check.ok ? chartFor(data, check.ref) : undefined;
    if (!check.ok || !chart) {
      ctx.status = check.ok || check.why === 'bad' ? 404 : 410;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = chartText.linkExpired;
      return;
    }
    const png = chartPng(data, chart);
    const etag = `"${createHash('sha256').update(png).digest('base64url').slice(0, 22)}"`;
    ctx.set('ETag', etag);
    // A re-import may redraw the same link: caches keep it a few minutes at most.
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (ctx.get('if-none-match') === etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'image/png';
    ctx.body = png;
  });
  return r;
}
