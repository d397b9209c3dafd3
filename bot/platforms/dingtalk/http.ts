import Router from '@koa/router';
import type { AxiosInstance } from 'axios';
import { replayGuard } from '../../../data/replay.ts';
import { PayloadError, SignatureError } from '../../errors.ts';
import type { Groups } from '../../groups.ts';
import { parseJson, readRawBody } from '../../http/raw-body.ts';
import type { Responder } from '../../respond.ts';
import { verifyHeaders } from './crypto.ts';
import { decodeMessage } from './decode.ts';
import type { ChartImages } from '../../charts/images.ts';
import { sessionChannel } from './send.ts';

/**
 * POST /dingtalk for an enterprise-internal robot in HTTP mode (protocols.md §5). Platform code
 * sees only { headers, body }: verify the headers (before a byte of the body is read) → read
 * → decode → replay guard → respond() in the background → empty 200.
 */

/** Robot messages are small JSON documents; 64 KiB is far above any text message. */
export const BODY_LIMIT = 64 * 1024;

export interface HttpInboundOptions {
  appSecret: string;
  groups: Groups;
  /** Holds the replay guard's bindings (data/replay.ts), so they survive a restart. */
  store: Parameters<typeof replayGuard>[0];
  responder: Responder;
  /** Chart links for /chart answers (bot/charts/). */
  charts?: ChartImages | undefined;
  http: AxiosInstance;
  oapiBase: string;
  /** Wall clock (ms) for the signature window and the session webhook's expiry. */
  clock?: () => number;
}

export function createHttpInbound(o: HttpInboundOptions) {
  const clock = o.clock ?? Date.now;
  const replay = replayGuard(o.store, 'dingtalk');

  function router(): Router {
    const r = new Router();
    r.post('/dingtalk', async (ctx) => {
      const now = clock();
      const sign = header(ctx.headers, 'sign');
      // The signature covers the timestamp only (§5.1): checked before the body is read.
      verifyHeaders({ timestamp: header(ctx.headers, 'timestamp'), sign }, o.appSecret, now);
      const body = await readRawBody(ctx, BODY_LIMIT);
      const msg = decodeMessage(parseJson(body, 'dingtalk'), o.groups);
      if (!msg) throw new PayloadError('dingtalk: body is not a robot message (no msgtype)');
      // The sign covers no body: bound to the first message it carried (replays refused, §5.1).
      if (!(await replay.claim(sign ?? '', msg.inbound.msgId, new Date(now))))
        throw new SignatureError('dingtalk: sign replayed with a different message');
      // Acknowledged once admitted (bot/respond.ts MAX_IN_FLIGHT), answered in the background.
      await o.responder.accept(msg.inbound, sessionChannel(o.http, o.oapiBase, msg, clock, o.charts));
      ctx.status = 200;
      ctx.type = 'text/plain';
      ctx.body = '';
    });
    return r;
  }

  return { router, idle: () => o.responder.idle() };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
