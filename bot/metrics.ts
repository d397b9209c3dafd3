import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What the bot counts, in Prometheus text at GET /metrics (README "Deploy"): messages received and
 * answered per platform, command latency, the outbox (depth, oldest age, dead letters), pushes by
 * platform and errcode, reminders queued, imports and how long they took. One registry per
 * process; the bot's composition root (bot/main.ts) tells it where the outbox is.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'inspection_bot_process_' });

export const messagesReceived = new Counter({
  name: 'inspection_bot_messages_received_total',
  help: 'Chat messages received (after verification, before dedupe), by platform',
  labelNames: ['platform'] as const,
  registers: [registry],
});

export const messagesAnswered = new Counter({
  name: 'inspection_bot_messages_answered_total',
  help: 'Chat messages answered, by platform and outcome (answered, duplicate, queued, dropped)',
  labelNames: ['platform', 'outcome'] as const,
  registers: [registry],
});

export const commandSeconds = new Histogram({
  name: 'inspection_bot_command_duration_seconds',
  help: 'Time from a message accepted to its answer ready, by command',
  labelNames: ['command'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const pushes = new Counter({
  name: 'inspection_bot_pushes_total',
  help: 'Group robot pushes attempted, by platform and errcode (0 = delivered, "http" = no errcode)',
  labelNames: ['platform', 'errcode'] as const,
  registers: [registry],
});

export const remindersQueued = new Counter({
  name: 'inspection_bot_reminders_sent_total',
  help: 'Deadline reminder messages queued for sending (one per group and part)',
  registers: [registry],
});

export const imports = new Counter({
  name: 'inspection_bot_imports_total',
  help: 'Imports through ImportService.apply, by outcome (new, replaced, unchanged, refused, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const importSeconds = new Histogram({
  name: 'inspection_bot_import_duration_seconds',
  help: 'Time an import took to write and tell its listeners',
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
  registers: [registry],
});

export const apiRequests = new Counter({
  name: 'inspection_bot_http_requests_total',
  help: 'HTTP requests served, by route group and status',
  labelNames: ['route', 'status'] as const,
  registers: [registry],
});

/** The outbox as the gauges read it at scrape time. */
type OutboxCounts = { pending: number; sending: number; dead: number; oldestPendingAt?: Date };
export interface OutboxGaugeSource {
  /** Synchronous for the file outbox, a query for the PostgreSQL one. */
  stats(): OutboxCounts | Promise<OutboxCounts>;
}

let outboxSource: OutboxGaugeSource | undefined;
/** Which outbox the gauges read (the running bot's); undefined stops reading it. */
export function observeOutbox(source: OutboxGaugeSource | undefined): void {
  outboxSource = source;
}

new Gauge({
  name: 'inspection_bot_outbox_depth',
  help: 'Messages waiting to be sent (pending or sending)',
  registers: [registry],
  async collect() {
    const s = await outboxSource?.stats();
    this.set(s ? s.pending + s.sending : 0);
  },
});
new Gauge({
  name: 'inspection_bot_outbox_oldest_age_seconds',
  help: 'Age of the oldest message waiting to be sent; 0 when none waits',
  registers: [registry],
  async collect() {
    const at = (await outboxSource?.stats())?.oldestPendingAt;
    this.set(at ? Math.max(0, (Date.now() - at.getTime()) / 1000) : 0);
  },
});
new Gauge({
  name: 'inspection_bot_outbox_dead_letters',
  help: 'Messages given up on (dead letters), waiting for /retry after a fix',
  registers: [registry],
  async collect() {
    this.set((await outboxSource?.stats())?.dead ?? 0);
  },
});

/**
 * GET /metrics. Open to loopback (a Prometheus or curl on the same host, or behind the reverse
 * proxy which must not forward /metrics); from anywhere else only with `Authorization: Bearer
 * $METRICS_TOKEN`, and refused (404, as if absent) when no token is set.
 */
export function createMetricsRouter(opts: { token?: string | undefined; trustProxy?: boolean }): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    const auth = ctx.get('authorization');
    const tokenOk = Boolean(opts.token) && safeEqual(auth, `Bearer ${opts.token}`);
    // The socket's own address: a forwarded header must not open the door.
    const peer = ctx.req.socket.remoteAddress ?? '';
    const forwarded = Boolean(ctx.get('x-forwarded-for'));
    const loopback = !forwarded && (peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1');
    if (!tokenOk && !loopback) {
      ctx.status = opts.token ? 401 : 404;
      ctx.body = opts.token ? { error: 'unauthorized', message: 'metrics: bearer token required' } : 'Not Found';
      return;
    }
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const probeTries = new Counter({
  name: 'inspection_bot_probe_tries_total',
  help: 'Homepage tries made by the prober, by outcome (ok, failed, blocked) and reason',
  labelNames: ['outcome', 'reason'] as const,
  registers: [registry],
});

export const probeLateSeconds = new Histogram({
  name: 'inspection_bot_probe_late_seconds',
  help: 'How late a homepage try went out after its scheduled time (limits and queueing)',
  buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [registry],
});
