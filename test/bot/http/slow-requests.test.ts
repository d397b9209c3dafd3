import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiRouter } from '../../../bot/api/rounds.ts';
import { createApp, listen } from '../../../bot/app.ts';
import { ImportService } from '../../../bot/imports.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { createHttpInbound } from '../../../bot/platforms/dingtalk/http.ts';
import { createResponder } from '../../../bot/respond.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { slowRequest } from '../../support/raw-http.ts';
import { openSeededStore } from '../../support/seeded-store.ts';
import { APP_SECRET, groups, signedHeaders } from '../platforms/dingtalk/helpers.ts';

/**
 * A request whose body trickles in is answered 408 once the body timeout passes (it used to be
 * held 327 s); headers-only checks (DingTalk's signature, the API token) answer before the body.
 */
const TOKEN = 'api-token-0123456789';
let seeded: Awaited<ReturnType<typeof openSeededStore>>;
let fake: FakeDingtalk;
let server: Server;
let port: number;

beforeAll(async () => {
  seeded = await openSeededStore();
  fake = await FakeDingtalk.start();
  const pipeline = { store: seeded.store, log: silentLogger, now: () => new Date() };
  const dingtalk = createHttpInbound({
    appSecret: APP_SECRET,
    groups,
    store: seeded.store,
    responder: createResponder({ pipeline, groups, log: silentLogger }),
    http: axios.create({ timeout: 2000 }),
    oapiBase: fake.url,
  });
  const api = createApiRouter({
    store: seeded.store,
    imports: new ImportService(seeded.store, silentLogger),
    token: TOKEN,
    now: () => new Date(),
  });
  const app = createApp({
    store: seeded.store,
    log: silentLogger,
    routers: [dingtalk.router(), api],
    bodyTimeoutMs: 300,
  });
  server = await listen(app, 0, '127.0.0.1');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await fake.close();
  await seeded.cleanup();
});

const message = JSON.stringify({
  msgtype: 'text',
  text: { content: '/help' },
  msgId: 'slow-1',
  conversationId: 'cidSLOW',
  conversationType: '2',
  senderStaffId: 'zhangsan',
  sessionWebhook: 'http://127.0.0.1:1/robot/sendBySession?session=x',
  sessionWebhookExpiredTime: Date.now() + 3600_000,
});

describe('a body sent a byte at a time', () => {
  it('gets 408 from POST /dingtalk once the body timeout passes, long before the body is in', async () => {
    const res = await slowRequest({
      port,
      path: '/dingtalk',
      headers: signedHeaders(),
      body: message,
      byteEveryMs: 50,
    });
    expect(res.status).toBe(408);
    expect(res.text).toContain('body_timeout');
    expect(res.bytesSent).toBeLessThan(Buffer.byteLength(message));
  });

  it('gets 408 from POST /api/rounds with the right token', async () => {
    const res = await slowRequest({
      port,
      path: '/api/rounds',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"period":"2020Q2","scope":"福建省","tallies":[]}',
      byteEveryMs: 50,
    });
    expect(res.status).toBe(408);
  });
});

describe('headers-only checks', () => {
  it('refuse a forged DingTalk sign with 401 without waiting for the body', async () => {
    const res = await slowRequest({
      port,
      path: '/dingtalk',
      headers: signedHeaders({ secret: 'not-the-secret' }),
      body: message,
    });
    expect(res.status).toBe(401);
    expect(res.bytesSent).toBe(0);
  });

  it('refuse a wrong API token with 401 without waiting for the body', async () => {
    const res = await slowRequest({
      port,
      path: '/api/rounds',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: '{"period":"2020Q2"}',
    });
    expect(res.status).toBe(401);
    expect(res.bytesSent).toBe(0);
  });
});
