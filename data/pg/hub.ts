import pg from 'pg';
import { clientConfig, type PgOptions, quoteIdent } from './connect.ts';

/**
 * The NOTIFY channel of the bot's schema (`inspection_bot.public`): notifications are per
 * database, so bots (or tests) in other schemas of the same database do not hear each other.
 * Payloads are `<topic>` or `<topic>:<detail>`.
 */
const CHANNEL_PREFIX = 'inspection_bot.';

export type Topic = 'store' | 'subscriptions' | 'tasks' | 'outbox';

/**
 * LISTEN/NOTIFY between instances: one dedicated connection per process listens on CHANNEL and
 * hands each notification to the subscribers of its topic. Writers notify inside their
 * transaction (`SELECT pg_notify(…)`), so a notification arrives only once the change is
 * committed and visible. The listener reconnects after losing its connection and then tells every
 * subscriber to reload (notifications sent meanwhile are gone).
 */
export class PgHub {
  private client: pg.Client | undefined;
  private channel = '';
  private readonly subscribers = new Map<Topic, Array<(detail: string) => void>>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(private readonly options: PgOptions) {}

  static async open(options: PgOptions): Promise<PgHub> {
    const hub = new PgHub(options);
    await hub.connect();
    return hub;
  }

  on(topic: Topic, fn: (detail: string) => void): void {
    const list = this.subscribers.get(topic) ?? [];
    list.push(fn);
    this.subscribers.set(topic, list);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(clientConfig({ ...this.options, applicationName: 'inspection-bot listener' }));
    client.on('notification', (n) => {
      if (n.channel !== this.channel) return;
      const payload = n.payload ?? '';
      const colon = payload.indexOf(':');
      const topic = (colon < 0 ? payload : payload.slice(0, colon)) as Topic;
      this.dispatch(topic, colon < 0 ? '' : payload.slice(colon + 1));
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    this.channel = `${CHANNEL_PREFIX}${schema}`;
    await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    this.client = client;
  }

  private dispatch(topic: Topic, detail: string): void {
    for (const fn of this.subscribers.get(topic) ?? []) fn(detail);
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    const again = () => {
      this.retry = undefined;
      if (this.closed) return;
      this.connect().then(
        () => {
          for (const topic of this.subscribers.keys()) this.dispatch(topic, 'reconnected');
        },
        () => {
          this.retry = setTimeout(again, 1000);
          this.retry.unref();
        },
      );
    };
    this.retry = setTimeout(again, 200);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}

/** Notifies every instance (this one too) once the surrounding transaction commits. */
export async function notify(c: pg.ClientBase, topic: Topic, detail = ''): Promise<void> {
  await c.query(`SELECT pg_notify($1 || current_schema(), $2)`, [
    CHANNEL_PREFIX,
    detail ? `${topic}:${detail}` : topic,
  ]);
}
