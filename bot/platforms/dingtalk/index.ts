import { type PlatformDeps, type PlatformRuntime, type Pusher, responderFor } from '../platform.ts';
import type { FileSource } from '../../imports/chat-files.ts';
import { dingtalkFiles } from './files.ts';
import { createHttpInbound } from './http.ts';
import { createDingtalkPusher as pusher } from './send.ts';
import { DingtalkStream } from './socket.ts';
import { DingtalkTokens } from './token.ts';

/**
 * DingTalk per DINGTALK_MODE (protocols.md §0): `http` mounts POST /dingtalk for an
 * enterprise-internal robot; `stream` opens a Stream connection instead (no public IP needed,
 * §6); `off` neither. Both feed bot/respond.ts, answering through the message's session
 * webhook (§5.3). Custom-robot pushes work in every mode (createDingtalkPusher).
 */
export function createDingtalk(deps: PlatformDeps): PlatformRuntime | undefined {
  const c = deps.config;
  if (c.DINGTALK_MODE === 'off') return undefined;
  const responder = responderFor(deps);
  if (c.DINGTALK_MODE === 'http') {
    const inbound = createHttpInbound({
      // loadConfig guarantees DINGTALK_APP_SECRET when DINGTALK_MODE=http.
      appSecret: c.DINGTALK_APP_SECRET ?? '',
      groups: deps.groups,
      store: deps.pipeline.store,
      responder,
      http: deps.http,
      oapiBase: c.DINGTALK_OAPI_BASE,
      charts: deps.charts,
    });
    return { router: inbound.router(), stop: () => inbound.idle() };
  }
  const stream = new DingtalkStream({
    apiBase: c.DINGTALK_API_BASE,
    // loadConfig guarantees both when DINGTALK_MODE=stream.
    clientId: c.DINGTALK_CLIENT_ID ?? '',
    clientSecret: c.DINGTALK_CLIENT_SECRET ?? '',
    http: deps.http,
    groups: deps.groups,
    log: deps.log,
    responder,
    oapiBase: c.DINGTALK_OAPI_BASE,
    charts: deps.charts,
  });
  return {
    connection: `dingtalk-stream:${c.DINGTALK_CLIENT_ID ?? ''}`,
    start: () => stream.start(),
    stop: () => stream.stop(),
  };
}

/** Custom-robot pushes to `${DINGTALK_OAPI_BASE}/robot/send?access_token=…`, signed per request (§4). */
export function createDingtalkPusher(deps: Pick<PlatformDeps, 'config' | 'http' | 'charts'>): Pusher {
  return pusher(deps.http, deps.config.DINGTALK_OAPI_BASE, Date.now, deps.charts);
}

/**
 * Where the files robot messages carry come from (§10.1), on both transports: the app's token
 * (Stream: DINGTALK_CLIENT_ID/SECRET; HTTP: DINGTALK_APP_SECRET with DINGTALK_CLIENT_ID, or the
 * message's robotCode as the AppKey) and the robot download API. Undefined when DingTalk is off.
 */
export function createDingtalkFiles(deps: Pick<PlatformDeps, 'config' | 'http'>): FileSource | undefined {
  const c = deps.config;
  if (c.DINGTALK_MODE === 'off') return undefined;
  const appSecret = c.DINGTALK_MODE === 'stream' ? c.DINGTALK_CLIENT_SECRET : c.DINGTALK_APP_SECRET;
  const tokens = appSecret
    ? new DingtalkTokens({ http: deps.http, apiBase: c.DINGTALK_API_BASE, appSecret })
    : undefined;
  return dingtalkFiles({
    http: deps.http,
    apiBase: c.DINGTALK_API_BASE,
    tokens,
    appKey: c.DINGTALK_CLIENT_ID,
  });
}
