import type { AxiosInstance } from 'axios';
import WebSocket, { type RawData } from 'ws';
import type { Groups } from '../../groups.ts';
import type { Logger } from '../../logger.ts';
import { httpFailure } from '../platform.ts';
import type { Responder } from '../../respond.ts';
import { backoffDelay, FirstConnection } from '../reconnect.ts';
import { decodeMessage } from './decode.ts';
import type { ChartImages } from '../../charts/images.ts';
import { sessionChannel } from './send.ts';

/**
 * Stream mode (protocols.md §6.1), written on `ws`: dingtalk-stream 2.1.5 starts two reconnect
 * chains per failure (§6.2, §7.19). One chain here: every reconnect is scheduled from the
 * socket's `close` (or a failed ticket request), with exponential backoff and jitter. Every
 * CALLBACK and EVENT frame is acknowledged on arrival, before any work.
 */

/** WebSocket ping; a missing pong by the next one means a dead link (the SDK's keepAlive, §6.2). */
export const KEEPALIVE_MS = 20_000;
/** A connection that lived this long resets the backoff; one dropped at once keeps backing off. */
export const STABLE_MS = 10_000;

export interface StreamOptions extends GatewayCredentials {
  http: AxiosInstance;
  groups: Groups;
  log: Logger;
  responder: Responder;
  /** Chart links for /chart answers (bot/charts/). */
  charts?: ChartImages | undefined;
  /** Where session-webhook answers may go (DINGTALK_OAPI_BASE). */
  oapiBase: string;
  keepAliveMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  stableMs?: number;
  /** How long start() waits for the first connection before carrying on in the background. */
  startWaitMs?: number;
  random?: () => number;
}

interface Frame {
  type?: string;
  headers?: { topic?: string; messageId?: string };
  data?: string;
}

export class DingtalkStream {
  private ws: WebSocket | undefined;
  /** Sockets told to `disconnect`, still delivering until the server closes them (§6.1 step 5). */
  private readonly draining = new Set<WebSocket>();
  private keepAlive: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private attempt = 0;
  private stopped = true;
  private readonly first = new FirstConnection();
  /** Counts for operators and tests. */
  readonly stats = { tickets: 0, opens: 0, callbacks: 0, pings: 0, disconnects: 0, delays: [] as number[] };

  constructor(private readonly o: StreamOptions) {}

  /** Connects; resolves once connected (or after startWaitMs, retrying in the background). */
  async start(): Promise<void> {
    this.stopped = false;
    const first = this.first.wait(this.o.startWaitMs ?? 10_000, () =>
      this.o.log.warn('dingtalk stream: not connected yet; retrying in the background'),
    );
    void this.connect();
    return first;
  }

  /** Closes every socket and cancels every timer; resolves once answers in flight are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.keepAlive);
    this.abort?.abort();
    this.first.settle();
    const sockets = [...this.draining, ...(this.ws ? [this.ws] : [])];
    this.ws = undefined;
    this.draining.clear();
    await Promise.all(sockets.map(closed));
    await this.o.responder.idle();
  }

  private async connect(): Promise<void> {
    this.stats.tickets++;
    let target: string;
    try {
      this.abort = new AbortController();
      target = await openConnection(this.o.http, this.o, this.abort.signal);
    } catch (err) {
      if (this.stopped) return;
      const e = httpFailure('dingtalk stream: connections/open', err);
      if (!e.retryable) {
        // Wrong client id or secret will not fix itself: stop rather than hammer the gateway.
        this.o.log.error({ err: e.message }, 'dingtalk stream: gateway refused the credentials; stopped');
        this.stopped = true;
        this.first.settle(e);
        return;
      }
      this.o.log.warn({ err: e.message }, 'dingtalk stream: no ticket');
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(target);
    this.ws = ws;
    let openedAt: number | undefined;
    let alive = true;
    ws.on('open', () => {
      openedAt = Date.now();
      this.stats.opens++;
      this.o.log.info('dingtalk stream: connected');
      clearInterval(this.keepAlive);
      this.keepAlive = setInterval(() => {
        if (!alive) {
          this.o.log.warn('dingtalk stream: no pong; reconnecting');
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, this.o.keepAliveMs ?? KEEPALIVE_MS);
      this.first.settle();
    });
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (data) => {
      alive = true;
      this.onFrame(ws, data);
    });
    ws.on('error', (err) => this.o.log.warn({ err: err.message }, 'dingtalk stream: socket error'));
    ws.on('close', () => {
      this.draining.delete(ws);
      if (this.ws !== ws) return; // handed over after `disconnect`, or stopped
      clearInterval(this.keepAlive);
      this.ws = undefined;
      if (openedAt !== undefined && Date.now() - openedAt >= (this.o.stableMs ?? STABLE_MS)) this.attempt = 0;
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private onFrame(ws: WebSocket, data: RawData): void {
    let f: Frame;
    try {
      f = JSON.parse(data.toString()) as Frame;
    } catch {
      this.o.log.warn('dingtalk stream: frame is not JSON; ignored');
      return;
    }
    const id = f.headers?.messageId ?? '';
    const topic = f.headers?.topic;
    if (f.type === 'SYSTEM') {
      if (topic === 'ping') {
        this.stats.pings++;
        this.ack(ws, id, typeof f.data === 'string' ? f.data : '{}'); // echo the opaque data (§6.1 step 5)
      } else if (topic === 'disconnect') this.handOver(ws);
      return;
    }
    if (f.type === 'EVENT') {
      this.ack(ws, id, JSON.stringify({ status: 'SUCCESS', message: 'success' }));
      return;
    }
    if (f.type !== 'CALLBACK') return;
    this.ack(ws, id, JSON.stringify({ response: null })); // §6.1 step 4: enough for robot callbacks
    if (topic !== TOPIC_ROBOT) return;
    this.stats.callbacks++;
    // A re-pushed frame carries the same msgId: respond() drops it through the store's dedupe.
    try {
      const msg = decodeMessage(JSON.parse(f.data ?? ''), this.o.groups);
      if (msg) void this.o.responder.accept(msg.inbound, sessionChannel(this.o.http, this.o.oapiBase, msg, Date.now, this.o.charts));
    } catch (err) {
      this.o.log.warn(
        { err: (err as Error).message, messageId: id },
        'dingtalk stream: callback not decoded',
      );
    }
  }

  /** `disconnect`: the server closes this socket within 10 s; open the next one now (§6.1 step 5). */
  private handOver(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.stats.disconnects++;
    this.o.log.info('dingtalk stream: server asked to reconnect');
    clearInterval(this.keepAlive);
    this.draining.add(ws);
    this.ws = undefined;
    this.attempt = 0;
    if (!this.stopped) void this.connect();
  }

  private ack(ws: WebSocket, messageId: string, data: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(
      JSON.stringify({
        code: 200,
        headers: { contentType: 'application/json', messageId },
        message: 'OK',
        data,
      }),
    );
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++, this.o.backoff ?? BACKOFF, this.o.random ?? Math.random);
    this.stats.delays.push(delay);
    this.o.log.info({ delay, attempt: this.attempt }, 'dingtalk stream: reconnecting');
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) void this.connect();
    }, delay);
  }
}

function closed(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.terminate();
  });
}

/**
 * The Stream gateway's HTTP side (protocols.md §6.1 steps 1–2) and the reconnect schedule.
 * Opening a connection is two steps: a single-use ticket (valid 90 s) for the app's
 * credentials, then a WebSocket to the endpoint with that ticket.
 */

/** The robot-message topic (§6.2 TOPIC_ROBOT). */
export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const BACKOFF = { baseMs: 1000, maxMs: 60_000 };

export interface GatewayCredentials {
  apiBase: string;
  clientId: string;
  clientSecret: string;
}

/**
 * POST /v1.0/gateway/connections/open → the WebSocket URL with its ticket. Throws the axios
 * error as is (the caller decides retryable or not) or an Error for a reply without a ticket.
 */
export async function openConnection(
  http: AxiosInstance,
  c: GatewayCredentials,
  signal: AbortSignal,
): Promise<string> {
  // https://open-dingtalk.github.io/developerpedia/docs/learn/stream/protocol
  const res = await http.post(
    `${c.apiBase.replace(/\/+$/, '')}/v1.0/gateway/connections/open`,
    {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      subscriptions: [
        { type: 'EVENT', topic: '*' },
        { type: 'CALLBACK', topic: TOPIC_ROBOT },
      ],
      ua: 'inspection-bot',
    },
    // Without Accept: application/json the gateway answers XML (§6.1).
    { headers: { 'content-type': 'application/json', accept: 'application/json' }, signal },
  );
  const { endpoint, ticket } = (res.data ?? {}) as { endpoint?: unknown; ticket?: unknown };
  if (typeof endpoint !== 'string' || typeof ticket !== 'string' || !/^wss?:\/\//.test(endpoint))
    throw new Error('dingtalk stream: connections/open returned no endpoint or ticket');
  const url = new URL(endpoint);
  url.searchParams.set('ticket', ticket); // URL-encoded, as the Python SDK does (§6.1 step 2)
  return url.toString();
}
