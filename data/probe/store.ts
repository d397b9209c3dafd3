import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { addDays } from '../deadlines/time.ts';
import { writeFileAtomic } from '../json-file.ts';
import type { DayTally } from './availability.ts';
import { columnKinds } from './freshness.ts';

/**
 * What probing keeps: per site, its daily try tallies (14 days, enough for the week counted and
 * the week in progress) and the latest reading of its homepage and columns; and the warnings
 * already announced (site, rule, level) so a recovery is told once. Small: one JSON document,
 * written atomically, by the one process that probes.
 */
const tallySchema = z.object({
  date: z.string(),
  tries: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  blocked: z.number().int().nonnegative(),
});
export const readingSchema = z.object({
  at: z.string(),
  homepage: z.object({ newest: z.string().optional() }).optional(),
  columns: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(columnKinds),
      periodDays: z.number().optional(),
      read: z.object({ blank: z.boolean(), newest: z.string().optional(), items: z.number() }).optional(),
      unreadable: z.string().optional(),
    }),
  ),
});
export type SiteReading = z.infer<typeof readingSchema>;
const fileSchema = z.object({
  version: z.literal(1),
  tallies: z.record(z.string(), z.array(tallySchema)).default({}),
  readings: z.record(z.string(), readingSchema).default({}),
  /** `${siteId}|${rule}` → the level last announced (warn/veto) and when. */
  announced: z.record(z.string(), z.object({ level: z.string(), date: z.string() })).default({}),
});
type ProbeFile = z.infer<typeof fileSchema>;

export const KEEP_DAYS = 14;

export interface ProbeStore {
  tallies(siteId: string): DayTally[];
  record(siteId: string, date: string, outcome: 'ok' | 'failed' | 'blocked'): void;
  reading(siteId: string): SiteReading | undefined;
  setReading(siteId: string, reading: SiteReading): void;
  announced(siteId: string, rule: string): { level: string; date: string } | undefined;
  setAnnounced(siteId: string, rule: string, entry: { level: string; date: string } | undefined): void;
  /** Drops tallies older than KEEP_DAYS before `today` and writes the document. */
  flush(today: string): Promise<void>;
}

export class FileProbeStore implements ProbeStore {
  private constructor(
    readonly file: string,
    private doc: ProbeFile,
  ) {}

  static async open(dataDir: string): Promise<FileProbeStore> {
    const file = path.join(dataDir, 'probe.json');
    let doc: ProbeFile = { version: 1, tallies: {}, readings: {}, announced: {} };
    try {
      doc = fileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`store: ${file}: ${(err as Error).message}`);
    }
    return new FileProbeStore(file, doc);
  }

  /** A store that never writes (dry runs, tests). */
  static memory(): FileProbeStore {
    return new FileProbeStore('', { version: 1, tallies: {}, readings: {}, announced: {} });
  }

  tallies(siteId: string): DayTally[] {
    return this.doc.tallies[siteId] ?? [];
  }

  record(siteId: string, date: string, outcome: 'ok' | 'failed' | 'blocked'): void {
    const days = this.doc.tallies[siteId] ?? [];
    this.doc.tallies[siteId] = days;
    let day = days.find((d) => d.date === date);
    if (!day) {
      day = { date, tries: 0, failed: 0, blocked: 0 };
      days.push(day);
      days.sort((a, b) => a.date.localeCompare(b.date));
    }
    if (outcome === 'blocked') day.blocked++;
    else {
      day.tries++;
      if (outcome === 'failed') day.failed++;
    }
  }

  reading(siteId: string): SiteReading | undefined {
    return this.doc.readings[siteId];
  }

  setReading(siteId: string, reading: SiteReading): void {
    this.doc.readings[siteId] = reading;
  }

  announced(siteId: string, rule: string) {
    return this.doc.announced[`${siteId}|${rule}`];
  }

  setAnnounced(siteId: string, rule: string, entry: { level: string; date: string } | undefined): void {
    if (entry) this.doc.announced[`${siteId}|${rule}`] = entry;
    else delete this.doc.announced[`${siteId}|${rule}`];
  }

  async flush(today: string): Promise<void> {
    const oldest = addDays(today, -KEEP_DAYS);
    for (const [id, days] of Object.entries(this.doc.tallies)) {
      const kept = days.filter((d) => d.date >= oldest);
      if (kept.length) this.doc.tallies[id] = kept;
      else delete this.doc.tallies[id];
    }
    if (this.file) await writeFileAtomic(this.file, `${JSON.stringify(this.doc)}\n`);
  }
}
