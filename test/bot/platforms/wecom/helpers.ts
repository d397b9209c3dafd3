import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type Router from '@koa/router';
import * as oracle from '@wecom/crypto';
import { createApp } from '../../../../bot/app.ts';
import { makeGroups } from '../../../../bot/groups.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import type { InspectionStore } from '../../../../data/store.ts';
import { LowStore } from '../../../../data/store.ts';
import { derived } from './vectors.ts';

/** The 智能机器人 credentials of the derived vector (Tencent's published token and key). */
export const TOKEN = derived.token;
export const KEY = derived.encodingAESKey;

export const groups = makeGroups([
  {
    id: 'fuzhou',
    name: '福州市检查群',
    platform: 'wecom',
    chatId: 'wrFUZHOU',
    follows: { regions: [], units: [] },
    admins: [],
    allClear: false,
  },
]);

/** A callback request as WeCom would send it, signed and encrypted with @wecom/crypto (the oracle). */
export function signedPost(
  message: unknown,
  o: { key?: string; receiveId?: string; ts?: number; nonce?: string; encrypt?: string } = {},
): { query: string; body: string } {
  const plaintext = typeof message === 'string' ? message : JSON.stringify(message);
  const encrypt = o.encrypt ?? oracle.encrypt(o.key ?? KEY, plaintext, o.receiveId ?? '');
  const ts = String(o.ts ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? '1597212914';
  const sig = oracle.getSignature(TOKEN, ts, nonce, encrypt);
  return {
    query: `msg_signature=${sig}&timestamp=${ts}&nonce=${nonce}`,
    body: JSON.stringify({ encrypt }),
  };
}

export function textMessage(content: string, msgid = `msg-${Math.random()}`, responseUrl?: string) {
  return {
    msgid,
    aibotid: 'aibTEST',
    chatid: 'wrFUZHOU',
    chattype: 'group',
    from: { userid: 'zhangsan' },
    ...(responseUrl ? { response_url: responseUrl } : {}),
    msgtype: 'text',
    text: { content: `@巡检助手 ${content}` },
  };
}

/** Serves routers on 127.0.0.1:0 through the real app (error middleware included). */
export async function serve(store: InspectionStore, routers: Router[]) {
  const app = createApp({ store, log: silentLogger, routers });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function emptyStore() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wecom-test-'));
  return { store: await LowStore.open(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
