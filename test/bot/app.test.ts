import type { Server } from 'node:http';
import Router from '@koa/router';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../bot/app.ts';
import { PayloadError } from '../../bot/errors.ts';
import { captureLog } from '../support/log-capture.ts';
import { openEmptyStore, openSeededStore } from '../support/seeded-store.ts';

let server: Server | undefined;
let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
  for (const c of cleanups) await c();
  cleanups = [];
});

/** Starts the app on 127.0.0.1 with a free port; returns its base URL. */
async function listen(app: ReturnType<typeof createApp>): Promise<string> {
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

describe('GET /healthz', () => {
  it('answers ok with the number of rounds and the latest round', async () => {
    const seeded = await openSeededStore();
    cleanups.push(seeded.cleanup);
    const base = await listen(createApp({ store: seeded.store, log: captureLog().log }));
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, rounds: 1, latest: '2020Q1@35' });
  });

  it('answers ok on an empty store, with no latest round', async () => {
    const empty = await openEmptyStore();
    cleanups.push(empty.cleanup);
    const base = await listen(createApp({ store: empty.store, log: captureLog().log }));
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, rounds: 0, latest: null });
  });

  it('refuses another method with 405', async () => {
    const empty = await openEmptyStore();
    cleanups.push(empty.cleanup);
    const base = await listen(createApp({ store: empty.store, log: captureLog().log }));
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});

describe('the error middleware', () => {
  async function appWith(route: () => never) {
    const empty = await openEmptyStore();
    cleanups.push(empty.cleanup);
    const router = new Router();
    router.post('/boom', route);
    const capture = captureLog();
    const base = await listen(createApp({ store: empty.store, log: capture.log, routers: [router] }));
    return { base, lines: capture.lines };
  }

  it('shows an exposed BotError with its status, code and message', async () => {
    const { base } = await appWith(() => {
      throw new PayloadError('wecom: msg_signature missing');
    });
    const res = await fetch(`${base}/boom`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_payload', message: 'wecom: msg_signature missing' });
  });

  it('hides anything else behind a generic 500, and logs it', async () => {
    const { base, lines } = await appWith(() => {
      throw new Error('token abc123 leaked in a stack');
    });
    const res = await fetch(`${base}/boom`, { method: 'POST' });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: 'internal', message: 'internal error' });
    expect(body).not.toContain('abc123');
    expect(lines.some((l) => l.msg === 'request failed' && l.path === '/boom')).toBe(true);
  });

  it('answers 404 for an unknown path', async () => {
    const { base } = await appWith(() => {
      throw new Error('unused');
    });
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });
});
