import path from 'node:path';
import { AppError } from '../../data/errors.ts';
import { cliReplaceWording, replacementPreview } from '../../data/import/diff.ts';
import { planSheets } from '../../data/import/sheet/index.ts';
import { previewLines } from '../../data/import/sheet/preview.ts';
import { sheetPreviewText as px } from '../../data/import/text/sheet.ts';
import type { InspectionStore } from '../../data/store.ts';
import type { ImportService } from '../imports.ts';
import { progressBar } from './progress.ts';

export interface SheetImportArgs {
  files: string[];
  apply: boolean;
  /** Allows a replacement of a stored round that drops failures or regions. */
  replace?: boolean;
  period?: string;
  scope?: string;
  now: Date;
}

export interface SheetImportDeps {
  store: InspectionStore;
  /** Absent for a preview. */
  imports?: ImportService;
  print: (line: string) => void;
  /** Where the progress bar is drawn (a TTY); omitted in tests. */
  progress?: NodeJS.WriteStream;
}

/**
 * `npm run import -- 名册.xlsx [--apply]` for .xlsx/.csv files: preview, then (with --apply) the
 * register write and the round through ImportService, so alerts fire as for any import.
 * Returns the exit code: 0 done or previewed, 1 refused (every problem printed).
 */
export async function runSheetImport(args: SheetImportArgs, deps: SheetImportDeps): Promise<number> {
  const bar = deps.progress ? progressBar(deps.progress) : undefined;
  const data = deps.store.dataset();
  let plan: Awaited<ReturnType<typeof planSheets>>;
  try {
    const opts: Parameters<typeof planSheets>[2] = { now: args.now };
    if (args.period) opts.period = args.period;
    if (args.scope) opts.scope = args.scope;
    if (bar) opts.onProgress = (p) => bar.update(p);
    plan = await planSheets(args.files, data, opts);
  } catch (err) {
    bar?.done();
    if (err instanceof AppError && err.expose) {
      for (const line of err.message.split('\n')) deps.print(line);
      return 1;
    }
    throw err;
  }
  bar?.done();
  for (const line of previewLines(plan, data, args.files.length)) deps.print(line);
  if (plan.round)
    for (const line of replacementPreview(plan.round.write.roundFile, data, plan.round.write.newRegions, cliReplaceWording))
      deps.print(line);
  if (!args.apply || !deps.imports) {
    deps.print(px.previewOnly);
    return 0;
  }
  if (plan.register) {
    const source = args.files.map((f) => path.basename(f)).join('、');
    const r = await deps.imports.applyRegister(plan.register, args.now, { source });
    deps.print(px.registerApplied(r.added, r.updated));
  }
  if (plan.round) {
    try {
      const outcome = await deps.imports.apply(plan.round.write, args.now, {
        replace: args.replace ?? false,
      });
      deps.print(outcome.changed ? px.applied(outcome.roundKey) : px.unchanged(outcome.roundKey));
    } catch (err) {
      if (err instanceof AppError && err.expose) {
        for (const line of err.message.split('\n')) deps.print(line);
        return 1;
      }
      throw err;
    }
  }
  return 0;
}

/**
 * The CLI entry for spreadsheets: `--period=2020Q1` and `--scope=福建省` override the 说明 sheet.
 * `imports` given: --apply writes through it; absent: a preview only.
 */
export async function runSheetCli(
  argv: string[],
  files: string[],
  deps: { store: InspectionStore; imports?: ImportService },
  out: (line: string) => void,
  progress?: NodeJS.WriteStream,
): Promise<number> {
  const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const args: SheetImportArgs = {
    files,
    apply: deps.imports !== undefined,
    replace: argv.includes('--replace'),
    now: new Date(),
  };
  const period = option('period');
  const scope = option('scope');
  if (period) args.period = period;
  if (scope) args.scope = scope;
  return runSheetImport(args, {
    store: deps.store,
    ...(deps.imports ? { imports: deps.imports } : {}),
    print: out,
    ...(progress ? { progress } : {}),
  });
}
