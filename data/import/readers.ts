import { readFile } from 'node:fs/promises';
import type { FileKind, FileReaders } from './file-kind.ts';

/**
 * Which kinds of file (data/import/file-kind.ts, decided by content) each importer reads.
 * A notice reader turns a file into the notice's text; new formats plug in here by kind.
 */
export const noticeReaders: FileReaders<string> = {
  text: (file) => readFile(file.path, 'utf8'),
};

/**
 * A notice is a few pages: the shipped one is 20 KB of text, a scanned PDF a few MB. Anything
 * past this is refused before it is read (a file held whole in memory to be parsed).
 */
export const NOTICE_MAX_BYTES = 20 * 1024 * 1024;

/** Spreadsheets go to data/import/sheet by path; these kinds are what it reads. */
export const sheetKinds: readonly FileKind[] = ['xlsx', 'csv'];
