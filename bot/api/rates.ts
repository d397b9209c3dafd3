import type { Dataset, RoundView } from '../../data/dataset.ts';
import { channels } from '../../data/schema.ts';
import { BotError, PayloadError } from '../errors.ts';

/** A region or round the query names does not exist → 404 with what does. */
export class NotFoundError extends BotError {
  constructor(message: string) {
    super(message, 'not_found', 404, true);
  }
}

export function roundSummary(data: Dataset, v: RoundView) {
  const r = v.round;
  return {
    key: r.key,
    period: r.period,
    scope: { id: r.scopeRegionId, name: data.regions.get(r.scopeRegionId)?.name ?? r.scopeRegionId },
    title: r.title,
    issuer: r.issuer,
    issuedOn: r.issuedOn ?? null,
    deadline: r.deadline ?? null,
    source: r.source.kind,
    importedAt: r.importedAt,
    tallies: v.file.tallies.length,
    failures: v.file.failures.length,
  };
}

/** Rates in percent with two decimals, or null when nothing was checked. */
const pct = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 100);

/**
 * GET /api/rates?region=&round=: both channels' counts and rates for a region in a round. `round`
 * is a key (2020Q1@35) or a period (2020Q1); without it, the latest round covering the region.
 * Without `region`, the round's scope.
 */
export function ratesFor(data: Dataset, regionText: string | undefined, roundText: string | undefined) {
  if (data.rounds.length === 0) throw new NotFoundError('api: no rounds imported yet');
  let view: RoundView | undefined;
  if (roundText) {
    view = data.rounds.filter((v) => v.round.key === roundText || v.round.period === roundText).at(-1);
    if (!view) throw new NotFoundError(`api: round ${roundText} not found; known: ${data.rounds.map((v) => v.round.key).join(', ')}`);
  }
  const scopeId = (view ?? data.rounds.at(-1)!).round.scopeRegionId;
  if (regionText && regionText.length > 100) throw new PayloadError('api: region is longer than 100 characters');
  const region = regionText ? data.regions.resolve(regionText, scopeId)?.region : data.regions.get(scopeId);
  if (!region) {
    const near = data.regions.suggest(regionText ?? '').map((r) => r.name);
    throw new NotFoundError(`api: region ${regionText} not found${near.length > 0 ? `; did you mean ${near.join(', ')}` : ''}`);
  }
  view ??= data.roundFor(region.id);
  if (!view) throw new NotFoundError(`api: no round reports on ${region.name}`);
  const rates: Record<string, unknown> = {};
  for (const ch of channels) {
    const t = data.tally(view, region.id, ch);
    rates[ch] = t
      ? t.checked !== undefined && t.failed !== undefined
        ? { ...t, passRate: pct(t.checked - t.failed, t.checked), failRate: pct(t.failed, t.checked) }
        : { ...t }
      : null;
  }
  return { round: view.round.key, period: view.round.period, region: { id: region.id, name: region.name }, rates };
}
