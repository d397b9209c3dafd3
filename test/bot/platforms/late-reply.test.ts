import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../../bot/groups.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import type { Inbound } from '../../../bot/pipeline.ts';
import { queueLateReply, replyKey } from '../../../bot/platforms/late-reply.ts';
import { reply } from '../../../handlers/reply.ts';
import { resentNote } from '../../../handlers/text.ts';
import { dingtalkGroup, wecomGroup } from '../../support/alert-world.ts';
import { captureLog } from '../../support/log-capture.ts';

/** Late command answers (an expired or refused reply channel) go to the group robot through the outbox. */
const groups = makeGroups([
  wecomGroup('fz', ['福州'], { chatId: 'wrFUZHOU' }),
  wecomGroup('pt', ['平潭'], { chatId: 'wrPINGTAN', robot: undefined }),
  dingtalkGroup('xm', ['厦门'], { conversationId: 'cidXIAMEN' }),
]);
const now = new Date('2020-04-14T10:00:00+08:00');
const answer = reply('福州市 2020年第一季度检查情况', ['政府网站：运行39个，检查39个，不合格0个']);
const asked = (over: Partial<Inbound> = {}): Inbound => ({
  platform: 'wecom',
  msgId: 'm-1',
  text: '/rate 福州',
  sender: { platform: 'wecom', wecomUserId: 'zhangsan' },
  conversationId: 'wrFUZHOU',
  ...over,
});

let dir: string;
let outbox: Outbox;
let capture: ReturnType<typeof captureLog>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'late-reply-'));
  outbox = await Outbox.open(dir);
  capture = captureLog();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const deps = () => ({ replies: outbox, groups, log: capture.log });
const warnings = () => capture.lines.filter((l) => l.level === 40);

describe('queueLateReply()', () => {
  it("queues the answer for the conversation's group robot, @-mentioning the asker", async () => {
    expect(await queueLateReply(deps(), 'wecom', asked(), answer, { why: 'response_url expired' }, now)).toBe(
      'queued',
    );
    expect(outbox.get(replyKey('wecom', 'm-1'))).toMatchObject({
      groupId: 'fz',
      kind: 'reply',
      status: 'pending',
      reply: { title: answer.title, lines: answer.lines, mentions: [{ wecomUserId: 'zhangsan' }] },
    });
  });

  it('queues one message per platform and msgId, however often it is asked', async () => {
    const outcomes = [
      await queueLateReply(deps(), 'wecom', asked(), answer, { why: 'no response_url' }, now),
      await queueLateReply(deps(), 'wecom', asked(), answer, { why: 'no response_url' }, now),
    ];
    expect(outcomes).toEqual(['queued', 'queued before']);
    expect(outbox.stats().pending).toBe(1);
  });

  it('mentions a DingTalk asker by userId and adds the re-send note when the first try may have arrived', async () => {
    const inbound = asked({
      platform: 'dingtalk',
      sender: { platform: 'dingtalk', dingtalkUserId: 'lisi' },
      conversationId: 'cidXIAMEN',
    });
    const why = { why: 'sessionWebhook failed: timeout', uncertain: true };
    await queueLateReply(deps(), 'dingtalk', inbound, answer, why, now);
    expect(outbox.get(replyKey('dingtalk', 'm-1'))?.reply).toEqual({
      title: answer.title,
      lines: [...answer.lines, resentNote],
      mentions: [{ dingtalkUserId: 'lisi' }],
    });
  });

  it('drops the answer of an undeclared conversation with one warning naming it', async () => {
    const outcome = await queueLateReply(
      deps(),
      'wecom',
      asked({ conversationId: 'wrUNKNOWN' }),
      answer,
      { why: 'no response_url' },
      now,
    );
    expect(outcome).toBe('dropped');
    expect(outbox.stats().pending).toBe(0);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({
      conversationId: 'wrUNKNOWN',
      msgId: 'm-1',
      why: 'no response_url',
    });
  });

  it('drops the answer of a direct chat (no conversation) and of a declared group without a robot', async () => {
    const direct = asked();
    delete direct.conversationId;
    expect(await queueLateReply(deps(), 'wecom', direct, answer, { why: 'no response_url' }, now)).toBe(
      'dropped',
    );
    const pingtan = asked({ msgId: 'm-2', conversationId: 'wrPINGTAN' });
    expect(await queueLateReply(deps(), 'wecom', pingtan, answer, { why: 'no response_url' }, now)).toBe(
      'dropped',
    );
    expect(outbox.stats().pending).toBe(0);
    expect(warnings().map((w) => w.groupId)).toEqual([undefined, 'pt']);
  });

  it('drops the answer with a warning when no outbox is wired', async () => {
    const outcome = await queueLateReply(
      { groups, log: capture.log },
      'wecom',
      asked(),
      answer,
      { why: 'no response_url' },
      now,
    );
    expect(outcome).toBe('dropped');
    expect(warnings()).toHaveLength(1);
  });
});
