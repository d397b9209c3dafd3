import type { ImportReport } from '../../data/import/notice.ts';
import type { Channel, Tally } from '../../data/schema.ts';
import type { ChannelFacts, FactChannel, Facts, FailureFact, RegionRow } from './facts.ts';

const CHANNEL: Record<Channel, FactChannel> = { website: 'website', newmedia: 'newMedia' };

/**
 * The importer's result in the facts shape, so the scorer can compare it with a hand-written
 * facts file. The one place that knows the importer's result contract: when the importer learns
 * more (stated rates, regions under their real parent), this function is what follows it.
 *
 * - issuer: the name of the region the round is scoped to (not the office's name);
 * - channels: the scope region's tally row, else the sum of the channel's rows;
 * - passRate: the rate the notice stated when the tally carries one, else derived from counts;
 * - regions: every other tally row, by region name;
 * - failures and mentions: as listed; deadline: the round's.
 */
export function factsFromImport(report: ImportReport, regionName: (id: string) => string | undefined): Facts {
  const { round } = report;
  const facts: Facts = { title: round.title, period: round.period };
  const issuer = regionName(round.scopeRegionId);
  if (issuer) facts.issuer = issuer;

  const channels: NonNullable<Facts['channels']> = {};
  const regions: RegionRow[] = [];
  for (const channel of ['website', 'newmedia'] as const) {
    const rows = report.tallies.filter((t) => t.channel === channel) ;
    if (rows.length === 0) continue;
    const own = rows.find((t) => t.regionId === round.scopeRegionId);
    channels[CHANNEL[channel]] = own ? countsOf(own) : countsOf(sum(rows));
    for (const t of rows) {
      if (t === own) continue;
      regions.push({
        region: regionName(t.regionId) ?? t.regionId,
        channel: CHANNEL[channel],
        ...countsOf(t),
      });
    }
  }
  if (Object.keys(channels).length > 0) facts.channels = channels;
  if (regions.length > 0) facts.regions = regions;

  facts.failures = report.failures.map((f) => {
    const out: FailureFact = {
      channel: CHANNEL[f.channel],
      name: f.subject,
      region: f.regionText,
      problem: f.problem,
    };
    if (f.platform) out.platform = f.platform;
    return out;
  });
  facts.mentions = report.mentions.map((m) => m.name);
  if (round.deadline)
    facts.deadline = round.deadline.time ? { ...round.deadline } : { date: round.deadline.date };
  return facts;
}

function countsOf(t: Tally): ChannelFacts {
  const out: ChannelFacts = {};
  if (t.total !== undefined) out.total = t.total;
  if (t.checked !== undefined) out.checked = t.checked;
  if (t.failed !== undefined) out.failed = t.failed;
  // The rate the notice printed (a failure rate turned into the pass rate; a bound is no rate),
  // else the rate the counts give.
  if (t.rate && !t.rate.bound) out.passRate = t.rate.kind === 'pass' ? t.rate.value : 100 - t.rate.value;
  else if (t.checked !== undefined && t.failed !== undefined && t.checked > 0)
    out.passRate = ((t.checked - t.failed) / t.checked) * 100;
  return out;
}

function sum(rows: Tally[]): Tally {
  const first = rows[0] as Tally;
  const add = (k: 'total' | 'checked' | 'failed') =>
    rows.reduce<number | undefined>((n, t) => (n === undefined || t[k] === undefined ? undefined : n + (t[k] as number)), 0);
  const out: Tally = { regionId: first.regionId, channel: first.channel };
  for (const k of ['total', 'checked', 'failed'] as const) {
    const v = add(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
