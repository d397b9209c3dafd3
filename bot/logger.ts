import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Secrets never reach a log line: anything under these paths is redacted,
 * and platform code logs ids, never tokens, keys or signatures.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'inspection-bot' },
    redact: {
      paths: ['*.secret', '*.token', '*.key', '*.accessToken', '*.clientSecret', '*.appSecret', 'headers.sign'],
      censor: '[redacted]',
    },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
