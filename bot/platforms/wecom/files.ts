import { AxiosError, type AxiosInstance } from 'axios';
import type { Readable } from 'node:stream';
import { ChatFileError } from '../../../handlers/services.ts';
import type { FileSource, OpenedFile } from '../../imports/chat-files.ts';
import { fileDecipher, fileKey } from './crypto.ts';

/**
 * The files a 智能机器人 receives (protocols.md §10.2): `GET url` (a signed link, no auth header,
 * valid 5 minutes) yields the file AES-256-CBC encrypted; the key is the per-URL `aeskey` the long
 * connection sends, else (callback mode) the bot's EncodingAESKey. The name comes from the
 * download's Content-Disposition, as the official SDK reads it.
 */
export interface WecomFilesOptions {
  http: AxiosInstance;
  /** Callback mode: the bot's EncodingAESKey, the key of files whose message carries none. */
  encodingAESKey?: string | undefined;
}

export function wecomFiles(o: WecomFilesOptions): FileSource {
  return {
    async open(ref, signal): Promise<OpenedFile> {
      const url = ref.handle.url ?? '';
      const given = ref.handle.aeskey ?? o.encodingAESKey;
      // The official SDK hands back the still-encrypted bytes when no key is given (§10.2); here
      // a file without a key is not fetched at all.
      if (!given) throw new ChatFileError('unsupported', 'wecom file: no aeskey and no EncodingAESKey');
      const key = fileKey(given);
      if (!key) throw new ChatFileError('undecryptable', 'wecom file: aeskey is not 32 bytes');
      if (!/^https?:\/\//.test(url)) throw new ChatFileError('expired', 'wecom file: url is not http(s)');
      const res = await o.http
        .get<Readable>(url, { responseType: 'stream', signal, maxRedirects: 3 })
        .catch((err: unknown) => {
          // A signed link past its 5 minutes answers 403 (COS "Request has expired"): send it again.
          const status = err instanceof AxiosError ? err.response?.status : undefined;
          if (status === 403 || status === 404)
            throw new ChatFileError('expired', `wecom file: HTTP ${status}`);
          throw err;
        });
      const length = Number(res.headers['content-length']);
      const name = dispositionName(String(res.headers['content-disposition'] ?? ''));
      const opened: OpenedFile = { body: res.data, decode: () => fileDecipher(key), overhead: 32 };
      if (Number.isFinite(length) && length >= 0) opened.length = length;
      if (name) opened.name = name;
      return opened;
    },
  };
}

/** `filename*=UTF-8''…` (RFC 5987) first, else `filename="…"` (what the official SDK reads). */
export function dispositionName(header: string): string | undefined {
  const star = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(header);
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  const raw = star?.[1] ?? plain?.[1];
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw.trim());
  } catch {
    return raw.trim();
  }
}
