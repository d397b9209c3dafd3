import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * The fake Stream gateway (protocols.md §6.1): connections/open hands out single-use tickets
 * (90 s) bound to the subscriptions asked for, the WebSocket accepts only a fresh ticket, and the
 * test drives the frames DingTalk would send (CALLBACK, EVENT, SYSTEM ping/disconnect). Strict
 * where the platform is: a frame goes only to connections subscribed to its type and topic; every
 * frame the client sends must be JSON answering an outstanding messageId (or a ping's opaque);
 * an un-acknowledged CALLBACK or EVENT, or an EVENT acknowledged `LATER`, is delivered again.
 * Checked against the official `dingtalk-stream` SDK (test/fakes/sdk-dingtalk.test.ts).
 */
export interface StreamFrame {
  code?: number;
  headers?: { messageId?: string; contentType?: string; [k: string]: string | undefined };
  message?: string;
  data?: string;
}

/** What DingTalk subscribes a connection to (§6.1 step 1). */
export interface Subscription {
  type: string;
  topic: string;
}

/** The robot-message topic (§6.1, §6.2 TOPIC_ROBOT). */
export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

/**
 * Un-acknowledged pushes are re-sent "within a certain time (60 s)" — the official Node SDK's
 * comment on socketCallBackResponse (§6.1, §6.2); protocols.md marks it uncertain for robot
 * messages [?]. The fake re-sends both kinds; the delay and the number of tries are guesses.
 */
export const REDELIVER_AFTER_MS = 60_000;
export const MAX_DELIVERIES = 3;

export interface GatewayOptions {
  apps?: Array<{ clientId: string; clientSecret: string }>;
  /** The server closes a socket this long after `disconnect` (§6.1 step 5). */
  disconnectGraceMs?: number;
  now: () => number;
  random?: () => number;
  /** How long an un-acknowledged push waits before it is sent again (guess: 60 s, see above). */
  redeliverAfterMs?: number;
  /** Deliveries of one push at most, the first included (guess). */
  maxDeliveries?: number;
}

interface Conn {
  id: string;
  clientId: string;
  subscriptions: Subscription[];
}

interface Outstanding {
  clientId: string;
  type: 'CALLBACK' | 'EVENT';
  topic: string;
  data: string;
  extra: Record<string, string>;
  deliveries: number;
  timer?: NodeJS.Timeout;
}

const TICKET_TTL_MS = 90_000; // single use, 90 s (§6.1 step 1)

export class FakeGateway {
  /** Every connections/open request, with the HTTP status it got. */
  readonly opens: Array<{ clientId: string; status: number; accept: string; subscriptions: unknown }> = [];
  /** Every WebSocket upgrade, with whether its ticket was good. */
  readonly upgrades: Array<{ ticketOk: boolean }> = [];
  /** Every well-formed frame the client sent: acks of outstanding pushes and ping echoes. */
  readonly acks: StreamFrame[] = [];
  /** Frames the gateway did not take, with why (not JSON, unknown messageId, code ≠ 200, …). */
  readonly rejected: Array<{ frame: string; reason: string }> = [];
  /** Every push sent, redeliveries included, with the connection it went to. */
  readonly deliveries: Array<{ messageId: string; type: string; connectionId: string; attempt: number }> = [];
  /** Pushes given up after maxDeliveries without an acknowledgement. */
  readonly expired: string[] = [];

  private readonly tickets = new Map<
    string,
    { clientId: string; at: number; used: boolean; subscriptions: Subscription[] }
  >();
  private readonly conns = new Map<string, Set<WebSocket>>();
  private readonly info = new WeakMap<WebSocket, Conn>();
  private readonly outstanding = new Map<string, Outstanding>();
  private readonly pings = new Map<string, string>();
  /** Pushes acknowledged already: a copy sent before the first ack arrived may be acked again. */
  private readonly done = new Set<string>();
  private lostAcks = 0;
  private readonly muted = new Set<string>();
  private openFailures: number[] = [];
  // Pongs are sent by hand so that mute() can make a link half-dead.
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });

  constructor(
    private readonly baseUrl: () => string,
    private readonly o: GatewayOptions,
  ) {}

  /** The next `n` connections/open requests fail with this HTTP status. */
  failOpenNext(n: number, status = 500): void {
    for (let i = 0; i < n; i++) this.openFailures.push(status);
  }

  /**
   * Pushes a robot-message CALLBACK frame to one of the app's connections subscribed to the robot
   * topic; returns its messageId. Passing a known messageId sends that push again (a redelivery).
   */
  callback(clientId: string, message: unknown, messageId: string = randomUUID()): string {
    this.push(messageId, {
      clientId,
      type: 'CALLBACK',
      topic: TOPIC_ROBOT,
      data: JSON.stringify(message),
      extra: {},
      deliveries: 0,
    });
    return messageId;
  }

  /**
   * Pushes an EVENT frame: the event's type and ids travel in the headers, its body in `data`
   * (§6.1 step 3; the official SDK reads `headers.eventType`). Returns its messageId.
   */
  event(clientId: string, eventType = 'chat_update_title', body: unknown = {}): string {
    const messageId = randomUUID();
    const now = String(this.o.now());
    this.push(messageId, {
      clientId,
      type: 'EVENT',
      topic: '*',
      data: JSON.stringify(body),
      extra: {
        eventType,
        eventId: randomUUID().replaceAll('-', ''),
        eventBornTime: now,
        eventCorpId: 'dingCORP',
        eventUnifiedAppId: clientId,
      },
      deliveries: 0,
    });
    return messageId;
  }

  /** A SYSTEM ping with a fresh opaque value (§6.1 step 5); returns the opaque. */
  ping(clientId: string): string {
    const opaque = randomUUID();
    const messageId = randomUUID();
    this.pings.set(messageId, JSON.stringify({ opaque }));
    this.frame(
      this.pick(clientId, 'SYSTEM', 'ping'),
      'SYSTEM',
      'ping',
      JSON.stringify({ opaque }),
      messageId,
    );
    return opaque;
  }

  /** The next `n` acknowledgements are lost on the way (the push then counts as un-acknowledged). */
  loseAcksNext(n: number): void {
    this.lostAcks += n;
  }

  /** Pushes not acknowledged yet. */
  pending(): string[] {
    return [...this.outstanding.keys()];
  }

  /** SYSTEM disconnect to every connection of the app; each is closed after the grace period. */
  disconnect(clientId: string): void {
    for (const ws of this.conns.get(clientId) ?? []) {
      this.frame(
        ws,
        'SYSTEM',
        'disconnect',
        JSON.stringify({ reason: 'server upgrade (fake)' }),
        randomUUID(),
      );
      setTimeout(() => ws.close(), this.o.disconnectGraceMs ?? 10_000).unref();
    }
  }

  /** Drops every connection of the app without a word. */
  drop(clientId: string): void {
    for (const ws of this.conns.get(clientId) ?? []) ws.terminate();
  }

  /** Stops answering the app's WebSocket pings (a half-dead link); unmute() restores. */
  mute(clientId: string): void {
    this.muted.add(clientId);
  }

  unmute(clientId: string): void {
    this.muted.delete(clientId);
  }

  connections(clientId: string): number {
    return this.conns.get(clientId)?.size ?? 0;
  }

  /** §6.1 step 1: credentials → endpoint and a single-use ticket; XML without Accept: JSON. */
  open(req: http.IncomingMessage, res: http.ServerResponse, body: unknown): void {
    const b = (body ?? {}) as { clientId?: string; clientSecret?: string; subscriptions?: unknown };
    const subscriptions = parseSubscriptions(b.subscriptions);
    const accept = String(req.headers.accept ?? '');
    const known = (this.o.apps ?? []).some(
      (a) => a.clientId === b.clientId && a.clientSecret === b.clientSecret,
    );
    // The gateway's answer to bad credentials is not documented (§6.1); the fake uses 401.
    // Nothing to subscribe to is a bad request (guess: the gateway's answer is not documented).
    const status = this.openFailures.shift() ?? (!known ? 401 : subscriptions ? 200 : 400);
    this.opens.push({ clientId: b.clientId ?? '', status, accept, subscriptions: b.subscriptions });
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' });
      const code =
        status === 401 ? 'InvalidAuthentication' : status === 400 ? 'InvalidParameter' : 'ServerError';
      res.end(JSON.stringify({ code }));
      return;
    }
    const ticket = randomUUID();
    this.tickets.set(ticket, {
      clientId: b.clientId ?? '',
      at: this.o.now(),
      used: false,
      subscriptions: subscriptions ?? [],
    });
    const endpoint = `${this.baseUrl().replace('http:', 'ws:')}/connect`;
    if (!accept.includes('application/json')) {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<OpenConnectionResponse><endpoint>${endpoint}</endpoint><ticket>${ticket}</ticket></OpenConnectionResponse>`,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ endpoint, ticket }));
  }

  /** §6.1 step 2: the WebSocket opens only with an unused ticket younger than 90 s. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.baseUrl());
    const t = this.tickets.get(url.searchParams.get('ticket') ?? '');
    const ticketOk = url.pathname === '/connect' && !!t && !t.used && this.o.now() - t.at <= TICKET_TTL_MS;
    this.upgrades.push({ ticketOk });
    if (!t || !ticketOk) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    t.used = true;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const set = this.conns.get(t.clientId) ?? new Set<WebSocket>();
      this.conns.set(t.clientId, set.add(ws));
      this.info.set(ws, { id: randomUUID(), clientId: t.clientId, subscriptions: t.subscriptions });
      ws.on('message', (data) => this.received(data.toString()));
      ws.on('ping', (data) => {
        if (!this.muted.has(t.clientId)) ws.pong(data);
      });
      ws.on('close', () => set.delete(ws));
    });
  }

  /** One frame from a client: an ack of an outstanding push, or a ping's echo (§6.1 steps 4–5). */
  private received(text: string): void {
    let f: StreamFrame;
    try {
      f = JSON.parse(text) as StreamFrame;
    } catch {
      this.rejected.push({ frame: text.slice(0, 200), reason: 'not JSON' });
      return;
    }
    const messageId = f.headers?.messageId ?? '';
    const ping = this.pings.get(messageId);
    if (ping !== undefined) {
      if (f.code !== 200 || f.data !== ping)
        return void this.rejected.push({
          frame: text.slice(0, 200),
          reason: 'ping echo without code 200 and the same data',
        });
      this.pings.delete(messageId);
      this.acks.push(f);
      return;
    }
    const o = this.outstanding.get(messageId);
    if (!o) {
      if (this.done.has(messageId) && f.code === 200) return void this.acks.push(f);
      return void this.rejected.push({ frame: text.slice(0, 200), reason: `unknown messageId ${messageId}` });
    }
    if (this.lostAcks > 0) {
      this.lostAcks--;
      return;
    }
    if (f.code !== 200)
      return void this.rejected.push({
        frame: text.slice(0, 200),
        reason: `code ${f.code} (not acknowledged)`,
      });
    let data: unknown;
    try {
      data = JSON.parse(f.data ?? '');
    } catch {
      return void this.rejected.push({ frame: text.slice(0, 200), reason: 'data is not a JSON string' });
    }
    if (o.type === 'EVENT') {
      // An event's ack carries {status: SUCCESS | LATER}; LATER asks for the event again (§6.1 step 4).
      const status = (data as { status?: unknown } | null)?.status;
      if (status !== 'SUCCESS' && status !== 'LATER')
        return void this.rejected.push({
          frame: text.slice(0, 200),
          reason: 'event ack without status SUCCESS or LATER',
        });
      this.acks.push(f);
      if (status === 'LATER') return;
    } else this.acks.push(f);
    clearTimeout(o.timer);
    this.outstanding.delete(messageId);
    this.done.add(messageId);
  }

  private push(messageId: string, o: Outstanding): void {
    const ws = this.pick(o.clientId, o.type, o.topic); // throws when nobody is subscribed
    const known = this.outstanding.get(messageId);
    if (known) clearTimeout(known.timer);
    this.done.delete(messageId);
    const entry = known ?? o;
    this.outstanding.set(messageId, entry);
    this.deliver(messageId, entry, ws);
  }

  /**
   * Sends the push (to `ws`, or to a subscribed connection chosen now) and waits for its ack;
   * un-acknowledged, it is tried again until maxDeliveries tries, then recorded as expired. A try
   * when no connection is subscribed counts, so a push to a client that went away ends.
   */
  private deliver(messageId: string, o: Outstanding, ws = this.find(o.clientId, o.type, o.topic)): void {
    o.deliveries++;
    if (ws) {
      this.deliveries.push({
        messageId,
        type: o.type,
        connectionId: this.info.get(ws)?.id ?? '',
        attempt: o.deliveries,
      });
      this.frame(ws, o.type, o.topic, o.data, messageId, o.extra);
    }
    o.timer = setTimeout(() => {
      if (this.outstanding.get(messageId) !== o) return;
      if (o.deliveries >= (this.o.maxDeliveries ?? MAX_DELIVERIES)) {
        this.outstanding.delete(messageId);
        this.expired.push(messageId);
        return;
      }
      this.deliver(messageId, o);
    }, this.o.redeliverAfterMs ?? REDELIVER_AFTER_MS);
    o.timer.unref();
  }

  async close(): Promise<void> {
    for (const o of this.outstanding.values()) clearTimeout(o.timer);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private pick(clientId: string, type: string, topic: string): WebSocket {
    const ws = this.find(clientId, type, topic);
    if (!ws)
      throw new Error(`fake dingtalk: app ${clientId} has no connection subscribed to ${type} ${topic}`);
    return ws;
  }

  /** One of the app's connections subscribed to this type and topic (SYSTEM frames go to any). */
  private find(clientId: string, type: string, topic: string): WebSocket | undefined {
    const all = [...(this.conns.get(clientId) ?? [])].filter(
      (ws) =>
        type === 'SYSTEM' ||
        (this.info.get(ws)?.subscriptions ?? []).some(
          (s) => s.type === type && (s.topic === topic || s.topic === '*'),
        ),
    );
    // Several connections may be open; each push goes to one chosen at random (§6.1).
    const ws = all[Math.floor((this.o.random ?? Math.random)() * all.length)];
    if (!ws)
      throw new Error(`fake dingtalk: app ${clientId} has no connection subscribed to ${type} ${topic}`);
    return ws;
  }

  private frame(
    ws: WebSocket,
    type: string,
    topic: string,
    data: string,
    messageId: string,
    extra: Record<string, string> = {},
  ): void {
    const headers = {
      appId: 'fake',
      connectionId: this.info.get(ws)?.id ?? '',
      contentType: 'application/json',
      messageId,
      time: String(this.o.now()),
      topic,
      ...extra,
    };
    ws.send(JSON.stringify({ specVersion: '1.0', type, headers, data }));
  }
}

/** `[{type, topic}]` as connections/open takes it (§6.1 step 1); undefined when missing or malformed. */
function parseSubscriptions(v: unknown): Subscription[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: Subscription[] = [];
  for (const s of v) {
    const { type, topic } = (s ?? {}) as { type?: unknown; topic?: unknown };
    if ((type !== 'EVENT' && type !== 'CALLBACK') || typeof topic !== 'string' || topic === '')
      return undefined;
    out.push({ type, topic });
  }
  return out;
}
