import { ImportError } from '../../bot/errors.ts';
import { importText as tx } from '../../handlers/text.ts';
import type { Channel, Region, Tally } from '../schema.ts';
import type { ImportContext } from './notice.ts';
import { places } from './places.ts';
import type { ProseTally } from './prose.ts';
import type { NumberCell, TallyRow, TallyTable } from './tables.ts';

/** Rates are compared at the precision the notice wrote them: 4% against 4.00%, 0.46% against 0.4598%. */
function rateAgrees(statedPercent: number, decimals: number, computedPercent: number): boolean {
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
export function tallyRows(table: TallyTable, channel: Channel, ctx: ImportContext): Tally[] {
  const out: Tally[] = [];
  const seen = new Map<string, number>();
  let totalRow: { row: TallyRow; tally: Tally } | undefined;
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

function toTally(row: TallyRow, region: Region, channel: Channel, ctx: ImportContext): Tally {
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

/** The overall numbers a notice states in prose, as the scope region's tally. */
export function proseTally(p: ProseTally, scope: Region, ctx: ImportContext): Tally | undefined {
  const failed =
    p.failed ??
    (p.passed !== undefined && p.checked !== undefined ? p.checked - p.passed : undefined) ??
    (p.passed !== undefined && p.total !== undefined && p.fullCoverage ? p.total - p.passed : undefined);
  const checked = p.checked ?? (p.passed !== undefined && failed !== undefined ? p.passed + failed : p.total);
  const total = p.total ?? checked;
  if (failed === undefined || checked === undefined || total === undefined) return undefined;
  if (p.checked === undefined && p.passed === undefined && !p.fullCoverage)
    ctx.notes.push(tx.checkedAssumed(p.channel));
  if (failed > checked || checked > total)
    throw new ImportError(tx.proseNumbersInconsistent(p.channel), p.line);
  if (p.rate && checked > 0) {
    const computed = ((p.rate.kind === 'fail' ? failed : checked - failed) / checked) * 100;
    if (!rateAgrees(p.rate.value, p.rate.decimals, computed)) {
      ctx.warnings.push(tx.rateDiffers(p.line, scope.name, p.rate.kind === 'fail', p.rate.value, computed));
    }
  }
  return { regionId: scope.id, channel: p.channel, total, checked, failed };
}

/** Prose figures against the table's totals row: a disagreement is a warning, never silent. */
export function checkTallies(rows: Tally[], prose: ProseTally, scope: Region, ctx: ImportContext): void {
  const own = rows.find((r) => r.regionId === scope.id);
  if (!own) return;
  const stated: Partial<Record<'total' | 'checked' | 'failed', number>> = {
    total: prose.total,
    checked: prose.checked,
    failed: prose.failed ?? (prose.passed !== undefined ? own.checked - prose.passed : undefined),
  };
  for (const k of ['total', 'checked', 'failed'] as const) {
    const v = stated[k];
    if (v !== undefined && v !== own[k]) ctx.warnings.push(tx.proseDiffers(prose.channel, k, v, own[k]));
  }
}
