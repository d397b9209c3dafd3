import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, type OutgoingMessage } from '../../../bot/outbox/queue.ts';
import { reply } from '../../../handlers/reply.ts';

const at = (iso: string) => new Date(`2020-04-14T${iso}+08:00`);
const msg = (key: string, over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  key,
  groupId: 'fz',
  kind: 'alert',
  reply: reply(`消息${key}`),
  ...over,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('outbox.enqueue()', () => {
  it('has the message on disk (outbox.log) before answering', async () => {
    const outbox = await Outbox.open(dir);
    expect(await outbox.enqueue(msg('a'), at('09:00:00'))).toBe(true);
    const [line] = (await readFile(path.join(dir, 'outbox.log'), 'utf8')).trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({
      entry: { key: 'a', status: 'pending', attempts: 0, groupId: 'fz', kind: 'alert' },
      reply: { title: '消息a' },
    });
  });

  it('returns false for a key queued before, even after a restart', async () => {
    const first = await Outbox.open(dir);
    await first.enqueue(msg('a'), at('09:00:00'));
    const again = await Outbox.open(dir);
    expect(await again.enqueue(msg('a', { reply: reply('changed') }), at('09:05:00'))).toBe(false);
    expect(again.stats().pending).toBe(1);
  });

  it('skips a message whose items were all queued before under another key', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueue(msg('digest-1', { items: ['i1', 'i2'] }), at('09:00:00'));
    expect(await outbox.enqueue(msg('digest-2', { items: ['i2', 'i1'] }), at('09:01:00'))).toBe(false);
    expect(await outbox.enqueue(msg('digest-3', { items: ['i2', 'i3'] }), at('09:01:00'))).toBe(true);
    expect(outbox.knows('i3')).toBe(true);
  });

  it('adds a key once when the same message is enqueued concurrently', async () => {
    const outbox = await Outbox.open(dir);
    const results = await Promise.all([1, 2, 3].map(() => outbox.enqueue(msg('same'), at('09:00:00'))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(outbox.stats().pending).toBe(1);
  });

  it('queues a batch in one write and counts the new ones', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueue(msg('b'), at('09:00:00'));
    expect(await outbox.enqueueAll([msg('a'), msg('b'), msg('c')], at('09:00:01'))).toBe(2);
    expect(outbox.pending().map((e) => [e.key, e.seq])).toEqual([
      ['b', 0],
      ['a', 1],
      ['c', 2],
    ]);
  });

  it('holds a message until notBefore', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueue(msg('later', { kind: 'reminder', notBefore: at('10:00:00') }), at('09:00:00'));
    expect(outbox.get('later')?.nextAt).toBe(at('10:00:00').toISOString());
  });

  it('tells its listeners when something becomes sendable', async () => {
    const outbox = await Outbox.open(dir);
    let calls = 0;
    outbox.onChange(() => calls++);
    await outbox.enqueue(msg('a'), at('09:00:00'));
    await outbox.enqueue(msg('a'), at('09:00:00'));
    expect(calls).toBe(1);
  });
});

describe('outbox status moves', () => {
  it('goes pending → sending → sent, counting attempts and keeping the order of arrival', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueueAll([msg('a'), msg('b')], at('09:00:00'));
    const sending = await outbox.begin('a', at('09:00:01'));
    expect(sending).toMatchObject({ status: 'sending', attempts: 1 });
    await outbox.markSent('a', at('09:00:02'));
    expect(outbox.get('a')).toMatchObject({ status: 'sent', sentAt: at('09:00:02').toISOString() });
    expect(outbox.pending().map((e) => e.key)).toEqual(['b']);
    expect(outbox.sentSince('fz', at('09:00:00').getTime())).toEqual([at('09:00:02').getTime()]);
  });

  it('refuses an illegal move, naming both states', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueue(msg('a'), at('09:00:00'));
    await expect(outbox.markSent('a', at('09:00:01'))).rejects.toThrow('cannot move from pending to sent');
    await outbox.begin('a', at('09:00:01'));
    await outbox.markSent('a', at('09:00:02'));
    await expect(outbox.begin('a', at('09:00:03'))).rejects.toThrow('cannot move from sent to sending');
  });

  it('reschedules a failed attempt with its error', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueue(msg('a'), at('09:00:00'));
    await outbox.begin('a', at('09:00:01'));
    await outbox.reschedule(
      'a',
      at('09:01:06'),
      { message: 'errcode 45009', errcode: 45009 },
      at('09:00:01'),
    );
    expect(outbox.get('a')).toMatchObject({
      status: 'pending',
      nextAt: at('09:01:06').toISOString(),
      lastError: { message: 'errcode 45009', errcode: 45009 },
    });
  });

  it('dead-letters with a reason, and /retry puts them back as new', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueueAll([msg('a'), msg('b', { groupId: 'xm' })], at('09:00:00'));
    for (const key of ['a', 'b']) {
      await outbox.begin(key, at('09:00:01'));
      await outbox.markDead(
        key,
        { reason: 'errcode 93000 (invalid webhook url)', errcode: 93000 },
        at('09:00:02'),
      );
    }
    expect(outbox.deadLetters('fz').map((e) => e.dead)).toEqual([
      { reason: 'errcode 93000 (invalid webhook url)', errcode: 93000, at: at('09:00:02').toISOString() },
    ]);
    expect(await outbox.retryDead('fz', at('10:00:00'))).toBe(1);
    expect(outbox.get('a')).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAt: at('10:00:00').toISOString(),
    });
    expect(outbox.get('a')?.dead).toBeUndefined();
    expect(outbox.deadLetters()).toHaveLength(1);
    expect(await outbox.retryDead(undefined, at('10:00:00'))).toBe(1);
  });
});

describe('outbox.recover()', () => {
  it('puts a message interrupted mid-send back in the queue, marked uncertain', async () => {
    const before = await Outbox.open(dir);
    await before.enqueueAll([msg('a'), msg('b')], at('09:00:00'));
    await before.begin('a', at('09:00:01'));
    const after = await Outbox.open(dir);
    expect(after.get('a')?.status).toBe('sending');
    expect(await after.recover()).toBe(1);
    expect(after.get('a')).toMatchObject({ status: 'pending', uncertain: true, attempts: 1 });
    expect(after.get('b')?.uncertain).toBeUndefined();
  });
});

describe('outbox.stats()', () => {
  it('counts by status and dates the oldest message not yet sent', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueue(msg('a'), at('08:00:00'));
    await outbox.enqueue(msg('b'), at('09:00:00'));
    await outbox.begin('a', at('09:00:01'));
    await outbox.markSent('a', at('09:00:02'));
    expect(outbox.stats()).toEqual({
      pending: 1,
      sending: 0,
      sent: 1,
      dead: 0,
      oldestPendingAt: at('09:00:00'),
    });
  });

  it('drops the text of messages sent over a week ago but remembers their keys', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueueAll([msg('old', { items: ['i-old'] }), msg('new')], at('09:00:00'));
    await outbox.begin('old', at('09:00:01'));
    await outbox.markSent('old', at('09:00:02'));
    await outbox.begin('new', new Date(at('09:00:00').getTime() + 8 * 86_400_000));
    await outbox.markSent('new', new Date(at('09:00:00').getTime() + 8 * 86_400_000));
    expect(outbox.get('old')?.reply).toBeUndefined();
    expect(outbox.get('new')?.reply).toBeDefined();
    const reopened = await Outbox.open(dir);
    expect(reopened.knows('old') && reopened.knows('i-old')).toBe(true);
  });
});
