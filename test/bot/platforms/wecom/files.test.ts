import { createCipheriv, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { decryptFile, pkcs7Pad } from '@wecom/aibot-node-sdk';
import { describe, expect, it } from 'vitest';
import { FileDecryptError, fileDecipher, fileKey } from '../../../../bot/platforms/wecom/crypto.ts';
import { dispositionName } from '../../../../bot/platforms/wecom/files.ts';

/**
 * A 智能机器人 file's decryption (protocols.md §10.2), checked against the official
 * `@wecom/aibot-node-sdk` 1.0.7: its `decryptFile` (the oracle for what a file decrypts to) and
 * its `pkcs7Pad` (the padding WeCom applies, to a multiple of 32).
 */
const KEY_B64 = randomBytes(32).toString('base64');
const KEY = Buffer.from(KEY_B64, 'base64');

/** Encrypts as WeCom does: the SDK's 32-byte PKCS#7 pad, AES-256-CBC with IV = key[0..16], no auto-padding. */
function encrypt(plain: Buffer, key = KEY): Buffer {
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(pkcs7Pad(plain, 32)), cipher.final()]);
}

/** Runs bytes through the streaming decipher in chunks of `chunk` bytes. */
function decrypt(data: Buffer, chunk: number, key = KEY): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return buffer(Readable.from(parts).pipe(fileDecipher(key)));
}

describe('fileDecipher()', () => {
  it('decrypts what the SDK decrypts, for every pad length 1..32 and any chunking', async () => {
    for (let n = 0; n < 64; n++) {
      const plain = randomBytes(1000 + n);
      const data = encrypt(plain);
      const oracle = decryptFile(data, KEY_B64);
      expect(oracle.equals(plain)).toBe(true);
      for (const chunk of [1, 7, 32, 1000, data.length])
        expect((await decrypt(data, chunk)).equals(plain)).toBe(true);
    }
  });

  it('decrypts a file that is an exact multiple of 32 bytes (a whole block of padding)', async () => {
    const plain = randomBytes(4096);
    expect((await decrypt(encrypt(plain), 100)).equals(plain)).toBe(true);
  });

  it('refuses bytes encrypted with another key, as the SDK does', async () => {
    const data = encrypt(randomBytes(5000), randomBytes(32));
    expect(() => decryptFile(data, KEY_B64)).toThrow(/Decryption failed/);
    await expect(decrypt(data, 512)).rejects.toBeInstanceOf(FileDecryptError);
  });

  it('refuses a download cut short (not a multiple of 32) and an empty one', async () => {
    const data = encrypt(randomBytes(5000));
    await expect(decrypt(data.subarray(0, data.length - 5), 512)).rejects.toBeInstanceOf(FileDecryptError);
    await expect(decrypt(data.subarray(0, data.length - 32), 512)).rejects.toBeInstanceOf(FileDecryptError);
    await expect(buffer(Readable.from([]).pipe(fileDecipher(KEY)))).rejects.toBeInstanceOf(FileDecryptError);
  });

  it('refuses padding bytes that disagree with the last one', async () => {
    const plain = Buffer.concat([
      randomBytes(40),
      Buffer.from([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 3]),
    ]);
    const cipher = createCipheriv('aes-256-cbc', KEY, KEY.subarray(0, 16)).setAutoPadding(false);
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    expect(() => decryptFile(data, KEY_B64)).toThrow(/padding/);
    await expect(decrypt(data, 16)).rejects.toBeInstanceOf(FileDecryptError);
  });
});

describe('fileKey()', () => {
  it('reads 43-character unpadded base64 (as integrators see aeskey), padded base64 and 64-character hex', () => {
    const unpadded = KEY_B64.replace(/=+$/, '');
    expect(unpadded).toHaveLength(43);
    expect(fileKey(unpadded)?.equals(KEY)).toBe(true);
    expect(fileKey(KEY_B64)?.equals(KEY)).toBe(true);
    expect(fileKey(KEY.toString('hex'))?.equals(KEY)).toBe(true);
  });

  it('refuses anything that is not 32 bytes', () => {
    for (const bad of [
      '',
      'abc',
      randomBytes(16).toString('base64'),
      KEY.toString('hex').slice(2),
      `${KEY_B64}x`,
    ])
      expect(fileKey(bad)).toBeUndefined();
  });
});

describe('dispositionName()', () => {
  it("reads filename*=UTF-8'' first, then filename=, as the official SDK does", () => {
    expect(dispositionName(`attachment; filename*=UTF-8''${encodeURIComponent('第二季度 通报.docx')}`)).toBe(
      '第二季度 通报.docx',
    );
    expect(
      dispositionName('attachment; filename="results.xlsx"; filename*=UTF-8\'\'%E7%BB%93%E6%9E%9C.xlsx'),
    ).toBe('结果.xlsx');
    expect(dispositionName('attachment; filename="results.xlsx"')).toBe('results.xlsx');
    expect(dispositionName('inline')).toBeUndefined();
  });
});
