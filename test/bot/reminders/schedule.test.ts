import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReminderJob } from '../../../bot/reminders/schedule.ts';
import { openTaskWorld, type TaskWorld } from '../../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

describe('startReminderJob(deps, clock)', () => {
  it('catches up at start, without waiting for the first tick', async () => {
    const job = startReminderJob(world.deps(), () => new Date('2020-04-14T10:00:00+08:00'));
    await job.stop();
    expect(world.outbox.messages).toHaveLength(4);
  });

  it('scans again on runNow (after an import) and sends nothing twice', async () => {
    let now = new Date('2020-04-14T10:00:00+08:00');
    const job = startReminderJob(world.deps(), () => now);
    await job.runNow();
    now = new Date('2020-04-16T09:00:00+08:00');
    await job.runNow();
    await job.stop();
    expect(world.outbox.messages.map((m) => m.key.split('|')[1]?.split(':')[0])).toEqual([
      ...Array(4).fill('before-3@2020-04-14'),
      ...Array(4).fill('before-1@2020-04-16'),
    ]);
  });

  it('warns once per missing year, with the number of tasks it holds up, when deadlines fall in a year the calendar does not know', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (s: string) => lines.push(s) });
    await world.tasks.setRoundDeadline('2020Q1@35', { date: '2027-01-15' }, '王主任', new Date('2020-04-14T10:00:00+08:00'));
    const job = startReminderJob({ ...world.deps(), log }, () => new Date('2026-12-20T10:00:00+08:00'));
    await job.runNow();
    await job.runNow();
    await job.stop();
    const warnings = lines.map((l) => JSON.parse(l) as { msg: string; year: number; tasks: number; examples: unknown[] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ year: 2027, tasks: 3 });
    expect(warnings[0]!.examples).toHaveLength(3);
    expect(warnings[0]!.msg).toContain('calendar.json');
    expect(world.outbox.messages).toEqual([]);
  });

  it('tells when the next scan starts: the next 5-minute mark, and nothing once stopped', async () => {
    const job = startReminderJob(world.deps(), () => new Date('2020-04-14T10:00:00+08:00'));
    const before = Date.now();
    const next = job.nextRun();
    await job.stop();
    expect(next).toBeInstanceOf(Date);
    expect(next!.getTime()).toBeGreaterThan(before - 1000);
    expect(next!.getTime() - before).toBeLessThanOrEqual(5 * 60_000);
    // Asia/Shanghai is a whole number of hours from UTC, so its 5-minute marks are UTC's.
    expect(next!.getUTCMinutes() % 5).toBe(0);
    expect(next!.getUTCSeconds()).toBe(0);
    expect(job.nextRun()).toBeUndefined();
  });
});
