import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { type ServedFile, serveBytes, servedLength } from './dingtalk.ts';
import { checkWecomImage } from './images.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type CallbackRecord,
  ConversationRate,
  checkEventReply,
  checkRespond,
  checkSend,
  MediaUploads,
  type Refusal,
} from './wecom-aibot.ts';

/**
 * A local WeCom on 127.0.0.1 that behaves like the real one where the bot depends on it:
 * group robot webhook/send (protocols.md §1), 智能机器人 response_url (§3.1) and the long
 * connection (§3.2). It records everything that arrived. Time is injectable (`now`).
 */
export interface FakeWecomOptions {
  /** Group robot keys that exist; anything else gets 93000 (§1.5). */
  keys?: string[];
  /** 智能机器人 long-connection credentials. */
  bots?: Array<{ botId: string; secret: string }>;
  /** 20 messages per minute per robot (§1.3). */
  perMinute?: number;
  windowMs?: number;
  now?: () => number;
  port?: number;
}

export interface Frame {
  cmd?: string;
  headers: { req_id: string };
  body?: unknown;
  errcode?: number;
  errmsg?: string;
}

/** Byte limits of the group robot (§1.2): text 2048, markdown 4096, counted in UTF-8. */
const LIMITS: Record<string, number> = { text: 2048, markdown: 4096 };
const RESPONSE_URL_TTL_MS = 3600_000; // single use, one hour (§3.1)
const FILE_URL_TTL_MS = 5 * 60_000; // file links: 5 minutes (§10.2)

export class FakeWecom {
  /** Every webhook/send request, with the errcode it got. */
  readonly pushes: Array<{ key: string; body: unknown; errcode: number }> = [];
  /** Pictures accepted through webhook/send (image messages), decoded and checked. */
  readonly images: Array<{ key: string; bytes: Buffer; type: 'png' | 'jpg' }> = [];
  /** Every response_url POST, with the errcode it got. */
  readonly responses: Array<{ code: string; body: unknown; errcode: number }> = [];
  readonly subscribes: Array<{ botId: string; errcode: number }> = [];
  /** aibot_respond_msg frames accepted. */
  readonly respondMsgs: Frame[] = [];
  /** aibot_send_msg, welcome and card-update frames accepted. */
  readonly sentMsgs: Frame[] = [];
  /** Every GET of a file link, with the status it got (§10.2). */
  readonly fileGets: Array<{ status: number; bytes: number }> = [];
  /** Every long-connection command refused, with its errcode. */
  readonly refused: Array<{ cmd: string; reqId: string; errcode: number }> = [];
  /** Media uploaded over the long connection (aibot_upload_media_*). */
  readonly uploads = new MediaUploads();
  pings = 0;
  /** Stop acknowledging pings (a half-dead link). */
  silentPings = false;

  private readonly sent = new Map<string, number[]>();
  private readonly fileLinks = new Map<string, { file: ServedFile; at: number }>();
  private readonly codes = new Map<string, { at: number; used: boolean }>();
  private readonly holders = new Map<string, WebSocket>();
  /** req_ids of the callbacks and events the fake sent, and what each still allows. */
  private readonly callbacks = new Map<string, CallbackRecord>();
  /** Conversations where a user has messaged the bot (aibot_send_msg may reach only these). */
  private readonly conversations = new Set<string>();
  private rate = new ConversationRate();
  private failures: Array<{ status: 500 } | { errcode: number }> = [];
  private respondFailures: number[] = [];
  private lostResponds = 0;
  private subscribeFailures: number[] = [];
  private readonly wss: WebSocketServer;
  private readonly keys: Set<string>;
  private readonly now: () => number;

  private constructor(
    private readonly server: http.Server,
    private readonly opts: FakeWecomOptions,
  ) {
    this.keys = new Set(opts.keys ?? []);
    this.now = opts.now ?? Date.now;
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (ws) => this.onSocket(ws));
    server.on('request', (req, res) => this.onRequest(req, res));
  }

  static async start(opts: FakeWecomOptions = {}): Promise<FakeWecom> {
    const server = http.createServer();
    const fake = new FakeWecom(server, opts);
    await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  /** WECOM_API_BASE for the bot. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** WECOM_WS_URL for the bot. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Bodies accepted (errcode 0) for one key. */
  delivered(key: string): unknown[] {
    return this.pushes.filter((p) => p.key === key && p.errcode === 0).map((p) => p.body);
  }

  /**
   * Who an accepted push notified, as WeCom does it (protocols.md §10.4): `<@userid>` inside a
   * markdown content, `mentioned_list` / `mentioned_mobile_list` of a text message. A name written
   * as `@李四` notifies nobody, and the lists are ignored outside `text`.
   */
  notified(key?: string): Array<{ userid: string } | { mobile: string }> {
    const out: Array<{ userid: string } | { mobile: string }> = [];
    for (const p of this.pushes) {
      if (p.errcode !== 0 || (key !== undefined && p.key !== key)) continue;
      const body = p.body as {
        msgtype?: string;
        markdown?: { content?: string };
        text?: { mentioned_list?: string[]; mentioned_mobile_list?: string[] };
      };
      if (body.msgtype === 'markdown')
        for (const m of (body.markdown?.content ?? '').matchAll(/<@([^>\s]+)>/g))
          out.push({ userid: m[1] as string });
      if (body.msgtype === 'text') {
        for (const userid of body.text?.mentioned_list ?? []) out.push({ userid });
        for (const mobile of body.text?.mentioned_mobile_list ?? []) out.push({ mobile });
      }
    }
    return out;
  }

  /** The next `n` webhook/send requests fail with HTTP 500 or the given errcode (45009, -1…). */
  failNext(n: number, failure: { status: 500 } | { errcode: number }): void {
    for (let i = 0; i < n; i++) this.failures.push(failure);
  }

  /** The next `n` aibot_respond_msg are refused, by default with 846605 invalid req_id (§3.2). */
  failRespondNext(n: number, errcode = 846605): void {
    for (let i = 0; i < n; i++) this.respondFailures.push(errcode);
  }

  /** Forgets what was recorded and every rate count, for a shared fake between tests. */
  reset(): void {
    this.pushes.length = 0;
    this.respondMsgs.length = 0;
    this.sentMsgs.length = 0;
    this.refused.length = 0;
    this.sent.clear();
    this.rate = new ConversationRate();
  }

  /** The next `n` aibot_respond_msg vanish: not recorded, never acknowledged (a lost ack). */
  loseRespondNext(n: number): void {
    this.lostResponds += n;
  }

  /** The next `n` subscribes are refused with 45009 (subscribing is rate-protected, §3.2). */
  failSubscribeNext(n: number, errcode = 45009): void {
    for (let i = 0; i < n; i++) this.subscribeFailures.push(errcode);
  }

  /** A fresh single-use response_url, as a callback would carry (§3.1). */
  responseUrl(): string {
    const code = randomUUID();
    this.codes.set(code, { at: this.now(), used: false });
    return `${this.url}/cgi-bin/aibot/response?response_code=${code}`;
  }

  /**
   * A file a user sent the bot (§10.2): served at a link that works for 5 minutes, AES-256-CBC
   * encrypted (IV = key[0..16], PKCS#7 padded to a multiple of 32) with `encodingAESKey` (callback
   * mode: the bot's key) or else a fresh per-URL key returned as `aeskey` (long connection, 43
   * characters of unpadded base64, as integrators see it). The name travels in the download's
   * Content-Disposition (`filename*=UTF-8''…`), never in the message. A `zeros` file is served as
   * that many (unencrypted) bytes, for size limits.
   */
  serveFile(file: ServedFile, encodingAESKey?: string): { url: string; aeskey: string } {
    const keyText = encodingAESKey ?? randomBytes(32).toString('base64').replace(/=+$/, '');
    const key = Buffer.from(`${keyText.replace(/=+$/, '')}=`, 'base64');
    let served: ServedFile = file;
    if (file.bytes) {
      const pad = 32 - (file.bytes.length % 32);
      const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
      const padded = Buffer.concat([file.bytes, Buffer.alloc(pad, pad)]);
      served = { ...file, bytes: Buffer.concat([cipher.update(padded), cipher.final()]) };
    }
    const id = randomUUID();
    this.fileLinks.set(id, { file: served, at: this.now() });
    return { url: `${this.url}/fake-cos/${id}?sign=${randomUUID()}`, aeskey: keyText };
  }

  /**
   * A file message (§3.1, §10.2): in a single chat `msgtype: file`; in a group — where a file
   * reaches the bot only quoted with an @ — a text message whose `quote` holds the file.
   * `aeskey` is carried over the long connection only (callback mode decrypts with the bot's key).
   */
  fileMessage(o: {
    file: { url: string; aeskey?: string };
    quoted?: boolean;
    content?: string;
    chatid?: string;
    userid?: string;
    responseUrl?: string;
  }): Record<string, unknown> {
    const quoted = o.quoted ?? true;
    const base = {
      msgid: `msg-${randomUUID()}`,
      aibotid: 'aibTEST',
      ...(quoted ? { chatid: o.chatid ?? 'wrFUZHOU', chattype: 'group' } : { chattype: 'single' }),
      from: { userid: o.userid ?? 'zhangsan' },
      ...(o.responseUrl ? { response_url: o.responseUrl } : {}),
    };
    if (!quoted) return { ...base, msgtype: 'file', file: o.file };
    return {
      ...base,
      msgtype: 'text',
      text: { content: `@巡检助手 ${o.content ?? ''}` },
      quote: { msgtype: 'file', file: o.file },
    };
  }

  /** Pushes an aibot_msg_callback to the bot's connection; returns its req_id. */
  push(botId: string, body: unknown): string {
    const ws = this.holder(botId);
    const req_id = `req_${randomUUID()}`;
    const conversation = conversationOf(body);
    this.callbacks.set(req_id, {
      botId,
      kind: 'msg',
      conversation,
      at: this.now(),
      finished: false,
      used: false,
    });
    if (conversation) this.conversations.add(conversation);
    ws.send(JSON.stringify({ cmd: 'aibot_msg_callback', headers: { req_id }, body }));
    return req_id;
  }

  /** A user opens the bot's single chat for the first time today (enter_chat, §3.1); returns its req_id. */
  enterChat(botId: string, userid: string): string {
    const ws = this.holder(botId);
    const req_id = `req_${randomUUID()}`;
    this.callbacks.set(req_id, {
      botId,
      kind: 'enter_chat',
      conversation: userid,
      at: this.now(),
      finished: false,
      used: false,
    });
    ws.send(
      JSON.stringify(eventFrame(req_id, botId, 'enter_chat', { userid, corpid: 'wwCORP' }, this.now())),
    );
    return req_id;
  }

  /** Sends disconnected_event and closes, as when another connection subscribes (§3.2). */
  kick(botId: string): void {
    const ws = this.holder(botId);
    this.holders.delete(botId);
    ws.send(JSON.stringify(disconnectedEvent(botId, this.now())));
    ws.close();
  }

  /** Drops the bot's socket without a word. */
  drop(botId: string): void {
    const ws = this.holder(botId);
    this.holders.delete(botId);
    ws.terminate();
  }

  isConnected(botId: string): boolean {
    return this.holders.has(botId);
  }

  async waitFor(what: string, ok: () => boolean, timeoutMs = 3000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`fake wecom: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private holder(botId: string): WebSocket {
    const ws = this.holders.get(botId);
    if (!ws) throw new Error(`fake wecom: bot ${botId} is not connected`);
    return ws;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.url);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      if (req.method === 'GET' && url.pathname.startsWith('/fake-cos/')) {
        const link = this.fileLinks.get(url.pathname.slice('/fake-cos/'.length));
        // A signed COS link: 5 minutes (§10.2), then 403 "Request has expired" as COS answers.
        if (!link || this.now() - link.at > FILE_URL_TTL_MS) {
          this.fileGets.push({ status: 403, bytes: 0 });
          res.writeHead(403, { 'content-type': 'application/xml' });
          res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
          return;
        }
        this.fileGets.push({ status: 200, bytes: servedLength(link.file) });
        return serveBytes(link.file, res, {
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(link.file.name)}`,
        });
      }
      if (req.method === 'POST' && url.pathname === '/cgi-bin/webhook/send') {
        const key = url.searchParams.get('key') ?? '';
        const out = this.webhook(key, body);
        if ('status' in out) return reply(out.status, { error: 'internal' });
        this.pushes.push({ key, body, errcode: out.errcode });
        return reply(200, out);
      }
      if (req.method === 'POST' && url.pathname === '/cgi-bin/aibot/response') {
        const code = url.searchParams.get('response_code') ?? '';
        const entry = this.codes.get(code);
        // Unknown, used or expired codes: the fake answers 93000 (the real code is undocumented).
        const valid = entry && !entry.used && this.now() - entry.at <= RESPONSE_URL_TTL_MS;
        if (entry) entry.used = true;
        const out = valid ? ok() : { errcode: 93000, errmsg: 'invalid response_code (fake)' };
        this.responses.push({ code, body, errcode: out.errcode });
        return reply(200, out);
      }
      reply(404, { errcode: 404, errmsg: 'not found (fake)' });
    });
  }

  private webhook(key: string, body: unknown): { status: 500 } | { errcode: number; errmsg: string } {
    if (!this.keys.has(key)) return { errcode: 93000, errmsg: 'invalid webhook url' }; // §1.5
    const failure = this.failures.shift();
    if (failure)
      return 'status' in failure ? failure : { errcode: failure.errcode, errmsg: 'injected (fake)' };
    const now = this.now();
    const windowMs = this.opts.windowMs ?? 60_000;
    const recent = (this.sent.get(key) ?? []).filter((t) => now - t < windowMs);
    this.sent.set(key, recent);
    if (recent.length >= (this.opts.perMinute ?? 20))
      return { errcode: 45009, errmsg: 'api freq out of limit' }; // §1.3
    const b = body as { msgtype?: string } & Record<string, { content?: unknown }>;
    const type = b?.msgtype ?? '';
    if (type === 'image') {
      const image = checkWecomImage((body as { image?: unknown }).image);
      if (!image.ok) return { errcode: image.errcode, errmsg: image.errmsg };
      recent.push(now);
      this.images.push({ key, bytes: image.bytes, type: image.type });
      return ok();
    }
    const limit = LIMITS[type];
    const content = b?.[type]?.content;
    if (limit === undefined || typeof content !== 'string')
      return { errcode: 40008, errmsg: 'invalid message type (fake)' };
    if (Buffer.byteLength(content, 'utf8') > limit) {
      return {
        errcode: 40058,
        errmsg: `${type}.content exceed max length ${limit}. invalid Request Parameter`,
      }; // §1.5
    }
    recent.push(now);
    return ok();
  }

  private onSocket(ws: WebSocket): void {
    let botId: string | undefined;
    ws.on('message', (data) => {
      let f: Frame;
      try {
        f = JSON.parse(data.toString()) as Frame;
      } catch {
        return;
      }
      const ack = (errcode = 0, errmsg = 'ok') =>
        ws.send(JSON.stringify({ headers: f.headers, errcode, errmsg }));
      if (f.cmd === 'aibot_subscribe') {
        const b = f.body as { bot_id?: string; secret?: string };
        const forced = this.subscribeFailures.shift();
        const known = (this.opts.bots ?? []).some((x) => x.botId === b?.bot_id && x.secret === b?.secret);
        const errcode = forced ?? (known ? 0 : 853000); // 853000 invalid bot_id or secret (§3.2)
        this.subscribes.push({ botId: b?.bot_id ?? '', errcode });
        if (errcode !== 0) {
          ack(errcode, errcode === 45009 ? 'api freq out of limit' : 'invalid bot_id or secret');
          // A refused subscribe ends the connection (guess: the official SDK terminates it itself
          // on a non-zero errcode, so a lenient server would never be noticed).
          ws.close();
          return;
        }
        botId = b.bot_id!;
        const previous = this.holders.get(botId);
        this.holders.set(botId, ws);
        if (previous && previous !== ws) {
          previous.send(JSON.stringify(disconnectedEvent(botId, this.now())));
          previous.close();
        }
        return ack();
      }
      if (!botId) return ack(853000, 'not subscribed (fake)');
      if (f.cmd === 'ping') {
        this.pings++;
        if (!this.silentPings) ack();
        return;
      }
      const reqId = f.headers?.req_id ?? '';
      const refuse = (r: Refusal) => {
        this.refused.push({ cmd: f.cmd ?? '', reqId, errcode: r.errcode });
        ack(r.errcode, r.errmsg);
      };
      const now = this.now();
      const cb = this.callbacks.get(reqId);
      switch (f.cmd) {
        case 'aibot_respond_msg': {
          if (this.lostResponds > 0) {
            this.lostResponds--;
            return;
          }
          const forced = this.respondFailures.shift();
          if (forced !== undefined) return refuse({ errcode: forced, errmsg: 'refused (fake, forced)' });
          const r = checkRespond(cb, botId, f.body, now) ?? this.rate.take(cb?.conversation ?? '', now);
          if (r) return refuse(r);
          this.respondMsgs.push(f);
          return ack();
        }
        case 'aibot_respond_welcome_msg':
        case 'aibot_respond_update_msg': {
          const kind = f.cmd === 'aibot_respond_welcome_msg' ? 'enter_chat' : 'template_card_event';
          const r = checkEventReply(cb, kind, botId, now) ?? this.rate.take(cb?.conversation ?? '', now);
          if (r) return refuse(r);
          this.sentMsgs.push(f);
          return ack();
        }
        case 'aibot_send_msg': {
          const chatid = String((f.body as { chatid?: unknown } | undefined)?.chatid ?? '');
          const r = checkSend(f.body, this.conversations) ?? this.rate.take(chatid, now);
          if (r) return refuse(r);
          this.sentMsgs.push(f);
          return ack();
        }
        case 'aibot_upload_media_init': {
          const r = this.uploads.init(f.body);
          if ('errcode' in r) return refuse(r);
          return ws.send(JSON.stringify({ headers: f.headers, errcode: 0, errmsg: 'ok', body: r }));
        }
        case 'aibot_upload_media_chunk': {
          const r = this.uploads.chunk(f.body);
          return r ? refuse(r) : ack();
        }
        case 'aibot_upload_media_finish': {
          const r = this.uploads.finish(f.body, now);
          if ('errcode' in r) return refuse(r);
          return ws.send(JSON.stringify({ headers: f.headers, errcode: 0, errmsg: 'ok', body: r }));
        }
      }
      // The code for an unknown cmd is not documented; 40008 "invalid message type" (guess).
      refuse({ errcode: 40008, errmsg: `unsupported cmd ${f.cmd ?? '(none)'} (fake)` });
    });
    ws.on('close', () => {
      if (botId && this.holders.get(botId) === ws) this.holders.delete(botId);
    });
  }
}

function ok() {
  return { errcode: 0, errmsg: 'ok' };
}

/** chatid of a group message, the sender's userid of a single chat (§3.1). */
function conversationOf(body: unknown): string {
  const b = body as { chatid?: unknown; from?: { userid?: unknown } } | undefined;
  return typeof b?.chatid === 'string' ? b.chatid : typeof b?.from?.userid === 'string' ? b.from.userid : '';
}

/** An aibot_event_callback: every event carries msgid, create_time, aibotid, from and event (§3.1; SDK EventMessage). */
function eventFrame(
  req_id: string,
  botId: string,
  eventtype: string,
  from: { userid: string; corpid?: string },
  now: number,
) {
  return {
    cmd: 'aibot_event_callback',
    headers: { req_id },
    body: {
      msgid: randomUUID(),
      create_time: Math.floor(now / 1000),
      aibotid: botId,
      chattype: 'single',
      from,
      msgtype: 'event',
      event: { eventtype },
    },
  };
}

/**
 * Sent to the old connection when another subscribes the same bot (§3.2). Who it is "from" is not
 * documented; the SDK's EventMessage requires from.userid, so the fake sends an empty one (guess).
 */
function disconnectedEvent(botId: string, now: number) {
  return eventFrame(`req_${randomUUID()}`, botId, 'disconnected_event', { userid: '' }, now);
}
