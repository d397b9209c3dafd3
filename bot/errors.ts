import { AppError } from '../data/errors.ts';

/**
 * Errors that decide what the outside sees (bot/app.ts maps them in one place).
 * Each carries a machine `code`; messages name the module and field, never a secret.
 */
/** Errors of the running process: HTTP, platforms, configuration. */
export class BotError extends AppError {}

/** Forged, stale or missing signature → 401. */
export class SignatureError extends BotError {
  constructor(message: string) {
    super(message, 'bad_signature', 401, true);
  }
}

/** Malformed body or query → 400. */
export class PayloadError extends BotError {
  constructor(message: string, code = 'bad_payload') {
    super(message, code, 400, true);
  }
}

/** Body larger than the route allows → 413. */
export class PayloadTooLargeError extends BotError {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`, 'too_large', 413, true);
  }
}

/**
 * A platform call failed; `retryable` says whether the outbox may try again, `errcode` is the
 * platform's code when it gave one, and `retryAfterMs` the least wait before retrying (rate limits).
 */
export class PlatformError extends BotError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly errcode?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, retryable ? 'platform_retryable' : 'platform_permanent');
  }
}

/** Bad configuration: lists every problem at once. */
export class ConfigError extends BotError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n- ${problems.join('\n- ')}`, 'bad_config');
  }
}
