import { channelName, percent, periodLabel, statedRateText } from '../labels.ts';
import { importText as tx } from './text/notice.ts';
import type { RegionIndex } from '../regions.ts';
import { channels } from '../schema.ts';
import type { ImportReport } from './build-round.ts';

/** The preview `npm run import` prints: what was understood, then notes and warnings. */
export function renderReport(report: ImportReport, regions: RegionIndex): string[] {
  const name = (id: string) =>
    regions.get(id)?.name ?? report.newRegions.find((r) => r.id === id)?.name ?? id;
  const r = report.round;
  const out: string[] = [
    tx.reportTitle(r.title),
    tx.reportRound(r.key, periodLabel(r.period), name(r.scopeRegionId)),
    tx.reportIssuer(r.issuer, r.docNumber, r.issuedOn),
  ];
  if (r.resultsAsOf) out.push(tx.reportAsOf(r.resultsAsOf));
  out.push(
    r.deadline ? tx.reportDeadline(r.deadline.date, r.deadline.time, r.reportTo) : tx.reportNoDeadline,
  );
  for (const channel of channels) {
    const rows = report.tallies.filter((t) => t.channel === channel);
    if (rows.length === 0) continue;
    out.push('', tx.reportSection(channelName[channel]));
    for (const t of rows) {
      const count = (k: 'total' | 'checked' | 'failed') =>
        t[k] === undefined ? undefined : { n: t[k] as number, derived: t.derived?.includes(k) ?? false };
      const rate =
        t.checked !== undefined && t.failed !== undefined
          ? tx.reportFailRate(percent(t.failed, t.checked))
          : undefined;
      out.push(
        tx.reportTally(name(t.regionId), count('total'), count('checked'), count('failed'), rate, t.rate ? statedRateText(t.rate) : undefined),
      );
      for (const p of t.platforms ?? [])
        out.push(tx.reportPlatform(p.platform, p.total, p.rate ? statedRateText(p.rate) : undefined));
    }
    out.push(tx.reportSection(`不合格${channelName[channel]}`));
    const failed = report.failures.filter((f) => f.channel === channel);
    if (failed.length === 0) out.push(tx.reportFailuresNone);
    failed.forEach((f, i) => {
      out.push(tx.reportFailure(i + 1, name(f.regionId), f.subject, f.platform, f.problem, f.veto));
    });
  }
  if (report.mentions.length > 0) {
    out.push('', tx.reportSection('通报表扬或批评（不计为不合格）'));
    for (const m of report.mentions) out.push(tx.reportMention(m.kind, m.name));
  }
  if (report.newRegions.length > 0 || report.notes.length > 0 || report.warnings.length > 0) out.push('');
  for (const nr of report.newRegions)
    out.push(tx.reportNewRegion(nr.name, nr.parent ? name(nr.parent) : '—'));
  for (const n of report.notes) out.push(tx.reportNote(n));
  for (const w of report.warnings) out.push(tx.reportWarning(w));
  return out;
}
