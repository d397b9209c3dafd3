import type { Dataset } from '../dataset.ts';
import { diffRounds, dropsData, type ReplaceWording, replacementPreview } from './diff.ts';
import { type ImportPlan, type NoticeSource, parseNotice } from './notice.ts';
import { renderReport } from './report.ts';
import type { SheetPlan } from './sheet/index.ts';

/** What a notice import would do, as the CLI prints it and the chat shows it before /apply. */
export interface NoticePreview {
  plan: ImportPlan;
  /** What the importer understood and its warnings, then (after a blank line) what a replacement changes. */
  lines: string[];
  /** Replacing the stored round would drop failures or regions: applying needs the explicit replace. */
  drops: boolean;
}

/**
 * Reads a notice against the data as it stands and renders the preview: the one function behind
 * `npm run import` and the chat's import (handlers/import.ts). Throws the importer's refusal
 * (ImportRefused, naming the line) when the text is not a notice it can read. `wording` is the
 * door's way of asking for the explicit replacement (diff.ts ReplaceWording).
 */
export function previewNotice(source: NoticeSource, data: Dataset, now: Date, wording: ReplaceWording): NoticePreview {
  const plan = parseNotice(source, data, now);
  const lines = renderReport(plan.report, data.regions);
  const replacing = replacementPreview(plan.write.roundFile, data, plan.write.newRegions, wording);
  if (replacing.length > 0) lines.push('', ...replacing);
  const stored = data.rounds.find((v) => v.round.key === plan.write.roundFile.round.key);
  return { plan, lines, drops: stored ? dropsData(diffRounds(stored.file, plan.write.roundFile)) : false };
}

/** What a spreadsheet import would do: the CLI's preview lines, and whether a replacement drops data. */
export interface SheetPreview {
  plan: SheetPlan;
  lines: string[];
  drops: boolean;
}

/**
 * Reads spreadsheets (.xlsx/.csv) against the data as it stands and renders the preview the CLI
 * prints (bot/cli/sheet-import.ts): tables read, register counts, the round, and what a
 * replacement of a stored round would change (`wording`: the door's). Throws ImportRefused naming
 * every bad cell.
 */
export async function previewSheets(
  files: readonly string[],
  data: Dataset,
  now: Date,
  wording: ReplaceWording,
): Promise<SheetPreview> {
  // The spreadsheet readers (exceljs, csv-parse) load only when a spreadsheet is read.
  const [{ planSheets }, { previewLines }] = await Promise.all([
    import('./sheet/index.ts'),
    import('./sheet/preview.ts'),
  ]);
  const plan = await planSheets(files, data, { now });
  const lines = previewLines(plan, data, files.length);
  let drops = false;
  if (plan.round) {
    const roundFile = plan.round.write.roundFile;
    lines.push(...replacementPreview(roundFile, data, plan.round.write.newRegions, wording));
    const stored = data.rounds.find((v) => v.round.key === roundFile.round.key);
    drops = stored ? dropsData(diffRounds(stored.file, roundFile)) : false;
  }
  return { plan, lines, drops };
}
