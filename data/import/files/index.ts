import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { importText as tx } from '../../../handlers/text.ts';
import { ImportError } from '../../../bot/errors.ts';
import type { NoticeSource } from '../notice.ts';
import { docxText } from './docx.ts';
import { htmlText } from './html.ts';
import { pdfText } from './pdf.ts';
import { type FileKind, sniffKind } from './sniff.ts';
import { decodeText } from './text.ts';

export { type FileKind, sniffKind } from './sniff.ts';

/** Which reader a notice file goes to, by its bytes (a PDF named .xlsx is read as a PDF). */
export function noticeFormat(kind: FileKind): NoticeSource['format'] | undefined {
  if (kind === 'pdf' || kind === 'docx' || kind === 'html' || kind === 'text') return kind === 'text' ? 'txt' : kind;
  return undefined;
}

/**
 * Reads a notice in any of the forms people keep them — .txt (UTF-8, UTF-16 or GBK), .docx, .pdf
 * with a text layer, .html saved from a portal — into the text the notice reader parses. Files
 * that hold no notice text (empty, a scan, a spreadsheet, an old .doc, random bytes) are refused
 * with one Chinese sentence saying what the file is and what to give instead.
 */
export async function readNoticeBytes(bytes: Uint8Array, file: string): Promise<NoticeSource> {
  const name = path.basename(file);
  const kind = sniffKind(bytes);
  switch (kind) {
    case 'empty':
      throw new ImportError(tx.fileEmpty(name));
    case 'ole':
      throw new ImportError(tx.fileOldOffice(name));
    case 'xlsx':
      throw new ImportError(tx.fileIsSheet(name));
    case 'zip':
    case 'binary':
      throw new ImportError(tx.fileUnreadable(name));
    case 'pdf': {
      let read: Awaited<ReturnType<typeof pdfText>>;
      try {
        read = await pdfText(bytes);
      } catch {
        throw new ImportError(tx.fileBroken(name, 'PDF'));
      }
      if (read.text.replace(/\s/g, '').length < 20) throw new ImportError(tx.pdfWithoutText(name));
      return { text: read.text, file: name, format: 'pdf', ...(read.title ? { title: read.title } : {}) };
    }
    case 'docx': {
      let text: string;
      try {
        text = await docxText(bytes);
      } catch {
        throw new ImportError(tx.fileBroken(name, 'Word'));
      }
      if (text.trim() === '') throw new ImportError(tx.fileEmpty(name));
      return { text, file: name, format: 'docx' };
    }
    case 'html': {
      const page = htmlText(bytes);
      if (page.text.trim() === '') throw new ImportError(tx.fileEmpty(name));
      return {
        text: page.text,
        file: name,
        format: 'html',
        ...(page.title ? { title: page.title } : {}),
        ...(page.published ? { published: page.published } : {}),
      };
    }
    case 'text': {
      const { text } = decodeText(bytes);
      if (text.trim() === '') throw new ImportError(tx.fileEmpty(name));
      return { text, file: name, format: 'txt' };
    }
  }
}

/** readNoticeBytes for a path; an unreadable path is refused with the reason. */
export async function readNoticeFile(file: string): Promise<NoticeSource> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError(
      code === 'ENOENT' ? tx.fileMissing(path.resolve(file)) : code === 'EISDIR' ? tx.fileIsDir(file) : tx.readFailed(file, code ?? (err as Error).message),
    );
  }
  return readNoticeBytes(bytes, file);
}
