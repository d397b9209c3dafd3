import axios from 'axios';
import { DWClient, type DWClientDownStream, TOPIC_ROBOT } from 'dingtalk-stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeDingtalk } from './dingtalk.ts';

/**
 * The fake DingTalk Stream gateway (protocols.md §6.1), checked by code nobody here wrote: the
 * official `dingtalk-stream` 2.1.5 SDK opens a connection, subscribes, receives, acknowledges,
 * answers pings, reconnects and fetches a token against it. The SDK's URLs are constants
 * (api.dingtalk.com, oapi.dingtalk.com); an axios interceptor points them at the fake, as a
 * proxy would — the SDK's requests themselves are unchanged.
 */

const APP = { clientId: 'dingSDK', clientSecret: 'sdk-app-secret' };

let fake: FakeDingtalk;
let interceptor: number;
const clients: DWClient[] = [];

beforeAll(() => {
  interceptor = axios.interceptors.request.use((config) => {
    config.url = config.url
      ?.replace('https://api.dingtalk.com', fake.url)
      .replace('https://oapi.dingtalk.com', fake.url);
    return config;
  });
  // The SDK announces "connect success" and "Disconnecting." on the console.
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterAll(() => {
  axios.interceptors.request.eject(interceptor);
  vi.restoreAllMocks();
});

beforeEach(async () => {
  fake = await FakeDingtalk.start({ apps: [APP], redeliverAfterMs: 150, disconnectGraceMs: 50 });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await fake.close();
});

function client(secret = APP.clientSecret): DWClient {
  // A fresh subscriptions list: the SDK's default one is a shared array that
  // registerCallbackListener pushes into, so it would leak from one client to the next.
  const c = new DWClient({
    clientId: APP.clientId,
    clientSecret: secret,
    subscriptions: [{ type: 'EVENT', topic: '*' }],
  } as ConstructorParameters<typeof DWClient>[0]);
  clients.push(c);
  return c;
}

async function connected(c: DWClient): Promise<void> {
  await c.connect();
  await fake.waitFor('a connection', () => fake.gateway.connections(APP.clientId) > 0);
}

function robotListener(c: DWClient): DWClientDownStream[] {
  const got: DWClientDownStream[] = [];
  c.registerCallbackListener(TOPIC_ROBOT, (msg) => {
    got.push(msg);
  });
  return got;
}

describe('fake DingTalk Stream gateway, driven by the official SDK', () => {
  it('opens a connection with the subscriptions the SDK asks for', async () => {
    const c = client();
    robotListener(c);
    await connected(c);
    expect(fake.gateway.opens[0]).toMatchObject({ clientId: APP.clientId, status: 200 });
    expect(fake.gateway.opens[0]?.subscriptions).toEqual([
      { type: 'EVENT', topic: '*' },
      { type: 'CALLBACK', topic: TOPIC_ROBOT },
    ]);
    expect(fake.gateway.upgrades).toEqual([{ ticketOk: true }]);
  });

  it('refuses wrong credentials with 401, and the SDK never connects', async () => {
    const c = client('wrong');
    c.config.autoReconnect = false;
    await c.connect();
    expect(fake.gateway.opens[0]?.status).toBe(401);
    expect(fake.gateway.connections(APP.clientId)).toBe(0);
  });

  it('delivers a robot message with its frame headers and takes the SDK acknowledgement', async () => {
    const c = client();
    const got = robotListener(c);
    await connected(c);
    const id = fake.gateway.callback(APP.clientId, fake.robotMessage({ content: '/rate 福州' }));
    await fake.waitFor('the message', () => got.length === 1);
    const msg = got[0] as DWClientDownStream;
    expect(msg.headers).toMatchObject({ messageId: id, topic: TOPIC_ROBOT, contentType: 'application/json' });
    expect(msg.headers.connectionId).toMatch(/[0-9a-f-]{36}/);
    expect(JSON.parse(msg.data)).toMatchObject({
      text: { content: ' /rate 福州' },
      atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }],
    });
    c.socketCallBackResponse(id, { ok: true });
    await fake.waitFor('the ack', () => fake.gateway.pending().length === 0);
    expect(fake.gateway.rejected).toEqual([]);
  });

  it('sends a robot message again until the SDK acknowledges it', async () => {
    const c = client();
    const got = robotListener(c);
    await connected(c);
    const id = fake.gateway.callback(APP.clientId, fake.robotMessage({ content: '/help' }));
    await fake.waitFor('a second delivery', () => got.length === 2, 3000);
    expect(got.map((m) => m.headers.messageId)).toEqual([id, id]);
    c.socketCallBackResponse(id, null);
    await fake.waitFor('the ack', () => fake.gateway.pending().length === 0);
    expect(fake.gateway.deliveries.map((d) => d.attempt)).toEqual([1, 2]);
  });

  it('gives up after the last delivery and records the push as expired', async () => {
    const c = client();
    const got = robotListener(c);
    await connected(c);
    const id = fake.gateway.callback(APP.clientId, fake.robotMessage({ content: '/help' }));
    await fake.waitFor('expiry', () => fake.gateway.expired.includes(id), 3000);
    expect(got).toHaveLength(3);
  });

  it('sends robot messages only to connections subscribed to the robot topic', async () => {
    const c = client(); // events only: the SDK's default subscription
    await connected(c);
    expect(() => fake.gateway.callback(APP.clientId, fake.robotMessage({ content: '/help' }))).toThrow(
      /no connection subscribed to CALLBACK/,
    );
  });

  it('puts event fields in the headers and takes the SDK automatic SUCCESS ack', async () => {
    const c = client();
    const seen: DWClientDownStream[] = [];
    c.registerAllEventListener((msg) => {
      seen.push(msg);
      return { status: 'SUCCESS' as never };
    });
    await connected(c);
    fake.gateway.event(APP.clientId, 'chat_update_title', { title: '新群名' });
    await fake.waitFor('the event', () => seen.length === 1);
    expect(seen[0]?.headers).toMatchObject({ eventType: 'chat_update_title', eventCorpId: 'dingCORP' });
    expect(JSON.parse(seen[0]?.data ?? '')).toEqual({ title: '新群名' });
    await fake.waitFor('the ack', () => fake.gateway.pending().length === 0);
  });

  it('sends an event again when the SDK acknowledges it LATER', async () => {
    const c = client();
    let calls = 0;
    c.registerAllEventListener(() => ({ status: (++calls === 1 ? 'LATER' : 'SUCCESS') as never }));
    await connected(c);
    fake.gateway.event(APP.clientId);
    await fake.waitFor('the second delivery', () => calls === 2, 3000);
    await fake.waitFor('the ack', () => fake.gateway.pending().length === 0);
  });

  it('accepts the SDK echo of a ping and rejects malformed frames', async () => {
    const c = client();
    robotListener(c);
    await connected(c);
    const opaque = fake.gateway.ping(APP.clientId);
    await fake.waitFor('the echo', () =>
      fake.gateway.acks.some((a) => a.data === JSON.stringify({ opaque })),
    );
    const socket = (c as unknown as { socket?: { send(data: string): void } }).socket;
    socket?.send('not json');
    c.send('never-pushed', { response: null });
    const id = fake.gateway.callback(APP.clientId, fake.robotMessage({ content: '/help' }));
    socket?.send(JSON.stringify({ code: 500, headers: { messageId: id }, message: 'fail', data: '{}' }));
    await fake.waitFor('three rejections', () => fake.gateway.rejected.length === 3);
    expect(fake.gateway.rejected.map((r) => r.reason)).toEqual([
      'not JSON',
      'unknown messageId never-pushed',
      'code 500 (not acknowledged)',
    ]);
    expect(fake.gateway.pending()).toEqual([id]);
  });

  it('lets the SDK reconnect with a fresh ticket after a disconnect', async () => {
    const c = client();
    robotListener(c);
    await connected(c);
    fake.gateway.disconnect(APP.clientId);
    await fake.waitFor('a second connection', () => fake.gateway.upgrades.length === 2, 5000);
    await fake.waitFor('connected again', () => fake.gateway.connections(APP.clientId) === 1, 5000);
    expect(fake.gateway.upgrades).toEqual([{ ticketOk: true }, { ticketOk: true }]);
    expect(fake.gateway.opens).toHaveLength(2);
  });

  it('hands the SDK an access token, and refuses a wrong secret', async () => {
    const token = await client().getAccessToken();
    expect(token).toBe(fake.tokens.get(APP.clientId));
    await expect(client('wrong').getAccessToken()).rejects.toThrow(/access_token failed/);
  });
});
