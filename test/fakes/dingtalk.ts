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
  /**
   * Enterprise apps (AppKey/AppSecret) for Stream and the OpenAPI; `robotCode` is the app's robot
   * (an internal app's robotCode is its AppKey, §10.1: the default).
   */
  apps?: Array<{ clientId: string; clientSecret: string; robotCode?: string }>;
  /** Life of an access token, seconds (§10.1: 7200). */
  tokenExpireIn?: number;
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

/**
 * A file the fake serves: its bytes, or (for size limits) `zeros` bytes made as they are sent, so
 * a test of a 100 MB cap holds nothing in memory. `chunked` leaves out Content-Length.
 */
export interface ServedFile {
  name: string;
  bytes?: Buffer;
  zeros?: number;
  chunked?: boolean;
}

export function servedLength(f: ServedFile): number {
  return f.bytes?.length ?? f.zeros ?? 0;
}

/** Writes a served file's bytes (64 KiB at a time for `zeros`), honouring backpressure. */
export function serveBytes(f: ServedFile, res: http.ServerResponse, headers: Record<string, string>): void {
  const length = servedLength(f);
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    ...(f.chunked ? {} : { 'content-length': String(length) }),
    ...headers,
  });
  if (f.bytes) {
    res.end(f.bytes);
    return;
  }
  const block = Buffer.alloc(64 * 1024);
  let left = length;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, block.length);
      left -= n;
      if (!res.write(n === block.length ? block : block.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => {
    left = 0;
  });
  pump();
}
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

  /** Every messageFiles/download request, with the status it got (§10.1). */
  readonly fileDownloads: Array<{ downloadCode: string; robotCode: string; status: number; code?: string }> =
    [];
  /** Every GET of a download link, with the status it got. */
  readonly fileGets: Array<{ status: number; bytes: number }> = [];

  private readonly sent = new Map<string, number[]>();
  private readonly liveTokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly files = new Map<string, ServedFile & { robotCode: string; expiresAt: number }>();
  private readonly links = new Map<string, { file: ServedFile; expiresAt: number }>();
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
        const expireIn = this.opts.tokenExpireIn ?? 7200;
        return reply(200, { accessToken: this.token(app.clientId, expireIn), expireIn });
      }
      if (req.method === 'POST' && url.pathname === '/v1.0/robot/messageFiles/download')
        return this.messageFileDownload(req, body, reply);
      if (req.method === 'GET' && url.pathname.startsWith('/fake-files/')) return this.serveLink(url, res);
      reply(404, { errcode: 404, errmsg: 'not found (fake)' });
    });
  }

  private app(key: unknown, secret: unknown) {
    return (this.opts.apps ?? []).find((a) => a.clientId === key && a.clientSecret === secret);
  }

  /** Access tokens handed out, by app. */
  readonly tokens = new Map<string, string>();

  private token(clientId: string, expireIn = 7200): string {
    const token = `fake-token-${randomUUID()}`;
    this.tokens.set(clientId, token);
    this.liveTokens.set(token, { clientId, expiresAt: this.now() + expireIn * 1000 });
    return token;
  }

  /** Every access token handed out stops working (revoked, or expired early). */
  revokeTokens(): void {
    this.liveTokens.clear();
  }

  /**
   * A file a user sent to the robot: returns the download code its message carries (§10.1). The
   * code works with the robot's app (`robotCode`, default the first app's) for `ttlMs` (its real
   * lifetime is undocumented, §10.6: the fake's 10 minutes is a guess).
   */
  addFile(file: ServedFile, o: { robotCode?: string; ttlMs?: number } = {}): string {
    const downloadCode = `dc${randomUUID().replaceAll('-', '')}`;
    const first = this.opts.apps?.[0];
    const robotCode = o.robotCode ?? first?.robotCode ?? first?.clientId ?? 'dingROBOT';
    this.files.set(downloadCode, { ...file, robotCode, expiresAt: this.now() + (o.ttlMs ?? 10 * 60_000) });
    return downloadCode;
  }

  /**
   * A file message as the robot receives it (§10.1): `msgtype: file` in a 1:1 chat, or — how a
   * file reaches the robot in a group — a text message quoting the file with an @
   * (`text.isReplyMsg`, `text.repliedMsg`, community-observed shape [T]).
   */
  fileMessage(o: {
    file: ServedFile;
    /** In a group, quoted with an @ (default); false: sent to the robot in a 1:1 chat. */
    quoted?: boolean;
    /** What the user typed beside the quote (default nothing). */
    content?: string;
    conversationId?: string;
    staffId?: string;
    nick?: string;
    robotCode?: string;
    ttlMs?: number;
  }): Record<string, unknown> {
    const quoted = o.quoted ?? true;
    const app = this.opts.apps?.[0];
    const robotCode = o.robotCode ?? app?.robotCode ?? app?.clientId ?? 'dingROBOT';
    const downloadCode = this.addFile(o.file, {
      robotCode,
      ...(o.ttlMs !== undefined ? { ttlMs: o.ttlMs } : {}),
    });
    const content = { downloadCode, fileName: o.file.name, spaceId: '24511', fileId: String(Date.now()) };
    const base = this.robotMessage({
      ...(o.conversationId ? { conversationId: o.conversationId } : {}),
      conversationType: quoted ? '2' : '1',
      ...(o.staffId ? { staffId: o.staffId } : {}),
      ...(o.nick ? { nick: o.nick } : {}),
      content: o.content ?? '',
    });
    base.robotCode = robotCode;
    if (!quoted) {
      const { text: _, ...rest } = base;
      return { ...rest, msgtype: 'file', content };
    }
    return {
      ...base,
      text: {
        content: ` ${o.content ?? ''}`,
        isReplyMsg: true,
        repliedMsg: {
          msgType: 'file',
          msgId: `msg${randomUUID()}`,
          senderId: base.senderId,
          createdAt: this.now(),
          content,
        },
      },
    };
  }

  /**
   * POST /v1.0/robot/messageFiles/download (§10.1), checked as DingTalk's OpenAPI does: the token
   * (header x-acs-dingtalk-access-token; a missing, unknown or expired one is HTTP 401
   * InvalidAuthentication, the OpenAPI's answer to a bad token [T]), both body fields, the robot
   * (a robotCode no app of the token owns: HTTP 400 resource.not.found "robot 不存在" [T]), the
   * download code (unknown, expired, or another robot's: HTTP 400 — code and text are guesses,
   * the API's table is not in the material read). Then a temporary link.
   */
  private messageFileDownload(
    req: http.IncomingMessage,
    body: unknown,
    reply: (status: number, body: unknown) => void,
  ): undefined {
    const b = (body ?? {}) as { downloadCode?: unknown; robotCode?: unknown };
    const downloadCode = typeof b.downloadCode === 'string' ? b.downloadCode : '';
    const robotCode = typeof b.robotCode === 'string' ? b.robotCode : '';
    const answer = (status: number, out: { code: string; message: string } | { downloadUrl: string }): undefined => {
      this.fileDownloads.push({
        downloadCode,
        robotCode,
        status,
        ...('code' in out ? { code: out.code } : {}),
      });
      reply(status, 'code' in out ? { ...out, requestid: randomUUID() } : out);
      return undefined;
    };
    const header = req.headers['x-acs-dingtalk-access-token'];
    const token = this.liveTokens.get(typeof header === 'string' ? header : '');
    if (!token || token.expiresAt < this.now())
      return answer(401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
    if (!downloadCode || !robotCode)
      return answer(400, {
        code: 'MissingParameter',
        message: `缺少参数 ${!downloadCode ? 'downloadCode' : 'robotCode'} (fake)`,
      });
    const app = (this.opts.apps ?? []).find((a) => a.clientId === token.clientId);
    if ((app?.robotCode ?? app?.clientId) !== robotCode)
      return answer(400, { code: 'resource.not.found', message: 'robot 不存在' });
    const file = this.files.get(downloadCode);
    if (!file || file.robotCode !== robotCode || file.expiresAt < this.now())
      return answer(400, {
        code: 'InvalidParameter.DownloadCode',
        message: 'downloadCode无效或已过期 (fake)',
      });
    const link = randomUUID();
    // The link's life is undocumented (§10.6); the fake keeps it 5 minutes (a guess).
    this.links.set(link, { file, expiresAt: this.now() + 5 * 60_000 });
    return answer(200, { downloadUrl: `${this.url}/fake-files/${link}` });
  }

  /** GET a download link: the bytes, as a plain GET without auth headers (§10.1). */
  private serveLink(url: URL, res: http.ServerResponse): void {
    const link = this.links.get(url.pathname.slice('/fake-files/'.length));
    if (!link || link.expiresAt < this.now()) {
      this.fileGets.push({ status: 403, bytes: 0 });
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    this.fileGets.push({ status: 200, bytes: servedLength(link.file) });
    serveBytes(link.file, res, {});
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
