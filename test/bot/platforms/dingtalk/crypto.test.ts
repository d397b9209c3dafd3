import { describe, expect, it } from 'vitest';
import { SignatureError } from '../../../../bot/errors.ts';
import { sign, signedQuery, verifyHeaders, WINDOW_MS } from '../../../../bot/platforms/dingtalk/crypto.ts';
import { dingtalkSign, vectors } from './helpers.ts';

const outbound = vectors.outboundCustomRobot.vectors;
const inbound = vectors.inboundHttpRobot.vectors;

describe('dingtalk.sign()', () => {
  it.each(outbound)('matches the vector for timestamp $timestamp', (v) => {
    expect(sign(v.timestamp, v.secret)).toBe(v.signBase64);
  });

  it('agrees with node:crypto on a secret with non-ASCII characters', () => {
    expect(sign('1712000000000', 'SEC密钥')).toBe(dingtalkSign('1712000000000', 'SEC密钥'));
  });
});

describe('dingtalk.signedQuery()', () => {
  it.each(outbound)('URL-encodes the sign exactly once (timestamp $timestamp)', (v) => {
    expect(signedQuery(v.secret, Number(v.timestamp))).toBe(
      `timestamp=${v.timestamp}&sign=${v.signUrlEncoded}`,
    );
  });

  it('signs with the time it is given, so every request carries a fresh timestamp', () => {
    expect(signedQuery('s', 1)).not.toBe(signedQuery('s', 2));
  });
});

describe('dingtalk.verifyHeaders()', () => {
  const v = inbound[0]!;
  const at = Number(v.headerTimestamp);

  it('accepts the inbound vector within the hour', () => {
    expect(() =>
      verifyHeaders({ timestamp: v.headerTimestamp, sign: v.expectedHeaderSign }, v.appSecret, at + 5_000),
    ).not.toThrow();
  });

  it('accepts a timestamp exactly one hour away on either side', () => {
    const h = { timestamp: v.headerTimestamp, sign: v.expectedHeaderSign };
    expect(() => verifyHeaders(h, v.appSecret, at + WINDOW_MS)).not.toThrow();
    expect(() => verifyHeaders(h, v.appSecret, at - WINDOW_MS)).not.toThrow();
  });

  it.each([
    [
      'a timestamp older than one hour',
      { timestamp: v.headerTimestamp, sign: v.expectedHeaderSign },
      at + WINDOW_MS + 1,
    ],
    [
      'a timestamp more than one hour ahead',
      { timestamp: v.headerTimestamp, sign: v.expectedHeaderSign },
      at - WINDOW_MS - 1,
    ],
    ['a forged sign', { timestamp: v.headerTimestamp, sign: dingtalkSign(v.headerTimestamp, 'guess') }, at],
    ['a sign for another timestamp', { timestamp: String(at + 1), sign: v.expectedHeaderSign }, at],
    [
      'a URL-encoded sign',
      { timestamp: v.headerTimestamp, sign: encodeURIComponent(v.expectedHeaderSign) },
      at,
    ],
    ['a missing sign', { timestamp: v.headerTimestamp }, at],
    ['a missing timestamp', { sign: v.expectedHeaderSign }, at],
    [
      'a timestamp in seconds',
      { timestamp: String(Math.floor(at / 1000)), sign: dingtalkSign(Math.floor(at / 1000), v.appSecret) },
      at,
    ],
    ['a non-numeric timestamp', { timestamp: 'now', sign: dingtalkSign('now', v.appSecret) }, at],
  ])('rejects %s with a SignatureError', (_name, headers, now) => {
    expect(() => verifyHeaders(headers, v.appSecret, now)).toThrow(SignatureError);
  });

  it('never puts the expected sign or the secret in the error', () => {
    try {
      verifyHeaders({ timestamp: v.headerTimestamp, sign: 'x' }, v.appSecret, at);
    } catch (err) {
      expect((err as Error).message).not.toContain(v.expectedHeaderSign);
      expect((err as Error).message).not.toContain(v.appSecret);
    }
    expect.assertions(2);
  });
});
