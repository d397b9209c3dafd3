import { readFile } from 'node:fs/promises';
import { AppError } from '../data/errors.ts';
import {
  checkSize,
  type FileFacts,
  FileRefusedError,
  inspectFile,
  misnamed,
  refusal,
} from '../data/import/file-kind.ts';
import type { ReplaceWording } from '../data/import/diff.ts';
import type { NoticeSource } from '../data/import/notice.ts';
import type { ImportActor } from '../data/import/service.ts';
import { previewNotice, previewSheets } from '../data/import/preview.ts';
import { NOTICE_MAX_BYTES, type NoticeText, noticeReaders, sheetKinds } from '../data/import/readers.ts';
import { IssuerNotFound } from '../data/import/refusal.ts';
import type { HandlerContext } from './context.ts';
import { withIssuer } from './import-issuer.ts';
import { type Reply, reply } from './reply.ts';
import { ChatFileError, type KeptFile, type PendingImport } from './services.ts';

/** What a pending import keeps of a file (data/pending-imports.ts). */
export type PendingFile = NonNullable<PendingImport['file']>;

/**
 * A spreadsheet waits for /apply inside its pending import (base64, in the store, so any instance
 * can apply it); past this size the chat refuses it and points to the CLI. A results sheet is a
 * few KB, a province's register about 1 MB, the national one 9 MB.
 */
export const CHAT_SHEET_MAX_BYTES = 20 * 1024 * 1024;
import { chatImportText as x } from './text.ts';

/** The chat asks for a dropping replacement with its own command, not the CLI's flag (diff.ts ReplaceWording). */
export const chatWording: ReplaceWording = { willRefuse: x.willRefuse };

/**
 * A notice or spreadsheet sent to the bot as a file (handlers/import.ts has the pasted text and
 * /apply, /cancel). The platform's service downloads it (bot/imports/chat-files.ts); the file is
 * classified by its bytes and read by the CLI's readers, and the preview is the CLI's preview. A
 * notice's text is what the pending import keeps; a spreadsheet's bytes (base64) wait in it until
 * /apply or /cancel. The downloaded file itself is removed once read.
 */

/** What a file turned into: the preview to show and what /apply needs. */
export type FilePreview =
  | { ok: true; lines: string[]; drops: boolean; roundKey: string; text: string; file: PendingFile }
  | { ok: false; answer: Reply };

/** Downloads the message's file and previews it; the caller keeps the pending import. */
export async function previewChatFile(ctx: HandlerContext): Promise<FilePreview> {
  const files = ctx.services.chatFiles;
  const ref = ctx.file!;
  const shown = ref.name || x.unnamedFile;
  if (!files) return { ok: false, answer: reply(x.fileNotRead(shown), [x.fileProblem.unsupported]) };
  let kept: KeptFile;
  try {
    kept = await files.fetch(ref);
  } catch (err) {
    if (err instanceof ChatFileError) return { ok: false, answer: reply(x.fileNotRead(shown), [problemLine(err)]) };
    throw err;
  }
  try {
    // `/import --issuer 云霄县` sent with the file (quoting it) supplies the issuer, as on the CLI.
    const said = (ctx.text ?? '').replace(/^[\s\S]*?(?:import|ｉｍｐｏｒｔ|导入)/i, '');
    return await readKept(kept, ctx, withIssuer(said).issuer);
  } finally {
    await files.drop(kept.id);
  }
}

async function readKept(kept: KeptFile, ctx: HandlerContext, issuer: string | undefined): Promise<FilePreview> {
  const name = kept.name;
  const refused = (lines: string[]): FilePreview => ({
    ok: false,
    answer: reply(x.fileNotRead(name), lines),
  });
  let facts: FileFacts;
  try {
    facts = { ...(await inspectFile(kept.path)), given: name, name };
  } catch (err) {
    if (err instanceof FileRefusedError) return refused([err.message]);
    throw err;
  }
  const isSheet = sheetKinds.includes(facts.kind) && !misnamed(facts);
  try {
    if (isSheet) {
      if (facts.size > CHAT_SHEET_MAX_BYTES) return refused([x.sheetTooLarge(CHAT_SHEET_MAX_BYTES)]);
      const preview = await previewSheets([kept.path], ctx.data, ctx.now, chatWording);
      const round = preview.plan.round?.write.roundFile.round.key;
      const bytes = await readFile(kept.path);
      return {
        ok: true,
        lines: preview.lines,
        drops: preview.drops,
        roundKey: round ?? name,
        text: '',
        file: { name, format: facts.kind === 'csv' ? 'csv' : 'xlsx', base64: bytes.toString('base64') },
      };
    }
    const read = noticeReaders[facts.kind];
    if (!read || misnamed(facts)) return refused([refusalOf(facts).message]);
    checkSize(facts, NOTICE_MAX_BYTES);
    const notice: NoticeText = await read(facts);
    const file: PendingFile = { name, format: notice.format };
    if (notice.title) file.title = notice.title;
    if (notice.published) file.published = notice.published;
    // The option rides in the kept text, so /apply reads the notice the same way.
    const text = issuer ? `--issuer ${issuer}\n${notice.text}` : notice.text;
    const preview = previewNotice(noticeSource(text, file), ctx.data, ctx.now, chatWording);
    return {
      ok: true,
      lines: preview.lines,
      drops: preview.drops,
      roundKey: preview.plan.write.roundFile.round.key,
      text,
      file,
    };
  } catch (err) {
    if (err instanceof FileRefusedError) return refused([err.message]);
    if (err instanceof IssuerNotFound) return refused([...err.message.split('\n'), x.issuerHowFile]);
    if (err instanceof AppError && err.expose) return refused(err.message.split('\n'));
    throw err;
  }
}

/** The notice source /apply reads again: the text, and what the file said about it. */
export function noticeSource(text: string, file: PendingFile): NoticeSource {
  const given = withIssuer(text);
  const src: NoticeSource = { text: given.text, file: file.name };
  if (given.issuer) src.issuer = given.issuer;
  if (file.format === 'txt' || file.format === 'docx' || file.format === 'pdf' || file.format === 'html')
    src.format = file.format;
  if (file.title) src.title = file.title;
  if (file.published) src.published = file.published;
  return src;
}

/** What became of /apply on a spreadsheet kept since its preview (keep: the pending import stays). */
export type SheetApplied = { ok: true; answer: Reply } | { ok: false; answer: Reply; keep: boolean };

/**
 * /apply on a spreadsheet: its bytes back in a file, read again against the data as it stands,
 * then its register (if any) and its round (if any) through the import service's entry points
 * (audited there).
 */
export async function applySheet(
  pending: PendingImport,
  replace: boolean,
  ctx: HandlerContext,
  by: ImportActor,
): Promise<SheetApplied> {
  const file = pending.file!;
  const files = ctx.services.chatFiles;
  if (!files) return { ok: false, answer: reply(x.fileNotRead(file.name), [x.fileProblem.unsupported]), keep: false };
  const kept = await files.materialize(file.name, Buffer.from(file.base64 ?? '', 'base64'));
  try {
    let preview: Awaited<ReturnType<typeof previewSheets>>;
    try {
      preview = await previewSheets([kept.path], ctx.data, ctx.now, chatWording);
    } catch (err) {
      if (err instanceof AppError && err.expose)
        return { ok: false, answer: reply(x.fileNotRead(file.name), err.message.split('\n')), keep: false };
      throw err;
    }
    if (preview.drops && !replace) return { ok: false, answer: reply(x.needReplace, preview.lines), keep: true };
    const lines: string[] = [];
    const { register, round } = preview.plan;
    if (register) {
      // Through the one register entry point: audited with the sender, the group and what changed.
      const r = await ctx.services.imports!.applyRegister(register, ctx.now, { by, source: file.name });
      lines.push(x.registerApplied(r.added, r.updated));
    }
    if (!round) return { ok: true, answer: reply(x.registerOnlyApplied(file.name), lines) };
    const outcome = await ctx.services.imports!.apply(round.write, ctx.now, { replace, by });
    const k = outcome.roundKey;
    return {
      ok: true,
      answer: reply(!outcome.changed ? x.unchanged(k) : outcome.replaced ? x.replaced(k) : x.applied(k), lines),
    };
  } finally {
    await files.drop(kept.id);
  }
}

/** The refusal of a kind neither importer reads, listing both importers' kinds (as the CLI does). */
function refusalOf(file: FileFacts): FileRefusedError {
  const sheets = Object.fromEntries(sheetKinds.map((k) => [k, async () => undefined]));
  return refusal(file, { ...noticeReaders, ...sheets });
}

/** The one line saying why a file could not be fetched. */
function problemLine(err: ChatFileError): string {
  const p = err.problem;
  return p === 'too_large' ? x.fileProblem.too_large(err.limit ?? 0) : x.fileProblem[p];
}
