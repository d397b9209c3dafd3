import type { PlatformDeps, PlatformRuntime, Pusher } from '../platform.ts';
import { createAnswerer } from './answer.ts';
import { createHttpInbound } from './http.ts';
import { createDingtalkPusher as pusher } from './send.ts';
import { DingtalkStream } from './stream.ts';

/**
 * DingTalk per DINGTALK_MODE (protocols.md §0): `http` mounts POST /dingtalk for an
 * enterprise-internal robot; `stream` opens a Stream connection instead (no public IP needed,
 * §6); `off` neither. Answers go to the message's session webhook in both modes (§5.3).
 * Custom-robot pushes work in every mode (createDingtalkPusher).
 */
export function createDingtalk(deps: PlatformDeps): PlatformRuntime | undefined {
  const c = deps.config;
  if (c.DINGTALK_MODE === 'off') return undefined;
  const answerer = createAnswerer({
    pipeline: deps.pipeline,
    http: deps.http,
    oapiBase: c.DINGTALK_OAPI_BASE,
    log: deps.log,
    groups: deps.groups,
    replies: deps.replies,
  });
  if (c.DINGTALK_MODE === 'http') {
    // loadConfig guarantees DINGTALK_APP_SECRET when DINGTALK_MODE=http.
    const inbound = createHttpInbound({
      appSecret: c.DINGTALK_APP_SECRET ?? '',
      groups: deps.groups,
      log: deps.log,
      answerer,
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
    answerer,
  });
  return {
    connection: `dingtalk-stream:${c.DINGTALK_CLIENT_ID ?? ''}`,
    start: () => stream.start(),
    stop: () => stream.stop(),
  };
}

/** Custom-robot pushes to `${DINGTALK_OAPI_BASE}/robot/send?access_token=…`, signed per request (§4). */
export function createDingtalkPusher(deps: Pick<PlatformDeps, 'config' | 'http'>): Pusher {
  return pusher(deps.http, deps.config.DINGTALK_OAPI_BASE);
}
