import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { AxiosInstance } from 'axios';
import { PayloadError, SignatureError } from '../../errors.ts';
import type { Groups } from '../../groups.ts';
import { parseJson, readRawBody } from '../../http/raw-body.ts';
import type { Reply } from '../../../handlers/reply.ts';
import type { Logger } from '../../logger.ts';
import { type PipelineDeps, receive as pipelineReceive } from '../../pipeline.ts';
import { failedPost, type LateReason, queueLateChart, queueLateReply, type ReplyQueue } from '../late-reply.ts';
import type { WecomCipher } from './crypto.ts';
import { decodeMessage, type WecomInbound } from './decode.ts';
import type { ChartImages } from '../../charts/images.ts';
import { toResponseMarkdown, toStream } from './encode.ts';
import { chartImage } from './image.ts';
import { guardInflight } from './inflight.ts';
import { postResponseUrl } from './send.ts';

/**
 * GET|POST /wecom for a 智能机器人 in API mode (protocols.md §2.4, §2.5, §3.1). Platform code sees
 * only { query, body }: verify → decrypt → decode → pipeline → passive reply or response_url.
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
/** A response_url is good for one hour (§3.1, §7.16). */
const RESPONSE_URL_TTL_MS = 3600_000;

export interface CallbackOptions {
  cipher: WecomCipher;
  pipeline: PipelineDeps;
  groups: Groups;
  log: Logger;
  http: AxiosInstance;
  apiBase: string;
  /** The outbox, for answers the response_url cannot carry (bot/platforms/late-reply.ts). */
  replies?: ReplyQueue | undefined;
  /** Chart pictures: a /chart answer carries its PNG in the finishing stream reply (§10.3). */
  charts?: ChartImages | undefined;
  budgetMs?: number;
  /** Wall clock for the timestamp window and passive-reply timestamps (ms). */
  clock?: () => number;
  /** The pipeline entry; tests inject a slow one. */
  receive?: typeof pipelineReceive;
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
  const receive = guardInflight(opts.receive ?? pipelineReceive);
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const pending = new Set<Promise<void>>();

  /** Signature first (401), then the window (401), then decryption (400). */
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
    const receivedAt = clock();
    const work = receive(opts.pipeline, msg.inbound);
    const timer = { id: undefined as NodeJS.Timeout | undefined };
    const late = new Promise<'late'>((resolve) => {
      timer.id = setTimeout(() => resolve('late'), budgetMs);
    });
    // A chart's picture is drawn inside the budget: a passive reply carries it or nothing does.
    const first = await Promise.race([
      work.then(
        (r) => ({ r, image: r ? picture(r) : undefined }),
        (err: unknown) => ({ err }),
      ),
      late,
    ]);
    clearTimeout(timer.id);
    if (first !== 'late') {
      if ('err' in first) {
        opts.log.error({ err: first.err, msgId: msg.inbound.msgId }, 'wecom: pipeline failed');
        return EMPTY;
      }
      if (!first.r) return EMPTY; // a redelivery, already answered
      const nonce = q.get('nonce') ?? '';
      return passiveReply(JSON.stringify(toStream(first.r, randomUUID(), first.image)), nonce);
    }
    // Too slow for a passive reply: answer empty now, then once through response_url (§2.5, §3.1),
    // or through the group robot when the response_url is missing, expired or refused.
    const later = work
      .then(async (reply) => {
        if (reply) await answerLate(msg, reply, receivedAt);
      })
      .catch((err: unknown) => opts.log.error({ err, msgId: msg.inbound.msgId }, 'wecom: late reply failed'))
      .finally(() => pending.delete(later));
    pending.add(later);
    return EMPTY;
  }

  /** The chart's picture; an answer whose chart cannot be drawn still goes out as text. */
  function picture(reply: Reply) {
    try {
      return chartImage(reply, opts.charts);
    } catch (err) {
      opts.log.error({ err }, 'wecom: chart not drawn; answering with text only');
      return undefined;
    }
  }

  async function answerLate(msg: WecomInbound, reply: Reply, receivedAt: number): Promise<void> {
    const fallback = (reason: LateReason) =>
      queueLateReply(opts, 'wecom', msg.inbound, reply, reason, new Date(clock()));
    if (!msg.responseUrl) {
      await fallback({ why: 'no response_url' });
      return;
    }
    if (clock() - receivedAt > RESPONSE_URL_TTL_MS) {
      await fallback({ why: 'response_url expired before the answer was ready' });
      return;
    }
    try {
      await postResponseUrl(opts.http, opts.apiBase, msg.responseUrl, toResponseMarkdown(reply));
    } catch (err) {
      // Used, expired by WeCom's clock, or a network failure: the group robot is the only way left.
      await fallback(failedPost('response_url', err));
      return;
    }
    // response_url carries markdown only (§3.1): a chart's picture goes through the group robot.
    if (reply.chart) await queueLateChart(opts, 'wecom', msg.inbound, reply, new Date(clock()));
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
    r.post('/wecom', async (ctx) =>
      send(ctx, await handle(ctx.querystring, await readRawBody(ctx, BODY_LIMIT))),
    );
    return r;
  }

  /** Resolves when every late reply has been sent or given up. */
  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return { verifyUrl, handle, router, idle };
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
