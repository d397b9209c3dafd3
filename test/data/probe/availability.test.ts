import { describe, expect, it } from 'vitest';
import { addDays } from '../../../data/deadlines/time.ts';
import { availabilityStanding, type DayTally, tripsVeto } from '../../../data/probe/availability.ts';

const now = new Date('2024-05-08T09:00:00+08:00'); // the last complete week is 05-01 … 05-07

/** Seven complete days before 2024-05-08, with `tries` each and failures spread as given. */
function week(tries: number[], failed: number[], blocked: number[] = []): DayTally[] {
  return tries.map((t, i) => ({
    date: addDays('2024-05-01', i),
    tries: t,
    failed: failed[i] ?? 0,
    blocked: blocked[i] ?? 0,
  }));
}

describe('tripsVeto()', () => {
  it('trips at exactly 5 %: 140 tries with 7 failures, not with 6', () => {
    expect(tripsVeto(140, 7)).toBe(true);
    expect(tripsVeto(140, 6)).toBe(false);
  });
  it('needs 9 failures of 168 tries (8.4 rounds up)', () => {
    expect(tripsVeto(168, 9)).toBe(true);
    expect(tripsVeto(168, 8)).toBe(false);
  });
});

describe('availabilityStanding()', () => {
  it('trips the veto when a full week of 20 tries a day has 7 failures', () => {
    const s = availabilityStanding(week([20, 20, 20, 20, 20, 20, 20], [0, 0, 3, 0, 4]), now, 20);
    expect(s.week).toMatchObject({
      from: '2024-05-01',
      to: '2024-05-07',
      tries: 140,
      failed: 7,
      counts: true,
      tripped: true,
    });
    expect(s.level).toBe('veto');
  });

  it('does not trip with 6 failures of 140', () => {
    const s = availabilityStanding(week([20, 20, 20, 20, 20, 20, 20], [0, 0, 3, 0, 3]), now, 20);
    expect(s.week.tripped).toBe(false);
    expect(s.level).not.toBe('veto');
  });

  it('does not count the week when one day had 19 tries, however many failed', () => {
    const s = availabilityStanding(week([20, 20, 20, 19, 20, 20, 20], [5, 5, 5, 5, 5, 5, 5]), now, 20);
    expect(s.week.counts).toBe(false);
    expect(s.week.tripped).toBe(false);
    expect(s.week.shortDays).toEqual([{ date: '2024-05-04', tries: 19 }]);
    expect(s.level).toBe('warn');
  });

  it('trips with 9 failures of 168 tries and not with 8', () => {
    const days = Array(7).fill(24);
    expect(availabilityStanding(week(days, [9]), now, 24).week.tripped).toBe(true);
    expect(availabilityStanding(week(days, [8]), now, 24).week.tripped).toBe(false);
  });

  it('leaves out the day in progress and days older than the week', () => {
    const tallies = [
      ...week(Array(7).fill(24), []),
      { date: '2024-04-30', tries: 24, failed: 24, blocked: 0 },
      { date: '2024-05-08', tries: 10, failed: 10, blocked: 0 },
    ];
    const s = availabilityStanding(tallies, now, 24);
    expect(s.week.failed).toBe(0);
    expect(s.week.tripped).toBe(false);
  });

  it('computes the remaining budget of the week in progress: 5 failed, 4 more trip it', () => {
    // Window 05-02 … 05-08: six complete days of 24 and today planned at 24 → 168 tries, 9 trip.
    const tallies = [
      ...week(Array(7).fill(24), [0, 2, 0, 3]),
      { date: '2024-05-08', tries: 9, failed: 0, blocked: 0 },
    ];
    const s = availabilityStanding(tallies, now, 24);
    expect(s.budget).toEqual({
      from: '2024-05-02',
      to: '2024-05-08',
      failed: 5,
      blocked: 0,
      expectedTries: 168,
      threshold: 9,
      remaining: 4,
    });
    expect(s.level).toBe('warn');
  });

  it('counts blocked tries apart, never as failures', () => {
    const s = availabilityStanding(week(Array(7).fill(24), [], Array(7).fill(24)), now, 24);
    expect(s.week).toMatchObject({ failed: 0, blocked: 168, tripped: false });
    expect(s.level).toBe('ok');
  });

  it('says unknown for a site with no tries yet', () => {
    expect(availabilityStanding([], now, 24).level).toBe('unknown');
  });

  it('uses Shanghai days: 00:30 on 05-08 in Shanghai is still 05-07 in UTC', () => {
    const s = availabilityStanding(week(Array(7).fill(20), [7]), new Date('2024-05-08T00:30:00+08:00'), 20);
    expect(s.week.to).toBe('2024-05-07');
    expect(s.level).toBe('veto');
  });
});
