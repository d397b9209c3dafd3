import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartLinks } from '../../../bot/charts/links.ts';
import { createChartRouter } from '../../../bot/charts/routes.ts';
import { imageType } from '../../fakes/images.ts';
import { serve } from '../platforms/dingtalk/helpers.ts';
import { openSeededStore } from '../../support/seeded-store.ts';

const REF = { kind: 'rank', regionId: '35', roundKey: '2020Q1@35' } as const;
const NOW = new Date('2020-04-14T10:00:00+08:00');
const HOUR = 3600_000;

describe('ChartLinks', () => {
  const links = new ChartLinks(Buffer.from('k'.repeat(32)), 'https://bot.example.gov.cn/', 24 * HOUR);

  it('signs a chart into a URL under PUBLIC_BASE_URL and reads it back until it expires', () => {
    const url = new ChartLinks(Buffer.from('k'.repeat(32)), 'https://bot.example.gov.cn', 24 * HOUR).url(REF, NOW)!;
    expect(url).toMatch(/^https:\/\/bot\.example\.gov\.cn\/charts\/[\w-]+\.[\w-]{22}\.png$/);
    const id = url.split('/').at(-1)!.slice(0, -4);
    expect(links.check(id, new Date(NOW.getTime() + 23 * HOUR))).toEqual({ ok: true, ref: REF });
    expect(links.check(id, new Date(NOW.getTime() + 25 * HOUR))).toEqual({ ok: false, why: 'expired' });
  });

  it('refuses an id signed with another key, or with its payload changed', () => {
    const id = links.id(REF, NOW);
    const other = new ChartLinks(Buffer.from('x'.repeat(32)), undefined, HOUR);
    expect(other.check(id, NOW)).toEqual({ ok: false, why: 'bad' });
    const [payload, tag] = id.split('.');
    const changed = Buffer.from(JSON.stringify({ ...REF, regionId: '3501', exp: 9e9 })).toString('base64url');
    expect(links.check(`${changed}.${tag}`, NOW)).toEqual({ ok: false, why: 'bad' });
    expect(links.check(`${payload}`, NOW)).toEqual({ ok: false, why: 'bad' });
    expect(links.check('', NOW)).toEqual({ ok: false, why: 'bad' });
  });

  it('has no URL without PUBLIC_BASE_URL', () => {
    expect(new ChartLinks(Buffer.from('k'), undefined, HOUR).url(REF, NOW)).toBeUndefined();
  });

  it('keeps a random key in DATA_DIR (mode 0600) so links survive a restart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chart-key-'));
    try {
      const a = await ChartLinks.open({ dataDir: dir, ttlHours: 1 });
      const b = await ChartLinks.open({ dataDir: dir, ttlHours: 1 });
      expect(b.check(a.id(REF, NOW), NOW)).toEqual({ ok: true, ref: REF });
      expect((await stat(path.join(dir, 'chart-link.key'))).mode & 0o777).toBe(0o600);
      expect((await readFile(path.join(dir, 'chart-link.key'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /charts/<id>.png', () => {
  let seeded: Awaited<ReturnType<typeof openSeededStore>>;
  let s: Awaited<ReturnType<typeof serve>>;
  let now = NOW;
  const links = new ChartLinks(Buffer.from('route-key'), 'http://unused', HOUR);
  beforeAll(async () => {
    seeded = await openSeededStore();
    s = await serve(seeded.store, [createChartRouter({ store: seeded.store, links, now: () => now })]);
  });
  afterAll(async () => {
    await s.close();
    await seeded.cleanup();
  });

  it('serves the PNG with an ETag, and 304 when it is unchanged', async () => {
    now = NOW;
    const res = await fetch(`${s.base}/charts/${links.id(REF, NOW)}.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(imageType(Buffer.from(await res.arrayBuffer()))).toBe('png');
    const again = await fetch(`${s.base}/charts/${links.id(REF, NOW)}.png`, {
      headers: { 'if-none-match': res.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('answers 410 with a sentence once the link expired, 404 for a round that is gone', async () => {
    const id = links.id(REF, NOW);
    now = new Date(NOW.getTime() + 2 * HOUR);
    const res = await fetch(`${s.base}/charts/${id}.png`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('图表链接已过期');
    const gone = links.id({ ...REF, roundKey: '2031Q1@35' }, now);
    expect((await fetch(`${s.base}/charts/${gone}.png`)).status).toBe(404);
    expect((await fetch(`${s.base}/charts/${id}.jpg`)).status).toBe(404);
  });
});
