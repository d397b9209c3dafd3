import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../../../bot/groups.ts';
import { systemClock } from '../../../../bot/outbox/clock.ts';
import { Drain } from '../../../../bot/outbox/drain.ts';
import { Outbox } from '../../../../bot/outbox/queue.ts';
import { type DingtalkMessage, decodeMessage } from '../../../../bot/platforms/dingtalk/decode.ts';
import { createDingtalkPusher, sessionChannel } from '../../../../bot/platforms/dingtalk/send.ts';
import { createResponder } from '../../../../bot/respond.ts';
import { replyKey } from '../../../../bot/platforms/late-reply.ts';
import { LowStore } from '../../../../data/store.ts';
import { FakeDingtalk } from '../../../fakes/dingtalk.ts';
import { dingtalkGroup } from '../../../support/alert-world.ts';
import { captureLog } from '../../../support/log-capture.ts';
import { http } from './helpers.ts';

/**
 * An answer the session webhook cannot carry (expired, refused, failing) reaches the group
 * through its custom robot, via the real outbox and drain, pushing to the fake DingTalk.
 */
const groups = makeGroups([
  dingtalkGroup('fuzhou', ['福州'], {
    conversationId: 'cidFUZHOU',
    robot: { accessToken: 'token-fz', secret: 'SEC-fz' },
  }),
]);

let fake: FakeDingtalk;
let dir: string;
let outbox: Outbox;
let drain: Drain;
let capture: ReturnType<typeof captureLog>;
let store: LowStore;

beforeAll(async () => {
  fake = await FakeDingtalk.start({ robots: [{ accessToken: 'token-fz', secret: 'SEC-fz' }] });
});
afterAll(() => fake.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dingtalk-late-'));
  store = await LowStore.open(dir);
  outbox = await Outbox.open(dir);
  capture = captureLog();
  drain = new Drain({
    outbox,
    groups,
    pushers: { dingtalk: createDingtalkPusher(http, fake.url) },
    clock: systemClock,
    log: capture.log,
  });
  await drain.start();
  fake.pushes.length = 0;
  fake.sessionPosts.length = 0;
});
afterEach(async () => {
  await drain.stop();
  await rm(dir, { recursive: true, force: true });
});

/** What POST /dingtalk and the Stream both do with a decoded message: respond() through its session webhook. */
const answerer = () => {
  const responder = createResponder({
    pipeline: { store, log: capture.log, now: () => new Date() },
    log: capture.log,
    groups,
    replies: outbox,
  });
  return {
    accept: (msg: DingtalkMessage) => responder.accept(msg.inbound, sessionChannel(http, fake.url, msg)),
    idle: () => responder.idle(),
  };
};

const robotMarkdown = () =>
  fake.delivered('token-fz') as Array<{ markdown: { text: string }; at: { atUserIds?: string[] } }>;

describe('a DingTalk answer the session webhook cannot carry', () => {
  it('arrives through the group robot, @-mentioning the asker, when the sessionWebhook expired', async () => {
    const a = answerer();
    a.accept(
      decodeMessage(fake.robotMessage({ content: '/help', msgId: 'dt-expired', sessionTtlMs: -1 }), groups)!,
    );
    await a.idle();
    await fake.waitFor('the robot push', () => robotMarkdown().length === 1);
    expect(robotMarkdown()[0]!.markdown.text).toContain('/rate');
    expect(robotMarkdown()[0]!.at.atUserIds).toEqual(['zhangsan']);
    expect(fake.sessionPosts).toEqual([]);
    await drain.idle();
    expect(outbox.get(replyKey('dingtalk', 'dt-expired'))).toMatchObject({ status: 'sent', kind: 'reply' });
  });

  it('arrives through the group robot when DingTalk refuses a sessionWebhook the bot thought alive', async () => {
    const a = answerer();
    const msg = decodeMessage(
      fake.robotMessage({ content: '/help', msgId: 'dt-refused', sessionTtlMs: -1 }),
      groups,
    )!;
    msg.session!.expiresAt = Date.now() + 3600_000; // the clocks disagree
    a.accept(msg);
    await a.idle();
    await fake.waitFor('the robot push', () => robotMarkdown().length === 1);
    expect(fake.sessionPosts.map((p) => p.errcode)).toEqual([300005]);
  });

  it('arrives through the group robot when the sessionWebhook answers HTTP 500', async () => {
    const a = answerer();
    fake.failSessionNext(1);
    a.accept(decodeMessage(fake.robotMessage({ content: '/help', msgId: 'dt-500' }), groups)!);
    await a.idle();
    await fake.waitFor('the robot push', () => robotMarkdown().length === 1);
    expect(fake.answers('cidFUZHOU')).toEqual([]);
  });

  it('is queued and pushed once when DingTalk redelivers the message', async () => {
    const a = answerer();
    const body = fake.robotMessage({ content: '/help', msgId: 'dt-redelivered', sessionTtlMs: -1 });
    a.accept(decodeMessage(body, groups)!);
    a.accept(decodeMessage(body, groups)!);
    await a.idle();
    a.accept(decodeMessage(body, groups)!);
    await a.idle();
    await fake.waitFor('the robot push', () => robotMarkdown().length === 1);
    await drain.idle();
    expect(outbox.stats()).toMatchObject({ pending: 0, sending: 0, sent: 1, dead: 0 });
    expect(robotMarkdown()).toHaveLength(1);
  });

  it('is dropped with one warning naming the conversation when it is not a declared group', async () => {
    const a = answerer();
    const body = fake.robotMessage({
      content: '/help',
      msgId: 'dt-undeclared',
      conversationId: 'cidUNKNOWN',
      sessionTtlMs: -1,
    });
    a.accept(decodeMessage(body, groups)!);
    await a.idle();
    expect(outbox.stats()).toMatchObject({ pending: 0, sending: 0, sent: 0, dead: 0 });
    const warnings = capture.lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      platform: 'dingtalk',
      msgId: 'dt-undeclared',
      conversationId: 'cidUNKNOWN',
    });
    expect(fake.pushes).toEqual([]);
  });
});

describe('a DingTalk answer echoing a 58 KB region name', () => {
  it('reaches the group through the robot within the byte limit, never as a dead letter', async () => {
    const a = answerer();
    const name = '福'.repeat(19_800); // 59,400 bytes of region name in the command
    a.accept(
      decodeMessage(
        fake.robotMessage({ content: `/rate ${name}`, msgId: 'dt-58k', sessionTtlMs: -1 }),
        groups,
      )!,
    );
    await a.idle();
    await fake.waitFor('the robot push', () => robotMarkdown().length === 1);
    await drain.idle();
    expect(outbox.get(replyKey('dingtalk', 'dt-58k'))).toMatchObject({ status: 'sent' });
    expect(Buffer.byteLength(JSON.stringify(robotMarkdown()[0]))).toBeLessThanOrEqual(20_000);
  });

  it('is answered at the session webhook within the byte limit', async () => {
    const a = answerer();
    const name = '福'.repeat(19_800);
    a.accept(
      decodeMessage(fake.robotMessage({ content: `/rate ${name}`, msgId: 'dt-58k-session' }), groups)!,
    );
    await a.idle();
    expect(fake.sessionPosts.map((p) => p.errcode)).toEqual([0]);
    expect(outbox.get(replyKey('dingtalk', 'dt-58k-session'))).toBeUndefined();
  });
});
