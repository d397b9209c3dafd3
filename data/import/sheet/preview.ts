import { sheetPreviewText as px, sheetText as tx } from '../text/sheet.ts';
import type { Dataset } from '../../dataset.ts';
import type { SheetPlan } from './index.ts';

/** What an import would do, as lines for the terminal: shown before anything is written. */
export function previewLines(plan: SheetPlan, data: Dataset, files: number): string[] {
  const lines = [px.read(files, plan.rows, (plan.bytes / 1e6).toFixed(1))];
  for (const t of plan.tables) {
    const where = [t.file, t.sheet].filter(Boolean).join(' ');
    if (t.kind === 'ignored') {
      lines.push(px.ignoredTable(where));
      continue;
    }
    lines.push(px.table(where, tx.tableNames[t.kind], t.rows));
    if (t.ignoredHeaders.length > 0) lines.push(px.ignoredColumns(t.ignoredHeaders));
  }
  if (plan.unknownMeta.length > 0) lines.push(px.unknownMeta(plan.unknownMeta));
  const learned = plan.register?.newRegions ?? plan.round?.write.newRegions ?? [];
  const fresh = learned.filter((r) => !data.regions.get(r.id));
  if (fresh.length > 0) lines.push(px.newRegions(fresh.map((r) => data.regions.describe(r))));
  if (plan.register) {
    const { units, sites, accounts } = plan.register;
    lines.push(px.register(units.length, sites.length, accounts.length));
    const known = new Set([
      ...data.register.units.map((u) => u.id),
      ...data.register.sites.map((s) => s.id),
      ...data.register.accounts.map((a) => a.id),
    ]);
    const all = [...units, ...sites, ...accounts];
    const updated = all.filter((x) => known.has(x.id)).length;
    lines.push(px.registerAdds(all.length - updated, updated));
    const watched = sites.filter((s) => s.columns?.length);
    const columns = watched.reduce((n, s) => n + (s.columns?.length ?? 0), 0);
    if (columns > 0) lines.push(px.siteColumns(columns, watched.length));
  }
  if (plan.round) {
    const { round, tallies, failures } = plan.round.write.roundFile;
    lines.push(px.round(round.key, round.title));
    if (round.deadline)
      lines.push(
        px.deadline(`${round.deadline.date}${round.deadline.time ? ` ${round.deadline.time}` : ''}`),
      );
    const sites = failures.filter((f) => f.channel === 'website').length;
    lines.push(px.tallies(tallies.length, sites, failures.length - sites));
  }
  return lines;
}
