import { AppError } from '../data/errors.ts';
import { previewNotice } from '../data/import/preview.ts';
import { IssuerNotFound, ReplacementRefused } from '../data/import/refusal.ts';
import { withIssuer } from './import-issuer.ts';
import { auditActor } from './audit.ts';
import type { HandlerContext } from './context.ts';
import { type Reply, reply } from './reply.ts';
import { applySheet, chatWording, noticeSource, previewChatFile } from './import-file.ts';
import type { PendingImport, PendingKey } from './services.ts';
import { shanghai } from './status.ts';
import { adminsInScope, isAdmin, senderName } from './task-scope.ts';
import { chatImportText as x } from './text.ts';

/**
 * Importing a notice from the chat: an admin pastes it (or sends `/import` and the text, or sends
 * the notice or a spreadsheet as a file: handlers/import-file.ts), the bot
 * answers with the CLI's preview (data/import/preview.ts) and keeps the text as a pending import
 * in the store (data/pending-imports.ts: kept across restarts, shared by every PostgreSQL
 * instance); `/apply` (`/apply replace` when the replacement drops items) within
 * IMPORT_PENDING_MINUTES writes it through the one import entry point, so alerts, reminder tasks
 * and the audit trail follow.
 *
 * One pending import per sender and chat: the admin who saw a preview is the one who confirms it
 * (another admin's /apply does not write a text they have not seen, and two admins previewing in
 * one group at once do not overwrite each other); another admin who sends /apply is told whose
 * preview is waiting. The sender's next preview in the same chat replaces their earlier one.
 */
export const IMPORT_PENDING_MINUTES = 30;


/** The shortest pasted text taken for a notice rather than a question. */
const NOTICE_MIN_CHARS = 60;

/** Whether a message without a command reads as a notice: long, and about inspection results. */
export function looksLikeNotice(text: string): boolean {
  const t = text.trim();
  return t.length >= NOTICE_MIN_CHARS && /检查|通报/.test(t) && /不合格|合格率|抽查|检查结果|通报/.test(t);
}

/** Whether a pending import has lapsed at `now` (the caller's clock). */
export function isExpired(pending: PendingImport, now: Date): boolean {
  return now.getTime() > Date.parse(pending.expiresAt);
}

/** /import <text>: the text after the command word, as pasted (line breaks kept). */
export function importCommand(_args: string[], ctx: HandlerContext): Promise<Reply> {
  const raw = ctx.text ?? '';
  const m = /(import|ｉｍｐｏｒｔ|导入)/i.exec(raw);
  return previewImport(m ? raw.slice(m.index + m[0].length) : '', ctx);
}

/** A pasted notice (or /import's text): the preview, and the text kept for /apply. */
export async function previewImport(text: string, ctx: HandlerContext): Promise<Reply> {
  const denied = refuse(ctx);
  if (denied) return denied;
  if (text.trim() === '') return reply(x.usage);
  let preview: ReturnType<typeof previewNotice>;
  try {
    preview = previewNotice({ ...withIssuer(text), file: sourceName(ctx) }, ctx.data, ctx.now, chatWording);
  } catch (err) {
    if (err instanceof AppError && err.expose) return reply(x.refused, refusalLines(err));
    throw err;
  }
  const roundKey = preview.plan.write.roundFile.round.key;
  return keep(ctx, { text, drops: preview.drops, roundKey }, preview.lines);
}

/**
 * A file sent to the bot (or quoted with an @): admins only, checked before anything is
 * downloaded; then the same preview as `npm run import <file>`, kept for /apply.
 */
export async function previewFileImport(ctx: HandlerContext): Promise<Reply> {
  const denied = refuse(ctx);
  if (denied) return denied;
  const read = await previewChatFile(ctx);
  if (!read.ok) return read.answer;
  const pending = { text: read.text, drops: read.drops, roundKey: read.roundKey, file: read.file };
  return keep(ctx, pending, [x.fileRead(read.file.name), ...read.lines]);
}

/** Keeps the sender's pending import (replacing an earlier one in this chat) and answers the preview. */
async function keep(
  ctx: HandlerContext,
  what: Pick<PendingImport, 'text' | 'drops' | 'roundKey' | 'file'>,
  lines: string[],
): Promise<Reply> {
  const book = ctx.services.pendingImports!;
  const key = keyOf(ctx);
  const previous = await book.get(key);
  const by = senderName(ctx);
  await book.put(
    key,
    {
      text: what.text,
      at: ctx.now.toISOString(),
      expiresAt: new Date(ctx.now.getTime() + IMPORT_PENDING_MINUTES * 60_000).toISOString(),
      drops: what.drops,
      roundKey: what.roundKey,
      ...(by ? { by } : {}),
      ...(what.file ? { file: what.file } : {}),
    },
    ctx.now,
  );
  const replaced = previous && !isExpired(previous, ctx.now) ? [x.replacedPending(previous.roundKey)] : [];
  const hint = what.drops ? x.applyReplaceHint : x.applyHint;
  return reply(x.previewTitle(what.roundKey), [...lines, '', ...replaced, hint(IMPORT_PENDING_MINUTES)]);
}

/** /apply [replace]: writes the sender's pending import through ImportService.apply. */
export async function applyImport(args: string[], ctx: HandlerContext): Promise<Reply> {
  const denied = refuse(ctx);
  if (denied) return denied;
  const book = ctx.services.pendingImports!;
  const key = keyOf(ctx);
  const pending = await book.get(key);
  if (!pending) return nothingPending(ctx, key);
  if (isExpired(pending, ctx.now)) {
    await book.remove(key);
    return reply(x.expired(IMPORT_PENDING_MINUTES));
  }
  const replace = args.some((a) => /^(replace|替换|--replace)$/i.test(a));
  try {
    if (pending.file?.base64 !== undefined) {
      // A spreadsheet: its bytes waited in the pending import; read again and applied.
      const done = await applySheet(pending, replace, ctx, auditActor(ctx));
      if (done.ok || !done.keep) await book.remove(key);
      return done.answer;
    }
    // Read again against the data as it stands now: another import may have come in meanwhile.
    const source = pending.file
      ? noticeSource(pending.text, pending.file)
      : { ...withIssuer(pending.text), file: sourceName(ctx, new Date(pending.at)) };
    const preview = previewNotice(source, ctx.data, ctx.now, chatWording);
    if (preview.drops && !replace) return reply(x.needReplace, preview.lines);
    const outcome = await ctx.services.imports!.apply(preview.plan.write, ctx.now, { replace, by: auditActor(ctx) });
    await book.remove(key);
    const k = outcome.roundKey;
    return reply(!outcome.changed ? x.unchanged(k) : outcome.replaced ? x.replaced(k) : x.applied(k));
  } catch (err) {
    // Another import came in between the preview just read and the write: the store refused.
    if (err instanceof ReplacementRefused) return reply(x.needReplace);
    if (err instanceof AppError && err.expose) return reply(x.refused, refusalLines(err));
    throw err;
  }
}

/** A refusal's lines; one saying the issuer is missing adds how to give it here. */
function refusalLines(err: AppError): string[] {
  const lines = err.message.split('\n');
  return err instanceof IssuerNotFound ? [...lines, x.issuerHow] : lines;
}

/** /cancel: drops the sender's pending import. */
export async function cancelImport(_args: string[], ctx: HandlerContext): Promise<Reply> {
  const book = ctx.services.pendingImports;
  if (!book) return reply(x.notConfigured);
  const key = keyOf(ctx);
  const pending = await book.get(key);
  if (!pending) return nothingPending(ctx, key);
  await book.remove(key);
  return reply(isExpired(pending, ctx.now) ? x.expired(IMPORT_PENDING_MINUTES) : x.cancelled(pending.roundKey));
}

/** Not configured, or not an admin here (then: whom to ask, by name). */
function refuse(ctx: HandlerContext): Reply | undefined {
  if (!ctx.services.imports || !ctx.services.pendingImports) return reply(x.notConfigured);
  if (isAdmin(ctx)) return undefined;
  const names = [...new Set(adminsInScope(ctx).flatMap((c) => (c.name ? [c.name] : [])))];
  return reply(x.notAdmin, [names.length > 0 ? x.askAdmins(names) : x.noAdmins]);
}

/** One pending import per sender and chat. */
function keyOf(ctx: HandlerContext): PendingKey {
  const a = auditActor(ctx);
  return { platform: a.platform, chat: ctx.groupId ?? ctx.conversationId ?? '-', user: a.userId ?? a.name ?? '-' };
}

/** Nothing of the sender's own: and when other admins here have previews waiting, whose. */
async function nothingPending(ctx: HandlerContext, key: PendingKey): Promise<Reply> {
  const others = (await ctx.services.pendingImports!.inChat(key.platform, key.chat)).filter(
    (o) => o.key.user !== key.user && !isExpired(o.pending, ctx.now),
  );
  if (others.length === 0) return reply(x.nothingPending);
  return reply(x.nothingOfYours, others.map((o) => x.othersPending(o.pending.by ?? x.anotherAdmin, o.pending.roundKey)));
}

/** The round's source, as /fail and the dashboard name it. */
function sourceName(ctx: HandlerContext, at: Date = ctx.now): string {
  return x.source(senderName(ctx) || ctx.sender.platform, shanghai(at));
}
