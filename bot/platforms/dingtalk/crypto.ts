import { createHmac } from 'node:crypto';
import { SignatureError } from '../../errors.ts';
import { safeEqual } from '../platform.ts';

/**
 * DingTalk's one signature, used both ways (protocols.md §4.2, §5.1):
 * base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret)), timestamp in epoch
 * **milliseconds** (WeCom uses seconds, §7.4). It covers no body: it only proves the sender
 * knows the secret at that moment.
 */

/** DingTalk accepts a timestamp within one hour of its clock and so do we (§4.2 step 5, §5.1). */
export const WINDOW_MS = 3600_000;

export function sign(timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/**
 * `timestamp=…&sign=…` for a custom-robot send, computed per request (a stale timestamp is
 * §7.3's `310000 invalid timestamp`) and URL-encoded exactly once (§7.1, §7.2).
 */
export function signedQuery(secret: string, nowMs: number): string {
  const timestamp = String(nowMs);
  return `timestamp=${timestamp}&sign=${encodeURIComponent(sign(timestamp, secret))}`;
}

/**
 * Checks the `timestamp` and `sign` headers of an HTTP-mode callback (§5.1): the header is
 * compared as-is (base64, no URL-decoding) in constant time, then the one-hour window. Any
 * failure is a SignatureError (401) naming what was wrong, never the expected value.
 */
export function verifyHeaders(
  headers: { timestamp?: string | undefined; sign?: string | undefined },
  appSecret: string,
  nowMs: number,
): void {
  const { timestamp, sign: given } = headers;
  if (!timestamp || !given) throw new SignatureError('dingtalk: timestamp or sign header missing');
  if (!/^\d{1,15}$/.test(timestamp))
    throw new SignatureError(`dingtalk: timestamp "${timestamp.slice(0, 20)}" is not milliseconds`);
  if (!safeEqual(given, sign(timestamp, appSecret)))
    throw new SignatureError('dingtalk: sign does not match');
  if (Math.abs(nowMs - Number(timestamp)) > WINDOW_MS)
    throw new SignatureError(`dingtalk: timestamp ${timestamp} outside the 1 h window`);
}
