import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalCoordinator } from '../../../bot/coordination.ts';
import { PoliteFetcher } from '../../../bot/probe/fetch.ts';
import { PoliteLimiter } from '../../../bot/probe/limiter.ts';
import { ProbeLoop, type TryEvent } from '../../../bot/probe/loop.ts';
import { PgCoordinator } from '../../../data/pg/coordinator.ts';
import { PgProbeStore } from '../../../data/pg/probe-store.ts';
import { FileProbeStore, type ProbeStore } from '../../../data/probe/store.ts';
import type { Coordinator } from '../../../data/pg/coordinator.ts';
import type { Site } from '../../../data/schema.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { FakeClock } from '../../support/clock.ts';
import { freshSchema, withPostgres } from '../../support/postgres.ts';
import { type ProbeSites, startProbeSites } from '../../support/probe-sites.ts';

const today = '2024-05-15';
const midnight = Date.parse('2024-05-15T00:00:00+08:00');
const nextMidnight = Date.parse('2024-05-16T00:00:00+08:00');
const at = (hhmm: string) => Date.parse(`${today}T${hhmm}:00+08:00`);

let web: ProbeSites;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  web = await startProbeSites(today, 300);
});
afterAll(() => web.close());
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function sites(): Site[] {
  const s = (id: string, p: string, columns: Site['columns'] = []): Site => ({
    id,
    name: `站点${id}`,
    url: `${web.base}${p}`,
    regionId: '350100',
    kind: 'portal',
    columns,
  });
  return [
    s('portal', '/', [{ name: '工作动态', url: `${web.base}/col/news` }]),
    s('down', '/error500'),
    s('waf', '/waf412'),
    s('gbk', '/home', [{ name: '通知公告', url: `${web.base}/col/gbk` }]),
    // Registered without a homepage: nothing to probe.
    { id: 'nourl', name: '无网址', regionId: '350100', kind: 'department' },
  ];
}

/** A site whose homepage takes 300 ms to answer. */
const slowSite = (id = 'slow', name = '慢站'): Site => ({
  id,
  name,
  url: `${web.base}/slow`,
  regionId: '350100',
  kind: 'portal',
});

function fetcher(): PoliteFetcher {
  // Politeness has its own tests (limiter.test.ts); here every site is on 127.0.0.1, so the
  // per-address spacing is 0 to play a day in seconds.
  return new PoliteFetcher({
    userAgent: 'inspection-bot/0.1 (+mailto:ops@example.gov.cn)',
    limiter: new PoliteLimiter({ global: 8, perHost: 2, spacingMs: 0 }),
    limitMs: 5_000,
  });
}

/** Plays up to the first try and returns once it is in flight. */
async function untilInFlight(clock: FakeClock, loop: ProbeLoop): Promise<void> {
  await play(clock, [loop], loop.nextTry()!.getTime());
  while (loop.active === 0) await new Promise((r) => setTimeout(r, 5));
}

function loopOn(
  clock: FakeClock,
  store: ProbeStore,
  events: TryEvent[],
  extra: { coordinator?: Coordinator; fetcher?: PoliteFetcher; stopGraceMs?: number } = {},
) {
  const list = sites();
  return new ProbeLoop({
    sites: () => list,
    store,
    fetcher: extra.fetcher ?? fetcher(),
    coordinator: extra.coordinator ?? new LocalCoordinator(),
    log: silentLogger,
    clock,
    schedule: { perDay: 24, jitterMs: 5 * 60_000 },
    flushEveryMs: 3600_000,
    ...(extra.stopGraceMs !== undefined ? { stopGraceMs: extra.stopGraceMs } : {}),
    onTry: (t) => events.push(t),
  });
}

/** Moves the virtual clock timer by timer up to `until`, letting the loops settle in between. */
async function play(clock: FakeClock, loops: ProbeLoop[], until: number): Promise<void> {
  for (;;) {
    await Promise.all(loops.map((l) => l.idle()));
    const next = clock.nextTimer();
    if (next === undefined || next >= until) {
      clock.advance(until - clock.now());
      return;
    }
    clock.step();
  }
}

const columnReads = () => web.seen.filter((u) => u.startsWith('/col/')).length;
const count = (events: TryEvent[], id: string) => events.filter((e) => e.siteId === id).length;
const key = (e: TryEvent) => `${e.siteId}@${e.scheduled}`;

describe('ProbeLoop', () => {
  it('probes every site 24 times in a simulated day, one try per hourly slot, and reads its columns once', async () => {
    const clock = new FakeClock(midnight);
    const store = FileProbeStore.memory();
    const events: TryEvent[] = [];
    const loop = loopOn(clock, store, events);
    const readsBefore = columnReads();
    loop.start();
    await play(clock, [loop], nextMidnight);
    await loop.stop();

    expect(store.tallies('portal')).toEqual([{ date: today, tries: 24, failed: 0, blocked: 0 }]);
    expect(store.tallies('down')).toEqual([{ date: today, tries: 24, failed: 24, blocked: 0 }]);
    // A firewall's refusal is no try of the site: reported apart, never counted as down.
    expect(store.tallies('waf')).toEqual([{ date: today, tries: 0, failed: 0, blocked: 24 }]);
    expect(store.tallies('gbk')).toEqual([{ date: today, tries: 24, failed: 0, blocked: 0 }]);
    expect(store.tallies('nourl')).toEqual([]);
    for (const id of ['portal', 'down', 'waf', 'gbk']) {
      const hours = events
        .filter((e) => e.siteId === id)
        .map((e) => Math.floor((e.scheduled - midnight) / 3600_000));
      expect(hours).toEqual(Array.from({ length: 24 }, (_, h) => h));
    }
    // Each request went out at its scheduled time (the virtual clock stands still meanwhile).
    for (const e of events) expect(e.started).toBe(e.scheduled);
    // One reading a day per site: each registered column page fetched once.
    expect(columnReads() - readsBefore).toBe(2);
    expect(
      events
        .filter((e) => e.read)
        .map((e) => e.siteId)
        .sort(),
    ).toEqual(['down', 'gbk', 'portal', 'waf']);
    expect(store.reading('portal')?.columns[0]?.read?.newest).toBe('2024-05-12');
    expect(store.reading('gbk')?.columns[0]?.read?.newest).toBe('2024-05-09');
    expect(store.reading('portal')?.homepage?.newest).toBe('2024-05-13');
  });

  it('does not repeat or make up tries when restarted mid-day', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'probe-loop-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const clock = new FakeClock(midnight);
    const first: TryEvent[] = [];
    const a = loopOn(clock, await FileProbeStore.open(dir), first);
    a.start();
    await play(clock, [a], at('11:30'));
    await a.stop();

    // The bot was down for two hours; the tries due then are gone, not made up in a burst.
    clock.advance(at('13:30') - clock.now());
    const store = await FileProbeStore.open(dir);
    const second: TryEvent[] = [];
    const b = loopOn(clock, store, second);
    b.start();
    await play(clock, [b], nextMidnight);
    await b.stop();

    expect(Math.min(...second.map((e) => e.scheduled))).toBeGreaterThanOrEqual(at('13:30'));
    const all = [...first, ...second];
    expect(new Set(all.map(key)).size).toBe(all.length);
    for (const id of ['portal', 'down', 'gbk']) {
      const missed = 24 - count(all, id);
      // Two hourly slots fell in the gap (the slot of 11:xx or 13:xx may fall either side of it).
      expect(missed).toBeGreaterThanOrEqual(1);
      expect(missed).toBeLessThanOrEqual(3);
      expect((await FileProbeStore.open(dir)).tallies(id)[0]?.tries).toBe(count(all, id));
    }
    // Each site's columns were read once that day, whichever side of the restart its read slot fell.
    expect(
      all
        .filter((e) => e.read)
        .map((e) => e.siteId)
        .sort(),
    ).toEqual(['down', 'gbk', 'portal', 'waf']);
  });

  it('lets a try in flight finish when stopped, and tallies it', async () => {
    const clock = new FakeClock(midnight);
    const store = FileProbeStore.memory();
    const events: TryEvent[] = [];
    const slow = slowSite();
    const loop = new ProbeLoop({
      sites: () => [slow],
      store,
      fetcher: fetcher(),
      coordinator: new LocalCoordinator(),
      log: silentLogger,
      clock,
      onTry: (t) => events.push(t),
    });
    loop.start();
    // Up to the first try: it is launched and the page takes 300 ms to answer.
    await untilInFlight(clock, loop);
    const t0 = Date.now();
    await loop.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(store.tallies('slow')).toEqual([{ date: today, tries: 1, failed: 0, blocked: 0 }]);
    expect(events).toHaveLength(1);
    expect(loop.nextTry()).toBeUndefined();
  });

  it('cuts a try still running after the grace and tallies it nowhere', async () => {
    const clock = new FakeClock(midnight);
    const store = FileProbeStore.memory();
    const slow = slowSite();
    const loop = new ProbeLoop({
      sites: () => [slow],
      store,
      fetcher: fetcher(),
      coordinator: new LocalCoordinator(),
      log: silentLogger,
      clock,
      stopGraceMs: 20,
    });
    loop.start();
    await untilInFlight(clock, loop);
    const t0 = Date.now();
    await loop.stop();
    expect(Date.now() - t0).toBeLessThan(250);
    // Cut by the stop, the try says nothing about the site.
    expect(store.tallies('slow')).toEqual([]);
  });

  it('waits for room instead of queueing without bound, and skips tries left more than 5 minutes behind', async () => {
    const clock = new FakeClock(midnight);
    const events: TryEvent[] = [];
    const slow = Array.from(
      { length: 5 },
      (_, i) => slowSite(`slow${i}`, `慢站${i}`),
    );
    const loop = new ProbeLoop({
      sites: () => slow,
      store: FileProbeStore.memory(),
      fetcher: fetcher(),
      coordinator: new LocalCoordinator(),
      log: silentLogger,
      clock,
      // One window per hour, so each site's first try of the day is due in the same window.
      windowMs: 3600_000,
      schedule: { perDay: 24, jitterMs: 0 },
      maxPending: 1,
      onTry: (t) => events.push(t),
    });
    cleanups.push(() => loop.stop());
    loop.start();
    await untilInFlight(clock, loop);
    // The fetcher falls six hours behind while the first try (a 300 ms page) is still running.
    clock.advance(6 * 3600_000);
    await loop.idle();
    expect(loop.active).toBe(0);
    expect(events[0]?.siteId).toBeDefined();
    // The other sites' first tries were hours late: skipped, not made late, and nothing piled up.
    expect(loop.skipped).toBeGreaterThanOrEqual(4);
    for (const e of events.slice(1)) expect(e.started - e.scheduled).toBeLessThanOrEqual(5 * 60_000);
    expect(events.filter((e) => e.scheduled < midnight + 3600_000)).toHaveLength(1);
  });

  it('probes a site registered mid-day from its next slot on', async () => {
    const clock = new FakeClock(midnight);
    const store = FileProbeStore.memory();
    const events: TryEvent[] = [];
    const [portal, , , gbk] = sites();
    let list: Site[] = [portal!];
    const loop = new ProbeLoop({
      sites: () => list,
      store,
      fetcher: fetcher(),
      coordinator: new LocalCoordinator(),
      log: silentLogger,
      clock,
      onTry: (t) => events.push(t),
    });
    loop.start();
    await play(clock, [loop], at('06:00'));
    // A register import swaps the list: the new site joins the schedule at once.
    list = [portal!, gbk!];
    await play(clock, [loop], nextMidnight);
    await loop.stop();
    expect(count(events, 'portal')).toBe(24);
    const added = events.filter((e) => e.siteId === 'gbk');
    expect(added.length).toBeGreaterThanOrEqual(17);
    expect(added.length).toBeLessThanOrEqual(19);
    expect(Math.min(...added.map((e) => e.scheduled))).toBeGreaterThanOrEqual(at('06:00'));
  });

  it('writes the tallies when stopped', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'probe-loop-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const clock = new FakeClock(at('09:00'));
    const loop = loopOn(clock, await FileProbeStore.open(dir), []);
    loop.start();
    await play(clock, [loop], at('12:00'));
    await loop.stop();
    expect((await FileProbeStore.open(dir)).tallies('portal')).toEqual([
      { date: today, tries: 3, failed: 0, blocked: 0 },
    ]);
  });
});

describe.runIf(withPostgres)('ProbeLoop on PostgreSQL', () => {
  it('makes each try once when two instances share the database', async () => {
    const db = await freshSchema();
    cleanups.push(db.drop);
    const clock = new FakeClock(midnight);
    const storeA = await PgProbeStore.open(db.pool);
    const storeB = await PgProbeStore.open(db.pool);
    const events: TryEvent[][] = [[], []];
    const opts = { url: db.url, schema: db.schema };
    const a = loopOn(clock, storeA, events[0]!, { coordinator: new PgCoordinator(db.pool, opts, 'a') });
    const b = loopOn(clock, storeB, events[1]!, { coordinator: new PgCoordinator(db.pool, opts, 'b') });
    a.start();
    b.start();
    await play(clock, [a, b], at('12:00'));
    await Promise.all([a.stop(), b.stop()]);

    const all = [...events[0]!, ...events[1]!];
    expect(new Set(all.map(key)).size).toBe(all.length);
    for (const id of ['portal', 'down', 'gbk']) expect(count(all, id)).toBe(12);
    // The counters add up across instances in the database.
    const fresh = await PgProbeStore.open(db.pool);
    expect(fresh.tallies('portal')).toEqual([{ date: today, tries: 12, failed: 0, blocked: 0 }]);
    expect(fresh.tallies('down')).toEqual([{ date: today, tries: 12, failed: 12, blocked: 0 }]);
    expect(fresh.tallies('waf')).toEqual([{ date: today, tries: 0, failed: 0, blocked: 12 }]);
  });
});
