import { ImportError } from './refusal.ts';
import { importText as tx } from './text/notice.ts';
import type { Channel, Region, StatedRate, Tally } from '../schema.ts';
import type { ImportContext } from './notice.ts';
import { places } from './places.ts';
import type { ProseRegionRate, ProseTally } from './prose.ts';
import type { NumberCell, TallyRow, TallyTable } from './tables.ts';

/** Rates are compared at the precision the notice wrote them: 4% against 4.00%, 0.46% against 0.4598%. */
export function rateAgrees(statedPercent: number, decimals: number, computedPercent: number): boolean {
  const step = 10 ** -decimals;
  return (
    Math.abs(statedPercent - computedPercent) <= step / 2 + 1e-9 ||
    Math.abs(statedPercent - computedPercent) < step
  );
}

function value(cell: NumberCell | undefined): number | undefined {
  return cell?.value ?? undefined;
}

/** Turns a region table's rows into tallies: region rows resolved (or learned), 合计 as the scope's own row. */
/** A table row's tally: all three counts are known. */
type CountedTally = Tally & { total: number; checked: number; failed: number };

export function tallyRows(table: TallyTable, channel: Channel, ctx: ImportContext): Tally[] {
  const out: CountedTally[] = [];
  const seen = new Map<string, number>();
  let totalRow: { row: TallyRow; tally: CountedTally } | undefined;
  for (const row of table.rows) {
    const region = row.total ? ctx.scope : regionOfRow(row, ctx);
    const tally = toTally(row, region, channel, ctx);
    if (row.total) {
      totalRow = { row, tally };
      continue;
    }
    if (seen.has(region.id))
      throw new ImportError(tx.duplicateRegion(row.name, seen.get(region.id) as number), row.line);
    seen.set(region.id, row.line);
    out.push(tally);
  }
  if (totalRow) {
    const sum = (k: 'total' | 'checked' | 'failed') => out.reduce((n, t) => n + t[k], 0);
    for (const k of ['total', 'checked', 'failed'] as const) {
      if (out.length > 0 && sum(k) !== totalRow.tally[k]) {
        ctx.warnings.push(tx.sumDiffers(totalRow.row.line, channel, k, totalRow.tally[k], sum(k)));
      }
    }
    out.push(totalRow.tally);
  } else if (out.length > 0) {
    ctx.notes.push(tx.noTotalRow(channel));
  }
  return out;
}

function regionOfRow(row: TallyRow, ctx: ImportContext): Region {
  const known = ctx.learner.resolve(row.name, ctx.scope.id);
  if (known) return known;
  const placed = ctx.learner.placeWithin(row.name, ctx.scope, places());
  if (placed) return placed;
  const region = ctx.learner.learn(row.name, ctx.scope.id);
  return region;
}

function toTally(row: TallyRow, region: Region, channel: Channel, ctx: ImportContext): CountedTally {
  const c = row.cells;
  const total = value(c.total) ?? value(c.checked);
  const checked = value(c.checked) ?? total;
  const failedDirect = value(c.failed);
  const passed = value(c.passed);
  const failed =
    failedDirect ?? (checked !== undefined && passed !== undefined ? checked - passed : undefined);
  if (total === undefined || checked === undefined || failed === undefined) {
    throw new ImportError(tx.rowMissingNumbers(row.name), row.line);
  }
  if (checked > total)
    throw new ImportError(tx.checkedOverTotal(row.name, checked, total), c.checked?.line ?? row.line);
  if (failed > checked || failed < 0)
    throw new ImportError(tx.failedOverChecked(row.name, failed, checked), c.failed?.line ?? row.line);
  if (passed !== undefined && failedDirect !== undefined && passed + failedDirect !== checked) {
    ctx.warnings.push(tx.passFailDiffers(row.line, row.name, passed, failedDirect, checked));
  }
  for (const kind of ['failRate', 'passRate'] as const) {
    const cell = c[kind];
    if (!cell || cell.value === null || checked === 0) continue;
    const computed = ((kind === 'failRate' ? failed : checked - failed) / checked) * 100;
    if (!rateAgrees(cell.value, cell.decimals, computed)) {
      ctx.warnings.push(tx.rateDiffers(cell.line, row.name, kind === 'failRate', cell.value, computed));
    }
  }
  return { regionId: region.id, channel, total, checked, failed };
}

type Count = 'total' | 'checked' | 'failed';

function exact100(rate: StatedRate | undefined): boolean {
  return !!rate && !rate.bound && ((rate.kind === 'pass' && rate.value === 100) || (rate.kind === 'fail' && rate.value === 0));
}

/**
 * The overall numbers a notice states in prose, as the scope region's tally. Counts follow from
 * others only exactly (合格826 + 不合格16 → 检查842; 检查14, 合格11 → 不合格3; 全部合格 or 合格率100% →
 * 不合格0; 全覆盖 → 检查 = 运行) and are listed in `derived`; a rate alone stays a rate, no count is
 * made up from it.
 */
export function proseTally(p: ProseTally, scope: Region, ctx: ImportContext): Tally | undefined {
  const derived = new Set<Count>();
  let { total, checked, failed } = p;
  const { passed } = p;
  if (failed === undefined && p.allPassed) failed = 0;
  // 8家…存在问题 with 合格率94.3% of 134: the problems are the failures when the rate says so.
  const base = checked ?? (p.fullCoverage ? total : undefined);
  if (failed === undefined && p.withProblems !== undefined && p.rate && !p.rate.bound && base) {
    const computed = ((p.rate.kind === 'fail' ? p.withProblems : base - p.withProblems) / base) * 100;
    if (rateAgrees(p.rate.value, p.rate.decimals, computed)) {
      failed = p.withProblems;
      derived.add('failed');
    }
  }
  if (failed === undefined && exact100(p.rate)) {
    failed = 0;
    derived.add('failed');
  }
  if (checked === undefined && passed !== undefined && failed !== undefined) {
    checked = passed + failed;
    derived.add('checked');
  }
  if (checked === undefined && total !== undefined && p.fullCoverage) {
    checked = total;
    derived.add('checked');
  }
  if (failed === undefined && passed !== undefined && checked !== undefined) {
    failed = checked - passed;
    derived.add('failed');
  }
  if (checked === undefined && failed === 0 && passed === undefined && total !== undefined && p.allPassed) {
    checked = total;
    derived.add('checked');
  }
  if (total === undefined && checked !== undefined && p.fullCoverage) {
    total = checked;
    derived.add('total');
  }
  if (total === undefined && checked === undefined && failed === undefined && !p.rate && p.platforms.length === 0)
    return undefined;
  if ((failed !== undefined && checked !== undefined && failed > checked) || (checked !== undefined && total !== undefined && checked > total) || (failed !== undefined && failed < 0))
  {
    // The text contradicts itself (a garbled copy, a slip in the notice): say so, keep the rate it
    // states and no count — neither figure can be trusted over the other, and none is invented.
    ctx.warnings.push(tx.proseNumbersInconsistent(p.line, p.channel));
    total = checked = failed = undefined;
    derived.clear();
  }
  if (p.rate && checked !== undefined && failed !== undefined && checked > 0 && !p.rate.bound) {
    const computed = ((p.rate.kind === 'fail' ? failed : checked - failed) / checked) * 100;
    if (!rateAgrees(p.rate.value, p.rate.decimals, computed)) {
      ctx.warnings.push(tx.rateDiffers(p.line, scope.name, p.rate.kind === 'fail', p.rate.value, computed));
    }
  }
  const tally: Tally = { regionId: scope.id, channel: p.channel };
  if (total !== undefined) tally.total = total;
  if (checked !== undefined) tally.checked = checked;
  if (failed !== undefined) tally.failed = failed;
  if (p.rate) tally.rate = p.rate;
  if (derived.size > 0) tally.derived = (['total', 'checked', 'failed'] as const).filter((k) => derived.has(k));
  if (p.platforms.length > 0) tally.platforms = p.platforms.map((x) => ({ ...x }));
  return tally;
}

/** Rates a notice states for named regions, as those regions' tallies (rate only, no counts). */
export function regionRateTallies(
  rates: ProseRegionRate[],
  have: (regionId: string, channel: Channel) => boolean,
  ctx: ImportContext,
): Tally[] {
  const out: Tally[] = [];
  for (const r of rates) {
    if (!r.channel) continue;
    const region =
      ctx.learner.resolve(r.region, ctx.scope.id) ??
      ctx.learner.placeWithin(r.region, ctx.scope, places()) ??
      ctx.learner.learn(r.region, ctx.scope.id);
    if (region.id === ctx.scope.id || have(region.id, r.channel)) continue;
    if (out.some((t) => t.regionId === region.id && t.channel === r.channel)) continue;
    out.push({ regionId: region.id, channel: r.channel, rate: r.rate });
  }
  return out;
}

/** Prose figures against the table's totals row: a disagreement is a warning, never silent. */
export function checkTallies(rows: Tally[], prose: ProseTally, scope: Region, ctx: ImportContext): void {
  const own = rows.find((r) => r.regionId === scope.id);
  if (!own) return;
  const stated: Partial<Record<Count, number>> = {
    total: prose.total,
    checked: prose.checked,
    failed:
      prose.failed ??
      (prose.passed !== undefined && own.checked !== undefined ? own.checked - prose.passed : undefined),
  };
  for (const k of ['total', 'checked', 'failed'] as const) {
    const v = stated[k];
    const t = own[k];
    if (v !== undefined && t !== undefined && v !== t) ctx.warnings.push(tx.proseDiffers(prose.channel, k, v, t));
  }
}
