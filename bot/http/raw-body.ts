import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { PayloadError, PayloadTooLargeError } from '../errors.ts';

/**
 * Reads the request body as bytes, refusing more than `limit` bytes with 413 before reading it
 * all. Platform code verifies signatures over these exact bytes, so no body parser runs first.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  try {
    return await getRawBody(ctx.req, { limit });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw new PayloadTooLargeError(limit);
    throw new PayloadError(`body could not be read (${type ?? 'aborted'})`);
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
