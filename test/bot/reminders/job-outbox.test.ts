import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { scanReminders } from '../../../bot/reminders/job.ts';
import { openTaskWorld, type TaskWorld } from '../../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

/** The job against the real outbox (bot/outbox/queue.ts), both reopened from disk on restart. */
describe('scanReminders(now) into the outbox', () => {
  it('queues each reminder once as kind "reminder", across restarts and a crash before recording', async () => {
    let outbox = await Outbox.open(world.dir);
    const scan = (iso: string) => scanReminders({ ...world.deps(), sink: outbox }, new Date(iso));
    await scan('2020-04-14T09:00:00+08:00');
    expect(outbox.pending().map((e) => [e.kind, e.groupId, e.reply?.title])).toEqual([
      ['reminder', 'fj', '整改提醒：福建省教育厅'],
      ['reminder', 'fj', '整改提醒：福建省民政厅'],
      ['reminder', 'fj', '整改提醒：平潭综合实验区管委会'],
      ['reminder', 'pt', '整改提醒：平潭综合实验区管委会'],
    ]);

    // A crash after queueing but before tasks.json was written: the sent log never reached disk.
    await rm(path.join(world.dir, 'tasks.json'));
    await world.restart();
    outbox = await Outbox.open(world.dir);
    await scan('2020-04-14T09:05:00+08:00');
    expect(outbox.pending()).toHaveLength(4);

    await world.restart();
    outbox = await Outbox.open(world.dir);
    await scan('2020-04-16T09:00:00+08:00');
    expect(outbox.pending()).toHaveLength(8);
  });
});
