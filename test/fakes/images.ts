import { createHash } from 'node:crypto';

/**
 * What the fakes check of a picture: WeCom's image message (protocols.md §1.2, §10.3: raw ≤ 2 MB,
 * JPG or PNG, md5 of the raw bytes) and the image a DingTalk markdown links to.
 */
export const WECOM_IMAGE_MAX_BYTES = 2 * 1024 * 1024;

export type ImageCheck =
  | { ok: true; bytes: Buffer; type: 'png' | 'jpg' }
  | { ok: false; errcode: number; errmsg: string };

export function imageType(bytes: Buffer): 'png' | 'jpg' | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  return undefined;
}

/**
 * A WeCom `image` object. The error codes for a bad image are not documented for the group robot;
 * the fake uses WeCom's global ones: 40006 invalid media size, 40005 invalid file type, and
 * 301019 for an md5 that does not match (guesses, marked as such).
 */
export function checkWecomImage(image: unknown): ImageCheck {
  const i = (image ?? {}) as { base64?: unknown; md5?: unknown };
  if (typeof i.base64 !== 'string' || typeof i.md5 !== 'string')
    return { ok: false, errcode: 40008, errmsg: 'image.base64 and image.md5 required (fake)' };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(i.base64))
    return { ok: false, errcode: 40008, errmsg: 'invalid base64 (fake)' };
  const bytes = Buffer.from(i.base64, 'base64');
  if (bytes.length === 0 || bytes.length > WECOM_IMAGE_MAX_BYTES)
    return { ok: false, errcode: 40006, errmsg: 'invalid media size (fake guess)' };
  const type = imageType(bytes);
  if (!type) return { ok: false, errcode: 40005, errmsg: 'invalid file type (fake guess)' };
  if (createHash('md5').update(bytes).digest('hex') !== i.md5.toLowerCase())
    return { ok: false, errcode: 301019, errmsg: 'md5 not match (fake guess)' };
  return { ok: true, bytes, type };
}

/** The URLs of `![alt](url)` images in a markdown text. */
export function markdownImages(text: string): string[] {
  return [...text.matchAll(/!\[[^\]]*\]\((\S+?)\)/g)].map((m) => m[1] as string);
}
