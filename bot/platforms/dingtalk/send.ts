import type { AxiosInstance } from 'axios';
import type { Reply } from '../../../handlers/reply.ts';
import { PlatformError } from '../../errors.ts';
import type { Group } from '../../groups.ts';
import { httpFailure, type PushBody, type Pusher } from '../platform.ts';
import type { ChartImages } from '../../charts/images.ts';
import { jsonBytes, MAX_BODY_BYTES, toMarkdown } from './encode.ts';
import { toChartAnswer, toChartPush } from './image.ts';
import { signedQuery } from './crypto.ts';
import type { DingtalkMessage } from './decode.ts';
import { ChannelClosed, type ReplyChannel } from '../../respond.ts';

/**
 * Outbound calls: custom-robot pushes (protocols.md §4) and session-webhook replies (§5.3).
 * DingTalk answers HTTP 200 with a non-zero errcode on failure (§4.1), so errcode is read on
 * every response; errmsg is logged, never branched on (§7.20).
 */

/** 20 messages a minute per robot, then throttled for 10 minutes (§4.4): wait out the penalty. */
export const RATE_LIMIT_RETRY_MS = 10 * 60_000 + 5_000;
/** The gateway's non-JSON-API block `{status:1111, wait:5, …}` (§4.4): back off a minute. */
export const GATEWAY_BLOCK_RETRY_MS = 60_000;

/** Rate limited: 130101 (older table) and 410100 (current table) (§4.4, §9.8). */
const RATE_LIMITED = new Set([130101, 410100]);

/** A DingTalk errcode as a PlatformError (bot/errors.ts), named for logs and tests. */
export class DingtalkError extends PlatformError {}

/** Maps a response body to success or a DingtalkError (§4.4). */
export function checkErrcode(what: string, data: unknown): void {
  const d = (data ?? {}) as { errcode?: unknown; errmsg?: unknown; status?: unknown };
  if (d.errcode === 0) return;
  if (typeof d.errcode !== 'number') {
    if (d.status !== undefined)
      throw new DingtalkError(
        `${what}: gateway throttled (status ${String(d.status)})`,
        true,
        undefined,
        GATEWAY_BLOCK_RETRY_MS,
      );
    throw new DingtalkError(`${what}: response has no errcode`, true);
  }
  const at = `${what}: errcode ${d.errcode} (${String(d.errmsg ?? '').slice(0, 120)})`;
  if (RATE_LIMITED.has(d.errcode)) throw new DingtalkError(at, true, d.errcode, RATE_LIMIT_RETRY_MS);
  // -1 system busy: retry.
  if (d.errcode === -1) throw new DingtalkError(at, true, d.errcode);
  // 310000 security check (sign, timestamp, keyword, IP), 300001/300005/400101 token,
  // 400013/400102/400106 group or robot gone, 460101 too long, and anything unknown:
  // configuration or content errors that fail again unchanged, so permanent.
  throw new DingtalkError(at, false, d.errcode);
}

export function createDingtalkPusher(
  http: AxiosInstance,
  oapiBase: string,
  clock: () => number = Date.now,
  charts?: ChartImages,
): Pusher {
  return {
    platform: 'dingtalk',
    maxBytes: MAX_BODY_BYTES,
    render(reply: Reply): PushBody {
      // A chart message: the title and the picture by link (bot/platforms/dingtalk/image.ts).
      const body = reply.chart ? toChartPush(reply, charts, new Date(clock())) : toMarkdown(reply);
      return { body, bytes: jsonBytes(body) };
    },
    async send(group: Group, body: Record<string, unknown>) {
      const what = `dingtalk.send(${group.id})`;
      if (group.platform !== 'dingtalk')
        throw new DingtalkError(`${what}: group is ${group.platform}`, false);
      if (!group.robot) throw new DingtalkError(`${what}: group has no robot`, false);
      // https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages
      const url =
        `${trim(oapiBase)}/robot/send?access_token=${encodeURIComponent(group.robot.accessToken)}` +
        `&${signedQuery(group.robot.secret, clock())}`;
      await post(http, url, body, what);
    },
  };
}

/**
 * Answers through a message's sessionWebhook (§5.3): no auth, until it expires. Only URLs under
 * DINGTALK_OAPI_BASE are called, so a message cannot steer the bot to another host.
 */
export async function postSession(
  http: AxiosInstance,
  oapiBase: string,
  sessionWebhook: string,
  body: Record<string, unknown>,
): Promise<void> {
  if (!sameOrigin(sessionWebhook, oapiBase))
    throw new DingtalkError('dingtalk.session: sessionWebhook host is not DINGTALK_OAPI_BASE', false);
  await post(http, sessionWebhook, body, 'dingtalk.session');
}

/**
 * A message's way back (bot/respond.ts): its session webhook until it expires (§5.3), checked
 * by our clock before the POST and by DingTalk's after; closed when the message carried none.
 */
export function sessionChannel(
  http: AxiosInstance,
  oapiBase: string,
  msg: DingtalkMessage,
  clock: () => number = Date.now,
  charts?: ChartImages,
): ReplyChannel {
  return {
    name: 'sessionWebhook',
    async send(answer) {
      if (!msg.session) throw new ChannelClosed('no sessionWebhook');
      if (clock() > msg.session.expiresAt)
        throw new ChannelClosed('sessionWebhook expired before the answer was ready');
      // A /chart answer carries its picture as a link (or says why it cannot).
      await postSession(http, oapiBase, msg.session.url, toChartAnswer(answer, msg.inbound.sender, charts, new Date(clock())));
    },
  };
}

/** POST JSON and read errcode. Errors never include the URL (it carries a token or session). */
async function post(http: AxiosInstance, url: string, body: unknown, what: string): Promise<void> {
  let data: unknown;
  try {
    data = (await http.post(url, body, { headers: { 'content-type': 'application/json; charset=utf-8' } }))
      .data;
  } catch (err) {
    throw httpFailure(what, err);
  }
  checkErrcode(what, data);
}

function trim(base: string): string {
  return base.replace(/\/+$/, '');
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
