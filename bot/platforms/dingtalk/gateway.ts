import type { AxiosInstance } from 'axios';

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
