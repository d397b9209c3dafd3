import { createCipheriv } from 'node:crypto';
import * as oracle from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, PayloadError, SignatureError } from '../../../../bot/errors.ts';
import { aesKey, createCipher, DECRYPT_FAILED, signature } from '../../../../bot/platforms/wecom/crypto.ts';
import { derived, published } from './vectors.ts';

const [xmlVector, jsonVector] = published as [(typeof published)[0], (typeof published)[0]];
const KEY = derived.encodingAESKey;
const TOKEN = derived.token;

/** Test-side AES with node:crypto, padding supplied by the test, to craft malformed plaintexts. */
function rawEncrypt(encodingAESKey: string, plain: Buffer): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

function layout(msg: string, id: string, lenField?: number): Buffer {
  const m = Buffer.from(msg, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(lenField ?? m.length, 0);
  return Buffer.concat([Buffer.alloc(16, 7), len, m, Buffer.from(id, 'utf8')]);
}

function padded(plain: Buffer, padByte: number, padLength = padByte): Buffer {
  return Buffer.concat([plain, Buffer.alloc(padLength, padByte)]);
}

describe('wecom.signature()', () => {
  it.each([xmlVector, jsonVector])('matches the published URL-verification signature ($name)', (v) => {
    const u = v.urlVerification;
    expect(signature(v.token, u.timestamp, u.nonce, u.echostr!)).toBe(u.msg_signature);
  });

  it.each([xmlVector, jsonVector])('matches the published message signature ($name)', (v) => {
    const m = v.message;
    expect(signature(v.token, m.timestamp, m.nonce, m.encrypt!)).toBe(m.msg_signature);
  });
});

describe('wecom.decrypt()', () => {
  it.each([xmlVector, jsonVector])('decrypts the published echostr and message ($name)', (v) => {
    const c = createCipher({ token: v.token, encodingAESKey: v.encodingAESKey, receiveId: v.receiveid });
    expect(c.decrypt(v.urlVerification.echostr!)).toBe(v.urlVerification.expectedPlaintext);
    expect(c.decrypt(v.message.encrypt!)).toBe(v.message.expectedPlaintext);
  });

  it('decrypts the 智能机器人 vector with an empty receiveid', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY, receiveId: '' });
    const body = JSON.parse(derived.inbound.requestBody) as { encrypt: string };
    expect(c.decrypt(body.encrypt)).toBe(derived.inbound.expectedPlaintext);
  });

  it('decrypts what @wecom/crypto encrypts, for every pad length 1..32', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    for (let n = 0; n < 32; n++) {
      const msg = `{"text":"福州${'x'.repeat(n)}"}`;
      expect(c.decrypt(oracle.encrypt(KEY, msg, ''))).toBe(msg);
    }
  });

  it('rejects a receiveid other than the expected one', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY, receiveId: '' });
    expect(() => c.decrypt(oracle.encrypt(KEY, 'hello', 'ww1436e0e65a779aee'))).toThrow(DECRYPT_FAILED);
    const app = createCipher({ token: TOKEN, encodingAESKey: KEY, receiveId: 'ww1436e0e65a779aee' });
    expect(() => app.decrypt(oracle.encrypt(KEY, 'hello', ''))).toThrow(PayloadError);
  });

  it('rejects ciphertext made with another key', () => {
    const other = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    expect(() => c.decrypt(oracle.encrypt(other, 'hello', '', Buffer.alloc(16, 1)))).toThrow(PayloadError);
  });

  it('rejects padding longer than 32 bytes', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    const plain = layout('hello', '');
    // 25 + 39 = 64 bytes: aligned, but the pad byte claims 39.
    expect(() => c.decrypt(rawEncrypt(KEY, padded(plain, 39)))).toThrow(DECRYPT_FAILED);
  });

  it('rejects a zero padding byte', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    expect(() => c.decrypt(rawEncrypt(KEY, padded(layout('hello', ''), 0, 7)))).toThrow(DECRYPT_FAILED);
  });

  it('rejects padding bytes that disagree with the last one', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    const plain = padded(layout('hello', ''), 7);
    plain[plain.length - 3] = 6;
    expect(() => c.decrypt(rawEncrypt(KEY, plain))).toThrow(DECRYPT_FAILED);
  });

  it('rejects a length field pointing past the plaintext', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    expect(() => c.decrypt(rawEncrypt(KEY, padded(layout('hello', '', 5000), 7)))).toThrow(DECRYPT_FAILED);
  });

  it('rejects truncated ciphertext', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    const full = Buffer.from(oracle.encrypt(KEY, 'x'.repeat(100), ''), 'base64');
    expect(() => c.decrypt(full.subarray(0, full.length - 16).toString('base64'))).toThrow(DECRYPT_FAILED);
    expect(() => c.decrypt(full.subarray(0, full.length - 32).toString('base64'))).toThrow(PayloadError);
    expect(() => c.decrypt('')).toThrow(PayloadError);
  });

  it('rejects text that is not base64', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    expect(() => c.decrypt('not base64!')).toThrow(DECRYPT_FAILED);
  });
});

describe('wecom.encrypt()', () => {
  it('reproduces the derived passive-reply vector with its fixed random', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY, receiveId: '' });
    const random = Buffer.from(derived.randomAscii, 'ascii');
    expect(c.encrypt(derived.passiveReply.plaintext, random)).toBe(derived.passiveReply.encrypt);
    const body = JSON.parse(derived.passiveReply.responseBody) as { msgsignature: string; timestamp: number };
    const q = derived.inbound.query;
    expect(c.sign(String(body.timestamp), q.nonce, derived.passiveReply.encrypt)).toBe(body.msgsignature);
  });

  it('produces ciphertext @wecom/crypto decrypts, for every pad length', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY });
    for (let n = 0; n < 33; n++) {
      const msg = `回复${'y'.repeat(n)}`;
      expect(oracle.decrypt(KEY, c.encrypt(msg))).toMatchObject({ message: msg, id: '' });
    }
  });
});

describe('wecom.verify()', () => {
  const m = xmlVector.message;
  const c = createCipher({ token: xmlVector.token, encodingAESKey: xmlVector.encodingAESKey });

  it('accepts the published signature', () => {
    expect(() => c.verify(m.msg_signature, m.timestamp, m.nonce, m.encrypt!)).not.toThrow();
  });

  it('rejects a signature with one character changed', () => {
    const bad = `${m.msg_signature.slice(0, -1)}${m.msg_signature.endsWith('e') ? 'f' : 'e'}`;
    expect(() => c.verify(bad, m.timestamp, m.nonce, m.encrypt!)).toThrow(SignatureError);
  });

  it('rejects the published signature over a changed timestamp', () => {
    expect(() => c.verify(m.msg_signature, String(Number(m.timestamp) + 1), m.nonce, m.encrypt!)).toThrow(
      SignatureError,
    );
  });
});

describe('wecom.aesKey()', () => {
  it('derives the published 32-byte key', () => {
    expect(aesKey(xmlVector.encodingAESKey).toString('hex')).toBe(
      'eaa91d32babaf274ca76ece72583b5037ed6da8120a64314be4b6d453a2a854b',
    );
  });

  it('rejects a key that is not 43 base64 characters', () => {
    expect(() => aesKey('short')).toThrow(ConfigError);
    expect(() => aesKey(`${KEY.slice(0, 42)}!`)).toThrow(ConfigError);
  });
});

describe('wecomCipher.decrypt() failures', () => {
  it('all read the same, whatever went wrong, and echo nothing decrypted', () => {
    const c = createCipher({ token: TOKEN, encodingAESKey: KEY, receiveId: '' });
    const failures = [
      oracle.encrypt(KEY, 'secret-plaintext', 'ww1436e0e65a779aee'), // another receiveid
      rawEncrypt(KEY, padded(layout('hello', ''), 39)), // bad padding
      rawEncrypt(KEY, padded(layout('hello', '', 5000), 7)), // bad length
      'not base64!',
    ].map((e) => {
      try {
        c.decrypt(e);
        return 'decrypted';
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(new Set(failures)).toEqual(new Set([DECRYPT_FAILED]));
    expect(failures.join()).not.toContain('ww1436e0e65a779aee');
  });
});
