import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import Router from '@koa/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen } from '../../../bot/app.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { openSeededStore } from '../../support/seeded-store.ts';

/**
 * Requests Node's parser refuses before the app sees them: a URL with Chinese typed in it gets a
 * 400 that says to percent-encode and how (README's `GET /api/rates?region=福州`); the other cases
 * keep Node's own status. The connection is closed, the server keeps serving.
 */
let seeded: Awaited<ReturnType<typeof openSeededStore>>;
let server: Server;
let port: number;

beforeAll(async () => {
  seeded = await openSeededStore();
  const router = new Router();
  router.get('/echo', (ctx) => {
    ctx.body = { region: ctx.query.region };
  });
  server = await listen(createApp({ store: seeded.store, log: silentLogger, routers: [router] }), 0, '127.0.0.1');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await seeded.cleanup();
});

/** Sends raw bytes and reads everything until the server closes. */
function raw(bytes: Buffer): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
  });
}

describe('answerClientError()', () => {
  it('answers a URL with unencoded Chinese with 400 and how to encode it', async () => {
    const res = await raw(Buffer.from('GET /echo?region=福州 HTTP/1.1\r\nHost: x\r\n\r\n', 'utf8'));
    expect(res.status).toBe(400);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    const body = JSON.parse(res.body);
    expect(body.error).toBe('bad_url');
    expect(body.message).toContain('/api/rates?region=%E7%A6%8F%E5%B7%9E');
    expect(body.message).toContain('curl -G --data-urlencode region=福州');
  });

  it('keeps Node’s status for other refusals: 431 for headers too large, 400 for garbage', async () => {
    const big = `GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    expect((await raw(Buffer.from(big))).status).toBe(431);
    const garbage = await raw(Buffer.from('HELLO\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body).toBe('');
  });

  it('serves the same query percent-encoded, and keeps serving after a refusal', async () => {
    await raw(Buffer.from('GET /echo?region=福州 HTTP/1.1\r\nHost: x\r\n\r\n', 'utf8'));
    const res = await fetch(`http://127.0.0.1:${port}/echo?region=${encodeURIComponent('福州')}`);
    expect(await res.json()).toEqual({ region: '福州' });
  });
});
