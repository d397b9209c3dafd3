import { createHmac } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Dataset } from '../../data/dataset.ts';
import type { InspectionStore } from '../../data/store.ts';
import { dashText as d } from '../../handlers/dashboard-text.ts';
import { readRawBody } from '../http/raw-body.ts';
import type { Logger } from '../logger.ts';
import type { OutboxReport } from '../outbox/queue.ts';
import type { OutboxSnapshot } from './pages.ts';
import { safeEqual } from '../platforms/platform.ts';
import type { TaskService } from '../reminders/service.ts';
import { html, page } from './html.ts';
import { regionPage } from './pages.ts';

/**
 * The dashboard at `/` (README "Dashboard"): read-only pages, server-rendered, no script.
 * Access: with DASHBOARD_TOKEN, a login form whose right answer sets an HttpOnly cookie holding an
 * HMAC of the token (never the token), compared in constant time; without it, only requests made
 * on this machine directly (loopback address, no proxy headers). No page shows a mobile number.
 */
export interface DashboardDeps {
  store: Pick<InspectionStore, 'dataset'>;
  token?: string | undefined;
  now: () => Date;
  tasks?: TaskService | undefined;
  outbox?: OutboxReport | undefined;
  log: Logger;
}

export const COOKIE = 'ib_dashboard';
const LOGIN_BODY_LIMIT = 4096;
const SESSION_DAYS = 7;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The cookie's value for a token: an HMAC of it, so the cookie never carries the token. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('inspection-bot dashboard session v1').digest('base64url');
}

export function createDashboardRouter(deps: DashboardDeps): Router {
  const r = new Router();
  const session = deps.token ? sessionValue(deps.token) : undefined;

  function send(ctx: Context, status: number, title: string, body: ReturnType<typeof html>, logout = Boolean(session)) {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    ctx.body = page(title, body, { logout, siteTitle: d.siteTitle, logoutText: d.logout, homeText: d.home });
  }

  /** True when the request may see the pages; otherwise it has been answered. */
  function allowed(ctx: Context): boolean {
    if (session) {
      const given = ctx.cookies.get(COOKIE) ?? '';
      if (given && safeEqual(given, session)) return true;
      ctx.status = 303;
      ctx.redirect('/login');
      return false;
    }
    // No token: this machine only. A request relayed by a proxy on this machine carries its headers.
    const from = ctx.req.socket.remoteAddress ?? '';
    const relayed = ctx.get('x-forwarded-for') !== '' || ctx.get('forwarded') !== '' || ctx.get('x-real-ip') !== '';
    if (LOOPBACK.has(from) && !relayed) return true;
    deps.log.warn({ from, relayed }, 'dashboard: refused a request from another machine (DASHBOARD_TOKEN is unset)');
    send(ctx, 403, d.siteTitle, html`<p class="error">${d.loopbackOnly}</p>`, false);
    return false;
  }

  function notFound(ctx: Context) {
    send(ctx, 404, d.notFound, html`<p>${d.notFound}</p><p><a href="/">${d.backHome}</a></p>`);
  }

  async function show(ctx: Context, data: Dataset, regionId: string): Promise<void> {
    const region = data.regions.get(regionId);
    const roundKey = typeof ctx.query.round === 'string' ? ctx.query.round : undefined;
    const view = region
      ? roundKey
        ? data.roundsFor(region.id).find((v) => v.round.key === roundKey)
        : data.roundFor(region.id)
      : undefined;
    if (!region || !view) return notFound(ctx);
    const pageNo = Number.parseInt(typeof ctx.query.page === 'string' ? ctx.query.page : '1', 10);
    const out = regionPage({
      data,
      region,
      view,
      now: deps.now(),
      page: Number.isFinite(pageNo) ? pageNo : 1,
      tasks: deps.tasks,
      outbox: deps.outbox ? await outboxNow(deps.outbox) : undefined,
    });
    send(ctx, 200, out.title, out.body);
  }

  r.get('/', async (ctx) => {
    if (!allowed(ctx)) return;
    const data = deps.store.dataset();
    const latest = data.rounds.at(-1);
    if (!latest) return send(ctx, 200, d.siteTitle, html`<p>${d.noRounds}</p>`);
    await show(ctx, data, latest.round.scopeRegionId);
  });

  r.get('/r/:id', async (ctx) => {
    if (!allowed(ctx)) return;
    await show(ctx, deps.store.dataset(), ctx.params.id ?? '');
  });

  const loginForm = (error?: string) =>
    html`<form class="login" method="post" action="/login"><h1>${d.loginTitle}</h1>${error ? html`<p class="error" role="alert">${error}</p>` : ''}<label for="token">${d.loginLabel}</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus><button type="submit">${d.loginButton}</button></form>`;

  r.get('/login', (ctx) => {
    if (!session) return ctx.redirect('/');
    send(ctx, 200, d.loginTitle, loginForm(), false);
  });

  r.post('/login', async (ctx) => {
    if (!session || !deps.token) return ctx.redirect('/');
    const body = await readRawBody(ctx, LOGIN_BODY_LIMIT);
    const given = new URLSearchParams(body.toString('utf8')).get('token') ?? '';
    if (!safeEqual(given, deps.token)) {
      deps.log.warn({ from: ctx.req.socket.remoteAddress }, 'dashboard: wrong token');
      return send(ctx, 401, d.loginTitle, loginForm(d.loginWrong), false);
    }
    ctx.cookies.set(COOKIE, session, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: ctx.secure,
      maxAge: SESSION_DAYS * 24 * 3600_000,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect('/');
  });

  r.get('/logout', (ctx) => {
    ctx.cookies.set(COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, overwrite: true });
    ctx.status = 303;
    ctx.redirect(session ? '/login' : '/');
  });

  return r;
}

/** The outbox as of now, read once (PostgreSQL answers asynchronously; the page renders synchronously). */
async function outboxNow(report: OutboxReport): Promise<OutboxSnapshot> {
  const [stats, dead] = await Promise.all([report.stats(), report.deadLetters()]);
  return { stats: () => stats, deadLetters: () => dead };
}
