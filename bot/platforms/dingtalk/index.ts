import { type PlatformDeps, type PlatformRuntime, type Pusher, responderFor } from '../platform.ts';
import { createHttpInbound } from './http.ts';
import { createDingtalkPusher as pusher } from './send.ts';
import { DingtalkStream } from './socket.ts';

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
