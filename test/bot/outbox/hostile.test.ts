import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRound, createAlertListener } from '../../../bot/alerts/listener.ts';
import { Subscriptions } from '../../../bot/alerts/subscriptions.ts';
import { makeGroups } from '../../../bot/groups.ts';
import { ImportService } from '../../../bot/imports.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { Drain } from '../../../bot/outbox/drain.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { createDingtalkPusher } from '../../../bot/platforms/dingtalk/send.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/send.ts';
import type { Failure } from '../../../data/schema.ts';
import { LowStore } from '../../../data/store.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { FlakyProxy } from '../../fakes/flaky-proxy.ts';
import { FakeWecom } from '../../fakes/wecom.ts';
import { dingtalkGroup, failure, roundFile, settle, T0, wecomGroup } from '../../support/alert-world.ts';
import { FakeClock } from '../../support/clock.ts';
import { captureLog } from '../../support/log-capture.ts';

/**
 * The whole delivery path under fire: both fake platforms behind a network that fails a fifth of
 * requests, answers with rate-limit codes, goes down for five minutes; the bot is restarted in
 * the middle and the round imported again. Every alert must arrive, none twice, none over the rate.
 */
const regions: Array<[id: string, name: string]> = [
  ['350102', '鼓楼'],
  ['350121', '闽侯'],
  ['350203', '思明'],
  ['350502', '鲤城'],
  ['35-sz', '省直'],
  ['35-pt', '平潭'],
];
const failures: Failure[] = Array.from({ length: 600 }, (_, i) => {
  const [regionId, name] = regions[i % regions.length]!;
  const subject = `${name}第${String(i + 1).padStart(3, '0')}号网站`;
  return failure(subject, regionId, {
    unitName: `${name}某单位${i % 7}`,
    problem: '首页不更新：监测时间点前2周内首页无新增信息（单项否决）',
  });
});
const round = roundFile('2020Q1', failures);
const groups = makeGroups([
  wecomGroup('w-sheng', ['福建']),
  wecomGroup('w-fz', ['福州']),
  wecomGroup('w-sz', ['省直部门']),
  wecomGroup('w-pt', ['平潭']),
  dingtalkGroup('d-sheng', ['福建']),
  dingtalkGroup('d-xm', ['厦门']),
  dingtalkGroup('d-qz', ['泉州']),
  dingtalkGroup('d-gl', ['鼓楼']),
]);
/** Which failures each group must receive: its regions' subtrees. */
const expected: Record<string, string[]> = {
  'w-sheng': failures.map((f) => f.subject),
  'w-fz': failures.filter((f) => f.regionId.startsWith('3501')).map((f) => f.subject),
  'w-sz': failures.filter((f) => f.regionId === '35-sz').map((f) => f.subject),
  'w-pt': failures.filter((f) => f.regionId === '35-pt').map((f) => f.subject),
  'd-sheng': failures.map((f) => f.subject),
  'd-xm': failures.filter((f) => f.regionId === '350203').map((f) => f.subject),
  'd-qz': failures.filter((f) => f.regionId === '350502').map((f) => f.subject),
  'd-gl': failures.filter((f) => f.regionId === '350102').map((f) => f.subject),
};

/** A small deterministic generator (mulberry32), so every run meets the same hostility. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clock = new FakeClock(T0);
const random = seeded(5);
const http = axios.create({ timeout: 2000 });
const logged = captureLog();
let dir: string;
let wecom: FakeWecom;
let dingtalk: FakeDingtalk;
let wProxy: FlakyProxy;
let dProxy: FlakyProxy;

async function boot() {
  const store = await LowStore.open(dir);
  const outbox = await Outbox.open(dir);
  const subscriptions = await Subscriptions.open(dir, groups);
  const pushers = {
    wecom: createWecomPusher(http, wProxy.url),
    dingtalk: createDingtalkPusher(http, dProxy.url, () => clock.now()),
  };
  const drain = new Drain({ outbox, groups, pushers, clock, log: logged.log, random });
  const alertDeps = { store, groups, subscriptions, outbox, pushers, clock, log: silentLogger };
  const imports = new ImportService(store, silentLogger);
  imports.onImported(createAlertListener(alertDeps));
  await drain.start();
  return { store, outbox, drain, imports, alertDeps };
}

const robotOf = (id: string) => {
  const g = groups.byId(id)!;
  return g.robot && 'key' in g.robot ? g.robot.key : (g.robot as { accessToken: string }).accessToken;
};
const deliveredText = (id: string) => {
  const g = groups.byId(id)!;
  const bodies = g.platform === 'wecom' ? wecom.delivered(robotOf(id)) : dingtalk.delivered(robotOf(id));
  return bodies.map((b) => JSON.stringify(b));
};

let messages = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hostile-'));
  wecom = await FakeWecom.start({
    keys: groups.list.filter((g) => g.platform === 'wecom').map((g) => robotOf(g.id)),
    now: () => clock.now(),
  });
  dingtalk = await FakeDingtalk.start({
    robots: groups.list
      .filter((g) => g.platform === 'dingtalk')
      .map((g) => ({ accessToken: robotOf(g.id), secret: (g.robot as { secret: string }).secret })),
    now: () => clock.now(),
  });
  wProxy = await FlakyProxy.start(wecom.url, () => clock.now(), random);
  dProxy = await FlakyProxy.start(dingtalk.url, () => clock.now(), random);
  wProxy.fail(0.2);
  dProxy.fail(0.2);
  wecom.failNext(2, { errcode: 45009 });
  dingtalk.failNext(2, { errcode: 410100 });

  let bot = await boot();
  await bot.imports.apply({ newRegions: [], roundFile: round }, new Date(clock.now()));
  // Counted whatever the drain (already sending) has made of them by now.
  const queued = bot.outbox.stats();
  messages = queued.pending + queued.sending + queued.sent;
  const allSent = () => bot.outbox.stats().sent === messages;

  // A third through, both platforms become unreachable for five minutes.
  await settle(bot.drain, clock, () => bot.outbox.stats().sent >= messages / 3);
  await wProxy.down();
  await dProxy.down();
  const back = clock.now() + 5 * 60_000;
  await settle(bot.drain, clock, () => clock.now() >= back);
  await wProxy.up();
  await dProxy.up();

  // Two thirds through, the bot restarts; the round is imported again, and scanned again.
  await settle(bot.drain, clock, () => bot.outbox.stats().sent >= (2 * messages) / 3);
  await bot.drain.stop();
  bot = await boot();
  await bot.imports.apply({ newRegions: [], roundFile: round }, new Date(clock.now()));
  await alertRound(bot.alertDeps, round.round.key);
  expect(bot.outbox.stats().pending + bot.outbox.stats().sent).toBe(messages);

  await settle(bot.drain, clock, allSent, 100_000);
  expect(bot.outbox.stats()).toMatchObject({ dead: 0, pending: 0, sending: 0 });
  await bot.drain.stop();
}, 120_000);

afterAll(async () => {
  await wProxy.close();
  await dProxy.close();
  await wecom.close();
  await dingtalk.close();
  await rm(dir, { recursive: true, force: true });
});

describe('alerts through a hostile network and a restart', () => {
  it('met real hostility: refused requests, an outage and rate-limit codes', () => {
    expect(wProxy.refused + dProxy.refused).toBeGreaterThan(messages / 10);
    const retries = logged.lines.filter((l) => l.msg === 'outbox: send failed, will retry');
    expect(retries.some((l) => String(l.reason).includes('network error'))).toBe(true);
    expect(wecom.pushes.filter((p) => p.errcode === 45009)).toHaveLength(2);
    expect(dingtalk.pushes.filter((p) => p.errcode === 410100)).toHaveLength(2);
  });

  it.each(groups.list.map((g) => g.id))('delivers every failure to %s exactly once', (id) => {
    const text = deliveredText(id).join('\n');
    const counts = expected[id]!.map((subject) => text.split(`】${subject}：`).length - 1);
    expect(counts.every((n) => n === 1)).toBe(true);
    expect(text.split('号网站：').length - 1).toBe(expected[id]!.length);
  });

  it('sends each message once: deliveries equal queued messages', () => {
    const delivered = groups.list.reduce((n, g) => n + deliveredText(g.id).length, 0);
    expect(delivered).toBe(messages);
  });

  it('never exceeds 20 accepted messages per robot in any minute, and meets no rate limit it did not inject', () => {
    for (const proxy of [wProxy, dProxy]) {
      const byRobot = new Map<string, number[]>();
      for (const p of proxy.accepted()) byRobot.set(p.path, [...(byRobot.get(p.path) ?? []), p.at]);
      for (const times of byRobot.values()) {
        for (const t of times)
          expect(times.filter((x) => x >= t && x < t + 60_000).length).toBeLessThanOrEqual(20);
      }
    }
    expect(dingtalk.pushes.filter((p) => p.errcode === 130101)).toHaveLength(0);
  });
});
