import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../data/errors.ts';
import { ImportRefused } from '../../data/import/refusal.ts';
import type { Dataset } from '../../data/dataset.ts';
import { type NoticeSource, parseNotice } from '../../data/import/notice.ts';
import { LowStore } from '../../data/store.ts';
import { factsFromImport } from './adapter.ts';
import { type CorpusNotice, loadCorpus } from './facts.ts';
import { type CorpusScore, type ImportOutcome, type NoticeScore, scoreCorpus, scoreNotice } from './score.ts';

/** The moment every notice is imported at: fixed, so a run is repeatable. */
export const CORPUS_NOW = new Date('2026-12-01T09:00:00+08:00');

/**
 * Imports one notice through the real importer as a preview (nothing is written) and maps the
 * result, or the refusal, for the scorer. A notice whose text does not name its issuer is given
 * the facts file's `importIssuer`, as an operator would with `--issuer`; one that gives no year for
 * its round, `importPeriod`, as with `--period`.
 */
export function importForScore(notice: CorpusNotice, data: Dataset, now: Date = CORPUS_NOW): ImportOutcome {
  const src: NoticeSource & { issuer?: string } = { text: notice.text, file: path.basename(notice.file) };
  if (notice.expected.importIssuer) src.issuer = notice.expected.importIssuer;
  if (notice.expected.importPeriod) src.period = notice.expected.importPeriod;
  try {
    const { report } = parseNotice(src, data, now);
    const learned = new Map(report.newRegions.map((r) => [r.id, r.name]));
    return { facts: factsFromImport(report, (id) => learned.get(id) ?? data.regions.get(id)?.name) };
  } catch (err) {
    // The importer's own message, which names the line (第N行) when it knows one.
    if (err instanceof ImportRefused) return { refused: err.lines.join('\n') };
    if (err instanceof AppError && err.expose) return { refused: err.message };
    throw err;
  }
}

/**
 * Scores every fixture notice against its facts file. Each notice is imported into the dataset
 * of a fresh store (the register a new deployment starts with), in a temporary directory that is
 * removed afterwards; no import is applied.
 */
export async function runCorpus(
  notices: CorpusNotice[] = loadCorpus(),
  now: Date = CORPUS_NOW,
): Promise<CorpusScore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-bot-corpus-'));
  const store = await LowStore.open(dir);
  try {
    const data = store.dataset();
    return scoreCorpus(notices.map((n) => scoreNotice(n.name, n.expected, importForScore(n, data, now))));
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The report `npm run corpus` prints: one line per notice, its misses below, the total last. */
export function renderCorpus(result: CorpusScore, opts: { misses: boolean } = { misses: true }): string[] {
  const out: string[] = [];
  const width = Math.max(...result.notices.map((n) => n.name.length), 10);
  for (const n of result.notices) out.push(...renderNotice(n, width, opts.misses));
  out.push(
    '',
    `corpus: ${result.notices.length} notices, ${result.matched} of ${result.stated} stated facts matched` +
      `${result.spurious > 0 ? ` (+${result.spurious} spurious)` : ''}: ${pct(result.score)}`,
  );
  return out;
}

function renderNotice(n: NoticeScore, width: number, misses: boolean): string[] {
  const head = `${pct(n.score).padStart(6)}  ${`${n.matched}/${n.stated}`.padStart(7)}${n.spurious ? ` +${n.spurious}` : ''}  ${n.name.padEnd(width)}`;
  const lines = [n.refused ? `${head}  refused` : head];
  if (misses) for (const m of n.misses) lines.push(`          - ${m}`);
  return lines;
}

/**
 * `npm run corpus [-- <part of a name>…] [--summary]`: every fixture, or those whose name contains
 * one of the words (`npm run corpus -- hainan 2025-`); --summary leaves out the misses.
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const words = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const notices = loadCorpus().filter((n) => words.length === 0 || words.some((w) => n.name.includes(w)));
  const result = await runCorpus(notices);
  for (const line of renderCorpus(result, { misses: !process.argv.includes('--summary') })) console.log(line);
}
