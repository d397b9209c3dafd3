import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Subscriptions } from '../../../bot/alerts/subscriptions.ts';
import { type Group, makeGroups } from '../../../bot/groups.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { Drain } from '../../../bot/outbox/drain.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { createDingtalkPusher } from '../../../bot/platforms/dingtalk/send.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/send.ts';
import { runWarnings, type WarnDeps } from '../../../bot/probe/warn.ts';
import { FileProbeStore } from '../../../data/probe/store.ts';
import { LowStore } from '../../../data/store.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { FakeWecom } from '../../fakes/wecom.ts';
import { dingtalkGroup, settle, wecomGroup } from '../../support/alert-world.ts';
import { FakeClock } from '../../support/clock.ts';
import { reading, registerSites, week } from '../../support/probe-world.ts';

/**
 * The early warnings end to end on both platforms' fakes: the register's sites, the probe store
 * and the outbox on disk (reopened on "restart"), the real drain and pushers; time is an argument.
 * 福州群 (WeCom) follows 福州; 鼓楼群 (DingTalk) follows the unit 鼓楼区人民政府办公室.
 */
const t = (iso: string) => new Date(iso);
const groups: Group[] = [
  wecomGroup('fz', ['福州'], { name: '福州群' }),
  { ...dingtalkGroup('gl', [], { name: '鼓楼群' }), follows: { regions: [], units: ['鼓楼区人民政府办公室'] } } as Group,
];

let dir: string;
let store: LowStore;
let wecom: FakeWecom;
let dingtalk: FakeDingtalk;
let clock: FakeClock;
let outbox: Outbox;
let probes: FileProbeStore;
let drain: Drain;

async function open(): Promise<void> {
  outbox = await Outbox.open(dir);
  probes = await FileProbeStore.open(dir);
  const http = axios.create({ timeout: 2000 });
  drain = new Drain({
    outbox,
    groups: makeGroups(groups),
    pushers: {
      wecom: createWecomPusher(http, wecom.url),
      dingtalk: createDingtalkPusher(http, dingtalk.url, () => clock.now()),
    },
    clock,
    log: silentLogger,
    pace: { perMinute: 15 },
    random: () => 0.5,
  });
  await drain.start();
}

/** A restart: everything in memory dropped, reopened from the files. */
async function restart(): Promise<void> {
  await drain.stop();
  await outbox.close();
  await open();
}

async function evaluate(iso: string): Promise<number> {
  clock.advance(Math.max(0, Date.parse(iso) - clock.now()));
  const declared = makeGroups(groups);
  const deps: WarnDeps = {
    store,
    probes,
    groups: declared,
    scopeOf: (g, data) => subscriptions.scopeOf(g.id, data),
    outbox,
    perDay: 24,
    log: silentLogger,
  };
  const subscriptions = await Subscriptions.open(dir, declared);
  const scan = await runWarnings(deps, t(iso));
  await settle(drain, clock, () => outbox.stats().pending === 0 && outbox.stats().sending === 0);
  return scan.queued;
}

const wecomTexts = () =>
  wecom.delivered('key-fz').map((b) => (b as { markdown: { content: string } }).markdown.content);
const dingtalkBodies = () =>
  dingtalk.delivered('token-gl') as Array<{ markdown: { text: string }; at?: { atMobiles?: string[] } }>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'probe-warn-'));
  clock = new FakeClock(Date.parse('2024-05-10T09:00:00+08:00'));
  wecom = await FakeWecom.start({ keys: ['key-fz'] });
  dingtalk = await FakeDingtalk.start({ robots: [{ accessToken: 'token-gl', secret: 'SEC-gl' }], now: () => clock.now() });
  store = await LowStore.open(dir);
  await registerSites(store);
  await open();
});
afterEach(async () => {
  await drain.stop();
  await outbox.close();
  await store.close();
  await wecom.close();
  await dingtalk.close();
  await rm(dir, { recursive: true, force: true });
});

describe('runWarnings() on the fake platforms', () => {
  it("warns the unit's groups before the homepage veto trips, once, and again only when it trips", async () => {
    // 鼓楼区人民政府网: available all week; the homepage's newest item is of 2024-05-01.
    week(probes, 's-gl', t('2024-05-10T09:00:00+08:00'), 0);
    const homepageOf0501 = (iso: string) => probes.setReading('s-gl', reading(t(iso), daysSince0501(iso)));
    homepageOf0501('2024-05-10T09:00:00+08:00');
    expect(await evaluate('2024-05-10T09:00:00+08:00')).toBe(0); // 9 days: nothing to say

    homepageOf0501('2024-05-11T08:00:00+08:00');
    expect(await evaluate('2024-05-11T09:00:00+08:00')).toBe(2); // 10 of 14 days: one message per group
    expect(wecomTexts()).toHaveLength(1);
    expect(wecomTexts()[0]).toContain('站点监测预警：1项');
    expect(wecomTexts()[0]).toContain(
      '1. 鼓楼区人民政府网（鼓楼区人民政府办公室）【预警】首页不更新：已10天未更新，再过4天将触发单项否决',
    );
    // The unit's contact, @-mentioned in each platform's own form.
    expect(wecom.notified('key-fz')).toEqual([{ userid: 'lisi' }]);
    expect(dingtalkBodies()).toHaveLength(1);
    expect(dingtalkBodies()[0]!.markdown.text).toContain('再过4天将触发单项否决');
    expect(dingtalkBodies()[0]!.at?.atMobiles).toEqual(['13800000002']);

    // The same day again, after a restart, and the next days while nothing changes: nothing.
    expect(await evaluate('2024-05-11T09:15:00+08:00')).toBe(0);
    await restart();
    expect(await evaluate('2024-05-11T10:00:00+08:00')).toBe(0);
    homepageOf0501('2024-05-13T08:00:00+08:00');
    expect(await evaluate('2024-05-13T09:00:00+08:00')).toBe(0);
    expect(wecomTexts()).toHaveLength(1);

    // The veto trips (14 days): told once more, marked.
    homepageOf0501('2024-05-15T08:00:00+08:00');
    expect(await evaluate('2024-05-15T09:00:00+08:00')).toBe(2);
    expect(wecomTexts()[1]).toContain('鼓楼区人民政府网（鼓楼区人民政府办公室）【已达否决】首页不更新：已14天未更新，已达单项否决（满14天）');
    await restart();
    expect(await evaluate('2024-05-15T12:00:00+08:00')).toBe(0);
    expect(wecomTexts()).toHaveLength(2);
    expect(dingtalkBodies()).toHaveLength(2);
  });

  it('announces a recovery once, without @-mentioning anyone', async () => {
    week(probes, 's-gl', t('2024-05-11T09:00:00+08:00'), 0);
    probes.setReading('s-gl', reading(t('2024-05-11T08:00:00+08:00'), 11));
    expect(await evaluate('2024-05-11T09:00:00+08:00')).toBe(2);

    probes.setReading('s-gl', reading(t('2024-05-12T08:00:00+08:00'), 0));
    expect(await evaluate('2024-05-12T09:00:00+08:00')).toBe(2);
    expect(wecomTexts()[1]).toBe('**站点监测：1项已恢复正常**\n鼓楼区人民政府网：首页不更新已恢复正常');
    expect(wecom.notified('key-fz')).toEqual([{ userid: 'lisi' }]); // the warning's only
    await restart();
    expect(await evaluate('2024-05-12T10:00:00+08:00')).toBe(0);
    expect(await evaluate('2024-05-13T10:00:00+08:00')).toBe(0);
    expect(wecomTexts()).toHaveLength(2);
  });

  it('stays quiet when a veto eases to a warning, and tells a veto that trips again', async () => {
    week(probes, 's-gl', t('2024-05-15T09:00:00+08:00'), 0);
    probes.setReading('s-gl', reading(t('2024-05-15T08:00:00+08:00'), 14));
    expect(await evaluate('2024-05-15T09:00:00+08:00')).toBe(2);
    probes.setReading('s-gl', reading(t('2024-05-16T08:00:00+08:00'), 11));
    expect(await evaluate('2024-05-16T09:00:00+08:00')).toBe(0);
    probes.setReading('s-gl', reading(t('2024-05-19T08:00:00+08:00'), 14));
    expect(await evaluate('2024-05-19T09:00:00+08:00')).toBe(2);
    expect(wecomTexts().map((x) => x.includes('【已达否决】首页不更新：已14天未更新'))).toEqual([true, true]);
  });

  it("tells the availability budget in the issue's words, to the group following the region only", async () => {
    // 5 failures in the last 6 days of 24 tries: 168 tries expected this week, 9 trip it.
    week(probes, 's-fz', t('2024-05-15T10:00:00+08:00'), 5);
    probes.setReading('s-fz', reading(t('2024-05-15T08:00:00+08:00'), 1));
    expect(await evaluate('2024-05-15T10:00:00+08:00')).toBe(1);
    expect(wecomTexts()[0]).toContain(
      '1. 福州市人民政府网（福州市人民政府办公厅）【预警】站点无法访问：本周已失败5次，再失败4次将触发单项否决',
    );
    // 张三 has a WeCom id; 无账号 has nothing an @ could reach.
    expect(wecom.notified('key-fz')).toEqual([{ userid: 'zhangsan' }]);
    expect(dingtalkBodies()).toHaveLength(0);
  });
});

function daysSince0501(iso: string): number {
  const shanghai = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
  return Math.round((Date.parse(shanghai) - Date.parse('2024-05-01')) / 86_400_000);
}
