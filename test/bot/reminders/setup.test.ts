import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../bot/errors.ts';
import { defaultPlan } from '../../../data/deadlines/plan.ts';
import { loadPlan, openReminders } from '../../../bot/reminders/setup.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reminders-setup-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('loadPlan(dataDir)', () => {
  it('is the default plan without reminders.json', async () => {
    expect(await loadPlan(dir)).toEqual({
      morning: '09:00',
      before: [3, 1],
      dayOf: true,
      overdueLimit: 10,
      escalateAfter: 2,
    });
  });

  it('takes the fields reminders.json sets and defaults the rest', async () => {
    await writeFile(path.join(dir, 'reminders.json'), JSON.stringify({ morning: '08:30', before: [5, 2] }));
    expect(await loadPlan(dir)).toEqual({ ...defaultPlan, morning: '08:30', before: [5, 2] });
  });

  it('stops with a ConfigError naming the file and field', async () => {
    await writeFile(path.join(dir, 'reminders.json'), JSON.stringify({ morning: '9点' }));
    await expect(loadPlan(dir)).rejects.toThrow(ConfigError);
    await expect(loadPlan(dir)).rejects.toThrow(/reminders\.json: morning: HH:MM/);
  });
});

describe('openReminders(dataDir)', () => {
  it('opens the task state, the calendar and the plan together', async () => {
    const r = await openReminders(dir);
    expect(r.calendar.coverage.to).toBe(2026);
    expect(r.tasks.data.done).toEqual({});
    expect(r.plan).toEqual(defaultPlan);
  });
});
