import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiRouter } from '../../../bot/api/rounds.ts';
import { createApp } from '../../../bot/app.ts';
import { ImportService, type RoundImported } from '../../../bot/imports.ts';
import { silentLogger } from '../../../bot/logger.ts';
import type { LowStore } from '../../../data/store.ts';
import { openEmptyStore } from '../../support/seeded-store.ts';

const TOKEN = 'test-token-0123456789';
const now = new Date('2020-04-14T09:00:00+08:00');

let store: LowStore;
let cleanup: () => Promise<void>;
let server: Server;
let base: string;
let events: RoundImported[];

beforeEach(async () => {
  ({ store, cleanup } = await openEmptyStore());
  const imports = new ImportService(store, silentLogger);
  events = [];
  imports.onImported(async (e) => {
    events.push(e);
  });
  const app = createApp({ store, log: silentLogger, routers: [createApiRouter({ store, imports, token: TOKEN, now: () => now })] });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

const round = {
  period: '2020Q1',
  scope: '福建省',
  issuer: '福建省人民政府办公厅',
  deadline: '2020-04-17',
  tallies: [
    { region: '福州市', channel: 'website', total: 57, checked: 57, failed: 0 },
    { region: '福州市', channel: 'newmedia', total: 217, checked: 217, failed: 1 },
    { region: '平潭', channel: 'website', checked: 8, failed: 0 },
  ],
  failures: [{ region: '福州市', channel: 'newmedia', unit: '福州市示例局', subject: '示例发布', platform: '微信公众号', problem: '超过14天未更新' }],
};

function post(body: unknown, token = TOKEN) {
  return fetch(`${base}/api/rounds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const get = (path: string, token = TOKEN) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('POST /api/rounds', () => {
  it('imports a round through ImportService: 201, the counts, and listeners told', async () => {
    const res = await post(round);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ round: '2020Q1@35', changed: true, replaced: false, tallies: 3, failures: 1, newRegions: [] });
    expect(events).toEqual([expect.objectContaining({ roundKey: '2020Q1@35', changed: true })]);
    const stored = store.dataset().rounds[0]!;
    expect(stored.round).toMatchObject({ source: { file: 'api', kind: 'api' }, deadline: { date: '2020-04-17' } });
    expect(stored.file.tallies).toContainEqual({ regionId: '35-pt', channel: 'website', total: 8, checked: 8, failed: 0 });
    expect(stored.file.failures[0]).toMatchObject({ regionId: '3501', problemCode: 'M_STALE', veto: true });
  });

  it('answers 200 with changed false when the same round is posted again', async () => {
    await post(round);
    const res = await post(round);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ changed: false });
    expect(events.map((e) => e.changed)).toEqual([true, false]);
  });

  it('refuses a missing or wrong bearer token with 401 and a challenge', async () => {
    for (const token of ['', 'wrong-token']) {
      const res = await post(round, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="inspection-bot"');
      expect(await res.json()).toMatchObject({ error: 'bad_token' });
    }
    expect(store.isEmpty()).toBe(true);
  });

  it('refuses a body that breaks the schema with 400 naming the field', async () => {
    const bad = { ...round, tallies: [{ region: '福州市', channel: 'website', total: 5, checked: 6, failed: 0 }] };
    const res = await post(bad);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('api: tallies[0].checked: checked 6 exceeds total 5');
    const missing = await post({ scope: '福建省', tallies: [] });
    expect((await missing.json()).message).toMatch(/^api: period: /);
    const notJson = await post('{"period":');
    expect(notJson.status).toBe(400);
    expect(store.isEmpty()).toBe(true);
  });

  it('refuses the whole round with 400 when one row names an unknown region', async () => {
    const bad = { ...round, failures: [{ ...round.failures[0], region: '福洲' }] };
    const res = await post(bad);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('failures[0].region：未知地区“福洲”');
    expect(store.isEmpty()).toBe(true);
    expect(events).toEqual([]);
  });

  it('refuses a mistyped scope with 400 and suggestions, and learns no region from it', async () => {
    const res = await post({ ...round, scope: '福建生' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.details.problems).toEqual([{ where: 'scope', reason: expect.stringMatching(/^未知的通报范围“福建生”，是不是：福建省/) }]);
    expect(store.isEmpty()).toBe(true);
    expect(store.dataset().regions.all().some((r) => r.learned)).toBe(false);
    expect(store.dataset().regions.resolve('福州')?.region.id).toBe('3501');
  });

  it('lists every problem of a round at once, each with its JSON path', async () => {
    const bad = {
      ...round,
      period: '2020季度',
      failures: [{ ...round.failures[0], region: '福洲' }, { ...round.failures[0], region: '厦闷' }],
    };
    const body = await (await post(bad)).json();
    expect(body.details.problems.map((p: { where: string }) => p.where)).toEqual(['period', 'failures[0].region', 'failures[1].region']);
  });

  it('refuses with 409 a replacement that drops failures, and applies it with "replace": true', async () => {
    await post(round);
    const dropped = { ...round, failures: [] };
    const refused = await post(dropped);
    expect(refused.status).toBe(409);
    const body = await refused.json();
    expect(body).toMatchObject({ error: 'replace_refused', details: { round: '2020Q1@35', droppedFailures: [expect.objectContaining({ subject: '示例发布' })] } });
    expect(body.message).toMatch(/"replace": true/);
    expect(store.dataset().rounds[0]!.file.failures).toHaveLength(1);

    const replaced = await post({ ...dropped, replace: true });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ replaced: true, failures: 0, diff: { droppedFailures: [expect.objectContaining({ subject: '示例发布' })] } });
    expect(store.dataset().rounds[0]!.file.failures).toEqual([]);
  });

  it('refuses a body over 5 MB with 413', async () => {
    const res = await post(`{"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`);
    expect(res.status).toBe(413);
  });
});

describe('GET /api/rounds', () => {
  it('lists the stored rounds with their scope and counts', async () => {
    await post(round);
    const res = await get('/api/rounds');
    expect(await res.json()).toEqual({
      rounds: [
        expect.objectContaining({ key: '2020Q1@35', period: '2020Q1', scope: { id: '35', name: '福建省' }, source: 'api', tallies: 3, failures: 1 }),
      ],
    });
  });

  it('needs the token too', async () => {
    expect((await get('/api/rounds', 'nope')).status).toBe(401);
  });
});

describe('GET /api/rates', () => {
  it('gives both channels for a region and round, with rates in percent', async () => {
    await post(round);
    const res = await get(`/api/rates?region=${encodeURIComponent('福州')}&round=2020Q1`);
    expect(await res.json()).toEqual({
      round: '2020Q1@35',
      period: '2020Q1',
      region: { id: '3501', name: '福州市' },
      rates: {
        website: { total: 57, checked: 57, failed: 0, summed: false, passRate: 100, failRate: 0 },
        newmedia: { total: 217, checked: 217, failed: 1, summed: false, passRate: 99.54, failRate: 0.46 },
      },
    });
  });

  it('defaults to the latest round and its scope, summing the listed regions', async () => {
    await post(round);
    const body = await (await get('/api/rates')).json();
    expect(body.region).toEqual({ id: '35', name: '福建省' });
    expect(body.rates.website).toMatchObject({ checked: 65, failed: 0, summed: true });
  });

  it('answers 404 naming what exists for an unknown region or round', async () => {
    await post(round);
    const region = await get(`/api/rates?region=${encodeURIComponent('福洲')}`);
    expect(region.status).toBe(404);
    expect((await region.json()).message).toMatch(/did you mean 福州市/);
    const r = await get('/api/rates?round=2019Q4');
    expect(r.status).toBe(404);
    expect((await r.json()).message).toBe('api: round 2019Q4 not found; known: 2020Q1@35');
  });

  it('accepts the query as README writes it (curl -G --data-urlencode) and a raw UTF-8 line gets 400, never 500', async () => {
    await post(round);
    const readme = await get('/api/rates?region=%E7%A6%8F%E5%B7%9E&round=2020Q1');
    expect((await readme.json()).region).toEqual({ id: '3501', name: '福州市' });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () => {
        socket.write(
          Buffer.concat([
            Buffer.from('GET /api/rates?region='),
            Buffer.from('福州', 'utf8'),
            Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`),
          ]),
        );
      });
      let out = '';
      socket.on('data', (d) => {
        out += d.toString('latin1');
      });
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });
});

describe('GET /api/audit', () => {
  it('lists the API import with who (api) and what, newest first; 400 for a bad limit, 401 without the token', async () => {
    await post(round);
    const body = await (await get('/api/audit?limit=5')).json();
    expect(body.entries[0]).toMatchObject({
      platform: 'api',
      action: 'round.imported',
      detail: { round: '2020Q1@35', source: 'api', failures: 1 },
    });
    expect((await get('/api/audit?limit=0')).status).toBe(400);
    expect((await get('/api/audit', 'nope')).status).toBe(401);
  });
});
