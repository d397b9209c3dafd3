import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { markdownImages } from './images.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './dingtalk-gateway.ts';

/**
 * A local DingTalk on 127.0.0.1 that behaves like the real one where the bot depends on it:
 * custom-robot robot/send with 加签 (protocols.md §4), session webhooks (§5.3) and the Stream
 * gateway (§6.1). It records everything that arrived. Time is injectable (`now`).
 */
export interface FakeDingtalkOptions {
  /** Custom robots that exist; `secret` turns on 加签 for that robot. */
  robots?: Array<{ accessToken: string; secret?: string }>;
  /** Stream-mode apps (AppKey/AppSecret). */
  apps?: Array<{ clientId: string; clientSecret: string }>;
  /** 20 messages per minute per robot, then throttled for 10 minutes (§4.4). */
  perMinute?: number;
  windowMs?: number;
  penaltyMs?: number;
  /** 410100 (current table) or 130101 (older) (§4.4, §9.8). */
  throttleErrcode?: number;
  /** The server closes a socket this long after `disconnect` (§6.1 step 5). */
  disconnectGraceMs?: number;
  /** Stream: an un-acknowledged push is sent again after this long (dingtalk-gateway.ts). */
  redeliverAfterMs?: number;
  maxDeliveries?: number;
  now?: () => number;
  random?: () => number;
  port?: number;
}

type Result = { errcode: number; errmsg: string };
const MAX_BYTES = 20_000; // 460101 message too long, exceed 20000 bytes (§4.4)
const SIGN_WINDOW_MS = 3600_000; // §4.2 step 5
const SESSION_TTL_MS = 90 * 60_000; // createAt + ~90 min in both official examples (§5.2)
const THROTTLED: Record<number, string> = {
  130101: 'send too fast, exceed 20 times per minute',
  410100: '发送速度太快而限流',
};

export class FakeDingtalk {
  /** Every robot/send request, with the errcode it got. */
  readonly pushes: Array<{ accessToken: string; body: unknown; errcode: number; errmsg: string }> = [];
  /** Every session-webhook POST, with the errcode it got. */
  readonly sessionPosts: Array<{ conversationId: string; body: unknown; errcode: number }> = [];
  /**
   * Every `![](url)` of an accepted markdown message, fetched as DingTalk's servers do to show it:
   * status, content type and bytes (or the network error).
   */
  readonly imageFetches: Array<{ url: string; status: number; type: string; bytes: Buffer; error?: string }> =
    [];
  /** The Stream gateway: drive frames with fake.gateway.callback(), ping(), disconnect(), drop(). */
  readonly gateway: FakeGateway;

  private readonly sent = new Map<string, number[]>();
  private readonly fetching = new Set<Promise<void>>();
  private readonly throttledUntil = new Map<string, number>();
  private readonly sessions = new Map<string, { conversationId: string; expiresAt: number }>();
  private failures: Array<{ status: 500 } | { errcode: number }> = [];
  private sessionFailures = 0;
  private readonly now: () => number;

  private constructor(
    private readonly server: http.Server,
    private readonly opts: FakeDingtalkOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.gateway = new FakeGateway(() => this.url, { ...opts, now: this.now });
    server.on('request', (req, res) => this.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => this.gateway.upgrade(req, socket, head));
  }

  static async start(opts: FakeDingtalkOptions = {}): Promise<FakeDingtalk> {
    const server = http.createServer();
    const fake = new FakeDingtalk(server, opts);
    await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
    return fake;
  }

  /** DINGTALK_API_BASE and DINGTALK_OAPI_BASE for the bot. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Bodies accepted (errcode 0) for one robot. */
  delivered(accessToken: string): unknown[] {
    return this.pushes.filter((p) => p.accessToken === accessToken && p.errcode === 0).map((p) => p.body);
  }

  /** Bodies accepted (errcode 0) through the session webhooks of one conversation. */
  answers(conversationId: string): unknown[] {
    return this.sessionPosts
      .filter((p) => p.conversationId === conversationId && p.errcode === 0)
      .map((p) => p.body);
  }

  /** The next `n` robot/send requests fail with HTTP 500 or the given errcode (-1, 410100…). */
  failNext(n: number, failure: { status: 500 } | { errcode: number }): void {
    for (let i = 0; i < n; i++) this.failures.push(failure);
  }

  /** The next `n` session-webhook POSTs fail with HTTP 500 before they are looked at. */
  failSessionNext(n: number): void {
    this.sessionFailures += n;
  }

  /** A fresh session webhook for a conversation, as a robot message carries (§5.2). */
  sessionWebhook(conversationId: string, ttlMs = SESSION_TTL_MS): { url: string; expiresAt: number } {
    const session = randomUUID();
    const expiresAt = this.now() + ttlMs;
    this.sessions.set(session, { conversationId, expiresAt });
    return { url: `${this.url}/robot/sendBySession?session=${session}`, expiresAt };
  }

  /** A robot message as DingTalk delivers it (§5.2), with a live session webhook of this fake. */
  robotMessage(o: {
    content?: string;
    msgtype?: string;
    msgId?: string;
    conversationId?: string;
    conversationType?: '1' | '2';
    staffId?: string;
    nick?: string;
    sessionTtlMs?: number;
  }): Record<string, unknown> {
    const conversationId = o.conversationId ?? 'cidFUZHOU';
    const session = this.sessionWebhook(conversationId, o.sessionTtlMs);
    const msgtype = o.msgtype ?? 'text';
    return {
      msgtype,
      ...(msgtype === 'text'
        ? { text: { content: ` ${o.content ?? ''}` } }
        : { content: { downloadCode: 'x' } }),
      msgId: o.msgId ?? `msg${randomUUID()}`,
      createAt: this.now(),
      conversationType: o.conversationType ?? '2',
      conversationId,
      conversationTitle: '福州市检查群',
      senderId: `$:LWCP_v1:$${randomUUID()}`,
      senderNick: o.nick ?? '张三',
      senderCorpId: 'dingCORP',
      senderStaffId: o.staffId ?? 'zhangsan',
      chatbotUserId: '$:LWCP_v1:$bot',
      chatbotCorpId: 'dingCORP',
      robotCode: 'dingROBOT',
      isAdmin: false,
      isInAtList: true,
      // Everyone @-mentioned in the message, the robot itself included (§5.2).
      atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }],
      sessionWebhook: session.url,
      sessionWebhookExpiredTime: session.expiresAt,
    };
  }

  async waitFor(what: string, ok: () => boolean, timeoutMs = 3000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`fake dingtalk: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.fetching]);
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', this.url);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
      if (url.pathname === '/robot/send') {
        const accessToken = url.searchParams.get('access_token') ?? '';
        const out: Result | { status: 500 } =
          req.method === 'POST' ? this.robotSend(url, raw, body) : { errcode: 43002, errmsg: '需要POST请求' };
        if ('status' in out) return reply(500, { error: 'internal (fake)' });
        this.pushes.push({ accessToken, body, ...out });
        if (out.errcode === 0) this.fetchImages(body);
        return reply(200, out);
      }
      if (req.method === 'POST' && url.pathname === '/robot/sendBySession') {
        if (this.sessionFailures > 0) {
          this.sessionFailures--;
          return reply(500, { error: 'internal (fake)' });
        }
        const s = this.sessions.get(url.searchParams.get('session') ?? '');
        // The code for an expired session is not documented (§5.3); the fake uses 300005.
        const out: Result =
          s && this.now() <= s.expiresAt
            ? content(raw, body)
            : { errcode: 300005, errmsg: 'session expired (fake)' };
        this.sessionPosts.push({ conversationId: s?.conversationId ?? '', body, errcode: out.errcode });
        if (out.errcode === 0) this.fetchImages(body);
        return reply(200, out);
      }
      if (req.method === 'POST' && url.pathname === '/v1.0/gateway/connections/open')
        return this.gateway.open(req, res, body);
      if (req.method === 'GET' && url.pathname === '/gettoken') {
        // The old-style token (oapi, what dingtalk-stream's getAccessToken calls): 7200 s.
        const app = this.app(url.searchParams.get('appkey'), url.searchParams.get('appsecret'));
        // 40089 "不合法的corpid或corpsecret" for bad credentials is a guess for app keys.
        if (!app) return reply(200, { errcode: 40089, errmsg: '不合法的appkey或appsecret (fake)' });
        return reply(200, {
          errcode: 0,
          errmsg: 'ok',
          access_token: this.token(app.clientId),
          expires_in: 7200,
        });
      }
      if (req.method === 'POST' && url.pathname === '/v1.0/oauth2/accessToken') {
        // The new-style token (api.dingtalk.com): {appKey, appSecret} → {accessToken, expireIn}.
        const b = (body ?? {}) as { appKey?: string; appSecret?: string };
        const app = this.app(b.appKey, b.appSecret);
        // The error body's code for bad credentials is a guess.
        if (!app)
          return reply(400, { code: 'invalidClientIdOrSecret', message: '无效的appKey或appSecret (fake)' });
        return reply(200, { accessToken: this.token(app.clientId), expireIn: 7200 });
      }
      reply(404, { errcode: 404, errmsg: 'not found (fake)' });
    });
  }

  private app(key: unknown, secret: unknown) {
    return (this.opts.apps ?? []).find((a) => a.clientId === key && a.clientSecret === secret);
  }

  /** Access tokens handed out, by app. */
  readonly tokens = new Map<string, string>();

  private token(clientId: string): string {
    const token = `fake-token-${randomUUID()}`;
    this.tokens.set(clientId, token);
    return token;
  }

  /** Fetches the pictures a markdown message links to, in the background (see imageFetches). */
  private fetchImages(body: unknown): void {
    const text = (body as { markdown?: { text?: unknown } } | undefined)?.markdown?.text;
    if (typeof text !== 'string') return;
    for (const url of markdownImages(text)) {
      const job = fetch(url)
        .then(async (res) => {
          const bytes = Buffer.from(await res.arrayBuffer());
          this.imageFetches.push({
            url,
            status: res.status,
            type: res.headers.get('content-type') ?? '',
            bytes,
          });
        })
        .catch((err: unknown) => {
          this.imageFetches.push({ url, status: 0, type: '', bytes: Buffer.alloc(0), error: String(err) });
        })
        .finally(() => this.fetching.delete(job));
      this.fetching.add(job);
    }
  }

  /** robot/send checks in DingTalk's order: token, 加签, throttle, size and type, rate (§4). */
  private robotSend(url: URL, raw: Buffer, body: unknown): Result | { status: 500 } {
    const token = url.searchParams.get('access_token');
    if (!token) return { errcode: 40035, errmsg: '缺少参数 access_token' };
    const robot = (this.opts.robots ?? []).find((r) => r.accessToken === token);
    if (!robot) return { errcode: 300005, errmsg: 'token is not exist' };
    if (robot.secret) {
      // searchParams decodes '+' as a space, as DingTalk does with an un-encoded sign (§7.2).
      const ts = url.searchParams.get('timestamp') ?? '';
      const sign = url.searchParams.get('sign') ?? '';
      if (!ts || !sign) return { errcode: 310000, errmsg: '机器人发送签名不匹配' };
      if (!(Math.abs(this.now() - Number(ts)) <= SIGN_WINDOW_MS))
        return { errcode: 310000, errmsg: 'invalid timestamp' };
      const expected = createHmac('sha256', robot.secret).update(`${ts}\n${robot.secret}`).digest('base64');
      const a = Buffer.from(sign);
      const b = Buffer.from(expected);
      if (a.length !== b.length || !timingSafeEqual(a, b))
        return { errcode: 310000, errmsg: 'sign not match' };
    }
    const failure = this.failures.shift();
    if (failure)
      return 'status' in failure ? failure : { errcode: failure.errcode, errmsg: 'injected (fake)' };
    const now = this.now();
    const code = this.opts.throttleErrcode ?? 410100;
    if ((this.throttledUntil.get(token) ?? 0) > now)
      return { errcode: code, errmsg: THROTTLED[code] ?? 'throttled' };
    const checked = content(raw, body);
    if (checked.errcode !== 0) return checked;
    const recent = (this.sent.get(token) ?? []).filter((t) => now - t < (this.opts.windowMs ?? 60_000));
    this.sent.set(token, recent);
    if (recent.length >= (this.opts.perMinute ?? 20)) {
      this.throttledUntil.set(token, now + (this.opts.penaltyMs ?? 10 * 60_000));
      return { errcode: code, errmsg: THROTTLED[code] ?? 'throttled' };
    }
    recent.push(now);
    return ok();
  }
}

/** Size (whole body, bytes) and message type, as robot/send and sendBySession check them (§4.3, §4.4). */
function content(raw: Buffer, body: unknown): Result {
  if (raw.length > MAX_BYTES) return { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' };
  const b = (body ?? {}) as {
    msgtype?: string;
    text?: { content?: unknown };
    markdown?: Record<string, unknown>;
  };
  if (b.msgtype === 'text' && typeof b.text?.content === 'string') return ok();
  if (
    b.msgtype === 'markdown' &&
    typeof b.markdown?.title === 'string' &&
    typeof b.markdown?.text === 'string'
  )
    return ok();
  if (b.msgtype === 'text' || b.msgtype === 'markdown') return { errcode: 40035, errmsg: '缺少参数 json' };
  return { errcode: 400105, errmsg: 'unsupported msgtype (fake supports text and markdown)' };
}

function ok(): Result {
  return { errcode: 0, errmsg: 'ok' };
}
