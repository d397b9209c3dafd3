import path from 'node:path';
import { sheetText as tx } from '../text/sheet.ts';
import type { Dataset } from '../../dataset.ts';
import type { RegisterWrite } from '../../store.ts';
import { buildRound, type RoundPlan } from '../build-round.ts';
import { ImportRegions } from '../import-regions.ts';
import { emptyDraft, type RoundDraft, type RoundMeta } from '../records.ts';
import { Problems } from '../refusal.ts';
import { buildRegister } from './build-register.ts';
import { Collector, type TableSummary } from './collect.ts';
import { readMeta } from './meta.ts';
import { type ReadProgress, readSheets } from './source.ts';

export { isSheetFile } from './source.ts';

export interface SheetOptions {
  /** Overrides the 说明 sheet's 期次 (the CLI's --period). */
  period?: string;
  /** Overrides its 通报范围 (--scope). */
  scope?: string;
  now: Date;
  onProgress?: (p: ReadProgress) => void;
}

/** What a spreadsheet import would write; nothing is written until the caller applies it. */
export interface SheetPlan {
  register?: RegisterWrite;
  round?: RoundPlan;
  tables: TableSummary[];
  /** 说明 keys nobody reads, shown in the preview. */
  unknownMeta: string[];
  rows: number;
  bytes: number;
}

/**
 * Reads .xlsx/.csv files of a register (地区, 网站, 新媒体 sheets) and/or round results (说明,
 * 汇总, 不合格网站, 不合格新媒体) into store writes. All or nothing: every bad cell is collected
 * and the whole import refused with ImportRefused listing row, column and reason.
 */
export async function planSheets(
  files: readonly string[],
  data: Dataset,
  opts: SheetOptions,
): Promise<SheetPlan> {
  const problems = new Problems();
  const collector = new Collector(problems);
  const read = await readSheets(files, (row) => collector.row(row), opts.onProgress);
  const { records } = collector;
  const meta: RoundMeta = {};
  const unknownMeta = readMeta(records.meta, meta);
  if (opts.period) meta.period = { text: opts.period, where: { path: '--period' } };
  if (opts.scope) meta.scope = { text: opts.scope, where: { path: '--scope' } };

  const regions = new ImportRegions(data.register.regions);
  regions.declare(records.regions, problems);
  const plan: SheetPlan = { tables: collector.summaries(), unknownMeta, rows: read.rows, bytes: read.bytes };
  const hasRound = records.tallies.length > 0 || records.failures.length > 0;
  let round: RoundPlan | undefined;
  if (hasRound) {
    const draft: RoundDraft = {
      ...emptyDraft({
        file: files.map((f) => path.basename(f)).join(', '),
        sha256: read.sha256,
        kind: 'sheet',
      }),
      meta,
      tallies: records.tallies,
      failures: records.failures,
    };
    round = buildRound(draft, regions, data, opts.now, problems);
  }
  const scopeId = meta.scope ? regions.find(meta.scope.text)?.id : undefined;
  if (records.regions.length > 0 || records.sites.length > 0 || records.siteColumns.length > 0 || records.accounts.length > 0) {
    plan.register = buildRegister(records, regions, data, scopeId, problems);
  }
  if (plan.tables.every((t) => t.kind === 'ignored'))
    problems.add({ file: files.map((f) => path.basename(f)).join(', ') }, tx.noTables);
  problems.throwIfAny();
  if (round) {
    // Regions the register part declared after the round was built belong to the round's write too.
    const newRegions = [...regions.learned];
    plan.round = { write: { ...round.write, newRegions }, report: { ...round.report, newRegions } };
  }
  return plan;
}
