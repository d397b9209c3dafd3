import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/**
 * Decodes a text file as offices save them: UTF-8 (with or without BOM), UTF-16 with a BOM
 * (Notepad's "Unicode"), or GBK/GB18030 (Notepad's "ANSI" on a Chinese Windows). Bytes that are
 * valid UTF-8 are UTF-8; anything else is read as GB18030, the superset of GBK and GB2312.
 */
export function decodeText(bytes: Uint8Array, declared?: string): { text: string; encoding: TextEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const named = declared?.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (named && /^(gbk|gb2312|gb18030|cp936|xgbk)$/.test(named))
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gb18030' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gb18030' };
  }
}
