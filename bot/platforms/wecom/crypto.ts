import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ChatFileError } from '../../../handlers/services.ts';
import { ConfigError, PayloadError, SignatureError } from '../../errors.ts';
import { safeEqual } from '../platform.ts';

/**
 * WXBizMsgCrypt, the encryption WeCom wraps every callback in (protocols.md §2.2), written
 * against node:crypto. Failures split by what they mean to the sender:
 * - a signature that does not match → SignatureError (401): the request is not WeCom's;
 * - ciphertext that does not decrypt to a well-formed plaintext (base64, padding, length,
 *   receiveid) → one PayloadError (400), the same whatever went wrong: a different answer for bad
 *   padding would be a padding oracle, and no decrypted byte is ever echoed or logged.
 * Both stop the request before anything acts on it.
 */

/** The one error of every decryption failure. */
export const DECRYPT_FAILED = 'wecom.decrypt: the message could not be decrypted';

/** The AES block WeCom pads to: PKCS#7 with a 32-byte block, not AES's 16 (§2.2, §7.12). */
const PAD_BLOCK = 32;
/** random(16) ‖ uint32 length (§2.2). */
const RANDOM_BYTES = 16;
const HEADER_BYTES = RANDOM_BYTES + 4;

export interface WecomCipher {
  /** hex(sha1(sorted([token, timestamp, nonce, encrypt]).join(''))) (§2.2). */
  sign(timestamp: string, nonce: string, encrypt: string): string;
  /** Throws SignatureError unless `signature` matches, compared in constant time. */
  verify(signature: string, timestamp: string, nonce: string, encrypt: string): void;
  /** Decrypts and checks padding, length and receiveid; returns the message text. */
  decrypt(encrypt: string): string;
  /** Encrypts a message for a passive reply; `random` is fixed only in tests. */
  encrypt(message: string, random?: Buffer): string;
}

export interface WecomCipherOptions {
  token: string;
  encodingAESKey: string;
  /** CorpID for app callbacks, '' for 智能机器人 and group robots (§2.3). */
  receiveId?: string;
}

export function signature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

/** key = base64(EncodingAESKey + "="): 43 characters (§2.1) decoding to exactly 32 bytes (§2.2). */
export function aesKey(encodingAESKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) {
    throw new ConfigError([
      `WECOM_ENCODING_AES_KEY: must be 43 base64 characters, got ${encodingAESKey.length}`,
    ]);
  }
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32)
    throw new ConfigError([`WECOM_ENCODING_AES_KEY: decodes to ${key.length} bytes, not 32`]);
  return key;
}

export function createCipher(opts: WecomCipherOptions): WecomCipher {
  const key = aesKey(opts.encodingAESKey);
  const iv = key.subarray(0, 16); // IV = key[0..16] (§2.2)
  const receiveId = opts.receiveId ?? '';
  const sign = (timestamp: string, nonce: string, encrypt: string) =>
    signature(opts.token, timestamp, nonce, encrypt);
  return {
    sign,
    verify(sig, timestamp, nonce, encrypt) {
      if (!safeEqual(sig.toLowerCase(), sign(timestamp, nonce, encrypt))) {
        throw new SignatureError('wecom: msg_signature does not match');
      }
    },
    decrypt(encrypt) {
      const plain = decrypt(key, iv, receiveId, encrypt);
      if (plain === undefined) throw new PayloadError(DECRYPT_FAILED, 'bad_ciphertext');
      return plain;
    },
    encrypt(message, random = randomBytes(RANDOM_BYTES)) {
      if (random.length !== RANDOM_BYTES) throw new Error('wecom.crypto: random must be 16 bytes');
      const msg = Buffer.from(message, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(msg.length, 0);
      const plain = Buffer.concat([random, len, msg, Buffer.from(receiveId, 'utf8')]);
      const pad = PAD_BLOCK - (plain.length % PAD_BLOCK); // 1..32; a whole block when aligned
      const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      return Buffer.concat([
        cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
        cipher.final(),
      ]).toString('base64');
    },
  };
}

/** The message text, or undefined when the ciphertext is not a well-formed WeCom message. */
function decrypt(key: Buffer, iv: Buffer, receiveId: string, encrypt: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt)) return undefined;
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % PAD_BLOCK !== 0) {
    return undefined;
  }
  // Auto-padding off: Node's PKCS#7 expects 16-byte blocks and throws on WeCom's pads of 17..32 (§2.2).
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > PAD_BLOCK) return undefined;
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) return undefined;
  }
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < HEADER_BYTES) return undefined;
  const len = body.readUInt32BE(RANDOM_BYTES);
  if (len > body.length - HEADER_BYTES) {
    return undefined;
  }
  const message = body.subarray(HEADER_BYTES, HEADER_BYTES + len);
  const id = body.subarray(HEADER_BYTES + len).toString('utf8');
  if (!safeEqual(id, receiveId)) return undefined;
  return message.toString('utf8');
}

/**
 * The key of a 智能机器人 file (§10.2): callback mode uses the bot's EncodingAESKey, the long
 * connection a per-URL `aeskey`. Integrators see 43-character unpadded base64, one report a
 * 64-character hex string (§10.2 key-format pitfall): both are accepted; anything that is not
 * 32 bytes is refused (undefined).
 */
export function fileKey(k: string): Buffer | undefined {
  const key = /^[0-9a-f]{64}$/i.test(k)
    ? Buffer.from(k, 'hex')
    : /^[A-Za-z0-9+/]{43}=?$/.test(k)
      ? Buffer.from(k.endsWith('=') ? k : `${k}=`, 'base64')
      : undefined;
  return key?.length === 32 ? key : undefined;
}

/** A file's bytes did not decrypt to well-formed plaintext (wrong key, damaged or cut short). */
export class FileDecryptError extends ChatFileError {
  constructor(detail: string) {
    super('undecryptable', `wecom file: ${detail}`);
  }
}

/**
 * Decrypts a 智能机器人 file as it streams (§10.2): AES-256-CBC, IV = key[0..16], PKCS#7 padded
 * to a multiple of 32 — auto-padding off (§2.2 Node pitfall), the last 32 bytes held back until
 * the end so the pad is checked (every pad byte, as the official SDK's decryptFile does) before
 * any of it is passed on. Memory stays at one chunk whatever the file's size.
 */
export function fileDecipher(key: Buffer): Transform {
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  let held = Buffer.alloc(0);
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      total += chunk.length;
      const out = decipher.update(chunk);
      if (out.length < PAD_BLOCK) {
        // A small chunk: the held tail grows, and what is more than a block of it goes on.
        const joined = Buffer.concat([held, out]);
        const keep = Math.min(joined.length, PAD_BLOCK);
        held = joined.subarray(joined.length - keep);
        return done(null, joined.subarray(0, joined.length - keep));
      }
      // No copy of the chunk: the previous tail, then all of this output but its last block.
      if (held.length > 0) this.push(held);
      held = Buffer.from(out.subarray(out.length - PAD_BLOCK));
      done(null, out.subarray(0, out.length - PAD_BLOCK));
    },
    flush(done: TransformCallback) {
      if (total === 0 || total % PAD_BLOCK !== 0)
        return done(new FileDecryptError(`length ${total} is not a multiple of 32`));
      let tail: Buffer;
      try {
        tail = Buffer.concat([held, decipher.final()]);
      } catch {
        return done(new FileDecryptError('final block'));
      }
      const pad = tail[tail.length - 1] ?? 0;
      if (pad < 1 || pad > PAD_BLOCK || pad > tail.length) return done(new FileDecryptError('bad padding'));
      for (let i = tail.length - pad; i < tail.length; i++)
        if (tail[i] !== pad) return done(new FileDecryptError('bad padding'));
      done(null, tail.subarray(0, tail.length - pad));
    },
  });
}
