import { readNoticeFile } from '../../data/import/files/index.ts';
import { parseNotice } from '../../data/import/notice.ts';
import { isSheetFile } from '../../data/import/sheet/index.ts';
import { renderReport } from '../../data/import/report.ts';
import { LowStore } from '../../data/store.ts';
import { importText as tx } from '../../handlers/text.ts';
import { loadConfig } from '../config.ts';
import { BotError } from '../errors.ts';
import { ImportService } from '../imports.ts';
import { createLogger } from '../logger.ts';
import { runSheetCli } from './sheet-import.ts';

/**
 * `npm run import -- <file> [--apply]`: shows what the importer understood and writes nothing
 * until --apply. Exit codes: 0 done or previewed, 1 refused (the message names the line), 2 usage.
 */
export async function runImport(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  const apply = argv.includes('--apply');
  const { issuer, rest } = issuerOption(argv);
  if (issuer === '') {
    out(tx.usage);
    return 2;
  }
  const files = rest.filter((a) => !a.startsWith('--'));
  // Spreadsheets (.xlsx/.csv, several files allowed) take their own path: bot/cli/sheet-import.ts.
  if (files.length > 0 && files.every(isSheetFile)) return runSheetCli(argv, files, apply, env, out);
  const file = files[0];
  if (!file || files.length > 1) {
    out(tx.usage);
    return 2;
  }
  const config = loadConfig(env);
  const store = await LowStore.open(config.dataDir);
  try {
    const source = await readNoticeFile(file);
    if (issuer !== undefined) source.issuer = issuer;
    const plan = parseNotice(source, store.dataset(), new Date());
    for (const line of renderReport(plan.report, store.dataset().regions)) out(line);
    out('');
    if (!apply) {
      out(tx.reportPreview);
      return 0;
    }
    const service = new ImportService(store, createLogger(config.LOG_LEVEL));
    const outcome = await service.apply(plan.write, new Date());
    const key = outcome.roundKey;
    out(
      !outcome.changed
        ? tx.reportUnchanged(key)
        : outcome.replaced
          ? tx.reportReplaced(key)
          : tx.reportApplied(key),
    );
    return 0;
  } catch (err) {
    if (err instanceof BotError && err.expose) {
      out(err.message);
      return 1;
    }
    throw err;
  }
}

/** `--issuer 六安市` or `--issuer=六安市`; an empty value is a usage error. */
function issuerOption(argv: string[]): { issuer?: string; rest: string[] } {
  const rest: string[] = [];
  let issuer: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--issuer') {
      issuer = (argv[i + 1] ?? '').trim();
      i++;
    } else if (a.startsWith('--issuer=')) issuer = a.slice('--issuer='.length).trim();
    else rest.push(a);
  }
  return issuer === undefined ? { rest } : { issuer, rest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runImport(process.argv.slice(2), process.env, (l) => console.log(l));
}
