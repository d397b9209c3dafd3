import type { AxiosInstance } from 'axios';

/**
 * The enterprise app's access token for DingTalk's OpenAPI (protocols.md §10.1, §5.3):
 * `POST /v1.0/oauth2/accessToken {appKey, appSecret}` → `{accessToken, expireIn}` (seconds).
 * Cached per app until `expireIn − 300 s`, as the official Python SDK does; concurrent callers
 * share one request; a token the API answers 401 to is dropped (invalidate) and fetched again.
 */
export const REFRESH_EARLY_S = 300;

export interface DingtalkTokensOptions {
  http: AxiosInstance;
  apiBase: string;
  appSecret: string;
  /** Wall clock (ms). */
  clock?: () => number;
}

export class DingtalkTokens {
  private readonly cached = new Map<string, { token: string; until: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Tokens fetched, for operators and tests. */
  fetched = 0;

  constructor(private readonly o: DingtalkTokensOptions) {}

  /** A live token for the app `appKey` (throws the API's axios error when refused). */
  get(appKey: string): Promise<string> {
    const now = (this.o.clock ?? Date.now)();
    const hit = this.cached.get(appKey);
    if (hit && now < hit.until) return Promise.resolve(hit.token);
    const running = this.inFlight.get(appKey);
    if (running) return running;
    const request = this.fetch(appKey).finally(() => this.inFlight.delete(appKey));
    this.inFlight.set(appKey, request);
    return request;
  }

  /** Forgets `token` (the API refused it), so the next get() fetches a fresh one. */
  invalidate(appKey: string, token: string): void {
    if (this.cached.get(appKey)?.token === token) this.cached.delete(appKey);
  }

  private async fetch(appKey: string): Promise<string> {
    const res = await this.o.http.post<{ accessToken?: unknown; expireIn?: unknown }>(
      `${this.o.apiBase.replace(/\/+$/, '')}/v1.0/oauth2/accessToken`,
      { appKey, appSecret: this.o.appSecret },
      { headers: { 'content-type': 'application/json' } },
    );
    const token = res.data?.accessToken;
    const expireIn = Number(res.data?.expireIn);
    if (typeof token !== 'string' || token === '' || !Number.isFinite(expireIn) || expireIn <= 0)
      throw new Error('dingtalk: accessToken answer without accessToken/expireIn');
    this.fetched++;
    // A token shorter-lived than the margin is still used, for half its life.
    const life = expireIn > 2 * REFRESH_EARLY_S ? expireIn - REFRESH_EARLY_S : expireIn / 2;
    this.cached.set(appKey, { token, until: (this.o.clock ?? Date.now)() + life * 1000 });
    return token;
  }
}
