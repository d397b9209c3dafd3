import type { PlatformDeps, PlatformRuntime, Pusher } from '../platform.ts';
import { createCallback } from './callback.ts';
import { createCipher } from './crypto.ts';
import { WecomLongConn } from './longconn.ts';
import { createWecomPusher as pusher } from './send.ts';

/**
 * WeCom per WECOM_MODE (protocols.md §0): `callback` mounts GET|POST /wecom for a 智能机器人 in
 * API mode; `longconn` opens the long connection instead (no public IP needed); `off` neither.
 * Group robot pushes work in every mode (createWecomPusher).
 */
export function createWecom(deps: PlatformDeps): PlatformRuntime | undefined {
  const c = deps.config;
  if (c.WECOM_MODE === 'callback') {
    const callback = createCallback({
      // loadConfig guarantees both when WECOM_MODE=callback; receiveid is '' for 智能机器人 (§2.3).
      cipher: createCipher({
        token: c.WECOM_TOKEN ?? '',
        encodingAESKey: c.WECOM_ENCODING_AES_KEY ?? '',
        receiveId: '',
      }),
      pipeline: deps.pipeline,
      groups: deps.groups,
      log: deps.log,
      http: deps.http,
      apiBase: c.WECOM_API_BASE,
      replies: deps.replies,
    });
    return { router: callback.router(), stop: () => callback.idle() };
  }
  if (c.WECOM_MODE === 'longconn') {
    const conn = new WecomLongConn({
      url: c.WECOM_WS_URL,
      botId: c.WECOM_BOT_ID ?? '',
      secret: c.WECOM_BOT_SECRET ?? '',
      pipeline: deps.pipeline,
      groups: deps.groups,
      log: deps.log,
    });
    return { connection: `wecom-longconn:${c.WECOM_BOT_ID ?? ''}`, start: () => conn.start(), stop: () => conn.stop() };
  }
  return undefined;
}

/** Group robot pushes to `${WECOM_API_BASE}/cgi-bin/webhook/send?key=…` (§1). */
export function createWecomPusher(deps: Pick<PlatformDeps, 'config' | 'http'>): Pusher {
  return pusher(deps.http, deps.config.WECOM_API_BASE);
}
