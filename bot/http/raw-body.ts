import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { BotError, PayloadError, PayloadTooLargeError } from '../errors.ts';

/**
 * How long a request body may take to arrive once its headers are in. Platform callbacks and
 * API bodies are a few kilobytes to a few megabytes sent at once; a body trickled a byte at a
 * time only holds a connection (it was held 327 s before anything was checked).
 */
export const BODY_TIMEOUT_MS = 5_000;

/** The body did not arrive in time → 408, and the connection is closed. */
export class BodyTimeoutError extends BotError {
  constructor(ms: number) {
    super(`request body not received within ${ms} ms`, 'body_timeout', 408, true);
  }
}

/**
 * Reads the request body as bytes, refusing more than `limit` bytes with 413 before reading it
 * all, and a body slower than `ctx.state.bodyTimeoutMs` (default BODY_TIMEOUT_MS) with 408.
 * Platform code verifies signatures over these exact bytes, so no body parser runs first.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  const ms = (ctx.state as { bodyTimeoutMs?: number }).bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      // Nothing more is read from this connection: answer 408 and close it.
      ctx.set('Connection', 'close');
      reject(new BodyTimeoutError(ms));
    }, ms);
  });
  try {
    return await Promise.race([getRawBody(ctx.req, { limit }), late]);
  } catch (err) {
    if (err instanceof BodyTimeoutError) throw err;
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw new PayloadTooLargeError(limit);
    throw new PayloadError(`body could not be read (${type ?? 'aborted'})`);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses JSON bytes; malformed input is a 400, never a 500. */
export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new PayloadError(`${what}: body is not valid JSON`);
  }
}
