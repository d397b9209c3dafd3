import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { PlatformError } from '../../errors.ts';
import type { Groups } from '../../groups.ts';
import type { Logger } from '../../logger.ts';
import type { Reply } from '../../../handlers/reply.ts';
import { CHART_NOT_CARRIED, ChannelClosed, type ReplyChannel, type Responder } from '../../respond.ts';
import { backoffDelay, FirstConnection } from '../reconnect.ts';
import { decodeMessage } from './decode.ts';
import { toStream } from './encode.ts';

/**
 * 智能机器人 long connection (protocols.md §3.2), written on `ws`: the official
 * @wecom/aibot-node-sdk reconnects without jitter, gives up after 10 attempts and keeps running
 * after a refused subscribe. Frames are {cmd, headers.req_id, body}; replies reuse req_id.
 */

/** App-level ping "about every 30 s" (§3.2). */
export const PING_MS = 30_000;
/** Two unanswered pings mean a dead link, as the official SDK decides (§3.2, S6). */
const MAX_MISSED_PINGS = 2;
/** The official SDK waits this long for each reply's ack (§3.2, S6); then the reply may or may not have arrived. */
export const ACK_TIMEOUT_MS = 5_000;
/** Subscribing is rate-protected (45009, §3.2, §7.17): back off exponentially, capped at a minute. */
export const BACKOFF = { baseMs: 1000, maxMs: 60_000 };

export interface LongConnOptions {
  url: string;
  botId: string;
  secret: string;
  groups: Groups;
  log: Logger;
  responder: Responder;
  pingMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** How long start() waits for the first subscribe before carrying on in the background. */
  startWaitMs?: number;
  random?: () => number;
  ackTimeoutMs?: number;
}

type Frame = {
  cmd?: string;
  headers?: { req_id?: string };
  body?: unknown;
  errcode?: number;
  errmsg?: string;
};

export class WecomLongConn {
  private ws: WebSocket | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private missed = 0;
  private stopped = true;
  private subscribeId = '';
  private readonly first = new FirstConnection();
  /** Replies sent and waiting for WeCom's ack, by req_id. */
  private readonly acks = new Map<string, (frame: Frame | Error) => void>();
  /** Counts for operators and tests. */
  readonly stats = { connects: 0, subscribed: 0, kicked: 0, delays: [] as number[] };

  constructor(private readonly o: LongConnOptions) {}

  /** Connects; resolves once subscribed (or after startWaitMs, retrying in the background). */
  async start(): Promise<void> {
    this.stopped = false;
    const first = this.first.wait(this.o.startWaitMs ?? 10_000, () =>
      this.o.log.warn('wecom longconn: not subscribed yet; retrying in the background'),
    );
    this.connect();
    return first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.first.settle();
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED)
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    await this.o.responder.idle();
  }

  private connect(): void {
    this.stats.connects++;
    const ws = new WebSocket(this.o.url);
    this.ws = ws;
    ws.on('open', () => {
      this.subscribeId = `aibot_subscribe_${randomUUID()}`;
      this.send(ws, {
        cmd: 'aibot_subscribe',
        headers: { req_id: this.subscribeId },
        body: { bot_id: this.o.botId, secret: this.o.secret },
      });
    });
    ws.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        this.o.log.warn('wecom longconn: frame is not JSON; ignored');
        return;
      }
      this.onFrame(ws, frame);
    });
    ws.on('error', (err) => this.o.log.warn({ err: err.message }, 'wecom longconn: socket error'));
    ws.on('close', () => {
      for (const [reqId, done] of this.acks) {
        this.acks.delete(reqId);
        // Sent but not acknowledged: it may have arrived (the outbox adds the re-send note).
        done(new Error('aibot_respond_msg: connection closed before the ack (ECONNRESET)'));
      }
      if (this.ws !== ws) return;
      clearInterval(this.pingTimer);
      this.ws = undefined;
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private onFrame(ws: WebSocket, f: Frame): void {
    const reqId = f.headers?.req_id ?? '';
    if (f.cmd === 'aibot_msg_callback') {
      this.answer(ws, reqId, f.body);
      return;
    }
    const waiting = f.cmd === undefined ? this.acks.get(reqId) : undefined;
    if (waiting) {
      this.acks.delete(reqId);
      waiting(f);
      return;
    }
    if (f.cmd === 'aibot_event_callback') {
      const eventtype = (f.body as { event?: { eventtype?: string } } | undefined)?.event?.eventtype;
      if (eventtype === 'disconnected_event') this.kicked(ws);
      return;
    }
    if (reqId === this.subscribeId) {
      if (f.errcode === 0) {
        this.subscribed(ws);
        return;
      }
      const err = new PlatformError(
        `wecom longconn: subscribe refused (errcode ${f.errcode})`,
        f.errcode === 45009,
        f.errcode,
      );
      this.o.log.error({ errcode: f.errcode }, 'wecom longconn: subscribe refused');
      // Wrong bot id or secret will not fix itself: stop instead of hammering a rate-limited call.
      if (f.errcode !== 45009) {
        this.stopped = true;
        this.first.settle(err);
      }
      ws.close();
      return;
    }
    if (reqId.startsWith('ping_')) this.missed = 0;
    else if (f.errcode !== undefined && f.errcode !== 0) {
      this.o.log.warn({ reqId, errcode: f.errcode }, 'wecom longconn: request refused');
    }
  }

  private subscribed(ws: WebSocket): void {
    this.attempt = 0;
    this.missed = 0;
    this.stats.subscribed++;
    this.o.log.info('wecom longconn: subscribed');
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.missed >= MAX_MISSED_PINGS) {
        this.o.log.warn('wecom longconn: pings unanswered; reconnecting');
        ws.terminate();
        return;
      }
      this.missed++;
      this.send(ws, { cmd: 'ping', headers: { req_id: `ping_${randomUUID()}` } });
    }, this.o.pingMs ?? PING_MS);
    this.first.settle();
  }

  /** Another connection subscribed the same bot (§3.2): yield to it rather than fight back. */
  private kicked(ws: WebSocket): void {
    this.stats.kicked++;
    this.o.log.error(
      'wecom longconn: another connection took over this bot; this one stops (one per bot, §3.2)',
    );
    this.stopped = true;
    clearInterval(this.pingTimer);
    ws.close();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++, this.o.backoff ?? BACKOFF, this.o.random ?? Math.random);
    this.stats.delays.push(delay);
    this.o.log.info({ delay, attempt: this.attempt }, 'wecom longconn: reconnecting');
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, delay);
  }

  /** A message callback → respond(), answering on this socket with the callback's req_id (§3.2). */
  private answer(ws: WebSocket, reqId: string, body: unknown): void {
    let msg: ReturnType<typeof decodeMessage>;
    try {
      msg = decodeMessage(body, this.o.groups);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message, reqId }, 'wecom longconn: callback not decoded');
      return;
    }
    if (msg) void this.o.responder.accept(msg.inbound, this.replyChannel(ws, reqId));
  }

  /**
   * `aibot_respond_msg` on the socket the message came on, acknowledged by WeCom with the same
   * req_id (§3.2). Closed socket → ChannelClosed; a refusal (errcode ≠ 0) or no ack within
   * ackTimeoutMs → an error, so respond() sends the answer through the group robot instead.
   */
  private replyChannel(ws: WebSocket, reqId: string): ReplyChannel {
    return {
      name: 'aibot_respond_msg',
      send: async (answer) => {
        await this.respondFrame(ws, reqId, answer);
        return answer.chart ? CHART_NOT_CARRIED : undefined;
      },
    };
  }

  private respondFrame(ws: WebSocket, reqId: string, answer: Reply): Promise<void> {
    if (ws.readyState !== WebSocket.OPEN || this.ws !== ws)
      return Promise.reject(new ChannelClosed('long connection closed before the answer was ready'));
    // The reply frame takes no msg_item and an image reply needs a media upload first
    // (§3.2, §10.3): a chart's picture follows through the group robot (replyChannel).
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(reqId);
        reject(new Error('aibot_respond_msg: no ack in time (ETIMEDOUT)'));
      }, this.o.ackTimeoutMs ?? ACK_TIMEOUT_MS);
      this.acks.set(reqId, (f) => {
        clearTimeout(timer);
        if (f instanceof Error) reject(f);
        else if (f.errcode === 0 || f.errcode === undefined) resolve();
        else reject(new Error(`aibot_respond_msg: errcode ${f.errcode}`));
      });
      this.send(ws, {
        cmd: 'aibot_respond_msg',
        headers: { req_id: reqId },
        body: toStream(answer, randomUUID()),
      });
    });
  }

  private send(ws: WebSocket, frame: Frame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }
}
