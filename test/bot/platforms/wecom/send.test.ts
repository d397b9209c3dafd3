import axios from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../../../bot/errors.ts';
import type { Group } from '../../../../bot/groups.ts';
import { checkErrcode, postResponseUrl, type WecomError } from '../../../../bot/platforms/wecom/send.ts';
import { createWecomPusher } from '../../../../bot/platforms/wecom/index.ts';
import { reply } from '../../../../handlers/reply.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';

const http = axios.create({ timeout: 2000 });
const group = (key?: string): Group => ({
  id: 'fz',
  name: '福州',
  platform: 'wecom',
  follows: { regions: [], units: [] },
  admins: [],
  allClear: false,
  ...(key ? { robot: { key } } : {}),
});

let fake: FakeWecom;
let clock = 0;

async function failure(p: Promise<unknown>): Promise<WecomError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return err as WecomError;
}

beforeAll(async () => {
  fake = await FakeWecom.start({ keys: ['k1', 'k2', 'k3'], now: () => clock });
});
afterAll(() => fake.close());
beforeEach(() => {
  clock += 3600_000; // a fresh rate-limit window for every test
});

describe('wecom pusher.send()', () => {
  const pusher = () => createWecomPusher({ config: { WECOM_API_BASE: fake.url } as never, http });

  it('mentions contacts with a userid as <@userid> in markdown, and the fake records them notified', async () => {
    const p = pusher();
    const before = fake.notified('k3').length;
    const body = p.render(
      reply('整改提醒', ['……'], [{ name: '张三', mobile: '13800000001', wecomUserId: 'zhangsan' }]),
    );
    await p.send(group('k3'), body.body);
    expect(body.body).toEqual({
      msgtype: 'markdown',
      markdown: { content: '**整改提醒**\n……\n<@zhangsan>' },
    });
    expect(fake.notified('k3').slice(before)).toEqual([{ userid: 'zhangsan' }]);
  });

  it('sends as text with mentioned_mobile_list when a contact is known only by mobile', async () => {
    const p = pusher();
    const before = fake.notified('k3').length;
    const body = p.render(
      reply(
        '整改提醒',
        ['……'],
        [
          { name: '李四', mobile: '13900000000' },
          { name: '张三', wecomUserId: 'zhangsan' },
        ],
      ),
    );
    await p.send(group('k3'), body.body);
    expect(body.body).toEqual({
      msgtype: 'text',
      text: { content: '整改提醒\n……', mentioned_list: ['zhangsan'], mentioned_mobile_list: ['13900000000'] },
    });
    expect(fake.notified('k3').slice(before)).toEqual([{ userid: 'zhangsan' }, { mobile: '13900000000' }]);
  });

  it('delivers the rendered markdown to the group robot key', async () => {
    const p = pusher();
    const body = p.render(reply('福州市', ['网站 39/39'], [{ wecomUserId: 'zhangsan' }]));
    await p.send(group('k1'), body.body);
    expect(fake.delivered('k1').at(-1)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '**福州市**\n网站 39/39\n<@zhangsan>' },
    });
    expect(body.bytes).toBe(Buffer.byteLength('**福州市**\n网站 39/39\n<@zhangsan>'));
    expect(p.maxBytes).toBe(4096);
  });

  it('renders any reply within the limit the fake enforces', async () => {
    const p = pusher();
    const big = p.render(
      reply(
        '长',
        Array.from({ length: 2000 }, () => '政务新媒体检查'),
      ),
    );
    await p.send(group('k1'), big.body);
    expect(big.bytes).toBeLessThanOrEqual(p.maxBytes);
  });

  it('treats 93000 (unknown key) as permanent', async () => {
    const err = await failure(pusher().send(group('nope'), { msgtype: 'text', text: { content: 'x' } }));
    expect(err).toMatchObject({ errcode: 93000, retryable: false });
    expect(err.message).not.toContain('nope');
  });

  it('treats 40058 (too long) as permanent', async () => {
    const body = { msgtype: 'text', text: { content: '检'.repeat(683) } }; // 2049 bytes
    expect(await failure(pusher().send(group('k1'), body))).toMatchObject({
      errcode: 40058,
      retryable: false,
    });
  });

  it('treats the 21st message in a minute as rate limited, retryable after a minute', async () => {
    const p = pusher();
    const body = { msgtype: 'text', text: { content: 'x' } };
    for (let i = 0; i < 20; i++) await p.send(group('k2'), body);
    const err = await failure(p.send(group('k2'), body));
    expect(err).toMatchObject({ errcode: 45009, retryable: true });
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    clock += 60_000;
    await p.send(group('k2'), body);
    expect(fake.delivered('k2')).toHaveLength(21);
  });

  it('treats HTTP 500 and errcode -1 as retryable', async () => {
    fake.failNext(1, { status: 500 });
    fake.failNext(1, { errcode: -1 });
    const body = { msgtype: 'text', text: { content: 'x' } };
    expect(await failure(pusher().send(group('k1'), body))).toMatchObject({ retryable: true });
    expect(await failure(pusher().send(group('k1'), body))).toMatchObject({ retryable: true, errcode: -1 });
  });

  it('treats a refused connection as retryable', async () => {
    const p = createWecomPusher({ config: { WECOM_API_BASE: 'http://127.0.0.1:1' } as never, http });
    expect(await failure(p.send(group('k1'), { msgtype: 'text', text: { content: 'x' } }))).toMatchObject({
      retryable: true,
    });
  });

  it('refuses a group without a robot key, permanently', async () => {
    expect(await failure(pusher().send(group(), {}))).toMatchObject({ retryable: false });
  });
});

describe('wecom.checkErrcode()', () => {
  it('accepts errcode 0 and refuses a body without errcode', () => {
    expect(() => checkErrcode('t', { errcode: 0, errmsg: 'ok' })).not.toThrow();
    expect(() => checkErrcode('t', { ok: true })).toThrow(/no errcode/);
  });
});

describe('wecom.postResponseUrl()', () => {
  it('posts once; a second use of the same response_url fails permanently', async () => {
    const url = fake.responseUrl();
    const body = { msgtype: 'markdown', markdown: { content: 'hi' } };
    await postResponseUrl(http, fake.url, url, body);
    expect(await failure(postResponseUrl(http, fake.url, url, body))).toMatchObject({ retryable: false });
    expect(fake.responses.filter((r) => r.errcode === 0).at(-1)?.body).toEqual(body);
  });

  it('refuses a response_url outside WECOM_API_BASE', async () => {
    const err = await failure(postResponseUrl(http, fake.url, 'http://169.254.169.254/x', {}));
    expect(err.message).toMatch(/not WECOM_API_BASE/);
  });
});
