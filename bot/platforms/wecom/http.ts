import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { AxiosInstance } from 'axios';
import type { Reply } from '../../../handlers/reply.ts';
import { PayloadError, SignatureError } from '../../errors.ts';
import type { Groups } from '../../groups.ts';
import { parseJson, readRawBody } from '../../http/raw-body.ts';
import type { Logger } from '../../logger.ts';
import { CHART_NOT_CARRIED, type Responder } from '../../respond.ts';
import type { WecomCipher } from './crypto.ts';
import { decodeMessage } from './decode.ts';
import type { ChartImages } from '../../charts/images.ts';
import { toStream } from './encode.ts';
import { chartImage, type WecomImage } from './image.ts';

/** The passive reply: the answer and its chart's picture. */
type Passive = { answer: Reply; image: WecomImage | undefined };
import { responseUrlChannel } from './send.ts';

/**
 * GET|POST /wecom for a 智能机器人 in API mode (protocols.md §2.4, §2.5, §3.1). Platform code sees
 * only { query, body }: verify → decrypt → decode → respond(), whose reply channel is the passive
 * reply while the request is still open and the response_url after that.
 */

/** Callbacks are small JSON envelopes; 64 KiB is far above any text message. */
export const BODY_LIMIT = 64 * 1024;
/**
 * Accepted |now − timestamp|. WeCom retries within seconds (§2.5), and msgid dedupe lasts 48 h,
 * so this only bounds replays and tolerates clock skew; one hour matches DingTalk's rule (§5.1).
 */
export const TIMESTAMP_WINDOW_S = 3600;
/** WeCom gives up after 5 s and retries (§2.5); answering within 3 s leaves room for the network. */
export const DEFAULT_BUDGET_MS = 3000;

export interface CallbackOptions {
  cipher: WecomCipher;
  groups: Groups;
  log: Logger;
  responder: Responder;
  http: AxiosInstance;
  apiBase: string;
  budgetMs?: number;
  /** Chart pictures: a /chart answer carries its PNG in the finishing stream reply (§10.3). */
  charts?: ChartImages | undefined;
  /** Wall clock for the timestamp window, passive-reply timestamps and the response_url's life (ms). */
  clock?: () => number;
}

export interface RawResponse {
  status: number;
  /** Content type; JSON for passive replies, text/plain otherwise. */
  type: 'application/json' | 'text/plain';
  body: string;
}

const EMPTY: RawResponse = { status: 200, type: 'text/plain', body: '' };

export function createCallback(opts: CallbackOptions) {
  const clock = opts.clock ?? Date.now;
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;

  /**
   * Signature first (401), then the window (401), then decryption (400). Every decryption
   * failure is the same 400: what a wrong key decrypts to is never echoed nor logged.
   */
  function open(q: Map<string, string>, encrypt: string): string {
    const sig = q.get('msg_signature');
    if (!sig) throw new SignatureError('wecom: msg_signature missing');
    const timestamp = q.get('timestamp') ?? '';
    const nonce = q.get('nonce');
    if (!/^\d{1,12}$/.test(timestamp))
      throw new PayloadError(`wecom: timestamp "${timestamp.slice(0, 20)}" is not seconds`);
    if (!nonce) throw new PayloadError('wecom: nonce missing');
    opts.cipher.verify(sig, timestamp, nonce, encrypt);
    const skew = Math.abs(clock() / 1000 - Number(timestamp));
    if (skew > TIMESTAMP_WINDOW_S)
      throw new SignatureError(`wecom: timestamp ${timestamp} outside the 1 h window`);
    return opts.cipher.decrypt(encrypt);
  }

  /** URL verification: the bare decrypted echostr, nothing else (§2.4, §7.14). */
  function verifyUrl(query: string): RawResponse {
    const q = parseQuery(query);
    const echostr = q.get('echostr');
    if (!echostr) throw new PayloadError('wecom: echostr missing');
    return { status: 200, type: 'text/plain', body: open(q, echostr) };
  }

  async function handle(query: string, body: Buffer): Promise<RawResponse> {
    const q = parseQuery(query);
    const envelope = parseJson(body, 'wecom') as { encrypt?: unknown } | null;
    const encrypt = envelope?.encrypt;
    if (typeof encrypt !== 'string' || encrypt === '') throw new PayloadError('wecom: body.encrypt missing');
    const plain = open(q, encrypt);
    const msg = decodeMessage(parseJson(Buffer.from(plain, 'utf8'), 'wecom.decrypt'), opts.groups);
    if (!msg) return EMPTY;
    // The way back: the passive reply while this request waits (budgetMs), the response_url after.
    let state: 'waiting' | 'passive' | 'late' = 'waiting';
    let settle: (r: Passive | undefined) => void = () => {};
    const first = new Promise<Passive | undefined>((resolve) => {
      settle = resolve;
    });
    const responseUrl = responseUrlChannel(opts.http, opts.apiBase, msg, clock);
    const done = opts.responder.respond(msg.inbound, {
      name: 'passive reply or response_url',
      async send(answer) {
        if (state === 'waiting') {
          // The picture is drawn inside the budget: the passive reply carries it or nothing does.
          const image = picture(answer);
          if (state === 'waiting') {
            state = 'passive';
            settle({ answer, image });
            return;
          }
        }
        await responseUrl.send(answer);
        // response_url carries markdown only (§3.1): the picture goes through the group robot.
        return answer.chart ? CHART_NOT_CARRIED : undefined;
      },
    });
    const timer = setTimeout(() => {
      if (state === 'waiting') state = 'late';
      settle(undefined);
    }, budgetMs);
    // A redelivery (or a failure) ends respond() without an answer: empty 200 at once.
    done.then(
      () => settle(undefined),
      (err: unknown) => {
        opts.log.error({ err, msgId: msg.inbound.msgId }, 'wecom: message not answered');
        settle(undefined);
      },
    );
    const passive = await first;
    clearTimeout(timer);
    if (state === 'waiting') state = 'late';
    if (!passive) return EMPTY;
    return passiveReply(JSON.stringify(toStream(passive.answer, randomUUID(), passive.image)), q.get('nonce') ?? '');
  }

  /** A chart's picture for the passive reply; an answer whose chart cannot be drawn goes as text. */
  function picture(answer: Reply): WecomImage | undefined {
    try {
      return chartImage(answer, opts.charts);
    } catch (err) {
      opts.log.error({ err }, 'wecom: chart not drawn; answering with text only');
      return undefined;
    }
  }

  /** Encrypted JSON passive reply; timestamp in seconds as a number, nonce reused (§2.6). */
  function passiveReply(plaintext: string, nonce: string): RawResponse {
    const encrypt = opts.cipher.encrypt(plaintext);
    const timestamp = Math.floor(clock() / 1000);
    const msgsignature = opts.cipher.sign(String(timestamp), nonce, encrypt);
    return {
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ encrypt, msgsignature, timestamp, nonce }),
    };
  }

  function router(): Router {
    const r = new Router();
    const send = (ctx: { status: number; type: string; body: unknown }, res: RawResponse) => {
      ctx.status = res.status; // explicit, so an empty body stays 200 (WeCom treats non-200 as failure, §2.5)
      ctx.type = res.type;
      ctx.body = res.body;
    };
    r.get('/wecom', (ctx) => send(ctx, verifyUrl(ctx.querystring)));
    r.post('/wecom', async (ctx) => {
      // msg_signature signs the body's ciphertext (§2.2): nothing to check before reading it.
      send(ctx, await handle(ctx.querystring, await readRawBody(ctx, BODY_LIMIT)));
    });
    return r;
  }

  return { verifyUrl, handle, router, idle: () => opts.responder.idle() };
}

/** Decodes each parameter exactly once; `+` stays `+` (base64), a repeated key is refused. */
export function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      throw new PayloadError('wecom: query string has invalid percent-encoding');
    }
    if (out.has(key)) throw new PayloadError(`wecom: query parameter ${key.slice(0, 40)} repeated`);
    out.set(key, value);
  }
  return out;
}
