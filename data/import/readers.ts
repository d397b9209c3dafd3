import { readFile } from 'node:fs/promises';
import type { FileKind, FileReaders } from './file-kind.ts';

/**
 * Which kinds of file (data/import/file-kind.ts, decided by content) each importer reads.
 * A notice reader turns a file into the notice's text; new formats plug in here by kind.
 */
export const noticeReaders: FileReaders<string> = {
  text: (file) => readFile(file.path, 'utf8'),
};

/** Spreadsheets go to data/import/sheet by path; these kinds are what it reads. */
export const sheetKinds: readonly FileKind[] = ['xlsx', 'csv'];
