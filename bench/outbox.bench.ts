import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { alertRound } from '../bot/alerts/listener.ts';
import { Subscriptions } from '../bot/alerts/subscriptions.ts';
import { type Group, makeGroups } from '../bot/groups.ts';
import { silentLogger } from '../bot/logger.ts';
import { uniqueContacts } from '../bot/outbox/digest.ts';
import { Drain } from '../bot/outbox/drain.ts';
import { DEFAULT_PER_MINUTE } from '../bot/outbox/pace.ts';
import { RATE_LIMIT_CODES } from '../bot/outbox/plan.ts';
import { Outbox } from '../bot/outbox/queue.ts';
import { mentions as dingtalkMentions, jsonBytes } from '../bot/platforms/dingtalk/encode.ts';
import { createDingtalkPusher } from '../bot/platforms/dingtalk/send.ts';
import type { Pusher } from '../bot/platforms/platform.ts';
import { utf8Bytes } from '../bot/platforms/platform.ts';
import { markdownContent } from '../bot/platforms/wecom/encode.ts';
import { createWecomPusher } from '../bot/platforms/wecom/send.ts';
import type { Reply } from '../handlers/reply.ts';
import { FakeDingtalk } from '../test/fakes/dingtalk.ts';
import { FlakyProxy } from '../test/fakes/flaky-proxy.ts';
import { FakeWecom } from '../test/fakes/wecom.ts';
import {
  dataset,
  dingtalkGroup,
  failure,
  roundFile,
  settle,
  T0,
  wecomGroup,
} from '../test/support/alert-world.ts';
import { FakeClock } from '../test/support/clock.ts';
import { fmt, machine, timeMs, writeSection } from './lib.ts';

/**
 * Mass failure (issue 5): 2,000 failed items in 10 regions of 200, each region followed by one
 * WeCom and one DingTalk group (20 groups), against the fake platforms on a virtual clock (an
 * hour of rate-limited sending takes seconds). Measured: messages sent against the lower bound
 * (per group, its content's bytes ÷ the byte limit, rounded up), drain time against the rate-limit
 * lower bound, rate-limit errors received, items lost or duplicated; once on a clean network and
 * once with 10 % of requests failing.
 */
const ITEMS = 2000;
const regionIds = [
  '350102',
  '350203',
  '350302',
  '350404',
  '350502',
  '350602',
  '350702',
  '350802',
  '350902',
  '35-sz',
];
const failures = Array.from({ length: ITEMS }, (_, i) => {
  const regionId = regionIds[i % regionIds.length]!;
  return failure(`第${String(i + 1).padStart(4, '0')}号政府网站`, regionId, {
    unitName: `第${(i % 400) + 1}号单位`,
    problem: '栏目不更新：动态要闻类栏目超过2周未更新且累计≥5个（单项否决）',
  });
});
const units = Array.from({ length: 400 }, (_, u) => ({
  id: `u${u + 1}`,
  name: `第${u + 1}号单位`,
  aliases: [],
  contacts: [
    { name: `联系人${u + 1}`, mobile: `138${String(u + 1).padStart(8, '0')}`, wecomUserId: `user${u + 1}` },
  ],
}));
const data = dataset([roundFile('2020Q1', failures)], units);
type Scenario = 'regions' | 'province';
/** Scenario `regions`: group pair i follows region i (200 items each); `province`: all follow 福建省. */
const followed = (scenario: Scenario, g: Group) =>
  scenario === 'province' ? '35' : regionIds[Number(g.id.slice(1))]!;
function groupsFor(scenario: Scenario) {
  const name = (i: number) => data.regions.get(followed(scenario, { id: `w${i}` } as Group))!.name;
  return makeGroups(
    regionIds.flatMap((_, i) => [wecomGroup(`w${i}`, [name(i)]), dingtalkGroup(`d${i}`, [name(i)])]),
  );
}
const credential = (g: Group) =>
  g.robot && 'key' in g.robot ? g.robot.key : (g.robot as { accessToken: string }).accessToken;

/** Bytes the platform would count for the group's whole content in one unlimited message. */
function wholeBytes(platform: Group['platform'], reply: Reply): number {
  if (platform === 'wecom') return utf8Bytes(markdownContent(reply, Number.MAX_SAFE_INTEGER));
  const { at, words } = dingtalkMentions(reply.mentions);
  const text =
    [`#### ${reply.title}`, ...reply.lines.filter((l) => l !== '')].join('\n\n') +
    (words.length > 0 ? `\n\n${words.join(' ')}` : '');
  return jsonBytes({ msgtype: 'markdown', markdown: { title: reply.title, text }, at });
}

interface Outcome {
  platform: Group['platform'];
  messages: number;
  lowerBound: number;
  drainMs: number;
  boundAtLimitMs: number;
  boundAtPaceMs: number;
  rateLimited: number;
  lost: number;
  duplicated: number;
  refused: number;
}

async function run(
  scenario: Scenario,
  failShare: number,
): Promise<{ outcomes: Outcome[]; wallMs: number; composeMs: number }> {
  const groups = groupsFor(scenario);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-outbox-'));
  const clock = new FakeClock(T0);
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const wecom = await FakeWecom.start({
    keys: groups.list.filter((g) => g.platform === 'wecom').map(credential),
    now: () => clock.now(),
  });
  const dingtalk = await FakeDingtalk.start({
    robots: groups.list
      .filter((g) => g.platform === 'dingtalk')
      .map((g) => ({ accessToken: credential(g), secret: (g.robot as { secret: string }).secret })),
    now: () => clock.now(),
  });
  const proxies = {
    wecom: await FlakyProxy.start(wecom.url, () => clock.now(), random),
    dingtalk: await FlakyProxy.start(dingtalk.url, () => clock.now(), random),
  };
  proxies.wecom.fail(failShare);
  proxies.dingtalk.fail(failShare);
  const http = axios.create({ timeout: 5000 });
  const pushers: Record<Group['platform'], Pusher> = {
    wecom: createWecomPusher(http, proxies.wecom.url),
    dingtalk: createDingtalkPusher(http, proxies.dingtalk.url, () => clock.now()),
  };
  const outbox = await Outbox.open(dir);
  const subscriptions = await Subscriptions.open(dir, groups);
  const drain = new Drain({
    outbox,
    groups,
    pushers,
    clock,
    log: silentLogger,
    pace: { perMinute: DEFAULT_PER_MINUTE },
    random,
  });
  await drain.start();
  const deps = {
    store: { dataset: () => data },
    groups,
    subscriptions,
    outbox,
    pushers,
    clock,
    log: silentLogger,
  };
  const composeMs = await timeMs(() => alertRound(deps, '2020Q1@35'));
  const total = outbox.stats().pending;
  const wallMs = await timeMs(() => settle(drain, clock, () => outbox.stats().sent === total, 1_000_000));
  await drain.stop();

  const outcomes: Outcome[] = [];
  for (const platform of ['wecom', 'dingtalk'] as const) {
    const fake = platform === 'wecom' ? wecom : dingtalk;
    const o: Outcome = {
      platform,
      messages: 0,
      lowerBound: 0,
      drainMs: 0,
      boundAtLimitMs: 0,
      boundAtPaceMs: 0,
      rateLimited: 0,
      lost: 0,
      duplicated: 0,
      refused: proxies[platform].refused,
    };
    for (const g of groups.list.filter((x) => x.platform === platform)) {
      const sentTimes = outbox.sentSince(g.id, 0);
      const delivered = fake.delivered(credential(g)).map((b) => JSON.stringify(b));
      o.messages += delivered.length;
      const mine = failures.filter((f) => data.regions.within(f.regionId, followed(scenario, g)));
      const lines = mine.map((f) => `】${f.subject}：`);
      // Lower bound on messages: the group's whole content (items and mentions) ÷ the limit.
      o.lowerBound += Math.ceil(wholeBytes(platform, alertWhole(mine)) / pushers[platform].maxBytes);
      const text = delivered.join('\n');
      for (const l of lines) {
        const n = text.split(l).length - 1;
        if (n === 0) o.lost++;
        if (n > 1) o.duplicated += n - 1;
      }
      const m = delivered.length;
      o.boundAtLimitMs = Math.max(o.boundAtLimitMs, (Math.ceil(m / 20) - 1) * 60_000);
      o.boundAtPaceMs = Math.max(o.boundAtPaceMs, (Math.ceil(m / DEFAULT_PER_MINUTE) - 1) * 60_000);
      o.drainMs = Math.max(o.drainMs, Math.max(T0, ...sentTimes) - T0);
    }
    o.rateLimited = fake.pushes.filter((p) => RATE_LIMIT_CODES.has(p.errcode)).length;
    outcomes.push(o);
  }
  await proxies.wecom.close();
  await proxies.dingtalk.close();
  await wecom.close();
  await dingtalk.close();
  await rm(dir, { recursive: true, force: true });
  return { outcomes, wallMs, composeMs };
}

/** The group's items in one reply, as the alert composes them, for the byte lower bound. */
function alertWhole(mine: typeof failures): Reply {
  const mentions = uniqueContacts(mine.flatMap((f) => data.unit(f.unitName!)?.contacts ?? []));
  return {
    title: `【检查结果】2020年第一季度本群关注范围内${mine.length}项不合格`,
    lines: mine.map(
      (f, i) =>
        `${i + 1}. 【网站】${f.subject}：${f.problem.replace('（单项否决）', '')}（单项否决）（责任单位：${f.unitName}）`,
    ),
    mentions,
  };
}

const min = (ms: number) => `${fmt(ms / 60_000, 1)} min`;
const rows: string[] = [];
for (const [label, scenario, share] of [
  ['each group its region (200 items)', 'regions', 0],
  ['each group its region, 10 % of requests fail', 'regions', 0.1],
  ['every group the province (2,000 items)', 'province', 0],
  ['every group the province, 10 % of requests fail', 'province', 0.1],
] as const) {
  const r = await run(scenario, share);
  for (const o of r.outcomes) {
    const name = o.platform === 'wecom' ? 'WeCom' : 'DingTalk';
    rows.push(
      `| ${label} | ${name} | ${o.messages} | ${o.lowerBound} | ${fmt(o.messages / o.lowerBound)}× | ${min(o.drainMs)} | ${min(o.boundAtLimitMs)} / ${min(o.boundAtPaceMs)} | ${o.rateLimited} | ${o.lost} / ${o.duplicated} | ${o.refused} |`,
    );
  }
  rows.push(
    `| ${label} | (run) | | | | wall ${fmt(r.wallMs / 1000, 1)} s | queueing the alerts: ${fmt(r.composeMs, 0)} ms | | | |`,
  );
  console.log(label, r.outcomes, `compose ${fmt(r.composeMs)} ms, wall ${fmt(r.wallMs)} ms`);
}

await writeSection(
  'outbox',
  `## Alerts and the outbox: mass failure (bench/outbox.bench.ts)

${ITEMS} failed items in 10 regions, 20 groups (10 WeCom, 10 DingTalk, each with its own robot); every item
@-mentions its unit's contact. Either each WeCom/DingTalk pair follows one region (200 items per group), or
every group follows the province (2,000 items per group). Fake platforms on 127.0.0.1 with their real limits
(20/min per robot; WeCom markdown 4,096 B, DingTalk body 20,000 B), a virtual clock, pace ${DEFAULT_PER_MINUTE}/min
per robot. ${machine()}.

| Scenario | Platform | Messages | Lower bound (bytes ÷ limit, per group) | Ratio | Drain time (virtual) | Rate-limit bound at 20/min / at pace ${DEFAULT_PER_MINUTE}/min | Rate-limit errors | Lost / duplicated items | Requests failed by the network |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Drain time is the longest robot's, from queueing to its last accepted message. The rate-limit bound is
(⌈messages ÷ per-minute⌉ − 1) minutes for the busiest robot; robots drain in parallel.`,
);
