import { machine, fmt, writeSection } from './lib.ts';
import { type ChaosResult, runChaos } from '../test/support/chaos-world.ts';

/**
 * Issue 15's chaos run: three bot processes on one PostgreSQL database push a 2,000-item mass
 * failure to 20 groups (10 WeCom, 10 DingTalk, each its own robot; every group follows the
 * province, so gets every item) through the fake platforms; one instance is SIGKILLed at 30 %
 * delivered and another restarted at 60 %. A second round gives units an overdue task, each to be
 * reminded once per group. Then the same drain with 1 instance and with 3 (no chaos), to compare.
 *
 * The platforms' minute is shortened to WINDOW ms on both sides (the fakes' windowMs and the
 * bots' OUTBOX_WINDOW_MS): at the real minute the busiest robot needs about five minutes; the
 * limits per window (20 at the fakes, 15 at the bots) are the real ones.
 * Needs DATABASE_URL (`eval "$(.ci/setup-postgres)"`).
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('chaos bench: DATABASE_URL is not set (eval "$(.ci/setup-postgres)")');
const ITEMS = Number(process.env.CHAOS_ITEMS ?? 2000);
const GROUPS = Number(process.env.CHAOS_GROUPS ?? 10);
const WINDOW = Number(process.env.CHAOS_WINDOW_MS ?? 6000);
const LEASE = 5000;
const base = {
  url,
  items: ITEMS,
  groupsPerPlatform: GROUPS,
  windowMs: WINDOW,
  leaseMs: LEASE,
  reminderUnits: 5,
  timeoutMs: 15 * 60_000,
  log: (l: string) => console.log(l),
};

const chaos = await runChaos({ ...base, instances: 3, chaos: true });
console.log('chaos', chaos);
const one = await runChaos({ ...base, instances: 1, chaos: false });
console.log('1 instance', one);
const three = await runChaos({ ...base, instances: 3, chaos: false });
console.log('3 instances', three);

const s = (ms: number | undefined) => (ms === undefined ? '—' : `${fmt(ms / 1000, 1)} s`);
const row = (label: string, r: ChaosResult) =>
  `| ${label} | ${r.messages} | ${s(r.queuedMs)} | ${s(r.drainMs)} | ${r.lost} | ${r.duplicates} (${r.duplicatesWithoutNote} without the note) | ${r.rateLimited} | ${r.reminders.delivered}/${r.reminders.expected}, ${r.reminders.extra} extra (${r.reminders.extraWithoutNote} without the note) | ${s(r.killedAt)} / ${s(r.restartedAt)} |`;

await writeSection(
  'chaos',
  `## Several instances on PostgreSQL: chaos (bench/chaos.bench.ts)

${ITEMS} failed items, ${GROUPS * 2} groups (${GROUPS} WeCom, ${GROUPS} DingTalk, one robot each, all following the
province), plus a round giving ${base.reminderUnits} units an overdue task. Real bot processes (\`tsx bot/main.ts\`,
STORE=postgres) on one database; the rounds are imported by another process while they run (the instances
hear of it by NOTIFY and queue the alerts once). The fakes enforce 20 per window per robot; the bots pace at
15 per window; the window is ${WINDOW} ms on both sides (a scaled minute), outbox claims last ${LEASE} ms.
${machine()}.

| Run | Messages delivered | Queued (import → every alert and reminder queued) | Drain (import → last accepted) | Items lost | Item duplicates | Rate-limit errors | Reminders (unit × group) once | SIGKILL / restart at |
|---|---|---|---|---|---|---|---|---|
${row('3 instances, one SIGKILLed at 30 %, another restarted at 60 %', chaos)}
${row('1 instance', one)}
${row('3 instances', three)}

Drain with 3 instances ÷ 1: **${fmt(three.drainMs / one.drainMs)}×** the time (queueing: ${fmt(three.queuedMs / one.queuedMs)}×).
Once queued, the drain is bound by the robots' pace, not by the instances (the busiest robot took
${one.busiestRobot} messages: at 15 per window it needs at least ${s((Math.ceil(one.busiestRobot / 15) - 1) * WINDOW)} after queueing): every robot's 15-per-window
budget is shared through the database, so more instances cannot send faster (that would break the
platform's limit) — what they buy is that a dead one costs nothing but its in-flight claims. They must
not slow it either. An earlier run measured 3 instances at 1.23× the time of one: composing a
2,000-item alert for 20 groups took 10–30 s of CPU (each message part was rendered again for every item
added to it, and the markdown escape went character by character), so the instance queueing the round
held a core while the others' claim loops, reloads and reminder scans competed for the second one, and
every instance ran the reminder scan after the import. Now one instance claims each import's alert scan
(the others find it scanned) and its reminder scan (a job slot), parts are sized by galloping over the
item count (a few renders per part), the escape is one regular expression, and the messages go into
PostgreSQL in two statements; a claim whose request could not start within half its lease (the process
was held up) is given back unsent, so a late request never overlaps another instance's re-send.
Duplicates can only come from the documented window (a message in flight when its instance died: the
platform may have taken it); each re-sent copy carries the note.`,
);
