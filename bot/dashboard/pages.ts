import type { Dataset, RegionTally, RoundView } from '../../data/dataset.ts';
import { streakOf } from '../../data/history.ts';
import { type Channel, channels, type Region } from '../../data/schema.ts';
import { chartFor } from '../../handlers/charts/build.ts';
import { isSample } from '../../handlers/charts/figures.ts';
import { dashText as d } from '../../handlers/dashboard-text.ts';
import { counted, passRateOf, percent, periodLabel, shortProblem, statedRateText } from '../../handlers/format.ts';
import { statusText } from '../../handlers/reminders.ts';
import type { OutboxStats } from '../outbox/queue.ts';
import type { Entry } from '../outbox/schema.ts';
import type { TaskService } from '../reminders/service.ts';
import type { Task } from '../../data/deadlines/task.ts';
import { deadlineInstant } from '../../data/deadlines/plan.ts';
import { type Html, html, raw, shanghai } from './html.ts';

/**
 * The dashboard's region page, server-rendered: the round's numbers for a region (the same
 * functions as /rate), its sub-regions ranked (chart + table, each name a link one level down),
 * the trend, the failed items with veto marks, responsible units and how long they have been
 * failing, the rectification deadlines, and the outbox's health. Charts are the /chart code's
 * SVG, inline; every chart has a table beside it. Pure: data in, HTML out.
 */
export interface PageInput {
  data: Dataset;
  region: Region;
  view: RoundView;
  now: Date;
  /** 1-based page of the failures table. */
  page: number;
  tasks?: TaskService | undefined;
  outbox?: OutboxSnapshot | undefined;
}

/** The outbox's counts and dead letters, already read (routes.ts). */
export interface OutboxSnapshot {
  stats(): OutboxStats;
  deadLetters(): Entry[];
}

/** Rows of the failures table per page: a national round lists thousands. */
export const FAILURES_PER_PAGE = 100;
/** Tasks listed at most (overdue first); the counts cover them all. */
export const TASKS_SHOWN = 100;

const channelName: Record<Channel, string> = { website: d.website, newmedia: d.newmedia };

export function regionLink(region: Region, roundKey: string): string {
  return `/r/${encodeURIComponent(region.id)}?round=${encodeURIComponent(roundKey)}`;
}

export function regionPage(p: PageInput): { title: string; body: Html } {
  const { data, region, view } = p;
  const title = d.pageTitle(region.name, periodLabel(view.round.period));
  const body = html`
<nav class="crumbs" aria-label="地区层级">${crumbs(data, region, view)}</nav>
<h1>${title}</h1>
<p class="rounds">${d.rounds}${roundLinks(data, region, view)}</p>
${isSample(view.round) ? html`<p class="sample" role="note">${d.sample}</p>` : ''}
${summary(data, region, view)}
${ranking(data, region, view)}
${trend(data, region, view)}
${failures(data, region, view, p.page)}
${deadlines(p)}
${outbox(p.outbox)}
<footer><p>${d.source(view.round.issuer, view.round.title, view.round.issuedOn)}</p><p>${d.generated(shanghai(p.now))}</p></footer>`;
  return { title, body };
}

function crumbs(data: Dataset, region: Region, view: RoundView): Html {
  const chain: Region[] = [];
  for (let r: Region | undefined = region; r; r = data.regions.parentOf(r)) chain.unshift(r);
  return html`${chain.map((r, i) =>
    i === chain.length - 1
      ? html`<span aria-current="page">${r.name}</span>`
      : html`<a href="${regionLink(r, view.round.key)}">${r.name}</a> › `,
  )}`;
}

function roundLinks(data: Dataset, region: Region, view: RoundView): Html {
  return html`${data.roundsFor(region.id).map((v) =>
    v === view
      ? html`<strong>${periodLabel(v.round.period)}</strong>`
      : html`<a href="${regionLink(region, v.round.key)}">${periodLabel(v.round.period)}</a>`,
  )}`;
}

function rateCells(t: RegionTally | undefined): Html {
  if (!t) return html`<td class="n">—</td><td class="n">—</td><td class="n">—</td>`;
  // A notice that stated only a rate: its rate, and no counts.
  if (!counted(t))
    return html`<td class="n">${t.checked ?? '—'}</td><td class="n">—</td><td class="n">${t.rate ? statedRateText(t.rate) : '—'}</td>`;
  return html`<td class="n">${t.checked}</td><td class="n">${t.failed}</td><td class="${t.failed > 0 ? 'n rate bad' : 'n'}">${percent(t.failed, t.checked)}</td>`;
}

function summary(data: Dataset, region: Region, view: RoundView): Html {
  const prev = data.previousRound(view, region.id);
  const rows = channels.map((ch) => {
    const t = data.tally(view, region.id, ch);
    const before = prev ? data.tally(prev, region.id, ch) : undefined;
    const a = t && passRateOf(t);
    const b = before && passRateOf(before);
    const change =
      a === undefined || b === undefined
        ? d.noPrevious
        : d.changePoints(Math.round((a - b) * 100) / 100, periodLabel(prev?.round.period ?? ''));
    if (!t) return html`<tr><th scope="row">${channelName[ch]}</th><td colspan="6" class="muted">—</td></tr>`;
    const head = html`<th scope="row">${channelName[ch]}${t.summed ? d.summed : ''}</th><td class="n">${t.total ?? '—'}</td><td class="n">${t.checked ?? '—'}</td>`;
    if (!counted(t))
      return html`<tr>${head}<td class="n">—</td><td class="n">${t.rate ? statedRateText(t.rate) : '—'}</td><td class="n">—</td><td>${change}</td></tr>`;
    return html`<tr>${head}<td class="n">${t.failed}</td><td class="n">${percent(t.checked - t.failed, t.checked)}</td><td class="${t.failed > 0 ? 'n rate bad' : 'n'}">${percent(t.failed, t.checked)}</td><td>${change}</td></tr>`;
  });
  return html`<section id="summary"><h2>${d.summary}</h2><table><thead><tr><th scope="col">${d.channel}</th><th scope="col">${d.total}</th><th scope="col">${d.checked}</th><th scope="col">${d.failed}</th><th scope="col">${d.passRate}</th><th scope="col">${d.failRate}</th><th scope="col">${d.change}</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function ranking(data: Dataset, region: Region, view: RoundView): Html {
  const chart = chartFor(data, { kind: 'rank', regionId: region.id, roundKey: view.round.key });
  if (!chart?.rank) return html`<section id="ranking"><h2>${d.ranking}</h2><p class="muted">${d.rankNone}</p></section>`;
  // The table lists every sub-region with data, in the website ranking's order, then the rest.
  const order: Region[] = [];
  const seen = new Set<string>();
  for (const ch of channels)
    for (const row of chart.rank[ch]?.rows ?? [])
      if (!seen.has(row.region.id)) {
        seen.add(row.region.id);
        order.push(row.region);
      }
  const rows = order.map((r) => {
    const w = data.tally(view, r.id, 'website');
    const n = data.tally(view, r.id, 'newmedia');
    return html`<tr><th scope="row"><a href="${regionLink(r, view.round.key)}">${r.name}</a></th>${rateCells(w)}${rateCells(n)}</tr>`;
  });
  return html`<section id="ranking"><h2>${d.ranking}</h2>
<figure><div role="img" aria-label="${d.chartAlt(chart.title)}">${raw(chart.drawing.svg)}</div><figcaption>${d.chartAlt(chart.title)}</figcaption></figure>
<table><thead><tr><th scope="col" rowspan="2">${d.region}</th><th scope="colgroup" colspan="3">${d.website}</th><th scope="colgroup" colspan="3">${d.newmedia}</th></tr><tr>${channels.map(() => html`<th scope="col">${d.checked}</th><th scope="col">${d.failed}</th><th scope="col">${d.failRate}</th>`)}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

function trend(data: Dataset, region: Region, view: RoundView): Html {
  const chart = chartFor(data, { kind: 'trend', regionId: region.id, roundKey: view.round.key });
  const rows = chart?.trend ?? [];
  if (!chart || rows.length < 2)
    return html`<section id="trend"><h2>${d.trend}</h2><p class="muted">${d.trendNone}</p></section>`;
  const cell = (c: { passRate: string; failed?: number | undefined; checked?: number | undefined } | undefined) =>
    c
      ? html`<td class="n">${c.passRate}${c.failed !== undefined && c.checked !== undefined ? `（${c.failed}/${c.checked}）` : ''}</td>`
      : html`<td class="n">—</td>`;
  return html`<section id="trend"><h2>${d.trend}</h2>
<figure><div role="img" aria-label="${d.chartAlt(chart.title)}">${raw(chart.drawing.svg)}</div><figcaption>${d.chartAlt(chart.title)}</figcaption></figure>
<table><thead><tr><th scope="col">${d.period}</th><th scope="col">${d.website}${d.passRate}</th><th scope="col">${d.newmedia}${d.passRate}</th></tr></thead><tbody>${rows.map(
    (r) => html`<tr><th scope="row">${periodLabel(r.period)}</th>${cell(r.website)}${cell(r.newmedia)}</tr>`,
  )}</tbody></table></section>`;
}

function failures(data: Dataset, region: Region, view: RoundView, page: number): Html {
  const all = data
    .failures(view, region.id)
    .sort((a, b) => (a.channel === b.channel ? 0 : a.channel === 'website' ? -1 : 1));
  const head = html`<h2>${d.failures(all.length)}</h2>`;
  if (all.length === 0) return html`<section id="failures">${head}<p>${d.failuresNone}</p></section>`;
  const pages = Math.max(1, Math.ceil(all.length / FAILURES_PER_PAGE));
  const at = Math.min(Math.max(1, page), pages);
  const first = (at - 1) * FAILURES_PER_PAGE;
  const rows = all.slice(first, first + FAILURES_PER_PAGE).map((f, i) => {
    const streak = streakOf(data, view, f);
    const since =
      streak.rounds >= 2 ? d.failingSince(streak.rounds, periodLabel(streak.since.round.period)) : d.firstTime;
    return html`<tr><td class="n">${first + i + 1}</td><td>${channelName[f.channel]}</td><td>${f.subject}</td><td>${f.platform ?? ''}</td><td>${shortProblem(f.problem)}</td><td>${f.veto ? html`<span class="veto" title="${d.veto}">${d.vetoMark}</span>` : ''}</td><td>${f.unitName ?? ''}</td><td>${since}</td></tr>`;
  });
  const link = (n: number) => `${regionLink(region, view.round.key)}&page=${n}#failures`;
  const pager =
    pages > 1
      ? html`<p class="pager">${at > 1 ? html`<a href="${link(at - 1)}" rel="prev">${d.prev}</a>` : ''}<span>${d.page(at, pages)}</span>${at < pages ? html`<a href="${link(at + 1)}" rel="next">${d.next}</a>` : ''}</p>`
      : '';
  return html`<section id="failures">${head}<table><thead><tr><th scope="col">${d.no}</th><th scope="col">${d.kind}</th><th scope="col">${d.subject}</th><th scope="col">${d.platform}</th><th scope="col">${d.problem}</th><th scope="col">${d.veto}</th><th scope="col">${d.unit}</th><th scope="col">${d.failingFor}</th></tr></thead><tbody>${rows}</tbody></table>${pager}</section>`;
}

/** Plain code-point order: a national round sorts 3,300 tasks, which a collator makes slow. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Derived tasks per data set, kept briefly: a national data set has ~26,000 across its rounds. */
const taskCache = new WeakMap<Dataset, { at: number; tasks: Task[] }>();
/** A /done shows on the dashboard within this long. */
export const TASKS_FRESH_MS = 10_000;

function allTasks(service: TaskService, data: Dataset, now: Date): Task[] {
  const hit = taskCache.get(data);
  if (hit && Math.abs(now.getTime() - hit.at) < TASKS_FRESH_MS) return hit.tasks;
  const tasks = service.tasks(data);
  taskCache.set(data, { at: now.getTime(), tasks });
  return tasks;
}

function deadlines(p: PageInput): Html {
  const head = html`<h2>${d.deadlines}</h2>`;
  if (!p.tasks) return html`<section id="deadlines">${head}<p class="muted">${d.deadlinesOff}</p></section>`;
  const inRegion = new Set(p.data.failures(p.view, p.region.id).map((f) => f.id));
  const service = p.tasks;
  const tasks = allTasks(service, p.data, p.now).filter((t) => t.round.key === p.view.round.key && inRegion.has(t.id));
  if (tasks.length === 0) return html`<section id="deadlines">${head}<p>${d.deadlinesNone}</p></section>`;
  // Counted by the deadline's instant; working days are worked out only for the rows shown.
  const late = (t: Task) => t.deadline !== undefined && p.now.getTime() >= deadlineInstant(t.deadline).getTime();
  const byDeadline = (a: Task, b: Task) =>
    cmp(a.deadline?.date ?? '9999', b.deadline?.date ?? '9999') || cmp(a.unitName, b.unitName);
  const overdue = tasks.filter((t) => !t.done && late(t)).sort(byDeadline);
  const open = tasks.filter((t) => !t.done && !late(t)).sort(byDeadline);
  const done = tasks.filter((t) => t.done);
  const shown = [...overdue, ...open, ...done].slice(0, TASKS_SHOWN);
  // The status depends on the deadline alone, and a round's tasks mostly share one.
  const statuses = new Map<string, ReturnType<typeof statusText>>();
  const statusOf = (task: Task) => {
    const key = `${task.deadline?.date ?? ''} ${task.deadline?.time ?? ''}`;
    let status = statuses.get(key);
    if (!status) {
      status = statusText(task, p.now, service.calendar);
      statuses.set(key, status);
    }
    return status;
  };
  const rows = shown.map((task) => {
    const status = task.done ? undefined : statusOf(task);
    const cls = status ? (status.overdue ? 'overdue' : '') : 'done';
    const text = status ? status.text : d.doneAt(shanghai(task.done?.at ?? ''));
    const due = task.deadline ? `${task.deadline.date}${task.deadline.time ? ` ${task.deadline.time}` : ''}` : '—';
    return html`<tr class="${cls}"><td>${task.unitName}</td><td>${task.failure.subject}</td><td>${due}</td><td class="${cls}">${text}</td></tr>`;
  });
  return html`<section id="deadlines">${head}<ul class="stats"><li><b>${open.length}</b>${d.deadlineOpen}</li><li class="overdue"><b>${overdue.length}</b>${d.deadlineOverdue}</li><li class="done"><b>${done.length}</b>${d.deadlineDone}</li></ul>
<table><thead><tr><th scope="col">${d.unit}</th><th scope="col">${d.subject}</th><th scope="col">${d.deadline}</th><th scope="col">${d.status}</th></tr></thead><tbody>${rows}</tbody></table>${tasks.length > shown.length ? html`<p class="muted">${d.deadlinesMore(shown.length, tasks.length)}</p>` : ''}</section>`;
}

function outbox(report: OutboxSnapshot | undefined): Html {
  const head = html`<h2>${d.outbox}</h2>`;
  if (!report) return html`<section id="outbox">${head}<p class="muted">${d.outboxOff}</p></section>`;
  const s = report.stats();
  const dead = report.deadLetters().slice(-20).reverse();
  return html`<section id="outbox">${head}<ul class="stats"><li><b>${s.pending}</b>${d.pending}</li><li><b>${s.sending}</b>${d.sending}</li><li><b>${s.sent}</b>${d.sent}</li><li class="${s.dead > 0 ? 'overdue' : ''}"><b>${s.dead}</b>${d.dead}</li></ul>
${s.oldestPendingAt ? html`<p>${d.oldest(shanghai(s.oldestPendingAt))}</p>` : ''}
${dead.length > 0 ? html`<h3>${d.deadList}</h3><table><thead><tr><th scope="col">${d.group}</th><th scope="col">${d.kind}</th><th scope="col">${d.reason}</th><th scope="col">${d.time}</th></tr></thead><tbody>${dead.map((e) => html`<tr><td>${e.groupId}</td><td>${e.kind}</td><td>${e.dead?.reason ?? ''}</td><td>${e.dead ? shanghai(e.dead.at) : ''}</td></tr>`)}</tbody></table>` : ''}</section>`;
}
