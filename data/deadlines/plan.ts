import { z } from 'zod';
import type { Deadline } from '../schema.ts';
import { CalendarGapError, type WorkCalendar } from './calendar.ts';
import { addDays, isClockTime, shanghaiDate, shanghaiTime } from './time.ts';

/**
 * When a task's reminders fall, as pure functions of the deadline, the calendar and the clock.
 * Default (issue 6): 3 and 1 working days before, the morning of the deadline, then every
 * working-day morning while overdue; from the third overdue morning (after 2 overdue working
 * days) the group's admins are @-mentioned too.
 */
export const planConfigSchema = z.object({
  /** Shanghai time of day every reminder is due. */
  morning: z.string().refine(isClockTime, 'HH:MM').default('09:00'),
  /** Working days before the deadline date that get a reminder. */
  before: z.array(z.number().int().positive()).default([3, 1]),
  /** A reminder on the morning of the deadline date (when it is a working day). */
  dayOf: z.boolean().default(true),
  /**
   * Overdue mornings that get a reminder. Bounded so that an old round (the shipped 2020 seed in
   * a bot started years later) is listed by /overdue but never pings anyone.
   */
  overdueLimit: z.number().int().nonnegative().default(10),
  /** Overdue working days after which the admins are @-mentioned as well. */
  escalateAfter: z.number().int().nonnegative().default(2),
});
export type PlanConfig = z.infer<typeof planConfigSchema>;
export const defaultPlan: PlanConfig = planConfigSchema.parse({});

export type StepKind = 'before' | 'day-of' | 'overdue';

export interface Step {
  /** before-3, day-of, overdue-2 */
  id: string;
  kind: StepKind;
  /** Working days before (before) or after (overdue) the deadline date; 0 on the day. */
  n: number;
  /** Shanghai date the reminder is due. */
  date: string;
  at: Date;
  /** The reminder is current until this instant (the next step, or the morning after the last). */
  until: Date;
  escalate: boolean;
  /** Identity of this reminder for this deadline: moving the deadline makes new keys. */
  key: string;
}

export interface Plan {
  steps: Step[];
  /** Years whose holiday arrangement is unknown; steps that needed them are left out. */
  gaps: number[];
}

type Draft = Omit<Step, 'until' | 'key'>;

export function planReminders(deadline: Deadline, cal: WorkCalendar, config: PlanConfig = defaultPlan): Plan {
  const gaps = new Set<number>();
  const drafts: Draft[] = [];
  const tryStep = (make: () => Draft | undefined): boolean => {
    try {
      const d = make();
      if (d) drafts.push(d);
      return true;
    } catch (err) {
      if (!(err instanceof CalendarGapError)) throw err;
      gaps.add(err.year);
      return false;
    }
  };
  const morning = (date: string) => shanghaiTime(date, config.morning);
  for (const n of [...new Set(config.before)].sort((a, b) => b - a)) {
    tryStep(() => {
      const date = cal.shiftWorkdays(deadline.date, -n);
      return { id: `before-${n}`, kind: 'before', n, date, at: morning(date), escalate: false };
    });
  }
  if (config.dayOf) {
    tryStep(() => {
      const beforeDeadline = !deadline.time || deadline.time > config.morning;
      if (!cal.isWorkday(deadline.date) || !beforeDeadline) return undefined;
      return { id: 'day-of', kind: 'day-of', n: 0, date: deadline.date, at: morning(deadline.date), escalate: false };
    });
  }
  for (let k = 1; k <= config.overdueLimit; k++) {
    const ok = tryStep(() => {
      const date = cal.shiftWorkdays(deadline.date, k);
      return { id: `overdue-${k}`, kind: 'overdue', n: k, date, at: morning(date), escalate: k > config.escalateAfter };
    });
    if (!ok) break;
  }
  drafts.sort((a, b) => a.at.getTime() - b.at.getTime());
  const steps = drafts.map((d, i): Step => {
    const next = drafts[i + 1];
    return { ...d, until: next ? next.at : nextMorning(d.date, cal, config), key: `${d.id}@${d.date}` };
  });
  return { steps, gaps: [...gaps].sort() };
}

/** The morning after the last step; a calendar day later if the next working day is unknown. */
function nextMorning(date: string, cal: WorkCalendar, config: PlanConfig): Date {
  try {
    return shanghaiTime(cal.shiftWorkdays(date, 1), config.morning);
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
    return shanghaiTime(addDays(date, 1), config.morning);
  }
}

/**
 * The reminder to send at `now`: the latest step already due and still current. Earlier steps
 * missed during downtime are never sent late; after the last step's window nothing is due.
 */
export function currentStep(plan: Plan, now: Date): Step | undefined {
  const due = plan.steps.filter((s) => s.at.getTime() <= now.getTime()).at(-1);
  return due && now.getTime() < due.until.getTime() ? due : undefined;
}

/** The first instant after the deadline: the named time, or midnight ending the date. */
export function deadlineInstant(deadline: Deadline): Date {
  return deadline.time ? shanghaiTime(deadline.date, deadline.time) : shanghaiTime(addDays(deadline.date, 1), '00:00');
}

export type Standing =
  /** Working days after today up to and including the deadline date; 0 on the day itself. */
  | { state: 'open'; workdaysLeft: number }
  /** Working days after the deadline date up to and including today; 0 when late the same day. */
  | { state: 'overdue'; workdaysLate: number };

/** Where a deadline stands at `now`. Throws CalendarGapError when the days between are unknown. */
export function standing(deadline: Deadline, now: Date, cal: WorkCalendar): Standing {
  const today = shanghaiDate(now);
  if (now.getTime() >= deadlineInstant(deadline).getTime()) {
    return { state: 'overdue', workdaysLate: cal.workdaysBetween(deadline.date, today) };
  }
  return { state: 'open', workdaysLeft: cal.workdaysBetween(today, deadline.date) };
}
