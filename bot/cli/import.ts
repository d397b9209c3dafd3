import {
  checkSize,
  type FileFacts,
  FileRefusedError,
  inspectFile,
  misnamed,
  refusal,
} from '../../data/import/file-kind.ts';
import { AppError } from '../../data/errors.ts';
import type { NoticeSource } from '../../data/import/notice.ts';
import { cliReplaceWording } from '../../data/import/diff.ts';
import { previewNotice } from '../../data/import/preview.ts';
import { IssuerNotFound } from '../../data/import/refusal.ts';
import { NOTICE_MAX_BYTES, type NoticeText, noticeReaders, sheetKinds } from '../../data/import/readers.ts';
import path from 'node:path';
import { importText as tx } from '../../data/import/text/notice.ts';
import { openStore } from '../../data/open-store.ts';
import type { InspectionStore } from '../../data/store.ts';
import { loadConfig } from '../config.ts';
import { ImportService } from '../imports.ts';
import { createLogger } from '../logger.ts';
import { runSheetCli } from './sheet-import.ts';
import { throughWriter } from './writer.ts';

/**
 * `npm run import -- <file> [--apply [--replace]]`: shows what the importer understood (and, when
 * the round is stored already, what would change) and writes nothing until --apply. A replacement
 * that drops failures or regions also needs --replace. Exit codes: 0 done or previewed, 1 refused
 * (the message names every problem's line), 2 usage.
 *
 * A preview reads the data directory as it stands (read-only). `--apply` writes through the one
 * writer (bot/cli/writer.ts): inside the running bot when one runs — so its answers change at once
 * and its alerts and reminder tasks follow — else under the directory's lock in this process.
 */
export async function runImport(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  const config = loadConfig(env);
  // npm run starts scripts in the package folder; INIT_CWD is where the user typed the command.
  const cwd = env.INIT_CWD ?? process.cwd();
  const progress = process.stderr;
  if (!argv.includes('--apply')) {
    const opened = await openStore(config, { oneShot: true, readOnly: true });
    try {
      return await importCommand(argv, { store: opened.store, cwd, progress }, out);
    } finally {
      await opened.close();
    }
  }
  const log = createLogger(config.LOG_LEVEL);
  return throughWriter({
    dataDir: config.dataDir,
    command: 'import',
    // The bot runs elsewhere: it gets absolute paths (the value of --issuer is a name, not a path).
    argv: argv.map((a, i) =>
      a.startsWith('--') || argv[i - 1] === '--issuer' || argv[i - 1] === '--period' ? a : path.resolve(cwd, a),
    ),
    out,
    alone: async () => {
      const opened = await openStore(config, { oneShot: true, warn: (m) => log.warn(m), note: (m) => log.info(m) });
      const store = opened.store;
      try {
        return await importCommand(argv, { store, imports: new ImportService(store, log), cwd, progress }, out);
      } finally {
        await opened.close();
      }
    },
  });
}

export interface ImportCommandDeps {
  store: InspectionStore;
  /** The apply path; absent for a preview. */
  imports?: ImportService;
  /** Where relative paths start. */
  cwd: string;
  /** Where a spreadsheet's progress bar is drawn (a terminal); absent inside the bot. */
  progress?: NodeJS.WriteStream;
}

/** The import command over a given store: what `npm run import` runs, here or inside the bot. */
export async function importCommand(
  argv: string[],
  deps: ImportCommandDeps,
  out: (line: string) => void,
): Promise<number> {
  const apply = argv.includes('--apply');
  const replace = argv.includes('--replace');
  const { value: issuer, rest: afterIssuer } = option(argv, 'issuer');
  const { value: period, rest } = option(afterIssuer, 'period');
  const given = rest.filter((a) => !a.startsWith('--'));
  if (given.length === 0 || issuer === '' || period === '') {
    out(tx.usage);
    return 2;
  }
  const { cwd, store } = deps;
  let files: FileFacts[];
  try {
    files = await Promise.all(given.map((f) => inspectFile(f, cwd)));
  } catch (err) {
    if (err instanceof FileRefusedError) {
      out(err.message);
      return 1;
    }
    throw err;
  }
  const isSheet = (f: FileFacts) => sheetKinds.includes(f.kind) && !misnamed(f);
  // Spreadsheets (.xlsx/.csv, several files allowed) take their own path: bot/cli/sheet-import.ts.
  if (files.every(isSheet))
    return runSheetCli(
      argv,
      files.map((f) => f.path),
      apply && deps.imports ? { store, imports: deps.imports } : { store },
      out,
      deps.progress,
    );
  // One notice at a time; a file neither importer reads is refused by name.
  const file = files.find((f) => !isSheet(f)) as FileFacts;
  const read = noticeReaders[file.kind];
  if (read && !misnamed(file) && files.length > 1) {
    out(tx.usage);
    return 2;
  }
  if (!read || misnamed(file)) {
    out(refusalOf(file).message);
    return 1;
  }
  try {
    checkSize(file, NOTICE_MAX_BYTES);
  } catch (err) {
    out((err as FileRefusedError).message);
    return 1;
  }
  let read0: NoticeText;
  try {
    read0 = await read(file);
  } catch (err) {
    out(err instanceof FileRefusedError ? err.message : tx.readFailed(file.given, (err as Error).message));
    return 1;
  }
  try {
    const source: NoticeSource = {
      ...read0,
      file: file.name,
      ...(issuer !== undefined ? { issuer } : {}),
      ...(period !== undefined ? { period } : {}),
    };
    const { plan, lines } = previewNotice(source, store.dataset(), new Date(), cliReplaceWording);
    for (const line of lines) out(line);
    out('');
    if (!apply || !deps.imports) {
      out(tx.reportPreview);
      return 0;
    }
    const outcome = await deps.imports.apply(plan.write, new Date(), { replace });
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
    if (err instanceof AppError && err.expose) {
      for (const line of err.message.split('\n')) out(line);
      if (err instanceof IssuerNotFound) out(tx.issuerHowCli(file.given));
      return 1;
    }
    throw err;
  }
}

/**
 * `--issuer 六安市` / `--issuer=六安市` (supplies or overrides the issuer), `--period 2025Q1` (the
 * period): the value and the other arguments; an empty value is a usage error.
 */
function option(argv: string[], name: 'issuer' | 'period'): { value?: string; rest: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) {
      value = (argv[i + 1] ?? '').trim();
      i++;
    } else if (a.startsWith(`--${name}=`)) value = a.slice(`--${name}=`.length).trim();
    else rest.push(a);
  }
  return value === undefined ? { rest } : { value, rest };
}

/** Every kind either importer reads, for the refusal's list of what would work. */
function refusalOf(file: FileFacts): FileRefusedError {
  const sheets = Object.fromEntries(sheetKinds.map((k) => [k, async () => undefined]));
  return refusal(file, { ...noticeReaders, ...sheets });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await runImport(process.argv.slice(2), process.env, (l) => console.log(l));
  } catch (err) {
    // A reader or the store failed in a way nobody foresaw: one line, never a stack trace.
    console.log(tx.failed(err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)));
    process.exitCode = 1;
  }
}
