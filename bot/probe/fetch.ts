import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';
import { type LookupOptions, lookup as dnsLookup } from 'node:dns';
import axios, { type AxiosInstance } from 'axios';
import iconv from 'iconv-lite';
import robotsParserModule from 'robots-parser';
import { shanghaiDate } from '../../data/deadlines/time.ts';
import { type NetworkError, TRY_LIMIT_MS, type TryObservation } from '../../data/probe/classify.ts';
import type { PoliteLimiter } from './limiter.ts';

/**
 * One browser-like GET, as an inspector's monitor makes it: full body read, 15 s for the whole try
 * (connect, redirects and body), no retry, a bounded number of redirects (a loop is a failure), a
 * User-Agent that names the bot and its operator's contact. Pages are decoded by their declared
 * charset (GBK/GB2312/GB18030 through iconv-lite). Only URLs handed in from the register are read.
 */
/** robots-parser is CommonJS whose typings do not resolve under NodeNext; its one function, typed. */
const robotsParser = robotsParserModule as unknown as (
  url: string,
  text: string,
) => { isAllowed(url: string, ua?: string): boolean | undefined };

type LookupCallback = (err: Error | null, address: string, family: 4 | 6) => void;

export interface FetcherOptions {
  userAgent: string;
  limiter: PoliteLimiter;
  limitMs?: number;
  maxRedirects?: number;
  maxBytes?: number;
  /** Resolves a host to the address that keys the per-address limits; default: the system resolver. */
  resolve?: (host: string) => Promise<string>;
  clock?: () => number;
}

export interface FetchResult extends TryObservation {
  url: string;
  /** The caller's signal ended the try (probing stopped): it says nothing about the site. */
  aborted?: boolean;
}

export class PoliteFetcher {
  private readonly http: AxiosInstance;
  private readonly robots = new Map<string, { day: string; allows: (url: string) => boolean }>();

  constructor(private readonly opts: FetcherOptions) {
    this.http = axios.create({
      headers: {
        'User-Agent': opts.userAgent,
        Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'Accept-Language': 'zh-CN,zh;q=0.9',
      },
      maxRedirects: opts.maxRedirects ?? 5,
      maxContentLength: opts.maxBytes ?? 5 * 1024 * 1024,
      responseType: 'arraybuffer',
      validateStatus: () => true,
      decompress: true,
      proxy: false,
    });
  }

  /**
   * GET a page within the limits; never throws. `signal` (probing stops) aborts the try;
   * `onStart` hears when the request goes out, once the limits let it.
   */
  async get(url: string, signal?: AbortSignal, onStart?: () => void): Promise<FetchResult> {
    const clock = this.opts.clock ?? Date.now;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return { url, error: 'other', elapsedMs: 0 };
    }
    let ip: string;
    try {
      ip = await (this.opts.resolve ?? defaultResolve)(host);
    } catch {
      return { url, error: 'dns', elapsedMs: 0 };
    }
    if (signal?.aborted) return { url, error: 'other', elapsedMs: 0, aborted: true };
    return this.opts.limiter.run(
      ip,
      async () => {
        if (signal?.aborted) return { url, error: 'other', elapsedMs: 0, aborted: true };
        const started = clock();
        onStart?.();
        const limit = this.opts.limitMs ?? TRY_LIMIT_MS;
        // One controller per try, ended by the 15 s limit or by the caller's signal; the listener
        // on the caller's long-lived signal is removed when the try ends (nothing accumulates).
        const ctl = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          ctl.abort();
        }, limit);
        const stop = () => ctl.abort();
        signal?.addEventListener('abort', stop, { once: true });
        try {
          const res = await this.http.get<ArrayBuffer>(url, {
            signal: ctl.signal,
            timeout: limit,
            // The connection goes to the address the limits were counted on, not to a second answer
            // of the resolver (a platform behind DNS round-robin); a redirect elsewhere resolves anew.
            // (axios' promise form of `lookup` never connects; the callback form does.)
            lookup: (name: string, options: object, cb: LookupCallback) => {
              if (name === host) cb(null, ip, isIPv6(ip) ? 6 : 4);
              else dnsLookup(name, options as LookupOptions, cb as never);
            },
          });
          const body = decode(Buffer.from(res.data), String(res.headers['content-type'] ?? ''));
          return { url, status: res.status, body, elapsedMs: clock() - started };
        } catch (err) {
          if (signal?.aborted && !timedOut)
            return { url, error: 'other', elapsedMs: clock() - started, aborted: true };
          return { url, error: timedOut ? 'timeout' : networkError(err), elapsedMs: clock() - started };
        } finally {
          clearTimeout(timer);
          signal?.removeEventListener('abort', stop);
        }
      },
      signal,
    );
  }

  /** Whether robots.txt lets this bot read `url` (cached per origin and day; unreadable robots.txt allows). */
  async allowed(url: string, now: Date, signal?: AbortSignal): Promise<boolean> {
    const origin = new URL(url).origin;
    const day = shanghaiDate(now);
    let entry = this.robots.get(origin);
    if (!entry || entry.day !== day) {
      const res = await this.get(`${origin}/robots.txt`, signal);
      // Stopped while asking: nothing is read, and nothing is remembered for the day.
      if (res.aborted) return false;
      const text = res.status && res.status >= 200 && res.status < 300 ? (res.body ?? '') : '';
      const robots = robotsParser(`${origin}/robots.txt`, text);
      entry = { day, allows: (u) => robots.isAllowed(u, this.opts.userAgent) !== false };
      this.robots.set(origin, entry);
    }
    return entry.allows(url);
  }
}

async function defaultResolve(host: string): Promise<string> {
  return (await lookup(host)).address;
}

export function networkError(err: unknown): NetworkError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (code === 'ERR_FR_TOO_MANY_REDIRECTS' || /redirect/i.test(e.message ?? '')) return 'redirect-loop';
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED' ||
    e.name === 'TimeoutError' ||
    e.name === 'AbortError' ||
    e.name === 'CanceledError'
  )
    return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'dns';
  if (/CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) return 'tls';
  if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/i.test(e.message ?? '')) return 'too-large';
  if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|ERR_BAD_RESPONSE|HPE_/.test(code))
    return 'connect';
  return 'other';
}

/** Decodes by the header's charset, else the page's meta charset, else UTF-8. */
export function decode(bytes: Buffer, contentType: string): string {
  const declared =
    contentType.match(/charset=["']?([\w-]+)/i)?.[1] ??
    bytes
      .subarray(0, 4096)
      .toString('latin1')
      .match(/<meta[^>]+charset\s*=\s*["']?([\w-]+)/i)?.[1] ??
    'utf-8';
  const charset = /^(gb2312|gbk|gb18030|x-gbk|cp936)$/i.test(declared) ? 'gb18030' : declared;
  return iconv.encodingExists(charset) ? iconv.decode(bytes, charset) : bytes.toString('utf8');
}
