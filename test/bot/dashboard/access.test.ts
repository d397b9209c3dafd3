import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionValue } from '../../../bot/dashboard/routes.ts';
import { openDashboardWorld, TOKEN } from '../../support/dashboard-world.ts';

type World = Awaited<ReturnType<typeof openDashboardWorld>>;
const get = (w: World, p: string, headers: Record<string, string> = {}) =>
  fetch(`${w.base}${p}`, { headers, redirect: 'manual' });

describe('the dashboard with DASHBOARD_TOKEN', () => {
  let w: World;
  beforeAll(async () => {
    w = await openDashboardWorld();
  });
  afterAll(() => w.cleanup());

  it('sends a visitor without the cookie to the login form', async () => {
    const res = await get(w, '/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    const form = await (await get(w, '/login')).text();
    expect(form).toContain('<input id="token" name="token" type="password"');
    expect((await get(w, '/r/3501')).status).toBe(303);
  });

  it('refuses a wrong token with 401 and the form again', async () => {
    const res = await fetch(`${w.base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=nope',
      redirect: 'manual',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('口令不正确。');
  });

  it('sets an HttpOnly, SameSite=Strict cookie holding an HMAC of the token, not the token', async () => {
    const res = await fetch(`${w.base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(TOKEN)}`,
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie') ?? '';
    const attributes = cookie.toLowerCase().split('; ').slice(1);
    expect(attributes).toContain('path=/');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('httponly');
    expect(attributes.some((a) => a.startsWith('expires='))).toBe(true);
    expect(attributes).not.toContain('secure'); // plain HTTP on 127.0.0.1; set over HTTPS
    expect(cookie).not.toContain(TOKEN);
    const value = cookie.split(';')[0]!;
    expect(value).toBe(`ib_dashboard=${sessionValue(TOKEN)}`);
    const page = await get(w, '/', { cookie: value });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await get(w, '/', { cookie: 'ib_dashboard=forged' })).status).toBe(303);
  });

  it('refuses a login body over 4 KB with 413', async () => {
    const res = await fetch(`${w.base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${'x'.repeat(5000)}`,
    });
    expect(res.status).toBe(413);
  });

  describe('pages', () => {
    const cookie = { cookie: `ib_dashboard=${sessionValue(TOKEN)}` };

    it('escape text from the data and never show a contact’s mobile', async () => {
      await w.running.store.applyRegister({
        newRegions: [],
        units: [
          {
            id: 'u-gulou',
            name: '鼓楼区<b>示例</b>局',
            regionId: '350102',
            aliases: [],
            contacts: [{ name: '张三', mobile: '13812345678', wecomUserId: 'zhangsan' }],
          },
        ],
        sites: [],
        accounts: [],
      });
      for (const p of ['/', '/r/3501', '/r/350102']) {
        const html = await (await get(w, p, cookie)).text();
        expect(html).not.toContain('13812345678');
        expect(html).not.toContain('<b>示例');
        if (p === '/r/350102') expect(html).toContain('鼓楼区&lt;b&gt;示例&lt;/b&gt;局');
      }
    });

    it('answer 404 for a region or round that does not exist, never 500', async () => {
      expect((await get(w, '/r/nowhere', cookie)).status).toBe(404);
      expect((await get(w, '/r/35?round=2031Q1@35', cookie)).status).toBe(404);
      expect((await get(w, '/r/35?page=abc', cookie)).status).toBe(200);
      expect((await get(w, `/r/${'%ff'.repeat(10)}`, cookie)).status).toBeLessThan(500);
    });

    it('stay under 200 KB', async () => {
      for (const p of ['/', '/r/3501', '/r/350102', '/r/35?round=2020Q1@35']) {
        const body = await (await get(w, p, cookie)).arrayBuffer();
        expect(body.byteLength).toBeLessThan(200 * 1024);
      }
    });
  });
});

describe('the dashboard without DASHBOARD_TOKEN', () => {
  let w: World;
  beforeAll(async () => {
    w = await openDashboardWorld({ DASHBOARD_TOKEN: '' });
  });
  afterAll(() => w.cleanup());

  it('answers on the loopback interface', async () => {
    const res = await get(w, '/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('福建省 2020年第二季度检查情况');
  });

  it('refuses a request relayed by a proxy, which may come from anywhere', async () => {
    const relayed: Array<Record<string, string>> = [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
      { 'x-real-ip': '203.0.113.9' },
    ];
    for (const headers of relayed) {
      const res = await get(w, '/', headers);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('只允许在本机访问');
    }
  });

  it('has no login form to offer', async () => {
    expect((await get(w, '/login')).status).toBe(302);
  });
});
