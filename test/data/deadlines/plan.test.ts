import { describe, expect, it } from 'vitest';
import { shippedCalendar, WorkCalendar } from '../../../data/deadlines/calendar.ts';
import {
  currentStep,
  deadlineInstant,
  defaultPlan,
  planReminders,
  standing,
  type Plan,
} from '../../../data/deadlines/plan.ts';

const cal = new WorkCalendar(shippedCalendar());
const at = (iso: string) => new Date(iso);
/** Each step as `id date HH:MM` in Shanghai time, `!` marking escalation. */
const outline = (plan: Plan) =>
  plan.steps.map((s) => {
    const clock = new Date(s.at.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
    return `${s.id} ${s.date} ${clock}${s.escalate ? ' !' : ''}`;
  });

describe('planReminders(deadline)', () => {
  it('plans Fujian 2020Q1 (2020-04-17): 3 and 1 working days before, the morning of, then overdue mornings', () => {
    expect(outline(planReminders({ date: '2020-04-17' }, cal))).toEqual([
      'before-3 2020-04-14 09:00',
      'before-1 2020-04-16 09:00',
      'day-of 2020-04-17 09:00',
      'overdue-1 2020-04-20 09:00',
      'overdue-2 2020-04-21 09:00',
      'overdue-3 2020-04-22 09:00 !',
      'overdue-4 2020-04-23 09:00 !',
      'overdue-5 2020-04-24 09:00 !',
      // Sunday 2020-04-26 is a 劳动节 make-up working day.
      'overdue-6 2020-04-26 09:00 !',
      'overdue-7 2020-04-27 09:00 !',
      'overdue-8 2020-04-28 09:00 !',
      'overdue-9 2020-04-29 09:00 !',
      'overdue-10 2020-04-30 09:00 !',
    ]);
  });

  it('counts back over the 国庆 holiday for a deadline right after it (2020-10-09)', () => {
    const steps = outline(planReminders({ date: '2020-10-09' }, cal)).slice(0, 4);
    // 09-30, 09-29, 09-28 are the last working days before 10-01…10-08.
    expect(steps).toEqual([
      'before-3 2020-09-28 09:00',
      'before-1 2020-09-30 09:00',
      'day-of 2020-10-09 09:00',
      // The 调休 Saturday after 国庆 is a working day, so the first overdue morning is 10-10.
      'overdue-1 2020-10-10 09:00',
    ]);
  });

  it('reminds on a 调休 Saturday that is a working day (deadline Monday 2020-10-12)', () => {
    const steps = outline(planReminders({ date: '2020-10-12' }, cal)).slice(0, 3);
    expect(steps).toEqual(['before-3 2020-09-30 09:00', 'before-1 2020-10-10 09:00', 'day-of 2020-10-12 09:00']);
  });

  it('keeps the morning reminder for a deadline later that day (2020-04-17 17:00)', () => {
    const plan = planReminders({ date: '2020-04-17', time: '17:00' }, cal);
    expect(outline(plan).slice(1, 4)).toEqual([
      'before-1 2020-04-16 09:00',
      'day-of 2020-04-17 09:00',
      'overdue-1 2020-04-20 09:00',
    ]);
  });

  it('drops the morning reminder when the deadline falls before the morning time', () => {
    const plan = planReminders({ date: '2020-04-17', time: '08:30' }, cal);
    expect(plan.steps.map((s) => s.id)).not.toContain('day-of');
  });

  it('has no day-of reminder for a deadline on a weekend; the day before is the last working day', () => {
    const steps = outline(planReminders({ date: '2020-04-18' }, cal)).slice(0, 3);
    expect(steps).toEqual(['before-3 2020-04-15 09:00', 'before-1 2020-04-17 09:00', 'overdue-1 2020-04-20 09:00']);
  });

  it('follows the configured plan', () => {
    const plan = planReminders({ date: '2020-04-17' }, cal, {
      ...defaultPlan,
      morning: '08:30',
      before: [5],
      dayOf: false,
      overdueLimit: 2,
      escalateAfter: 0,
    });
    expect(outline(plan)).toEqual([
      'before-5 2020-04-10 08:30',
      'overdue-1 2020-04-20 08:30 !',
      'overdue-2 2020-04-21 08:30 !',
    ]);
  });

  it('stops at a year the calendar does not know and names it', () => {
    const plan = planReminders({ date: '2026-12-30' }, cal);
    expect(plan.gaps).toEqual([2027]);
    expect(outline(plan).slice(-1)).toEqual(['overdue-1 2026-12-31 09:00']);
  });

  it('keys each step by its date, so a moved deadline gets fresh reminders', () => {
    const a = planReminders({ date: '2020-04-17' }, cal).steps[0]!;
    const b = planReminders({ date: '2020-04-24' }, cal).steps[0]!;
    expect([a.key, b.key]).toEqual(['before-3@2020-04-14', 'before-3@2020-04-21']);
  });
});

describe('currentStep(plan, now)', () => {
  const plan = planReminders({ date: '2020-04-17' }, cal);
  const id = (iso: string) => currentStep(plan, at(iso))?.id;

  it('is nothing before the first reminder is due', () => {
    expect(id('2020-04-14T08:59:59+08:00')).toBeUndefined();
  });

  it('is the step due most recently', () => {
    expect(id('2020-04-14T09:00:00+08:00')).toBe('before-3');
    expect(id('2020-04-15T18:00:00+08:00')).toBe('before-3');
    expect(id('2020-04-17T09:05:00+08:00')).toBe('day-of');
  });

  it('after downtime is only the latest missed step, never the ones before it', () => {
    expect(id('2020-04-22T11:00:00+08:00')).toBe('overdue-3');
  });

  it('is nothing once the last overdue reminder is a working day old', () => {
    expect(id('2020-05-06T08:59:00+08:00')).toBe('overdue-10');
    expect(id('2020-05-06T09:00:00+08:00')).toBeUndefined();
    expect(id('2025-06-01T09:00:00+08:00')).toBeUndefined();
  });
});

describe('standing(deadline, now)', () => {
  it('counts working days left after today, 0 on the day', () => {
    expect(standing({ date: '2020-04-17' }, at('2020-04-15T09:00:00+08:00'), cal)).toEqual({ state: 'open', workdaysLeft: 2 });
    expect(standing({ date: '2020-04-17' }, at('2020-04-17T23:59:00+08:00'), cal)).toEqual({ state: 'open', workdaysLeft: 0 });
  });

  it('is overdue from midnight after a date-only deadline, counting working days late', () => {
    expect(standing({ date: '2020-04-17' }, at('2020-04-18T00:00:00+08:00'), cal)).toEqual({ state: 'overdue', workdaysLate: 0 });
    expect(standing({ date: '2020-04-17' }, at('2020-04-22T10:00:00+08:00'), cal)).toEqual({ state: 'overdue', workdaysLate: 3 });
  });

  it('is overdue from the named time of day', () => {
    const d = { date: '2020-04-17', time: '17:00' };
    expect(deadlineInstant(d).toISOString()).toBe('2020-04-17T09:00:00.000Z');
    expect(standing(d, at('2020-04-17T16:59:00+08:00'), cal).state).toBe('open');
    expect(standing(d, at('2020-04-17T17:00:00+08:00'), cal)).toEqual({ state: 'overdue', workdaysLate: 0 });
  });
});
