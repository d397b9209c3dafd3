import type pg from 'pg';
import { addDays } from '../deadlines/time.ts';
import type { DayTally } from '../probe/availability.ts';
import { KEEP_DAYS, type ProbeStore, readingSchema, type SiteReading } from '../probe/store.ts';
import { inTransaction } from './connect.ts';
import { migrate } from './migrate.ts';

type Outcome = 'ok' | 'failed' | 'blocked';
interface Counts {
  tries: number;
  failed: number;
  blocked: number;
}
type Announced = { level: string; date: string };

/** Seconds of overlap when reloading rows changed since the last look (statements in flight then). */
const RELOAD_OVERLAP = '60 seconds';

/**
 * The ProbeStore in PostgreSQL (data/pg/migrations/005_probe.sql), for STORE=postgres. Reads are
 * answered from memory, like FileProbeStore's; a try adds to an unwritten delta, and flush()
 * writes the deltas of every site in one transaction (`tries = tries + Δ`, so instances probing
 * different windows add up instead of overwriting each other), deletes what is older than
 * KEEP_DAYS, then reads back what other instances changed since the last flush. A failed flush
 * keeps its deltas for the next one.
 */
export class PgProbeStore implements ProbeStore {
  private readonly days = new Map<string, DayTally[]>();
  private readonly readings = new Map<string, SiteReading>();
  private readonly notices = new Map<string, Announced>();
  private deltas = new Map<string, { siteId: string; date: string } & Counts>();
  private newReadings = new Map<string, SiteReading>();
  private newNotices = new Map<string, Announced | null>();
  /** Server time of the last reload. */
  private seen: string | undefined;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool): Promise<PgProbeStore> {
    await migrate(pool);
    const store = new PgProbeStore(pool);
    await store.reload();
    return store;
  }

  tallies(siteId: string): DayTally[] {
    return this.days.get(siteId) ?? [];
  }

  record(siteId: string, date: string, outcome: Outcome): void {
    const add: Counts =
      outcome === 'blocked'
        ? { tries: 0, failed: 0, blocked: 1 }
        : { tries: 1, failed: outcome === 'failed' ? 1 : 0, blocked: 0 };
    addTo(this.day(siteId, date), add);
    const key = `${siteId}|${date}`;
    const d = this.deltas.get(key) ?? { siteId, date, tries: 0, failed: 0, blocked: 0 };
    addTo(d, add);
    this.deltas.set(key, d);
  }

  reading(siteId: string): SiteReading | undefined {
    return this.readings.get(siteId);
  }

  setReading(siteId: string, reading: SiteReading): void {
    this.readings.set(siteId, reading);
    this.newReadings.set(siteId, reading);
  }

  announced(siteId: string, rule: string): Announced | undefined {
    return this.notices.get(`${siteId}|${rule}`);
  }

  setAnnounced(siteId: string, rule: string, entry: Announced | undefined): void {
    const key = `${siteId}|${rule}`;
    if (entry) this.notices.set(key, entry);
    else this.notices.delete(key);
    this.newNotices.set(key, entry ?? null);
  }

  /** Writes the deltas, drops days older than KEEP_DAYS, reads back other instances' changes. */
  flush(today: string): Promise<void> {
    const run = this.flushing.then(() => this.flushOnce(today));
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async flushOnce(today: string): Promise<void> {
    const deltas = [...this.deltas.values()];
    const readings = [...this.newReadings];
    const notices = [...this.newNotices];
    this.deltas = new Map();
    this.newReadings = new Map();
    this.newNotices = new Map();
    const oldest = addDays(today, -KEEP_DAYS);
    try {
      await inTransaction(this.pool, async (c) => {
        if (deltas.length > 0)
          await c.query(
            `INSERT INTO probe_tallies AS t (site_id, day, tries, failed, blocked)
             SELECT * FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::int[])
             ON CONFLICT (site_id, day) DO UPDATE SET
               tries = t.tries + EXCLUDED.tries, failed = t.failed + EXCLUDED.failed,
               blocked = t.blocked + EXCLUDED.blocked, updated_at = clock_timestamp()`,
            [
              deltas.map((d) => d.siteId),
              deltas.map((d) => d.date),
              deltas.map((d) => d.tries),
              deltas.map((d) => d.failed),
              deltas.map((d) => d.blocked),
            ],
          );
        if (readings.length > 0)
          await c.query(
            `INSERT INTO probe_readings (site_id, reading)
             SELECT * FROM unnest($1::text[], $2::jsonb[])
             ON CONFLICT (site_id) DO UPDATE SET reading = EXCLUDED.reading, updated_at = clock_timestamp()`,
            [readings.map(([id]) => id), readings.map(([, r]) => JSON.stringify(r))],
          );
        for (const [key, entry] of notices) {
          const [siteId, rule] = splitKey(key);
          if (entry)
            await c.query(
              `INSERT INTO probe_announced (site_id, rule, level, day) VALUES ($1, $2, $3, $4)
               ON CONFLICT (site_id, rule) DO UPDATE SET level = EXCLUDED.level, day = EXCLUDED.day`,
              [siteId, rule, entry.level, entry.date],
            );
          else await c.query('DELETE FROM probe_announced WHERE site_id = $1 AND rule = $2', [siteId, rule]);
        }
        await c.query('DELETE FROM probe_tallies WHERE day < $1::date', [oldest]);
      });
    } catch (err) {
      // Nothing was written: the deltas go back (with any counted meanwhile) for the next flush.
      for (const d of deltas) {
        const key = `${d.siteId}|${d.date}`;
        const now = this.deltas.get(key);
        if (now) addTo(now, d);
        else this.deltas.set(key, d);
      }
      for (const [id, r] of readings) if (!this.newReadings.has(id)) this.newReadings.set(id, r);
      for (const [key, e] of notices) if (!this.newNotices.has(key)) this.newNotices.set(key, e);
      throw err;
    }
    for (const [id, days] of this.days) {
      const kept = days.filter((d) => d.date >= oldest);
      if (kept.length) this.days.set(id, kept);
      else this.days.delete(id);
    }
    await this.reload();
  }

  /** Reads rows changed since the last reload (all of them the first time), under the unwritten deltas. */
  private async reload(): Promise<void> {
    const at = (await this.pool.query<{ at: string }>('SELECT clock_timestamp()::text AS at')).rows[0]!.at;
    const since = this.seen;
    const changed = since ? `WHERE updated_at > $1::timestamptz - interval '${RELOAD_OVERLAP}'` : '';
    const args = since ? [since] : [];
    const tallies = await this.pool.query<{ site_id: string; day: string } & Counts>(
      `SELECT site_id, to_char(day, 'YYYY-MM-DD') AS day, tries, failed, blocked FROM probe_tallies ${changed}`,
      args,
    );
    for (const r of tallies.rows) {
      const day = this.day(r.site_id, r.day);
      const pending = this.deltas.get(`${r.site_id}|${r.day}`);
      day.tries = r.tries + (pending?.tries ?? 0);
      day.failed = r.failed + (pending?.failed ?? 0);
      day.blocked = r.blocked + (pending?.blocked ?? 0);
    }
    const readings = await this.pool.query<{ site_id: string; reading: unknown }>(
      `SELECT site_id, reading FROM probe_readings ${changed}`,
      args,
    );
    for (const r of readings.rows) {
      if (this.newReadings.has(r.site_id)) continue;
      const parsed = readingSchema.safeParse(r.reading);
      if (parsed.success) this.readings.set(r.site_id, parsed.data);
    }
    // Few rows (sites with a warning out): read whole, so one withdrawn elsewhere is seen too.
    const notices = await this.pool.query<{ site_id: string; rule: string; level: string; day: string }>(
      'SELECT site_id, rule, level, day FROM probe_announced',
    );
    const fresh = new Map<string, Announced>();
    for (const r of notices.rows) fresh.set(`${r.site_id}|${r.rule}`, { level: r.level, date: r.day });
    for (const [key, e] of this.newNotices) {
      if (e) fresh.set(key, e);
      else fresh.delete(key);
    }
    this.notices.clear();
    for (const [k, v] of fresh) this.notices.set(k, v);
    this.seen = at;
  }

  private day(siteId: string, date: string): DayTally {
    const days = this.days.get(siteId) ?? [];
    this.days.set(siteId, days);
    let day = days.find((d) => d.date === date);
    if (!day) {
      day = { date, tries: 0, failed: 0, blocked: 0 };
      days.push(day);
      days.sort((a, b) => a.date.localeCompare(b.date));
    }
    return day;
  }
}

function addTo(into: Counts, add: Counts): void {
  into.tries += add.tries;
  into.failed += add.failed;
  into.blocked += add.blocked;
}

function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf('|');
  return [key.slice(0, i), key.slice(i + 1)];
}
