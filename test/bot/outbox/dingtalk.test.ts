import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../../bot/groups.ts';
import { Drain } from '../../../bot/outbox/drain.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { createDingtalkPusher } from '../../../bot/platforms/dingtalk/send.ts';
import { reply } from '../../../handlers/reply.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { dingtalkGroup, settle, T0 } from '../../support/alert-world.ts';
import { FakeClock } from '../../support/clock.ts';
import { silentLogger } from '../../../bot/logger.ts';

const group = dingtalkGroup('dd', []);
let dir: string;
let clock: FakeClock;
let fake: FakeDingtalk;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'drain-dingtalk-'));
  clock = new FakeClock(T0);
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('outbox Drain against a DingTalk robot', () => {
  it.each([410100, 130101])(
    'rides out a 10-minute block (errcode %i) when paced above the limit, delivering everything once',
    async (throttleErrcode) => {
      fake = await FakeDingtalk.start({
        robots: [{ accessToken: 'token-dd', secret: 'SEC-dd' }],
        throttleErrcode,
        now: () => clock.now(),
      });
      const outbox = await Outbox.open(dir);
      const pusher = createDingtalkPusher(axios.create({ timeout: 2000 }), fake.url, () => clock.now());
      // Misconfigured on purpose: 25 a minute where DingTalk allows 20.
      const drain = new Drain({
        outbox,
        groups: makeGroups([group]),
        pushers: { dingtalk: pusher },
        clock,
        log: silentLogger,
        pace: { perMinute: 25 },
        random: () => 0.5,
      });
      await drain.start();
      const n = 30;
      await outbox.enqueueAll(
        Array.from({ length: n }, (_, i) => ({
          key: `m${i}`,
          groupId: 'dd',
          kind: 'alert' as const,
          reply: reply(`消息${i}`),
        })),
        new Date(T0),
      );
      await settle(drain, clock, () => outbox.stats().sent === n);
      await drain.stop();
      const throttled = fake.pushes.filter((p) => p.errcode === throttleErrcode);
      expect(throttled.length).toBeGreaterThan(0);
      expect(fake.delivered('token-dd')).toHaveLength(n);
      const texts = fake.delivered('token-dd').map((b) => JSON.stringify(b));
      expect(new Set(texts).size).toBe(n);
      // Each retry during the block waited at least a minute, so the block was met a few times only.
      expect(throttled.length).toBeLessThanOrEqual(5);
      expect(clock.now() - T0).toBeGreaterThanOrEqual(10 * 60_000);
    },
  );

  it('dead-letters messages to a robot whose signing secret is wrong (310000), once each', async () => {
    fake = await FakeDingtalk.start({
      robots: [{ accessToken: 'token-dd', secret: 'SEC-rotated' }],
      now: () => clock.now(),
    });
    const outbox = await Outbox.open(dir);
    const pusher = createDingtalkPusher(axios.create({ timeout: 2000 }), fake.url, () => clock.now());
    const drain = new Drain({
      outbox,
      groups: makeGroups([group]),
      pushers: { dingtalk: pusher },
      clock,
      log: silentLogger,
    });
    await drain.start();
    await outbox.enqueueAll(
      [1, 2].map((i) => ({ key: `m${i}`, groupId: 'dd', kind: 'alert' as const, reply: reply(`消息${i}`) })),
      new Date(T0),
    );
    await settle(drain, clock, () => outbox.stats().dead === 2);
    await drain.stop();
    expect(outbox.deadLetters().map((e) => e.dead?.errcode)).toEqual([310000, 310000]);
    expect(fake.pushes).toHaveLength(2);
    expect(outbox.get('m1')?.dead?.reason).not.toContain('SEC-');
  });
});
