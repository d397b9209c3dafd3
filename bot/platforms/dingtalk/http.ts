import Router from '@koa/router';
import { PayloadError, SignatureError } from '../../errors.ts';
import type { Groups } from '../../groups.ts';
import { parseJson, readRawBody } from '../../http/raw-body.ts';
import type { Logger } from '../../logger.ts';
import type { Answerer } from './answer.ts';
import { decodeMessage } from './decode.ts';
import { verifyHeaders, WINDOW_MS } from './sign.ts';

/**
 * POST /dingtalk for an enterprise-internal robot in HTTP mode (protocols.md §5). Platform code
 * sees only { headers, body }: verify → parse → decode → answer in the background → empty 200.
 */

/** Robot messages are small JSON documents; 64 KiB is far above any text message. */
export const BODY_LIMIT = 64 * 1024;

export interface HttpInboundOptions {
  appSecret: string;
  groups: Groups;
  log: Logger;
  answerer: Answerer;
  /** Wall clock (ms) for the signature window. */
  clock?: () => number;
}

export interface RawResponse {
  status: number;
  body: string;
}

const EMPTY: RawResponse = { status: 200, body: '' };

export function createHttpInbound(o: HttpInboundOptions) {
  const clock = o.clock ?? Date.now;
  const replay = replayGuard();

  /** Signature (401) before anything else; then JSON and fields (400). */
  function handle(headers: Record<string, string | string[] | undefined>, body: Buffer): RawResponse {
    const now = clock();
    const sign = header(headers, 'sign');
    verifyHeaders({ timestamp: header(headers, 'timestamp'), sign }, o.appSecret, now);
    const msg = decodeMessage(parseJson(body, 'dingtalk'), o.groups);
    if (!msg) throw new PayloadError('dingtalk: body is not a robot message (no msgtype)');
    replay.check(sign ?? '', msg.inbound.msgId, now);
    o.answerer.accept(msg);
    return EMPTY;
  }

  function router(): Router {
    const r = new Router();
    r.post('/dingtalk', async (ctx) => {
      const res = handle(ctx.headers, await readRawBody(ctx, BODY_LIMIT));
      ctx.status = res.status;
      ctx.type = 'text/plain';
      ctx.body = res.body;
    });
    return r;
  }

  return { handle, router, idle: () => o.answerer.idle() };
}

/**
 * The signature covers only the timestamp (§5.1), so a captured (timestamp, sign) pair would
 * pass for any body within the hour. A pair is bound to the first msgId it carried: DingTalk's
 * redelivery of that message passes (and is deduplicated), another body under it is refused.
 */
function replayGuard() {
  const seen = new Map<string, { msgId: string; at: number }>();
  return {
    check(sign: string, msgId: string, now: number): void {
      for (const [k, v] of seen) {
        if (now - v.at <= 2 * WINDOW_MS) break; // insertion order is time order
        seen.delete(k);
      }
      const prior = seen.get(sign);
      if (prior && prior.msgId !== msgId)
        throw new SignatureError('dingtalk: sign replayed with a different message');
      if (!prior) seen.set(sign, { msgId, at: now });
    },
  };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
