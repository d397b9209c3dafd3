import type { Dataset, RoundView } from '../../data/dataset.ts';
import { nameKey } from '../../data/normalize.ts';
import type { Failure } from '../../data/schema.ts';
import type { Scope } from './subscriptions.ts';

/** What one round means for one group's scope. Pure. */
export interface ScopeScan {
  /** Failures in scope, with the number of consecutive rounds (this one included) they failed. */
  failures: Array<{ failure: Failure; streak: number }>;
  /** Failures of the previous round in scope that this round no longer lists. */
  recovered: Failure[];
  /** Whether the round covers any part of the scope (an all-clear only makes sense then). */
  relevant: boolean;
}

/** The same site or account across rounds: channel, platform and name. */
export function subjectKey(f: Failure): string {
  return `${f.channel}|${f.platform ?? ''}|${nameKey(f.subject)}`;
}

export function inScope(f: Failure, scope: Scope, data: Dataset): boolean {
  if (scope.regions.some((r) => data.regions.within(f.regionId, r))) return true;
  if (!f.unitName && !f.unitId) return false;
  return scope.units.some((name) => {
    if (f.unitName && nameKey(f.unitName) === nameKey(name)) return true;
    const unit = data.unit(name);
    return (
      unit !== undefined &&
      (f.unitId === unit.id || (f.unitName !== undefined && data.unit(f.unitName) === unit))
    );
  });
}

/**
 * Mentions (通报批评, 表扬, 扣分情形) live apart from failures in a round file and are never read
 * here: they must not be presented as failures (domain.md §0.6).
 */
export function scanRound(data: Dataset, view: RoundView, scope: Scope): ScopeScan {
  const scopeId = view.round.scopeRegionId;
  const history: Array<Set<string>> = [];
  for (let prev = data.previousRound(view, scopeId); prev; prev = data.previousRound(prev, scopeId)) {
    history.push(new Set(prev.file.failures.map(subjectKey)));
  }
  const failures = view.file.failures
    .filter((f) => inScope(f, scope, data))
    .map((failure) => {
      const key = subjectKey(failure);
      let streak = 1;
      while (streak - 1 < history.length && history[streak - 1]!.has(key)) streak++;
      return { failure, streak };
    });
  const now = new Set(view.file.failures.map(subjectKey));
  const previous = data.previousRound(view, scopeId);
  const recovered = previous
    ? previous.file.failures.filter((f) => inScope(f, scope, data) && !now.has(subjectKey(f)))
    : [];
  return { failures, recovered, relevant: covers(data, scopeId, scope) };
}

function covers(data: Dataset, roundScope: string, scope: Scope): boolean {
  const overlaps = (id: string) => data.regions.within(id, roundScope) || data.regions.within(roundScope, id);
  if (scope.regions.some(overlaps)) return true;
  return scope.units.some((name) => {
    const regionId = data.unit(name)?.regionId;
    return regionId !== undefined && overlaps(regionId);
  });
}
