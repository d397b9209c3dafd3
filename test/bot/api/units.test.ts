import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiRouter } from '../../../bot/api/rounds.ts';
import { createApp } from '../../../bot/app.ts';
import { ImportService } from '../../../bot/imports.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { type OpenedStore, storeKinds } from '../../support/stores.ts';

/**
 * Units and their contacts over the API, on every store: each contact's mobile, WeCom userid and
 * DingTalk userId read and written; bad input refused with 400 naming the field, nothing written;
 * every change audited (`register.imported` by `api`, GET /api/audit).
 */
const TOKEN = 'test-token-0123456789';
const now = new Date('2020-04-14T09:00:00+08:00');

describe.each(storeKinds)('/api/units ($name)', (kind) => {
  let opened: OpenedStore | undefined;
  let server: Server | undefined;
  let base = '';
  afterEach(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    await opened?.cleanup();
    server = undefined;
    opened = undefined;
  });

  async function serve() {
    opened = await kind.open();
    const store = opened.store;
    const imports = new ImportService(store, silentLogger);
    const app = createApp({ store, log: silentLogger, routers: [createApiRouter({ store, imports, token: TOKEN, now: () => now })] });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const post = (body: unknown) =>
    fetch(`${base}/api/units`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const jyt = {
    name: '福建省教育厅',
    region: '省直部门',
    contacts: [{ name: '陈老师', mobile: '13900000001', wecomUserId: 'chenls', dingtalkUserId: 'manager4201' }],
  };

  it('writes a unit with its contacts’ platform ids (201) and reads them back by region and by id', async () => {
    await serve();
    const res = await post({ units: [jyt, { name: '福州市示例局', region: '福州', contacts: [{ name: '李四', mobile: '13800000002' }] }] });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ added: 2, changed: 0, unchanged: 0, contacts: ['福建省教育厅：＋陈老师', '福州市示例局：＋李四'] });
    expect(body.units[0]).toEqual({
      id: expect.stringMatching(/^u-/),
      name: '福建省教育厅',
      region: { id: '35-sz', name: '省直部门' },
      aliases: [],
      contacts: [{ name: '陈老师', mobile: '13900000001', wecomUserId: 'chenls', dingtalkUserId: 'manager4201' }],
    });
    // 福州 unencoded in the query, as a person types it.
    const listed = await (await get('/api/units?region=福州')).json();
    expect(listed.units.map((u: { name: string }) => u.name)).toEqual(['福州市示例局']);
    expect(listed.units[0].contacts).toEqual([{ name: '李四', mobile: '13800000002', wecomUserId: null, dingtalkUserId: null }]);
    const one = await (await get(`/api/units/${body.units[0].id}`)).json();
    expect(one.contacts[0].dingtalkUserId).toBe('manager4201');
    expect((await get('/api/units/u-nope')).status).toBe(404);
    expect((await get('/api/units?region=福洲')).status).toBe(404);
  });

  it('replaces a unit’s contacts when given, keeps them when not; the same body again changes nothing (200)', async () => {
    await serve();
    await post({ units: [jyt] });
    const res = await post({ units: [{ ...jyt, contacts: [{ ...jyt.contacts[0], wecomUserId: 'chenls2' }] }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ added: 0, changed: 1, contacts: ['福建省教育厅：陈老师 企业微信 chenls → chenls2'] });
    const kept = await (await post({ units: [{ name: '福建省教育厅', region: '省直部门', aliases: ['省教育厅'] }] })).json();
    expect(kept.units[0]).toMatchObject({ aliases: ['省教育厅'], contacts: [{ wecomUserId: 'chenls2' }] });
    const again = await post({ units: [{ name: '福建省教育厅', region: '省直部门', aliases: ['省教育厅'] }] });
    expect(await again.json()).toMatchObject({ added: 0, changed: 0, unchanged: 1, contacts: [] });
    // Each change audited once, by the API; the unchanged write not at all.
    const audit = await (await get('/api/audit?limit=10')).json();
    expect(audit.entries.map((e: { action: string; platform: string }) => [e.action, e.platform])).toEqual([
      ['register.imported', 'api'],
      ['register.imported', 'api'],
      ['register.imported', 'api'],
    ]);
    expect(audit.entries[1]).toMatchObject({
      at: now.toISOString(),
      detail: { source: 'api', units: { added: 0, changed: 1 }, contacts: ['福建省教育厅：陈老师 企业微信 chenls → chenls2'] },
    });
  });

  it('refuses bad ids, mobiles and regions with 400 naming each field, and writes nothing', async () => {
    await serve();
    const res = await post({
      units: [
        { name: '福建省教育厅', region: '省直部门', contacts: [{ name: '陈老师', wecomUserId: 'chen ls', mobile: '139-abc' }] },
        { name: '福洲示例局', region: '福洲', contacts: [{}] },
      ],
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.details.problems).toEqual([
      { where: 'units[0].contacts[0].mobile', reason: '联系电话“139-abc”格式不对' },
      { where: 'units[0].contacts[0].wecomUserId', reason: expect.stringMatching(/^账号“chen ls”格式不对/) },
      { where: 'units[1].region', reason: expect.stringMatching(/^未知地区“福洲”，是不是：福州市/) },
      { where: 'units[1].contacts[0]', reason: '联系人至少要有姓名、手机、企业微信账号或钉钉账号之一' },
    ]);
    const typed = await post({ units: [{ name: '福建省教育厅', region: '省直部门', contacts: [{ dingtalkUserId: 42 }] }] });
    expect(typed.status).toBe(400);
    expect((await typed.json()).message).toMatch(/^api: units\[0\]\.contacts\[0\]\.dingtalkUserId: /);
    const extra = await post({ units: [{ name: '福建省教育厅', region: '省直部门', phone: '1' }] });
    expect((await extra.json()).message).toMatch(/units\[0\]: Unrecognized key: "phone"/);
    expect(opened!.store.dataset().register.units).toEqual([]);
    expect(await opened!.store.auditLog(5)).toEqual([]);
  });
});
