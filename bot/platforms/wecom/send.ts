import type { AxiosInstance } from 'axios';
import type { Reply } from '../../../handlers/reply.ts';
import { PlatformError } from '../../errors.ts';
import type { Group } from '../../groups.ts';
import { httpFailure, type PushBody, type Pusher, utf8Bytes } from '../platform.ts';
import { ChannelClosed, type ReplyChannel } from '../../respond.ts';
import type { WecomInbound } from './decode.ts';
import type { ChartImages } from '../../charts/images.ts';
import { MARKDOWN_MAX_BYTES, toMarkdown, toResponseMarkdown, toText } from './encode.ts';
import { IMAGE_MAX_BYTES, toImageMessage } from './image.ts';

/**
 * Outbound calls: group robot pushes (protocols.md §1) and the single reply through a 智能机器人
 * response_url (§3.1). WeCom answers HTTP 200 with a non-zero errcode on failure (§1.1), so
 * errcode is read on every response; errmsg is logged, never branched on (§1.5).
 */

/** A response_url is good for one hour (§3.1, §7.16). */
export const RESPONSE_URL_TTL_MS = 3600_000;

/** 20 messages per minute per robot (§1.3): a rate-limited push may try again after a minute. */
export const RATE_LIMIT_RETRY_MS = 65_000; // a minute plus margin, as wecom-notifier waits (§1.3)

/** A WeCom errcode as a PlatformError (bot/errors.ts), named for logs and tests. */
export class WecomError extends PlatformError {}

/** Maps a response body to success or a WecomError (§1.5). */
export function checkErrcode(what: string, data: unknown): void {
  const errcode = (data as { errcode?: unknown } | null)?.errcode;
  if (errcode === 0) return;
  const errmsg = String((data as { errmsg?: unknown } | null)?.errmsg ?? '').slice(0, 120);
  if (typeof errcode !== 'number') throw new WecomError(`${what}: response has no errcode`, true);
  const at = `${what}: errcode ${errcode} (${errmsg})`;
  // 45009 api freq out of limit, 20/min per robot (§1.3): retry after a minute.
  if (errcode === 45009) throw new WecomError(at, true, errcode, RATE_LIMIT_RETRY_MS);
  // -1 system busy: retry.
  if (errcode === -1) throw new WecomError(at, true, errcode);
  // 40058 too long (the same body fails again), 93000 invalid key (configuration, §7.9),
  // and anything unknown: permanent, for a person to look at (§1.5).
  throw new WecomError(at, false, errcode);
}

/** A mention only a mobile can reach: the push goes as `text` (≤2,048 bytes) to notify them. */
export function needsText(reply: Reply): boolean {
  return reply.mentions.some((c) => !c.wecomUserId && Boolean(c.mobile));
}

export function createWecomPusher(http: AxiosInstance, apiBase: string, charts?: ChartImages): Pusher {
  return {
    platform: 'wecom',
    maxBytes: MARKDOWN_MAX_BYTES,
    render(reply: Reply): PushBody {
      // A chart message is the picture alone: the group robot's image message (§1.2).
      if (reply.chart) {
        const png = charts?.png(reply.chart);
        if (!png) throw new WecomError('wecom.image: the chart has no data any more (or charts are off)', false);
        const body = toImageMessage(png);
        return { body, bytes: Math.min(png.length, IMAGE_MAX_BYTES) };
      }
      // Markdown @s by userid only (<@userid>); a contact known only by mobile is reached by a
      // text message's mentioned_mobile_list (protocols.md §10.4), so such a push goes as text.
      if (needsText(reply)) {
        const body = toText(reply);
        return { body, bytes: utf8Bytes(body.text.content) };
      }
      const body = toMarkdown(reply);
      return { body, bytes: utf8Bytes(body.markdown.content) };
    },
    async send(group: Group, body: Record<string, unknown>) {
      if (group.platform !== 'wecom')
        throw new WecomError(`wecom.send: group ${group.id} is ${group.platform}`, false);
      if (!group.robot) throw new WecomError(`wecom.send: group ${group.id} has no robot.key`, false);
      await postWebhook(http, apiBase, group.robot.key, body, `wecom.send(${group.id})`);
    },
  };
}

/** POST {apiBase}/cgi-bin/webhook/send?key=… (§1.1). Errors never include the key. */
export async function postWebhook(
  http: AxiosInstance,
  apiBase: string,
  key: string,
  body: Record<string, unknown>,
  what = 'wecom.send',
): Promise<void> {
  // https://developer.work.weixin.qq.com/document/path/91770
  const url = `${apiBase.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  let data: unknown;
  try {
    data = (await http.post(url, body, { headers: { 'content-type': 'application/json' } })).data;
  } catch (err) {
    throw httpFailure(what, err);
  }
  checkErrcode(what, data);
}

/**
 * The one active reply a 智能机器人 callback allows: single use, valid one hour (§3.1, §7.16).
 * Only URLs under WECOM_API_BASE are called, so a callback cannot steer the bot elsewhere.
 */
export async function postResponseUrl(
  http: AxiosInstance,
  apiBase: string,
  responseUrl: string,
  body: Record<string, unknown>,
): Promise<void> {
  // https://developer.work.weixin.qq.com/document/path/101138
  if (!sameOrigin(responseUrl, apiBase)) {
    throw new WecomError('wecom.response_url: host is not WECOM_API_BASE', false);
  }
  let data: unknown;
  try {
    data = (await http.post(responseUrl, body, { headers: { 'content-type': 'application/json' } })).data;
  } catch (err) {
    throw httpFailure('wecom.response_url', err);
  }
  checkErrcode('wecom.response_url', data);
}

/**
 * A callback's way back after its passive reply window (bot/respond.ts): the response_url, once,
 * within an hour of the message's arrival (§3.1); closed when the message carried none.
 */
export function responseUrlChannel(
  http: AxiosInstance,
  apiBase: string,
  msg: WecomInbound,
  clock: () => number = Date.now,
): ReplyChannel {
  const receivedAt = clock();
  return {
    name: 'response_url',
    async send(answer) {
      if (!msg.responseUrl) throw new ChannelClosed('no response_url');
      if (clock() - receivedAt > RESPONSE_URL_TTL_MS)
        throw new ChannelClosed('response_url expired before the answer was ready');
      await postResponseUrl(http, apiBase, msg.responseUrl, toResponseMarkdown(answer));
    },
  };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
