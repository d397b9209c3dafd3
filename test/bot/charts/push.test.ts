import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartUnderAlerts } from '../../../bot/alerts/chart.ts';
import { createChartImages } from '../../../bot/charts/images.ts';
import { ChartLinks } from '../../../bot/charts/links.ts';
import type { Group } from '../../../bot/groups.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { createDingtalkPusher } from '../../../bot/platforms/dingtalk/send.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/send.ts';
import { checkWecomImage, markdownImages } from '../../fakes/images.ts';
import { openSeededStore } from '../../support/seeded-store.ts';

const REF = { kind: 'rank', regionId: '35', roundKey: '2020Q1@35' } as const;
const NOW = new Date('2020-04-14T10:00:00+08:00');
const CHART = { title: '福建省 2020年第一季度各地区不合格率', lines: [], mentions: [], chart: REF };

let seeded: Awaited<ReturnType<typeof openSeededStore>>;
beforeAll(async () => {
  seeded = await openSeededStore();
});
afterAll(() => seeded.cleanup());

const links = (base?: string) => new ChartLinks(Buffer.from('push-key'), base, 3600_000);

describe('group robot chart messages', () => {
  it('WeCom: an image message, base64 of the PNG with its md5', () => {
    const pusher = createWecomPusher(axios.create(), 'http://127.0.0.1:9', createChartImages(seeded.store));
    const { body } = pusher.render(CHART);
    expect(body.msgtype).toBe('image');
    expect(checkWecomImage(body.image).ok).toBe(true);
  });

  it('DingTalk: markdown with the title and the picture by its signed link', () => {
    const images = createChartImages(seeded.store, links('https://bot.example.gov.cn'));
    const pusher = createDingtalkPusher(axios.create(), 'http://127.0.0.1:9', () => NOW.getTime(), images);
    const { body } = pusher.render(CHART);
    const text = (body as { markdown: { text: string } }).markdown.text;
    expect(text.startsWith('#### 福建省 2020年第一季度各地区不合格率')).toBe(true);
    const [url] = markdownImages(text);
    expect(url).toMatch(/^https:\/\/bot\.example\.gov\.cn\/charts\/[\w-]+\.[\w-]{22}\.png$/);
    const id = url!.split('/').at(-1)!.slice(0, -4);
    expect(links().check(id, NOW)).toEqual({ ok: true, ref: REF });
  });

  it('DingTalk without PUBLIC_BASE_URL: a permanent error, never a broken picture', () => {
    const pusher = createDingtalkPusher(axios.create(), 'http://127.0.0.1:9', () => NOW.getTime(), createChartImages(seeded.store, links()));
    expect(() => pusher.render(CHART)).toThrow(/PUBLIC_BASE_URL/);
  });
});

describe('chartUnderAlerts()', () => {
  const group = (over: Partial<Group>): Group =>
    ({ id: 'g1', name: '群', platform: 'wecom', follows: { regions: [], units: [] }, admins: [], allClear: false, ...over }) as Group;
  const input = (g: Group, alerts = 1, base?: string) => {
    const data = seeded.store.dataset();
    return {
      data,
      view: data.rounds[0]!,
      group: g,
      scope: { regions: ['35'], units: [] },
      alerts: Array.from({ length: alerts }, (_, i) => ({ key: `a${i}`, groupId: g.id, kind: 'alert' as const, reply: { title: 't', lines: [], mentions: [] } })),
      charts: createChartImages(seeded.store, links(base)),
      log: silentLogger,
      now: NOW,
      known: () => false,
    };
  };

  it('queues the ranking once per round for a group that opted in and got alerts', () => {
    const msg = chartUnderAlerts(input(group({ chart: true })));
    expect(msg).toMatchObject({ key: 'chart|2020Q1@35|g1', kind: 'alert', reply: { chart: REF } });
  });

  it('queues nothing for a group that did not opt in, got no alerts, or had it queued before', () => {
    expect(chartUnderAlerts(input(group({})))).toBeUndefined();
    expect(chartUnderAlerts(input(group({ chart: true }), 0))).toBeUndefined();
    expect(chartUnderAlerts({ ...input(group({ chart: true })), known: () => true })).toBeUndefined();
  });

  it('skips a DingTalk group while PUBLIC_BASE_URL is unset, and queues it once set', () => {
    const dt = group({ chart: true, platform: 'dingtalk' } as Partial<Group>);
    expect(chartUnderAlerts(input(dt))).toBeUndefined();
    expect(chartUnderAlerts(input(dt, 1, 'https://bot.example.gov.cn'))).toBeDefined();
  });
});
