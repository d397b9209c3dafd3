import { readFile } from 'node:fs/promises';
import type { PdfText } from './files/pdf.ts';
import { decodeText } from './files/text.ts';
import { type FileFacts, type FileKind, FileRefusedError, type FileReaders } from './file-kind.ts';
import { fileText as tx } from './file-text.ts';

/** A notice file read into text, with what the file itself says about the notice. */
export interface NoticeText {
  text: string;
  format: 'txt' | 'docx' | 'pdf' | 'html';
  /** The page's or document's title, used when the text has none. */
  title?: string;
  /** The page's publication date (ISO), used when the text has no dated sign-off. */
  published?: string;
  /** The portal a saved page belongs to, one more place the text names when its issuer is unclear. */
  site?: string;
}

/** A file that reads but holds no text is refused like any other unreadable file. */
function withText(file: FileFacts, read: NoticeText): NoticeText {
  if (read.text.replace(/\s/g, '').length === 0) throw new FileRefusedError(tx.noText(file.given), 'empty');
  return read;
}

/**
 * Which kinds of file (data/import/file-kind.ts, decided by content) each importer reads.
 * Notices: text in UTF-8 or GBK (detected), Word .docx (mammoth), PDF with a text layer
 * (pdf-parse), a page saved from a government portal (node-html-parser + iconv-lite).
 */
export const noticeReaders: FileReaders<NoticeText> = {
  text: async (file) => withText(file, { text: decodeText(await readFile(file.path)).text, format: 'txt' }),
  docx: async (file) => {
    const bytes = await readFile(file.path);
    let text: string;
    try {
      // The Word, PDF and HTML libraries load only when such a file is read (a CLI start stays light).
      const { docxText } = await import('./files/docx.ts');
      text = await docxText(bytes);
    } catch {
      throw new FileRefusedError(tx.broken(file.given, tx.kindName.docx), 'unreadable');
    }
    return withText(file, { text, format: 'docx' });
  },
  pdf: async (file) => {
    const bytes = await readFile(file.path);
    let read: PdfText;
    try {
      const { pdfText } = await import('./files/pdf.ts');
      read = await pdfText(bytes);
    } catch {
      throw new FileRefusedError(tx.broken(file.given, tx.kindName.pdf), 'unreadable');
    }
    if (read.text.replace(/\s/g, '').length < 20) throw new FileRefusedError(tx.pdfWithoutText(file.given), 'unreadable');
    return { text: read.text, format: 'pdf', ...(read.title ? { title: read.title } : {}) };
  },
  html: async (file) => {
    const { htmlText } = await import('./files/html.ts');
    const page = htmlText(await readFile(file.path));
    return withText(file, {
      text: page.text,
      format: 'html',
      ...(page.title ? { title: page.title } : {}),
      ...(page.published ? { published: page.published } : {}),
      ...(page.site ? { site: page.site } : {}),
    });
  },
};

/**
 * A notice is a few pages: the shipped one is 20 KB of text, a scanned PDF a few MB. Anything
 * past this is refused before it is read (a file held whole in memory to be parsed).
 */
export const NOTICE_MAX_BYTES = 20 * 1024 * 1024;

/** Spreadsheets go to data/import/sheet by path; these kinds are what it reads. */
export const sheetKinds: readonly FileKind[] = ['xlsx', 'csv'];
