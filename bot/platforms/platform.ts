import { timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import { AxiosError, type AxiosInstance } from 'axios';
import type { Reply } from '../../handlers/reply.ts';
import type { ChartImages } from '../charts/images.ts';
import type { Config } from '../config.ts';
import { PlatformError } from '../errors.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import type { PipelineDeps } from '../pipeline.ts';
import { createResponder, type Responder } from '../respond.ts';
import type { ReplyQueue } from './late-reply.ts';

/**
 * What every platform (bot/platforms/dingtalk, bot/platforms/wecom) provides, in the same
 * outline (index, crypto, http, socket, decode, encode, send): inbound (verify → decode →
 * respond), and pushes to group robots.
 */
export interface PlatformDeps {
  config: Config;
  pipeline: PipelineDeps;
  groups: Groups;
  log: Logger;
  /** Outbound HTTP; base URLs come from config so tests and demos hit the local fakes. */
  http: AxiosInstance;
  /**
   * The outbox, for command answers that cannot go back through the message's own channel
   * (an expired or refused WeCom response_url or DingTalk sessionWebhook): they go to the group
   * robot instead (bot/platforms/late-reply.ts). Without it such answers are dropped and logged.
   */
  replies?: ReplyQueue;
  /** Chart pictures for /chart answers and chart pushes (bot/charts/images.ts). */
  charts?: ChartImages;
}

/** The one answering path (bot/respond.ts) over these dependencies, for a platform's transports. */
export function responderFor(deps: PlatformDeps): Responder {
  return createResponder({
    pipeline: deps.pipeline,
    groups: deps.groups,
    log: deps.log,
    replies: deps.replies,
  });
}

export interface PlatformRuntime {
  /** Inbound HTTP routes (POST /dingtalk, GET|POST /wecom), if the mode uses them. */
  router?: Router;
  /**
   * The long connection's name (`wecom-longconn:<bot id>`): with several instances on PostgreSQL
   * one holds it at a time (bot/coordination.ts), the others take over when it dies.
   */
  connection?: string;
  /** Opens long-lived connections (DingTalk Stream, WeCom long connection). */
  start?(): Promise<void>;
  /** Closes them; resolves when closed. */
  stop?(): Promise<void>;
}

/** A rendered push body and its size as the platform counts it. */
export interface PushBody {
  body: Record<string, unknown>;
  bytes: number;
}

/** Pushes to group robots. send() throws PlatformError (retryable or not) on any failure. */
export interface Pusher {
  readonly platform: Group['platform'];
  /** Largest body the platform accepts for the kind render() produces, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Renders a reply as the group-robot message (markdown with @-mentions in the platform's form). */
  render(reply: Reply): PushBody;
  send(group: Group, body: Record<string, unknown>): Promise<void>;
}

/** Constant-time string comparison; unequal lengths are simply unequal. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Turns a transport failure into a PlatformError: network errors, timeouts and 5xx are
 * retryable, other HTTP statuses are not. Never includes the URL (it may carry a token).
 */
export function httpFailure(platform: string, err: unknown): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof AxiosError) {
    const status = err.response?.status;
    if (status === undefined)
      return new PlatformError(`${platform}: network error (${err.code ?? 'unknown'})`, true);
    if (status >= 500 || status === 429) return new PlatformError(`${platform}: HTTP ${status}`, true);
    return new PlatformError(`${platform}: HTTP ${status}`, false);
  }
  return new PlatformError(`${platform}: ${(err as Error).message ?? String(err)}`, true);
}

/**
 * Text from data or chat made inert for a markdown dialect: each character in `swap` becomes its
 * full-width twin (Chinese text reads them as ordinary punctuation), a `://` loses its colon to
 * `：` so no bare URL is auto-linked, a line break inside the text becomes a space (one line of
 * data never opens a heading or a list on the next), and a line that begins with a block marker
 * (`-`, `+`, `=`, `>`, `#`, `|`, a space run) has that marker swapped too.
 */
export function neutralize(text: string, swap: Readonly<Record<string, string>>): string {
  const out = text
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(swapPattern(swap), (ch) => swap[ch] ?? ch)
    .replace(/:\/\//g, '：//');
  return out.replace(/^[\s]*([-+=>#|])/, (_m, c: string) => FULL_WIDTH[c] ?? c);
}

/** One regular expression per swap table, matching any of its characters (a mass alert escapes thousands of lines). */
const swapPatterns = new WeakMap<Readonly<Record<string, string>>, RegExp>();
function swapPattern(swap: Readonly<Record<string, string>>): RegExp {
  let re = swapPatterns.get(swap);
  if (!re) {
    const chars = Object.keys(swap).map((c) => c.replace(/[\\\]^-]/g, '\\$&'));
    re = new RegExp(`[${chars.join('')}]`, 'gu');
    swapPatterns.set(swap, re);
  }
  return re;
}

/** Full-width twins of the ASCII characters markdown dialects read as markup. */
export const FULL_WIDTH: Readonly<Record<string, string>> = {
  '#': '＃',
  '*': '＊',
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '<': '＜',
  '>': '＞',
  '@': '＠',
  '`': '｀',
  '!': '！',
  '|': '｜',
  '~': '～',
  '-': '－',
  '+': '＋',
  '=': '＝',
  '\\': '＼',
};
