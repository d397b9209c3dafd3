import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type Router from '@koa/router';
import axios from 'axios';
import { createApp } from '../../../../bot/app.ts';
import { repoRoot } from '../../../../bot/config.ts';
import { makeGroups } from '../../../../bot/groups.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { type InspectionStore, LowStore } from '../../../../data/store.ts';

/** The derived sign vectors (test/fixtures/vectors/dingtalk.json; source noted there). */
export const vectors = JSON.parse(
  readFileSync(path.resolve(repoRoot, 'test', 'fixtures', 'vectors', 'dingtalk.json'), 'utf8'),
) as {
  outboundCustomRobot: {
    vectors: Array<{ timestamp: string; secret: string; signBase64: string; signUrlEncoded: string }>;
  };
  inboundHttpRobot: {
    vectors: Array<{ headerTimestamp: string; appSecret: string; expectedHeaderSign: string }>;
  };
};

export const APP_SECRET = 'app-secret-FUZHOU-0123456789';
export const http = axios.create({ timeout: 2000 });

export const groups = makeGroups([
  {
    id: 'fuzhou',
    name: '福州市检查群',
    platform: 'dingtalk',
    conversationId: 'cidFUZHOU',
    follows: { regions: [], units: [] },
    admins: [],
    allClear: false,
  },
]);

/** DingTalk's signature, computed here with node:crypto, never with the code under test. */
export function dingtalkSign(timestamp: string | number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** Headers of an HTTP-mode callback as DingTalk sends them (§5.1). */
export function signedHeaders(o: { ts?: number; secret?: string } = {}): Record<string, string> {
  const ts = String(o.ts ?? Date.now());
  return {
    'content-type': 'application/json; charset=utf-8',
    timestamp: ts,
    sign: dingtalkSign(ts, o.secret ?? APP_SECRET),
  };
}

/** Serves routers on 127.0.0.1:0 through the real app (error middleware included). */
export async function serve(store: InspectionStore, routers: Router[]) {
  const app = createApp({ store, log: silentLogger, routers });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function emptyStore() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dingtalk-test-'));
  return { store: await LowStore.open(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
