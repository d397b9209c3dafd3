import { createHash } from 'node:crypto';
import { WSClient } from '@wecom/aibot-node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWecom } from './wecom.ts';

/**
 * The fake WeCom long connection (protocols.md §3.2), checked by code nobody here wrote: the
 * official `@wecom/aibot-node-sdk` 1.0.7 connects, subscribes, receives, replies, pings,
 * uploads, is kicked off and reconnects against it. Where the fake refuses, the SDK must see the
 * refusal the way it would see WeCom's (its promise rejected with the ack frame and its errcode).
 */

const BOT = { botId: 'aibSDK', secret: 'sdk-secret' };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let fake: FakeWecom;
let now = Date.now();
const clients: WSClient[] = [];

beforeEach(async () => {
  now = Date.now();
  fake = await FakeWecom.start({ bots: [BOT], now: () => now });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await fake.close();
});

function client(o: Partial<ConstructorParameters<typeof WSClient>[0]> = {}): WSClient {
  const c = new WSClient({
    ...BOT,
    wsUrl: fake.wsUrl,
    logger: quiet,
    reconnectInterval: 50,
    heartbeatInterval: 60_000,
    requestTimeout: 2_000,
    ...o,
  });
  clients.push(c);
  return c;
}

function authenticated(c: WSClient): Promise<void> {
  return new Promise((resolve) => {
    c.once('authenticated', () => resolve());
    c.connect();
  });
}

type Frame = { headers: { req_id: string }; body?: unknown };

function nextMessage(c: WSClient): Promise<Frame> {
  return new Promise((resolve) => c.once('message', (f) => resolve(f as unknown as Frame)));
}

function textMessage(content: string, chatid = 'wrGROUP') {
  return {
    msgid: `msg-${Math.random()}`,
    aibotid: BOT.botId,
    chatid,
    chattype: 'group',
    from: { userid: 'zhangsan' },
    msgtype: 'text',
    text: { content: `@bot ${content}` },
  };
}

async function receive(c: WSClient, content = '/rate 福州'): Promise<Frame> {
  const got = nextMessage(c);
  fake.push(BOT.botId, textMessage(content));
  return got;
}

describe('fake WeCom long connection, driven by the official SDK', () => {
  it('accepts the SDK subscribe and hands it message callbacks', async () => {
    const c = client();
    await authenticated(c);
    expect(fake.subscribes).toEqual([{ botId: BOT.botId, errcode: 0 }]);
    const frame = await receive(c, '/help');
    expect(frame.body).toMatchObject({ msgtype: 'text', text: { content: '@bot /help' } });
  });

  it('refuses a wrong secret with 853000 and closes the connection', async () => {
    const c = client({ secret: 'wrong', maxAuthFailureAttempts: 1 });
    const failed = new Promise<Error>((resolve) => c.once('error', resolve));
    c.connect();
    expect((await failed).message).toContain('853000');
    await fake.waitFor('socket closed', () => !fake.isConnected(BOT.botId));
    expect(fake.subscribes.at(-1)).toEqual({ botId: BOT.botId, errcode: 853000 });
  });

  it('acknowledges a stream reply to a callback req_id, then its finish', async () => {
    const c = client();
    await authenticated(c);
    const frame = await receive(c);
    const first = await c.replyStream(frame as never, 'stream-1', '正在查询', false);
    const last = await c.replyStream(frame as never, 'stream-1', '福州市：39个网站全部合格', true);
    expect(first).toMatchObject({ errcode: 0 });
    expect(last).toMatchObject({ errcode: 0 });
    expect(fake.respondMsgs.map((f) => (f.body as { stream: { finish: boolean } }).stream.finish)).toEqual([
      false,
      true,
    ]);
  });

  it('refuses a reply to a req_id it never sent (846605)', async () => {
    const c = client();
    await authenticated(c);
    await expect(
      c.replyStream({ headers: { req_id: 'req_never_sent' } } as never, 's', 'x', true),
    ).rejects.toMatchObject({ errcode: 846605 });
    expect(fake.refused).toEqual([{ cmd: 'aibot_respond_msg', reqId: 'req_never_sent', errcode: 846605 }]);
  });

  it('refuses an update after finish:true (846608)', async () => {
    const c = client();
    await authenticated(c);
    const frame = await receive(c);
    await c.replyStream(frame as never, 's', '完', true);
    await expect(c.replyStream(frame as never, 's', '再改', true)).rejects.toMatchObject({ errcode: 846608 });
  });

  it('refuses content over 20,480 bytes (40058)', async () => {
    const c = client();
    await authenticated(c);
    const frame = await receive(c);
    await expect(c.replyStream(frame as never, 's', '查'.repeat(10_000), true)).rejects.toMatchObject({
      errcode: 40058,
    });
    expect(fake.respondMsgs).toHaveLength(0);
    // 6,826 three-byte characters (20,478 bytes) still fit.
    await expect(c.replyStream(frame as never, 's', '查'.repeat(6826), true)).resolves.toMatchObject({
      errcode: 0,
    });
  });

  it('answers the SDK heartbeat', async () => {
    const c = client({ heartbeatInterval: 30 });
    await authenticated(c);
    await fake.waitFor('two pings', () => fake.pings >= 2);
    expect(c.isConnected).toBe(true);
  });

  it('takes aibot_send_msg only to a conversation that has messaged the bot', async () => {
    const c = client();
    await authenticated(c);
    await expect(
      c.sendMessage('wrGROUP', { msgtype: 'markdown', markdown: { content: '提醒' } }),
    ).rejects.toMatchObject({ errcode: 93006 });
    await receive(c);
    await expect(
      c.sendMessage('wrGROUP', { msgtype: 'markdown', markdown: { content: '**提醒**' } }),
    ).resolves.toMatchObject({ errcode: 0 });
    expect(fake.sentMsgs.map((f) => f.cmd)).toEqual(['aibot_send_msg']);
  });

  it('assembles a chunked media upload and checks its md5', async () => {
    const c = client();
    await authenticated(c);
    const bytes = Buffer.alloc(700 * 1024, 7); // two chunks of at most 512 KB
    const result = await c.uploadMedia(bytes, { type: 'file', filename: '通报.pdf' });
    const stored = fake.uploads.media.get(result.media_id);
    expect(stored?.bytes.equals(bytes)).toBe(true);
    expect(
      createHash('md5')
        .update(stored?.bytes ?? '')
        .digest('hex'),
    ).toBe(createHash('md5').update(bytes).digest('hex'));
  });

  it('serves a file the SDK downloads and decrypts to the original bytes and name (§10.2)', async () => {
    const c = client();
    await authenticated(c);
    const bytes = Buffer.from('2020年第二季度通报'.repeat(1000));
    const file = fake.serveFile({ name: '第二季度 通报.docx', bytes });
    // The long connection's per-URL aeskey, as the SDK's FileContent carries it.
    const got = await c.downloadFile(file.url, file.aeskey);
    expect(got.buffer.equals(bytes)).toBe(true);
    expect(got.filename).toBe('第二季度 通报.docx');
    // The link is good for 5 minutes only.
    now += 5 * 60_000 + 1;
    await expect(c.downloadFile(file.url, file.aeskey)).rejects.toMatchObject({ response: { status: 403 } });
  });

  it('takes one welcome reply for an enter_chat event, not two', async () => {
    const c = client();
    await authenticated(c);
    const event = new Promise<Frame>((resolve) =>
      c.once('event.enter_chat', (f) => resolve(f as unknown as Frame)),
    );
    fake.enterChat(BOT.botId, 'lisi');
    const frame = await event;
    expect(frame.body).toMatchObject({ from: { userid: 'lisi' }, event: { eventtype: 'enter_chat' } });
    const welcome = { msgtype: 'text', text: { content: '您好' } };
    await expect(c.replyWelcome(frame as never, welcome as never)).resolves.toMatchObject({ errcode: 0 });
    await expect(c.replyWelcome(frame as never, welcome as never)).rejects.toMatchObject({ errcode: 846608 });
  });

  it('kicks the older connection off with a disconnected_event that says from whom', async () => {
    const first = client({ reconnectInterval: 60_000 });
    await authenticated(first);
    const kicked = new Promise<Frame>((resolve) =>
      first.once('event.disconnected_event', (f) => resolve(f as unknown as Frame)),
    );
    const second = client();
    await authenticated(second);
    const frame = await kicked;
    expect(frame.body).toMatchObject({
      aibotid: BOT.botId,
      from: { userid: '' },
      event: { eventtype: 'disconnected_event' },
    });
    // Callbacks now go to the newer connection.
    const got = await receive(second, '/help');
    expect(got.body).toMatchObject({ text: { content: '@bot /help' } });
  });

  it('lets the SDK reconnect and subscribe again after a dropped socket', async () => {
    const c = client();
    await authenticated(c);
    const again = new Promise<void>((resolve) => c.once('authenticated', () => resolve()));
    fake.drop(BOT.botId);
    await again;
    expect(fake.subscribes.filter((s) => s.errcode === 0)).toHaveLength(2);
    expect(fake.isConnected(BOT.botId)).toBe(true);
  });
});
