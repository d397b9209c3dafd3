import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../bot/groups.ts';
import { Outbox } from '../../bot/outbox/queue.ts';
import type { Inbound, PipelineDeps } from '../../bot/pipeline.ts';
import { replyKey } from '../../bot/platforms/late-reply.ts';
import { answerInbound, ChannelClosed, createResponder, type ReplyChannel } from '../../bot/respond.ts';
import type { Reply } from '../../handlers/reply.ts';
import { resentNote, t } from '../../handlers/text.ts';
import { wecomGroup } from '../support/alert-world.ts';
import { captureLog } from '../support/log-capture.ts';
import { openSeededStore } from '../support/seeded-store.ts';

const NOW = new Date('2020-04-14T10:00:00+08:00');
const groups = makeGroups([wecomGroup('fz', ['福州'], { chatId: 'wrFUZHOU' })]);
let seeded: Awaited<ReturnType<typeof openSeededStore>>;
let dir: string;
let outbox: Outbox;
let capture: ReturnType<typeof captureLog>;
beforeEach(async () => {
  seeded = await openSeededStore();
  dir = await mkdtemp(path.join(os.tmpdir(), 'respond-'));
  outbox = await Outbox.open(dir);
  capture = captureLog();
});
afterEach(async () => {
  await seeded.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const inbound = (msgId: string, text: string, over: Partial<Inbound> = {}): Inbound => ({
  platform: 'wecom',
  msgId,
  text,
  sender: { platform: 'wecom', wecomUserId: 'zhangsan' },
  conversationId: 'wrFUZHOU',
  groupId: 'fz',
  ...over,
});

/** A reply channel that records what it carried, or fails the way it is told to. */
function channel(fail?: Error): ReplyChannel & { carried: Reply[] } {
  const carried: Reply[] = [];
  return {
    name: 'test channel',
    carried,
    async send(answer) {
      if (fail) throw fail;
      carried.push(answer);
    },
  };
}

function responder(o: { slowMs?: number; maxInFlight?: number } = {}) {
  const pipeline: PipelineDeps = { store: seeded.store, log: capture.log, now: () => NOW };
  return createResponder({
    pipeline,
    groups,
    log: capture.log,
    replies: outbox,
    ...(o.maxInFlight ? { maxInFlight: o.maxInFlight } : {}),
    ...(o.slowMs
      ? {
          answer: async (deps: PipelineDeps, msg: Inbound) => {
            await new Promise((r) => setTimeout(r, o.slowMs));
            return answerInbound(deps, msg);
          },
        }
      : {}),
  });
}

describe('respond(inbound, channel)', () => {
  it('answers a new message through its own channel', async () => {
    const c = channel();
    expect(await responder().respond(inbound('m1', '/rate 福州'), c)).toBe('answered');
    expect(c.carried.map((r) => r.title)).toEqual(['【示例数据】福州市 2020年第一季度检查情况']);
  });

  it('answers a redelivered message id once, and logs the duplicate', async () => {
    const r = responder();
    const c = channel();
    expect(await r.respond(inbound('m1', '/rate'), c)).toBe('answered');
    expect(await r.respond(inbound('m1', '/rate'), c)).toBe('duplicate');
    expect(c.carried).toHaveLength(1);
    expect(capture.lines.some((l) => l.msg === 'duplicate delivery ignored' && l.msgId === 'm1')).toBe(true);
  });

  it('answers two copies delivered at once exactly once (the store decides, no guard of its own)', async () => {
    const r = responder({ slowMs: 30 });
    const c = channel();
    const outcomes = await Promise.all([
      r.respond(inbound('m1', '/rate'), c),
      r.respond(inbound('m1', '/rate'), c),
    ]);
    expect(outcomes.sort()).toEqual(['answered', 'duplicate']);
    expect(c.carried).toHaveLength(1);
  });

  it('treats the same id on another platform as another message', async () => {
    const r = responder();
    await r.respond(inbound('m1', '/rate'), channel());
    const dingtalk = inbound('m1', '/rate', { platform: 'dingtalk', sender: { platform: 'dingtalk' } });
    expect(await r.respond(dingtalk, channel())).toBe('answered');
  });

  it('tells a picture that nothing in it can be read, and how to send a notice instead', async () => {
    const c = channel();
    await responder().respond(inbound('m1', '', { unsupported: 'picture' }), c);
    expect(c.carried[0]).toEqual({ title: t.mediaNotRead, lines: [], mentions: [] });
  });

  it('tells a quote without a file to download to send the file to the bot itself', async () => {
    const c = channel();
    await responder().respond(inbound('m1', '', { unsupported: 'unknownMsgType' }), c);
    expect(c.carried[0]).toEqual({ title: t.quotedUnknown, lines: [], mentions: [] });
  });

  it('tells another message type it cannot read to send a text command', async () => {
    const c = channel();
    await responder().respond(inbound('m1', '', { unsupported: 'location' }), c);
    expect(c.carried[0]).toEqual({ title: t.textOnly, lines: [t.seeHelp], mentions: [] });
  });

  it('queues the answer for the group robot when the channel is closed, @-mentioning the asker', async () => {
    expect(
      await responder().respond(inbound('m1', '/rate 福州'), channel(new ChannelClosed('no response_url'))),
    ).toBe('queued');
    expect(outbox.get(replyKey('wecom', 'm1'))).toMatchObject({
      groupId: 'fz',
      kind: 'reply',
      reply: { title: '【示例数据】福州市 2020年第一季度检查情况', mentions: [{ wecomUserId: 'zhangsan' }] },
    });
  });

  it('adds the re-send note when the failed delivery may have arrived', async () => {
    await responder().respond(inbound('m1', '/rate 福州'), channel(new Error('POST failed (ETIMEDOUT)')));
    expect(outbox.get(replyKey('wecom', 'm1'))?.reply?.lines.at(-1)).toBe(resentNote);
  });

  it('drops the answer with a warning when the conversation is no declared group', async () => {
    const stranger = inbound('m1', '/rate', { conversationId: 'wrSTRANGER' });
    delete stranger.groupId;
    expect(await responder().respond(stranger, channel(new ChannelClosed('no response_url')))).toBe(
      'dropped',
    );
    expect(capture.lines.some((l) => l.msg === 'wecom: message from an undeclared conversation')).toBe(true);
  });

  it('idle() waits for answers accepted in the background', async () => {
    const r = responder({ slowMs: 20 });
    const c = channel();
    r.accept(inbound('m1', '/rate'), c);
    r.accept(inbound('m2', '/help'), c);
    await r.idle();
    expect(c.carried).toHaveLength(2);
  });

  it('admits a message past the in-flight limit only once an answer in progress is done', async () => {
    const r = responder({ slowMs: 40, maxInFlight: 2 });
    const c = channel();
    await r.accept(inbound('m1', '/help'), c);
    await r.accept(inbound('m2', '/help'), c);
    let third = false;
    const admitted = r.accept(inbound('m3', '/help'), c).then(() => {
      third = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(third).toBe(false);
    await admitted;
    expect(c.carried.length).toBeGreaterThanOrEqual(1);
    await r.idle();
    expect(c.carried).toHaveLength(3);
  });
});
