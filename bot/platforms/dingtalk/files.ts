import { AxiosError, type AxiosInstance } from 'axios';
import type { Readable } from 'node:stream';
import { ChatFileError } from '../../../handlers/services.ts';
import type { FileSource, OpenedFile } from '../../imports/chat-files.ts';
import type { DingtalkTokens } from './token.ts';

/**
 * The files a DingTalk enterprise robot receives (protocols.md §10.1): the message's
 * `downloadCode` and the robot's `robotCode` → `POST /v1.0/robot/messageFiles/download` with the
 * app's access token (header `x-acs-dingtalk-access-token`) → `{downloadUrl}`, a temporary link
 * fetched with a plain GET (no auth headers). The same on HTTP and Stream transports.
 */
/** The OpenAPI's answer for an unknown robot: HTTP 400 `resource.not.found` "robot 不存在" (observed, [T]). */
export const ROBOT_NOT_FOUND = 'resource.not.found';

export interface DingtalkFilesOptions {
  http: AxiosInstance;
  apiBase: string;
  /** Absent when the app's credentials are not configured: files cannot be fetched then. */
  tokens: DingtalkTokens | undefined;
  /**
   * The app whose token is used (AppKey = DINGTALK_CLIENT_ID); absent in HTTP mode without it,
   * then the message's robotCode, which equals the AppKey for an internal app's robot (§10.1).
   */
  appKey?: string | undefined;
}

export function dingtalkFiles(o: DingtalkFilesOptions): FileSource {
  const base = o.apiBase.replace(/\/+$/, '');

  async function downloadUrl(appKey: string, robotCode: string, downloadCode: string, signal: AbortSignal) {
    const tokens = o.tokens!;
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get(appKey).catch((err: unknown) => {
        // Credentials refused (4xx) is for the operator to fix; anything else may pass.
        const status = err instanceof AxiosError ? err.response?.status : undefined;
        if (status !== undefined && status >= 400 && status < 500 && status !== 429)
          throw new ChatFileError('refused', `dingtalk: accessToken HTTP ${status}`);
        throw err;
      });
      try {
        const res = await o.http.post<{ downloadUrl?: unknown }>(
          `${base}/v1.0/robot/messageFiles/download`,
          { downloadCode, robotCode },
          { headers: { 'x-acs-dingtalk-access-token': token, 'content-type': 'application/json' }, signal },
        );
        const url = res.data?.downloadUrl;
        if (typeof url !== 'string' || !/^https?:\/\//.test(url))
          throw new ChatFileError('unavailable', 'dingtalk: download answer without downloadUrl');
        return url;
      } catch (err) {
        // A token revoked or expired early: fetched again once (§10.1, as the Python SDK does).
        if (attempt === 0 && err instanceof AxiosError && err.response?.status === 401) {
          tokens.invalidate(appKey, token);
          continue;
        }
        // The robot unknown to the API (a wrong robotCode or AppKey) is configuration, not the file.
        const code =
          err instanceof AxiosError
            ? (err.response?.data as { code?: unknown } | undefined)?.code
            : undefined;
        if (code === ROBOT_NOT_FOUND) throw new ChatFileError('refused', `dingtalk: ${code}`);
        throw err;
      }
    }
  }

  return {
    async open(ref, signal): Promise<OpenedFile> {
      const downloadCode = ref.handle.downloadCode ?? '';
      const robotCode = ref.handle.robotCode ?? o.appKey ?? '';
      const appKey = o.appKey ?? robotCode;
      if (!o.tokens || !appKey)
        throw new ChatFileError('unsupported', 'dingtalk: no app credentials for file downloads');
      if (!downloadCode || !robotCode)
        throw new ChatFileError('expired', 'dingtalk: message without downloadCode/robotCode');
      const url = await downloadUrl(appKey, robotCode, downloadCode, signal);
      const res = await o.http
        .get<Readable>(url, { responseType: 'stream', signal, maxRedirects: 3 })
        .catch((err: unknown) => {
          // The temporary link refused (expired, 403 from the storage): the file must be sent again.
          const status = err instanceof AxiosError ? err.response?.status : undefined;
          if (status !== undefined && status >= 400 && status < 500 && status !== 429)
            throw new ChatFileError('expired', `dingtalk: download link HTTP ${status}`);
          throw err;
        });
      const length = Number(res.headers['content-length']);
      const opened: OpenedFile = { body: res.data };
      if (Number.isFinite(length) && length >= 0) opened.length = length;
      return opened;
    },
  };
}
