import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../../../bot/errors.ts';
import type { Group } from '../../../../bot/groups.ts';
import {
  checkErrcode,
  createDingtalkPusher,
  type DingtalkError,
  postSession,
  RATE_LIMIT_RETRY_MS,
} from '../../../../bot/platforms/dingtalk/send.ts';
import { reply } from '../../../../handlers/reply.ts';
import { FakeDingtalk } from '../../../fakes/dingtalk.ts';
import { dingtalkSign, http, vectors } from './helpers.ts';

/** The third vector's secret has both + and / in some signs: un-encoded or double-encoded, it fails. */
const SECRET = 'SEC0000000000000000000000000000000000000000000000000000000000000000';
const group = (robot?: { accessToken: string; secret: string }): Group => ({
  id: 'fz',
  name: '福州',
  platform: 'dingtalk',
  follows: { regions: [], units: [] },
  admins: [],
  allClear: false,
  ...(robot ? { robot } : {}),
});
const text = { msgtype: 'text', text: { content: 'x' } };

let fake: FakeDingtalk;
let clock = Date.parse('2020-04-14T09:00:00+08:00');
const pusher = (skewMs = 0) => createDingtalkPusher(http, fake.url, () => clock + skewMs);

async function failure(p: Promise<unknown>): Promise<DingtalkError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return err as DingtalkError;
}

beforeAll(async () => {
  fake = await FakeDingtalk.start({
    robots: [
      { accessToken: 't1', secret: SECRET },
      { accessToken: 't2', secret: SECRET },
      { accessToken: 't3', secret: SECRET },
    ],
    now: () => clock,
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  clock += 3600_000; // a fresh rate-limit window (and penalty) for every test
});

describe('dingtalk pusher.send()', () => {
  it('delivers the rendered markdown, signed, with @mobile mentions', async () => {
    const p = pusher();
    const body = p.render(reply('福州市', ['网站 39/39'], [{ name: '张三', mobile: '13800000001' }]));
    await p.send(group({ accessToken: 't1', secret: SECRET }), body.body);
    expect(fake.delivered('t1').at(-1)).toEqual({
      msgtype: 'markdown',
      markdown: { title: '福州市', text: '#### 福州市\n\n网站 39/39\n\n@13800000001' },
      at: { atMobiles: ['13800000001'], isAtAll: false },
    });
    expect(body.bytes).toBe(Buffer.byteLength(JSON.stringify(body.body)));
    expect(p.maxBytes).toBe(20_000);
  });

  it('signs every request afresh, so sends an hour apart both pass', async () => {
    const p = pusher();
    await p.send(group({ accessToken: 't1', secret: SECRET }), text);
    clock += 3600_000 + 1;
    await p.send(group({ accessToken: 't1', secret: SECRET }), text);
    expect(fake.pushes.slice(-2).map((x) => x.errcode)).toEqual([0, 0]);
  });

  it('signs correctly whatever the timestamp, including signs with + and / in them', async () => {
    const p = pusher();
    const signs: string[] = [];
    for (let i = 0; i < 15; i++) {
      clock += 7;
      signs.push(dingtalkSign(clock, SECRET));
      await p.send(group({ accessToken: 't3', secret: SECRET }), text);
    }
    expect(signs.some((s) => /[+/]/.test(s))).toBe(true);
    expect(fake.pushes.slice(-15).every((x) => x.errcode === 0)).toBe(true);
  });

  it('renders any reply within the 20,000 bytes the fake enforces', async () => {
    const p = pusher();
    const big = p.render(
      reply(
        '长',
        Array.from({ length: 3000 }, () => '政务新媒体检查'),
      ),
    );
    await p.send(group({ accessToken: 't1', secret: SECRET }), big.body);
    expect(big.bytes).toBeLessThanOrEqual(p.maxBytes);
  });

  it('treats a wrong secret (310000 sign not match) as permanent', async () => {
    const err = await failure(pusher().send(group({ accessToken: 't1', secret: 'SECwrong' }), text));
    expect(err).toMatchObject({ errcode: 310000, retryable: false });
    expect(err.message).not.toContain('SECwrong');
  });

  it('treats a clock more than an hour off (310000 invalid timestamp) as permanent', async () => {
    const err = await failure(pusher(-3600_001).send(group({ accessToken: 't1', secret: SECRET }), text));
    expect(err).toMatchObject({ errcode: 310000, retryable: false });
    expect(err.message).toContain('invalid timestamp');
  });

  it('treats an unknown token (300005) as permanent and keeps the token out of the error', async () => {
    const err = await failure(pusher().send(group({ accessToken: 'nope-token', secret: SECRET }), text));
    expect(err).toMatchObject({ errcode: 300005, retryable: false });
    expect(err.message).not.toContain('nope-token');
  });

  it('treats a body over 20,000 bytes (460101) as permanent', async () => {
    const body = { msgtype: 'text', text: { content: '检'.repeat(6700) } };
    expect(await failure(pusher().send(group({ accessToken: 't1', secret: SECRET }), body))).toMatchObject({
      errcode: 460101,
      retryable: false,
    });
  });

  it('treats the 21st message in a minute as rate limited, retryable after the 10-minute penalty', async () => {
    const p = pusher();
    const g = group({ accessToken: 't2', secret: SECRET });
    for (let i = 0; i < 20; i++) await p.send(g, text);
    const err = await failure(p.send(g, text));
    expect(err).toMatchObject({ errcode: 410100, retryable: true, retryAfterMs: RATE_LIMIT_RETRY_MS });
    clock += 60_000; // a new minute, but still in the penalty window
    expect(await failure(p.send(g, text))).toMatchObject({ errcode: 410100 });
    clock += err.retryAfterMs!;
    await p.send(g, text);
    expect(fake.delivered('t2')).toHaveLength(21);
  });

  it('treats HTTP 500 and errcode -1 as retryable', async () => {
    fake.failNext(1, { status: 500 });
    fake.failNext(1, { errcode: -1 });
    const g = group({ accessToken: 't1', secret: SECRET });
    expect(await failure(pusher().send(g, text))).toMatchObject({ retryable: true });
    expect(await failure(pusher().send(g, text))).toMatchObject({ retryable: true, errcode: -1 });
  });

  it('treats a refused connection as retryable', async () => {
    const p = createDingtalkPusher(http, 'http://127.0.0.1:1');
    expect(await failure(p.send(group({ accessToken: 't1', secret: SECRET }), text))).toMatchObject({
      retryable: true,
    });
  });

  it('refuses a group without a robot, or of another platform, permanently', async () => {
    expect(await failure(pusher().send(group(), text))).toMatchObject({ retryable: false });
    const wecom = { ...group(), platform: 'wecom' } as Group;
    expect(await failure(pusher().send(wecom, text))).toMatchObject({ retryable: false });
  });
});

describe('dingtalk.checkErrcode()', () => {
  it.each([
    [0, 'passes'],
    [130101, 'retryable'],
    [410100, 'retryable'],
    [-1, 'retryable'],
    [310000, 'permanent'],
    [300001, 'permanent'],
    [300005, 'permanent'],
    [400101, 'permanent'],
    [400013, 'permanent'],
    [400102, 'permanent'],
    [400105, 'permanent'],
    [400106, 'permanent'],
    [460101, 'permanent'],
    [43002, 'permanent'],
  ])('errcode %i %s', (errcode, outcome) => {
    const run = () => checkErrcode('t', { errcode, errmsg: 'm' });
    if (outcome === 'passes') return expect(run).not.toThrow();
    expect(run).toThrow(expect.objectContaining({ errcode, retryable: outcome === 'retryable' }));
  });

  it('gives the rate-limit codes a retry hint that outlasts the 10-minute penalty', () => {
    expect(() => checkErrcode('t', { errcode: 130101 })).toThrow(
      expect.objectContaining({ retryAfterMs: RATE_LIMIT_RETRY_MS }),
    );
    expect(RATE_LIMIT_RETRY_MS).toBeGreaterThan(10 * 60_000);
  });

  it('treats the gateway block {status:1111, wait:5} and a body without errcode as retryable', () => {
    expect(() => checkErrcode('t', { status: 1111, wait: 5, punish: 'deny' })).toThrow(
      expect.objectContaining({ retryable: true, retryAfterMs: 60_000 }),
    );
    expect(() => checkErrcode('t', '<html>')).toThrow(expect.objectContaining({ retryable: true }));
  });
});

describe('dingtalk.postSession()', () => {
  it('posts to a live session webhook', async () => {
    const s = fake.sessionWebhook('cidSEND');
    await postSession(http, fake.url, s.url, text);
    expect(fake.answers('cidSEND')).toEqual([text]);
  });

  it('fails permanently once the session webhook has expired', async () => {
    const s = fake.sessionWebhook('cidEXPIRED', 1000);
    clock += 1001;
    expect(await failure(postSession(http, fake.url, s.url, text))).toMatchObject({ retryable: false });
  });

  it('refuses a session webhook outside DINGTALK_OAPI_BASE', async () => {
    const err = await failure(postSession(http, fake.url, 'http://169.254.169.254/latest', text));
    expect(err.message).toMatch(/not DINGTALK_OAPI_BASE/);
  });
});

describe('fake robot/send (the service the pusher is tested against)', () => {
  const v = vectors.outboundCustomRobot.vectors[1]!; // its sign has both + and /
  let oracle: FakeDingtalk;
  beforeAll(async () => {
    oracle = await FakeDingtalk.start({
      robots: [{ accessToken: 'tv', secret: v.secret }],
      now: () => Number(v.timestamp),
    });
  });
  afterAll(() => oracle.close());

  async function errcode(sign: string): Promise<number> {
    const url = `${oracle.url}/robot/send?access_token=tv&timestamp=${v.timestamp}&sign=${sign}`;
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(text) });
    return ((await res.json()) as { errcode: number }).errcode;
  }

  it('accepts the vector sign URL-encoded once', async () => {
    expect(await errcode(v.signUrlEncoded)).toBe(0);
  });

  it('refuses it un-encoded (+ becomes a space) and double-encoded, with 310000', async () => {
    expect(await errcode(v.signBase64)).toBe(310000);
    expect(await errcode(encodeURIComponent(v.signUrlEncoded))).toBe(310000);
  });
});
