import { type PlatformDeps, type PlatformRuntime, type Pusher, responderFor } from '../platform.ts';
import type { FileSource } from '../../imports/chat-files.ts';
import { createCipher } from './crypto.ts';
import { wecomFiles } from './files.ts';
import { createCallback } from './http.ts';
import { createWecomPusher as pusher } from './send.ts';
import { WecomLongConn } from './socket.ts';

/**
 * WeCom per WECOM_MODE (protocols.md §0): `callback` mounts GET|POST /wecom for a 智能机器人 in
 * API mode; `longconn` opens the long connection instead (no public IP needed); `off` neither.
 * Both feed bot/respond.ts. Group robot pushes work in every mode (createWecomPusher).
 */
export function createWecom(deps: PlatformDeps): PlatformRuntime | undefined {
  const c = deps.config;
  if (c.WECOM_MODE === 'off') return undefined;
  const responder = responderFor(deps);
  if (c.WECOM_MODE === 'callback') {
    const callback = createCallback({
      // loadConfig guarantees both when WECOM_MODE=callback; receiveid is '' for 智能机器人 (§2.3).
      cipher: createCipher({
        token: c.WECOM_TOKEN ?? '',
        encodingAESKey: c.WECOM_ENCODING_AES_KEY ?? '',
        receiveId: '',
      }),
      groups: deps.groups,
      log: deps.log,
      responder,
      http: deps.http,
      apiBase: c.WECOM_API_BASE,
      charts: deps.charts,
    });
    return { router: callback.router(), stop: () => callback.idle() };
  }
  if (c.WECOM_MODE === 'longconn') {
    const conn = new WecomLongConn({
      url: c.WECOM_WS_URL,
      botId: c.WECOM_BOT_ID ?? '',
      secret: c.WECOM_BOT_SECRET ?? '',
      groups: deps.groups,
      log: deps.log,
      responder,
    });
    return {
      connection: `wecom-longconn:${c.WECOM_BOT_ID ?? ''}`,
      start: () => conn.start(),
      stop: () => conn.stop(),
    };
  }
  return undefined;
}

/** Group robot pushes to `${WECOM_API_BASE}/cgi-bin/webhook/send?key=…` (§1). */
export function createWecomPusher(deps: Pick<PlatformDeps, 'config' | 'http' | 'charts'>): Pusher {
  return pusher(deps.http, deps.config.WECOM_API_BASE, deps.charts);
}

/**
 * Where the files 智能机器人 messages carry come from (§10.2): downloaded and decrypted with the
 * message's own aeskey (long connection) or the bot's EncodingAESKey (callback). Undefined when
 * WeCom is off.
 */
export function createWecomFiles(deps: Pick<PlatformDeps, 'config' | 'http'>): FileSource | undefined {
  const c = deps.config;
  if (c.WECOM_MODE === 'off') return undefined;
  return wecomFiles({
    http: deps.http,
    encodingAESKey: c.WECOM_MODE === 'callback' ? c.WECOM_ENCODING_AES_KEY : undefined,
  });
}
