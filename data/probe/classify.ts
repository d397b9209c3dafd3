/**
 * What one probe of a homepage means for 站点无法访问. A try is *failed* when the site did not open
 * as a visitor would see it: a DNS, TLS or connection error, 15 s or more, a final status outside
 * 2xx, an empty body or an error page. A web application firewall's refusal or challenge (瑞数 412,
 * 加速乐 521 with a cookie script, a "please enable JavaScript" wall…) is *blocked*: the site may
 * well be up for people, so it is reported apart and never counted as down.
 */
export const TRY_LIMIT_MS = 15_000;

export type NetworkError = 'dns' | 'tls' | 'connect' | 'timeout' | 'redirect-loop' | 'too-large' | 'other';

export interface TryObservation {
  /** Set when no final response was read. */
  error?: NetworkError;
  /** Final status after redirects. */
  status?: number;
  elapsedMs: number;
  /** The decoded body (may be cut to its first part for classification). */
  body?: string;
}

export type TryReason =
  | 'ok'
  | NetworkError
  | 'slow'
  | 'status'
  | 'empty'
  | 'error-page'
  | 'waf-status'
  | 'waf-challenge';

export interface TryVerdict {
  outcome: 'ok' | 'failed' | 'blocked';
  reason: TryReason;
}

/** Markers of firewall refusals and JavaScript challenges served instead of the page. */
const WAF_MARKERS: readonly RegExp[] = [
  /\$_ts\s*=|\$_ts\.|_\$[a-z]{2}\s*=\s*\$_ts/, // 瑞数 (Riversecurity) dynamic challenge
  /__jsl_clearance|__jsluid/, // 加速乐 (知道创宇)
  /cf-browser-verification|cf_chl_|challenge-platform|Just a moment\.\.\./i, // Cloudflare
  /安全狗|safedog|云锁|yunsuo_session|创宇盾|网站防火墙|WAF拦截|Web应用防火墙|您的访问被拦截|访问被拦截|请求被拦截/i,
  /please enable (?:javascript|cookies)|enable JavaScript and cookies to continue/i,
  /请(?:开启|启用|打开)(?:浏览器的?)?\s*(?:JavaScript|JS|Cookie)/i,
  /_waf_|waf\.|wzws|wzwschallenge|anti[-_]?bot|bot[-_ ]?check|verify[-_]?human|滑动验证|人机验证|安全验证/i,
];

/** Statuses a firewall answers with when it refuses or challenges a client. */
const WAF_STATUSES = new Set([412, 418, 429, 468, 493, 521, 531]);

/** Titles and short bodies of pages that stand in for a site that did not open. */
const ERROR_PAGE =
  /(?:^|[\s>])(?:40[0-9]|50[0-9])\s*(?:not found|forbidden|error|bad gateway|service unavailable|gateway time-?out|internal server error)|页面不存在|找不到(?:该|您要访问的)?页面|访问的页面不存在|网页不存在|无法找到该页|网站(?:暂停|暂时关闭|维护中|正在维护|已关闭|无法访问)|系统维护|服务器(?:错误|内部错误|繁忙)|服务不可用|Service Unavailable|Bad Gateway|Internal Server Error|Gateway Time-?out|Site (?:not found|under maintenance)|Default Web Site Page|Welcome to nginx|It works!|IIS Windows Server|Apache2 (?:Ubuntu|Debian) Default Page|该网站(?:暂时)?无法访问|未备案|域名(?:已)?(?:过期|停放)/i;

export function classifyTry(obs: TryObservation): TryVerdict {
  if (obs.error === 'timeout' || (obs.error === undefined && obs.elapsedMs >= TRY_LIMIT_MS))
    return { outcome: 'failed', reason: obs.error ?? 'slow' };
  if (obs.error) return { outcome: 'failed', reason: obs.error };
  const body = obs.body ?? '';
  const status = obs.status ?? 0;
  if (WAF_STATUSES.has(status)) return { outcome: 'blocked', reason: 'waf-status' };
  if (isChallenge(body, status)) return { outcome: 'blocked', reason: 'waf-challenge' };
  if (status < 200 || status > 299) return { outcome: 'failed', reason: 'status' };
  if (body.trim() === '') return { outcome: 'failed', reason: 'empty' };
  if (isErrorPage(body)) return { outcome: 'failed', reason: 'error-page' };
  return { outcome: 'ok', reason: 'ok' };
}

/** A firewall's page: a known marker, or a tiny page that only runs a script and reloads. */
export function isChallenge(body: string, status: number): boolean {
  const head = body.slice(0, 20_000);
  if (WAF_MARKERS.some((re) => re.test(head))) return true;
  if (status === 403 || status === 200) {
    const text = visibleText(head);
    const scripted =
      /<script/i.test(head) && /(?:location\.(?:href|replace|reload)|document\.cookie)/i.test(head);
    if (scripted && text.length < 40) return true;
  }
  return false;
}

/** A page that says the site is not there: judged on its title, or on the text of a short page. */
export function isErrorPage(body: string): boolean {
  const title = body.match(/<title[^>]*>([\s\S]*?)<\/title>/i)?.[1] ?? '';
  if (title && ERROR_PAGE.test(` ${title.trim()}`)) return true;
  const text = visibleText(body.slice(0, 50_000));
  return text.length < 300 && ERROR_PAGE.test(` ${text}`);
}

export function visibleText(html: string): string {
  return html
    .replace(/<(script|style|noscript)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
