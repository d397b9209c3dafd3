import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * The fake Stream gateway (protocols.md §6.1): connections/open hands out single-use tickets
 * (90 s), the WebSocket accepts only a fresh ticket, and the test drives the frames DingTalk
 * would send (CALLBACK, EVENT, SYSTEM ping/disconnect). Everything the bot sends back is recorded.
 */
export interface StreamFrame {
  code?: number;
  headers?: { messageId?: string; contentType?: string };
  message?: string;
  data?: string;
}

export interface GatewayOptions {
  apps?: Array<{ clientId: string; clientSecret: string }>;
  /** The server closes a socket this long after `disconnect` (§6.1 step 5). */
  disconnectGraceMs?: number;
  now: () => number;
  random?: () => number;
}

const TICKET_TTL_MS = 90_000; // single use, 90 s (§6.1 step 1)

export class FakeGateway {
  /** Every connections/open request, with the HTTP status it got. */
  readonly opens: Array<{ clientId: string; status: number; accept: string; subscriptions: unknown }> = [];
  /** Every WebSocket upgrade, with whether its ticket was good. */
  readonly upgrades: Array<{ ticketOk: boolean }> = [];
  /** Every frame the bot sent (acks and ping echoes). */
  readonly acks: StreamFrame[] = [];

  private readonly tickets = new Map<string, { clientId: string; at: number; used: boolean }>();
  private readonly conns = new Map<string, Set<WebSocket>>();
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

  /** Pushes a robot-message CALLBACK frame to one of the app's connections; returns its messageId. */
  callback(clientId: string, message: unknown, messageId: string = randomUUID()): string {
    this.frame(
      this.pick(clientId),
      'CALLBACK',
      '/v1.0/im/bot/messages/get',
      JSON.stringify(message),
      messageId,
    );
    return messageId;
  }

  /** Pushes an EVENT frame; returns its messageId. */
  event(clientId: string, eventType = 'chat_update_title'): string {
    const messageId = randomUUID();
    this.frame(this.pick(clientId), 'EVENT', '*', JSON.stringify({ eventType }), messageId);
    return messageId;
  }

  /** A SYSTEM ping with a fresh opaque value (§6.1 step 5); returns the opaque. */
  ping(clientId: string): string {
    const opaque = randomUUID();
    this.frame(this.pick(clientId), 'SYSTEM', 'ping', JSON.stringify({ opaque }), randomUUID());
    return opaque;
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
    const accept = String(req.headers.accept ?? '');
    const known = (this.o.apps ?? []).some(
      (a) => a.clientId === b.clientId && a.clientSecret === b.clientSecret,
    );
    // The gateway's answer to bad credentials is not documented (§6.1); the fake uses 401.
    const status = this.openFailures.shift() ?? (known ? 200 : 401);
    this.opens.push({ clientId: b.clientId ?? '', status, accept, subscriptions: b.subscriptions });
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: status === 401 ? 'InvalidAuthentication' : 'ServerError' }));
      return;
    }
    const ticket = randomUUID();
    this.tickets.set(ticket, { clientId: b.clientId ?? '', at: this.o.now(), used: false });
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
      ws.on('message', (data) => {
        try {
          this.acks.push(JSON.parse(data.toString()) as StreamFrame);
        } catch {
          this.acks.push({ message: `not JSON: ${data.toString().slice(0, 40)}` });
        }
      });
      ws.on('ping', (data) => {
        if (!this.muted.has(t.clientId)) ws.pong(data);
      });
      ws.on('close', () => set.delete(ws));
    });
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private pick(clientId: string): WebSocket {
    const all = [...(this.conns.get(clientId) ?? [])];
    // Several connections may be open; each push goes to one chosen at random (§6.1).
    const ws = all[Math.floor((this.o.random ?? Math.random)() * all.length)];
    if (!ws) throw new Error(`fake dingtalk: app ${clientId} is not connected`);
    return ws;
  }

  private frame(ws: WebSocket, type: string, topic: string, data: string, messageId: string): void {
    const headers = {
      appId: 'fake',
      contentType: 'application/json',
      messageId,
      time: String(this.o.now()),
      topic,
    };
    ws.send(JSON.stringify({ specVersion: '1.0', type, headers, data }));
  }
}
