import type { Context } from 'koa';
import { BotError } from '../errors.ts';
import { safeEqual } from '../platforms/platform.ts';

/** A missing or wrong bearer token → 401 with a WWW-Authenticate challenge (RFC 6750 §3). */
export class TokenError extends BotError {
  constructor(message: string) {
    super(message, 'bad_token', 401, true);
  }
}

/** Checks `Authorization: Bearer <API_TOKEN>` in constant time. */
export function requireBearer(ctx: Context, token: string): void {
  const header = ctx.get('authorization');
  const m = header.match(/^Bearer\s+(\S+)$/i);
  if (!m?.[1] || !safeEqual(m[1], token)) {
    ctx.set('WWW-Authenticate', 'Bearer realm="inspection-bot"');
    throw new TokenError(m ? 'api: bearer token does not match API_TOKEN' : 'api: Authorization: Bearer <token> required');
  }
}
