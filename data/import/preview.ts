import type { Dataset } from '../dataset.ts';
import { diffRounds, dropsData, type ReplaceWording, replacementPreview } from './diff.ts';
import { type ImportPlan, type NoticeSource, parseNotice } from './notice.ts';
import { renderReport } from './report.ts';

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
